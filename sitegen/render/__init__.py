"""The jinja2 environment: template search order, message catalogs, formatting filters, safe JSON.

Templates are looked up in the site's ``templates/`` first, then the package defaults,
so a site overrides one file without copying the theme. Autoescape is always on and
undefined variables are errors.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jinja2
import orjson
from markupsafe import Markup

from sitegen.render.formatting import Formatter
from sitegen.resources import default_templates

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 0x2028: "\\u2028", 0x2029: "\\u2029"}


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
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in template_dirs(site_templates)]),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            auto_reload=False, cache_size=-1,
        )
        fmt = self.fmt
        self.env.globals.update(_=self.translate, lang=language)
        self.env.filters.update(
            money=fmt.money, money_short=fmt.money_short, number=fmt.number, pct=fmt.percent,
            date=fmt.date, long_date=fmt.long_date, period=fmt.period, json_script=json_for_script,
        )

    def translate(self, message: str, **values: Any) -> str:
        text = self.catalog.get(message, message)
        return text.format(**values) if values else text

    def render(self, template: str, context: Mapping[str, Any]) -> bytes:
        return self.env.get_template(template).render(context).encode("utf-8")
