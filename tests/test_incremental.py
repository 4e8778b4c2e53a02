"""Rebuilds: an output made from the same inputs is reused; any change of input rebuilds it."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.demo import generate_demo_data
from sitegen.fingerprint import fingerprint
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
