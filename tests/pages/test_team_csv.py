"""data/team.csv (SPEC §7): one row per owner with every scorecard and appraisal column, score and rank, text
neutralised; the team page's appraisal table and each owner's rank "n of m", in both languages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.pages.team import team_csv_columns

AS_OF = "2026-06-30"
FILES = {
    "orders.csv": "order_id,customer_id,order_date,amount,cost,owner\n"
                  "1,A,2026-02-01,1000,600,Ann\n2,B,2026-03-01,500,400,=cmd\n3,A,2025-02-01,800,500,Ann\n"
                  "4,C,2020-01-01,5,,Bob\n",
    "customers.csv": "customer_id,name,owner\nA,Acme,Ann\nB,Beta,=cmd\nC,Gamma,Ann\n",
    "targets.csv": "period,owner,revenue_target,new_customers_target\n2026,Ann,2000,2\n2026,=cmd,2000,2\n",
    "pipeline.csv": "opportunity_id,customer_id,owner,stage,created_date,close_date,amount\n"
                    "O1,A,Ann,Lead,2026-06-01,2026-08-01,100\n",
}


def build(root: Path, language: str = "en") -> Path:
    (root / "data").mkdir(parents=True)
    for name, text in FILES.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    (root / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\n', encoding="utf-8")
    return build_site(load_config(cwd=root), as_of=AS_OF, jobs=1).out


@pytest.fixture(scope="module")
def out_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("team-en"))


@pytest.fixture(scope="module")
def rows(out_en: Path) -> list[dict[str, str]]:
    text = (out_en / "data" / "team.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].split(",") == team_csv_columns()
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_owner_in_rank_order_with_score_and_rank(rows) -> None:
    assert [r["owner"] for r in rows] == ["Ann", "'=cmd", "Bob"]          # ranked best first, then the inactive
    ann, cmd, bob = rows
    assert (ann["rank"], cmd["rank"], bob["rank"]) == ("1", "2", "")
    assert (ann["ranked_of"], cmd["ranked_of"]) == ("2", "2")
    assert (ann["active"], bob["active"], bob["ranked"]) == ("True", "False", "False")
    # Ann: sales 66.7 (100 %), profit 80 (40 % vs the team's 33.3 %), growth 75 (+25 %), new customers 0 (A first
    # bought in 2025); no feedback: (.35*66.67 + .2*80 + .15*75 + .15*0) / .85
    assert (ann["sales_score"], ann["profit_score"], ann["growth_score"], ann["new_customers_score"]) == \
        ("66.7", "80.0", "75.0", "0.0")
    assert ann["score"] == "59.5" and ann["components"] == "sales;profit;growth;new_customers"
    assert ann["satisfaction_score"] == "" and cmd["growth_score"] == ""  # left out, not zero
    assert cmd["components"] == "sales;profit;new_customers" and cmd["score"] == "42.4"


def test_figures_and_formats(rows) -> None:
    ann = rows[0]
    assert ann["revenue_ytd"] == "1000.0" and ann["revenue_prior_ytd"] == "800.0" and ann["growth_ytd"] == "0.25"
    assert ann["margin_pct_ytd"] == "0.4" and ann["attainment_ytd"] == "1.0"
    assert ann["new_customers_target_ytd"] == "1.0" and ann["url"].startswith("team/") and ann["url"].endswith("/")
    assert rows[1]["margin_pct_ytd"] == "0.2" and rows[1]["new_customers_ytd"] == "1"


def test_hostile_owner_is_neutralised_everywhere_in_the_file(out_en: Path) -> None:
    text = (out_en / "data" / "team.csv").read_text(encoding="utf-8")
    assert "\n=cmd" not in text and ",=cmd" not in text and "'=cmd" in text


def test_team_page_lists_the_appraisal_with_a_sticky_name_column(out_en: Path) -> None:
    html = (out_en / "team" / "index.html").read_text(encoding="utf-8")
    assert 'id="appraisal-table" class="data sortable sticky-first"' in html
    assert 'id="scorecard-table" class="data sortable sticky-first"' in html
    body = html.split('id="appraisal-table"')[1].split("</table>")[0]
    assert body.index(">Ann<") < body.index(">=cmd<") < body.index(">Bob<")
    assert "Inactive" in body and "n=" not in body  # no survey answers, so no sample sizes


@pytest.mark.parametrize("language, text", [("en", "Rank 1 of 2"), ("zh-CN", "排名 1 / 2")])
def test_owner_page_shows_their_rank(tmp_path: Path, language: str, text: str) -> None:
    out = build(tmp_path / language, language)
    pages = {p.parent.name: p.read_text(encoding="utf-8") for p in (out / "team").glob("*/index.html")}
    ann = next(html for html in pages.values() if "<h1>Ann</h1>" in html)
    assert text in ann and 'id="appraisal"' in ann
    bob = next(html for html in pages.values() if "<h1>Bob</h1>" in html)
    assert ("Not ranked" if language == "en" else "未参与排名") in bob
