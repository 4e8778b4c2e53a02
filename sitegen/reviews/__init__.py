"""Review meetings: ``content/reviews/<period>.md`` -> :class:`Review` objects with their action items.

One file per review: a month (``2026-11.md``), quarter (``2026-Q4.md``), year (``2026.md``) or ISO week
(``2026-W48.md``, the weekly pipeline meeting). The team's files sit in ``content/reviews/``; a file in
``content/reviews/<language>/`` replaces the team file of the same period in a site of that language.
Front matter is validated like the playbook's, the body rendered and sanitised by the playbook's
markup. Actions keep their id across files, so a later review updates an earlier one's action.
This stage knows nothing about metrics: :mod:`sitegen.metrics.actions` joins the actions with the date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Iterator

from sitegen.config import LANGUAGES, Config
from sitegen.dataset import display_path
from sitegen.dataset.problems import Problem
from sitegen.playbook.frontmatter import split
from sitegen.playbook.markup import TocEntry, render_body
from sitegen.playbook.safeyaml import quote
from sitegen.reviews.header import STATUSES, ActionEntry, derived_id, parse_review_header
from sitegen.reviews.periods import ReviewPeriod, parse_review_period, week_of

FOLDER = "reviews"
MAX_FILE_BYTES = 1024 * 1024  # a review's notes are a few pages; a bigger file is a mistake (and slow to render)
SKIPPED_NAMES = ("readme.md",)
ID_PREFIX = "review-"  # heading ids of the notes, so they never clash with the page's own sections
_TAG = re.compile(r"<[a-zA-Z][^>]*>")  # nh3 escapes ">" inside attribute values, so a tag ends at the first ">"
_ID = re.compile(r'(\s)(id="|href="#)')
_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")  # text has "<" escaped, so this is a tag
TOP_HEADING = 3  # the notes sit under the page's "Review meeting" (h2): their first heading level becomes h3


@dataclass(frozen=True)
class Review:
    """One review meeting: its period, what the front matter says and the sanitised notes."""

    period: ReviewPeriod
    file: str                    # as shown in messages
    title: str | None
    date: date | None            # of the meeting
    attendees: tuple[str, ...]
    actions: tuple[ActionEntry, ...]
    html: str                    # sanitised notes; heading ids start with ID_PREFIX
    toc: tuple[TocEntry, ...]
    text: str

    @property
    def held(self) -> date:
        """When the actions were agreed: the meeting's date, else the period's last day."""
        return self.date or self.period.end


@dataclass(frozen=True)
class Reviews:
    """Every review of the site, in the order their files apply (:attr:`ReviewPeriod.order`)."""

    reviews: tuple[Review, ...] = ()

    @cached_property
    def _by_label(self) -> dict[str, Review]:
        return {r.period.label: r for r in self.reviews}

    def get(self, label: str) -> Review | None:
        """The review of a period label (``2026-11``, ``2026-W48``), if there is one."""
        return self._by_label.get(label)

    def week(self, day: date) -> Review | None:
        """The weekly review of the ISO week containing ``day``."""
        return self.get(week_of(day).label)

    def __iter__(self) -> Iterator[Review]:
        return iter(self.reviews)

    def __len__(self) -> int:
        return len(self.reviews)


def load_reviews(config: Config) -> tuple[Reviews, list[Problem]]:
    """Every review file of the site for ``[site] language``; problems with severity "error" must stop the build."""
    problems: list[Problem] = []
    reviews = []
    for period, path in review_files(config, problems).items():
        review = _read(path, period, config, problems)
        if review is not None:
            reviews.append(review)
    reviews.sort(key=lambda r: r.period.order)
    _check_actions(reviews, problems)
    problems.sort(key=lambda p: (p.severity != "error", p.file, p.line, p.message))
    return Reviews(tuple(reviews)), problems


def review_folder(config: Config) -> Path:
    """``content/reviews/`` of the site (``[build] content``)."""
    return config.content_dir / FOLDER


def review_files(config: Config, problems: list[Problem]) -> dict[ReviewPeriod, Path]:
    """Period -> its file: the team's ``content/reviews/*.md``, replaced by ``content/reviews/<language>/*.md``."""
    folder = review_folder(config)
    found: dict[ReviewPeriod, Path] = {}
    for where in (folder, folder / config.site.language):
        if not where.is_dir():
            continue
        for path in sorted(where.glob("*.md")):
            if path.name.startswith((".", "_")) or path.name.lower() in SKIPPED_NAMES:
                continue
            period = parse_review_period(path.stem, config.site.fiscal_year_start)
            if period is None:
                problems.append(Problem(display_path(path, config.root), 0, "",
                                        f"the file name {quote(path.stem)} is not a review period",
                                        "name it after its period: 2026-11.md, 2026-Q4.md, 2026.md or 2026-W48.md"))
                continue
            found[period] = path
    for other in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else ():
        if other.name not in LANGUAGES:
            problems.append(Problem(display_path(other, config.root), 0, "", "not a language folder: its files are "
                                    "not read", f"reviews go in {FOLDER}/ or {FOLDER}/<language>/ ("
                                    + ", ".join(LANGUAGES) + ")", "warning"))
    return found


def _read(path: Path, period: ReviewPeriod, config: Config, problems: list[Problem]) -> Review | None:
    file = display_path(path, config.root)
    try:
        if not path.is_file():
            problems.append(Problem(file, 0, "", "not a regular file", "a review is a markdown file"))
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(file, 0, "", f"the file is too large: {size:,} bytes (the limit is "
                                    f"{MAX_FILE_BYTES // 1024 // 1024} MiB)", "keep a review's notes to a few "
                                    "pages; link longer documents"))
            return None
        raw = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        problems.append(Problem(file, 0, "", "not UTF-8 text", "save the file as UTF-8"))
        return None
    except OSError as exc:
        problems.append(Problem(file, 0, "", f"cannot read it: {exc.strerror}", "check the file's permissions"))
        return None
    front, body = split(raw)
    if front is None:
        problems.append(Problem(file, 1, "", "no front matter", "start the file with a --- line, the fields "
                                "(title, date, attendees, actions), and another --- line"))
        return None
    header, found = parse_review_header(front, file, period.label)
    problems.extend(found)
    if header is None:
        return None
    rendered = render_body(body, lambda href: None if href.lower().split("#")[0].endswith(".md") else href)
    body_line = raw.count("\n") - body.count("\n") + 1
    for href in rendered.broken_links:
        problems.append(Problem(file, body_line, "", f"link to a markdown file: {quote(href)}",
                                "link to a page of the site instead; the link is shown as plain text", "warning"))
    for src in rendered.remote_images:
        problems.append(Problem(file, body_line, "", f"remote image {quote(src)} is not allowed: the site must "
                                "work offline", "save the image in templates/static/ and link it relatively; the "
                                "page shows the image's alt text instead", "warning"))
    shift = heading_shift(rendered.html)
    toc = tuple(TocEntry(min(6, t.level + shift), ID_PREFIX + t.id, t.title) for t in rendered.toc)
    return Review(period=period, file=file, title=header.title, date=header.date, attendees=header.attendees,
                  actions=header.actions, html=prefixed_ids(rendered.html), toc=toc, text=rendered.text)


def heading_shift(clean_html: str) -> int:
    """Levels to move the notes' headings down so the highest one is an h:data:`TOP_HEADING`."""
    levels = [int(m.group(2)) for m in _HEADING.finditer(clean_html)]
    return max(0, TOP_HEADING - min(levels)) if levels else 0


def prefixed_ids(clean_html: str) -> str:
    """Sanitised notes ready to sit inside a page: every ``id`` and in-page ``href="#…"`` gets :data:`ID_PREFIX`
    (inside tags only), and headings move down so the highest is an h3 (at most h6)."""
    shift = heading_shift(clean_html)
    html = _TAG.sub(lambda tag: _ID.sub(lambda m: m.group(1) + m.group(2) + ID_PREFIX, tag.group(0)), clean_html)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html)


def _check_actions(reviews: list[Review], problems: list[Problem]) -> None:
    """An action named by an id for the first time needs what, owner and due, like a new one."""
    seen: set[str] = set()
    for review in reviews:
        for a in review.actions:
            if a.id in seen:
                continue
            seen.add(a.id)
            missing = [k for k in ("what", "owner", "due") if getattr(a, k) is None]
            if a.explicit_id and missing:
                problems.append(Problem(review.file, a.line, "", f"front matter: action {quote(a.id)} appears "
                                        f"here first but has no {', '.join(missing)}",
                                        "a new action needs what, owner and due; to update an earlier action, "
                                        "use the id shown on its report or in data/actions.csv"))


__all__ = ["Review", "Reviews", "ActionEntry", "ReviewPeriod", "STATUSES", "load_reviews", "review_folder",
           "review_files", "derived_id", "parse_review_period", "week_of", "prefixed_ids"]
