"""The files of an availability run: what the articles file holds, and where results go.

Both engines read the articles through these checks, so a file is accepted or refused the
same way whichever engine runs:

* **Kinds by name.** Inputs: ``.parquet``, JSON Lines (``.jsonl``, ``.ndjson``, ``.json``,
  optionally ``.gz``) or CSV (anything else: the delimiter, one of ``, TAB ; |``, is read
  from the header line). Outputs: ``.csv``, ``.jsonl`` (``.ndjson``, ``.json``),
  ``.parquet`` or ``.xlsx``; any other name is refused rather than guessed.
* **Columns.** The header (or the JSON keys, or the Parquet schema) must name ``issn`` or
  ``eissn`` (case and surrounding spaces ignored), or no article could be matched; a
  column named twice is refused; the columns that are not used are reported.
* **Bad lines.** An engine stops at the first line it cannot read, and DuckDB may name
  the wrong line for malformed JSON. So when an engine fails, the file is scanned here
  (streaming) for every line that cannot be read, and the error names them. The file is
  refused rather than read in part: the verdicts and per-journal counts of a partly read
  index would be wrong without saying so, and a line number is all it takes to fix it.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from erdq.errors import InputError

# The article columns read from the input (all as text); missing ones are NULL.
ARTICLE_COLUMNS = ("doi", "issn", "eissn", "date", "volume", "issue", "title", "available")

_OUTPUT_KINDS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
}
EXCEL_ROWS = 1_048_576  # the rows of one worksheet, the header row included
EXAMPLES = 10  # bad lines named in an error
_DELIMITERS = (",", "\t", ";", "|")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of bytes not UTF-8
# Characters XML 1.0, hence a .xlsx cell, cannot hold.
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def input_kind(path: str | Path) -> str:
    """csv, jsonl or parquet, from the file name (default csv)."""
    name = str(path).lower()
    if name.endswith((".xlsx", ".xls", ".ods")):
        raise InputError(
            f"{path}: spreadsheets are not read as articles",
            hint="save the sheet as CSV (with a header row) and give that file",
        )
    if name.endswith((".jsonl", ".json", ".ndjson", ".jsonl.gz", ".json.gz", ".ndjson.gz")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    return "csv"


def output_kind(path: str | Path) -> str:
    """csv, jsonl, parquet or xlsx, from the file name; anything else is refused."""
    kind = _OUTPUT_KINDS.get(Path(path).suffix.lower())
    if kind is None:
        raise InputError(
            f"{path}: cannot tell the output format from the name",
            hint="end the file name in .csv, .jsonl, .parquet or .xlsx",
        )
    return kind


@dataclass(frozen=True, slots=True)
class ArticleColumns:
    """Where each article column is in the input: ``index`` by position (CSV, whose
    columns are read by position) and ``names`` as the input spells them."""

    index: dict[str, int]
    names: dict[str, str]
    ignored: tuple[str, ...]
    # JSON Lines only: a column whose key is spelt differently on different lines
    # ("issn" on one, "ISSN" on another) → every spelling, in the order found
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)


def json_key_variants(keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The article columns that JSON Lines keys spell in more than one way (case, spaces,
    a byte order mark): each line is one object, so ``{"issn": ...}`` on one line and
    ``{"ISSN": ...}`` on the next give one column, read from whichever the line has."""
    spellings: dict[str, list[str]] = {}
    for key in keys:
        column = key.strip().lstrip("\ufeff").strip().lower()
        if column in ARTICLE_COLUMNS:
            spellings.setdefault(column, []).append(key)
    return {c: tuple(ks) for c, ks in spellings.items() if len(ks) > 1}


def article_columns(path: str | Path, names: Sequence[str]) -> ArticleColumns:
    """Map the input's column names to the article columns, or refuse the file."""
    index: dict[str, int] = {}
    ignored: list[str] = []
    for i, name in enumerate(names):
        key = name.strip().lstrip("\ufeff").strip().lower()
        if key not in ARTICLE_COLUMNS:
            ignored.append(name)
        elif key in index:
            raise InputError(
                f"{path}: the column {key!r} is named twice "
                f"(columns {index[key] + 1} and {i + 1}), so either could be meant",
                hint="rename or remove one of them",
            )
        else:
            index[key] = i
    if "issn" not in index and "eissn" not in index:
        found = ", ".join(repr(n) for n in names) or "none"
        raise InputError(
            f"{path}: no issn or eissn column, so no article could be matched to a journal "
            f"(columns found: {found})",
            hint="name the columns in a header row (CSV) or as keys (JSON): "
            f"{', '.join(ARTICLE_COLUMNS)}; issn or eissn at least",
        )
    return ArticleColumns(index, {k: names[i] for k, i in index.items()}, tuple(ignored))


@dataclass(frozen=True, slots=True)
class CsvLayout:
    delimiter: str
    header: tuple[str, ...]


def _open_text(path: Path) -> IO[str]:
    if path.name.lower().endswith(".gz"):
        binary: IO[bytes] = gzip.open(path)  # noqa: SIM115 - as below
    else:
        binary = open(path, "rb")  # noqa: SIM115 - closed with the wrapper by the caller
    # surrogateescape: bytes that are not UTF-8 are kept, to be reported, not replaced.
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")


def csv_layout(path: str | Path) -> CsvLayout:
    """The delimiter and the column names, from the header line."""
    try:
        with _open_text(Path(path)) as fh:
            first = fh.readline()
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    if not first.strip():
        raise InputError(
            f"{path}: line 1: no header row (the file is empty or starts with a blank line)",
            hint="start the file with a header row naming the columns: "
            + ", ".join(ARTICLE_COLUMNS),
        )
    if _NOT_UTF8.search(first):
        raise InputError(f"{path}: line 1: the header is not UTF-8", hint="save the file as UTF-8")
    counts = {d: first.count(d) for d in _DELIMITERS}
    delimiter = max(_DELIMITERS, key=lambda d: counts[d]) if any(counts.values()) else ","
    header = next(csv.reader([first], delimiter=delimiter))
    return CsvLayout(delimiter, tuple(header))


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    problem: str


def scan_csv(path: str | Path, layout: CsvLayout) -> tuple[int, list[BadLine]]:
    """Every data line the engines would refuse: (count, the first few)."""
    bad: list[BadLine] = []
    count = 0
    width = len(layout.header)
    with _open_text(Path(path)) as fh:
        reader = csv.reader(fh, delimiter=layout.delimiter, strict=True)
        start = 1  # the line the next record starts on
        try:
            next(reader)  # the header, checked by csv_layout
            start = reader.line_num + 1
            for row in reader:
                line, start = start, reader.line_num + 1
                problem = None
                if not row:
                    continue  # a blank line: skipped by both engines
                if any(_NOT_UTF8.search(v) for v in row):
                    problem = "it is not UTF-8 text"
                elif len(row) != width:
                    problem = f"it has {len(row)} field{'s' * (len(row) != 1)}, the header {width}"
                if problem:
                    count += 1
                    if len(bad) < EXAMPLES:
                        bad.append(BadLine(line, problem))
        except csv.Error as exc:
            # The quoting is broken from here on: nothing after it can be read reliably.
            count += 1
            bad.append(BadLine(start, f"{exc} (nothing after it could be read)"))
    return count, bad


def scan_json_lines(path: str | Path) -> tuple[int, list[BadLine]]:
    """Every non-blank line that is not one JSON object: (count, the first few)."""
    bad: list[BadLine] = []
    count = 0
    opener = gzip.open if str(path).lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            problem = _json_problem(raw)
            if problem:
                count += 1
                if len(bad) < EXAMPLES:
                    bad.append(BadLine(number, problem))
    return count, bad


def _json_problem(raw: bytes) -> str | None:
    if not raw.strip():
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "it is not UTF-8 text"
    try:
        value = json.loads(text.rstrip("\r\n"))  # the line end kept out of the column count
    except json.JSONDecodeError as exc:
        return f"it is not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(value, dict):
        return f"it is a JSON {_JSON_KINDS.get(type(value), 'value')}, not an object"
    return None


_JSON_KINDS = {
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def unreadable(
    path: str | Path, kind: str, engine_message: str, layout: CsvLayout | None = None
) -> InputError:
    """The error for an articles file an engine could not read: its bad lines when a scan
    finds them, else the engine's own words."""
    count, bad = 0, []
    if kind == "jsonl":
        count, bad = scan_json_lines(path)
    elif kind == "csv" and layout is not None:
        count, bad = scan_csv(path, layout)
    if not bad:
        first = next((s for s in engine_message.splitlines() if s.strip()), engine_message)
        return InputError(
            f"{path}: cannot be read as {kind}: {first.strip()}",
            hint=_HINTS[kind],
        )
    lines = "; ".join(f"line {b.line}: {b.problem}" for b in bad)
    more = f" (and {count - len(bad)} more)" if count > len(bad) else ""
    noun = "line cannot" if count == 1 else "lines cannot"
    return InputError(
        f"{path}: {count} {noun} be read: {lines}{more}",
        hint=f"{_HINTS[kind]}; correct or remove these lines and run again (a partly read "
        "file would leave their articles out of every count)",
    )


_HINTS = {
    "csv": 'each line must have as many fields as the header, in UTF-8, quoted with "',
    "jsonl": "each line must be one JSON object in UTF-8, e.g. "
    '{"issn": "1234-5679", "date": "2015"}',
    "parquet": "check that it is a complete Parquet file",
}


def write_xlsx(
    path: str | Path, columns: Sequence[str], rows: Iterable[Sequence[Any]], count: int, sheet: str
) -> None:
    """A worksheet of ``rows``, written whole or not at all."""
    if count + 1 > EXCEL_ROWS:
        raise InputError(
            f"{path}: {count} rows do not fit in a spreadsheet "
            f"({EXCEL_ROWS - 1} besides the header)",
            hint="write .csv or .parquet instead",
        )
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
    except ImportError:  # pragma: no cover - depends on the installation
        raise InputError(
            "xlsx output needs the openpyxl package",
            hint="pip install openpyxl, or write .csv",
        ) from None
    from erdq.writers.files import open_output

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(list(columns))
    for number, row in enumerate(rows, start=1):
        cells: list[Any] = []
        for column, value in zip(columns, row, strict=True):
            if isinstance(value, str):
                if _NOT_IN_XLSX.search(value):
                    raise InputError(
                        f"{path}: row {number}, column {column}: a control character that "
                        "a spreadsheet cannot hold",
                        hint="write .csv or .parquet instead, or remove the character",
                    )
                if value.startswith("="):
                    # openpyxl would store it as a formula; the value is text.
                    cell = WriteOnlyCell(ws, value)
                    cell.data_type = "s"
                    value = cell
            cells.append(value)
        ws.append(cells)
    with open_output(path) as fh:
        book.save(fh)
