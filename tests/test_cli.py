"""The command line end to end: exit codes, messages, the demo build, init, demo-data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main
AS_OF = "2026-06-30"


def run(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run the CLI in a subprocess (as users do); return exit code and combined output."""
    proc = subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_demo(demo_site: Path, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("built")
    shutil.copytree(demo_site / "data", site / "data")
    code, out = run(["build", "--as-of", AS_OF], site)
    assert code == 0, out
    return site


def test_demo_builds_a_site_with_pages_and_data_files(built_demo: Path) -> None:
    out = built_demo / "output"
    pages = list(out.rglob("*.html"))
    assert len(pages) >= 20
    for name in ("index.html", "customers/index.html", "data-quality/index.html", "data/metrics.json",
                 "data/customers.csv", "data/opportunities.csv", "assets/plotly.min.js"):
        assert (out / name).is_file(), name
    assert "Traceback" not in (out / "index.html").read_text(encoding="utf-8")


def test_check_passes_on_demo_data(demo_site: Path) -> None:
    code, out = run(["check"], demo_site)
    assert code == 0, out
    assert out.startswith("ok:") or "\nok:" in out


def test_check_names_each_bad_file_and_line(demo_site: Path, tmp_path: Path) -> None:
    shutil.copytree(demo_site / "data", tmp_path / "data")
    pipeline = tmp_path / "data" / "pipeline.csv"
    lines = pipeline.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    stage_col, amount_col = header.index("stage"), header.index("amount")
    row = lines[1].split(",")
    row[stage_col] = "Negotiaton"
    lines[1] = ",".join(row)
    row = lines[2].split(",")
    row[amount_col] = "lots"
    lines[2] = ",".join(row)
    lines.append(lines[3])  # duplicate opportunity id
    pipeline.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run(["check"], tmp_path)
    assert code == 1, out
    assert "data/pipeline.csv:2: column stage: unknown stage: 'Negotiaton' (did you mean 'negotiation'?)" in out
    assert "data/pipeline.csv:3: column amount: not a number: 'lots'" in out
    assert f"data/pipeline.csv:{len(lines)}: column opportunity_id: duplicate id" in out
    assert "Traceback" not in out


def test_failed_build_leaves_previous_output_untouched(built_demo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_demo, site)
    before = snapshot(site / "output")
    (site / "data" / "orders.csv").write_text("customer_id,order_date,amount\nC1,not a date,1\n")
    code, out = run(["build", "--as-of", AS_OF], site)
    assert code == 1
    assert "data/orders.csv:2: column order_date: not a date" in out
    assert "Traceback" not in out
    assert snapshot(site / "output") == before


def test_bad_config_exits_2(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text("[site]\ntitel = 'x'\n")
    code, out = run(["check"], tmp_path)
    assert code == 2
    assert "site.titel: unknown key (did you mean 'title'?)" in out


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--as-of", "yesterday"])
    assert result.exit_code == 2


def test_same_input_same_bytes(built_demo: Path, tmp_path: Path) -> None:
    code, out = run(["build", "--as-of", AS_OF, "--out", str(tmp_path / "again")], built_demo)
    assert code == 0, out
    first, second = snapshot(built_demo / "output"), snapshot(tmp_path / "again")
    assert first == second


def test_demo_data_command_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        code, out = run(["demo-data", "--out", name, "--customers", "50", "--seed", "3", "--as-of", AS_OF], tmp_path)
        assert code == 0, out
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_init_creates_a_site_that_builds(tmp_path: Path) -> None:
    code, out = run(["init", "newsite", "--customers", "40"], tmp_path)
    assert code == 0, out
    site = tmp_path / "newsite"
    assert (site / "sitegen.toml").is_file()
    assert (site / "data" / "orders.csv").is_file()
    assert list((site / "content" / "playbook").rglob("*.md"))
    code, out = run(["build"], site)
    assert code == 0, out
    code, out = run(["init", "newsite"], tmp_path)
    assert code == 2 and "already exists" in out


def test_wheel_ships_templates_and_playbook(tmp_path: Path) -> None:
    """`sitegen init` must work from an installed wheel: the defaults are inside the package."""
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                          cwd=root, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 and "No module named hatchling" in proc.stderr:
        pytest.skip("hatchling not installed in this environment")
    assert proc.returncode == 0, proc.stderr
    names = zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist()
    assert "sitegen/_defaults/templates/base.html" in names
    assert "sitegen/_defaults/templates/static/site.css" in names
    assert any(n.startswith("sitegen/_defaults/content/playbook/en/stages/") for n in names)
    assert any(n.startswith("sitegen/_defaults/content/playbook/zh-CN/") for n in names)
    assert "sitegen/render/catalog/zh-CN.toml" in names


def _broken_metrics(*args, **kwargs):
    raise ZeroDivisionError("planted bug")


@pytest.mark.parametrize("command", ["build", "check"])
def test_an_internal_error_is_one_line_and_a_log(make_site, monkeypatch, command: str) -> None:
    """A bug anywhere (here planted in the metrics) gives exit 3, one line naming it and the log,
    never a traceback; the traceback is saved beside the output folder."""
    site = make_site({"orders.csv": "customer_id,order_date,amount\nC1,2026-06-01,50\n"})
    monkeypatch.chdir(site)
    monkeypatch.setattr("sitegen.build.compute_metrics", _broken_metrics)
    result = CliRunner().invoke(main, [command, "--as-of", AS_OF], catch_exceptions=False)
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("internal error: ZeroDivisionError: planted bug"), lines
    assert "Traceback" not in result.output and str(site / "sitegen-error.log") in lines[0]
    log = (site / "sitegen-error.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "_broken_metrics" in log
    assert not (site / "output").exists()


def test_a_render_worker_bug_is_an_internal_error_with_the_workers_traceback(make_site, monkeypatch) -> None:
    site = make_site({"orders.csv": "customer_id,order_date,amount\nC1,2026-06-01,50\n"})
    monkeypatch.chdir(site)

    def broken(*args, **kwargs):
        raise KeyError("planted in a worker")

    monkeypatch.setattr("sitegen.render.Renderer.render", broken)
    result = CliRunner().invoke(main, ["build", "--as-of", AS_OF, "--jobs", "2"], catch_exceptions=False)
    assert result.exit_code == 3, result.output
    assert "a render worker failed: KeyError: 'planted in a worker'" in result.output
    assert "in the render worker:" in (site / "sitegen-error.log").read_text(encoding="utf-8")
