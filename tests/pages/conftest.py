"""The demo data built once per session (English and Chinese) for end-to-end page tests."""

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
def built_en(demo_site: Path, tmp_path_factory: pytest.TempPathFactory):
    return build(demo_site, tmp_path_factory.mktemp("pages-en"))
