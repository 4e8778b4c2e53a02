"""Links that last: a slug registry in the output, and redirect pages where a slug changed.

Every build writes ``data/slugs.json`` (id -> slug for customers and team members). The next
build reads the previous registry from the output folder, an input of the build like the data:
when an id that still exists now has another slug (a changed slug rule, a collision that
appeared), the old path gets a tiny page that forwards to the new one. Forwards are kept in the
registry (``moved``), so a link mailed a year ago still works after several renames.
"""

from __future__ import annotations

import html
import re
from typing import Any, Iterator, Mapping

import orjson

from sitegen.pages import File, Site, is_reserved

REGISTRY = "data/slugs.json"
_SLUG = re.compile(r"^[a-z0-9_-]+$")  # what slugify produces; anything else in an old registry is ignored
MOVED = {"en": "This page has moved to", "zh-CN": "此页面已移至"}
REDIRECT = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="robots" content="{robots}">
<title>{title}</title>
<link rel="canonical" href="{url}">
<meta http-equiv="refresh" content="0; url={url}">
</head>
<body>
<p>{moved} <a href="{url}">{target}</a></p>
</body>
</html>
"""


def current_slugs(site: Site) -> dict[str, dict[str, str]]:
    """Folder under the output root -> id -> slug, from the same lookups the pages link with."""
    return {"customers": dict(site.customer_slugs), "team": dict(site.owner_slugs)}


def read_registry(site: Site) -> dict[str, Any]:
    """The previous build's registry, or an empty one when there is none or it is unreadable."""
    path = site.config.output_dir / REGISTRY
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def moved_slugs(previous: Mapping[str, Any], current: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Folder -> old slug -> id, for ids that still exist under another slug whose old path is free."""
    moved: dict[str, dict[str, str]] = {}
    old_moves = previous.get("moved") if isinstance(previous.get("moved"), dict) else {}
    for folder, slugs in current.items():
        old: dict[str, str] = {}
        for source in (old_moves.get(folder), {v: k for k, v in _mapping(previous.get(folder)).items()}):
            old.update(_mapping(source))
        live = set(slugs.values())
        moved[folder] = {slug: cid for slug, cid in sorted(old.items())
                         if cid in slugs and slugs[cid] != slug and slug not in live and _SLUG.match(slug)
                         and not is_reserved(slug)}
    return moved


def _mapping(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def redirect_page(target: str, language: str, public: bool = False) -> bytes:
    """A page that forwards to ``target`` (relative URL) at once, with a link for browsers that do not; never
    indexed, and not followed either unless the site is ``[site] public``."""
    url = html.escape(target, quote=True)
    return REDIRECT.format(lang=language, robots="noindex" if public else "noindex, nofollow",
                           title=html.escape(MOVED.get(language, MOVED["en"])), url=url,
                           moved=html.escape(MOVED.get(language, MOVED["en"])),
                           target=html.escape(target.removesuffix("index.html"))).encode("utf-8")


def pages(site: Site) -> Iterator[File]:
    current = current_slugs(site)
    moved = moved_slugs(read_registry(site), current)
    for folder, entries in moved.items():
        for old, cid in entries.items():
            yield File(f"{folder}/{old}/index.html",
                       redirect_page(f"../{current[folder][cid]}/index.html", site.config.site.language,
                                     site.config.site.public))
    registry = {**current, "moved": moved}
    yield File(REGISTRY, orjson.dumps(registry, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
