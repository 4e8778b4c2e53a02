"""A staging tree for the first rebuild after a full build, linked in the background.

A rebuild stages every unchanged page as a hard link to the output's file. When the previous build left a
retired output (``.<output>.previous``) that tree is recycled and most links are already there; after a
full build into an empty folder there is none, and the rebuild would create every folder and link itself.
:func:`start_clone` forks a process that links the output's tree into the cache folder while the build
loads the data and computes the metrics (one core's work: the other is free); the writer then takes it as
the staging folder (:meth:`Clone.finish`). Nothing in it is trusted more than in any recycled tree (see
:class:`sitegen.write.SiteWriter`); a clone that failed or was not finished is deleted and not used.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

from sitegen.manifest import MANIFEST


class Clone:
    """A tree of hard links to the output's files being made by the child process ``pid``."""

    def __init__(self, pid: int, tree: Path):
        self.pid, self.tree = pid, tree

    def finish(self) -> Path | None:
        """Wait for the tree; it, when complete, else None (and whatever was made is deleted)."""
        if self.pid and _wait(self.pid) == 0 and self.tree.is_dir() and not self.tree.is_symlink():
            self.pid = 0
            return self.tree
        self.discard()
        return None

    def discard(self) -> None:
        """Stop the child if it still runs and delete the tree (what was not taken by the writer)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            _wait(self.pid)
            self.pid = 0
        shutil.rmtree(self.tree, ignore_errors=True)


def start_clone(out: Path, staging: Path, previous: Path, cache: Path) -> Clone | None:
    """Start linking ``out`` into a new tree in ``cache`` when a build would otherwise stage into an empty
    folder: the output is sitegen's, with nothing retired (``previous``) or left (``staging``) to recycle."""
    if not hasattr(os, "fork") or staging.exists() or previous.exists() or not (out / MANIFEST).is_file():
        return None
    tree = cache / f"clone-{os.getpid()}"
    try:
        cache.mkdir(exist_ok=True)
        for old in cache.glob("clone-*"):  # left by a killed build (a partial tree would do no harm)
            if old == tree or not _running(old.name.partition("-")[2]):
                shutil.rmtree(old, ignore_errors=True)
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: link, then leave without running the parent's clean-up
        code = 1
        try:
            from sitegen.parallel import _die_with
            _die_with(os.getppid())
            link_tree(str(out), str(tree))
            code = 0
        finally:
            os._exit(code)
    return Clone(pid, tree)


def link_tree(source: str, target: str) -> None:
    """Make ``target`` a tree of the folders of ``source`` holding hard links to its regular files."""
    os.mkdir(target)
    stack = [(source, target)]
    while stack:
        here, there = stack.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(f"{there}/{entry.name}")
                    stack.append((entry.path, f"{there}/{entry.name}"))
                elif entry.is_file(follow_symlinks=False):
                    os.link(entry.path, f"{there}/{entry.name}")


def _running(pid: str) -> bool:
    """Whether process ``pid`` (a number as text) is alive."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except OSError:  # alive, someone else's
        return True
    return True


def _wait(pid: int) -> int:
    """The child's exit code (-1 when it was killed or is not ours)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return -1
    return os.waitstatus_to_exitcode(status)
