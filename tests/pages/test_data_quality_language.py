"""The data-quality page follows the site's language (issue 19 §1): problem messages and hints are
translated through the catalog by their key (the message without its value); the value stays as
written, and the terminal's text (Problem.format) stays English."""

from __future__ import annotations

import pandas as pd
import pytest

from sitegen.config import load_config
from sitegen.dataset import load_dataset
from sitegen.dataset.problems import Problem, ProblemLog
from sitegen.metrics import compute_metrics
from sitegen.pages import Site, data_quality
from sitegen.render import Renderer

ORDERS = "customer_id,order_date,amount\nC1,2026-05-01,100\nC9,2026-05-02,50\nC1,2026-02-30,70\n" + "".join(
    f"C1,2026-06-{d:02d},-5\n" for d in range(1, 25))
FILES = {"customers.csv": "customer_id,name,owner\nC1,Acme,Ann\n", "orders.csv": ORDERS}


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = tmp_path_factory.mktemp("dq-language")
    (root / "data").mkdir()
    for name, text in FILES.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    config = load_config(cwd=root)
    dataset = load_dataset(config)
    site = Site(config=config, dataset=dataset, metrics=compute_metrics(dataset, config, pd.Timestamp("2026-06-30")))
    return next(data_quality.pages(site))


def render(page, language: str) -> str:
    return Renderer(language, "CNY").render(page.template, page.context).decode()


def test_chinese_page_translates_messages_and_hints_and_keeps_values(page) -> None:
    html = render(page, "zh-CN")
    assert "客户不在客户表中: &#39;C9&#39;" in html
    assert "该客户仍会生成页面，以客户编号命名" in html
    assert "不是日期: &#39;2026-02-30&#39;" in html
    assert "负值" in html and "按退货或红字发票计，冲减收入" in html
    assert "负值: 另有 4 行同样问题" in html
    for english in ("customer not in customers file", "not a date", "negative value", "more row(s) like this"):
        assert english not in html


def test_english_page_and_terminal_keep_the_english_text(page) -> None:
    html = render(page, "en")
    assert "customer not in customers file: &#39;C9&#39;" in html
    assert "negative value: 4 more row(s) like this" in html
    log = ProblemLog()
    log.add_rows("data/orders.csv", [3], "order_date", "not a date", "use 2026-03-05", values=["x"])
    problem = log.problems[0]
    assert problem.key == "not a date" and problem.message == "not a date: 'x'"
    assert problem.format() == "data/orders.csv:3: column order_date: not a date: 'x' (use 2026-03-05)"
    assert problem == Problem("data/orders.csv", 3, "order_date", "not a date: 'x'", "use 2026-03-05")
