"""Ids that differ from another only by invisible format characters (zero-width, BOM, bidi controls)
are kept as written, reported as warnings with FILE:LINE, and get their own page address
(issue 14, defect 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.dataset import load_dataset

ZWSP, RLM, RLO, FSI, PDI, BOM, ZWJ = "\u200b", "\u200f", "\u202e", "\u2068", "\u2069", "\ufeff", "\u200d"
FILES = {
    "customers.csv": f"customer_id,name,owner\nC1,Acme,Alice\nC{ZWSP}1,Acme look-alike,Alice\n",
    "orders.csv": "customer_id,order_date,amount,owner\n"
                  f"C1,2026-06-01,50,Alice\nC{ZWSP}1,2026-06-02,5,Al{RLM}ice\n{RLO}C2,2026-06-03,7,Bob\n",
    "pipeline.csv": "opportunity_id,customer_id,owner,stage,created_date,amount\n"
                    f"O1,C1,Alice,proposal,2026-05-01,10\n{FSI}O1{PDI},C1,Bob,proposal,2026-05-02,20\n"
                    f"O{BOM}2,C1,Al{ZWJ}ice,proposal,2026-05-03,30\n",
}


def site(root: Path) -> Path:
    (root / "data").mkdir(parents=True)
    for name, text in FILES.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    return root


def test_invisible_characters_in_ids_are_warnings_with_their_line(tmp_path: Path) -> None:
    dataset = load_dataset(load_config(cwd=site(tmp_path)))
    found = {(p.file, p.line, p.column, p.message) for p in dataset.problems
             if "invisible characters" in p.message}
    assert all(p.severity == "warning" for p in dataset.problems if "invisible" in p.message)
    assert found == {
        ("data/customers.csv", 3, "customer_id", "id contains invisible characters (U+200B ZERO WIDTH SPACE): "
                                                 "'C\\u200b1'"),
        ("data/orders.csv", 3, "customer_id", "id contains invisible characters (U+200B ZERO WIDTH SPACE): "
                                              "'C\\u200b1'"),
        ("data/orders.csv", 3, "owner", "id contains invisible characters (U+200F RIGHT-TO-LEFT MARK): "
                                        "'Al\\u200fice'"),
        ("data/orders.csv", 4, "customer_id", "id contains invisible characters (U+202E RIGHT-TO-LEFT OVERRIDE): "
                                              "'\\u202eC2'"),
        ("data/pipeline.csv", 3, "opportunity_id", "id contains invisible characters (U+2068 FIRST STRONG ISOLATE, "
                                                   "U+2069 POP DIRECTIONAL ISOLATE): '\\u2068O1\\u2069'"),
        ("data/pipeline.csv", 4, "opportunity_id", "id contains invisible characters (U+FEFF ZERO WIDTH NO-BREAK "
                                                   "SPACE): 'O\\ufeff2'"),
        ("data/pipeline.csv", 4, "owner", "id contains invisible characters (U+200D ZERO WIDTH JOINER): "
                                          "'Al\\u200dice'"),
    }
    # kept as written: not merged into the clean id, so no duplicate-id error either
    customers = dataset.get("customers")["customer_id"].tolist()
    assert customers == ["C1", f"C{ZWSP}1"] and dataset.error_count == 0


def test_look_alike_ids_get_their_own_pages(tmp_path: Path) -> None:
    out = build_site(load_config(cwd=site(tmp_path)), as_of="2026-06-30", jobs=1).out
    customers = {p.parent.name for p in (out / "customers").glob("*/index.html")}
    team = {p.parent.name for p in (out / "team").glob("*/index.html")}
    assert len(customers) == 3 and "c1" in customers
    assert len(team) == 4 and {"alice", "bob"} <= team
    look_alike = next(name for name in customers if name.startswith("c-1-"))
    assert "Acme look-alike" in (out / "customers" / look_alike / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", ["C 1", "Ç1", "C\t1", "客户1"])
def test_visible_characters_are_not_reported(tmp_path: Path, text: str) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text(f"customer_id,order_date,amount\n{text},2026-06-01,5\n",
                                                  encoding="utf-8")
    dataset = load_dataset(load_config(cwd=tmp_path))
    assert not [p for p in dataset.problems if "invisible" in p.message]
