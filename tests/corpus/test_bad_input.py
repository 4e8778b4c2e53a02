"""The bad-input corpus: every case gives the documented exit code and a FILE:LINE: column message,
never a traceback. docs/data-quality.md lists the same checks with their severity."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main

P = "opportunity_id,stage,created_date,customer_id,amount,close_date\n"
O = "customer_id,order_date,amount\n"
C = "customer_id,name,created_date\n"
GOOD_P = P + "O1,Lead,2026-01-05,C1,100,2026-09-01\n"
GOOD_O = O + "C1,2026-02-01,50\n"


@dataclass
class Case:
    name: str
    files: dict[str, str | bytes]
    code: int
    expect: list[str]               # substrings of the output, in any order
    config: str = ""
    extra_files: dict[str, str] = field(default_factory=dict)


CASES = [
    Case("missing required column", {"pipeline.csv": "opportunity_id,created_date\nO1,2026-01-01\n"}, 1,
         ["data/pipeline.csv:1: column stage: required column is missing"]),
    Case("missing column with did-you-mean", {"pipeline.csv": "opportunity_id,stge,created_date\nO1,Lead,2026-01-01\n"},
         1, ["data/pipeline.csv:1: column stage: required column is missing (did you mean 'stge'?"]),
    Case("orders without amount or quantity", {"orders.csv": "customer_id,order_date\nC1,2026-01-01\n"}, 1,
         ["data/orders.csv:1: column amount: required column is missing"]),
    Case("empty file", {"orders.csv": "", "pipeline.csv": GOOD_P}, 1, ["data/orders.csv:1: file is empty"]),
    Case("whitespace-only file", {"orders.csv": "\n\n  \n", "pipeline.csv": GOOD_P}, 1,
         ["data/orders.csv:1: file is empty"]),
    Case("header only", {"orders.csv": O, "pipeline.csv": GOOD_P}, 0,
         ["data/orders.csv:1: file has a header but no rows"]),
    Case("binary garbage", {"orders.csv": bytes(range(256)) * 4, "pipeline.csv": GOOD_P}, 1,
         ["data/orders.csv:", "not a readable text CSV file"]),
    Case("ragged row", {"orders.csv": O + "C1,2026-01-01,5\nC2,2026-01-02,6,7\n"}, 1,
         ["data/orders.csv:3: row has 4 cells but the header has 3"]),
    Case("unterminated quote", {"orders.csv": O + 'C1,2026-01-01,5\n"C2,2026-01-02,6\nC3,2026-01-03,7\n'}, 1,
         ["data/orders.csv:3: a quoted cell is never closed"]),
    Case("duplicate opportunity id", {"pipeline.csv": GOOD_P + "O1,Lead,2026-01-06,C1,5,2026-09-01\n"}, 1,
         ["data/pipeline.csv:3: column opportunity_id: duplicate id 'O1' (first used on line 2)"]),
    Case("duplicate customer id", {"orders.csv": GOOD_O, "customers.csv": C + "C1,A,2025-01-01\nC1,B,2025-01-01\n"},
         1, ["data/customers.csv:3: column customer_id: duplicate id 'C1'"]),
    Case("unknown stage", {"pipeline.csv": P + "O1,Negotiaton,2026-01-05,C1,100,\n"}, 1,
         ["data/pipeline.csv:2: column stage: unknown stage: 'Negotiaton' (did you mean 'negotiation'?)"]),
    Case("unknown stage in history", {"pipeline.csv": GOOD_P,
                                      "stage_history.csv": "opportunity_id,stage,entered_date\nO1,Leed,2026-01-05\n"},
         1, ["data/stage_history.csv:2: column stage: unknown stage: 'Leed' (did you mean 'lead'?)"]),
    Case("missing stage value", {"pipeline.csv": P + "O1,,2026-01-05,C1,100,\n"}, 1,
         ["data/pipeline.csv:2: column stage: missing value"]),
    Case("impossible date", {"orders.csv": O + "C1,2026-02-30,5\n"}, 1,
         ["data/orders.csv:2: column order_date: not a date: '2026-02-30'"]),
    Case("day-first date without dayfirst", {"orders.csv": O + "C1,13/5/2026,5\n"}, 1,
         ["data/orders.csv:2: column order_date: not a date: '13/5/2026'", "dayfirst = true"]),
    Case("two-digit year", {"orders.csv": O + "C1,3/5/26,5\n"}, 1,
         ["data/orders.csv:2: column order_date: not a date: '3/5/26'"]),
    Case("missing required date", {"orders.csv": O + "C1,,5\n"}, 1,
         ["data/orders.csv:2: column order_date: missing value"]),
    Case("non-numeric amount", {"orders.csv": O + "C1,2026-01-01,lots\n"}, 1,
         ["data/orders.csv:2: column amount: not a number: 'lots'"]),
    Case("excel error value", {"orders.csv": O + "C1,2026-01-01,#VALUE!\n"}, 1,
         ["data/orders.csv:2: column amount: not a number: '#VALUE!'"]),
    Case("negative deal amount", {"pipeline.csv": P + "O1,Lead,2026-01-05,C1,-100,\n"}, 1,
         ["data/pipeline.csv:2: column amount: must not be negative"]),
    Case("negative order amount is a return", {"orders.csv": O + "C1,2026-01-01,-5\n"}, 0,
         ["data/orders.csv:2: column amount: negative value", "return or credit"]),
    Case("negative unit price", {"orders.csv": "customer_id,order_date,quantity,unit_price\nC1,2026-01-01,1,-3\n"},
         1, ["data/orders.csv:2: column unit_price: must not be negative"]),
    Case("probability out of range", {"pipeline.csv": P.strip() + ",probability\n"
                                      "O1,Lead,2026-01-05,C1,100,,0.5\nO2,Lead,2026-01-05,C1,100,,150\n"}, 1,
         ["data/pipeline.csv:3: column probability: not a probability: '150'"]),
    Case("probability not a number", {"pipeline.csv": P.strip() + ",probability\nO1,Lead,2026-01-05,C1,100,,high\n"},
         1, ["data/pipeline.csv:2: column probability: not a probability: 'high'"]),
    Case("order before customer created", {"orders.csv": O + "C1,2024-01-01,5\n", "customers.csv": C + "C1,A,2025-01-01\n"},
         0, ["data/orders.csv:2: column order_date: order dated before the customer was created"]),
    Case("stage history out of order", {"pipeline.csv": GOOD_P, "stage_history.csv":
                                        "opportunity_id,stage,entered_date\nO1,Lead,2026-02-01\nO1,Proposal,2026-01-01\n"},
         0, ["data/stage_history.csv:3: column entered_date: entered this stage before an earlier stage"]),
    Case("won deal without close date", {"pipeline.csv": P + "O1,Won,2026-01-05,C1,100,\n"}, 0,
         ["data/pipeline.csv:2: column close_date: won deal without close date"]),
    Case("missing created date", {"pipeline.csv": P + "O1,Lead,,C1,100,\n"}, 0,
         ["data/pipeline.csv:2: column created_date: missing created date"]),
    Case("close before created", {"pipeline.csv": P + "O1,Won,2026-03-05,C1,100,2026-01-01\n"}, 0,
         ["data/pipeline.csv:2: column close_date: close date before created date"]),
    Case("orphan customer reference", {"orders.csv": O + "C9,2026-01-01,5\n", "customers.csv": C + "C1,A,\n"}, 0,
         ["data/orders.csv:2: column customer_id: customer not in customers file: 'C9'"]),
    Case("orphan opportunity reference", {"pipeline.csv": GOOD_P, "activities.csv":
                                          "date,customer_id,opportunity_id,type\n2026-01-06,C1,O7,call\n"}, 0,
         ["data/activities.csv:2: column opportunity_id: opportunity not in pipeline file: 'O7'"]),
    Case("wrong encoding declared", {"orders.csv": (O + "C1,2026-01-01,5\n").encode("utf-8") + "C2,2026-01-01,6,\n".encode()[:0],
                                     "customers.csv": (C + "C1,上海华信,\n").encode("gb18030")}, 0,
         ["data/customers.csv:1: file is not valid utf-8; read it as gb18030"],
         config='[data.customers]\nencoding = "utf-8"\n'),
    Case("huge cell", {"orders.csv": GOOD_O, "customers.csv": C + "C1," + "x" * 1_000_000 + ",\n"}, 0,
         ["data/customers.csv:2: column name: cell longer than 10,000 characters; cut"]),
    Case("fifty columns", {"orders.csv": ",".join(["customer_id", "order_date", "amount"] + [f"extra{i}" for i in range(47)])
                           + "\n" + ",".join(["C1", "2026-01-01", "5"] + ["x"] * 47) + "\n"}, 0, ["ok:"]),
    Case("semicolon separated", {"orders.csv": "customer_id;order_date;amount\nC1;2026-01-01;5\n"}, 0, ["ok:"]),
    Case("tab separated", {"orders.csv": "customer_id\torder_date\tamount\nC1\t2026-01-01\t5\n"}, 0, ["ok:"]),
    Case("duplicate header", {"orders.csv": "customer_id,order_date,amount,amount\nC1,2026-01-01,5,6\n"}, 0,
         ["data/orders.csv:1: column amount: column appears twice"]),
    Case("no data files", {}, 1, ["neither pipeline nor orders data found"]),
    Case("bad target period", {"orders.csv": GOOD_O, "targets.csv": "period,owner,revenue_target\n2026-13,,100\n"}, 1,
         ["data/targets.csv:2: column period: not a period: '2026-13'"]),
    Case("target period out of range", {"orders.csv": GOOD_O, "targets.csv": "period,owner,revenue_target\n9999,,100\n"},
         1, ["data/targets.csv:2: column period: period out of range: '9999' (dates must be between 1900-01-01"]),
    Case("bad channel cost period", {"orders.csv": GOOD_O, "channel_costs.csv": "channel,period,cost\nWeb,2026-13,5\n"},
         1, ["data/channel_costs.csv:2: column period: not a period: '2026-13'"]),
    Case("negative channel cost", {"orders.csv": GOOD_O, "channel_costs.csv": "channel,period,cost\nWeb,2026-01,-5\n"},
         1, ["data/channel_costs.csv:2: column cost: must not be negative"]),
    Case("feedback score out of range", {"orders.csv": GOOD_O, "feedback.csv":
                                         "customer_id,date,kind,score\nC1,2026-01-01,nps,11\n"}, 0,
         ["data/feedback.csv:2: column score: score out of range"]),
    Case("feedback unknown kind", {"orders.csv": GOOD_O, "feedback.csv":
                                   "customer_id,date,kind,score\nC1,2026-01-01,stars,4\n"}, 0,
         ["data/feedback.csv:2: column kind: unknown feedback kind: 'stars'"]),
    Case("unknown tier", {"orders.csv": GOOD_O, "customers.csv": "customer_id,tier\nC1,gold\n"}, 0,
         ["data/customers.csv:2: column tier: unknown tier; ignored: 'gold'"]),
    Case("unknown grade", {"pipeline.csv": P.strip() + ",grade\nO1,Lead,2026-01-05,C1,100,,hot\n"}, 0,
         ["data/pipeline.csv:2: column grade: unknown grade; ignored: 'hot'"]),
    Case("unknown lost_at_stage", {"pipeline.csv": P.strip() + ",lost_at_stage\nO1,Lost,2026-01-05,C1,100,2026-02-01,Pricing\n"},
         0, ["data/pipeline.csv:2: column lost_at_stage: unknown stage: 'Pricing'"]),
    Case("invisible characters in id", {"orders.csv": O + "C\u200b1,2026-01-01,5\n"}, 0,
         ["data/orders.csv:2: column customer_id: id contains invisible characters (U+200B ZERO WIDTH SPACE)"]),
    Case("factor not understood", {"pipeline.csv": P.strip() + ",need_fit\nO1,Lead,2026-01-05,C1,100,,maybe\n"}, 0,
         ["data/pipeline.csv:2: column need_fit: not understood; ignored: 'maybe'"]),
    Case("snapshot folder name is not a date", {"pipeline.csv": GOOD_P, "snapshots/last-week/pipeline.csv": GOOD_P},
         0, ["data/snapshots/last-week: snapshot folder name is not a date; skipped"]),
    Case("config wrong type", {"orders.csv": GOOD_O}, 2,
         ["sitegen.toml: rules.window_days: must be a whole number above 0, got 'year'"], config='[rules]\nwindow_days = "year"\n'),
    Case("config unknown key", {"orders.csv": GOOD_O}, 2,
         ["sitegen.toml: site.langauge: unknown key (did you mean 'language'?)"], config='[site]\nlangauge = "en"\n'),
    Case("config not toml", {"orders.csv": GOOD_O}, 2, ["sitegen.toml: (file): not valid TOML"], config="[site\n"),
    Case("config unknown language", {"orders.csv": GOOD_O}, 2, ["site.language: unsupported language 'fr'"],
         config='[site]\nlanguage = "fr"\n'),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir()
    for name, content in case.files.items():
        (tmp_path / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "data" / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if case.config:
        (tmp_path / "sitegen.toml").write_text(case.config, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--verbose"])
    output = result.output
    assert result.exit_code == case.code, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    for text in case.expect:
        assert text in output, f"{text!r} not in:\n{output}"


def test_corpus_has_at_least_40_cases() -> None:
    assert len(CASES) >= 40


def test_every_corpus_case_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "data-quality.md").read_text(encoding="utf-8")
    missing = [c.name for c in CASES if c.name not in doc]
    assert not missing, f"cases missing from docs/data-quality.md: {missing}"
