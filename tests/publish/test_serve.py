"""``sitegen serve``: serves the build on a free loopback port, rebuilds on change, survives a failed rebuild."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path
from typing import Callable

import pytest

from sitegen.config import load_config
from sitegen.reporter import Reporter
from sitegen.serve import PreviewServer, snapshot, watched_paths

AS_OF = "2026-06-30"
DEADLINE = 20.0  # seconds any wait may take before the test fails


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, "", dict(exc.headers)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"not within {DEADLINE:.0f} s: {what}")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from sitegen.demo import generate_demo_data

    root = tmp_path_factory.mktemp("serve")
    generate_demo_data(root / "data", customers=60, seed=3, as_of=date(2026, 6, 30))
    return root


@pytest.fixture(scope="module")
def server(site: Path):
    preview = PreviewServer(lambda: load_config(cwd=site), port=0, as_of=AS_OF, reporter=Reporter(), interval=0.2)
    preview.start()
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)
    watcher.start()
    yield preview
    stop.set()
    watcher.join(timeout=5)
    preview.close()


def test_serves_the_built_site_on_loopback_without_caching(server: PreviewServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url) and not server.url.endswith(":0/")
    status, body, headers = fetch(server.url)
    assert status == 200 and "<html" in body
    assert headers["Cache-Control"] == "no-store"
    assert server.builds == 1 and server.failures == 0


def test_a_failed_rebuild_keeps_the_last_good_site_and_reports_why(server: PreviewServer, site: Path) -> None:
    before = fetch(server.url)[1]
    failures = server.failures
    orders = site / "data" / "orders.csv"
    good = orders.read_bytes()
    try:
        orders.write_text("customer_id,order_date,amount\nC00001,not a date,10\n", encoding="utf-8")
        wait_for(lambda: server.failures > failures, "the broken rebuild is reported")
        status, body, _ = fetch(server.url)
        assert status == 200 and body == before
        messages = "\n".join(server.reporter.messages)
        assert "data/orders.csv:2: column order_date" in messages
        assert "still serving the last good site" in messages
    finally:
        orders.write_bytes(good)  # the next test's rebuild picks this up too


def test_a_data_change_rebuilds_the_site(server: PreviewServer, site: Path) -> None:
    builds, failures = server.builds, server.failures
    customers = site / "data" / "customers.csv"
    lines = customers.read_text(encoding="utf-8").splitlines()
    customer_id, old_name = lines[1].split(",")[:2]
    lines[1] = lines[1].replace(old_name, "Renamed Preview Co", 1)
    customers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = server.url + f"customers/{customer_id.lower()}/index.html"
    wait_for(lambda: server.builds > builds and "Renamed Preview Co" in fetch(page)[1],
             "the customer page shows the new name")
    assert server.failures == failures


def raw_get(url: str, host: str | None, method: str = "GET") -> tuple[int, str, dict[str, str]]:
    """A request with exactly this Host header (None: no Host header at all)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.putrequest(method, "/", skip_host=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8"), dict(response.headers)
    finally:
        conn.close()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}",
                                  "localhost.evil.example", "127.0.0.2:{port}", "", None])
def test_a_foreign_host_header_is_refused_against_dns_rebinding(server: PreviewServer, host: str | None) -> None:
    port = server.httpd.server_address[1]
    status, body, headers = raw_get(server.url, None if host is None else host.format(port=port))
    assert status == 403
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body.startswith("This preview server answers only http://127.0.0.1") and "<html" not in body
    assert raw_get(server.url, None if host is None else host.format(port=port), "HEAD")[:2] == (403, "")


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "127.0.0.1", "localhost:{port}", "LocalHost", "[::1]:{port}",
                                  "[::1]"])
def test_loopback_host_headers_are_served(server: PreviewServer, host: str) -> None:
    status, body, _ = raw_get(server.url, host.format(port=server.httpd.server_address[1]))
    assert status == 200 and "<html" in body


def test_snapshot_sees_new_changed_and_deleted_files(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    first = snapshot([folder])
    assert first == {str(folder): None}
    folder.mkdir()
    (folder / "a.csv").write_text("x", encoding="utf-8")
    second = snapshot([folder])
    assert second != first
    (folder / "a.csv").write_text("xy", encoding="utf-8")
    assert snapshot([folder]) != second
    (folder / "a.csv").unlink()
    assert snapshot([folder]) == {}
    (folder / "output").mkdir()
    (folder / "output" / "index.html").write_text("built", encoding="utf-8")
    assert snapshot([folder], ignore=(folder / "output",)) == {}


def test_watches_data_content_templates_static_and_config(site: Path) -> None:
    config = load_config(cwd=site)
    assert watched_paths(config) == [site / "data", site / "content", site / "templates", site / "static",
                                     site / "sitegen.toml"]


def test_the_command_prints_its_port_and_stops_on_ctrl_c(site: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--port", "0", "--as-of", AS_OF,
                             "--out", "preview"], cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    try:
        url, seen = None, []
        end = time.monotonic() + 60  # the first build comes before the server line
        while url is None and time.monotonic() < end:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
            url = match.group(1) if match else None
        assert url, "".join(seen)
        assert fetch(url)[0] == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=DEADLINE) == 0
        assert "stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_busy_port_is_a_usage_error(tmp_path: Path) -> None:
    import socket

    from sitegen.errors import ConfigError

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigError) as caught:
            PreviewServer(lambda: load_config(cwd=tmp_path), port=port)
    assert caught.value.exit_code == 2
    assert "--port 0 for a free one" in str(caught.value)
