"""Script files made per build: the UI messages site.js shows, and the site search index.

Both are ``<script src>`` files rather than JSON, because ``fetch()`` of a local file fails
when the site is opened from disk.
"""

from __future__ import annotations

from typing import Any, Iterator

import orjson

from sitegen.pages import File, Page, Site

SEARCH_INDEX = "data/search-index.js"
PLAYBOOK_TEXT = 1500  # characters of each playbook page kept for full-text search

# Every message site.js and search.js show, translated into assets/messages.js.
JS_MESSAGES = (
    "Link copied", "No matches", "Customer", "Owner", "Playbook", "Report", "Page", "Sort by this column",
    "{first}–{last} of {total}", "{shown} of {total} rows", "{total} rows",
)


def search_entries(site: Site) -> list[list[Any]]:
    """[title, root-relative url, kind, extra text] for customers, owners, playbook pages and reports."""
    m = site.metrics
    entries: list[list[Any]] = []
    for owner, slug in sorted(site.owner_slugs.items()):  # (none when the team section is hidden)
        entries.append([owner, f"team/{slug}/index.html", "owner", ""])
    customers = m.customers if site.shows("customers") else m.customers.iloc[:0]  # an audience may hide sections
    ids, names = customers["customer_id"].astype(str).tolist(), customers["name"].astype(str).tolist()
    extra = customers["region"].fillna("").astype(str).tolist() if "region" in customers else [""] * len(ids)
    for cid, name, region in zip(ids, names, extra):
        entries.append([name, site.customer_href(cid), "customer", f"{cid} {region}".strip()])
    if site.playbook is not None and site.shows("playbook"):
        for doc in site.playbook.documents:
            text = " ".join(filter(None, (doc.summary, (doc.text or "")[:PLAYBOOK_TEXT])))
            entries.append([doc.title, doc.url, "playbook", text])
    for label in m.periods["period"].tolist() if len(m.periods) and site.shows("reports") else ():
        entries.append([label, f"reports/{label}/index.html", "report", ""])
    return entries


def pages(site: Site) -> Iterator[Page | File]:
    yield Page("assets/messages.js", "messages.js", {"keys": list(JS_MESSAGES)})
    payload = orjson.dumps(search_entries(site))
    yield File(SEARCH_INDEX, b"window.SITEGEN_SEARCH = " + payload + b";\n")
