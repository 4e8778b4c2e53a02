"""``[[audiences]]`` and ``[teams]`` of sitegen.toml: who a build is for and what it may show
(docs/configuration.md, "Audiences"; the slice itself is :mod:`sitegen.audience`).

Kept apart from :mod:`sitegen.config` (which calls :func:`parse_audiences`) so that module stays small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping

# The sections an audience may be given: the site's navigation (the dashboard, the home page, is always built).
SECTION_NAMES = ("dashboard", "funnel", "pipeline", "customers", "receivables", "service", "team", "reports",
                 "playbook", "data-quality")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])")


@dataclass(frozen=True)
class Audience:
    """One audience: a filter of customers (empty tuples: no filter) and what its site may show."""

    name: str
    owners: tuple[str, ...] = ()      # from ``owner`` and the members of ``team``
    regions: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    sections: tuple[str, ...] = SECTION_NAMES
    contacts: bool = True
    others_scorecards: bool = False
    company_totals: bool = False

    @property
    def filtered(self) -> bool:
        """True when the audience sees a slice, not every customer."""
        return bool(self.owners or self.regions)

    def shows(self, section: str) -> bool:
        """True when the site of this audience has ``section`` (one of :data:`SECTION_NAMES`)."""
        return section == "dashboard" or section in self.sections


def _str_list(v: Any) -> bool | str:
    if not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
        return False
    return bool(v) and all(x.strip() for x in v) or "a non-empty list of names (leave the key out for everyone)"


Check = tuple[Callable[[Any], Any], str]
NAMES: Check = (_str_list, "a list of strings")
BOOL: Check = (lambda v: isinstance(v, bool), "true or false")
KEYS: dict[str, Check] = {
    "name": (lambda v: isinstance(v, str) and bool(_NAME.fullmatch(v)) and not _RESERVED.fullmatch(v),
             "a folder name: lowercase letters, digits, - and _, at most 60 characters"),
    "owner": NAMES, "region": NAMES, "team": NAMES,
    "sections": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of section names"),
    "contacts": BOOL, "others_scorecards": BOOL, "company_totals": BOOL,
}


def parse_teams(c: Any, raw: Any) -> Mapping[str, tuple[str, ...]]:
    """``[teams]``: team name -> the owners in it, through the config's problem collector ``c``."""
    values = c.section(raw, "teams", _AnyKey(NAMES))
    return MappingProxyType({team: tuple(dict.fromkeys(owners)) for team, owners in values.items()})


class _AnyKey(dict):
    """A schema accepting every key with one check (team names are the user's)."""

    def __init__(self, check: Check):
        super().__init__()
        self.check = check

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Check:
        return self.check


def parse_audiences(c: Any, raw: Any, teams: Mapping[str, tuple[str, ...]]) -> tuple[Audience, ...]:
    """``[[audiences]]`` through the config's problem collector ``c``: unknown keys, wrong types, unknown
    teams or sections and duplicate names are problems (exit 2)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        c.add("audiences", "must be an array of tables", "write each audience as [[audiences]]")
        return ()
    audiences: list[Audience] = []
    for i, item in enumerate(raw):
        prefix = f"audiences[{i}]"
        values = c.section(item, prefix, KEYS)
        name = values.get("name")
        if name is None:
            if not (isinstance(item, dict) and "name" in item):
                c.add(f"{prefix}.name", "missing", "every audience needs a folder name like \"east\"")
            continue
        prefix = f"audiences.{name}"
        owners = list(values.get("owner", ()))
        for team in values.get("team", ()):
            if team not in teams:
                known = ", ".join(teams) or "none: define them in [teams]"
                c.add(f"{prefix}.team", f"unknown team {team!r}", f"teams: {known}")
            owners += teams.get(team, ())
        unknown = [s for s in values.get("sections", ()) if s not in SECTION_NAMES]
        for section in unknown:
            c.add(f"{prefix}.sections", f"unknown section {section!r}", "sections: " + ", ".join(SECTION_NAMES))
        sections = tuple(s for s in SECTION_NAMES if s in values.get("sections", SECTION_NAMES))
        audiences.append(Audience(
            name=name, owners=tuple(dict.fromkeys(owners)), regions=tuple(dict.fromkeys(values.get("region", ()))),
            teams=tuple(values.get("team", ())), sections=sections, contacts=values.get("contacts", True),
            others_scorecards=values.get("others_scorecards", False),
            company_totals=values.get("company_totals", False)))
    names = [a.name for a in audiences]
    for name in sorted({n for n in names if names.count(n) > 1}):
        c.add("audiences", f"audience name {name!r} appears more than once", "give each audience its own name")
    return tuple(audiences)
