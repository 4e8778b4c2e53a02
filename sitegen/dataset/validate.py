"""Checks that need more than one column or table: stages, unique ids, references.

Each check adds to the problem log and returns the table with offending values
made harmless (mapped, or set missing) so metrics never see them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.dataset.load import LINE
from sitegen.dataset.parse import suggest
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.schema import GRADES, TIER_ALIASES

PERIOD_RE = re.compile(r"^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$")


def stage_lookup(config: Config) -> dict[str, str]:
    """Every accepted spelling (casefolded) -> stage key, ``won`` or ``lost``."""
    table: dict[str, str] = {}
    for stage in config.stages:
        for label in (stage.key, *stage.names.values(), *stage.aliases):
            table[label.strip().casefold()] = stage.key
    for outcome, labels in (("won", config.won), ("lost", config.lost)):
        for label in ("won" if outcome == "won" else "lost", *labels):
            table[label.strip().casefold()] = outcome
    return table


def map_stages(values: pd.Series, lookup: dict[str, str], display: str, column: str, lines: np.ndarray,
               log: ProblemLog, severity: str = "error") -> pd.Series:
    """Map stage labels to keys; unknown labels are reported with a did-you-mean hint."""
    folded = values.astype(object).where(values.notna(), None)
    keys = values.astype("string").str.strip().str.casefold().map(lookup).astype(object)
    unknown = (keys.isna() & folded.notna()).to_numpy()
    if unknown.any():
        labels = sorted(set(lookup))
        for value in pd.unique(folded[unknown]):
            rows = lines[unknown & (folded == value).to_numpy()]
            close = suggest(str(value), labels)
            hint = f"did you mean '{close}'?" if close else "add it to a stage's aliases in sitegen.toml"
            log.add_rows(display, rows, column, "unknown stage", hint, severity, values=[value] * len(rows),
                         per_kind=5)
    return keys


def validate_pipeline(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    lookup = stage_lookup(config)
    lines = frame[LINE].to_numpy()
    frame["stage"] = map_stages(frame["stage"], lookup, display, "stage", lines, log)
    frame["status"] = frame["stage"].map(lambda k: k if k in ("won", "lost") else ("open" if k else None))
    if "lost_at_stage" in frame:
        frame["lost_at_stage"] = map_stages(frame["lost_at_stage"], lookup, display, "lost_at_stage", lines,
                                            log, "warning")
    _unique(frame, "opportunity_id", display, log)
    no_created = frame["created_date"].isna().to_numpy() if "created_date" in frame else np.ones(len(frame), bool)
    if no_created.any():
        log.add_rows(display, lines[no_created], "created_date", "missing created date",
                     "the deal stays out of date-based metrics (funnel, cycle)", "warning")
    if "close_date" in frame:
        won_no_close = ((frame["status"] == "won") & frame["close_date"].isna()).to_numpy()
        if won_no_close.any():
            log.add_rows(display, lines[won_no_close], "close_date", "won deal without close date",
                         "it counts as won but stays out of win rate, cycle and period figures", "warning")
        before = (frame["close_date"] < frame["created_date"]).to_numpy() if "created_date" in frame else None
        if before is not None and before.any():
            log.add_rows(display, lines[before], "close_date", "close date before created date",
                         "check both dates", "warning")
    if "grade" in frame:
        frame["grade"] = _normalise(frame, "grade", GRADES, display, "use high, medium or low", log)
    _summary_warnings(frame, display, config, log)
    return frame


def _summary_warnings(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> None:
    """One warning per kind of gap that metrics work around (lost stage, open amount, customer)."""
    lost = frame["status"] == "lost"
    no_stage = lost & (frame["lost_at_stage"].isna() if "lost_at_stage" in frame else True)
    if no_stage.any() and not config.table_path("stage_history").exists():
        log.add(display, 0, "lost_at_stage", f"{int(no_stage.sum())} lost deal(s) without lost_at_stage",
                "they count as lost at the first stage in the funnel; add lost_at_stage or stage_history.csv",
                "warning")
    no_amount = (frame["status"] == "open") & (frame["amount"].isna() if "amount" in frame else True)
    if no_amount.any():
        log.add(display, 0, "amount", f"{int(no_amount.sum())} open deal(s) without amount",
                "they count as 0 in pipeline value and forecast", "warning")
    no_customer = frame["customer_id"].isna() if "customer_id" in frame else pd.Series(True, index=frame.index)
    if no_customer.any():
        log.add(display, 0, "customer_id", f"{int(no_customer.sum())} deal(s) without customer_id",
                "they count in pipeline figures but appear on no customer page", "warning")


def validate_stage_history(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    lines = frame[LINE].to_numpy()
    frame["stage"] = map_stages(frame["stage"], stage_lookup(config), display, "stage", lines, log)
    order = {key: i for i, key in enumerate(config.stage_keys)}
    steps = frame.assign(i=frame["stage"].map(order)).dropna(subset=["i", "entered_date"])
    steps = steps.sort_values(["opportunity_id", "i"], kind="stable")
    same = steps["opportunity_id"].eq(steps["opportunity_id"].shift())
    backwards = (same & (steps["entered_date"] < steps["entered_date"].shift())).to_numpy()
    if backwards.any():
        log.add_rows(display, steps[LINE].to_numpy()[backwards], "entered_date",
                     "entered this stage before an earlier stage",
                     "check the dates; the furthest stage reached still counts", "warning")
    return frame


def validate_orders(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    for column in ("amount", "quantity"):
        if column in frame:
            negative = (frame[column] < 0).to_numpy()
            if negative.any():
                log.add_rows(display, frame[LINE].to_numpy()[negative], column, "negative value",
                             "counted as a return or credit note, reducing revenue", "warning",
                             values=frame[column].to_numpy()[negative])
    return frame


def validate_customers(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    _unique(frame, "customer_id", display, log)
    if "tier" in frame:
        frame["tier"] = _normalise(frame, "tier", TIER_ALIASES, display,
                                   "use strategic, key, general or potential", log)
    return frame


def validate_targets(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    period = frame["period"].astype(str).str.strip().str.upper().str.replace(r"^(\d{4})[-/.]?(\d{1,2})$",
                                                                             _pad_month, regex=True)
    bad = (~period.str.match(PERIOD_RE) & frame["period"].notna()).to_numpy()
    if bad.any():
        log.add_rows(display, frame[LINE].to_numpy()[bad], "period", "not a period",
                     "use 2026, 2026-Q3 or 2026-07", values=frame["period"].to_numpy()[bad])
    frame["period"] = period.where(~bad, None)
    return frame


def _pad_month(m: re.Match) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def validate_feedback(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    kind = frame["kind"].astype(str).str.strip().str.casefold()
    lines = frame[LINE].to_numpy()
    bad_kind = (~kind.isin(["nps", "csat"]) & frame["kind"].notna()).to_numpy()
    if bad_kind.any():
        log.add_rows(display, lines[bad_kind], "kind", "unknown feedback kind", "use nps (0-10) or csat (1-5)",
                     "warning", values=frame["kind"].to_numpy()[bad_kind])
    frame["kind"] = kind.where(~bad_kind, None)
    score = frame["score"]
    out_of_range = (((frame["kind"] == "nps") & ~score.between(0, 10)) |
                    ((frame["kind"] == "csat") & ~score.between(1, 5))) & score.notna()
    if out_of_range.any():
        mask = out_of_range.to_numpy()
        log.add_rows(display, lines[mask], "score", "score out of range", "nps is 0-10, csat is 1-5",
                     "warning", values=score.to_numpy()[mask])
        frame["score"] = score.mask(out_of_range)
    return frame


def check_references(tables: dict[str, pd.DataFrame], displays: dict[str, str], log: ProblemLog) -> None:
    """Orphan references are warnings: the rows still count, named by their id."""
    customers = tables.get("customers")
    if customers is not None:
        known = set(customers["customer_id"].dropna())
        for name in ("pipeline", "orders", "contacts", "activities", "feedback"):
            frame = tables.get(name)
            if frame is None or "customer_id" not in frame:
                continue
            orphan = (frame["customer_id"].notna() & ~frame["customer_id"].isin(known)).to_numpy()
            if orphan.any():
                log.add_rows(displays[name], frame[LINE].to_numpy()[orphan], "customer_id",
                             "customer not in customers file", "the customer gets a page named by its id",
                             "warning", values=frame["customer_id"].to_numpy()[orphan], per_kind=10)
        _orders_before_customer(customers, tables.get("orders"), displays["orders"], log)
    pipeline = tables.get("pipeline")
    if pipeline is not None:
        known = set(pipeline["opportunity_id"].dropna())
        for name in ("stage_history", "activities"):
            frame = tables.get(name)
            if frame is None or "opportunity_id" not in frame:
                continue
            orphan = (frame["opportunity_id"].notna() & ~frame["opportunity_id"].isin(known)).to_numpy()
            if orphan.any():
                log.add_rows(displays[name], frame[LINE].to_numpy()[orphan], "opportunity_id",
                             "opportunity not in pipeline file", "the row is ignored for deal metrics",
                             "warning", values=frame["opportunity_id"].to_numpy()[orphan], per_kind=10)


def _orders_before_customer(customers: pd.DataFrame, orders: pd.DataFrame | None, display: str,
                            log: ProblemLog) -> None:
    """An order dated before its customer's created_date usually means one of the dates is wrong."""
    if orders is None or "created_date" not in customers:
        return
    created = orders["customer_id"].map(customers.drop_duplicates("customer_id").set_index("customer_id")["created_date"])
    early = (orders["order_date"] < created).to_numpy()
    if early.any():
        log.add_rows(display, orders[LINE].to_numpy()[early], "order_date",
                     "order dated before the customer was created", "check customers.csv created_date",
                     "warning", values=orders["order_date"].dt.strftime("%Y-%m-%d").to_numpy()[early], per_kind=10)


def _unique(frame: pd.DataFrame, column: str, display: str, log: ProblemLog) -> None:
    dup = frame[column].duplicated(keep="first") & frame[column].notna()
    if dup.any():
        mask = dup.to_numpy()
        first_line = frame.drop_duplicates(column).set_index(column)[LINE]
        values = frame[column].to_numpy()[mask]
        for line, value in list(zip(frame[LINE].to_numpy()[mask], values))[:20]:
            log.add(display, line, column, f"duplicate id {value!r}", f"first used on line {first_line[value]}")
        if mask.sum() > 20:
            log.add(display, 0, column, f"{int(mask.sum()) - 20} more duplicate ids")


def _normalise(frame: pd.DataFrame, column: str, allowed: dict[str, str], display: str, hint: str,
               log: ProblemLog) -> pd.Series:
    folded = frame[column].astype("string").str.strip().str.casefold()
    mapped = folded.map(allowed).astype(object)
    bad = (mapped.isna() & folded.notna()).to_numpy()
    if bad.any():
        log.add_rows(display, frame[LINE].to_numpy()[bad], column, f"unknown {column}; ignored", hint, "warning",
                     values=frame[column].to_numpy()[bad])
    return mapped.astype(object).where(mapped.notna(), None)
