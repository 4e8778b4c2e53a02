"""One glossary for the site and the playbook (issue 19 §1): every concept has one English and one
Chinese term, and no zh-CN catalog entry or zh-CN playbook page uses a variant listed as forbidden."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from sitegen.render import CATALOG_DIR, load_catalog

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = tomllib.loads((CATALOG_DIR.parent / "glossary.toml").read_text(encoding="utf-8"))["concept"]


def forbidden_uses(texts: dict[str, str]) -> list[str]:
    """Where -> the forbidden variants each text uses, as 'where: variant (use TERM)'."""
    return [f"{where}: {variant} (use {c['zh-CN']})" for where, text in texts.items()
            for c in GLOSSARY for variant in c["forbidden"] if variant in text]


def test_every_concept_has_one_term_per_language_and_its_variants_differ() -> None:
    assert len(GLOSSARY) >= 5
    for concept in GLOSSARY:
        assert concept["en"] and concept["zh-CN"] and concept["forbidden"], concept
        assert all(v not in concept["zh-CN"] for v in concept["forbidden"]), concept
    assert len({c["en"] for c in GLOSSARY}) == len({c["zh-CN"] for c in GLOSSARY}) == len(GLOSSARY)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_site_shows_each_concept_by_its_glossary_term(language) -> None:
    catalog = load_catalog(language)
    for concept in GLOSSARY:
        shown = catalog.get(concept["en"], concept["en"])
        expected = concept["zh-CN"] if language == "zh-CN" else concept["en"]
        if language == "en" and concept["en"] in catalog:  # a data key: its English label
            expected = catalog[concept["en"]]
        assert shown == expected, (language, concept["name"], shown)


def test_no_chinese_catalog_entry_uses_a_forbidden_variant() -> None:
    messages = load_catalog("zh-CN")
    assert forbidden_uses({f"zh-CN.toml {k!r}": v for k, v in messages.items()}) == []


def test_no_chinese_playbook_page_uses_a_forbidden_variant() -> None:
    pages = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
             for p in sorted((ROOT / "content" / "playbook" / "zh-CN").rglob("*.md"))}
    assert pages
    assert forbidden_uses(pages) == []


def test_the_check_finds_a_forbidden_variant() -> None:
    assert forbidden_uses({"page.md": "每位负责人的跟进合规率；在途商机"}) == [
        "page.md: 跟进合规率 (use 跟进达标率)", "page.md: 在途 (use 在谈商机金额)"]
