"""An ``--all-audiences`` folder holds the audiences' sites and nothing else: the rebuild cache (every row of
every table, contacts included), the retired output, staging folders and locks live beside it, where no
audience's web server rule or Pages upload reaches them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sitegen.cli import main
from sitegen.write import AUDIENCE_ROOT, beside
from tests.conftest import AS_OF
from tests.test_audiences import OWNER_CONFIG, OWNER_FILES


def build_all(out: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--all-audiences", "--out", str(out), "--jobs", "1", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output


def test_nothing_but_the_audience_sites_in_the_folder(make_site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(make_site(OWNER_FILES, OWNER_CONFIG))
    out = tmp_path / "sites"
    build_all(out)
    build_all(out)  # a rebuild retires each site's previous output: beside the folder too
    assert sorted(p.name for p in out.iterdir()) == sorted([AUDIENCE_ROOT, "ann", "ann-east", "east"])
    for name in ("ann", "ann-east", "east"):
        staging, previous, lock, cache = beside(out / name)
        assert {staging.parent, previous.parent, lock.parent, cache.parent} == {tmp_path}
        assert cache.is_dir() and lock.exists()
    leaked = [p for p in out.rglob("*") if p.is_file() and "ben@beta.example" in p.read_text("utf-8", "replace")]
    assert not any(p.is_relative_to(out / "ann") for p in leaked)  # Bo's contact: east's site only
    assert all(p.is_relative_to(out / "east") for p in leaked)


def test_what_earlier_versions_left_in_the_folder_is_removed(make_site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(make_site(OWNER_FILES, OWNER_CONFIG))
    out = tmp_path / "sites"
    for kind in ("cache", "previous", "staging"):
        (out / f".ann.{kind}" / "tables").mkdir(parents=True)
        (out / f".ann.{kind}" / "tables" / "contacts.arrow").write_text("ben@beta.example")
    (out / ".ann.lock").touch()
    build_all(out)
    assert sorted(p.name for p in out.iterdir()) == sorted([AUDIENCE_ROOT, "ann", "ann-east", "east"])


def test_a_plain_output_keeps_its_files_beside_it(tmp_path: Path) -> None:
    staging, previous, lock, cache = beside(tmp_path / "public")
    assert [p.name for p in (staging, previous, lock, cache)] == [
        ".public.staging", ".public.previous", ".public.lock", ".public.cache"]
    assert {p.parent for p in (staging, previous, lock, cache)} == {tmp_path}
