"""Render workers share the per-entity sections out (parallel.Board): each section is started by one worker,
and a second one prepares it again only while enough chunks are left to pay for it (issue 23)."""

from __future__ import annotations

import multiprocessing
import shutil
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.demo import generate_demo_data
from sitegen.parallel import Board
from sitegen.reporter import Reporter

AS_OF = "2026-06-30"
FORK = multiprocessing.get_context("fork")


def test_each_section_is_started_once() -> None:
    board = Board(FORK, 3)
    assert [board.start() for _ in range(4)] == [0, 1, 2, None]


def test_a_section_is_joined_only_while_enough_chunks_are_left() -> None:
    board = Board(FORK, 2)
    board.start(), board.start()
    board.chunks[0], board.prepare[0], board.chunk[0] = 40, 1.0, 0.01  # 40 chunks of 10 ms, 1 s to prepare
    board.chunks[1], board.prepare[1], board.chunk[1] = 400, 1.0, 0.01
    board.next[0], board.next[1] = 2, 2
    assert board.join(set()) == 1  # 3.97 s left there against 2 s of preparing twice; 0.37 s in section 0
    assert board.join({1}) is None
    board.next[1] = 300
    assert board.join(set()) is None  # 0.99 s left: not worth preparing it again


def test_a_joining_worker_waits_while_the_section_is_prepared_and_not_once_it_is_done() -> None:
    board = Board(FORK, 1)
    board.start()

    def finish() -> None:
        time.sleep(0.05)
        board.done[0] = 1

    threading.Thread(target=finish).start()
    started = time.perf_counter()
    assert board.join(set()) is None
    assert time.perf_counter() - started >= 0.04


def test_chunks_are_handed_out_once() -> None:
    board = Board(FORK, 2)
    assert [board.claim(0) for _ in range(3)] == [0, 1, 2] and board.claim(1) == 0


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workers") / "site"
    generate_demo_data(root / "data", customers=12, seed=3, as_of=date(2026, 6, 30))
    build_site(load_config(cwd=root), as_of=AS_OF, jobs=1, reporter=Reporter())
    return root


def test_two_workers_prepare_a_one_chunk_section_once(small: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Sections of one chunk (12 customers) leave nothing to share: each is prepared by one worker only."""
    import importlib

    from sitegen.pages import PER_ENTITY

    site = Path(shutil.copytree(small, tmp_path / "site"))
    log = tmp_path / "prepared.log"
    for name in PER_ENTITY:
        module = importlib.import_module(f"sitegen.pages.{name}")

        def counted(site_, real=module.pages, name=name):
            with log.open("a") as f:
                f.write(name + "\n")
            yield from real(site_)

        monkeypatch.setattr(module, "pages", counted)
    orders = site / "data" / "orders.csv"
    last = orders.read_text(encoding="utf-8").splitlines()[-1]
    with orders.open("a", encoding="utf-8") as f:  # one order line more: a rebuild renders a few pages
        f.write(last.replace(last.split(",")[0], "SO-EXTRA", 1) + "\n")
    build_site(load_config(cwd=site), as_of=AS_OF, jobs=2, reporter=Reporter())
    prepared = log.read_text().split()
    assert sorted(prepared) == sorted(set(prepared)) and set(prepared) <= PER_ENTITY and prepared
    build_site(load_config(cwd=site), as_of=AS_OF, jobs=1, force=True, out=tmp_path / "full", reporter=Reporter())
    files = {p.relative_to(site / "output").as_posix(): p.read_bytes() for p in (site / "output").rglob("*")
             if p.is_file()}
    assert files == {p.relative_to(tmp_path / "full").as_posix(): p.read_bytes()
                     for p in (tmp_path / "full").rglob("*") if p.is_file()}


def test_a_worker_killed_while_preparing_fails_the_build_at_once(tmp_path: Path) -> None:
    """The other worker waits for the killed one's section to be prepared: the parent must not wait for it."""
    import multiprocessing
    import os
    import signal

    from sitegen.errors import WorkerError
    from sitegen.pages import Page, Section
    from sitegen.parallel import render_pages
    from sitegen.write import SiteWriter

    def killed():
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGKILL)
        yield from ()

    def quick():
        yield Page("b.html", "b.html", {})

    class Plain:
        def render(self, template: str, context) -> bytes:
            return b"page\n"

    class GaveUp(BaseException):  # (not an Exception: the parent's wait loop catches those)
        pass

    def give_up(signum, frame):
        raise GaveUp("the build waited for a killed worker")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(30)
    try:
        with SiteWriter(tmp_path / "out") as writer, pytest.raises(WorkerError, match="killed"):
            render_pages([Section("a", killed, True), Section("b", quick, True)], Plain(), writer, 2,
                         lambda done: None, b"base")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not multiprocessing.active_children()  # the worker that waited for the killed one's section is ended
