"""Loading review files: periods, ids, language folders, front-matter problems with did-you-mean hints, and
hostile input (script, javascript: links, alias bombs, huge files) handled like the playbook's."""

from __future__ import annotations

import time
from datetime import date

from click.testing import CliRunner

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.reviews import ID_PREFIX, MAX_FILE_BYTES, derived_id, load_reviews
from tests.reviews.conftest import review_file

ACTION = "actions:\n  - what: \"Call the key accounts\"\n    owner: Wang\n    due: 2026-11-15\n"


def load(site):
    reviews, problems = load_reviews(load_config(cwd=site))
    return reviews, [p.format() for p in problems]


def test_every_kind_of_period_is_read_in_the_order_files_apply(review_site) -> None:
    site = review_site({name: review_file('title: "x"') for name in
                        ("2026.md", "2026-Q4.md", "2026-12.md", "2026-W48.md", "2026-11.md", "2026-q3.md")})
    reviews, problems = load(site)
    assert problems == []
    assert [r.period.label for r in reviews] == ["2026-Q3", "2026-W48", "2026-11", "2026-12", "2026-Q4", "2026"]
    week = reviews.get("2026-W48").period
    assert (week.kind, week.start, week.end) == ("week", date(2026, 11, 23), date(2026, 11, 29))
    assert reviews.week(date(2026, 11, 25)).period.label == "2026-W48"


def test_front_matter_fields_and_actions_are_read(review_site) -> None:
    text = review_file('title: "October review"\ndate: 2026-11-03\nattendees: [Wang, Li]\n' + ACTION +
                       "  - id: crm-1\n    what: Clean the CRM\n    owner: Li\n    due: \"2026-11-20\"\n"
                       "    status: done\n")
    reviews, problems = load(review_site({"2026-10.md": text}))
    assert problems == []
    review = reviews.get("2026-10")
    assert (review.title, review.date, review.attendees) == ("October review", date(2026, 11, 3), ("Wang", "Li"))
    first, second = review.actions
    assert (first.what, first.owner, first.due, first.status) == ("Call the key accounts", "Wang",
                                                                  date(2026, 11, 15), "open")
    assert first.id == derived_id("2026-10", "Call the key accounts") and not first.explicit_id
    assert (second.id, second.status, second.due, second.line) == ("crm-1", "done", date(2026, 11, 20), 9)


def test_a_derived_id_is_the_period_and_a_short_hash_of_what_and_ignores_spacing_and_case() -> None:
    one = derived_id("2026-10", "Call the key accounts")
    assert one.startswith("2026-10-") and len(one) == len("2026-10-") + 6
    assert derived_id("2026-10", "  call THE key\n accounts ") == one
    assert derived_id("2026-11", "Call the key accounts") != one
    assert derived_id("2026-10", "Call the key account") != one


def test_a_language_folder_replaces_the_team_file_of_the_same_period(review_site) -> None:
    site = review_site({"2026-10.md": review_file('title: "team"'), "2026-11.md": review_file('title: "team 11"'),
                        "zh-CN/2026-10.md": review_file('title: "中文"'), "en/2026-10.md": review_file('title: "en"')},
                       language="zh-CN")
    reviews, problems = load(site)
    assert problems == []
    assert [r.title for r in reviews] == ["中文", "team 11"]


def test_unknown_status_and_fields_are_errors_with_did_you_mean_hints(review_site) -> None:
    text = review_file('title: "x"\nattendes: [Wang]\nactions:\n  - what: Call\n    owner: Wang\n'
                       "    due: 2026-11-15\n    status: Done\n  - what: Visit\n    onwer: Li\n    due: 2026-11-15\n")
    _, problems = load(review_site({"2026-10.md": text}))
    assert "content/reviews/2026-10.md:3: front matter: unknown field 'attendes' (did you mean 'attendees'? known " \
           "values: title, date, attendees, actions)" in problems
    assert "content/reviews/2026-10.md:8: front matter: actions[1].status: unknown value 'Done' (did you mean " \
           "'done'? known values: open, done, dropped)" in problems
    assert any(p.startswith("content/reviews/2026-10.md:10: front matter: actions[2]: unknown field 'onwer' "
                            "(did you mean 'owner'?") for p in problems)
    assert "content/reviews/2026-10.md:9: front matter: actions[2].owner: missing" in " ".join(problems)


def test_a_new_action_needs_what_owner_and_due_and_is_listed_once(review_site) -> None:
    text = review_file('actions:\n  - id: x-1\n    status: open\n  - what: Call\n    owner: Wang\n'
                       "  - what: Call\n    owner: Wang\n    due: 2026-11-02\n  - what: \"call \"\n    owner: Li\n"
                       "    due: 2026-11-02\n")
    update = review_file("actions:\n  - id: x-1\n    status: done\n")
    _, problems = load(review_site({"2026-10.md": text, "2026-09.md": update}))
    text = "\n".join(problems)
    assert "2026-09.md:3: front matter: action 'x-1' appears here first but has no what, owner, due" in text
    assert "2026-10.md:5: front matter: actions[2].due: missing" in text
    assert "2026-10.md:10: front matter: actions[4].what: the same action as actions[2]" in text


def test_file_names_that_are_not_periods_and_unreadable_files_are_errors(review_site) -> None:
    site = review_site({"october.md": review_file("title: x"), "2026-13.md": review_file("title: x"),
                        "2026-W54.md": review_file("title: x"), "2026-11.md": b"---\ntitle: \xff\xfe\n---\n",
                        "2026-12.md": "no front matter\n", "README.md": "notes for the team\n",
                        "_draft.md": "---\nnot: checked\n---\n"})
    reviews, problems = load(site)
    assert len(reviews) == 0
    assert "content/reviews/october.md: the file name 'october' is not a review period (name it after its " \
           "period: 2026-11.md, 2026-Q4.md, 2026.md or 2026-W48.md)" in problems
    assert any(p.startswith("content/reviews/2026-13.md: the file name") for p in problems)
    assert any(p.startswith("content/reviews/2026-W54.md: the file name") for p in problems)
    assert "content/reviews/2026-11.md: not UTF-8 text (save the file as UTF-8)" in problems
    assert any(p.startswith("content/reviews/2026-12.md:1: no front matter") for p in problems)
    assert len(problems) == 5


def test_script_tags_handlers_and_javascript_links_are_removed_from_the_notes(review_site) -> None:
    body = ('## Analysis\n\n<script>alert(1)</script>\n\n<img src="x.png" onerror="alert(2)">\n\n'
            '[click](javascript:alert(3)) [data](data:text/html,<b>x</b>) <a href="#" onclick="alert(4)">a</a>\n\n'
            '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>\n\n'
            "![remote](https://tracker.example/p.png)\n")
    reviews, problems = load(review_site({"2026-10.md": review_file('title: "x"', body)}))
    html = reviews.get("2026-10").html
    for bad in ("<script", "onerror", "onclick", "javascript:", "data:text", "<iframe", "<style", "tracker.example"):
        assert bad not in html, bad
    assert '<h3 id="review-analysis">Analysis</h3>' in html  # the page's own ids and headings stay its own
    assert any("remote image 'https://tracker.example/p.png' is not allowed" in p for p in problems)


def test_heading_ids_and_in_page_links_get_the_prefix_and_the_top_heading_is_an_h3(review_site) -> None:
    body = "# Figures {#figures}\n\n### Detail\n\n[up](#figures)\n\n```\n<h1 id=\"x\">\n```\n"
    reviews, _ = load(review_site({"2026-10.md": review_file('title: "x"', body)}))
    html = reviews.get("2026-10").html
    assert f'<h3 id="{ID_PREFIX}figures">' in html and f'<h5 id="{ID_PREFIX}detail">' in html
    assert f'href="#{ID_PREFIX}figures"' in html
    assert '&lt;h1 id="x"&gt;' in html  # text in a code block is left alone


def test_an_alias_bomb_is_a_quick_error_on_its_line(review_site) -> None:
    lines = ['l0: &l0 "lol"'] + [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    site = review_site({"2026-10.md": review_file("\n".join(lines) + "\ntitle: *l9")})
    start = time.monotonic()
    _, problems = load(site)
    assert time.monotonic() - start < 10
    assert problems == ["content/reviews/2026-10.md:7: front matter is too large once its YAML aliases are "
                        "expanded: more than 64 KiB (write the values out in full; front matter needs no anchors "
                        "(&name) or aliases (*name))"]


def test_a_huge_file_is_refused_before_it_is_read(review_site) -> None:
    site = review_site({"2026-10.md": review_file('title: "x"', "word " * (MAX_FILE_BYTES // 5 + 10))})
    reviews, problems = load(site)
    assert len(reviews) == 0
    assert len(problems) == 1 and problems[0].startswith("content/reviews/2026-10.md: the file is too large")


def test_check_reports_review_problems_as_file_line_errors(review_site) -> None:
    site = review_site({"2026-10.md": review_file("actions:\n  - what: Call\n    owner: Wang\n    due: 2026-11-02\n"
                                                  "    status: finished\n")})
    (site / "data").mkdir()
    (site / "data" / "orders.csv").write_text("customer_id,order_date,amount\nC1,2026-10-05,10\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(site / "sitegen.toml"), "--as-of", "2026-11-30"])
    assert result.exit_code == 1, result.output
    assert "content/reviews/2026-10.md:6: front matter: actions[1].status: unknown value 'finished'" in result.output
    assert "Traceback" not in result.output
