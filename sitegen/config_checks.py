"""The checks ``sitegen.toml`` values go through, and the collector that reports every problem at once.

Shared by :mod:`sitegen.config` and the section modules beside it (``*_config.py``).
"""

from __future__ import annotations

import math
from datetime import date
from difflib import get_close_matches
from typing import Any, Callable, Mapping

from sitegen.errors import ConfigProblem

MAX_DAYS = 36_500  # the largest day count a setting may hold (100 years)


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def day_count(low: int) -> Callable[[Any], bool | str]:
    """Check of a day count: a wrong type or a value below ``low`` fails with the key's description, one
    above MAX_DAYS (whose dates would overflow) with the whole allowed range."""
    def check(v: Any) -> bool | str:
        if not (is_int(v) and v >= low):
            return False
        return v <= MAX_DAYS or f"a whole number of days from {low} to {MAX_DAYS}"
    return check


# key -> (check, description of the expected type); a check may return what is expected instead of False
Check = tuple[Callable[[Any], bool | str], str]
STR: Check = (lambda v: isinstance(v, str), "a string")
INT: Check = (is_int, "a whole number")
NUM: Check = (lambda v: is_number(v) and math.isfinite(v), "a number")
BOOL: Check = (lambda v: isinstance(v, bool), "true or false")
STR_LIST: Check = (is_str_list, "a list of strings")
SHARE: Check = (lambda v: is_number(v) and 0 <= v <= 1, "a number from 0 to 1")
POS_INT: Check = (lambda v: is_int(v) and v > 0, "a whole number above 0")
DAYS: Check = (day_count(1), "a whole number above 0")
DATE: Check = (lambda v: isinstance(v, (str, date)), "a date like 2026-06-30")


class Collector:
    """Collects problems while reading sections; raises them together at the end."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[ConfigProblem] = []

    def add(self, key: str, message: str, hint: str = "") -> None:
        self.problems.append(ConfigProblem(self.file, key, message, hint))

    def section(self, raw: Any, prefix: str, schema: Mapping[str, Check]) -> dict[str, Any]:
        """Return the valid keys of one table; report unknown keys and wrong types."""
        if not isinstance(raw, dict):
            self.add(prefix, "must be a table", f"write it as [{prefix}]")
            return {}
        good: dict[str, Any] = {}
        for key, value in raw.items():
            name = f"{prefix}.{key}"
            if key not in schema:
                close = get_close_matches(key, list(schema), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(schema)
                self.add(name, "unknown key", hint)
                continue
            check, expected = schema[key]
            verdict = check(value)
            if isinstance(verdict, str) or not verdict:
                shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
                self.add(name, f"must be {verdict if isinstance(verdict, str) else expected}, got {shown}")
                continue
            good[key] = value
        return good
