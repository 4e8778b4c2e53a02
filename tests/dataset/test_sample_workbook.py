"""The Chinese CRM export among ``sitegen init``'s samples (samples/商机导出.xlsx): the committed workbook holds
the rows of tests/dataset/sample_workbook.py, and a site started from it with ``sitegen init --from`` builds
with no column map and no [outcomes] and gives the figures of the same deals with canonical headers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from click.testing import CliRunner

from sitegen.cli import main
from sitegen.scaffold import SAMPLE_EXPORT, SCAFFOLD_FILES, create_site

from . import sample_workbook as sample
from .test_headers import CANONICAL, _metrics


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None if value == "" else value


def test_the_committed_workbook_holds_the_scripts_rows() -> None:
    """Regenerate with ``python tests/dataset/sample_workbook.py`` after changing the rows."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(SCAFFOLD_FILES / SAMPLE_EXPORT[0]))
    assert book.sheet_names == [sample.SHEET]
    rows = [[_cell(c) for c in row] for row in book.get_sheet_by_name(sample.SHEET).to_python()]
    exported = sample.exported_rows()
    want = [*sample.TITLE, sample.HEADER, *exported, sample.footer(exported)]
    assert [[c for c in row if c is not None] for row in rows] == [[c for c in row if c is not None] for row in want]
    kinds = {type(c) for row in exported for c in row[5:]}
    assert {int, str, date} <= kinds  # numbers and text amounts, date cells and text dates


def test_a_site_started_from_the_sample_export_gives_the_canonical_figures(tmp_path: Path, monkeypatch) -> None:
    create_site(tmp_path / "first", customers=20)
    export = tmp_path / "first" / "samples" / "商机导出.xlsx"
    assert export.is_file() and "sitegen init" in (tmp_path / "first" / "samples" / "README.md").read_text("utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "from-export", "--from", str(export)])
    assert result.exit_code == 0, result.output
    site = tmp_path / "from-export"
    config = (site / "sitegen.toml").read_text(encoding="utf-8")
    assert "columns" not in config.replace("# columns", "") and "[outcomes]" not in config
    keys = {name: key for key, name in zip(("contact", "needs", "proposal", "negotiation"), sample.OPEN_STAGES)}
    assert all(f'key = "{key}"\nname = "{name}"' in config for name, key in keys.items()), config
    keys.update({"赢单": "won", "输单": "lost"})
    canonical = tmp_path / "canonical"
    (canonical / "data").mkdir(parents=True)
    (canonical / "sitegen.toml").write_text(config, encoding="utf-8")
    iso = lambda day: day.isoformat() if day else ""  # noqa: E731
    (canonical / "data" / "pipeline.csv").write_text(CANONICAL.format(rows="".join(
        f"{r[0]},{r[1]},{r[2]},{r[3]},{keys[r[4]]},{r[5]},{iso(r[6])},{iso(r[7])}\n" for r in sample.canonical_rows())),
        encoding="utf-8")
    got, want = _metrics(site, tmp_path / "out-export"), _metrics(canonical, tmp_path / "out-canonical")
    assert want["kpis"] and want["funnel"]
    for key in ("kpis", "funnel", "goals", "periods"):
        assert got[key] == want[key], key


def test_init_from_a_short_pipeline_keeps_the_playbook_of_its_stages(tmp_path: Path) -> None:
    """Four stages take the last four default keys; the pages of the fifth (lead) are left out, so the new site
    builds: the playbook rejects a page for a stage the site does not have."""
    create_site(tmp_path / "first", customers=20)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new"), "--from",
                                       str(tmp_path / "first" / "samples" / "商机导出.xlsx")])
    assert result.exit_code == 0, result.output
    pages = tmp_path / "new" / "content" / "playbook"
    assert (pages / "en" / "stages" / "contact.md").is_file() and not (pages / "en" / "stages" / "lead.md").exists()
    assert (pages / "zh-CN").is_dir()
