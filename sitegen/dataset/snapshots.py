"""Earlier pipeline exports: ``data/snapshots/<YYYY-MM-DD>/pipeline.csv`` (the pipeline's file name and column map).

Each snapshot is read and validated exactly like pipeline.csv, so its problems name the snapshot's own file and
line; a folder whose name is not a date is a warning and is skipped. Other files in a snapshot folder are
ignored. The weekly review (:mod:`sitegen.metrics.changes`) compares today with one of them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import pandas as pd

from sitegen.config import Config
from sitegen.dataset import validate
from sitegen.dataset.factors import normalise_factors
from sitegen.dataset.load import read_table
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.schema import SCHEMA

FOLDER = "snapshots"
DATE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def snapshot_folder(config: Config) -> Path:
    return config.data_dir / FOLDER


def snapshot_date(name: str) -> date | None:
    """The date a snapshot folder is named after, None when the name is not a real YYYY-MM-DD date."""
    if not DATE_NAME.match(name):
        return None
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None


def load_snapshots(config: Config, log: ProblemLog, display) -> Mapping[str, pd.DataFrame]:
    """Snapshot date (ISO) -> its validated pipeline frame, oldest first; ``display`` shows paths as people
    type them. Folders without a pipeline file are skipped silently (other tables may live there)."""
    folder = snapshot_folder(config)
    if not folder.is_dir():
        return MappingProxyType({})
    file = Path(config.tables["pipeline"].file).name
    found: dict[str, pd.DataFrame] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.is_dir():
            continue
        shown = display(entry)
        when = snapshot_date(entry.name)
        if when is None:
            log.add(shown, 0, "", "snapshot folder name is not a date; skipped",
                    "name it after the day of the export, like 2026-06-23", "warning")
            continue
        path = entry / file
        if not path.exists():
            continue
        shown = display(path)
        loaded = read_table(path, shown, SCHEMA["pipeline"], config, log)
        if loaded is None:
            continue
        frame = validate.validate_pipeline(loaded[0], shown, config, log)
        found[when.isoformat()] = normalise_factors(frame, shown, log)
    return MappingProxyType(found)
