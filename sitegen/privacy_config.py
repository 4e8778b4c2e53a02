"""``[privacy]`` of sitegen.toml: how contact details, customer amounts and chosen columns are published.

Kept apart from :mod:`sitegen.config` (which calls :func:`parse_privacy`) so that module stays small.
docs/configuration.md documents every key and its default; :mod:`sitegen.privacy` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

CONTACT_MODES = ("show", "mask", "hide")
CONTACT_COLUMNS = ("email", "phone")  # the contact details [privacy] contacts masks or hides


def withholdable() -> dict[str, tuple[str, ...]]:
    """Table -> the columns ``never_publish`` may name: free text no figure is computed from (every optional
    text column) and every column of contacts.csv but its customer_id. Other columns feed the metrics."""
    from sitegen.dataset.schema import SCHEMA  # here, not at the top: the dataset package imports sitegen.config

    out: dict[str, tuple[str, ...]] = {}
    for name, spec in SCHEMA.items():
        columns = tuple(c.name for c in spec.columns if not c.required and (
            c.kind == "text" or (name == "contacts" and c.kind != "id")))
        if columns:
            out[name] = columns
    return out


@dataclass(frozen=True)
class Privacy:
    """What the published site may hold. ``never_publish`` holds ``(table, column)`` pairs."""

    contacts: str = "mask"                     # show | mask | hide: phone and email of contacts.csv
    amounts_on_customer_pages: bool = True     # money figures on customer pages, visit sheets and the customer list
    never_publish: tuple[tuple[str, str], ...] = ()
    intranet_hosts: tuple[str, ...] = ()       # hosts (or *.domains) that count as intranet for the check's warning


def _str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "contacts": (lambda v: v in CONTACT_MODES, '"show", "mask" or "hide"'),
    "amounts_on_customer_pages": (lambda v: isinstance(v, bool), "true or false"),
    "never_publish": (_str_list, 'a list of column names like ["notes", "contacts.email"]'),
    "intranet_hosts": (_str_list, 'a list of host names like ["sales.corp.example.com"]'),
}


def parse_privacy(c: Any, raw: Any) -> Privacy:
    """``[privacy]`` through the config's problem collector ``c`` (``section``, ``add``). A ``never_publish``
    entry is ``column`` (that column of every table that has it) or ``table.column``; it must name a column
    :func:`withholdable` allows."""
    values = c.section(raw, "privacy", KEYS)
    allowed = withholdable()
    pairs: list[tuple[str, str]] = []
    for entry in values.pop("never_publish", ()):
        table, _, column = entry.strip().rpartition(".")
        found = [(t, column) for t, columns in allowed.items() if (not table or t == table) and column in columns]
        if not found:
            hint = "columns you may withhold: " + ", ".join(
                f"{t}.{col}" for t, cols in allowed.items() for col in cols)
            c.add("privacy.never_publish", f"{entry!r} is not a column sitegen can leave out", hint)
        pairs += [p for p in found if p not in pairs]
    hosts = tuple(h.strip().lower().rstrip(".") for h in values.pop("intranet_hosts", ()) if h.strip())
    return Privacy(**values, never_publish=tuple(pairs), intranet_hosts=hosts)
