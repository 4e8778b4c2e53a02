"""The team: the scorecard of every owner, and one page per owner at ``team/<slug>/`` with
attainment by month, pipeline, win rate, cycle, activities, follow-up compliance and their
customers and open deals (both from the shared data files, filtered to the owner)."""

from __future__ import annotations

from functools import partial

from typing import Any, Iterator

import pandas as pd

from sitegen import charts
from sitegen.appraisal_config import COMPONENTS
from sitegen.metrics.appraisal import SEPARATOR
from sitegen.metrics.goals import REP_MIN_DEALS, REP_MIN_RESPONSES, rep_goals
from sitegen.metrics.team import ACTIVITY_KEYS
from sitegen.pages import Page, Site, common
from sitegen.pages import customers as customers_section
from sitegen.pages import pipeline as pipeline_section
from sitegen.pages.datatables import FIRST_PAGE, sort_options
from sitegen.pages.followup import owner_followup
from sitegen.pages.goals import symbol
from sitegen.pages.reviews import owner_actions
from sitegen.pages.rows import grouped_records, records, target_line
from sitegen.pages.tiles import goal_state, tile

# scorecard column, label, format (SPEC §4 scorecard); columns the metrics do not have are left out
SCORECARD = (
    ("revenue_ytd", "Revenue this year", "money"), ("target_ytd", "Target year to date", "money"),
    ("target_year", "Target for the full year", "money"),
    ("attainment_ytd", "Attainment", "pct"), ("revenue", "Revenue (last 12 months)", "money"),
    ("won_deals", "Won deals", "number"), ("win_rate", "Win rate", "pct"),
    ("avg_deal_size", "Average deal size", "money"), ("sales_cycle_days_median", "Sales cycle (median days)", "days"),
    ("open_deals", "Open deals", "number"), ("open_pipeline", "Open pipeline", "money"),
    ("weighted_pipeline", "Weighted pipeline", "money"), ("stale_deals", "Stale deals", "number"),
    ("overdue_deals", "Close date passed", "number"), ("new_customers", "New customers", "number"),
    ("customers", "Customers", "number"), ("activities", "Activities", "number"),
    ("follow_up_compliance", "Follow-up compliance", "pct"), ("nps", "NPS", "number"), ("csat", "CSAT", "pct"),
)
# appraisal column, label, format (issue 15 §3): year to date unless the label says otherwise
APPRAISAL = (
    ("revenue_ytd", "Revenue this year", "money"), ("attainment_ytd", "Attainment", "pct"),
    ("margin_ytd", "Gross margin this year", "money"), ("margin_pct_ytd", "Gross margin %", "pct"),
    ("growth_ytd", "Growth vs same days last year", "change"),
    ("new_customers_ytd", "New customers this year", "number"),
    ("new_customers_target_ytd", "New customers target to date", "number"),
    ("new_customers_attainment_ytd", "New customers vs target", "pct"), ("win_rate", "Win rate", "pct"),
    ("follow_up_compliance", "Follow-up compliance", "pct"), ("csat", "CSAT", "pct"), ("nps", "NPS", "number"),
)
RESPONSES = {"csat": "csat_responses", "nps": "nps_responses"}  # survey figures shown with their sample size
COMPONENT_LABELS = {"sales": "Sales", "profit": "Profit", "growth": "Growth", "new_customers": "New customers",
                    "satisfaction": "Satisfaction"}
# rep goal key -> the section of the owner's page with the figures behind it (stage goals: the funnel page)
GOAL_SECTIONS = {"revenue_attainment": "attainment", "new_customers": "appraisal", "sales_cycle_days": "scorecard",
                 "csat": "appraisal", "nps": "appraisal"}
TILE_KEYS = ("revenue_ytd", "won_deals", "win_rate", "sales_cycle_days_median", "open_pipeline", "weighted_pipeline",
             "activities", "follow_up_compliance")


def scorecard(site: Site) -> pd.DataFrame | None:
    """The scorecard rows the site shows: an audience without ``others_scorecards`` sees its own owners' only."""
    card = site.metrics.scorecard
    if len(card) and "owner" in card and site.config.audience is not None:
        card = card[card["owner"].astype(str).isin(site.owner_slugs)]
    return card if len(card) else None


def owners_below_threshold(site: Site) -> list[dict[str, Any]] | None:
    """Owners with a target whose year-to-date attainment is under ``attainment_warning``; None without targets."""
    card = scorecard(site)
    if card is None or "attainment_ytd" not in card or card["attainment_ytd"].isna().all():
        return None
    below = card[card["attainment_ytd"] < site.config.rules.attainment_warning].sort_values("attainment_ytd")
    rows = records(below, ("owner", "attainment_ytd", "revenue_ytd", "target_ytd"))
    for row in rows:
        row["href"] = site.owner_href(row["owner"])
    return rows


def scorecard_columns(card: pd.DataFrame) -> list[dict[str, str]]:
    return [{"key": key, "label": label, "format": fmt} for key, label, fmt in SCORECARD if key in card]


def attainment_chart(months: pd.DataFrame | None) -> dict[str, Any] | None:
    """Revenue per month (the last 24) against the owner's target."""
    if months is None or not len(months):
        return None
    months = months.tail(24)
    return charts.money(charts.bar_trend(months["period"].tolist(), months["revenue"].fillna(0).round(2).tolist(),
                                         "Revenue", line=target_line(months), line_name="Target"))


def appraisal_columns(card: pd.DataFrame | None) -> list[dict[str, str]]:
    """The appraisal figures the scorecard has (none without a scorecard)."""
    return [{"key": key, "label": label, "format": fmt, "responses": RESPONSES.get(key)}
            for key, label, fmt in APPRAISAL if card is not None and key in card]


def appraisal_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ranked rows best first (ties by name), then the unranked by name: the order of metrics.appraisal."""
    return sorted(rows, key=lambda r: (not r.get("ranked"), -(r.get("score") or 0) if r.get("ranked") else 0,
                                       str(r["owner"])))


def counted_components(row: dict[str, Any]) -> list[str]:
    """Labels of the components that made the row's score (``components`` in metrics.appraisal)."""
    names = (row.get("components") or "").split(SEPARATOR)
    return [COMPONENT_LABELS[name] for name in COMPONENTS if name in names]


def is_inactive(row: dict[str, Any]) -> bool:
    """True for a scorecard row without a single order, deal, customer or activity (a rep who left)."""
    return all(pd.isna(row.get(key)) or row.get(key) == 0 for key in ACTIVITY_KEYS)


def inactive_row(owner: str, card: pd.DataFrame | None) -> dict[str, Any]:
    """A scorecard row for an owner named somewhere but absent from the scorecard (a rep who left):
    every figure empty, and ``owner`` last so that no scorecard column can blank it."""
    return {**dict.fromkeys(card.columns if card is not None else ()), "owner": owner}


def owner_rows(site: Site, card: pd.DataFrame | None) -> list[dict[str, Any]]:
    """One row per owner: the scorecard's, then every other owner named anywhere (inactive), with href,
    inactive, below (attainment under the warning) and counted (appraisal component labels)."""
    rows = records(card) if card is not None else []
    listed = {row["owner"] for row in rows}
    rows += [inactive_row(owner, card)  # every owner linked anywhere has a page
             for owner in sorted(site.owner_slugs) if owner not in listed]
    for row in rows:
        row["href"] = site.owner_href(row["owner"])
        row["inactive"] = is_inactive(row)
        row["below"] = row.get("attainment_ytd") is not None and \
            row["attainment_ytd"] < site.config.rules.attainment_warning
        row["counted"] = counted_components(row)
    return rows


def goal_items(site: Site, goals: list[dict[str, Any]], path: str | None) -> list[dict[str, Any]]:
    """A rep's goals (metrics/goals.py ``rep_goals``) as the dashboard strip's items: state, symbol, href (the
    owner page's section with the figure), stage_name."""
    return [{**g, "state": goal_state(g["met"]), "symbol": symbol(g["direction"]),
             "href": f"{path}#{GOAL_SECTIONS[g['key']]}" if g["key"] in GOAL_SECTIONS else "funnel/index.html#stages",
             "stage_name": site.stage_names.get(g["stage"], g["stage"]) if g["stage"] else ""} for g in goals]


def with_goals(site: Site, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adds ``goals`` (the rep's goal items, none for "unassigned" and owners absent from the scorecard) to each
    row; returns the goal columns of the team page: key, label, stage_name, symbol, and target when every
    judged rep shares it (else each cell shows its own)."""
    judged = rep_goals(site.metrics, site.dataset.get("targets"), site.config)
    columns: dict[str, dict[str, Any]] = {}
    for row in rows:
        row["goals"] = goal_items(site, judged.get(str(row["owner"]), []), row["href"])
        row["goal_by_key"] = {g["key"]: g for g in row["goals"]}
        for g in row["goals"]:
            column = columns.setdefault(g["key"], {"key": g["key"], "label": g["label"], "stage_name": g["stage_name"],
                                                   "symbol": g["symbol"], "format": g["format"], "targets": set()})
            column["targets"].add(g["target"])
    return [{**c, "targets": tuple(sorted(c["targets"], key=repr)),  # a tuple: the page's key must not vary
             "target": next(iter(c["targets"])) if len(c["targets"]) == 1 else None,
             "shared": len(c["targets"]) == 1} for c in columns.values()]


def goal_minimums() -> dict[str, int]:
    """The samples below which a rep's survey or stage goal is shown but not judged (for the pages' notes)."""
    return {"responses": REP_MIN_RESPONSES, "deals": REP_MIN_DEALS}


def pages(site: Site) -> Iterator[Page]:
    card = scorecard(site)
    columns = scorecard_columns(card) if card is not None else []
    rows = owner_rows(site, card)
    goal_columns = with_goals(site, rows)
    context = common(site, "team/index.html", "team", "Team")
    context.update(owners=rows, columns=columns, attainment_warning=site.config.rules.attainment_warning,
                   appraised=appraisal_order(rows), appraisal_columns=appraisal_columns(card),
                   goal_columns=goal_columns, goal_minimums=goal_minimums(),
                   weights=site.config.appraisal.weights(),
                   weighted_count=sum(1 for w in site.config.appraisal.weights().values() if w > 0))
    yield Page("team/index.html", "team.html", context)
    yield from owner_pages(site, rows, columns)


def owner_pages(site: Site, rows: list[dict[str, Any]], columns: list[dict[str, str]]) -> Iterator[Page]:
    months = site.metrics.owner_months
    by_owner = dict(list(months.sort_values(["key", "period"]).groupby("key", sort=False))) if len(months) else {}
    by_type = grouped_records(site.metrics.owner_activities, "owner", ("type", "activities"), order=("activities",),
                              ascending=False)
    customers = customers_section.index_frame(site)
    deals = pipeline_section.open_deals(site)
    first_customers = grouped_records(customers, "owner", customers_section.FIELDS, head=FIRST_PAGE)
    first_deals = grouped_records(deals, "owner", pipeline_section.FIELDS, head=FIRST_PAGE)
    customer_counts = customers["owner"].value_counts().to_dict()
    deal_counts = deals["owner"].value_counts().to_dict()
    customer_table = {"columns": [c.as_dict() for c in customers_section.COLUMNS if c.field != "owner"],
                      "data": customers_section.DATA_NAME, "labels": customers_section.index_labels(site.language)}
    deal_table = {"columns": [c.as_dict() for c in pipeline_section.COLUMNS if c.field != "owner"],
                  "data": pipeline_section.TABLE, "labels": pipeline_section.deal_labels(site),
                  "sorts": sort_options(pipeline_section.COLUMNS)}
    appraisal = appraisal_columns(site.metrics.scorecard if len(site.metrics.scorecard) else None)
    followup = owner_followup(site)

    def context(row: dict[str, Any]) -> dict[str, Any]:
        owner = row["owner"]
        path = row["href"]
        ctx = common(site, path, "team", str(owner), title_is_label=False)
        ctx.update(
            owner=owner, card=row, columns=columns, appraisal_columns=appraisal, goals=row["goals"],
            goal_minimums=goal_minimums(),
            tiles=[tile(c["label"], row.get(c["key"]), c["format"], f"{path}#scorecard") for c in columns
                   if c["key"] in TILE_KEYS],
            attainment_chart=attainment_chart(by_owner.get(owner)), activity_types=by_type.get(owner, []),
            customer_table=customer_table, deal_table=deal_table,
            first_customers=first_customers.get(owner, []), first_deals=first_deals.get(owner, []),
            customer_count=customer_counts.get(owner, 0), deal_count=deal_counts.get(owner, 0),
            open_actions=owner_actions(site, owner),  # the rep's open review actions (pages/reviews.py)
            followup=followup.get(str(owner)),
        )
        return ctx

    for row in rows:
        yield Page(row["href"], "owner.html", partial(context, row))


# data/team.csv (SPEC §7): the appraisal, then the other scorecard columns, one row per owner in rank order
TEAM_CSV_HEAD = ("owner", "active", "ranked", "rank", "ranked_of", "score", "components",
                 *(f"{name}_score" for name in COMPONENTS))
TEAM_CSV_EXTRA = ("costed_revenue_ytd", "revenue_prior_ytd", "won_deals", "lost_deals", "csat_responses",
                  "nps_responses")
TEAM_CSV_GOALS = ("revenue_attainment", "new_customers", "sales_cycle_days", "csat", "nps")  # always, maybe empty


def team_csv_columns(stage_goals: tuple[str, ...] = ()) -> list[str]:
    """Every column of data/team.csv, in order: the appraisal, the scorecard, ``goal_<key>_met`` of each rep goal
    (``stage_goals``: the stage keys with a conversion goal) and last ``url`` (the owner's page)."""
    goals = (*TEAM_CSV_GOALS, *(f"stage_conversion:{key}" for key in stage_goals))
    keys = [*TEAM_CSV_HEAD, *(k for k, _, _ in APPRAISAL), *TEAM_CSV_EXTRA, *(k for k, _, _ in SCORECARD),
            *(f"goal_{key}_met" for key in goals), "url"]
    return list(dict.fromkeys(keys))


def team_csv(site: Site) -> bytes:
    """data/team.csv: shares and changes with 4 decimals, amounts 2, scores 1; formula-like text neutralised."""
    from sitegen.pages.data_files import neutralise  # data_files writes the other CSVs (and imports pages)

    card = scorecard(site)
    rows = owner_rows(site, card)
    with_goals(site, rows)
    met = {True: "true", False: "false", None: ""}
    stage_goals = tuple(s.key for s in site.config.stages if s.conversion_goal is not None)
    frame = pd.DataFrame([{**row, "active": not row["inactive"], "ranked": bool(row.get("ranked")),
                           **{f"goal_{g['key']}_met": met[g["met"]] for g in row["goals"]},
                           "url": (row["href"] or "").removesuffix("index.html")} for row in appraisal_order(rows)]
                         ).reindex(columns=team_csv_columns(stage_goals))
    formats = {key: fmt for key, _, fmt in (*SCORECARD, *APPRAISAL)}
    counts = {"rank", "ranked_of", *(c for c in (card.columns if card is not None else ())
                                      if pd.api.types.is_integer_dtype(card[c]))}
    for col in frame.columns:
        fmt = formats.get(col, "score" if col == "score" or col.endswith("_score") else "")
        if fmt in ("pct", "change"):
            frame[col] = pd.to_numeric(frame[col]).round(4)
        elif fmt == "money" or col in ("costed_revenue_ytd", "revenue_prior_ytd"):
            frame[col] = pd.to_numeric(frame[col]).round(2)
        elif fmt == "score":
            frame[col] = pd.to_numeric(frame[col]).round(1)
        elif col in counts:
            frame[col] = pd.to_numeric(frame[col]).astype("Int64")
        elif fmt in ("number", "days"):
            frame[col] = pd.to_numeric(frame[col]).round(2)
        else:
            frame[col] = frame[col].map(neutralise)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
