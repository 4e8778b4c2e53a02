"""Rebuilds keep the files made by pure functions (the playbook's DOCX and XLSX downloads) while their
inputs are unchanged, like pages whose context is unchanged (issue 23), and the output stays a full build's."""

from __future__ import annotations

import shutil
from datetime import date
from functools import partial
from pathlib import Path

import pytest

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.demo import generate_demo_data
from sitegen.pages import File, pure
from sitegen.playbook import downloads as dl
from sitegen.reporter import Reporter

AS_OF = "2026-06-30"
FORM = "content/playbook/en/templates/form.md"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_form(site: Path, row: str) -> None:
    """A playbook template offered as DOCX and XLSX."""
    page = site / FORM
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text('---\ntitle: "Form"\nkind: template\norder: 1\nsummary: "A form."\ndownloads: [docx, xlsx]\n'
                    f"---\n\n| field | value |\n|---|---|\n| {row} | |\n", encoding="utf-8")


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("files") / "site"
    generate_demo_data(root / "data", customers=8, seed=5, as_of=date(2026, 6, 30))
    write_form(root, "name")
    return root


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The downloads the build asked for, by format (the generators replaced by pure functions that count
    every call, also those the process's memory of pure results answers)."""
    calls: list[str] = []

    def counting(fmt: str, real):
        remembered = pure(*getattr(real, "__sitegen_pure__"))(real.__wrapped__)

        def make(*args, **kwargs) -> bytes:
            calls.append(fmt)
            return remembered(*args, **kwargs)
        setattr(make, "__sitegen_pure__", getattr(remembered, "__sitegen_pure__"))
        return make

    monkeypatch.setattr(dl, "docx_bytes", counting("docx", dl.docx_bytes))
    monkeypatch.setattr(dl, "xlsx_bytes", counting("xlsx", dl.xlsx_bytes))
    return calls


def build(site: Path, **options):
    return build_site(load_config(cwd=site), as_of=AS_OF, reporter=Reporter(), **options)


@pytest.mark.parametrize("jobs", [1, 2])
def test_downloads_are_made_again_only_when_their_page_changes(plain: Path, tmp_path: Path, made: list[str],
                                                               jobs: int) -> None:
    site = Path(shutil.copytree(plain, tmp_path / "site"))
    build(site, jobs=jobs)
    assert sorted(made) == ["docx", "xlsx"] or jobs == 2  # (workers count in their own process)
    made.clear()
    orders = site / "data" / "orders.csv"
    lines = orders.read_text(encoding="utf-8").splitlines()
    orders.write_text("\n".join([*lines, lines[-1].replace(lines[-1].split(",")[0], "SO-EXTRA", 1)]) + "\n",
                      encoding="utf-8")
    build(site, jobs=1)
    assert made == []  # the data changed, the playbook did not: both files kept, not made
    build(site, jobs=1, force=True, out=tmp_path / "full")
    assert snapshot(site / "output") == snapshot(tmp_path / "full")
    made.clear()
    write_form(site, "address")
    build(site, jobs=1)
    assert sorted(made) == ["docx", "xlsx"]
    build(site, jobs=1, force=True, out=tmp_path / "full2")
    assert snapshot(site / "output") == snapshot(tmp_path / "full2")
    assert (site / "output" / "playbook/templates/form/form.docx").read_bytes() != \
        (tmp_path / "full" / "playbook/templates/form/form.docx").read_bytes()


def test_a_damaged_kept_download_is_made_again(plain: Path, tmp_path: Path, made: list[str]) -> None:
    site = Path(shutil.copytree(plain, tmp_path / "site"))
    build(site, jobs=1)
    docx = site / "output" / "playbook/templates/form/form.docx"
    good = docx.read_bytes()
    docx.write_bytes(b"not a document")  # (the damage alone makes the next build rebuild)
    made.clear()
    build(site, jobs=1)
    assert made == ["docx"] and docx.read_bytes() == good


def test_only_a_partial_of_a_pure_function_has_inputs() -> None:
    @pure("openpyxl")
    def keyed(text: str) -> bytes:
        return text.encode()

    def plain_function(text: str) -> bytes:
        return text.encode()

    inputs = File("a.bin", partial(keyed, "x")).inputs
    assert inputs is not None and inputs[2] == ("x",) and inputs[1][0].startswith("openpyxl=")
    assert File("a.bin", partial(keyed, "x")).inputs != File("a.bin", partial(keyed, "y")).inputs
    assert File("a.bin", partial(plain_function, "x")).inputs is None
    assert File("a.bin", b"bytes").inputs is None
    assert File("a.bin", lambda: b"bytes").inputs is None


def test_a_process_makes_the_same_download_once() -> None:
    args = ("Form", "A form", "<p>Name: ____</p>", "en")
    first = dl.docx_bytes(*args)
    before = dl.docx_bytes.cache_info().hits
    assert dl.docx_bytes(*args) is first and dl.docx_bytes.cache_info().hits == before + 1
    assert dl.docx_bytes("Form", "A form", "<p>Other</p>", "en") != first
