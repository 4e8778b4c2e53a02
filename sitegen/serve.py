"""``sitegen serve``: build, serve the output on 127.0.0.1, rebuild when an input changes.

Inputs are watched by polling modification times once a second (data folder, content
folder, templates folder, config file): no extra dependency, and it works on network
drives and in containers where file-system events do not arrive. A failed rebuild is
reported and the last good site stays online, because :func:`build_site` only swaps in
a complete output.
"""

from __future__ import annotations

import re
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from sitegen.build import ROOT_FILES, build_site
from sitegen.config import Config
from sitegen.errors import ConfigError, ConfigProblem, DataError, SitegenError
from sitegen.reporter import Reporter
from sitegen.write import beside

HOST = "127.0.0.1"
# The names a browser on this machine uses for the server. Any other Host header is refused, so a web
# page whose domain the attacker re-points at 127.0.0.1 (DNS rebinding) cannot read the preview.
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
_HOST = re.compile(r"(?P<name>\[[^\]]*\]|[^:]*)(?::(?P<port>[0-9]{1,5}))?")
REFUSED = b"This preview server answers only http://127.0.0.1, http://localhost or http://[::1].\n"
Snapshot = dict[str, tuple[int, int] | None]


def watched_paths(config: Config) -> list[Path]:
    """Everything a build reads: the data, content and templates folders, the files copied to the output
    root (``static/``) and the config file."""
    return [config.data_dir, config.content_dir, config.templates_dir, config.root / ROOT_FILES, Path(config.source)]


def build_paths(config: Config) -> tuple[Path, ...]:
    """What a build writes (output, staging folder, the retired output it keeps, lock file): never a
    reason to rebuild."""
    return (config.output_dir, *beside(config.output_dir))


def snapshot(paths: list[Path], ignore: tuple[Path, ...] = ()) -> Snapshot:
    """(mtime, size) of every file under ``paths`` except under ``ignore``; a missing path is recorded,
    so creating it counts."""
    state: Snapshot = {}
    for root in paths:
        if root.is_file():
            stat = root.stat()
            state[str(root)] = (stat.st_mtime_ns, stat.st_size)
        elif root.is_dir():
            for path in root.rglob("*"):
                try:
                    if path.is_file() and not any(path.is_relative_to(i) for i in ignore):
                        stat = path.stat()
                        state[str(path)] = (stat.st_mtime_ns, stat.st_size)
                except OSError:  # deleted while scanning: the next poll sees it
                    continue
        else:
            state[str(root)] = None
    return state


def local_host(header: str | None) -> bool:
    """True when a Host header names this machine's loopback (127.0.0.1, localhost or [::1], any port)."""
    match = _HOST.fullmatch((header or "").strip())
    return bool(match) and match.group("name").lower() in LOCAL_NAMES


class _Handler(SimpleHTTPRequestHandler):
    """Static files with caching off (every reload shows the latest build), no request log, loopback names only."""

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if local_host(self.headers.get("Host")):
            return True
        self.close_connection = True
        self.send_response(403)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(REFUSED)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(REFUSED)
        return False

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base class
        pass


class PreviewServer:
    """A local preview: :meth:`start` builds and serves, :meth:`poll` rebuilds on change, :meth:`close` stops."""

    def __init__(self, load_config: Callable[[], Config], *, port: int = 8000, as_of: str | None = None,
                 reporter: Reporter | None = None, interval: float = 1.0):
        self.load_config = load_config
        self.as_of = as_of
        self.reporter = reporter or Reporter()
        self.interval = interval
        self.config = load_config()  # a broken config at start is a usage error (exit 2)
        self.out = self.config.output_dir
        self.builds = self.failures = 0
        self._state: Snapshot = {}
        try:
            self.httpd = ThreadingHTTPServer((HOST, port), partial(_Handler, directory=str(self.out)))
        except OSError as exc:
            raise ConfigError([ConfigProblem("--port", str(port), f"cannot listen on {HOST}:{port}: {exc.strerror}",
                                             "choose another port, or --port 0 for a free one")]) from None
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="sitegen-serve", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.httpd.server_address[1]}/"

    def start(self) -> None:
        """First build, then serve (even when it failed: a previous good output may be there)."""
        self._state = self._look()
        self.rebuild(reload_config=False)
        self._thread.start()
        self.reporter.info(f"serving {self.url} (Ctrl-C to stop); watching for changes")

    def rebuild(self, reload_config: bool = True) -> bool:
        """Build once; on failure report why and keep the last good site. True when it built."""
        try:
            if reload_config:
                self.config = self.load_config()
            build_site(self.config, out=self.out, as_of=self.as_of, reporter=self.reporter)
        except Exception as exc:  # noqa: BLE001 - a preview must survive any failed build, even a template bug
            self.failures += 1
            for line in _describe(exc):
                self.reporter.warn(line)
            self.reporter.warn("rebuild failed: still serving the last good site")
            return False
        self.builds += 1
        return True

    def poll(self) -> bool:
        """Rebuild when a watched file changed since the last look. True when a rebuild ran."""
        if self._look() == self._state:
            return False
        time.sleep(min(self.interval, 0.2))  # let an editor finish writing several files
        paths = watched_paths(self.config)
        self._state = self._look()  # taken before the build, so a change during it triggers the next one
        self.reporter.info("change detected: rebuilding")
        self.rebuild()
        if watched_paths(self.config) != paths:  # the config now names other folders
            self._state = self._look()
        return True

    def _look(self) -> Snapshot:
        return snapshot(watched_paths(self.config), build_paths(self.config))

    def watch(self, stop: threading.Event | None = None) -> None:
        """Poll until ``stop`` is set (tests) or Ctrl-C (the command)."""
        stop = stop or threading.Event()
        while not stop.wait(self.interval):
            self.poll()

    def close(self) -> None:
        if self._thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()

    def run(self) -> None:
        """Start, watch until Ctrl-C, stop cleanly."""
        try:
            self.start()
            self.watch()
        except KeyboardInterrupt:
            self.reporter.info("stopped")
        finally:
            self.close()


def _describe(exc: BaseException) -> list[str]:
    """Lines that say why a build failed, in the same forms as ``sitegen build`` prints."""
    if isinstance(exc, DataError):
        errors = [p.format() for p in exc.problems if p.severity == "error"]
        return [*errors, f"{len(errors)} error(s), {len(exc.problems) - len(errors)} warning(s)"]
    if isinstance(exc, ConfigError):
        return [f"error: {p.format()}" for p in exc.problems]
    if isinstance(exc, SitegenError):
        return [f"error: {exc}"]
    return [f"error: {type(exc).__name__}: {exc}"]
