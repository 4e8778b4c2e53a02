"""Fixtures for the playbook tests: tiny playbooks written inline into a site folder."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest


@pytest.fixture
def playbook_site(tmp_path: Path) -> Callable[..., Path]:
    """``make({"scripts/x.md": text, ...}, language="en", config="")`` -> site folder."""

    def make(files: dict[str, str], language: str = "en", config: str = "") -> Path:
        root = tmp_path / "site"
        folder = root / "content" / "playbook" / language
        folder.mkdir(parents=True, exist_ok=True)
        for rel, text in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (root / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\n{config}', encoding="utf-8")
        return root

    return make


GUIDE = """\
---
title: "Proposal"
kind: stage-guide
order: 4
stage: proposal
roles: [account-manager]
summary: "Present the solution."
goal: "An accepted proposal frame."
entry_criterion: "Needs confirmed in writing."
exit_criterion: "The customer accepts the proposal frame."
key_actions: ["Write the proposal", "Present it in person"]
output_document: "Proposal"
---

## Key actions

- [ ] Write the proposal
- [x] Present it in person
"""


@pytest.fixture
def guide_page() -> str:
    """A valid stage guide for the stage ``proposal``."""
    return GUIDE
