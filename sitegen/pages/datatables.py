"""Big tables (every customer, every open deal): a first page rendered on the server, the full
list in a shared ``data/<name>.js`` file that site.js pages, sorts and filters in the browser.

The file is a ``<script src>`` (not JSON fetched by the page) because ``fetch()`` of a local
file fails when the site is opened from disk. Rows are lists in the order of ``fields``;
labelled fields (tier, stage...) hold keys, translated through ``labels``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import pandas as pd

from sitegen.pages import Page
from sitegen.pages.rows import records

FIRST_PAGE = 50  # rows rendered into the HTML; the rest come from the data file


CARD_PLACES = ("title", "sub", "stage", "amount", "date", "flags")  # where a field sits on a phone's card (site.css)


@dataclass(frozen=True)
class Column:
    """A shown column: ``type`` is text, link, label, flags, date, money, pct, number or days.

    ``priority`` 2 and 3 columns are hidden when the table's box is narrower than site.css says (they stay in
    the CSV download); a table with ``card`` places shows one card per row on a phone, holding those fields."""

    field: str
    label: str
    type: str = "text"
    href: str | None = None   # for links: the field holding the root-relative URL
    badge: bool = False       # labels shown as a coloured badge (tier, grade)
    priority: int = 1         # 1 always shown, 2 hidden in narrow tables, 3 in all but wide ones
    card: str = ""            # its place on a phone's card (CARD_PLACES), "" when not on the card

    def __post_init__(self) -> None:
        if self.priority not in (1, 2, 3) or (self.card and self.card not in CARD_PLACES):
            raise ValueError(f"column {self.field}: priority 1-3 and card one of {CARD_PLACES}")

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "label": self.label, "type": self.type, "href": self.href, "badge": self.badge,
                "priority": self.priority, "card": self.card}


def sort_options(columns: Sequence[Column]) -> list[tuple[str, str]]:
    """(field, label) of the card fields a phone can sort by (its cards have no column headers to click)."""
    return [(c.field, c.label) for c in columns if c.card and c.type != "flags"]


def table_rows(frame: pd.DataFrame, fields: Sequence[str]) -> list[list[Any]]:
    """Rows as lists in ``fields`` order, missing values None, dates ISO (compact in the data file)."""
    return [[row[f] for f in fields] for row in records(frame, fields)]


def data_file(name: str, frame: pd.DataFrame, fields: Sequence[str],
              labels: Mapping[str, Mapping[str, str | None]]) -> Page:
    """``data/<name>.js``: the whole table for the browser. ``labels`` maps a field's keys to text
    (None: translate the key through the catalog when rendering)."""
    context = {"name": name, "fields": list(fields), "rows": table_rows(frame, fields), "labels": labels}
    return Page(f"data/{name}.js", "table-data.js", context)


def table_context(name: str, columns: Sequence[Column], frame: pd.DataFrame, fields: Sequence[str],
                  labels: Mapping[str, Mapping[str, str | None]]) -> dict[str, Any]:
    """What a page needs to show a data table: columns, the first rows, the row count and the data file."""
    return {"table_columns": [c.as_dict() for c in columns], "first_rows": records(frame.head(FIRST_PAGE), fields),
            "total_rows": len(frame), "table_source": f"data/{name}.js", "table_data": name, "table_labels": labels}


def filter_options(values: pd.Series, labels: Mapping[str, str | None] | None = None,
                   order: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(value, text) pairs for a filter select: the distinct non-empty values, in ``order`` when
    given, else sorted. Text is the label (keys without one are translated by the template)."""
    present = {str(v) for v in values.dropna().unique() if str(v) != ""}
    keys = [k for k in order if k in present] if order is not None else sorted(present)
    return [(k, (labels or {}).get(k) or k) for k in keys]
