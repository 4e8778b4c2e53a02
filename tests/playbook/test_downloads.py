"""Playbook templates download as .docx (and the tabular ones as .xlsx), made from the page's own markdown
at build time, byte-identical from one build to the next, and readable by python-docx and openpyxl."""

from __future__ import annotations

import html
import io
import re
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from sitegen.playbook import downloads
from sitegen.playbook.markup import render_body

TABULAR = ("quotation", "satisfaction-survey", "negotiation-preparation-sheet")
BODY = """Intro with **bold** text.

## Line items

| # | Product | Qty |
|---|---|---|
| 1 | Pump | |
| 2 | | |

- [ ] Check the tax rate
- [x] Signed

!!! warning "Before sending"
    Check every line.
"""


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest):
    return {"en": request.getfixturevalue("site_en"), "zh-CN": request.getfixturevalue("site_zh")}


def page_html(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def body_of(page: str) -> str:
    """The document's own HTML on its page (before the sections the site adds: related pages, figures)."""
    start = page.index('<div class="pb-body">')
    ends = [at for at in (page.find("<section", start), page.find("</article>", start)) if at >= 0]
    return page[start:min(ends)]


def first_table(page: str) -> list[list[str]]:
    """The cells of the first table in a playbook page's body, as text."""
    body = body_of(page)
    table = body[body.index("<table"):body.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [[" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split())
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_every_template_page_links_its_downloads_and_they_open(built, language: str) -> None:
    folders = sorted((built[language] / "playbook" / "templates").glob("*/index.html"))
    assert len(folders) >= 8
    for index in folders:
        name = index.parent.name
        page = page_html(index)
        assert f'href="{name}.docx" download>' in page, name
        document = docx.Document(index.parent / f"{name}.docx")
        title = html.unescape(re.search(r"<h1>(.*?)</h1>", page).group(1))
        assert document.paragraphs[0].text == title and document.paragraphs[0].style.name == "Title"
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        for h2 in re.findall(r'<h2 id="[^"]+">(.*?)</h2>', body_of(page)):
            assert html.unescape(re.sub(r"<[^>]+>", "", h2)) in headings, (name, h2)
        if "<table" in body_of(page):
            cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
            assert cells == first_table(page), name
        has_xlsx = (index.parent / f"{name}.xlsx").exists()
        assert has_xlsx == (name in TABULAR), name
        assert (f'href="{name}.xlsx"' in page) == has_xlsx


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_quotation_workbook_holds_its_tables_and_the_discount_approval(built, language: str) -> None:
    folder = built[language] / "playbook" / "templates" / "quotation"
    sheet = openpyxl.load_workbook(folder / "quotation.xlsx").active
    rows = [[v for v in row if v not in (None, "")] for row in sheet.iter_rows(values_only=True)]
    title = html.unescape(re.search(r"<h1>(.*?)</h1>", page_html(folder / "index.html")).group(1))
    assert rows[0] == [title]
    header = ["Discount", "Approved by"] if language == "en" else ["折扣", "审批人"]
    at = rows.index(header)
    approver = "Sales director" if language == "en" else "销售总监"
    assert approver in [r[1] for r in rows[at + 1:at + 5]]
    assert sheet.cell(row=sheet.max_row, column=1).value is not None
    bold = [c.value for row in sheet.iter_rows() for c in row if c.font.bold]
    assert header[0] in bold and title in bold
    document = docx.Document(folder / "quotation.docx")
    approvals = next(t for t in document.tables if t.rows[0].cells[0].text == header[0])
    assert [c.text for c in approvals.rows[0].cells] == header
    assert approvals.rows[0].cells[0].paragraphs[0].runs[0].bold
    if language == "zh-CN":
        fonts = document.styles["Normal"].element.rPr.rFonts
        assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "SimSun"


def test_blocks_keep_headings_tables_tasks_and_admonitions() -> None:
    clean = render_body(BODY, lambda href: href).html
    blocks = downloads.blocks_of(clean)
    assert [(b.kind, b.text) for b in blocks if b.kind != "table"] == [
        ("para", "Intro with bold text."), ("heading", "Line items"), ("item", "☐ Check the tax rate"),
        ("item", "☑ Signed"), ("para", "Before sending"), ("para", "Check every line.")]
    (table,) = [b for b in blocks if b.kind == "table"]
    assert table.rows == [["#", "Product", "Qty"], ["1", "Pump", ""], ["2", "", ""]] and table.header_rows == 1


@pytest.mark.parametrize("make", [downloads.docx_bytes, downloads.xlsx_bytes])
def test_the_same_page_gives_the_same_bytes(make) -> None:
    clean = render_body(BODY, lambda href: href).html
    first = make("Quotation", "A form.", clean, "en")
    time.sleep(1.1)  # a save time or a zip entry's clock would differ now
    assert make("Quotation", "A form.", clean, "en") == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {downloads.ZIP_DATE}
    core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and str(time.gmtime().tm_year) not in core
    assert make("Quotation", "Another form.", clean, "en") != first
