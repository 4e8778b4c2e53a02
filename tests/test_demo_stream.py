"""demo-data streamed in chunks of customers (issue 20 §3): one chunk is the old whole-array output byte for byte,
several chunks make one consistent data set, and Parquet holds the same cells as the CSV files."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from sitegen import demo_write
from sitegen.build import prepare_site
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.demo import generate_demo_data
from sitegen.demo_stream import chunk_seed, chunk_sizes
from sitegen.pages.data_files import metrics_json

AS_OF = date(2026, 6, 30)
# sha256 over "sha256  ./path" lines of every file (sorted), as written by the whole-array generator before
# streaming (commit 1f18507): 300 customers, seed 1, as of 2026-06-30 (the demo site's data)
DEMO_300_DIGEST = "6ea421fe1919b4811c6d0b7c98d835cdeefd4430e08110725dd4d5cc41b4dc2d"


def _digest(folder: Path) -> str:
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  ./{p.relative_to(folder).as_posix()}\n"
             for p in sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix()) if p.is_file()]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def test_one_chunk_writes_the_whole_array_files_byte_for_byte(tmp_path: Path) -> None:
    generate_demo_data(tmp_path / "one", customers=300, seed=1, as_of=AS_OF, chunk_size=300)
    assert _digest(tmp_path / "one") == DEMO_300_DIGEST


def test_chunk_sizes_are_even_and_chunk_zero_keeps_the_seed() -> None:
    assert chunk_sizes(300, 50_000) == [300]
    assert chunk_sizes(1_000_000, 50_000) == [50_000] * 20
    assert chunk_sizes(900, 300) == [300, 300, 300]
    assert chunk_sizes(601, 300) == [201, 200, 200]
    assert chunk_seed(7, 0) == 7 and len({chunk_seed(7, k) for k in range(1, 20)}) == 19
    with pytest.raises(ValueError):
        chunk_sizes(10, 0)


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("chunked")
    return folder, generate_demo_data(folder, customers=601, seed=3, as_of=AS_OF, chunk_size=201)


def test_chunks_make_one_consistent_data_set(chunked) -> None:
    folder, counts = chunked
    t = {name: _read(folder, name) for name in counts}
    assert {name: len(table) for name, table in t.items()} == counts
    customers, deals = t["customers.csv"]["customer_id"], t["pipeline.csv"]["opportunity_id"]
    assert customers.is_unique and len(customers) == 601 and customers.iloc[-1] == "C00601"
    assert deals.is_unique and list(deals) == [f"OPP-{i:06d}" for i in range(1, len(deals) + 1)]
    assert t["complaints.csv"]["ticket_id"].is_unique
    names = t["customers.csv"]["name"]          # later chunks have their own random streams, not copies
    assert list(names.iloc[:200]) != list(names.iloc[201:401])
    for name in ("pipeline.csv", "contacts.csv", "feedback.csv", "complaints.csv"):
        assert t[name]["customer_id"].isin(customers).all(), name
    assert set(t["orders.csv"]["customer_id"]) - set(customers) == {"C00602"}   # the deliberate orphan
    one = t["orders.csv"].groupby("order_id")[["customer_id", "order_date"]].nunique()
    assert (one == 1).all().all() and len(one) == t["orders.csv"]["order_id"].str[2:].astype(int).max()
    history = t["stage_history.csv"]["opportunity_id"]
    assert set(history) == set(deals)            # every deal has its stage history, no other deal has
    # every won deal became an order of its own customer (the chunk's stream made both)
    won = t["pipeline.csv"][t["pipeline.csv"]["stage"] == "Won"]
    assert won["customer_id"].isin(t["orders.csv"]["customer_id"]).all()
    acts = t["activities.csv"]
    assert acts["customer_id"].isin(customers).all()
    gone = set(acts["opportunity_id"]) - set(deals) - {""}   # one deleted deal per chunk, numbered past them
    assert len(gone) == 3 and min(int(g[4:]) for g in gone) > len(deals)
    owners = set(t["targets.csv"]["owner"]) - {""}
    assert set(t["customers.csv"]["owner"]) <= owners and set(t["orders.csv"]["owner"]) - {""} <= owners
    assert len(t["channel_costs.csv"]) == 216 and t["targets.csv"]["period"].is_unique is False


def test_snapshots_of_every_chunk_share_the_four_dates_and_agree_with_the_pipeline(chunked) -> None:
    folder, _ = chunked
    pipeline, customers = _read(folder, "pipeline.csv"), set(_read(folder, "customers.csv")["customer_id"])
    files = sorted(folder.glob("snapshots/*/pipeline.csv"))
    assert [f.parent.name for f in files] == ["2026-06-02", "2026-06-09", "2026-06-16", "2026-06-23"]
    for file in files:
        snap = _read(folder, str(file.relative_to(folder)))
        assert list(snap.columns) == list(pipeline.columns) and snap["opportunity_id"].is_unique
        assert snap["customer_id"].isin(customers).all()
        known = snap.merge(pipeline[["opportunity_id", "customer_id", "product"]], on="opportunity_id")
        assert (known["customer_id_x"] == known["customer_id_y"]).all()   # the same deal, not a namesake
        assert (known["product_x"] == known["product_y"]).all()
        extra = snap.loc[~snap["opportunity_id"].isin(pipeline["opportunity_id"]), "opportunity_id"]
        assert all(int(i[4:]) > len(pipeline) for i in extra)             # deleted since: past every real id


def test_same_seed_same_bytes_across_chunks(chunked, tmp_path: Path) -> None:
    folder, counts = chunked
    assert generate_demo_data(tmp_path, customers=601, seed=3, as_of=AS_OF, chunk_size=201) == counts
    assert _digest(tmp_path) == _digest(folder)


def _metrics(site: Path) -> bytes:
    """data/metrics.json as a build of the data in site/data writes it (the build's own load and figures)."""
    return metrics_json(prepare_site(load_config(cwd=site), pd.Timestamp("2026-06-30")))


def test_parquet_holds_the_csv_cells_and_builds_the_same_metrics(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(demo_write, "_ROWS", 500)   # several row groups (and CSV slices) in a file
    runner = CliRunner()
    for fmt in ("csv", "parquet"):
        result = runner.invoke(main, ["demo-data", "--out", str(tmp_path / fmt / "data"), "--customers", "80",
                                      "--seed", "5", "--as-of", "2026-06-30", "--format", fmt])
        assert result.exit_code == 0, result.output
    csv_data, parquet_data = tmp_path / "csv" / "data", tmp_path / "parquet" / "data"
    for csv in csv_data.rglob("*.csv"):
        part = csv.relative_to(csv_data).with_suffix(".parquet")
        cells, text = pq.read_table(parquet_data / part).to_pandas().fillna(""), _read(csv.parent, csv.name)
        assert list(cells.columns) == list(text.columns), part
        assert cells.astype(object).to_numpy().tolist() == text.astype(object).to_numpy().tolist(), part
    assert not list(parquet_data.rglob("*.csv")) and len(list(parquet_data.rglob("*.parquet"))) == 14
    metrics = _metrics(tmp_path / "csv")
    assert b'"revenue"' in metrics and b'"service"' in metrics and _metrics(tmp_path / "parquet") == metrics


def test_the_command_refuses_a_negative_seed_and_an_unknown_format(tmp_path: Path) -> None:
    for option in (["--seed", "-1"], ["--format", "xlsx"]):
        result = CliRunner().invoke(main, ["demo-data", "--out", str(tmp_path), *option])
        assert result.exit_code == 2 and "Traceback" not in result.output, option


def test_a_folder_that_cannot_be_written_is_an_output_error_not_a_bug(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    result = CliRunner().invoke(main, ["demo-data", "--out", str(blocked / "data"), "--customers", "5"])
    assert result.exit_code == 1, result.output
    assert "cannot write the demo data into" in result.output and "internal error" not in result.output
