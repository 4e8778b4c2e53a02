"""Hostile front matter (alias bombs, deep nesting, huge values) is a quick FILE:LINE error, never a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.playbook import load_playbook
from sitegen.playbook.safeyaml import MAX_DEPTH, QUOTE_CHARS, quote

FILE = "content/playbook/en/scripts/first-call.md"
SCRIPT = 'title: "First call"\nkind: script\norder: 1\nsummary: "Earn the meeting."'
ORDERS = "customer_id,order_date,amount\nC1,2026-01-05,10\n"


def page(front: str, body: str = "Some text.\n") -> str:
    return f"---\n{front.strip()}\n---\n\n{body}"


def bomb(levels: int = 9, width: int = 9, field: str = "roles") -> str:
    """The "billion laughs": ``width ** levels`` copies of one string from a few hundred bytes of YAML."""
    lines = ['l0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    lines.append(f"{field}: *l{levels}")
    return page(SCRIPT + "\n" + "\n".join(lines))


def errors(site: Path) -> list[str]:
    _, problems = load_playbook(load_config(cwd=site))
    return [p.format() for p in problems if p.severity == "error"]


# Runs in a child process, so a regression hangs the child (killed by the timeout), not the test run.
CHILD = r"""
import json, re, sys
from pathlib import Path
from sitegen.config import load_config
from sitegen.playbook import load_playbook
_, problems = load_playbook(load_config(cwd=Path(sys.argv[1])))
# the peak of this process's own memory (VmHWM starts anew at exec; ru_maxrss keeps the forking parent's)
peak = int(re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1))
print(json.dumps({"problems": [p.format() for p in problems], "max_rss_kib": peak}))
"""


def test_an_alias_bomb_is_a_quick_error_on_its_line_and_uses_little_memory(playbook_site) -> None:
    site = playbook_site({"scripts/first-call.md": bomb(9, 9)})
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(site)], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("loading a playbook page with an alias bomb did not finish within 30 s")
    elapsed = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert elapsed < 15  # a few seconds even on a busy machine; the unbounded expansion took minutes
    assert report["max_rss_kib"] < 400 * 1024, report["max_rss_kib"]  # it took 1.5 GB
    # the first alias whose expansion passes the limit: level 5 is on line 11 of the file
    assert report["problems"] == [f"{FILE}:11: front matter is too large once its YAML aliases are expanded: more "
                                  "than 64 KiB (write the values out in full; front matter needs no anchors (&name) "
                                  "or aliases (*name))"]


def test_check_reports_the_alias_bomb_as_a_file_line_error(playbook_site) -> None:
    site = playbook_site({"scripts/first-call.md": bomb(9, 9, field="title")})
    (site / "data").mkdir()
    (site / "data" / "orders.csv").write_text(ORDERS, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(site / "sitegen.toml"), "--as-of", "2026-06-30"])
    assert result.exit_code == 1, result.output
    assert f"{FILE}:11: front matter is too large once its YAML aliases are expanded" in result.output
    assert "Traceback" not in result.output


def test_a_small_alias_is_still_read(playbook_site) -> None:
    """Anchors are not banned: a bounded expansion is ordinary YAML."""
    text = page('title: &t "First call"\nkind: script\norder: 1\nsummary: *t')
    site = playbook_site({"scripts/first-call.md": text})
    playbook, problems = load_playbook(load_config(cwd=site))
    assert problems == [] and playbook.documents[0].summary == "First call"


@pytest.mark.parametrize("extra, line, needle", [
    ("roles: &r [a, *r]", 6, "alias *r is inside the value it names"),
    ("roles: " + "[" * 500 + "]" * 500, 6, f"front matter is nested more than {MAX_DEPTH} levels deep"),
    ("roles: x\nrole: &x 1\nstage: &x 2", 8, "anchor &x is defined twice"),
    ("tier: 2026-13-45", 1, "front matter is not valid YAML: month must be in 1..12"),
], ids=["recursive alias", "deep nesting", "duplicate anchor", "impossible date"])
def test_structures_python_cannot_build_safely_are_errors(playbook_site, extra: str, line: int, needle: str) -> None:
    site = playbook_site({"scripts/first-call.md": page(SCRIPT + "\n" + extra)})
    found = errors(site)
    assert len(found) == 1 and found[0].startswith(f"{FILE}:{line}: {needle}"), found


def test_front_matter_over_64_kib_is_refused_before_parsing(playbook_site) -> None:
    site = playbook_site({"scripts/first-call.md": page(SCRIPT + "\ngoal: " + "x" * 70_000)})
    found = errors(site)
    assert len(found) == 1 and found[0].startswith(f"{FILE}:1: front matter is too large: 70,") and "64 KiB" in found[0]


@pytest.mark.parametrize("front", [
    SCRIPT.replace("order: 1", "order: " + "7" * 5000),              # past Python's int-to-text limit
    SCRIPT.replace('title: "First call"', "title: [" + ", ".join(["y" * 900] * 60) + "]"),
    SCRIPT.replace("kind: script", "kind: " + "k" * 20_000),
    SCRIPT + "\nroles: [" + "r" * 20_000 + "]",
    SCRIPT + "\nstage: {" + ", ".join(f"k{i}: [{'s' * 50}]" for i in range(300)) + "}",
    SCRIPT + "\n" + "u" * 20_000 + ": 1",
], ids=["5000-digit order", "long list as title", "long kind", "long role", "mapping as stage", "long field name"])
def test_every_value_quoted_in_a_message_is_cut_short(playbook_site, front: str) -> None:
    site = playbook_site({"scripts/first-call.md": page(front)})
    found = errors(site)
    assert found, "the bad field is reported"
    for message in found:
        assert len(message) < 600, message[:300]


def test_quote_is_bounded_whatever_the_value() -> None:
    assert quote("proposl") == "'proposl'"
    long = quote("x" * 10_000)
    assert len(long) == QUOTE_CHARS and long.endswith("…'")
    assert quote(10 ** 5000) == "<a whole number of 5001 digits>"
    nested: list = ["lol"] * 9
    for _ in range(8):
        nested = [nested] * 9  # 9**9 strings, shared: repr() of it would never finish
    start = time.monotonic()
    assert len(quote(nested)) <= QUOTE_CHARS and len(quote({"a": nested, "b": 10 ** 9000})) <= QUOTE_CHARS
    assert time.monotonic() - start < 1


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_playbook_page_that_is_not_a_file_is_a_problem_not_a_hang(tmp_path: Path, kind: str) -> None:
    """A named pipe called page.md would block reading forever; a folder called page.md would raise."""
    import subprocess
    import sys

    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    (site / "data" / "orders.csv").write_text("customer_id,order_date,amount\nC1,2026-06-01,5\n", encoding="utf-8")
    folder = site / "content" / "playbook" / "en" / "scripts"
    folder.mkdir(parents=True)
    target = folder / "page.md"
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    proc = subprocess.run([sys.executable, "-m", "sitegen", "check", "--as-of", "2026-06-30"], cwd=site,
                          capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out and "internal error" not in out, out
    assert "page.md" in out and "not a regular file" in out, out
