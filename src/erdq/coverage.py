"""The one coverage evaluator: is this date / volume / issue available in these ranges today?

The KBART rules, the link resolver and the holdings file all call ``evaluate``; none of
them re-implements embargo arithmetic. Every answer carries a reason a person can read.

Rules, from KBART and the cases in shared/cases (BR-010, BR-012 to BR-014):

* A partial citation date (2015, 2015-12) is an interval and is covered when it overlaps
  the available part of a range. A range is available where its dates meet its embargo
  window (``Embargo.window``).
* Ranges are evaluated separately, so a gap between two lines stays a gap.
* Volumes and issues are compared as numbers when both sides are numbers; other text is
  not compared, and so never rejects a request.
* Where the range and the request both give a volume, that side's date counts by its
  year alone and the volume and issue decide within it: a KBART date is the issue's, a
  cited date may be the article's, days or weeks from it. Embargo walls stay days.
* EMBARGOED means a P wall hides the item for now (``embargoed_until`` says when it opens).
  An item before an R wall is NOT_COVERED: that wall only moves away from it.
* A range with a date or embargo that cannot be read (``CoverageRange.unreadable``)
  still rules out a dated item its readable bounds miss; otherwise it cannot say, and
  the answer is UNKNOWN (when no other range covers the item), never COVERED: an
  unreadable end is no "to the present".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from erdq.model.coverage import (
    CoverageRange,
    EnumKey,
    compare_enum,
    enum_key,
    format_statements,
    inverted,
)
from erdq.model.dates import PartialDate, parse_partial_date

Today = datetime.date | Callable[[], datetime.date] | None


class Status(StrEnum):  # a str Enum whose str() is the value, as JSON and templates want
    COVERED = "covered"
    NOT_COVERED = "not_covered"
    EMBARGOED = "embargoed"
    UNKNOWN = "unknown"  # a range that could decide has a bound that cannot be read


@dataclass(frozen=True, slots=True)
class CoverageResult:
    status: Status
    reason: str
    range_index: int | None  # the range that decided (covered) or came closest
    available_from: datetime.date | None = None
    available_until: datetime.date | None = None
    embargoed_until: datetime.date | None = None  # when the requested item becomes available

    @property
    def covered(self) -> bool:
        return self.status is Status.COVERED


def evaluate(
    ranges: Sequence[CoverageRange],
    *,
    date: PartialDate | datetime.date | str | None = None,
    volume: str | None = None,
    issue: str | None = None,
    today: Today = None,
) -> CoverageResult:
    """Decide whether a citation is available in any of ``ranges`` on ``today``.

    ``today`` may be a date or a zero-argument callable (None → ``date.today()``); it is
    read once, and only when some range has an embargo.
    """
    if not ranges:
        return CoverageResult(Status.NOT_COVERED, "no coverage", None)
    cited, note = _citation_date(date)
    volume, issue = _clean(volume), _clean(issue)
    if cited is None and volume is None and issue is None:
        # Title level: any coverage will do, whatever its dates.
        reason = f"title-level request; coverage {format_statements(ranges)}{note}"
        return CoverageResult(Status.COVERED, reason, 0)
    request = _Request(cited, volume, issue, enum_key(volume, issue))
    day = _resolve_today(today) if any(r.embargo for r in ranges) else None
    outcomes = [_evaluate_range(i, r, request, day) for i, r in enumerate(ranges)]
    return _combine(ranges, outcomes, request, note)


@dataclass(frozen=True, slots=True)
class _Request:
    date: PartialDate | None
    volume: str | None
    issue: str | None
    enum: EnumKey | None

    def label(self) -> str:
        parts = [str(self.date)] if self.date is not None else []
        parts += [_enum_label(self.volume, self.issue)] if self.volume or self.issue else []
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class _Outcome:
    result: CoverageResult
    side: str | None = None  # "before" / "after" the range, for a miss
    distance: tuple[int, int] = (0, 0)  # (days, enumeration steps) to the range, for a miss


def _evaluate_range(
    index: int, r: CoverageRange, request: _Request, today: datetime.date | None
) -> _Outcome:
    first, last = r.first_day(), r.last_day()
    if inverted(r):
        reason = f"range {index + 1} starts {r.start_date} after it ends {r.end_date}"
        return _miss(index, reason, None, _FAR)
    window_first, window_last = (
        r.embargo.window(today) if r.embargo is not None and today is not None else (None, None)
    )
    avail_first = _later(first, window_first)
    avail_last = _earlier(last, window_last)

    def result(status: Status, reason: str, until: datetime.date | None = None) -> CoverageResult:
        return CoverageResult(status, reason, index, avail_first, avail_last, until)

    # Where the range and the request both give a volume, that side's date counts by its
    # year only: KBART's date is the issue's, a citation's may be the article's (v.7
    # no.3 of 2002-12-01 holds an article dated 2002-12-15); the volume and issue say
    # the rest.
    by_enum = request.enum is not None
    date_first, date_last = first, last
    if by_enum and first is not None and enum_key(r.start_volume, r.start_issue):
        date_first = first.replace(month=1, day=1)
    if by_enum and last is not None and enum_key(r.end_volume, r.end_issue):
        date_last = last.replace(month=12, day=31)
    enum_miss = _enum_miss(r, request)
    date_miss = _date_miss(
        r, request.date, date_first, date_last, (date_first != first, date_last != last)
    )
    if enum_miss or date_miss:
        misses = [m for m in (date_miss, enum_miss) if m]
        reason = "; ".join(m[1] for m in misses)
        side = misses[0][0]
        distance = (date_miss[2] if date_miss else 0, enum_miss[2] if enum_miss else 0)
        return _Outcome(result(Status.NOT_COVERED, reason), side, distance)
    if r.unreadable and request.date is not None:
        given = ", ".join(f"{column} {text!r}" for column, text in r.unreadable)
        reason = f"{request.date} cannot be judged: the coverage's {given} cannot be read"
        return _Outcome(result(Status.UNKNOWN, reason))

    embargo = f" ({r.embargo})" if r.embargo is not None else ""
    if avail_first is not None and avail_last is not None and avail_first > avail_last:
        reason = f"the embargo{embargo} leaves nothing of {r.statement()} available"
        if request.date is None:
            return _Outcome(result(Status.NOT_COVERED, reason), None, _FAR)
    if request.date is None:
        unchecked = " (no date given, so the embargo was not checked)" if embargo else ""
        return _Outcome(result(Status.COVERED, f"covered by {r.statement()}{unchecked}"))

    cited_first, cited_last = request.date.first_day(), request.date.last_day()
    judged_first, judged_last = _later(date_first, window_first), _earlier(date_last, window_last)
    if _meets(cited_first, cited_last, judged_first, judged_last):
        return _Outcome(result(Status.COVERED, f"covered by {r.statement()}"))
    # The range's own dates matched, so an embargo is what hides the item.
    if r.embargo is not None and window_last is not None and cited_last > window_last:
        # Behind the P wall: it opens once the wall passes the first cited day in range.
        opens_for = cited_first if first is None else max(cited_first, first)
        until = r.embargo.release(opens_for)
        if until is not None and _meets(opens_for, cited_last, *_available(r, until)):
            reason = f"embargoed until {until.isoformat()}{embargo}"
            return _Outcome(result(Status.EMBARGOED, reason, until))
        reason = f"{request.date} is never available under the embargo{embargo}"
        return _Outcome(result(Status.NOT_COVERED, reason), "after", _FAR)
    if window_first is not None and cited_first < window_first:
        reason = f"{request.date} is before the moving wall {window_first.isoformat()}{embargo}"
        return _Outcome(
            result(Status.NOT_COVERED, reason), "before", ((window_first - cited_last).days, 0)
        )
    reason = f"the embargo{embargo} leaves nothing of {r.statement()} available"
    return _Outcome(result(Status.NOT_COVERED, reason), None, _FAR)


def _combine(
    ranges: Sequence[CoverageRange], outcomes: list[_Outcome], request: _Request, note: str
) -> CoverageResult:
    for o in outcomes:
        if o.result.status is Status.COVERED:
            return _with_note(o.result, note)
    for o in outcomes:
        if o.result.status is Status.UNKNOWN:  # it may be covered: that is what to fix
            return _with_note(o.result, note)
    embargoed = [o.result for o in outcomes if o.result.status is Status.EMBARGOED]
    if embargoed:
        soonest = min(embargoed, key=lambda e: e.embargoed_until or datetime.date.max)
        return _with_note(soonest, note)

    def closeness(o: _Outcome) -> tuple[int, int, int]:
        return (*o.distance, o.result.range_index or 0)

    closest = min(outcomes, key=closeness)
    after = [o for o in outcomes if o.side == "after"]
    before = [o for o in outcomes if o.side == "before"]
    if after and before:
        # Past one range and short of another: say so, a gap is what the user must see.
        left = ranges[min(after, key=closeness).result.range_index or 0]
        right = ranges[min(before, key=closeness).result.range_index or 0]
        reason = (
            f"{request.label()} falls in a gap in coverage: after {left.statement()}, "
            f"before {right.statement()}"
        )
        return _with_note(_replace_reason(closest.result, reason), note)
    return _with_note(closest.result, note)


_FAR = (10**9, 10**9)  # sorts after any real distance


def _miss(index: int, reason: str, side: str | None, distance: tuple[int, int]) -> _Outcome:
    return _Outcome(CoverageResult(Status.NOT_COVERED, reason, index), side, distance)


def _date_miss(
    r: CoverageRange,
    cited: PartialDate | None,
    first: datetime.date | None,
    last: datetime.date | None,
    by_year: tuple[bool, bool] = (False, False),
) -> tuple[str, str, int] | None:
    """(side, reason, days away) when the cited date misses the range's own dates;
    ``by_year``: whether the start and the end are compared by their year alone."""
    if cited is None:
        return None
    if last is not None and cited.first_day() > last:
        days = (cited.first_day() - last).days
        end = f"year {last.year}" if by_year[1] else last.isoformat()
        return "after", f"{cited} is after the coverage end {end}", days
    if first is not None and cited.last_day() < first:
        days = (first - cited.last_day()).days
        start = f"year {first.year}" if by_year[0] else first.isoformat()
        return "before", f"{cited} is before the coverage start {start}", days
    return None


def _enum_miss(r: CoverageRange, request: _Request) -> tuple[str, str, int] | None:
    """(side, reason, steps away) when the cited volume/issue misses the range's."""
    cited = request.enum
    if cited is None:
        return None
    label = _enum_label(request.volume, request.issue)
    start = enum_key(r.start_volume, r.start_issue)
    if start is not None and compare_enum(cited, start) < 0:
        where = _enum_label(r.start_volume, r.start_issue)
        return "before", f"{label} is before the coverage start {where}", _steps(cited, start)
    end = enum_key(r.end_volume, r.end_issue)
    if end is not None and compare_enum(cited, end) > 0:
        where = _enum_label(r.end_volume, r.end_issue)
        return "after", f"{label} is after the coverage end {where}", _steps(cited, end)
    return None


def _steps(a: EnumKey, b: EnumKey) -> int:
    # A volume counts as far more than any issue; only the ordering of misses needs this.
    issues = abs(a[1] - b[1]) if a[1] is not None and b[1] is not None else 0
    return abs(a[0] - b[0]) * 1000 + issues


def _available(
    r: CoverageRange, today: datetime.date
) -> tuple[datetime.date | None, datetime.date | None]:
    window_first, window_last = r.embargo.window(today) if r.embargo else (None, None)
    return _later(r.first_day(), window_first), _earlier(r.last_day(), window_last)


def _meets(
    first: datetime.date,
    last: datetime.date,
    other_first: datetime.date | None,
    other_last: datetime.date | None,
) -> bool:
    """Whether [first, last] shares a day with [other_first, other_last] (None = unbounded).

    An empty other interval (first > last, walls that cross) shares nothing.
    """
    low = first if other_first is None else max(first, other_first)
    high = last if other_last is None else min(last, other_last)
    return low <= high


def _later(a: datetime.date | None, b: datetime.date | None) -> datetime.date | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: datetime.date | None, b: datetime.date | None) -> datetime.date | None:
    return b if a is None else a if b is None else min(a, b)


def _citation_date(
    value: PartialDate | datetime.date | str | None,
) -> tuple[PartialDate | None, str]:
    """The cited date and a note for the reason when the text had to be read leniently."""
    if value is None or isinstance(value, PartialDate):
        return value, ""
    if isinstance(value, datetime.date):  # datetime.datetime too: only its date counts
        return PartialDate(value.year, value.month, value.day), ""
    parsed = parse_partial_date(value)
    if parsed.value is not None and parsed.problem is None:
        return parsed.value, ""
    if parsed.value is None and parsed.suggestion is not None:
        # A citation is a question, not data we store: reading "1997-3" as 1997-03 is safe.
        retry = parse_partial_date(parsed.suggestion).value
        if retry is not None:
            return retry, f" (date {value!r} read as {retry})"
    if parsed.value is not None:
        return parsed.value, ""  # e.g. a time attached: the date part is what matters
    if parsed.problem is None:
        return None, ""  # blank
    return None, f" (date {value!r} not understood, so not compared)"


def _resolve_today(today: Today) -> datetime.date:
    if today is None:
        value = datetime.date.today()
    elif isinstance(today, datetime.date):
        value = today
    else:
        value = today()
    # datetime.datetime is a date subclass that refuses to compare with dates.
    return value.date() if isinstance(value, datetime.datetime) else value


def _clean(text: str | None) -> str | None:
    return (text.strip() or None) if text is not None else None


def _enum_label(volume: str | None, issue: str | None) -> str:
    parts = [f"v.{volume}"] if volume else []
    parts += [f"no.{issue}"] if issue else []
    return " ".join(parts)


def _replace_reason(result: CoverageResult, reason: str) -> CoverageResult:
    return CoverageResult(
        result.status,
        reason,
        result.range_index,
        result.available_from,
        result.available_until,
        result.embargoed_until,
    )


def _with_note(result: CoverageResult, note: str) -> CoverageResult:
    return _replace_reason(result, result.reason + note) if note else result
