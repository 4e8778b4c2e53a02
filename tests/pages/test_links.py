"""Every internal link and asset of every page of the demo build resolves (SPEC §6: relative
links everywhere, every asset local)."""

from __future__ import annotations

import html.parser
import re
import shutil
from pathlib import Path

import pytest
from urllib.parse import unquote, urlsplit

EXTERNAL = ("mailto:", "tel:", "data:")


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.duplicate_ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            if values["id"] in self.ids:
                self.duplicate_ids.add(values["id"])
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append(values[name])


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(out: Path) -> list[str]:
    """Links and assets of every page under ``out`` that do not resolve to a file (or to an id in it)."""
    parsed = {p: parse(p) for p in sorted(out.rglob("*.html"))}
    broken = []
    for page, links in parsed.items():
        for link in links.links:
            assert not link.lower().startswith("javascript:"), (page, link)
            if link.startswith(EXTERNAL):
                continue
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{page}: absolute or remote link {link}"
            assert not link.startswith("/"), f"{page}: root-absolute link {link} breaks at a sub-path"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                broken.append(f"{page.relative_to(out)} -> {link}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and "=" not in fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if fragment not in ids:
                    broken.append(f"{page.relative_to(out)} -> {link} (no id {fragment!r})")
    return broken


def test_every_internal_link_and_asset_resolves(built_en) -> None:
    assert len(list(built_en.out.rglob("*.html"))) > 300
    broken = broken_links(built_en.out)
    assert not broken, "\n".join(broken[:30])


@pytest.mark.parametrize("files", ["pipeline.csv", "orders.csv"])
def test_a_site_with_one_input_builds_with_every_link_working(demo_site: Path, tmp_path: Path, files: str) -> None:
    """A section without its data says so instead of failing; its links still resolve."""
    from sitegen.build import build_site
    from sitegen.config import load_config

    (tmp_path / "data").mkdir()
    shutil.copy(demo_site / "data" / files, tmp_path / "data" / files)
    out = build_site(load_config(cwd=tmp_path), as_of="2026-06-30").out
    broken = broken_links(out)
    assert not broken, "\n".join(broken[:30])
    assert (out / "team" / "index.html").is_file() and (out / "reports" / "index.html").is_file()


def test_ids_are_unique_on_every_page(built_en) -> None:
    """Section anchors and table ids are link targets; a duplicate would make a shared link ambiguous."""
    duplicates = {str(p.relative_to(built_en.out)): parse(p).duplicate_ids for p in built_en.out.rglob("*.html")}
    assert not {page: ids for page, ids in duplicates.items() if ids}


def test_links_to_folders_always_name_index_html(built_en) -> None:
    """Links end in index.html, so they work opened from disk where a folder does not open its index."""
    for page in built_en.out.rglob("*.html"):
        for link in parse(page).links:
            path = urlsplit(link).path
            assert not (path.endswith("/") or path in ("..", ".")), f"{page}: {link}"


def test_data_files_are_script_files_loadable_from_disk(built_en) -> None:
    """Table and search data are <script src> files (fetch() of JSON fails on file://)."""
    for name in ("customers-index.js", "deals.js", "search-index.js"):
        text = (built_en.out / "data" / name).read_text(encoding="utf-8")
        assert re.match(r"window\.SITEGEN_(DATA|SEARCH)", text.lstrip()), name
