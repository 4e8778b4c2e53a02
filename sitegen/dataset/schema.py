"""The input data contract of SPEC §2: tables, canonical columns and their kinds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "category", "date", "amount", "number", "probability", "stage"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False          # the column must exist
    value_required: bool = False    # every row must have a value (empty cell is an error)
    non_negative: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    unique: str | None = None       # column whose values must be unique

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, kind: Kind, *flags: str) -> Column:
    return Column(name, kind, required="required" in flags, value_required="value" in flags,
                  non_negative="nonneg" in flags)


SCHEMA: dict[str, TableSpec] = {t.name: t for t in (
    TableSpec("pipeline", (
        _c("opportunity_id", "id", "required", "value"), _c("stage", "stage", "required", "value"),
        _c("created_date", "date", "required"), _c("customer_id", "id"), _c("owner", "category"),
        _c("amount", "amount", "nonneg"), _c("close_date", "date"), _c("opportunity_name", "text"),
        _c("product", "category"), _c("lead_source", "category"), _c("probability", "probability"),
        _c("lost_reason", "category"), _c("lost_at_stage", "stage"), _c("next_step", "text"),
        _c("next_step_date", "date"), _c("last_activity_date", "date"), _c("grade", "category"),
        _c("need_fit", "category"), _c("budget_confirmed", "category"), _c("decision_maker_engaged", "category"),
        _c("competition", "category"), _c("forecast_category", "category"),
        _c("outcome", "category"),  # won/lost beside the stage (Pipedrive, Dynamics 365): see validate_pipeline
    ), unique="opportunity_id"),
    TableSpec("stage_history", (
        _c("opportunity_id", "id", "required", "value"), _c("stage", "stage", "required", "value"),
        _c("entered_date", "date", "required", "value"),
    )),
    TableSpec("orders", (
        _c("customer_id", "id", "required", "value"), _c("order_date", "date", "required", "value"),
        _c("amount", "amount"), _c("order_id", "id"), _c("product", "category"),
        _c("quantity", "number"), _c("unit_price", "amount", "nonneg"), _c("cost", "amount"),
        _c("channel", "category"), _c("owner", "category"), _c("status", "category"),
        _c("paid_amount", "amount"), _c("due_date", "date"),
    )),
    TableSpec("customers", (
        _c("customer_id", "id", "required", "value"), _c("name", "text"), _c("industry", "category"),
        _c("region", "category"), _c("size", "category"), _c("owner", "category"), _c("tier", "category"),
        _c("potential_value", "amount", "nonneg"), _c("created_date", "date"),
    ), unique="customer_id"),
    TableSpec("contacts", (
        _c("customer_id", "id", "required", "value"), _c("name", "text"), _c("title", "text"),
        _c("role", "category"), _c("influence", "number"), _c("email", "text"), _c("phone", "text"),
        _c("notes", "text"),
    )),
    TableSpec("activities", (
        _c("date", "date", "required", "value"), _c("customer_id", "id"), _c("opportunity_id", "id"),
        _c("owner", "category"), _c("type", "category"), _c("summary", "text"), _c("next_action", "text"),
        _c("next_action_date", "date"),
    )),
    TableSpec("targets", (
        _c("period", "text", "required", "value"), _c("owner", "category"),
        _c("revenue_target", "amount", "nonneg"), _c("new_customers_target", "number", "nonneg"),
    )),
    TableSpec("feedback", (
        _c("customer_id", "id", "required", "value"), _c("date", "date"),
        _c("kind", "category", "required", "value"), _c("score", "number", "required", "value"),
        _c("comment", "text"),
    )),
    TableSpec("channel_costs", (
        _c("channel", "category", "required", "value"), _c("period", "text", "required", "value"),
        _c("cost", "amount", "required", "value", "nonneg"),
    )),
    TableSpec("complaints", (
        _c("ticket_id", "id", "required", "value"), _c("customer_id", "id"),
        _c("opened_date", "date", "required", "value"), _c("first_response_date", "date"), _c("closed_date", "date"),
        _c("category", "category"), _c("severity", "category"), _c("owner", "category"), _c("summary", "text"),
        _c("resolution", "text"),
    ), unique="ticket_id"),
)}

TIERS = ("strategic", "key", "general", "potential")
TIER_ALIASES = {
    "strategic": "strategic", "战略": "strategic", "战略客户": "strategic", "a": "strategic",
    "key": "key", "重点": "key", "重点客户": "key", "b": "key",
    "general": "general", "一般": "general", "一般客户": "general", "c": "general",
    "potential": "potential", "潜在": "potential", "潜在客户": "potential", "d": "potential",
}
GRADES = {"high": "high", "medium": "medium", "low": "low", "高": "high", "中": "medium", "低": "low",
          "h": "high", "m": "medium", "l": "low", "a": "high", "b": "medium", "c": "low"}
# Complaint severities: words, 1-3 (1 is the most severe), P1-P3 and Chinese.
SEVERITIES = {"high": "high", "medium": "medium", "low": "low", "h": "high", "m": "medium", "l": "low",
              "1": "high", "2": "medium", "3": "low", "p1": "high", "p2": "medium", "p3": "low",
              "critical": "high", "urgent": "high", "normal": "medium", "minor": "low",
              "高": "high", "中": "medium", "低": "low", "紧急": "high", "严重": "high", "一般": "medium", "轻微": "low"}
