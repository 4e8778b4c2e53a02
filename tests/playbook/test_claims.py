"""The playbook keeps its word: every claim marker (``[text](site:page#section)``) in the playbook's
markdown, English and Chinese, names a page the demo build has and a section ``id`` that page has;
the marker renders as a real link; an unknown marker is a warning with FILE:LINE."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.playbook import claims, load_playbook, page_url
from sitegen.resources import default_content

HREF = re.compile(r'href="([^"]*)"')
LANGUAGES = ("en", "zh-CN")


def markers(language: str) -> list[tuple[str, claims.Claim]]:
    """(source path, claim) for every marker of the default playbook in ``language``."""
    folder = default_content() / "playbook" / language
    return [(path.relative_to(folder).as_posix(), claim) for path in sorted(folder.rglob("*.md"))
            for claim in claims.claims_in(path.read_text(encoding="utf-8"))]


def ids_of(page: Path) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest):
    return {"en": request.getfixturevalue("site_en"), "zh-CN": request.getfixturevalue("site_zh")}


def test_the_playbook_makes_claims_in_both_languages() -> None:
    for language in LANGUAGES:
        found = markers(language)
        assert len(found) >= 40, language  # the claims and more: the test must have something to check
        named = {c.name for _, c in found}
        assert {"customer", "dashboard", "pipeline", "team", "process"} <= named, (language, named)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_claim_points_at_a_page_and_section_of_the_built_site(built, language: str) -> None:
    out = built[language]
    missing = []
    for source, claim in markers(language):
        where = f"content/playbook/{language}/{source}:{claim.line}: site:{claim.name}#{claim.section}"
        target = claims.TARGETS.get(claim.name)
        if target is None:
            missing.append(f"{where}: unknown page (known: {claims.known_names()})")
            continue
        pages = sorted(out.glob(target.sample))
        if not pages:
            missing.append(f"{where}: the build has no page {target.sample}")
        elif claim.section and not any(claim.section in ids_of(p) for p in pages):
            missing.append(f"{where}: no element with id={claim.section!r} on {target.sample}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_markers_render_as_links_to_existing_pages(built, language: str) -> None:
    out = built[language]
    sources = {source for source, _ in markers(language)}
    assert sources
    for source in sorted(sources):
        page = out / page_url(source)
        text = page.read_text(encoding="utf-8")
        assert "site:" not in "".join(HREF.findall(text)), source
        body = text[text.index('<div class="pb-body">'):]
        for href in HREF.findall(body):
            target = html.unescape(href).split("#")[0]
            if target and ":" not in target:
                assert (page.parent / target).resolve().is_file(), (source, href)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_30_days_reading_order_links_pages_that_exist(built, language: str) -> None:
    index = built[language] / "playbook" / "index.html"
    text = index.read_text(encoding="utf-8")
    section = text[text.index('<section id="first-30-days"'):]
    section = section[:section.index("</section>")]
    links = HREF.findall(section)
    assert len(links) >= 15 and links[0] == "../playbook/process/index.html", links
    for href in links:
        assert (index.parent / href).resolve().is_file(), href
    assert 'href="#first-30-days"' in text


def test_a_claim_on_a_per_customer_section_links_to_the_customer_list(playbook_site) -> None:
    root = playbook_site({"scripts/x.md": "---\ntitle: X\nkind: script\norder: 1\nsummary: S\n---\n\n"
                          "See [open amounts](site:customer#receivables) and [goals](site:dashboard#goals).\n"})
    playbook, problems = load_playbook(load_config(cwd=root))
    assert not problems
    (doc,) = playbook.documents
    assert '<a href="../../../customers/index.html">open amounts</a>' in doc.html
    assert '<a href="../../../index.html">goals</a>' in doc.html  # the top of the page: sections come and go with the data


def test_a_claim_on_the_process_map_keeps_its_section(playbook_site) -> None:
    root = playbook_site({"scripts/x.md": "---\ntitle: X\nkind: script\norder: 1\nsummary: S\n---\n\n"
                          "The [contract step](site:process#step-contract).\n"})
    playbook, _ = load_playbook(load_config(cwd=root))
    assert '<a href="../../process/index.html#step-contract">contract step</a>' in playbook.documents[0].html


def test_an_unknown_claim_is_a_warning_with_file_and_line(playbook_site) -> None:
    root = playbook_site({"scripts/x.md": "---\ntitle: X\nkind: script\norder: 1\nsummary: S\n---\n\n"
                          "Intro.\n\nThe [magic page](site:crystal-ball#future) knows.\n"})
    playbook, problems = load_playbook(load_config(cwd=root))
    (problem,) = problems
    assert (problem.file, problem.line, problem.severity) == ("content/playbook/en/scripts/x.md", 10, "warning")
    assert "claim marker names no page of the site: 'site:crystal-ball#future'" in problem.message
    assert "dashboard" in problem.hint
    assert "<a>magic page</a>" in playbook.documents[0].html  # shown as plain text, no href


def test_a_claim_on_a_section_the_audience_leaves_out_is_plain_text_without_a_warning(playbook_site) -> None:
    import dataclasses

    from sitegen.audience_config import Audience

    root = playbook_site({"scripts/x.md": "---\ntitle: X\nkind: script\norder: 1\nsummary: S\n---\n\n"
                          "See [the team](site:team#scorecard) and [goals](site:dashboard#goals).\n"})
    config = load_config(cwd=root)
    config = dataclasses.replace(config, audience=Audience(name="east", sections=("playbook",)))
    playbook, problems = load_playbook(config)
    assert not problems
    assert "<a>the team</a>" in playbook.documents[0].html
    assert 'href="../../../index.html"' in playbook.documents[0].html
