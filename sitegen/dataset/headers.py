"""Which header of a file feeds which canonical column: the column map, sitegen's own names, and the
headers of common CRM and ERP exports (``header_synonyms.toml``, English and Chinese).

Matching order, per table: a column named in ``[data.<table>] columns`` reads that header and nothing
else reads it; a header spelled as a canonical column (``amount``, ``Close Date`` for ``close_date``) is
that column; then the known export headers (case-, space-, punctuation- and width-insensitive). A header
that could be two columns, or two headers that could be one column, is an error naming both, never a
silent pick. A fallback name (a customer name for ``customer_id``) is used only when nothing else
matched the column, and may also feed another column.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from sitegen.dataset.parse import normalize_header
from sitegen.dataset.schema import TableSpec

SYNONYMS_FILE = Path(__file__).with_name("header_synonyms.toml")
EXACT, CONFIG, SYNONYM, FALLBACK = "exact", "config", "synonym", "fallback"
_RANKS = {EXACT: 0, SYNONYM: 1, FALLBACK: 2}


def header_key(name: str) -> str:
    """Headers match case-insensitively after trimming; spaces, hyphens and underscores are alike."""
    return re.sub(r"[\s\-_]+", "_", normalize_header(name))


def loose_key(name: str) -> str:
    """The key export headers match on: NFKC, casefolded, letters and digits only ("Deal - Value" and
    "deal value" alike, "Probability (%)" is "probability")."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


@dataclass(frozen=True)
class Known:
    """One known header name of a column: who writes it, and whether it is a fallback."""

    header: str
    systems: tuple[str, ...]
    fallback: bool


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    return tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))


def system_names() -> dict[str, str]:
    """System key -> the name shown to people ("salesforce" -> "Salesforce")."""
    return dict(_data()["systems"])


@functools.lru_cache(maxsize=None)
def known_headers(table: str) -> dict[str, dict[str, Known]]:
    """Column -> loose key -> :class:`Known`, for one table."""
    out: dict[str, dict[str, Known]] = {}
    for column, by_system in _data().get(table, {}).items():
        names: dict[str, Known] = {}
        for fallback, group in ((False, by_system), (True, by_system.get("fallback", {}))):
            for system, headers in group.items():
                if system == "fallback":
                    continue
                for header in headers:
                    old = names.get(loose_key(header))
                    systems = (*old.systems, system) if old and system not in old.systems else (system,)
                    names[loose_key(header)] = Known(old.header if old else header, systems, fallback)
        out[column] = names
    return out


@dataclass(frozen=True)
class Match:
    """Column ``column`` reads the file's header ``header`` (at ``position``), found ``how``."""

    column: str
    header: str
    position: int
    how: str
    systems: tuple[str, ...] = ()

    def describe(self) -> str:
        """How it matched, for people: "exact", "config", "synonym of Salesforce, Zoho CRM"."""
        if self.how in (EXACT, CONFIG):
            return self.how
        names = system_names()
        label = ", ".join(names.get(s, s) for s in self.systems)
        return f"{self.how} of {label}" if label else self.how


@dataclass(frozen=True)
class HeaderProblem:
    column: str
    message: str
    hint: str
    severity: str = "error"


@dataclass
class Matching:
    """What :func:`match_headers` found: the columns' headers, the problems, and the headers left over."""

    matches: dict[str, Match] = field(default_factory=dict)
    problems: list[HeaderProblem] = field(default_factory=list)
    ambiguous: set[str] = field(default_factory=set)  # columns that got an ambiguity problem
    unmatched: list[str] = field(default_factory=list)


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def config_line(table: str, column: str, header: str) -> str:
    """The line that maps ``column`` to ``header``."""
    return f"[data.{table}] columns = {{ {column} = {toml_string(header)} }}"


def match_headers(headers: Sequence[str], spec: TableSpec, column_map: Mapping[str, str]) -> Matching:
    """Match a file's headers to ``spec``'s columns; see the module docstring for the rules."""
    result = Matching()
    positions: dict[str, int] = {}
    for pos, header in enumerate(headers):
        key = header_key(header)
        if key in positions:
            result.problems.append(HeaderProblem(header.strip(), "column appears twice; the first one is used",
                                                 "rename or delete the duplicate", "warning"))
            continue
        positions[key] = pos
    used: set[int] = set()
    for column, mapped in column_map.items():
        pos = positions.get(header_key(mapped))
        if pos is not None and column in spec.names:
            result.matches[column] = Match(column, headers[pos], pos, CONFIG)
            used.add(pos)
    free = [c for c in spec.names if c not in column_map]
    known = known_headers(spec.name)
    candidates: dict[int, list[tuple[int, str, Known | None]]] = {}  # header position -> (rank, column, known)
    for pos in sorted(set(positions.values()) - used):
        key, loose = header_key(headers[pos]), loose_key(headers[pos])
        for column in free:
            name = known.get(column, {}).get(loose)
            if key == column or loose == loose_key(column):
                candidates.setdefault(pos, []).append((0, column, None))
            elif name and not name.fallback:
                candidates.setdefault(pos, []).append((1, column, name))
            elif name:
                candidates.setdefault(pos, []).append((2, column, name))
    claims: dict[str, list[tuple[int, int, Known | None]]] = {}  # column -> (rank, position, known)
    for pos, found in candidates.items():
        best = min((r for r, _, _ in found if r < 2), default=None)
        if best is None:
            continue
        columns = [(c, k) for r, c, k in found if r == best]
        if len(columns) > 1:
            names = [c for c, _ in columns]
            result.ambiguous.update(names)
            result.problems.append(HeaderProblem(
                headers[pos].strip(), f"header matches more than one column: {_listed(names)}",
                "say which: " + config_line(spec.name, names[0], headers[pos].strip())))
            continue
        claims.setdefault(columns[0][0], []).append((best, pos, columns[0][1]))
    for column in free:
        found = sorted(claims.get(column, []), key=lambda c: (c[0], c[1]))
        if not found:
            continue
        best = [c for c in found if c[0] == found[0][0]]
        if len(best) > 1:
            _two_headers(result, spec.name, column, [headers[p] for _, p, _ in best])
            continue
        rank, pos, name = best[0]
        result.matches[column] = Match(column, headers[pos], pos, EXACT if rank == 0 else SYNONYM,
                                       name.systems if name else ())
    for column in free:  # fallbacks: only for columns nothing else matched
        if column in result.matches or column in result.ambiguous:
            continue
        found = [(pos, k) for pos, cands in candidates.items() for r, c, k in cands if c == column and r == 2]
        if len(found) > 1:
            _two_headers(result, spec.name, column, [headers[p] for p, _ in sorted(found)])
        elif found:
            pos, name = found[0]
            result.matches[column] = Match(column, headers[pos], pos, FALLBACK, name.systems if name else ())
    taken = {m.position for m in result.matches.values()}
    result.unmatched = [headers[p] for p in sorted(set(positions.values()) - taken)]
    return result


def _two_headers(result: Matching, table: str, column: str, found: list[str]) -> None:
    result.ambiguous.add(column)
    result.problems.append(HeaderProblem(
        column, f"headers {_listed([h.strip() for h in found])} all match this column; none is used",
        "say which: " + config_line(table, column, found[0].strip())))


def _listed(names: Sequence[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]}" if len(quoted) > 1 else quoted[0]


def closest_header(column: str, table: str, headers: Sequence[str]) -> str | None:
    """The header most like ``column`` or one of its known names (difflib ratio 0.6 or more), or None."""
    names = [loose_key(column), *known_headers(table).get(column, {})]
    best, score = None, 0.6
    for header in headers:
        key = loose_key(header)
        if not key:
            continue
        for name in names:
            ratio = difflib.SequenceMatcher(None, key, name).ratio()
            if ratio > score or (ratio == score and best is None):
                best, score = header, ratio
    return best.strip() if best else None


def missing_hint(table: str, column: str, mapped: str | None, headers: Sequence[str], taken: set[str]) -> str:
    """The hint of "required column is missing": the closest header and the line to add to sitegen.toml."""
    free = [h for h in headers if h not in taken]
    if mapped is not None:
        close = difflib.get_close_matches(normalize_header(mapped), [normalize_header(h) for h in free], n=1)
        close_header = next((h.strip() for h in free if close and normalize_header(h) == close[0]), None)
    else:
        close_header = closest_header(column, table, free)
    if close_header:
        return f"did you mean '{close_header}'? add to sitegen.toml: {config_line(table, column, close_header)}"
    return f"add the column or map it in [data.{table}] columns = {{ {column} = \"Your header\" }}"
