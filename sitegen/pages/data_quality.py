"""The data-quality page: every problem of this build, grouped by file, with counts, the
playbook's warnings (broken links, a missing language folder, front matter that does not fit) and
the review files' warnings (content/reviews/)."""

from __future__ import annotations

from typing import Any, Iterator

from sitegen.pages import Page, Site, common


def problem_row(problem: Any) -> dict[str, object]:
    """A problem for the page: its fields, plus ``key`` (the message without the value appended to
    it, which the page translates like a data label) and ``rest`` (that value, shown as it is)."""
    row = problem.as_dict()
    key = getattr(problem, "key", "") or problem.message
    if not problem.message.startswith(key):
        key = problem.message
    row.update(key=key, rest=problem.message[len(key):])
    return row


def of_table(file: str, display: str) -> bool:
    """Whether a problem's place is in the table shown as ``display``: its file, or one of its database rows
    (``deals (opportunity_id=O17)``)."""
    return file == display or file.startswith(display + " (")


def pages(site: Site) -> Iterator[Page]:
    ds = site.dataset
    files = []
    for table, display in sorted(ds.files.items(), key=lambda kv: kv[1]):
        problems = [problem_row(p) for p in ds.problems if of_table(p.file, display)]
        errors = ds.problem_counts.get((display, "error"), 0)
        warnings = ds.problem_counts.get((display, "warning"), 0)
        files.append({"table": table, "file": display, "present": ds.has(table), "errors": errors,
                      "warnings": warnings, "problems": problems,
                      "rows": len(ds.tables[table]) if ds.has(table) else 0})
    other = [problem_row(p) for p in ds.problems if not any(of_table(p.file, d) for d in ds.files.values())]
    context = common(site, "data-quality/index.html", "data-quality", "Data quality")
    context.update(files=files, other_problems=other, error_count=ds.error_count, warning_count=ds.warning_count,
                   playbook_problems=[p.as_dict() for p in site.playbook_problems],
                   review_problems=[p.as_dict() for p in site.review_problems])
    yield Page("data-quality/index.html", "data_quality.html", context)
