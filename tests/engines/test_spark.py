"""The Spark engine gives the pandas engine's answers (issue 20): the demo site byte for byte, order tables with
mixed ids and excluded statuses reduction by reduction, and inputs given as ``file:///`` URIs (read through
Spark's Hadoop filesystems) build the same site as local paths.

Marked ``spark``. Spark runs in local mode (``local[2]``, two shuffle partitions, no UI, log level ERROR, settings
for small jobs), one session for the module, so the module costs one JVM start and three demo builds. Without pyspark or Java the
module skips with a loud reason; with ``CI`` set it fails instead, so CI cannot pass without it
(``pip install -e '.[test]'`` brings pyspark; ``.ci/run`` installs the Java runtime).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import require_tool


def _missing() -> str | None:
    """Why the Spark engine cannot run here (None: it can)."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[test]' or 'sitegen[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (java on PATH or JAVA_HOME; apt-get install default-jre-headless)"
    return None


MISSING = _missing()
if MISSING:  # at import, so that CI fails the module rather than collecting nothing
    require_tool(False, f"SKIPPING SPARK ENGINE TESTS: {MISSING}", f"CI is set but the spark tests cannot run: {MISSING}")

from sitegen.config import load_config  # noqa: E402
from sitegen.dataset import load_dataset  # noqa: E402
from sitegen.demo import generate_demo_data  # noqa: E402
from sitegen.engine_config import Engine  # noqa: E402
from sitegen.engines import spark_engine  # noqa: E402
from sitegen.engines.pandas_engine import PandasEngine  # noqa: E402
from sitegen.engines.spark_engine import SparkEngine  # noqa: E402
from tests.engines.conftest import assert_same_reduced, files_of  # noqa: E402
from tests.engines.test_spark_paths import run  # noqa: E402

pytestmark = pytest.mark.spark
AS_OF = "2026-06-30"
# Small-job settings: a JVM that compiles less (C1 only, serial GC) and no whole-stage code generation or
# adaptive planning took the session's start and first job from about 80 s to 28 s on the loaded test machine.
LOCAL = Engine("spark", master="local[2]", spark_conf=(
    ("spark.default.parallelism", "2"), ("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"),
    ("spark.log.level", "ERROR"), ("spark.sql.adaptive.enabled", "false"), ("spark.sql.codegen.wholeStage", "false"),
    ("spark.sql.shuffle.partitions", "2"), ("spark.ui.enabled", "false")))


@pytest.fixture(scope="module", autouse=True)
def spark():
    """One local session for the module (the engine, its URI reader and the CLI builds reuse it), stopped after."""
    yield spark_engine.session(LOCAL)
    spark_engine.stop()


def build(site: Path, engine: str, out: str) -> dict[str, bytes]:
    """The files of ``site`` built with ``engine`` into ``site/out`` (the build must succeed)."""
    code, output = run(site, "build", "--as-of", AS_OF, "--jobs", "1", "--engine", engine, "--out", out)
    assert code == 0, output
    return files_of(site / out)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """The demo data (300 customers) and its site built with the pandas engine."""
    site = tmp_path_factory.mktemp("spark-demo")
    generate_demo_data(site / "data", customers=300, seed=1, as_of=date(2026, 6, 30))
    return site, build(site, "pandas", "out-pandas")


def ok_line(output: str) -> str:
    """The summary line of ``sitegen check``."""
    return next(line for line in output.splitlines() if line.startswith("ok: "))


def same_site(expected: dict[str, bytes], got: dict[str, bytes]) -> None:
    assert expected.keys() == got.keys()
    for name in ("data/metrics.json", "data/customers.csv"):
        assert got[name] == expected[name], name
    assert [name for name in expected if expected[name] != got[name]] == []


def test_demo_data_builds_the_same_site_with_spark(demo, monkeypatch) -> None:
    site, expected = demo
    calls = []
    real = spark_engine.order_lines
    monkeypatch.setattr(spark_engine, "order_lines", lambda *a: calls.append(1) or real(*a))
    got = build(site, "spark", "out-spark")
    assert calls, "the spark build did not run the spark engine"
    same_site(expected, got)
    assert b'"revenue"' in got["data/metrics.json"]


def test_orders_from_a_file_uri_build_the_same_site_as_the_local_path(demo, tmp_path: Path) -> None:
    site, expected = demo
    elsewhere = tmp_path / "warehouse" / "orders.csv"
    elsewhere.parent.mkdir()
    shutil.copyfile(site / "data" / "orders.csv", elsewhere)
    uri_site = tmp_path / "site"
    shutil.copytree(site / "data", uri_site / "data", ignore=shutil.ignore_patterns("orders.csv"))
    (uri_site / "sitegen.toml").write_text(f'[data.orders]\nfile = "{elsewhere.as_uri()}"\n', encoding="utf-8")
    assert elsewhere.as_uri().startswith("file:///")
    code, output = run(uri_site, "check", "--as-of", AS_OF, "--engine", "spark")
    assert code == 0, output  # check passing means the build succeeds
    assert ok_line(run(site, "check", "--as-of", AS_OF)[1]) == ok_line(output)  # "ok: N rows in M file(s), ..."
    got = build(uri_site, "spark", "out")
    assert expected.keys() == got.keys()
    for name in ("data/metrics.json", "data/customers.csv"):
        assert got[name] == expected[name], name
    copy = spark_engine.fetch(LOCAL, elsewhere.as_uri(), "sitegen.toml", "data.orders.file")
    assert copy.read_bytes() == elsewhere.read_bytes()
    # the data-quality page names the orders file by its URI and orders the files by name, so its summary row
    # and its section move: the same sections, summary rows and page around them, the name aside
    labels = [elsewhere.as_uri().encode(), b"data/orders.csv"]

    def tags(data: bytes) -> tuple[list[bytes], list[bytes], bytes]:
        for label in labels:
            data = data.replace(label, b"ORDERS")
        sections = re.compile(rb'<section id="[^"]*".*?</section>\n?', re.S)
        rows = re.compile(rb"<tr>.*?</tr>\n?", re.S)
        rest = rows.sub(b"", data)
        return sorted(rows.findall(data)), sorted(sections.findall(rest)), sections.sub(b"", rest)

    assert [n for n in expected if expected[n] != got[n]] in ([], ["data-quality/index.html"])
    assert tags(got["data-quality/index.html"]) == tags(expected["data-quality/index.html"])


def test_a_data_folder_uri_checks_like_the_local_folder(demo, tmp_path: Path) -> None:
    site, _ = demo  # snapshots are local files only: the local folder has none either
    shutil.copytree(site / "data", tmp_path / "local" / "data", ignore=shutil.ignore_patterns("snapshots"))
    code, local = run(tmp_path / "local", "check", "--as-of", AS_OF)
    assert code == 0, local
    (tmp_path / "uri").mkdir()
    (tmp_path / "uri" / "sitegen.toml").write_text(f'[data]\ndir = "{(tmp_path / "local" / "data").as_uri()}/"\n',
                                                   encoding="utf-8")
    code, output = run(tmp_path / "uri", "check", "--as-of", AS_OF, "--engine", "spark")
    assert code == 0, output
    assert ok_line(output) == ok_line(local)


def test_a_folder_or_an_unknown_scheme_is_a_config_error(demo, tmp_path: Path) -> None:
    site, _ = demo
    for uri, words in ((site.as_uri() + "/data", "is a folder"), ("nosuchfs://host/orders.csv", "Spark cannot read it")):
        (tmp_path / "sitegen.toml").write_text(f'[data.orders]\nfile = "{uri}"\n', encoding="utf-8")
        code, output = run(tmp_path, "check", "--engine", "spark")
        assert code == 2, output
        assert f"data.orders.file: {uri} {words}" in output
        assert "Traceback" not in output


def test_a_missing_uri_file_is_a_missing_table(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(f'[data.orders]\nfile = "{(tmp_path / "none.csv").as_uri()}"\n',
                                           encoding="utf-8")
    code, output = run(tmp_path, "check", "--engine", "spark")
    assert code == 1, output
    assert "neither pipeline nor orders data found" in output


ORDERS = """customer_id,order_date,amount,order_id,status,quantity,unit_price,product,cost
C1,2026-01-02,10.1,O1,shipped,,,A,3
C2,2026-01-02,,O1,,2,3.3333,B,
C1,2026-01-02,0.2,,Cancelled,,,A,
C1,2026-01-02,0.7,,ok,,,,0.1
C2,2026-02-03,-50,,,,,A,
客户一,2026-03-04,1e3,o1, returned ,,,产品,
,2026-03-04,5,O2,,,,A,
C1,2027-01-01,5,O3,,,,A,
C1,,5,O3,,,,A,
"""


def test_order_codes_match_pandas_on_mixed_ids_and_excluded_statuses(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text(ORDERS, encoding="utf-8")
    (tmp_path / "data" / "customers.csv").write_text("customer_id,owner\nC1,Zed\n", encoding="utf-8")
    config = load_config(None, cwd=tmp_path)
    dataset = load_dataset(config)
    for as_of in ("2026-06-30", "2026-01-02", "2025-01-01"):
        day = pd.Timestamp(as_of)
        assert_same_reduced(PandasEngine().reduce(dataset, config, day), SparkEngine(LOCAL).reduce(dataset, config, day))


def test_spark_without_java_is_a_config_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text("customer_id,order_date,amount\nC1,2026-01-02,10\n", encoding="utf-8")
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java")}
    done = subprocess.run([sys.executable, "-m", "sitegen", "check", "--engine", "spark"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "engine.name: Spark did not start" in done.stderr and "needs a Java runtime" in done.stderr
    assert "Traceback" not in done.stderr
