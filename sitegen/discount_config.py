"""``[[discount_approval]]`` of sitegen.toml: who may approve which discount on a quotation.

Kept apart from :mod:`sitegen.config` (which calls :func:`parse_discount_approval`) so that module stays
small. The playbook shows the table where a page writes ``{{discount-approval}}`` on a line of its own
(the quotation template and the negotiation guide); docs/configuration.md documents the keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from sitegen.config_checks import Check, is_number

LANGUAGES = ("en", "zh-CN")
# approver role keys the catalogs translate; any other text is shown as written
APPROVER_ROLES: Mapping[str, Mapping[str, str]] = {
    "sales-rep": {"en": "Sales rep", "zh-CN": "销售代表"},
    "account-manager": {"en": "Account manager", "zh-CN": "客户经理"},
    "sales-manager": {"en": "Sales manager", "zh-CN": "销售经理"},
    "sales-director": {"en": "Sales director", "zh-CN": "销售总监"},
    "general-manager": {"en": "General manager", "zh-CN": "总经理"},
}


@dataclass(frozen=True)
class DiscountLevel:
    """Discounts up to ``up_to`` (a share: 0.05 is 5 %) are approved by ``approver`` (per language)."""

    up_to: float
    approver: Mapping[str, str]

    def name(self, language: str) -> str:
        return self.approver.get(language) or self.approver.get("en") or next(iter(self.approver.values()))


def _level(up_to: float, role: str) -> DiscountLevel:
    return DiscountLevel(up_to, APPROVER_ROLES[role])


# up to 5 % the rep, up to 10 % the sales manager, up to 20 % the sales director, above that the general manager
DEFAULT_DISCOUNT_APPROVAL: tuple[DiscountLevel, ...] = (
    _level(0.05, "account-manager"), _level(0.10, "sales-manager"), _level(0.20, "sales-director"),
    _level(1.0, "general-manager"))


def _approver(v: Any) -> bool | str:
    if isinstance(v, str):
        return bool(v.strip())
    return isinstance(v, dict) and bool(v) and all(
        k in LANGUAGES and isinstance(x, str) and x.strip() for k, x in v.items())


KEYS: dict[str, Check] = {
    "up_to": (lambda v: is_number(v) and math.isfinite(v) and 0 < v <= 1,
              "a share above 0 and at most 1, like 0.05 for 5 %"),
    "approver": (_approver, 'a role key (' + ", ".join(APPROVER_ROLES) + '), a name, or names by language '
                 'like { en = "Sales director", zh-CN = "销售总监" }'),
}


def parse_discount_approval(c: Any, raw: Any) -> tuple[DiscountLevel, ...]:
    """``[[discount_approval]]`` through the config's problem collector ``c``; the default without it.
    Limits must rise from one level to the next, every level needs both keys."""
    if raw is None:
        return DEFAULT_DISCOUNT_APPROVAL
    if not isinstance(raw, list) or not raw:
        c.add("discount_approval", "must be an array of tables",
              "write each level as [[discount_approval]] with up_to = 0.05 and approver = \"sales-manager\"")
        return DEFAULT_DISCOUNT_APPROVAL
    levels: list[DiscountLevel] = []
    for i, item in enumerate(raw):
        prefix = f"discount_approval[{i}]"
        values = c.section(item, prefix, KEYS)
        missing = [k for k in KEYS if k not in values and not (isinstance(item, dict) and k in item)]
        for key in missing:
            c.add(f"{prefix}.{key}", "missing", "every level needs up_to and approver")
        if len(values) < len(KEYS):
            continue
        if levels and values["up_to"] <= levels[-1].up_to:
            c.add(f"{prefix}.up_to",
                  f"must be above the previous level's {levels[-1].up_to:g}, got {values['up_to']:g}",
                  "list the levels from the smallest discount to the largest")
            continue
        approver = values["approver"]
        if isinstance(approver, str):
            key = approver.strip()
            names = APPROVER_ROLES.get(key) or {language: key for language in LANGUAGES}
        else:
            names = {k: x.strip() for k, x in approver.items()}
        levels.append(DiscountLevel(float(values["up_to"]), names))
    return tuple(levels) or DEFAULT_DISCOUNT_APPROVAL


def approval_table(levels: tuple[DiscountLevel, ...], language: str) -> str:
    """The levels as a markdown table in ``language`` (the playbook's ``{{discount-approval}}``)."""
    zh = language == "zh-CN"
    head = "| 折扣 | 审批人 |" if zh else "| Discount | Approved by |"
    rows, low = [], 0.0
    for level in levels:
        upper = _percent(level.up_to)
        if low == 0:
            span = f"不超过 {upper}" if zh else f"up to {upper}"
        elif level.up_to >= 1:
            span = f"{_percent(low)} 以上" if zh else f"above {_percent(low)}"
        else:
            span = f"{_percent(low)} 以上，不超过 {upper}" if zh else f"above {_percent(low)}, up to {upper}"
        rows.append(f"| {span} | {_cell(level.name(language))} |")
        low = level.up_to
    if low < 1:
        rows.append(f"| {_percent(low)} 以上 | 不予审批：请重新报价 |" if zh else
                    f"| above {_percent(low)} | not approved: quote again |")
    return "\n".join([head, "|---|---|", *rows])


def _percent(share: float) -> str:
    text = f"{share * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%" if text else "0%"


def _cell(text: str) -> str:
    """Text safe in a markdown table cell: no pipes, no line breaks (the page is sanitised after rendering)."""
    return " ".join(text.replace("|", "/").split())
