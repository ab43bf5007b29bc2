"""One row → one record: cell cleaning, the mapping, the marc: columns, the MARC rules.

``RowConverter`` knows nothing of the sheet it reads from: it gets the row's number and
cells, and the ``RowLayout`` (where each mapped column is). It returns the record (None
when the row is skipped) and the row's findings, not yet numbered: the caller numbers
them in file order with the sheet's own findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pymarc

from erdq.cataloguing.cells import clean
from erdq.cataloguing.mapping import ColumnSpec, MarcMapping
from erdq.cataloguing.spreadsheet import FORMULA_ONLY, restore
from erdq.config import Settings
from erdq.engine import Check
from erdq.findings import Finding
from erdq.marc_check import RecordsCheck
from erdq.readers.marc import MarcItem

LEADER_COLUMN = "marc:leader"
FIELDS_COLUMN = "marc:fields"
OMIT_COLUMN = "marc:omit"
ORDER_COLUMN = "marc:order"
MARC_COLUMNS = (LEADER_COLUMN, FIELDS_COLUMN, OMIT_COLUMN, ORDER_COLUMN)
EXTRA_MARK = "*"  # in marc:order, a field from marc:fields


@dataclass(frozen=True)
class RowLayout:
    """Where the mapped columns and the marc: columns are in a row."""

    mapped: tuple[tuple[str, int, ColumnSpec], ...]
    marc: dict[str, int] = field(default_factory=dict)
    epoch: str = "1900"

    @property
    def restoring(self) -> bool:
        """A sheet marc2excel wrote (it has marc: columns): undo its formula guard."""
        return bool(self.marc)


class RowConverter(Check):
    def __init__(
        self,
        source: str,
        mapping: MarcMapping,
        layout: RowLayout,
        *,
        settings: Settings | None = None,
        today: dt.date | None = None,
        check_marc: bool = True,
    ) -> None:
        super().__init__(source, settings, today=today, display_path=source, kind="spreadsheet")
        self.mapping = mapping
        self.layout = layout
        self._marc = (
            RecordsCheck(self.source, self.settings, today=self.today) if check_marc else None
        )

    def convert(self, line: int, cells: tuple) -> tuple[pymarc.Record | None, list[Finding]]:
        report = self._report
        mapping = self.mapping
        layout = self.layout
        restoring = layout.restoring
        values: dict[str, list[str]] = {}
        reported: set[int] = set()  # sheet columns whose cell was reported on
        for column, i, spec in layout.mapped:
            raw = cells[i]
            literal = False
            if restoring and isinstance(raw, str) and raw.startswith("'"):
                unguarded = restore(raw, FORMULA_ONLY)
                raw, literal = unguarded, unguarded != raw
            cleaned = clean(spec, raw, layout.epoch, literal=literal)
            if i not in reported:  # two mapped names ('year', 'Year') may read one cell
                reported.add(i)
                for code, value, params in cleaned.notes:
                    report(code, line, column, value, **params)
            if cleaned.values:
                values[column] = cleaned.values
        self._fixed_positions(line, values)
        extras, leader, omit, order = self._marc_cells(line, cells)
        extra_tags = {f.tag for f in extras}
        skip = False
        for column, spec in mapping.columns.items():
            # A row that carries the field itself in marc:fields has what is required.
            if (
                spec.required
                and not values.get(column)
                and not _carried(mapping, column, extra_tags)
            ):
                report("VL105", line, column, None)
                skip = True
        found = list(self._pending)
        self._pending.clear()
        if skip:
            return None, found
        built = [f for _, fields in mapping.build(values, self.today, omit) for f in fields]
        leader = leader or mapping.leader
        # The text is Unicode whatever the leader said; every output format gets UTF-8.
        record = pymarc.Record(leader=leader[:9] + "a" + leader[10:], force_utf8=True)
        record.fields = arrange(built, extras, order)
        agency = self.settings.agency
        if agency:
            _as_made_by(record, agency)
        if self._marc is not None:
            found.extend(self._marc.check(MarcItem(line, record, format="spreadsheet")))
        return record, found

    def _fixed_positions(self, line: int, values: dict[str, list[str]]) -> None:
        """A code that does not fit its 008 (or other fixed-field) positions is reported
        and left out, so that the position takes its default: cutting 'English' to
        'Eng' or padding 'EN' would write a code that is not one."""
        for tag, pos, column, problem in misfits(self.mapping, values):
            last = pos.start + pos.width - 1
            where = f"{pos.start:02d}" + (f"-{last:02d}" if pos.width > 1 else "")
            default = (
                "the day of conversion"
                if pos.default == "today"
                else repr(pos.default.ljust(pos.width)[: pos.width])
            )
            value = values.pop(column)[0]
            self._report(
                "VL212",
                line,
                column,
                value,
                tag=tag,
                positions=where,
                problem=problem,
                default=default,
            )

    def _marc_cells(
        self, line: int, cells: tuple
    ) -> tuple[list[pymarc.Field], str | None, frozenset[str], list[str]]:
        marc = self.layout.marc
        if not marc:
            return [], None, frozenset(), []

        def text(column: str) -> str:
            i = marc.get(column)
            raw = cells[i] if i is not None else None
            return raw if isinstance(raw, str) else ""  # written without a guard

        extras: list[pymarc.Field] = []
        lines = text(FIELDS_COLUMN)
        if lines:
            extras = self._parse_fields(line, lines)
        leader = text(LEADER_COLUMN) or None
        if leader is not None and len(leader) != 24:
            self._report("MR115", line, LEADER_COLUMN, leader, reason="not 24 characters")
            leader = None
        omit = frozenset(text(OMIT_COLUMN).split())
        return extras, leader, omit, text(ORDER_COLUMN).split()

    def _parse_fields(self, line: int, lines: str) -> list[pymarc.Field]:
        parsed = parse_mrk(lines)
        for code, params in parsed.notes:
            params = dict(params)
            value = params.pop("value", None)
            params.pop("tag", None)
            self._report(code, line, FIELDS_COLUMN, None if value is None else str(value), **params)
        return list(parsed.record.fields) if parsed.record is not None else []


def misfits(mapping: MarcMapping, values: dict[str, list[str]]) -> list[tuple]:
    """(tag, position, column, problem) for each column value that cannot go into the
    fixed-field positions it is mapped to (``position_problem``)."""
    out = []
    for spec in mapping.fields:
        for pos in spec.positions:
            column = pos.value.column
            found = values.get(column) if column and pos.when is None else None
            problem = position_problem(found[0], pos.width, pos.default) if found else None
            if problem is not None and column not in {c for _, _, c, _ in out}:
                out.append((spec.tag, pos, column, problem))
    return out


def position_problem(value: str, width: int, default: str) -> str | None:
    """Why ``value`` cannot go into ``width`` fixed-field positions as it is, or None.
    MARC 21 codes in fixed fields are lower case; a position whose default fills it
    (language 'und') takes a code of exactly that length."""
    if len(value) > width:
        return f"it has {len(value)} characters and the position holds {width}"
    if value != value.lower():
        return "it has capital letters, and MARC codes are lower case"
    if len(value) < width and default != "today" and len(default.rstrip()) == width:
        return f"it has {len(value)} character(s) and the position takes {width}"
    return None


def _carried(mapping: MarcMapping, column: str, tags: set[str]) -> bool:
    return bool(tags) and bool(mapping.tags_of(column) & tags)


def parse_mrk(lines: str):
    """A marc:fields cell read as .mrk lines (under a blank UTF-8 leader)."""
    from erdq.readers.mrk import _record

    block = [(0, "=LDR  " + " " * 9 + "a" + " " * 14)]  # a: the text is Unicode
    block += [(0, text) for text in lines.split("\n") if text.strip()]
    return _record(block, 0)


def parse_mrk_lines(lines: str) -> list[pymarc.Field] | None:
    """The fields of a marc:fields cell, or None when a line is not a valid field."""
    if not lines:
        return []
    parsed = parse_mrk(lines)
    if parsed.notes or parsed.record is None:
        return None
    return list(parsed.record.fields)


def arrange(
    built: list[pymarc.Field], extras: list[pymarc.Field], order: list[str]
) -> list[pymarc.Field]:
    """The record's fields: by ``order`` (tags, ``*`` marking a field of marc:fields), else
    by tag, built before extra within a tag. A field the order does not account for (one
    added in the sheet) goes after the last ordered field whose tag is not above its own,
    and an ordered field deleted in the sheet is passed over: the other fields keep their
    places."""
    tagged = [(f.tag, 0, i, f) for i, f in enumerate(built)]
    tagged += [(f.tag, 1, i, f) for i, f in enumerate(extras)]
    by_tag = [f for *_, f in sorted(tagged, key=lambda t: t[:3])]
    if not order:
        return by_tag
    queues: dict[tuple[str, bool], list[pymarc.Field]] = {}
    for fld in built:
        queues.setdefault((fld.tag, False), []).append(fld)
    for fld in extras:
        queues.setdefault((fld.tag, True), []).append(fld)
    out: list[pymarc.Field] = []
    for token in order:
        queue = queues.get((token.rstrip(EXTRA_MARK), token.endswith(EXTRA_MARK)))
        if queue:
            out.append(queue.pop(0))
    placed = {id(f) for f in out}
    for fld in by_tag:
        if id(fld) in placed:
            continue
        at = next((i for i in range(len(out), 0, -1) if out[i - 1].tag <= fld.tag), 0)
        out.insert(at, fld)
    return out


def _as_made_by(record: pymarc.Record, agency: str) -> None:
    """The library that made the record from its list (``[cataloguing] agency``): MARC 21
    040 $a (original cataloguing agency) first and $c (transcribing agency) last, and 003
    (whose number 001 is), where the record does not name one already."""
    for fld in record.get_fields("040"):
        if not fld.get_subfields("a"):
            fld.subfields.insert(0, pymarc.Subfield("a", agency))
        if not fld.get_subfields("c"):
            fld.subfields.append(pymarc.Subfield("c", agency))
    if record.get("001") is not None and record.get("003") is None:
        at = record.fields.index(record["001"]) + 1
        record.fields.insert(at, pymarc.Field(tag="003", data=agency))
