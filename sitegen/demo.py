"""Synthetic but believable sales data at any scale: the tables of SPEC §2, byte-identical for the same
(customers, seed, as_of). Whole-array numpy over a chunk of customers at a time (demo_stream.py joins the
chunks); dates are int days since 1970-01-01, text columns int codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from sitegen.demo_review import review_data
from sitegen.demo_service import complaints_table
from sitegen.demo_words import (_BRAND, _CITIES, _EN_BRAND, _EN_LEGAL, _FIRST, _GIVEN, _INDUSTRIES, _LAST, _SURNAME, _TEXT,
                                 _ZH_LEGAL)

STAGES = ("Lead", "Initial contact", "Needs analysis", "Proposal", "Negotiation")
OUTCOMES = ("Won", "Lost")                           # stage codes 5 and 6
REGIONS = ("East China", "South China", "North China", "West China", "Overseas")
SIZES = ("small", "medium", "large", "enterprise")
CHANNELS = ("Direct", "Distributor", "Online", "Partner")
LEAD_SOURCES = ("Referral", "Website", "Trade show", "Cold call", "Partner", "Webinar")
ACTIVITY_TYPES = ("call", "email", "meeting", "visit", "demo")
# product, line, list price, extra units per line, cost ratio, share of order lines, share of deals
PRODUCT_CATALOG = pd.DataFrame([
    ("PLC Controller A100", "Automation hardware", 12800, 1.5, 0.72, 8, 16),
    ("Servo Drive S5", "Automation hardware", 6500, 2.5, 0.70, 16, 10),
    ("Industrial Sensor Kit", "Automation hardware", 1980, 8.0, 0.74, 26, 6),
    ("MES Standard License", "Software", 68000, 0.05, 0.56, 1, 18),
    ("Analytics Add-on", "Software", 18000, 0.2, 0.58, 3, 14),
    ("Cloud Monitoring (annual)", "Software", 9600, 1.0, 0.60, 10, 14),
    ("Installation & Commissioning", "Services", 8000, 0.3, 0.66, 6, 4),
    ("Annual Maintenance", "Services", 15000, 0.1, 0.64, 12, 12),
    ("Operator Training", "Services", 3500, 1.2, 0.62, 16, 2),
], columns=["product", "line", "list_price", "extra_units", "cost_ratio", "order_share", "deal_share"])
_INSTALLATION = 6                                    # catalog row sold with half of the deals
_PRODUCTS, _PRICE, _UNITS, _COST_RATIO = (PRODUCT_CATALOG[c].to_numpy() for c in PRODUCT_CATALOG.columns[[0, 2, 3, 4]])
_ORDER_SHARE, _DEAL_SHARE = (PRODUCT_CATALOG[c] / PRODUCT_CATALOG[c].sum() for c in ("order_share", "deal_share"))

_REGION_SHARE = np.array([0.34, 0.26, 0.20, 0.12, 0.08])
_SIZE_BUYING = np.array([0.6, 1.0, 1.8, 3.0])       # order frequency and quantity multiplier
_CHANNEL_BY_SIZE = np.array([[.1, .4, .4, .1], [.3, .35, .2, .15], [.6, .2, .05, .15], [.85, .05, 0, .1]])
_ORDERS_PER_CUSTOMER, _DEALS_PER_CUSTOMER, _DEAL_SIZE = 8.0, 3.0, 250_000  # two years per customer; median
_PASS_RATE = np.array([0.68, 0.74, 0.70, 0.65, 0.52])  # share of deals that leave each stage forward
_STAGE_DAYS, _STAGE_PROBABILITY = np.array([8.0, 12, 16, 14, 18]), np.array([.1, .2, .35, .55, .75])  # median
_MONTH_WEIGHT = np.array([0.90, 0.85, 0.97, 1.0, 1.0, 1.05, 0.95, 0.93, 1.05, 1.05, 1.20, 1.35])
_SPRING_FESTIVAL = np.array("2020-01-25 2021-02-12 2022-02-01 2023-01-22 2024-02-10 2025-01-29 2026-02-17 2027-02-06 "
                            "2028-01-26 2029-02-13 2030-02-03 2031-01-23 2032-02-11 2033-01-31 2034-02-19".split(),
                            "datetime64[D]").astype(np.int64)
_GROWTH, _RUN_RATE_UNITS = 1.15, 0.5                 # yearly growth of the order rate; repeat-order size


_ROLES = ("decision maker", "influencer", "user", "gatekeeper")
_TITLES = np.array([t.split("/") for t in (          # two (Chinese, English) titles per role
    "总经理/General Manager", "采购总监/Procurement Director", "技术总监/Technical Director", "生产经理/Production Manager",
    "设备工程师/Maintenance Engineer", "IT工程师/IT Engineer", "采购专员/Purchasing Officer",
    "总经理助理/Assistant to the GM")], object)
_INFLUENCE = np.array([[4, 6], [3, 5], [1, 4], [2, 4]])   # [low, high) per role
_LOST_REASONS = ("Price", "Competitor", "No budget", "Timing", "No decision", "Product fit")
_LOST_REASON_BY_STAGE = np.array([[.05, .05, .3, .25, .15, .2]] * 2 + [[.35, .3, .08, .1, .12, .05]] * 3)
_TYPE_BY_STAGE = np.array([[.45, .35, .05, .15, 0], [.35, .25, .2, .15, .05], [.2, .2, .25, .2, .15],
                           [.15, .2, .25, .15, .25], [.2, .2, .35, .2, .05]])
@dataclass(frozen=True)
class _World:
    rng: np.random.Generator
    today: int                 # as_of
    start: int                 # first day of the two-year order history
    cum: np.ndarray            # running sum of the daily order weight from start (length days + 1)
    owners: pd.DataFrame       # name, region, english
    customers: pd.DataFrame    # one row per customer: internal codes and life cycle


CHUNK_SIZE = 50_000   # customers generated at once: up to this many, the files are those of one whole-array run


def generate_demo_data(out_dir: Path, customers: int = 300, seed: int = 1, as_of: date | None = None,
                       fmt: str = "csv", chunk_size: int = CHUNK_SIZE) -> dict[str, int]:
    """Write every table of SPEC §2 as CSV (or Parquet) into out_dir; return {file name: row count}.

    Streamed: customers are generated ``chunk_size`` at a time and each table is appended chunk by chunk, so
    memory stays that of one chunk (demo_stream.py)."""
    from sitegen.demo_stream import write_demo_data

    if customers < 1:
        raise ValueError("customers must be at least 1")
    today = int(np.datetime64(as_of or date.today(), "D").astype(np.int64))
    return write_demo_data(Path(out_dir), customers, seed, today, fmt, chunk_size)


def deal_count(customers: int) -> int:
    """How many deals a chunk of this many customers has (ids are allotted before the chunk is made)."""
    return max(20, round(_DEALS_PER_CUSTOMER * customers))


def chunk_tables(seed: int, customers: int, total: int, today: int, owners: pd.DataFrame | None = None,
                 ) -> tuple[_World, pd.DataFrame, dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """One chunk of customers with its own random stream: (world, order lines, tables, snapshots).

    Ids are local (C00001 up); the first chunk draws the owners for ``total`` customers, later ones reuse them.
    With total == customers this is the whole data set, as one whole-array run always made it."""
    rng = np.random.default_rng(seed)
    days = np.arange(today - 729, today + 1)
    weekday = (days + 3) % 7                         # 1970-01-01 was a Thursday; Monday = 0
    weight = _MONTH_WEIGHT[_months(days) % 12] * np.select([weekday < 5, weekday == 5], [1.0, 0.3], 0.1)
    weight *= _GROWTH ** ((days - days[0]) / 365)
    for new_year in _SPRING_FESTIVAL:                # the Spring Festival week is quiet
        weight[(days >= new_year - 2) & (days < new_year + 8)] *= 0.15
    owners = _owners(rng, total) if owners is None else owners
    cum = np.concatenate([[0.0], np.cumsum(weight)])
    world = _World(rng, today, int(days[0]), cum, owners, _customers(rng, customers, owners, int(days[0]), cum))
    deals, enter, skip = _deals(world)
    lines = _order_lines(world, deals)
    tables = {
        "pipeline.csv": _pipeline_table(world, deals), "stage_history.csv": _stage_history_table(deals, enter, skip),
        "orders.csv": _orders_table(world, lines), "customers.csv": _customers_table(world),
        "contacts.csv": _contacts_table(world), "activities.csv": _activities_table(world, deals, enter),
        "targets.csv": _targets_table(world, lines), "feedback.csv": _feedback_table(world, lines),
        "channel_costs.csv": _channel_costs_table(world, lines),
        "complaints.csv": complaints_table(world.customers, owners["name"], lines, today, seed)}
    tables["pipeline.csv"], snapshots = review_data(tables["pipeline.csv"], deals, enter, skip, today, seed)
    return world, lines, tables, snapshots


def _labels(codes, names) -> pd.Categorical:
    """Labels for integer codes without building millions of strings; -1 is an empty cell."""
    return pd.Categorical.from_codes(np.asarray(codes, np.int64), pd.Index(list(names), dtype=object))


def _dates(days) -> pd.Categorical:
    """ISO dates for int day numbers (NaN is an empty cell)."""
    days = np.asarray(days, float)
    first, last = (int(np.nanmin(days)), int(np.nanmax(days))) if not np.isnan(days).all() else (0, -1)
    codes = np.where(np.isnan(days), -1, np.nan_to_num(days) - first)
    return _labels(codes, np.datetime_as_string(np.arange(first, last + 1).astype("datetime64[D]")))


def _money(values) -> pd.Series:
    """Plain decimals with two places ('1234.50'); NaN is an empty cell."""
    values = np.asarray(values, float)
    cents = pd.Series(np.rint(np.nan_to_num(values) * 100).astype(np.int64))
    return ((cents // 100).astype(str) + "." + (cents % 100).astype(str).str.zfill(2)).where(~np.isnan(values))


def _months(days) -> np.ndarray:
    return np.asarray(days, np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return (prefix + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)).to_numpy(object)


def _pick_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One draw per row of a matrix of probabilities."""
    cumulative = np.cumsum(probabilities, axis=1)
    draws = rng.random((len(cumulative), 1)) * cumulative[:, -1:]
    return np.minimum((draws >= cumulative).sum(axis=1), cumulative.shape[1] - 1)


def _sample_days(rng: np.random.Generator, cum: np.ndarray, lo, hi, size: int) -> np.ndarray:
    """Day offsets in [lo, hi] drawn with the daily weights whose running sum is cum."""
    u = cum[lo] + rng.random(size) * (cum[hi + 1] - cum[lo])
    return np.clip(np.searchsorted(cum, u, side="right") - 1, lo, hi)


def _between(rng: np.random.Generator, lo, hi, skew: float = 1.0) -> np.ndarray:
    """Whole days in [lo, hi]; skew < 1 leans towards hi."""
    return lo + np.minimum(np.floor((hi - lo + 1) * rng.random(lo.shape) ** skew), hi - lo).astype(np.int64)


def _people(rng: np.random.Generator, english: np.ndarray, unique: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Person names and e-mail local parts from Chinese or English pools of 24 x 24 names."""
    combo = rng.permutation(576)[np.arange(len(english)) % 576] if unique else rng.integers(576, size=len(english))
    a, b = combo // 24, combo % 24
    mail = np.where(english, pd.Series(_FIRST[a] + "." + _LAST[b]).str.lower(), _GIVEN[1][b] + "." + _SURNAME[1][a])
    return np.where(english, _FIRST[a] + " " + _LAST[b], _SURNAME[0][a] + _GIVEN[0][b]), mail


def _owners(rng: np.random.Generator, customers: int) -> pd.DataFrame:
    """Sales reps: about one per 40 customers (8 to 400), at least one per region, sorted by region."""
    n = int(np.clip(round(customers / 40), 8, 400))
    region = np.sort(np.concatenate([np.arange(len(REGIONS)), rng.choice(len(REGIONS), n - 5, p=_REGION_SHARE)]))
    english = (region == 4) | (rng.random(n) < 0.2)
    return pd.DataFrame({"name": _people(rng, english, unique=True)[0], "region": region, "english": english})


def _customers(rng: np.random.Generator, n: int, owners: pd.DataFrame, start: int, cum: np.ndarray) -> pd.DataFrame:
    """Customers: kind 0 existing, 1 won in the two years, 2 prospect; buying from acq to end (churn)."""
    today, region = start + len(cum) - 2, rng.choice(len(REGIONS), n, p=_REGION_SHARE)
    english = (region == 4) | (rng.random(n) < 0.15)
    industry, size = rng.integers(len(_INDUSTRIES), size=n), rng.choice(4, n, p=[0.45, 0.32, 0.17, 0.06])
    per_region = np.bincount(owners["region"], minlength=len(REGIONS))[region]   # owners are sorted by region
    home = np.searchsorted(owners["region"], region) + (rng.random(n) * per_region).astype(int)
    owner = np.where(rng.random(n) < 0.92, home, rng.integers(len(owners), size=n))  # 8 % from another region
    kind = np.minimum(rng.choice(3, n, p=[0.56, 0.40, 0.04]), np.arange(n) + 1)   # the first one always buys
    acq = np.where(kind == 1, start + _sample_days(rng, cum, 7, today - start - 7, n), start)
    churn = (kind < 2) & (rng.random(n) < 0.15) & (acq < today - 200)
    end = np.where(churn, _between(rng, acq + 60, np.maximum(today - 90, acq + 60)), today)
    created = np.where(kind == 0, start - rng.integers(30, 2000, n), acq - rng.integers(7, 120, n))
    city = rng.integers(6, size=n)                   # brands differ within a city and industry: unique names
    bucket = np.where(english, 300 + industry, (np.minimum(region, 3) * 6 + city) * 12 + industry)
    brand = (pd.Series(bucket).groupby(bucket).cumcount().to_numpy() + rng.integers(30, size=312)[bucket]) % 30
    en = _EN_BRAND[brand] + " " + _INDUSTRIES[industry, 2] + " " + _EN_LEGAL[rng.integers(6, size=n)]
    zh = _CITIES[np.minimum(region, 3), city] + _BRAND[0][brand] + _INDUSTRIES[industry, 1] + \
        _ZH_LEGAL[rng.choice(3, n, p=[.75, .2, .05])]
    domain = np.where(english, pd.Series(_EN_BRAND[brand]).str.lower() + ".com", _BRAND[1][brand] + ".com.cn")
    return pd.DataFrame({"region": region, "english": english, "industry": industry, "size": size, "owner": owner,
                         "kind": kind, "acq": acq, "end": end, "created": created, "name": np.where(english, en, zh),
                         "domain": domain, "channel": _pick_rows(rng, _CHANNEL_BY_SIZE[size]),
                         }).sort_values("created", kind="stable", ignore_index=True)   # ids follow creation


def _deals(w: _World) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Deals (stage codes 0-4 open, 5 won, 6 lost), the day each stage was entered, and skipped stages."""
    rng, today, c = w.rng, w.today, w.customers
    n = deal_count(len(c))
    rows, created = np.arange(n), np.sort(w.start + _sample_days(rng, w.cum, 0, today - w.start, n))   # ids by date
    stay = rng.lognormal(np.log(_STAGE_DAYS), 0.8, (n, 5)) * np.where(rng.random((n, 1)) < 0.2, 4, 1)
    skip = np.pad(rng.random((n, 3)) < 0.05, ((0, 0), (1, 1)))   # e.g. a referral goes straight to needs analysis
    stay[skip] = 0
    forward = (rng.random((n, 5)) < _PASS_RATE) | skip
    entered = created[:, None] + np.cumsum(stay, axis=1) - stay
    fail = np.where(forward.all(axis=1), 5, np.argmin(forward, axis=1))
    last, enter = np.minimum(fail, 4), np.floor(entered).astype(np.int64)
    decided = entered[rows, last] + stay[rows, last] * np.where(fail < 5, rng.uniform(0.3, 2.0, n), 1.0)
    current = np.minimum((enter <= today).sum(axis=1) - 1, last)
    stage, close = np.where(decided < today + 1, np.where(fail == 5, 5, 6), current), np.floor(decided).astype(int)
    cust, buyer = rng.integers(len(c), size=n), c["kind"].to_numpy() < 2
    for _ in range(12):                              # the customer existed then; a won one was buying then
        bad = ~buyer[cust] | (c["created"].to_numpy()[cust] > created) | ((stage == 5) & (
            (c["acq"].to_numpy()[cust] > close) | (c["end"].to_numpy()[cust] < close)))
        cust[bad] = rng.integers(len(c), size=bad.sum())
    taken = rng.permutation(np.flatnonzero(stage != 5))[: (~buyer).sum()]   # one deal per prospect
    cust[taken] = np.flatnonzero(~buyer)[: len(taken)]
    c.loc[cust[taken], "created"] = created[taken] - rng.integers(0, 30, len(taken))
    is_open, stale = stage < 5, (stage < 5) & (rng.random(n) < 0.25)
    expected = created + rng.integers(30, 120, n)    # set at creation; half the reps update it once passed
    expected = np.where((expected < today) & (rng.random(n) < 0.5), today + rng.integers(7, 60, n), expected)
    quiet = np.where(stale, rng.integers(8, 45, n), rng.integers(0, 7, n))
    last_act = np.maximum(created, np.where(is_open, today - quiet, close - rng.integers(0, 4, n)))
    owner = np.where(rng.random(n) < 0.93, c["owner"].to_numpy()[cust], rng.integers(len(w.owners), size=n))
    product, discount = rng.choice(len(PRODUCT_CATALOG), n, p=_DEAL_SHARE), 1 - rng.uniform(0, 0.15, n)
    unit, value = np.round(_PRICE[product] * discount), rng.lognormal(np.log(_DEAL_SIZE), 0.8, n)   # a project
    install = np.where((rng.random(n) < 0.5) & (product != _INSTALLATION), _PRICE[_INSTALLATION] * discount, 0)
    english, has_step = w.owners["english"].to_numpy()[owner], is_open & (rng.random(n) < 0.85)
    probability = np.clip(np.round((_STAGE_PROBABILITY[current] + rng.normal(0, 0.08, n)) * 20) / 20, 0.05, 0.95)
    return pd.DataFrame({
        "cust": cust, "owner": owner, "created": created, "stage": stage, "close": np.where(is_open, expected, close),
        "lost_at": np.where(stage == 6, last, -1), "product": product, "unit": unit,
        "qty": np.maximum(1, np.round(value * _SIZE_BUYING[c["size"].to_numpy()[cust]] / unit)).astype(np.int64),
        "install": np.round(install), "source": rng.choice(len(LEAD_SOURCES), n, p=[.2, .22, .15, .15, .13, .15]),
        "lost_reason": np.where(stage == 6, _pick_rows(rng, _LOST_REASON_BY_STAGE[last]), -1),
        "last_act": last_act, "english": english, "next_step": np.where(has_step, current + english * 5, -1),
        "next_day": np.where(has_step, last_act + rng.integers(2, 15, n), np.nan),
        "probability": np.where(rng.random(n) < 0.15, np.select([stage == 5, stage == 6], [1, 0], probability), np.nan),
        "grade": np.where(is_open & (rng.random(n) < 0.08), rng.integers(3, size=n), -1),
        "no_created": np.isin(rows, rng.permutation(np.flatnonzero(stage < 2))[:3]),  # deliberate warnings
    }), enter, skip


def _pipeline_table(w: _World, d: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "opportunity_id": _ids("OPP-", len(d), 6),
        "opportunity_name": w.customers["name"].to_numpy()[d["cust"]] + " - " + _PRODUCTS[d["product"]],
        "customer_id": _labels(d["cust"], _ids("C", len(w.customers), 5)),
        "owner": _labels(d["owner"], w.owners["name"]), "stage": _labels(d["stage"], STAGES + OUTCOMES),
        "amount": _money(d["qty"] * d["unit"] + d["install"]),
        "created_date": _dates(np.where(d["no_created"], np.nan, d["created"])), "close_date": _dates(d["close"]),
        "product": _labels(d["product"], _PRODUCTS), "lead_source": _labels(d["source"], LEAD_SOURCES),
        "probability": _money(d["probability"]), "lost_reason": _labels(d["lost_reason"], _LOST_REASONS),
        "lost_at_stage": _labels(d["lost_at"], STAGES), "next_step": _labels(d["next_step"], _TEXT["next_step"]),
        "next_step_date": _dates(d["next_day"]), "last_activity_date": _dates(d["last_act"]),
        "grade": _labels(d["grade"], ["high", "medium", "low"])})


def _stage_history_table(d: pd.DataFrame, enter: np.ndarray, skip: np.ndarray) -> pd.DataFrame:
    """Every stage a deal entered (skipped ones excepted), then Won or Lost on the close day."""
    stage = d["stage"].to_numpy()
    reached = np.select([stage == 5, stage == 6], [4, d["lost_at"]], stage)
    deal, step = np.nonzero((np.arange(5) <= reached[:, None]) & ~skip)
    ended = np.flatnonzero(stage >= 5)
    day = np.concatenate([enter[deal, step], d["close"].to_numpy()[ended]])
    deal, step = np.concatenate([deal, ended]), np.concatenate([step, stage[ended]])
    order = np.lexsort((step, deal))
    return pd.DataFrame({"opportunity_id": _labels(deal[order], _ids("OPP-", len(d), 6)),
                         "stage": _labels(step[order], STAGES + OUTCOMES), "entered_date": _dates(day[order])})


def _order_lines(w: _World, deals: pd.DataFrame) -> pd.DataFrame:
    """Order lines as codes: buyers order at a seasonal, growing rate while active; won deals become orders."""
    rng, c, today = w.rng, w.customers, w.today
    n, size, acq, won = len(c), c["size"].to_numpy(), c["acq"].to_numpy(), deals[deals["stage"] == 5]
    lo, hi = acq - w.start, c["end"].to_numpy() - w.start
    appetite = _SIZE_BUYING[size] * rng.lognormal(0, 0.5, n) * (c["kind"].to_numpy() < 2) * (w.cum[hi + 1] - w.cum[lo])
    count = np.where(appetite > 0, np.maximum(rng.poisson(appetite * n * _ORDERS_PER_CUSTOMER / appetite.sum()), 1), 0)
    cust = np.repeat(np.arange(n), count)
    day = w.start + _sample_days(rng, w.cum, lo[cust], hi[cust], len(cust))
    day = np.where((np.diff(cust, prepend=-1) != 0) & (c["kind"].to_numpy()[cust] == 1), acq[cust], day)
    won_day = np.maximum(won["close"].to_numpy() + rng.integers(0, 6, len(won)), acq[won["cust"]])
    cust, day = np.concatenate([cust, won["cust"]]), np.concatenate([day, np.minimum(won_day, today)])
    m, k, deal = len(cust), len(PRODUCT_CATALOG), slice(len(cust) - len(won), None)
    ranked = np.argsort(-np.log(_ORDER_SHARE.to_numpy()) - rng.gumbel(size=(m, k)), axis=1)  # distinct products
    width = 1 + np.minimum(rng.poisson(1.5, m), 5)
    width[deal], ranked[deal, 0], ranked[deal, 1] = 1 + (won["install"].to_numpy() > 0), won["product"], _INSTALLATION
    order, product = np.repeat(np.arange(m), width), ranked[np.arange(k) < width[:, None]]
    qty = 1 + rng.poisson(_UNITS[product] * _RUN_RATE_UNITS * _SIZE_BUYING[size[cust[order]]])
    unit = np.round(_PRICE[product] * (1 - (rng.uniform(0, 0.06, m) + 0.03 * size[cust])[order]))
    from_deal, two = order >= m - len(won), np.arange(2) < width[deal, None]
    qty[from_deal] = np.column_stack([won["qty"], np.ones(len(won))])[two]
    unit[from_deal] = np.column_stack([won["unit"], won["install"]])[two]
    owner = np.where(rng.random(m) < 0.94, c["owner"].to_numpy()[cust], -1)   # else the customer's owner
    channel = np.where(rng.random(m) < 0.85, c["channel"].to_numpy()[cust], rng.integers(len(CHANNELS), size=m))
    cust[rng.choice(np.flatnonzero(day >= day.max() - 60))] = n
    status = np.select([rng.random(m) < 0.015, (day < today - 14) & (rng.random(m) < 0.8)], [1, 0], -1)
    due = day + rng.choice([30, 45, 60, 90], m, p=[.35, .25, .30, .10])
    paid = np.where(due <= today, rng.choice(3, m, p=[.92, .05, .03]), rng.choice(3, m, p=[.4, .1, .5]))
    paid = np.select([paid == 0, paid == 1], [1.0, np.round(rng.uniform(0.3, 0.9, m), 1)], 0.0)[order]
    returned = (rng.random(len(order)) < 0.008) & (status[order] != 1) & (day[order] < today - 7)
    line_status = np.where(returned, 2, status[order])
    amount, rank = qty * unit, np.argsort(np.lexsort((cust, day)))          # order numbers follow the calendar
    cost = amount * np.clip(_COST_RATIO[product] + rng.normal(0, 0.03, len(order)), 0.55, 0.75)
    return pd.DataFrame({
        "order": rank[order], "cust": cust[order], "day": day[order], "product": product, "qty": qty, "unit": unit,
        "amount": amount, "cost": np.round(cost, 2), "channel": channel[order], "owner": owner[order],
        "status": line_status, "paid": np.where(line_status >= 1, 0, np.round(amount * paid, 2)), "due": due[order],
    }).sort_values("order", kind="stable", ignore_index=True)


def _orders_table(w: _World, lines: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": _labels(lines["order"], _ids("SO", lines["order"].max() + 1, 7)),
        "customer_id": _labels(lines["cust"], _ids("C", len(w.customers) + 1, 5)), "order_date": _dates(lines["day"]),
        "product": _labels(lines["product"], _PRODUCTS), "quantity": lines["qty"],
        "unit_price": _money(lines["unit"]), "amount": _money(lines["amount"]), "cost": _money(lines["cost"]),
        "channel": _labels(lines["channel"], CHANNELS), "owner": _labels(lines["owner"], w.owners["name"]),
        "status": _labels(lines["status"], ["completed", "cancelled", "returned"]),
        "paid_amount": _money(lines["paid"]), "due_date": _dates(lines["due"])})


def _customers_table(w: _World) -> pd.DataFrame:
    c, rng, n = w.customers, w.rng, len(w.customers)
    potential = np.round(rng.lognormal(11.5, 0.8, n) * _SIZE_BUYING[c["size"]], -4)
    return pd.DataFrame({
        "customer_id": _ids("C", n, 5), "name": c["name"], "industry": _labels(c["industry"], _INDUSTRIES[:, 0]),
        "region": _labels(c["region"], REGIONS), "size": _labels(c["size"], SIZES),
        "owner": _labels(c["owner"], w.owners["name"]),
        "tier": _labels(np.where(rng.random(n) < 0.02, rng.choice(3, n), -1), ["strategic", "key", "general"]),
        "potential_value": _money(np.where(rng.random(n) < 0.35, potential, np.nan)),
        "created_date": _dates(c["created"])})


def _activities_table(w: _World, d: pd.DataFrame, enter: np.ndarray) -> pd.DataFrame:
    """Deal follow-ups (the latest on last_activity_date), after-sales touches, one for a deleted deal."""
    rng, c, n, stage = w.rng, w.customers, len(d), d["stage"].to_numpy()
    count = np.select([stage < 5, stage == 5], [3 + 2 * stage + rng.integers(0, 5, n), rng.integers(4, 10, n)],
                      rng.integers(1, 6, n))
    deal = np.repeat(np.arange(n), count)
    first, last, m = np.diff(deal, prepend=-1) != 0, d["last_act"].to_numpy()[deal], len(deal)
    day = np.where(first, last, _between(rng, d["created"].to_numpy()[deal], last, 0.6))
    kind = _pick_rows(rng, _TYPE_BY_STAGE[np.clip((enter[deal] <= day[:, None]).sum(axis=1) - 1, 0, 4)])
    english, step = d["english"].to_numpy()[deal], np.where(first, d["next_step"].to_numpy()[deal], -1)
    action = np.where(step >= 0, 4 + step, np.where(rng.random(m) < 0.4, english * 2 + rng.integers(0, 2, m), -1))
    action_day = np.select([step >= 0, action >= 0], [d["next_day"].to_numpy()[deal], day + rng.integers(1, 10, m)],
                           np.nan)                  # the latest activity planned the deal's next step
    end = np.minimum(c["end"].to_numpy() + 45, w.today)   # after-sales: about one touch in eight months
    cust = np.repeat(np.arange(len(c)), rng.poisson(np.where(c["kind"] < 2, end - c["acq"], 0) / 240))
    c_day, c_english = _between(rng, c["acq"].to_numpy()[cust], end[cust]), c["english"].to_numpy()[cust]
    c_action = np.where(rng.random(len(cust)) < 0.3, c_english * 2 + rng.integers(0, 2, len(cust)), -1)
    deal[rng.choice(np.flatnonzero(~first))] = n     # the deleted opportunity
    frame = pd.DataFrame({
        "date": np.concatenate([day, c_day]), "customer": np.concatenate([d["cust"].to_numpy()[deal % n], cust]),
        "deal": np.concatenate([deal, np.full(len(cust), -1)]),
        "owner": np.concatenate([d["owner"].to_numpy()[deal % n], c["owner"].to_numpy()[cust]]),
        "type": np.concatenate([kind, rng.choice(4, len(cust), p=[.4, .15, .1, .35])]),
        "summary": np.concatenate([kind * 4 + english * 2 + rng.integers(0, 2, m),
                                   20 + c_english * 2 + rng.integers(0, 2, len(cust))]),
        "action": np.concatenate([action, c_action]),
        "action_day": np.concatenate([action_day, np.where(c_action >= 0, c_day + 7, np.nan)]),
    }).sort_values(["date", "customer", "deal"], kind="stable")
    return pd.DataFrame({
        "date": _dates(frame["date"]), "customer_id": _labels(frame["customer"], _ids("C", len(c), 5)),
        "opportunity_id": _labels(frame["deal"], _ids("OPP-", n + 1, 6)),
        "owner": _labels(frame["owner"], w.owners["name"]), "type": _labels(frame["type"], ACTIVITY_TYPES),
        "summary": _labels(frame["summary"], sum((_TEXT[t] for t in ACTIVITY_TYPES + ("after_sales",)), [])),
        "next_action": _labels(frame["action"], _TEXT["next_action"] + _TEXT["next_step"]),
        "next_action_date": _dates(frame["action_day"])})


def _contacts_table(w: _World) -> pd.DataFrame:
    """One to four people per customer, more at bigger ones; the first is a decision maker."""
    rng, c, size = w.rng, w.customers, w.customers["size"].to_numpy()
    cust = np.repeat(np.arange(len(c)), 1 + size // 2 + rng.integers(0, 2, len(c)) + (size == 3))
    m, english = len(cust), c["english"].to_numpy()[cust]
    role = np.where(np.diff(cust, prepend=-1) != 0, 0, rng.choice(4, m, p=[.2, .35, .3, .15]))
    name, mail = _people(rng, english)
    mobile = pd.Series(rng.choice([135, 136, 138, 139, 150, 158, 186, 188], m) * 10**8 + rng.integers(10**8, size=m))
    return pd.DataFrame({
        "customer_id": _labels(cust, _ids("C", len(c), 5)), "name": name,
        "title": _TITLES[role * 2 + rng.integers(0, 2, m), english.astype(int)], "role": _labels(role, _ROLES),
        "influence": rng.integers(_INFLUENCE[role, 0], _INFLUENCE[role, 1]),
        "email": mail + "@" + c["domain"].to_numpy()[cust],
        "phone": np.where(c["region"].to_numpy()[cust] == 4, "+65 6" + mobile.astype(str).str[4:], mobile.astype(str)),
        "notes": _labels(np.where(rng.random(m) < 0.2, english * 2 + rng.integers(0, 2, m), -1), _TEXT["note"])})


def _feedback_table(w: _World, lines: pd.DataFrame) -> pd.DataFrame:
    """NPS (0-10) and CSAT (1-5) answers from about 40 % of customers, a third with a comment."""
    rng, c = w.rng, w.customers
    first_order = lines[lines["cust"] < len(c)].groupby("cust")["day"].min()
    asked = np.sort(rng.permutation(first_order.index.to_numpy())[: round(0.4 * len(c))])
    cust = np.repeat(asked, rng.choice([1, 2, 3], len(asked), p=[.6, .3, .1]))
    nps, m = rng.random(len(cust)) < 0.6, len(cust)
    day = _between(rng, first_order.reindex(cust).to_numpy(), np.full(m, w.today))
    score = np.where(nps, rng.choice(11, m, p=[.02, .01, .02, .03, .03, .05, .07, .12, .18, .22, .25]),
                     rng.choice([1, 2, 3, 4, 5], m, p=[.03, .05, .10, .42, .40]))
    band = np.where(nps, np.select([score >= 9, score >= 7], [0, 1], 2), np.select([score >= 4, score == 3], [0, 1], 2))
    comment = np.where(rng.random(m) < 0.35, band * 4 + c["english"].to_numpy()[cust] * 2 + rng.integers(0, 2, m), -1)
    order = np.lexsort((cust, day))
    return pd.DataFrame({
        "customer_id": _labels(cust[order], _ids("C", len(c), 5)), "date": _dates(day[order]),
        "kind": _labels(np.where(nps, 0, 1)[order], ["nps", "csat"]), "score": score[order],
        "comment": _labels(comment[order], _TEXT["good"] + _TEXT["neutral"] + _TEXT["bad"])})


def _monthly_revenue(w: _World, lines: pd.DataFrame, by: str, months: np.ndarray, rows: int) -> np.ndarray:
    """Counted revenue (not cancelled or returned) per owner (order's, else customer's) or channel x month."""
    counted = lines[lines["status"] < 1]
    owner = np.append(w.customers["owner"].to_numpy(), -1)[counted["cust"]]
    key = counted["channel"] if by == "channel" else np.where(counted["owner"] >= 0, counted["owner"], owner)
    total = counted["amount"].groupby([np.asarray(key), _months(counted["day"])]).sum().unstack(fill_value=0.0)
    return total.reindex(index=range(rows), columns=months, fill_value=0.0).to_numpy()


def _targets_table(w: _World, lines: pd.DataFrame) -> pd.DataFrame:
    """Monthly owner targets near actual revenue (attainment around 90 %); yearly company totals."""
    first, now = _months([w.start, w.today])
    actual = _monthly_revenue(w, lines, "owner", np.arange(first, now), len(w.owners))
    return targets_from(w.rng, w.owners, w.start, w.today, actual, new_customers(w))


def new_customers(w: _World) -> np.ndarray:
    """Customers won in the two years, per owner."""
    return np.bincount(w.customers["owner"], w.customers["kind"] == 1, minlength=len(w.owners))


def targets_from(rng: np.random.Generator, owners: pd.DataFrame, start: int, today: int, actual: np.ndarray,
                 won: np.ndarray) -> pd.DataFrame:
    """The targets table from revenue per owner x month (first month to the one before as_of) and new customers."""
    n, (first, now) = len(owners), _months([start, today])
    months = np.arange(first, now - now % 12 + 12)
    smooth = pd.DataFrame(actual).T.rolling(3, center=True, min_periods=1).mean().T.to_numpy()
    past = np.maximum(0.5 * (actual + smooth), 0.3 * smooth.mean(axis=1, keepdims=True))
    base = np.hstack([past, past[:, now - first - 12: len(months) - 12] * _GROWTH])   # the rest: a year ago + growth
    new = won / 24 * rng.uniform(1, 1.3, n)
    monthly = pd.DataFrame({
        "period": np.repeat(np.datetime_as_string(months.astype("datetime64[M]")), n),
        "owner": np.tile(owners["name"].to_numpy(), len(months)),
        "revenue_target": np.round(base * 1.08 * rng.lognormal(0, 0.1, base.shape), -3).T.ravel(),
        "new_customers_target": np.tile(np.maximum(1, np.round(new)).astype(np.int64), len(months))})
    table = pd.concat([monthly, monthly.groupby(monthly["period"].str[:4]).sum(numeric_only=True).reset_index()])
    return table.assign(revenue_target=_money(table["revenue_target"]).to_numpy())


def _channel_costs_table(w: _World, lines: pd.DataFrame) -> pd.DataFrame:
    """Monthly marketing cost per lead source and selling cost per order channel (Partner is both)."""
    first, now = _months([w.start, w.today])
    revenue = _monthly_revenue(w, lines, "channel", np.arange(first, now + 1), len(CHANNELS))
    return channel_costs_from(w.rng, len(w.customers), w.start, w.today, revenue)


def channel_costs_from(rng: np.random.Generator, customers: int, start: int, today: int,
                       revenue: np.ndarray) -> pd.DataFrame:
    """The channel costs table from counted revenue per channel x month (first month to as_of's)."""
    first, now = _months([start, today])
    months = np.arange(first, now + 1)
    scale = customers / 300 * _GROWTH ** ((months - first) / 12)
    costs = {"Referral": 3000 * scale, "Website": 25000 * scale, "Cold call": 12000 * scale, "Webinar": 8000 * scale,
             "Trade show": np.where(np.isin(months % 12, [2, 5, 8, 10]), 120000, 4000) * scale,  # Mar, Jun, Sep, Nov
             "Direct": 0.03 * revenue[0], "Distributor": 0.09 * revenue[1], "Online": 0.06 * revenue[2] + 10000 * scale,
             "Partner": 0.07 * revenue[3] + 2000 * scale}
    cost = _money((np.array(list(costs.values())) * rng.lognormal(0, 0.15, (len(costs), len(months)))).T.ravel())
    period = np.repeat(np.datetime_as_string(months.astype("datetime64[M]")), len(costs))
    return pd.DataFrame({"channel": np.tile(list(costs), len(months)), "period": period, "cost": cost})
