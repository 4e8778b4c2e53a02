"""Targets (and other per-period inputs such as channel costs) resolved to any month, quarter or year.

A value for period P and key K (an owner, or a channel) is, in order:
1. ``exact``: the rows given for exactly P and K (several rows are summed);
2. ``sum``: else the sum of K's rows for the periods inside P (a quarter's months; a year's
   quarters, each quarter by its own row or else its months);
3. ``prorated``: else an even share of K's row for the period containing P (a quarter's
   row / 3 for a month, a year's row / 4 for a quarter or / 12 for a month).
For the company target (rows with a blank owner), step 3 comes after one more step:
``owners``, the sum of every owner's target for P (each resolved by steps 1-3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.metrics.periods import KINDS, Period, id_of_period, parse_period, period_ids, periods_between, year

COMPANY = ""  # key of company-wide target rows (blank owner)
_SHARE = {("month", "quarter"): 3, ("month", "year"): 12, ("quarter", "year"): 4}


def period_rows(frame: pd.DataFrame | None, key: str, value: str, fy_start: int) -> pd.DataFrame:
    """Rows with a readable period and a value: key ("" when blank), kind, pid (period index), value."""
    cols = {"key": object, "kind": object, "pid": np.int64, "value": float}
    if frame is None or value not in frame or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})
    labels = frame["period"].astype(object)
    parsed = {lab: parse_period(str(lab), fy_start) for lab in pd.unique(labels.dropna())}
    kinds = {lab: p.kind for lab, p in parsed.items() if p is not None}
    pids = {lab: id_of_period(p, fy_start) for lab, p in parsed.items() if p is not None}
    keep = labels.isin(list(kinds)) & frame[value].notna()
    keys = frame.loc[keep, key].astype(object) if key in frame else pd.Series(COMPANY, index=labels[keep].index)
    keys = keys.where(keys.notna(), COMPANY).astype(str).str.strip()
    out = pd.DataFrame({"key": keys, "kind": labels[keep].map(kinds), "pid": labels[keep].map(pids).astype(np.int64),
                        "value": frame.loc[keep, value].astype(float)})
    return out.groupby(["key", "kind", "pid"], as_index=False)["value"].sum()


def _parent(pids: np.ndarray, kind: str, parent: str, fy_start: int) -> np.ndarray:
    """Index of the quarter or year containing each month or quarter index."""
    if kind == "month":
        return period_ids(pids, parent, fy_start)
    return pids // 4  # quarter -> year


def _grid(rows: pd.DataFrame, key_codes: np.ndarray, n_keys: int, kind: str, to_column: np.ndarray,
          columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum of the ``kind`` rows per key x column (rows go to column ``to_column``) and where any row landed."""
    selected = (rows["kind"] == kind).to_numpy()
    index = pd.Index(np.unique(columns))
    col = index.get_indexer(to_column[selected])
    ok = col >= 0
    keys = key_codes[selected][ok]
    values = np.zeros((n_keys, len(index)))
    known = np.zeros((n_keys, len(index)), dtype=bool)
    np.add.at(values, (keys, col[ok]), rows["value"].to_numpy(dtype=float)[selected][ok])
    known[keys, col[ok]] = True
    take = index.get_indexer(columns)
    return values[:, take], known[:, take]


def resolve(rows: pd.DataFrame, kind: str, pids: list[int], fy_start: int) -> pd.DataFrame:
    """Value of every key for each period index of ``kind`` (steps 1-3 above), where one resolves:
    key, pid, value, source."""
    pids = np.asarray(list(pids), dtype=np.int64)
    if rows.empty:
        return pd.DataFrame({"key": pd.Series(dtype=object), "pid": pd.Series(dtype=np.int64),
                             "value": pd.Series(dtype=float), "source": pd.Series(dtype=object)})
    keys, key_codes = np.unique(rows["key"].to_numpy(dtype=str), return_inverse=True)
    n = len(keys)
    row_pids = rows["pid"].to_numpy(dtype=np.int64)
    value, known = _grid(rows, key_codes, n, kind, row_pids, pids)
    source = np.where(known, "exact", None).astype(object)
    finer = None
    if kind == "quarter":
        finer = _grid(rows, key_codes, n, "month", period_ids(row_pids, "quarter", fy_start), pids)
    elif kind == "year":
        quarters = (pids[:, None] * 4 + np.arange(4)).ravel()
        q_value, q_known = _grid(rows, key_codes, n, "quarter", row_pids, quarters)
        m_value, m_known = _grid(rows, key_codes, n, "month", period_ids(row_pids, "quarter", fy_start), quarters)
        q_value, q_known = np.where(q_known, q_value, m_value), q_known | m_known
        finer = (np.where(q_known, q_value, 0.0).reshape(n, len(pids), 4).sum(axis=2),
                 q_known.reshape(n, len(pids), 4).any(axis=2))
    steps = [("sum", *finer)] if finer is not None else []
    for parent in (("quarter", "year") if kind == "month" else ("year",) if kind == "quarter" else ()):
        p_value, p_known = _grid(rows, key_codes, n, parent, row_pids, _parent(pids, kind, parent, fy_start))
        steps.append(("prorated", p_value / _SHARE[(kind, parent)], p_known))
    for name, step_value, step_known in steps:
        fill = ~known & step_known
        value, source, known = np.where(fill, step_value, value), np.where(fill, name, source), known | fill
    key_at, col_at = np.nonzero(known)
    return pd.DataFrame({"key": keys[key_at].astype(object), "pid": pids[col_at], "value": value[key_at, col_at],
                         "source": source[key_at, col_at]})


def resolve_targets(rows: pd.DataFrame, kind: str, pids: list[int],
                    fy_start: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Company and per-owner targets for each period index, from :func:`period_rows` of a target column.

    Returns (company: pid, target, source) and (owners: owner, pid, target, source).
    """
    resolved = resolve(rows, kind, pids, fy_start).rename(columns={"value": "target"})
    is_company = (resolved["key"] == COMPANY).to_numpy()
    owners = resolved[~is_company].rename(columns={"key": "owner"}).reset_index(drop=True)
    own = resolved[is_company]
    index = pd.Index(list(pids), name="pid")
    position = index.get_indexer(own["pid"])
    target = np.full(len(index), np.nan)
    source = np.full(len(index), None, dtype=object)
    sources = own["source"].to_numpy()
    for step in ("direct", "owners", "prorated"):
        if step == "owners":
            sums = owners.groupby("pid")["target"].sum()
            at, values = index.get_indexer(sums.index), sums.to_numpy()
        else:
            chosen = np.isin(sources, ["exact", "sum"]) if step == "direct" else sources == "prorated"
            at, values = position[chosen], own["target"].to_numpy()[chosen]
        fill = np.isnan(target[at])
        target[at[fill]] = values[fill]
        source[at[fill]] = sources[chosen][fill] if step != "owners" else step
    return pd.DataFrame({"pid": index, "target": target, "source": source}), owners


def attainment(actual: pd.Series, target: pd.Series) -> pd.Series:
    """actual / target; missing when the target is missing or not positive."""
    return actual / target.where(target > 0)


def attainment_flag(value: pd.Series, elapsed: pd.Series, threshold: float) -> pd.Series:
    """Below ``threshold`` of the target, or of the pro-rata target while the period is still running."""
    return (value < threshold * elapsed).where(value.notna())


def period_targets(rows: pd.DataFrame, periods: list[Period], fy_start: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Targets (from :func:`period_rows`) for the given periods.

    Returns (company: period, target, target_source) and (owners: period, owner, target, target_source).
    """
    company_parts, owner_parts = [], []
    for kind in KINDS:
        labels = {id_of_period(p, fy_start): p.label for p in periods if p.kind == kind}
        if not labels or rows.empty:
            continue
        company, owners = resolve_targets(rows, kind, list(labels), fy_start)
        company_parts.append(company.assign(period=company["pid"].map(labels)))
        owner_parts.append(owners.assign(period=owners["pid"].map(labels)))
    company = pd.concat(company_parts, ignore_index=True) if company_parts else pd.DataFrame(
        {c: pd.Series(dtype=object) for c in ("period", "target", "source")})
    owners = pd.concat(owner_parts, ignore_index=True) if owner_parts else pd.DataFrame(
        {c: pd.Series(dtype=object) for c in ("period", "owner", "target", "source")})
    rename = {"source": "target_source"}
    company["target"] = company["target"].astype(float)
    owners["target"] = owners["target"].astype(float)
    return (company[["period", "target", "source"]].rename(columns=rename),
            owners[["period", "owner", "target", "source"]].rename(columns=rename))


def period_values(rows: pd.DataFrame, periods: list[Period], fy_start: int) -> pd.DataFrame:
    """Values per key (e.g. channel costs) for the given periods: period, key, value, source."""
    parts = []
    for kind in KINDS:
        labels = {id_of_period(p, fy_start): p.label for p in periods if p.kind == kind}
        if labels and len(rows):
            resolved = resolve(rows, kind, list(labels), fy_start).dropna(subset=["value"])
            parts.append(resolved.assign(period=resolved["pid"].map(labels)))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("period", "key", "value", "source")})
    return pd.concat(parts, ignore_index=True)[["period", "key", "value", "source"]]


def ytd_weights(as_of: pd.Timestamp, fy_start: int) -> list[tuple[Period, float]]:
    """Months of the fiscal year to date with the share of each that has passed (the current one pro rata)."""
    months = periods_between("month", year(as_of, fy_start).start, as_of, fy_start)
    return [(m, 1.0 if m.end <= as_of else as_of.day / m.end.day) for m in months]
