"""Demo complaints.csv: after-sales tickets from a few per cent of the buying customers (SPEC §7). Its own random
generator (seeded from the demo seed), so adding it changed none of the other demo tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

CATEGORIES = ("quality", "delivery", "service", "billing")
SEVERITY_WORDS = ("high", "medium", "low")
_CATEGORY_SHARE = np.array([.35, .30, .20, .15])
_SEVERITY_SHARE = np.array([.2, .5, .3])
_RESPONSE_DAYS = np.array([[.9, .1, 0, 0], [.8, .15, .05, 0], [.5, .4, .08, .02]])   # 0-3 days, per severity
_RESOLUTION_MEDIAN = np.array([1.0, 2.5, 5.0])                                  # days, per severity
_TEXT = {key: text.split("|") for key, text in {  # two Chinese variants, then two English, per category
    "summary": "设备运行异常，需要更换部件|交付的传感器部分失灵|Controller faults after installation|Sensors failing in "
               "the field|交货延迟两周|到货数量与订单不符|Shipment two weeks late|Wrong quantity delivered|"
               "售后工程师未按约定上门|培训安排不满意|Engineer missed the agreed visit|Training did not meet "
               "expectations|发票金额有误|维保费用重复收取|Invoice amount incorrect|Charged twice for maintenance",
    "resolution": "更换部件并回访确认|Replaced the parts, confirmed on a follow-up call|补发货物并调整交期|Shipped the "
                  "rest, lead times adjusted|重新安排上门服务|Visit rescheduled, apologised|开具红字发票并重开|"
                  "Credit note and corrected invoice issued",
}.items()}


def complaints_table(customers: pd.DataFrame, owners: pd.Series, lines: pd.DataFrame, today: int,
                     seed: int) -> pd.DataFrame:
    """Tickets from about 6 % of the customers with orders (one to three each), opened after their first order.

    ``customers`` is the demo's customer frame (``owner`` and ``english`` columns, row = id order), ``owners``
    the owner names, ``lines`` the order lines (``cust``, ``day``), ``today`` as_of as a day number, ``seed`` the
    demo's seed. Resolution times scatter around the default service levels, so some tickets are late and the
    recent ones still open.
    """
    from sitegen.demo import _dates, _ids, _labels

    rng = np.random.default_rng([seed, 16])
    first_order = lines[lines["cust"] < len(customers)].groupby("cust")["day"].min()
    first_order = first_order[first_order < today - 14]
    chosen = np.sort(rng.permutation(first_order.index.to_numpy())[: max(1, round(0.06 * len(customers)))])
    cust = np.repeat(chosen, rng.choice([1, 2, 3], len(chosen), p=[.65, .25, .10]))
    m = len(cust)
    start = first_order.reindex(cust).to_numpy() + 7
    opened = start + np.floor((today - start + 1) * rng.random(m) ** 0.7).astype(np.int64)  # leans recent
    category = rng.choice(4, m, p=_CATEGORY_SHARE)
    severity = rng.choice(3, m, p=_SEVERITY_SHARE)
    response = opened + (rng.random((m, 1)) > np.cumsum(_RESPONSE_DAYS[severity], axis=1)).sum(axis=1)
    resolution = np.ceil(rng.lognormal(np.log(_RESOLUTION_MEDIAN[severity]), 0.7)).astype(np.int64)
    stuck = rng.random(m) < 0.10                                                # forgotten tickets, open for long
    closed = np.where(stuck, today + 1, opened + np.maximum(resolution, response - opened))
    response = np.where(rng.random(m) < 0.06, np.nan, response).astype(float)  # no response recorded
    response[response > today] = np.nan
    is_closed = closed <= today
    english = customers["english"].to_numpy()[cust].astype(int)
    order = np.lexsort((cust, opened))
    summary = category * 4 + english * 2 + rng.integers(0, 2, m)
    fix = np.where(is_closed, category * 2 + english, -1)
    return pd.DataFrame({
        "ticket_id": _ids("TK", m, 5),
        "customer_id": _labels(cust[order], _ids("C", len(customers), 5)),
        "opened_date": _dates(opened[order]), "first_response_date": _dates(response[order]),
        "closed_date": _dates(np.where(is_closed, closed, np.nan)[order]),
        "category": _labels(category[order], CATEGORIES), "severity": _labels(severity[order], SEVERITY_WORDS),
        "owner": _labels(customers["owner"].to_numpy()[cust][order], owners),
        "summary": _labels(summary[order], _TEXT["summary"]), "resolution": _labels(fix[order], _TEXT["resolution"])})
