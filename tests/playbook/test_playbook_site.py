"""The playbook in a demo build: a page per document, live figures that match data/, visit sheets."""

from __future__ import annotations

import csv
import dataclasses
import html
import json
import re
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from sitegen.config import load_config
from sitegen.pages import Site
from sitegen.pages import playbook as playbook_section
from sitegen.playbook import TIERS, load_playbook
from sitegen.render import CATALOG_DIR, Renderer

HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture(scope="module")
def built(demo_en):
    """The session's English demo build (tests/conftest.py ``demo_en``): output, config, playbook, opportunities
    rows, build result."""
    result = demo_en
    out = result.out
    config = load_config(cwd=out.parent)
    playbook, _ = load_playbook(config)
    with (out / "data" / "opportunities.csv").open(encoding="utf-8") as f:
        deals = list(csv.DictReader(f))
    return SimpleNamespace(out=out, config=config, playbook=playbook, deals=deals, result=result)


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def figure(page: str, name: str) -> tuple[str, str]:
    """(data-value, shown text) of one figure tile on a stage guide."""
    match = re.search(rf'data-figure="{name}">.*?data-value="([^"]*)">([^<]*)<', page, re.S)
    assert match, name
    return match.group(1), match.group(2).strip()


def test_every_document_has_a_page_and_the_index_links_them_all(built) -> None:
    out, playbook = built.out, built.playbook
    index = read(out, "playbook/index.html")
    for doc in playbook.documents:
        page = read(out, doc.url)
        assert f"<h1>{html.escape(doc.title, quote=False)}</h1>" in page, doc.url
        assert doc.html in page  # the sanitised body, unescaped exactly once
        assert doc.url.removeprefix("playbook/") in index
    assert 'href="playbook/index.html"' in read(out, "index.html")  # in the navigation


def test_links_inside_the_playbook_and_to_customers_resolve(built) -> None:
    out, playbook = built.out, built.playbook
    pages = [out / "playbook" / "index.html", *(out / d.url for d in playbook.documents)]
    pages += sorted(out.glob("customers/*/visit.html"))[:20]
    for page in pages:
        for href in HREF.findall(page.read_text(encoding="utf-8")):
            target = html.unescape(href).split("#")[0]
            if not target or ":" in target or not re.match(r"(\.\./)*(playbook|customers)/", target):
                continue
            assert (page.parent / target).resolve().is_file(), (page.relative_to(out), href)


def test_playbook_pages_carry_no_script_of_their_own(built) -> None:
    out, playbook = built.out, built.playbook
    for doc in playbook.documents:
        assert "<script" not in doc.html
        for tag in re.findall(r"<script[^>]*>", read(out, doc.url)):
            assert re.fullmatch(r'<script src="(\.\./)+(assets|data)/[\w.-]+\.js">', tag), (doc.url, tag)


def test_each_stage_guide_shows_figures_that_match_the_data_files(built) -> None:
    out, config, playbook, deals = built.out, built.config, built.playbook, built.deals
    metrics = json.loads(read(out, "data/metrics.json"))
    conversion = {row["stage"]: row["conversion_from_previous"] for row in metrics["funnel"]}
    times = built.result.metrics.stage_stats.set_index("stage")
    stale_total = 0
    keys = [*config.stage_keys, "won"]
    for i, stage in enumerate(config.stages):
        guide = playbook.stage_guide(stage.key)
        page = read(out, guide.url)
        open_here = [d for d in deals if d["status"] == "open" and d["stage"] == stage.key]
        stale_here = [d for d in open_here if d["stale"] == "True"]
        assert figure(page, "open_deals") == (str(len(open_here)), f"{len(open_here):,}")
        assert figure(page, "stale_count") == (str(len(stale_here)), f"{len(stale_here):,}")
        expected = conversion[keys[i + 1]]
        value, shown = figure(page, "conversion_to_next")
        assert float(value) == pytest.approx(expected) and shown == f"{expected * 100:.1f}%"
        assert f"expected at most {stage.max_days} days" in page
        median = times.at[stage.key, "median_days"]  # time in stage is not in metrics.json
        assert figure(page, "median_days")[0] == ("" if pd.isna(median) else str(float(median)))
        for deal in stale_here[:50]:
            assert deal["opportunity_id"] in page
            assert f'href="../../../{deal["url"]}index.html"' in page
        stale_total += len(stale_here)
    assert stale_total == metrics["kpis"]["stale_opportunities"]


def test_stage_guides_link_previous_and_next_in_stage_order(built) -> None:
    out, config, playbook = built.out, built.config, built.playbook
    guides = [playbook.stage_guide(s.key) for s in config.stages]
    first, second = read(out, guides[0].url), read(out, guides[1].url)
    assert 'rel="prev"' not in first and f'rel="next" href="../../../{guides[1].url}"' in first
    assert f'rel="prev" href="../../../{guides[0].url}"' in second


def test_a_visit_sheet_lists_the_key_actions_of_each_open_deals_stage(built) -> None:
    out, playbook, deals = built.out, built.playbook, built.deals
    with (out / "data" / "customers.csv").open(encoding="utf-8") as f:
        customer_url = {row["customer_id"]: row["url"] for row in csv.DictReader(f)}
    open_deals = [d for d in deals if d["status"] == "open" and customer_url.get(d["customer_id"])]
    assert open_deals
    for deal in open_deals[:10]:
        sheet = read(out, f"{customer_url[deal['customer_id']]}visit.html")
        guide = playbook.stage_guide(deal["stage"])
        assert deal["opportunity_id"] in sheet
        assert html.escape(guide.meta["exit_criterion"]) in sheet
        for action in guide.meta["key_actions"]:
            assert f'<input type="checkbox" disabled> {html.escape(action)}</label></li>' in sheet
    customers_without_deals = set(customer_url.values()) - {customer_url[d["customer_id"]] for d in open_deals}
    for url in list(customers_without_deals)[:5]:
        assert not (out / url / "visit.html").exists()


def test_switching_the_language_switches_content_and_ui(built) -> None:
    config = dataclasses.replace(built.config, site=dataclasses.replace(built.config.site, language="zh-CN"))
    playbook, problems = load_playbook(config)
    assert problems == []
    site = Site(config=config, dataset=built.result.dataset, metrics=built.result.metrics, playbook=playbook)
    renderer = Renderer("zh-CN", config.site.currency, config.templates_dir)
    rendered = {page.path: renderer.render(page.template, page.context).decode("utf-8")
                for page in playbook_section.pages(site) if hasattr(page, "template")}  # not the .docx files
    assert "<h1>销售手册</h1>" in rendered["playbook/index.html"]
    guide = rendered["playbook/stages/lead/index.html"]
    assert "<h1>线索挖掘</h1>" in guide and "本阶段的实时数据" in guide and 'lang="zh-CN"' in guide


def test_every_label_the_playbook_pages_pass_has_a_chinese_text() -> None:
    catalog = tomllib.loads((CATALOG_DIR / "zh-CN.toml").read_text(encoding="utf-8"))["messages"]
    labels = {*playbook_section.KIND_LABELS.values(), *playbook_section.ROLE_LABELS.values(),
              *(label for _, label in playbook_section.GLANCE), "Playbook", "won", *TIERS}
    assert sorted(label for label in labels if label not in catalog) == []
