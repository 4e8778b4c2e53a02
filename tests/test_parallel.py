"""Render workers: every unit of work is claimed exactly once, whatever the pace of each worker,
and the site does not depend on how many workers render it."""

from __future__ import annotations

import hashlib
import multiprocessing
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.parallel import Claims

AS_OF = "2026-06-30"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=4),  # units per section (the chunks)
       st.integers(1, 4),                                    # workers
       st.lists(st.integers(0, 3), max_size=200))            # which worker steps next
def test_every_unit_is_claimed_by_exactly_one_worker(sections: list[int], workers: int, steps: list[int]) -> None:
    keys = [s << 32 | c for s, units in enumerate(sections) for c in range(units)]
    counter = multiprocessing.get_context("fork").Value("q", 0)
    claims = [Claims(counter) for _ in range(workers)]
    position = [0] * workers  # each worker walks every key in order, at its own pace
    owner: dict[int, list[int]] = {}

    def step(w: int) -> None:
        key = keys[position[w]]
        if claims[w].take(key):
            owner.setdefault(key, []).append(w)
        position[w] += 1

    for w in steps:
        if w < workers and position[w] < len(keys):
            step(w)
    for w in range(workers):  # then every worker runs to the end
        while position[w] < len(keys):
            step(w)
    assert sorted(owner) == keys
    assert all(len(ws) == 1 for ws in owner.values()), owner




def _tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_site_is_the_same_with_any_number_of_workers(demo_site: Path, tmp_path: Path) -> None:
    trees, pages = [], []
    for jobs in (1, 2, 5):  # 5: more workers than chunks in some sections
        root = tmp_path / f"jobs{jobs}"
        shutil.copytree(demo_site / "data", root / "data")
        result = build_site(load_config(cwd=root), as_of=AS_OF, jobs=jobs)
        trees.append(_tree(result.out))
        pages.append(result.pages)
    assert pages[0] > 300 and pages == [pages[0]] * 3
    assert trees[1] == trees[0]
    assert trees[2] == trees[0]
