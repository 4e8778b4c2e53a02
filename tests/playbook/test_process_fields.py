"""Front-matter fields of the process map and the new hire's reading order: ``step``, ``owner_role``,
``onboarding`` and ``downloads``, checked like every other field (FILE:LINE, a hint)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.playbook import load_playbook

BASE = 'title: "First call"\nkind: script\norder: 1\nsummary: "Earn the meeting."\n'
FILE = "content/playbook/en/scripts/first-call.md"


def load(playbook_site, extra: str):
    root: Path = playbook_site({"scripts/first-call.md": f"---\n{BASE}{extra}---\n\nText.\n"})
    return load_playbook(load_config(cwd=root))


def test_valid_fields_land_in_meta(playbook_site) -> None:
    playbook, problems = load(playbook_site, "step: contract\nowner_role: sales-manager\nonboarding: 3\n"
                                             "downloads: [docx, xlsx]\n")
    assert not problems
    meta = playbook.documents[0].meta
    assert (meta["step"], meta["owner_role"], meta["onboarding"], meta["downloads"]) == \
        ("contract", "sales-manager", 3, ("docx", "xlsx"))


@pytest.mark.parametrize(("extra", "line", "message"), [
    ("step: contracts\n", 6, "front matter: step: unknown value 'contracts' (did you mean 'contract'?"),
    ("owner_role: boss\n", 6, "front matter: owner_role: unknown value 'boss'"),
    ("onboarding: 0\n", 6, "front matter: onboarding: must be a whole number from 1, got 0"),
    ("onboarding: first\n", 6, "front matter: onboarding: must be a whole number from 1, got 'first'"),
    ("downloads: [docx, pdf]\n", 6, "front matter: downloads: unknown value 'pdf'"),
    ("downloads: 3\n", 6, "front matter: downloads: must be a list of texts"),
])
def test_invalid_fields_are_errors_with_file_and_line(playbook_site, extra: str, line: int, message: str) -> None:
    playbook, problems = load(playbook_site, extra)
    (problem,) = problems
    assert problem.severity == "error" and problem.format().startswith(f"{FILE}:{line}: {message}")
    assert playbook.documents == ()
