"""KBART ``embargo_info``: moving walls such as ``P1Y``, ``R365D`` or ``R10Y;P30D``.

KBART (RP-9, via the text quoted in miku/span ``licensing/embargo.go``): ``R`` = access
begins at the wall (only the last N units are available), ``P`` = access ends at the wall
(the most recent N units are not available). The unit also sets the granularity of the
wall: ``R1Y`` is the calendar-year model, so years and months are calendar arithmetic,
never fixed hour counts; "365D is one year" only means a day count is taken literally.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, cast

Kind = Literal["R", "P"]
Unit = Literal["D", "M", "Y"]
EmbargoProblem = Literal[
    "free-text",
    "no-type",
    "wrong-order",
    "lowercase",
    "zero-length",
    "too-many",
    "duplicate-kind",
    "bad-syntax",
]

# One line per problem code, for rule messages and docs.
EMBARGO_PROBLEMS: dict[str, str] = {
    "free-text": "words instead of a coded embargo such as P6M",
    "no-type": "a statement lacks its type letter: R (only the last N available) or P (last N not)",
    "wrong-order": "two statements must be written R…;P…, the R statement first",
    "lowercase": "type and unit letters must be upper case",
    "zero-length": "a zero-length wall means nothing; leave it out",
    "too-many": "at most two statements are allowed",
    "duplicate-kind": "two statements of the same type; a pair must be one R and one P",
    "bad-syntax": "each statement must be a type, a length and a unit, such as R10Y or P30D",
}

_MAX_LENGTH_DIGITS = 9  # longer lengths mean nothing on a calendar and int() of huge text is slow


@dataclass(frozen=True, slots=True)
class EmbargoStatement:
    """One moving wall: ``kind`` R or P, ``length`` units of ``unit`` D, M or Y."""

    kind: Kind
    length: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.kind}{self.length}{self.unit}"

    def wall(self, today: datetime.date) -> datetime.date | None:
        """R: the first available day (None = no limit). P: the last available day.

        A zero length is ignored (None for both kinds); the parser reports it.
        """
        n = self.length
        if n == 0:
            return None
        if self.kind == "R":
            # The current unit counts as the first of the N available units.
            if self.unit == "Y":
                return _year_start(today.year - n + 1)
            if self.unit == "M":
                return _month_start(_month_index(today) - (n - 1))
            return _add_days(today, -(n - 1))
        if self.unit == "Y":
            return _year_end(today.year - n) or datetime.date.min
        if self.unit == "M":
            return _month_end(_month_index(today) - n) or datetime.date.min
        return _add_days(today, -n) or datetime.date.min

    def release(self, day: datetime.date) -> datetime.date | None:
        """For a P wall: the first evaluation day on which ``day`` is no longer embargoed.

        None when this is not a (non-zero) P wall or the day lies beyond year 9999.
        """
        n = self.length
        if self.kind != "P" or n == 0:
            return None
        if self.unit == "Y":
            return _year_start(day.year + n)
        if self.unit == "M":
            return _month_start(_month_index(day) + n)
        return _add_days(day, n)


@dataclass(frozen=True, slots=True)
class Embargo:
    """One or two statements; a pair is R…;P… in that order (enforced by the parser)."""

    statements: tuple[EmbargoStatement, ...]

    def __str__(self) -> str:
        return ";".join(str(s) for s in self.statements)

    def window(self, today: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
        """(first available day, last available day) implied by the embargo alone.

        None means unbounded on that side. Both statements apply; when the walls cross,
        first > last and nothing is available.
        """
        first: datetime.date | None = None
        last: datetime.date | None = None
        for s in self.statements:
            wall = s.wall(today)
            if wall is None:
                continue
            if s.kind == "R":
                first = wall if first is None else max(first, wall)
            else:
                last = wall if last is None else min(last, wall)
        return first, last

    def release(self, day: datetime.date) -> datetime.date | None:
        """The first evaluation day on which ``day`` is behind no P wall (None: no P wall).

        The R wall is not considered: by the time a P wall opens, an R wall may have
        passed the day, and the caller checks that with ``window``.
        """
        days = [s.release(day) for s in self.statements if s.kind == "P" and s.length]
        if not days:
            return None
        # A wall beyond year 9999 is as good as never: clamp so the answer stays a date.
        return max(d or datetime.date.max for d in days)


@dataclass(frozen=True, slots=True)
class EmbargoParse:
    """What the parser made of ``embargo_info``.

    ``value`` is None for an empty cell (no embargo, no problem) and for errors. It is
    kept for ``zero-length`` and, in lenient mode, for ``lowercase`` (then ``normalised``
    is True and the problem is still reported so a warning can be shown). ``suggestion``
    is advice for a person and is never applied.
    """

    value: Embargo | None
    problem: EmbargoProblem | None = None
    suggestion: str | None = None
    normalised: bool = False

    @property
    def ok(self) -> bool:
        return self.problem is None


_EMPTY = EmbargoParse(None)
_CODED = re.compile(r"[RP][0-9]+[DMY](?:;[RP][0-9]+[DMY])*", re.ASCII)
_UNTYPED = re.compile(r"[RP]?[0-9]+[DMY]", re.ASCII)
_FREE_TEXT = re.compile(
    r"(?:embargo(?:ed)?\s*:?\s*)?([0-9]+)\s*-?\s*(day|month|year|mo|yr|d|m|y)s?(?:\s+embargo(?:ed)?)?",
    re.ASCII | re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[\s;,]+", re.ASCII)
_WHITESPACE = re.compile(r"\s+", re.ASCII)
_LETTERS_OR_SPACE = re.compile(r"[A-Za-z]{2}|\s", re.ASCII)


@lru_cache(maxsize=4096)  # a file has few distinct embargo values
def parse_embargo(text: str | None, *, strict: bool = True) -> EmbargoParse:
    """Parse ``embargo_info``. Never raises; empty or blank text means no embargo."""
    if text is None:
        return _EMPTY
    s = text.strip()
    if not s:
        return _EMPTY
    if _CODED.fullmatch(s):
        return _structure(s)
    upper = s.upper()
    if _CODED.fullmatch(upper):
        return _lowercase(_structure(upper), strict=strict)
    # Spaces or commas between statements, or a stray semicolon: one fix to suggest.
    for candidate in (_SEPARATORS.sub(";", upper).strip(";"), _WHITESPACE.sub("", upper)):
        if _CODED.fullmatch(candidate):
            fixed = _structure(candidate)
            return EmbargoParse(None, "bad-syntax", _as_text(fixed))
    parts = [p for p in _SEPARATORS.split(upper) if p]
    if parts and all(_UNTYPED.fullmatch(p) for p in parts):
        # A lone "1Y" is most likely a P wall, as "6 months" is; the type is still a guess.
        guess = f"P{parts[0]}" if len(parts) == 1 else None
        if guess is not None and _structure(guess).problem:
            guess = None  # e.g. "0Y": nothing worth suggesting
        return EmbargoParse(None, "no-type", guess)
    m = _FREE_TEXT.fullmatch(s)
    if m:
        length, unit = int(m.group(1)), m.group(2)[0].upper()
        return EmbargoParse(None, "free-text", f"P{length}{unit}" if length else None)
    if _LETTERS_OR_SPACE.search(s):
        return EmbargoParse(None, "free-text")
    return EmbargoParse(None, "bad-syntax")


def _structure(s: str) -> EmbargoParse:
    """Check the statements of text that already matches the coded pattern."""
    statements: list[EmbargoStatement] = []
    for part in s.split(";"):
        digits = part[1:-1].lstrip("0") or "0"
        if len(digits) > _MAX_LENGTH_DIGITS:
            return EmbargoParse(None, "bad-syntax")
        statements.append(EmbargoStatement(cast(Kind, part[0]), int(digits), cast(Unit, part[-1])))
    if len(statements) > 2:
        return EmbargoParse(None, "too-many")
    if len(statements) == 2:
        first, second = statements
        if first.kind == second.kind:
            return EmbargoParse(None, "duplicate-kind")
        if first.kind == "P":
            return EmbargoParse(None, "wrong-order", f"{second};{first}")
    value = Embargo(tuple(statements))
    if any(st.length == 0 for st in statements):
        kept = ";".join(str(st) for st in statements if st.length)
        return EmbargoParse(value, "zero-length", kept or None)
    return EmbargoParse(value)


def _lowercase(upper: EmbargoParse, *, strict: bool) -> EmbargoParse:
    if upper.value is None:
        return upper  # wrong order, too many…: that error matters more than the case
    fixed = str(upper.value)
    if strict:
        return EmbargoParse(None, "lowercase", fixed)
    return EmbargoParse(upper.value, "lowercase", fixed, normalised=True)


def _as_text(parsed: EmbargoParse) -> str | None:
    return str(parsed.value) if parsed.value is not None else parsed.suggestion


# Calendar helpers. Each returns None outside datetime's years 1..9999 instead of raising.


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _year_start(year: int) -> datetime.date | None:
    return datetime.date(year, 1, 1) if 1 <= year <= 9999 else None


def _year_end(year: int) -> datetime.date | None:
    return datetime.date(year, 12, 31) if 1 <= year <= 9999 else None


def _month_start(index: int) -> datetime.date | None:
    year, month0 = divmod(index, 12)
    return datetime.date(year, month0 + 1, 1) if 1 <= year <= 9999 else None


def _month_end(index: int) -> datetime.date | None:
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        return None
    return datetime.date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1])


def _add_days(day: datetime.date, days: int) -> datetime.date | None:
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return None
