"""The weekly pipeline review (``pipeline/changes/``): a waterfall from the open pipeline at the base to the open
pipeline now, the changed deals by change type, subtotals per rep; and ``data/pipeline-changes.json``."""

from __future__ import annotations

from typing import Any, Iterator

import orjson
import pandas as pd

from sitegen.metrics.changes import CHANGES
from sitegen.pages import File, Page, Site, common
from sitegen.pages.deals import display_names
from sitegen.pages.reviews import weekly_review
from sitegen.pages.rows import records

PATH = "pipeline/changes/index.html"
SHOWN = 100  # largest changes listed per type; data/pipeline-changes.json has them all
# UI message of each change type (the list headings and the per-rep table)
CHANGE_LABELS = {"new": "New deals", "removed": "Removed", "won": "Won", "lost": "Lost", "advanced": "Advanced",
                 "moved_back": "Moved back", "slipped": "Close date slipped", "pulled_in": "Close date pulled in",
                 "amount_up": "Amount up", "amount_down": "Amount down"}
WATERFALL = (("open_base", "Open at the base", "absolute"), ("new", "New deals", "relative"),
             ("increases", "Amount increases", "relative"), ("decreases", "Amount decreases", "relative"),
             ("won", "Won", "relative"), ("lost", "Lost", "relative"), ("removed", "Removed", "relative"),
             ("open_now", "Open now", "total"))
NEGATIVE = {"decreases", "won", "lost", "removed"}
ROW_FIELDS = ("opportunity_id", "deal", "deal_href", "customer", "customer_href", "owner", "owner_href", "from_stage",
              "to_stage", "from_amount", "to_amount", "from_close_date", "to_close_date", "delta")


def waterfall_chart(steps: dict[str, float]) -> dict[str, Any]:
    """A plotly waterfall: open at the base, each step up or down, open now (labels translated by the renderer)."""
    values = [(-1 if key in NEGATIVE else 1) * round(float(steps.get(key, 0.0)), 2) for key, _, _ in WATERFALL]
    values[-1] = 0  # a "total" bar is drawn from the running sum
    return {"data": [{"type": "waterfall", "x": [label for _, label, _ in WATERFALL], "y": values,
                      "measure": [measure for _, _, measure in WATERFALL], "meta": {"i18n": "x"},
                      "name": "Pipeline", "connector": {"line": {"color": "#8c8c8c", "width": 1}},
                      "increasing": {"marker": {"color": "#3a9d6a"}}, "decreasing": {"marker": {"color": "#c44e52"}},
                      "totals": {"marker": {"color": "#2f6db5"}}}],
            "layout": {"margin": {"l": 56, "r": 16, "t": 16, "b": 64}, "height": 320,
                       "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
                       "font": {"family": "system-ui, sans-serif", "size": 12}, "showlegend": False,
                       "xaxis": {"type": "category", "automargin": True}, "yaxis": {"automargin": True}}}


def change_rows(site: Site) -> pd.DataFrame:
    """The changed deals with display columns (names, links, stage names)."""
    deals = site.metrics.changes.deals
    hrefs = site.deal_hrefs
    stages = {**site.stage_names}
    return pd.DataFrame({
        "opportunity_id": deals["opportunity_id"],
        "deal": display_names(site, deals),
        "deal_href": deals["opportunity_id"].map(hrefs),
        "customer": deals["customer_id"].map(site.customer_names).fillna(deals["customer_id"]),
        "customer_href": deals["customer_id"].map(lambda c: site.customer_href(c)),
        "owner": deals["owner"], "owner_href": deals["owner"].map(lambda o: site.owner_href(o)),
        "from_stage": deals["from_stage"].map(lambda s: stages.get(s, s)),
        "to_stage": deals["to_stage"].map(lambda s: stages.get(s, s)),
        "from_amount": deals["from_amount"], "to_amount": deals["to_amount"],
        "from_close_date": pd.to_datetime(deals["from_close_date"]), "to_close_date": pd.to_datetime(deals["to_close_date"]),
        "delta": deals["delta"],
        **{k: deals[k] for k in CHANGES},
    })


def headline(site: Site) -> dict[str, Any] | None:
    """What the dashboard shows of the review: the base date, its source and the counts (None without deals)."""
    ch = site.metrics.changes
    if ch.source == "none":
        return None
    return {"href": PATH, "since": ch.since.date() if ch.since is not None else None, "source": ch.source,
            "counts": [(CHANGE_LABELS[k], k, ch.counts.get(k, 0)) for k in CHANGES if k not in ch.cannot_see]}


def pages(site: Site) -> Iterator[Page | File]:
    ch = site.metrics.changes
    yield File("data/pipeline-changes.json",
               lambda: orjson.dumps(ch.as_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    context = common(site, PATH, "pipeline", "What changed this week")
    rows = change_rows(site) if len(ch.deals) else pd.DataFrame(columns=[*ROW_FIELDS, *CHANGES])
    lists = []
    for key in CHANGES:
        part = rows[rows[key].astype(bool)] if len(rows) else rows
        part = part.assign(size=part["delta"].astype(float).abs()).sort_values(
            ["size", "opportunity_id"], ascending=[False, True], na_position="last")  # largest moves first
        lists.append({"key": key, "label": CHANGE_LABELS[key], "count": ch.counts.get(key, 0),
                      "unseen": key in ch.cannot_see, "rows": records(part.head(SHOWN), ROW_FIELDS)})
    owners = records(ch.owners, ("owner", *CHANGES, "open_base", "open_now", "net")) if len(ch.owners) else []
    for row in owners:
        row["href"] = site.owner_href(row["owner"])
    context.update(
        review={"since": ch.since.date() if ch.since is not None else None, "source": ch.source,
                "cannot_see": [CHANGE_LABELS[k] for k in ch.cannot_see], "snapshots": list(ch.snapshots),
                "review_days": site.config.rules.review_days},
        has_pipeline=site.metrics.inputs.get("pipeline", False) and ch.source != "none",
        waterfall=waterfall_chart(dict(ch.waterfall)) if ch.waterfall else None, steps=dict(ch.waterfall),
        lists=lists, owners=owners, change_keys=CHANGES, change_labels=CHANGE_LABELS,
        counts=[{"key": k, "label": CHANGE_LABELS[k], "count": ch.counts.get(k, 0), "unseen": k in ch.cannot_see}
                for k in CHANGES],
        weekly_notes=weekly_review(site),  # this week's (else last week's) review notes (pages/reviews.py)
    )
    yield Page(PATH, "changes.html", context)
