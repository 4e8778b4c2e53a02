"""Rendering: extensions survive sanitising, script never does, links between pages point at their URLs."""

from __future__ import annotations

from sitegen.config import load_config
from sitegen.playbook import load_playbook
from sitegen.playbook.markup import render_body

FRONT = '---\ntitle: "Page"\nkind: script\norder: 1\nsummary: "s"\n---\n'


def keep(href: str) -> str:
    return href


def render(body: str) -> str:
    return render_body(body, keep).html


def test_script_tags_event_handlers_and_javascript_links_are_removed() -> None:
    html = render(
        "Hello <script>alert('x')</script> world.\n\n"
        '<img src="x.png" onerror="alert(1)">\n\n'
        "[click](javascript:alert(1)) and [caps](JaVaScRiPt:alert(2)) and [data](data:text/html,hi)\n\n"
        '<a href="javascript:alert(3)" onclick="alert(4)">raw</a>\n\n'
        '<iframe src="https://example.com"></iframe><style>body{display:none}</style>\n\n'
        '<p style="color:red" onmouseover="alert(5)">styled</p>\n'
    )
    lowered = html.lower()
    for bad in ("<script", "alert", "onerror", "onclick", "onmouseover", "javascript:", "data:", "<iframe",
                "<style", "style="):
        assert bad not in lowered, (bad, html)
    assert ">click</a>" in html and "world." in html and '<img src="x.png">' in html


def test_allowed_urls_survive() -> None:
    html = render("[a](https://example.com/x) [b](mailto:team@example.com) [c](../other/index.html#part)\n")
    for href in ('href="https://example.com/x"', 'href="mailto:team@example.com"', 'href="../other/index.html#part"'):
        assert href in html


def test_task_list_items_become_disabled_checkboxes() -> None:
    html = render("- [ ] Call the customer\n- [x] Send the agenda\n- plain item\n")
    assert '<ul class="task-list">' in html
    assert html.count('type="checkbox"') == 2 and html.count('disabled="disabled"') == 2
    assert html.count("checked") == 1 and "[ ]" not in html and "[x]" not in html
    assert "<li>plain item</li>" in html


def test_raw_inputs_cannot_become_form_fields() -> None:
    html = render('<input type="text" name="q" value="x"> <input type="checkbox" onchange="go()">\n')
    assert html.count("<input") == 2 and html.count('disabled="disabled"') == 2
    assert "text" not in html and "name=" not in html and "value=" not in html and "onchange" not in html


def test_rendering_is_byte_identical_every_time() -> None:
    # nh3 keeps some settings in hash maps whose order changes from call to call: output must not.
    body = "- [x] a [b](c.md)\n- [ ] d\n\n| a |\n|--|\n| 1 |\n\n<input checked>\n"
    assert len({render(body) for _ in range(40)}) == 1


def test_tables_code_headings_and_admonitions_are_kept() -> None:
    body = ("## Goal and plan {#plan .wide}\n\n### 目标\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
            "```python\nprint('hi')\n```\n\n!!! tip \"Rule of thumb\"\n    Ask early.\n")
    rendered = render_body(body, keep)
    html = rendered.html
    assert '<h2 class="wide" id="plan">' in html or '<h2 id="plan" class="wide">' in html
    assert '<h3 id="目标">' in html
    assert '<th align="left">a</th>' in html and '<td align="right">2</td>' in html
    assert '<code class="language-python">' in html
    assert '<div class="admonition tip">' in html and '<p class="admonition-title">Rule of thumb</p>' in html
    assert [(t.level, t.id, t.title) for t in rendered.toc] == [(2, "plan", "Goal and plan"), (3, "目标", "目标")]
    assert rendered.text.startswith("Goal and plan 目标 a b 1 2 print('hi')")


def test_links_to_md_pages_are_rewritten_to_their_urls(playbook_site) -> None:
    body = ("See [concessions](../scripts/negotiation-concessions.md#steps), [sibling](quotation.md), "
            "[outside](https://example.com/a.md) and [gone](../scripts/missing.md).\n")
    site = playbook_site({
        "templates/proposal-outline.md": FRONT + body,
        "templates/quotation.md": FRONT, "scripts/negotiation-concessions.md": FRONT,
    })
    playbook, problems = load_playbook(load_config(cwd=site))
    doc = next(d for d in playbook.documents if d.source == "templates/proposal-outline.md")
    assert doc.url == "playbook/templates/proposal-outline/index.html"
    assert 'href="../../scripts/negotiation-concessions/index.html#steps"' in doc.html
    assert 'href="../quotation/index.html"' in doc.html
    assert 'href="https://example.com/a.md"' in doc.html
    assert "<a>gone</a>" in doc.html
    assert [p.format() for p in problems] == [
        "content/playbook/en/templates/proposal-outline.md:7: link to a page that does not exist: "
        "../scripts/missing.md (check the path; the link is shown as plain text)"]
    assert problems[0].severity == "warning"


def test_page_urls_are_lowercase_and_safe(playbook_site) -> None:
    site = playbook_site({"Scripts/First Call.md": FRONT, "README.md": "notes for writers\n", "_drafts/x.md": "x"})
    playbook, problems = load_playbook(load_config(cwd=site))
    assert problems == []
    assert [d.url for d in playbook.documents] == ["playbook/scripts/first-call/index.html"]


def test_a_bom_and_windows_line_endings_are_fine(playbook_site) -> None:
    site = playbook_site({})
    path = site / "content" / "playbook" / "en" / "scripts" / "x.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(("\ufeff" + FRONT + "\n- [ ] one\n").replace("\n", "\r\n").encode("utf-8"))
    playbook, problems = load_playbook(load_config(cwd=site))
    assert problems == [] and 'type="checkbox"' in playbook.documents[0].html
