"""A KBART file saved from Excel: identifiers in scientific notation (KB205) and dates as
day serials (KB301) are named as Excel's doing, with what to write instead."""

from __future__ import annotations

from tests.conftest import CASE_DAY

from erdq.engine import KbartCheck
from erdq.registry import Example
from erdq.rules.kbart.base import DEFAULT_EXAMPLE_NAME, example_bytes


def _found(tmp_path, code: str, **row: str):
    path = tmp_path / DEFAULT_EXAMPLE_NAME
    path.write_bytes(example_bytes(Example(rows=(row,))))
    return [f for f in KbartCheck(path, today=CASE_DAY).findings() if f.code == code]


def test_an_identifier_in_scientific_notation_is_named_as_excel_damage(tmp_path) -> None:
    [finding] = _found(
        tmp_path, "KB205", publication_type="monograph", print_identifier="9.78019E+12"
    )
    assert "Excel's scientific notation" in finding.message
    # 9.78019E+12 is a 13-digit number of which 6 digits are left.
    assert "only 6 significant digits of 13" in finding.message


def test_a_date_serial_is_named_with_the_day_it_stands_for(tmp_path) -> None:
    [finding] = _found(tmp_path, "KB301", date_first_issue_online="40179")
    assert "Excel date serial number" in finding.message
    # Day 40179 of the 1900 system is 2010-01-01; of the 1904 system 2014-01-02.
    assert "write 2010-01-01" in finding.message and "2014-01-02" in finding.message
    # Not applied: which system the workbook used cannot be known from the file.
    assert finding.params["suggestion"] is None


def test_a_year_is_no_serial(tmp_path) -> None:
    assert _found(tmp_path, "KB301", date_first_issue_online="2010") == []
