"""Customer feedback: NPS (0-10 scores) and CSAT (1-5 scores), overall, per customer, per owner and period."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sitegen.metrics import periods as cal

FEEDBACK_KPIS = ("nps", "nps_responses", "csat", "csat_responses")


def nps(scores: pd.Series) -> float | None:
    """Net promoter score: % of scores 9-10 minus % of scores 0-6 (-100..100); None without scores."""
    scores = scores.dropna()
    if scores.empty:
        return None
    return float(((scores >= 9).mean() - (scores <= 6).mean()) * 100)


def csat(scores: pd.Series) -> float | None:
    """Customer satisfaction: share of 1-5 scores that are 4 or 5; None without scores."""
    scores = scores.dropna()
    return float((scores >= 4).mean()) if len(scores) else None


def responses(feedback: pd.DataFrame | None, start: pd.Timestamp | None, end: pd.Timestamp,
              undated: bool) -> pd.DataFrame:
    """Scored responses dated in [start, end] (start None: up to end); ``undated`` keeps rows without a date."""
    if feedback is None:
        return pd.DataFrame({"customer_id": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[ns]"),
                             "kind": pd.Series(dtype=object), "score": pd.Series(dtype=float)})
    date = feedback["date"] if "date" in feedback else pd.Series(pd.NaT, index=feedback.index)
    dated = (date <= end) & (date >= start if start is not None else True)
    keep = (dated | (date.isna() & undated)) & feedback["score"].notna() & feedback["kind"].notna()
    return pd.DataFrame({"customer_id": feedback.loc[keep, "customer_id"], "date": date[keep],
                         "kind": feedback.loc[keep, "kind"].astype(object), "score": feedback.loc[keep, "score"]})


def feedback_kpis(rows: pd.DataFrame, present: bool) -> dict[str, Any]:
    """NPS and CSAT over ``rows`` with response counts; all None when there is no feedback file."""
    if not present:
        return dict.fromkeys(FEEDBACK_KPIS)
    n, c = rows.loc[rows["kind"] == "nps", "score"], rows.loc[rows["kind"] == "csat", "score"]
    return {"nps": nps(n), "nps_responses": int(len(n)), "csat": csat(c), "csat_responses": int(len(c))}


def scores_by(rows: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """NPS, CSAT and response counts per group of ``key`` (vectorised)."""
    if rows.empty:
        return empty_scores()
    is_nps = (rows["kind"] == "nps").to_numpy()
    is_csat = (rows["kind"] == "csat").to_numpy()
    score = rows["score"].to_numpy(dtype=float)
    frame = pd.DataFrame({"key": key.to_numpy(), "nps_n": is_nps, "promoter": is_nps & (score >= 9),
                          "detractor": is_nps & (score <= 6), "csat_n": is_csat, "satisfied": is_csat & (score >= 4)})
    g = frame.groupby("key", sort=True).sum()
    return pd.DataFrame({
        "nps": ((g["promoter"] - g["detractor"]) / g["nps_n"].where(g["nps_n"] > 0) * 100),
        "nps_responses": g["nps_n"].astype("int64"),
        "csat": g["satisfied"] / g["csat_n"].where(g["csat_n"] > 0),
        "csat_responses": g["csat_n"].astype("int64"),
    })


def customer_feedback(rows: pd.DataFrame) -> pd.DataFrame:
    """Per customer: response counts, latest NPS and CSAT score, latest feedback date (index customer_id)."""
    counts = scores_by(rows, rows["customer_id"])[["nps_responses", "csat_responses"]]
    ordered = rows.sort_values("date", kind="stable", na_position="first")
    last = {kind: ordered[ordered["kind"] == kind].groupby("customer_id")["score"].last()
            for kind in ("nps", "csat")}
    out = counts.assign(nps_last=last["nps"], csat_last=last["csat"],
                        feedback_last_date=rows.groupby("customer_id")["date"].max())
    out.index.name = "customer_id"
    return out


def empty_scores() -> pd.DataFrame:
    """The columns of :func:`scores_by` without rows."""
    return pd.DataFrame({"nps": pd.Series(dtype=float), "nps_responses": pd.Series(dtype=np.int64),
                         "csat": pd.Series(dtype=float), "csat_responses": pd.Series(dtype=np.int64)})


COMMENT_COLUMNS = ("customer_id", "date", "kind", "score", "score_share", "comment")


def comments(feedback: pd.DataFrame | None, as_of: pd.Timestamp) -> pd.DataFrame:
    """Scored responses with a comment, dated up to as_of (undated ones too), lowest scores first.

    ``score_share`` puts both scales on 0 (worst) .. 1 (best): NPS score / 10, CSAT (score - 1) / 4; rows are
    sorted by it, then newest first, then by customer id, so the same data always lists in the same order.
    """
    rows = responses(feedback, None, as_of, undated=True)
    text = feedback.loc[rows.index, "comment"] if feedback is not None and "comment" in feedback else None
    if text is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COMMENT_COLUMNS})
    share = np.where(rows["kind"] == "nps", rows["score"] / 10, (rows["score"] - 1) / 4)
    out = rows.assign(score_share=share, comment=text)[list(COMMENT_COLUMNS)]
    out = out[out["comment"].notna()]
    return out.sort_values(["score_share", "date", "customer_id"], ascending=[True, False, True],
                           na_position="last", kind="stable", ignore_index=True)


def period_comments(rows: pd.DataFrame, periods: pd.DataFrame, fy_start: int) -> pd.DataFrame:
    """The comments of :func:`comments` once per report period their date falls in (a month, its quarter and
    its year): ``period`` first, then COMMENT_COLUMNS, lowest scores first within each period."""
    dated = rows[rows["date"].notna()]
    parts = []
    for kind, group in periods.groupby("kind", sort=False):
        ids = cal.period_ids(cal.month_ids(group["start"]), kind, fy_start)
        label = pd.Series(group["period"].to_numpy(), index=ids)
        own = cal.period_ids(cal.month_ids(dated["date"]), kind, fy_start)
        found = label.reindex(own).to_numpy()
        parts.append(dated.assign(period=found)[pd.notna(found)])
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("period", *COMMENT_COLUMNS)})
    out = pd.concat(parts, ignore_index=True)[["period", *COMMENT_COLUMNS]]
    return out.sort_values(["period", "score_share", "date", "customer_id"], ascending=[True, True, False, True],
                           kind="stable", ignore_index=True)
