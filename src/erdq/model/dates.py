"""Partial ISO 8601 dates as KBART uses them: YYYY, YYYY-MM or YYYY-MM-DD.

KBART asks providers for only the precision a journal's frequency supports, so a date is
kept at its precision and read as an interval (``first_day`` .. ``last_day``). The parser
reports what is wrong with a value and suggests a fix; it never raises and never guesses a
real date from a placeholder (lenient date libraries turn 2001-00-00 into 2000-11-30).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Precision = Literal["year", "month", "day"]
DateProblem = Literal[
    "zero-filled",
    "not-iso",
    "month-out-of-range",
    "day-out-of-range",
    "needs-two-digits",
    "time-attached",
    "not-a-date",
]

# One line per problem code, for rule messages and docs.
DATE_PROBLEMS: dict[str, str] = {
    "zero-filled": "a zero month or day is a placeholder; give only the precision that is known",
    "not-iso": "not an ISO 8601 date; write YYYY, YYYY-MM or YYYY-MM-DD",
    "month-out-of-range": "the month is not between 01 and 12",
    "day-out-of-range": "that day does not exist in that month",
    "needs-two-digits": "the month and the day need two digits",
    "time-attached": "a time of day is attached; give the date only",
    "not-a-date": "not a date",
}


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known to year, month or day precision."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        # Only a programming error gets here: the parser never builds an invalid date.
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is outside 1..9999")
        if self.month is None:
            if self.day is not None:
                raise ValueError("a day needs a month")
        elif not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is outside 1..12")
        elif self.day is not None and not 1 <= self.day <= _days_in(self.year, self.month):
            raise ValueError(f"day {self.day} does not exist in {self.year:04d}-{self.month:02d}")

    @classmethod
    def from_date(cls, day: datetime.date) -> PartialDate:
        return cls(day.year, day.month, day.day)

    @property
    def precision(self) -> Precision:
        if self.month is None:
            return "year"
        return "month" if self.day is None else "day"

    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> datetime.date:
        if self.month is None:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, self.month, self.day or _days_in(self.year, self.month))

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True)
class DateParse:
    """What the parser made of a value.

    ``value`` is None for an empty cell (no problem) and for every problem except
    ``time-attached``, whose date part is still usable. ``suggestion``, when given, is a
    valid replacement text; it is advice for a person and is never applied here.
    """

    value: PartialDate | None
    problem: DateProblem | None = None
    suggestion: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


_EMPTY = DateParse(None)

# re.ASCII throughout: \s and \S must not treat other scripts' digits or spaces as ours.
_ISO = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
_ISO_UNPADDED = re.compile(r"([0-9]{4})-([0-9]{1,2})(?:-([0-9]{1,2}))?", re.ASCII)
_TIME_ATTACHED = re.compile(
    r"(\S+?)[T ]\s*"  # the date part, then "T" or a space
    r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"  # hh:mm[:ss[.fff]]
    r"\s*(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?",  # an optional zone
    re.ASCII | re.IGNORECASE,
)
_YMD_OTHER_SEP = re.compile(r"([0-9]{4})[/.]([0-9]{1,2})(?:[/.]([0-9]{1,2}))?", re.ASCII)
_BASIC = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})", re.ASCII)
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})", re.ASCII)
_MONTH_YEAR = re.compile(r"([0-9]{1,2})[/.-]([0-9]{4})", re.ASCII)


@lru_cache(maxsize=65536)  # KBART files repeat the same dates on many rows
def parse_partial_date(text: str | None) -> DateParse:
    """Parse a KBART/OpenURL date. Never raises; empty or blank text is an absent date."""
    if text is None:
        return _EMPTY
    s = text.strip()
    if not s:
        return _EMPTY
    m = _ISO.fullmatch(s)
    if m:
        return _check(*_ints(m.groups()))
    m = _ISO_UNPADDED.fullmatch(s)
    if m:
        padded = _check(*_ints(m.groups()))
        if padded.value is None:
            return padded  # a range or placeholder problem matters more than the padding
        return DateParse(None, "needs-two-digits", str(padded.value))
    m = _TIME_ATTACHED.fullmatch(s)
    if m:
        date_part = parse_partial_date(m.group(1))
        if date_part.value is None:
            return date_part if date_part.problem else DateParse(None, "not-a-date")
        return DateParse(date_part.value, "time-attached", str(date_part.value))
    return _not_iso(s)


def _not_iso(s: str) -> DateParse:
    m = _YMD_OTHER_SEP.fullmatch(s) or _BASIC.fullmatch(s)
    if m:
        return DateParse(None, "not-iso", _suggest(*_ints(m.groups())))
    m = _DAY_MONTH_YEAR.fullmatch(s)
    if m:
        a, b, year_text = int(m.group(1)), int(m.group(3)), m.group(4)
        if len(year_text) == 2:
            return DateParse(None, "not-iso")  # the century is unknown
        year = int(year_text)
        # US month/day or European day/month: suggest only when just one reading is a real date.
        readings = {(year, mm, dd) for mm, dd in ((a, b), (b, a)) if _is_real(year, mm, dd)}
        only = readings.pop() if len(readings) == 1 else None
        return DateParse(None, "not-iso", str(PartialDate(*only)) if only else None)
    m = _MONTH_YEAR.fullmatch(s)
    if m:
        return DateParse(None, "not-iso", _suggest(int(m.group(2)), int(m.group(1)), None))
    return DateParse(None, "not-a-date")


def _check(year: int, month: int | None, day: int | None) -> DateParse:
    """Validate numeric components, each already known to be all digits."""
    if year == 0:
        return DateParse(None, "zero-filled")  # "0000" placeholder: nothing real to suggest
    if month is None:
        return DateParse(PartialDate(year))
    if month == 0:
        return DateParse(None, "zero-filled", f"{year:04d}")
    if month > 12:
        return DateParse(None, "month-out-of-range")
    if day is None:
        return DateParse(PartialDate(year, month))
    if day == 0:
        return DateParse(None, "zero-filled", f"{year:04d}-{month:02d}")
    if day > _days_in(year, month):
        return DateParse(None, "day-out-of-range")
    return DateParse(PartialDate(year, month, day))


def _suggest(year: int, month: int | None, day: int | None) -> str | None:
    checked = _check(year, month, day)
    return str(checked.value) if checked.value is not None else checked.suggestion


def _is_real(year: int, month: int, day: int) -> bool:
    return year >= 1 and 1 <= month <= 12 and 1 <= day <= _days_in(year, month)


def _ints(groups: tuple[str | None, ...]) -> tuple[int, int | None, int | None]:
    year, month, day = (*groups, None, None)[:3]
    return int(year or 0), _int_or_none(month), _int_or_none(day)


def _int_or_none(text: str | None) -> int | None:
    return None if text is None else int(text)


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
