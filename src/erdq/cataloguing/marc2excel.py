"""MARC records → a workbook that ``excel2marc`` turns back into the same records.

Each record becomes one row. A mapping spec *claims* the fields it could have made
(``FieldSpec.match``) and its columns get their values; everything else stays
verbatim in ``marc:fields`` (MarcEdit mnemonic lines), with ``marc:leader`` when the
leader is not the mapping's, ``marc:omit`` for constant fields the record lacks and
``marc:order`` when the fields are not in the order ``excel2marc`` would give. Claims are
checked by running the row forwards exactly as ``excel2marc`` will (cleaning included):
a spec whose output differs gives its fields back to ``marc:fields``. A last check
compares the whole rebuilt record; if it differs, the record is kept wholly in
``marc:fields``, which is always lossless, with every field marked held in
``marc:order`` (its order, and the sign that any value typed into its row is an
edit). So an unedited sheet converts back to the same records, whatever the mapping
covers. A non-repeatable field the record has twice is not claimed: a value typed later
into an empty mapped cell edits the one field marc:fields holds for it
(``excel2marc_rows.row_fields``).

Cells are text cells (an ISBN keeps its zeros; nothing is a number or date). A value
Excel would run as a formula gets an apostrophe (``spreadsheet.neutralise``, undone by
``excel2marc``) and the quote-prefix style, so that editing the cell keeps it text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pymarc

from erdq.cataloguing.cells import clean
from erdq.cataloguing.excel2marc_rows import (
    EXTRA_MARK,
    FIELDS_COLUMN,
    LEADER_COLUMN,
    MARC_COLUMNS,
    OMIT_COLUMN,
    ORDER_COLUMN,
    arrange,
    misfits,
    parse_mrk_lines,
    repeatable,
    row_fields,
)
from erdq.cataloguing.mapping import MarcMapping
from erdq.cataloguing.spreadsheet import FORMULA_ONLY, needs_guard, neutralise
from erdq.findings import FindingCollector
from erdq.marc_convert import UNPARSED, unread_records
from erdq.readers.marc import MarcReader
from erdq.readers.mrk import field_line
from erdq.writers.files import open_output

MAX_ROUNDS = 12
_COMPUTED = (slice(0, 5), slice(12, 17))  # leader parts the writer computes


def _key(fld: pymarc.Field) -> tuple:
    if fld.control_field:
        return (fld.tag, fld.data)
    subs = tuple((s.code, s.value) for s in fld.subfields)
    return (fld.tag, fld.indicator1 or " ", fld.indicator2 or " ", subs)


def _leader_core(leader: str) -> str:
    text = str(leader)
    return text[5:12] + text[17:]


@dataclass
class Row:
    cells: dict[str, str]
    fully_mapped: bool


class RowMaker:
    """Turns records into rows for one mapping."""

    def __init__(self, mapping: MarcMapping, today: dt.date | None = None) -> None:
        self.mapping = mapping
        self.today = today or dt.date.today()
        self.columns = mapping.column_names

    def row(self, record: pymarc.Record) -> Row:
        fields = list(record.fields)
        claims = self._claim(fields)
        omit: set[str] = set()
        for _ in range(MAX_ROUNDS):
            cells = self._cells(fields, claims)
            changed = self._verify(fields, claims, cells, omit)
            if not changed:
                break
        cells = self._cells(fields, claims)
        row = self._finish(record, fields, claims, cells, omit)
        if row is not None and self._rebuilds(record, row.cells):
            return row
        return self._verbatim(record)

    # -- claiming ---------------------------------------------------------------------

    def _claim(self, fields: list[pymarc.Field]) -> dict[int, list[tuple[int, dict]]]:
        claims: dict[int, list[tuple[int, dict]]] = {}
        taken: set[int] = set()
        tags = Counter(f.tag for f in fields)
        for i, spec in enumerate(self.mapping.fields):
            if tags[spec.tag] > 1 and not repeatable(spec.tag):
                # Two 245s: one in the cell and one in marc:fields would come back as one
                # (excel2marc folds a cell into the field marc:fields holds); both stay there.
                continue
            got_any = False
            for p, fld in enumerate(fields):
                if p in taken or fld.tag != spec.tag:
                    continue
                found = spec.match(fld)
                if found is None:
                    continue
                claims.setdefault(i, []).append((p, found))
                taken.add(p)
                got_any = True
                if not spec.repeat:
                    break
            if not got_any:
                claims.pop(i, None)
        return claims

    def _values(self, claims: dict[int, list[tuple[int, dict]]]) -> dict[str, list[str]] | None:
        values: dict[str, list[str]] = {}
        for i, taken in sorted(claims.items()):
            spec = self.mapping.fields[i]
            for column, text in self._merged(spec.repeat, taken).items():
                new = text.split("\x1f")
                old = values.get(column)
                if old is not None and old != new:
                    return None
                values[column] = new
        return values

    @staticmethod
    def _merged(repeat: str | None, taken: list[tuple[int, dict]]) -> dict[str, str]:
        out: dict[str, str] = {}
        for _, found in taken:
            for column, text in found.items():
                if column == repeat and column in out:
                    out[column] += "\x1f" + text
                else:
                    out.setdefault(column, text)
        return out

    def _cells(self, fields, claims) -> dict[str, str]:
        values = self._values(claims)
        while values is None:  # two specs disagree on a column: drop the later claim
            claims.pop(max(claims))
            values = self._values(claims)
        cells = {}
        for column, texts in values.items():
            delimiter = self.mapping.column(column).split
            cells[column] = (delimiter or "").join(texts) if delimiter else texts[0]
        return cells

    def _forward(self, cells: dict[str, str], omit: Iterable[str]) -> list[tuple[int, list]]:
        return self.mapping.build(self._row_values(cells), self.today, frozenset(omit))

    def _row_values(self, cells: dict[str, str]) -> dict[str, list[str]]:
        """The values excel2marc reads from these cells."""
        values: dict[str, list[str]] = {}
        for column, text in cells.items():
            guarded = text.lstrip("'").startswith("=")  # written with a guard, read as data
            cleaned = clean(self.mapping.column(column), text, literal=guarded)
            if cleaned.values:
                values[column] = cleaned.values
        for _, _, column, _ in misfits(self.mapping, values):
            values.pop(column, None)  # excel2marc leaves it out too (VL212)
        return values

    def _verify(self, fields, claims, cells, omit: set[str]) -> bool:
        changed = False
        for i, made in self._forward(cells, omit):
            mine = [fields[p] for p, _ in claims.get(i, [])]
            if [_key(f) for f in made] == [_key(f) for f in mine]:
                continue
            changed = True
            tag = self.mapping.fields[i].tag
            if made and not mine:
                # The row would make a field the record lacks: leave the tag out.
                omit.add(tag)
                for j in [j for j in claims if self.mapping.fields[j].tag == tag]:
                    claims.pop(j)
            else:
                claims.pop(i, None)
        return changed

    # -- the row ----------------------------------------------------------------------

    def _finish(self, record, fields, claims, cells, omit) -> Row | None:
        claimed = {p for taken in claims.values() for p, _ in taken}
        extras = [f for p, f in enumerate(fields) if p not in claimed]
        out = {c: cells.get(c, "") for c in self.columns}
        lines = _mrk_lines(extras)
        if lines is None:
            return None
        out[FIELDS_COLUMN] = lines
        leader = str(record.leader)
        out[LEADER_COLUMN] = (
            "" if _leader_core(leader) == _leader_core(self.mapping.leader) else leader
        )
        out[OMIT_COLUMN] = " ".join(sorted(omit))
        tokens = [f.tag + ("" if p in claimed else EXTRA_MARK) for p, f in enumerate(fields)]
        built = [fields[p] for i in sorted(claims) for p, _ in claims[i]]
        canonical = arrange(built, extras, [])
        out[ORDER_COLUMN] = "" if canonical == fields else " ".join(tokens)
        return Row(out, not extras)

    def _rebuilds(self, record: pymarc.Record, cells: dict[str, str]) -> bool:
        """Whether excel2marc gives ``record`` back from these cells."""
        omit = frozenset(cells.get(OMIT_COLUMN, "").split())
        extras = parse_mrk_lines(cells.get(FIELDS_COLUMN, ""))
        if extras is None:
            return False
        values = self._row_values(cells)
        order = cells.get(ORDER_COLUMN, "").split()
        fields = row_fields(self.mapping, values, self.today, omit, extras, order)
        leader = cells.get(LEADER_COLUMN) or self.mapping.leader
        if _leader_core(leader) != _leader_core(str(record.leader)):
            return False
        return [_key(f) for f in fields] == [_key(f) for f in record.fields]

    def _verbatim(self, record: pymarc.Record) -> Row:
        always = sorted({s.tag for s in self.mapping.fields if s.always})
        lines = _mrk_lines(record.fields)
        out = dict.fromkeys(self.columns, "")
        out[FIELDS_COLUMN] = lines or ""
        out[LEADER_COLUMN] = str(record.leader)
        out[OMIT_COLUMN] = " ".join(always)
        # Every field marked as held: the order, and the sign that the record is held
        # whole, so that excel2marc takes any value typed into a mapped cell as an edit.
        out[ORDER_COLUMN] = " ".join(f.tag + EXTRA_MARK for f in record.fields)
        if lines is None:
            broken = _line_break(record.fields)
            raise ValueError(
                f"field {broken.tag if broken else '?'} holds a line break, which would start "
                "a new marc:fields line; the record was not written (remove the line break, "
                "e.g. with `erdq marc edit`, or convert the records to MARCXML instead)"
            )
        if not self._rebuilds(record, out):
            culprit = next((f for f in record.fields if not _line_holds(f)), None)
            what = f"field {culprit.tag!r}" if culprit is not None else "a field"
            raise ValueError(
                f"{what} cannot be written as a marc:fields line and read back unchanged "
                f"({_why_not_a_line(culprit)})"
            )
        return Row(out, False)


def _where(item) -> str:
    at = f"at byte {item.offset:,}" if item.offset is not None else ""
    where = ", ".join(p for p in (f"001 {item.record_id}" if item.record_id else "", at) if p)
    return f" ({where})" if where else ""


def _longest(column: str, text: str) -> str:
    """For a marc:fields cell, the tag and length of its longest line."""
    if column != FIELDS_COLUMN:
        return ""
    line = max(text.split("\n"), key=len)
    return f" (the longest line, field {line[1:4]}, has {_cell_length(line):,})"


def _line_holds(fld: pymarc.Field) -> bool:
    """Whether one field comes back the same through a marc:fields line."""
    line = _mrk_lines([fld])
    back = parse_mrk_lines(line) if line is not None else None
    return back is not None and [_key(f) for f in back] == [_key(fld)]


def _why_not_a_line(fld: pymarc.Field | None) -> str:
    """What keeps a field from its .mrk line, as far as it can be told; else where to look."""
    if fld is not None and not fld.control_field:
        empty = [s.code for s in fld.subfields if not s.value]
        if empty:
            codes = ", ".join(f"${c}" for c in empty)
            return (
                f"it has an empty subfield {codes} (MR113), which a line does not keep; "
                "remove it (`erdq marc edit`: delete-subfield with matches: '^$') and "
                "write the sheet again"
            )
        if not fld.subfields:
            return "it has no subfields (MR113)"
    return "check its tag and indicators with `erdq marc validate`"


def _line_break(fields: list[pymarc.Field]) -> pymarc.Field | None:
    """The first field with a line break in a value, which a .mrk line cannot hold."""
    for fld in fields:
        values = [fld.data or ""] if fld.control_field else [s.value for s in fld.subfields]
        if any("\n" in v or "\r" in v for v in values):
            return fld
    return None


def _mrk_lines(fields: list[pymarc.Field]) -> str | None:
    """The fields as .mrk lines (no leader), or None when a value holds a line break."""
    if _line_break(fields) is not None:
        return None
    return "\n".join(field_line(f) for f in fields)


# Excel's limit on the characters of one cell (counted in UTF-16 units); openpyxl cuts a
# longer value without a word, so such a record would come back shorter.
CELL_CHARACTERS = 32_767


def _cell_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- the workbook -------------------------------------------------------------------------


@dataclass
class WorkbookSummary:
    records: int = 0
    rows: int = 0
    fully_mapped: int = 0
    with_fields: int = 0
    whole: int = 0  # of with_fields: rows whose mapped cells are all empty
    unwritten: int = 0  # not in the sheet: ``unreadable`` and ``incomplete`` included
    unreadable: int = 0  # found in the input, but the reader could not parse them
    incomplete: int = 0  # cut off in the input: the reader kept only part of them
    problems: list[str] = field(default_factory=list)


def write_workbook(
    source: str | Path,
    mapping: MarcMapping,
    target: str | Path,
    *,
    sheet_name: str = "Records",
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> WorkbookSummary:
    """Write the records of ``source`` to the workbook ``target`` (whole or not at all);
    ``progress(bytes read)`` every few hundred records."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    maker = RowMaker(mapping, today)
    header = [*maker.columns, *MARC_COLUMNS]
    summary = WorkbookSummary()
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet_name[:31])
    ws.freeze_panes = "A2"
    for i, name in enumerate(header, start=1):
        width = 60 if name == FIELDS_COLUMN else 28 if name in ("title", LEADER_COLUMN) else 16
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append(header)

    def cell(text: str, guard: bool) -> WriteOnlyCell:
        # A text cell is never run, but excel2marc reads a mapped cell starting with = as
        # a formula someone typed: those get the apostrophe. marc: columns are not read
        # that way (marc:fields lines all start with =) and stay as they are.
        c = WriteOnlyCell(ws, value=neutralise(text, FORMULA_ONLY) if guard else text)
        c.data_type = "s"
        if needs_guard(text) or text.startswith("'"):  # re-typed, Excel would change these
            c.quotePrefix = True
        return c

    # Reading problems are `erdq marc validate`'s business; but a record the reader found
    # and could not parse is named here, as `erdq marc convert` names it, never lost.
    notes = FindingCollector(str(source))
    expected = 1  # the ordinal of the next record

    def unread_before(upto: int) -> None:
        nonlocal expected
        found: dict[int, list] = {}
        for finding in notes.take():
            line = finding.location.line
            if line is not None and expected <= line < upto:
                found.setdefault(line, []).append(finding)
        for ordinal, first in unread_records(found, expected, upto):
            summary.records += 1
            summary.unwritten += 1
            summary.unreadable += 1
            why = f"[{first.code}] {first.message}" if first else UNPARSED
            where = _where(first.location) if first else ""
            summary.problems.append(f"record {ordinal}{where}: not written, {why}")
        expected = max(expected, upto)

    reader = MarcReader(source, notes)
    for item in reader:
        unread_before(item.ordinal)
        expected = item.ordinal + 1
        summary.records += 1
        if progress is not None and item.ordinal % 500 == 0:
            progress(reader.progress)
        incomplete = item.memo.get("incomplete")
        if isinstance(incomplete, tuple):
            # As in `erdq marc convert`: converted back from the sheet, a record cut short
            # would pass for whole with its lost fields gone.
            code, reason = incomplete
            summary.unwritten += 1
            summary.incomplete += 1
            summary.problems.append(
                f"record {item.ordinal}{_where(item)}: skipped [{code}], incomplete: "
                f"{reason}; not written (fetch or export the file again)"
            )
            continue
        try:
            row = maker.row(item.record)
        except ValueError as exc:
            summary.unwritten += 1
            summary.problems.append(f"record {item.ordinal} ({item.record_id}): {exc}")
            continue
        texts = [row.cells.get(name, "") for name in header]
        bad = next(
            (
                (n, m)
                for n, t in zip(header, texts, strict=True)
                if (m := ILLEGAL_CHARACTERS_RE.search(t))
            ),
            None,
        )
        long = next(
            (
                (n, t)
                for n, t in zip(header, texts, strict=True)
                if len(t) > CELL_CHARACTERS // 2 and _cell_length(t) > CELL_CHARACTERS
            ),
            None,
        )
        if long is not None:
            column, text = long
            summary.unwritten += 1
            summary.problems.append(
                f"record {item.ordinal} ({item.record_id}): {column} would hold "
                f"{_cell_length(text):,} characters, more than the {CELL_CHARACTERS:,} a "
                f"spreadsheet cell can hold{_longest(column, text)}; the record was not "
                "written (edit it in MarcEdit or as MARCXML instead)"
            )
            continue
        if bad is not None:
            column, found = bad
            summary.unwritten += 1
            summary.problems.append(
                f"record {item.ordinal} ({item.record_id}): {column} would hold the control "
                f"character U+{ord(found.group()[0]):04X}, which a spreadsheet cannot hold; "
                "the record was not written (remove the character, e.g. with `erdq marc edit`)"
            )
            continue
        ws.append(
            [
                cell(t, n not in MARC_COLUMNS) if t else None
                for n, t in zip(header, texts, strict=True)
            ]
        )
        summary.rows += 1
        if row.fully_mapped:
            summary.fully_mapped += 1
        else:
            summary.with_fields += 1
            summary.whole += not any(row.cells.get(c) for c in maker.columns)
    unread_before(reader.next_ordinal())
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{summary.rows + 1}"
    with open_output(target, [source]) as fh:
        book.save(fh)
    return summary
