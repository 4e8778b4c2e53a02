"""The docs are complete: every config key and every CLI command is documented."""

from __future__ import annotations

from pathlib import Path

from sitegen.cli import main
from sitegen.config import BUILD_KEYS, RULE_KEYS, SITE_KEYS, STAGE_KEYS, TABLE_KEYS, TABLES

ROOT = Path(__file__).resolve().parent.parent


def test_every_config_key_is_documented() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    keys = [*SITE_KEYS, *RULE_KEYS, *BUILD_KEYS, *TABLE_KEYS, *STAGE_KEYS, *TABLES, "won", "lost", "dir"]
    missing = [k for k in keys if f"`{k}`" not in doc]
    assert not missing, f"undocumented config keys: {missing}"


def test_every_cli_command_is_documented() -> None:
    docs = (ROOT / "README.md").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    missing = [name for name in main.commands if f"sitegen {name}" not in docs]
    assert not missing, f"undocumented commands: {missing}"
