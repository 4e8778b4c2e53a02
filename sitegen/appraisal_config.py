"""``[appraisal]`` of sitegen.toml: the weights of the rep appraisal score (docs/metrics.md, "Rep appraisal").

Kept apart from :mod:`sitegen.config` (which calls :func:`parse_appraisal`) so that module stays small.
docs/configuration.md documents every key and its default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

COMPONENTS = ("sales", "profit", "growth", "new_customers", "satisfaction")
MAX_WEIGHT = 1e6


@dataclass(frozen=True)
class Appraisal:
    """Weight of each appraisal component in the combined score; only their ratios matter."""

    sales: float = 0.35
    profit: float = 0.20
    growth: float = 0.15
    new_customers: float = 0.15
    satisfaction: float = 0.15

    def weights(self) -> dict[str, float]:
        """Component -> weight, in the order of :data:`COMPONENTS`."""
        return {name: float(getattr(self, name)) for name in COMPONENTS}


def _weight(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and 0 <= v <= MAX_WEIGHT


KEYS: dict[str, tuple[Callable[[Any], bool], str]] = dict.fromkeys(
    COMPONENTS, (_weight, f"a weight: a number from 0 to {MAX_WEIGHT:g}"))


def parse_appraisal(c: Any, raw: Any) -> Appraisal:
    """``[appraisal]`` through the config's problem collector ``c`` (``section``, ``add``): non-negative
    weights, not all zero; unknown keys are problems like everywhere else."""
    values = c.section(raw, "appraisal", KEYS)
    appraisal = Appraisal(**{key: float(value) for key, value in values.items()})
    if isinstance(raw, dict) and not any(appraisal.weights().values()):
        c.add("appraisal", "the weights must not all be zero", "give at least one component a weight above 0")
    return appraisal
