"""The playbook never makes the offline site load anything from another host; remote images are warnings."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.playbook import load_playbook
from sitegen.playbook.markup import is_remote, render_body

FILE = "content/playbook/en/scripts/first-call.md"
FRONT = '---\ntitle: "First call"\nkind: script\norder: 1\nsummary: "Earn the meeting."\n---\n'
# Every construct that can make a browser fetch from another host, in markdown and raw HTML.
HOSTILE = """\
![Our logo](https://cdn.example/logo.png "Logo")

![protocol-relative](//cdn.example/a.png) and <img src="\\\\cdn.example/b.png" alt="backslashes">

[![linked image](http://cdn.example/c.png)](https://example.com/)

![spaced]( https://cdn.example/spaced.png) ![no slashes](http:cdn.example/d.png) ![caps](HTTPS://CDN.EXAMPLE/E.PNG)

<img src="https://cdn.example/raw.png" alt="raw" srcset="https://cdn.example/2x.png 2x">
<img src=" &#x09;//cdn.example/tab.png"> <img src="/&#x09;/cdn.example/split.png">
<img src="data:image/png;base64,iVBORw0KGgo=">
<picture><source srcset="https://cdn.example/p.webp"><img src="local.png" alt="local"></picture>
<video src="https://cdn.example/v.mp4" poster="https://cdn.example/poster.png"></video>
<audio src="https://cdn.example/a.mp3"></audio>
<iframe src="https://cdn.example/frame"></iframe>
<link rel="stylesheet" href="https://cdn.example/x.css">
<object data="https://cdn.example/o.swf"></object><embed src="https://cdn.example/e.swf">
<svg><image href="https://cdn.example/s.png"/></svg>
<input type="image" src="https://cdn.example/button.png">
<p style="background: url(https://cdn.example/bg.png)">styled</p>
<div background="https://cdn.example/bg.png">old background</div>
<a href="https://example.com/" ping="https://cdn.example/ping">a link is fine</a>
<form action="https://cdn.example/post"><button formaction="https://cdn.example/x">go</button></form>
"""
LOADING = {"src", "srcset", "poster", "data", "style", "background", "action", "formaction", "ping", "lowsrc",
           "dynsrc", "longdesc", "manifest", "codebase", "archive", "xlink:href"}


class _Attributes(HTMLParser):
    """Every (tag, attribute, value) of a fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend((tag, name, value or "") for name, value in attrs)


def attributes(fragment: str) -> list[tuple[str, str, str]]:
    parser = _Attributes()
    parser.feed(fragment)
    parser.close()
    return parser.found


def test_nothing_in_a_rendered_page_loads_from_another_host() -> None:
    rendered = render_body(HOSTILE, lambda href: href)
    found = attributes(rendered.html)
    loading = [(t, a, v) for t, a, v in found if a in LOADING or (a == "href" and t != "a")]
    assert all(t == "img" and a == "src" and not is_remote(v) for t, a, v in loading), loading
    assert ("img", "src", "local.png") in found  # a local image stays
    assert "cdn.example" not in rendered.html.lower()
    assert '<span class="remote-image">[Our logo]</span>' in rendered.html  # the alt text stands in
    assert '<a href="https://example.com/"><span class="remote-image">[linked image]</span></a>' in rendered.html
    assert len(rendered.remote_images) == 10, rendered.remote_images


@pytest.mark.parametrize("url, remote", [
    ("https://cdn.example/x.png", True), ("HTTP://x/y", True), ("//cdn.example/x", True),
    ("\\\\cdn.example\\x", True), ("/\\cdn.example/x", True), ("http:cdn.example/x", True),
    (" \t\n//cdn.example/x", True), ("/\t/cdn.example/x", True), ("mailto:a@b.example", True),
    ("logo.png", False), ("../../../assets/logo.png", False), ("/assets/logo.png", False), ("", False),
    ("img/a:b.png", False), ("#top", False),
])
def test_is_remote(url: str, remote: bool) -> None:
    assert is_remote(url) is remote


def test_a_remote_image_is_a_warning_on_its_line(playbook_site) -> None:
    body = "\nIntro.\n\n![Our logo](https://cdn.example/logo.png)\n\n![ok](../../../assets/logo.png)\n"
    site = playbook_site({"scripts/first-call.md": FRONT + body})
    playbook, problems = load_playbook(load_config(cwd=site))
    assert [p.format() for p in problems] == [
        f"{FILE}:10: remote image 'https://cdn.example/logo.png' is not allowed: the site must work offline "
        "(save the image in templates/static/ and link it relatively, as ../../../assets/NAME.png; "
        "the page shows the image's alt text instead)"]
    assert problems[0].severity == "warning"
    assert '<img alt="ok" src="../../../assets/logo.png">' in playbook.documents[0].html


def test_a_long_remote_address_is_cut_in_the_message(playbook_site) -> None:
    url = "https://cdn.example/" + "x" * 5000 + ".png"
    site = playbook_site({"scripts/first-call.md": FRONT + f"\n<img src='{url}'>\n"})
    _, problems = load_playbook(load_config(cwd=site))
    assert len(problems) == 1 and problems[0].line == 8 and len(problems[0].message) < 150


def test_check_reports_remote_images(playbook_site) -> None:
    site = playbook_site({"scripts/first-call.md": FRONT + "\n![Our logo](https://cdn.example/logo.png)\n"})
    (site / "data").mkdir()
    (site / "data" / "orders.csv").write_text("customer_id,order_date,amount\nC1,2026-01-05,10\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(site / "sitegen.toml"), "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    assert f"{FILE}:8: remote image 'https://cdn.example/logo.png' is not allowed" in result.output
