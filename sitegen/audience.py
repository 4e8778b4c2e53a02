"""An audience's slice of the data: the customers it may see and every row about them, taken right
after loading so that every figure, page, download and search entry is computed from the slice.

The rules (docs/configuration.md, "Audiences"):

- customers: those in one of the ``region`` values (when set) and owned by one of the audience's owners
  (``owner`` plus the members of ``team``, when set);
- every table with a ``customer_id`` (deals, orders, activities, contacts, feedback, tickets, earlier
  pipeline exports): the rows of the kept customers, whoever's name is on the row. A row without a
  customer is kept when its owner is one of the audience's owners (an activity also when its deal is kept);
- stage_history: the rows of the kept deals; targets: the rows of the audience's owners (every row for
  an audience without a filter, none for a region-only audience); channel_costs: only without a filter;
- ``contacts = false`` drops the contacts table.

Whole-table ``isin`` selections, never a loop over rows.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from sitegen.audience_config import Audience
from sitegen.config import Config
from sitegen.dataset import Dataset
from sitegen.dataset.problems import Problem
from sitegen.errors import ConfigError, ConfigProblem
from sitegen.write import AUDIENCE_ROOT, BESIDE

# audience section -> the page modules (sitegen/pages) and output folders that make it
SECTION_MODULES = {
    "funnel": ("funnel",), "pipeline": ("pipeline", "changes", "deals"),
    "customers": ("customers", "customer_pages", "visit"), "receivables": ("receivables",),
    "service": ("service",), "team": ("team",), "reports": ("reports",), "playbook": ("playbook",),
    "data-quality": ("data_quality",),
}
# data files that belong to a section and go with it
SECTION_FILES = {"customers": ("data/customers.csv",), "pipeline": ("data/opportunities.csv",
                 "data/pipeline-changes.json"), "team": ("data/team.csv",)}


def select_audience(config: Config, name: str | None) -> Config:
    """``config`` for a build of audience ``name`` (None: everyone); an unknown name is a ConfigError."""
    if name is None:
        return config
    for audience in config.audiences:
        if audience.name == name:
            return dataclasses.replace(config, audience=audience)
    known = ", ".join(a.name for a in config.audiences) or "none: define them with [[audiences]]"
    raise ConfigError([ConfigProblem("--audience", "audience", f"unknown audience {name!r}", f"audiences: {known}")])


def hidden_modules(audience: Audience | None) -> frozenset[str]:
    """The page modules an audience's site leaves out."""
    if audience is None:
        return frozenset()
    return frozenset(m for section, modules in SECTION_MODULES.items() if not audience.shows(section)
                     for m in modules)


def hidden_folders(audience: Audience | None) -> tuple[str, ...]:
    """Output folders (with a trailing ``/``) and files no page of the audience's site may link to."""
    if audience is None:
        return ()
    return tuple(item for section in SECTION_MODULES if not audience.shows(section)
                 for item in (f"{section}/", *SECTION_FILES.get(section, ())))


def _keep(frame: pd.DataFrame, customers: pd.Index, owners: tuple[str, ...]) -> pd.Series:
    """Rows of kept customers, and rows without a customer owned by one of ``owners``."""
    keep = pd.Series(False, index=frame.index)
    if "customer_id" in frame:
        keep |= frame["customer_id"].isin(customers)
        no_customer = frame["customer_id"].isna()
    else:
        no_customer = pd.Series(True, index=frame.index)
    if owners and "owner" in frame:
        keep |= no_customer & frame["owner"].isin(owners)
    return keep


def kept_customers(customers: pd.DataFrame | None, audience: Audience) -> pd.Index:
    """Ids of the customers ``audience`` may see."""
    if customers is None:
        return pd.Index([])
    keep = pd.Series(True, index=customers.index)
    if audience.regions:
        keep &= customers["region"].isin(audience.regions) if "region" in customers else False
    if audience.owners:
        keep &= customers["owner"].isin(audience.owners) if "owner" in customers else False
    return pd.Index(customers.loc[keep, "customer_id"])


def slice_tables(tables: dict[str, pd.DataFrame], audience: Audience) -> dict[str, pd.DataFrame]:
    """The tables ``audience`` may see (the rules of this module's docstring)."""
    if not audience.filtered:
        out = dict(tables)
    else:
        ids = kept_customers(tables.get("customers"), audience)
        owners = audience.owners
        out = {}
        for name, frame in tables.items():
            if name in ("stage_history", "targets", "channel_costs", "activities"):
                continue
            out[name] = frame[_keep(frame, ids, owners).to_numpy()]
        deals = pd.Index(out["pipeline"]["opportunity_id"]) if "pipeline" in out else pd.Index([])
        if "activities" in tables:
            acts = tables["activities"]
            keep = _keep(acts, ids, owners)
            if "opportunity_id" in acts:
                keep |= acts["opportunity_id"].notna() & acts["opportunity_id"].isin(deals)
            out["activities"] = acts[keep.to_numpy()]
        if "stage_history" in tables:
            history = tables["stage_history"]
            out["stage_history"] = history[history["opportunity_id"].isin(deals).to_numpy()]
        if "targets" in tables:
            targets = tables["targets"]
            keep = targets["owner"].isin(owners) if owners and "owner" in targets else pd.Series(False, targets.index)
            out["targets"] = targets[keep.to_numpy()]
    if not audience.contacts:
        out.pop("contacts", None)
    return out


def slice_dataset(dataset: Dataset, audience: Audience | None) -> Dataset:
    """The dataset as ``audience`` may see it (None: all of it). Problems stay those of the whole data,
    counted, not listed, on the audience's data-quality page (see :func:`slice_problems`)."""
    if audience is None:
        return dataset
    tables = slice_tables(dict(dataset.tables), audience)
    snapshots = dataset.snapshots
    if audience.filtered:
        ids = kept_customers(dataset.tables.get("customers"), audience)
        snapshots = {day: frame[_keep(frame, ids, audience.owners).to_numpy()] for day, frame in snapshots.items()}
    return dataclasses.replace(dataset, tables=MappingProxyType(tables), snapshots=MappingProxyType(snapshots),
                               problems=slice_problems(dataset.problems, audience))


def slice_problems(problems: tuple[Problem, ...], audience: Audience) -> tuple[Problem, ...]:
    """The data problems an audience's data-quality page lists: none for a filtered audience (a message
    may quote a value of another audience's row); the counts per file and kind stay."""
    return problems if not audience.filtered else ()


def audience_problems(config: Config, dataset: Dataset) -> list[Problem]:
    """Warnings of ``sitegen check``: an audience's owner or region that no customer has (a typo keeps the
    audience's site empty)."""
    customers = dataset.tables.get("customers")
    problems = []
    for audience in config.audiences:
        for column, wanted in (("owner", audience.owners), ("region", audience.regions)):
            known = set() if customers is None or column not in customers else set(customers[column].dropna())
            for value in wanted:
                if value not in known:
                    problems.append(Problem(config.source, 0, f"audiences.{audience.name}",
                                            f"audience {audience.name!r}: no customer has {column} {value!r}",
                                            f"check the spelling against the {column} column of the customers",
                                            "warning"))
    return problems


def own_owners(audience: Audience | None, dataset: Dataset) -> set[str] | None:
    """The owners whose scorecards an audience that may not see ``others_scorecards`` sees: its own owners
    (``owner`` and ``team``), else the owners of its customers; None when it may see everyone's."""
    if audience is None or audience.others_scorecards:
        return None
    if audience.owners:
        return set(audience.owners)
    customers = dataset.tables.get("customers")
    if customers is None or "owner" not in customers:
        return set()
    return {str(o) for o in customers["owner"].dropna().unique()}


def audience_view(config: Config, dataset: Dataset, as_of: pd.Timestamp) -> tuple[Dataset, dict | None]:
    """The dataset of the build's audience and, when it may see ``company_totals``, the whole company's
    KPIs computed on all of the data (None otherwise)."""
    audience = config.audience
    if audience is None:
        return dataset, None
    company = None
    if audience.company_totals:
        from sitegen.metrics import compute_metrics  # (the metrics import the dataset package)

        company = dict(compute_metrics(dataset, dataclasses.replace(config, audience=None), as_of).kpis)
    return slice_dataset(dataset, audience), company


MANIFEST = ".sitegen-manifest"  # (sitegen.write's name of the list of an output's files)


def audience_configs(config: Config, name: str | None, every: bool) -> list[Config]:
    """The configs ``sitegen build`` builds: the whole site, one audience (``--audience``), or every
    audience into ``<output>/<name>/`` (``--all-audiences``), nothing else at the output's root."""
    if name is not None and every:
        raise ConfigError([ConfigProblem("--all-audiences", "audience", "give --audience or --all-audiences, not both")])
    if not every:
        return [select_audience(config, name)]
    if not config.audiences:
        raise ConfigError([ConfigProblem(config.source, "audiences", "no audience to build",
                                         "define them with [[audiences]] or build without --all-audiences")])
    if (config.output_dir / MANIFEST).exists():
        raise ConfigError([ConfigProblem("--all-audiences", "output", f"{config.output_dir} holds a build of the whole "
                                         "site", "build the audiences into another --out")])
    configs = [dataclasses.replace(select_audience(config, a.name), output_dir=config.output_dir / a.name)
               for a in config.audiences]
    mark_audience_root(config.output_dir, [a.name for a in config.audiences])
    return configs


def mark_audience_root(root: Path, names: list[str]) -> None:
    """Mark ``root`` as a folder of audience sites, so each build keeps its staging folder, lock and cache
    beside ``root`` (:func:`sitegen.write.beside`), and remove what earlier versions kept inside it."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / AUDIENCE_ROOT).touch()
        for name in names:  # earlier versions kept .<name>.<kind> beside each site, inside ``root``
            for kind in BESIDE:
                left = root / f".{name}.{kind}"
                if left.is_dir() and not left.is_symlink():
                    shutil.rmtree(left, ignore_errors=True)
                else:
                    left.unlink(missing_ok=True)
    except OSError as e:
        raise ConfigError([ConfigProblem("--all-audiences", "output", f"cannot prepare {root}: {e.strerror}",
                                         "check the output folder's permissions")]) from None
