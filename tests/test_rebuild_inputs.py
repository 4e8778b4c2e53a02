"""Pages keyed by their inputs (Page.inputs): a rebuild keeps an unchanged page without making its context,
renders a changed one, and writes what a full build writes; rebuild_keys.group_digests tells which entities'
rows changed (issue 23)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sitegen.fingerprint import read_page_keys
from sitegen.pages import Page, Section
from sitegen.parallel import render_pages
from sitegen.rebuild_keys import group_digests
from sitegen.write import SiteWriter, beside

BASE = b"render fingerprint"


class Echo:
    """A renderer writing the context's text."""

    def render(self, template: str, context) -> bytes:
        return f"{template}: {context['text']}\n".encode()


def build(out: Path, texts: dict[str, str], made: list[str], *, keyed: bool = True, jobs: int = 1,
          trust: bool = True) -> None:
    def context(name: str) -> dict[str, str]:
        made.append(name)
        return {"text": texts[name]}

    def items():
        for name in sorted(texts):
            yield Page(f"{name}/index.html", "entity.html", lambda name=name: context(name), inputs=texts[name])

    with SiteWriter(out, trust=trust) as writer:
        render_pages([Section("entities", items, True)], Echo(), writer, jobs, lambda done: None,
                     BASE if keyed else None)
        writer.commit({})


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_page_with_unchanged_inputs_is_kept_without_its_context(tmp_path: Path, jobs: int) -> None:
    out, made = tmp_path / "out", []
    texts = {f"e{i}": f"text {i}" for i in range(40)}
    build(out, texts, made, jobs=jobs)
    texts["e7"] = "changed"
    made.clear()
    build(out, texts, made, jobs=1)
    assert made == ["e7"]  # 39 pages kept: their contexts were never made
    assert (out / "e7/index.html").read_text() == "entity.html: changed\n"
    assert (out / "e8/index.html").read_text() == "entity.html: text 8\n"
    assert len(read_page_keys(beside(out)[3], (out / ".sitegen-manifest").read_bytes())) == 40
    made.clear()
    build(tmp_path / "full", texts, made, keyed=False, trust=False)  # a --force build
    assert sorted(made) == sorted(texts)
    assert {p.name for p in out.rglob("*")} == {p.name for p in (tmp_path / "full").rglob("*")}


def test_inputs_keys_differ_from_context_keys(tmp_path: Path) -> None:
    """A page keyed by its context before is rendered once when its section starts keying it by inputs."""
    out, made = tmp_path / "out", []

    def items(inputs):
        yield Page("a.html", "entity.html", lambda: (made.append("a"), {"text": "x"})[1], inputs=inputs)

    for inputs in (None, {"text": "x"}, {"text": "x"}):
        with SiteWriter(out) as writer:
            render_pages([Section("s", lambda: items(inputs), True)], Echo(), writer, 1, lambda done: None, BASE)
            writer.commit({})
    assert made == ["a", "a"]


def test_group_digests_change_only_for_the_changed_group() -> None:
    frame = pd.DataFrame({"customer_id": ["a", "b", "a", None, "c"], "amount": [1.0, 2.0, 3.0, 4.0, 5.0],
                          "date": pd.to_datetime(["2026-01-01"] * 5)})
    before = group_digests(frame, "customer_id")
    assert set(before) == {"a", "b", "c"} and before["a"][2] == 2
    assert group_digests(frame.copy(), "customer_id") == before
    changed = frame.assign(amount=[1.0, 2.0, 3.5, 4.0, 5.0])
    after = group_digests(changed, "customer_id")
    assert after["a"] != before["a"] and after["b"] == before["b"] and after["c"] == before["c"]
    swapped = frame.iloc[[2, 1, 0, 3, 4]].reset_index(drop=True)  # a's two rows in the other order
    assert group_digests(swapped, "customer_id")["a"] != before["a"]
    grown = pd.concat([frame, frame.iloc[[1]]], ignore_index=True)
    assert group_digests(grown, "customer_id")["b"] != before["b"]
    assert group_digests(frame.assign(amount=frame["amount"].astype("float32")), "customer_id")["b"] != before["b"]
    assert group_digests(frame.iloc[:0], "customer_id") == {}
