"""``robots.txt`` asking every crawler to stay away, unless ``[site] public = true`` or the site's own
``static/robots.txt`` (copied to the output root by the build) says otherwise."""

from __future__ import annotations

import os
from typing import Iterator

from sitegen.pages import File, Site

ROBOTS = "robots.txt"
DISALLOW_ALL = b"# sitegen: this site is not public ([site] public = false)\nUser-agent: *\nDisallow: /\n"


def pages(site: Site) -> Iterator[File]:
    """The output's robots.txt: none for a public site or when ``static/robots.txt`` is the user's own."""
    from sitegen.build import ROOT_FILES  # (the build imports the pages)

    if site.config.site.public or os.path.lexists(site.config.root / ROOT_FILES / ROBOTS):
        return
    yield File(ROBOTS, DISALLOW_ALL)
