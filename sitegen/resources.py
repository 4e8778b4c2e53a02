"""Where the package's default templates, playbook and assets live.

In a wheel they ship as ``sitegen/_defaults/``; in a source checkout (editable install)
they are the repository's top-level ``templates/`` and ``content/``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def defaults_root() -> Path:
    shipped = PACKAGE / "_defaults"
    return shipped if (shipped / "templates").is_dir() else PACKAGE.parent


def default_templates() -> Path:
    return defaults_root() / "templates"


def default_content() -> Path:
    return defaults_root() / "content"
