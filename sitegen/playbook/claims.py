"""Claim markers: playbook links to the site's own pages, ``[open amounts](site:customer#receivables)``.

A playbook page that says "the customer page shows the open amounts" links the claim to the page
and section that shows it. The renderer turns the marker into a relative link; an unknown page
name is a playbook warning (FILE:LINE), like a link to a missing page; tests/playbook/test_claims.py
builds the demo site and checks that every marked section ``id`` exists in the built HTML, so the
playbook cannot promise what the site does not do.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Iterator

SCHEME = "site"


@dataclass(frozen=True)
class Target:
    """A page (or page type) a claim may point at."""

    href: str            # where the link goes, relative to the site root
    section: str         # the audience section that holds it (``Audience.shows``)
    sample: str          # a glob of the built pages the claim is about (tests check the id there)
    keep_fragment: bool  # True: the link goes to the section. Other pages leave out a section without its
    # data (a site with orders only has no funnel breakdown), so their links go to the page's top


# name -> target; a name for one page type per template, a list page for the per-entity ones (one
# customer's, owner's, deal's or report's page). Only the playbook's own pages always have their sections.
TARGETS: dict[str, Target] = {
    "dashboard": Target("index.html", "dashboard", "index.html", False),
    "funnel": Target("funnel/index.html", "funnel", "funnel/index.html", False),
    "pipeline": Target("pipeline/index.html", "pipeline", "pipeline/index.html", False),
    "changes": Target("pipeline/changes/index.html", "pipeline", "pipeline/changes/index.html", False),
    "deal": Target("pipeline/index.html", "pipeline", "pipeline/deals/*/index.html", False),
    "customers": Target("customers/index.html", "customers", "customers/index.html", False),
    "customer": Target("customers/index.html", "customers", "customers/*/index.html", False),
    "visit": Target("customers/index.html", "customers", "customers/*/visit.html", False),
    "receivables": Target("receivables/index.html", "receivables", "receivables/index.html", False),
    "service": Target("service/index.html", "service", "service/index.html", False),
    "team": Target("team/index.html", "team", "team/index.html", False),
    "owner": Target("team/index.html", "team", "team/*/index.html", False),
    "reports": Target("reports/index.html", "reports", "reports/index.html", False),
    "report": Target("reports/index.html", "reports", "reports/*/index.html", False),
    "data-quality": Target("data-quality/index.html", "data-quality", "data-quality/index.html", False),
    "playbook": Target("playbook/index.html", "playbook", "playbook/index.html", True),
    "process": Target("playbook/process/index.html", "playbook", "playbook/process/index.html", True),
}
# a marker in markdown source: ](site:name#section) or ](site:name)
MARKER = re.compile(r"\]\(\s*site:([^)#\s]*)(?:#([^)\s]*))?\s*\)")


@dataclass(frozen=True)
class Claim:
    """One marker found in a page's markdown."""

    line: int
    name: str
    section: str


def is_claim(href: str) -> bool:
    """True for a ``site:`` link."""
    return href.strip().lower().startswith(f"{SCHEME}:")


def parse(href: str) -> tuple[str, str]:
    """``site:customer#receivables`` -> ``("customer", "receivables")``."""
    rest = href.strip()[len(SCHEME) + 1:]
    name, _, section = rest.partition("#")
    return name.strip().lower(), section.strip()


def resolve(href: str, page_url: str, shows=lambda section: True) -> str | None:
    """The relative link from ``page_url`` for a marker; None for an unknown name or a hidden section."""
    name, section = parse(href)
    target = TARGETS.get(name)
    if target is None or not shows(target.section):
        return None
    link = posixpath.relpath(target.href, posixpath.dirname(page_url))
    return link + (f"#{section}" if section and target.keep_fragment else "")


def claims_in(markdown_text: str) -> Iterator[Claim]:
    """Every marker of a page's markdown source (front matter included in the line count)."""
    for number, line in enumerate(markdown_text.split("\n"), start=1):
        for match in MARKER.finditer(line):
            yield Claim(number, match.group(1).strip().lower(), (match.group(2) or "").strip())


def known_names() -> str:
    return ", ".join(TARGETS)
