"""The whole build as one function, reading top to bottom like the pipeline:

config -> dataset -> metrics -> pages -> render -> write.
``cli``, ``serve`` and the benchmarks call :func:`build_site`; they do not copy it.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sitegen import pages as site_pages
from sitegen.audience import audience_problems, audience_view
from sitegen.audience_links import audience_renderer
from sitegen.config import Config
from sitegen.dataset import Dataset, load_dataset
from sitegen.dataset.cache import table_cache
from sitegen.dataset.problems import Problem
from sitegen.errors import ConfigError, ConfigProblem, DataError
from sitegen.fingerprint import fingerprint, render_fingerprint
from sitegen.metrics import Metrics, as_of_date, compute_metrics
from sitegen.parallel import default_jobs, render_pages
from sitegen.playbook import load_playbook
from sitegen.privacy import apply_privacy
from sitegen.recycle import start_clone
from sitegen.reporter import Reporter
from sitegen.resources import default_templates
from sitegen.reviews import load_reviews
from sitegen.write import (SiteWriter, WriteStats, beside, read_manifest, refuse_clashes, reusable_output,
                           safe_relpath)

STATIC = "static"  # folder of CSS/JS inside a templates folder, copied to assets/


@dataclass(frozen=True)
class BuildResult:
    """What a build did. ``dataset`` and ``metrics`` are None when the output was already up to date
    (``reused``): nothing was loaded; ``problems`` are then the warnings recorded by the build that wrote it."""

    out: Path
    dataset: Dataset | None
    metrics: Metrics | None
    stats: WriteStats
    pages: int
    problems: tuple[Problem, ...] = ()
    warning_count: int = 0
    reused: bool = False


@dataclass(frozen=True)
class CheckResult:
    """What ``sitegen check`` found: every problem of the data and the playbook, and, when there was
    no error, how many pages and files the build would write (0 otherwise)."""

    dataset: Dataset
    problems: tuple[Problem, ...]
    errors: int
    warnings: int
    planned: int = 0


def check_site(config: Config, as_of: str | None = None) -> CheckResult:
    """Everything a build does except rendering and writing (``sitegen check``): load and validate the
    data and the playbook and, when they have no error, compute the metrics and plan every page, so
    that whatever would make the build fail fails here too."""
    dataset, playbook, playbook_problems = _load(config)
    reviews, review_problems = load_reviews(config)
    content_problems = (*playbook_problems, *review_problems, *audience_problems(config, dataset))
    problems = (*dataset.problems, *content_problems)
    errors = dataset.error_count + sum(1 for p in content_problems if p.severity == "error")
    warnings = dataset.warning_count + sum(1 for p in content_problems if p.severity != "error")
    planned: set[str] = set()
    if not errors:
        dataset, company = audience_view(config, dataset, as_of_date(config, as_of))  # the audience's slice
        metrics = compute_metrics(dataset, config, as_of_date(config, as_of))
        planned = plan_pages(site_pages.Site(config=config, dataset=dataset, metrics=metrics, playbook=playbook,
                                             company_kpis=company,
                                             playbook_problems=tuple(playbook_problems), reviews=reviews,
                                             review_problems=tuple(review_problems)))
        planned.update(asset_files(config))
        refuse_clashes({rel: f"{ROOT_FILES}/{rel}" for rel in root_files(config, config.output_dir.resolve())},
                       planned)
    return CheckResult(dataset, problems, errors, warnings, len(planned))


def plan_pages(site: site_pages.Site) -> set[str]:
    """Every page's context and every file's bytes, made and dropped, their paths checked to be safe and
    distinct: the build's work up to rendering. Returns the paths."""
    seen: set[str] = set()
    for section in site_pages.sections(site):
        for item in section.items():
            path = safe_relpath(item.path)
            if path in seen:
                raise ValueError(f"two pages want the same path: {path}")
            seen.add(path)
            if isinstance(item, site_pages.Page):
                item.context
            else:
                item.data
    return seen


def _load(config: Config) -> tuple[Dataset, Any, list[Problem]]:
    """The data and the playbook, each with its problems; the data as ``[privacy]`` lets the site publish it."""
    dataset = apply_privacy(config, load_dataset(config))
    playbook, playbook_problems = load_playbook(config)
    return dataset, playbook, playbook_problems


def prepare_site(config: Config, as_of: pd.Timestamp) -> site_pages.Site:
    """Load the data and the playbook and compute the metrics: the steps every user of a build's
    figures shares (the build itself, the email digest). Raises :class:`DataError` on errors."""
    dataset, playbook, playbook_problems = _load(config)
    reviews, review_problems = load_reviews(config)
    if dataset.error_count or any(p.severity == "error" for p in (*playbook_problems, *review_problems)):
        raise DataError([*dataset.problems, *playbook_problems, *review_problems])
    dataset, company = audience_view(config, dataset, as_of)  # an audience's slice, before any figure
    metrics = compute_metrics(dataset, config, as_of)
    return site_pages.Site(config=config, dataset=dataset, metrics=metrics, playbook=playbook, company_kpis=company,
                           playbook_problems=tuple(playbook_problems), reviews=reviews,
                           review_problems=tuple(review_problems))


def build_site(config: Config, *, out: Path | None = None, as_of: str | None = None,
               reporter: Reporter | None = None, jobs: int | None = None, force: bool = False) -> BuildResult:
    """Build the site into ``out`` (default: the configured output folder).

    When the output was built from exactly the same inputs (see :mod:`sitegen.fingerprint`) and is
    intact, nothing is loaded or written, unless ``force``. Raises :class:`DataError` when the data
    has errors; the previous output is then untouched.
    """
    reporter = reporter or Reporter()
    out = (out or config.output_dir).resolve()
    as_of_day = as_of_date(config, as_of)
    started = time.perf_counter()
    print_ = fingerprint(config, as_of_day)
    record = None if force else reusable_output(out, print_)
    if record is not None:
        return _reused(out, record, reporter)
    staging, previous, _, cache = beside(out)
    clone = start_clone(out, staging, previous, cache)  # links the output's tree while the data loads
    try:
        with table_cache(cache / "tables", reuse=not force):  # parse only the files that changed
            site = prepare_site(config, as_of_day)
        playbook_problems = (*site.playbook_problems, *site.review_problems)
        reporter.timing("load and metrics", time.perf_counter() - started)
        dataset, metrics = site.dataset, site.metrics
        for problem in playbook_problems:
            reporter.warn(f"warning: {problem.format()}")
        renderer = audience_renderer(config.audience)(config.site.language, config.site.currency,
                                                      config.templates_dir)
        started = time.perf_counter()
        with SiteWriter(out, trust=not force, clone=clone) as writer:
            copy_assets(writer, config)
            count = render_pages(site_pages.sections(site), renderer, writer, jobs or default_jobs(),
                                 lambda done: reporter.progress("pages", done, 0), render_fingerprint(config))
            reporter.timing("render and write", time.perf_counter() - started)
            started = time.perf_counter()
            stats = writer.commit({**_record(print_, count, dataset, playbook_problems),
                                   "audience": config.audience.name if config.audience else None})
    finally:
        if clone is not None:
            clone.discard()  # (nothing left to do when the writer took it)
    reporter.timing("swap", time.perf_counter() - started)
    reporter.info(f"built {count} pages into {out}: {stats.written} written, {stats.skipped} unchanged, "
                  f"{stats.deleted} deleted; {dataset.warning_count} warning(s)")
    return BuildResult(out=out, dataset=dataset, metrics=metrics, stats=stats, pages=count,
                       problems=dataset.problems, warning_count=dataset.warning_count)


def _record(print_: str, pages: int, dataset: Dataset, playbook_problems: tuple[Problem, ...]) -> dict:
    """What a later build needs to report when it finds this output up to date."""
    return {"fingerprint": print_, "pages": pages, "warning_count": dataset.warning_count,
            "problems": [p.as_dict() for p in dataset.problems if p.severity == "warning"],
            "playbook_problems": [p.as_dict() for p in playbook_problems]}


def _reused(out: Path, record: dict, reporter: Reporter) -> BuildResult:
    """The output is up to date: report it like a build that found every file unchanged."""
    files = len(read_manifest(out))
    pages = int(record.get("pages", 0))
    problems = tuple(Problem(**p) for p in record.get("problems", ()))
    warnings = int(record.get("warning_count", len(problems)))
    for problem in record.get("playbook_problems", ()):
        reporter.warn(f"warning: {Problem(**problem).format()}")
    reporter.info(f"built {pages} pages into {out}: 0 written, {files} unchanged, 0 deleted; {warnings} warning(s) "
                  "(inputs unchanged since the last build; --force rebuilds)")
    return BuildResult(out=out, dataset=None, metrics=None, stats=WriteStats(skipped=files), pages=pages,
                       problems=problems, warning_count=warnings, reused=True)


def copy_assets(writer: SiteWriter, config: Config) -> None:
    """The assets (:func:`asset_files`) into ``assets/``. The files of the site's ``static/`` folder
    (``CNAME``, ``.nojekyll``, ``robots.txt``...) go to the output root as they are; one that would
    replace a page is an error (see :meth:`SiteWriter.add_root_file`)."""
    for rel, path in asset_files(config).items():
        writer.copy(rel, path)
    for rel, path in root_files(config, writer.out).items():
        writer.add_root_file(rel, path, f"{ROOT_FILES}/{rel}")


def asset_files(config: Config) -> dict[str, Path]:
    """Output path -> source of the CSS, JS and plotly.js under ``assets/``; a site's own
    ``templates/static`` files win over the defaults."""
    files: dict[str, Path] = {}
    for folder in (default_templates() / STATIC, config.templates_dir / STATIC):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    files[f"assets/{path.relative_to(folder).as_posix()}"] = path
    files["assets/plotly.min.js"] = plotly_js()
    return dict(sorted(files.items()))


ROOT_FILES = "static"  # folder beside sitegen.toml whose files are copied to the output root


def root_files(config: Config, out: Path) -> dict[str, Path]:
    """The site's ``static/`` files by their path in an output written to ``out``. Anything there that is
    not a regular file (a pipe, a link to a folder), a name that is no web path, or a folder that
    overlaps the output is a :class:`ConfigError`."""
    folder = config.root / ROOT_FILES

    def refuse(rel: str, message: str, hint: str) -> ConfigError:
        return ConfigError([ConfigProblem(f"{ROOT_FILES}/{rel}".rstrip("/"), "(file)", message, hint)])

    if not folder.is_dir():
        return {}
    real = folder.resolve()
    if real == out or real.is_relative_to(out) or out.is_relative_to(real):
        raise refuse("", f"overlaps the output folder {out}", "build into another --out")
    found: dict[str, Path] = {}
    for parent, folders, names in os.walk(folder):
        folders.sort()
        for name in sorted(names + [f for f in folders if os.path.islink(os.path.join(parent, f))]):
            path = Path(parent, name)
            rel = path.relative_to(folder).as_posix()
            try:
                safe_relpath(rel)
                mode = os.stat(path).st_mode
            except ValueError:
                raise refuse(rel, "this name cannot be a path on a website", "rename it") from None
            except OSError as exc:
                raise refuse(rel, f"cannot read it: {exc.strerror}", "remove it or fix the link") from None
            if not stat.S_ISREG(mode):
                raise refuse(rel, "not a regular file", "sitegen copies files and folders of files only")
            found[rel] = path
    return found


def plotly_js() -> Path:
    """The plotly.js bundle shipped inside the installed plotly package (no CDN)."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


__all__ = ["build_site", "check_site", "plan_pages", "BuildResult", "CheckResult"]
