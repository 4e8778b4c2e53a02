"""Front matter of a review file: title, date, attendees and the action list, validated field by field.

Parsed with the playbook's bounded YAML (:mod:`sitegen.playbook.safeyaml`) and checked the playbook's way
(:mod:`sitegen.playbook.frontmatter`): every problem names the file and the line of the field, unknown
fields and status values get a did-you-mean hint, and an unusable header stops the build.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml

from sitegen.dataset.problems import Problem
from sitegen.playbook import safeyaml
from sitegen.playbook.frontmatter import _Fields, _key_lines, check_keys
from sitegen.playbook.safeyaml import QUOTE_CHARS, quote

KNOWN_FIELDS = ("title", "date", "attendees", "actions")
ACTION_FIELDS = ("id", "what", "owner", "due", "status")
STATUSES = ("open", "done", "dropped")
MAX_ID = 80  # characters of an action id


@dataclass(frozen=True)
class ActionEntry:
    """One action as one review file writes it; None fields were left out (an update keeps the earlier value)."""

    id: str
    what: str | None
    owner: str | None
    due: date | None
    status: str
    line: int            # of the action's first field in the file
    explicit_id: bool    # False: the id was derived from the period and ``what``


@dataclass(frozen=True)
class ReviewHeader:
    title: str | None
    date: date | None
    attendees: tuple[str, ...]
    actions: tuple[ActionEntry, ...]


def derived_id(period: str, what: str) -> str:
    """``2026-10-3f2a9c``: the period and 6 hex digits of SHA-1 of ``what`` (spaces folded, case-folded),
    so the id stays the same while the text does, and a later file can name the action by it."""
    text = " ".join(what.split()).casefold()
    return f"{period}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:6]}"


class _Action(_Fields):
    """An action's fields: messages say ``actions[2].what`` and missing fields point at the action's line."""

    def __init__(self, data: dict[str, Any], lines: dict[str, int], file: str, index: int, start: int):
        super().__init__(data, lines, file, lenient_stages=False)
        self.prefix, self.start = f"actions[{index}].", start

    def add(self, key: str, message: str, hint: str = "", severity: Any = "error") -> None:
        self.problems.append(Problem(self.file, self.lines.get(key, self.start), "",
                                     f"front matter: {self.prefix}{key}: {message}", hint, severity))


def parse_review_header(front: str, file: str, period: str) -> tuple[ReviewHeader | None, list[Problem]]:
    """Validate the YAML between the ``---`` lines; ``None`` with problems when it has an error."""
    try:
        node, data = safeyaml.load(front)
    except safeyaml.Unsafe as exc:
        return None, [Problem(file, exc.line, "", exc.message, exc.hint)]
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        reason = reason if len(reason) <= 2 * QUOTE_CHARS else reason[:2 * QUOTE_CHARS - 1] + "…"
        return None, [Problem(file, mark.line + 2 if mark is not None else 1, "",
                              f"front matter is not valid YAML: {reason}", "check quotes, colons and indentation")]
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        return None, [Problem(file, 1, "", "front matter must be fields like title: ...",
                              "write one field per line between the --- lines")]
    f = _Fields(data, _key_lines(node) if node is not None else {}, file, lenient_stages=False)
    check_keys(f, node, KNOWN_FIELDS)
    header = ReviewHeader(title=f.text("title", False), date=_date(f, "date"),
                          attendees=f.text_list("attendees") or (), actions=_actions(f, node, period))
    return (None if any(p.severity == "error" for p in f.problems) else header), f.problems


def _actions(f: _Fields, node: Any, period: str) -> tuple[ActionEntry, ...]:
    value = f.data.get("actions")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        f.add("actions", "must be a list of actions", "write each action as - what: ..., owner: ..., due: "
              "YYYY-MM-DD, status: open")
        return ()
    nodes = _value_node(node, "actions")
    out, seen = [], {}
    for i, item in enumerate(value, start=1):
        item_node = nodes.value[i - 1] if isinstance(nodes, yaml.SequenceNode) else None
        start = item_node.start_mark.line + 2 if item_node is not None else f.lines.get("actions", 1)
        a = _Action(item, _key_lines(item_node) if item_node is not None else {}, f.file, i, start)
        check_keys(a, item_node, ACTION_FIELDS, f"front matter: actions[{i}]: ")
        given = a.text("id", False)
        what, owner, due = a.text("what", given is None), a.text("owner", given is None), _date(a, "due")
        if given is None and due is None and "due" not in item:
            a.add("due", "missing", "add the date it is due, e.g. due: 2026-12-15")
        status = a.choice("status", STATUSES) or "open"
        if given is not None and len(given) > MAX_ID:
            a.add("id", f"longer than {MAX_ID} characters", "use a short id such as 2026-10-crm-cleanup")
        ident = given or (derived_id(period, what) if what else "")
        if ident and ident in seen:
            a.add("id" if given else "what", f"the same action as actions[{seen[ident]}] (id {quote(ident)})",
                  "list each action once per review, or give them different ids")
        seen.setdefault(ident, i)
        f.problems.extend(a.problems)
        out.append(ActionEntry(ident, what, owner, due, status, start, given is not None))
    return tuple(out)


def _date(f: _Fields, key: str) -> date | None:
    """A YAML date (``2026-11-01``) or the same text in quotes; None when absent."""
    value = f.data.get(key)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    f.add(key, f"must be a date like 2026-11-01, got {quote(value)}", f"for example {key}: 2026-11-01")
    return None


def _value_node(node: Any, key: str) -> Any:
    for k, v in node.value if isinstance(node, yaml.MappingNode) else ():
        if str(k.value) == key:
            return v
    return None


__all__ = ["ActionEntry", "ReviewHeader", "STATUSES", "KNOWN_FIELDS", "ACTION_FIELDS", "derived_id",
           "parse_review_header"]
