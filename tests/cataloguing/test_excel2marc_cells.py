"""What a cell means for its column (``erdq.cataloguing.cells``), one damage at a time.

Expected values: ISBN check digits per ISO 2108 (computed by hand for the examples
below), Excel's 1900 date system (serial 43466 is 2019-01-01; 1 is 1900-01-01), and the
Unicode full-width block (U+FF10-FF19 are the digits 0-9).
"""

from __future__ import annotations

import datetime as dt

import pytest

from erdq.cataloguing.cells import clean
from erdq.cataloguing.mapping import ColumnSpec

ISBN = ColumnSpec("isbn", "isbn", split=";")
YEAR = ColumnSpec("year", "year")
TEXT = ColumnSpec("title")


def _codes(result) -> list[str]:
    return [code for code, _, _ in result.notes]


def test_split_isbns_each_checked() -> None:
    result = clean(ISBN, "9780306406157; 0306406152")
    assert result.values == ["9780306406157", "0306406152"]
    assert result.notes == []  # blanks around the delimiter belong to it


@pytest.mark.parametrize(
    ("raw", "separator"),
    [
        ("9780306406157, 0306406152", ", "),
        ("9780306406157 / 0-306-40615-2", " / "),
        ("9780306406157 0306406152", " "),
    ],
)
def test_isbns_listed_with_another_separator_are_each_written(raw, separator) -> None:
    # 9780306406157 and 0306406152 are the ISBN-13 and ISBN-10 of one book, both valid.
    result = clean(ISBN, raw)
    assert result.values == ["9780306406157", "0306406152"]
    assert result.notes == [("VL217", raw, {"count": 2, "separator": separator, "split": ";"})]


def test_isbns_on_lines_of_one_cell_are_each_written() -> None:
    # A line break inside a cell is tidied to a blank first (VL206), which then separates.
    result = clean(ISBN, "9780306406157\n0306406152")
    assert result.values == ["9780306406157", "0306406152"]
    assert _codes(result) == ["VL206", "VL217"]


def test_a_list_with_one_invalid_isbn_is_not_split() -> None:
    # 0306406153: check digit should be 2. Which part is the ISBN is then not certain.
    result = clean(ISBN, "9780306406157, 0306406153")
    assert result.values == [] and _codes(result) == ["VL203"]
    # An ISBN written with blanks inside it is one ISBN, not a list.
    assert clean(ISBN, "978 0 306 40615 7").values == ["9780306406157"]


def test_a_list_in_a_column_read_as_one_isbn_says_how_to_split_it() -> None:
    result = clean(ColumnSpec("isbn", "isbn"), "9780306406157, 0306406152")
    assert result.values == [] and _codes(result) == ["VL203"]
    assert "it holds 2 ISBNs separated by ', '" in result.notes[0][2]["problem"]


def test_numeric_isbn_cell_is_kept_with_a_warning() -> None:
    result = clean(ISBN, 9780306406157)
    assert result.values == ["9780306406157"] and _codes(result) == ["VL204"]


def test_float_that_lost_digits() -> None:
    result = clean(ISBN, 9780306406150.0)  # last digit gone: check digit should be 7
    assert result.values == [] and _codes(result) == ["VL203"]
    assert "digits may have been lost" in result.notes[0][2]["problem"]


def test_fullwidth_isbn_is_converted() -> None:
    result = clean(
        ISBN, "\uff19\uff17\uff18\uff10\uff13\uff10\uff16\uff14\uff10\uff16\uff11\uff15\uff17"
    )
    assert result.values == ["9780306406157"] and _codes(result) == ["VL207"]


def test_fullwidth_text_is_kept_with_a_suggestion() -> None:
    result = clean(TEXT, "\u4e2d\u56fd\uff1a\u5386\u53f2")
    assert result.values == ["\u4e2d\u56fd\uff1a\u5386\u53f2"]
    assert (
        _codes(result) == ["VL207"] and "\u4e2d\u56fd:\u5386\u53f2" in result.notes[0][2]["action"]
    )


def test_stray_spaces_are_removed_and_reported() -> None:
    result = clean(TEXT, "\u00a0Great  Expectations ")
    assert result.values == ["Great Expectations"] and _codes(result) == ["VL206"]
    problem = result.notes[0][2]["problem"]
    assert "non-breaking" in problem and "doubled" in problem and "trailing" in problem


def test_a_soft_hyphen_is_removed_and_reported_a_zero_width_joiner_kept() -> None:
    # U+00AD in "Ency-clopedia" is a line-break hint: searched as typed, the word is two.
    result = clean(TEXT, "Ency\u00adclopedia of things")
    assert result.values == ["Encyclopedia of things"] and _codes(result) == ["VL206"]
    assert result.notes[0][2]["problem"] == "soft hyphens"
    # U+200C (zero-width non-joiner) spells Persian words: kept, not reported.
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    kept = clean(TEXT, persian)
    assert kept.values == [persian] and _codes(kept) == []


@pytest.mark.parametrize(
    ("raw", "year", "codes"),
    [
        ("2019", "2019", []),
        (2019, "2019", []),
        (dt.datetime(2019, 5, 1), "2019", []),
        # 2021 typed into a cell formatted as a date: Excel keeps day 2021 of its 1900
        # system, 1899-12-30 + 2021 days = 1905-07-13.
        (dt.datetime(1905, 7, 13), "2021", ["VL219"]),
        (dt.date(1905, 7, 13), "2021", ["VL219"]),
        # Day 1614: no year typed, a date of 1904 (kept as its year).
        (dt.datetime(1904, 6, 1), "1904", []),
        ("2019-05-01", "2019", []),
        ("43466", "2019", ["VL208"]),
        (43466, "2019", ["VL208"]),
        ("c. 2003?", None, ["VL209"]),
        # Catalogue marks around one year: the year, and the marks named (VL216).
        ("[2007]", "2007", ["VL216"]),
        ("©2007", "2007", ["VL216"]),
        ("c2007", "2007", ["VL216"]),
        ("2007.", "2007", ["VL216"]),
        # Uncertain, or circa: no year to put in 008 as known.
        ("[2007?]", None, ["VL209"]),
        ("c. 2007", None, ["VL209"]),
        ("[2007", None, ["VL209"]),  # a bracket not closed
        # Six digits (YYYYMM, say) are no serial: serial 202103 would be the year 2453.
        ("202103", None, ["VL209"]),
        # Serial 99999 is 2173-10-14: past next year, a typo rather than a date.
        ("99999", None, ["VL209"]),
    ],
)
def test_years(raw, year, codes) -> None:
    result = clean(YEAR, raw)
    assert result.values == ([year] if year else [])
    assert _codes(result) == codes


def test_date_serial_in_the_1904_system() -> None:
    result = clean(YEAR, 42004, epoch="1904")  # 1904-01-01 + 42004 days = 2019-01-01
    assert result.values == ["2019"]
    assert result.notes[0][2]["date"] == "2019-01-01"


@pytest.mark.parametrize("raw", ["=VLOOKUP(A2,B:C,2,0)", "#N/A", "#REF!"])
def test_formula_residue(raw) -> None:
    result = clean(TEXT, raw)
    assert result.values == [] and _codes(result) == ["VL205"]


def test_a_guarded_value_is_data() -> None:
    assert clean(TEXT, "=SUM(A1)", literal=True).values == ["=SUM(A1)"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        # Nine digits: one leading zero lost; 0520963539 has a valid check digit (BR-050).
        ("520963539", "VL201"),
        # 0 and 19 are not ISBNs that lost their zeros: padded, one is the filler
        # 0000000000 and the other a number no publisher was given.
        ("0", "VL203"),
        ("19", "VL203"),
        (19, "VL203"),
    ],
)
def test_only_an_isbn_that_lost_one_or_two_zeros_is_restored(raw, code) -> None:
    result = clean(ISBN, raw)
    assert _codes(result) == [code]
    assert result.values == (["0520963539"] if code == "VL201" else [])


def test_a_value_given_twice_in_a_split_cell_is_written_once() -> None:
    # The same ISBN with and without hyphens: one ISBN, so one 020, and said so.
    result = clean(ISBN, "978-0-306-40615-7;9780306406157;0306406152")
    assert result.values == ["9780306406157", "0306406152"]
    assert [(c, p) for c, _v, p in result.notes] == [("VL213", {"repeated": "'9780306406157'"})]
