"""Coverage ranges (one KBART line's first/last date, volume and issue, plus its embargo)
and the checks that compare ranges with each other: overlap, inversion, package bounds.

Partial dates are intervals: a range starts on its start's first day and ends on its end's
last day. Checks return data (an interval, a flag, a message) and never raise.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from erdq.model.dates import PartialDate
from erdq.model.embargo import Embargo


@dataclass(frozen=True, slots=True)
class CoverageRange:
    """``end_date`` None = open-ended (runs to the present); ``start_date`` None = from the
    beginning. Volumes and issues are kept as the text given (they are not always numbers).
    """

    start_date: PartialDate | None
    start_volume: str | None
    start_issue: str | None
    end_date: PartialDate | None
    end_volume: str | None
    end_issue: str | None
    embargo: Embargo | None = None
    # Bounds given but not readable, as (column, text): ("date_last_issue_online",
    # "2005-13"). Absent above, such a bound would read as no bound at all, so the
    # evaluator does not judge a dated request by the range (``erdq.coverage``).
    unreadable: tuple[tuple[str, str], ...] = ()

    def first_day(self) -> datetime.date | None:
        return self.start_date.first_day() if self.start_date is not None else None

    def last_day(self) -> datetime.date | None:
        return self.end_date.last_day() if self.end_date is not None else None

    def statement(self) -> str:
        """Human text: "1997 v.35 no.3 – 1998 v.36 no.2", "2001 v.1 – present"."""
        start = _point(self.start_date, self.start_volume, self.start_issue)
        end = _point(self.end_date, self.end_volume, self.end_issue)
        if self.unreadable:
            start = _joined(_unread(self.unreadable, "date_first_issue_online"), start)
            end = _joined(_unread(self.unreadable, "date_last_issue_online"), end)
        # A single issue (start == end) prints once.
        text = start if start and start == end else f"{start or 'beginning'} – {end or 'present'}"
        text = f"{text} (embargo {self.embargo})" if self.embargo is not None else text
        embargo = _unread(self.unreadable, "embargo_info")
        return f"{text} (embargo {embargo})" if embargo else text


def format_statements(ranges: Iterable[CoverageRange]) -> str:
    """Each range's statement, joined with "; " (gaps stay visible; ranges never merge)."""
    return "; ".join(r.statement() for r in ranges)


def overlaps(a: CoverageRange, b: CoverageRange) -> tuple[datetime.date, datetime.date] | None:
    """The days two ranges share, or None. Ranges that only touch do not overlap.

    Dates only: a missing start or end is unbounded and shows as ``date.min`` /
    ``date.max`` in the result. An inverted range covers no days, so it overlaps nothing.
    """
    if inverted(a) or inverted(b):
        return None
    low = max(a.first_day() or datetime.date.min, b.first_day() or datetime.date.min)
    high = min(a.last_day() or datetime.date.max, b.last_day() or datetime.date.max)
    return (low, high) if low <= high else None


def inverted(r: CoverageRange) -> bool:
    """True when the range starts after it ends (by dates)."""
    first, last = r.first_day(), r.last_day()
    return first is not None and last is not None and first > last


def enum_inverted(r: CoverageRange) -> bool:
    """True when the start volume/issue comes after the end volume/issue (numbers only).

    Issues are compared only within the same volume; text that is not a number is skipped.
    """
    start = enum_key(r.start_volume, r.start_issue)
    end = enum_key(r.end_volume, r.end_issue)
    return start is not None and end is not None and compare_enum(start, end) > 0


def outside(r: CoverageRange, package: CoverageRange) -> str | None:
    """Why ``r`` does not lie within the package's dates, or None when it does."""
    problems: list[str] = []
    package_first, first = package.first_day(), r.first_day()
    if package_first is not None:
        if first is None:
            problems.append(f"has no start, but the package starts {package.start_date}")
        elif first < package_first:
            problems.append(f"starts {r.start_date}, before the package start {package.start_date}")
    package_last, last = package.last_day(), r.last_day()
    if package_last is not None:
        if last is None:
            problems.append(f"is open-ended, but the package ends {package.end_date}")
        elif last > package_last:
            problems.append(f"ends {r.end_date}, after the package end {package.end_date}")
    return "; ".join(problems) or None


_ARABIC = re.compile(r"([0-9]+)[A-Za-z]?", re.ASCII)
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


@lru_cache(maxsize=4096)
def enum_value(text: str | None) -> int | None:
    """A volume or issue as a number: "12" → 12, "12A" → 12, "III"/"iii" → 3, else None."""
    if text is None:
        return None
    s = text.strip()
    m = _ARABIC.fullmatch(s)
    if m:
        return int(m.group(1))
    upper = s.upper()
    if upper and _ROMAN.fullmatch(upper):
        return _roman(upper)
    return None


EnumKey = tuple[int, int | None]


def enum_key(volume: str | None, issue: str | None) -> EnumKey | None:
    """(volume, issue) as numbers; None when the volume is missing or not a number."""
    vol = enum_value(volume)
    return None if vol is None else (vol, enum_value(issue))


def compare_enum(a: EnumKey, b: EnumKey) -> int:
    """-1, 0 or 1. Issues count only within one volume and when both are known."""
    if a[0] != b[0]:
        return -1 if a[0] < b[0] else 1
    if a[1] is None or b[1] is None:
        return 0
    return (a[1] > b[1]) - (a[1] < b[1])


def _roman(numeral: str) -> int:
    total = 0
    for letter, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN_VALUES[letter]
        # Subtractive pairs (IV, XC…): a smaller value before a larger one counts negative.
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def _unread(unreadable: tuple[tuple[str, str], ...], column: str) -> str:
    """How a statement shows a bound it cannot read: the text as given, marked."""
    text = next((t for c, t in unreadable if c == column), None)
    return f"{text!r} (unreadable)" if text is not None else ""


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _point(date: PartialDate | None, volume: str | None, issue: str | None) -> str:
    parts = [str(date)] if date is not None else []
    if volume:
        parts.append(f"v.{volume}")
    if issue:
        parts.append(f"no.{issue}")
    return " ".join(parts)
