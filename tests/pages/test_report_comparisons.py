"""Period report pages say how they compare: same days while running, partial first periods, absolute changes
on tiny bases, "–" where a figure does not apply; year-to-date targets labelled with the full year beside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pages.conftest import build

AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def sites(demo_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for language in ("en", "zh-CN"):
        root = tmp_path_factory.mktemp(f"compare-{language}")
        build(demo_site, root, language, AS_OF)
        out[language] = root / "output"
    return out


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_running_month_is_labelled_like_for_like(sites) -> None:
    assert "1–20 Nov vs 1–20 Oct" in page(sites["en"], "reports/2026-11/index.html")
    assert "11月1–20日 对比 10月1–20日" in page(sites["zh-CN"], "reports/2026-11/index.html")
    assert "1–20 Nov" not in page(sites["en"], "reports/2026-10/index.html")       # closed: full periods


def test_partial_first_period_is_marked(sites) -> None:
    first = sorted(p.name for p in (sites["en"] / "reports").iterdir() if p.is_dir() and len(p.name) == 7)[0]
    report = json.loads(page(sites["en"], f"reports/{first}/report.json"))
    assert report["partial"] == ('id="partial-period"' in page(sites["en"], f"reports/{first}/index.html"))


def test_tiny_bases_show_the_difference(sites) -> None:
    report = json.loads(page(sites["en"], "reports/2026-11/report.json"))
    tiny = [k for k, basis in report["change_basis"]["previous"].items() if basis == "absolute"]
    assert "won_deals" in tiny                                          # 1 won deal on 1–20 Oct
    before = report["comparison"]["previous"]["figures"]["won_deals"]
    difference = report["figures"]["won_deals"] - before
    html = page(sites["en"], "reports/2026-11/index.html")
    assert f"({'+' if difference > 0 else ''}{difference})" in html


def test_not_applicable_cells_show_a_dash(sites) -> None:
    html = page(sites["en"], "reports/2026-11/index.html")
    table = html.split('id="breakdown-lead_source"')[1].split("</table>")[0]
    assert 'data-value="">–</td>' in table                                 # orders by lead source: "–", not 0


def test_year_to_date_target_labels(sites) -> None:
    assert "Target year to date" in page(sites["en"], "team/index.html")
    assert "年初至今目标" in page(sites["zh-CN"], "team/index.html")
    assert "Target for the full year" in page(sites["en"], "index.html")
    assert "全年目标" in page(sites["zh-CN"], "index.html")
