"""Rep appraisal (issue 15 §3): five components per rep scored 0-100, a weighted score and a rank.

The components (docs/metrics.md, "Rep appraisal"), from the scorecard's year-to-date and window figures:

- sales: year-to-date revenue attainment, capped at 150 %: min(attainment, 1.5) / 1.5 × 100;
- profit: year-to-date margin % divided by the team's margin % (the ranked reps' Σ margin / Σ revenue of
  orders with a known margin), capped and mapped like sales (a rep at the team's margin % scores 66.7);
- growth: year-to-date revenue against the same days a year earlier, mapped linearly and clipped:
  −50 % → 0, ±0 → 50, +50 % → 100;
- new_customers: year-to-date new customers / their year-to-date target, capped and mapped like sales;
- satisfaction: CSAT × 100 of their accounts' feedback in the window; without CSAT responses (NPS + 100) / 2.

A component without data (no target, no margin, no sales a year earlier, no feedback) or with weight 0 is
left out and the remaining weights renormalised; ``components`` names those that counted. The score is rounded
to one decimal before ranking, so a shown tie is a tie: equal scores share a rank (1, 2, 2, 4) and are listed by
owner name. Inactive owners and "unassigned" are listed but not ranked.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from sitegen.appraisal_config import COMPONENTS
from sitegen.metrics.grouped import UNASSIGNED

CAP = 1.5  # attainment-like ratios count up to 150 %
SCORE_COLUMNS = tuple(f"{name}_score" for name in COMPONENTS)
SEPARATOR = ";"  # between component names in ``components``


def capped(ratio: pd.Series) -> pd.Series:
    """A ratio (1 = on target) as 0-100: 0 at or below 0, 100 at CAP or above, linear between."""
    return ratio.clip(lower=0, upper=CAP) / CAP * 100


def team_margin_pct(card: pd.DataFrame, ranked: pd.Series) -> float | None:
    """Σ margin / Σ costed revenue over the ranked reps with a known margin; None when not above 0."""
    known = ranked & card["margin_ytd"].notna() & (card["costed_revenue_ytd"] > 0)
    revenue = float(card.loc[known, "costed_revenue_ytd"].sum())
    pct = float(card.loc[known, "margin_ytd"].sum()) / revenue if revenue > 0 else None
    return pct if pct is not None and pct > 0 else None


def component_scores(card: pd.DataFrame, team_margin: float | None) -> pd.DataFrame:
    """The five components (0-100, NaN without data) of every scorecard row."""
    profit = card["margin_pct_ytd"] / team_margin if team_margin else pd.Series(np.nan, index=card.index)
    csat = (card["csat"] * 100).where(card["csat_responses"] > 0)
    nps = ((card["nps"] + 100) / 2).where(card["nps_responses"] > 0)
    return pd.DataFrame({
        "sales_score": capped(card["attainment_ytd"]),
        "profit_score": capped(profit),
        "growth_score": (50 + 100 * card["growth_ytd"]).clip(lower=0, upper=100),
        "new_customers_score": capped(card["new_customers_attainment_ytd"]),
        "satisfaction_score": csat.where(csat.notna(), nps),
    }, index=card.index).astype(float)


def appraise(card: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """``card`` (one row per owner with ``owner``, ``active`` and the figures above) plus the component scores,
    ``score``, ``components``, ``ranked``, ``rank`` and ``ranked_of``; rows keep their order
    (:func:`in_rank_order` sorts them)."""
    out = card.copy()
    ranked = out["active"].astype(bool) & (out["owner"] != UNASSIGNED)
    scores = component_scores(out, team_margin_pct(out, ranked))
    w = np.array([weights.get(name, 0.0) for name in COMPONENTS], dtype=float)
    values = scores.to_numpy()
    counted = ~np.isnan(values) & (w > 0)
    total = (counted * w).sum(axis=1)
    weighted = np.where(counted, np.nan_to_num(values) * w, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(total > 0, weighted / np.where(total > 0, total, 1), np.nan)
    out[list(SCORE_COLUMNS)] = scores.round(1)
    out["score"] = np.round(score, 1)
    out["components"] = [SEPARATOR.join(n for n, c in zip(COMPONENTS, row) if c) for row in counted]
    out["ranked"] = ranked & out["score"].notna()
    ranks = (-out.loc[out["ranked"], "score"]).rank(method="min")
    out["rank"] = ranks.reindex(out.index).astype("Int64")
    out["ranked_of"] = pd.array([int(out["ranked"].sum()) if r else pd.NA for r in out["ranked"]], dtype="Int64")
    return out


def in_rank_order(card: pd.DataFrame) -> pd.DataFrame:
    """The appraised rows best first, ties and then the unranked by owner name (a deterministic order)."""
    key = card.assign(_unranked=~card["ranked"].astype(bool), _score=-card["score"].fillna(0))
    return card.loc[key.sort_values(["_unranked", "_score", "owner"], kind="stable").index].reset_index(drop=True)
