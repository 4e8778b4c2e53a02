"""Template hygiene (DESIGN.md): one element per line, so the cleaned page templates keep every line short.

A line may run past the limit only for a UI message whose text is longer than the limit: the text is its
catalog key (sitegen/render/catalog/*), so it cannot be split.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LIMIT = 200
# Templates split into short lines; add a template here once its lines are short.
CLEANED = ("base.html", "changes.html", "customer.html", "customers.html", "dashboard.html", "data_quality.html",
           "deal.html", "goals.html", "receivables.html", "service.html", "visit.html")
MESSAGE_TEXT = re.compile(r'''(_\(\s*)(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')''')


def long_lines(text: str) -> list[str]:
    """Lines over the limit once the text of their UI messages is left out (FILE-relative 'LINE: start')."""
    return [f"{number}: {line[:80]}" for number, line in enumerate(text.splitlines(), 1)
            if len(line) > LIMIT and len(MESSAGE_TEXT.sub(r'\1""', line)) > LIMIT // 4]


def test_a_long_message_alone_on_its_line_is_allowed_and_markup_beside_it_is_not() -> None:
    message = "x" * 300
    assert long_lines('{{- _("' + message + '") }}') == []
    assert long_lines('{{ _("' + message + '",\n     n=count) }}') == []
    assert long_lines('<p class="note">{{ _("' + message + '") }} <a href="{{ root }}data/x.json">x.json</a></p>') != []
    assert long_lines("<td>" + "{{ value }}" * 30 + "</td>") != []


@pytest.mark.parametrize("name", CLEANED)
def test_cleaned_templates_keep_their_lines_short(name: str) -> None:
    found = long_lines((TEMPLATES / name).read_text(encoding="utf-8"))
    assert not found, f"templates/{name}: lines over {LIMIT} characters (one element per line):\n" + "\n".join(found)
