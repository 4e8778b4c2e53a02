"""A page per deal: every open deal and every deal closed in the window has one, opportunities.csv links to it,
names from the data are escaped, and tables stop repeating the customer's name in deal names."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.pages.deals import short_names

HOSTILE = '<script>alert("x")</script>'


def test_every_open_deal_has_its_page_and_the_url_column_points_at_it(built_en) -> None:
    out = built_en.out
    rows = list(csv.DictReader(io.StringIO((out / "data" / "opportunities.csv").read_text(encoding="utf-8"))))
    open_rows = [r for r in rows if r["status"] == "open"]
    assert open_rows
    for row in open_rows:
        assert row["url"].startswith("pipeline/deals/") and row["url"].endswith("/"), row
        page = out / row["url"] / "index.html"
        assert page.is_file(), row["url"]
        assert row["opportunity_id"] in page.read_text(encoding="utf-8")
    linked = {r["url"] for r in rows if r["url"]}
    assert len(linked) == len([r for r in rows if r["url"]])            # one page per deal, unique slugs
    assert len(list((out / "pipeline" / "deals").glob("*/index.html"))) == len(linked)
    closed_old = [r for r in rows if r["status"] != "open" and not r["url"]]
    assert closed_old, "deals closed before the window have no page"


def test_the_changes_page_and_json_exist_with_every_count(built_en) -> None:
    out = built_en.out
    data = json.loads((out / "data" / "pipeline-changes.json").read_text(encoding="utf-8"))
    assert set(data["counts"]) == {"new", "removed", "won", "lost", "advanced", "moved_back", "slipped",
                                   "pulled_in", "amount_up", "amount_down"}
    assert data["source"] == "snapshot" and data["since"] == "2026-06-23" and data["until"] == "2026-06-30"
    assert len(data["deals"]) == len({d["opportunity_id"] for d in data["deals"]}) > 0
    html = (out / "pipeline" / "changes" / "index.html").read_text(encoding="utf-8")
    assert '"type":"waterfall"' in html
    assert "pipeline/changes/index.html" in (out / "index.html").read_text(encoding="utf-8")


def test_all_three_grades_occur_and_each_deal_says_why(built_en) -> None:
    out = built_en.out
    rows = list(csv.DictReader(io.StringIO((out / "data" / "opportunities.csv").read_text(encoding="utf-8"))))
    grades = pd.Series([r["grade"] for r in rows if r["status"] == "open"]).value_counts(normalize=True)
    assert set(grades.index) == {"high", "medium", "low"} and grades.min() > 0.1
    page = (out / rows[[r["status"] for r in rows].index("open")]["url"] / "index.html").read_text(encoding="utf-8")
    assert any(reason in page for reason in ("Factor score", "No factors recorded", "Set by hand"))


def test_hostile_deal_and_customer_names_are_escaped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "customers.csv").write_text(f'customer_id,name\nC1,"{HOSTILE.replace(chr(34), chr(34) * 2)}"\n',
                                        encoding="utf-8")
    name = f'{HOSTILE} - <img src=x onerror=alert(1)>'
    (data / "pipeline.csv").write_text(
        "opportunity_id,customer_id,stage,created_date,amount,opportunity_name\n"
        f'"<b>O1</b>",C1,Proposal,2026-06-01,100,"{name.replace(chr(34), chr(34) * 2)}"\n', encoding="utf-8")
    out = build_site(load_config(cwd=tmp_path), as_of="2026-06-30").out
    pages = list((out / "pipeline" / "deals").glob("*/index.html"))
    assert len(pages) == 1
    html = pages[0].read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>O1</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html       # the name without the customer in front
    assert "&lt;b&gt;O1&lt;/b&gt;" in html


def test_deal_names_drop_the_customer_name_in_front() -> None:
    names = pd.Series(["Acme Ltd - Servo", "Acme Ltd", "Acme Ltd2 upgrade", None, "华信有限公司：PLC"])
    customers = pd.Series(["Acme Ltd", "Acme Ltd", "Acme Ltd", "Acme Ltd", "华信有限公司"])
    assert short_names(names, customers).tolist()[:3] == ["Servo", "Acme Ltd", "Acme Ltd2 upgrade"]
    assert short_names(names, customers).tolist()[4] == "PLC"
