"""The holdings file for a central discovery index: active holdings, strictly valid.

``build_holdings`` reads the current portfolios of the store's active collections and
turns them into ``Holding``s, one per title, each with its published lines:

* **Identifiers.** Only valid ISSNs and ISBNs (``erdq.identifiers``; placeholders such as
  0000-0000 count as invalid) are published, in canonical form (ISSN ``1234-5679``, ISBN
  as compact ISBN-13). An invalid identifier is left out (HL101); a portfolio with no
  valid identifier is not published (HL102).
* **Titles.** Portfolios sharing a valid identifier, in one collection or across several,
  are one title (a union over shared identifiers). Portfolios of one title whose
  normalised titles differ are reported (HL104).
* **Lines.** Each coverage range keeps the columns that describe it as its portfolio gave
  them (``LINE_COLUMNS``: title_url, access_type, coverage_depth, notes, publisher_name,
  first_author, first_editor and the monograph columns). A central index reads a KBART
  line as "this URL gives this coverage, on these terms", so ranges are merged only when
  all of these agree: two collections of one title with different URLs, or a free (F)
  and a paid (P) range, stay separate lines and the index unions them itself. Merging
  them would attach one collection's URL or access type to years it does not provide.
* **Coverage.** A range with an unreadable date or embargo, or one that ends before it
  starts, is left out (HL103): publishing it would claim more than the library has. A
  range whose volume and issue numbers end before they start (a year typed as the first
  volume) is published by its dates alone when it has both (HL105), else left out.
  The remaining ranges of a line are merged: ranges with the same embargo whose dates
  overlap or touch become one; a range wholly inside a range without embargo is dropped
  (it adds nothing); gaps stay gaps. Ranges bounded only by volume (no date on that side)
  are published as given, never merged, since their dates are unknown. No embargo
  arithmetic happens here: merging compares the ranges' own dates only, so the file does
  not depend on the day it is written.
* **Not published.** title_id is the holding key (the first identifier), since a merged
  title has no single provider id; parent_publication_title_id and
  preceding_publication_title_id name provider ids that the file therefore does not
  contain, so they are left out rather than published as dangling references.
* **Order.** Holdings by normalised title, then identifier; lines by start, end, embargo
  and their other columns. The same store always gives the same bytes.

``write_holdings`` writes KBART (tab-separated, the KBART Phase II columns), CSV (the same
columns) or JSON Lines (one holding a line, every identifier and line). The result's
``report()`` says what was read, published and left out, and why.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from erdq.errors import InputError
from erdq.findings import Confidence, Finding, Location, Severity
from erdq.identifiers import check_identifier
from erdq.kbart_fields import standard_columns
from erdq.model.coverage import CoverageRange, enum_inverted, inverted
from erdq.model.dates import parse_partial_date
from erdq.model.embargo import parse_embargo
from erdq.model.portfolio import Portfolio, normalise_title
from erdq.registry import get_rule

FORMATS = ("kbart", "csv", "json")

# KBART Phase II columns (NISO RP-9-2014), in the mandated order.
KBART_COLUMNS = standard_columns()

_ID_COLUMNS = ("print_identifier", "online_identifier")
_DATE_COLUMNS = ("date_first_issue_online", "date_last_issue_online")

# The columns a published line takes from the portfolios behind it, as given. They are
# what the provider says about that stretch of coverage (where, on what terms, of which
# edition), so lines merge only when all of them agree (see the module doc).
LINE_COLUMNS = (
    "title_url",
    "first_author",
    "coverage_depth",
    "notes",
    "publisher_name",
    "date_monograph_published_print",
    "date_monograph_published_online",
    "monograph_volume",
    "monograph_edition",
    "first_editor",
    "access_type",
)

LineValues = tuple[tuple[str, str], ...]  # (column, value) of LINE_COLUMNS, empty ones left out


@dataclass(frozen=True, slots=True)
class HoldingLine:
    """One published KBART line: a merged coverage range, the columns that describe it and
    the collections whose portfolios it comes from."""

    coverage: CoverageRange
    values: LineValues
    collections: tuple[str, ...]

    def get(self, column: str) -> str | None:
        return dict(self.values).get(column)

    def to_dict(self) -> dict[str, Any]:
        values = dict(self.values)
        return {
            **range_dict(self.coverage),
            **{c: values.get(c) for c in LINE_COLUMNS},
            "collections": list(self.collections),
        }


@dataclass(frozen=True, slots=True)
class Holding:
    """One title as published: its valid identifiers, its lines and provenance."""

    key: str  # the first identifier, sorted: the title's id in the file
    title: str
    publication_type: str | None
    print_identifiers: tuple[str, ...]
    online_identifiers: tuple[str, ...]
    lines: tuple[HoldingLine, ...]
    collections: tuple[str, ...]
    portfolios: int

    @property
    def coverage(self) -> tuple[CoverageRange, ...]:
        return tuple(line.coverage for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "publication_type": self.publication_type,
            "print_identifiers": list(self.print_identifiers),
            "online_identifiers": list(self.online_identifiers),
            "coverage": [line.to_dict() for line in self.lines],
            "collections": list(self.collections),
            "portfolios": self.portfolios,
        }


def range_dict(r: CoverageRange) -> dict[str, str | None]:
    """A range as KBART-style text values (None where empty)."""
    return {
        "date_first_issue_online": _text(r.start_date),
        "num_first_vol_online": r.start_volume,
        "num_first_issue_online": r.start_issue,
        "date_last_issue_online": _text(r.end_date),
        "num_last_vol_online": r.end_volume,
        "num_last_issue_online": r.end_issue,
        "embargo_info": _text(r.embargo),
    }


@dataclass
class CollectionUse:
    """What became of one collection: published, or why not."""

    name: str
    status: str
    published: bool
    portfolios: int = 0
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "published": self.published,
            "portfolios": self.portfolios,
            "reason": self.reason,
        }


@dataclass
class HoldingsResult:
    holdings: list[Holding]
    findings: list[Finding]
    collections: list[CollectionUse]
    portfolios_read: int = 0
    portfolios_published: int = 0
    ranges_read: int = 0
    today: dt.date | None = None
    left_out: Counter[str] = field(default_factory=Counter)  # rule code → count

    @property
    def ranges_published(self) -> int:
        return sum(len(h.coverage) for h in self.holdings)

    def report(self) -> dict[str, Any]:
        """The documented report: counts, collections and every finding."""
        by_code = Counter(f.code for f in self.findings)
        return {
            "today": self.today.isoformat() if self.today else None,
            "holdings": len(self.holdings),
            "ranges_published": self.ranges_published,
            "portfolios_read": self.portfolios_read,
            "portfolios_published": self.portfolios_published,
            "portfolios_left_out": self.portfolios_read - self.portfolios_published,
            "ranges_read": self.ranges_read,
            "collections": [c.to_dict() for c in self.collections],
            "findings_by_code": {
                code: {"name": get_rule(code).name, "count": by_code[code]}
                for code in sorted(by_code)
            },
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class _Entry:
    """One portfolio on its way to a holding."""

    portfolio: Portfolio
    source: str
    print_ids: list[str]
    online_ids: list[str]
    ranges: list[CoverageRange]
    values: LineValues

    @property
    def ids(self) -> list[str]:
        return [*self.print_ids, *self.online_ids]


def build_holdings(
    store: Any,
    collections: Sequence[str] | None = None,
    *,
    today: dt.date | None = None,
    severity: dict[str, Severity] | None = None,
) -> HoldingsResult:
    """The holdings of the store's active collections (all, or those named)."""
    known = {c["name"]: c for c in store.collections()}
    wanted = list(dict.fromkeys(c.strip() for c in collections or ()))
    unknown = [name for name in wanted if name not in known]
    if unknown:
        listing = ", ".join(repr(n) for n in sorted(known)) or "none yet"
        raise InputError(
            f"no collection named {', '.join(repr(n) for n in unknown)} in the store",
            hint=f"the store has: {listing}; import one with erdq import kbart",
        )
    uses: list[CollectionUse] = []
    entries: list[_Entry] = []
    findings: list[Finding] = []
    result = HoldingsResult([], findings, uses, today=today)
    grades = severity or {}
    for name in sorted(wanted or known):
        info = known[name]
        status = str(info.get("status") or "active")
        if status != "active":
            uses.append(CollectionUse(name, status, False, reason=f"collection is {status}"))
            continue
        if info.get("latest_snapshot_id") is None:
            uses.append(CollectionUse(name, status, False, reason="no KBART snapshot"))
            continue
        snapshot = store.latest_snapshot(name) or {}
        source = str(snapshot.get("file_name") or snapshot.get("source") or name)
        use = CollectionUse(name, status, True)
        uses.append(use)
        for portfolio in store.portfolios(name):
            use.portfolios += 1
            result.portfolios_read += 1
            result.ranges_read += len(portfolio.coverage)
            entry = _entry(portfolio, source, findings, grades)
            if entry is not None:
                entries.append(entry)
    for group in _group(entries):
        holding = _holding(group, findings, grades)
        if holding is not None:
            result.holdings.append(holding)
            result.portfolios_published += len(group)
    result.holdings.sort(key=lambda h: (normalise_title(h.title), h.title, h.key))
    findings.sort(key=lambda f: (f.location.source, f.location.line or 0, f.code))
    result.left_out.update(f.code for f in findings if f.code in ("HL102", "HL103"))
    return result


def _entry(
    p: Portfolio, source: str, findings: list[Finding], grades: dict[str, Severity]
) -> _Entry | None:
    def find(code: str, column: str | None, value: str | None, **params: object) -> None:
        location = Location(source=source, line=p.line, column=column, record_id=p.title_id)
        params = {"title": p.title, "collection": p.collection, **params}
        findings.append(_finding(code, location, params, value, grades))

    ids: dict[str, list[str]] = {}
    for column in _ID_COLUMNS:
        raw = (p.raw.get(column) or "").strip()
        ids[column] = []
        if not raw:
            continue
        check = check_identifier(raw)
        if check.valid and check.canonical and "placeholder" not in check.problems:
            ids[column].append(check.canonical)
        else:
            problem = ", ".join(check.problems) or "not an ISSN or ISBN"
            find("HL101", column, raw, problem=problem)
    if not ids["print_identifier"] and not ids["online_identifier"]:
        find("HL102", "print_identifier", p.raw.get("print_identifier") or None)
        return None
    ranges = []
    for r in p.coverage:
        problem, column, value = _range_problem(r, p.raw)
        if problem is not None:
            find("HL103", column, value, problem=problem)
        elif enum_inverted(r):
            # The dates bound the range; its numbers contradict each other (HL105).
            numbers = f"its numbers end ({_enum(r.end_volume, r.end_issue)}) before they " + (
                f"start ({_enum(r.start_volume, r.start_issue)})"
            )
            find("HL105", "num_first_vol_online", r.start_volume, problem=numbers)
            ranges.append(dataclasses.replace(r, **dict.fromkeys(_NUMBERS)))
        else:
            ranges.append(r)
    if not ranges:
        return None  # HL103 said why; with no range left, the title is not published
    return _Entry(
        p, source, ids["print_identifier"], ids["online_identifier"], ranges, line_values(p.raw)
    )


def line_values(raw: Any) -> LineValues:
    """A portfolio's LINE_COLUMNS as given; runs of white space count as one space, so a
    stray tab or double space does not split a line."""
    out = []
    for column in LINE_COLUMNS:
        value = " ".join((raw.get(column) or "").split())
        if value:
            out.append((column, value))
    return tuple(out)


def _range_problem(r: CoverageRange, raw: Any) -> tuple[str | None, str | None, str | None]:
    """Why a range cannot be published as stored: (problem, column, value) or Nones.

    The portfolio model reads an unreadable date as absent (unbounded) and an unreadable
    embargo as none; the raw text tells the two apart.
    """
    for column in _DATE_COLUMNS:
        text = (raw.get(column) or "").strip()
        if text and parse_partial_date(text).value is None:
            return f"{column} {text!r} is not a readable date", column, text
    text = (raw.get("embargo_info") or "").strip()
    if text and parse_embargo(text, strict=False).value is None:
        return f"embargo_info {text!r} is not a readable embargo", "embargo_info", text
    if inverted(r):
        problem = f"it ends ({r.end_date}) before it starts ({r.start_date})"
        return problem, "date_last_issue_online", _text(r.end_date)
    if enum_inverted(r) and (r.first_day() is None or r.last_day() is None):
        problem = (
            f"its numbers end ({_enum(r.end_volume, r.end_issue)}) before they start "
            f"({_enum(r.start_volume, r.start_issue)}), and without a date on both sides "
            "nothing else bounds it"
        )
        return problem, "num_last_vol_online", r.end_volume
    return None, None, None


_NUMBERS = ("start_volume", "start_issue", "end_volume", "end_issue")


def _enum(volume: str | None, issue: str | None) -> str:
    parts = (f"v.{volume}" if volume else "", f"no.{issue}" if issue else "")
    return " ".join(p for p in parts if p)


def _group(entries: list[_Entry]) -> Iterator[list[_Entry]]:
    """Entries sharing any identifier, transitively (union-find), in first-seen order."""
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, entry in enumerate(entries):
        for ident in entry.ids:
            j = owner.setdefault(ident, i)
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[_Entry]] = {}
    for i, entry in enumerate(entries):
        groups.setdefault(root(i), []).append(entry)
    yield from groups.values()


def _holding(
    group: list[_Entry], findings: list[Finding], grades: dict[str, Severity]
) -> Holding | None:
    titles = Counter(e.portfolio.title for e in group)
    # The most common title; ties go to the alphabetically first, so order never matters.
    title = min(titles, key=lambda t: (-titles[t], t))
    key_title = normalise_title(title)
    prints = sorted({i for e in group for i in e.print_ids})
    onlines = sorted({i for e in group for i in e.online_ids})
    for e in group:
        if normalise_title(e.portfolio.title) != key_title:
            shared = sorted(set(e.ids) & {i for o in group if o is not e for i in o.ids})
            location = Location(
                source=e.source, line=e.portfolio.line, record_id=e.portfolio.title_id
            )
            params = {
                "title": e.portfolio.title,
                "holding_title": title,
                "identifier": ", ".join(shared),
                "collection": e.portfolio.collection,
            }
            findings.append(
                _finding("HL104", location, params, e.portfolio.title, grades, Confidence.LIKELY)
            )
    ptypes = Counter(e.portfolio.publication_type for e in group if e.portfolio.publication_type)
    return Holding(
        key=sorted([*prints, *onlines])[0],
        title=title,
        publication_type=min(ptypes, key=lambda t: (-ptypes[t], t)) if ptypes else None,
        print_identifiers=tuple(prints),
        online_identifiers=tuple(onlines),
        lines=tuple(_lines(group)),
        collections=tuple(sorted({e.portfolio.collection for e in group})),
        portfolios=len(group),
    )


def _lines(group: list[_Entry]) -> list[HoldingLine]:
    """The title's lines: its ranges merged among those whose line columns agree.

    access_type is one of those columns on purpose: a merged F and P range would be
    published either as free (claiming open access to years the library pays for) or as
    paid (hiding that they are free), so they stay two lines, each with its own terms.
    """
    by_values: dict[LineValues, list[_Piece]] = {}
    for e in group:
        pieces = by_values.setdefault(e.values, [])
        pieces.extend((r, frozenset([e.portfolio.collection])) for r in e.ranges)
    lines = [
        HoldingLine(r, values, tuple(sorted(collections)))
        for values, pieces in by_values.items()
        for r, collections in _merge_pieces(pieces)
    ]
    return sorted(lines, key=lambda line: (_range_order(line.coverage), line.values))


_Piece = tuple[CoverageRange, frozenset[str]]  # a range and the collections it comes from


def merge_ranges(ranges: Iterable[CoverageRange]) -> list[CoverageRange]:
    """Ranges merged as the module doc says, in a deterministic order."""
    return [r for r, _ in _merge_pieces([(r, frozenset()) for r in ranges])]


def _merge_pieces(pieces: Iterable[_Piece]) -> list[_Piece]:
    """merge_ranges, keeping track of the collections behind each merged range."""
    fixed: dict[CoverageRange, frozenset[str]] = {}  # bounded by volume only on some side
    by_embargo: dict[str, list[_Piece]] = {}
    for r, sources in pieces:
        if _volume_bounded(r):
            fixed[r] = fixed.get(r, frozenset()) | sources
        else:
            by_embargo.setdefault(_text(r.embargo) or "", []).append((r, sources))
    merged: list[_Piece] = []
    for group in by_embargo.values():
        merged.extend(_merge_dates(group))
    free = [(r, s) for r, s in merged if r.embargo is None]
    kept: dict[CoverageRange, frozenset[str]] = dict(fixed)
    for r, sources in merged:
        outer = None if r.embargo is None else next((f for f, _ in free if _contains(f, r)), None)
        # An embargoed range inside an open one adds no coverage, but its collection
        # still provides the line, so it is credited there.
        target = r if outer is None else outer
        kept[target] = kept.get(target, frozenset()) | sources
    return sorted(kept.items(), key=lambda item: _range_order(item[0]))


def _volume_bounded(r: CoverageRange) -> bool:
    return (r.start_date is None and bool(r.start_volume or r.start_issue)) or (
        r.end_date is None and bool(r.end_volume or r.end_issue)
    )


def _merge_dates(pieces: list[_Piece]) -> list[_Piece]:
    ordered = sorted(pieces, key=lambda piece: _range_order(piece[0]))
    out: list[_Piece] = []
    for r, sources in ordered:
        if out and _touches(out[-1][0], r):
            out[-1] = (_union(out[-1][0], r), out[-1][1] | sources)
        else:
            out.append((r, sources))
    return out


def _touches(a: CoverageRange, b: CoverageRange) -> bool:
    """b starts no later than the day after a ends (a starts first)."""
    a_last, b_first = a.last_day(), b.first_day()
    if a_last is None or b_first is None:
        return True
    return b_first <= a_last + dt.timedelta(days=1) if a_last < dt.date.max else True


def _union(a: CoverageRange, b: CoverageRange) -> CoverageRange:
    # a starts first (sorted), so its start stands; the later end wins, open-ended most.
    a_last, b_last = a.last_day(), b.last_day()
    later = a if a_last is None or (b_last is not None and a_last >= b_last) else b
    return CoverageRange(
        a.start_date,
        a.start_volume,
        a.start_issue,
        later.end_date,
        later.end_volume,
        later.end_issue,
        a.embargo,
    )


def _contains(outer: CoverageRange, inner: CoverageRange) -> bool:
    o_first, o_last = outer.first_day(), outer.last_day()
    i_first, i_last = inner.first_day(), inner.last_day()
    starts = o_first is None or (i_first is not None and o_first <= i_first)
    ends = o_last is None or (i_last is not None and i_last <= o_last)
    return starts and ends


def _range_order(r: CoverageRange) -> tuple:
    first, last = r.first_day(), r.last_day()
    return (
        first or dt.date.min,
        last or dt.date.max,
        _text(r.embargo) or "",
        r.start_volume or "",
        r.start_issue or "",
        r.end_volume or "",
        r.end_issue or "",
    )


def _finding(
    code: str,
    location: Location,
    params: dict[str, object],
    value: str | None,
    grades: dict[str, Severity],
    confidence: Confidence = Confidence.CERTAIN,
) -> Finding:
    severity = grades.get(code, get_rule(code).severity)
    return Finding(code, severity, location, params, value, confidence)


def write_holdings(result: HoldingsResult, out: TextIO, fmt: str = "kbart") -> int:
    """Write the holdings; returns the number of lines (ranges or holdings) written."""
    if fmt not in FORMATS:
        raise InputError(f"unknown holdings format {fmt!r}", hint=f"use one of {FORMATS}")
    if fmt == "json":
        for h in result.holdings:
            out.write(json.dumps(h.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        return len(result.holdings)
    delimiter = "\t" if fmt == "kbart" else ","
    quoting = csv.QUOTE_NONE if fmt == "kbart" else csv.QUOTE_MINIMAL
    writer = csv.writer(
        out, delimiter=delimiter, quoting=quoting, escapechar=None, lineterminator="\n"
    )
    writer.writerow(KBART_COLUMNS)
    lines = 0
    for row in kbart_rows(result.holdings):
        if fmt == "kbart":
            # KBART has no quoting: a tab or line break inside a value becomes a space.
            row = {k: " ".join(v.split()) if v else v for k, v in row.items()}
        writer.writerow([row.get(c) or "" for c in KBART_COLUMNS])
        lines += 1
    return lines


def kbart_rows(holdings: Iterable[Holding]) -> Iterator[dict[str, str | None]]:
    """One KBART row per published line: the title's first print and online identifier
    (JSON output lists them all), the holding key as title_id, and the line's columns."""
    for h in holdings:
        for line in h.lines:
            yield {
                "publication_title": h.title,
                "print_identifier": h.print_identifiers[0] if h.print_identifiers else None,
                "online_identifier": h.online_identifiers[0] if h.online_identifiers else None,
                **range_dict(line.coverage),
                **dict(line.values),
                "title_id": h.key,
                "publication_type": h.publication_type,
            }


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)
