"""Slugs of customer and owner pages: unique whatever the ids, order-independent, safe on every
file system (no Windows device names), and distinct for ids that differ only by invisible
characters (issue 14, defects 2-4)."""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.pages import is_reserved, slugify, unique_slugs

SLUG = re.compile(r"[a-z0-9_-]+")
RESERVED = ["CON", "PRN", "AUX", "NUL", *(f"COM{d}" for d in range(10)), *(f"LPT{d}" for d in range(10))]


def h8(text: str, round_: int = 1) -> str:
    """The hash unique_slugs appends in round ``round_`` (round 1: SHA-1 of the id)."""
    data = text if round_ == 1 else text + "\x00" + str(round_)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:8]


def test_issue_example_ids_get_three_slugs() -> None:
    ids = ["C1", "c1", f"c1-{h8('C1')}"]
    slugs = unique_slugs(ids)
    assert len(set(slugs.values())) == 3
    assert slugs["c1"] == "c1" and slugs[f"c1-{h8('C1')}"] == f"c1-{h8('C1')}"  # exact ids keep their text
    assert unique_slugs(list(reversed(ids))) == slugs


def test_chains_of_hashed_looking_ids_are_resolved() -> None:
    """Every id in a chain spells the slug the previous one would move to."""
    ids = ["C1", "c1"]
    for _ in range(4):
        ids.append(f"{ids[-1].lower()}-{h8(ids[-1])}")
        ids.append(ids[-1].upper())
    slugs = unique_slugs(ids)
    assert len(set(slugs.values())) == len(ids)


@pytest.mark.parametrize("name", [*RESERVED, *(n.lower() for n in RESERVED), "Con", "nUl", "con.txt", "aux.html",
                                  "lpt9.", " com1"])
def test_windows_device_names_are_never_slugs(name: str) -> None:
    slug = slugify(name)
    assert SLUG.fullmatch(slug) and not is_reserved(slug)
    assert slugify(name) == slug  # stable


def test_ordinary_ids_keep_their_text() -> None:
    assert [slugify(i) for i in ("c001", "ACME_1", "console", "com10", "lpt", "nul-1")] == \
        ["c001", "acme_1", "console", "com10", "lpt", "nul-1"]


def test_invisible_characters_give_another_slug() -> None:
    for mark in ("\u200b", "\u200d", "\ufeff", "\u200e", "\u202e", "\u2066"):
        assert slugify(f"C{mark}1") != slugify("C1")
        slugs = unique_slugs(["C1", f"C{mark}1", f"C1{mark}"])
        assert len(set(slugs.values())) == 3


# --- property: any distinct ids -------------------------------------------------------------

def _variants(base: str) -> list[str]:
    """Case variants and strings built to look like the slugs unique_slugs would give ``base``."""
    slug = slugify(base)
    return [base, base.upper(), base.lower(), base.swapcase(), slug, f"{slug}-{h8(base)}",
            f"{slug}-{h8(base.upper())}", f"{slug}-{h8(base, 2)}",
            f"{slug}-{h8(base.upper(), 2)}"]


texts = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["C1", "c1", "CON", "con", "Nul", "com1", "LPT9", "a\u200bb", "ab", "\u202eab", "K1", "\u212a1", "", "-", ".."])
id_lists = st.lists(texts.flatmap(lambda base: st.lists(st.sampled_from(_variants(base)), min_size=1, max_size=4)),
                    max_size=12).map(lambda groups: list(dict.fromkeys(i for g in groups for i in g)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ids=id_lists, seed=st.integers(0, 2**32 - 1))
def test_unique_slugs_for_any_ids(ids: list[str], seed: int) -> None:
    slugs = unique_slugs(ids, "customer")
    assert set(slugs) == set(ids)
    assert len(set(slugs.values())) == len(ids)
    for slug in slugs.values():
        assert SLUG.fullmatch(slug), slug
        assert not is_reserved(slug), slug
    shuffled = ids[:]
    random.Random(seed).shuffle(shuffled)
    assert unique_slugs(shuffled, "customer") == slugs
    assert unique_slugs(ids, "customer") == slugs


# --- through a real build ---------------------------------------------------------------------

def test_build_with_colliding_and_reserved_ids(tmp_path: Path) -> None:
    hashed = f"c1-{h8('C1')}"
    ids = ["C1", "c1", hashed, "CON", "nul", "Aux", "com1", "LPT9", "con.txt", "C\u200b1"]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "customers.csv").write_text(
        "customer_id,name,owner\n" + "".join(f"{i},Name {n},{i}\n" for n, i in enumerate(ids)), encoding="utf-8")
    (tmp_path / "data" / "orders.csv").write_text(
        "customer_id,order_date,amount\n" + "".join(f"{i},2026-06-01,{n + 1}\n" for n, i in enumerate(ids)),
        encoding="utf-8")
    out = build_site(load_config(cwd=tmp_path), as_of="2026-06-30", jobs=1).out
    for folder in ("customers", "team"):
        pages = [p.parent.name for p in (out / folder).glob("*/index.html")]
        assert len(pages) == len(ids), (folder, sorted(pages))
        assert not any(is_reserved(name) for name in pages)
    names = {p.parent.name: p.read_text(encoding="utf-8") for p in (out / "customers").glob("*/index.html")}
    assert "Name 2" in names[hashed] and "Name 1" in names["c1"]
