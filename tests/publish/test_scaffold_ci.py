"""``sitegen init`` writes working CI: GitHub Actions and GitLab CI files, and the requirements they install."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from sitegen import scaffold

SITE_PATHS = {"data/**", "content/**", "templates/**", "sitegen.toml"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("init") / "mysite"
    scaffold.create_site(target, customers=10)
    return target


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").startswith(action + "@")]


def test_github_workflow_checks_pull_requests_and_deploys_pushes(site: Path) -> None:
    workflow = yaml.safe_load((site / ".github/workflows/sitegen.yml").read_text(encoding="utf-8"))
    triggers = workflow["on"]
    assert SITE_PATHS <= set(triggers["pull_request"]["paths"])
    assert SITE_PATHS <= set(triggers["push"]["paths"])
    jobs = workflow["jobs"]
    assert set(jobs) == {"check", "build", "deploy"}
    assert jobs["check"]["if"] == "github.event_name == 'pull_request'"
    assert any("sitegen check --format github" in s.get("run", "") for s in jobs["check"]["steps"])
    assert "default_branch" in jobs["build"]["if"]


def test_github_build_caches_pip_and_deploys_with_the_pages_actions(site: Path) -> None:
    jobs = yaml.safe_load((site / ".github/workflows/sitegen.yml").read_text(encoding="utf-8"))["jobs"]
    for name in ("check", "build"):
        setup = steps_using(jobs[name], "actions/setup-python")[0]["with"]
        assert setup["cache"] == "pip" and setup["cache-dependency-path"] == "requirements.txt"
        assert any(s.get("run") == "pip install -r requirements.txt" for s in jobs[name]["steps"])
    build = jobs["build"]
    configure = steps_using(build, "actions/configure-pages")[0]
    run = next(s["run"] for s in build["steps"] if s.get("run", "").startswith("sitegen build"))
    assert f"steps.{configure['id']}.outputs.base_url" in run and "--base-url" in run
    assert steps_using(build, "actions/upload-pages-artifact")[0]["with"]["path"] == "output"
    # the previous slug registry and unchanged files, and the parsed tables and page keys of the last build
    assert steps_using(build, "actions/cache")[0]["with"]["path"].split() == ["output", ".output.cache"]
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert steps_using(deploy, "actions/deploy-pages")


def test_gitlab_ci_checks_merge_requests_and_publishes_pages(site: Path) -> None:
    ci = yaml.safe_load((site / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    check, pages = ci["check"], ci["pages"]
    assert check["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert "sitegen check" in check["script"]
    assert pages["rules"][0]["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    for job in (check, pages):
        assert {p.removesuffix("/*") for p in job["rules"][0]["changes"]} >= SITE_PATHS
        assert "pip install -r requirements.txt" in job["script"]
    assert any(line.startswith("sitegen build --out public") for line in pages["script"])
    assert pages["artifacts"]["paths"] == ["public"]
    assert ci["cache"]["key"]["files"] == ["requirements.txt"]
    assert ["public", ".public.cache"] in [c["paths"] for c in pages["cache"]]  # the previous build and its cache


def test_requirements_pin_the_running_sitegen(site: Path) -> None:
    lines = [line for line in (site / "requirements.txt").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert lines == [scaffold.requirement_line()]
    assert lines[0].startswith("sitegen")


def test_requirement_line_uses_a_vcs_url_when_installed_from_one(monkeypatch) -> None:
    class Dist:
        version = "0.1.0"

        @staticmethod
        def read_text(name: str) -> str:
            return json.dumps({"url": "https://git.example.com/tools/sitegen.git",
                               "vcs_info": {"vcs": "git", "commit_id": "abc123"}})

    monkeypatch.setattr(scaffold.metadata, "distribution", lambda name: Dist)
    assert scaffold.requirement_line() == "sitegen @ git+https://git.example.com/tools/sitegen.git@abc123"


def test_init_leaves_existing_ci_files_alone(tmp_path: Path) -> None:
    own = tmp_path / ".github/workflows/sitegen.yml"
    own.parent.mkdir(parents=True)
    own.write_text("name: mine\n", encoding="utf-8")
    written = scaffold.write_ci_files(tmp_path)
    assert own.read_text(encoding="utf-8") == "name: mine\n"
    assert {p.name for p in written} == {".gitlab-ci.yml", "requirements.txt"}


def test_ci_templates_ship_inside_the_wheel(tmp_path: Path) -> None:
    root = Path(scaffold.__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file():
        pytest.skip("not a source checkout")
    pytest.importorskip("hatchling")
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                   cwd=root, check=True, capture_output=True, timeout=300)
    names = zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist()
    for name in scaffold.CI_FILES.values():
        assert f"sitegen/scaffold_files/{name}" in names
    assert "sitegen/digest_templates/digest.html" in names
