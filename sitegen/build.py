"""The whole build as one function, reading top to bottom like the pipeline:

config -> dataset -> metrics -> pages -> render -> write.
``cli``, ``serve`` and the benchmarks call :func:`build_site`; they do not copy it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sitegen import pages as site_pages
from sitegen.config import Config
from sitegen.dataset import Dataset, load_dataset
from sitegen.dataset.problems import Problem
from sitegen.errors import DataError
from sitegen.metrics import Metrics, as_of_date, compute_metrics
from sitegen.parallel import default_jobs, render_pages
from sitegen.playbook import load_playbook
from sitegen.render import Renderer
from sitegen.reporter import Reporter
from sitegen.resources import default_templates
from sitegen.write import SiteWriter, WriteStats

STATIC = "static"  # folder of CSS/JS inside a templates folder, copied to assets/


@dataclass(frozen=True)
class BuildResult:
    out: Path
    dataset: Dataset
    metrics: Metrics
    stats: WriteStats
    pages: int


def check_data(config: Config) -> tuple[Dataset, list[Problem]]:
    """Load and validate every input, data and playbook, without rendering (``sitegen check``)."""
    return load_dataset(config), load_playbook(config)[1]


def prepare_site(config: Config, as_of: pd.Timestamp) -> tuple[site_pages.Site, list[Problem]]:
    """Load the data and the playbook and compute the metrics: the steps every user of a build's
    figures shares (the build itself, the email digest). Raises :class:`DataError` on errors;
    returns the site and the playbook's warnings."""
    dataset = load_dataset(config)
    playbook, playbook_problems = load_playbook(config)
    if dataset.error_count or any(p.severity == "error" for p in playbook_problems):
        raise DataError([*dataset.problems, *playbook_problems])
    metrics = compute_metrics(dataset, config, as_of)
    return site_pages.Site(config=config, dataset=dataset, metrics=metrics, playbook=playbook), playbook_problems


def build_site(config: Config, *, out: Path | None = None, as_of: str | None = None,
               reporter: Reporter | None = None, jobs: int | None = None) -> BuildResult:
    """Build the site into ``out`` (default: the configured output folder).

    Raises :class:`DataError` when the data has errors; the previous output is then untouched.
    """
    reporter = reporter or Reporter()
    out = (out or config.output_dir).resolve()
    site, playbook_problems = prepare_site(config, as_of_date(config, as_of))
    dataset, metrics = site.dataset, site.metrics
    for problem in playbook_problems:
        reporter.warn(f"warning: {problem.format()}")
    renderer = Renderer(config.site.language, config.site.currency, config.templates_dir)
    with SiteWriter(out) as writer:
        copy_assets(writer, config)
        count = render_pages(lambda: site_pages.collect(site), renderer, writer, jobs or default_jobs(),
                             lambda done: reporter.progress("pages", done, 0))
        stats = writer.commit()
    reporter.info(f"built {count} pages into {out}: {stats.written} written, {stats.skipped} unchanged, "
                  f"{stats.deleted} deleted; {dataset.warning_count} warning(s)")
    return BuildResult(out=out, dataset=dataset, metrics=metrics, stats=stats, pages=count)


def copy_assets(writer: SiteWriter, config: Config) -> None:
    """CSS, JS and plotly.js into ``assets/``; a site's own ``templates/static`` files win."""
    files: dict[str, Path] = {}
    for folder in (default_templates() / STATIC, config.templates_dir / STATIC):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    files[path.relative_to(folder).as_posix()] = path
    for rel, path in sorted(files.items()):
        writer.copy(f"assets/{rel}", path)
    writer.copy("assets/plotly.min.js", plotly_js())


def plotly_js() -> Path:
    """The plotly.js bundle shipped inside the installed plotly package (no CDN)."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


__all__ = ["build_site", "check_data", "BuildResult"]
