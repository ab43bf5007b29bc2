"""Union coverage of a title held in several collections, and the gaps none of them covers.

Each holding's available days come from the one coverage model: the range's first and
last day (``CoverageRange``; partial dates are intervals) met with its embargo's window
on the audit's ``today`` (``erdq.coverage``'s arithmetic). A moving wall is therefore
evaluated as of ``today``: ``P1Y`` ends the available part at the end of last year, and
the union says what readers can use on that day, not what the licence will give later.
An open end runs to ``today``; a missing start runs from the beginning (no gap before
it). A holding whose walls cross, or that starts after ``today``, covers nothing today.
A range with a date or embargo that cannot be read (month 13, "12 months") is left out:
read as open it would hide the very gap the reader meets, and the KBART rules name it.
A bound given to the day together with a volume is an issue's date, and counts for its
whole month: 2002-12-01 v.7 no.3 and 2003-01-01 v.8 no.1 leave no gap in December.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise

from erdq.coverage import _available
from erdq.model.coverage import CoverageRange, enum_key
from erdq.model.dates import PartialDate

Span = tuple[int | None, int]  # (first day or None for "from the beginning", last day) as ordinals


def available_span(coverage: Iterable[CoverageRange], today: dt.date) -> list[Span]:
    """The days of ``coverage`` available on ``today``, one span per range (ordinals)."""
    spans: list[Span] = []
    for r in coverage:
        if r.unreadable:
            continue
        first, last = _available(_issue_months(r), today)
        end = min(last, today) if last is not None else today
        if first is not None and first > end:
            continue  # inverted, walls crossed, or not yet begun
        spans.append((first.toordinal() if first is not None else None, end.toordinal()))
    return spans


def _issue_months(r: CoverageRange) -> CoverageRange:
    """``r`` with a bound given to the day and with a volume widened to its month."""
    start, end = r.start_date, r.end_date
    if start is not None and start.day is not None and enum_key(r.start_volume, r.start_issue):
        start = PartialDate(start.year, start.month)
    if end is not None and end.day is not None and enum_key(r.end_volume, r.end_issue):
        end = PartialDate(end.year, end.month)
    if start is r.start_date and end is r.end_date:
        return r
    return replace(r, start_date=start, end_date=end)


@dataclass(frozen=True, slots=True)
class Union:
    """Merged spans, earliest first, and the gaps between them (ordinals)."""

    spans: tuple[Span, ...]
    gaps: tuple[tuple[int, int], ...]

    def gap_days(self) -> int:
        return sum(b - a + 1 for a, b in self.gaps)


def union(spans: Iterable[Span]) -> Union:
    """Merge spans that overlap or touch (one ends the day before the next starts)."""
    ordered = sorted(spans, key=lambda s: (s[0] is not None, s[0] or 0, s[1]))
    merged: list[list[int | None]] = []
    for first, last in ordered:
        if merged:
            top = merged[-1]
            top_last = top[1]
            assert top_last is not None
            if first is None or first <= top_last + 1:
                top[1] = max(top_last, last)
                continue
        merged.append([first, last])
    gaps = tuple(
        (int(a[1]) + 1, int(b[0]) - 1)  # type: ignore[arg-type]
        for a, b in pairwise(merged)
    )
    return Union(tuple((m[0], int(m[1])) for m in merged), gaps)  # type: ignore[arg-type]


def day(ordinal: int | None) -> str | None:
    return dt.date.fromordinal(ordinal).isoformat() if ordinal is not None else None


def span_text(first: int | None, last: int | None, today: dt.date | None = None) -> str:
    """ "1990–1999" for whole years, else ISO days; "present" for a span ending today."""
    a = dt.date.fromordinal(first) if first is not None else None
    b = dt.date.fromordinal(last) if last is not None else None
    whole = (a is None or (a.month, a.day) == (1, 1)) and (
        b is None or (b.month, b.day) == (12, 31) or b == today
    )
    start = "beginning" if a is None else str(a.year) if whole else a.isoformat()
    if b is not None and b == today:
        end = "present"
    elif b is None:
        end = "?"
    else:
        end = str(b.year) if whole else b.isoformat()
    return start if start == end else f"{start}–{end}"
