"""The ``[privacy]`` switches applied to the data once, before any metric, page, CSV, JSON or search index sees it.

:func:`apply_privacy` masks or drops the contacts' phone and email and drops the ``never_publish`` columns, so no
output can hold what the data no longer holds; it also adds the warning of a build that would publish full contact
details to a public host (:func:`publication_warnings`). ``amounts_on_customer_pages`` is applied by the customer
pages and visit sheets (:func:`withhold_amounts`), since the same amounts feed every other figure.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable
from urllib.parse import urlsplit

import pandas as pd

from sitegen.config import Config
from sitegen.dataset import Dataset
from sitegen.dataset.problems import Problem
from sitegen.privacy_config import CONTACT_COLUMNS

MASK = "*"
WORKFLOWS = (".github/workflows/sitegen.yml", ".gitlab-ci.yml")  # what `sitegen init` writes to publish to Pages
INTRANET_SUFFIXES = (".local", ".internal", ".corp", ".lan", ".intranet", ".home.arpa", ".localhost")
_PREFIX = re.compile(r"^\s*(?:\+|00)\d{1,3}(?=[\s\-.(/])|^\s*(?:\+|00)86(?=1\d{10}\D*$)")
_EMAIL = re.compile(r"([^\s@,;:<>()\[\]\"']+)@([^\s@,;:<>()\[\]\"']*)")


def mask_phone(value: Any) -> Any:
    """``13912349007`` -> ``139****9007``: of a number of 11 digits or more (a mobile, a landline with its area
    code) the first 3 and last 4 digits stay, of a shorter one the last 2 (none of 4 digits or fewer). A country
    code (``+86 ``, ``0086``) is kept and not counted; separators stay where they were. Missing values pass."""
    if not isinstance(value, str):
        return value
    prefix = _PREFIX.match(value)
    head, rest = (value[:prefix.end()], value[prefix.end():]) if prefix else ("", value)
    digits = sum(ch.isdigit() for ch in rest)
    keep_first, keep_last = (3, 4) if digits >= 11 else (0, 2 if digits > 4 else 0)
    out, seen = [], 0
    for ch in rest:
        if ch.isdigit():
            seen += 1
            ch = ch if seen <= keep_first or seen > digits - keep_last else MASK
        out.append(ch)
    return head + "".join(out)


def mask_email(value: Any) -> Any:
    """``tom.lee@example.com`` -> ``t***@example.com``: of each address only the local part's first character and the
    domain stay. Text without an ``@`` keeps only its first character. Missing values pass."""
    if not isinstance(value, str):
        return value
    if "@" not in value:
        return value.strip()[:1] + MASK * 3 if value.strip() else value
    return _EMAIL.sub(lambda m: f"{m.group(1)[:1]}{MASK * 3}@{m.group(2)}", value)


def is_masked(value: Any) -> bool:
    """True for a value :func:`mask_phone` or :func:`mask_email` hid part of (no ``tel:``/``mailto:`` link then)."""
    return isinstance(value, str) and MASK in value


MASKERS = {"phone": mask_phone, "email": mask_email}


def _mask_column(series: pd.Series, mask: Any) -> pd.Series:
    """The column with every text value masked (each distinct value once)."""
    values = series.dropna().astype(str).unique()
    return series.map(dict(zip(values, (mask(v) for v in values))), na_action="ignore").astype(object)


def private_tables(config: Config, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables as the site may publish them: never_publish columns dropped, contact details masked or dropped."""
    out = dict(tables)
    for table, column in config.privacy.never_publish:
        if table in out and column in out[table]:
            out[table] = out[table].drop(columns=[column])
    contacts = out.get("contacts")
    if contacts is not None and config.privacy.contacts != "show":
        present = [c for c in CONTACT_COLUMNS if c in contacts]
        if config.privacy.contacts == "hide":
            out["contacts"] = contacts.drop(columns=present)
        else:
            out["contacts"] = contacts.assign(**{c: _mask_column(contacts[c], MASKERS[c]) for c in present})
    return out


def apply_privacy(config: Config, dataset: Dataset) -> Dataset:
    """The dataset with :func:`private_tables` applied to its tables (and never_publish to the pipeline snapshots),
    and the warnings of :func:`publication_warnings` first among its problems."""
    tables = private_tables(config, dict(dataset.tables))
    dropped = [c for t, c in config.privacy.never_publish if t == "pipeline"]
    snapshots = {day: frame.drop(columns=[c for c in dropped if c in frame])
                 for day, frame in dataset.snapshots.items()}
    warnings = publication_warnings(config, dataset)
    counts = dict(dataset.problem_counts)
    for w in warnings:
        counts[(w.file, w.severity)] = counts.get((w.file, w.severity), 0) + 1
    return dataclasses.replace(dataset, tables=MappingProxyType(tables), snapshots=MappingProxyType(snapshots),
                               problems=(*warnings, *dataset.problems),
                               warning_count=dataset.warning_count + len(warnings),
                               problem_counts=MappingProxyType(counts))


def is_intranet_host(host: str, extra: Iterable[str] = ()) -> bool:
    """True for a host only an organisation's own network reaches: a private, loopback or link-local address,
    ``localhost``, a single-label name (``sales``), a name under .local, .internal, .corp, .lan, .intranet or
    .home.arpa, or a host of ``[privacy] intranet_hosts`` (``*.example.com`` there covers its subdomains)."""
    host = host.strip().lower().rstrip(".").strip("[]")
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
        return address.is_private or address.is_loopback or address.is_link_local
    except ValueError:
        pass
    for pattern in extra:
        if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return True
    return host == "localhost" or "." not in host or host.endswith(INTRANET_SUFFIXES)


def _has_contact_details(dataset: Dataset) -> bool:
    contacts = dataset.get("contacts")
    return contacts is not None and any(c in contacts and contacts[c].notna().any() for c in CONTACT_COLUMNS)


def publication_warnings(config: Config, dataset: Dataset) -> list[Problem]:
    """Warnings when ``contacts = "show"`` would put full phone numbers and emails on a site that is not on an
    intranet: a base_url with a public host, or a workflow of ``sitegen init`` that deploys to Pages."""
    if config.privacy.contacts != "show" or not _has_contact_details(dataset):
        return []
    source = Path(config.source).name
    hint = 'set [privacy] contacts = "mask" or "hide", or list the host in [privacy] intranet_hosts'
    found = []
    try:
        host = urlsplit(config.site.base_url).hostname or ""
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        host = ""
    if host and not is_intranet_host(host, config.privacy.intranet_hosts):
        found.append(Problem(source, 0, "privacy.contacts", f"full contact details (phone, email) would be published "
                             f"to {host}, which is not an intranet address", hint, "warning"))
    for workflow in WORKFLOWS:
        if (config.root / workflow).is_file() and not (host and is_intranet_host(host, config.privacy.intranet_hosts)):
            found.append(Problem(workflow, 0, "privacy.contacts", "this workflow publishes the site to Pages with "
                                 "full contact details (phone, email)", 'set [privacy] contacts = "mask" or "hide", '
                                 "or make sure the Pages site is private", "warning"))
    return found


AMOUNT_KEYS = ("revenue", "revenue_window", "margin", "potential_value", "open_pipeline", "weighted_pipeline",
               "receivable_outstanding", "receivable_overdue", "aov", "revenue_24")
AMOUNT_ROWS = {"open_deals": ("amount", "weighted_amount"), "products": ("revenue",),
               "open_items": ("amount", "paid_amount", "open_amount")}


def withhold_amounts(context: dict[str, Any]) -> dict[str, Any]:
    """A customer page's or visit sheet's context without money figures (``amounts_on_customer_pages = false``):
    the amounts become missing (shown as "–"), the revenue chart goes, and ``amounts_withheld`` tells the template."""
    out = {**context, **{k: None for k in AMOUNT_KEYS if k in context}, "revenue_chart": None, "amounts_withheld": True}
    if isinstance(out.get("customer"), dict):
        out["customer"] = {**out["customer"], **{k: None for k in AMOUNT_KEYS if k in out["customer"]}}
    for key, columns in AMOUNT_ROWS.items():
        if key in out:
            out[key] = [{**row, **dict.fromkeys(columns)} for row in out[key]]
    return out
