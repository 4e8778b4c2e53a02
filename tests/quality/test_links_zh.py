"""The link checker of tests/pages/test_links.py (run there on an English build) on the Chinese
build too: every internal link and asset of every page resolves in both languages."""

from __future__ import annotations

from pathlib import Path

from tests.pages.test_links import broken_links


def test_every_internal_link_and_asset_of_the_chinese_build_resolves(site_zh: Path) -> None:
    assert len(list(site_zh.rglob("*.html"))) > 300
    broken = broken_links(site_zh)
    assert not broken, "\n".join(broken[:30])
