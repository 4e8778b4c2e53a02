"""The dashboard: headline KPIs, revenue trend and the funnel at a glance."""

from __future__ import annotations

from typing import Iterator

from sitegen import charts
from sitegen.pages import Page, Site, common

TILES = (  # kpi key, label, format, link to the rows behind it
    ("revenue_window", "Revenue (last 12 months)", "money", "customers/index.html"),
    ("orders_window", "Orders", "number", "customers/index.html"),
    ("aov_window", "Average order value", "money", "customers/index.html"),
    ("active_customers_window", "Active customers", "number", "customers/index.html"),
    ("new_customers_window", "New customers", "number", "customers/index.html"),
    ("repeat_purchase_rate", "Repeat purchase rate", "pct", "customers/index.html"),
    ("win_rate", "Win rate", "pct", "index.html#funnel"),
    ("avg_deal_size", "Average deal size", "money", "index.html#funnel"),
    ("sales_cycle_days_median", "Sales cycle (median days)", "number", "index.html#funnel"),
    ("open_pipeline", "Open pipeline", "money", "index.html#funnel"),
    ("weighted_pipeline", "Weighted pipeline", "money", "index.html#funnel"),
    ("stale_opportunities", "Stale deals", "number", "index.html#funnel"),
)


def pages(site: Site) -> Iterator[Page]:
    m = site.metrics
    tiles = [{"key": key, "label": label, "value": m.kpis.get(key), "format": fmt, "href": href}
             for key, label, fmt, href in TILES]
    recent = m.monthly.tail(24)
    trend = charts.bar_trend(recent["month"].tolist(), recent["revenue"].round(2).tolist(), "Revenue") \
        if len(recent) else None
    funnel = None
    if len(m.funnel):
        names = {s.key: s.name(site.config.site.language) for s in site.config.stages}
        labels = [names.get(k, k) for k in m.funnel["stage"]]
        funnel = charts.funnel(labels, m.funnel["reached"].tolist(), "Deals")
    context = common(site, "index.html", "dashboard", "Dashboard")
    context.update(tiles=tiles, revenue_chart=trend, funnel_chart=funnel,
                   has_orders=m.inputs.get("orders", False), has_pipeline=m.inputs.get("pipeline", False))
    yield Page("index.html", "dashboard.html", context)
