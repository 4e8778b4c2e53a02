"""Rebuilds: an output made from the same inputs is reused; any change of input rebuilds it, rendering only
the pages whose context changed, into the output a full build would write.

The property test (issue 23) applies random edits to a small site and compares each incremental build with a
full ``--force`` build into another folder, file by file. CI runs a few examples with a fixed seed;
``SITEGEN_INCREMENTAL_EXAMPLES=50 pytest tests/test_incremental.py`` runs more, with a random seed."""

from __future__ import annotations

import csv
import dataclasses
import os
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.dataset import cache, load, load_dataset
from sitegen.dataset.cache import table_cache
from sitegen.demo import generate_demo_data
from sitegen.fingerprint import fingerprint
from sitegen.render import Renderer
from sitegen.reporter import Reporter

AS_OF = "2026-06-30"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo site, built once; each test works on its own copy."""
    root = tmp_path_factory.mktemp("incremental") / "site"
    generate_demo_data(root / "data", customers=30, seed=2, as_of=date(2026, 6, 30))
    # a warning in the data, to see that a reused build still reports it
    orders = root / "data" / "orders.csv"
    lines = orders.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("customer_id")] = "NOT-A-CUSTOMER"
    orders.write_text("\n".join([*lines, ",".join(cells)]) + "\n", encoding="utf-8")
    build_site(load_config(cwd=root), as_of=AS_OF)
    return root


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built, tmp_path / "site", copy_function=shutil.copy2))


def rebuild(site: Path, **options):
    reporter = Reporter()
    result = build_site(load_config(cwd=site), reporter=reporter, **{"as_of": AS_OF, **options})
    return result, " ".join(reporter.messages)


def test_unchanged_inputs_reuse_the_output(site: Path) -> None:
    before = snapshot(site / "output")
    first, _ = rebuild(site, force=True)
    result, messages = rebuild(site)
    assert result.reused and result.stats.written == 0 and result.stats.deleted == 0
    assert result.stats.skipped == len(before) - 2  # every file but the manifest and the build record
    assert result.pages == first.pages
    assert "inputs unchanged" in messages and "0 written" in messages
    assert snapshot(site / "output") == before
    # the warnings of the build that wrote the output are reported again
    assert result.warning_count == first.warning_count > 0
    assert result.problems == tuple(p for p in first.problems if p.severity == "warning")
    assert any("NOT-A-CUSTOMER" in p.format() for p in result.problems)


def change_input(site: Path, change: str) -> None:
    if change == "data":
        with (site / "data" / "customers.csv").open("a", encoding="utf-8") as f:
            f.write("\n")  # a blank line: same figures, but the bytes changed
    elif change == "template":
        (site / "templates").mkdir()
        (site / "templates" / "nav.html").write_text(
            (Path(__file__).parents[1] / "templates" / "nav.html").read_text(encoding="utf-8") + "\n")
    elif change == "playbook":
        page = site / "content" / "playbook" / "en" / "checklists" / "extra.md"
        page.parent.mkdir(parents=True)
        page.write_text('---\ntitle: "Extra"\nkind: checklist\norder: 9\nsummary: "An extra list."\n---\n\n- one\n',
                        encoding="utf-8")
    elif change == "config":
        (site / "sitegen.toml").write_text('[site]\ntitle = "Another title"\n', encoding="utf-8")


@pytest.mark.parametrize("change", ["data", "template", "playbook", "config"])
def test_every_input_is_in_the_fingerprint(site: Path, change: str) -> None:
    as_of = pd.Timestamp(AS_OF)
    before = fingerprint(load_config(cwd=site), as_of)
    assert fingerprint(load_config(cwd=site), as_of) == before
    assert fingerprint(load_config(cwd=site), as_of - pd.Timedelta(days=1)) != before
    change_input(site, change)
    assert fingerprint(load_config(cwd=site), as_of) != before


def test_where_the_site_lives_is_not_in_the_fingerprint(site: Path, tmp_path: Path) -> None:
    config = load_config(cwd=site)
    moved = Path(shutil.copytree(site, tmp_path / "moved"))
    other = dataclasses.replace(load_config(cwd=moved), output_dir=tmp_path / "public")
    assert fingerprint(other, pd.Timestamp(AS_OF)) == fingerprint(config, pd.Timestamp(AS_OF))


def test_a_changed_input_rebuilds(site: Path) -> None:
    change_input(site, "data")
    result, messages = rebuild(site)
    assert not result.reused and result.dataset is not None and "inputs unchanged" not in messages
    assert rebuild(site)[0].reused


@pytest.mark.parametrize("damage", ["deleted page", "edited page"])
def test_a_damaged_output_is_rebuilt(site: Path, damage: str) -> None:
    if damage == "deleted page":
        (site / "output" / "funnel" / "index.html").unlink()
    else:
        with (site / "output" / "index.html").open("a", encoding="utf-8") as f:
            f.write("<!-- edited by hand -->")
    result, _ = rebuild(site)
    assert not result.reused and result.stats.written >= 1
    assert (site / "output" / "funnel" / "index.html").is_file()
    assert "edited by hand" not in (site / "output" / "index.html").read_text(encoding="utf-8")


def test_force_rebuilds(site: Path) -> None:
    result, _ = rebuild(site, force=True)
    assert not result.reused and result.stats.written == 0  # every file rebuilt, found unchanged


def test_the_output_folder_does_not_change_the_record(site: Path, tmp_path: Path) -> None:
    result, _ = rebuild(site, out=tmp_path / "elsewhere")
    assert not result.reused  # a new folder is built...
    assert snapshot(tmp_path / "elsewhere") == snapshot(site / "output")  # ...byte for byte the same


# --- incremental rebuilds: only what changed is rendered, and the result is a full build's ----------------

def edit_csv(path: Path, edit) -> None:
    """Rewrite a data file through ``edit(header, rows)``, which changes ``rows`` in place."""
    with path.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    edit(header, rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])


def set_cell(path: Path, row: int, column: str, value) -> None:
    def edit(header: list[str], rows: list[list[str]]) -> None:
        cells = rows[row % len(rows)]
        cells[header.index(column)] = value(cells[header.index(column)])
    edit_csv(path, edit)


STAGES = ["Lead", "Initial contact", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost"]


def apply_edit(site: Path, kind: str, n: int) -> None:
    """One edit of the kind a data commit, a config or theme change or a playbook edit makes."""
    data = site / "data"
    if kind == "order amount":
        set_cell(data / "orders.csv", n, "amount", lambda v: f"{float(v or 0) + 1 + n:.2f}")
    elif kind == "deal stage":
        set_cell(data / "pipeline.csv", n, "stage", lambda v: STAGES[(STAGES.index(v) + 1 + n) % len(STAGES)]
                 if v in STAGES else STAGES[n % len(STAGES)])
    elif kind == "new customer":
        def add(header: list[str], rows: list[list[str]]) -> None:
            cells = list(rows[n % len(rows)])
            cells[header.index("customer_id")] = f"NEW{n}"
            rows.append(cells)
        edit_csv(data / "customers.csv", add)
        edit_csv(data / "orders.csv", lambda header, rows: rows.append(
            [f"NEW{n}" if h == "customer_id" else f"SO-NEW{n}" if h == "order_id" else c
             for h, c in zip(header, rows[n % len(rows)])]))
    elif kind == "deleted rows":
        edit_csv(data / ("orders.csv" if n % 2 else "pipeline.csv"), lambda header, rows: rows.pop(n % len(rows)))
    elif kind == "config":
        (site / "sitegen.toml").write_text(f'[site]\ntitle = "Title {n}"\n', encoding="utf-8")
    elif kind == "template":
        (site / "templates").mkdir(exist_ok=True)
        (site / "templates" / "nav.html").write_text(
            (Path(__file__).parents[1] / "templates" / "nav.html").read_text(encoding="utf-8") + f"<!-- {n} -->\n")
    elif kind == "playbook":
        page = site / "content" / "playbook" / "en" / "checklists" / "extra.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f'---\ntitle: "Extra {n}"\nkind: checklist\norder: 9\nsummary: "An extra list."\n---\n\n'
                        f"- item {n}\n", encoding="utf-8")
    elif kind == "playbook template":  # a page offered as DOCX and XLSX (kept while unchanged: File.inputs)
        page = site / "content" / "playbook" / "en" / "templates" / "form.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        rows = "".join(f"| field {i} | |\n" for i in range(n % 3 + 1))
        page.write_text(f'---\ntitle: "Form {n % 2}"\nkind: template\norder: 1\nsummary: "A form."\n'
                        f"downloads: [docx, xlsx]\n---\n\n| field | value |\n|---|---|\n{rows}", encoding="utf-8")


EDITS = ["order amount", "deal stage", "new customer", "deleted rows", "config", "template", "playbook",
         "playbook template"]
EXAMPLES = int(os.environ.get("SITEGEN_INCREMENTAL_EXAMPLES", "4"))
ON_DEMAND = "SITEGEN_INCREMENTAL_EXAMPLES" in os.environ


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo site without problems, built once (its output, page keys and parsed tables are cached)."""
    root = tmp_path_factory.mktemp("plain") / "site"
    generate_demo_data(root / "data", customers=12, seed=3, as_of=date(2026, 6, 30))
    build_site(load_config(cwd=root), as_of=AS_OF, jobs=1)
    return root


def test_a_rebuild_renders_only_the_pages_whose_context_changed(plain: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = Path(shutil.copytree(plain, tmp_path / "site", copy_function=shutil.copy2, symlinks=True))
    rendered: list[str] = []
    real = Renderer.render
    monkeypatch.setattr(Renderer, "render", lambda self, template, context: (rendered.append(template),
                                                                              real(self, template, context))[1])
    apply_edit(site, "order amount", 0)
    result = build_site(load_config(cwd=site), as_of=AS_OF, jobs=1)
    assert 0 < len(rendered) < result.pages / 3 and "customer.html" in rendered
    rendered.clear()
    full = build_site(load_config(cwd=site), as_of=AS_OF, jobs=1, force=True, out=tmp_path / "full")
    assert len(rendered) == full.pages  # --force renders every page
    assert snapshot(site / "output") == snapshot(tmp_path / "full")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not ON_DEMAND, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 10_000)), min_size=1, max_size=3),
       jobs=st.sampled_from([1, 2]))
def test_an_incremental_build_equals_a_full_build(plain: Path, tmp_path_factory: pytest.TempPathFactory,
                                                  edits: list[tuple[str, int]], jobs: int) -> None:
    work = tmp_path_factory.mktemp("edits")
    site = Path(shutil.copytree(plain, work / "site", copy_function=shutil.copy2, symlinks=True))
    for kind, n in edits:  # each edit a commit, each rebuilt from the last
        apply_edit(site, kind, n)
        build_site(load_config(cwd=site), as_of=AS_OF, jobs=jobs, reporter=Reporter())
    build_site(load_config(cwd=site), as_of=AS_OF, jobs=1, force=True, out=work / "full", reporter=Reporter())
    assert snapshot(site / "output") == snapshot(work / "full")
    shutil.rmtree(work)


# --- parsed tables are cached: a rebuild parses only the files that changed -----------------------------

def load_with_cache(site: Path, folder: Path, reuse: bool = True):
    with table_cache(folder, reuse):
        return load_dataset(load_config(cwd=site))


def assert_same_dataset(a, b) -> None:
    assert (a.problems, a.error_count, a.warning_count) == (b.problems, b.error_count, b.warning_count)
    assert (dict(a.problem_counts), dict(a.files)) == (dict(b.problem_counts), dict(b.files))
    assert list(a.tables) == list(b.tables) and list(a.snapshots) == list(b.snapshots)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)
    for day in a.snapshots:
        pd.testing.assert_frame_equal(a.snapshots[day], b.snapshots[day], check_exact=True)


def test_a_cached_table_equals_a_fresh_parse_problems_included(site: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    set_cell(site / "data" / "orders.csv", 3, "amount", lambda v: "12,3x")      # not a number
    set_cell(site / "data" / "pipeline.csv", 2, "customer_id", lambda v: "")  # a missing value
    set_cell(site / "data" / "pipeline.csv", 4, "close_date", lambda v: "someday")  # not a date
    fresh = load_dataset(load_config(cwd=site))
    assert any("not a number" in p.message for p in fresh.problems)
    folder = tmp_path / "cache"
    assert_same_dataset(load_with_cache(site, folder), fresh)  # parsed, and stored
    assert len(list(folder.glob("*.arrow"))) >= 8
    parse = load._read_table
    monkeypatch.setattr(load, "_read_table", lambda *args: pytest.fail("parsed a table that is in the cache"))
    assert_same_dataset(load_with_cache(site, folder), fresh)  # every table from the cache
    # a changed file is parsed again (only that one), and its older entry replaced
    monkeypatch.setattr(load, "_read_table", lambda source, *args: (
        parse(source, *args) if source.path.name == "orders.csv" else pytest.fail(f"parsed {source.path}")))
    set_cell(site / "data" / "orders.csv", 5, "amount", lambda v: "77.00")
    entries = len(list(folder.glob("*.arrow")))
    changed = load_with_cache(site, folder)
    monkeypatch.setattr(load, "_read_table", parse)
    assert_same_dataset(changed, load_dataset(load_config(cwd=site)))
    assert len(list(folder.glob("*.arrow"))) == entries


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "other version"])
def test_a_damaged_cache_entry_is_parsed_again_silently(site: Path, tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "cache"
    fresh = load_with_cache(site, folder)
    for entry in folder.glob("*.arrow"):
        data = entry.read_bytes()
        entry.write_bytes({"truncated": data[:len(data) // 2], "garbage": b"\x00junk" * 50, "empty": b"",
                           "other version": data.replace(b'"version": "1"', b'"version": "0"')}[damage])
    assert_same_dataset(load_with_cache(site, folder), fresh)
    assert_same_dataset(load_with_cache(site, folder), fresh)  # and stored again


def test_force_reads_no_cached_table(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rebuild(site, force=True)  # fills the cache
    assert list((site / ".output.cache" / "tables").glob("orders-*.arrow"))
    monkeypatch.setattr(cache, "_load", lambda entry: pytest.fail(f"--force read {entry}"))
    rebuild(site, force=True)
