"""The availability run's date reading (``common.read_dates``): an article's date is read
as the link resolver reads the same date in an OpenURL, so both give the same answer."""

from __future__ import annotations

import datetime as dt

import pytest

from erdq.availability.common import date_counts, read_dates
from erdq.openurl import parse_openurl

D = dt.date

# (date text, first and last day of the interval it means; None when it cannot be read)
DATES = [
    ("2015", D(2015, 1, 1), D(2015, 12, 31)),
    ("2016-02", D(2016, 2, 1), D(2016, 2, 29)),  # a leap year
    ("2015-06-15T10:30:00Z", D(2015, 6, 15), D(2015, 6, 15)),
    ("20151220", D(2015, 12, 20), D(2015, 12, 20)),
    ("2015-1-5", D(2015, 1, 5), D(2015, 1, 5)),
    ("[1963]", D(1963, 1, 1), D(1963, 12, 31)),
    ("Spring 2015", D(2015, 1, 1), D(2015, 12, 31)),
    # A day the month lacks keeps the year and month: 2015 is not a leap year, April
    # has 30 days; a month 13 keeps the year only.
    ("2015-02-29", D(2015, 2, 1), D(2015, 2, 28)),
    ("2015/04/31", D(2015, 4, 1), D(2015, 4, 30)),
    ("20150230", D(2015, 2, 1), D(2015, 2, 28)),
    ("2015-13-01", D(2015, 1, 1), D(2015, 12, 31)),
    ("n.d.", None, None),
    ("0000", None, None),
]


@pytest.mark.parametrize(("text", "first", "last"), DATES)
def test_a_date_means_what_it_means_to_the_resolver(text, first, last) -> None:
    (reading,) = read_dates([(text, 4)])
    assert (reading.first, reading.last, reading.articles) == (first, last, 4)
    cited = parse_openurl(f"issn=1234-5679&date={text}").date
    assert (cited.first_day(), cited.last_day()) == (first, last) if cited else first is None


def test_lenient_and_unreadable_dates_are_counted_blank_ones_are_no_date() -> None:
    readings = read_dates([("2015", 10), ("20151220", 3), ("[1963]", 2), ("n.d.", 1), (" ", 5)])
    assert [r.text for r in readings] == ["2015", "20151220", "[1963]", "n.d."]
    assert [r.lenient for r in readings] == [False, True, True, False]
    assert date_counts(readings) == {"dates_read_leniently": 5, "dates_unreadable": 1}
