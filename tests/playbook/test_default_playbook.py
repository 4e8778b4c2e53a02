"""sitegen's default playbook: complete, valid and the same structure in both languages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sitegen.config import DEFAULT_STAGES, LANGUAGES, load_config
from sitegen.playbook import ROLES, TIERS, Playbook, load_playbook


@pytest.fixture(scope="module")
def playbooks(tmp_path_factory) -> dict[str, Playbook]:
    root: Path = tmp_path_factory.mktemp("no-content")  # no content/ folder: the default playbook
    config = load_config(cwd=root)
    out = {}
    for language in LANGUAGES:
        playbook, problems = load_playbook(dataclasses.replace(config, site=dataclasses.replace(config.site,
                                                                                             language=language)))
        assert [p.format() for p in problems] == [], language
        out[language] = playbook
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_at_least_30_pages(playbooks, language: str) -> None:
    assert len(playbooks[language].documents) >= 30


def test_both_languages_have_the_same_pages(playbooks) -> None:
    urls = {lang: [d.url for d in p.documents] for lang, p in playbooks.items()}
    assert urls["en"] == urls["zh-CN"]
    kinds = {lang: [(d.kind, d.stage, d.tier, d.roles) for d in p.documents] for lang, p in playbooks.items()}
    assert kinds["en"] == kinds["zh-CN"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_stage_has_a_complete_guide_and_every_tier_a_policy(playbooks, language: str) -> None:
    playbook = playbooks[language]
    for stage in DEFAULT_STAGES:
        guide = playbook.stage_guide(stage.key)
        assert guide is not None, stage.key
        for key in ("goal", "entry_criterion", "exit_criterion", "output_document"):
            assert guide.meta[key], (stage.key, key)
        assert len(guide.meta["key_actions"]) >= 3
        assert 'type="checkbox"' in guide.html and guide.toc
    for tier in TIERS:
        policy = playbook.tier_policy(tier)
        assert policy is not None and policy.meta["service_model"], tier
    assert sorted(r for d in playbook.documents if d.kind == "role" for r in d.roles) == sorted(ROLES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_kinds_cover_scripts_templates_and_checklists(playbooks, language: str) -> None:
    kinds = [d.kind for d in playbooks[language].documents]
    assert kinds.count("script") >= 8 and kinds.count("template") >= 6 and kinds.count("checklist") >= 3


def test_the_chinese_playbook_is_in_chinese(playbooks) -> None:
    guide = playbooks["zh-CN"].stage_guide("lead")
    assert guide is not None and guide.title == "线索挖掘"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in guide.text)
