"""Team page addresses for Chinese names are pinyin (issue 19 §1), unique and stable; old hashed
addresses forward through the slug registry (pages/redirects.py)."""

from __future__ import annotations

import random

import pytest

from sitegen.pages import is_reserved, name_slug, slugify, unique_slugs
from sitegen.pages.redirects import moved_slugs


@pytest.mark.parametrize("name, slug", [("王丽", "wang-li"), ("李志强", "li-zhiqiang"), ("吕梅", "lv-mei"),
                                        ("王丽 East", "wang-li-east"), ("张三3", "zhang-san-3")])
def test_chinese_names_are_spelt_in_pinyin(name, slug) -> None:
    assert name_slug(name, "owner") == slug


@pytest.mark.parametrize("name", ["Olivia Murphy", "ann", "CON", "nul", "", "ａｂ"])
def test_other_names_are_slugified_as_before(name) -> None:
    assert name_slug(name, "owner") == slugify(name, "owner")
    assert not is_reserved(name_slug(name, "owner"))


def test_homophones_and_invisible_variants_get_distinct_stable_slugs() -> None:
    ids = ["王丽", "王莉", "李志强", "王丽\u200b", "wang-li"]
    slugs = unique_slugs(ids, "owner", spell=name_slug)
    assert len(set(slugs.values())) == len(ids)
    assert slugs["wang-li"] == "wang-li" and slugs["李志强"] == "li-zhiqiang"
    assert slugs["王丽"].startswith("wang-li-") and slugs["王莉"].startswith("wang-li-")
    for _ in range(5):
        shuffled = random.sample(ids, len(ids))
        assert unique_slugs(shuffled, "owner", spell=name_slug) == slugs


def test_old_hashed_team_addresses_forward_to_the_pinyin_ones() -> None:
    names = ["王丽", "李志强"]
    old = unique_slugs(names, "owner")  # the hashed slugs of earlier builds
    assert all(s.startswith("owner-") for s in old.values())
    current = {"team": unique_slugs(names, "owner", spell=name_slug)}
    moved = moved_slugs({"team": old}, current)
    assert moved["team"] == {old["王丽"]: "王丽", old["李志强"]: "李志强"}
    assert current["team"] == {"王丽": "wang-li", "李志强": "li-zhiqiang"}
