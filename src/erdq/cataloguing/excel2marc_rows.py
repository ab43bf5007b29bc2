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
        for column, i, spec in layout.mapped:
            raw = cells[i]
            literal = False
            if restoring and isinstance(raw, str) and raw.startswith("'"):
                unguarded = restore(raw, FORMULA_ONLY)
                raw, literal = unguarded, unguarded != raw
            cleaned = clean(spec, raw, layout.epoch, literal=literal)
            for code, value, params in cleaned.notes:
                report(code, line, column, value, **params)
            if cleaned.values:
                values[column] = cleaned.values
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
        if self._marc is not None:
            found.extend(self._marc.check(MarcItem(line, record, format="spreadsheet")))
        return record, found

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
    """The record's fields: by ``order`` (tags, ``*`` marking a field of marc:fields)
    when it accounts for every field, else by tag, built before extra within a tag."""
    if order:
        queues: dict[tuple[str, bool], list[pymarc.Field]] = {}
        for fld in built:
            queues.setdefault((fld.tag, False), []).append(fld)
        for fld in extras:
            queues.setdefault((fld.tag, True), []).append(fld)
        out: list[pymarc.Field] = []
        for token in order:
            key = (token.rstrip(EXTRA_MARK), token.endswith(EXTRA_MARK))
            queue = queues.get(key)
            if not queue:
                break
            out.append(queue.pop(0))
        else:
            if not any(queues.values()):
                return out
    tagged = [(f.tag, 0, i, f) for i, f in enumerate(built)]
    tagged += [(f.tag, 1, i, f) for i, f in enumerate(extras)]
    return [f for *_, f in sorted(tagged, key=lambda t: t[:3])]
