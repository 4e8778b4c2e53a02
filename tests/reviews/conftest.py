"""Fixtures for the review tests: tiny sites with review files written inline, and a small demo site (the
sample review of ``sitegen init`` for the demo's as_of) built once per module."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Callable

import pytest

DEMO_AS_OF = date(2026, 11, 20)   # the demo data's last day (sitegen.toml of the repository)
BUILD_AS_OF = "2026-11-30"        # the Done-when's build date


# The weekly meeting of the week before the build date (2026-11-30 is the Monday of W49)
WEEKLY = """---
title: "Pipeline meeting"
date: 2026-11-27
actions:
  - what: "Book the demo for the largest new deal"
    owner: "王丽"
    due: 2026-12-04
---

## Pipeline

Two deals slipped; <script>alert("weekly")</script> nothing else.
"""


def review_file(front: str, body: str = "Notes.\n") -> str:
    return f"---\n{front.strip()}\n---\n\n{body}"


@pytest.fixture
def review_site(tmp_path: Path) -> Callable[..., Path]:
    """``make({"2026-10.md": text, "zh-CN/2026-10.md": text}, language="en", config="")`` -> site folder."""

    def make(files: dict[str, str | bytes], language: str = "en", config: str = "") -> Path:
        root = tmp_path / "site"
        folder = root / "content" / "reviews"
        folder.mkdir(parents=True, exist_ok=True)
        for rel, text in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        (root / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\n{config}', encoding="utf-8")
        return root

    return make


def demo_review_site(root: Path, language: str = "en", customers: int = 80) -> Path:
    """Demo data as of 2026-11-20 and the sample review (content/reviews/2026-10.md) in ``root``."""
    from sitegen.demo import generate_demo_data
    from sitegen.reviews.sample import write_sample_review

    generate_demo_data(root / "data", customers=customers, seed=1, as_of=DEMO_AS_OF)
    (root / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\n', encoding="utf-8")
    assert write_sample_review(root, DEMO_AS_OF) is not None
    return root


def build(root: Path, out: Path, as_of: str = BUILD_AS_OF) -> Path:
    """Build ``root`` into ``out`` with one worker; returns the output folder."""
    from sitegen.build import build_site
    from sitegen.config import load_config

    return build_site(load_config(cwd=root), out=out, as_of=as_of, jobs=1).out


@pytest.fixture(scope="module")
def demo_reviews(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(site folder, output folder) of the small demo site with its sample review, built as of 2026-11-30."""
    root = demo_review_site(tmp_path_factory.mktemp("reviews-demo"))
    (root / "content" / "reviews" / "2026-W48.md").write_text(WEEKLY, encoding="utf-8")
    return root, build(root, root / "output")


def copy_site(root: Path, target: Path) -> Path:
    shutil.copytree(root / "data", target / "data")
    shutil.copy(root / "sitegen.toml", target / "sitegen.toml")
    return target
