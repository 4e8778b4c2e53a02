"""The process map (playbook/process/): one inline SVG of the configured stages and the two phases
after them, with the stage guides' criteria, owner role, output document and this build's figures, in both
languages, escaped, and repeated in a table."""

from __future__ import annotations

import html
import re
from pathlib import Path

from sitegen.config import load_config
from sitegen.pages.process import STEP_LABELS, default_step
from sitegen.playbook import load_playbook
from sitegen.playbook.frontmatter import STEPS

PAGE = "playbook/process/index.html"
ZH_STEPS = ("客户分析", "建立关系", "挖掘需求", "呈现价值", "赢取承诺", "成交签约", "售后服务")


def svg_of(page: str) -> str:
    return page[page.index("<svg"):page.index("</svg>")]


def rows_of(page: str) -> list[str]:
    body = page[page.index('<table class="data pm-table">'):]
    return re.findall(r'<tr id="([^"]+)">', body)


def test_the_map_draws_every_stage_then_contract_and_after_sales(built_en) -> None:
    page = (built_en.out / PAGE).read_text(encoding="utf-8")
    config = load_config(cwd=built_en.out.parent)
    assert rows_of(page) == [*(f"stage-{k}" for k in config.stage_keys), "step-contract", "step-after-sales"]
    svg = svg_of(page)
    assert 'role="img" aria-labelledby="pm-title pm-desc"' in svg
    assert '<title id="pm-title">Sales process map</title>' in svg and '<desc id="pm-desc">' in svg
    for number, step in enumerate(STEPS, start=1):  # the seven steps, numbered, on the strip
        assert f">{number} {STEP_LABELS[step].split()[0]}" in svg, step
    assert svg.count('class="pm-row pm-stage"') == len(config.stages) and svg.count('class="pm-row pm-phase"') == 2
    playbook, _ = load_playbook(config)
    for stage in config.stages:
        guide = playbook.stage_guide(stage.key)
        for key in ("entry_criterion", "exit_criterion", "output_document"):
            assert html.escape(guide.meta[key]) in page, (stage.key, key)  # in the table, word for word
        assert f'<a href="../../{guide.url}">' in page
    assert "Owner: Account manager" in svg and "<td>Sales manager</td>" in page  # the contract review's owner


def test_the_live_figures_are_the_metrics_of_the_build(built_en) -> None:
    page = (built_en.out / PAGE).read_text(encoding="utf-8")
    stats = built_en.metrics.stage_stats.set_index("stage")
    kpis = built_en.metrics.kpis
    table = page[page.index('<table class="data pm-table">'):]
    for key, row in stats.iterrows():
        cells = table[table.index(f'<tr id="stage-{key}">'):]
        cells = cells[:cells.index("</tr>")]
        assert f"<li>Open deals in the stage: {int(row['deals_now']):,}</li>" in cells
        assert f": {row['conversion_to_next'] * 100:.1f}%</li>" in cells
        assert f"<li>Average days in stage: {row['mean_days']:.1f} days</li>" in cells
    assert f"<li>Won deals: {kpis['won_deals_window']:,}</li>" in table
    assert f"<li>Customer retention: {kpis['retention_rate'] * 100:.1f}%</li>" in table


def test_the_chinese_map_shows_the_seven_steps_in_chinese(site_zh: Path) -> None:
    """On the session's Chinese demo build (tests/conftest.py ``site_zh``)."""
    page = (site_zh / PAGE).read_text(encoding="utf-8")
    svg = svg_of(page)
    for number, word in enumerate(ZH_STEPS, start=1):
        assert f"{number} {word}" in svg, word
    assert "<title id=\"pm-title\">销售流程图</title>" in svg
    assert "负责人: 客户经理" in svg and "本阶段在谈商机" in page
    index = (site_zh / "playbook" / "index.html").read_text(encoding="utf-8")
    assert 'href="../playbook/process/index.html"' in index


def test_default_steps_spread_the_stages_over_the_five_steps_before_the_contract() -> None:
    assert [default_step(i, 5) for i in range(5)] == list(STEPS[:5])
    assert [default_step(i, 3) for i in range(3)] == ["customer-analysis", "needs", "commitment"]
    assert default_step(0, 1) == "customer-analysis"
    assert default_step(6, 7) == "commitment"  # never one of the phases after the stages


GUIDE = """---
title: "Qualify"
kind: stage-guide
order: 1
stage: {stage}
{step}summary: "S"
goal: "G"
entry_criterion: "<script>alert(1)</script> & more"
exit_criterion: "Exit </text><text>injected"
key_actions: ["A"]
output_document: "Card"
---

Body.
"""


def test_a_guide_names_its_step_and_data_in_the_picture_is_escaped(make_site, demo_site: Path) -> None:
    from sitegen.build import build_site

    files = {p.name: p.read_bytes() for p in (demo_site / "data").glob("*.csv")}
    root = make_site(files, '[site]\nlanguage = "en"\n')
    folder = root / "content" / "playbook" / "en" / "stages"
    folder.mkdir(parents=True)
    (folder / "lead.md").write_text(GUIDE.format(stage="lead", step="step: value\n"), encoding="utf-8")
    (folder / "contact.md").write_text(GUIDE.format(stage="contact", step=""), encoding="utf-8")
    out = build_site(load_config(cwd=root), as_of="2026-06-30", jobs=1).out
    page = (out / PAGE).read_text(encoding="utf-8")
    svg = svg_of(page)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in svg
    assert "</text><text>injected" not in page
    table = page[page.index('<table class="data pm-table">'):]
    assert '<tr id="stage-lead"><td>4. Present value</td>' in table  # the guide's step
    assert '<tr id="stage-contact"><td>2. Build the relationship</td>' in table  # the default for stage 2 of 5
    assert "<td>–</td>" in table  # a stage without a guide, and phases without a page, show a dash
