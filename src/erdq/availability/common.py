"""What both engines share: the compiled interval table and the SQL that joins articles to it.

**One coverage evaluator.** No embargo arithmetic happens in SQL. ``compile_intervals``
turns each coverage range of each active portfolio into one flat row per ISSN with the
range's own first and last day, its available window on ``today`` (its dates narrowed by
``Embargo.window``, exactly what ``erdq.coverage.evaluate`` compares against), the walls
themselves, and its start and end volume/issue as numbers (``erdq.model.enum_value``).
The engines then only compare dates and numbers, in the order ``evaluate`` does:

1. a title-level article (no usable date, volume or issue) is covered by any range;
2. a range that ends before it starts covers nothing;
3. a date outside the range's own dates, or a volume/issue before its start or after its
   end, is a miss before or after it (the date decides the side when both miss); where
   the article and the range both give a volume, that side's date counts by its year;
4. a dated article that a range with an unreadable date or embargo does not rule out by
   its readable bounds cannot be judged by it (``x``; ``evaluate``'s UNKNOWN);
5. an article with a volume but no date is covered unless the embargo leaves nothing;
6. a date that overlaps the available window is covered; one after the P wall is
   embargoed; one before the R wall is a miss before it; anything else is not covered.

Across every range of every portfolio matching the article's ISSN or eISSN: covered if
any range covers it, else not judged (``coverage_unreadable``) if a range could not
judge it, else embargoed if any range embargoes it, else a miss: ``gap``
when it is after some range and before another, ``before_coverage`` or
``after_coverage``, or ``outside_coverage``.

**Journals.** The ISSNs of one title (print and online, in any collection) are joined
transitively into one journal (``JournalIndex``), known by its first ISSN in order and
its most common title; an article is counted under the journal it matched, whichever of
its ISSNs it cited. An ISSN is checked as ``erdq.identifiers`` checks it (eight
characters, check digit): an article whose only ISSNs are invalid is
``invalid_identifier``, not a journal the holdings lack.

Known difference from ``evaluate``: for an embargo with both walls in which the R wall
overtakes an embargoed article before the P wall releases it (such as ``R1Y;P6M``),
``evaluate`` says "never available" where the engines say ``embargoed``. Volumes in
Roman numerals are compared by ``evaluate`` but not here (they are treated as text).

**Dates** are read as the link resolver reads a cited date
(``erdq.openurl.normalise.parse_citation_date``), so an article and the same citation
sent to the resolver get the same answer: YYYY, YYYY-MM or YYYY-MM-DD (a time of day
after it ignored) exactly, and leniently what can be read with certainty: ``20151220``,
``2015-1-5``, ``2015/12/20``, a day and month that only one way round make a real date,
a day the month lacks (``2015-02-30``) as its month, a single year in other text
(``[1963]``, ``Spring 2015``). Each distinct date text of
the articles is read once in Python (``read_dates``; an index repeats a few thousand
dates over millions of articles) and handed to the engine as a table. A date that cannot
be read at all (``n.d.``, ``0000``) is ``unreadable_date``: the article is not judged,
rather than treated as a title-level request (as the resolver, answering a reader,
does). The lenient readings and the unreadable
dates are counted with examples (``DateReading``), so the index can be corrected.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from erdq.identifiers import check_identifier
from erdq.model.coverage import CoverageRange, enum_value, inverted
from erdq.model.portfolio import Portfolio
from erdq.openurl.normalise import parse_citation_date

MIN_DAY = dt.date(1, 1, 1)
MAX_DAY = dt.date(9999, 12, 31)

# The interval table: (column, SQL type). Dates are ISO text in the CSV hand-over file.
INTERVAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("issn", "VARCHAR"),
    ("collection", "VARCHAR"),
    ("title", "VARCHAR"),
    ("title_id", "VARCHAR"),
    ("line", "BIGINT"),
    ("range_no", "INTEGER"),
    ("first_day", "DATE"),
    ("last_day", "DATE"),
    ("avail_first", "DATE"),
    ("avail_last", "DATE"),
    ("r_wall", "DATE"),
    ("p_wall", "DATE"),
    ("start_vol", "BIGINT"),
    ("start_iss", "BIGINT"),
    ("end_vol", "BIGINT"),
    ("end_iss", "BIGINT"),
    ("inverted", "INTEGER"),
    ("unreadable", "INTEGER"),
)

# The journal table: each holdings ISSN → its journal (see the module doc).
JOURNAL_TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("issn", "VARCHAR"),
    ("journal_issn", "VARCHAR"),
    ("journal", "VARCHAR"),
    ("journal_issns", "VARCHAR"),
)

# The date table: each distinct date text of the articles, read (see the module doc);
# cf and cl are empty for a date that cannot be read.
DATE_TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("date", "VARCHAR"),
    ("cf", "DATE"),
    ("cl", "DATE"),
)

# The per-article result, in this order.
RESULT_COLUMNS = (
    "row",
    "doi",
    "issn",
    "eissn",
    "date",
    "volume",
    "issue",
    "title",
    "available",
    "status",
    "reason",
    "collection",
    "journal",
    "collections_matched",
    "index_available",
)
JOURNAL_COLUMNS = (
    "journal_issn",
    "journal",
    "journal_issns",
    "articles",
    "available",
    "embargoed",
    "not_covered",
    "no_journal",
    "not_judged",
    "index_available_not_covered",
    "covered_index_unavailable",
)
COLLECTION_COLUMNS = (
    "collection",
    "articles",
    "available",
    "embargoed",
    "not_covered",
    "not_judged",
)
# ``not_judged``: the article cites no valid ISSN (reason no_identifier or
# invalid_identifier), or no date can be read from it (unreadable_date). Its
# ``available`` is empty (unknown), so that it is counted neither as a gap in the
# holdings nor as a disagreement with the index's flag.
STATUSES = ("covered", "embargoed", "not_covered", "not_judged")


@dataclass(frozen=True, slots=True)
class Interval:
    """One coverage range of one portfolio under one of its ISSNs (see module doc)."""

    issn: str
    collection: str
    title: str
    title_id: str | None
    line: int | None
    range_no: int
    first_day: dt.date
    last_day: dt.date
    avail_first: dt.date
    avail_last: dt.date
    r_wall: dt.date | None
    p_wall: dt.date | None
    start_vol: int | None
    start_iss: int | None
    end_vol: int | None
    end_iss: int | None
    inverted: int
    unreadable: int  # 1: a coverage date or the embargo cannot be read


def portfolio_issns(p: Portfolio) -> list[str]:
    """The portfolio's valid ISSNs in canonical form (placeholders left out), deduplicated."""
    out: list[str] = []
    for column in ("print_identifier", "online_identifier"):
        raw = (p.raw.get(column) or "").strip() if p.raw else ""
        value = raw or (getattr(p, column) or "")
        if not value:
            continue
        canonical = _canonical_issn(value)
        if canonical and canonical not in out:
            out.append(canonical)
    return out


@lru_cache(maxsize=1 << 20)
def _canonical_issn(value: str) -> str | None:
    # Cached: a title's ISSNs recur in every package that holds it.
    check = check_identifier(value)
    if (
        check.valid
        and check.kind == "issn"
        and check.canonical
        and "placeholder" not in check.problems
    ):
        return check.canonical
    return None


@lru_cache(maxsize=65536)
def range_window(r: CoverageRange, today: dt.date) -> tuple:
    """A range's compiled values: dates, available window, walls, volume/issue numbers.

    The window is the range's dates narrowed by its embargo's window on ``today``
    (``Embargo.window``), as ``erdq.coverage.evaluate`` computes it.
    """
    first = r.first_day() or MIN_DAY
    last = r.last_day() or MAX_DAY
    r_wall, p_wall = r.embargo.window(today) if r.embargo is not None else (None, None)
    avail_first = first if r_wall is None else max(first, r_wall)
    avail_last = last if p_wall is None else min(last, p_wall)
    start_vol = enum_value(r.start_volume)
    end_vol = enum_value(r.end_volume)
    start_iss = enum_value(r.start_issue) if start_vol is not None else None
    end_iss = enum_value(r.end_issue) if end_vol is not None else None
    return (
        first,
        last,
        avail_first,
        avail_last,
        r_wall,
        p_wall,
        start_vol,
        start_iss,
        end_vol,
        end_iss,
        int(inverted(r)),
        int(bool(r.unreadable)),
    )


def compile_intervals(
    portfolios: Iterable[Portfolio], today: dt.date, journals: JournalIndex | None = None
) -> Iterator[Interval]:
    """The interval rows of ``portfolios`` on ``today``; portfolios without a valid ISSN
    give none (an article is matched by ISSN or eISSN only). ``journals``, when given,
    learns each portfolio's ISSNs and title on the way."""
    for p in portfolios:
        issns = portfolio_issns(p)
        if not issns:
            continue
        if journals is not None:
            journals.add(issns, p.title)
        for number, r in enumerate(p.coverage):
            values = range_window(r, today)
            for issn in issns:
                yield Interval(issn, p.collection, p.title, p.title_id, p.line, number, *values)


class JournalIndex:
    """The holdings' journals: ISSNs that share a portfolio, joined transitively."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._titles: dict[str, Counter[str]] = {}

    def _root(self, issn: str) -> str:
        parent = self._parent
        while parent[issn] != issn:
            parent[issn] = parent[parent[issn]]
            issn = parent[issn]
        return issn

    def add(self, issns: list[str], title: str) -> None:
        for issn in issns:
            self._parent.setdefault(issn, issn)
        first = self._root(issns[0])
        for issn in issns[1:]:
            other = self._root(issn)
            if other != first:
                # The smaller ISSN is the root, so the result does not depend on order.
                low, high = sorted((first, other))
                self._parent[high] = low
                first = low
        self._titles.setdefault(issns[0], Counter())[" ".join(title.split())] += 1

    def rows(self) -> Iterator[tuple[str, str, str, str]]:
        """(issn, journal_issn, journal, journal_issns) for every ISSN, in ISSN order."""
        members: dict[str, list[str]] = {}
        titles: dict[str, Counter[str]] = {}
        for issn in self._parent:
            root = self._root(issn)
            members.setdefault(root, []).append(issn)
            titles.setdefault(root, Counter()).update(self._titles.get(issn, Counter()))
        for root in sorted(members):
            group = sorted(members[root])
            counts = titles[root]
            # The most common title; ties go to the alphabetically first.
            title = min(counts, key=lambda t: (-counts[t], t)) if counts else ""
            for issn in group:
                yield issn, group[0], title, "; ".join(group)


def write_journals(journals: JournalIndex, path: Path) -> int:
    """Write the journal table as the CSV both engines read; returns the row count."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([name for name, _ in JOURNAL_TABLE_COLUMNS])
        for row in journals.rows():
            writer.writerow(row)
            count += 1
    return count


@dataclass(frozen=True, slots=True)
class DateReading:
    """One distinct date text of the articles: how many cite it, the interval it was read
    as (None when it cannot be read), and the note when it was read leniently or not at
    all (the resolver's words)."""

    text: str
    articles: int
    first: dt.date | None
    last: dt.date | None
    note: str | None

    @property
    def lenient(self) -> bool:
        return self.first is not None and self.note is not None


def read_dates(counts: Iterable[tuple[str, int]]) -> list[DateReading]:
    """Read each (date text, articles) as a cited date; blank texts are no date at all
    and are left out (the article then has no date, as with an empty cell)."""
    out = []
    for text, articles in counts:
        if not text.strip():
            continue
        value, note = parse_citation_date(text)
        if value is None:
            # The resolver's note goes on to what it does with a request; said here plainly.
            note = f"date {text!r} cannot be read"
            out.append(DateReading(text, int(articles), None, None, note))
        else:
            out.append(DateReading(text, int(articles), value.first_day(), value.last_day(), note))
    return out


def date_table_rows(readings: Iterable[DateReading]) -> Iterator[tuple]:
    """The date table's rows (DATE_TABLE_COLUMNS)."""
    return ((r.text, r.first, r.last) for r in readings)


def date_counts(readings: Iterable[DateReading]) -> dict[str, int]:
    """Articles whose date was read leniently, and whose date could not be read."""
    readings = list(readings)
    return {
        "dates_read_leniently": sum(r.articles for r in readings if r.lenient),
        "dates_unreadable": sum(r.articles for r in readings if r.first is None),
    }


DISTINCT_DATES_SQL = "SELECT date, count(*) FROM {source} WHERE date IS NOT NULL GROUP BY date"


def store_portfolios(store: Any, collections: Iterable[str] | None = None) -> Iterator[Portfolio]:
    """The current portfolios of the store's active collections (all, or those named)."""
    from erdq.errors import InputError
    from erdq.store.names import unknown_collections

    known = {c["name"]: c for c in store.collections()}
    wanted = list(collections or ())
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise unknown_collections(unknown, known, InputError)
    for name in sorted(wanted or known):
        info = known[name]
        if (info.get("status") or "active") == "active" and info.get("latest_snapshot_id"):
            yield from store.portfolios(name)


def write_intervals(intervals: Iterable[Interval], path: Path) -> int:
    """Write the interval table as the CSV both engines read; returns the row count."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([name for name, _ in INTERVAL_COLUMNS])
        for iv in intervals:
            writer.writerow(
                [
                    iv.issn,
                    iv.collection,
                    " ".join(iv.title.split()),
                    iv.title_id or "",
                    "" if iv.line is None else iv.line,
                    iv.range_no,
                    *_range_cells(
                        (
                            iv.first_day,
                            iv.last_day,
                            iv.avail_first,
                            iv.avail_last,
                            iv.r_wall,
                            iv.p_wall,
                            iv.start_vol,
                            iv.start_iss,
                            iv.end_vol,
                            iv.end_iss,
                            iv.inverted,
                            iv.unreadable,
                        )
                    ),
                ]
            )
            count += 1
    return count


def write_portfolio_intervals(
    portfolios: Iterable[Portfolio], today: dt.date, journals: JournalIndex, path: Path
) -> int:
    """``write_intervals(compile_intervals(...))`` without the Interval objects: each
    range's cells are formatted once and written under each of the portfolio's ISSNs."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([name for name, _ in INTERVAL_COLUMNS])
        for p in portfolios:
            issns = portfolio_issns(p)
            if not issns or not p.coverage:
                if issns:
                    journals.add(issns, p.title)
                continue
            journals.add(issns, p.title)
            head = [
                p.collection,
                " ".join(p.title.split()),
                p.title_id or "",
                "" if p.line is None else p.line,
            ]
            rows = [
                [issn, *head, number, *_range_cells(range_window(r, today))]
                for number, r in enumerate(p.coverage)
                for issn in issns
            ]
            writer.writerows(rows)
            count += len(rows)
    return count


@lru_cache(maxsize=65536)
def _range_cells(values: tuple) -> tuple[str, ...]:
    """A range's compiled values as CSV cells (many ranges are alike: cached)."""
    first, last, avail_first, avail_last, r_wall, p_wall, *numbers, inv, unreadable = values
    return (
        first.isoformat(),
        last.isoformat(),
        avail_first.isoformat(),
        avail_last.isoformat(),
        r_wall.isoformat() if r_wall else "",
        p_wall.isoformat() if p_wall else "",
        *(_int(n) for n in numbers),
        str(inv),
        str(unreadable),
    )


def _int(value: int | None) -> str:
    # Numbers beyond a 64-bit integer (nobody's volume) are dropped, i.e. not compared.
    return "" if value is None or value >= 2**63 else str(value)


# --- SQL shared by DuckDB and Spark SQL -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dialect:
    """The few spellings in which DuckDB and Spark SQL differ."""

    name: str

    def replace_all(self, expr: str, pattern: str, replacement: str) -> str:
        if self.name == "duckdb":
            return f"regexp_replace({expr}, '{pattern}', '{replacement}', 'g')"
        return f"regexp_replace({expr}, '{pattern}', '{replacement}')"

    def full_match(self, expr: str, pattern: str) -> str:
        if self.name == "duckdb":
            return f"regexp_full_match({expr}, '{pattern}')"
        return f"({expr} RLIKE '^{pattern}$')"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")

_NUMBER_RE = "^([0-9]+)[A-Za-z]?$"
_ISSN_RE = "^([0-9]{7}[0-9X])$"


def _compact(d: Dialect, column: str) -> str:
    """An ISSN as given, reduced to its digits and X (hyphens, spaces, "ISSN" dropped)."""
    return f"nullif(upper({d.replace_all(column, '[^0-9Xx]', '')}), '')"


def _match_key(d: Dialect, column: str) -> str:
    """An article's ISSN as a match key: its digits and X, ``?`` when nothing is left,
    NULL when blank. The common 1234-567X form takes a short cut past the replacement,
    which costs three times as much."""
    return (
        f"CASE WHEN {column} LIKE '____-____' AND "
        f"{d.full_match(column, '[0-9]{4}-[0-9]{3}[0-9Xx]')} "
        f"THEN upper(replace({column}, '-', '')) "
        f"WHEN trim({column}) <> '' THEN coalesce({_compact(d, column)}, '?') END"
    )


def _valid_issn(compact: str) -> str:
    """The canonical ISSN (1234-5679) when ``compact`` is one with the right check digit,
    else NULL: the ISO 3297 check (weights 8..2, modulus 11, 10 written X)."""
    weighted = " + ".join(
        f"{9 - i} * try_cast(substr({compact}, {i}, 1) AS INT)" for i in range(1, 8)
    )
    last = f"substr({compact}, 8, 1)"
    check = f"CASE WHEN {last} = 'X' THEN 10 ELSE try_cast({last} AS INT) END"
    return (
        f"CASE WHEN regexp_extract({compact}, '{_ISSN_RE}', 1) <> '' "
        f"AND (11 - ({weighted}) % 11) % 11 = {check} "
        f"THEN substr({compact}, 1, 4) || '-' || substr({compact}, 5, 4) END"
    )


def _number(column: str) -> str:
    text = f"regexp_extract(trim({column}), '{_NUMBER_RE}', 1)"
    return f"try_cast(nullif({text}, '') AS BIGINT)"


def articles_sql(d: Dialect, source: str, dates: str) -> str:
    """Parsed articles, without their text (``results_sql`` adds it back): the ISSN and
    eISSN reduced to match keys (c1, c2: digits and X, ``?`` when nothing is left), date
    interval (cf..cl, from the ``dates`` table: ``read_dates``), volume/issue numbers,
    flags. Whether a key is a valid ISSN is asked only of articles that match nothing
    (``verdicts_sql``): a key that matches an interval's is one."""
    return f"""
    SELECT p.row, p.c1, p.c2, p.cf, p.cl, p.v,
      CASE WHEN p.v IS NULL THEN NULL ELSE p.i_num END AS i,
      CASE WHEN p.dated IS NULL AND p.vol_txt IS NULL AND p.iss_txt IS NULL
           THEN 1 ELSE 0 END AS title_level,
      CASE WHEN p.dated IS NOT NULL AND p.cf IS NULL THEN 1 ELSE 0 END AS bad_date,
      CASE WHEN p.flag IN ('true', '1', 'yes', 'y', 't') THEN true
           WHEN p.flag IN ('false', '0', 'no', 'n', 'f') THEN false
           ELSE NULL END AS index_available
    FROM (
      SELECT s.row,
        {_match_key(d, "s.issn")} AS c1,
        {_match_key(d, "s.eissn")} AS c2,
        t.date AS dated, t.cf, t.cl,
        nullif(trim(s.volume), '') AS vol_txt,
        nullif(trim(s.issue), '') AS iss_txt,
        {_number("s.volume")} AS v,
        {_number("s.issue")} AS i_num,
        lower(trim(s.available)) AS flag
      FROM {source} s LEFT JOIN {dates} t ON t.date = s.date
    ) p
    """


def intervals_sql(intervals: str, journals: str) -> str:
    """The interval rows with their match key (the ISSN's digits and X, as ``c1``/``c2``)
    and the journal each ISSN belongs to."""
    return f"""
    SELECT r.*, replace(r.issn, '-', '') AS ikey, j.journal_issn
    FROM {intervals} r JOIN {journals} j ON j.issn = r.issn
    """


def journal_names_sql(journals: str) -> str:
    """Each journal once: its ISSN, title and ISSNs (the same on every row of the journal)."""
    return f"""
    SELECT journal_issn, min(journal) AS journal, min(journal_issns) AS journal_issns
    FROM {journals} GROUP BY journal_issn
    """


# Where the article and the range both give a volume, that side's date counts by its year
# (``erdq.coverage``): the bound widened to the whole year, and the window with it.
_BY_START = "a.v IS NOT NULL AND r.start_vol IS NOT NULL"
_BY_END = "a.v IS NOT NULL AND r.end_vol IS NOT NULL"
_FIRST_Y = "make_date(year(r.first_day), 1, 1)"
_LAST_Y = "make_date(year(r.last_day), 12, 31)"
_FIRST = f"CASE WHEN {_BY_START} THEN {_FIRST_Y} ELSE r.first_day END"
_LAST = f"CASE WHEN {_BY_END} THEN {_LAST_Y} ELSE r.last_day END"
_AVAIL_FIRST = (
    f"CASE WHEN {_BY_START} THEN CASE WHEN r.r_wall IS NOT NULL AND r.r_wall > {_FIRST_Y} "
    f"THEN r.r_wall ELSE {_FIRST_Y} END ELSE r.avail_first END"
)
_AVAIL_LAST = (
    f"CASE WHEN {_BY_END} THEN CASE WHEN r.p_wall IS NOT NULL AND r.p_wall < {_LAST_Y} "
    f"THEN r.p_wall ELSE {_LAST_Y} END ELSE r.avail_last END"
)
_OUTCOME = f"""
    CASE
      WHEN a.bad_date = 1 THEN 'u'
      WHEN a.title_level = 1 THEN 'c'
      WHEN r.inverted = 1 THEN 'n'
      WHEN a.cf IS NOT NULL AND a.cf > {_LAST} THEN 'a'
      WHEN a.cf IS NOT NULL AND a.cl < {_FIRST} THEN 'b'
      WHEN a.v IS NOT NULL AND r.start_vol IS NOT NULL AND (a.v < r.start_vol OR
           (a.v = r.start_vol AND a.i IS NOT NULL AND r.start_iss IS NOT NULL
            AND a.i < r.start_iss)) THEN 'b'
      WHEN a.v IS NOT NULL AND r.end_vol IS NOT NULL AND (a.v > r.end_vol OR
           (a.v = r.end_vol AND a.i IS NOT NULL AND r.end_iss IS NOT NULL
            AND a.i > r.end_iss)) THEN 'a'
      WHEN r.unreadable = 1 AND a.cf IS NOT NULL THEN 'x'
      WHEN a.cf IS NULL THEN CASE WHEN r.avail_first > r.avail_last THEN 'n' ELSE 'c' END
      WHEN CASE WHEN a.cf > {_AVAIL_FIRST} THEN a.cf ELSE {_AVAIL_FIRST} END
        <= CASE WHEN a.cl < {_AVAIL_LAST} THEN a.cl ELSE {_AVAIL_LAST} END THEN 'c'
      WHEN r.p_wall IS NOT NULL AND a.cl > r.p_wall THEN 'e'
      WHEN r.r_wall IS NOT NULL AND a.cf < r.r_wall THEN 'b'
      ELSE 'n'
    END
"""


def pairs_sql(articles: str, intervals: str) -> str:
    """Each article with each interval of its ISSN or eISSN (an equi-join on the match
    key), and the outcome letter: c covered, e embargoed, b before, a after, n not
    covered otherwise, u not judged (the article's date cannot be read), x not judged
    (a date or the embargo of the range cannot be read, and its readable bounds do not
    rule the article out)."""
    columns = "a.row, r.collection, r.journal_issn"
    return f"""
    SELECT {columns}, {_OUTCOME} AS o
    FROM {articles} a JOIN {intervals} r ON r.ikey = a.c1
    UNION ALL
    SELECT {columns}, {_OUTCOME} AS o
    FROM {articles} a JOIN {intervals} r ON r.ikey = a.c2
    WHERE a.c1 IS NULL OR a.c2 <> a.c1
    """


def matches_sql(pairs: str) -> str:
    """Per article and collection it matched: what that collection's ranges make of it."""
    return f"""
    SELECT row, collection, min(journal_issn) AS journal_issn,
      max(CASE WHEN o = 'c' THEN 1 ELSE 0 END) AS cov,
      max(CASE WHEN o = 'e' THEN 1 ELSE 0 END) AS emb,
      max(CASE WHEN o = 'b' THEN 1 ELSE 0 END) AS bef,
      max(CASE WHEN o = 'a' THEN 1 ELSE 0 END) AS aft,
      max(CASE WHEN o = 'u' THEN 1 ELSE 0 END) AS und,
      max(CASE WHEN o = 'x' THEN 1 ELSE 0 END) AS unr
    FROM {pairs} GROUP BY row, collection
    """


# The not_judged articles, as a condition on the rows ``verdicts_sql`` judges.
_UNJUDGED_SQL = (
    "((a.matched = 0 AND a.k1 IS NULL AND a.k2 IS NULL) OR (a.matched = 1 AND a.bad_date = 1))"
)


def verdicts_sql(articles: str, matches: str) -> str:
    """One row per article: the verdict across every matching range (without the
    article's text and journal names: ``results_sql``). ``matched_journal`` is the
    journal matched, ``journal_issn`` that or else the first valid ISSN cited."""
    return f"""
    SELECT a.row, a.matched,
      CASE WHEN a.cov = 1 THEN true WHEN {_UNJUDGED_SQL} OR a.unr = 1 THEN NULL
           ELSE false END AS available,
      CASE WHEN a.cov = 1 THEN 'covered' WHEN a.unr = 1 THEN 'not_judged'
           WHEN a.emb = 1 THEN 'embargoed'
           WHEN {_UNJUDGED_SQL} THEN 'not_judged'
           ELSE 'not_covered' END AS status,
      CASE WHEN a.matched = 0 AND a.k1 IS NULL AND a.k2 IS NULL
             AND (a.c1 IS NOT NULL OR a.c2 IS NOT NULL) THEN 'invalid_identifier'
           WHEN a.matched = 0 AND a.k1 IS NULL AND a.k2 IS NULL THEN 'no_identifier'
           WHEN a.matched = 0 THEN 'no_journal'
           WHEN a.bad_date = 1 THEN 'unreadable_date'
           WHEN a.cov = 1 AND a.title_level = 1 THEN 'title_level'
           WHEN a.cov = 1 THEN 'covered'
           WHEN a.unr = 1 THEN 'coverage_unreadable'
           WHEN a.emb = 1 THEN 'embargoed'
           WHEN a.bef = 1 AND a.aft = 1 THEN 'gap'
           WHEN a.bef = 1 THEN 'before_coverage'
           WHEN a.aft = 1 THEN 'after_coverage'
           ELSE 'outside_coverage' END AS reason,
      CASE WHEN a.cov = 1 THEN a.cov_collection WHEN a.unr = 1 THEN a.unr_collection
           WHEN a.emb = 1 THEN a.emb_collection ELSE NULL END AS collection,
      a.collections AS collections_matched,
      a.index_available,
      a.matched_journal,
      coalesce(a.matched_journal, a.k1, a.k2) AS journal_issn
    FROM (
      SELECT x.*,
        CASE WHEN g.g_row IS NULL THEN 0 ELSE 1 END AS matched,
        g.cov, g.emb, g.bef, g.aft, g.unr, g.cov_collection, g.emb_collection,
        g.unr_collection,
        g.matched_journal, coalesce(g.collections, 0) AS collections,
        -- The ISSN check, asked only of the articles that matched nothing.
        CASE WHEN g.g_row IS NULL THEN {_valid_issn("x.c1")} END AS k1,
        CASE WHEN g.g_row IS NULL THEN {_valid_issn("x.c2")} END AS k2
      FROM {articles} x LEFT JOIN (
        SELECT row AS g_row,
          max(cov) AS cov, max(emb) AS emb, max(bef) AS bef, max(aft) AS aft,
          max(unr) AS unr,
          min(CASE WHEN cov = 1 THEN collection END) AS cov_collection,
          min(CASE WHEN emb = 1 THEN collection END) AS emb_collection,
          min(CASE WHEN unr = 1 THEN collection END) AS unr_collection,
          -- Two journals only when the cited ISSN and eISSN belong to different titles.
          min(journal_issn) AS matched_journal,
          count(collection) AS collections
        FROM {matches} GROUP BY row
      ) g ON g.g_row = x.row
    ) a
    """


def results_sql(source: str, verdicts: str, journal_names: str) -> str:
    """The verdicts with the article's text and the journal's name (RESULT_COLUMNS)."""
    return f"""
    SELECT s.row, s.doi, s.issn, s.eissn, s.date, s.volume, s.issue, s.title,
      v.available, v.status, v.reason, v.collection, n.journal, v.collections_matched,
      v.index_available
    FROM {source} s JOIN {verdicts} v ON v.row = s.row
    LEFT JOIN {journal_names} n ON n.journal_issn = v.matched_journal
    """


def journals_sql(verdicts: str, journal_names: str) -> str:
    """Per journal matched (or per valid ISSN cited that matched none)."""
    return f"""
    SELECT g.journal_issn, n.journal, n.journal_issns, g.articles, g.available,
      g.embargoed, g.not_covered, g.no_journal, g.not_judged,
      g.index_available_not_covered, g.covered_index_unavailable
    FROM (
      SELECT journal_issn, min(matched_journal) AS matched_journal,
        count(*) AS articles,
        sum(CASE WHEN status = 'covered' THEN 1 ELSE 0 END) AS available,
        sum(CASE WHEN status = 'embargoed' THEN 1 ELSE 0 END) AS embargoed,
        sum(CASE WHEN status = 'not_covered' THEN 1 ELSE 0 END) AS not_covered,
        sum(CASE WHEN reason = 'no_journal' THEN 1 ELSE 0 END) AS no_journal,
        sum(CASE WHEN status = 'not_judged' THEN 1 ELSE 0 END) AS not_judged,
        sum(CASE WHEN index_available AND NOT available THEN 1 ELSE 0 END)
          AS index_available_not_covered,
        sum(CASE WHEN index_available = false AND available THEN 1 ELSE 0 END)
          AS covered_index_unavailable
      FROM {verdicts} GROUP BY journal_issn
    ) g LEFT JOIN {journal_names} n ON n.journal_issn = g.matched_journal
    """


def collections_sql(matches: str) -> str:
    """Per collection: the articles of its journals, and what its own ranges make of them."""
    return f"""
    SELECT collection, count(*) AS articles, sum(cov) AS available,
      sum(CASE WHEN cov = 0 AND unr = 0 AND emb = 1 THEN 1 ELSE 0 END) AS embargoed,
      sum(CASE WHEN cov = 0 AND unr = 0 AND emb = 0 AND und = 0 THEN 1 ELSE 0 END)
        AS not_covered,
      sum(CASE WHEN cov = 0 AND (und = 1 OR unr = 1) THEN 1 ELSE 0 END) AS not_judged
    FROM {matches} GROUP BY collection
    """
