"""Markdown body -> sanitised HTML, table of contents and plain text for one playbook page.

Python-Markdown renders (tables, fenced code, toc, attribute lists, admonitions) plus two small
tree processors of ours: ``- [ ]`` task-list items become disabled checkboxes, and links are
rewritten through a resolver (``../scripts/first-call.md`` -> the page's URL). nh3 then removes
anything that could run script: only the tags and attributes those extensions produce survive,
and URLs must be http(s), mailto or relative. The site must work offline, so an image from
another host (``https://…``, ``//host/…``) is replaced by its alt text and reported.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

# href -> new href, or None when the link points at a page that does not exist (the link is unwrapped).
LinkResolver = Callable[[str], "str | None"]

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input",
    "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "input": {"checked", "disabled"},
    "details": {"open"},
}
# Whatever the markdown says, an input is a disabled checkbox (or a disabled empty box): never a form field.
# Only one forced attribute: nh3 adds forced attributes in hash order, and the output must be byte-stable.
INPUT_TYPES = {"input": {"type": {"checkbox"}}}
FORCED_ATTRIBUTES = {"input": {"disabled": "disabled"}}
URL_SCHEMES = {"http", "https", "mailto"}
_TASK = re.compile(r"\[([ xX])\][ \t]+")
# what ends a task item's label: block content, and form controls (a label names one control only)
_NOT_IN_LABEL = {"ul", "ol", "p", "div", "table", "pre", "blockquote", "dl", "hr", "details", "figure", "input",
                 "h1", "h2", "h3", "h4", "h5", "h6"}
_TAG = re.compile(r"<[^>]*>")
# nh3's output quotes every attribute with " and escapes " and > inside values, so these are exact.
_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
# What a browser strips from a URL before reading it (C0 controls, space; tabs and newlines anywhere).
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_INSIDE = re.compile(r"[\t\n\r]")
# A scheme (http:, https:, and http:host, which a file:// page reads as http://host) or a host (//, \\).
_REMOTE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|[/\\]{2}")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TocEntry:
    """One heading for the on-page table of contents (levels 2 and 3)."""

    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocEntry, ...]
    text: str
    broken_links: tuple[str, ...]
    remote_images: tuple[str, ...] = ()    # sources of the images dropped because they are not local


class _TaskLists(Treeprocessor):
    """``<li>[ ] text`` -> ``<li class="task"><label><input type="checkbox" disabled> text</label>``.

    The label holds the item's text and inline markup up to its first block (a nested list, a
    paragraph), so assistive technology names each checkbox by its task.
    """

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            if parent.tag not in ("ul", "ol"):
                continue
            found = False
            for li in parent.findall("li"):
                holder = li[0] if not (li.text or "").strip() and len(li) and li[0].tag == "p" else li
                match = _TASK.match(holder.text or "")
                if not match:
                    continue
                box = etree.Element("input", {"type": "checkbox", "disabled": "disabled"})
                if match.group(1) != " ":
                    box.set("checked", "checked")
                box.tail = " " + (holder.text or "")[match.end():]
                label = etree.Element("label")
                label.append(box)
                for child in list(holder):
                    if child.tag in _NOT_IN_LABEL:
                        break
                    holder.remove(child)
                    label.append(child)
                holder.text = None
                holder.insert(0, label)
                li.set("class", (li.get("class", "") + " task").strip())
                found = True
            if found:
                parent.set("class", (parent.get("class", "") + " task-list").strip())


class _Links(Treeprocessor):
    """Passes every ``<a href>`` through the resolver; records links to missing pages."""

    def __init__(self, md: markdown.Markdown, resolve: LinkResolver):
        super().__init__(md)
        self.resolve = resolve
        self.broken: list[str] = []

    def run(self, root: etree.Element) -> None:
        for a in root.iter("a"):
            href = a.get("href")
            if not href:
                continue
            target = self.resolve(href)
            if target is None:
                self.broken.append(href)
                del a.attrib["href"]
            else:
                a.set("href", target)


class _Playbook(Extension):
    def __init__(self, resolve: LinkResolver):
        super().__init__()
        self.resolve = resolve
        self.links: _Links | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        # After inline processing (priority 20) so links and list text exist; before prettify (10).
        self.links = _Links(md, self.resolve)
        md.treeprocessors.register(_TaskLists(md), "sitegen_tasklists", 16)
        md.treeprocessors.register(self.links, "sitegen_links", 15)


def render_body(body: str, resolve: LinkResolver) -> Rendered:
    """Render one page body; the HTML is safe to insert into a page unescaped."""
    ours = _Playbook(resolve)
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc", "attr_list", "admonition", ours],
        extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-3"},
                           "tables": {"use_align_attribute": True}},
        output_format="html",
    )
    raw = md.convert(body)
    clean, remote = local_images_only(sanitise(raw))
    toc = tuple(_flatten(md.toc_tokens))  # type: ignore[attr-defined]
    broken = tuple(ours.links.broken) if ours.links else ()
    return Rendered(html=clean, toc=toc, text=plain_text(clean), broken_links=broken, remote_images=remote)


def sanitise(fragment: str) -> str:
    """Keep the markup the playbook extensions produce; drop scripts, styles, frames, handlers, bad URLs."""
    return nh3.clean(fragment, tags=TAGS, attributes=ATTRIBUTES, tag_attribute_values=INPUT_TYPES,
                     set_tag_attribute_values=FORCED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None,
                     strip_comments=True)


def local_images_only(clean_html: str) -> tuple[str, tuple[str, ...]]:
    """Replace each ``<img>`` whose source is on another host by its alt text; also return those sources.

    Images are the only element the sanitiser lets load anything (no ``srcset``, ``style``, media or
    frames pass), and a site that is opened offline or from a file share must not call the network.
    """
    remote: list[str] = []

    def replace(match: re.Match[str]) -> str:
        attrs = {name: html.unescape(value) for name, value in _ATTR.findall(match.group(0))}
        src = attrs.get("src", "")
        if not is_remote(src):
            return match.group(0)
        remote.append(src)
        alt = attrs.get("alt", "").strip() or "image"
        return f'<span class="remote-image">[{html.escape(alt, quote=False)}]</span>'

    return _IMG.sub(replace, clean_html), tuple(remote)


def is_remote(url: str) -> bool:
    """True when a browser would load ``url`` from a host (any scheme, or ``//host``), not from the site."""
    return bool(_REMOTE.match(_URL_INSIDE.sub("", url.strip(_URL_EDGES))))


def plain_text(clean_html: str) -> str:
    """Words of a sanitised fragment for the search index (tags dropped, entities decoded)."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", clean_html))).strip()


def _flatten(tokens: list[dict]) -> list[TocEntry]:
    out: list[TocEntry] = []
    for token in tokens:
        out.append(TocEntry(int(token["level"]), str(token["id"]), html.unescape(str(token["name"]))))
        out.extend(_flatten(token.get("children", [])))
    return out
