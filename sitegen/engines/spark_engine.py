"""The Spark engine: the line-level work on order lines (the as_of filter, status exclusion, customer and order
numbering) as Spark DataFrame operations, in local mode or on a cluster (``[engine] master``, ``spark_conf``,
or whatever ``spark-submit`` set).

Spark gets the columns that decide which lines count and how they group (``pos``: the row's place in the
table, which fixes every "first appearance" rule; customer, date, day, status, order id) and returns, per kept
line, its ``pos``, customer code and the first ``pos`` of its (order id), (order id, customer) and (customer,
day) groups. The driver turns those into the codes :func:`sitegen.metrics.reduce.order_lines` makes and the
sums run in the shared numpy code over the kept lines in file order, so the figures are bit for bit the pandas
engine's (float sums depend on their order; Spark's do not have a fixed one). docs/scale.md says what that
costs in driver memory.

Inputs given as URIs (``hdfs://``, ``s3a://``, ``file:///``: ``[data] dir``, ``[data.<table>] file``) are read
through Spark's Hadoop filesystems by :func:`fetch`, which copies each file to the driver once per process, so
the shared loader checks them with the same ``FILE:LINE`` problems as local files.
"""

from __future__ import annotations

import atexit
import os
import posixpath
import shutil
import tempfile
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from sitegen.engine_config import Engine as EngineSettings
from sitegen.errors import ConfigError, ConfigProblem

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from sitegen.config import Config
    from sitegen.dataset import Dataset
    from sitegen.metrics.reduce import Reduced

LOCAL_MASTER = "local[*]"  # without a master in config or from spark-submit
DAY_NS = 86_400_000_000_000
DEFAULTS = {  # small-job settings; ``[engine] spark_conf`` overrides any of them
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.adaptive.enabled": "true",
}
_LOCK = threading.Lock()
_SESSION: list[Any] = []  # the process's one session (creating one takes seconds), stopped at exit
_FETCH_LOCK = threading.Lock()
_FETCHED: dict[str, Path] = {}  # URI -> its local copy (or a path that does not exist: no file there)


def session(settings: EngineSettings) -> SparkSession:
    """The process's Spark session, created on first use with the configured master and properties (a
    ConfigError, exit 2, when Spark cannot start: no Java runtime, a master that does not answer)."""
    with _LOCK:
        if not _SESSION:
            try:
                _SESSION.append(_create(settings))
            except Exception as exc:  # pyspark's PySparkRuntimeError, py4j's errors: Java or the master
                cause = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise ConfigError([ConfigProblem("spark", "engine.name", f"Spark did not start: {cause}",
                                                 "the spark engine needs a Java runtime, 17 or later (java on "
                                                 "PATH or JAVA_HOME), and a master it can reach")]) from None
            atexit.register(stop)
        return _SESSION[0]


def _create(settings: EngineSettings) -> SparkSession:
    from pyspark.sql import SparkSession

    conf = {**DEFAULTS, **dict(settings.spark_conf)}
    warehouse = tempfile.mkdtemp(prefix="sitegen-spark-")
    conf.setdefault("spark.sql.warehouse.dir", warehouse)
    conf.setdefault("spark.local.dir", warehouse)
    builder = SparkSession.builder.appName("sitegen")
    master = settings.master or conf.pop("spark.master", None)
    if master:
        builder = builder.master(master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit, which sets its own master
        builder = builder.master(LOCAL_MASTER)
    for key, value in conf.items():
        builder = builder.config(key, value)
    with warnings.catch_warnings():  # pyspark's "does not yet fully support pandas >= 3"
        warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    atexit.register(shutil.rmtree, warehouse, True)
    return spark


def stop() -> None:
    """Stop the process's session (at exit; tests call it after their module)."""
    with _LOCK:
        while _SESSION:
            _SESSION.pop().stop()


def fetch(settings: EngineSettings, uri: str, source: str, key: str) -> Path:
    """A local copy of the file at ``uri``, read through Spark's Hadoop filesystems (hdfs, s3a with its
    connector, file, ...) on the driver, once per process; a path that does not exist when no file is there
    (a missing table, as for a local path). A folder or an unreadable URI is a ConfigError naming ``key``."""
    with _FETCH_LOCK:
        if uri in _FETCHED:
            return _FETCHED[uri]
        name = posixpath.basename(urlsplit(uri).path)
        if not name:
            raise _unreadable(source, key, uri, "names a folder, not a file", "name the table's file")
        spark = session(settings)
        jvm = spark._jvm
        folder = Path(tempfile.mkdtemp(prefix="sitegen-spark-input-"))
        atexit.register(shutil.rmtree, folder, True)
        local = folder / name
        try:
            remote = jvm.org.apache.hadoop.fs.Path(uri)
            fs = remote.getFileSystem(spark._jsc.hadoopConfiguration())
            if fs.exists(remote):
                if not fs.getFileStatus(remote).isFile():
                    raise _unreadable(source, key, uri, "is a folder: sitegen reads one file per table",
                                      "name the file (a CSV, workbook or single Parquet file) inside it")
                fs.copyToLocalFile(False, remote, jvm.org.apache.hadoop.fs.Path(local.as_uri()), True)
        except ConfigError:
            raise
        except Exception as exc:  # py4j's Py4JJavaError: no filesystem for the scheme, access denied, ...
            cause = str(getattr(exc, "java_exception", exc)).strip().splitlines()[0]
            raise _unreadable(source, key, uri, f"Spark cannot read it: {cause}",
                              "check the URI; s3a:// needs the hadoop-aws connector (docs/scale.md)") from None
        _FETCHED[uri] = local
        return local


def _unreadable(source: str, key: str, uri: str, why: str, hint: str) -> ConfigError:
    return ConfigError([ConfigProblem(source, key, f"{uri} {why}", hint)])


class SparkEngine:
    """Order lines filtered and numbered by Spark; the sums in the shared numpy code on the driver."""

    name = "spark"

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings

    def reduce(self, dataset: Dataset, config: Config, as_of: pd.Timestamp) -> Reduced:
        """Every reduction for ``as_of``, the order lines from :func:`order_lines`."""
        from sitegen.metrics.reduce import reduce_with

        with warnings.catch_warnings():  # pyspark's "does not yet fully support pandas >= 3" on every conversion
            warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
            return reduce_with(dataset, config, as_of,
                               lambda d, c, a: order_lines(session(self.settings), d, c, a))


def _texts(column: pd.Series) -> pd.Series:
    """A text column for Spark: str or None (categories and other objects as their text)."""
    values = column.astype(object)
    return values.where(values.notna(), None).map(lambda v: v if v is None or isinstance(v, str) else str(v))


def line_keys(raw: pd.DataFrame) -> pd.DataFrame:
    """What Spark needs of the loaded order lines: pos, customer_id, date (ns, null for no date), day, status,
    order_id (missing columns left out)."""
    ns = raw["order_date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    known = ~pd.isna(raw["order_date"].to_numpy(dtype="datetime64[ns]"))
    out = pd.DataFrame({"pos": np.arange(len(raw), dtype=np.int64), "customer_id": _texts(raw["customer_id"]),
                        "date_ns": pd.array(np.where(known, ns, 0), dtype="Int64"),
                        "day": np.where(known, ns // DAY_NS, 0).astype(np.int64)})
    out.loc[~known, "date_ns"] = pd.NA
    for name in ("status", "order_id"):
        if name in raw:
            out[name] = _texts(raw[name])
    return out


def _spark_frame(spark: SparkSession, keys: pd.DataFrame) -> DataFrame:
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    fields = [StructField("pos", LongType(), False), StructField("customer_id", StringType()),
              StructField("date_ns", LongType()), StructField("day", LongType(), False)]
    fields += [StructField(n, StringType()) for n in ("status", "order_id") if n in keys]
    rows = keys.astype({"date_ns": object}).where(keys.notna(), None)
    return spark.createDataFrame(rows, schema=StructType(fields))


def coded_lines(spark: SparkSession, keys: pd.DataFrame, as_of: pd.Timestamp,
                excluded: tuple[str, ...]) -> tuple[pd.DataFrame, np.ndarray]:
    """Per kept line (sorted by pos): pos, cust (index into the sorted distinct customers), and the first pos of
    its order id, (order id, customer) and (customer, day) groups (-1 without an id); and those customers."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    lines = _spark_frame(spark, keys)
    kept = lines.where(F.col("customer_id").isNotNull() & (F.col("date_ns") <= int(as_of.value)))
    if "status" in keys:
        wanted = {s.strip().casefold() for s in excluded}
        statuses = [r[0] for r in kept.select("status").where(F.col("status").isNotNull()).distinct().collect()]
        bad = [s for s in statuses if s.strip().casefold() in wanted]  # Python's casefold, as pandas compares
        if bad:
            kept = kept.where(F.col("status").isNull() | ~F.col("status").isin(bad))
    customers = np.array(sorted(r[0] for r in kept.select("customer_id").distinct().collect()), dtype=object)
    codes = spark.createDataFrame(pd.DataFrame({"customer_id": customers.astype(str),
                                                "cust": np.arange(len(customers), dtype=np.int64)}),
                                  schema="customer_id string, cust long")
    kept = kept.join(F.broadcast(codes), "customer_id")
    day = Window.partitionBy("customer_id", "day")
    kept = kept.withColumn("first_day", F.min("pos").over(day))
    if "order_id" in keys:
        by_id = Window.partitionBy("order_id")
        pair = Window.partitionBy("order_id", "customer_id")
        kept = kept.withColumn("first_id", F.when(F.col("order_id").isNull(), F.lit(-1)).otherwise(
            F.min("pos").over(by_id))).withColumn("first_pair", F.min("pos").over(pair))
    else:
        kept = kept.withColumn("first_id", F.lit(-1).cast("long")).withColumn("first_pair", F.col("first_day"))
    got = kept.select("pos", "cust", "first_id", "first_pair", "first_day").orderBy("pos").toPandas()
    return got.astype(np.int64), customers


def _dense(first: np.ndarray) -> np.ndarray:
    """Codes numbered by first appearance (``first``: the first pos of each line's group; -1 stays -1)."""
    uniq, inverse = np.unique(first, return_inverse=True)
    codes = inverse.astype(np.int64) - (1 if len(uniq) and uniq[0] < 0 else 0)
    return np.where(first < 0, -1, codes)


def order_lines(spark: SparkSession, dataset: Dataset, config: Config,
                as_of: pd.Timestamp) -> tuple[pd.DataFrame | None, np.ndarray]:
    """What :func:`sitegen.metrics.reduce.order_lines` returns, the line-level work done in Spark."""
    raw = dataset.get("orders")
    if raw is None:
        return None, np.array([], dtype=object)
    coded, customers = coded_lines(spark, line_keys(raw), as_of, config.rules.excluded_order_statuses)
    keep = np.zeros(len(raw), dtype=bool)
    keep[coded["pos"].to_numpy()] = True  # the kept rows in file order (coded is sorted by pos)

    def column(name: str, dtype=None) -> np.ndarray:
        return raw[name].to_numpy(dtype=dtype)[keep]

    cust = coded["cust"].to_numpy()
    by_id, pair, day = (_dense(coded[c].to_numpy()) for c in ("first_id", "first_pair", "first_day"))
    if len(cust) and (by_id >= 0).all():
        order = pair
    elif len(cust) and (by_id >= 0).any():
        with_id = _dense(np.where(by_id >= 0, coded["first_pair"].to_numpy(), -1))  # id orders come first
        order = np.where(by_id >= 0, with_id, int(with_id.max()) + 1 + day)
    else:
        order = day
    amount = column("amount", float) if "amount" in raw else np.full(len(cust), np.nan)
    if "quantity" in raw and "unit_price" in raw:
        amount = np.where(np.isnan(amount), column("quantity", float) * column("unit_price", float), amount)
    out = pd.DataFrame({
        "order": order, "cust": cust, "order_id_code": by_id,
        "order_date": column("order_date", "datetime64[ns]"), "amount": amount,
        "cost": column("cost", float) if "cost" in raw else np.nan,
        "quantity": column("quantity", float) if "quantity" in raw else np.nan,
    })
    for name in ("order_id", "channel", "owner", "product"):
        if name in raw:
            out[name] = pd.Series(column(name), dtype=object)
    if "paid_amount" in raw:
        out["paid_amount"] = column("paid_amount", float)
        if "due_date" in raw:
            out["due_date"] = column("due_date", "datetime64[ns]")
    return out, customers
