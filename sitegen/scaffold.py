"""``sitegen init``: a new site folder with config, sample data, the default playbook and a templates folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen.errors import ConfigError, ConfigProblem
from sitegen.resources import default_content

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
# Map your export's headers to sitegen's column names, e.g.:
# [data.pipeline]
# file = "opportunities.csv"
# columns = { opportunity_id = "Opportunity ID", customer_id = "Account", amount = "Close value" }

[rules]
stale_after_days = 7
window_days = 365
attainment_warning = 0.90
"""

TEMPLATES_README = """\
# Template overrides

Files here override sitegen's default templates of the same name (for example
`base.html`, `customer.html`, or `static/site.css`). Copy only the file you want
to change; everything else keeps coming from sitegen. See docs/templates.md.
"""


def create_site(target: Path, customers: int = 300, seed: int = 1) -> list[Path]:
    """Create the folder layout of a new site; refuse to overwrite an existing config."""
    from sitegen.demo import generate_demo_data

    target = target.resolve()
    if (target / "sitegen.toml").exists():
        raise ConfigError([ConfigProblem(str(target / "sitegen.toml"), "(file)", "a site already exists here",
                                         "choose an empty folder")])
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    config = target / "sitegen.toml"
    config.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    written.append(config)
    generate_demo_data(target / "data", customers=customers, seed=seed)
    written += sorted((target / "data").glob("*.csv"))
    playbook = default_content() / "playbook"
    if playbook.is_dir():
        shutil.copytree(playbook, target / "content" / "playbook", dirs_exist_ok=True)
        written += sorted((target / "content").rglob("*.md"))
    (target / "templates").mkdir(exist_ok=True)
    readme = target / "templates" / "README.md"
    readme.write_text(TEMPLATES_README, encoding="utf-8")
    written.append(readme)
    (target / ".gitignore").write_text("output/\n", encoding="utf-8")
    written.append(target / ".gitignore")
    return written
