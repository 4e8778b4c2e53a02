"""Read ``sitegen.toml`` into frozen dataclasses with defaults.

Every key has a default, so an empty (or missing) file builds a site from
``data/pipeline.csv`` and/or ``data/orders.csv``. Unknown keys and wrong types
are collected and reported together (``ConfigError``, exit code 2).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import get_close_matches
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from sitegen.config_checks import (BOOL, DATE, DAYS, MAX_DAYS, NUM, POS_INT, SHARE, STR, STR_LIST, Check, Collector,
                                   day_count, is_int, is_number)
from sitegen.config_paths import DATA_EXTENSIONS, data_folder, table_path  # noqa: F401 (DATA_EXTENSIONS: re-exported)
from sitegen.errors import ConfigError, ConfigProblem
from sitegen.appraisal_config import Appraisal, parse_appraisal
from sitegen.audience_config import Audience, parse_audiences, parse_teams
from sitegen.discount_config import DEFAULT_DISCOUNT_APPROVAL, DiscountLevel, parse_discount_approval
from sitegen.engine_config import Engine, parse_engine
from sitegen.grading_config import Grading, parse_grading
from sitegen.privacy_config import Privacy, parse_privacy

LANGUAGES = ("en", "zh-CN")
# Every date sitegen works with, in the data and as as_of. Any two such dates are less than 292 years apart
# (the span of pandas' nanosecond time differences), and as_of minus two windows of MAX_DAYS stays inside
# pandas' Timestamp range (1677-09-21 .. 2262-04-11): no date arithmetic of the metrics can overflow.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2100, 12, 31)
DATE_RANGE_HINT = f"dates must be between {FIRST_DATE} and {LAST_DATE}"
# DATA_EXTENSIONS, the files a table may be (data/pipeline.csv, pipeline.xlsx, ...): sitegen/config_paths.py
TABLES = (
    "pipeline", "stage_history", "orders", "customers", "contacts",
    "activities", "targets", "feedback", "channel_costs", "complaints",
)


@dataclass(frozen=True)
class Stage:
    """One open stage of the sales process, in order."""

    key: str
    names: Mapping[str, str]
    aliases: tuple[str, ...] = ()
    probability: float = 0.1
    max_days: int = 14
    conversion_goal: float | None = None  # share of deals reaching the stage that reach the next

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.key


DEFAULT_STAGES = (
    Stage("lead", MappingProxyType({"en": "Lead", "zh-CN": "线索挖掘"}),
          ("prospecting", "prospect", "线索", "qualification"), 0.10, 14),
    Stage("contact", MappingProxyType({"en": "Initial contact", "zh-CN": "初步接触"}),
          ("contact", "contacted", "接触"), 0.20, 14),
    Stage("needs", MappingProxyType({"en": "Needs analysis", "zh-CN": "需求分析"}),
          ("needs", "discovery", "需求"), 0.40, 21),
    Stage("proposal", MappingProxyType({"en": "Proposal", "zh-CN": "方案呈现"}),
          ("proposal/price quote", "quote", "方案", "报价"), 0.60, 21),
    Stage("negotiation", MappingProxyType({"en": "Negotiation", "zh-CN": "商务谈判"}),
          ("negotiation/review", "engaging", "谈判"), 0.80, 30),
)
# Outcome words used without [outcomes] (SPEC §7; docs/configuration.md lists them)
DEFAULT_WON = ("won", "closed won", "win", "signed", "成交", "已成交", "成交签约", "赢单", "签约")
DEFAULT_LOST = ("lost", "closed lost", "loss", "输单", "丢单", "失败", "已流失")


@dataclass(frozen=True)
class Table:
    """Where one input table lives and how its headers map to canonical names."""

    file: str
    columns: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    encoding: str | None = None
    file_set: bool = False            # ``file`` is in the config (else: see Config.table_path)
    sheet: str | None = None          # workbooks: the sheet (default: the first visible one, or found by name)
    header_row: int | None = None     # workbooks: the row of the column names (default: detected)
    workbook: str | None = None       # [data] workbook, the one file with a sheet per table
    url: str | None = None            # [data] url: the database ``query`` or ``table`` is read from
    query: str | None = None
    table: str | None = None


@dataclass(frozen=True)
class ServiceLevel:
    """The service promise for one complaint severity: first response and resolution deadlines."""

    response_hours: float
    resolution_days: float


SEVERITIES = ("high", "medium", "low")
DEFAULT_SERVICE = MappingProxyType({"high": ServiceLevel(4.0, 2.0), "medium": ServiceLevel(8.0, 5.0),
                                    "low": ServiceLevel(24.0, 10.0)})


@dataclass(frozen=True)
class Site:
    title: str = "Sales dashboard"
    language: str = "en"
    currency: str = "CNY"
    base_url: str = ""
    as_of: date | None = None
    fiscal_year_start: int = 1
    public: bool = False  # true: search engines may index the site (no noindex meta, no robots.txt)


@dataclass(frozen=True)
class Rules:
    """Business rules and reference targets (SPEC §1, §4); all tunable."""

    stale_after_days: int = 7
    window_days: int = 365
    attainment_warning: float = 0.90
    churn_after_days: int = 90
    min_deals_for_probability: int = 20
    strategic_share: float = 0.05
    key_share: float = 0.15
    grade_high: float = 0.6
    grade_medium: float = 0.3
    excluded_order_statuses: tuple[str, ...] = ("cancelled", "canceled", "returned", "refunded", "void", "已取消", "取消", "退货", "已退货")
    dayfirst: bool = False
    retention_goal: float = 0.85
    repurchase_goal: float = 0.70
    sales_cycle_goal_days: int = 30
    satisfaction_goal: float = 0.90
    aov_growth_goal: float = 0.10
    monthly_new_customers_goal: int = 0
    nps_goal: float | None = None  # no NPS goal unless set
    channel_roi_goal: float | None = None  # no channel ROI goal unless set
    payment_terms_days: int = 30
    contact_types: tuple[str, ...] = ("visit", "meeting")
    review_days: int = 7                 # the weekly review compares with a snapshot at least this old
    big_deal_multiple: float = 5.0       # open deal > this x the customer's lifetime revenue or the average won deal


TIER_NAMES = ("strategic", "key", "general", "potential")
DEFAULT_CONTACT_DAYS = MappingProxyType({"strategic": 30, "key": 60, "general": 180, "potential": None})


@dataclass(frozen=True)
class Config:
    """The whole configuration. Paths are absolute (resolved against the config's folder)."""

    root: Path
    source: str
    site: Site
    data_dir: Path
    tables: Mapping[str, Table]
    stages: tuple[Stage, ...]
    won: tuple[str, ...]
    lost: tuple[str, ...]
    rules: Rules
    output_dir: Path
    content_dir: Path
    templates_dir: Path
    max_problems: int = 200
    audiences: tuple[Audience, ...] = ()  # [[audiences]] (sitegen/audience_config.py)
    teams: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))  # team -> owners
    audience: Audience | None = None  # the audience this build is for (build --audience), None: everyone
    contact_every_days: Mapping[str, int | None] = field(  # tier -> days between contacts (None: no promise)
        default_factory=lambda: DEFAULT_CONTACT_DAYS)
    service: Mapping[str, ServiceLevel] = field(default_factory=lambda: DEFAULT_SERVICE)  # severity -> promise
    grading: Grading = field(default_factory=Grading)
    appraisal: Appraisal = field(default_factory=Appraisal)  # weights of the rep appraisal score
    privacy: Privacy = field(default_factory=Privacy)  # contact details, customer amounts, withheld columns
    discount_approval: tuple[DiscountLevel, ...] = DEFAULT_DISCOUNT_APPROVAL  # [[discount_approval]]: who approves
    engine: Engine = field(default_factory=Engine)  # [engine]: pandas or DuckDB for line-level tables
    data_uri: str | None = None  # [data] dir or --data as a URI (hdfs://, s3a://, file:///): Spark reads it

    @property
    def stage_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.stages)

    def table_path(self, table: str) -> Path:
        """The table's local file (a URI's copy with the Spark engine): :func:`sitegen.config_paths.table_path`."""
        return table_path(self, table)


SITE_KEYS: dict[str, Check] = {
    "title": STR, "language": STR, "currency": STR, "base_url": STR, "as_of": DATE,
    "fiscal_year_start": (lambda v: is_int(v) and 1 <= v <= 12, "a month number 1-12"), "public": BOOL,
}
RULE_KEYS: dict[str, Check] = {
    "stale_after_days": DAYS, "window_days": DAYS, "attainment_warning": SHARE,
    "churn_after_days": DAYS, "min_deals_for_probability": POS_INT,
    "strategic_share": SHARE, "key_share": SHARE, "grade_high": SHARE, "grade_medium": SHARE,
    "excluded_order_statuses": STR_LIST, "dayfirst": BOOL,
    "retention_goal": SHARE, "repurchase_goal": SHARE, "sales_cycle_goal_days": DAYS,
    "satisfaction_goal": SHARE, "aov_growth_goal": NUM,
    "monthly_new_customers_goal": (lambda v: is_int(v) and v >= 0, "a whole number, 0 or more (0: no goal)"),
    "nps_goal": (lambda v: is_number(v) and -100 <= v <= 100, "a number from -100 to 100"),
    "channel_roi_goal": NUM,
    "payment_terms_days": (day_count(0), "a whole number of days, 0 or more"),
    "contact_types": STR_LIST, "review_days": DAYS,
    "big_deal_multiple": (lambda v: is_number(v) and 0 < v <= 1e6, "a number above 0"),
}
TIER_KEYS: dict[str, Check] = {
    "contact_every_days": (day_count(0), "a whole number of days, 0 or more (0: no promise)"),
}
BUILD_KEYS: dict[str, Check] = {"output": STR, "content": STR, "templates": STR, "max_problems": POS_INT}
TABLE_KEYS: dict[str, Check] = {
    "file": STR, "encoding": STR, "sheet": STR, "header_row": POS_INT, "query": STR, "table": STR,
    "columns": (lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
                "a table of canonical name = \"header in the file\""),
}
STAGE_KEYS: dict[str, Check] = {
    "key": STR, "name": (lambda v: isinstance(v, (str, dict)), "a string or a table of language = name"),
    "aliases": STR_LIST, "probability": SHARE, "max_days": DAYS, "conversion_goal": SHARE,
}
SERVICE_KEYS: dict[str, Check] = {
    "response_hours": (lambda v: is_number(v) and 0 < v <= MAX_DAYS * 24,
                       f"a number of hours above 0, at most {MAX_DAYS * 24}"),
    "resolution_days": (lambda v: is_number(v) and 0 < v <= MAX_DAYS,
                        f"a number of days above 0, at most {MAX_DAYS}"),
}
TOP_KEYS = ("site", "data", "stages", "outcomes", "rules", "build", "tiers", "service", "grading", "appraisal",
            "privacy", "teams", "audiences", "discount_approval", "engine")


def load_config(path: Path | None = None, *, cwd: Path | None = None) -> Config:
    """Read the configuration file (``sitegen.toml`` in ``cwd`` by default; absent means all defaults)."""
    cwd = (cwd or Path.cwd()).resolve()
    explicit = path is not None
    path = (cwd / path) if path is not None and not Path(path).is_absolute() else (path or cwd / "sitegen.toml")
    raw: dict[str, Any] = {}
    if path.exists() or path.is_symlink() or explicit:
        raw = _read_toml(path)  # a sitegen.toml that is there must be a readable file
    return parse_config(raw, root=path.parent.resolve(), source=str(path))


def _read_toml(path: Path) -> dict[str, Any]:
    """The configuration file's contents; a ConfigError saying why when it is not a readable UTF-8 TOML file."""
    def fail(message: str, hint: str) -> ConfigError:
        return ConfigError([ConfigProblem(str(path), "(file)", message, hint)])

    if path.is_dir():
        raise fail("is a directory, not a configuration file", "the configuration is a file named sitegen.toml")
    if not path.exists():
        hint = "check the --config path" if not path.is_symlink() else "a broken symbolic link: fix or remove it"
        raise fail("configuration file not found", hint)
    if not path.is_file():
        raise fail("not a regular file", "the configuration must be a plain text file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc}", "check the file's permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise fail(f"not UTF-8 text: byte {exc.start} (line {line}) cannot be read", "save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"not valid TOML: {exc}", "check quotes and brackets near that line") from None
    except RecursionError:
        raise fail("not valid TOML: arrays or tables nested too deeply", "flatten the nesting") from None


def parse_config(raw: Mapping[str, Any], *, root: Path, source: str = "sitegen.toml") -> Config:
    """Validate a parsed TOML mapping into a :class:`Config`, reporting every problem at once."""
    c = Collector(source)
    for key in raw:
        if key not in TOP_KEYS:
            close = get_close_matches(key, TOP_KEYS, n=1)
            c.add(key, "unknown section", f"did you mean [{close[0]}]?" if close else "sections: " + ", ".join(TOP_KEYS))
    site = _site(c, raw.get("site", {}))
    data_dir, data_uri, tables = _data(c, raw.get("data", {}), root)
    stages = _stages(c, raw.get("stages"))
    won, lost = _outcomes(c, raw.get("outcomes", {}))
    rules_raw = c.section(raw.get("rules", {}), "rules", RULE_KEYS)
    if "excluded_order_statuses" in rules_raw:
        rules_raw["excluded_order_statuses"] = tuple(rules_raw["excluded_order_statuses"])
    if "contact_types" in rules_raw:
        rules_raw["contact_types"] = tuple(rules_raw["contact_types"])
    rules = Rules(**rules_raw)
    if rules.grade_medium > rules.grade_high:
        c.add("rules.grade_medium", "must not exceed rules.grade_high")
    if rules.strategic_share + rules.key_share > 1:
        c.add("rules.key_share", "strategic_share + key_share must not exceed 1")
    build = c.section(raw.get("build", {}), "build", BUILD_KEYS)
    _check_aliases(c, stages, won, lost)
    contact_days = _tiers(c, raw.get("tiers", {}))
    service = _service(c, raw.get("service", {}))
    grading = parse_grading(c, raw.get("grading", {}), tuple(s.key for s in stages))
    appraisal = parse_appraisal(c, raw.get("appraisal", {}))
    teams = parse_teams(c, raw.get("teams", {}))
    audiences = parse_audiences(c, raw.get("audiences"), teams)
    privacy = parse_privacy(c, raw.get("privacy", {}))
    discounts = parse_discount_approval(c, raw.get("discount_approval"))
    engine = parse_engine(c, raw.get("engine", {}))
    if c.problems:
        raise ConfigError(c.problems)
    return Config(
        root=root, source=source, site=site, data_dir=data_dir, tables=MappingProxyType(tables),
        stages=stages, won=won, lost=lost, rules=rules,
        output_dir=(root / build.get("output", "output")).resolve(),
        content_dir=(root / build.get("content", "content")).resolve(),
        templates_dir=(root / build.get("templates", "templates")).resolve(),
        max_problems=build.get("max_problems", 200), contact_every_days=contact_days,
        service=service, grading=grading, appraisal=appraisal, privacy=privacy,
        audiences=audiences, teams=teams, discount_approval=discounts, engine=engine, data_uri=data_uri,
    )


def _site(c: Collector, raw: Any) -> Site:
    values = c.section(raw, "site", SITE_KEYS)
    if "language" in values and values["language"] not in LANGUAGES:
        c.add("site.language", f"unsupported language {values['language']!r}", "use \"en\" or \"zh-CN\"")
        values.pop("language")
    if "as_of" in values:
        problem = as_of_problem(values["as_of"]) if values["as_of"] != "" else None
        if problem:
            c.add("site.as_of", *problem)
        values["as_of"] = None if problem else parse_as_of(values["as_of"])
    if values.get("base_url") and not values["base_url"].startswith(("http://", "https://")):
        c.add("site.base_url", "must be an absolute http(s) URL", "e.g. https://intranet.example.com/sales/")
    return Site(**values)


def parse_as_of(value: str | date) -> date | None:
    """An ``as_of`` value from config or the command line, or None when empty or invalid (a TOML date-time
    counts as its date)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def as_of_problem(value: str | date) -> tuple[str, str] | None:
    """What is wrong with an ``as_of`` value, as (message, hint): not a date, or outside
    FIRST_DATE..LAST_DATE; None when it is fine."""
    parsed = parse_as_of(value)
    shown = str(value) if isinstance(value, date) else value[:40]
    if parsed is None:
        return f"not a date: {shown!r}", "write it as 2026-06-30"
    if not FIRST_DATE <= parsed <= LAST_DATE:
        return f"date out of range: {shown!r}", DATE_RANGE_HINT
    return None


def _data(c: Collector, raw: Any, root: Path) -> tuple[Path, str | None, dict[str, Table]]:
    if not isinstance(raw, dict):
        c.add("data", "must be a table")
        raw = {}
    schema = {"dir": STR, "workbook": STR, "url": STR,
              **{t: (lambda v: isinstance(v, dict), "a table") for t in TABLES}}
    values = c.section(raw, "data", schema)
    data_dir, data_uri = data_folder(root, values.get("dir", "data"))
    tables = {}
    for name in TABLES:
        t = c.section(values.get(name, {}), f"data.{name}", TABLE_KEYS)
        tables[name] = Table(
            file=t.get("file", f"{name}.csv"),
            columns=MappingProxyType(dict(t.get("columns", {}))),
            encoding=t.get("encoding"), file_set="file" in t, sheet=t.get("sheet"), header_row=t.get("header_row"),
            workbook=values.get("workbook") if "file" not in t else None, url=values.get("url"),
            query=t.get("query"), table=t.get("table"),
        )
        _check_source(c, name, t, values)
        if t.get("encoding"):
            try:
                "".encode(t["encoding"])
            except LookupError:
                c.add(f"data.{name}.encoding", f"unknown encoding {t['encoding']!r}", "e.g. utf-8, gb18030")
        if t.get("columns"):
            _check_column_map(c, name, t["columns"])
    return data_dir, data_uri, tables


def _check_source(c: Collector, name: str, t: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    """A table is read from one place: a file (a workbook's sheet), or a database ``query`` or ``table``."""
    prefix = f"data.{name}"
    if "query" in t and "table" in t:
        c.add(prefix, "query and table together", "read the table with one of them")
    if "file" in t and ({"query", "table"} & set(t)):
        c.add(prefix, "file and query/table together", "a table comes from a file or from the database, not both")
    elif ({"query", "table"} & set(t)) and "url" not in data:
        c.add(f"{prefix}.{'query' if 'query' in t else 'table'}", "needs the database: [data] url is not set",
              "add url = \"crm.db\" (SQLite), \"crm.duckdb\" or a SQLAlchemy URL under [data]")
    for key in ("sheet", "header_row"):
        if key in t and ({"query", "table"} & set(t)):
            c.add(f"{prefix}.{key}", "only for workbooks", "a database table has no sheet")
        elif key in t and "file" in t and Path(t["file"]).suffix.lower() in (".csv", ".parquet"):
            c.add(f"{prefix}.{key}", "only for workbooks", f"{t['file']} is not a workbook")


def _check_column_map(c: Collector, table: str, columns: Mapping[str, str]) -> None:
    """Each key of ``[data.<table>] columns`` must be a column of the table, and no two columns may read the
    same header (headers match as the loader matches them: case, spaces, hyphens and underscores aside)."""
    from sitegen.dataset.load import header_key  # here, not at the top: the dataset package imports this module
    from sitegen.dataset.schema import SCHEMA

    spec = SCHEMA.get(table)
    known = spec.names if spec is not None else tuple(columns)
    prefix = f"data.{table}.columns"
    for key in columns:
        if key not in known:
            close = get_close_matches(key, known, n=1)
            c.add(f"{prefix}.{key}", "unknown column",
                  f"did you mean '{close[0]}'?" if close else "columns: " + ", ".join(known))
    readers: dict[str, list[str]] = {}  # header key -> the columns that read it, mapped ones first
    for name in [*columns, *(n for n in known if n not in columns)]:
        readers.setdefault(header_key(columns.get(name, name)), []).append(name)
    for names in readers.values():
        if len(names) > 1:
            listed = ", ".join(repr(n) for n in names[:-1]) + f" and {names[-1]!r}"
            header = columns.get(names[0], names[0])[:60]
            c.add(prefix, f"columns {listed} read the same header {header!r}", "map each column to its own header")


def _stages(c: Collector, raw: Any) -> tuple[Stage, ...]:
    if raw is None:
        return DEFAULT_STAGES
    if not isinstance(raw, list) or not raw:
        c.add("stages", "must be a non-empty array of tables", "write each stage as [[stages]]")
        return DEFAULT_STAGES
    stages = []
    for i, item in enumerate(raw):
        prefix = f"stages[{i}]"
        values = c.section(item, prefix, STAGE_KEYS)
        key = values.get("key")
        if not key:
            c.add(f"{prefix}.key", "missing", "every stage needs a short key like \"proposal\"")
            continue
        name = values.get("name", key)
        names = {"en": name, "zh-CN": name} if isinstance(name, str) else dict(name)
        for lang, text in names.items():
            if lang not in LANGUAGES or not isinstance(text, str):
                c.add(f"{prefix}.name.{lang}", "must be a string for en or zh-CN")
        stages.append(Stage(
            key=key, names=MappingProxyType(names), aliases=tuple(values.get("aliases", ())),
            probability=float(values.get("probability", 0.1)), max_days=values.get("max_days", 14),
            conversion_goal=float(values["conversion_goal"]) if "conversion_goal" in values else None,
        ))
    keys = [s.key for s in stages]
    for key in {k for k in keys if keys.count(k) > 1}:
        c.add("stages", f"stage key {key!r} appears more than once")
    return tuple(stages) or DEFAULT_STAGES


def _tiers(c: Collector, raw: Any) -> Mapping[str, int | None]:
    """``[tiers.<tier>] contact_every_days``: the contact promise per tier (0 = none), over the defaults."""
    days = dict(DEFAULT_CONTACT_DAYS)
    tables = c.section(raw, "tiers", {t: (lambda v: isinstance(v, dict), "a table") for t in TIER_NAMES})
    for tier, table in tables.items():
        values = c.section(table, f"tiers.{tier}", TIER_KEYS)
        if "contact_every_days" in values:
            days[tier] = values["contact_every_days"] or None
    return MappingProxyType(days)


def _service(c: Collector, raw: Any) -> Mapping[str, ServiceLevel]:
    """``[service.<severity>]`` response_hours and resolution_days, each over its default."""
    levels = dict(DEFAULT_SERVICE)
    tables = c.section(raw, "service", {s: (lambda v: isinstance(v, dict), "a table") for s in SEVERITIES})
    for severity, table in tables.items():
        values = c.section(table, f"service.{severity}", SERVICE_KEYS)
        default = DEFAULT_SERVICE[severity]
        levels[severity] = ServiceLevel(float(values.get("response_hours", default.response_hours)),
                                        float(values.get("resolution_days", default.resolution_days)))
    return MappingProxyType(levels)


def _outcomes(c: Collector, raw: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    values = c.section(raw, "outcomes", {"won": STR_LIST, "lost": STR_LIST})
    return tuple(values.get("won", DEFAULT_WON)), tuple(values.get("lost", DEFAULT_LOST))


def _check_aliases(c: Collector, stages: tuple[Stage, ...], won: tuple[str, ...], lost: tuple[str, ...]) -> None:
    """A data value may mean only one stage or outcome."""
    seen: dict[str, str] = {}
    labels = [(s.key, [s.key, *s.names.values(), *s.aliases]) for s in stages]
    labels += [("won", ["won", *won]), ("lost", ["lost", *lost])]
    for owner, values in labels:
        for value in values:
            norm = value.strip().casefold()
            if seen.get(norm, owner) != owner:
                c.add("stages", f"value {value!r} means both {seen[norm]!r} and {owner!r}",
                      "remove it from one of the alias lists")
            seen[norm] = owner
