"""Render and write pages in worker processes.

Workers are forked after metrics are computed, so they inherit the prepared data
instead of receiving it pickled. Every worker walks the same deterministic page
sequence and renders every ``jobs``-th item, writing straight into the staging
folder; the parent only merges the lists of written paths and the counts.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from sitegen.pages import Page
from sitegen.render import Renderer
from sitegen.write import SiteWriter

PROGRESS_EVERY = 100


@dataclass
class RenderResult:
    pages: int = 0
    paths: dict[str, int] = field(default_factory=dict)  # path -> size
    written: int = 0
    skipped: int = 0
    error: str | None = None


def default_jobs() -> int:
    """Worker processes to use: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _render_share(items: Iterable[Any], renderer: Renderer, writer: SiteWriter, share: int, jobs: int,
                  tick: Callable[[int], None]) -> RenderResult:
    """Render and stage every ``jobs``-th item starting at ``share``."""
    result = RenderResult()
    before_written, before_skipped = writer.stats.written, writer.stats.skipped
    for index, item in enumerate(items):
        if index % jobs != share:
            continue
        if isinstance(item, Page):
            writer.write(item.path, renderer.render(item.template, item.context))
            result.pages += 1
            if result.pages % PROGRESS_EVERY == 0:
                tick(PROGRESS_EVERY)
        else:
            writer.write(item.path, item.data)
    result.written = writer.stats.written - before_written
    result.skipped = writer.stats.skipped - before_skipped
    return result


def render_pages(make_items: Callable[[], Iterable[Any]], renderer: Renderer, writer: SiteWriter, jobs: int,
                 progress: Callable[[int], None]) -> int:
    """Render every page of ``make_items()`` into ``writer``; returns the number of pages."""
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            progress(done[0])

        return _render_share(make_items(), renderer, writer, 0, 1, tick).pages
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("q", 0)
    queue = ctx.Queue()

    def tick(n: int) -> None:
        with counter.get_lock():
            counter.value += n

    def work(share: int) -> None:
        writer.paths = {}
        try:
            result = _render_share(make_items(), renderer, writer, share, jobs, tick)
            result.paths = writer.paths
        except BaseException:  # report any failure to the parent, which raises it
            result = RenderResult(error="".join(traceback.format_exception(*sys.exc_info())))
        queue.put(result)

    sys.stdout.flush()
    sys.stderr.flush()
    # Move every object to the permanent generation before forking: the workers' collections then never
    # touch (and so never copy) the pages of the prepared data they share with the parent.
    gc.collect()
    gc.freeze()
    workers = [ctx.Process(target=work, args=(share,), daemon=True) for share in range(jobs)]
    try:
        for worker in workers:
            worker.start()
    finally:
        gc.unfreeze()
    results = []
    while len(results) < jobs:
        try:
            results.append(queue.get(timeout=0.5))
        except Exception:  # queue.Empty: draw progress, check that workers are alive
            progress(counter.value)
            if not any(w.is_alive() for w in workers) and queue.empty():
                raise RuntimeError("a render worker died without a result") from None
    for worker in workers:
        worker.join()
    return _merge(results, writer)


def _merge(results: list[RenderResult], writer: SiteWriter) -> int:
    errors = [r.error for r in results if r.error]
    if errors:
        raise RuntimeError("rendering failed:\n" + errors[0])
    for result in results:
        clash = writer.paths.keys() & result.paths.keys()
        if clash:
            raise ValueError(f"two pages want the same path: {sorted(clash)[0]}")
        writer.paths.update(result.paths)
        writer.stats.written += result.written
        writer.stats.skipped += result.skipped
    return sum(r.pages for r in results)
