"""Data values shown in words: contact roles and activity types spelt another way are translated
like their canonical key; other values (products, names) are left as they are."""

from __future__ import annotations

import pytest

from sitegen.render import CANONICAL_VALUES, Renderer, canonical_value, load_catalog


@pytest.mark.parametrize("value, key", [("Decision_Maker", "decision maker"), ("decision-maker", "decision maker"),
                                        ("  Phone Call ", "call"), ("E-mail", "email"), ("MEETING", "meeting"),
                                        ("Site visit", "visit"), ("Acme Pump", None), ("Service", None)])
def test_canonical_value(value, key) -> None:
    assert canonical_value(value) == key


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_every_canonical_value_is_in_both_catalogs(language) -> None:
    assert CANONICAL_VALUES <= set(load_catalog(language))


def test_labels_translate_variants_in_both_languages() -> None:
    zh, en = Renderer("zh-CN", "CNY"), Renderer("en", "CNY")
    assert [zh.label(v) for v in ("Decision Maker", "phone", "Demo", "Acme Pump")] == ["决策者", "电话", "演示", "Acme Pump"]
    assert [en.label(v) for v in ("decision_maker", "phone", "demo", "Acme Pump")] == ["Decision maker", "Call", "Demo", "Acme Pump"]
