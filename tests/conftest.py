"""Shared fixtures: tiny sites written inline, and the demo data set."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

import pytest

AS_OF = "2026-06-30"


def write_site(root: Path, files: dict[str, str | bytes], config: str = "") -> Path:
    """A site folder with ``data/<name>`` files and an optional sitegen.toml; returns the folder."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / "data" / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if config:
        (root / "sitegen.toml").write_text(config, encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    def make(files: dict[str, str | bytes], config: str = "", name: str = "site") -> Path:
        return write_site(tmp_path / name, files, config)
    return make


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the demo data (300 customers) and no config: built with defaults."""
    from sitegen.demo import generate_demo_data

    root = tmp_path_factory.mktemp("demo")
    generate_demo_data(root / "data", customers=300, seed=1, as_of=date(2026, 6, 30))
    return root
