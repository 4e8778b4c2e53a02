"""Checks that need more than one column or table: stages, unique ids, references.

Each check adds to the problem log and returns the table with offending values
made harmless (mapped, or set missing) so metrics never see them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sitegen.config import DATE_RANGE_HINT, FIRST_DATE, LAST_DATE, Config
from sitegen.dataset.load import LINE, Labels
from sitegen.dataset.parse import normalize_header, suggest, true_mask
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.schema import GRADES, SCHEMA, SEVERITIES, TIER_ALIASES

def _engine_table(frame: pd.DataFrame | None):
    """The DuckDB table behind a frame the DuckDB engine loaded (None for an ordinary frame)."""
    if frame is None or type(frame) is pd.DataFrame:
        return None
    from sitegen.engines.duckdb_load import engine_table
    return engine_table(frame)


def report_rows(*args, **kwargs) -> None:
    """:func:`sitegen.engines.duckdb_load.report_rows` (imported when a table is held by DuckDB)."""
    from sitegen.engines.duckdb_load import report_rows as report
    report(*args, **kwargs)


PERIOD_RE = re.compile(r"^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$")


def stage_lookup(config: Config) -> dict[str, str]:
    """Every accepted spelling (as :func:`normalize_header` folds it: case, width and spacing aside) -> stage
    key, ``won`` or ``lost``."""
    table: dict[str, str] = {}
    for stage in config.stages:
        for label in (stage.key, *stage.names.values(), *stage.aliases):
            table[normalize_header(label)] = stage.key
    for outcome, labels in (("won", config.won), ("lost", config.lost)):
        for label in ("won" if outcome == "won" else "lost", *labels):
            table[normalize_header(label)] = outcome
    return table


def map_stages(values: pd.Series, lookup: dict[str, str], display: str, column: str, lines: np.ndarray,
               log: ProblemLog, severity: str = "error") -> pd.Series:
    """Map stage labels to keys (NaN when not a stage); unknown labels are reported with a did-you-mean hint."""
    keys, codes = _stage_keys(values, lookup, display, column, lines, log, severity)
    return pd.Series(keys.take(codes), index=values.index, name=values.name, dtype=object, copy=False)


def _stage_keys(values: pd.Series, lookup: dict[str, str], display: str, column: str, lines: np.ndarray,
                log: ProblemLog, severity: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`map_stages` by distinct label: ``(keys, codes)``, the row keys being ``keys.take(codes)``."""
    keys, codes, found = _fold_and_map(values, lookup)
    unknown = np.flatnonzero(pd.isna(keys[:-1]))  # label codes number the labels in order of first appearance
    if len(unknown):
        labels = sorted(set(lookup))
        for code in unknown:
            value = found[code]
            rows = lines[codes == code]
            close = suggest(str(value), labels)
            hint = f"did you mean '{close}'?" if close else "add it to a stage's aliases in sitegen.toml"
            log.add_rows(display, rows, column, "unknown stage", hint, severity, values=[value] * len(rows),
                         per_kind=5)
    return keys, codes


def _fold_and_map(values: pd.Series, table: dict[str, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Look up each distinct label, folded by :func:`normalize_header`, in ``table``: ``(mapped, codes, labels)``.

    ``labels`` are the distinct labels in order of first appearance, ``mapped`` their values (an object
    array, NaN where not in the table) plus a last NaN for missing cells, and ``codes`` each row's index
    into ``mapped``. Each distinct label is folded once."""
    codes, labels = pd.factorize(values.to_numpy(dtype=object))
    mapped = np.array([table.get(normalize_header(str(label)), np.nan) for label in labels] + [np.nan],
                      dtype=object)
    return mapped, np.where(codes < 0, len(labels), codes), labels


def validate_pipeline(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    lookup = stage_lookup(config)
    lines = frame[LINE].to_numpy()
    keys, codes = _stage_keys(frame["stage"], lookup, display, "stage", lines, log, "error")
    frame["stage"] = pd.Series(keys.take(codes), index=frame.index, dtype=object, copy=False)
    status = np.array([k if k in ("won", "lost") else ("open" if k else None) for k in keys], dtype=object)
    frame["status"] = pd.Series(status.take(codes), index=frame.index)  # strings: pandas picks the dtype
    if "lost_at_stage" in frame:
        frame["lost_at_stage"] = map_stages(frame["lost_at_stage"], lookup, display, "lost_at_stage", lines,
                                            log, "warning")
    if "outcome" in frame:
        _apply_outcome(frame, lookup, config.stage_keys)
    _unique(frame, "opportunity_id", display, log, config, "pipeline")
    no_created = frame["created_date"].isna().to_numpy() if "created_date" in frame else np.ones(len(frame), bool)
    if no_created.any():
        log.add_rows(display, lines[no_created], "created_date", "missing created date",
                     "the deal stays out of date-based metrics (funnel, cycle)", "warning")
    if "close_date" in frame:
        won_no_close = ((frame["status"] == "won") & frame["close_date"].isna()).to_numpy()
        if won_no_close.any():
            log.add_rows(display, lines[won_no_close], "close_date", "won deal without close date",
                         "it counts as won but stays out of win rate, cycle and period figures", "warning")
        before = (frame["close_date"] < frame["created_date"]).to_numpy() if "created_date" in frame else None
        if before is not None and before.any():
            log.add_rows(display, lines[before], "close_date", "close date before created date",
                         "check both dates", "warning")
    if "grade" in frame:
        frame["grade"] = _normalise(frame, "grade", GRADES, display, "use high, medium or low", log)
    _summary_warnings(frame, display, config, log)
    return frame


def _apply_outcome(frame: pd.DataFrame, lookup: dict[str, str], stage_keys: Sequence[str]) -> None:
    """Won/lost from the ``outcome`` column (Pipedrive's Deal - Status, Dynamics 365's Status), read with the
    stage words: those exports leave the stage at the last open one, so a lost deal was lost there (unless
    lost_at_stage says otherwise). Other values (open, Open, 进行中) leave the stage as it is."""
    mapped, codes, _ = _fold_and_map(frame["outcome"].astype(object), lookup)
    closes = np.array([m in ("won", "lost") for m in mapped], dtype=bool)
    closed = closes[codes]
    if not closed.any():
        return
    outcome = mapped.take(codes)
    at = frame["lost_at_stage"].to_numpy(dtype=object) if "lost_at_stage" in frame \
        else np.full(len(frame), np.nan, dtype=object)
    fill = (outcome == "lost") & pd.isna(at) & frame["stage"].isin(stage_keys).to_numpy()
    if fill.any():
        at = at.copy()
        at[fill] = frame["stage"].to_numpy(dtype=object)[fill]
        frame["lost_at_stage"] = pd.Series(at, index=frame.index, dtype=object)
    stage = frame["stage"].to_numpy(dtype=object).copy()
    stage[closed] = outcome[closed]
    frame["stage"] = pd.Series(stage, index=frame.index, dtype=object)
    frame["status"] = frame["status"].where(~closed, pd.Series(outcome, index=frame.index))


def lost_without_stage(frame: pd.DataFrame, display: str, log: ProblemLog) -> None:
    """One warning when lost deals say neither where they were lost nor (no stage history) how they moved."""
    lost = frame["status"] == "lost"
    no_stage = lost & (frame["lost_at_stage"].isna() if "lost_at_stage" in frame else True)
    if no_stage.any():
        log.add(display, 0, "lost_at_stage", f"{int(no_stage.sum())} lost deal(s) without lost_at_stage",
                "they count as lost at the first stage in the funnel; add lost_at_stage or stage_history.csv",
                "warning")


def _summary_warnings(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> None:
    """One warning per kind of gap that metrics work around (open amount, customer)."""
    no_amount = (frame["status"] == "open") & (frame["amount"].isna() if "amount" in frame else True)
    if no_amount.any():
        log.add(display, 0, "amount", f"{int(no_amount.sum())} open deal(s) without amount",
                "they count as 0 in pipeline value and forecast", "warning")
    no_customer = frame["customer_id"].isna() if "customer_id" in frame else pd.Series(True, index=frame.index)
    if no_customer.any():
        log.add(display, 0, "customer_id", f"{int(no_customer.sum())} deal(s) without customer_id",
                "they count in pipeline figures but appear on no customer page", "warning")


def validate_stage_history(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    lines = frame[LINE].to_numpy()
    keys, codes = _stage_keys(frame["stage"], stage_lookup(config), display, "stage", lines, log, "error")
    frame["stage"] = pd.Series(keys.take(codes), index=frame.index, dtype=object, copy=False)
    # Each deal's steps in stage order (ids sorted as strings, ties kept in file order): a step entered
    # before the one it follows went backwards.
    order = {key: i for i, key in enumerate(config.stage_keys)}
    step = np.array([order.get(key, np.nan) for key in keys], dtype=float).take(codes)
    entered = frame["entered_date"].to_numpy()
    deal, deals = pd.factorize(frame["opportunity_id"].to_numpy(dtype=object), sort=True)
    deal = np.where(deal < 0, len(deals), deal)  # rows without an id sort last, as one deal
    kept = np.flatnonzero(~np.isnan(step) & ~np.isnat(entered))
    sorted_rows = kept[np.lexsort((step[kept], deal[kept]))]
    deal, entered = deal[sorted_rows], entered[sorted_rows]
    backwards = np.zeros(len(sorted_rows), dtype=bool)
    backwards[1:] = (deal[1:] == deal[:-1]) & (entered[1:] < entered[:-1])
    if backwards.any():
        log.add_rows(display, lines[sorted_rows[backwards]], "entered_date",
                     "entered this stage before an earlier stage",
                     "check the dates; the furthest stage reached still counts", "warning")
    return frame


def validate_orders(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    held = _engine_table(frame)
    for column in ("amount", "quantity"):
        if column in frame and held is not None:  # the same warnings, in SQL
            report_rows(held, log, f"{column} < 0", column, "negative value",
                        "counted as a return or credit note, reducing revenue", "warning", column, display=display)
        elif column in frame:
            negative = (frame[column] < 0).to_numpy()
            if negative.any():
                log.add_rows(display, frame[LINE].to_numpy()[negative], column, "negative value",
                             "counted as a return or credit note, reducing revenue", "warning",
                             values=frame[column].to_numpy()[negative])
    return frame


def validate_customers(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    _unique(frame, "customer_id", display, log, config, "customers")
    if "tier" in frame:
        frame["tier"] = _normalise(frame, "tier", TIER_ALIASES, display,
                                   "use strategic, key, general or potential", log)
    return frame


def validate_periods(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    """The ``period`` of targets and channel costs: a year, quarter or month (``2026-7`` is read as
    ``2026-07``) of a year from 1900 to 2100; anything else is an error and the row's period missing."""
    period = frame["period"].astype(str).str.strip().str.upper().str.replace(r"^(\d{4})[-/.]?(\d{1,2})$",
                                                                             _pad_month, regex=True)
    present = frame["period"].notna()
    bad = (~period.str.match(PERIOD_RE) & present).to_numpy()
    if bad.any():
        log.add_rows(display, frame[LINE].to_numpy()[bad], "period", "not a period",
                     "use 2026, 2026-Q3 or 2026-07", values=frame["period"].to_numpy()[bad])
    year = pd.to_numeric(period.str.slice(0, 4), errors="coerce")
    outside = (~bad & present.to_numpy() & ~year.between(FIRST_DATE.year, LAST_DATE.year).to_numpy())
    if outside.any():
        log.add_rows(display, frame[LINE].to_numpy()[outside], "period", "period out of range", DATE_RANGE_HINT,
                     values=frame["period"].to_numpy()[outside])
    frame["period"] = period.where(~(bad | outside), None)
    return frame


def _pad_month(m: re.Match) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def validate_feedback(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    kind = frame["kind"].astype(str).str.strip().str.casefold()
    lines = frame[LINE].to_numpy()
    bad_kind = (~kind.isin(["nps", "csat"]) & frame["kind"].notna()).to_numpy()
    if bad_kind.any():
        log.add_rows(display, lines[bad_kind], "kind", "unknown feedback kind", "use nps (0-10) or csat (1-5)",
                     "warning", values=frame["kind"].to_numpy()[bad_kind])
    frame["kind"] = kind.where(~bad_kind, None)
    score = frame["score"]
    out_of_range = (((frame["kind"] == "nps") & ~score.between(0, 10)) |
                    ((frame["kind"] == "csat") & ~score.between(1, 5))) & score.notna()
    if out_of_range.any():
        mask = out_of_range.to_numpy()
        log.add_rows(display, lines[mask], "score", "score out of range", "nps is 0-10, csat is 1-5",
                     "warning", values=score.to_numpy()[mask])
        frame["score"] = score.mask(out_of_range)
    return frame


def validate_complaints(frame: pd.DataFrame, display: str, config: Config, log: ProblemLog) -> pd.DataFrame:
    """Unique ticket ids, severities as high / medium / low, and no response or closing before the opening."""
    _unique(frame, "ticket_id", display, log, config, "complaints")
    if "severity" in frame:
        frame["severity"] = _normalise(frame, "severity", SEVERITIES, display,
                                       "use high, medium, low or 1-3 (1 = high); the medium service level applies",
                                       log)
    lines = frame[LINE].to_numpy()
    for column, what in (("first_response_date", "first response"), ("closed_date", "closing")):
        if column not in frame:
            continue
        early = (frame[column] < frame["opened_date"]).to_numpy()  # NaT compares False
        if early.any():
            log.add_rows(display, lines[early], column, f"{what} dated before the ticket was opened",
                         f"check both dates; the ticket's {what} time is not measured", "warning",
                         values=frame[column][early].dt.strftime("%Y-%m-%d").to_numpy())
    return frame


def check_references(tables: dict[str, pd.DataFrame], displays: dict[str, str], log: ProblemLog,
                     ids: dict[str, dict[str, Labels]] | None = None) -> None:
    """Orphan references are warnings: the rows still count, named by their id.

    ``ids`` are the loader's labels of the id columns (table -> column -> labels; validation never changes
    ids); a column without them is factorised here. Ids with invisible characters are reported first
    (:func:`invisible_ids`), since they are the usual cause of an id that "exists" but is not found.
    """
    ids = ids or {}
    invisible_ids(tables, displays, log, ids)

    def labels(name: str, column: str) -> Labels:
        if _engine_table(tables[name]) is not None:
            raise ValueError(f"{name} is held by the duckdb engine: check it in SQL")
        found = ids.get(name, {}).get(column)
        return found if found is not None and len(found.codes) == len(tables[name]) else Labels.of(tables[name][column])

    for parent, key, children, message, hint in (
        ("customers", "customer_id", ("pipeline", "orders", "contacts", "activities", "feedback",
                                         "complaints"),
         "customer not in customers file", "the customer gets a page named by its id"),
        ("pipeline", "opportunity_id", ("stage_history", "activities"),
         "opportunity not in pipeline file", "the row is ignored for deal metrics"),
    ):
        if parent not in tables:
            continue
        known = labels(parent, key).text
        for name in children:
            frame = tables.get(name)
            if frame is None or key not in frame:
                continue
            held = _engine_table(frame)
            if held is not None:
                _engine_orphans(held, key, known, displays[name], message, hint, log)
                continue
            child = labels(name, key)
            orphan = child.rows(true_mask(pc.and_(pc.is_valid(child.text), pc.invert(pc.is_in(child.text, known)))))
            if orphan.any():
                log.add_rows(displays[name], frame[LINE].to_numpy()[orphan], key, message, hint, "warning",
                             values=frame[key].to_numpy()[orphan], per_kind=10)
        if parent == "customers" and "orders" in tables and _engine_table(tables["orders"]) is not None:
            _engine_orders_before_customer(tables["customers"], _engine_table(tables["orders"]), displays["orders"],
                                           log)
        elif parent == "customers" and "orders" in tables:
            _orders_before_customer(tables["customers"], tables["orders"], labels("orders", "customer_id"),
                                    displays["orders"], log)


def invisible_ids(tables: dict[str, pd.DataFrame], displays: dict[str, str], log: ProblemLog,
                  ids: dict[str, dict[str, Labels]]) -> None:
    """Warn about ids (every ``id`` column, and ``owner``) holding invisible format characters (Unicode
    category Cf: zero-width space and joiners, BOM, LRM/RLM, bidi embeddings, overrides and isolates).

    ``C\u200b1`` looks like ``C1`` but is another id: it is kept as written (stripping it could merge two
    ids silently), gets its own page address (its slug has a hash, see ``pages.slugify``) and is
    reported here. Only the distinct values of a column are searched, in arrow.
    """
    for name, frame in tables.items():
        columns = [c.name for c in SCHEMA[name].columns if c.kind == "id" or c.name == "owner"] \
            if name in SCHEMA else []
        for column in columns:
            if column not in frame:
                continue
            if _engine_table(frame) is not None:
                _engine_invisible(_engine_table(frame), column, displays[name], log)
                continue
            found = ids.get(name, {}).get(column)
            labels = found if found is not None and len(found.codes) == len(frame) else Labels.of(frame[column])
            hidden = true_mask(pc.match_substring_regex(labels.text, r"\p{Cf}"))
            if not hidden.any():
                continue
            groups: dict[str, list[int]] = {}  # which characters -> the distinct values holding them
            for code in np.flatnonzero(hidden):
                marks = sorted({ch for ch in labels.values[code] if unicodedata.category(ch) == "Cf"})
                groups.setdefault(", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip()
                                            for ch in marks), []).append(code)
            lines = frame[LINE].to_numpy()
            for marks, codes in groups.items():
                selected = np.zeros(len(labels.values), dtype=bool)
                selected[codes] = True
                rows = labels.rows(selected)
                log.add_rows(displays[name], lines[rows], column, f"id contains invisible characters ({marks})",
                             "kept as written: it is another id than the one without them (a customer or owner "
                             "gets its own page); delete the characters in the source if both mean the same",
                             "warning",
                             values=frame[column].to_numpy()[rows], per_kind=10)


def _marks(value: str) -> str:
    """The invisible format characters of ``value``, named as :func:`invisible_ids` names them."""
    marks = sorted({ch for ch in value if unicodedata.category(ch) == "Cf"})
    return ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip() for ch in marks)


def _engine_invisible(held, column: str, display: str, log: ProblemLog) -> None:
    """:func:`invisible_ids` for a column held by DuckDB: the distinct values searched in arrow, rows in SQL.
    Groups go by the first appearance of their first value, as the loader's labels number values."""
    found = held.sql(f"SELECT {column} AS v, min(pos) AS first FROM {{t}} WHERE {column} IS NOT NULL "
                     f"GROUP BY {column} ORDER BY first")
    values = found.column("v")
    hidden = true_mask(pc.match_substring_regex(values, r"\p{Cf}"))
    groups: dict[str, list[str]] = {}
    for value in np.asarray(values.to_pylist(), dtype=object)[hidden]:
        groups.setdefault(_marks(value), []).append(value)
    for marks, chosen in groups.items():
        report_rows(held, log, f"list_contains($chosen, {column})", column,
                    f"id contains invisible characters ({marks})",
                    "kept as written: it is another id than the one without them (a customer or owner "
                    "gets its own page); delete the characters in the source if both mean the same",
                    "warning", column, per_kind=10, params={"chosen": chosen}, display=display)


def _engine_orphans(held, key: str, known: pa.Array, display: str, message: str, hint: str,
                    log: ProblemLog) -> None:
    """The orphan check of :func:`check_references` for a child table held by DuckDB (an anti-join in SQL)."""
    known_in = pa.table({"k": pc.drop_null(known).cast(pa.string())})  # noqa: F841 (DuckDB reads it by name)
    held.con.register("known_in", known_in)
    try:
        report_rows(held, log, f"{key} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM known_in WHERE k = {key})", key,
                    message, hint, "warning", key, per_kind=10, display=display)
    finally:
        held.con.unregister("known_in")


def _engine_orders_before_customer(customers: pd.DataFrame, held, display: str, log: ProblemLog) -> None:
    """:func:`_orders_before_customer` for order lines held by DuckDB (a join in SQL)."""
    if "created_date" not in customers or "order_date" not in held.columns:
        return
    first = customers.drop_duplicates("customer_id")
    first_in = pa.table({  # noqa: F841 (DuckDB reads it by name)
        "k": pa.array(first["customer_id"].to_numpy(dtype=object), type=pa.string()),
        "created": pa.array(first["created_date"].to_numpy(dtype="datetime64[ns]"), type=pa.timestamp("ns"))})
    held.con.register("first_in", first_in)
    try:
        report_rows(held, log, "order_date < (SELECT created FROM first_in WHERE k = customer_id)", "order_date",
                    "order dated before the customer was created", "check customers.csv created_date", "warning",
                    "strftime(order_date, '%Y-%m-%d')", per_kind=10, display=display)
    finally:
        held.con.unregister("first_in")


def _orders_before_customer(customers: pd.DataFrame, orders: pd.DataFrame, order_customers: Labels,
                            display: str, log: ProblemLog) -> None:
    """An order dated before its customer's created_date usually means one of the dates is wrong."""
    if "created_date" not in customers:
        return
    first = customers.drop_duplicates("customer_id")
    first_ids = pa.array(first["customer_id"].to_numpy(dtype=object), type=pa.large_string())
    # Each distinct order customer's row in ``first``; -1 for none, and for a missing id (it matches nothing).
    position = pc.fill_null(pc.index_in(order_customers.text, value_set=first_ids, skip_nulls=True), -1).to_numpy()
    created = np.append(first["created_date"].to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))
    early = orders["order_date"].to_numpy(dtype="datetime64[ns]") < created[order_customers.rows(position)]
    if early.any():  # NaT compares False: orders of unknown customers or without dates are not early
        log.add_rows(display, orders[LINE].to_numpy()[early], "order_date",
                     "order dated before the customer was created", "check customers.csv created_date",
                     "warning", values=orders["order_date"][early].dt.strftime("%Y-%m-%d").to_numpy(), per_kind=10)


def _unique(frame: pd.DataFrame, column: str, display: str, log: ProblemLog, config: Config | None = None,
            table: str = "") -> None:
    """Each id once: a repeat is an error pointing at the first row with it (its line or sheet row; a
    database row has no number the user can see, and the repeat's key is the id itself)."""
    dup = frame[column].duplicated(keep="first") & frame[column].notna()
    if dup.any():
        mask = dup.to_numpy()
        first_line = frame.drop_duplicates(column).set_index(column)[LINE]
        values = frame[column].to_numpy()[mask]
        source = _source_kind(config, table, display)
        for line, value in list(zip(frame[LINE].to_numpy()[mask], values))[:20]:
            hint = f"another row of {display} has this {column} too; each id once" if source == "database" \
                else f"first used on {'row' if source == 'workbook' else 'line'} {first_line[value]}"
            log.add(display, line, column, f"duplicate id {value!r}", hint)
        if mask.sum() > 20:
            log.add(display, 0, column, f"{int(mask.sum()) - 20} more duplicate ids")


def _source_kind(config: Config | None, table: str, display: str) -> str:
    """How ``display`` names rows: database (by key), workbook (by sheet row) or file (by line). A database
    table is shown as its table name (a snapshot of it is still a file)."""
    settings = config.tables.get(table) if config is not None and table else None
    if settings is not None and (settings.query or settings.table) and display == (settings.table or table):
        return "database"
    return "workbook" if re.search(r"\.(xlsx|xlsm|xls|ods):", display, re.IGNORECASE) else "file"


def _normalise(frame: pd.DataFrame, column: str, allowed: dict[str, str], display: str, hint: str,
               log: ProblemLog) -> pd.Series:
    mapped, codes, _ = _fold_and_map(frame[column], allowed)
    bad = np.append(pd.isna(mapped[:-1]), False).take(codes)  # the last entry is for missing cells
    if bad.any():
        log.add_rows(display, frame[LINE].to_numpy()[bad], column, f"unknown {column}; ignored", hint, "warning",
                     values=frame[column].to_numpy()[bad])
    mapped[pd.isna(mapped)] = None
    return pd.Series(mapped.take(codes), index=frame.index, name=column, dtype=object, copy=False)
