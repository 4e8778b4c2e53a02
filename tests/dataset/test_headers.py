"""Headers recognised without a map: the synonym table, the matching rules, the did-you-mean message,
default outcome words, and the CRM/ERP export fixtures of tests/dataset/fixtures/exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import TABLES, load_config
from sitegen.dataset import headers, load_dataset
from sitegen.dataset.headers import Known, loose_key, match_headers
from sitegen.dataset.schema import SCHEMA

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def load(site: Path):
    return load_dataset(load_config(cwd=site))


def messages(ds) -> list[str]:
    return [p.format() for p in ds.problems]


KEYS = ("lead", "needs", "proposal", "negotiation")  # stages of the default playbook


def stages_toml(*names: str) -> str:
    return "".join(f'[[stages]]\nkey = "{key}"\nname = "{name}"\nprobability = {0.2 * (i + 1):.1f}\n\n'
                   for i, (key, name) in enumerate(zip(KEYS, names)))


# -- the synonym table ---------------------------------------------------------------------------

def test_synonym_table_names_real_columns_and_systems() -> None:
    data = headers._data()
    systems = set(data["systems"])
    assert {"salesforce", "hubspot", "pipedrive", "zoho", "dynamics", "odoo", "neocrm", "fxiaoke", "kingdee",
            "yonyou"} <= systems
    for table, columns in data.items():
        if table == "systems":
            continue
        assert table in TABLES
        for column, by_system in columns.items():
            assert column in SCHEMA[table].names, (table, column)
            assert set(by_system) - {"fallback"} <= systems
            assert set(by_system.get("fallback", {})) <= systems


def test_a_known_name_means_one_column_of_a_table() -> None:
    for table in TABLES:
        primary: dict[str, str] = {}
        fallback: dict[str, str] = {}
        for column, names in headers.known_headers(table).items():
            for key, known in names.items():
                seen = fallback if known.fallback else primary
                assert seen.setdefault(key, column) == column, (table, known.header, column, seen[key])
                if not known.fallback:  # a fallback may be another column's own name (a name serving as id)
                    assert key not in {loose_key(c) for c in SCHEMA[table].names if c != column}, (table, key)


# -- matching rules --------------------------------------------------------------------------------

def test_canonical_spelling_beats_a_synonym() -> None:
    """Zoho writes Amount and Expected Revenue (Odoo's amount): Amount is the column, no problem."""
    found = match_headers(["Deal Name", "Amount", "Expected Revenue", "Stage"], SCHEMA["pipeline"], {})
    assert found.matches["amount"].header == "Amount" and found.matches["amount"].how == "exact"
    assert not found.problems and "Expected Revenue" in found.unmatched


def test_two_headers_for_one_column_is_an_error_naming_both() -> None:
    found = match_headers(["商机编号", "负责人", "所有人", "销售阶段", "创建日期"], SCHEMA["pipeline"], {})
    (problem,) = found.problems
    assert problem.severity == "error" and problem.column == "owner"
    assert "'负责人' and '所有人'" in problem.message
    assert 'say which: [data.pipeline] columns = { owner = "负责人" }' == problem.hint
    assert "owner" not in found.matches


def test_a_header_matching_two_columns_is_an_error(monkeypatch) -> None:
    table = {"owner": {"rep": Known("Rep", ("common",), False)},
             "product": {"rep": Known("Rep", ("common",), False)}}
    monkeypatch.setattr(headers, "known_headers", lambda name: table)
    found = match_headers(["opportunity_id", "stage", "created_date", "Rep"], SCHEMA["pipeline"], {})
    (problem,) = found.problems
    assert problem.column == "Rep" and "'owner' and 'product'" in problem.message
    assert not {"owner", "product"} & set(found.matches)


def test_the_column_map_wins_and_its_header_is_not_matched_again() -> None:
    found = match_headers(["Opportunity ID", "Stage", "Created Date", "Account Name", "Opportunity Owner"],
                          SCHEMA["pipeline"], {"owner": "Account Name"})
    assert found.matches["owner"].header == "Account Name" and found.matches["owner"].how == "config"
    assert "customer_id" not in found.matches  # Account Name would be its fallback
    assert "Opportunity Owner" in found.unmatched


def test_fallback_name_serves_as_id_when_there_is_no_id_column() -> None:
    found = match_headers(["Opportunity Name", "Account Name", "Stage", "Created Date"], SCHEMA["pipeline"], {})
    assert found.matches["opportunity_id"].header == "Opportunity Name"
    assert found.matches["opportunity_id"].describe() == "fallback of Salesforce"
    assert found.matches["opportunity_name"].header == "Opportunity Name"
    assert found.matches["customer_id"].header == "Account Name"
    with_id = match_headers(["Opportunity ID", "Opportunity Name"], SCHEMA["pipeline"], {})
    assert with_id.matches["opportunity_id"].header == "Opportunity ID"


def test_matching_ignores_case_space_punctuation_and_width() -> None:
    found = match_headers(["deal value", "DEAL-TITLE", "ｄｅａｌ　ｓｔａｇｅ", "Probability %"], SCHEMA["pipeline"], {})
    assert found.matches["amount"].header == "deal value"
    assert found.matches["opportunity_name"].header == "DEAL-TITLE"
    assert found.matches["stage"].header == "ｄｅａｌ　ｓｔａｇｅ"
    assert found.matches["probability"].header == "Probability %"


def test_missing_column_names_the_closest_header_and_the_line_to_add(make_site) -> None:
    site = make_site({"pipeline.csv": "商机号,销售阶段,创建日期\nA1,赢单,2026-01-05\n"})
    ds = load(site)
    assert messages(ds) == [
        "data/pipeline.csv:1: column opportunity_id: required column is missing (did you mean '商机号'? add to "
        'sitegen.toml: [data.pipeline] columns = { opportunity_id = "商机号" })']


def test_ambiguous_headers_stop_the_load_with_one_error(make_site) -> None:
    site = make_site({"pipeline.csv": "商机编号,销售阶段,创建日期,负责人,所有人\nA1,赢单,2026-01-05,张伟,李娜\n"})
    ds = load(site)
    assert ds.error_count == 1 and not ds.has("pipeline")
    assert messages(ds)[0].startswith("data/pipeline.csv:1: column owner: headers '负责人' and '所有人' all match")


# -- outcome and stage words -----------------------------------------------------------------------

def test_default_outcome_words_and_folded_stage_values(make_site) -> None:
    rows = "O1,已成交,2026-01-05\nO2,已流失,2026-01-05\nO3,Ｃｌｏｓｅｄ　Ｗｏｎ,2026-01-05\nO4,closed  lost,2026-01-05\n"
    ds = load(make_site({"pipeline.csv": "opportunity_id,stage,created_date\n" + rows}))
    assert ds.error_count == 0, messages(ds)
    assert list(ds.tables["pipeline"]["status"]) == ["won", "lost", "won", "lost"]


# -- the export fixtures ---------------------------------------------------------------------------

HUBSPOT = stages_toml("Qualified To Buy", "Presentation Scheduled", "Decision Maker Bought-In", "Contract Sent")
ODOO = stages_toml("New", "Qualified", "Proposition", "Negotiation")
CHINESE = stages_toml("初步接洽", "需求确定", "方案/报价", "谈判审核")
PIPEDRIVE = stages_toml("Qualified", "Contact Made", "Proposal Made", "Negotiations Started")
DYNAMICS = "".join(f'[[stages]]\nkey = "{key}"\nname = "{name}"\naliases = ["{n}-{name}"]\nprobability = {n / 5}\n\n'
                   for n, (key, name) in enumerate(zip(KEYS, ("Qualify", "Develop", "Propose", "Close")), 1))
PIPELINES = [  # file, [[stages]] (defaults when empty), won, lost
    ("salesforce_opportunities.csv", "", 2, 1),
    ("hubspot_deals.csv", HUBSPOT, 2, 1),
    ("zoho_deals.csv", "", 2, 1),
    ("odoo_crm_lead.csv", ODOO, 2, 0),
    ("neocrm_opportunities.csv", CHINESE, 2, 1),
    ("fxiaoke_opportunities.csv", CHINESE, 2, 1),
    ("kingdee_opportunities.csv", CHINESE, 2, 1),
    ("yonyou_opportunities.csv", CHINESE, 2, 1),
    ("pipedrive_deals.csv", PIPEDRIVE, 2, 1),  # won/lost in Deal - Status, the stage left at the last open one
    ("dynamics_opportunities.csv", DYNAMICS, 2, 1),  # won/lost in Status
]


@pytest.mark.parametrize(("name", "stages", "won", "lost"), PIPELINES)
def test_pipeline_exports_load_without_a_column_map(make_site, name, stages, won, lost) -> None:
    site = make_site({"pipeline.csv": (EXPORTS / name).read_bytes()}, stages + '[site]\nas_of = "2026-06-30"\n')
    ds = load(site)
    assert ds.error_count == 0, messages(ds)
    frame = ds.tables["pipeline"]
    assert {"opportunity_id", "customer_id", "owner", "amount", "close_date", "created_date"} <= set(frame)
    assert (frame["status"] == "won").sum() == won and (frame["status"] == "lost").sum() == lost
    won_amount = frame.loc[frame["status"] == "won", "amount"].sum()
    assert won_amount == 23000
    assert frame["created_date"].min().date().isoformat() == "2026-01-08"
    assert frame["close_date"].max().date().isoformat() == "2026-08-30"
    assert frame["opportunity_id"].is_unique and frame["customer_id"].notna().all()


@pytest.mark.parametrize("name", ["kingdee_sales_orders.csv", "yonyou_sales_orders.csv"])
def test_order_exports_load_without_a_column_map(make_site, name) -> None:
    ds = load(make_site({"orders.csv": (EXPORTS / name).read_bytes()}))
    assert ds.error_count == 0, messages(ds)
    frame = ds.tables["orders"]
    assert list(frame["customer_id"]) == ["C001", "C002", "C001"]  # the code, not the name beside it
    assert list(frame["amount"]) == [1200, 8000, 600]  # tax included, not Kingdee's 金额 without tax
    assert frame["order_date"].min().date().isoformat() == "2026-03-05"
    assert list(frame["quantity"]) == [10, 2, 5]


@pytest.mark.parametrize("name", ["hubspot_companies.csv", "salesforce_accounts.csv"])
def test_account_exports_load_without_a_column_map(make_site, name) -> None:
    site = make_site({"customers.csv": (EXPORTS / name).read_bytes(),
                      "orders.csv": "customer_id,order_date,amount\nX,2026-01-01,1\n"})
    frame = load(site).tables["customers"]
    assert list(frame["name"]) == ["Acme Ltd", "Beta Co"] and list(frame["owner"]) == ["Alice", "Bob"]
    assert frame["customer_id"].str.len().min() >= 3 and frame["industry"].tolist() == ["Manufacturing", "Retail"]


def test_fixtures_are_in_their_systems_encodings() -> None:
    for name in ("kingdee_opportunities.csv", "yonyou_sales_orders.csv"):
        raw = (EXPORTS / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        raw.decode("gb18030")


# -- done when: a real export builds with the same figures as canonical headers -----------------------

CANONICAL = """opportunity_id,opportunity_name,customer_id,owner,stage,amount,created_date,close_date
{rows}"""
ZH_ROWS = [  # id, name, customer, owner, stage, amount as exported, amount, created, close (as exported, ISO)
    ("SJ001", "华东精工-扩产", "华东精工", "张伟", "方案/报价", "¥125,000", 125000, "2026/1/15", "2026-01-15", "", ""),
    ("SJ002", "北方贸易-年单", "北方贸易", "李娜", "赢单", "8万", 80000, "2026年2月3日", "2026-02-03",
     "2026/4/28", "2026-04-28"),
    ("SJ003", "南海科技-试点", "南海科技", "张伟", "输单", "¥30,000.00", 30000, "2026/2/20", "2026-02-20",
     "2026年5月10日", "2026-05-10"),
    ("SJ004", "华东精工-二期", "华东精工", "李娜", "初步接洽", "20万", 200000, "2026年3月5日", "2026-03-05", "", ""),
    ("SJ005", "西部能源-改造", "西部能源", "王芳", "谈判审核", "¥450,000", 450000, "2026/4/11", "2026-04-11", "", ""),
    ("SJ006", "北方贸易-续约", "北方贸易", "王芳", "赢单", "1.5万", 15000, "2026/1/8", "2026-01-08",
     "2026年3月31日", "2026-03-31"),
    ("SJ007", "南海科技-二期", "南海科技", "李娜", "需求确定", "¥60,000", 60000, "2026/5/2", "2026-05-02", "", ""),
]


def _metrics(site: Path, out: Path) -> dict:
    import json

    from sitegen.build import build_site

    build_site(load_config(cwd=site), out=out, as_of="2026-06-30", jobs=1)
    return json.loads((out / "data" / "metrics.json").read_text(encoding="utf-8"))


def _same_figures(export: Path, canonical: Path, tmp_path: Path) -> None:
    got, want = _metrics(export, tmp_path / "out-export"), _metrics(canonical, tmp_path / "out-canonical")
    assert got["kpis"] == want["kpis"]
    assert got["funnel"] == want["funnel"]
    assert want["kpis"] and want["funnel"]


def test_chinese_gb18030_export_gives_the_canonical_figures(make_site, tmp_path) -> None:
    """商机编号…结单日期 headers, 赢单/输单, 2026/3/5 and 2026年3月5日, ¥ and 万, saved as GB18030: no column
    map, no [outcomes], only the open stages in [[stages]]."""
    header = "商机编号,商机名称,客户名称,负责人,销售阶段,商机金额,创建日期,结单日期\n"
    export = header + "".join(f'{r[0]},{r[1]},{r[2]},{r[3]},{r[4]},"{r[5]}",{r[7]},{r[9]}\n' for r in ZH_ROWS)
    canonical = CANONICAL.format(rows="".join(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]},{r[6]},{r[8]},{r[10]}\n"
                                              for r in ZH_ROWS))
    config = '[site]\nlanguage = "zh-CN"\n\n' + CHINESE
    a = make_site({"pipeline.csv": export.encode("gb18030")}, config, name="export")
    b = make_site({"pipeline.csv": canonical}, config, name="canonical")
    assert "columns" not in (a / "sitegen.toml").read_text(encoding="utf-8")
    _same_figures(a, b, tmp_path)


def test_salesforce_opportunity_report_gives_the_canonical_figures(make_site, tmp_path) -> None:
    rows = [line.split(",") for line in (EXPORTS / "salesforce_opportunities.csv").read_text().splitlines()[1:]]
    iso = lambda d: "{2}-{0:0>2}-{1:0>2}".format(*d.split("/"))  # noqa: E731 (M/D/YYYY)
    stage = {"Closed Won": "won", "Closed Lost": "lost", "Qualification": "lead", "Needs Analysis": "needs",
             "Proposal/Price Quote": "proposal", "Negotiation/Review": "negotiation"}
    canonical = CANONICAL.format(rows="".join(
        f"{r[14]},{r[2]},{r[1]},{r[0]},{stage[r[3]]},{r[5]},{iso(r[10])},{iso(r[9])}\n" for r in rows))
    a = make_site({"pipeline.csv": (EXPORTS / "salesforce_opportunities.csv").read_bytes()}, name="export")
    b = make_site({"pipeline.csv": canonical}, name="canonical")
    _same_figures(a, b, tmp_path)


def test_salesforce_report_saved_as_xlsx_gives_the_canonical_figures(make_site, tmp_path) -> None:
    """The Done-when of issue 18: a Salesforce opportunity report as .xlsx (title rows above the header, date
    cells, currency-formatted amounts), no column map, no [outcomes], only the open stages in [[stages]]."""
    import io
    from datetime import datetime

    from openpyxl import Workbook

    rows = [line.split(",") for line in (EXPORTS / "salesforce_opportunities.csv").read_text().splitlines()]
    book = Workbook()
    sheet = book.active
    sheet.title = "Opportunity Pipeline"
    sheet.append(["Opportunity Pipeline"])
    sheet.append(["Filtered By: Close Date equals Current and Next FY; Show: All opportunities"])
    sheet.append([])
    sheet.append(rows[0])
    for r in rows[1:]:
        cells: list[object] = list(r)
        cells[5], cells[7], cells[8] = float(r[5]), int(r[7]), int(r[8])
        cells[9], cells[10] = (datetime.strptime(d, "%m/%d/%Y") for d in (r[9], r[10]))
        sheet.append(cells)
        for column, style in ((6, '"$"#,##0.00'), (10, "m/d/yyyy"), (11, "m/d/yyyy")):
            sheet.cell(sheet.max_row, column).number_format = style
    xlsx = io.BytesIO()
    book.save(xlsx)
    iso = lambda d: "{2}-{0:0>2}-{1:0>2}".format(*d.split("/"))  # noqa: E731 (M/D/YYYY)
    stage = {"Closed Won": "won", "Closed Lost": "lost", "Qualification": "lead", "Needs Analysis": "needs",
             "Proposal/Price Quote": "proposal", "Negotiation/Review": "negotiation"}
    canonical = CANONICAL.format(rows="".join(
        f"{r[14]},{r[2]},{r[1]},{r[0]},{stage[r[3]]},{r[5]},{iso(r[10])},{iso(r[9])}\n" for r in rows[1:]))
    config = stages_toml("Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review")
    a = make_site({"pipeline.xlsx": xlsx.getvalue()}, config, name="export")
    b = make_site({"pipeline.csv": canonical}, config, name="canonical")
    ds = load(a)
    assert ds.error_count == 0, messages(ds)
    assert len(ds.tables["pipeline"]) == 6 and "columns" not in (a / "sitegen.toml").read_text(encoding="utf-8")
    _same_figures(a, b, tmp_path)


def test_pipedrive_export_with_won_lost_in_deal_status_gives_the_canonical_figures(make_site, tmp_path) -> None:
    """Pipedrive keeps won/lost in Deal - Status and the stage at the last open one: the deals are won and
    lost, the lost one lost at its stage, as if the file said so in canonical columns."""
    stage = {"Qualified": "lead", "Contact Made": "needs", "Proposal Made": "proposal",
             "Negotiations Started": "negotiation"}
    rows = [line.split(",") for line in (EXPORTS / "pipedrive_deals.csv").read_text().splitlines()[1:]]
    canonical = "opportunity_id,opportunity_name,customer_id,owner,stage,amount,created_date,close_date,lost_at_stage\n"
    canonical += "".join(f"{r[0]},{r[1]},{r[5]},{r[2]},{stage[r[7]] if r[8] == 'open' else r[8]},{r[3]},"
                         f"{r[9][:10]},{r[10]},{stage[r[7]] if r[8] == 'lost' else ''}\n" for r in rows)
    a = make_site({"pipeline.csv": (EXPORTS / "pipedrive_deals.csv").read_bytes()}, PIPEDRIVE, name="export")
    b = make_site({"pipeline.csv": canonical}, PIPEDRIVE, name="canonical")
    frame = load(a).tables["pipeline"]
    assert list(frame["stage"]) == ["proposal", "won", "lost", "lead", "negotiation", "won"]
    assert frame["lost_at_stage"].tolist()[2] == "proposal"
    _same_figures(a, b, tmp_path)


def test_outcome_column_closes_deals_and_keeps_a_given_lost_at_stage(make_site) -> None:
    rows = ("O1,proposal,2026-01-05,赢单,\nO2,proposal,2026-01-05,输单,lead\nO3,needs,2026-01-05,进行中,\n"
            "O4,negotiation,2026-01-05,,\nO5,lost,2026-01-05,Open,\n")
    ds = load(make_site({"pipeline.csv": "opportunity_id,stage,created_date,状态,lost_at_stage\n" + rows}))
    assert ds.error_count == 0, messages(ds)
    frame = ds.tables["pipeline"]
    assert list(frame["status"]) == ["won", "lost", "open", "open", "lost"]
    assert list(frame["stage"]) == ["won", "lost", "needs", "negotiation", "lost"]
    assert frame["lost_at_stage"].tolist()[1] == "lead"  # the file's own lost_at_stage wins


# -- the Chinese CRMs' other tables (contacts, sales records, orders) ---------------------------------


def test_chinese_crm_contacts_sales_records_and_orders_load_without_a_column_map(make_site) -> None:
    """销售易/纷享销客 contacts (姓名, 所属客户, 电子邮箱), 纷享销客's sales records (销售记录: 跟进类型, 跟进记录,
    dated and owned only by 创建时间 and 创建人) and a 用友 BIP order list (单据日期)."""
    site = make_site({
        "pipeline.csv": "商机编号,客户名称,销售阶段,创建日期\nSJ1,华东精工,赢单,2026-03-01\n",
        "contacts.csv": "姓名,所属客户,职务,手机,电子邮箱\n王强,华东精工,采购经理,13800000000,wq@example.com\n",
        "activities.csv": "关联客户,关联商机,跟进类型,跟进记录,创建人,创建时间\n华东精工,SJ1,拜访,现场交流,张伟,2026-03-02 10:00\n",
        "orders.csv": "单据编码,单据日期,客户名称,价税合计\nSO1,2026-03-05,华东精工,1200\n",
    })
    ds = load(site)
    assert ds.error_count == 0, messages(ds)
    contacts, activities = ds.tables["contacts"], ds.tables["activities"]
    assert contacts["customer_id"].tolist() == ["华东精工"] and contacts["email"].tolist() == ["wq@example.com"]
    assert activities["owner"].tolist() == ["张伟"] and activities["summary"].tolist() == ["现场交流"]
    assert activities["type"].tolist() == ["拜访"] and activities["date"].iloc[0].date().isoformat() == "2026-03-02"
    assert ds.tables["orders"]["order_date"].iloc[0].date().isoformat() == "2026-03-05"
