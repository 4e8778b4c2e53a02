"""The playbook section: an index grouped by stage and by kind, and one page per document.

Stage guides carry the stage's live figures from this build (deals in the stage, conversion
to the next stage, time in stage against ``max_days``, stale deals with links); tier policies
link to the customers of their tier. Only the sanitised document HTML is marked safe.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterator

import pandas as pd
from markupsafe import Markup

from sitegen.pages import File, Page, Site, common, root_prefix
from sitegen.pages.rows import grouped_records
from sitegen.playbook import KINDS, Document, Playbook
from sitegen.playbook import downloads as dl

INDEX = "playbook/index.html"
PROCESS = "playbook/process/index.html"  # sitegen/pages/process.py
STALE_SHOWN = 50  # stale deals listed on a guide; the rest are counted
KIND_LABELS = {"stage-guide": "Stage guides", "script": "Call scripts", "template": "Templates",
               "checklist": "Checklists", "policy": "Service policies", "role": "Role cards"}
ROLE_LABELS = {"sales-manager": "Sales manager", "account-manager": "Account manager",
               "technical-support": "Technical support", "data-analyst": "Data analyst"}
STALE_COLUMNS = ("opportunity_id", "customer_id", "owner", "amount", "days_since_activity")
GLANCE = (("goal", "Goal"), ("entry_criterion", "Entry criterion"), ("exit_criterion", "Exit criterion"),
          ("output_document", "Output document"), ("service_model", "Service model"))


def playbook_of(site: Site) -> Playbook:
    return site.playbook if site.playbook is not None else Playbook(())


def relative(from_path: str, to_path: str) -> str:
    """Link from one page to another, both given relative to the site root."""
    return root_prefix(from_path) + to_path


def guides_in_stage_order(site: Site, playbook: Playbook) -> list[Document]:
    return [g for g in (playbook.stage_guide(s.key) for s in site.config.stages) if g is not None]


def pages(site: Site) -> Iterator[Page | File]:
    playbook = playbook_of(site)
    stage_names = site.stage_names
    figures = stage_figures(site)
    guides = guides_in_stage_order(site, playbook)
    tier_counts = site.metrics.customers["tier"].value_counts() if len(site.metrics.customers) else pd.Series()
    role_cards = {d.roles[0]: d for d in playbook.documents if d.kind == "role" and len(d.roles) == 1}
    yield _index(site, playbook, stage_names)
    for doc in playbook.documents:
        context = common(site, doc.url, "playbook", doc.title, title_is_label=False)
        link = partial(relative, doc.url)
        context.update(
            doc=_document(doc, stage_names, link, role_cards),
            crumbs=[{"label": "Playbook", "href": link(INDEX)},
                    {"label": KIND_LABELS[doc.kind], "href": link(f"{INDEX}#kind-{doc.kind}")}],
            glance=[{"label": label, "value": doc.meta[key]} for key, label in GLANCE if key in doc.meta],
            related=[_entry(d, stage_names, link) for d in playbook.documents
                     if doc.stage and d.stage == doc.stage and d is not doc],
            figures=_figures_for(doc, figures, link),
            tier_customers=None if doc.kind != "policy" or not doc.tier else
            {"tier": doc.tier, "count": int(tier_counts.get(doc.tier, 0)), "href": link("customers/index.html")},
            funnel_href=link("funnel/index.html"), stale_after_days=site.config.rules.stale_after_days,
            window_days=site.config.rules.window_days, downloads=[
                {"format": f, "href": path.rpartition("/")[2]} for f, path in download_paths(doc)],
            **_neighbours(doc, guides, link),
        )
        yield Page(doc.url, "playbook_page.html", context)
        for fmt, path in download_paths(doc):
            write = dl.docx_bytes if fmt == "docx" else dl.xlsx_bytes
            yield File(path, partial(write, doc.title, doc.summary, doc.html, site.language))


def download_paths(doc: Document) -> list[tuple[str, str]]:
    """(format, output path) of the files a page is offered as: a template as .docx unless its front matter
    says ``downloads: [...]``, next to its page (``playbook/templates/quotation/quotation.xlsx``)."""
    formats = doc.meta.get("downloads", ("docx",) if doc.kind == "template" else ())
    folder = doc.url.rpartition("/")[0]
    name = folder.rpartition("/")[2]
    return [(f, f"{folder}/{name}.{f}") for f in dl.FORMATS if f in formats]


def _index(site: Site, playbook: Playbook, stage_names: dict[str, str]) -> Page:
    link = partial(relative, INDEX)
    by_stage = []
    for stage in site.config.stages:
        guide = playbook.stage_guide(stage.key)
        docs = [_entry(d, stage_names, link) for d in playbook.documents if d.stage == stage.key and d is not guide]
        by_stage.append({"key": stage.key, "name": stage_names[stage.key], "docs": docs,
                         "guide": _entry(guide, stage_names, link) if guide else None})
    by_kind = [{"key": kind, "label": KIND_LABELS[kind],
                "docs": [_entry(d, stage_names, link) for d in playbook.documents if d.kind == kind]}
               for kind in KINDS]
    onboarding = sorted((d for d in playbook.documents if "onboarding" in d.meta),
                        key=lambda d: (d.meta["onboarding"], d.source))
    context = common(site, INDEX, "playbook", "Playbook")
    context.update(by_stage=by_stage, by_kind=[k for k in by_kind if k["docs"]], count=len(playbook.documents),
                   process_href=link(PROCESS), onboarding=[_entry(d, stage_names, link) for d in onboarding])
    return Page(INDEX, "playbook_index.html", context)


def _entry(doc: Document, stage_names: dict[str, str], link) -> dict[str, Any]:
    """A document as a list item: title, link, summary, kind and stage labels."""
    return {"title": doc.title, "href": link(doc.url), "summary": doc.summary, "kind": doc.kind,
            "kind_label": KIND_LABELS[doc.kind], "stage_name": stage_names.get(doc.stage or "", ""),
            "roles": [ROLE_LABELS[r] for r in doc.roles]}


def _document(doc: Document, stage_names: dict[str, str], link, role_cards: dict[str, Document]) -> dict[str, Any]:
    return {
        "title": doc.title, "summary": doc.summary, "kind": doc.kind, "kind_label": KIND_LABELS[doc.kind],
        "html": Markup(doc.html),  # sanitised by sitegen.playbook (nh3); the only markup trusted as is
        "toc": [{"level": t.level, "id": t.id, "title": t.title} for t in doc.toc],
        "roles": [{"label": ROLE_LABELS[r], "href": link(role_cards[r].url) if r in role_cards and
                   role_cards[r] is not doc else None} for r in doc.roles],
        "stage_name": stage_names.get(doc.stage or "", ""), "tier": doc.tier,
    }


def _neighbours(doc: Document, guides: list[Document], link) -> dict[str, Any]:
    """Previous / next stage guide, in the configured stage order (stage guides only)."""
    i = next((n for n, guide in enumerate(guides) if guide is doc), None)
    if i is None:
        return {"prev_guide": None, "next_guide": None}
    pick = lambda d: {"title": d.title, "href": link(d.url)} if d else None  # noqa: E731
    return {"prev_guide": pick(guides[i - 1] if i > 0 else None),
            "next_guide": pick(guides[i + 1] if i + 1 < len(guides) else None)}


def stage_figures(site: Site) -> dict[str, dict[str, Any]]:
    """Live figures per open stage from this build's metrics (``Metrics.stage_stats``), plus the stale deals."""
    m = site.metrics
    stats = m.stage_stats.set_index("stage") if "stage" in m.stage_stats else pd.DataFrame()
    open_deals = m.opportunities[m.opportunities["status"] == "open"]
    stale = open_deals[open_deals["stale"].astype(bool)].sort_values(
        ["days_since_activity", "opportunity_id"], ascending=[False, True], na_position="first")
    stale_rows = grouped_records(stale, "stage", STALE_COLUMNS, head=STALE_SHOWN)
    keys = site.config.stage_keys
    out = {}
    for i, stage in enumerate(site.config.stages):
        row = {k: _value(v) for k, v in stats.loc[stage.key].items()} if stage.key in stats.index else {}
        median = None if row.get("median_days") is None else float(row["median_days"])
        last = i + 1 == len(keys)
        out[stage.key] = {
            "stage_name": site.stage_names[stage.key], "has_pipeline": bool(m.inputs.get("pipeline")),
            "open_deals": int(row.get("deals_now") or 0), "open_amount": row.get("amount_now"),
            "next_stage_name": "won" if last else site.stage_names[keys[i + 1]], "next_is_label": last,
            "conversion_to_next": row.get("conversion_to_next"),
            "median_days": median, "max_days": stage.max_days, "has_history": site.dataset.has("stage_history"),
            "over_max": None if median is None else median > stage.max_days,
            "over_max_now": row.get("over_max_days"),
            "stale_count": int(row.get("stale_now") or 0),
            "stale_deals": [_stale_row(site, r) for r in stale_rows.get(stage.key, [])],
        }
    return out


def _stale_row(site: Site, row: dict[str, Any]) -> dict[str, Any]:
    cid = row["customer_id"]
    path = site.customer_href(cid)
    return {**row, "customer_name": site.customer_names.get(cid, cid) if path else None, "customer_path": path,
            "deal_path": site.deal_hrefs.get(str(row["opportunity_id"]))}


def _figures_for(doc: Document, figures: dict[str, dict[str, Any]], link) -> dict[str, Any] | None:
    """A stage guide's figures with links made relative to its page."""
    if doc.kind != "stage-guide" or doc.stage not in figures:
        return None
    fig = dict(figures[doc.stage])
    fig["stale_deals"] = [{**d, "customer_href": link(d["customer_path"]) if d["customer_path"] else None,
                           "deal_href": link(d["deal_path"]) if d["deal_path"] else None} for d in fig["stale_deals"]]
    return fig


def _value(value: Any) -> Any:
    """A frame cell as a plain Python value; None when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value
