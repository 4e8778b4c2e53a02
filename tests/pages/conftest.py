"""End-to-end page tests: ``built_en`` is the session's English demo build; ``build`` builds the demo data anew."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

AS_OF = "2026-06-30"


def build(demo_site: Path, root: Path, language: str = "en", as_of: str = AS_OF):
    """Copy the demo data into ``root`` and build it; returns the BuildResult."""
    from sitegen.build import build_site
    from sitegen.config import load_config

    if not (root / "data").exists():
        shutil.copytree(demo_site / "data", root / "data")
    (root / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\n', encoding="utf-8")
    return build_site(load_config(cwd=root), as_of=as_of)


@pytest.fixture(scope="session")
def built_en(demo_en):
    """The session's English demo build (BuildResult; tests/conftest.py ``demo_en``, with its sample review)."""
    return demo_en
