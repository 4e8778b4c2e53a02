"""The demo data generator: deterministic, complete, consistent and believable (SPEC §1, §2)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sitegen.dataset.schema import SCHEMA
from sitegen.demo import STAGES, generate_demo_data

AS_OF = date(2026, 6, 30)
CANONICAL = {
    "pipeline.csv": ["opportunity_id", "opportunity_name", "customer_id", "owner", "stage", "amount", "created_date",
                     "close_date", "product", "lead_source", "probability", "lost_reason", "lost_at_stage",
                     "next_step", "next_step_date", "last_activity_date", "grade", "need_fit", "budget_confirmed",
                     "decision_maker_engaged", "competition", "forecast_category"],
    "stage_history.csv": ["opportunity_id", "stage", "entered_date"],
    "orders.csv": ["order_id", "customer_id", "order_date", "product", "quantity", "unit_price", "amount", "cost",
                   "channel", "owner", "status", "paid_amount", "due_date"],
    "customers.csv": ["customer_id", "name", "industry", "region", "size", "owner", "tier", "potential_value",
                      "created_date"],
    "contacts.csv": ["customer_id", "name", "title", "role", "influence", "email", "phone", "notes"],
    "activities.csv": ["date", "customer_id", "opportunity_id", "owner", "type", "summary", "next_action",
                       "next_action_date"],
    "targets.csv": ["period", "owner", "revenue_target", "new_customers_target"],
    "feedback.csv": ["customer_id", "date", "kind", "score", "comment"],
    "channel_costs.csv": ["channel", "period", "cost"],
    "complaints.csv": ["ticket_id", "customer_id", "opened_date", "first_response_date", "closed_date", "category",
                       "severity", "owner", "summary", "resolution"],
}
MAY_BE_FUTURE = {("orders.csv", "due_date"), ("pipeline.csv", "next_step_date"),
                 ("activities.csv", "next_action_date"), ("pipeline.csv", "close_date")}  # close: open deals only
MONEY = re.compile(r"^\d+\.\d\d$")
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(folder / name, dtype=str, keep_default_na=False) for name in CANONICAL}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], dict[str, pd.DataFrame]]:
    folder = tmp_path_factory.mktemp("demo") / "data"
    counts = generate_demo_data(folder, customers=300, seed=1, as_of=AS_OF)
    return folder, counts, _read(folder)


def test_same_input_gives_byte_identical_files_and_another_seed_differs(demo, tmp_path):
    folder, counts, _ = demo
    assert generate_demo_data(tmp_path / "again", customers=300, seed=1, as_of=AS_OF) == counts
    for name in CANONICAL:
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes(), name
    generate_demo_data(tmp_path / "other", customers=300, seed=2, as_of=AS_OF)
    assert (tmp_path / "other" / "orders.csv").read_bytes() != (folder / "orders.csv").read_bytes()


def test_every_file_has_the_canonical_columns_plain_utf8_and_the_counted_rows(demo):
    folder, counts, tables = demo
    assert set(counts) == set(CANONICAL)
    # the whole data contract, but `outcome`: only exports that keep won/lost beside the stage (Pipedrive,
    # Dynamics) have it, and the demo's stage column says won and lost itself
    assert {name: set(columns) for name, columns in CANONICAL.items()} == {
        f"{table}.csv": set(spec.names) - ({"outcome"} if table == "pipeline" else set())
        for table, spec in SCHEMA.items()}
    for name, columns in CANONICAL.items():
        raw = (folder / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"\n")
        raw.decode("utf-8")
        assert list(tables[name].columns) == columns, name
        assert len(tables[name]) == counts[name] > 0, name


def test_ids_are_unique_and_references_resolve_except_the_deliberate_orphans(demo):
    _, _, t = demo
    customers, pipeline = set(t["customers.csv"]["customer_id"]), set(t["pipeline.csv"]["opportunity_id"])
    assert t["customers.csv"]["customer_id"].is_unique and t["pipeline.csv"]["opportunity_id"].is_unique
    assert t["customers.csv"]["customer_id"].str.match(r"^C\d{5}$").all()
    assert set(t["pipeline.csv"]["customer_id"]) <= customers
    assert set(t["stage_history.csv"]["opportunity_id"]) == pipeline
    assert len(set(t["orders.csv"]["customer_id"]) - customers) == 1           # one order from an unknown customer
    assert len(set(t["activities.csv"]["opportunity_id"]) - pipeline - {""}) == 1   # one deleted opportunity
    for name in ("contacts.csv", "feedback.csv", "activities.csv", "complaints.csv"):
        assert set(t[name]["customer_id"]) <= customers, name
    assert set(t["orders.csv"]["owner"]) - {""} <= set(t["customers.csv"]["owner"])


def test_stages_outcomes_and_history_follow_the_sales_process(demo):
    _, _, t = demo
    deals, history = t["pipeline.csv"], t["stage_history.csv"]
    assert set(deals["stage"]) == set(STAGES) | {"Won", "Lost"}
    lost, won, is_open = deals["stage"] == "Lost", deals["stage"] == "Won", ~deals["stage"].isin(["Won", "Lost"])
    assert (deals.loc[lost, "lost_reason"] != "").all() and (deals.loc[~lost, "lost_reason"] == "").all()
    assert deals.loc[lost, "lost_at_stage"].isin(STAGES).all() and (deals.loc[~lost, "lost_at_stage"] == "").all()
    assert (deals["close_date"] != "").all()
    assert 2 <= (deals.loc[is_open, "created_date"] == "").sum() <= 3     # deliberate warnings, early stages only
    assert deals.loc[deals["created_date"] == "", "stage"].isin(STAGES[:2]).all()
    order = {stage: i for i, stage in enumerate(STAGES + ("Won", "Lost"))}
    history = history.assign(i=history["stage"].map(order), day=pd.to_datetime(history["entered_date"]))
    grouped = history.groupby("opportunity_id", sort=False)
    assert grouped["i"].apply(lambda s: s.is_monotonic_increasing and s.is_unique).all()
    assert grouped["day"].apply(lambda s: s.is_monotonic_increasing).all()
    last = grouped["stage"].last().reindex(deals["opportunity_id"]).to_numpy()
    assert (last[won.to_numpy()] == "Won").all() and (last[lost.to_numpy()] == "Lost").all()
    reached = history[history["i"] < 5].groupby("opportunity_id")["i"].agg(["max", "size"])
    assert (reached["size"] < reached["max"] + 1).any()                        # some deals skipped a stage
    lead = history["stage"].eq("Lead").sum()
    assert 0.55 <= history["stage"].eq("Initial contact").sum() / lead <= 0.75
    assert 0.30 <= won.sum() / history["stage"].eq("Negotiation").sum() <= 0.65


def test_open_deals_look_like_a_real_pipeline(demo):
    _, _, t = demo
    deals, activities = t["pipeline.csv"], t["activities.csv"]
    open_deals = deals[~deals["stage"].isin(["Won", "Lost"])]
    as_of = pd.Timestamp(AS_OF)
    assert len(open_deals) >= 40
    overdue = pd.to_datetime(open_deals["close_date"]) < as_of
    stale = (as_of - pd.to_datetime(open_deals["last_activity_date"])).dt.days > 7
    assert 0.05 < overdue.mean() < 0.4 and 0.1 < stale.mean() < 0.45
    assert (open_deals["next_step"] != "").mean() > 0.7
    assert 0.05 < (deals["probability"] != "").mean() < 0.3 and (deals["grade"] != "").mean() < 0.1
    assert deals.loc[deals["probability"] != "", "probability"].astype(float).between(0, 1).all()
    latest = activities[activities["opportunity_id"] != ""].groupby("opportunity_id")["date"].max()
    assert (latest.reindex(deals["opportunity_id"]).to_numpy() == deals["last_activity_date"].to_numpy()).all()
    per_deal = activities.groupby("opportunity_id").size().reindex(open_deals["opportunity_id"])
    assert per_deal.between(2, 15).all() and 5 <= per_deal.mean() <= 12


def test_nothing_is_dated_after_as_of_except_plans_and_due_dates(demo):
    _, _, t = demo
    for name, table in t.items():
        for column in [c for c in table.columns if c == "date" or c.endswith("_date")]:
            values = table[column][table[column] != ""]
            assert values.str.match(ISO_DATE).all(), (name, column)
            if (name, column) not in MAY_BE_FUTURE:
                assert values.max() <= AS_OF.isoformat(), (name, column)
    deals = t["pipeline.csv"]
    assert deals.loc[deals["stage"].isin(["Won", "Lost"]), "close_date"].max() <= AS_OF.isoformat()
    for name in ("targets.csv", "channel_costs.csv"):
        assert t[name]["period"].str.match(r"^\d{4}(-\d\d)?$").all()
    assert t["channel_costs.csv"]["period"].max() == AS_OF.isoformat()[:7]


def test_amounts_are_plain_decimals_and_lines_add_up(demo):
    _, _, t = demo
    orders = t["orders.csv"]
    for column in ("unit_price", "amount", "cost", "paid_amount"):
        assert orders[column].str.match(MONEY).all(), column
    amount, cost, paid = (orders[c].astype(float) for c in ("amount", "cost", "paid_amount"))
    assert np.allclose(orders["quantity"].astype(int) * orders["unit_price"].astype(float), amount, atol=0.005)
    assert ((cost / amount).between(0.549, 0.751)).all() and (paid <= amount + 0.005).all()
    assert set(orders["status"]) == {"", "completed", "cancelled", "returned"}
    assert orders["status"].isin(["", "completed"]).mean() > 0.95
    assert (paid == amount).mean() > 0.7 and (paid == 0).any() and ((paid > 0) & (paid < amount)).any()
    assert orders.groupby("order_id")["customer_id"].nunique().eq(1).all()
    assert orders.groupby("order_id").size().mean() > 1.8
    assert t["pipeline.csv"]["amount"].str.match(MONEY).all()
    assert t["targets.csv"]["revenue_target"].str.match(MONEY).all()


def test_volumes_and_shape_at_300_customers(demo):
    _, counts, t = demo
    customers, orders, contacts = t["customers.csv"], t["orders.csv"], t["contacts.csv"]
    assert customers["owner"].nunique() == 8 and counts["customers.csv"] == 300
    assert 15 * 300 <= counts["orders.csv"] <= 25 * 300
    buyers = set(orders["customer_id"])
    assert 0 < (~customers["customer_id"].isin(buyers)).sum() <= 30               # prospects, pipeline only
    first = orders.groupby("customer_id")["order_date"].min()
    known = customers.set_index("customer_id")["created_date"].reindex(first.index).dropna()
    assert (known <= first.reindex(known.index)).all()                          # created before the first order
    assert contacts.groupby("customer_id").size().between(1, 4).all() and set(contacts["customer_id"]) == set(
        customers["customer_id"])
    assert 0.3 <= t["feedback.csv"]["customer_id"].nunique() / 300 <= 0.5
    assert customers["name"].str.contains("有限公司").any() and customers["name"].str.contains(r"[A-Za-z]").any()
    assert customers["name"].is_unique and (customers["tier"] != "").mean() < 0.06
    targets = t["targets.csv"]
    assert set(targets.loc[targets["owner"] == "", "period"]) == {"2024", "2025", "2026"}
    assert targets.loc[targets["owner"] != "", "period"].nunique() == 30          # 2024-07 .. 2026-12


def test_targets_sit_near_actual_revenue(demo):
    _, _, t = demo
    orders, targets = t["orders.csv"], t["targets.csv"]
    counted = orders[~orders["status"].isin(["cancelled", "returned"])]
    monthly = counted.groupby(counted["order_date"].str[:7])["amount"].apply(lambda s: s.astype(float).sum())
    complete = targets[(targets["owner"] != "") & (targets["period"].between("2024-08", "2026-05"))]
    target = complete.groupby("period")["revenue_target"].apply(lambda s: s.astype(float).sum())
    attainment = monthly.reindex(target.index) / target
    assert 0.8 <= attainment.median() <= 1.0 and attainment.min() > 0.5
    yearly = targets[targets["owner"] == ""].set_index("period")["revenue_target"].astype(float)
    assert yearly["2025"] == pytest.approx(targets.loc[targets["period"].str.startswith("2025-"), "revenue_target"]
                                           .astype(float).sum())


def test_scale_smoke_with_seasonality_and_growth(tmp_path):
    counts = generate_demo_data(tmp_path, customers=2000, seed=7, as_of=AS_OF)
    assert counts["customers.csv"] == 2000 and 30_000 <= counts["orders.csv"] <= 50_000
    assert pd.read_csv(tmp_path / "customers.csv", usecols=["owner"])["owner"].nunique() == 50
    assert pd.read_csv(tmp_path / "pipeline.csv", usecols=["opportunity_id"])["opportunity_id"].is_unique
    orders = pd.read_csv(tmp_path / "orders.csv", usecols=["order_date", "amount", "status"])
    orders = orders[~orders["status"].isin(["cancelled", "returned"])]
    monthly = orders.groupby(orders["order_date"].str[:7])["amount"].sum()
    quarter = monthly.groupby(pd.PeriodIndex(monthly.index, freq="M").asfreq("Q").astype(str)).sum()
    assert quarter["2025Q4"] > quarter["2025Q3"] and quarter["2025Q4"] > quarter["2026Q1"]   # Q4 peak
    assert monthly["2026-02"] < monthly["2026-03"] and monthly["2025-02"] < monthly["2025-03"]  # Spring Festival
    assert quarter["2026Q2"] > 1.05 * quarter["2025Q2"]                                          # growth


def test_rejects_an_empty_customer_base(tmp_path):
    with pytest.raises(ValueError):
        generate_demo_data(tmp_path, customers=0)


def test_complaints_are_few_varied_and_partly_late_or_open(demo):
    _, _, t = demo
    tickets, orders = t["complaints.csv"], t["orders.csv"]
    assert tickets["ticket_id"].is_unique and 0.03 <= tickets["customer_id"].nunique() / 300 <= 0.08
    assert set(tickets["category"]) == {"quality", "delivery", "service", "billing"}
    assert set(tickets["severity"]) == {"high", "medium", "low"}
    opened, closed = pd.to_datetime(tickets["opened_date"]), pd.to_datetime(tickets["closed_date"])
    first_order = pd.to_datetime(orders.groupby("customer_id")["order_date"].min())
    assert (opened > first_order.reindex(tickets["customer_id"]).to_numpy()).all()   # complaints follow a purchase
    assert (closed.dropna() >= opened[closed.notna()]).all() and (tickets["closed_date"] == "").sum() >= 1
    responded = pd.to_datetime(tickets["first_response_date"])
    assert (responded.dropna() >= opened[responded.notna()]).all() and (tickets["first_response_date"] == "").any()
    days = (closed - opened).dt.days
    assert (days > tickets["severity"].map({"high": 2, "medium": 5, "low": 10})).any()   # some were late
    assert ((tickets["closed_date"] == "") == (tickets["resolution"] == "")).all()
    customers = t["customers.csv"].set_index("customer_id")["owner"]
    assert (tickets["owner"] == customers.reindex(tickets["customer_id"]).to_numpy()).all()
