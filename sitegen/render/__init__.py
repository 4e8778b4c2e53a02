"""The jinja2 environment: template search order, message catalogs, formatting filters, safe JSON.

Templates are looked up in the site's ``templates/`` first, then the package defaults,
so a site overrides one file without copying the theme. Autoescape is always on and
undefined variables are errors.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

import jinja2
import orjson
from markupsafe import Markup

from sitegen.metrics.grouped import UNASSIGNED
from sitegen.render.environment import ConstantMessages, PageEnvironment
from sitegen.render.formatting import Formatter
from sitegen.resources import default_templates

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 0x2028: "\\u2028", 0x2029: "\\u2029"}
_SEPARATORS = re.compile(r"[\s_-]+")
# Common spellings of canonical data values (contact roles, activity types) -> their catalog key
VALUE_ALIASES = {"decisionmaker": "decision maker", "decision make": "decision maker", "phone": "call",
                 "phone call": "call", "telephone": "call", "e mail": "email", "mail": "email",
                 "site visit": "visit", "on site visit": "visit", "product demo": "demo", "demonstration": "demo",
                 "meet": "meeting", "influencers": "influencer", "users": "user", "gate keeper": "gatekeeper"}
_MORE_ROWS = re.compile(r": ([0-9]+) more row\(s\) like this")
# The canonical contact roles and activity types (keys of both catalogs)
CANONICAL_VALUES = frozenset({"decision maker", "influencer", "user", "gatekeeper",
                              "call", "email", "visit", "demo", "meeting"})


def canonical_value(value: str) -> str | None:
    """The canonical key of a contact role or activity type spelt another way (``Decision_Maker``,
    ``Phone call``), so it is translated like the canonical value; None for other values."""
    key = _SEPARATORS.sub(" ", value).strip().lower()
    key = VALUE_ALIASES.get(key, key)
    return key if key in CANONICAL_VALUES else None


@lru_cache(maxsize=None)
def load_catalog(language: str) -> Mapping[str, str]:
    """Message -> text for ``language``. English messages are their own text; the English
    catalog only names the keys that come from data (``strategic`` -> ``Strategic``)."""
    path = CATALOG_DIR / f"{language}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["messages"]


def json_for_script(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no HTML parsing surprises."""
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()
    return Markup(text.translate(_JSON_ESCAPES))


def money_unit(language: str, top: float) -> tuple[float, str]:
    """The unit a chart's amounts are shown in: 万/亿 in Chinese, K/M/B in English, by the largest amount."""
    steps = ((1e8, "亿"), (1e4, "万")) if language == "zh-CN" else ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    return next(((size, suffix) for size, suffix in steps if top >= size), (1.0, ""))


def _compact(value: float) -> float | int:
    """A value to 4 decimals, whole values as integers (``100``, not ``100.0``: pages stay small) while they
    are exact in JSON (below 2**53; a larger whole float, 1e300, stays a float: as an integer it would not fit
    JSON's numbers or orjson's 64 bits)."""
    value = round(value, 4)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _money(data: list[dict[str, Any]], layout: dict[str, Any], axis: str, fmt: Any) -> None:
    """Amount traces on ``axis`` pre-divided into one unit (money_unit), with the axis ticks and hovers
    showing symbol and unit (¥250万, CN¥1.5M): plotly picks round ticks, no per-point text is needed."""
    traces = [t for t in data if t.get("_money") == axis]
    values = [[float(v) if v is not None else 0.0 for v in t.get(axis, ())] for t in traces]
    bars = [v for t, v in zip(traces, values) if t.get("type") == "bar"]
    if layout.get("barmode") == "stack" and bars:
        bars = [[sum(col) for col in zip(*bars)]]
    flat = [abs(v) for s in bars + [v for t, v in zip(traces, values) if t.get("type") != "bar"] for v in s]
    size, suffix = money_unit(fmt.language, max(flat, default=0.0))
    number = f"{fmt.symbol}%{{{axis}:,.{1 if size > 1 else 0}f}}{suffix}"
    for trace in traces:
        del trace["_money"]
        trace[axis] = [None if v is None else _compact(float(v) / size) for v in trace[axis]]
        if trace.get("type") == "funnel":
            trace["texttemplate"] = number.replace(f"%{{{axis}", "%{value") + "<br>%{percentInitial:.0%}"
            trace["hovertemplate"] = f"%{{y}}: {number}<extra></extra>"
        else:
            trace["hovertemplate"] = f"{trace.get('name', '')}: {number}<extra></extra>"
    key = f"{axis}axis"
    if key in layout:
        layout[key] = {**layout[key], "tickprefix": fmt.symbol, "ticksuffix": suffix, "tickformat": ",~f"}


def localise_chart(spec: Mapping[str, Any], translate: Callable[[str], str],
                   label: Callable[[Any], str], fmt: Any = None) -> dict[str, Any]:
    """A chart spec with its UI text translated: trace names and axis titles as UI messages, and
    the categories of traces marked ``meta = {"i18n": "x"}`` as data labels (tiers, outcomes); traces
    marked ``meta = {"money": axis}`` (charts.money) show amounts in ``fmt``'s language (symbol, 万/K)."""
    data = []
    money: set[str] = set()
    for trace in spec.get("data", ()):
        trace = dict(trace)
        if "name" in trace:
            trace["name"] = translate(trace["name"])
        meta = trace.pop("meta", None) or {}
        axis = meta.get("i18n")
        if axis:
            trace[axis] = [label(v) for v in trace[axis]]
        if meta.get("money") and fmt is not None:
            trace["_money"] = meta["money"]
            money.add(meta["money"])
        data.append(trace)
    layout = dict(spec.get("layout", {}))
    for axis in sorted(money):
        _money(data, layout, axis, fmt)
    for key in ("xaxis", "yaxis"):
        title = (layout.get(key) or {}).get("title")
        if isinstance(title, dict) and "text" in title:
            layout[key] = {**layout[key], "title": {**title, "text": translate(title["text"])}}
    return {**spec, "data": data, "layout": layout}


def template_dirs(site_templates: Path | None) -> list[Path]:
    dirs = [p for p in (site_templates, default_templates()) if p is not None and p.is_dir()]
    unique: list[Path] = []
    for p in dirs:
        if p.resolve() not in unique:
            unique.append(p.resolve())
    return unique


class Renderer:
    """Renders pages for one language and currency."""

    def __init__(self, language: str, currency: str, site_templates: Path | None = None):
        self.language = language
        self.fmt = Formatter(language, currency)
        self.catalog = load_catalog(language)
        self.missing: set[str] = set()  # UI messages asked for but absent from a non-English catalog
        self._nav: dict[tuple, Markup] = {}
        self.env = PageEnvironment(
            loader=jinja2.FileSystemLoader([str(p) for p in template_dirs(site_templates)]),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            auto_reload=False, cache_size=-1, extensions=[ConstantMessages],
        )
        self.env.extend(translate_constant=self.translate)
        fmt = self.fmt
        self.env.globals.update(_=self.translate, label=self.label, lang=language, nav_links=self.nav_links)
        self.env.filters.update(
            money=fmt.money, money_short=fmt.money_short, number=fmt.number, pct=fmt.percent,
            date=fmt.date, long_date=fmt.long_date, period=fmt.period, json_script=json_for_script,
            change=fmt.change, days=fmt.days, chart=self.chart_json, label=self.label, person=self.person,
            resolve_labels=self.resolve_labels, messages=self.messages, more_rows=self.more_rows,
        )
        self.env.globals["number_format"] = {"symbol": fmt.symbol, "group": fmt.group, "decimal": fmt.decimal,
                                             "language": language}

    def translate(self, message: str, **values: Any) -> str:
        """A UI message in the site's language; ``values`` fill its ``{placeholders}``."""
        text = self.catalog.get(message)
        if text is None:
            text = message
            if self.language != "en":
                self.missing.add(message)
        return text.format(**values) if values else text

    def label(self, value: Any) -> str:
        """A value from the data shown in words when the catalog knows it (tier, segment, activity
        type), else as it is; never recorded as missing, because data values are open-ended."""
        if value is None:
            return "–"
        if not isinstance(value, str):
            return str(value)
        text = self.catalog.get(value)
        if text is None:
            key = canonical_value(value)
            text = self.catalog.get(key, value) if key else value
        return text

    def person(self, value: Any) -> str:
        """An owner's name as written, except the "unassigned" placeholder, which is translated (an owner
        called like a catalog key, ``new`` or ``Team``, is still a name, not a label)."""
        if value is None:
            return "–"
        return self.catalog.get(value, value) if value == UNASSIGNED else str(value)

    def more_rows(self, rest: str) -> str:
        """The value part of a problem message as it is, except the count line of a problem on many
        rows (``: 12 more row(s) like this``), which is translated."""
        match = _MORE_ROWS.fullmatch(rest)
        return f": {self.translate('{count} more row(s) like this', count=match.group(1))}" if match else rest

    def resolve_labels(self, fields: Mapping[str, Mapping[str, str | None]]) -> dict[str, dict[str, str]]:
        """Field -> key -> text for a data table; keys without text are translated as data labels."""
        return {field: {k: v if v is not None else self.label(k) for k, v in keys.items()}
                for field, keys in fields.items()}

    def messages(self, keys: list[str]) -> dict[str, str]:
        """UI messages (for site.js) in the site's language."""
        return {k: self.translate(k) for k in keys}

    def nav_links(self, root: str, section: str, nav: tuple) -> Markup:
        """The navigation of a page (``nav.html``), rendered once per root and section: every page
        of one folder depth and section shares it."""
        key = (root, section, nav)
        html = self._nav.get(key)
        if html is None:
            html = self._nav[key] = Markup(self.env.get_template("nav.html").render(root=root, section=section, nav=nav))
        return html

    def chart_json(self, spec: Mapping[str, Any]) -> Markup:
        """A chart spec, translated, as JSON safe inside ``<script type="application/json">``."""
        return json_for_script(localise_chart(spec, self.translate, self.label, self.fmt))

    def render(self, template: str, context: Mapping[str, Any]) -> bytes:
        return self.env.get_template(template).render(context).encode("utf-8")
