"""Links that last: slugs stay the same for the same id, and a changed slug leaves a redirect page."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.pages import redirects, slugify

AS_OF = "2026-06-30"
OLD_SLUG = "old-rule-c00002"


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict:
    """Build the demo site, then rename a customer and fake a slug-rule change, and build again."""
    from sitegen.demo import generate_demo_data

    root = tmp_path_factory.mktemp("redirects")
    generate_demo_data(root / "data", customers=120, seed=1, as_of=date(2026, 6, 30))
    config = load_config(cwd=root)
    out = config.output_dir
    build_site(config, as_of=AS_OF)
    first = json.loads((out / redirects.REGISTRY).read_text(encoding="utf-8"))

    customers = root / "data" / "customers.csv"
    lines = customers.read_text(encoding="utf-8").splitlines()
    renamed_id, old_name = lines[1].split(",")[:2]
    lines[1] = lines[1].replace(old_name, "Brand New Name Holdings", 1)
    customers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    registry = dict(first)
    registry["customers"] = {**first["customers"], "C00002": OLD_SLUG}  # as an older slug rule had it
    (out / redirects.REGISTRY).write_text(json.dumps(registry), encoding="utf-8")
    build_site(config, as_of=AS_OF)
    second = json.loads((out / redirects.REGISTRY).read_text(encoding="utf-8"))
    return {"out": out, "first": first, "second": second, "renamed": renamed_id}


def test_every_customer_and_owner_page_is_in_the_registry(builds: dict) -> None:
    out, first = builds["out"], builds["first"]
    assert first["moved"] == {"customers": {}, "team": {}}
    for folder in ("customers", "team"):
        assert first[folder]
        for slug in first[folder].values():
            assert (out / folder / slug / "index.html").is_file(), f"{folder}/{slug}"


def test_a_renamed_customer_keeps_its_url(builds: dict) -> None:
    cid = builds["renamed"]
    slug = builds["first"]["customers"][cid]
    assert builds["second"]["customers"][cid] == slug == slugify(cid)
    page = (builds["out"] / "customers" / slug / "index.html").read_text(encoding="utf-8")
    assert "Brand New Name Holdings" in page


def test_a_changed_slug_leaves_a_redirect_page(builds: dict) -> None:
    out = builds["out"]
    new = builds["second"]["customers"]["C00002"]
    html = (out / "customers" / OLD_SLUG / "index.html").read_text(encoding="utf-8")
    target = f"../{new}/index.html"
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in html
    assert f'<link rel="canonical" href="{target}">' in html
    assert f'<a href="{target}">' in html
    assert (out / "customers" / OLD_SLUG / target).resolve() == (out / "customers" / new / "index.html").resolve()
    assert builds["second"]["moved"]["customers"] == {OLD_SLUG: "C00002"}
    assert "customers/" + OLD_SLUG + "/index.html" in (out / ".sitegen-manifest").read_text(encoding="utf-8")


def test_redirects_are_kept_across_later_builds() -> None:
    previous = {"customers": {"C1": "c1"}, "moved": {"customers": {"ancient-c1": "C1", "gone": "C9"}}}
    moved = redirects.moved_slugs(previous, {"customers": {"C1": "c1"}, "team": {}})
    assert moved == {"customers": {"ancient-c1": "C1"}, "team": {}}


def test_no_redirect_over_a_live_page_or_for_vanished_or_unsafe_entries() -> None:
    previous = {"customers": {"C1": "c2", "C3": "../../etc", "C4": "Old Slug"}, "moved": "junk"}
    current = {"customers": {"C1": "c1", "C2": "c2", "C3": "c3", "C4": "c4"}, "team": {}}
    assert redirects.moved_slugs(previous, current) == {"customers": {}, "team": {}}
    assert redirects.moved_slugs({"customers": {"C5": "c5-old"}}, current) == {"customers": {}, "team": {}}


def test_an_unreadable_registry_means_no_redirects(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / redirects.REGISTRY).write_text("{not json", encoding="utf-8")
    site = SimpleNamespace(config=SimpleNamespace(output_dir=tmp_path))
    assert redirects.read_registry(site) == {}


def test_redirect_page_is_tiny_and_escaped() -> None:
    html = redirects.redirect_page('../a"b/index.html', "zh-CN").decode("utf-8")
    assert '<html lang="zh-CN">' in html and "此页面已移至" in html
    assert 'url=../a&quot;b/index.html' in html and "<script" not in html
    assert len(re.findall(r"<a ", html)) == 1


def test_no_redirect_page_in_a_folder_named_like_a_windows_device() -> None:
    """A registry from before device names got a hash (``CON`` had the slug ``con``) leaves no
    ``customers/con/`` folder behind, which would break the site on an SMB share."""
    previous = {"customers": {"CON": "con", "C1": "old-c1"}}
    current = {"customers": {"CON": "con-1b0e5e8a", "C1": "c1"}, "team": {}}
    assert redirects.moved_slugs(previous, current) == {"customers": {"old-c1": "C1"}, "team": {}}
