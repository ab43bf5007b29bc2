"""One row → one record: cell cleaning, the mapping, the marc: columns, the MARC rules.

``RowConverter`` knows nothing of the sheet it reads from: it gets the row's number and
cells, and the ``RowLayout`` (where each mapped column is). It returns the record (None
when the row is skipped) and the row's findings, not yet numbered: the caller numbers
them in file order with the sheet's own findings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

import pymarc

from erdq.cataloguing.cells import clean
from erdq.cataloguing.mapping import TERMINAL, ColumnSpec, FieldSpec, Indicator, MarcMapping
from erdq.cataloguing.spreadsheet import FORMULA_ONLY, restore
from erdq.config import Settings
from erdq.engine import Check
from erdq.findings import Finding
from erdq.identifiers import check_isbn
from erdq.marc21 import CONTROL_FIELDS, field_def
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
        # ISBN (as ISBN-13) -> the first row that gave it, for VL220.
        self._isbn_rows: dict[str, int] = {}
        self._isbn_columns = [c for c, _, spec in layout.mapped if spec.type == "isbn"]
        self._marc = (
            RecordsCheck(self.source, self.settings, today=self.today) if check_marc else None
        )

    def convert(self, line: int, cells: tuple) -> tuple[pymarc.Record | None, list[Finding]]:
        report = self._report
        mapping = self.mapping
        layout = self.layout
        # A total line of several cells ("Total" | "3000"), told by its cells as typed:
        # cleaned, the count in an ISBN or year column would be an error of its own.
        typed = self._typed(cells)
        if len(typed) > 1 and is_total_row(typed):
            report("VL110", line, None, " | ".join(typed))
            found = list(self._pending)
            self._pending.clear()
            return None, found
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
        self._repeated_isbn(line, values)
        extras, leader, omit, order = self._marc_cells(line, cells)
        extra_tags = {f.tag for f in extras}
        filled = [v for vs in values.values() for v in vs]
        if not extras and len(filled) == 1 and _TOTAL_RE.match(filled[0]):
            report("VL110", line, None, filled[0])  # a vendor's footer, not a title
            found = list(self._pending)
            self._pending.clear()
            return None, found
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
        leader = leader or mapping.leader
        # The text is Unicode whatever the leader said; every output format gets UTF-8.
        record = pymarc.Record(leader=leader[:9] + "a" + leader[10:], force_utf8=True)
        replaced: list[tuple[str, str, str, str, str]] = []
        unapplied: list[tuple[str, str, str, str, str]] = []
        record.fields = row_fields(
            mapping, values, self.today, omit, extras, order, replaced, unapplied
        )
        for column, tag, code, old_value, new_value in replaced:
            why = (
                f"the {tag} there is the record's one {tag} with the indicators the mapping gives"
                if repeatable(tag)
                else f"{tag} is not repeatable"
            )
            report("VL214", line, column, new_value, tag=tag, subfield=code, old=old_value, why=why)
        for column, where, tag, held_value, new_value in unapplied:
            report("VL218", line, column, new_value, where=where, tag=tag, old=held_value)
        found.extend(self._pending)
        self._pending.clear()
        agency = self.settings.agency
        if agency:
            _as_made_by(record, agency)
        if self._marc is not None:
            found.extend(self._marc.check(MarcItem(line, record, format="spreadsheet")))
        return record, found

    def _repeated_isbn(self, line: int, values: dict[str, list[str]]) -> None:
        """VL220 for a row with an ISBN an earlier row gave (as ISBN-10 or -13): two
        records of one book, which a load would make two catalogue records of."""
        seen = self._isbn_rows
        for column in self._isbn_columns:
            for value in values.get(column, ()):
                key = check_isbn(value).canonical or value
                first = seen.setdefault(key, line)
                if first != line:
                    self._report("VL220", line, column, value, first=first)
                    return

    def _typed(self, cells: tuple) -> list[str]:
        """The row's filled cells as text, mapped columns only, or nothing when a marc:
        column is filled (a row that carries MARC is a record)."""
        if any(cells[i] not in (None, "") for i in self.layout.marc.values()):
            return []
        seen: set[int] = set()
        out = []
        for _, i, _ in self.layout.mapped:
            raw = cells[i]
            if i in seen or raw is None:
                continue
            seen.add(i)
            text = raw.strip() if isinstance(raw, str) else str(raw)
            if text:
                out.append(text)
        return out

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
                hint=_fixed_hint(tag, pos),
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
        omit = frozenset(self._tokens(line, OMIT_COLUMN, text(OMIT_COLUMN), _OMIT_TOKEN))
        return (
            extras,
            leader,
            omit,
            self._tokens(line, ORDER_COLUMN, text(ORDER_COLUMN), _ORDER_TOKEN),
        )

    def _tokens(self, line: int, column: str, value: str, shape: re.Pattern[str]) -> list[str]:
        """The tags of a marc:omit or marc:order cell (spaces or commas between them); one
        that is not a tag is reported (VL215) and not used, as guessing would write or
        leave out a field the cataloguer did not name."""
        tokens = [t for t in re.split(r"[\s,;]+", value) if t]
        bad = [t for t in tokens if not shape.fullmatch(t)]
        if bad:
            self._report("VL215", line, column, " ".join(bad), count=len(bad))
        return [t for t in tokens if shape.fullmatch(t)]

    def _parse_fields(self, line: int, lines: str) -> list[pymarc.Field]:
        """The fields of a marc:fields cell, one .mrk line each. A line that cannot be
        read as a field (MR120: "=65  ..." with a tag typed short, text before the first
        $) is reported and left out, as a bad cell loses only its field: written, it
        would be a field with a wrong tag or without the text it was given."""
        whole = parse_mrk(lines)
        if not whole.notes and whole.record is not None:
            return list(whole.record.fields)  # the common case: every line reads
        fields: list[pymarc.Field] = []
        for text in lines.split("\n"):
            if not text.strip():
                continue
            parsed = parse_mrk(text)
            unreadable = any(code == "MR120" for code, _ in parsed.notes)
            for code, params in parsed.notes:
                params = dict(params)
                value = params.pop("value", None)
                params.pop("tag", None)
                if code == "MR120":
                    params["reason"] = f"{params.get('reason')}; the line was left out"
                shown = None if value is None else str(value)
                self._report(code, line, FIELDS_COLUMN, shown, **params)
            if not unreadable and parsed.record is not None:
                fields.extend(parsed.record.fields)
        return fields


# A tag as marc:omit names it, and as marc:order does (``*``: a field of marc:fields).
_OMIT_TOKEN = re.compile(r"[0-9A-Za-z]{3}")
_ORDER_TOKEN = re.compile(r"[0-9A-Za-z]{3}\*?")

# What goes into the 008 positions a mapping commonly takes from columns, for VL212.
_FIXED_HINTS = {
    ("008", 0): "Give the date entered on file as YYMMDD (e.g. '241204' for 4 December 2024)",
    ("008", 7): "Give the year as four digits (e.g. '2024')",
    ("008", 11): "Give the year as four digits (e.g. '2024')",
    ("008", 15): "Give the MARC country code (e.g. 'enk' for England, 'nyu' for New York)",
    ("008", 35): "Give the MARC language code (e.g. 'eng' for English, 'fre' for French)",
}


def _fixed_hint(tag: str, pos) -> str:
    known = _FIXED_HINTS.get((tag, pos.start))
    return known or f"Give a code of {pos.width} character(s), in lower case"


# "Total: 3000 titles", "Grand total 125", "Totals - 12", "合计：3000种", "共计 12 种": a
# summary word followed by a number; a title beginning with "Total" has words after it.
_TOTAL_RE = re.compile(
    r"\s*(?:(?:grand\s+)?totals?|sum|count|合计|总计|共计|小计)\s*[:：\-–]?\s*[0-9０-９][0-9０-９,.]*"
    r"\s*(?:titles?|records?|items?|books?|rows?|种|册|条)?\s*\.?\s*$",
    re.IGNORECASE,
)


# The summary word alone in its cell ("Total", "合计："), with the numbers in cells beside it.
_TOTAL_WORD_RE = re.compile(
    r"\s*(?:(?:grand\s+)?totals?|sum|count|合计|总计|共计|小计)\s*[:：\-–]?\s*$", re.IGNORECASE
)
# A count or a sum of prices: at most nine digits, so that an ISBN is never one.
_COUNT_RE = re.compile(
    r"\s*[$€£¥￥]?\s*(?=(?:[,.\s]*[0-9０-９]){1,9}[,.\s]*(?:[^0-9０-９,.\s]|$))"
    r"[0-9０-９][0-9０-９,.]*\s*(?:titles?|records?|items?|books?|rows?|种|册|条)?\s*\.?\s*$",
    re.IGNORECASE,
)


def is_total_row(filled: list[str]) -> bool:
    """Whether the filled cells of a row are a total line: one cell such as "Total: 3000
    titles", or one summary word ("Total", "合计") with only counts or sums beside it."""
    if len(filled) == 1:
        return bool(_TOTAL_RE.match(filled[0]))
    worded = [v for v in filled if _TOTAL_RE.match(v) or _TOTAL_WORD_RE.match(v)]
    return len(worded) == 1 and all(v is worded[0] or _COUNT_RE.match(v) for v in filled)


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
        # Not applied: 'FRE' is likely 'fre', but a sheet's value is the librarian's to fix.
        return f"it has capital letters, and MARC codes are lower case ({value.lower()!r}?)"
    if len(value) < width and default != "today" and len(default.rstrip()) == width:
        return f"it has {len(value)} character(s) and the position takes {width}"
    return None


def _carried(mapping: MarcMapping, column: str, tags: set[str]) -> bool:
    return bool(tags) and bool(mapping.tags_of(column) & tags)


def parse_mrk(lines: str):
    """A marc:fields cell read as .mrk lines (under a blank UTF-8 leader)."""
    from erdq.readers.mrk import parse_record

    block = [(0, "=LDR  " + " " * 9 + "a" + " " * 14)]  # a: the text is Unicode
    block += [(0, text) for text in lines.split("\n") if text.strip()]
    return parse_record(block, 0)


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


# -- a typed cell over a field held in marc:fields ------------------------------------------
#
# marc2excel leaves a cell empty when the record's field is one the mapping cannot hold
# (a 245 with $b and $c): the field goes to marc:fields whole. A value typed into that
# cell later is an edit of that field. Built beside it, it would give the record a second
# 245; left out (its tag in marc:omit), it would be lost. So the typed subfields (or
# fixed-field positions) take the place of their own in the held field and the rest of
# it stays. The same goes for a repeatable field marc:fields holds whole while its tag is
# in marc:omit (a 264 with a place of publication): a value typed into a cell that only
# that field reads edits the held one. An unedited sheet never gets here: marc2excel
# claims no field of a non-repeatable tag that is in marc:fields, leaves the cells of an
# omitted field empty, and checks that the row converts back to the record
# (``RowMaker._rebuilds`` runs this same code).

_JOINING_MARK = re.compile(r"\s*[.,:;/=]$")  # ISBD mark before the next subfield


def row_fields(
    mapping: MarcMapping,
    values: dict[str, list[str]],
    today: dt.date,
    omit: frozenset[str],
    extras: list[pymarc.Field],
    order: list[str],
    replaced: list[tuple[str, str, str, str, str]] | None = None,
    unapplied: list[tuple[str, str, str, str, str]] | None = None,
) -> list[pymarc.Field]:
    """The record's fields from a row: the mapping's, the marc:fields ones, a typed cell
    folded into the field marc:fields holds for it, in ``order``. Each value of the held
    field a cell replaced by another is added to ``replaced`` as (column, tag, code, old,
    new); each cell value that a field left out by marc:omit did not take, though the
    held copy of that field says otherwise, to ``unapplied`` as (column, where: "264 $c"
    or "008/07-10", tag, held, cell).

    A typed cell folds into a held non-repeatable field, or into the one held field with
    the tag and indicators of an omitted repeatable one it was typed for (marc2excel
    leaves the cells of such a field empty: the publisher of a 264 held whole); there
    only the typed cells' subfields are replaced, since a column that also fills
    another field (a year: 008 and 264 $c) was filled from that other field."""
    # Typed, not written by marc2excel: a value in a record it held whole (every field
    # marked held in marc:order), or in a column that only omitted fields read.
    whole = bool(order) and all(token.endswith(EXTRA_MARK) for token in order)
    typed = {
        c for c, found in values.items() if found and (whole or _only_omitted(mapping, c, omit))
    }
    kept_out = unomitted(mapping, values, omit) - _edited(mapping, typed, omit, extras)
    extras = list(extras)
    built: list[pymarc.Field] = []
    for i, made in mapping.build(values, today, kept_out):
        spec = mapping.fields[i]
        target, given = _fold_target(spec, made, extras, omit if not whole else None, values, typed)
        if target is None:
            built.extend(made)
            continue
        # It stays among the marc:fields ones, so marc:order still places it.
        before = extras[target]
        extras[target] = folded(spec, given, made[0], before)
        if replaced is not None:
            replaced += _replacements(spec, given, before, extras[target])
    if unapplied is not None:
        unapplied += _unapplied(mapping, values, omit, extras, typed)
    return arrange(built, extras, order)


def _fold_target(
    spec: FieldSpec,
    made: list[pymarc.Field],
    extras: list[pymarc.Field],
    omit: frozenset[str] | None,
    values: dict[str, list[str]],
    typed: set[str],
) -> tuple[int | None, dict[str, list[str]]]:
    """The held field (its place in ``extras``) that the row's field for ``spec`` edits,
    and the values it is edited with; None when the row's field is one of its own.
    ``omit`` None: the record is held whole, so every field of it is held."""
    if len(made) != 1:
        return None, values
    held = [p for p, f in enumerate(extras) if f.tag == spec.tag]
    if len(held) == 1 and not repeatable(spec.tag):
        return held[0], values
    if omit is not None and spec.tag not in omit:
        return None, values
    # Typed for a held field: the one with the tag and indicators the mapping gives.
    given = {c: v for c, v in values.items() if c in typed}
    same = [p for p in held if _indicators(extras[p]) == _indicators(made[0])]
    if len(same) == 1 and _holds_typed(spec, given, extras[same[0]]):
        return same[0], given
    return None, values


def _only_omitted(mapping: MarcMapping, column: str, omit: frozenset[str]) -> bool:
    tags = mapping.tags_of(column)
    return bool(tags) and tags <= omit


def _edited(
    mapping: MarcMapping, typed: set[str], omit: frozenset[str], extras: list[pymarc.Field]
) -> frozenset[str]:
    """The non-repeatable tags in marc:omit that a typed value edits in the one field
    marc:fields holds of each: a year typed on a record held whole goes into its 008."""
    tags = {t for c in typed for t in mapping.tags_of(c) if t in omit and not repeatable(t)}
    return frozenset(t for t in tags if sum(f.tag == t for f in extras) == 1)


def _indicators(field: pymarc.Field) -> tuple[str, str]:
    return (field.indicator1 or " ", field.indicator2 or " ")


def _holds_typed(spec: FieldSpec, typed: dict[str, list[str]], held: pymarc.Field) -> bool:
    """Whether ``held`` has a subfield for each code the typed cells fill: a 264 $a $b $c
    takes a typed publisher ($b); an 020 $z (a cancelled ISBN) is no place for a typed
    ISBN ($a), which makes a field of its own."""
    codes = {sub.code for sub in spec.subfields if sub.value.columns and sub.applies(typed)}
    present = {s.code for s in held.subfields}
    return bool(codes) and codes <= present


def _unapplied(
    mapping: MarcMapping,
    values: dict[str, list[str]],
    omit: frozenset[str],
    extras: list[pymarc.Field],
    typed: set[str],
) -> list[tuple[str, str, str, str, str]]:
    """A cell (not one of the ``typed`` ones, which were folded in) that feeds a field
    marc:omit leaves out, whose one held copy gives that subfield otherwise (the year
    edited in its cell: 008 takes it, the 264 $c held in marc:fields does not). Compared
    by letters and digits: "[2003]" and "c2003" hold the year 2003; "2004" is another."""
    out = []
    for spec in mapping.fields:
        held = [f for f in extras if f.tag == spec.tag]
        if spec.tag not in omit or len(held) != 1:
            continue
        if held[0].control_field:
            out += _unapplied_positions(spec, values, held[0], typed)
            continue
        for sub in spec.subfields:
            if not (sub.value.columns and sub.applies(values)) or sub.value.columns[0] in typed:
                continue
            old = [s.value for s in held[0].subfields if s.code == sub.code]
            new = replace(sub.value, end=None).render(values)
            if old and new and not any(_gist(v) in _gist(" ".join(old)) for v in new):
                column = sub.value.columns[0]
                out.append((column, f"{spec.tag} ${sub.code}", spec.tag, " | ".join(old),
                            " | ".join(new)))  # fmt: skip
    return out


def _unapplied_positions(
    spec: FieldSpec, values: dict[str, list[str]], held: pymarc.Field, typed: set[str]
) -> list[tuple[str, str, str, str, str]]:
    """As ``_unapplied``, for the positions of a fixed field (the year in 008/07-10)."""
    out = []
    data = held.data or ""
    for pos in spec.positions:
        column = pos.value.column
        if pos.when is not None or not column or column in typed or not values.get(column):
            continue
        cell = values[column][0]
        kept = data[pos.start : pos.start + pos.width]
        if kept and _gist(cell) != _gist(kept):
            last = pos.start + pos.width - 1
            where = f"{spec.tag}/{pos.start:02d}" + (f"-{last:02d}" if pos.width > 1 else "")
            out.append((column, where, spec.tag, kept, cell))
    return out


def _gist(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())


def repeatable(tag: str) -> bool:
    """MARC 21's word; a tag it does not define (local 9XX) counts as repeatable."""
    if tag in CONTROL_FIELDS:
        return bool(CONTROL_FIELDS[tag].get("repeatable", True))
    known = field_def(tag)
    return known is None or known.repeatable


def unomitted(
    mapping: MarcMapping, values: dict[str, list[str]], omit: frozenset[str]
) -> frozenset[str]:
    """marc:omit without the tags a typed value is for: a value in a column that only
    left-out fields read. (marc2excel fills a column from fields it kept, so such a value
    was typed, and leaving the tag out would drop it.)"""
    if not omit:
        return omit
    wanted: set[str] = set()
    for column, found in values.items():
        tags = mapping.tags_of(column)
        if found and tags and tags <= omit:
            wanted |= tags
    return omit - wanted


def folded(
    spec: FieldSpec, values: dict[str, list[str]], made: pymarc.Field, held: pymarc.Field
) -> pymarc.Field:
    """``held`` with what the row's values give it through ``spec`` in place of its own."""
    if made.control_field or held.control_field:
        return _folded_control(spec, values, made, held)
    typed: list[pymarc.Subfield] = []
    for sub in spec.subfields:
        if sub.value.columns and sub.applies(values):
            bare = replace(sub.value, end=None).render(values)
            typed.extend(pymarc.Subfield(sub.code, v) for v in bare)
    codes = {s.code for s in typed}
    rendered = [s for s in made.subfields if s.code in codes]  # with the mapping's end
    old = [i for i, s in enumerate(held.subfields) if s.code in codes]
    at = old[0] if old else 0
    kept = [s for s in held.subfields if s.code not in codes]
    subfields = kept[:at] + rendered + kept[at:]
    if rendered and (at < len(kept) or old):
        # The mark that ended the old subfield ends the new one: the one that joined it to
        # the next subfield, or the field's closing one when it was the last (the
        # mapping's end may be meant for a subfield of its own that the held field lacks:
        # "," before a constant $e).
        mark = _JOINING_MARK.search(held.subfields[old[-1]].value) if old else None
        last = typed[-1].value
        if mark and not (mark.group().strip() == "." and last.endswith(TERMINAL)):
            last += mark.group()
        subfields[at + len(rendered) - 1] = pymarc.Subfield(typed[-1].code, last)
    indicators = [
        new if _from_row(ind, values) else old_ind
        for ind, new, old_ind in (
            (spec.ind1, made.indicator1, held.indicator1),
            (spec.ind2, made.indicator2, held.indicator2),
        )
    ]
    return pymarc.Field(held.tag, pymarc.Indicators(*indicators), subfields)


def _replacements(
    spec: FieldSpec, values: dict[str, list[str]], before: pymarc.Field, after: pymarc.Field
) -> list[tuple[str, str, str, str, str]]:
    """(column, tag, code, old, new) for each subfield of ``before`` whose value a cell
    changed (ISBD punctuation at the end aside); a subfield the held field lacked is an
    addition, not a replacement."""
    if before.control_field or after.control_field:
        return []
    out = []
    for sub in spec.subfields:
        if not (sub.value.columns and sub.applies(values)):
            continue
        old = [s.value for s in before.subfields if s.code == sub.code]
        new = [s.value for s in after.subfields if s.code == sub.code]
        if old and [_bare(v) for v in old] != [_bare(v) for v in new]:
            column = sub.value.columns[0]
            out.append((column, before.tag, sub.code, " | ".join(old), " | ".join(new)))
    return out


def _bare(value: str) -> str:
    return _JOINING_MARK.sub("", value.strip())


def _from_row(ind: Indicator, values: dict[str, list[str]]) -> bool:
    """Whether the mapping makes this indicator from a value the row has (the title's
    initial article, a column, a column present): then the row's indicator is meant."""
    column = ind.nonfiling or ind.column or ind.when
    return bool(column and values.get(column))


def _folded_control(
    spec: FieldSpec, values: dict[str, list[str]], made: pymarc.Field, held: pymarc.Field
) -> pymarc.Field:
    new, data = made.data or "", list(held.data or "")
    if not spec.positions:
        return pymarc.Field(held.tag, data=new)  # a value from a column: the whole field
    for pos in spec.positions:
        if values.get(pos.when or pos.value.column or ""):
            end = pos.start + pos.width
            data.extend(" " * (end - len(data)))
            data[pos.start : end] = new[pos.start : end]
    return pymarc.Field(held.tag, data="".join(data))


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
