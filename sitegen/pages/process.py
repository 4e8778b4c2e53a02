"""The process map: the company's sales process as one inline SVG, from lead to after-sales.

One row per configured stage, then contract signing and after-sales as phases of their own. Each
row shows the step of the seven-step sales process it belongs to (客户分析 → … → 售后服务), the entry
and exit criteria, owner role and output document from the stage guide's front matter (a phase's from
the playbook page whose ``step`` names it), and this build's figures (the stage's open deals,
conversion and average days from ``Metrics.stage_stats``; won deals and retention for the phases).
The picture is laid out here (text wrapped by its width); the template writes it, autoescaped, and
repeats every word in a table, so nothing is only in the picture.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Iterator

from sitegen.pages import Page, Site, common
from sitegen.pages.playbook import INDEX as PLAYBOOK_INDEX
from sitegen.pages.playbook import ROLE_LABELS, playbook_of, relative, stage_figures
from sitegen.playbook import Document, Playbook
from sitegen.playbook.frontmatter import STEPS
from sitegen.render import load_catalog
from sitegen.render.formatting import MISSING, Formatter

INDEX = "playbook/process/index.html"
STEP_LABELS = {"customer-analysis": "Customer analysis", "relationship": "Build the relationship",
               "needs": "Discover needs", "value": "Present value", "commitment": "Win commitment",
               "contract": "Sign the contract", "after-sales": "After-sales service"}
PHASES = ("contract", "after-sales")  # explicit phases after the last open stage
WIDTH, STRIP_Y, ROWS_Y, GAP = 960, 8, 84, 28
COLUMNS = ((12, 220), (248, 400), (664, 284))  # (x, width) of the stage, criteria and facts columns
FONT, LINE = 13, 17


@dataclass
class Row:
    """One stage or phase of the map, its texts translated and wrapped for the picture."""

    key: str
    kind: str                      # "stage" or "phase"
    step: str
    step_no: int
    name: str
    entry: str
    exit: str
    owner: str
    output: str
    href: str | None
    figures: list[tuple[str, str]]
    y: int = 0
    height: int = 0
    texts: list[dict[str, Any]] = field(default_factory=list)


def default_step(position: int, count: int) -> str:
    """The step of the ``position``-th of ``count`` open stages when its guide names none: the stages
    spread in order over the five steps before the contract (five stages: one step each)."""
    if count <= 1:
        return STEPS[0]
    return STEPS[round(position * 4 / (count - 1))]


def pages(site: Site) -> Iterator[Page]:
    if not site.shows("playbook"):
        return
    yield Page(INDEX, "process.html", partial(_context, site))


def _context(site: Site) -> dict[str, Any]:
    catalog = load_catalog(site.language)
    tr = lambda message: catalog.get(message, message)  # noqa: E731
    fmt = Formatter(site.language, site.config.site.currency)
    link = partial(relative, INDEX)
    playbook = playbook_of(site)
    rows = _stage_rows(site, playbook, tr, fmt, link) + _phase_rows(site, playbook, tr, fmt, link)
    height = _layout(rows, tr)
    steps = [{"key": s, "no": i + 1, "label": tr(STEP_LABELS[s]), "covered": any(r.step == s for r in rows),
              "x": 4 + i * (WIDTH - 8) / len(STEPS), "width": (WIDTH - 8) / len(STEPS) - 6,
              "lines": _wrap(f"{i + 1} {tr(STEP_LABELS[s])}", (WIDTH - 8) / len(STEPS) - 22, 12)[:2]}
             for i, s in enumerate(STEPS)]
    context = common(site, INDEX, "playbook", "Sales process map")
    context.update(rows=rows, steps=steps, width=WIDTH, height=height, playbook_href=link(PLAYBOOK_INDEX),
                   step_labels=STEP_LABELS, columns=COLUMNS, window_days=site.config.rules.window_days,
                   funnel_href=link("funnel/index.html") if site.shows("funnel") else None)
    return context


def _stage_rows(site: Site, playbook: Playbook, tr, fmt: Formatter, link) -> list[Row]:
    figures = stage_figures(site)
    means = _mean_days(site)
    rows = []
    stages = site.config.stages
    for i, stage in enumerate(stages):
        guide = playbook.stage_guide(stage.key)
        meta = guide.meta if guide else {}
        step = meta.get("step") or default_step(i, len(stages))
        fig = figures[stage.key]
        nxt = tr(fig["next_stage_name"]) if fig["next_is_label"] else fig["next_stage_name"]
        numbers = [(tr("Open deals in the stage"), fmt.number(fig["open_deals"])),
                   (tr("Conversion to {stage}").format(stage=nxt), fmt.percent(fig["conversion_to_next"])),
                   (tr("Average days in stage"), _days(fmt, tr, means.get(stage.key)))]
        rows.append(Row(stage.key, "stage", step, STEPS.index(step) + 1, site.stage_names[stage.key],
                        meta.get("entry_criterion", MISSING), meta.get("exit_criterion", MISSING),
                        _owner(guide, tr), meta.get("output_document", MISSING),
                        link(guide.url) if guide else None, numbers if fig["has_pipeline"] else []))
    return rows


def _phase_rows(site: Site, playbook: Playbook, tr, fmt: Formatter, link) -> list[Row]:
    k = site.metrics.kpis
    figures = {
        "contract": [(tr("Won deals"), fmt.number(k.get("won_deals_window"))),
                     (tr("Won amount"), fmt.money_short(k.get("won_amount_window"))),
                     (tr("Win rate"), fmt.percent(k.get("win_rate")))],
        "after-sales": [(tr("Customer retention"), fmt.percent(k.get("retention_rate"))),
                        (tr("Repeat purchase rate"), fmt.percent(k.get("repeat_purchase_rate"))),
                        ("NPS", fmt.number(k.get("nps")))],
    }
    rows = []
    for phase in PHASES:
        doc = next((d for d in playbook.documents if d.kind != "stage-guide" and d.meta.get("step") == phase), None)
        meta = doc.meta if doc else {}
        rows.append(Row(phase, "phase", phase, STEPS.index(phase) + 1, tr(STEP_LABELS[phase]),
                        meta.get("entry_criterion", MISSING), meta.get("exit_criterion", MISSING),
                        _owner(doc, tr), meta.get("output_document", MISSING),
                        link(doc.url) if doc else None, figures[phase]))
    return rows


def _mean_days(site: Site) -> dict[str, float]:
    """Average (mean) days in each open stage, from the stage history (``Metrics.stage_stats``)."""
    stats = site.metrics.stage_stats
    if "mean_days" not in stats:
        return {}
    return {str(s): float(d) for s, d in zip(stats["stage"], stats["mean_days"]) if d == d and d is not None}


def _days(fmt: Formatter, tr, value: float | None) -> str:
    return MISSING if value is None else tr("{days} days").format(days=fmt.number(value, 1))


def _owner(doc: Document | None, tr) -> str:
    """The page's ``owner_role``, else its first role; a dash without either."""
    if doc is None:
        return MISSING
    role = doc.meta.get("owner_role") or (doc.roles[0] if doc.roles else None)
    return tr(ROLE_LABELS[role]) if role else MISSING


def _layout(rows: list[Row], tr) -> int:
    """Positions and wrapped lines of every row; returns the picture's height."""
    y = ROWS_Y
    (x0, w0), (x1, w1), (x2, w2) = COLUMNS
    for row in rows:
        left = [("pm-name", line) for line in _wrap(row.name, w0 - 48, 15)]
        left += [("pm-muted", line) for line in _wrap(f"{tr('Owner')}: {row.owner}", w0 - 48, 12)]
        middle = [("pm-label", tr("Entry criterion"))] + [("", ln) for ln in _wrap(row.entry, w1, FONT)]
        middle += [("pm-label", tr("Exit criterion"))] + [("", ln) for ln in _wrap(row.exit, w1, FONT)]
        right = [("pm-label", tr("Output document"))] + [("", ln) for ln in _wrap(row.output, w2 - 12, FONT)]
        right += [("pm-figure", ln) for label, value in row.figures for ln in _wrap(f"{label}: {value}", w2 - 12, 12)]
        row.y = y
        row.height = max(len(left), len(middle), len(right)) * LINE + 20
        row.texts = [{"x": x, "y": y + 24 + n * LINE, "cls": cls, "text": text}
                     for x, column in ((x0 + 40, left), (x1, middle), (x2 + 6, right))
                     for n, (cls, text) in enumerate(column)]
        y += row.height + GAP
    return y - GAP + 8


def _width(text: str, size: float) -> float:
    """Estimated width of ``text`` at font ``size``: wide (CJK) characters one em, others 0.6 em (a
    generous average of a sans-serif's letters, bold included, so a line never runs past its box)."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy wrapping by estimated width: between words, and between any two wide characters."""
    tokens: list[str] = []
    for word in text.split(" "):
        piece = ""
        for ch in word:
            if unicodedata.east_asian_width(ch) in "WF":
                if piece:
                    tokens.append(piece)
                    piece = ""
                tokens.append(ch)
            else:
                piece += ch
        if piece:
            tokens.append(piece)
        tokens.append(" ")
    lines, line = [], ""
    for token in tokens[:-1]:
        if line and _width((line + token).rstrip(), size) > width and token != " ":
            lines.append(line.rstrip())
            line = "" if token == " " else token
        else:
            line = line + token if line or token != " " else line
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]
