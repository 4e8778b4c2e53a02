"""``sitegen digest``: email-safe HTML and text, absolute links to pages that exist, a valid .eml."""

from __future__ import annotations

import email
import re
import tomllib
from datetime import date
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen import digest as digest_module
from sitegen.build import build_site
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.render import CATALOG_DIR

AS_OF = "2026-06-30"
BASE = "https://intranet.example.com/sales/"


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def page_for(url: str, out: Path) -> Path:
    """The output file a digest link opens (folder URLs serve their index.html)."""
    assert url.startswith(BASE), url
    rel = url[len(BASE):].split("#")[0]
    return out / rel / "index.html" if rel.endswith("/") or rel == "" else out / rel


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from sitegen.demo import generate_demo_data

    root = tmp_path_factory.mktemp("digest")
    generate_demo_data(root / "data", customers=120, seed=1, as_of=date(2026, 6, 30))
    (root / "sitegen.toml").write_text(f'[site]\ntitle = "Demo Sales"\nbase_url = "{BASE}"\n', encoding="utf-8")
    build_site(load_config(cwd=root), as_of=AS_OF)
    return root


@pytest.fixture(scope="module")
def result(site: Path) -> digest_module.Digest:
    return digest_module.build_digest(load_config(cwd=site), as_of=AS_OF)


def test_default_period_is_the_last_closed_month(result) -> None:
    assert result.period == "2026-05"
    assert result.subject == "Demo Sales: summary for May 2026"


def test_html_is_email_safe(result) -> None:
    html = result.html
    found = tags(html)
    names = {tag for tag, _ in found}
    assert not names & {"script", "style", "link", "img", "iframe", "object", "embed", "form", "svg"}
    assert "@import" not in html and "url(" not in html and "javascript:" not in html.lower()
    assert not any(name.startswith("on") for _, attrs in found for name in attrs), "event handler attribute"
    assert any(tag == "table" and attrs.get("role") == "presentation" for tag, attrs in found)
    assert 'style="' in html and "<td" in html


def test_every_link_is_absolute_and_opens_a_page_of_the_build(result, site: Path) -> None:
    hrefs = [attrs["href"] for tag, attrs in tags(result.html) if tag == "a"]
    assert len(hrefs) >= 10
    assert set(hrefs) <= set(result.links)
    for url in set(hrefs) | set(result.links):
        assert page_for(url, site / "output").is_file(), url
    assert BASE + "reports/2026-05/" in hrefs
    assert any(url.startswith(BASE + "customers/") for url in hrefs)
    assert any(url.startswith(BASE + "pipeline/") for url in hrefs)


def test_each_customer_and_owner_link_opens_that_customers_or_owners_page(result, site: Path) -> None:
    links = re.findall(r'<a href="(' + re.escape(BASE) + r'(?:customers|team)/[^"]+)"[^>]*>([^<]+)</a>', result.html)
    assert links
    for url, name in links:
        assert name in page_for(url, site / "output").read_text(encoding="utf-8"), (url, name)


def test_text_part_has_the_figures_and_the_links(result) -> None:
    text = result.text
    assert text.startswith(result.subject + "\n")
    assert BASE + "reports/2026-05/" in text
    assert "Revenue: " in text and "<" not in text.replace("->", "")


def test_eml_is_multipart_alternative_and_parses_back(result) -> None:
    message = email.message_from_bytes(digest_module.to_email(result).as_bytes(), policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Demo Sales: summary for May 2026"
    assert message["From"] is None and message["To"] is None
    assert message["Date"] and message["Message-ID"].endswith("@intranet.example.com>")
    parts = {part.get_content_type(): part for part in message.iter_parts()}
    assert list(parts) == ["text/plain", "text/html"]  # the last part is the one clients prefer
    for part in parts.values():
        assert part.get_content_charset() == "utf-8"
    assert parts["text/html"].get_content() == result.html
    assert parts["text/plain"].get_content() == result.text


def test_the_command_writes_html_and_eml_with_sender_and_recipients(site: Path, monkeypatch) -> None:
    monkeypatch.chdir(site)
    run = CliRunner().invoke(main, ["digest", "--as-of", AS_OF, "--period", "2026-05", "--out", "digest.html",
                                    "--to-eml", "digest.eml", "--from", "Sales <sales@example.com>",
                                    "--to", "a@example.com", "--to", "b@example.com"])
    assert run.exit_code == 0, run.output
    assert "digest for 2026-05" in run.stderr
    message = email.message_from_bytes((site / "digest.eml").read_bytes(), policy=policy.default)
    assert message["From"] == "Sales <sales@example.com>"
    assert message["To"] == "a@example.com, b@example.com"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert html == (site / "digest.html").read_text(encoding="utf-8")
    assert "<script" not in html


def test_without_base_url_the_command_stops_with_exit_2(site: Path, tmp_path: Path) -> None:
    config = tmp_path / "plain.toml"
    config.write_text(f'[data]\ndir = "{site / "data"}"\n', encoding="utf-8")
    run = CliRunner().invoke(main, ["digest", "--config", str(config), "--as-of", AS_OF])
    assert run.exit_code == 2
    assert "site.base_url: is not set" in run.stderr and "--base-url" in run.stderr


def test_an_impossible_period_is_a_usage_error_before_any_work(site: Path, monkeypatch) -> None:
    monkeypatch.chdir(site)
    for period, message in (("2026-13", "not a period: '2026-13'"), ("2031-01", "2031-01 starts after")):
        run = CliRunner().invoke(main, ["digest", "--as-of", AS_OF, "--period", period])
        assert run.exit_code == 2, (period, run.output)
        assert f"--period: period: {message}" in run.stderr


def test_every_digest_message_is_translated() -> None:
    catalog = tomllib.loads((CATALOG_DIR / "zh-CN.toml").read_text(encoding="utf-8"))["messages"]
    messages = {label for label, *_ in digest_module.KPIS} | {label for label, *_ in digest_module.PIPELINE}
    messages |= {"Customers with the biggest change", "Owners with the biggest change",
                 "{title}: summary for {period}"}
    for name in ("digest.html", "digest.txt"):
        source = (digest_module.TEMPLATES / name).read_text(encoding="utf-8")
        messages |= set(re.findall(r'_\("([^"]+)"', source))
    missing = sorted(m for m in messages if m not in catalog)
    assert not missing, f"add to sitegen/render/catalog/zh-CN.toml: {missing}"
