"""Front matter: every missing or invalid field is an error naming the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.build import build_site
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import DataError
from sitegen.playbook import load_playbook

def page(front: str, body: str = "Some text.\n") -> str:
    """A page from front-matter lines (without the --- fences) and a body."""
    return f"---\n{front.strip()}\n---\n\n{body}"


def load(site: Path):
    return load_playbook(load_config(cwd=site))


def messages(problems) -> list[str]:
    return [p.format() for p in problems]


SCRIPT = 'title: "First call"\nkind: script\norder: 1\nsummary: "Earn the meeting."'
FILE = "content/playbook/en/scripts/first-call.md"


def only_error(site: Path) -> str:
    playbook, problems = load(site)
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1, messages(problems)
    assert playbook.documents == () or all(d.source != "scripts/first-call.md" for d in playbook.documents)
    return errors[0].format()


def test_a_valid_page_loads_into_a_document(playbook_site, guide_page: str) -> None:
    site = playbook_site({"scripts/first-call.md": page(SCRIPT + "\nroles: [account-manager]\nstage: contact"),
                          "stages/proposal.md": guide_page})
    playbook, problems = load(site)
    assert problems == []
    doc = next(d for d in playbook.documents if d.kind == "script")
    assert (doc.source, doc.url, doc.title, doc.order) == ("scripts/first-call.md",
                                                           "playbook/scripts/first-call/index.html", "First call", 1)
    assert (doc.stage, doc.tier, doc.roles) == ("contact", None, ("account-manager",))
    guide = playbook.stage_guide("proposal")
    assert guide is not None and guide.meta["exit_criterion"] == "The customer accepts the proposal frame."
    assert list(guide.meta["key_actions"]) == ["Write the proposal", "Present it in person"]
    assert playbook.stage_guide("lead") is None and playbook.tier_policy("key") is None


def test_missing_title_names_the_file_and_the_opening_line(playbook_site) -> None:
    text = page('kind: script\norder: 1\nsummary: "x"')
    message = only_error(playbook_site({"scripts/first-call.md": text}))
    assert message.startswith(f"{FILE}:1:")
    assert "title: missing" in message


def test_bad_kind_names_its_line_and_suggests_the_right_kind(playbook_site) -> None:
    text = page('title: "First call"\nkind: scrpt\norder: 1\nsummary: "x"')
    message = only_error(playbook_site({"scripts/first-call.md": text}))
    assert message.startswith(f"{FILE}:3:")
    assert "unknown value 'scrpt'" in message and "did you mean 'script'?" in message


def test_unknown_stage_is_an_error_with_did_you_mean_from_the_configured_stages(playbook_site) -> None:
    message = only_error(playbook_site({"scripts/first-call.md": page(SCRIPT + "\nstage: proposl")}))
    assert message.startswith(f"{FILE}:6:")
    assert "unknown stage 'proposl'" in message and "did you mean 'proposal'?" in message


def test_a_stage_written_as_its_name_suggests_its_key(playbook_site) -> None:
    message = only_error(playbook_site({"scripts/first-call.md": page(SCRIPT + "\nstage: Negotiation")}))
    assert "did you mean 'negotiation'?" in message


def test_stage_keys_come_from_the_config(playbook_site) -> None:
    config = '[[stages]]\nkey = "qualify"\n[[stages]]\nkey = "quote"\n'
    message = only_error(playbook_site({"scripts/first-call.md": page(SCRIPT + "\nstage: qualifyy")}, config=config))
    assert "did you mean 'qualify'?" in message and "qualify, quote" in message


@pytest.mark.parametrize(("extra", "needle"), [
    ("tier: vip", "tier: unknown value 'vip'"),
    ("roles: [account-manager, ceo]", "roles: unknown value 'ceo'"),
    ("exit_critrion: x", "unknown field 'exit_critrion' (did you mean 'exit_criterion'?"),
    ("title: again", "title: appears twice"),
])
def test_invalid_fields_are_errors_on_their_line(playbook_site, extra: str, needle: str) -> None:
    message = only_error(playbook_site({"scripts/first-call.md": page(SCRIPT + "\n" + extra)}))
    assert message.startswith(f"{FILE}:6:") and needle in message


def test_order_must_be_a_whole_number(playbook_site) -> None:
    message = only_error(playbook_site({"scripts/first-call.md": page(SCRIPT.replace("order: 1", "order: first"))}))
    assert message.startswith(f"{FILE}:4:") and "order: must be a whole number, got 'first'" in message


def test_stage_guides_need_their_criteria_and_key_actions(playbook_site, guide_page: str) -> None:
    text = guide_page.replace('exit_criterion: "The customer accepts the proposal frame."\n', "")
    message = only_error(playbook_site({"scripts/first-call.md": text}))
    assert message.startswith(f"{FILE}:1:") and "exit_criterion: missing" in message


def test_invalid_yaml_and_missing_front_matter_are_errors(playbook_site) -> None:
    site = playbook_site({"scripts/a.md": page('title: "x\nkind: script'), "scripts/b.md": "# Just markdown\n"})
    _, problems = load(site)
    found = messages(problems)
    assert any(m.startswith("content/playbook/en/scripts/a.md:") and "not valid YAML" in m for m in found), found
    assert any(m.startswith("content/playbook/en/scripts/b.md:1:") and "no front matter" in m for m in found), found


def test_two_guides_for_one_stage_are_an_error(playbook_site, guide_page: str) -> None:
    _, problems = load(playbook_site({"stages/proposal.md": guide_page, "stages/proposal-2.md": guide_page}))
    assert any("second stage guide for 'proposal'" in m for m in messages(problems)), messages(problems)


def test_playbook_errors_stop_the_build_and_fail_check(playbook_site) -> None:
    site = playbook_site({"scripts/first-call.md": page(SCRIPT.replace("kind: script", "kind: scrpt"))})
    (site / "data").mkdir()
    (site / "data" / "orders.csv").write_text("customer_id,order_date,amount\nC1,2026-01-05,10\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        build_site(load_config(cwd=site), as_of="2026-06-30")
    assert any("scrpt" in p.message for p in exc.value.problems)
    assert not (site / "output").exists()
    result = CliRunner().invoke(main, ["check", "--config", str(site / "sitegen.toml")])
    assert result.exit_code == 1
    assert f"{FILE}:3:" in result.output and "did you mean 'script'?" in result.output


def test_without_a_playbook_folder_the_default_one_is_used(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text("", encoding="utf-8")
    playbook, problems = load(tmp_path)
    assert problems == [] and len(playbook.documents) >= 30


def test_the_default_playbook_warns_instead_of_failing_when_stages_differ(tmp_path: Path) -> None:
    config = '[[stages]]\nkey = "lead"\n[[stages]]\nkey = "deal"\n'
    (tmp_path / "sitegen.toml").write_text(config, encoding="utf-8")
    playbook, problems = load(tmp_path)
    assert problems and all(p.severity == "warning" for p in problems)
    assert playbook.stage_guide("lead") is not None and playbook.stage_guide("proposal") is None


def test_a_playbook_without_the_configured_language_falls_back_with_a_warning(playbook_site) -> None:
    site = playbook_site({"scripts/first-call.md": page(SCRIPT)}, language="en")
    (site / "sitegen.toml").write_text('[site]\nlanguage = "zh-CN"\n', encoding="utf-8")
    playbook, problems = load(site)
    assert [p.severity for p in problems] == ["warning"] and "no zh-CN folder" in problems[0].message
    assert playbook.stage_guide("lead") is not None  # sitegen's default, in Chinese


def test_playbook_warnings_are_listed_on_the_data_quality_page(playbook_site) -> None:
    body = "See [the missing <script> page](../scripts/missing-<b>.md).\n"
    site = playbook_site({"scripts/first-call.md": page(SCRIPT, body)})
    (site / "data").mkdir()
    (site / "data" / "orders.csv").write_text("customer_id,order_date,amount\nC1,2026-01-05,10\n", encoding="utf-8")
    result = build_site(load_config(cwd=site), as_of="2026-06-30")
    html = (result.out / "data-quality" / "index.html").read_text(encoding="utf-8")
    section = html[html.index('id="playbook-problems"'):]
    assert "content/playbook/en/scripts/first-call.md" in section
    assert "link to a page that does not exist: ../scripts/missing-&lt;b&gt;.md" in section
    assert "<b>" not in section.split("</section>")[0]
    assert "check the path; the link is shown as plain text" in section
