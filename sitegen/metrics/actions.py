"""Review actions joined with the build date: each action's latest state, overdue, and where it was closed.

Review files apply in period order (:attr:`sitegen.reviews.ReviewPeriod.order`); a later file naming the same
id updates the action (its status, and any of what / owner / due it gives), so the latest file wins and the
earlier ones stay as history. An action is overdue when it is still open and its due date is before as_of.
Files of periods that start after as_of are not read: a build for an earlier date shows what was known then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

CLOSED = ("done", "dropped")


@dataclass
class ActionState:
    """One action as known after some review files: the fields of its latest mention and its history."""

    id: str
    period: str                  # the review that agreed it
    opened: date                 # that review's meeting date (else its period's last day)
    what: str
    owner: str
    due: date | None
    status: str
    closed_in: str | None = None  # the review whose file closed it (done or dropped)
    history: list[tuple[str, str]] = field(default_factory=list)  # (period, status) per mention
    overdue: bool = False

    def days_open(self, until: date) -> int:
        """Days from the review that agreed it to ``until`` (never negative)."""
        return max(0, (until - self.opened).days)

    def as_row(self) -> dict[str, Any]:
        """The columns of data/actions.csv."""
        return {"id": self.id, "period": self.period, "what": self.what, "owner": self.owner,
                "due": self.due.isoformat() if self.due else "", "status": self.status, "overdue": self.overdue,
                "closed_in": self.closed_in or ""}


def fold(reviews: Iterable[Any], until: tuple | None = None) -> dict[str, ActionState]:
    """Action id -> its state after the reviews up to the period order ``until`` (all when None)."""
    states: dict[str, ActionState] = {}
    for review in reviews:
        if until is not None and review.period.order > until:
            continue
        for a in review.actions:
            state = states.get(a.id)
            if state is None:
                state = states[a.id] = ActionState(a.id, review.period.label, review.held, a.what or "",
                                                   a.owner or "", a.due, a.status)
            else:
                state.what, state.owner = a.what or state.what, a.owner or state.owner
                state.due, state.status = a.due or state.due, a.status
            state.closed_in = review.period.label if a.status in CLOSED else None
            state.history.append((review.period.label, a.status))
    return states


def current_actions(reviews: Iterable[Any], as_of: date) -> list[ActionState]:
    """Every action as of ``as_of`` (reviews of periods starting after it are left out), with ``overdue`` set;
    in the order they were agreed."""
    known = [r for r in reviews if r.period.start <= as_of]
    states = list(fold(known).values())
    for s in states:
        s.overdue = s.status == "open" and s.due is not None and s.due < as_of
    return states


def carried_over(reviews: Iterable[Any], period: Any, as_of: date) -> list[tuple[ActionState, int]]:
    """The actions of earlier reviews still open after the review of ``period`` (a ReviewPeriod; the files up
    to it in order, whether or not it has one), with the days each had been open at the period's end (as_of
    while it runs): what a report lists as "carried over"."""
    known = [r for r in reviews if r.period.start <= as_of]
    until = min(period.end, as_of)
    states = fold(known, period.order)
    return [(s, s.days_open(until)) for s in states.values() if s.status == "open" and s.period != period.label]


__all__ = ["ActionState", "CLOSED", "fold", "current_actions", "carried_over"]
