"""Read one CSV file into a frame with canonical column names and proper dtypes.

Each step reports into a :class:`ProblemLog` instead of raising, so one build
lists every problem at once. Line numbers are file lines: the header is line 1,
the first data row line 2 (blank lines count; a quoted cell spanning lines
shifts the numbers after it).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.errors

from sitegen.config import Config
from sitegen.dataset.parse import (
    DecodeFailure, decode_csv_bytes, normalize_header, parse_amounts, parse_dates, parse_probabilities,
)
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.schema import Column, TableSpec

LINE = "_line"  # helper column: the row's line number in its file
MAX_CELL = 10_000  # longer text cells are cut (a 1 MB note would bloat every page that shows it)
DELIMITERS = (",", ";", "\t", "|")


def header_key(name: str) -> str:
    """Headers match case-insensitively after trimming; spaces, hyphens and underscores are alike."""
    return re.sub(r"[\s\-_]+", "_", normalize_header(name))


def read_table(path: Path, display: str, spec: TableSpec, config: Config, log: ProblemLog) -> pd.DataFrame | None:
    """Load ``path`` per ``spec``; return None when the file cannot be used at all (errors logged)."""
    raw = _read_bytes(path, display, log)
    if raw is None:
        return None
    table_cfg = config.tables[spec.name]
    try:
        text, encoding = decode_csv_bytes(raw, table_cfg.encoding)
    except DecodeFailure as exc:
        log.add(display, getattr(exc, "line", 1) or 1, "", "not a readable text CSV file",
                "save it from Excel as 'CSV UTF-8' or 'CSV' (GBK is fine)")
        return None
    if table_cfg.encoding and encoding.replace("-", "").lower() != table_cfg.encoding.replace("-", "").lower():
        log.add(display, 1, "", f"file is not valid {table_cfg.encoding}; read it as {encoding}",
                f"fix data.{spec.name}.encoding in the config", "warning")
    frame = _parse_csv(text, display, log)
    if frame is None:
        return None
    frame = _map_columns(frame, display, spec, table_cfg.columns, log)
    if frame is None:
        return None
    return _coerce(frame, display, spec, config, log)


def _read_bytes(path: Path, display: str, log: ProblemLog) -> bytes | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        log.add(display, 0, "", f"cannot read file: {exc.strerror}", "check the path and permissions")
        return None
    if not raw.strip():
        log.add(display, 1, "", "file is empty", "it needs at least a header row with the column names")
        return None
    return raw


def sniff_delimiter(text: str) -> str:
    """The separator of the header line: Excel writes ``;`` in many locales, some tools tabs."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _parse_csv(text: str, display: str, log: ProblemLog) -> pd.DataFrame | None:
    """Parse CSV text as strings; ragged rows and broken quotes are errors with their line."""
    sep = sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
            skip_blank_lines=False, engine="c", on_bad_lines="error", sep=sep,
        )
    except pandas.errors.EmptyDataError:
        log.add(display, 1, "", "file has no header row", "the first line must name the columns")
        return None
    except (pandas.errors.ParserError, ValueError, csv.Error) as exc:
        line, message = _parser_error(str(exc))
        log.add(display, line, "", message,
                "every row needs the same number of cells as the header; quote cells that contain commas")
        return None
    frame.attrs["headers"] = [str(c) for c in _header_names(text, sep)]
    frame = frame.dropna(how="all")  # blank lines
    frame[LINE] = (frame.index.to_numpy() + 2).astype(np.int64)
    if frame.empty:
        log.add(display, 1, "", "file has a header but no rows", "the table is treated as empty", "warning")
    return frame.reset_index(drop=True)


def _header_names(text: str, sep: str) -> list[str]:
    """The header cells exactly as written (pandas would rename repeats)."""
    return next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=sep), [])


def _parser_error(message: str) -> tuple[int, str]:
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if m:
        return int(m.group(2)), f"row has {m.group(3)} cells but the header has {m.group(1)}"
    m = re.search(r"EOF inside string starting at row (\d+)", message)
    if m:
        return int(m.group(1)) + 1, "a quoted cell is never closed"
    m = re.search(r"line (\d+)", message)
    return (int(m.group(1)) if m else 1), f"cannot parse CSV: {message.strip().splitlines()[-1]}"


def _map_columns(frame: pd.DataFrame, display: str, spec: TableSpec, column_map, log: ProblemLog) -> pd.DataFrame | None:
    """Rename the file's headers to canonical names; report missing required columns.

    Works by position, because pandas renames a repeated header (``amount.1``): the
    original names are kept in ``frame.attrs["headers"]``.
    """
    headers = frame.attrs.get("headers") or [str(c) for c in frame.columns if c != LINE]
    by_key: dict[str, int] = {}
    for pos, header in enumerate(headers):
        key = header_key(header)
        if key in by_key:
            log.add(display, 1, header.strip(), "column appears twice; the first one is used",
                    "rename or delete the duplicate", "warning")
            continue
        by_key[key] = pos
    chosen: dict[str, int] = {}
    for col in spec.columns:
        pos = by_key.get(header_key(column_map.get(col.name, col.name)))
        if pos is not None:
            chosen[col.name] = pos
    missing = [c.name for c in spec.columns if c.required and c.name not in chosen]
    if spec.name == "orders" and "amount" not in chosen:
        missing += [f"amount (or {need})" for need in ("quantity", "unit_price") if need not in chosen]
    for name in missing:
        wanted = column_map.get(name, name)
        close = _closest(wanted, headers)
        hint = f"did you mean '{close}'? map it in [data.{spec.name}] columns" if close else \
            f"add the column or map it in [data.{spec.name}] columns = {{ {name.split(' ')[0]} = \"Your header\" }}"
        log.add(display, 1, name.split(" ")[0], "required column is missing", hint)
    if missing:
        return None
    out = pd.DataFrame({name: frame.iloc[:, pos] for name, pos in chosen.items()})
    out[LINE] = frame[LINE]
    return out


def _closest(wanted: str, headers: list[str]) -> str | None:
    from sitegen.dataset.parse import suggest
    return suggest(wanted, [str(h) for h in headers])


def _coerce(frame: pd.DataFrame, display: str, spec: TableSpec, config: Config, log: ProblemLog) -> pd.DataFrame:
    """Turn string columns into typed ones; bad values become missing and are reported."""
    lines = frame[LINE].to_numpy()
    out = {LINE: frame[LINE]}
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        values = frame[col.name]
        values = values.where(values.isna(), values.astype(str).str.strip()).replace("", np.nan)
        out[col.name] = _coerce_column(values, col, display, lines, config, log)
        if col.value_required:
            empty = values.isna().to_numpy()
            if empty.any():
                log.add_rows(display, lines[empty], col.name, "missing value", "this column needs a value on every row")
    return pd.DataFrame(out)


def _coerce_column(values: pd.Series, col: Column, display: str, lines: np.ndarray, config: Config,
                   log: ProblemLog) -> pd.Series:
    if col.kind == "date":
        parsed, bad = parse_dates(values, dayfirst=config.rules.dayfirst)
        hint = "use 2026-03-05, 2026/3/5, 20260305 or 2026年3月5日"
        if not config.rules.dayfirst:
            hint += "; for day-first dates like 13/5/2026 set [rules] dayfirst = true"
        _report_bad(bad, values, lines, display, col.name, "not a date", hint, log)
        return parsed
    if col.kind in ("amount", "number"):
        parsed, bad = parse_amounts(values)
        _report_bad(bad, values, lines, display, col.name, "not a number",
                    "write digits like 1234.50; ¥, $ and thousands separators are fine", log)
        if col.non_negative:
            neg = (parsed < 0).to_numpy()
            if neg.any():
                log.add_rows(display, lines[neg], col.name, "must not be negative", "",
                             values=values.to_numpy()[neg])
                parsed = parsed.mask(parsed < 0)
        return parsed
    if col.kind == "probability":
        parsed, bad = parse_probabilities(values)
        _report_bad(bad, values, lines, display, col.name, "not a probability",
                    "use 0-1 (0.4) or a percentage (40 or 40%)", log)
        return parsed
    return _cut_long_text(values, col.name, display, lines, log)


def _cut_long_text(values: pd.Series, column: str, display: str, lines: np.ndarray, log: ProblemLog) -> pd.Series:
    """Text as plain objects (None when missing); cells over ``MAX_CELL`` characters are cut with a warning."""
    values = values.astype(object).where(values.notna(), None)
    long = values.str.len().gt(MAX_CELL).to_numpy(dtype=bool) if len(values) else np.zeros(0, bool)
    if long.any():
        log.add_rows(display, lines[long], column, f"cell longer than {MAX_CELL:,} characters; cut",
                     "shorten it in the source", "warning")
        values = values.where(~long, values.str.slice(0, MAX_CELL) + "…")
    return values


def _report_bad(bad: pd.Series, values: pd.Series, lines: np.ndarray, display: str, column: str, message: str,
                hint: str, log: ProblemLog) -> None:
    mask = bad.to_numpy(dtype=bool)
    if mask.any():
        log.add_rows(display, lines[mask], column, message, hint, values=values.to_numpy()[mask])
