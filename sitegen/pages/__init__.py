"""Which pages and files exist. Each section module yields :class:`Page` and :class:`File` items.

A page is a path, a template and a flat context dict; nothing here writes files or
builds HTML strings. Paths are relative to the output folder and always end in a
file name (``customers/c001/index.html``) so links work from ``file://`` too.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from typing import Any, Callable, Iterator, Mapping

from sitegen.config import Config
from sitegen.dataset import Dataset
from sitegen.metrics import Metrics


@dataclass(frozen=True)
class Page:
    """A page to render. ``make`` is its context, or a function returning it: per-entity sections
    pass a function so that a render worker builds only the contexts of the pages it renders.

    ``inputs``, when given, is a cheap picklable value that determines the context entirely (the
    entity's rows' digest, the site-wide figures its context shows...): a rebuild then keys the page by
    it and keeps an unchanged page without making its context at all. A section that sets it promises
    that equal inputs make equal contexts; when in doubt, leave it None (the context is the key)."""

    path: str
    template: str
    make: Mapping[str, Any] | Callable[[], Mapping[str, Any]]
    inputs: Any = None

    @property
    def context(self) -> Mapping[str, Any]:
        return self.make() if callable(self.make) else self.make


@dataclass(frozen=True)
class File:
    """A file written as is. ``make`` is its bytes, or a function returning them (built only by the
    render worker that writes it)."""

    path: str
    make: bytes | Callable[[], bytes]

    @property
    def data(self) -> bytes:
        return self.make() if callable(self.make) else self.make

    @property
    def inputs(self) -> tuple[Any, ...] | None:
        """What the bytes are made from when ``make`` is a ``partial`` of a :func:`pure` function: its name,
        the libraries it names with their versions, and the arguments (a rebuild keeps the file while they
        are unchanged, like a page's context). None otherwise: the bytes are made on every build."""
        make = self.make
        if not isinstance(make, partial) or not hasattr(make.func, PURE):
            return None
        func = make.func
        return (f"{func.__module__}.{func.__qualname__}", getattr(func, PURE), make.args,
                tuple(sorted(make.keywords.items())))


PURE = "__sitegen_pure__"


def pure(*libraries: str) -> Callable[[Callable[..., bytes]], Callable[..., bytes]]:
    """Mark a function whose bytes depend only on its arguments, sitegen's code and the versions of
    ``libraries`` (python-docx, openpyxl...): a :class:`File` made by it is keyed by them (:attr:`File.inputs`),
    and a process makes the same file once (the last 64 are remembered: builds in one process, tests and
    ``sitegen serve``, share the playbook's downloads)."""
    from importlib import metadata

    def versions() -> tuple[str, ...]:
        found = []
        for name in libraries:
            try:
                found.append(f"{name}={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                found.append(f"{name}=?")
        return tuple(found)

    def mark(func: Callable[..., bytes]) -> Callable[..., bytes]:
        remembered = lru_cache(maxsize=64)(func)
        setattr(remembered, PURE, versions())
        return remembered

    return mark


@dataclass(frozen=True, eq=False)
class Site:
    """What every section needs: the inputs of the build and lookups shared by sections.

    The lookups are computed once, on first use, so every section links to the same slugs.
    """

    config: Config
    dataset: Dataset
    metrics: Metrics
    playbook: Any = None
    nav: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    playbook_problems: tuple[Any, ...] = ()  # the playbook's warnings (errors stop the build before pages)
    reviews: Any = None                      # sitegen.reviews.Reviews (None: no review files read)
    review_problems: tuple[Any, ...] = ()    # the review files' warnings
    company_kpis: Mapping[str, Any] | None = None  # the whole company's KPIs beside an audience's (company_totals)

    def shows(self, section: str) -> bool:
        """True when the site has ``section`` (a NAV key): an audience's site may leave sections out."""
        audience = self.config.audience
        return audience is None or audience.shows(section)

    @cached_property
    def actions(self) -> list[Any]:
        """Every review action as of the build date (metrics/actions.py ``current_actions``)."""
        from sitegen.metrics.actions import current_actions

        return current_actions(self.reviews or (), self.metrics.as_of.date())

    @property
    def language(self) -> str:
        return self.config.site.language

    @cached_property
    def stage_names(self) -> dict[str, str]:
        """Stage key -> its name in the site's language (outcomes are translated by templates)."""
        return {s.key: s.name(self.language) for s in self.config.stages}

    @cached_property
    def customer_slugs(self) -> dict[str, str]:
        return customer_slugs(self.metrics.customers)

    @cached_property
    def customer_names(self) -> dict[str, str]:
        customers = self.metrics.customers
        return dict(zip(customers["customer_id"].astype(str), customers["name"].astype(str)))

    @cached_property
    def owner_slugs(self) -> dict[str, str]:
        """Every owner named by the scorecard, customers, deals or orders -> the slug of their team page."""
        m = self.metrics
        names: set[str] = set()
        for frame in (m.scorecard, m.customers, m.opportunities, m.orders):
            if "owner" in frame:
                names.update(str(o) for o in frame["owner"].dropna().unique())
        if not self.shows("team"):
            return {}
        from sitegen.audience import own_owners  # (it imports this package's dependencies)

        own = own_owners(self.config.audience, self.dataset)
        return unique_slugs(sorted(names if own is None else names & own), "owner", spell=name_slug)

    @cached_property
    def deal_hrefs(self) -> dict[str, str]:
        """Deal id -> root-relative link to its page (open deals and deals closed in the window)."""
        from sitegen.pages.deals import deal_hrefs  # (that module imports this one)

        return deal_hrefs(self) if self.shows("pipeline") else {}

    def customer_href(self, customer_id: Any) -> str | None:
        """Root-relative link to a customer's page, None for unknown ids."""
        slug = self.customer_slugs.get(customer_id) if customer_id is not None else None
        return f"customers/{slug}/index.html" if slug and self.shows("customers") else None

    def owner_href(self, owner: Any) -> str | None:
        slug = self.owner_slugs.get(owner) if owner is not None else None
        return f"team/{slug}/index.html" if slug else None


_SAFE = re.compile(r"[^a-z0-9_-]+")
# Device names Windows (and so an SMB share) will not use as a file or folder name, in any case
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])")
_MAX = 60  # characters of cleaned id text kept in a slug
_HAN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")  # runs of Chinese characters


def _digest(value: str, round_: int = 1) -> str:
    """8 hex digits of the id's SHA-1 (round 1); later rounds of :func:`unique_slugs` hash the round in too."""
    data = value if round_ == 1 else f"{value}\x00{round_}"
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:8]


def is_reserved(name: str) -> bool:
    """True for a Windows device name (``CON``, ``nul``, ``COM1``, ``lpt9``...), which no folder may have."""
    return len(name) in (3, 4) and _RESERVED.fullmatch(name.lower()) is not None


def slugify(value: str, prefix: str = "") -> str:
    """A stable, safe folder name for an id: lowercase ``[a-z0-9_-]``, never a Windows device name.

    Ids that are already safe keep their (lowercased) text; anything lossy (other characters,
    path tricks, non-ASCII, invisible characters, more than 60 characters) or reserved on Windows
    (``CON``, ``aux``, ``com1``) gets a short hash of the original id appended, so two different ids
    never share a slug and the same id always gets the same one.
    """
    text = str(value)
    clean = _SAFE.sub("-", text.lower()).strip("-")[:_MAX].strip("-")
    if clean and text.isascii() and clean == text.lower() and not is_reserved(clean):
        return clean
    digest = _digest(text)
    return f"{clean}-{digest}" if clean else f"{prefix or 'id'}-{digest}"


def name_slug(value: str, prefix: str = "") -> str:
    """A person's name as a readable slug: Chinese characters in pinyin, the family name apart
    (``李志强`` -> ``li-zhiqiang``, ``王丽 East`` -> ``wang-li-east``); other names, and names whose
    spelling is not a safe slug (a Windows device name), as :func:`slugify` makes them. Homophones
    and invisible-character variants are told apart by :func:`unique_slugs`' collision rounds."""
    text = str(value)
    if not _HAN.search(text):
        return slugify(text, prefix)
    from pypinyin import Style, lazy_pinyin  # (a pure-Python table of readings, loaded on first use)

    parts = []
    for run in _HAN.split(text):
        if _HAN.fullmatch(run):
            syllables = lazy_pinyin(run, style=Style.NORMAL)
            parts.append("-".join(filter(None, (syllables[0], "".join(syllables[1:])))))
        else:
            parts.append(run)
    clean = re.sub("-{2,}", "-", _SAFE.sub("-", "-".join(parts).lower())).strip("-")[:_MAX].strip("-")
    if clean and clean.isascii() and not is_reserved(clean):
        return clean
    return slugify(text, prefix)


def unique_slugs(ids: list[str], prefix: str = "", spell: Callable[[str, str], str] | None = None) -> dict[str, str]:
    """Slugs for many ids, unique whatever the ids, and the same for the same set of ids in any order.

    Every id starts at :func:`slugify`. While several ids want one slug, an id spelled exactly
    like the slug keeps it and every other one moves on to its next candidate: the first slug plus
    a hash of the id (``C1`` next to ``c1`` gets ``c1-`` and 8 hex digits of SHA-1 of ``C1``), then
    a hash of the id and the round. Decisions depend only on which ids want which slug, never on
    the order of ``ids``. ``spell`` makes the first slug instead of :func:`slugify` (owners: :func:`name_slug`).
    """
    first = {i: (spell or slugify)(i, prefix) for i in dict.fromkeys(ids)}
    slugs = dict(first)
    round_ = 0
    while True:
        crowded = {slug for slug, n in Counter(slugs.values()).items() if n > 1}
        if not crowded:
            return slugs
        round_ += 1
        for i in [i for i, slug in slugs.items() if slug in crowded and i != slug]:
            slugs[i] = f"{first[i]}-{_digest(i, round_)}"


def customer_slugs(customers: Any) -> dict[str, str]:
    """Customer id -> folder name under ``customers/`` (stable for the same id)."""
    return unique_slugs(customers["customer_id"].astype(str).tolist(), "customer")


# Section modules in build order; each has ``pages(site) -> Iterator[Page | File]``.
SECTIONS = ("dashboard", "funnel", "pipeline", "changes", "deals", "customers", "customer_pages", "receivables",
            "service", "team", "reports", "data_quality", "scripts", "data_files", "playbook", "process", "visit",
            "redirects", "robots")

NAV = (("dashboard", "index.html", "Dashboard"), ("funnel", "funnel/index.html", "Funnel"),
       ("pipeline", "pipeline/index.html", "Pipeline"), ("customers", "customers/index.html", "Customers"),
       ("receivables", "receivables/index.html", "Receivables"), ("service", "service/index.html", "Service"),
       ("team", "team/index.html", "Team"), ("reports", "reports/index.html", "Reports"),
       ("playbook", "playbook/index.html", "Playbook"), ("data-quality", "data-quality/index.html", "Data quality"))


def common(site: Site, path: str, section: str, title: str, *, title_is_label: bool = True) -> dict[str, Any]:
    """Context every page template gets: where the root is, navigation, site facts.

    ``title`` is a UI label to translate, or (``title_is_label=False``) text from the data.
    """
    return {
        "root": root_prefix(path), "section": section, "title": title, "title_is_label": title_is_label,
        "nav": tuple(item for item in NAV if site.shows(item[0])),
        "site_title": site.config.site.title, "as_of": site.metrics.as_of.date(), "currency": site.config.site.currency,
        "site_public": site.config.site.public,  # false: every page asks search engines to stay away (base.html)
    }


def root_prefix(path: str) -> str:
    """Relative prefix from a page to the site root: ``customers/x/index.html`` -> ``../../``."""
    return "../" * path.count("/")


# Sections with one page per entity: render workers share their pages out in chunks; every other
# section is rendered whole by one worker, and only that worker prepares it.
PER_ENTITY = frozenset({"customer_pages", "team", "reports", "visit", "deals"})


@dataclass(frozen=True)
class Section:
    """One section's items, made on demand: ``items()`` prepares the section's data and yields its pages."""

    name: str
    items: Callable[[], Iterator[Page | File]]
    per_entity: bool


def sections(site: Site) -> list[Section]:
    """Every section of the site, in the fixed order of :data:`SECTIONS`."""
    import importlib

    from sitegen.audience import hidden_modules

    hidden = hidden_modules(site.config.audience)
    return [Section(name, partial(importlib.import_module(f"sitegen.pages.{name}").pages, site), name in PER_ENTITY)
            for name in SECTIONS if name not in hidden]


def collect(site: Site) -> Iterator[Page | File]:
    """Every page and file of the site, section by section, in a fixed order."""
    for section in sections(site):
        yield from section.items()
