"""Earlier pipeline exports: ``data/snapshots/<YYYY-MM-DD>/pipeline.csv``, or the export as it was saved.

A snapshot is the pipeline's file name (``pipeline.csv`` by default) or ``pipeline`` with any data extension
(``.csv``, ``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``, ``.parquet``), or a copy of ``[data] workbook`` (its
pipeline sheet found as the build finds it). Each is read and validated exactly like the pipeline (column
map, header synonyms, encoding, sheet and header row), so its problems name the snapshot's own file and
row; a folder whose name is not a date is a warning and is skipped, one holding two pipeline files an error.
Other files in a snapshot folder are ignored. The weekly review (:mod:`sitegen.metrics.changes`) compares
today with one of them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import pandas as pd

from sitegen.config import DATA_EXTENSIONS, Config
from sitegen.dataset import validate
from sitegen.dataset.factors import normalise_factors
from sitegen.dataset.load import read_table
from sitegen.dataset.problems import ProblemLog
from sitegen.dataset.schema import SCHEMA
from sitegen.dataset.sources import Source, SourceTable, file_source, sheet_for
from sitegen.dataset.sources.excel import open_workbook

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


def snapshot_files(config: Config, folder: Path) -> list[Path]:
    """The pipeline files in one snapshot folder: the pipeline's file name, ``pipeline.<ext>`` or
    ``<its stem>.<ext>`` for any data extension, and the ``[data] workbook``'s name."""
    t = config.tables["pipeline"]
    names = [Path(t.file).name] if t.file_set else []
    for stem in dict.fromkeys(("pipeline", Path(t.file).stem)):
        names += [stem + ext for ext in DATA_EXTENSIONS]
    if t.workbook:
        names.append(Path(t.workbook).name)
    return [entry for name in dict.fromkeys(names) if (entry := folder / name).is_file()]


def load_snapshots(config: Config, log: ProblemLog, display) -> Mapping[str, pd.DataFrame]:
    """Snapshot date (ISO) -> its validated pipeline frame, oldest first; ``display`` shows paths as people
    type them. Folders without a pipeline file are skipped silently (other tables may live there)."""
    folder = snapshot_folder(config)
    if not folder.is_dir():
        return MappingProxyType({})
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
        files = snapshot_files(config, entry)
        if not files:
            continue
        if len(files) > 1:
            log.add(shown, 0, "", f"snapshot has two pipeline files: {files[0].name} and {files[1].name}",
                    "keep the one exported that day and remove the other")
            continue
        source = _source(config, files[0], display(files[0]), log)
        if source is None:
            continue
        read: list[SourceTable] = []
        loaded = read_table(source, source.display, SCHEMA["pipeline"], config, log, read)
        if loaded is None:
            continue
        shown = read[0].display if read else source.display  # a workbook adds its sheet
        frame = validate.validate_pipeline(loaded[0], shown, config, log)
        found[when.isoformat()] = normalise_factors(frame, shown, log)
    return MappingProxyType(found)


def _source(config: Config, path: Path, shown: str, log: ProblemLog) -> Source | None:
    """How to read a snapshot file: as the pipeline's own file, or (a copy of ``[data] workbook``) its
    pipeline sheet; None (an error logged) when that workbook has no pipeline sheet."""
    t = config.tables["pipeline"]
    if not t.workbook or path.name != Path(t.workbook).name or (t.file_set and path.name == Path(t.file).name):
        return file_source(path, shown, t)
    book = open_workbook(path, shown, log)
    if book is None:
        return None
    sheet = sheet_for("pipeline", t, book, set(), config)
    if sheet is None:
        log.add(shown, 0, "", "no pipeline sheet in this snapshot of the workbook",
                "keep the sheet named as in the workbook the build reads")
        return None
    return Source("workbook", f"{shown}:{sheet}", path, sheet, t.header_row, book=book)
