"""``sitegen review PERIOD``: a starting file for a review meeting, ``content/reviews/PERIOD.md``.

It lists the period's headline figures, the goals it missed and its largest movements against the previous
period (from the period's report; for a week, the pipeline figures, the goals and the week's changes), each
as a heading with empty "Analysis" and "Actions" slots for the manager to fill in before the meeting. It is
written in the site's language and never replaces an existing file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from sitegen.config import Config
from sitegen.errors import ConfigError, ConfigProblem
from sitegen.render import Renderer
from sitegen.reviews import ReviewPeriod, parse_review_period, review_folder

MOVEMENTS = 5  # largest changes listed
WEEK_FIGURES = (("open_pipeline", "Open pipeline", "money"), ("weighted_pipeline", "Weighted pipeline", "money"),
                ("forecast_quarter", "Forecast this quarter", "money"), ("stale_opportunities", "Stale deals", "number"))


@dataclass(frozen=True)
class Line:
    """One item under a heading: a figure's label and its value in words."""

    label: str
    text: str


def choose(config: Config, text: str, as_of: pd.Timestamp) -> ReviewPeriod:
    """The period named on the command line; a usage error (exit 2) when it is none or starts after as_of."""
    period = parse_review_period(text, config.site.fiscal_year_start)
    if period is None:
        raise ConfigError([ConfigProblem("PERIOD", "period", f"not a review period: {text!r}",
                                         "write a month 2026-11, a quarter 2026-Q4, a year 2026 or a week 2026-W48")])
    if period.start > as_of.date():
        raise ConfigError([ConfigProblem("PERIOD", "period", f"{period.label} starts after the build date "
                                         f"{as_of:%Y-%m-%d}", "choose an earlier period or a later --as-of")])
    return period


def review_path(config: Config, period: ReviewPeriod) -> Path:
    """Where the team's review of ``period`` lives."""
    return review_folder(config) / f"{period.label}.md"


def write_review_start(config: Config, text: str, as_of: str | None = None) -> Path:
    """Write the starting file of the review of period ``text``; a usage error (exit 2) when the file exists."""
    from sitegen.build import prepare_site
    from sitegen.metrics import as_of_date

    today = as_of_date(config, as_of)
    period = choose(config, text, today)
    path = review_path(config, period)
    for existing in (path, path.parent / config.site.language / path.name):
        if existing.exists() or existing.is_symlink():
            raise ConfigError([ConfigProblem(str(existing), "(file)", "a review file already exists for this "
                                             "period", "edit it, or delete it first to start again")])
    site = prepare_site(config, today)
    body = starting_text(period, site.metrics, config, Renderer(config.site.language, config.site.currency))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # "x": never replace a file made meanwhile
        out.write(body)
    return path


def starting_text(period: ReviewPeriod, metrics: Any, config: Config, r: Renderer) -> str:
    """The file's text: front matter (title, empty date, attendees and actions) and the three sections."""
    if period.kind == "week":
        headline, missed, moves = _week(metrics, r)
    else:
        headline, missed, moves = _report(metrics.reports.get(period.label) or {}, config, r)
    name = period.label if period.kind == "week" else r.fmt.period(period.label)
    out = ["---", f'title: "{r.translate("Review of {period}", period=name)}"', "date:", "attendees: []",
           "actions: []", "---", ""]
    for title, lines in ((r.translate("Headline figures"), headline), (r.translate("Goals missed"), missed),
                         (r.translate("Largest movements"), moves)):
        out += [f"## {title}", ""]
        for line in lines:
            out += [f"### {line.label}: {line.text}", "", f"#### {r.translate('Analysis')}", "",
                    f"#### {r.translate('Actions')}", ""]
    return "\n".join(out)


def _value(r: Renderer, value: Any, fmt: str) -> str:
    f = r.fmt
    return {"money": f.money, "pct": f.percent, "days": f.days, "change": f.change}.get(fmt, f.number)(value)


def _report(report: Mapping[str, Any], config: Config, r: Renderer) -> tuple[list[Line], list[Line], list[Line]]:
    from sitegen.pages.reports import FIGURES, TILE_COUNT, relative_change, report_goals

    figures = report.get("figures") or {}
    known = [(k, label, fmt) for k, label, fmt, _ in FIGURES if figures.get(k) is not None]
    headline = [Line(r.translate(label), _value(r, figures[k], fmt)) for k, label, fmt in known[:TILE_COUNT]]
    goals = report_goals(report, config) if figures else {}
    missed = [Line(r.translate(label), r.translate("{actual} against a goal of {target}",
                                                  actual=_value(r, figures[k], fmt),
                                                  target=_value(r, goals[k]["target"], fmt)))
              for k, label, fmt in known if goals.get(k, {}).get("met") is False]
    changes = [(k, label, fmt, relative_change(report, "previous", k)) for k, label, fmt in known]
    changes = sorted((c for c in changes if c[3] is not None), key=lambda c: (-abs(c[3]), c[0]))[:MOVEMENTS]
    moves = [Line(r.translate(label), r.translate("{change} vs previous period", change=r.fmt.change(change)))
             for _, label, _, change in changes]
    return headline, missed, moves


def _week(metrics: Any, r: Renderer) -> tuple[list[Line], list[Line], list[Line]]:
    from sitegen.pages.changes import CHANGE_LABELS

    kpis = metrics.kpis
    headline = [Line(r.translate(label), _value(r, kpis[k], fmt)) for k, label, fmt in WEEK_FIGURES
                if kpis.get(k) is not None]
    missed = [Line(r.translate(g["label"]), r.translate("{actual} against a goal of {target}",
                                                       actual=_value(r, g.get("actual"), g.get("format", "number")),
                                                       target=_value(r, g.get("target"), g.get("format", "number"))))
              for g in metrics.goals if g.get("met") is False]
    ch = metrics.changes
    counts = sorted(((k, n) for k, n in ch.counts.items() if n and k not in ch.cannot_see), key=lambda kv: -kv[1])
    moves = [Line(r.translate(CHANGE_LABELS[k]), r.fmt.number(n)) for k, n in counts[:MOVEMENTS]]
    return headline, missed, moves


__all__ = ["write_review_start", "starting_text", "choose", "review_path"]
