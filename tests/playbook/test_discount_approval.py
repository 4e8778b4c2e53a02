"""``[[discount_approval]]``: who may approve which discount, in the quotation template and the negotiation
guide of both languages; validated like the rest of sitegen.toml (exit 2, every problem at once)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.discount_config import DEFAULT_DISCOUNT_APPROVAL, approval_table
from sitegen.errors import ConfigError
from sitegen.playbook import load_playbook
from sitegen.resources import default_content

CUSTOM = """
[[discount_approval]]
up_to = 0.03
approver = "sales-rep"

[[discount_approval]]
up_to = 0.15
approver = { en = "Regional head", zh-CN = "大区经理" }

[[discount_approval]]
up_to = 0.25
approver = "The board | chair"
"""


def config_of(tmp_path: Path, text: str, language: str = "en"):
    (tmp_path / "sitegen.toml").write_text(f'{text}\n[site]\nlanguage = "{language}"\n', encoding="utf-8")
    return load_config(cwd=tmp_path)


def test_the_default_is_the_rep_the_manager_the_director_then_the_general_manager(tmp_path: Path) -> None:
    config = config_of(tmp_path, "")
    assert config.discount_approval == DEFAULT_DISCOUNT_APPROVAL
    assert [level.up_to for level in config.discount_approval] == [0.05, 0.10, 0.20, 1.0]
    assert approval_table(config.discount_approval, "en").split("\n") == [
        "| Discount | Approved by |", "|---|---|", "| up to 5% | Account manager |",
        "| above 5%, up to 10% | Sales manager |", "| above 10%, up to 20% | Sales director |",
        "| above 20% | General manager |"]
    assert "| 10% 以上，不超过 20% | 销售总监 |" in approval_table(config.discount_approval, "zh-CN")


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_quotation_and_the_negotiation_guide_show_the_configured_table(tmp_path: Path, language: str) -> None:
    config = config_of(tmp_path, CUSTOM, language)
    playbook, problems = load_playbook(config)  # the default playbook: no content folder in tmp_path
    assert not [p for p in problems if p.severity == "error"]
    pages = {d.source: d for d in playbook.documents}
    rep, head = ("Sales rep", "Regional head") if language == "en" else ("销售代表", "大区经理")
    for source in ("templates/quotation.md", "stages/negotiation.md"):
        page = pages[source].html
        assert 'id="discount-approval"' in page, source
        assert f"<td>{rep}</td>" in page and f"<td>{head}</td>" in page, source
        assert "<td>The board / chair</td>" in page  # a pipe cannot break the table
        assert "{{discount-approval}}" not in page
        assert ("25%" in page) and ("not approved: quote again" in page or "不予审批" in page)
    for source in ("templates/quotation.md", "stages/negotiation.md"):  # the markdown asks for the table
        text = (default_content() / "playbook" / language / source).read_text(encoding="utf-8")
        assert "\n{{discount-approval}}\n" in text


@pytest.mark.parametrize(("text", "key", "message"), [
    ("[[discount_approval]]\nup_to = 0.1\napprover = \"a\"\n[[discount_approval]]\nup_to = 0.05\napprover = \"b\"\n",
     "discount_approval[1].up_to", "must be above the previous level's 0.1, got 0.05"),
    ("[[discount_approval]]\nup_to = 1.5\napprover = \"a\"\n", "discount_approval[0].up_to",
     "must be a share above 0 and at most 1"),
    ("[[discount_approval]]\nup_to = 0\napprover = \"a\"\n", "discount_approval[0].up_to", "must be a share above 0"),
    ("[[discount_approval]]\nup_to = 0.1\n", "discount_approval[0].approver", "missing"),
    ("[[discount_approval]]\nup_to = 0.1\napprover = \"\"\n", "discount_approval[0].approver", "must be a role key"),
    ("[[discount_approval]]\nup_to = 0.1\napprover = { fr = \"x\" }\n", "discount_approval[0].approver",
     "must be a role key"),
    ("[[discount_approval]]\nup_to = 0.1\napprover = \"a\"\nlimit = 2\n", "discount_approval[0].limit", "unknown key"),
    ("discount_approval = 0.1\n", "discount_approval", "must be an array of tables"),
])
def test_a_wrong_table_is_a_config_error(tmp_path: Path, text: str, key: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_of(tmp_path, text)
    found = [(p.key, p.message) for p in caught.value.problems]
    assert any(k == key and message in m for k, m in found), found


def test_sitegen_check_exits_2_with_the_key_and_the_hint(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "sitegen.toml").write_text(
        "[[discount_approval]]\nup_to = 0.2\napprover = \"a\"\n[[discount_approval]]\nup_to = 0.1\napprover = \"b\"\n",
        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sitegen", "check"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2, result.stderr
    assert "discount_approval[1].up_to" in result.stderr and "smallest discount to the largest" in result.stderr
    assert "Traceback" not in result.stderr
