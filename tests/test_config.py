"""Configuration: defaults, the SPEC §3 sketch as written, and errors reported all at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sitegen.config import DEFAULT_STAGES, FIRST_DATE, LAST_DATE, as_of_problem, load_config, parse_config
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


DAY_KEYS = ("stale_after_days", "window_days", "churn_after_days", "sales_cycle_goal_days")


@pytest.mark.parametrize("value", [10**12, 36_501])
def test_day_counts_out_of_range_are_reported_all_at_once(tmp_path: Path, value: int) -> None:
    """window_days = 10**12 raised OverflowError in the metrics; every day count has a range now."""
    raw = {"rules": {**dict.fromkeys(DAY_KEYS, value), "payment_terms_days": value},
           "stages": [{"key": "a", "max_days": value}], "tiers": {"key": {"contact_every_days": value}}}
    with pytest.raises(ConfigError) as info:
        parse_config(raw, root=tmp_path, source="sitegen.toml")
    messages = [p.format() for p in info.value.problems]
    for key in DAY_KEYS:
        assert f"sitegen.toml: rules.{key}: must be a whole number of days from 1 to 36500, got {value}" in messages
    assert f"sitegen.toml: stages[0].max_days: must be a whole number of days from 1 to 36500, got {value}" \
        in messages
    for key in ("rules.payment_terms_days", "tiers.key.contact_every_days"):
        assert f"sitegen.toml: {key}: must be a whole number of days from 0 to 36500, got {value}" in messages
    assert len(messages) == len(DAY_KEYS) + 3


@pytest.mark.parametrize("value", [0, -1, "seven", 1.5, True])
def test_day_counts_of_the_wrong_type_or_below_1_keep_their_message(tmp_path: Path, value) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"rules": {"window_days": value}}, root=tmp_path, source="sitegen.toml")
    assert [p.format() for p in info.value.problems] == [
        f"sitegen.toml: rules.window_days: must be a whole number above 0, got {value!r}"]


def test_long_values_are_cut_in_messages(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"rules": {"window_days": "y" * 100_000}}, root=tmp_path)
    assert len(info.value.problems[0].message) < 120


def test_day_counts_at_the_limits_are_accepted(tmp_path: Path) -> None:
    config = parse_config({"rules": {**dict.fromkeys(DAY_KEYS, 36_500), "payment_terms_days": 0},
                           "stages": [{"key": "a", "max_days": 1}]}, root=tmp_path)
    assert config.rules.window_days == 36_500 and config.rules.payment_terms_days == 0
    assert config.stages[0].max_days == 1


def test_service_levels_must_be_finite_and_bounded(tmp_path: Path) -> None:
    raw = {"service": {"high": {"resolution_days": float("inf"), "response_hours": 1e12}},
           "rules": {"aov_growth_goal": float("nan")}}
    with pytest.raises(ConfigError) as info:
        parse_config(raw, root=tmp_path)
    keys = [p.key for p in info.value.problems]
    assert sorted(keys) == ["rules.aov_growth_goal", "service.high.resolution_days", "service.high.response_hours"]


@pytest.mark.parametrize(("value", "message"), [
    ("9999-12-31", "date out of range: '9999-12-31'"), ("0001-01-01", "date out of range: '0001-01-01'"),
    (date(2300, 1, 1), "date out of range: '2300-01-01'"), ("1899-12-31", "date out of range: '1899-12-31'"),
    ("yesterday", "not a date: 'yesterday'"),
])
def test_as_of_outside_the_date_range_is_an_error(tmp_path: Path, value, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"site": {"as_of": value}}, root=tmp_path, source="sitegen.toml")
    assert [p.format() for p in info.value.problems] == [f"sitegen.toml: site.as_of: {message} ("
                                                         + ("dates must be between 1900-01-01 and 2100-12-31)"
                                                            if "range" in message else "write it as 2026-06-30)")]


def test_as_of_range_limits(tmp_path: Path) -> None:
    assert (FIRST_DATE, LAST_DATE) == (date(1900, 1, 1), date(2100, 12, 31))
    for value in ("1900-01-01", "2100-12-31", "1969-12-15"):
        assert as_of_problem(value) is None
        assert parse_config({"site": {"as_of": value}}, root=tmp_path).site.as_of == date.fromisoformat(value)
    assert as_of_problem("x" * 10_000)[0] == f"not a date: {'x' * 40!r}"  # never an unbounded value in a message


def test_toml_date_time_as_of_counts_as_its_date(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text("[site]\nas_of = 2026-06-30T18:30:00\n", encoding="utf-8")
    assert load_config(cwd=tmp_path).site.as_of == date(2026, 6, 30)


@pytest.mark.parametrize("columns", [
    {"amount": "Value", "close_date": "value"},            # two columns, one header (as the loader matches it)
    {"amount": "Close-Date", "close_date": "close date"},  # ... written differently
    {"owner": "customer id"},                              # mapped onto the header another column reads
])
def test_one_header_for_two_columns_is_an_error(tmp_path: Path, columns: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"data": {"pipeline": {"columns": columns}}}, root=tmp_path, source="sitegen.toml")
    (problem,) = info.value.problems
    assert problem.key == "data.pipeline.columns"
    names = list(columns) if len(columns) == 2 else ["owner", "customer_id"]
    assert f"columns {names[0]!r} and {names[1]!r} read the same header" in problem.message


def test_column_map_keys_must_be_columns_of_the_table(tmp_path: Path) -> None:
    raw = {"data": {"pipeline": {"columns": {"amount": "Value", "close_value": "Value"}}}}
    with pytest.raises(ConfigError) as info:
        parse_config(raw, root=tmp_path, source="sitegen.toml")
    assert [p.format() for p in info.value.problems] == [
        "sitegen.toml: data.pipeline.columns.close_value: unknown column (did you mean 'close_date'?)",
        "sitegen.toml: data.pipeline.columns: columns 'amount' and 'close_value' read the same header 'Value' "
        "(map each column to its own header)"]


def test_distinct_headers_in_column_maps_are_fine(tmp_path: Path) -> None:
    config = parse_config({"data": {"orders": {"columns": {"amount": "Value", "order_date": "amount"}}}},
                          root=tmp_path)  # "amount" is free: the amount column reads "Value"
    assert config.tables["orders"].columns["order_date"] == "amount"


def test_config_path_that_is_a_directory_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").mkdir()
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(cwd=tmp_path)
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(Path("sitegen.toml"), cwd=tmp_path)


def test_config_that_is_not_a_regular_file_is_an_error_not_a_hang(tmp_path: Path) -> None:
    import os
    os.mkfifo(tmp_path / "sitegen.toml")
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(cwd=tmp_path)


def test_broken_link_as_config_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").symlink_to(tmp_path / "gone.toml")
    with pytest.raises(ConfigError, match="broken symbolic link"):
        load_config(cwd=tmp_path)


def test_unreadable_config_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sitegen.toml").write_text("[site]\n", encoding="utf-8")

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)  # chmod 000 does not stop root, who runs CI containers
    with pytest.raises(ConfigError) as info:
        load_config(cwd=tmp_path)
    assert info.value.problems[0].message == "cannot read: Permission denied"


def test_config_not_in_utf8_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_bytes('[site]\ntitle = "销售"\n'.encode("gb18030"))
    with pytest.raises(ConfigError) as info:
        load_config(cwd=tmp_path)
    problem = info.value.problems[0]
    assert problem.message.startswith("not UTF-8 text: byte 16 (line 2)")
    assert problem.hint == "save it as UTF-8"
