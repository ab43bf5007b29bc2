"""What Excel does to values (``erdq.excel_values``): scientific notation, date serials."""

from __future__ import annotations

import datetime as dt

import pytest

from erdq.excel_values import scientific, serial_day, typed_year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9.78019E+12", ("978019", 12)),
        ("9,78043902348E+12", ("978043902348", 12)),  # a decimal comma
        ("1E+12", ("1", 12)),
        ("9780190000000", None),
        ("1.5", None),
        ("E+12", None),
    ],
)
def test_scientific(value, expected) -> None:
    assert scientific(value) == expected


@pytest.mark.parametrize(
    ("value", "epoch", "expected"),
    [
        # ECMA-376 Part 1, 18.17.4.1: serial 1 is 1900-01-01 in the 1900 system, and days
        # after 28 February 1900 count Lotus's 29 February; 43466 is 2019-01-01.
        ("43466", "1900", dt.date(2019, 1, 1)),
        ("40179", "1900", dt.date(2010, 1, 1)),
        # The 1904 system starts 1462 days later: serial 0 is 1904-01-01.
        ("40179", "1904", dt.date(2014, 1, 2)),
        ("2010", "1900", None),  # a year
        ("401790", "1900", None),
        ("4017a", "1900", None),
    ],
)
def test_serial_day(value, epoch, expected) -> None:
    assert serial_day(value, epoch) == expected


@pytest.mark.parametrize(
    ("day", "epoch", "expected"),
    [
        (dt.date(1905, 7, 13), "1900", 2021),  # 1899-12-30 + 2021 days
        (dt.date(1909, 7, 14), "1904", 2021),  # 1904-01-01 + 2021 days
        (dt.date(1904, 6, 1), "1900", None),  # day 1614: a date, not a typed year
        (dt.date(2019, 1, 1), "1900", None),
    ],
)
def test_typed_year(day, epoch, expected) -> None:
    assert typed_year(day, epoch) == expected
