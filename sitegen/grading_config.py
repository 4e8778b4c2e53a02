"""``[grading]`` of sitegen.toml: how deals are graded high / medium / low and put in forecast categories.

Kept apart from :mod:`sitegen.config` (which calls :func:`parse_grading`) so that module stays small.
docs/configuration.md documents every key and its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

FACTORS = ("need_fit", "budget_confirmed", "decision_maker_engaged", "competition")
FORECAST_CATEGORIES = ("commit", "best_case", "pipeline")
GRADE_LEVELS = ("high", "medium", "low")


@dataclass(frozen=True)
class Grading:
    """H/M/L from the deal's factors (weights, score thresholds), else from its probability placed among the
    stage probabilities in use; forecast categories from the grade or the stage."""

    need_fit: float = 0.30
    budget_confirmed: float = 0.25
    decision_maker_engaged: float = 0.25
    competition: float = 0.20
    high: float = 0.70                   # weighted factor score (0-1) for high
    medium: float = 0.40                 # ... for medium
    fallback_high: float = 0.67          # no factors: high from this quantile of the stage probabilities in use
    fallback_medium: float = 0.33        # ... medium from this one
    forecast_from: str = "grade"         # "grade" or "stage": what commit / best_case list
    commit: tuple[str, ...] = ("high",)
    best_case: tuple[str, ...] = ("medium",)

    def weight(self, factor: str) -> float:
        return float(getattr(self, factor))


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


_SHARE = (lambda v: _number(v) and 0 <= v <= 1, "a number from 0 to 1")
_LIST = (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of strings")
KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    **dict.fromkeys(FACTORS, (lambda v: _number(v) and 0 <= v <= 100, "a weight from 0 to 100")),
    **dict.fromkeys(("high", "medium", "fallback_high", "fallback_medium"), _SHARE),
    "forecast_from": (lambda v: v in ("grade", "stage"), '"grade" or "stage"'),
    "commit": _LIST, "best_case": _LIST,
}


def parse_grading(c: Any, raw: Any, stage_keys: tuple[str, ...]) -> Grading:
    """``[grading]`` through the config's problem collector ``c`` (``section``, ``add``). With
    ``forecast_from = "stage"`` commit and best_case list stage keys (default: the last stage, the one before)."""
    values = c.section(raw, "grading", KEYS)
    if values.get("medium", Grading.medium) > values.get("high", Grading.high):
        c.add("grading.medium", "must not exceed grading.high")
    if values.get("fallback_medium", Grading.fallback_medium) > values.get("fallback_high", Grading.fallback_high):
        c.add("grading.fallback_medium", "must not exceed grading.fallback_high")
    if not any(values.get(f, getattr(Grading, f)) for f in FACTORS):
        c.add("grading", "the factor weights must not all be 0", "give need_fit or another factor a weight")
    by_stage = values.get("forecast_from") == "stage"
    if by_stage:
        values.setdefault("commit", list(stage_keys[-1:]))
        values.setdefault("best_case", list(stage_keys[-2:-1]))
    allowed = list(stage_keys) if by_stage else list(GRADE_LEVELS)
    for name in ("commit", "best_case"):
        for value in values.get(name, ()):
            if value not in allowed:
                c.add(f"grading.{name}", f"unknown {'stage' if by_stage else 'grade'} {value!r}",
                      "use " + ", ".join(allowed))
        if name in values:
            values[name] = tuple(values[name])
    return Grading(**{k: float(v) if k in FACTORS else v for k, v in values.items()})
