"""``sitegen map``: which header of an export feeds which column, the stage values it holds with a proposed
``[[stages]]`` order, and (``--write``) the column map added to ``sitegen.toml``.

The matching is the loader's own (:mod:`sitegen.dataset.headers`), so what ``map`` prints is what the
build does. Files are read by the loader's own readers (:mod:`sitegen.dataset.sources`): CSV in any encoding
it reads, the first visible sheet of a workbook (.xlsx, .xlsm, .xls, .ods), Parquet.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pyarrow.compute as pc

from sitegen.config import DEFAULT_STAGES, TABLES, Config, Table, parse_config
from sitegen.dataset.headers import FALLBACK, SYNONYM, Matching, loose_key, match_headers, missing_hint, toml_string
from sitegen.dataset.parse import normalize_header, parse_probabilities, read_dates
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.schema import SCHEMA
from sitegen.dataset.sources import SourceTable, file_source, read_source
from sitegen.errors import ConfigError, ConfigProblem

# File-name words that name a table ("Opportunities.csv", "商机导出.csv"); checked after the table names.
TABLE_WORDS = {
    "stage_history": ("history", "阶段变更", "阶段历史"),
    "pipeline": ("opportunit", "deal", "pipeline", "商机", "机会"),
    "orders": ("order", "invoice", "订单", "销售单", "发票"),
    "customers": ("account", "compan", "customer", "organization", "客户"),
    "contacts": ("contact", "person", "people", "联系人"),
    "activities": ("activit", "task", "visit", "跟进", "拜访", "活动"),
}
# Stage names of the standard pipelines, in order: a last resort for proposing the [[stages]] order.
KNOWN_ORDERS = (
    ("Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
     "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review"),  # Salesforce, Zoho
    ("Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Decision Maker Bought-In",
     "Contract Sent"),  # HubSpot
    ("Lead In", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started"),  # Pipedrive
    ("Qualify", "Develop", "Propose", "Close"),  # Dynamics 365
    ("New", "Qualified", "Proposition"),  # Odoo
    ("线索", "初步接洽", "初步接触", "验证客户", "需求确定", "需求分析", "方案/报价", "方案呈现", "谈判审核", "商务谈判"),
)


@dataclass
class StageValue:
    value: str
    rows: int
    meaning: str  # "won", "lost", a stage key of the config, or "" (not known)
    probability: float | None = None


@dataclass
class Plan:
    """What ``sitegen map`` found in one file."""

    path: Path
    table: str
    guessed_by: str  # "option", "file name", "headers"
    headers: list[str]
    matching: Matching
    missing: list[str] = field(default_factory=list)
    column_map: Mapping[str, str] = field(default_factory=dict)  # the config's, for this table
    stages: list[StageValue] = field(default_factory=list)
    order_by: str = ""  # how the open stages were ordered

    @property
    def ok(self) -> bool:
        return not self.missing and not any(p.severity == "error" for p in self.matching.problems)

    def columns_to_write(self) -> dict[str, str]:
        """The column map that pins what synonyms found (exact names need none)."""
        return {m.column: m.header.strip() for m in self.matching.matches.values() if m.how in (SYNONYM, FALLBACK)}


def read_export(path: Path) -> SourceTable:
    """The file's headers and cells, read as the build reads a table file (CSV, workbook, Parquet, by its
    extension); a ConfigError (exit 2) when it cannot be read."""
    log = ProblemLog(20)
    table = read_source(file_source(path, str(path), Table(path.name)), Table(path.name), "pipeline", log)
    if table is None:
        problems = [p.format() for p in log.sorted()] or [f"{path}: file is empty"]
        raise ConfigError([ConfigProblem(str(path), "(file)", "; ".join(problems),
                                         "sitegen map reads CSV, Excel (.xlsx, .xlsm, .xls, .ods) and Parquet files")])
    return table


def guess_table(path: Path, headers: list[str]) -> tuple[str | None, str]:
    """The table a file holds, by its name ("pipeline.csv", "Opportunities.csv", "商机.csv"), else by which
    table's columns its headers match best."""
    stem = loose_key(path.stem)
    for table in TABLES:
        if loose_key(table) in stem:
            return table, "file name"
    for table, words in TABLE_WORDS.items():
        if any(word in stem for word in words):
            return table, "file name"
    scores = {}
    for table in TABLES:
        found = match_headers(headers, SCHEMA[table], {}).matches
        required = [c.name for c in SCHEMA[table].columns if c.required]
        if all(c in found for c in required):
            scores[table] = len(found) + len(required)
    best = max(scores, key=lambda t: scores[t], default=None)
    return best, "headers"


def plan_mapping(path: Path, config: Config, table: str | None = None, history: Path | None = None) -> Plan:
    """Match ``path``'s headers for ``table`` (guessed when None) and, for a pipeline, look at its stages."""
    raw = read_export(path)
    guessed_by = "option"
    if table is None:
        table, guessed_by = guess_table(path, raw.headers)
        if table is None:
            raise ConfigError([ConfigProblem(str(path), "(file)", "cannot tell which table this file holds",
                                             "name it with --table, e.g. --table pipeline")])
    column_map = config.tables[table].columns
    matching = match_headers(raw.headers, SCHEMA[table], column_map)
    chosen = set(matching.matches)
    missing = [c.name for c in SCHEMA[table].columns if c.required and c.name not in chosen | matching.ambiguous]
    plan = Plan(path, table, guessed_by, raw.headers, matching, missing, column_map)
    if table == "pipeline" and "stage" in chosen:
        _stages(plan, raw, config, history)
    return plan


def _cells(raw: SourceTable, plan: Plan, column: str) -> list[str | None]:
    cells = pc.utf8_trim_whitespace(raw.columns[plan.matching.matches[column].position]).to_pylist()
    return [c or None for c in cells]


def _stages(plan: Plan, raw: SourceTable, config: Config, history: Path | None) -> None:
    """The distinct stage values, what each means, and the open ones in a proposed order."""
    from sitegen.dataset.validate import stage_lookup

    lookup = stage_lookup(config)
    stages = _cells(raw, plan, "stage")
    probs = None
    if "probability" in plan.matching.matches:
        probs = parse_probabilities(raw.columns[plan.matching.matches["probability"].position])[0].to_numpy()
    values: dict[str, StageValue] = {}
    for i, value in enumerate(stages):
        if value is None:
            continue
        found = values.setdefault(value, StageValue(value, 0, lookup.get(normalize_header(value), "")))
        found.rows += 1
    if probs is not None:
        arr = np.array(stages, dtype=object)
        for found in values.values():
            got = probs[(arr == found.value) & ~np.isnan(probs)]
            found.probability = float(got.mean()) if len(got) else None
    open_values = [v for v in values.values() if v.meaning not in ("won", "lost")]
    order = _history_order(history, config, open_values) if history else None
    if order is not None:
        plan.order_by = "stage history"
    elif probs is not None and all(v.probability is not None for v in open_values):
        order, plan.order_by = {v.value: v.probability for v in open_values}, "probability"
    else:
        order, plan.order_by = _known_order(open_values, config), "known stage names"
    first = list(values)
    plan.stages = sorted(open_values, key=lambda v: (order.get(v.value, float("inf")), first.index(v.value)))
    plan.stages += [v for v in values.values() if v.meaning in ("won", "lost")]


def _known_order(values: list[StageValue], config: Config) -> dict[str, float]:
    """Rank by the configured stages, else by the standard pipelines' stage order."""
    keys = config.stage_keys
    rank: dict[str, float] = {}
    for v in values:
        if v.meaning in keys:
            rank[v.value] = keys.index(v.meaning) / len(keys)
            continue
        for names in KNOWN_ORDERS:
            folded = [normalize_header(n) for n in names]
            if normalize_header(v.value) in folded:
                rank[v.value] = folded.index(normalize_header(v.value)) / len(folded)
    return rank


def _history_order(path: Path, config: Config, values: list[StageValue]) -> dict[str, float] | None:
    """Each stage's average position in the deals' stage histories (by date), None when unusable."""
    raw = read_export(path)
    matching = match_headers(raw.headers, SCHEMA["stage_history"], config.tables["stage_history"].columns)
    if not {"opportunity_id", "stage", "entered_date"} <= set(matching.matches):
        return None
    plan = Plan(path, "stage_history", "option", raw.headers, matching)
    ids, stages = _cells(raw, plan, "opportunity_id"), _cells(raw, plan, "stage")
    entered = raw.columns[matching.matches["entered_date"].position]
    if raw.serial_dates:  # a workbook's date cells without a date format
        from sitegen.dataset.sources.excel import serial_dates
        entered = serial_dates(entered)
    dates = read_dates(entered, dayfirst=config.rules.dayfirst)[0]
    steps: dict[str, list[tuple]] = {}
    for deal, stage, day in zip(ids, stages, dates):
        if deal and stage and day == day:  # NaT is not equal to itself
            steps.setdefault(deal, []).append((day, stage))
    positions: dict[str, list[int]] = {}
    for deal_steps in steps.values():
        for i, (_, stage) in enumerate(sorted(deal_steps, key=lambda s: s[0])):
            positions.setdefault(stage, []).append(i)
    ranks = {stage: sum(p) / len(p) for stage, p in positions.items()}
    return ranks if any(v.value in ranks for v in values) else None


def stage_key(value: str, taken: set[str]) -> str:
    """A short key for a stage value: its ASCII words ("Proposal/Price Quote" -> "proposal_price_quote"),
    else stage1, stage2…"""
    key = re.sub(r"[^a-z0-9]+", "_", value.casefold()).strip("_")[:30] or "stage"
    base, n = key, 1
    while key in taken or key == "stage" or key in ("won", "lost"):
        n += 1
        key = f"{base}{n}" if base != "stage" else f"stage{n - 1}"
    taken.add(key)
    return key


def stages_toml(plan: Plan) -> str:
    """The proposed ``[[stages]]`` of the file's open stage values."""
    open_values = [v for v in plan.stages if v.meaning not in ("won", "lost")]
    taken: set[str] = set()
    defaults = [s.key for s in DEFAULT_STAGES]
    # A pipeline of up to five stages none of which the defaults know takes the default keys, the last
    # stage the last key (negotiation): the playbook's stage pages and checklists then apply to them.
    keys = defaults[len(defaults) - len(open_values):] \
        if 0 < len(open_values) <= len(defaults) and not any(v.meaning for v in open_values) else []
    out = []
    for i, v in enumerate(open_values):
        key = keys[i] if keys else v.meaning or stage_key(v.value, taken)
        prob = v.probability if v.probability is not None else (i + 1) / (len(open_values) + 1)
        out.append(f"[[stages]]\nkey = {toml_string(key)}\nname = {toml_string(v.value)}\n"
                   f"probability = {round(min(max(prob, 0.0), 1.0), 2)}\n")
    return "\n".join(out)


def describe(plan: Plan) -> str:
    """The text ``sitegen map`` prints."""
    lines = [f"{plan.path}: table {plan.table} (by {plan.guessed_by})"]
    width = max((len(c) for c in plan.matching.matches), default=0)
    for column in SCHEMA[plan.table].names:
        m = plan.matching.matches.get(column)
        if m:
            lines.append(f"  {column.ljust(width)} <- {m.header.strip()}  ({m.describe()})")
    if plan.matching.unmatched:
        lines.append("not used: " + ", ".join(h.strip() for h in plan.matching.unmatched))
    for p in plan.matching.problems:
        lines.append(f"{p.severity}: column {p.column}: {p.message} ({p.hint})")
    for column, header in plan.column_map.items():
        if column not in plan.matching.matches:
            lines.append(f"warning: column {column}: [data.{plan.table}] columns maps it to {header!r}, "
                         "which is not in the file")
    taken = {m.header for m in plan.matching.matches.values()}
    for column in plan.missing:
        hint = missing_hint(plan.table, column, None, plan.headers, taken)
        lines.append(f"error: column {column}: required column is missing ({hint})")
    if plan.stages:
        lines.append("stage values:")
        for v in plan.stages:
            meaning = v.meaning or "not a stage yet"
            prob = f", probability {v.probability:.0%}" if v.probability is not None else ""
            lines.append(f"  {v.value}: {meaning} ({v.rows} row{'s' if v.rows != 1 else ''}{prob})")
        if any(not v.meaning for v in plan.stages):
            lines.append(f"proposed [[stages]] (ordered by {plan.order_by}; add them to sitegen.toml):")
            lines.append(stages_toml(plan).rstrip())
    return "\n".join(lines)


def write_columns(config_file: Path, plan: Plan) -> str:
    """Add ``[data.<table>] columns = {…}`` to ``config_file`` and say what was done; a ConfigError when the
    file already maps the table's columns otherwise, or names the table in a form not edited here."""
    columns = plan.columns_to_write()
    text = config_file.read_text(encoding="utf-8-sig") if config_file.exists() else ""
    current = tomllib.loads(text).get("data", {}).get(plan.table, {}) if text else {}
    existing = current.get("columns", {}) if isinstance(current, dict) else {}
    conflicts = {c: h for c, h in columns.items() if c in existing and normalize_header(existing[c]) != normalize_header(h)}
    new = {c: h for c, h in columns.items() if c not in existing}
    if not columns or not new and not conflicts:
        return f"{config_file}: nothing to add for {plan.table}"
    line = "columns = { " + ", ".join(f"{c} = {toml_string(h)}" for c, h in new.items()) + " }"

    def refuse(message: str) -> ConfigError:
        return ConfigError([ConfigProblem(str(config_file), f"data.{plan.table}.columns", message,
                                          "add by hand: " + f"[data.{plan.table}] {line}")])
    if conflicts:
        shown = ", ".join(f"{c} = {existing[c]!r} (file has {h!r})" for c, h in conflicts.items())
        raise refuse(f"already maps {shown}; not changed")
    if existing:
        raise refuse("already has a column map for this table; not changed")
    header = re.search(rf"(?m)^\[data\.{plan.table}\][ \t]*(#.*)?$", text)
    if header:
        updated = text[:header.end()] + "\n" + line + text[header.end():]
    elif f"data.{plan.table}" in text or re.search(rf"(?m)^\s*{plan.table}\s*=", text):
        raise refuse("the table is written in a form this command does not edit")
    else:
        updated = text + ("" if not text or text.endswith("\n") else "\n") + f"\n[data.{plan.table}]\n{line}\n"
    parse_config(tomllib.loads(updated), root=config_file.parent, source=str(config_file))  # still valid
    config_file.write_text(updated, encoding="utf-8")
    return f"{config_file}: added [data.{plan.table}] {line}"


__all__ = ["Plan", "describe", "guess_table", "plan_mapping", "stages_toml", "write_columns"]
