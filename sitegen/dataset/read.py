"""CSV bytes to string columns: pyarrow's reader for well-formed files, pandas for everything else.

The result is a :class:`RawTable`: the header cells as written, one arrow string column per header cell
(cells are not trimmed yet; an empty cell is ``""`` or null) and each row's line number in the file. Rows
whose cells are all empty (blank lines, ``,,,``) are left out; the line numbers still count them.

pyarrow reads a million-row file in a fraction of the time pandas needs and creates no Python object per
cell. It takes a file only when nothing about it is unusual: UTF-8 (the bytes as they are, or the decoded
text re-encoded), every row as wide as the header and no quoted cell left open. Anything else goes to
pandas, the only reader before, whose error messages and line numbers the corpus of bad inputs pins down.
Both readers split rows and cells the same way; ``tests/dataset/test_read.py`` checks one against the other.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import pandas.errors
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sitegen.dataset.parse import DecodeFailure, decode_csv_bytes, true_mask
from sitegen.dataset.problems import ProblemLog

__all__ = ["RawTable", "header_names", "read_csv_columns", "sniff_delimiter"]

DELIMITERS = (",", ";", "\t", "|")
_UTF8 = ("utf-8", "utf-8-sig")  # codec names (codecs.lookup) of the encodings read as raw bytes
_OTHER_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # the UTF-32 BOMs start with these
# A last row of one NUL appended to a file with quotes: it comes back as its own row unless a quoted cell
# was never closed and swallowed it (pyarrow, unlike pandas, accepts a file that ends inside quotes).
_SENTINEL = "\x00"
_RAGGED_HINT = "every row needs the same number of cells as the header; quote cells that contain commas"
_UNREADABLE_HINT = "save it from Excel as 'CSV UTF-8' or 'CSV' (GBK is fine)"
_ASCII = bytes(range(128))
# In the text of a file decoded as UTF-8 with "surrogateescape": a byte that is not UTF-8, and a line with
# non-ASCII characters that are all UTF-8 (possessive: no backtracking)
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_UTF8_LINE = re.compile("\n[\x00-\t\x0b-\x7f]*+[^\x00-\x7f\udc80-\udcff][^\n\udc80-\udcff]*+(?![^\n])")
_UTF8_FIRST = re.compile("[\x00-\t\x0b-\x7f]*+[^\x00-\x7f\udc80-\udcff][^\n\udc80-\udcff]*+(?![^\n])")
_AS_GB18030 = "line is not valid UTF-8 like the rest of the file; read as GB18030"
_AS_UTF8 = "line is UTF-8 but the rest of the file is GB18030 (GBK); read as UTF-8"
_REPLACED = "line is neither UTF-8 nor GB18030; unreadable bytes replaced with \ufffd"


@dataclass(frozen=True)
class RawTable:
    """A CSV file split into cells: ``columns[i]`` holds the cells under ``headers[i]``, ``lines`` the
    file line of each row (header = line 1). Rows whose cells are all empty are left out."""

    headers: list[str]
    columns: list[pa.ChunkedArray]
    lines: np.ndarray

    @property
    def num_rows(self) -> int:
        return len(self.lines)


def read_csv_columns(raw: bytes, declared: str | None, display: str, table: str,
                     log: ProblemLog) -> RawTable | None:
    """Split the file's bytes into columns; None when it cannot be read at all (the errors are logged).

    ``declared`` is the table's configured encoding (``data.<table>.encoding``), None to detect it.
    """
    start = _utf8_start(raw, declared)
    if start is not None:
        found = _read_with_arrow(raw, start)
        if found is not None:
            return found
    elif _utf8_or_detect(raw, declared):  # not valid UTF-8: GBK, or a mix
        text, encoding = _decode_mixed(raw, display, log)
        if text is None:
            return None
        if declared and encoding != "utf-8":
            log.add(display, 1, "", f"file is not valid {declared}; read it as {encoding}",
                    f"fix data.{table}.encoding in the config", "warning")
        return _read_with_arrow(text.encode("utf-8")) or _read_with_pandas(text, display, log)
    try:
        text, encoding = decode_csv_bytes(raw, declared)
    except DecodeFailure as exc:
        log.add(display, getattr(exc, "line", 1) or 1, "", "not a readable text CSV file", _UNREADABLE_HINT)
        return None
    if declared and encoding.replace("-", "").lower() != declared.replace("-", "").lower():
        log.add(display, 1, "", f"file is not valid {declared}; read it as {encoding}",
                f"fix data.{table}.encoding in the config", "warning")
    if start is None or codecs.lookup(encoding).name not in _UTF8:  # GBK, UTF-16...: arrow reads it as UTF-8
        found = _read_with_arrow(text.encode("utf-8"))
        if found is not None:
            return found
    return _read_with_pandas(text, display, log)


def _utf8_or_detect(raw: bytes, declared: str | None) -> bool:
    """Whether the encoding is UTF-8 or to be detected, the file has no UTF-16/32 BOM and no NUL byte:
    then it is UTF-8, GB18030, or lines of both."""
    try:
        if declared and codecs.lookup(declared).name not in _UTF8:
            return False
    except LookupError:
        return False
    return not raw.startswith(_OTHER_BOMS) and b"\x00" not in raw


def _decode_mixed(raw: bytes, display: str, log: ProblemLog) -> tuple[str | None, str]:
    """Text of a file that is not valid UTF-8, and the encoding of most of it ("utf-8" or "gb18030").

    Files get lines appended by other programs, so one encoding is chosen per file, by the majority of
    its non-ASCII bytes, and each line that does not read in it is read in the other (else with
    replacement characters) and reported as a FILE:LINE warning: nothing is garbled silently. A UTF-8
    BOM settles the question. None (an error logged) when not even the header line can be read.
    """
    bom = raw.startswith(codecs.BOM_UTF8)
    body = raw[len(codecs.BOM_UTF8):] if bom else raw
    text = body.decode("utf-8", "surrogateescape")  # each byte that is not UTF-8: one lone surrogate
    not_utf8 = len(body) - len(text.encode("utf-8", "ignore"))
    utf8 = len(body.translate(None, _ASCII)) - not_utf8  # non-ASCII bytes that are valid UTF-8
    odd: dict[str, list[int]] = {}
    if bom or utf8 * 2 >= not_utf8 * 3:  # by characters: most take 3 bytes in UTF-8, 2 in GBK
        text, encoding = _odd_lines(text, _NOT_UTF8.finditer(text), _from_utf8, odd), "utf-8"
    else:
        encoding = "gb18030"
        utf8_lines = [*filter(None, [_UTF8_FIRST.match(text)]), *_UTF8_LINE.finditer(text)]
        whole = None if utf8_lines else _decode_or_none(body, "gb18030")  # the usual GBK file: one decoding
        text = whole if whole is not None else _odd_lines(text, utf8_lines, _from_gb18030, odd)
    if 1 in odd.get(_REPLACED, ()):
        log.add(display, 1, "", "not a readable text CSV file", _UNREADABLE_HINT)
        return None, encoding
    for message, lines in sorted(odd.items()):
        log.add_rows(display, lines, "", message, "save the whole file in one encoding: 'CSV UTF-8' in Excel",
                     "warning")
    return text, encoding


def _decode_or_none(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _odd_lines(text: str, matches: Iterable[re.Match], read: Callable[..., str], odd: dict[str, list[int]]) -> str:
    """``text`` with the parts ``read`` decodes otherwise: for UTF-8, the lines holding a byte that is
    not UTF-8 (``matches`` of ``_NOT_UTF8``); for GB18030, all but the lines that are UTF-8 (of
    ``_UTF8_FIRST`` and ``_UTF8_LINE``, which starts at the line break before the line).
    ``read(before, its first line number, odd line, its number, odd)`` returns both parts as text;
    ``odd`` collects the numbers of the lines read otherwise, by message."""
    pieces: list[str] = []
    pos, pos_line, line, counted = 0, 1, 1, 0
    for match in matches:
        start = text.rfind("\n", 0, match.end() - 1) + 1
        if start < pos:  # another odd byte of a line already read
            continue
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        line += text.count("\n", counted, start)
        counted = start
        pieces.append(read(text[pos:start], pos_line, text[start:end], line, odd))
        pos, pos_line = end, line
    pieces.append(read(text[pos:], pos_line, "", 0, odd))
    return "".join(pieces)


def _from_utf8(before: str, first: int, line: str, number: int, odd: dict[str, list[int]]) -> str:
    """A UTF-8 file: ``before`` is good UTF-8; ``line`` is not: read it as GB18030, else with replacements."""
    if not line:
        return before
    data = line.encode("utf-8", "surrogateescape")
    try:
        fixed = data.decode("gb18030")
        odd.setdefault(_AS_GB18030, []).append(number)
    except UnicodeDecodeError:
        fixed = data.decode("utf-8", "replace")
        odd.setdefault(_REPLACED, []).append(number)
    return before + fixed


def _from_gb18030(before: str, first: int, line: str, number: int, odd: dict[str, list[int]]) -> str:
    """A GB18030 file: ``before`` (from line ``first`` on) is GB18030, read line by line with replacements
    where it does not decode; ``line`` is UTF-8 and stays so."""
    data = before.encode("utf-8", "surrogateescape")
    try:
        fixed = data.decode("gb18030")
    except UnicodeDecodeError:
        lines = data.split(b"\n")
        for i, part in enumerate(lines):
            try:
                lines[i] = part.decode("gb18030")
            except UnicodeDecodeError:
                lines[i] = part.decode("gb18030", "replace")
                odd.setdefault(_REPLACED, []).append(first + i)
        fixed = "\n".join(lines)
    if line:
        odd.setdefault(_AS_UTF8, []).append(number)
    return fixed + line


def sniff_delimiter(text: str) -> str:
    """The separator of the header line: Excel writes ``;`` in many locales, some tools tabs."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def header_names(text: str, sep: str) -> list[str]:
    """The header cells exactly as written (pandas would rename repeats).

    A file with old Mac line ends (``\\r`` only) is one long "line" up to the first ``\\n``: its header
    is the part before the first ``\\r``.
    """
    line = text.split("\n", 1)[0]
    try:
        return next(csv.reader([line], delimiter=sep), [])
    except csv.Error:
        return next(csv.reader([line.split("\r", 1)[0]], delimiter=sep), [])


def _utf8_start(raw: bytes, declared: str | None) -> int | None:
    """Where the text starts (after a UTF-8 BOM) when the file is UTF-8 and may be read without decoding it
    first; None when it must be decoded (another encoding is declared, a UTF-16/32 BOM, a NUL byte, bytes
    that are not UTF-8: GBK, say). The check is arrow's UTF-8 validation, which creates no string."""
    if declared:
        try:
            if codecs.lookup(declared).name not in _UTF8:
                return None
        except LookupError:
            return None
    if raw.startswith(_OTHER_BOMS) or b"\x00" in raw or not _is_utf8(raw):
        return None
    return len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0


def _is_utf8(raw: bytes) -> bool:
    offsets = pa.py_buffer(np.array([0, len(raw)], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(raw)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _read_with_arrow(data: bytes, start: int = 0) -> RawTable | None:
    """pyarrow's reader on ``data[start:]`` (valid UTF-8); None as soon as anything is unusual."""
    end = len(data)
    while end > start and data[end - 1] in b"\r\n":  # blank lines at the end: pandas drops them too
        end -= 1
    newline = data.find(b"\n", start, end)
    try:
        header = data[start:newline if newline >= 0 else end].decode("utf-8")
        headers = header_names(header, sep := sniff_delimiter(header))
    except (UnicodeDecodeError, csv.Error):
        return None
    if not headers:
        return None
    # Without quotes no cell can hold a line break, so the faster row splitting applies and no cell can be
    # left open; with quotes, the sentinel row finds an unclosed one.
    quoted = data.find(b'"', start, end) >= 0
    if quoted:
        body = pa.PythonFile(_Concatenated(memoryview(data)[start:end], b"\n" + _SENTINEL.encode()), mode="r")
    else:
        body = pa.BufferReader(pa.py_buffer(data).slice(start, end - start))
    names = [f"c{i}" for i in range(len(headers))]
    unusual: list[str] = []
    sentinel_rows: list[str] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        (sentinel_rows if row.text == _SENTINEL else unusual).append(row.text)
        return "skip"

    try:
        table = pacsv.read_csv(
            body,
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),  # threads: slower, more memory
            parse_options=pacsv.ParseOptions(
                delimiter=sep, quote_char='"', double_quote=True, escape_char=False, newlines_in_values=quoted,
                ignore_empty_lines=False, invalid_row_handler=on_invalid_row),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False, check_utf8=False),
        )
    except (pa.ArrowException, ValueError):  # a parse error
        return None
    if quoted and len(names) == 1 and table.num_rows and table.column(0)[-1].as_py() == _SENTINEL:
        table, sentinel_rows = table.slice(0, table.num_rows - 1), [_SENTINEL]
    if unusual or (quoted and not sentinel_rows) or table.num_rows == 0:
        return None
    return _drop_empty_rows(headers, [table.column(i).slice(1) for i in range(len(names))])  # row 0: header


class _Concatenated(io.RawIOBase):
    """A read-only stream of byte pieces one after the other, without copying them into one."""

    def __init__(self, *pieces: bytes | memoryview) -> None:
        super().__init__()
        self._pieces = [memoryview(piece) for piece in pieces]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._pieces and not len(self._pieces[0]):
            self._pieces.pop(0)
        if not self._pieces:
            return 0
        piece = self._pieces[0]
        size = min(len(buffer), len(piece))
        buffer[:size] = piece[:size]
        self._pieces[0] = piece[size:]
        return size


def _drop_empty_rows(headers: list[str], columns: list[pa.ChunkedArray]) -> RawTable:
    """Leave out rows whose cells are all empty (``,,,``; a blank line in a one-column file) as pandas'
    ``dropna(how="all")`` did; the other rows keep their line numbers."""
    rows = len(columns[0])
    empty: pa.ChunkedArray | None = None
    for column in columns:
        blank = pc.equal(pc.binary_length(column), 0)
        empty = blank if empty is None else pc.and_(empty, blank)
        if not pc.any(empty).as_py():
            return RawTable(headers, columns, np.arange(2, rows + 2, dtype=np.int64))
    keep = ~true_mask(empty)
    mask = pa.array(keep)
    return RawTable(headers, [c.filter(mask) for c in columns], (np.flatnonzero(keep) + 2).astype(np.int64))


def _read_with_pandas(text: str, display: str, log: ProblemLog) -> RawTable | None:
    """pandas' reader: ragged rows and broken quotes are errors with their line; blank lines are skipped
    but counted in the line numbers."""
    sep = sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
            skip_blank_lines=False, engine="c", on_bad_lines="error", sep=sep,
        )
    except pandas.errors.EmptyDataError:
        log.add(display, 1, "", "file has no header row", "the first line must name the columns")
        return None
    except (pandas.errors.ParserError, ValueError, csv.Error) as exc:
        line, message = _parser_error(str(exc))
        log.add(display, line, "", message, _RAGGED_HINT)
        return None
    wide_rows = not isinstance(frame.index, pd.RangeIndex)  # rows wider than the header: pandas made an index
    frame = frame.dropna(how="all")  # blank lines
    if wide_rows and len(frame):
        log.add(display, 2, "", f"row has {frame.shape[1] + frame.index.nlevels} cells but the header has "
                f"{frame.shape[1]}", _RAGGED_HINT)
        return None
    try:
        headers = [str(c) for c in header_names(text, sep)] or [str(c) for c in frame.columns]
    except csv.Error as exc:
        log.add(display, 1, "", f"cannot read the header row: {exc}", "the first line must name the columns")
        return None
    columns = []
    for i in range(frame.shape[1]):
        cells = pa.array(frame.iloc[:, i], type=pa.large_string())  # missing cells (NaN) become null
        columns.append(cells if isinstance(cells, pa.ChunkedArray) else pa.chunked_array([cells]))
    return RawTable(headers, columns, (frame.index.to_numpy() + 2).astype(np.int64))


def _parser_error(message: str) -> tuple[int, str]:
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if m:
        return int(m.group(2)), f"row has {m.group(3)} cells but the header has {m.group(1)}"
    m = re.search(r"EOF inside string starting at row (\d+)", message)
    if m:
        return int(m.group(1)) + 1, "a quoted cell is never closed"
    m = re.search(r"line (\d+)", message)
    return (int(m.group(1)) if m else 1), f"cannot parse CSV: {message.strip().splitlines()[-1]}"
