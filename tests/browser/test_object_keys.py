"""Ids, names and owners that are names of JavaScript object properties (``constructor``, ``toString``,
``__proto__``...) are shown as the text they are in the client-side tables, in real Chromium: site.js
never looks data up in a plain object that inherits from ``Object.prototype`` (issue 14, defect 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import build_site
from sitegen.config import load_config

pytestmark = pytest.mark.browser

KEYS = ("constructor", "toString", "__proto__", "hasOwnProperty", "valueOf", "__defineGetter__")
WRONG = ("function", "native code", "[object Object]", "undefined")


@pytest.fixture(scope="module")
def keys_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("object-keys")
    data = root / "data"
    data.mkdir()
    (data / "customers.csv").write_text(
        "customer_id,name,owner,tier\n" + "".join(f"{k},{k},{k},key\n" for k in KEYS), encoding="utf-8")
    (data / "orders.csv").write_text(
        "customer_id,order_date,amount,owner\n" + "".join(f"{k},2026-06-0{i + 1},{100 + i},{k}\n"
                                                          for i, k in enumerate(KEYS)), encoding="utf-8")
    (data / "pipeline.csv").write_text(
        "opportunity_id,customer_id,owner,stage,created_date,close_date,amount,opportunity_name\n"
        + "".join(f"{k},{k},{k},proposal,2026-05-01,2026-08-01,{1000 + i},{k}\n" for i, k in enumerate(KEYS)),
        encoding="utf-8")
    return build_site(load_config(cwd=root), as_of="2026-06-30", jobs=1).out


class Tab:
    """One Chromium page that records script errors; ``show(hash)`` changes the URL state in place."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def show(self, state: str) -> None:
        self.page.evaluate("state => { location.hash = state; }", state)
        self.page.wait_for_function("state => location.hash === '#' + state", arg=state)
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")  # after the hashchange

    def text(self) -> str:
        return self.page.inner_text("main")

    def rows(self, table: str = "table") -> list[str]:
        return self.page.eval_on_selector_all(f"{table} tbody tr:not([hidden])", "rows => rows.map(r => r.innerText)")

    def close(self) -> None:
        self.context.close()


def assert_plain(text: str) -> None:
    for wrong in WRONG:
        assert wrong not in text, wrong


def test_customers_table_shows_the_ids_as_text(keys_site: Path, browser) -> None:
    tab = Tab(browser, (keys_site / "customers" / "index.html").as_uri())
    assert_plain(tab.text())
    rows = tab.rows("#customers")
    assert len(rows) == len(KEYS)
    for key in KEYS:  # name column and owner column both show the key
        assert any(row.split("\t")[0] == key and row.count(key) >= 2 for row in rows), (key, rows)
    for key in KEYS:  # the owner filter and the text filter find exactly one row each
        for state in (f"customers.owner={key}", f"customers.q={key.lower()}"):
            tab.show(state)
            rows = tab.rows("#customers")
            assert len(rows) == 1 and rows[0].startswith(key), (state, rows)
            assert_plain(tab.text())
    for state in ("customers.sort=-owner", "customers.sort=constructor", "customers.constructor=x",
                  "customers.__proto__=x", "customers.toString=x"):
        tab.show(state)
        assert len(tab.rows("#customers")) == len(KEYS), state
        assert_plain(tab.text())
    tab.show("customers.sort=owner")  # sorted by the owners' text, as the browser's collator orders it
    expected = tab.page.evaluate("keys => keys.slice().sort(new Intl.Collator(document.documentElement.lang, "
                                 "{numeric: true}).compare)", list(KEYS))
    assert [row.split("\t")[0] for row in tab.rows("#customers")] == expected
    assert tab.errors == []
    tab.close()


def test_team_and_pipeline_pages_show_the_owners_as_text(keys_site: Path, browser) -> None:
    team = {p.parent.name: p for p in (keys_site / "team").glob("*/index.html")}
    assert len(team) == len(KEYS)
    for key in KEYS:
        page = next(p for p in team.values() if f"<h1>{key}</h1>" in p.read_text(encoding="utf-8"))
        tab = Tab(browser, page.as_uri())
        assert_plain(tab.text())
        rows = tab.rows()
        assert len(rows) == 2, rows  # their one open deal, their one customer: the owner filter holds
        assert all(row.split("\t")[0] == key for row in rows), rows
        assert tab.errors == []
        tab.close()
    for path, table in (("team/index.html", "#scorecard-table"), ("pipeline/index.html", "#deals")):
        tab = Tab(browser, (keys_site / path).as_uri())
        assert_plain(tab.text())
        rows = tab.rows(table)
        assert len(rows) == len(KEYS), (path, rows)
        for key in KEYS:
            assert any(row.split("\t")[0] == key for row in rows), (path, key, rows)
        assert tab.errors == []
        tab.close()


def test_labels_keyed_like_object_properties_reach_the_table(browser) -> None:
    """A table's labels survive as given, "__proto__" included (an object literal would drop that key), and
    site.js shows them; a value without a label shows as itself, never as an inherited property."""
    import json

    from sitegen.render import Renderer

    script = Renderer("en", "CNY").render("table-data.js", {
        "name": "t", "fields": ["owner"], "rows": [["__proto__"], ["constructor"], ["toString"]],
        "labels": {"owner": {"__proto__": "Proto label", "constructor": "Constructor label"}}}).decode()
    payload = json.loads(script.split("] = ", 1)[1].rstrip().rstrip(";"))  # still JSON
    assert payload["labels"] == {"owner": [["__proto__", "Proto label"], ["constructor", "Constructor label"]]}
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content('<main><table id="t" class="data" data-source="t"><thead><tr>'
                     '<th data-field="owner" data-type="label">Owner</th></tr></thead><tbody></tbody></table></main>')
    page.add_script_tag(content=script)
    page.add_script_tag(path=str(Path(__file__).parents[2] / "templates" / "static" / "site.js"))
    cells = page.eval_on_selector_all("#t tbody td", "cells => cells.map(c => c.textContent)")
    context.close()
    assert errors == []
    assert cells == ["Proto label", "Constructor label", "toString"]
