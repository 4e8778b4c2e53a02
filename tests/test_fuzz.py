"""The whole pipeline under random input: ``check`` and ``build`` on random small tables.

The property (issue 14): whatever the input, both commands end with exit code 0, 1 or 2 and no
traceback; ``check`` passing means ``build`` succeeds (and an error in one is an error in the other);
every file the build writes is inside the output folder; a failed build leaves the previous output
byte for byte.

CI runs a bounded number of examples with a fixed seed (a few seconds each, so the suite stays green
and fast); ``SITEGEN_FUZZ_EXAMPLES=500 pytest tests/test_fuzz.py`` runs more, with a random seed.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import shutil
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.cli import main

AS_OF = "2026-06-30"
EXAMPLES = int(os.environ.get("SITEGEN_FUZZ_EXAMPLES", "12"))
ON_DEMAND = "SITEGEN_FUZZ_EXAMPLES" in os.environ

# Ids that have broken builds before or could: case twins, a hashed-looking slug, Windows device names,
# names of JavaScript object members, path tricks, invisible characters, markup, formulas, CJK.
TRICKY_IDS = ["C1", "c1", "c1-2a8b1b1e", "CON", "nul", "com1", "constructor", "__proto__", "toString", "../x",
              "a/b", ".", "C\u200b1", "\u202eC1", "<b>x</b>", "=1+1", "客户一", " C1 ", "-", "id,with,comma",
              'quote"d', "x" * 80]
STAGES = ["Lead", "Initial contact", "needs", "Proposal", "negotiation", "Won", "Lost", "Closed Won", "线索"]
OWNERS = ["Alice", "Bob", "王芳", "", "Zed", "constructor", "Ann\u200b"]


def mostly(valid: st.SearchStrategy, invalid: list[str]) -> st.SearchStrategy:
    """Valid values nine times in ten, so that most examples get past validation into the metrics
    and pages; the rest are values a careless export holds."""
    return st.one_of(*[valid] * 9, st.sampled_from(invalid))


ids = st.one_of(st.sampled_from(TRICKY_IDS), st.text(min_size=1, max_size=6))
# Dates mostly near as_of; sometimes anywhere in the range sitegen accepts (1900-2100: a date far back
# means a report page for every month since, so such builds are slow and kept rare); the invalid ones
# include real dates outside the range.
dates = mostly(st.one_of(*[st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2026, 8, 1))] * 4,
                         st.dates(min_value=datetime.date(1960, 1, 1), max_value=datetime.date(2100, 12, 31)),
                         st.sampled_from([datetime.date(1900, 1, 1), datetime.date(1969, 12, 15),
                                          datetime.date(1970, 1, 1), datetime.date(2026, 6, 30)])).map(str),
               ["", "2026/6/1", "20260601", "2026年6月1日", "2026-02-30", "not a date", "9999-12-31", "2300-01-01",
                "1850-06-01"])
amounts = mostly(st.one_of(st.floats(min_value=-1e6, max_value=1e13, allow_nan=False).map(lambda v: f"{v:.2f}"),
                           st.integers(min_value=0, max_value=10**6).map(str)),
                 ["", "1,234.50", "¥1,234", "1.2万", "(12)", "lots", "#VALUE!", "1e308", "-5"])
stages = mostly(st.sampled_from(STAGES), ["Leed", ""])
owners = st.sampled_from(OWNERS)


def table(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@st.composite
def data_files(draw) -> dict[str, str]:
    """Random pipeline, orders, customers, activities and feedback files (each may be absent or empty)."""
    customer_ids = draw(st.lists(ids, min_size=1, max_size=6))
    files: dict[str, str] = {}
    if draw(st.booleans()):
        rows = draw(st.lists(st.tuples(st.sampled_from(customer_ids), dates, amounts, owners,
                                       st.sampled_from(["", "cancelled", "shipped"]), amounts, dates),
                             min_size=0, max_size=8))
        paid = draw(st.booleans())
        header = ["customer_id", "order_date", "amount", "owner", "status"] + (["paid_amount", "due_date"] if paid else [])
        files["orders.csv"] = table(header, [list(r[:5]) + (list(r[5:]) if paid else []) for r in rows])
    if draw(st.booleans()) or not files:
        rows = draw(st.lists(st.tuples(ids, stages, dates, st.sampled_from(customer_ids), amounts,
                                       dates, owners), min_size=0, max_size=8))
        files["pipeline.csv"] = table(["opportunity_id", "stage", "created_date", "customer_id", "amount",
                                       "close_date", "owner"], [list(r) for r in rows])
    if draw(st.booleans()):
        rows = draw(st.lists(st.tuples(st.sampled_from(customer_ids), ids, owners, st.sampled_from(
            ["", "strategic", "key", "vip"])), min_size=0, max_size=6))
        files["customers.csv"] = table(["customer_id", "name", "owner", "tier"], [list(r) for r in rows])
    if draw(st.booleans()):
        rows = draw(st.lists(st.tuples(dates, st.sampled_from(customer_ids), owners,
                                       st.sampled_from(["call", "visit", "meeting", ""]), dates),
                             min_size=0, max_size=5))
        files["activities.csv"] = table(["date", "customer_id", "owner", "type", "next_action_date"],
                                        [list(r) for r in rows])
    if draw(st.booleans()):
        rows = draw(st.lists(st.tuples(st.sampled_from(customer_ids), dates, st.sampled_from(["nps", "csat", "x"]),
                                       st.integers(-1, 11).map(str)), min_size=0, max_size=5))
        files["feedback.csv"] = table(["customer_id", "date", "kind", "score"], [list(r) for r in rows])
    return files


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_clean(result, command: str) -> None:
    output = result.output
    assert result.exit_code in (0, 1, 2), f"{command} exited {result.exit_code}:\n{output}\n{result.exception!r}"
    assert "Traceback" not in output and "internal error" not in output, f"{command}:\n{output}"


def run_example(site: Path, files: dict[str, str], runner: CliRunner) -> None:
    data = site / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    for name, text in files.items():
        (data / name).write_text(text, encoding="utf-8")
    checked = runner.invoke(main, ["check", "--as-of", AS_OF], catch_exceptions=True)
    assert_clean(checked, "check")
    out = site / "output"
    before = snapshot(out)
    built = runner.invoke(main, ["build", "--as-of", AS_OF, "--jobs", "1"], catch_exceptions=True)
    assert_clean(built, "build")
    if checked.exit_code == 0:
        assert built.exit_code == 0, f"check passed but build failed:\n{built.output}"
    else:
        assert built.exit_code == checked.exit_code, f"check {checked.exit_code}, build {built.exit_code}"
    if built.exit_code:
        assert snapshot(out) == before, "a failed build changed the previous output"
    else:
        root = out.resolve()
        for path in out.rglob("*"):
            assert not path.is_symlink(), path
            assert path.resolve().is_relative_to(root), path
    outside = {p.name for p in site.iterdir()} - {"data", "output", ".output.previous", ".output.lock",
                                                 ".output.staging", ".output.cache"}
    assert not outside, f"the build wrote outside its output folder: {sorted(outside)}"


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not ON_DEMAND, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(files=data_files())
def test_check_and_build_agree_on_random_input(tmp_path: Path, files: dict[str, str]) -> None:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    previous = Path.cwd()
    os.chdir(site)
    try:
        run_example(site, files, CliRunner())
    finally:
        os.chdir(previous)
