"""No link into a section an audience may not see: a renderer that turns every ``<a href>`` of a page
pointing into a hidden section's folder (or at its data file) into a ``<span>`` keeping the text.

Pages link to other sections from many places (navigation, tiles, "more" links, tables); the links
made from the data (customers, owners, deals) are already left out by :class:`sitegen.pages.Site`,
and this catches the fixed ones, so a template edited later cannot bring a hidden link back.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from sitegen.audience import hidden_folders
from sitegen.audience_config import Audience
from sitegen.render import Renderer

_ANCHOR = re.compile(r'<a\b([^>]*?)\s+href="([^"]*)"([^>]*)>(.*?)</a>', re.S)


def unlink(html: str, root: str, hidden: tuple[str, ...]) -> str:
    """``html`` without links whose target (``href`` below the page's ``root`` prefix) starts with one
    of ``hidden``: each such anchor becomes a span with the same other attributes and content."""
    def replace(match: re.Match[str]) -> str:
        before, href, after, inner = match.groups()
        target = href[len(root):] if root and href.startswith(root) else href
        if target.startswith(("#", "http:", "https:", "mailto:", "tel:")) or not target.startswith(hidden):
            return match.group(0)
        return f"<span{before}{after}>{inner}</span>"

    return _ANCHOR.sub(replace, html)


class _AudienceRenderer(Renderer):
    """A :class:`Renderer` whose HTML pages link nowhere into ``hidden``."""

    hidden: tuple[str, ...] = ()

    def render(self, template: str, context: Mapping[str, Any]) -> bytes:
        data = super().render(template, context)
        if not template.endswith(".html"):
            return data
        return unlink(data.decode("utf-8"), str(context.get("root", "")), self.hidden).encode("utf-8")


def audience_renderer(audience: Audience | None) -> type[Renderer]:
    """The renderer class for a build of ``audience``: the plain one when nothing is hidden."""
    hidden = hidden_folders(audience)
    if not hidden:
        return Renderer
    return type("AudienceRenderer", (_AudienceRenderer,), {"hidden": hidden})
