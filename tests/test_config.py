"""Configuration: defaults, the SPEC §3 sketch as written, and errors reported all at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sitegen.config import DEFAULT_STAGES, load_config, parse_config
from sitegen.errors import ConfigError

SPEC_SKETCH = '''
[site]
title = "Sales dashboard"
language = "en"          # "en" or "zh-CN": every UI string translated
currency = "CNY"
base_url = ""            # absolute URL, used only for links that leave the site (email digest)
as_of = ""               # build date; default today; all "now" metrics use it

[data]
dir = "data"
[data.pipeline]
file = "pipeline.csv"
columns = { opportunity_id = "Opportunity ID", customer_id = "account", amount = "close_value" }

[[stages]]
key = "lead"
name = { en = "Lead", zh-CN = "线索挖掘" }
aliases = ["Prospecting", "线索"]      # values that mean this stage in the data
probability = 0.10                       # fallback when history is too thin
max_days = 14                            # expected time in stage
[outcomes]
won = ["Won", "Closed Won", "成交"]
lost = ["Lost", "Closed Lost", "输单"]

[rules]
stale_after_days = 7
window_days = 365
attainment_warning = 0.90
'''


def test_no_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(cwd=tmp_path)
    assert config.site.language == "en"
    assert config.stages == DEFAULT_STAGES
    assert config.data_dir == tmp_path / "data"
    assert config.output_dir == tmp_path / "output"
    assert config.rules.stale_after_days == 7
    assert config.table_path("orders") == tmp_path / "data" / "orders.csv"


def test_spec_sketch_works_as_written(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(SPEC_SKETCH, encoding="utf-8")
    config = load_config(cwd=tmp_path)
    assert config.site.as_of is None
    assert config.tables["pipeline"].columns["customer_id"] == "account"
    assert [s.key for s in config.stages] == ["lead"]
    assert config.stages[0].name("zh-CN") == "线索挖掘"
    assert "Closed Won" in config.won


def test_as_of_and_stage_name_as_string(tmp_path: Path) -> None:
    config = parse_config({"site": {"as_of": "2026-06-30"}, "stages": [{"key": "a", "name": "Alpha"}]},
                          root=tmp_path)
    assert config.site.as_of == date(2026, 6, 30)
    assert config.stages[0].name("zh-CN") == "Alpha"


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    raw = {"site": {"titel": "x", "language": "fr", "as_of": "yesterday"},
           "rules": {"stale_after_days": "seven", "window_days": -3},
           "extra": {}}
    with pytest.raises(ConfigError) as info:
        parse_config(raw, root=tmp_path, source="sitegen.toml")
    messages = [p.format() for p in info.value.problems]
    assert any("site.titel: unknown key (did you mean 'title'?)" in m for m in messages)
    assert any("site.language" in m and "zh-CN" in m for m in messages)
    assert any("site.as_of" in m for m in messages)
    assert any("rules.stale_after_days: must be a whole number above 0" in m for m in messages)
    assert any("rules.window_days" in m for m in messages)
    assert any(m.startswith("sitegen.toml: extra: unknown section") for m in messages)
    assert len(messages) == 6


def test_wrong_types_in_tables_and_stages(tmp_path: Path) -> None:
    raw = {"data": {"pipeline": {"columns": {"amount": 3}}, "ordres": {}},
           "stages": [{"key": "a", "probability": 1.5}, {"key": "a"}]}
    with pytest.raises(ConfigError) as info:
        parse_config(raw, root=tmp_path)
    text = str(info.value)
    assert "data.pipeline.columns" in text
    assert "data.ordres: unknown key (did you mean 'orders'?)" in text
    assert "stages[0].probability: must be a number from 0 to 1" in text
    assert "stage key 'a' appears more than once" in text


def test_alias_meaning_two_stages_is_an_error(tmp_path: Path) -> None:
    raw = {"stages": [{"key": "a", "aliases": ["x"]}, {"key": "b", "aliases": ["X"]}]}
    with pytest.raises(ConfigError, match="means both"):
        parse_config(raw, root=tmp_path)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text("[site\ntitle = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(cwd=tmp_path)


def test_explicit_missing_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(Path("nope.toml"), cwd=tmp_path)
