"""``sitegen init DIR --from FILE…``: a new site whose data are the team's own exports.

Each file (CSV, workbook or Parquet) is matched like ``sitegen map`` does, copied into ``data/`` under its
table's name with its own extension, and the pipeline's open stage values become the site's ``[[stages]]``
when the default stages do not know them.
The copies keep their headers: the synonyms match them at every build, so no column map is written.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Sequence

from sitegen.config import DATA_EXTENSIONS, parse_config
from sitegen.errors import ConfigError, ConfigProblem
from sitegen.mapping import Plan, describe, plan_mapping, stages_toml


def plan_exports(files: Sequence[Path]) -> list[Plan]:
    """One plan per file; a ConfigError when a file's table cannot be told or two files hold one table."""
    config = parse_config({}, root=Path.cwd())
    plans = [plan_mapping(Path(f), config) for f in files]
    by_table: dict[str, Path] = {}
    for plan in plans:
        if plan.table in by_table:
            raise ConfigError([ConfigProblem(str(plan.path), "(file)",
                                             f"holds the {plan.table} table like {by_table[plan.table]}",
                                             "give one file per table")])
        by_table[plan.table] = plan.path
    history = by_table.get("stage_history")
    if history is not None and "pipeline" in by_table:  # order the stages by the history
        plans = [plan_mapping(p.path, config, p.table, history) if p.table == "pipeline" else p for p in plans]
    return plans


def copy_exports(target: Path, plans: Sequence[Plan]) -> tuple[list[Path], str, str]:
    """Copy the files into ``target/data``; return the copies, the mapping report and the ``[[stages]]``
    to add to the new config ("" when the defaults know every stage)."""
    data = target / "data"
    data.mkdir(parents=True, exist_ok=True)
    written = []
    for plan in plans:
        suffix = plan.path.suffix.lower()  # the build finds <table>.<extension> and reads it by its kind
        copy = data / f"{plan.table}{suffix if suffix in DATA_EXTENSIONS else '.csv'}"
        shutil.copyfile(plan.path, copy)
        written.append(copy)
    report = "\n".join(describe(plan) for plan in plans)
    pipeline = next((p for p in plans if p.table == "pipeline"), None)
    stages = ""
    if pipeline is not None and any(not v.meaning for v in pipeline.stages):
        stages = f"\n# The open stages of {pipeline.path.name}, in order (ordered by {pipeline.order_by}):\n"
        stages += stages_toml(pipeline)
    return written, report, stages
