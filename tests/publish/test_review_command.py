"""``sitegen review PERIOD``: a starting file with the period's headline figures, missed goals and largest
movements as headings with empty analysis and actions slots, in the site's language; never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.reviews import load_reviews
from tests.reviews.conftest import DEMO_AS_OF


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sitegen.demo import generate_demo_data

    data = tmp_path_factory.mktemp("review-command") / "data"
    generate_demo_data(data, customers=60, seed=1, as_of=DEMO_AS_OF)
    return data


def site(tmp_path: Path, demo_data: Path, language: str = "en") -> Path:
    (tmp_path / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\nas_of = "2026-11-20"\n'
                                           f'[data]\ndir = "{demo_data}"\n', encoding="utf-8")
    return tmp_path


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["review", *args, "--config", str(root / "sitegen.toml")])


def test_review_writes_a_starting_file_that_loads_without_problems(tmp_path, demo_data) -> None:
    root = site(tmp_path, demo_data)
    result = run(root, "2026-10")
    assert result.exit_code == 0, result.output
    path = root / "content" / "reviews" / "2026-10.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Review of October 2026"\ndate:\nattendees: []\nactions: []\n---\n')
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Headline figures", "## Goals missed", "## Largest movements"]
    assert "### Revenue: CN¥" in text and "vs previous period" in text
    assert text.count("#### Analysis") == text.count("#### Actions") == text.count("\n### ")
    section = text.split("## Goals missed")[1].split("## Largest movements")[0]
    assert "against a goal of" in section or section.strip() == ""
    reviews, problems = load_reviews(load_config(cwd=root))
    assert problems == [] and reviews.get("2026-10").actions == ()


def test_review_never_overwrites_an_existing_file(tmp_path, demo_data) -> None:
    root = site(tmp_path, demo_data)
    path = root / "content" / "reviews" / "2026-10.md"
    path.parent.mkdir(parents=True)
    path.write_text("my notes\n", encoding="utf-8")
    result = run(root, "2026-10")
    assert result.exit_code == 2
    assert "a review file already exists for this period" in result.output and "Traceback" not in result.output
    assert path.read_text(encoding="utf-8") == "my notes\n"


@pytest.mark.parametrize("period, needle", [("2026-13", "not a review period: '2026-13'"),
                                            ("next-month", "not a review period"),
                                            ("2026-12", "2026-12 starts after the build date 2026-11-20")])
def test_a_period_that_is_none_or_after_the_build_date_is_a_usage_error(tmp_path, demo_data, period, needle) -> None:
    root = site(tmp_path, demo_data)
    result = run(root, period)
    assert result.exit_code == 2 and needle in result.output, result.output
    assert not (root / "content").exists()


def test_review_writes_in_the_sites_language_and_takes_weeks(tmp_path, demo_data) -> None:
    root = site(tmp_path, demo_data, "zh-CN")
    assert run(root, "2026-Q3").exit_code == 0
    text = (root / "content" / "reviews" / "2026-Q3.md").read_text(encoding="utf-8")
    assert 'title: "2026年第3季度复盘"' in text and "## 核心指标" in text and "#### 分析" in text
    assert run(root, "2026-W47").exit_code == 0
    week = (root / "content" / "reviews" / "2026-W47.md").read_text(encoding="utf-8")
    assert "### 在谈商机金额: " in week and "## 变化最大的指标" in week
    reviews, problems = load_reviews(load_config(cwd=root))
    assert problems == [] and [r.period.label for r in reviews] == ["2026-Q3", "2026-W47"]
