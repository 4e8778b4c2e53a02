"""The pipeline's grading factors and forecast category: yes/no or 1-5 cells to scores, words to categories.

``need_fit``, ``budget_confirmed``, ``decision_maker_engaged`` and ``competition`` become a number from 0 to 1
(yes = 1, no = 0, a score s of 1-5 = (s - 1) / 4; missing stays missing); ``forecast_category`` becomes
commit, best_case or pipeline. A cell that is none of these is a FILE:LINE warning and counts as missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitegen.dataset.load import LINE
from sitegen.dataset.problems import ProblemLog
from sitegen.grading_config import FACTORS

YES = ("yes", "y", "true", "1.0", "x", "✓", "是", "有", "已确认", "确认", "对")
NO = ("no", "n", "false", "0", "0.0", "否", "无", "没有", "未确认", "不")
SCORES = {str(s): (s - 1) / 4 for s in range(1, 6)} | {f"{s}.0": (s - 1) / 4 for s in range(1, 6)}
CATEGORIES = {"commit": "commit", "committed": "commit", "best case": "best_case", "best_case": "best_case",
              "bestcase": "best_case", "upside": "best_case", "pipeline": "pipeline", "omitted": "pipeline",
              "承诺": "commit", "确定": "commit", "最佳": "best_case", "最佳情况": "best_case", "可能": "best_case",
              "管道": "pipeline", "储备": "pipeline"}


def factor_value(text: str) -> float | None:
    """A factor cell as a score 0-1: yes/no words (English, Chinese) or a whole score 1-5; None when unreadable."""
    key = text.strip().casefold()
    if key in SCORES:  # "1" is a score of 1 (the lowest), not "yes"
        return SCORES[key]
    if key in YES:
        return 1.0
    if key in NO:
        return 0.0
    return None


def normalise_factors(frame: pd.DataFrame, display: str, log: ProblemLog) -> pd.DataFrame:
    """The factor columns as floats 0-1 and forecast_category as a key; unreadable cells reported, then missing."""
    lines = frame[LINE].to_numpy() if LINE in frame else np.arange(2, len(frame) + 2)
    for column in FACTORS:
        if column in frame:
            frame[column] = _mapped(frame[column], factor_value, display, column, lines, log,
                                    "use yes / no or a score from 1 to 5")
    if "forecast_category" in frame:
        frame["forecast_category"] = _mapped(frame["forecast_category"], lambda t: CATEGORIES.get(
            t.strip().casefold()), display, "forecast_category", lines, log, "use commit, best case or pipeline")
    return frame


def _mapped(values: pd.Series, read, display: str, column: str, lines: np.ndarray, log: ProblemLog,
            hint: str) -> pd.Series:
    """Each distinct cell read once; cells ``read`` cannot read are reported as warnings and become missing."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object))
    mapped = [read(str(v)) for v in distinct]
    bad = np.array([m is None for m in mapped] + [False])
    rows = bad[np.where(codes < 0, len(distinct), codes)]
    if rows.any():
        log.add_rows(display, lines[rows], column, "not understood; ignored", hint, "warning",
                     values=[str(v) for v in values.to_numpy(dtype=object)[rows]])
    out = np.array(mapped + [None], dtype=object)[np.where(codes < 0, len(distinct), codes)]
    if column == "forecast_category":
        return pd.Series(out, index=values.index, dtype=object)
    return pd.Series(out, index=values.index).astype(float)
