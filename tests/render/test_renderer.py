"""The renderer: translated UI messages (folded at compile time), data labels, safe JSON, charts."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from pathlib import Path

import jinja2
import pytest

from sitegen.render import CATALOG_DIR, Renderer, json_for_script, localise_chart
from sitegen.resources import default_templates

# ``_(`` and its string literals; adjacent literals ("a long " "text") are one message, as jinja joins them
MESSAGE = re.compile(r'''_\(\s*((?:(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*)+)''')


def renderer_with(tmp_path: Path, language: str, **templates: str) -> Renderer:
    for name, text in templates.items():
        (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
    return Renderer(language, "CNY", tmp_path)


def test_catalogs_are_valid_toml_with_string_messages() -> None:
    for path in CATALOG_DIR.glob("*.toml"):
        messages = tomllib.loads(path.read_text(encoding="utf-8"))["messages"]
        assert all(isinstance(v, str) and v for v in messages.values()), path


def test_every_constant_message_in_the_default_templates_is_in_the_chinese_catalog() -> None:
    catalog = tomllib.loads((CATALOG_DIR / "zh-CN.toml").read_text(encoding="utf-8"))["messages"]
    missing = set()
    for path in default_templates().glob("*.*"):
        for match in MESSAGE.finditer(path.read_text(encoding="utf-8")):
            message = ast.literal_eval(match.group(1).strip().replace("\n", " "))
            if message not in catalog:
                missing.add(f"{path.name}: {message}")
    assert not missing, sorted(missing)


def test_constant_messages_are_translated_when_compiled(tmp_path) -> None:
    r = renderer_with(tmp_path, "zh-CN", page='<b title="{{ _(\'Orders\') }}">{{ _("Orders") }}</b>{{ _(x) }}')
    html = r.render("page.html", {"x": "Revenue"}).decode()
    assert html == '<b title="订单数">订单数</b>收入'
    source = r.env.loader.get_source(r.env, "page.html")[0]
    assert "_(" in source  # the template itself is unchanged; only its compiled form holds the text


def test_adjacent_string_literals_are_one_constant_message(tmp_path) -> None:
    """A long message split over lines (``_("a " "b")``) is translated at compile time like a short one."""
    r = renderer_with(tmp_path, "zh-CN", page='{{ _("Sales " "process map") }}|{{ _("Ord" \'ers\') }}|{{ _("{days} " "days", days=3) }}')
    assert r.render("page.html", {}).decode() == "销售流程图|订单数|3 天"
    assert r.missing == set()
    compiled = r.env.compile(r.env.loader.get_source(r.env, "page.html")[0], raw=True)
    assert "销售流程图" in compiled and "订单数" in compiled  # translated when compiled, not on every render


def test_messages_with_placeholders_are_filled_after_translation(tmp_path) -> None:
    r = renderer_with(tmp_path, "zh-CN", page='{{ _("{errors} error(s) and {warnings} warning(s) in the last build.", errors=1, warnings=2) }}')
    assert r.render("page.html", {}).decode() == "最近一次构建共有 1 个错误、2 个警告。"


def test_missing_ui_messages_are_recorded_but_data_labels_are_not(tmp_path) -> None:
    r = renderer_with(tmp_path, "zh-CN", page='{{ _("Not a known message") }} {{ label("Some product") }} {{ label("strategic") }}')
    assert r.render("page.html", {}).decode() == "Not a known message Some product 战略客户"
    assert r.missing == {"Not a known message"}
    assert Renderer("en", "CNY").missing == set()


def test_text_is_escaped_and_undefined_variables_fail(tmp_path) -> None:
    r = renderer_with(tmp_path, "en", page="{{ name }}", broken="{{ nothing }}")
    assert r.render("page.html", {"name": "<script>x</script>"}).decode() == "&lt;script&gt;x&lt;/script&gt;"
    with pytest.raises(jinja2.UndefinedError):
        r.render("broken.html", {})


def test_dict_keys_win_over_dict_methods_in_templates(tmp_path) -> None:
    r = renderer_with(tmp_path, "en", page="{{ row.items }} {{ row.name }}")
    assert r.render("page.html", {"row": {"items": 3, "name": "A"}}).decode() == "3 A"


def test_json_for_script_cannot_close_the_script_element() -> None:
    text = str(json_for_script({"name": "</script><script>alert(1)</script>", "sep": "\u2028&"}))
    assert "</script" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script>", "sep": "\u2028&"}


def test_charts_are_translated_when_embedded() -> None:
    spec = {"data": [{"type": "bar", "name": "Revenue", "x": ["strategic", "key"], "y": [1, 2],
                      "meta": {"i18n": "x"}}],
            "layout": {"yaxis": {"title": {"text": "Orders"}}}}
    r = Renderer("zh-CN", "CNY")
    out = localise_chart(spec, r.translate, r.label)
    assert out["data"][0]["name"] == "收入"
    assert out["data"][0]["x"] == ["战略客户", "重点客户"]
    assert "meta" not in out["data"][0]
    assert out["layout"]["yaxis"]["title"]["text"] == "订单数"
    assert spec["data"][0]["name"] == "Revenue"  # the page's spec is not changed


def test_navigation_is_rendered_once_per_depth_and_section() -> None:
    r = Renderer("zh-CN", "CNY")
    nav = (("dashboard", "index.html", "Dashboard"), ("customers", "customers/index.html", "Customers"))
    html = r.nav_links("../../", "customers", nav)
    assert '<a href="../../customers/index.html" aria-current="page">客户</a>' in html
    assert r.nav_links("../../", "customers", nav) is html


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_huge_whole_amounts_stay_json_numbers_in_charts(language: str) -> None:
    """A funnel by amount with a 1e308 deal (found by the fuzz test): whole values become integers only while
    JSON holds them exactly, so the chart's spec is still written (it was an internal error)."""
    from sitegen import charts

    r = Renderer(language, "CNY")
    spec = charts.money(charts.funnel(["lead", "won"], [1e308, 9607121245918.22], "Amount", ".3s"))
    data = json.loads(str(r.chart_json(spec)))
    values = [v for trace in data["data"] for v in trace.get("x", []) + trace.get("y", []) if isinstance(v, (int, float))]
    assert len(values) == 2 and all(abs(v) < 2**53 or isinstance(v, float) for v in values)
    small = json.loads(str(r.chart_json(charts.money(charts.funnel(["lead", "won"], [2e6, 1e6], "Amount")))))
    assert any(isinstance(v, int) for trace in small["data"] for v in trace.get("x", []) + trace.get("y", []))
