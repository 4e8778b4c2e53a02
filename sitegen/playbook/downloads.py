"""Templates to fill in on a computer: a playbook page as a Word (.docx) or Excel (.xlsx) file.

Both files are made at build time from the page's rendered, sanitised HTML (the same markdown the page
shows): headings, paragraphs, lists (a task as ☐ / ☑), tables with their empty cells to fill in, and
admonitions. python-docx and openpyxl write them; the zip entries get a fixed date and the documents
fixed core properties, so the same page gives the same bytes on every build.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from sitegen.pages import pure

FORMATS = ("docx", "xlsx")
FIXED = datetime(2000, 1, 1)          # core properties: created, modified, printed
ZIP_DATE = (1980, 1, 1, 0, 0, 0)      # the earliest date a zip entry can hold
EAST_ASIAN_FONT = {"zh-CN": "SimSun"}  # Word's font for Chinese text; others keep the template's


@dataclass
class Block:
    """One block of the page: a heading, a paragraph, a list item or a table."""

    kind: str                          # "heading", "para", "item", "table"
    text: str = ""
    level: int = 0                     # heading level; list depth for items
    rows: list[list[str]] = field(default_factory=list)
    header_rows: int = 0


class _Blocks(HTMLParser):
    """Sanitised playbook HTML -> blocks (plain text; inline markup is dropped, its text kept)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.text: list[str] | None = None
        self.kind, self.level, self.depth = "", 0, 0
        self.table: Block | None = None
        self.cell: list[str] | None = None
        self.in_head = False

    def _start(self, kind: str, level: int = 0) -> None:
        self._flush()
        self.text, self.kind, self.level = [], kind, level

    def _flush(self) -> None:
        if self.text is not None:
            text = " ".join("".join(self.text).split())
            if text:
                self.blocks.append(Block(self.kind, text, self.level))
        self.text = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if self.table is not None:
            if tag == "thead":
                self.in_head = True
            elif tag == "tr":
                self.table.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []
            elif tag == "input" and self.cell is not None:
                self.cell.append("☑ " if "checked" in attr else "☐ ")
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._start("heading", int(tag[1]))
        elif tag in ("ul", "ol"):
            self._flush()
            self.depth += 1
        elif tag == "li":
            self._start("item", self.depth)
        elif tag in ("p", "pre", "dt", "dd", "blockquote") and (self.text is None or self.kind != "item"):
            self._start("para")
        elif tag == "input" and self.text is not None:
            self.text.append("☑ " if "checked" in attr else "☐ ")
        elif tag == "br" and self.text is not None:
            self.text.append(" ")
        elif tag == "table":
            self._flush()
            self.table = Block("table")

    def handle_endtag(self, tag: str) -> None:
        if self.table is not None:
            if tag == "thead":
                self.in_head = False
            elif tag == "tr" and self.in_head:
                self.table.header_rows += 1
            elif tag in ("td", "th") and self.cell is not None:
                self.table.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "table":
                self.blocks.append(self.table)
                self.table = None
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "p", "pre", "dt", "dd", "blockquote"):
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        elif self.text is not None:
            self.text.append(data)
        elif data.strip() and self.table is None:
            self._start("para")
            self.text.append(data)  # type: ignore[union-attr]


def blocks_of(clean_html: str) -> list[Block]:
    """The blocks of a sanitised page body, in order."""
    parser = _Blocks()
    parser.feed(clean_html)
    parser.close()
    parser._flush()
    return parser.blocks


@pure("python-docx")
def docx_bytes(title: str, summary: str, clean_html: str, language: str) -> bytes:
    """The page as a Word document: its title, summary and body; byte-identical for the same input."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    props = document.core_properties
    props.title, props.subject, props.author, props.last_modified_by = title, summary, "sitegen", "sitegen"
    props.created = props.modified = props.last_printed = FIXED
    props.revision, props.language = 1, language
    if language in EAST_ASIAN_FONT:
        fonts = document.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT[language])
    document.add_heading(title, level=0)
    if summary:
        document.add_paragraph(summary, style="Subtitle")
    for block in blocks_of(clean_html):
        if block.kind == "heading":
            document.add_heading(block.text, level=min(max(block.level - 1, 1), 9))
        elif block.kind == "item":
            style = "List Bullet" if block.level <= 1 else "List Bullet 2"
            document.add_paragraph(block.text, style=style)
        elif block.kind == "table" and block.rows:
            width = max(len(r) for r in block.rows)
            table = document.add_table(rows=len(block.rows), cols=width, style="Table Grid")
            for r, row in enumerate(block.rows):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = text
                    if r < block.header_rows:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            document.add_paragraph()
        elif block.kind == "para":
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return fixed_zip(out.getvalue())


@pure("openpyxl")
def xlsx_bytes(title: str, summary: str, clean_html: str, language: str) -> bytes:
    """The page as one worksheet: title, text lines, and each table as a grid of cells with a bold header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    book = Workbook()
    book.properties.title, book.properties.subject = title, summary
    book.properties.creator = book.properties.lastModifiedBy = "sitegen"
    book.properties.created = book.properties.modified = FIXED
    book.properties.language = language
    sheet = book.active
    sheet.title = _sheet_title(title)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([title])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    if summary:
        sheet.append([summary])
    widest = 1
    for block in blocks_of(clean_html):
        if block.kind == "table" and block.rows:
            sheet.append([])
            for r, row in enumerate(block.rows):
                sheet.append(row)
                widest = max(widest, len(row))
                for c in range(1, len(row) + 1):
                    cell = sheet.cell(row=sheet.max_row, column=c)
                    cell.border, cell.alignment = box, wrap
                    if r < block.header_rows:
                        cell.font = Font(bold=True)
            sheet.append([])
        elif block.kind == "heading":
            sheet.append([block.text])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        else:
            sheet.append([("• " if block.kind == "item" else "") + block.text])
    for c in range(1, widest + 1):
        sheet.column_dimensions[_column(c)].width = 28
    out = io.BytesIO()
    book.save(out)
    return fixed_zip(out.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated :data:`ZIP_DATE` and the modification date of docProps/core.xml
    fixed, so two builds of one page write the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _fixed_dates(body)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(entry, body)
    return out.getvalue()


def _fixed_dates(core: bytes) -> bytes:
    """openpyxl stamps the save time into ``dcterms:modified``; put the fixed date back."""
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", core)


def _sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    clean = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("' ") or "Sheet"
    return clean[:31]


def _column(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)
