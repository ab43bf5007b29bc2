"""Coverage ranges: statements (BR-010), overlap and package bounds (BR-016), enumeration."""

from __future__ import annotations

import datetime
import json
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import CASES

from erdq.model.coverage import (
    CoverageRange,
    enum_inverted,
    enum_value,
    format_statements,
    inverted,
    outside,
    overlaps,
)
from erdq.model.dates import PartialDate, parse_partial_date
from erdq.model.embargo import parse_embargo

needs_cases = pytest.mark.skipif(not CASES.is_dir(), reason=f"case inputs not found at {CASES}")

D = datetime.date


def _date(text: str | None) -> PartialDate | None:
    return parse_partial_date(text).value if text else None


def dated(begin: str | None, end: str | None) -> CoverageRange:
    return CoverageRange(_date(begin), None, None, _date(end), None, None)


# BR-016 as stated in CASES.md, hard-coded so a changed input file fails loudly.
BR016_PACKAGE = ("2000-01-01", "2020-12-31")
BR016_RANGES = [
    ("2001-01-01", "2005-12-31"),
    ("2004-06-01", "2008-12-31"),
    ("2019-01-01", "2022-12-31"),
    ("2012-05-01", "2011-01-01"),
]


@needs_cases
def test_br016_file_holds_the_stated_ranges() -> None:
    data = json.loads((CASES / "BR-016.coverage.json").read_text(encoding="utf-8"))
    package = data["package"]["coverage"]
    assert (package["begin"], package["end"]) == BR016_PACKAGE
    assert [(c["begin"], c["end"]) for c in data["title_custom_coverages"]] == BR016_RANGES


def test_br016_overlap() -> None:
    ranges = [dated(*r) for r in BR016_RANGES]
    found = {
        (i + 1, j + 1): both
        for (i, a), (j, b) in combinations(enumerate(ranges), 2)
        if (both := overlaps(a, b))
    }
    assert found == {(1, 2): (D(2004, 6, 1), D(2005, 12, 31))}


def test_br016_outside_the_package() -> None:
    package = dated(*BR016_PACKAGE)
    messages = [outside(dated(*r), package) for r in BR016_RANGES]
    assert messages[2] == "ends 2022-12-31, after the package end 2020-12-31"
    assert messages[0] is messages[1] is None


def test_br016_inverted() -> None:
    assert [inverted(dated(*r)) for r in BR016_RANGES] == [False, False, False, True]


def test_br016_range_1_alone_is_valid() -> None:
    r1 = dated(*BR016_RANGES[0])
    assert not inverted(r1)
    assert outside(r1, dated(*BR016_PACKAGE)) is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # Touching is not overlapping, with full and with partial dates.
        (("2001-01-01", "2005-12-31"), ("2006-01-01", "2008-12-31"), None),
        (("2001", "2005"), ("2006", "2008"), None),
        (("2001", "2005-11"), ("2005-12", "2008"), None),
        # Partial dates are intervals: an end of 2005 runs to 2005-12-31.
        (("2001", "2005"), ("2005-12", "2008"), (D(2005, 12, 1), D(2005, 12, 31))),
        (("2001-01-01", "2005-12-31"), ("2005-12-31", None), (D(2005, 12, 31), D(2005, 12, 31))),
        # Open ends are unbounded.
        ((None, "2003"), ("2003-06", None), (D(2003, 6, 1), D(2003, 12, 31))),
        (("2003", None), ("2010", None), (D(2010, 1, 1), datetime.date.max)),
        # An inverted range covers no days.
        (("2012-05-01", "2011-01-01"), ("2000", "2020"), None),
    ],
)
def test_overlaps(
    a: tuple[str | None, str | None],
    b: tuple[str | None, str | None],
    expected: tuple[datetime.date, datetime.date] | None,
) -> None:
    assert overlaps(dated(*a), dated(*b)) == expected
    assert overlaps(dated(*b), dated(*a)) == expected


@pytest.mark.parametrize(
    ("r", "expected"),
    [
        (("2000", "2005"), False),
        (("2005", "2005-06"), False),  # 2005-01-01 .. 2005-06-30
        (("2005-07", "2005"), False),  # 2005-07-01 .. 2005-12-31
        (("2005-12-31", "2005-06"), True),
        (("2006", "2005"), True),
        ((None, "2005"), False),
        (("2006", None), False),
    ],
)
def test_inverted(r: tuple[str | None, str | None], expected: bool) -> None:
    assert inverted(dated(*r)) is expected


@pytest.mark.parametrize(
    ("r", "expected"),
    [
        (("1999-01-01", "2010"), "starts 1999-01-01, before the package start 2000-01-01"),
        (("2010", None), "is open-ended, but the package ends 2020-12-31"),
        ((None, "2010"), "has no start, but the package starts 2000-01-01"),
        (
            ("1999", "2021"),
            "starts 1999, before the package start 2000-01-01; "
            "ends 2021, after the package end 2020-12-31",
        ),
        (("2000", "2020"), None),  # 2000-01-01 .. 2020-12-31: exactly the package
    ],
)
def test_outside(r: tuple[str | None, str | None], expected: str | None) -> None:
    assert outside(dated(*r), dated(*BR016_PACKAGE)) == expected


def test_outside_an_open_package() -> None:
    assert outside(dated("2010", None), dated("2000", None)) is None


def test_br010_display_keeps_both_statements() -> None:
    ranges = [
        CoverageRange(_date("1997"), "35", "1", _date("1997"), "35", "1"),
        CoverageRange(_date("1997"), "35", "3", _date("1998"), "36", "2"),
    ]
    assert format_statements(ranges) == "1997 v.35 no.1; 1997 v.35 no.3 – 1998 v.36 no.2"


@pytest.mark.parametrize(
    ("r", "expected"),
    [
        (CoverageRange(_date("2001"), "1", None, None, None, None), "2001 v.1 – present"),
        (CoverageRange(None, None, None, _date("2005-12"), "9", None), "beginning – 2005-12 v.9"),
        (
            CoverageRange(_date("2000"), None, None, None, None, None, parse_embargo("P1Y").value),
            "2000 – present (embargo P1Y)",
        ),
        (CoverageRange(None, "3", None, None, "3", None), "v.3"),
    ],
)
def test_statement(r: CoverageRange, expected: str) -> None:
    assert r.statement() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("35", 35),
        (" 7 ", 7),
        ("007", 7),
        ("12A", 12),
        ("III", 3),
        ("iii", 3),
        ("XIV", 14),
        ("XLIX", 49),
        ("MCMXCIX", 1999),
        ("IIII", None),  # not a well-formed numeral
        ("Suppl", None),
        ("12-13", None),
        ("", None),
        (None, None),
        ("٣", None),  # only ASCII digits count
    ],
)
def test_enum_value(text: str | None, expected: int | None) -> None:
    assert enum_value(text) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (("36", None), ("35", None), True),
        (("35", "3"), ("35", "2"), True),
        (("35", "3"), ("36", "1"), False),  # issues only count within one volume
        (("35", "3"), ("35", None), False),
        (("Suppl", None), ("1", None), False),  # text is not compared
        (("XII", None), ("10", None), True),
    ],
)
def test_enum_inverted(
    start: tuple[str, str | None], end: tuple[str, str | None], expected: bool
) -> None:
    r = CoverageRange(None, start[0], start[1], None, end[0], end[1])
    assert enum_inverted(r) is expected


@given(st.text())
def test_enum_value_never_raises(text: str) -> None:
    value = enum_value(text)
    assert value is None or value >= 0


@given(st.integers(1, 3999))
def test_roman_numerals_round_trip(n: int) -> None:
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
    numerals += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    text, rest = "", n
    for value, letters in numerals:
        count, rest = divmod(rest, value)
        text += letters * count
    assert enum_value(text) == n
    assert enum_value(text.lower()) == n
