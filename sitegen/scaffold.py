"""``sitegen init``: a new site folder with config, sample data, a sample Chinese CRM export (``samples/``), the
default playbook, a sample review, a templates folder, and ready-made CI (GitHub Actions and GitLab CI) with the ``requirements.txt`` they install from."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from sitegen.errors import ConfigError, ConfigProblem
from sitegen.resources import default_content
from sitegen.reviews.sample import write_sample_review

if TYPE_CHECKING:
    from sitegen.mapping import Plan

CONFIG_TEMPLATE = """\
# sitegen configuration. Every key is optional; see docs/configuration.md.
[site]
title = "Sales dashboard"
language = "en"        # "en" or "zh-CN"
currency = "CNY"
base_url = ""          # where the site is published, e.g. "https://intranet.example.com/sales/"
as_of = ""             # build date; empty means today

[data]
dir = "data"
# Your CRM's own export needs no map in the common cases: try `sitegen map FILE`, or start a site from it
# with `sitegen init DIR --from FILE` (samples/README.md). A map, where one is needed, looks like:
# [data.pipeline]
# file = "opportunities.csv"
# columns = { opportunity_id = "Opportunity ID", customer_id = "Account", amount = "Close value" }

[rules]
stale_after_days = 7
window_days = 365
attainment_warning = 0.90

# Service levels for complaints.csv per severity (defaults: high 4 h / 2 days, medium 8 h / 5, low 24 h / 10):
# [service.high]
# response_hours = 4
# resolution_days = 2
"""

TEMPLATES_README = """\
# Template overrides

Files here override sitegen's default templates of the same name (for example
`base.html`, `customer.html`, or `static/site.css`). Copy only the file you want
to change; everything else keeps coming from sitegen. See docs/templates.md.
"""


SAMPLES_README = """\
# 样例导出 · A sample export

`商机导出.xlsx` 是一份中文 CRM 商机导出，原样保存：标题行、中文表头（商机编号、商机名称、客户名称、
负责人、销售阶段、商机金额、创建日期、结单日期）、赢单/输单、2026/3/5 和 2026年3月5日 两种日期写法，
末尾还有一行合计。sitegen 不需要任何列映射就能读它：

    sitegen map samples/商机导出.xlsx                  # 看 sitegen 如何识别每一列和每个阶段
    sitegen init ../商机站点 --from samples/商机导出.xlsx  # 用它新建一个站点
    cd ../商机站点 && sitegen build --as-of 2026-06-30

换成你自己的导出文件（CSV、.xlsx、.xls、.ods 或 .parquet）也是同样两步。

`商机导出.xlsx` is a pipeline exported from a Chinese CRM as it comes out: a title row, Chinese headers,
赢单/输单 for won and lost, dates written 2026/3/5 and 2026年3月5日, and a 合计 (total) row at the end.
sitegen reads it with no column map: `sitegen map samples/商机导出.xlsx` shows how each column and stage
is read, and `sitegen init ../my-site --from samples/商机导出.xlsx` starts a site from it (then
`cd ../my-site && sitegen build --as-of 2026-06-30`). Do the same with your own export (CSV, .xlsx,
.xls, .ods or .parquet); docs/configuration.md tells the rest.
"""
# The sample export's name in a new site. The packaged file has an ASCII name (the wheel, the sdist and
# every checkout of sitegen keep it as it is); the site's copy is named as a Chinese CRM names its export,
# which is also how `sitegen map` tells the table from the file name.
SAMPLE_EXPORT = ("sample_opportunities_zh.xlsx", "商机导出.xlsx")

SCAFFOLD_FILES = Path(__file__).resolve().parent / "scaffold_files"
CI_FILES = {  # file in the new site -> its text in sitegen/scaffold_files/
    ".github/workflows/sitegen.yml": "sitegen.yml",
    ".gitlab-ci.yml": "gitlab-ci.yml",
}
REQUIREMENTS = """\
# What CI installs to check and build this site (see docs/deploy.md).
# Pinned to the sitegen that created the site, so rebuilding old data gives the same site;
# upgrade on purpose by changing this line. The name "sitegen" on the public PyPI belongs to an
# unrelated project: if this line is a plain version, point it at where your team gets sitegen,
# e.g. "sitegen @ git+https://git.example.com/tools/sitegen@v0.1.0" or your package index.
{requirement}
"""


def requirement_line() -> str:
    """How pip should install the running sitegen: its VCS or archive URL when it came from one
    (PEP 610 ``direct_url.json``), else ``sitegen==<version>``."""
    try:
        dist = metadata.distribution("sitegen")
    except metadata.PackageNotFoundError:
        return "sitegen"
    info = json.loads(dist.read_text("direct_url.json") or "{}")
    url = info.get("url", "")
    if "vcs_info" in info and not url.startswith("file:"):
        vcs = info["vcs_info"]
        return f"sitegen @ {vcs['vcs']}+{url}@{vcs.get('commit_id') or vcs.get('requested_revision', '')}".rstrip("@")
    if "archive_info" in info and not url.startswith("file:"):
        return f"sitegen @ {url}"
    return f"sitegen=={dist.version}"


def write_ci_files(target: Path) -> list[Path]:
    """GitHub and GitLab CI files plus requirements.txt; files that already exist are left alone."""
    texts = {rel: (SCAFFOLD_FILES / name).read_text(encoding="utf-8") for rel, name in CI_FILES.items()}
    texts["requirements.txt"] = REQUIREMENTS.format(requirement=requirement_line())
    written = []
    for rel, text in texts.items():
        path = target / rel
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def write_samples(target: Path) -> list[Path]:
    """``samples/``: a Chinese CRM export to try ``sitegen map`` and ``sitegen init --from`` on, and how."""
    folder = target / "samples"
    folder.mkdir(exist_ok=True)
    packaged, name = SAMPLE_EXPORT
    shutil.copyfile(SCAFFOLD_FILES / packaged, folder / name)
    (folder / "README.md").write_text(SAMPLES_README, encoding="utf-8")
    return [folder / name, folder / "README.md"]


def drop_other_stage_pages(playbook: Path, keys: Sequence[str]) -> None:
    """Remove the playbook pages written for a stage the new site does not have (its export's pipeline has
    fewer stages than the default five): the build would reject their ``stage:`` as unknown."""
    for page in sorted(playbook.rglob("*.md")):
        front = re.match(r"---\r?\n(.*?)\r?\n---", page.read_text(encoding="utf-8"), re.S)
        stage = re.search(r"^stage:\s*(\S+)\s*$", front.group(1), re.M) if front else None
        if stage and stage.group(1).strip("'\"") not in keys:
            page.unlink()


def create_site(target: Path, customers: int = 300, seed: int = 1, plans: Sequence[Plan] = ()) -> list[Path]:
    """Create the folder layout of a new site; refuse to overwrite an existing config. With ``plans`` (of
    ``sitegen init --from``) the data are those exports instead of the sample data."""
    from sitegen.demo import generate_demo_data
    from sitegen.init_from import copy_exports

    target = target.resolve()
    if (target / "sitegen.toml").exists():
        raise ConfigError([ConfigProblem(str(target / "sitegen.toml"), "(file)", "a site already exists here",
                                         "choose an empty folder")])
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    config = target / "sitegen.toml"
    config.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    written.append(config)
    stages = ""
    if plans:
        copies, _, stages = copy_exports(target, plans)
        config.write_text(CONFIG_TEMPLATE + stages, encoding="utf-8")
        written += copies
    else:
        generate_demo_data(target / "data", customers=customers, seed=seed)
        written += sorted((target / "data").glob("*.csv"))
    playbook = default_content() / "playbook"
    if playbook.is_dir():
        shutil.copytree(playbook, target / "content" / "playbook", dirs_exist_ok=True)
        if plans and stages:
            drop_other_stage_pages(target / "content" / "playbook", re.findall(r'^key = "(.+)"$', stages, re.M))
        written += sorted((target / "content").rglob("*.md"))
    if not plans:
        written += write_samples(target)
    review = None if plans else write_sample_review(target, date.today())  # one overdue action, one done
    written += [review] if review else []
    (target / "templates").mkdir(exist_ok=True)
    readme = target / "templates" / "README.md"
    readme.write_text(TEMPLATES_README, encoding="utf-8")
    written.append(readme)
    (target / ".gitignore").write_text("output/\n.output.*\n", encoding="utf-8")
    written.append(target / ".gitignore")
    written += write_ci_files(target)
    return written
