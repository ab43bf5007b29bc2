"""Reading title lists: .xlsx (openpyxl, streamed) and CSV/TSV, rows as read.

Values come back as the reader gives them: from .xlsx, numbers as ``int``/``float``,
dates as ``datetime`` and text as ``str`` (that is where spreadsheet damage shows: an
ISBN that is a number, a year that is a date serial); from CSV, text. Nothing is cleaned
here: the conversion decides what a value means and reports what it repaired.

``open_sheet`` finds the header row (the first of the first ``HEADER_SEARCH`` rows that
names one of the expected columns), so title rows above the header do no harm. Rows are
numbered as the spreadsheet numbers them (1-based; the header row is usually 1).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from erdq.errors import InputError
from erdq.readers.text import sniff_encoding
from erdq.report.findings import FORMULA_START

HEADER_SEARCH = 20  # rows searched for the header
_CSV_SNIFF = 1 << 16
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")

# Cells a spreadsheet would run as a formula when typed or opened from CSV (OWASP CSV
# injection); ``neutralise`` and ``restore`` are exact inverses on every string.
_FORMULA_START = FORMULA_START


FORMULA_ONLY = ("=",)  # in an .xlsx text cell only a leading = reads as a formula


def needs_guard(value: str, starts: tuple[str, ...] = _FORMULA_START) -> bool:
    """Whether Excel would take ``value`` typed into a cell (or read from CSV) as a
    formula: it starts with =, +, -, @, a tab or a carriage return."""
    return value.startswith(starts)


def neutralise(value: str, starts: tuple[str, ...] = _FORMULA_START) -> str:
    """``value`` with an apostrophe in front when Excel would run it, and also when it
    already starts with apostrophes in front of such a character, so that ``restore``
    can undo exactly what was added. ``starts``: the characters that count."""
    if needs_guard(value.lstrip("'"), starts):
        return "'" + value
    return value


def restore(value: str, starts: tuple[str, ...] = _FORMULA_START) -> str:
    """The inverse of ``neutralise`` with the same ``starts``."""
    if value.startswith("'") and needs_guard(value.lstrip("'"), starts):
        return value[1:]
    return value


@dataclass
class Sheet:
    """One sheet being read. ``rows`` yields (row number, values) after the header, the
    values aligned with ``header`` (missing cells are None)."""

    path: Path
    source: str  # the file, and the sheet for a workbook: "list.xlsx [Titles]"
    kind: str  # "xlsx" | "csv"
    name: str | None  # the sheet's name (workbooks)
    header: list[str]  # column names as written, stripped of surrounding blanks
    header_line: int | None
    rows: Iterator[tuple[int, tuple[Any, ...]]]
    epoch: str = "1900"  # the workbook's date system: "1900" or "1904"
    encoding: str = ""  # CSV: the encoding read
    encoding_guessed: bool = False  # CSV: not UTF-8 and no --encoding: a code page detected
    sheets: list[str] = field(default_factory=list)
    # Problems the reader met, by row number: (code, params) — a CSV cell that swallowed
    # the rows after it (VL109). The converter reports them with the row's findings.
    problems: dict[int, list[tuple[str, dict[str, object]]]] = field(default_factory=dict)
    # What the reader did to a row that is still converted, by row number: (code, column,
    # value, params) — a merged cell's value given to each of its rows (VL111).
    notes: dict[int, list[tuple[str, str, str, dict[str, object]]]] = field(default_factory=dict)
    # About how many rows the sheet has, header included, for a progress bar: the
    # workbook's stated dimension, or a CSV file's line count (a cell may span lines).
    rows_expected: int | None = None
    # A workbook whose sheet has no header: the other sheets that have one (VL102).
    headed_sheets: list[str] = field(default_factory=list)
    _close: Any = None

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None


def header_key(name: object) -> str:
    """How header names are compared: blanks and a BOM around them do not count."""
    return str(name if name is not None else "").strip().strip("\ufeff").strip()


def open_sheet(
    path: str | Path,
    expected: Iterable[str] = (),
    *,
    sheet: str | None = None,
    display: str | None = None,
    encoding: str | None = None,
) -> Sheet:
    """Open a title list and find its header. ``expected``: the column names the header
    should contain (the first row naming any of them is the header; without names, the
    first non-blank row). ``InputError`` for a file that cannot be read at all or a sheet
    that does not exist; a missing header gives ``header_line`` None and no rows.
    ``encoding`` names a CSV file's encoding (``gb18030``, ``cp1251``) when it is neither
    UTF-8 nor Windows-1252, which are told apart without it."""
    path = Path(path)
    label = display or str(path)
    other = _other_format(path)
    if other is not None:
        raise InputError(
            f"{label} is {other}; erdq reads .xlsx workbooks and CSV files",
            hint="open it in Excel or LibreOffice and save it as Excel Workbook (.xlsx) "
            "or as CSV UTF-8",
        )
    if path.suffix.lower() in SPREADSHEET_SUFFIXES or _is_zip(path):
        return _open_xlsx(path, set(expected), sheet, label)
    if sheet is not None:
        raise InputError(
            f"{label} is a CSV file; it has no sheet {sheet!r}",
            hint="leave out --sheet for CSV files",
        )
    return _open_csv(path, set(expected), label, encoding)


_OTHER_FORMATS = {
    ".xls": "an Excel 97-2003 workbook (.xls)",
    ".ods": "an OpenDocument spreadsheet (.ods)",
    ".numbers": "a Numbers spreadsheet (.numbers)",
    ".xlsb": "an Excel binary workbook (.xlsb)",
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls (and .doc)


def _other_format(path: Path) -> str | None:
    """What a spreadsheet erdq cannot read is, by its extension or (an .xls saved under
    another name) its first bytes; None for anything else."""
    if path.suffix.lower() in _OTHER_FORMATS:
        return _OTHER_FORMATS[path.suffix.lower()]
    try:
        with path.open("rb") as fh:
            start = fh.read(len(_OLE2))
    except OSError:
        return None  # _is_zip or the CSV reader says why it cannot be read
    return _OTHER_FORMATS[".xls"] if start == _OLE2 else None


def _is_zip(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def _find_header(
    rows: Iterator[tuple[int, tuple[Any, ...]]], expected: set[str]
) -> tuple[int | None, list[str], list[tuple[int, tuple[Any, ...]]]]:
    """(header row number, header, the rows read past it that are data) — or (None, [],
    []) when no row among the first ``HEADER_SEARCH`` qualifies."""
    wanted = {header_key(e) for e in expected}
    folded = {w.casefold() for w in wanted}
    for number, values in rows:
        names = [header_key(v) for v in values]
        if not any(names):
            if number >= HEADER_SEARCH:
                break
            continue
        if not wanted or any(n in wanted or n.casefold() in folded for n in names):
            while names and not names[-1]:
                names.pop()
            return number, names, []
        if number >= HEADER_SEARCH:
            break
    return None, [], []


def _aligned(
    rows: Iterator[tuple[int, tuple[Any, ...]]], width: int
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for number, values in rows:
        if len(values) < width:
            values = (*values, *([None] * (width - len(values))))
        yield number, values


def _open_xlsx(path: Path, expected: set[str], sheet: str | None, label: str) -> Sheet:

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # read_only streams the rows; data_only=False keeps formulas visible as "=..."
        # (a cached value may be stale or absent, and is never a guess we should make).
        book = load_workbook(path, read_only=True, data_only=False)
    except (OSError, zipfile.BadZipFile, InvalidFileException, *_DAMAGED) as exc:
        raise InputError(
            f"cannot read {label} as an .xlsx workbook: {exc}",
            hint="save the file as .xlsx (Excel 2007 or later) or as CSV",
        ) from None
    names = list(book.sheetnames)
    if sheet is not None and sheet not in names:
        book.close()
        raise InputError(
            f"{label} has no sheet {sheet!r}",
            hint="its sheets are: " + ", ".join(repr(n) for n in names),
        )
    ws = book[sheet] if sheet is not None else book.worksheets[0]
    epoch = "1904" if getattr(book, "epoch", None) and book.epoch.year == 1904 else "1900"
    numbered = _intact(enumerate(ws.iter_rows(values_only=True), start=1), label)
    try:
        line, header, _ = _find_header(numbered, expected)
    except InputError:
        book.close()
        raise
    rows: Iterator[tuple[int, tuple[Any, ...]]] = iter(())
    notes: dict[int, list[tuple[str, str, str, dict[str, object]]]] = {}
    headed: list[str] = []
    if line is None and expected:
        headed = _headed_sheets(book, ws, expected, label)
    if line is not None:
        rows = _aligned(numbered, len(header))
        spans = _merged_down(ws, line, len(header), label)
        if spans:
            rows = _filled_down(rows, spans, header, notes)
    return Sheet(
        path=path,
        source=f"{label} [{ws.title}]",
        kind="xlsx",
        name=ws.title,
        header=header,
        header_line=line,
        rows=rows,
        epoch=epoch,
        sheets=names,
        rows_expected=ws.max_row if isinstance(ws.max_row, int) and ws.max_row > 0 else None,
        notes=notes,
        headed_sheets=headed,
        _close=book.close,
    )


def _headed_sheets(book: Any, searched: Any, expected: set[str], label: str) -> list[str]:
    """The names of the workbook's other sheets that have the header the searched one
    lacks (a first sheet of instructions, the titles on the second)."""
    found = []
    for other in book.worksheets:
        if other is searched:
            continue
        numbered = _intact(enumerate(other.iter_rows(values_only=True), start=1), label)
        try:
            line, _, _ = _find_header(numbered, expected)
        except InputError:
            continue  # a damaged sheet that is not the one asked for
        if line is not None:
            found.append(other.title)
    return found


# <mergeCell ref="B3:B6"/>: markup, so never inside a cell's text (which is escaped).
_MERGE_RE = re.compile(rb"<(?:[A-Za-z0-9_]+:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")


def _merged_down(ws: Any, header_line: int, width: int, label: str) -> dict[int, list]:
    """The merged cells of the sheet that span data rows, by their first column (0-based):
    [(first row, last row)]. A merge across columns only is left alone: its value is in
    its first cell, where it belongs. The read-only reader does not give merges, so the
    sheet's XML is scanned for them (a second pass over the compressed part)."""
    from openpyxl.utils.cell import range_boundaries

    try:
        source = ws._get_source()  # the worksheet part, as openpyxl itself opens it
    except (AttributeError, KeyError, OSError, zipfile.BadZipFile):
        return {}
    refs: set[bytes] = set()
    tail = b""
    try:
        with source:
            while chunk := source.read(1 << 20):
                data = tail + chunk
                refs.update(m[1] for m in _MERGE_RE.finditer(data))
                tail = data[-256:]
    except (OSError, zipfile.BadZipFile, *_DAMAGED) as exc:
        raise InputError(
            f"{label} is damaged: {type(exc).__name__}: {exc}",
            hint="open it in Excel or LibreOffice and save it again as .xlsx",
        ) from None
    spans: dict[int, list[tuple[int, int]]] = {}
    for ref in refs:
        first_col, first_row, _, last_row = range_boundaries(ref.decode("ascii"))
        if last_row > first_row and last_row > header_line and first_col <= width:
            spans.setdefault(first_col - 1, []).append((max(first_row, header_line + 1), last_row))
    return spans


def _filled_down(
    rows: Iterator[tuple[int, tuple[Any, ...]]],
    spans: dict[int, list[tuple[int, int]]],
    header: list[str],
    notes: dict[int, list[tuple[str, str, str, dict[str, object]]]],
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Rows with the value of a cell merged down a column given to each row it spans
    (what the reader of the sheet sees), in rows that hold something else; VL111 on the
    merge's first row names the rows."""
    starts = {(first, col): last for col, found in spans.items() for first, last in found}
    carry: dict[int, tuple[Any, int]] = {}  # column -> (value, last row)
    for number, values in rows:
        filled = None
        for col in spans:
            last = starts.get((number, col))
            if last is not None:
                value = values[col]
                if value is not None and value != "":
                    carry[col] = (value, last)
                    shown = value.strip() if isinstance(value, str) else str(value)
                    notes.setdefault(number, []).append(
                        ("VL111", header[col], shown, {"first": number, "last": last})
                    )
                continue
            held = carry.get(col)
            if held is None:
                continue
            if number > held[1]:
                del carry[col]
                continue
            if values[col] in (None, "") and any(
                v not in (None, "") for i, v in enumerate(values) if i != col
            ):
                filled = list(values) if filled is None else filled
                filled[col] = held[0]
        yield number, tuple(filled) if filled is not None else values


# What a damaged workbook raises from openpyxl: a cut or corrupt part of the zip, XML
# that does not parse, a part that is missing or not what its name says.
_DAMAGED: tuple[type[BaseException], ...] = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    EOFError,
    zlib.error,
    ElementTree.ParseError,
)


def _intact(
    rows: Iterator[tuple[int, tuple[Any, ...]]], label: str
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``rows``, with a workbook damaged part-way (a cut download) named as such."""
    number = 0
    try:
        for number, values in rows:
            yield number, values
    except (zipfile.BadZipFile, OSError, *_DAMAGED) as exc:
        raise InputError(
            f"{label} is damaged after row {number}: {type(exc).__name__}: {exc}",
            hint="open it in Excel or LibreOffice and save it again as .xlsx, or get a "
            "fresh copy from the vendor",
        ) from None


def _open_csv(path: Path, expected: set[str], label: str, encoding: str | None = None) -> Sheet:
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(
                f"{encoding!r} is not an encoding Python knows",
                hint="for example gb18030 (Chinese), big5, shift_jis, cp1251 (Cyrillic), cp1252",
            ) from None
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {label}: {exc.strerror}") from None
    head = fh.read(_CSV_SNIFF)
    codec, bom = sniff_encoding(head)
    guessed = False
    if encoding is not None and not bom:
        codec = encoding  # as the user says (a byte order mark says more)
    elif codec == "utf-8" and not _utf8(head):
        codec = _code_page(head)  # reported in the summary (VL107)
        guessed = True
    fh.seek(len(_bom_bytes(bom)) if bom else 0)
    text = io.TextIOWrapper(fh, encoding=codec, errors="replace", newline="")
    sample = head.decode(codec, errors="ignore").lstrip("\ufeff")
    delimiter = _delimiter(path, sample)
    reader = csv.reader(text, delimiter=delimiter)
    problems: dict[int, list[tuple[str, dict[str, object]]]] = {}

    def numbered() -> Iterator[tuple[int, tuple[Any, ...]]]:
        # Rows are numbered as Excel numbers them (a quoted cell may span lines); the
        # file lines a row took tell a cell that swallowed the rows after it.
        number, last_line = 0, 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error:
                # A quote never closed: the rest of the file is one cell too long to read.
                problems.setdefault(number + 1, []).append(
                    (
                        "VL109",
                        {
                            "closed": "is never closed",
                            "first": last_line + 1,
                            "until": "the end of the file",
                        },
                    )
                )
                yield number + 1, ()
                return
            number += 1
            first, last_line = last_line + 1, reader.line_num
            if last_line > first and any(_swallowed(v, delimiter) for v in values):
                closed = f"runs on to file line {last_line}"
                problems.setdefault(number, []).append(
                    ("VL109", {"closed": closed, "first": first, "until": f"line {last_line}"})
                )
            yield number, tuple(v if v != "" else None for v in values)

    rows_in = numbered()
    line, header, _ = _find_header(rows_in, expected)
    rows: Iterator[tuple[int, tuple[Any, ...]]] = iter(())
    if line is not None:
        rows = _aligned(rows_in, len(header))
    return Sheet(
        path=path,
        source=label,
        kind="csv",
        name=None,
        header=header,
        header_line=line,
        rows=rows,
        encoding=codec + (" with BOM" if bom else ""),
        encoding_guessed=guessed,
        problems=problems,
        rows_expected=_line_count(path),
        _close=text.close,
    )


def _line_count(path: Path) -> int | None:
    """The file's lines, counted in 1 MB reads (a hundred thousand rows take milliseconds)."""
    try:
        with path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return None


def _swallowed(value: str, delimiter: str) -> bool:
    """A cell that spans lines and holds the delimiter after a line break: rows read into
    one cell (a note with line breaks, as Excel quotes it, has no delimiter there, or
    is at most a line or two of prose)."""
    if "\n" not in value and "\r" not in value:
        return False
    rest = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")[1:]
    return any(delimiter in line for line in rest)


def _bom_bytes(bom: str) -> bytes:
    return {
        "utf-8": codecs.BOM_UTF8,
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
    }[bom]


# The code pages Excel's plain "CSV" is written in where title lists come from: Western
# and Cyrillic Windows, and the Chinese, Taiwanese, Japanese and Korean Windows ones.
CODE_PAGES = ("cp1252", "gb18030", "big5", "shift_jis", "euc_kr", "cp1251")


def _code_page(head: bytes) -> str:
    """The code page a CSV file that is not UTF-8 was most likely saved in, of
    ``CODE_PAGES``: an East Asian one its bytes read in as everyday characters
    (``charset.everyday_readings``), charset-normalizer choosing when they read so in
    several; else Windows-1251 or Windows-1252, as charset-normalizer reads them best;
    Windows-1252, Excel's on Western Windows, when nothing reads better."""
    from charset_normalizer import from_bytes

    from erdq.charset import everyday_readings

    cut = head.rfind(b"\n")
    sample = head[: cut + 1] if cut > 0 else head
    readings = [codec for codec, _ in everyday_readings(sample)]
    candidates = readings or ["cp1252", "cp1251"]
    if len(candidates) == 1:
        return candidates[0]
    best = from_bytes(sample, cp_isolation=candidates).best()
    return best.encoding if best is not None and best.encoding in candidates else candidates[0]


def _utf8(head: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end is not an error
    except UnicodeDecodeError:
        return False
    return True


def _delimiter(path: Path, sample: str) -> str:
    if path.suffix.lower() in (".tsv", ".tab", ".txt"):
        return "\t"
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
