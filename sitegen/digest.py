"""``sitegen digest``: an email-ready summary of one period with absolute links into the site.

The digest is another renderer of :class:`Metrics`: every figure comes from the period
reports, breakdowns and KPIs the site shows, computed by the same functions. Links are
made from the same slug lookups as the pages and only to pages a build of this data has.
The HTML is for mail clients (inline styles, tables, no scripts, fonts or images); a
plain-text part says the same, and :func:`to_email` wraps both in a MIME message.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width
from urllib.parse import urlsplit

import jinja2
import pandas as pd

from sitegen import pages as site_pages
from sitegen.config import Config
from sitegen.errors import ConfigError, ConfigProblem
from sitegen.build import prepare_site
from sitegen.metrics import Metrics, as_of_date
from sitegen.metrics import periods as cal
from sitegen.metrics.targets import attainment_flag
from sitegen.render import load_catalog
from sitegen.render.formatting import Formatter

TEMPLATES = Path(__file__).resolve().parent / "digest_templates"
# pages the digest links to
LINK_SECTIONS = ("dashboard", "funnel", "pipeline", "customer_pages", "receivables", "team", "reports")
MOVERS = 5
# label, figure in Metrics.periods, format, target figure, attainment figure
KPIS = (
    ("Revenue", "revenue", "money", "revenue_target", "attainment"),
    ("Orders", "orders", "number", None, None),
    ("Average order value", "aov", "money", None, None),
    ("New customers", "new_customers", "number", "new_customers_target", "new_customers_attainment"),
    ("Active customers", "active_customers", "number", None, None),
    ("Deals won", "won_deals", "number", None, None),
    ("Value of deals won", "won_amount", "money", None, None),
    ("Win rate", "win_rate", "pct", None, None),
)
# label, KPI key (as of the build date), format, page, shown in red when above zero
PIPELINE = (
    ("Open pipeline", "open_pipeline", "money", "pipeline/index.html", False),
    ("Weighted pipeline", "weighted_pipeline", "money", "pipeline/index.html", False),
    ("Stale deals", "stale_opportunities", "number", "pipeline/index.html", True),
    ("Deals past their close date", "overdue_opportunities", "number", "pipeline/index.html", True),
    ("Win rate, last 12 months", "win_rate", "pct", "funnel/index.html", False),
)


@dataclass(frozen=True)
class Digest:
    """One rendered digest: the period it covers, the subject, both parts and every link in them."""

    period: str
    subject: str
    html: str
    text: str
    links: tuple[str, ...]


def build_digest(config: Config, *, period: str | None = None, as_of: str | None = None) -> Digest:
    """Load the data, compute the metrics as a build does, and render the digest of ``period``
    (default: the last closed month before the build date). Links use ``[site] base_url``."""
    base_url = require_base_url(config)
    today = as_of_date(config, as_of)
    chosen = choose_period(config, today, period)  # usage errors before the (slow) metrics
    site = prepare_site(config, today)  # the same inputs, metrics and pages as a build
    require_report(site.metrics, chosen)
    links = Links(base_url, page_paths(site))
    context = digest_context(site, chosen, links)
    html, text = render(config, context)
    return Digest(chosen.label, context["subject"], html, text, tuple(links.used))


def require_base_url(config: Config) -> str:
    """The site's absolute URL with a trailing slash; a usage error (exit 2) when it is not set."""
    base = config.site.base_url.strip()
    if not base:
        raise ConfigError([ConfigProblem(config.source, "site.base_url", "is not set, so the digest cannot link "
                                         "into the site", 'set [site] base_url = "https://…/" or pass --base-url')])
    return base if base.endswith("/") else base + "/"


def choose_period(config: Config, as_of: pd.Timestamp, label: str | None) -> cal.Period:
    """``label`` (2026-11, 2026-Q4, 2026), or the month before the build date's month."""
    fy = config.site.fiscal_year_start
    chosen = cal.parse_period(label, fy) if label else cal.previous(cal.month(as_of), fy)
    if chosen is None:
        raise ConfigError([ConfigProblem("--period", "period", f"not a period: {label!r}",
                                         "write a month 2026-11, a quarter 2026-Q4 or a year 2026")])
    if chosen.start > as_of:
        raise ConfigError([ConfigProblem("--period", "period", f"{chosen.label} starts after the build date "
                                         f"{as_of:%Y-%m-%d}", "choose an earlier period or a later --as-of")])
    return chosen


def require_report(metrics: Metrics, period: cal.Period) -> None:
    """The period must have a report (the data must reach back to it)."""
    table = metrics.periods
    known = set(table["period"]) if "period" in table else set()
    if period.label not in known:
        months = sorted(table.loc[table["kind"] == "month", "period"]) if known else []
        covers = f" (the data covers {months[0]} to {months[-1]})" if months else ""
        raise ConfigError([ConfigProblem("--period", "period", f"no report for {period.label}{covers}",
                                         "choose a period the data covers")])


def page_paths(site: site_pages.Site) -> set[str]:
    """Paths of the pages a build makes in the sections the digest links to (so no link is dead)."""
    paths: set[str] = set()
    for name in (s for s in site_pages.SECTIONS if s in LINK_SECTIONS):
        for item in importlib.import_module(f"sitegen.pages.{name}").pages(site):
            if isinstance(item, site_pages.Page):
                paths.add(item.path)
    return paths


class Links:
    """Absolute URLs in the folder form people share (``…/reports/2026-05/``), for pages that exist."""

    def __init__(self, base_url: str, existing: set[str]):
        self.base_url = base_url
        self.existing = existing
        self.used: list[str] = [base_url]

    def url(self, path: str | None) -> str | None:
        if not path or path not in self.existing:
            return None
        url = self.base_url + path.removesuffix("index.html")
        if url not in self.used:
            self.used.append(url)
        return url


def digest_context(site: site_pages.Site, period: cal.Period, links: Links) -> dict[str, Any]:
    """Everything the digest templates show, as plain values (formatting happens in the templates)."""
    m, config = site.metrics, site.config
    fmt = Formatter(config.site.language, config.site.currency)
    row = m.periods.set_index("period").loc[period.label]
    previous, year_ago = str(row["previous"]), str(row["year_ago"])
    changes = (m.reports.get(period.label) or {}).get("change", {})
    threshold = config.rules.attainment_warning
    kpis = [kpi(row, spec, changes, threshold) for spec in KPIS if spec[1] in row.index and pd.notna(row[spec[1]])]
    translate = translator(config.site.language)
    period_name = fmt.period(period.label)
    return {
        "lang": config.site.language, "site_title": config.site.title, "as_of": m.as_of,
        "subject": translate("{title}: summary for {period}", title=config.site.title, period=period_name),
        "period_name": period_name, "previous_name": fmt.period(previous), "year_ago_name": fmt.period(year_ago),
        "complete": bool(row["complete"]), "home_url": links.base_url,
        "report_url": links.url(f"reports/{period.label}/index.html"), "kpis": kpis,
        "movers": [g for g in (customer_movers(site, period, previous, links),
                               owner_movers(site, period.label, previous, links)) if g["rows"]],
        "pipeline": pipeline_rows(m, links), "receivables": receivable_rows(m, row, links), "threshold": threshold,
        "below": owners_below(site, period.label, float(row["elapsed"]), links),
    }


def kpi(row: pd.Series, spec: tuple, changes: dict[str, Any], threshold: float) -> dict[str, Any]:
    """One headline figure with its target, attainment (warning as on the site) and relative changes."""
    label, key, form, target_key, attainment_key = spec
    target = _value(row, target_key)
    attained = _value(row, attainment_key) if target else None
    warning = attained is not None and bool(
        attainment_flag(pd.Series([float(attained)]), pd.Series([float(row["elapsed"])]), threshold).iloc[0])
    return {"label": label, "value": row[key], "format": form, "target": target if attained is not None else None,
            "attainment": attained, "bar": _percent(attained), "warning": warning,
            "change_previous": (changes.get("previous") or {}).get(key),
            "change_year_ago": (changes.get("year_ago") or {}).get(key)}


def customer_movers(site: site_pages.Site, period: cal.Period, previous: str, links: Links) -> dict[str, Any]:
    """Customers whose revenue changed most against the previous period (monthly revenue summed over it)."""
    months = site.metrics.customer_months
    sums = []
    for p in (period, cal.parse_period(previous, site.config.site.fiscal_year_start)):
        labels = set(pd.period_range(p.start, p.end, freq="M").strftime("%Y-%m"))
        sums.append(months[months["month"].isin(labels)].groupby("customer_id", observed=True)["revenue"].sum())
    names = site.metrics.customers.set_index("customer_id")["name"]
    rows = _movers(sums[0], sums[1], lambda cid: str(names.get(cid, cid)),
                   lambda cid: links.url(site.customer_href(cid)))
    return {"title": "Customers with the biggest change", "rows": rows}


def owner_movers(site: site_pages.Site, label: str, previous: str, links: Links) -> dict[str, Any]:
    """Owners whose attributed revenue changed most against the previous period."""
    owners = _owner_rows(site.metrics)
    sums = [owners[owners["period"] == p].set_index("key")["revenue"] for p in (label, previous)]
    rows = _movers(sums[0], sums[1], str, lambda owner: links.url(site.owner_href(owner)))
    return {"title": "Owners with the biggest change", "rows": rows}


def _movers(now: pd.Series, before: pd.Series, name, url) -> list[dict[str, Any]]:
    """The ``MOVERS`` keys with the largest absolute change from ``before`` to ``now`` (ties by key)."""
    both = pd.concat([now.rename("now"), before.rename("before")], axis=1).fillna(0.0).rename_axis("id")
    both = both.reset_index().assign(delta=lambda f: f["now"] - f["before"])
    both = both[both["delta"] != 0].assign(size=lambda f: f["delta"].abs(), order=lambda f: f["id"].astype(str))
    top = both.sort_values(["size", "order"], ascending=[False, True]).head(MOVERS)
    largest = float(top["size"].max()) if len(top) else 0.0
    return [{"name": name(r.id), "url": url(r.id), "now": r.now, "before": r.before, "delta": r.delta,
             "bar": max(1, round(100 * r.size / largest))} for r in top.itertuples()]


def owners_below(site: site_pages.Site, label: str, elapsed: float, links: Links) -> list[dict[str, Any]] | None:
    """Owners with a target who are below the attainment threshold (pro rata while the period runs);
    None when no owner has a target for the period."""
    owners = _owner_rows(site.metrics)
    rows = owners[(owners["period"] == label) & owners["revenue_target"].gt(0)]
    if rows.empty:
        return None
    threshold = site.config.rules.attainment_warning
    flagged = rows[attainment_flag(rows["attainment"], pd.Series(elapsed, index=rows.index), threshold)
                   .fillna(False).astype(bool)]
    return [{"name": str(r.key), "url": links.url(site.owner_href(r.key)), "revenue": r.revenue,
             "target": r.revenue_target, "attainment": r.attainment, "bar": _percent(r.attainment)}
            for r in flagged.sort_values(["attainment", "key"]).itertuples()]


def _owner_rows(m: Metrics) -> pd.DataFrame:
    if m.breakdowns.empty or "dimension" not in m.breakdowns:
        return pd.DataFrame(columns=["period", "key", "revenue", "revenue_target", "attainment"])
    return m.breakdowns[m.breakdowns["dimension"] == "owner"]


def pipeline_rows(m: Metrics, links: Links) -> dict[str, Any] | None:
    """Open, weighted, stale and overdue deals as of the build date."""
    if not m.inputs.get("pipeline"):
        return None
    rows = [{"label": label, "value": m.kpis.get(key), "format": form, "url": links.url(page),
             "alert": bool(alert and (m.kpis.get(key) or 0) > 0)}
            for label, key, form, page, alert in PIPELINE if m.kpis.get(key) is not None]
    return {"rows": rows, "url": links.url("pipeline/index.html")} if rows else None


def receivable_rows(m: Metrics, row: pd.Series, links: Links) -> dict[str, Any] | None:
    """Outstanding and overdue receivables as of the build date, and what was collected on the period's orders
    (None when orders have no paid_amount column)."""
    r = m.receivables
    if not r:
        return None
    page = "receivables/index.html"
    rows = [{"label": "Outstanding receivables", "value": r["outstanding"], "format": "money", "url": links.url(page),
             "alert": False},
            {"label": "Overdue receivables", "value": r["overdue"], "format": "money", "url": links.url(page),
             "alert": r["overdue"] > 0},
            {"label": "Customers with overdue payments", "value": r["customers_overdue"], "format": "number",
             "url": links.url(page), "alert": False}]
    collected = _value(row, "receivables_collected")
    if collected is not None:
        rows.append({"label": "Collected on the period's orders", "value": collected, "format": "money", "url": None,
                     "alert": False})
    return {"rows": rows, "url": links.url(page)}


def _value(row: pd.Series, key: str | None) -> Any:
    if key is None or key not in row.index or pd.isna(row[key]):
        return None
    return row[key]


def _percent(share: Any) -> int:
    return 0 if share is None or pd.isna(share) else max(0, min(100, round(float(share) * 100)))


def translator(language: str):
    """``_(message, **values)`` over the site's catalog, as the site's templates use it."""
    catalog = load_catalog(language)

    def translate(message: str, **values: Any) -> str:
        text = catalog.get(message, message)
        return text.format(**values) if values else text
    return translate


def render(config: Config, context: dict[str, Any]) -> tuple[str, str]:
    """(HTML part, plain-text part) of the digest."""
    fmt = Formatter(config.site.language, config.site.currency)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), undefined=jinja2.StrictUndefined,
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    formats = {"money": fmt.money, "number": fmt.number, "pct": fmt.percent, "money_short": fmt.money_short}
    env.globals["_"] = translator(config.site.language)
    env.filters.update(money=fmt.money, money_short=fmt.money_short, number=fmt.number, pct=fmt.percent,
                       long_date=fmt.long_date, fmt=lambda v, form: formats[form](v),
                       signed_pct=lambda v: ("+" if v > 0 else "") + fmt.percent(v),
                       signed_money=lambda v: ("+" if v > 0 else "") + fmt.money_short(v),
                       width=lambda text: sum(2 if east_asian_width(c) in "WF" else 1 for c in text))
    return env.get_template("digest.html").render(context), env.get_template("digest.txt").render(context)


def to_email(digest: Digest, *, sender: str | None = None, to: tuple[str, ...] = ()) -> EmailMessage:
    """A multipart/alternative message (plain text, then HTML), UTF-8; From/To only when given."""
    message = EmailMessage()
    message["Subject"] = digest.subject
    if sender:
        message["From"] = sender
    if any(to):
        message["To"] = ", ".join(t for t in to if t)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid("digest", urlsplit(digest.links[0]).hostname if digest.links else None)
    cte = "quoted-printable" if digest.text.isascii() else "base64"  # QP triples the size of Chinese text
    message.set_content(digest.text, charset="utf-8", cte=cte)
    message.add_alternative(digest.html, subtype="html", charset="utf-8", cte=cte)
    return message
