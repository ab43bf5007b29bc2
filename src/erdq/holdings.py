"""The holdings file for a central discovery index: active holdings, strictly valid.

``build_holdings`` reads the current portfolios of the store's active collections and
turns them into ``Holding``s, one per title, each with its published lines:

* **Identifiers.** Only valid ISSNs and ISBNs (``erdq.identifiers``; placeholders such as
  0000-0000 count as invalid) are published, in canonical form (ISSN ``1234-5679``, ISBN
  as compact ISBN-13). An invalid identifier is left out (HL101); a portfolio with no
  valid identifier is not published (HL102).
* **Titles.** Portfolios sharing a valid identifier, in one collection or across several,
  are one title (a union over shared identifiers) unless their titles differ and their
  identifiers of one kind disagree (an eISSN given to the wrong journal, whose print
  ISSN is its own): those are kept apart, each published with its own coverage, and the
  shared identifier is reported (HL104), as are portfolios of one title whose normalised
  titles differ. The file's print and online identifier is the one most portfolios give.
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
* **Values.** The file must pass KBART validation for every column it writes, so each
  value a portfolio gives is checked as it is published. A change that is certain is made
  and reported (HL106): a tab, line break or other control character inside a value
  (which a tab-separated file cannot hold) becomes a space or is removed, white space is
  trimmed, a literal ``\\r``/``\\n``/``\\t`` becomes a space, a controlled value takes its
  KBART spelling (``fulltext``, ``P``), spaces in a title_url are percent-encoded. A
  value that is wrong and cannot be repaired with certainty (U+FFFD, a spreadsheet error
  such as ``#N/A``, an access_type that is not F, P or M, an unreadable monograph date, a
  title_url that is not an absolute http(s) URL) is left blank (HL107); in a column every
  KBART row needs (publication_title, coverage_depth, publication_type) it keeps the
  portfolio out of the file (HL108). Likely repairs are made with HL106 too, marked
  likely: a missing or wrong publication_type is taken from the identifiers when they are
  all ISSNs (serial) or all ISBNs (monograph); an empty coverage_depth, or a near miss
  (``full text``), is published as fulltext (the library's active portfolio is offered
  as full text); a monograph date such as 15/11/2010 that only one order of day and
  month makes real is published in ISO form. An empty title_url is published empty
  (the index links through the resolver): the one KBART rule the file may then fail.
* **Not published.** title_id is the holding key (the first identifier), since a merged
  title has no single provider id; parent_publication_title_id and
  preceding_publication_title_id name provider ids that the file therefore does not
  contain, so they are left out rather than published as dangling references.
* **Order.** Holdings by normalised title, then identifier; lines by start, end, embargo
  and their other columns. The same store always gives the same bytes.

``write_holdings`` writes KBART (tab-separated, the KBART Phase II columns, values as they
are: KBART has no quoting), CSV (the same columns) or JSON Lines (one holding a line,
every identifier and line). The result's ``report()`` says what was read, published and
left out, and why.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from erdq.errors import InputError
from erdq.findings import Confidence, Finding, Location, Severity
from erdq.identifiers import check_identifier
from erdq.kbart_fields import standard_columns, vocabulary
from erdq.model.coverage import CoverageRange, enum_inverted, inverted
from erdq.model.dates import parse_partial_date
from erdq.model.embargo import Embargo
from erdq.model.portfolio import Portfolio, normalise_title
from erdq.readers.text import EXCEL_ERRORS
from erdq.registry import get_rule
from erdq.rules.kbart.urls import absolute_url_problem
from erdq.rules.kbart.vocab import judge

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
    title: str  # as published (see publish_text)
    publication_type: str

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
        from erdq.store.names import unknown_collections

        raise unknown_collections(unknown, known, InputError)
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
    groups, apart = _group(entries)
    keys: set[str] = set()
    for group in groups:
        holding = _holding(group, findings, grades, keys)
        if holding is not None:
            result.holdings.append(holding)
            result.portfolios_published += len(group)
    for entry, identifier, other in apart:
        location = Location(
            source=entry.source, line=entry.portfolio.line, record_id=entry.portfolio.title_id
        )
        params = {
            "title": entry.portfolio.title,
            "holding_title": other,
            "identifier": identifier,
            "collection": entry.portfolio.collection,
            "outcome": f"the titles differ, so each was published as a title of its own, "
            f"both with {identifier}",
        }
        findings.append(
            _finding("HL104", location, params, entry.portfolio.title, grades, Confidence.LIKELY)
        )
    result.holdings.sort(key=lambda h: (normalise_title(h.title), h.title, h.key))
    findings.sort(key=lambda f: (f.location.source, f.location.line or 0, f.code))
    result.left_out.update(f.code for f in findings if f.code in ("HL102", "HL103", "HL108"))
    return result


def _entry(
    p: Portfolio, source: str, findings: list[Finding], grades: dict[str, Severity]
) -> _Entry | None:
    def find(
        code: str,
        column: str | None,
        value: str | None,
        confidence: Confidence = Confidence.CERTAIN,
        **params: object,
    ) -> None:
        location = Location(source=source, line=p.line, column=column, record_id=p.title_id)
        params = {"title": p.title, "collection": p.collection, "column": column, **params}
        findings.append(_finding(code, location, params, value, grades, confidence))

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
    published = published_values(p.raw, [*ids["print_identifier"], *ids["online_identifier"]])
    for change in published.changes:
        code = {"changed": "HL106", "blanked": "HL107", "unpublishable": "HL108"}[change.kind]
        find(
            code,
            change.column,
            change.value,
            published=change.published,
            problem=change.problem,
            confidence=change.confidence,
        )
    if published.left_out:
        return None  # HL108 said why
    ranges = []
    for r in p.coverage:
        problem, column, value = _range_problem(r)
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
    ranges = [dataclasses.replace(r, embargo=_walls(r.embargo)) for r in ranges]
    given = (p.raw.get("embargo_info") or "").strip()
    written = _text(ranges[0].embargo) or ""
    if given and written != given:
        zero = any(st.length == 0 for st in (p.coverage[0].embargo or Embargo(())).statements)
        why = (
            "a length of 0 is no moving wall, and an index that reads R0 literally would "
            "offer nothing of the title"
            if zero
            else "written as KBART spells it"
        )
        find("HL106", "embargo_info", given, published=written, problem=why)
    for column in _DATE_COLUMNS:
        # A coverage date in a form only one reading fits (31/12/2005, 20151220) is read
        # so by the portfolio model, and published as ISO: say so.
        text = (p.raw.get(column) or "").strip()
        reading = date_reading(text) if text else None
        if reading is not None:
            published_date, why = reading
            find("HL106", column, text, Confidence.LIKELY, published=published_date,
                 problem=why)  # fmt: skip
    values = tuple((c, published.values[c]) for c in LINE_COLUMNS if published.values.get(c))
    return _Entry(
        p,
        source,
        ids["print_identifier"],
        ids["online_identifier"],
        ranges,
        values,
        published.values["publication_title"],
        published.values["publication_type"],
    )


def line_values(raw: Any) -> LineValues:
    """A portfolio's LINE_COLUMNS as they are published (see ``published_values``)."""
    values = published_values(raw, []).values
    return tuple((c, values[c]) for c in LINE_COLUMNS if values.get(c))


# --- What the written columns may hold ----------------------------------------------------

# Characters a tab-separated line cannot hold inside a value: they end the cell or the row
# (TAB, the line ends, and what Python and Unicode also read as line breaks).
_BREAKS_RE = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Other control characters (C0, DEL, C1): KBART validation rejects them (KB602).
_CONTROLS_RE = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_ESCAPES_RE = re.compile(r"\\[rnt]")  # the literal text \r, \n or \t (KB608)
_SPACES_RE = re.compile(r" {2,}")
_URL_SPACE_RE = re.compile(r"\s")
# Columns every KBART row needs: a portfolio whose value there is unusable is left out.
# Not title_url: the index links through the resolver, and a holding without a URL of its
# own is still held (a wrong one is published empty, HL107). Not coverage_depth either when
# it is empty or a near miss ("full text"): a portfolio the library has active is offered
# as full text, so it is published as fulltext (HL106, likely), not left out.
REQUIRED_COLUMNS = ("publication_title", "coverage_depth", "publication_type")
_VOCABULARY_COLUMNS = ("coverage_depth", "access_type", "publication_type")
_MONOGRAPH_DATES = ("date_monograph_published_print", "date_monograph_published_online")


@dataclass(frozen=True, slots=True)
class ValueChange:
    """What publishing did to one value: ``changed`` (published as ``published``),
    ``blanked`` (published empty) or ``unpublishable`` (the portfolio is left out)."""

    kind: str
    column: str
    value: str
    published: str
    problem: str
    confidence: Confidence = Confidence.CERTAIN


@dataclass(frozen=True, slots=True)
class PublishedValues:
    values: dict[str, str]  # publication_title, publication_type and LINE_COLUMNS
    changes: tuple[ValueChange, ...]
    left_out: bool


def _replacement(char: str) -> str:
    """What a control character becomes: C1 ones are Windows-1252 text decoded as
    Latin-1 (U+0092 for ’); the others, and C1 codes Windows-1252 leaves undefined, go."""
    if "\x80" <= char <= "\x9f":
        try:
            return bytes([ord(char)]).decode("cp1252")
        except UnicodeDecodeError:
            return ""
    return ""


def publish_text(value: str) -> tuple[str, list[str]]:
    """``value`` as a KBART cell can hold it, and what had to change (nothing: ``[]``).

    Tabs and line breaks become spaces, other control characters are removed (C1 ones
    read as Windows-1252), the literal text \\r, \\n or \\t becomes a space, runs of
    spaces become one and white space around the value goes. No-break spaces inside it
    stay.
    """
    changes: list[str] = []
    text = value
    breaks = sorted(set(_BREAKS_RE.findall(text)))
    if breaks:
        text = _BREAKS_RE.sub(" ", text)
        changes.append(f"{_chars(breaks)} (tab or line break) became a space")
    controls = sorted(set(_CONTROLS_RE.findall(text)))
    if controls:
        text = _CONTROLS_RE.sub(lambda m: _replacement(m.group(0)), text)
        said = [f"{_chars([c])} became {_replacement(c)!r}" for c in controls if _replacement(c)]
        removed = [c for c in controls if not _replacement(c)]
        if removed:
            said.append(f"control character(s) {_chars(removed)} removed")
        changes.append(", ".join(said))
    escapes = sorted(set(_ESCAPES_RE.findall(text)))
    if escapes:
        text = _ESCAPES_RE.sub(" ", text)
        changes.append(f"the literal text {' '.join(escapes)} became a space")
    squeezed = _SPACES_RE.sub(" ", text).strip()
    if squeezed != text:
        changes.append("white space trimmed")
    return squeezed, changes


def _chars(chars: Iterable[str]) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in chars)


def published_values(raw: Any, identifiers: Sequence[str]) -> PublishedValues:
    """The title, publication_type and LINE_COLUMNS of one portfolio as they are published,
    and what publishing did to them (see the module doc). ``identifiers`` are the
    portfolio's valid identifiers, canonical: a missing or wrong publication_type is
    taken from them when they are all of one kind."""
    values: dict[str, str] = {}
    changes: list[ValueChange] = []
    left_out = False
    for column in ("publication_title", "publication_type", *LINE_COLUMNS):
        given = raw.get(column) or ""
        text, said = publish_text(given)
        problem = _value_problem(column, text)
        if problem is None and column in _VOCABULARY_COLUMNS and text:
            verdict = judge(column, text)
            if verdict is not None and verdict[0] == "KB504" and verdict[1]:
                text = verdict[1]
                said.append(f"written {text!r}, as KBART spells it")
        if problem is None and column == "title_url" and _URL_SPACE_RE.search(text):
            text = _URL_SPACE_RE.sub(lambda m: urllib.parse.quote(m.group(0)), text)
            said.append("white space inside the URL percent-encoded")
            problem = _value_problem(column, text)
        if column in _MONOGRAPH_DATES and text:
            parsed = parse_partial_date(text)
            if parsed.problem == "time-attached":
                text = str(parsed.value)
                said.append("the time of day removed")
            elif (reading := date_reading(text)) is not None:
                # 15/11/2010: only one order of day and month makes it a real date.
                published, why = reading
                changes.append(
                    ValueChange("changed", column, given, published, why, Confidence.LIKELY)
                )
                values[column] = published
                continue
        if column == "coverage_depth" and (problem is not None or not text):
            verdict = judge(column, text) if text else None
            suggestion = verdict[1] if verdict is not None else None
            if not text or suggestion:
                text = suggestion or "fulltext"
                why = (
                    f"is not a KBART value; read as {text!r}"
                    if given.strip()
                    else "is empty; the portfolio is active and offered as full text"
                )
                changes.append(ValueChange("changed", column, given, text, why, Confidence.LIKELY))
                values[column] = text
                continue
        if problem is None and column == "publication_type" and not text:
            problem = "is empty"
        if problem is not None and column == "publication_type":
            kinds = {"serial" if "-" in i else "monograph" for i in identifiers}
            if len(kinds) == 1:
                text = kinds.pop()
                kind = "ISSN" if text == "serial" else "ISBN"
                changes.append(
                    ValueChange(
                        "changed",
                        column,
                        given,
                        text,
                        f"{problem}; every identifier of the title is an {kind}",
                        Confidence.LIKELY,
                    )
                )
                values[column] = text
                continue
        if problem is None and not text and column in REQUIRED_COLUMNS:
            problem = "is empty"
        if problem is not None:
            if column in REQUIRED_COLUMNS:
                changes.append(ValueChange("unpublishable", column, given, "", problem))
                left_out = True
            elif given:
                changes.append(ValueChange("blanked", column, given, "", problem))
            values[column] = ""
            continue
        if text != given:
            changes.append(ValueChange("changed", column, given, text, "; ".join(said)))
        values[column] = text
    return PublishedValues(values, tuple(changes), left_out)


def _value_problem(column: str, text: str) -> str | None:
    """Why a value (already through publish_text) cannot be published, or None."""
    if not text:
        return None
    if "\ufffd" in text:
        return "holds U+FFFD: characters were lost in an earlier conversion"
    if text in EXCEL_ERRORS:
        return "is a spreadsheet error, not data"
    if column in _VOCABULARY_COLUMNS:
        verdict = judge(column, text)
        if verdict is not None and verdict[0] != "KB504":
            allowed = ", ".join(vocabulary(column))
            return f"is not a KBART value ({allowed})"
    if column == "title_url" and not _URL_SPACE_RE.search(text):
        problem = absolute_url_problem(text)
        if problem:
            return f"is not an absolute http(s) URL ({problem})"
    if column in _MONOGRAPH_DATES:
        parsed = parse_partial_date(text)
        if parsed.value is None:
            return f"is not a readable date ({parsed.problem})"
    return None


# Why a date was published in another form, by the date parser's problem.
_DATE_READINGS = {
    "not-iso": "is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD); only one reading of it "
    "is a real date",
    "zero-filled": "zeros stand for a month or day not known; the part that is known is published",
    "needs-two-digits": "a month and a day take two digits",
}


def date_reading(text: str) -> tuple[str, str] | None:
    """A date not in ISO form that only one reading fits (15/11/2010, 20151220,
    2001-00-00), as published and why; None for an ISO date or one that cannot be read.
    The portfolio model reads coverage dates the same way (``coverage_range``)."""
    parsed = parse_partial_date(text)
    if parsed.value is not None or not parsed.suggestion:
        return None
    return parsed.suggestion, _DATE_READINGS.get(parsed.problem or "", _DATE_READINGS["not-iso"])


def _range_problem(r: CoverageRange) -> tuple[str | None, str | None, str | None]:
    """Why a range cannot be published as stored: (problem, column, value) or Nones.

    A date or embargo the portfolio model could not read (``CoverageRange.unreadable``)
    would be published as no bound at all.
    """
    for column, text in r.unreadable:
        kind = "embargo" if column == "embargo_info" else "date"
        return f"{column} {text!r} is not a readable {kind}", column, text
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


def _walls(embargo: Embargo | None) -> Embargo | None:
    """The embargo as published: its statements of length 0 (R0Y, P0D) left out, as the
    coverage evaluator reads them (no wall); None when none is left."""
    if embargo is None:
        return None
    kept = tuple(st for st in embargo.statements if st.length)
    return Embargo(kept) if kept else None


def _enum(volume: str | None, issue: str | None) -> str:
    parts = (f"v.{volume}" if volume else "", f"no.{issue}" if issue else "")
    return " ".join(p for p in parts if p)


def _group(entries: list[_Entry]) -> tuple[list[list[_Entry]], list[tuple[_Entry, str, str]]]:
    """Entries that are one title, in first-seen order, and the identifiers claimed by
    titles kept apart: (entry, identifier, the first title that has it).

    Entries sharing an identifier are one title (union-find, transitively) unless their
    titles differ and so do their identifiers of one kind: both give a print identifier
    and none in common, or both an online one and none in common. So "Nature" with its
    ISSN and "Nature (London)" with its ISSN and eISSN are one title; a delivery that
    gave Nature Reviews Cancer the eISSN of Nature (their print ISSNs differ) leaves two
    titles: merged, one title's coverage would be published under the other's name and
    identifiers. (Titles alone cannot tell: "Nature" is in "Nature Reviews Cancer".)"""
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    norms = [normalise_title(e.title) for e in entries]
    holders: dict[str, dict[str, int]] = {}  # identifier -> normalised title -> first entry
    for i, entry in enumerate(entries):
        for ident in entry.ids:
            by_title = holders.setdefault(ident, {})
            first = by_title.setdefault(norms[i], i)
            join(i, first)
    for by_title in holders.values():
        if len(by_title) < 2:
            continue
        firsts = list(by_title.values())
        for k, i in enumerate(firsts):
            for j in firsts[:k]:
                if _one_title(entries[i], entries[j]):
                    join(i, j)
    groups: dict[int, list[_Entry]] = {}
    for i, entry in enumerate(entries):
        groups.setdefault(root(i), []).append(entry)
    apart: list[tuple[_Entry, str, str]] = []
    for ident, by_title in holders.items():
        roots = {root(i): i for i in by_title.values()}
        if len(roots) > 1:
            first, *others = sorted(roots)
            for r in others:
                apart += [(e, ident, entries[first].title) for e in groups[r] if ident in e.ids]
    return list(groups.values()), apart


def _one_title(a: _Entry, b: _Entry) -> bool:
    """Whether two entries that share an identifier and differ in title are one title:
    their identifiers of each kind agree where both give one."""
    for mine, theirs in ((a.print_ids, b.print_ids), (a.online_ids, b.online_ids)):
        if mine and theirs and not set(mine) & set(theirs):
            return False
    return True


def _holding(
    group: list[_Entry], findings: list[Finding], grades: dict[str, Severity], keys: set[str]
) -> Holding | None:
    """The title of ``group``, keyed by its first identifier that no title published
    before took (``keys``: two titles kept apart may share their first)."""
    titles = Counter(e.title for e in group)
    # The most common title; ties go to the alphabetically first, so order never matters.
    title = min(titles, key=lambda t: (-titles[t], t))
    key_title = normalise_title(title)
    # The identifier most portfolios give first (the file has one column of each kind):
    # one delivery's wrong eISSN does not outvote the others.
    prints = _by_use(e.print_ids for e in group)
    onlines = _by_use(e.online_ids for e in group)
    for e in group:
        if normalise_title(e.title) != key_title:
            shared = sorted(set(e.ids) & {i for o in group if o is not e for i in o.ids})
            location = Location(
                source=e.source, line=e.portfolio.line, record_id=e.portfolio.title_id
            )
            params = {
                "title": e.portfolio.title,
                "holding_title": title,
                "identifier": ", ".join(shared),
                "collection": e.portfolio.collection,
                "outcome": "their coverage was published as one title",
            }
            findings.append(
                _finding("HL104", location, params, e.portfolio.title, grades, Confidence.LIKELY)
            )
    ptypes = Counter(e.publication_type for e in group)
    ids = sorted([*prints, *onlines])
    key = next((i for i in ids if i not in keys), None)
    if key is None:  # every identifier taken by titles kept apart: number this one
        key = next(f"{ids[0]}-{n}" for n in range(2, len(keys) + 3) if f"{ids[0]}-{n}" not in keys)
    keys.add(key)
    return Holding(
        key=key,
        title=title,
        publication_type=min(ptypes, key=lambda t: (-ptypes[t], t)) if ptypes else None,
        print_identifiers=tuple(prints),
        online_identifiers=tuple(onlines),
        lines=tuple(_lines(group)),
        collections=tuple(sorted({e.portfolio.collection for e in group})),
        portfolios=len(group),
    )


def _by_use(lists: Iterable[list[str]]) -> list[str]:
    """Identifiers by how many portfolios give them, then in order."""
    counts = Counter(i for ids in lists for i in set(ids))
    return sorted(counts, key=lambda i: (-counts[i], i))


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
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(KBART_COLUMNS)
        lines = 0
        for row in kbart_rows(result.holdings):
            writer.writerow([row.get(c) or "" for c in KBART_COLUMNS])
            lines += 1
        return lines
    # KBART has no quoting: each value is written as it is. Values were made fit for a
    # tab-separated line when the holdings were built (publish_text, HL106); a value that
    # did not come that way still never breaks its row.
    out.write("\t".join(KBART_COLUMNS) + "\n")
    lines = 0
    for row in kbart_rows(result.holdings):
        cells = (_BREAKS_RE.sub(" ", row.get(c) or "") for c in KBART_COLUMNS)
        out.write("\t".join(cells) + "\n")
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
