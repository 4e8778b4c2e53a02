"""The SOP playbook: markdown pages with front matter -> :class:`Document` objects.

Pages live in the site's ``content/playbook/<language>/`` (``[build] content``); a site without
a playbook folder gets sitegen's default playbook. Each page is validated (front matter),
rendered (markdown, task lists, links between pages rewritten to their URLs) and sanitised.
This stage links pages to stages and tiers; it knows nothing about metrics.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

from sitegen.config import Config
from sitegen.dataset import display_path
from sitegen.dataset.problems import Problem
from sitegen.discount_config import approval_table
from sitegen.playbook import claims
from sitegen.playbook.frontmatter import EXTRA_FIELDS, KINDS, ROLES, TIERS, Header, parse_header, split
from sitegen.playbook.markup import TocEntry, render_body
from sitegen.playbook.safeyaml import quote
from sitegen.resources import default_content

URL_ROOT = "playbook"
SKIPPED_NAMES = ("readme.md",)  # notes for the people who write the playbook, not pages
_UNSAFE = re.compile(r"[^\w-]+")
DISCOUNT_TABLE = "{{discount-approval}}"  # a line of its own: the [[discount_approval]] table of sitegen.toml


@dataclass(frozen=True)
class Document:
    """One playbook page."""

    source: str                 # path relative to the playbook folder, e.g. "stages/lead.md"
    url: str                    # output path relative to the site root, e.g. "playbook/stages/lead/index.html"
    title: str
    kind: str                   # one of KINDS
    order: int
    summary: str
    stage: str | None           # a configured stage key
    tier: str | None            # one of TIERS
    roles: tuple[str, ...]      # from ROLES
    meta: Mapping[str, Any]     # goal, entry_criterion, exit_criterion, key_actions, output_document, service_model
    html: str                   # sanitised body HTML
    toc: tuple[TocEntry, ...]   # headings (levels 2-3) for an on-page table of contents
    text: str                   # plain text for the site search index


@dataclass(frozen=True)
class Playbook:
    """Every page of the playbook, sorted by kind, then ``order``, then source path."""

    documents: tuple[Document, ...]

    @cached_property
    def _guides(self) -> dict[str, Document]:
        return {d.stage: d for d in self.documents if d.kind == "stage-guide" and d.stage}

    @cached_property
    def _policies(self) -> dict[str, Document]:
        return {d.tier: d for d in self.documents if d.kind == "policy" and d.tier}

    def stage_guide(self, stage_key: str) -> Document | None:
        """The guide of a stage (its exit criterion and key actions are in ``meta``)."""
        return self._guides.get(stage_key)

    def tier_policy(self, tier: str) -> Document | None:
        """The service policy of a customer tier (``meta["service_model"]``)."""
        return self._policies.get(tier)


@dataclass(frozen=True)
class _Source:
    """One page read from disk: where it is, its validated front matter, its markdown."""

    source: str
    file: str      # as shown in messages
    url: str
    header: Header
    body: str
    raw: str


def load_playbook(config: Config) -> tuple[Playbook, list[Problem]]:
    """Load the playbook for ``[site] language``; problems with severity "error" must stop the build."""
    problems: list[Problem] = []
    folder, is_default = playbook_folder(config, problems)
    if folder is None:
        return Playbook(()), problems
    sources = _read_sources(folder, config, is_default, problems)
    _check_unique(sources, problems)
    urls = {s.source: s.url for s in sources}
    shows = config.audience.shows if config.audience is not None else (lambda section: True)
    documents = []
    for s in sources:
        rendered = render_body(_tables(s.body, config), _resolver(s, urls, shows))
        for href in rendered.broken_links:
            problems.extend(_broken_link(s, href))
        problems.extend(_remote_image(s, src, config) for src in rendered.remote_images)
        h = s.header
        documents.append(Document(
            source=s.source, url=s.url, title=h.title, kind=h.kind, order=h.order, summary=h.summary,
            stage=h.stage, tier=h.tier, roles=h.roles, meta=h.meta, html=rendered.html, toc=rendered.toc,
            text=f"{h.title} {h.summary} {rendered.text}",
        ))
    documents.sort(key=lambda d: (KINDS.index(d.kind), d.order, d.source))
    problems.sort(key=lambda p: (p.severity != "error", p.file, p.line, p.message))
    return Playbook(tuple(documents)), problems


def playbook_folder(config: Config, problems: list[Problem]) -> tuple[Path | None, bool]:
    """The site's ``content/playbook/<language>/``, else sitegen's default; flag whether it is the default."""
    language = config.site.language
    own = config.content_dir / URL_ROOT
    if (own / language).is_dir():
        return own / language, False
    if own.is_dir():
        problems.append(Problem(display_path(own, config.root), 0, "",
                                f"no {language} folder in the playbook; using sitegen's default playbook",
                                f"put the pages in {display_path(own / language, config.root)}/", "warning"))
    default = default_content() / URL_ROOT / language
    return (default, True) if default.is_dir() else (None, True)


def page_url(source: str) -> str:
    """``stages/lead.md`` -> ``playbook/stages/lead/index.html`` (lowercase, safe folder names)."""
    parts = source[:-3].split("/") if source.lower().endswith(".md") else source.split("/")
    slugs = [_UNSAFE.sub("-", part.lower()).strip("-") or "page" for part in parts]
    return "/".join([URL_ROOT, *slugs, "index.html"])


def _read_sources(folder: Path, config: Config, is_default: bool, problems: list[Problem]) -> list[_Source]:
    sources = []
    for path in sorted(folder.rglob("*.md")):
        rel = path.relative_to(folder)
        if any(part.startswith((".", "_")) for part in rel.parts) or path.name.lower() in SKIPPED_NAMES:
            continue
        file = display_path(path, config.root)
        if not path.is_file():  # a folder, a named pipe (reading it would wait forever), a broken link
            problems.append(Problem(file, 0, "", "not a regular file", "a playbook page is a markdown text file"))
            continue
        try:
            raw = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            problems.append(Problem(file, 0, "", "not UTF-8 text", "save the file as UTF-8"))
            continue
        except OSError as exc:
            problems.append(Problem(file, 0, "", f"cannot read it: {exc.strerror or exc}", "check its permissions"))
            continue
        front, body = split(raw)
        if front is None:
            problems.append(Problem(file, 1, "", "no front matter",
                                    "start the file with a --- line, the fields (title, kind, order, summary), "
                                    "and another --- line"))
            continue
        header, found = parse_header(front, file, config, lenient_stages=is_default)
        problems.extend(found)
        if header is not None:
            source = rel.as_posix()
            sources.append(_Source(source, file, page_url(source), header, body, raw))
    return sources


def _check_unique(sources: list[_Source], problems: list[Problem]) -> None:
    """One guide per stage, one policy per tier, one page per URL."""
    claims: dict[tuple[str, str], _Source] = {}
    for s in sources:
        keys = [("url", s.url)]
        if s.header.kind == "stage-guide" and s.header.stage:
            keys.append(("stage guide", s.header.stage))
        if s.header.kind == "policy" and s.header.tier:
            keys.append(("tier policy", s.header.tier))
        for key in keys:
            first = claims.setdefault(key, s)
            if first is not s:
                what = f"same page address as {first.file}" if key[0] == "url" else \
                    f"second {key[0]} for {key[1]!r} (the first is {first.file})"
                problems.append(Problem(s.file, 1, "", what, "rename the file or change its front matter"))


def _tables(body: str, config: Config) -> str:
    """The body with each ``{{discount-approval}}`` line replaced by the configured approval table."""
    if DISCOUNT_TABLE not in body:
        return body
    table = approval_table(config.discount_approval, config.site.language)
    return "\n".join(table if line.strip() == DISCOUNT_TABLE else line for line in body.split("\n"))


def _broken_link(page: _Source, href: str) -> list[Problem]:
    """The warning for a link that lost its target: a missing page, or a claim marker naming no site page."""
    line = _line_of(page.raw, href)
    if not claims.is_claim(href):
        return [Problem(page.file, line, "", f"link to a page that does not exist: {href}",
                        "check the path; the link is shown as plain text", "warning")]
    name, _ = claims.parse(href)
    if name in claims.TARGETS:
        return []  # a page this audience's site leaves out: the claim is plain text, rightly
    return [Problem(page.file, line, "", f"claim marker names no page of the site: {quote(href)}",
                    f"write site:PAGE#SECTION with PAGE one of {claims.known_names()}; "
                    "the link is shown as plain text", "warning")]


def _resolver(page: _Source, urls: Mapping[str, str], shows=lambda section: True):
    """Rewrite relative links to ``.md`` pages into relative links to their ``index.html``, and
    claim markers (``site:customer#receivables``) into links to the site's pages."""
    here = posixpath.dirname(page.url)

    def resolve(href: str) -> str | None:
        if claims.is_claim(href):
            return claims.resolve(href, page.url, shows)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.lower().endswith(".md") or parts.path.startswith("/"):
            return href
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page.source), unquote(parts.path)))
        if target not in urls:
            return None
        link = posixpath.relpath(urls[target], here)
        return link + (f"#{parts.fragment}" if parts.fragment else "")

    return resolve


def _remote_image(page: _Source, src: str, config: Config) -> Problem:
    """The warning for an image loaded from another host (dropped from the page: it shows its alt text)."""
    static = display_path(config.templates_dir / "static", config.root)
    assets = posixpath.relpath("assets", posixpath.dirname(page.url))
    body_line, at = page.raw.count("\n") - page.body.count("\n") + 1, _line_of(page.body, src)
    line = body_line + at - 1 if at else body_line
    return Problem(page.file, line, "", f"remote image {quote(src)} is not allowed: the site must work offline",
                   f"save the image in {static}/ and link it relatively, as {assets}/NAME.png; "
                   "the page shows the image's alt text instead", "warning")


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


__all__ = ["Document", "Playbook", "TocEntry", "load_playbook", "page_url", "playbook_folder",
           "KINDS", "TIERS", "ROLES", "EXTRA_FIELDS"]
