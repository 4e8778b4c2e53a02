"""Render and write pages in worker processes.

Workers are forked after the metrics are computed, so they inherit the prepared data instead of
receiving it pickled. The work is cut into units that the workers claim from a shared counter, in
a fixed order: first every whole section (the dashboard, the funnel, ...: the worker that claims
one prepares and renders it alone), then the per-entity sections (customer, deal, team, report and
visit pages) in chunks of :data:`CHUNK` pages (:class:`Board`). A worker starts a per-entity section
no other worker has started while there is one; then it joins a started section only while enough
chunks are left there to pay for preparing it again (a rebuild that keeps most pages leaves none).
Each writes straight into the staging folder; the parent only merges the lists of written paths and
the counts. The pages do not depend on which worker renders them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from sitegen.errors import SitegenError, WorkerError
from sitegen.fingerprint import page_key
from sitegen.pages import Page, Section
from sitegen.render import Renderer
from sitegen.write import SiteWriter

PROGRESS_EVERY = 100
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends
CHUNK = 32  # pages of a per-entity section claimed at once
SHIFT = 32  # a unit's key: section position << SHIFT | chunk number
INPUTS_KEY = "\0inputs"  # after a template's name in the key of a page keyed by its inputs (Page.inputs)
FILE_KEY = "\0file"  # in place of a template's name in the key of a file made by a pure function


class Claims:
    """Units of work handed out in increasing key order from a counter the workers share."""

    def __init__(self, counter: Any = None):
        self.counter = counter  # a shared multiprocessing Value, or None: one process claims everything
        self.mine = -1          # the last key this worker claimed

    def take(self, key: int) -> bool:
        """Whether this worker renders unit ``key``. Each worker visits the keys in increasing order, so
        the first worker to reach an unclaimed unit gets it and every unit is rendered exactly once."""
        if self.counter is None or key == self.mine:
            return True
        if key > self.mine:
            with self.counter.get_lock():
                self.mine = max(self.counter.value, key)
                self.counter.value = self.mine + 1
        return key == self.mine


class Board:
    """The per-entity sections' shared state: who started each, its chunks (once its first worker has
    listed its items), the next chunk to hand out, and what preparing it and rendering a chunk cost."""

    def __init__(self, ctx: Any, sections: int):
        self.lock = ctx.Lock()
        self.started = ctx.Array("b", sections, lock=False)
        self.done = ctx.Array("b", sections, lock=False)      # no chunk left (or its first worker failed)
        self.chunks = ctx.Array("q", [-1] * sections, lock=False)  # -1: still being prepared
        self.next = ctx.Array("q", sections, lock=False)
        self.prepare = ctx.Array("d", sections, lock=False)   # seconds its first worker took to list its items
        self.chunk = ctx.Array("d", sections, lock=False)     # seconds the last chunk took

    def start(self) -> int | None:
        """A section no worker has started, now this worker's own; None when every one is started."""
        with self.lock:
            for number in range(len(self.started)):
                if not self.started[number]:
                    self.started[number] = 1
                    return number
        return None

    def join(self, visited: set[int], poll: float = 0.005) -> int | None:
        """A started section worth joining: its chunks left take longer to render than preparing it twice
        (while its first worker prepares or renders its first chunk, wait). None when there is none."""
        while True:
            waiting = False
            for number in range(len(self.started)):
                if number in visited or self.done[number]:
                    continue
                chunks, spent = self.chunks[number], self.chunk[number]
                if chunks < 0 or spent == 0.0:
                    waiting = True
                elif (chunks - self.next[number] - 1) * spent > 2 * self.prepare[number]:
                    return number
            if not waiting:
                return None
            time.sleep(poll)

    def claim(self, number: int) -> int:
        """The next chunk of section ``number`` to render."""
        with self.lock:
            chunk = self.next[number]
            self.next[number] = chunk + 1
            return chunk


@dataclass
class RenderResult:
    pages: int = 0
    paths: dict[str, Any] = field(default_factory=dict)  # path -> manifest entry
    keys: dict[str, str] = field(default_factory=dict)   # path -> page key
    written: int = 0
    skipped: int = 0
    error: str | None = None              # a worker's traceback (a bug)
    failure: SitegenError | None = None   # an expected failure, raised again in the parent


def default_jobs() -> int:
    """Worker processes to use: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _render_share(sections: Sequence[Section], renderer: Renderer, writer: SiteWriter, claims: Claims,
                  tick: Callable[[int], None], keyed: bytes | None = None, board: Board | None = None) -> RenderResult:
    """Render and stage the units this worker claims: whole sections first, then per-entity chunks (all of
    them without a ``board``: one process). With ``keyed`` (fingerprint.render_fingerprint), a page whose key
    did not change is kept, not rendered."""
    result = RenderResult()
    before_written, before_skipped = writer.stats.written, writer.stats.skipped

    def stage(path: str, key: str | None, make: Callable[[], bytes]) -> None:
        """Keep the previous file when its key is unchanged, else make and write it (with its key)."""
        if key is None or not writer.keep(path, key):
            writer.write(path, make(), key)

    def render(item: Any) -> None:
        if isinstance(item, Page):
            if keyed is not None and item.inputs is not None:  # keyed by its inputs: no context if kept
                stage(item.path, page_key(keyed, item.template + INPUTS_KEY, item.inputs),
                      lambda: renderer.render(item.template, item.context))
            else:
                context = item.context
                stage(item.path, None if keyed is None else page_key(keyed, item.template, context),
                      lambda: renderer.render(item.template, context))
            result.pages += 1
            if result.pages % PROGRESS_EVERY == 0:
                tick(PROGRESS_EVERY)
        else:  # a file made by a pure function is kept while its inputs are unchanged (File.inputs)
            inputs = None if keyed is None else item.inputs
            stage(item.path, None if inputs is None else page_key(keyed, FILE_KEY, inputs), lambda: item.data)

    whole = [section for section in sections if not section.per_entity]
    entity = [section for section in sections if section.per_entity]
    for position, section in enumerate(whole):
        if claims.take(position << SHIFT):
            for item in section.items():
                render(item)
    if board is None:
        for section in entity:
            for item in section.items():
                render(item)
    else:
        visited: set[int] = set()
        while (number := board.start()) is not None or (number := board.join(visited)) is not None:
            visited.add(number)
            _render_chunks(entity[number], number, board, render)
    result.written = writer.stats.written - before_written
    result.skipped = writer.stats.skipped - before_skipped
    return result


def _render_chunks(section: Section, number: int, board: Board, render: Callable[[Any], None]) -> None:
    """Prepare per-entity section ``number`` and render the chunks this worker claims until none is left."""
    try:
        started = time.perf_counter()
        items = list(section.items())
        chunks = -(-len(items) // CHUNK)
        if board.chunks[number] < 0:  # the section's first worker: say what it has and what preparing cost
            board.prepare[number] = time.perf_counter() - started
            board.chunks[number] = chunks
        while (chunk := board.claim(number)) < chunks:
            started = time.perf_counter()
            for item in items[chunk * CHUNK:(chunk + 1) * CHUNK]:
                render(item)
            board.chunk[number] = max(time.perf_counter() - started, 1e-9)
    finally:
        board.done[number] = 1  # every chunk handed out (or this worker failed: nobody waits for it)


def render_pages(sections: Sequence[Section], renderer: Renderer, writer: SiteWriter, jobs: int,
                 progress: Callable[[int], None], keyed: bytes | None = None) -> int:
    """Render every page of ``sections`` into ``writer``; returns the number of pages. ``keyed``: see
    :func:`_render_share`."""
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            progress(done[0])

        return _render_share(sections, renderer, writer, Claims(), tick, keyed).pages
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("q", 0)
    units = ctx.Value("q", 0)
    board = Board(ctx, sum(1 for section in sections if section.per_entity))
    queue = ctx.Queue()

    def tick(n: int) -> None:
        with counter.get_lock():
            counter.value += n

    parent = os.getpid()

    def work() -> None:
        _die_with(parent)
        writer.paths, writer.keys = {}, {}
        try:
            result = _render_share(sections, renderer, writer, Claims(units), tick, keyed, board)
            result.paths, result.keys = writer.paths, writer.keys
        except SitegenError as exc:  # an expected failure (a full disk ...): the parent raises it as it is
            result = RenderResult(failure=exc)
        except BaseException:  # a bug: the parent raises it with this traceback
            result = RenderResult(error="".join(traceback.format_exception(*sys.exc_info())))
        queue.put(result)

    sys.stdout.flush()
    sys.stderr.flush()
    # Move every object to the permanent generation before forking: the workers' collections then never
    # touch (and so never copy) the pages of the prepared data they share with the parent.
    gc.collect()
    gc.freeze()
    workers = [ctx.Process(target=work, daemon=True) for _ in range(jobs)]
    try:
        for worker in workers:
            worker.start()
    finally:
        gc.unfreeze()
    results = []
    try:
        while len(results) < jobs:
            try:
                results.append(queue.get(timeout=0.5))
            except Exception:  # queue.Empty: draw progress, check that workers are alive
                progress(counter.value)
                killed = any(w.exitcode not in (None, 0) for w in workers)  # (a worker that ran to the end exits 0)
                if killed or not any(w.is_alive() for w in workers) and queue.empty():
                    raise WorkerError("no result: the worker was killed (out of memory?)") from None
    except BaseException:  # a killed worker, an interrupt: the others may wait for it forever, so end them
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()
        raise
    for worker in workers:
        worker.join()
    return _merge(results, writer)


def _die_with(parent: int) -> None:
    """End this worker when the build process ends, even by SIGKILL: a worker left behind would hold the
    output's lock and keep the next build out (Linux; elsewhere the worker ends when its work does)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _merge(results: list[RenderResult], writer: SiteWriter) -> int:
    failures = [r.failure for r in results if r.failure is not None]
    if failures:
        raise failures[0]
    errors = [r.error for r in results if r.error]
    if errors:
        raise WorkerError(errors[0])
    for result in results:
        clash = writer.paths.keys() & result.paths.keys()
        if clash:
            raise ValueError(f"two pages want the same path: {sorted(clash)[0]}")
        writer.paths.update(result.paths)
        writer.keys.update(result.keys)
        writer.stats.written += result.written
        writer.stats.skipped += result.skipped
    return sum(r.pages for r in results)
