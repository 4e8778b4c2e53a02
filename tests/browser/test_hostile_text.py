"""Hostile text is text: names, notes and ids that try to run script, break attributes or leave the
output folder are shown literally, in real Chromium, and never executed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from sitegen.build import build_site
from sitegen.config import load_config

PAYLOADS = {
    "H1": "<script>window.__pwned=1;alert(1)</script>",
    "H2": '"><img src=x onerror="window.__pwned=2;alert(2)">',
    "H3": "</script><script>window.__pwned=3;alert(3)</script>",
    "H4": "{{ 6553*6553 }}{% raw %}${6553*6553}",
    "H5": "javascript:alert(5)",
    "H6": "\u202eevil\u202c zero\u200bwidth",
    "H7": "=HYPERLINK(\"http://x\",\"click\")",
    "../../x": "Traversal <b>bold</b>",
    "..\\..\\y": "Backslash traversal",
    "/etc/passwd": "Absolute id",
}


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    data.mkdir()
    ids = list(PAYLOADS)
    (data / "customers.csv").write_text(_csv(
        [["customer_id", "name", "industry", "region", "owner"]] +
        [[cid, name, name, name, PAYLOADS["H2"]] for cid, name in PAYLOADS.items()]), encoding="utf-8")
    (data / "orders.csv").write_text(_csv(
        [["customer_id", "order_date", "amount", "product", "channel", "order_id"]] +
        [[cid, f"2026-0{1 + i % 5}-1{i % 9}", str(100 + i), PAYLOADS["H3"], PAYLOADS["H1"], f"{cid}-o{i}"]
         for i, cid in enumerate(ids * 2)]), encoding="utf-8")
    (data / "pipeline.csv").write_text(_csv(
        [["opportunity_id", "stage", "created_date", "customer_id", "owner", "amount", "close_date",
          "opportunity_name", "next_step", "lead_source", "product", "lost_reason"]] +
        [[f"{cid}<deal>", "Proposal" if i % 2 else "Lost", "2026-03-01", cid, PAYLOADS["H1"], "1000",
          "2026-08-01", PAYLOADS["H2"], PAYLOADS["H5"], PAYLOADS["H4"], PAYLOADS["H3"], PAYLOADS["H6"]]
         for i, cid in enumerate(ids)]), encoding="utf-8")
    (data / "contacts.csv").write_text(_csv(
        [["customer_id", "name", "title", "role", "email", "phone", "notes"]] +
        [[cid, PAYLOADS["H1"], PAYLOADS["H2"], "decision maker", PAYLOADS["H5"], PAYLOADS["H3"], PAYLOADS["H4"]]
         for cid in ids]), encoding="utf-8")
    (data / "activities.csv").write_text(_csv(
        [["date", "customer_id", "opportunity_id", "owner", "type", "summary", "next_action"]] +
        [["2026-06-01", cid, f"{cid}<deal>", PAYLOADS["H2"], PAYLOADS["H1"], PAYLOADS["H3"], PAYLOADS["H5"]]
         for cid in ids]), encoding="utf-8")
    (data / "feedback.csv").write_text(_csv(
        [["customer_id", "date", "kind", "score", "comment"]] +
        [[cid, "2026-06-01", "nps", "9", PAYLOADS["H3"]] for cid in ids]), encoding="utf-8")
    config = load_config(cwd=root)
    build_site(config, as_of="2026-06-30")
    return root


def test_nothing_written_outside_the_output(hostile_site: Path) -> None:
    out = (hostile_site / "output").resolve()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out)
    outside = {p.name for p in hostile_site.parent.iterdir()}
    assert "x" not in outside and "y" not in outside
    assert not (hostile_site / "x").exists() and not Path("/etc/passwd/index.html").exists()


def test_html_never_contains_the_raw_payloads(hostile_site: Path) -> None:
    for page in (hostile_site / "output").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>window.__pwned" not in text, page
        assert "onerror=\"window.__pwned" not in text, page
        assert 'href="javascript:' not in text.lower(), page
        assert "42941809" not in text, page  # {{ 6553*6553 }} evaluated: a template or ${} injection


def test_csv_outputs_neutralise_formulas(hostile_site: Path) -> None:
    rows = list(csv.DictReader((hostile_site / "output" / "data" / "customers.csv").open(encoding="utf-8")))
    names = {r["customer_id"]: r["name"] for r in rows}
    assert names["H7"].startswith("'=")
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@")), value


@pytest.mark.browser
def test_no_script_runs_in_chromium(hostile_site: Path, browser) -> None:
    out = hostile_site / "output"
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 10
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in pages:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, path
    assert dialogs == []
    customer = next(p for p in pages if "customers/h1/" in p.as_posix())
    page.goto(customer.as_uri())
    assert PAYLOADS["H1"] in page.inner_text("body")
    context.close()
