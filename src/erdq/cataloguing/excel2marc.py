"""Spreadsheet title lists → MARC records, every row reported on.

``SheetConversion(path, mapping).rows()`` reads the sheet (``spreadsheet.open_sheet``),
cleans each mapped cell (``cells.clean``: VL2xx findings), builds the record the mapping
gives (``mapping.MarcMapping.build``), runs the selected MARC rules over it
(``erdq.marc_check.RecordsCheck``) and yields a ``RowResult`` per row. A row is
converted unless the mapping's required columns are empty (VL105) or the header is
missing (VL102): a bad ISBN loses its 020, not the record. ``convert_file`` writes the
records to a MARC file whole or not at all.

Sheets written by ``marc2excel`` carry four more columns, read back here so that the
round trip is lossless: ``marc:leader``, ``marc:fields`` (what the mapping does not
cover, one MarcEdit mnemonic line per field), ``marc:omit`` (profile or constant tags the
record does not have) and ``marc:order`` (the field order, when it is not by tag). A
value typed into a mapped cell whose field marc:fields holds (non-repeatable: a 245 the
mapping could not express; or the one held field of an omitted repeatable tag, such as
a 264 with a place) replaces that field's subfields or positions it maps, rather than
making a second field (``excel2marc_rows.row_fields``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pymarc

from erdq.cataloguing.excel2marc_rows import (
    FIELDS_COLUMN,
    LEADER_COLUMN,
    MARC_COLUMNS,
    OMIT_COLUMN,
    ORDER_COLUMN,
    RowConverter,
    RowLayout,
)
from erdq.cataloguing.mapping import ColumnSpec, MarcMapping
from erdq.cataloguing.spreadsheet import Sheet, header_key, open_sheet
from erdq.charset import code_page_label
from erdq.config import Settings
from erdq.engine import Check
from erdq.errors import InputError
from erdq.findings import Finding, Severity
from erdq.writers.files import open_output
from erdq.writers.marc import FORMAT_NAMES, UnwritableRecord, format_for_path, open_writer

__all__ = [
    "FIELDS_COLUMN",
    "LEADER_COLUMN",
    "MARC_COLUMNS",
    "OMIT_COLUMN",
    "ORDER_COLUMN",
    "Conversion",
    "ConversionSummary",
    "RowResult",
    "SheetConversion",
    "convert_file",
]


@dataclass(slots=True)
class RowResult:
    line: int
    record: pymarc.Record | None  # None: the row was not converted
    findings: list[Finding] = field(default_factory=list)

    @property
    def worst(self) -> Severity | None:
        ranks = [f.severity for f in self.findings]
        return max(ranks, key=lambda s: s.rank) if ranks else None


@dataclass
class ConversionSummary:
    source: str
    rows: int = 0  # data rows read (blank rows not counted)
    converted: int = 0
    with_warnings: int = 0  # converted, worst finding a warning
    with_errors: int = 0  # converted, with at least one error
    skipped: int = 0  # not converted
    blank: int = 0
    written: int = 0
    output: str | None = None
    format: str | None = None
    header_line: int | None = None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


class SheetConversion(Check):
    """Convert one sheet. Iterate ``rows()`` once; ``summary`` is complete after it."""

    def __init__(
        self,
        path: str | Path,
        mapping: MarcMapping,
        *,
        sheet: str | None = None,
        settings: Settings | None = None,
        today: dt.date | Callable[[], dt.date] | None = None,
        display_path: str | None = None,
        check_marc: bool = True,
        encoding: str | None = None,
    ) -> None:
        self.mapping = mapping
        self.sheet_name = sheet
        self._opened: Sheet = open_sheet(
            path,
            [*mapping.column_names, *MARC_COLUMNS],
            sheet=sheet,
            display=display_path,
            encoding=encoding,
        )
        super().__init__(path, settings, today=today, display_path=self._opened.source)
        self.result = ConversionSummary(source=self.source, header_line=self._opened.header_line)
        self.check_marc = check_marc

    # -- the header -------------------------------------------------------------------

    def _columns(self) -> tuple[list[tuple[str, int, ColumnSpec]], dict[str, int]]:
        """(mapped column, position) pairs and the marc: columns' positions."""
        header = self._opened.header
        index: dict[str, int] = {}
        folded: dict[str, int] = {}
        seen: dict[str, list[int]] = {}
        for i, name in enumerate(header):
            if not name:
                continue
            seen.setdefault(name, []).append(i)
            index.setdefault(name, i)
            folded.setdefault(name.casefold(), i)
        for name, positions in seen.items():
            if len(positions) > 1:
                shown = ", ".join(str(p + 1) for p in positions)
                self._report("VL103", None, name, name, positions=shown)
        mapped: list[tuple[str, int, ColumnSpec]] = []
        for column in self.mapping.column_names:
            key = header_key(column)
            i = index.get(key, folded.get(key.casefold()))
            if i is not None:
                mapped.append((column, i, self.mapping.column(column)))
            elif self.mapping.column(column).required or not self._optional(column):
                self._report("VL101", None, column, column, nearest=self._nearest(column))
        marc = {c: index[c] for c in MARC_COLUMNS if c in index}
        used = {i for _, i, _ in mapped} | set(marc.values())
        for i, name in enumerate(header):
            if name and i not in used and index.get(name) == i:
                self._report("VL104", None, name, name)
        return mapped, marc

    def _optional(self, column: str) -> bool:
        # Profile columns with a default (entered, country, language) may be absent.
        return all(
            spec.origin == "profile" for spec in self.mapping.fields if column in spec.columns
        )

    def _nearest(self, column: str) -> str:
        from rapidfuzz import process

        names = [h for h in self._opened.header if h]
        found = process.extractOne(column, names, score_cutoff=60) if names else None
        return repr(found[0]) if found else "none"

    # -- the rows ---------------------------------------------------------------------

    def rows(self) -> Iterator[RowResult]:
        sheet = self._opened
        try:
            if sheet.header_line is None:
                columns = ", ".join(self.mapping.column_names)
                from erdq.cataloguing.spreadsheet import HEADER_SEARCH

                where = ""
                if sheet.headed_sheets:
                    names = " and ".join(repr(n) for n in sheet.headed_sheets)
                    verb = "has" if len(sheet.headed_sheets) == 1 else "have"
                    where = f" Sheet {names} {verb} it: give --sheet {sheet.headed_sheets[0]!r}."
                self._report(
                    "VL102", None, searched=HEADER_SEARCH, columns=columns, elsewhere=where
                )
                yield RowResult(0, None, self._take())
                return
            mapped, marc = self._columns()
            if sheet.kind == "csv" and sheet.encoding_guessed:
                name = code_page_label(sheet.encoding)
                self._report("VL107", None, encoding=name, codec=sheet.encoding)
            if self._pending:
                yield RowResult(0, None, self._take())
            layout = RowLayout(tuple(mapped), marc, sheet.epoch)
            converter = self.converter(layout)
            for line, cells in self._data_rows():
                problems = sheet.problems.pop(line, ())
                for code, params in problems:
                    self._report(code, line, **params)
                for code, column, value, params in sheet.notes.pop(line, ()):
                    self._report(code, line, column, value, **params)
                if problems:  # the row's cells hold other rows: no record is made of it
                    yield self._account(line, None, [])
                    continue
                record, raw = converter.convert(line, cells)
                yield self._account(line, record, raw)
        finally:
            sheet.close()

    def converter(self, layout: RowLayout) -> RowConverter:
        return RowConverter(
            self.source,
            self.mapping,
            layout,
            settings=self.settings,
            today=self.today,
            check_marc=self.check_marc,
        )

    def _data_rows(self) -> Iterator[tuple[int, tuple]]:
        header = self._opened.header
        width = len(header)
        unnamed = [i for i, name in enumerate(header) if not name]
        problems = self._opened.problems
        for line, values in self._opened.rows:
            if line not in problems and all(v is None or v == "" for v in values):
                self.result.blank += 1
                continue
            if unnamed or len(values) > width:
                self._unnamed(line, values, unnamed, width)
            yield line, values

    def _unnamed(self, line: int, values: tuple, unnamed: list[int], width: int) -> None:
        """VL108 for values under no header name; reported with the row's findings."""
        for i in [*unnamed, *range(width, len(values))]:
            value = values[i]
            if value is not None and value != "":
                self._report("VL108", line, None, str(value), position=i + 1)

    def _take(self) -> list[Finding]:
        found = list(map(self._number, self._pending))
        self._pending.clear()
        return found

    def _account(self, line: int, record: pymarc.Record | None, raw: list[Finding]) -> RowResult:
        """Number a row's findings in file order and count the row."""
        if self._pending:  # VL108, found while reading the row
            raw = [f for f in self._pending if f.location.line == line] + raw
            self._pending[:] = [f for f in self._pending if f.location.line != line]
        number = self._number
        found = [number(replace(f, occurrence=0) if f.occurrence else f) for f in raw]
        result = RowResult(line, record, found)
        summary = self.result
        summary.rows += 1
        if record is None:
            summary.skipped += 1
            return result
        summary.converted += 1
        worst = result.worst
        if worst is Severity.ERROR:
            summary.with_errors += 1
        elif worst is Severity.WARNING:
            summary.with_warnings += 1
        return result


# -- writing a file -----------------------------------------------------------------------


class _NothingRead(Exception):
    """Leaves OUT as it was: no row could be read."""


@dataclass
class Conversion:
    """A conversion to a file: iterate ``events()`` (RowResult for each row, findings
    included); the output replaces ``target`` only when the iteration finishes, and not
    at all when the sheet has no header row (``summary.output`` is then None)."""

    check: SheetConversion
    target: Path
    fmt: str

    @property
    def rows_expected(self) -> int | None:
        """About how many rows the sheet has (for a progress bar), or None."""
        return self.check._opened.rows_expected

    def events(self) -> Iterator[RowResult]:
        summary = self.check.result
        summary.output, summary.format = str(self.target), self.fmt
        try:
            with open_output(self.target, [self.check.path]) as fh:
                writer = open_writer(self.fmt, fh)
                for result in self.check.rows():
                    if result.record is not None:
                        try:
                            writer.write(result.record)
                            summary.written += 1
                        except UnwritableRecord as exc:
                            self._unwritable(result, exc)
                    yield result
                writer.close()
                # No header row: nothing could be read, so a file of no records would
                # only replace what OUT held (a previous run's records) with nothing.
                if self.check.result.header_line is None:
                    raise _NothingRead
        except _NothingRead:
            summary.output = None

    def _unwritable(self, result: RowResult, exc: UnwritableRecord) -> None:
        check, summary = self.check, self.check.result
        check._report(
            "VL106",
            result.line,
            None,
            None,
            tag=exc.tag,
            format=FORMAT_NAMES.get(self.fmt, self.fmt),
            reason=exc.reason,
        )
        result.findings.extend(check._take())
        result.record = None
        summary.converted -= 1
        summary.skipped += 1
        # The row no longer counts among the converted rows with warnings or errors.
        worst = [f for f in result.findings if f.code != "VL106"]
        ranks = max((f.severity.rank for f in worst), default=-1)
        if ranks == Severity.ERROR.rank:
            summary.with_errors -= 1
        elif ranks == Severity.WARNING.rank:
            summary.with_warnings -= 1


def convert_file(
    source: str | Path,
    mapping: MarcMapping,
    target: str | Path,
    *,
    fmt: str | None = None,
    sheet: str | None = None,
    settings: Settings | None = None,
    today: dt.date | Callable[[], dt.date] | None = None,
    check_marc: bool = True,
    encoding: str | None = None,
) -> Conversion:
    """Prepare converting ``source`` into the MARC file ``target`` (format from ``fmt``
    or the extension). ``InputError`` when the format cannot be told or the sheet read."""
    fmt = fmt or format_for_path(target)
    if fmt is None:
        raise InputError(
            f"cannot tell the MARC format of {target} from its extension",
            hint="name the output .mrc, .xml, .mrk, .json or .jsonl",
        )
    check = SheetConversion(
        source,
        mapping,
        sheet=sheet,
        settings=settings,
        today=today,
        check_marc=check_marc,
        encoding=encoding,
    )
    return Conversion(check, Path(target), fmt)
