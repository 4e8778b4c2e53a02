"""Owner figures: order attribution, the owner scorecard (SPEC §4) and activities by type.

Orders belong to their ``owner``, else the customer's owner, else "unassigned" (see
:func:`reduce.orders_from_lines`); deals to their owner, else the customer's owner, else
"unassigned"; a customer's NPS/CSAT to the customer's account owner.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from sitegen.appraisal_config import Appraisal
from sitegen.metrics import appraisal, outcomes
from sitegen.metrics.feedback import scores_by
from sitegen.metrics.funnel import closed_between
from sitegen.metrics.grouped import UNASSIGNED, Groups, codes


def orders_by(orders: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """Revenue, margin, orders, active and new customers per group of ``key`` (one value per order; a categorical
    groups on its codes)."""
    counted = ~orders["is_return"].to_numpy(dtype=bool)
    frame = pd.DataFrame({"key": key.reset_index(drop=True), "revenue": orders["revenue"].to_numpy(),
                          "margin": orders["margin"].to_numpy(), "orders": counted,
                          "new": orders["first_order"].to_numpy(dtype=bool),
                          "customer": orders["customer_id"].cat.codes.to_numpy()})
    g = frame.groupby("key", sort=True, observed=True)
    out = pd.DataFrame({"revenue": g["revenue"].sum(), "margin": g["margin"].sum(min_count=1),
                        "orders": g["orders"].sum().astype("int64"), "new_customers": g["new"].sum().astype("int64")})
    buyers = frame.loc[counted, ["key", "customer"]].drop_duplicates()
    out["active_customers"] = buyers.groupby("key", observed=True).size().reindex(out.index).fillna(0).astype("int64")
    return out.set_axis(pd.Index(out.index.to_numpy()))  # the keys, typed as a group-by on text types them


def follow_up_compliance(deals: pd.DataFrame, stale_after_days: int) -> pd.Series:
    """Per owner: share of their open deals with an activity in the last ``stale_after_days`` days."""
    open_deals = deals[deals["status"] == "open"]
    recent = open_deals["days_since_activity"] <= stale_after_days
    return recent.groupby(open_deals["owner"]).mean()


def owner_activities(activities: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Activities per owner and type dated in [start, end]: owner, type, activities (sorted)."""
    inside = activities[activities["date"].between(start, end)]
    out = inside.groupby(["owner", "type"], sort=True)["activities"].sum().reset_index()
    out["activities"] = out["activities"].astype("int64")
    return out


# scorecard counts of which one above zero makes an owner active (listed but not ranked otherwise)
ACTIVITY_KEYS = ("revenue", "orders", "won_deals", "lost_deals", "open_deals", "customers", "activities")


def year_to_date(orders: pd.DataFrame, ytd_start: pd.Timestamp, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per order owner, the fiscal year to date: revenue_ytd, margin_ytd, costed_revenue_ytd (revenue of orders
    with a known margin), new_customers_ytd, and revenue_prior_ytd of the same days a year earlier."""
    year = orders[orders["order_date"].between(ytd_start, as_of)]
    costed = year["margin"].notna()
    frame = pd.DataFrame({"owner": year["owner"].astype(object).to_numpy(), "revenue_ytd": year["revenue"].to_numpy(),
                          "margin_ytd": year["margin"].to_numpy(),
                          "costed_revenue_ytd": year["revenue"].where(costed, 0.0).to_numpy(),
                          "new_customers_ytd": year["first_order"].to_numpy(dtype="int64")})
    g = frame.groupby("owner", sort=True)
    out = g[["revenue_ytd", "costed_revenue_ytd", "new_customers_ytd"]].sum()
    out["margin_ytd"] = g["margin_ytd"].sum(min_count=1)
    year_ago = pd.DateOffset(years=1)
    prior = orders[orders["order_date"].between(ytd_start - year_ago, as_of - year_ago)]
    prior_revenue = prior.groupby(prior["owner"].astype(object), sort=True)["revenue"].sum()
    return out.join(prior_revenue.rename("revenue_prior_ytd"), how="outer")


def scorecard(orders: pd.DataFrame, deals: pd.DataFrame, customers: pd.DataFrame, activities: pd.DataFrame,
              feedback_rows: pd.DataFrame, ytd: pd.DataFrame, quarter: pd.DataFrame,
              window_start: pd.Timestamp, as_of: pd.Timestamp, ytd_start: pd.Timestamp, rules,
              weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per owner (see ``Metrics.scorecard`` for the columns), appraised with ``weights``
    (``[appraisal]``; the defaults when None).

    ``ytd`` is indexed by owner with target_ytd and new_customers_target_ytd; ``quarter`` by owner with forecast
    figures and target for the current quarter.
    """
    window = orders[orders["order_date"].between(window_start, as_of)]
    parts = [orders_by(window, window["owner"])]
    parts.append(year_to_date(orders, ytd_start, as_of))
    closed = closed_between(deals, window_start, as_of)
    parts.append(_by_owner(outcomes.closed_by, closed))
    parts.append(_by_owner(outcomes.open_by, deals))
    parts.append(follow_up_compliance(deals, rules.stale_after_days).rename("follow_up_compliance").to_frame())
    parts.append(customers.groupby("owner").size().rename("customers").to_frame())
    acts = activities[activities["date"].between(window_start, as_of)]
    parts.append(acts.groupby("owner")["activities"].sum().rename("activities").to_frame())
    account = customers.set_index("customer_id")["owner"]
    parts.append(scores_by(feedback_rows, feedback_rows["customer_id"].map(account)))
    parts.append(ytd.reindex(columns=["target_ytd", "target_year", "new_customers_target_ytd"]))
    parts.append(quarter.rename(columns=lambda c: f"{c}_quarter"))
    owners = sorted(set().union(*(p.index.dropna() for p in parts)) - {""})
    out = pd.DataFrame(index=pd.Index(owners, name="owner"))
    for part in parts:
        out = out.join(part)
    counts = ("orders", "new_customers", "active_customers", "won_deals", "lost_deals", "open_deals", "stale_deals",
              "overdue_deals", "customers", "activities", "nps_responses", "csat_responses")
    for col in counts:
        out[col] = out[col].fillna(0).astype("int64")
    out["new_customers_ytd"] = out["new_customers_ytd"].fillna(0).astype("int64")
    for col in ("revenue", "revenue_ytd", "costed_revenue_ytd", "revenue_prior_ytd", "won_amount", "open_pipeline",
                "weighted_pipeline"):
        out[col] = out[col].fillna(0.0)
    out["attainment_ytd"] = out["revenue_ytd"] / out["target_ytd"].where(out["target_ytd"] > 0)
    out["attainment_warning"] = (out["attainment_ytd"] < rules.attainment_warning).where(
        out["attainment_ytd"].notna())
    out["margin_pct_ytd"] = out["margin_ytd"] / out["costed_revenue_ytd"].where(out["costed_revenue_ytd"] > 0)
    out["growth_ytd"] = out["revenue_ytd"] / out["revenue_prior_ytd"].where(out["revenue_prior_ytd"] > 0) - 1
    out["new_customers_attainment_ytd"] = out["new_customers_ytd"] / out["new_customers_target_ytd"].where(
        out["new_customers_target_ytd"] > 0)
    out["active"] = (out[list(ACTIVITY_KEYS)].fillna(0) != 0).any(axis=1)
    return appraisal.appraise(out.reset_index(), weights if weights is not None else Appraisal().weights())


def _by_owner(figures, deals: pd.DataFrame) -> pd.DataFrame:
    """``figures(deals, groups)`` per deal owner, indexed by owner."""
    values, names = codes(deals["owner"], missing=UNASSIGNED)
    groups = Groups({"owner": values})
    out = figures(deals, groups)
    out.index = pd.Index(names[groups.keys["owner"].to_numpy()], name="owner")
    return out
