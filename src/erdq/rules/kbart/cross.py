"""KB7xx: facts no single row shows — duplicates, shared ids, overlapping coverage.

Each checker writes a compact record per row to a temporary table (``erdq.scratch``)
and analyses the keys that occur more than once at the end of the file, so memory stays
flat however many rows the file has.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from erdq.findings import Level, Severity
from erdq.identifiers import check_identifier
from erdq.model.coverage import CoverageRange, compare_enum, enum_key, overlaps
from erdq.model.portfolio import coverage_from_values, normalise_title
from erdq.readers.kbart import KbartRow
from erdq.readers.text import EXCEL_ERRORS
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.kbart.base import RowContext, cross_check
from erdq.scratch import Scratch

DUPLICATE_ROW = rule(
    "KB701",
    "duplicate-row",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="This row repeats line {first} exactly. Remove the duplicate.",
    doc=sections(
        what="No two rows are identical.",
        why="Duplicates inflate title counts and, in some knowledge bases, create two "
        "portfolios for one title; the reader sees the same link twice.",
        example="The same title, identifiers and coverage on lines 5 and 90.",
        fix="Delete one of the rows.",
    ),
    bad=Example(rows=({}, {})),
    good=Example(
        rows=(
            {},
            {
                "publication_title": "Annals of Placeholder Research",
                "print_identifier": "",
                "online_identifier": "1746-8051",
                "title_id": "apr",
                "title_url": "https://example.org/apr",
            },
        )
    ),
)

TITLE_ID_REUSED = rule(
    "KB702",
    "title-id-reused",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.CROSS,
    message="title_id {value!r} is also used on line {first} for a different title "
    "({other!r}, no identifier in common). Each title needs its own title_id.",
    doc=sections(
        what="One title_id names one title: rows sharing a title_id share the title or an "
        "identifier.",
        why="Knowledge bases merge rows by title_id; a reused title_id merges two different "
        "journals (one library lost 540 titles this way) and their coverage.",
        example="title_id `123` on both 'Journal A' (ISSN 1111-2222) and 'Journal B'.",
        fix="Ask the provider to give each title its own title_id.",
    ),
    bad=Example(
        rows=(
            {},
            {
                "publication_title": "Annals of Placeholder Research",
                "print_identifier": "",
                "online_identifier": "1746-8051",
                "title_url": "https://example.org/apr",
            },
        )
    ),
    good=Example(
        rows=(
            {},
            {
                "publication_title": "Annals of Placeholder Research",
                "print_identifier": "",
                "online_identifier": "1746-8051",
                "title_id": "apr",
                "title_url": "https://example.org/apr",
            },
        )
    ),
)

IDENTIFIER_SHARED = rule(
    "KB703",
    "identifier-shared",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="Identifier {value} is also given on line {first} for a different title "
    "({other!r}). Check which title the identifier belongs to.",
    doc=sections(
        what="An ISSN/ISBN identifies one title in the file (rows of the same title may "
        "repeat it).",
        why="Resolvers match citations by identifier; a shared identifier sends readers of "
        "one journal to another, and deduplication merges them.",
        example="ISSN 1234-5679 on 'Journal of Invented Studies' and on 'Invented Letters'.",
        fix="Look the identifier up in the ISSN Portal; correct the row it does not belong to.",
    ),
    bad=Example(
        rows=(
            {},
            {
                "publication_title": "Invented Letters",
                "title_id": "il",
                "online_identifier": "",
                "title_url": "https://example.org/il",
            },
        )
    ),
    good=Example(
        rows=(
            {},
            {
                "publication_title": "Invented Letters",
                "title_id": "il",
                "print_identifier": "",
                "online_identifier": "1746-8051",
                "title_url": "https://example.org/il",
            },
        )
    ),
)

COVERAGE_OVERLAP = rule(
    "KB704",
    "coverage-overlap",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="The coverage of this row ({this}) overlaps line {first} ({other}) for the same "
    "title, from {overlap_start} to {overlap_end}. Merge the rows or correct the ranges.",
    doc=sections(
        what="Rows of one title in one collection cover disjoint ranges (dates, and "
        "volumes/issues where both rows give them). Ranges that merely touch are fine.",
        why="Overlaps usually mean a duplicate with different data or a range that was "
        "extended without closing the old one; which embargo or URL applies is unclear.",
        example="2001–2010 and 2005–present for the same title_id.",
        fix="Merge the rows into one range, or correct the dates of one of them.",
    ),
    bad=Example(
        rows=(
            {"date_last_issue_online": "2010"},
            {"date_first_issue_online": "2005", "notes": "second range"},
        )
    ),
    good=Example(
        rows=(
            {"date_last_issue_online": "2005-12-31"},
            {"date_first_issue_online": "2006-01-01", "notes": "second range"},
        )
    ),
)

COVERAGE_GAP_SHORT = rule(
    "KB705",
    "coverage-gap-short",
    level=Level.PORTFOLIO,
    severity=Severity.INFO,
    scope=Scope.CROSS,
    message="The title has a gap of {days} days between line {first} (ending {end}) and this "
    "row (starting {start}). KBART uses separate rows for gaps of 12 months or more; "
    "check that this short gap is real.",
    doc=sections(
        what="Rows of one title that leave a gap of less than a year between them.",
        why="KBART expects a new row when coverage has a gap of at least 12 months; a short "
        "gap is often a typing error in a date, which hides some issues from readers.",
        example="2001–2004-06 and 2004-09–present.",
        fix="Check the dates on the platform; merge the rows if there is no real gap.",
    ),
    bad=Example(
        rows=(
            {"date_last_issue_online": "2004-06"},
            {"date_first_issue_online": "2004-09", "notes": "second range"},
        )
    ),
    good=Example(
        rows=(
            {"date_last_issue_online": "2004"},
            {"date_first_issue_online": "2008", "notes": "second range"},
        )
    ),
)

GAP_IN_NOTES = rule(
    "KB706",
    "gap-described-in-notes",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="notes describe a gap in coverage ({value!r}) but the title has a single row. "
    "KBART lists each continuous range on its own row.",
    doc=sections(
        what="A coverage gap is expressed as separate rows, not only as text in notes.",
        why="Resolvers read the coverage columns, not notes: a gap described in words is "
        "invisible to them, and readers are sent to issues the library does not have.",
        example="One row 1990–present with notes 'vol. 12 (2001) not available'.",
        fix="Split the row into one row per continuous range.",
    ),
    bad=Example(rows=({"notes": "Volumes 12-14 missing"},)),
    good=Example(rows=({"notes": "Hybrid journal"},)),
)

_GAP_NOTE_RE = re.compile(
    r"\b(gaps?|missing|lacking|not available|unavailable|fehl\w*|manque\w*|lacunes?)\b",
    re.IGNORECASE,
)
_IDENT_COLUMNS = ("print_identifier", "online_identifier")
_COVERAGE_COLUMNS = (
    "date_first_issue_online",
    "num_first_vol_online",
    "num_first_issue_online",
    "date_last_issue_online",
    "num_last_vol_online",
    "num_last_issue_online",
    "embargo_info",
    "notes",
)
_SEP = "\x1f"


def _identifiers(row: KbartRow) -> tuple[str, ...]:
    """The row's valid, real identifiers in canonical form (memoised on the row)."""
    return tuple(ident for ident, _ in _identifier_columns(row))


def _identifier_columns(row: KbartRow) -> tuple[tuple[str, str], ...]:
    """(canonical identifier, column) pairs, memoised on the row."""
    cached = row.memo.get("ident_columns")
    if cached is not None:
        return cached  # type: ignore[return-value]
    out = []
    for column in _IDENT_COLUMNS:
        raw = row.values.get(column, "")
        if raw.strip():
            result = check_identifier(raw)
            if result.valid and result.canonical and "placeholder" not in result.problems:
                out.append((result.canonical, column))
    pairs = tuple(out)
    row.memo["ident_columns"] = pairs
    return pairs


def _title_id(row: KbartRow) -> str:
    """The row's title_id as a key: an Excel error (#N/A) is none, and would otherwise
    join every row a lookup failed on into one title (KB607 names the value)."""
    title_id = row.title_id
    return "" if title_id in EXCEL_ERRORS else title_id


def _title_key(row: KbartRow) -> str:
    cached = row.memo.get("title")
    if cached is None:
        cached = row.memo["title"] = normalise_title(row.values.get("publication_title", ""))
    return cached  # type: ignore[return-value]


def _grouped(scratch: Scratch, table: str, key: str, columns: str) -> Iterator[list[tuple]]:
    """Rows of ``table`` whose ``key`` occurs more than once, one list per key, by line.

    Each row is (key, *columns).
    """
    sql = (
        f"SELECT {key}, {columns} FROM {table} WHERE {key} IN "
        f"(SELECT {key} FROM {table} GROUP BY {key} HAVING COUNT(*) > 1) "
        f"ORDER BY {key}, line"
    )
    group: list[tuple] = []
    for row in scratch.query(sql):
        if group and row[0] != group[0][0]:
            yield group
            group = []
        group.append(row)
    if group:
        yield group


@cross_check(DUPLICATE_ROW)
class DuplicateRows:
    def __init__(self, scratch: Scratch) -> None:
        self.scratch = scratch
        scratch.table("dup", ("hash INTEGER", "line INTEGER"))

    def row(self, row: KbartRow, ctx: RowContext) -> None:
        self.scratch.add("dup", (hash(tuple(row.values.values())), row.line))

    def end(self, ctx: RowContext) -> None:
        for group in _grouped(self.scratch, "dup", "hash", "line"):
            first = group[0][1]
            for _, line in group[1:]:
                ctx.report("KB701", line, first=first)


@cross_check(TITLE_ID_REUSED, IDENTIFIER_SHARED)
class SharedKeys:
    """title_id → (title, identifiers); identifier → (title_id, title)."""

    def __init__(self, scratch: Scratch) -> None:
        self.scratch = scratch
        scratch.table(
            "tid", ("title_id TEXT", "line INTEGER", "norm TEXT", "title TEXT", "idents TEXT")
        )
        scratch.table(
            "ident",
            ("ident TEXT", "line INTEGER", "title_id TEXT", "norm TEXT", "title TEXT", "col TEXT"),
        )

    def row(self, row: KbartRow, ctx: RowContext) -> None:
        title = row.values.get("publication_title", "")
        norm = _title_key(row)
        pairs = _identifier_columns(row)
        title_id = _title_id(row)
        if title_id:
            idents = _SEP.join(ident for ident, _ in pairs)
            self.scratch.add("tid", (title_id, row.line, norm, title, idents))
        for ident, column in pairs:
            self.scratch.add("ident", (ident, row.line, title_id, norm, title, column))

    def end(self, ctx: RowContext) -> None:
        for group in _grouped(self.scratch, "tid", "title_id", "line, norm, title, idents"):
            _, first_line, first_norm, first_title, first_idents = group[0]
            known = set(first_idents.split(_SEP)) - {""}
            for title_id, line, norm, _title, idents in group[1:]:
                if norm != first_norm and not known & (set(idents.split(_SEP)) - {""}):
                    ctx.report(
                        "KB702",
                        line,
                        column="title_id",
                        value=title_id,
                        record_id=title_id,
                        first=first_line,
                        other=first_title,
                    )
        for group in _grouped(self.scratch, "ident", "ident", "line, title_id, norm, title, col"):
            _, first_line, first_tid, first_norm, first_title, _ = group[0]
            for ident, line, title_id, norm, _title, column in group[1:]:
                if norm != first_norm and (not title_id or first_tid != title_id):
                    ctx.report(
                        "KB703",
                        line,
                        column=column,
                        value=ident,
                        record_id=title_id or None,
                        first=first_line,
                        other=first_title,
                    )


@cross_check(COVERAGE_OVERLAP, COVERAGE_GAP_SHORT, GAP_IN_NOTES)
class CoverageAcrossRows:
    """Rows grouped by title; each title's ranges compared pairwise at the end.

    Only the coverage cells are kept; ranges are parsed at the end, and only for titles
    with more than one row.
    """

    def __init__(self, scratch: Scratch) -> None:
        self.scratch = scratch
        scratch.table(
            "cov", ("key TEXT", "line INTEGER", "cells TEXT", "gap_note INTEGER", "title_id TEXT")
        )

    def row(self, row: KbartRow, ctx: RowContext) -> None:
        values = row.values
        idents = _identifiers(row)
        key = _title_id(row) or (idents[0] if idents else "")
        if not key:
            if row.values.get("publication_title", "").strip() in EXCEL_ERRORS:
                return  # "#N/A" for a title is no title: the rows are not one title's
            key = "t:" + _title_key(row)
            if key == "t:":
                return
        # Each collection file is checked on its own, so the key needs no collection part.
        notes = values.get("notes", "")
        gap_note = 1 if notes and _GAP_NOTE_RE.search(notes) else 0
        cells = _SEP.join(values.get(c, "") for c in _COVERAGE_COLUMNS)
        self.scratch.add("cov", (key, row.line, cells, gap_note, row.title_id))

    def end(self, ctx: RowContext) -> None:
        single_notes = (
            "SELECT line, cells, title_id FROM cov WHERE gap_note = 1 AND key IN "
            "(SELECT key FROM cov GROUP BY key HAVING COUNT(*) = 1) ORDER BY line"
        )
        for line, cells, title_id in self.scratch.query(single_notes):
            ctx.report(
                "KB706",
                line,
                column="notes",
                value=cells.split(_SEP)[-1],
                record_id=title_id or None,
            )
        for group in _grouped(self.scratch, "cov", "key", "line, cells, title_id"):
            ranges = [
                (
                    line,
                    coverage_from_values(
                        dict(zip(_COVERAGE_COLUMNS, cells.split(_SEP), strict=True))
                    ),
                    title_id,
                )
                for _, line, cells, title_id in group
            ]
            # A range with a bound that cannot be read would compare as open on that side
            # (2005-13 as "to the present"); its date is reported by the row rules.
            self._compare([r for r in ranges if not r[1].unreadable], ctx)

    def _compare(self, rows: list[tuple[int, CoverageRange, str]], ctx: RowContext) -> None:
        for i, (line_a, a, _) in enumerate(rows):
            for line_b, b, title_id in rows[i + 1 :]:
                shared = overlaps(a, b)
                if shared is not None and _enum_overlap(a, b):
                    ctx.report(
                        "KB704",
                        line_b,
                        column="date_first_issue_online",
                        record_id=title_id or None,
                        first=line_a,
                        this=b.statement(),
                        other=a.statement(),
                        overlap_start=_day(shared[0]),
                        overlap_end=_day(shared[1]),
                    )
                    continue
                gap = _gap_days(a, b)
                if gap is not None and 0 < gap < 365:
                    earlier, later, first_line, this_line = (
                        (a, b, line_a, line_b)
                        if (a.last_day() or dt.date.max) < (b.first_day() or dt.date.min)
                        else (b, a, line_b, line_a)
                    )
                    ctx.report(
                        "KB705",
                        this_line,
                        column="date_first_issue_online",
                        record_id=title_id or None,
                        days=gap,
                        first=first_line,
                        end=str(earlier.end_date),
                        start=str(later.start_date),
                    )


def _day(day: dt.date) -> str:
    if day == dt.date.min:
        return "the beginning"
    if day == dt.date.max:
        return "the present"
    return day.isoformat()


def _enum_overlap(a: CoverageRange, b: CoverageRange) -> bool:
    """False only when both ranges give volumes and those ranges are disjoint."""
    a_start, a_end = enum_key(a.start_volume, a.start_issue), enum_key(a.end_volume, a.end_issue)
    b_start, b_end = enum_key(b.start_volume, b.start_issue), enum_key(b.end_volume, b.end_issue)
    if a_end is not None and b_start is not None and compare_enum(a_end, b_start) < 0:
        return False
    return not (b_end is not None and a_start is not None and compare_enum(b_end, a_start) < 0)


def _gap_days(a: CoverageRange, b: CoverageRange) -> int | None:
    """Days strictly between two disjoint dated ranges, or None."""
    a_first, a_last, b_first, b_last = a.first_day(), a.last_day(), b.first_day(), b.last_day()
    if a_last is not None and b_first is not None and a_last < b_first:
        return (b_first - a_last).days - 1
    if b_last is not None and a_first is not None and b_last < a_first:
        return (a_first - b_last).days - 1
    return None
