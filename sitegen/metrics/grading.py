"""Deal grades (high / medium / low) that mean something, with the reason, and forecast categories.

A manual ``grade`` wins. Otherwise a deal with any factor (``need_fit``, ``budget_confirmed``,
``decision_maker_engaged``, ``competition``; 0-1 after loading) gets the weighted mean of its known
factors (competition counts against: 1 - value) held against ``[grading] high`` / ``medium``. A deal without
factors is graded by its probability (the CRM's, else its stage's) against thresholds placed among the stage
probabilities in use (``fallback_high`` / ``fallback_medium`` quantiles), so every grade is reachable whatever
the stage probabilities are. A computed grade drops one level when the deal is stale or its close date passed.
docs/metrics.md defines it all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.config import Config
from sitegen.grading_config import FACTORS

LEVELS = np.array(["low", "medium", "high"], dtype=object)
GRADE_COLUMNS = ("grade", "grade_source", "grade_score", "grade_high_at", "grade_medium_at", "grade_lowered",
                 "forecast_category", "forecast_source")


def fallback_thresholds(stage_probabilities: np.ndarray, config: Config) -> tuple[float, float]:
    """(high, medium) probability thresholds: quantiles of the open stages' probabilities in use; the absolute
    ``[rules] grade_high`` / ``grade_medium`` when those probabilities are all equal (no spread to place in)."""
    p = np.sort(np.asarray(stage_probabilities, dtype=float))
    p = p[~np.isnan(p)]
    if len(p) < 2 or p[0] == p[-1]:
        return config.rules.grade_high, config.rules.grade_medium
    g = config.grading
    return float(np.quantile(p, g.fallback_high)), float(np.quantile(p, g.fallback_medium))


def factor_scores(deals: pd.DataFrame, config: Config) -> pd.Series:
    """Weighted mean of each deal's known factors (0-1; competition inverted); NaN without any factor."""
    total = np.zeros(len(deals))
    weights = np.zeros(len(deals))
    for factor in FACTORS:
        if factor not in deals:
            continue
        values = pd.to_numeric(deals[factor], errors="coerce").to_numpy(dtype=float)
        if factor == "competition":
            values = 1.0 - values
        known = ~np.isnan(values)
        w = config.grading.weight(factor)
        total += np.where(known, values * w, 0.0)
        weights += np.where(known, w, 0.0)
    return pd.Series(np.where(weights > 0, total / np.where(weights > 0, weights, 1), np.nan), index=deals.index)


def grade_deals(deals: pd.DataFrame, stage_probabilities: np.ndarray, config: Config) -> pd.DataFrame:
    """The columns of :data:`GRADE_COLUMNS` for ``deals`` (grade and forecast category only for open deals).

    ``deals`` has status, stage, probability (the stage's), crm_probability, stale, overdue, grade (manual)
    and any factor columns; ``stage_probabilities`` is the probability in use of each open stage.
    """
    g = config.grading
    is_open = (deals["status"] == "open").to_numpy()
    score = factor_scores(deals, config).to_numpy()
    crm = pd.to_numeric(deals.get("crm_probability"), errors="coerce") if "crm_probability" in deals else None
    probability = deals["probability"].to_numpy(dtype=float)
    if crm is not None:
        probability = np.where(np.isnan(crm.to_numpy(dtype=float)), probability, crm.to_numpy(dtype=float))
    p_high, p_medium = fallback_thresholds(stage_probabilities, config)
    by_factors = ~np.isnan(score)
    value = np.where(by_factors, score, probability)
    high_at = np.where(by_factors, g.high, p_high)
    medium_at = np.where(by_factors, g.medium, p_medium)
    level = np.select([value >= high_at, value >= medium_at], [2, 1], 0)
    flagged = (deals["stale"].to_numpy(dtype=bool) | deals["overdue"].to_numpy(dtype=bool)) & (level > 0)
    computed = LEVELS[np.maximum(level - flagged, 0)]
    manual = deals["grade"].astype(object).to_numpy() if "grade" in deals else np.full(len(deals), None)
    has_manual = pd.notna(manual)
    grade = np.where(has_manual, manual, computed)
    source = np.where(has_manual, "manual", np.where(by_factors, "factors", "probability"))
    out = pd.DataFrame({
        "grade": pd.Series(grade, index=deals.index, dtype=object).where(is_open, None),
        "grade_source": pd.Series(source, index=deals.index, dtype=object).where(is_open, None),
        "grade_score": pd.Series(value, index=deals.index).where(is_open & ~has_manual),
        "grade_high_at": pd.Series(high_at, index=deals.index).where(is_open & ~has_manual),
        "grade_medium_at": pd.Series(medium_at, index=deals.index).where(is_open & ~has_manual),
        "grade_lowered": pd.Series(flagged & is_open & ~has_manual, index=deals.index),
    }, index=deals.index)
    category, category_source = forecast_categories(deals, out["grade"], config)
    out["forecast_category"] = category.where(is_open, None)
    out["forecast_source"] = category_source.where(is_open, None)
    return out


def forecast_categories(deals: pd.DataFrame, grade: pd.Series, config: Config) -> tuple[pd.Series, pd.Series]:
    """commit / best_case / pipeline per deal and where it came from ("column", "grade" or "stage")."""
    g = config.grading
    basis = (deals["stage"].astype(object) if g.forecast_from == "stage" else grade).to_numpy(dtype=object)
    derived = np.where(np.isin(basis, list(g.commit)), "commit",
                       np.where(np.isin(basis, list(g.best_case)), "best_case", "pipeline"))
    given = deals["forecast_category"].astype(object).to_numpy() if "forecast_category" in deals \
        else np.full(len(deals), None)
    has = pd.notna(given)
    return (pd.Series(np.where(has, given, derived), index=deals.index, dtype=object),
            pd.Series(np.where(has, "column", g.forecast_from), index=deals.index, dtype=object))


def big_deal_flags(deals: pd.DataFrame, lifetime_revenue: pd.Series, average_won: float | None,
                   multiple: float) -> pd.Series:
    """Open deals larger than ``multiple`` x both their customer's lifetime revenue (0 for a customer who never
    bought) and the team's average won deal: unusual enough for a manager to check before counting on it.

    Both, not either: against lifetime revenue alone one open deal in five of the demo was flagged (new
    customers start with small orders), a check nobody would read.
    """
    amount = deals["amount"].to_numpy(dtype=float)
    revenue = np.nan_to_num(deals["customer_id"].map(lifetime_revenue).to_numpy(dtype=float))
    base = np.maximum(revenue, float(average_won) if average_won else 0.0)
    return pd.Series((deals["status"] == "open").to_numpy() & (base > 0) & (amount > multiple * base),
                     index=deals.index)
