"""The data-quality page: every problem of this build, grouped by file, with counts, the
playbook's warnings (broken links, a missing language folder, front matter that does not fit) and
the review files' warnings (content/reviews/)."""

from __future__ import annotations

from typing import Iterator

from sitegen.pages import Page, Site, common


def pages(site: Site) -> Iterator[Page]:
    ds = site.dataset
    files = []
    for table, display in sorted(ds.files.items(), key=lambda kv: kv[1]):
        problems = [p.as_dict() for p in ds.problems if p.file == display]
        errors = ds.problem_counts.get((display, "error"), 0)
        warnings = ds.problem_counts.get((display, "warning"), 0)
        files.append({"table": table, "file": display, "present": ds.has(table), "errors": errors,
                      "warnings": warnings, "problems": problems,
                      "rows": len(ds.tables[table]) if ds.has(table) else 0})
    other = [p.as_dict() for p in ds.problems if p.file not in ds.files.values()]
    context = common(site, "data-quality/index.html", "data-quality", "Data quality")
    context.update(files=files, other_problems=other, error_count=ds.error_count, warning_count=ds.warning_count,
                   playbook_problems=[p.as_dict() for p in site.playbook_problems],
                   review_problems=[p.as_dict() for p in site.review_problems])
    yield Page("data-quality/index.html", "data_quality.html", context)
