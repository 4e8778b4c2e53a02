"""Template hygiene (DESIGN.md): one element per line, so every page template keeps its lines short.

A UI message longer than a line is written as adjacent string literals, ``_("first part " "second part")``:
jinja joins them into the one catalog key (sitegen/render/catalog/*), so no line needs to be long.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LIMIT = 200
TEMPLATE_NAMES = sorted(p.name for p in TEMPLATES.glob("*.html"))


def long_lines(text: str) -> list[str]:
    """Lines over the limit (FILE-relative 'LINE: start')."""
    return [f"{number}: {line[:80]}" for number, line in enumerate(text.splitlines(), 1) if len(line) > LIMIT]


def test_the_check_finds_long_lines_and_accepts_a_long_message_split_into_literals() -> None:
    message = "x" * 300
    assert long_lines('{{- _("' + message + '") }}') != []
    assert long_lines('{{- _("' + message[:150] + '"\n      "' + message[150:] + '") }}') == []
    assert long_lines("<td>" + "{{ value }}" * 30 + "</td>") != []


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_cleaned_templates_keep_their_lines_short(name: str) -> None:
    found = long_lines((TEMPLATES / name).read_text(encoding="utf-8"))
    assert not found, f"templates/{name}: lines over {LIMIT} characters (one element per line):\n" + "\n".join(found)
