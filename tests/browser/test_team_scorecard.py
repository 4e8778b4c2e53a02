"""The team page's appraisal in real Chromium: the name column stays at the left edge while the table scrolls
sideways (position: sticky), at phone and laptop widths, in English and Chinese; owner pages show their rank."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

BOXES = """(id) => {
  const table = document.getElementById(id);
  const wrap = table.closest('.table-wrap');
  const row = table.tBodies[0].rows[0];
  const box = (el) => el.getBoundingClientRect();
  return {wrapLeft: box(wrap).left, scrollLeft: wrap.scrollLeft, room: wrap.scrollWidth - wrap.clientWidth,
          name: box(row.cells[0]).left, next: box(row.cells[1]).left,
          nameOnTop: document.elementFromPoint(box(row.cells[0]).left + 3, box(row.cells[0]).top + 3)
                     .closest('th, td') === row.cells[0]};
}"""


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize("table", ["appraisal-table", "scorecard-table"])
def test_name_column_stays_at_the_left_edge_while_the_table_scrolls(site_en, site_zh, serve, probe, language, width,
                                                                    table) -> None:
    out = site_en if language == "en" else site_zh
    view = probe(viewport={"width": width, "height": 900})
    view.open(serve(out) + "team/index.html")
    page = view.page
    page.evaluate("(id) => document.getElementById(id).tBodies[0].rows[0].scrollIntoView({block: 'center'})", table)
    before = page.evaluate(BOXES, table)
    assert abs(before["name"] - before["wrapLeft"]) <= 2
    if before["room"] <= 0:  # a wide screen may show the whole table (Chinese labels are short): nothing scrolls
        assert width > 390 and not view.errors, view.errors
        return
    assert before["room"] > 100, "a phone never fits the table: this case must scroll"
    page.evaluate("(id) => { document.getElementById(id).closest('.table-wrap').scrollLeft = 400; }", table)
    page.wait_for_timeout(50)
    after = page.evaluate(BOXES, table)
    assert after["scrollLeft"] > 0
    assert after["next"] < before["next"] - 100                       # the other columns moved ...
    assert abs(after["name"] - before["name"]) <= 1                    # ... the name did not
    assert after["nameOnTop"]                                          # and is drawn over them
    assert not view.errors, view.errors


@pytest.mark.parametrize("language, rank", [("en", "Rank 1 of "), ("zh-CN", "排名 1 / ")])
def test_the_best_rep_page_says_rank_1(site_en, site_zh, serve, probe, language, rank) -> None:
    out = site_en if language == "en" else site_zh
    view = probe(viewport={"width": 390, "height": 900})
    view.open(serve(out) + "team/index.html")
    first = view.page.locator("#appraisal-table tbody tr").first
    assert first.locator("td").first.inner_text().strip() == "1"
    first.locator("a").first.click()
    view.page.wait_for_load_state("load")
    assert rank in view.page.locator("#appraisal p.rank").inner_text()
    assert not view.errors, view.errors
