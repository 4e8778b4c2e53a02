"""The ``sitegen`` command: parse options, call the library, print problems, set exit codes.

Exit codes (SPEC §5): 0 success, 1 data errors, 2 usage or configuration errors, 3 an internal error
(a bug: one line here, the traceback in a log file).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sitegen.config import TABLES, Config, as_of_problem, load_config, parse_as_of
from sitegen.errors import (INTERNAL_ERROR, ConfigError, ConfigProblem, DataError, OutputError, SitegenError,
                            save_internal_error, summary)
from sitegen.reporter import StreamReporter

WARNINGS_SHOWN = 10


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def _config(config_path: str | None, data: str | None = None, out: str | None = None,
            base_url: str | None = None, engine: str | None = None) -> Config:
    """Load the config and apply command-line overrides (they win over the file)."""
    import dataclasses

    from sitegen.engine_config import engine_problem

    if out:
        _remember_output(Path(out).resolve())
    config = load_config(Path(config_path) if config_path else None)
    _remember_output(Path(out).resolve() if out else config.output_dir)
    changes = {}
    if data:  # a local folder (from the working directory) or a URI that the spark engine reads
        from sitegen.config_paths import data_folder

        changes["data_dir"], changes["data_uri"] = data_folder(Path.cwd(), data)
    if out:
        changes["output_dir"] = Path(out).resolve()
    if base_url is not None:
        if base_url and not base_url.startswith(("http://", "https://")):
            raise ConfigError([ConfigProblem("--base-url", "base_url", "must be an absolute http(s) URL")])
        changes["site"] = dataclasses.replace(config.site, base_url=base_url)
    if engine is not None:
        if problem := engine_problem(engine):
            raise ConfigError([ConfigProblem("--engine", "engine.name", problem)])
        changes["engine"] = dataclasses.replace(config.engine, name=engine)
    config = dataclasses.replace(config, **changes) if changes else config
    from sitegen.engines import require_engine
    require_engine(config)  # exit 2 with the pip command when the chosen engine is not installed
    return config


def _remember_output(folder: Path) -> None:
    """Note the output folder of this command: an internal error's log goes beside it."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta["sitegen.output"] = folder


def _log_folder() -> Path:
    """Where an internal error's log goes: the output's parent folder, else the working folder."""
    ctx = click.get_current_context(silent=True)
    output = ctx.meta.get("sitegen.output") if ctx is not None else None
    return output.parent if output is not None else Path.cwd()


def _print_problems(problems, error_count: int, warning_count: int, verbose: bool) -> None:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for p in errors:
        click.echo(f"{p.format()}", err=True)
    shown = warnings if verbose else warnings[:WARNINGS_SHOWN]
    for p in shown:
        click.echo(f"warning: {p.format()}", err=True)
    if warning_count > len(shown):
        click.echo(f"... and {warning_count - len(shown)} more warning(s); see the data-quality page", err=True)
    if error_count:
        click.echo(f"{error_count} error(s), {warning_count} warning(s)", err=True)


def _run(action) -> None:
    """Turn sitegen's exceptions into messages and exit codes; never a traceback, whatever happens:
    an unexpected exception is an internal error (exit 3), its traceback saved to a log file."""
    try:
        action()
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except ConfigError as exc:
        for p in exc.problems:
            click.echo(f"error: {p.format()}", err=True)
        sys.exit(2)
    except DataError as exc:
        errors = sum(1 for p in exc.problems if p.severity == "error")
        _print_problems(exc.problems, errors, len(exc.problems) - errors, verbose=True)
        click.echo("build stopped: the previous output is unchanged", err=True)
        sys.exit(1)
    except SitegenError as exc:
        _fail(f"error: {exc}", exc.exit_code)
    except Exception as exc:  # a bug: one line for the user, the traceback for the report
        log = save_internal_error(exc, _log_folder())
        where = f"; details in {log}" if log else ""
        _fail(f"internal error: {summary(exc)}{where} (please report it)", INTERNAL_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sitegen")
def main() -> None:
    """Publish a sales team's numbers and playbook as a static website."""


def _as_of_option(value: str | None) -> str | None:
    """Check ``--as-of``: a date like 2026-06-30 inside the range every date must be in (exit 2 otherwise)."""
    problem = as_of_problem(value) if value else None
    if problem:
        raise click.BadParameter(f"{problem[0]} ({problem[1]})")
    return value


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: ./sitegen.toml).")
@click.option("--data", type=click.Path(file_okay=False), help="Data folder (overrides [data] dir).")
@click.option("--out", type=click.Path(file_okay=False), help="Output folder (default: output/).")
@click.option("--as-of", "as_of", callback=lambda c, p, v: _as_of_option(v), help="Build date, e.g. 2026-06-30.")
@click.option("--base-url", help="Absolute URL where the site is published (for links that leave the site).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: CPU count).")
@click.option("--force", is_flag=True, help="Rebuild even when the inputs are unchanged since the last build.")
@click.option("-v", "--verbose", is_flag=True, help="Show every warning, progress in CI and step timings.")
@click.option("--audience", help="Build the site of one [[audiences]] entry: only its customers and sections.")
@click.option("--all-audiences", "all_audiences", is_flag=True, help="Build every audience into OUTPUT/<name>/.")
@click.option("--engine", type=click.Choice(["pandas", "duckdb", "spark", "auto"]), default=None,
              help="Engine for line-level tables (overrides [engine] name; docs/scale.md).")
def build(config_path, data, out, as_of, base_url, jobs, force, verbose, audience, all_audiences, engine) -> None:
    """Build the site into the output folder."""
    from sitegen.audience import audience_configs
    from sitegen.build import build_site

    def action() -> None:
        config = _config(config_path, data, out, base_url, engine)
        reporter = StreamReporter(verbose=verbose)
        for target in audience_configs(config, audience, all_audiences):
            result = build_site(target, as_of=as_of, reporter=reporter, jobs=jobs, force=force)
            _print_problems(result.problems, 0, result.warning_count, verbose)

    _run(action)


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: ./sitegen.toml).")
@click.option("--data", type=click.Path(file_okay=False), help="Data folder (overrides [data] dir).")
@click.option("--as-of", "as_of", callback=lambda c, p, v: _as_of_option(v), help="Build date, e.g. 2026-06-30.")
@click.option("-v", "--verbose", is_flag=True, help="Show every warning.")
@click.option("--format", "fmt", type=click.Choice(["text", "github"]), default="text", show_default=True,
              help="text: FILE:LINE: message; github: GitHub Actions annotations.")
@click.option("--audience", help="Check the build of one [[audiences]] entry.")
@click.option("--engine", type=click.Choice(["pandas", "duckdb", "spark", "auto"]), default=None,
              help="Engine for line-level tables (overrides [engine] name; docs/scale.md).")
def check(config_path, data, as_of, verbose, fmt, audience, engine) -> None:
    """Validate config, data and playbook, compute the figures and plan every page, without rendering
    (for pull-request CI): what passes here builds."""
    from sitegen import annotations
    from sitegen.build import check_site

    def action() -> None:
        try:
            config = _config(config_path, data, engine=engine)
        except ConfigError as exc:
            for problem in exc.problems if fmt == "github" else ():
                click.echo(annotations.config_annotation(problem))
            raise
        from sitegen.audience import select_audience

        result = check_site(select_audience(config, audience), as_of)
        problems, errors, warnings = list(result.problems), result.errors, result.warnings
        if fmt == "github":
            for line in annotations.github_annotations(problems, warnings, config.root,
                                                       verbose=verbose, warnings_shown=WARNINGS_SHOWN):
                click.echo(line)
            if errors:
                click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
        else:
            _print_problems(problems, errors, warnings, verbose)
        if errors:
            sys.exit(1)
        ds = result.dataset
        click.echo(f"ok: {sum(len(t) for t in ds.tables.values())} rows in {len(ds.tables)} file(s), "
                   f"{result.planned} pages and files planned, {warnings} warning(s)")

    _run(action)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--customers", type=click.IntRange(min=1), default=300, show_default=True,
              help="Customers in the sample data.")
@click.option("--from", "exports", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Start from this export (CSV) instead of sample data; repeat for more files.")
def init(directory, customers, exports) -> None:
    """Create a new site in DIRECTORY: config, sample data (or your exports), playbook and templates folder."""
    from sitegen.scaffold import create_site

    def action() -> None:
        plans = ()
        if exports:
            from sitegen.mapping import describe
            from sitegen.init_from import plan_exports

            plans = plan_exports([Path(f) for f in exports])
            for plan in plans:
                click.echo(describe(plan))
        written = create_site(Path(directory), customers=customers, plans=plans)
        click.echo(f"created {len(written)} files in {directory}; next: cd {directory} && sitegen build")

    _run(action)


@main.command("map")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--table", type=click.Choice(TABLES), help="The table the file holds (default: guessed).")
@click.option("--write", is_flag=True, help="Add the column map to sitegen.toml.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: ./sitegen.toml).")
def map_command(file, table, write, config_path) -> None:
    """Show which header of FILE feeds which column, its stage values and a proposed [[stages]] order;
    --write adds the column map to sitegen.toml. Exit 1 when a required column is missing or ambiguous."""
    from sitegen.mapping import describe, plan_mapping

    def action() -> None:
        config = load_config(Path(config_path) if config_path else None)
        history = config.table_path("stage_history")
        plan = plan_mapping(Path(file), config, table, history if history.is_file() and table != "stage_history" else None)
        click.echo(describe(plan))
        if not plan.ok:
            sys.exit(1)
        if write:
            from sitegen.mapping import write_columns

            click.echo(write_columns(Path(config.source), plan))

    _run(action)


@main.command("demo-data")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for the data files.")
@click.option("--customers", type=click.IntRange(min=1), default=300, show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True)
@click.option("--as-of", "as_of", callback=lambda c, p, v: _as_of_option(v), help="Last date of the data.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="One .csv or one .parquet file per table.")
def demo_data(out, customers, seed, as_of, fmt) -> None:
    """Write synthetic sales data (every input table) at any scale, streamed 50,000 customers at a time."""
    from sitegen.demo import generate_demo_data

    def action() -> None:
        try:
            counts = generate_demo_data(Path(out), customers=customers, seed=seed,
                                        as_of=parse_as_of(as_of) if as_of else None, fmt=fmt)
        except OSError as exc:  # a full disk, a read-only folder: the user's to fix, not a bug
            raise OutputError(f"cannot write the demo data into {out}: {exc.strerror or exc}") from None
        click.echo(", ".join(f"{name}: {n}" for name, n in counts.items()))

    _run(action)


@main.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: ./sitegen.toml).")
@click.option("--data", type=click.Path(file_okay=False), help="Data folder (overrides [data] dir).")
@click.option("--out", type=click.Path(file_okay=False), help="Output folder (default: output/).")
@click.option("--as-of", "as_of", callback=lambda c, p, v: _as_of_option(v), help="Build date, e.g. 2026-06-30.")
def serve_command(port, config_path, data, out, as_of) -> None:
    """Build, preview on http://127.0.0.1:PORT/ and rebuild when data, content, templates or config change."""
    from sitegen.serve import PreviewServer

    def action() -> None:
        server = PreviewServer(lambda: _config(config_path, data, out), port=port, as_of=as_of,
                               reporter=StreamReporter())
        server.run()

    _run(action)


@main.command()
@click.option("--period", help="Month 2026-11, quarter 2026-Q4 or year 2026 (default: the last closed month).")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the HTML here (default: print it).")
@click.option("--to-eml", "to_eml", type=click.Path(dir_okay=False), help="Write a complete email (.eml) here.")
@click.option("--from", "sender", help="From address of the .eml, e.g. 'Sales <sales@example.com>'.")
@click.option("--to", "recipients", multiple=True, help="To address of the .eml (repeat for more).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: ./sitegen.toml).")
@click.option("--data", type=click.Path(file_okay=False), help="Data folder (overrides [data] dir).")
@click.option("--as-of", "as_of", callback=lambda c, p, v: _as_of_option(v), help="Build date, e.g. 2026-06-30.")
@click.option("--base-url", help="Absolute URL of the published site (overrides [site] base_url).")
@click.option("--audience", help="The digest of one [[audiences]] entry (links go to that audience's site).")
def digest(period, out, to_eml, sender, recipients, config_path, data, as_of, base_url, audience) -> None:
    """Email-ready HTML summary of a period, with links into the published site."""
    from sitegen.audience import select_audience
    from sitegen.digest import build_digest, to_email

    def action() -> None:
        config = select_audience(_config(config_path, data, base_url=base_url), audience)
        result = build_digest(config, period=period, as_of=as_of)
        if to_eml:
            message = to_email(result, sender=sender, to=recipients)
            Path(to_eml).write_bytes(message.as_bytes())  # LF line endings, as sendmail and mail clients read files
        if out:
            Path(out).write_text(result.html, encoding="utf-8")
        if not out and not to_eml:
            click.echo(result.html, nl=False)
        else:
            click.echo(f"digest for {result.period}: {result.subject}", err=True)

    _run(action)


@main.command()
@click.argument("period")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: ./sitegen.toml).")
@click.option("--data", type=click.Path(file_okay=False), help="Data folder (overrides [data] dir).")
@click.option("--as-of", "as_of", callback=lambda c, p, v: _as_of_option(v), help="Build date, e.g. 2026-06-30.")
def review(period, config_path, data, as_of) -> None:
    """Start the review of PERIOD (2026-11, 2026-Q4, 2026, 2026-W48): write content/reviews/PERIOD.md with the
    period's headline figures, missed goals and largest movements; never replaces an existing file."""
    from sitegen.review_starter import write_review_start

    def action() -> None:
        config = _config(config_path, data)
        path = write_review_start(config, period, as_of)
        click.echo(f"wrote {path}; fill in the analysis and actions before the meeting")

    _run(action)


if __name__ == "__main__":  # pragma: no cover
    main()
