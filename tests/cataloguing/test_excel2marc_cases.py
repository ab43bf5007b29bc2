"""Cases BR-050, BR-051 and BR-053 (shared/cases/CASES.md): each expected value is a test.

The cases number data rows from 1; the findings give the spreadsheet's row, so the
case's "row 1" is spreadsheet row 2 (the header is row 1).
"""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY, shared_file

from erdq.cataloguing.excel2marc import SheetConversion
from erdq.cataloguing.mapping import mapping_from_text
from erdq.identifiers import normalize_lccn

pytestmark = pytest.mark.shared

# The case files' columns: title,author,isbn,publisher,pub_date,lccn
CASE_MAPPING = """
profile: ebook
columns:
  title: {required: true}
  isbn: {type: isbn, form: %s}
  pub_date: {type: year}
  lccn: {type: lccn}
fields:
  - tag: "010"
    subfields: [{code: a, column: lccn}]
  - tag: "020"
    subfields: [{code: a, column: isbn}]
  - tag: "100"
    ind1: "1"
    subfields: [{code: a, column: author, end: "."}]
  - tag: "245"
    ind1: {when: author, then: "1", else: "0"}
    ind2: "0"
    subfields: [{code: a, column: title, end: "."}]
  - tag: "264"
    ind2: "1"
    subfields:
      - {code: b, column: publisher, end: ","}
      - {code: c, column: pub_date, end: "."}
"""


def _convert(name: str, form: str = "compact") -> dict[int, tuple]:
    mapping = mapping_from_text(CASE_MAPPING % form)
    check = SheetConversion(shared_file("cases", "inputs", name), mapping, today=CASE_DAY)
    return {r.line: (r.record, r.findings) for r in check.rows() if r.line}


def _vl(findings) -> list[tuple[str, str, str | None]]:
    return [(f.code, f.severity.value, f.location.column) for f in findings if f.code[:2] == "VL"]


def _isbns(record) -> list[str]:
    return [f["a"] for f in record.get_fields("020")]


def test_br050_leading_zero_restored_with_a_warning() -> None:
    rows = _convert("BR-050.csv")
    record, findings = rows[2]
    assert _isbns(record) == ["0520963539"]
    assert _vl(findings) == [("VL201", "warning", "isbn")]
    (finding,) = [f for f in findings if f.code == "VL201"]
    assert finding.value == "520963539"
    assert "leading zero restored" in finding.message
    assert finding.params["suggestion"] == "0520963539"


def test_br050_isbn13_when_configured() -> None:
    record, _ = _convert("BR-050.csv", form="isbn13")[2]
    assert _isbns(record) == ["9780520963535"]


def test_br050_padding_that_fails_the_check_digit_is_a_row_error() -> None:
    record, findings = _convert("BR-050.csv")[3]
    assert _isbns(record) == []  # no 020
    assert _vl(findings) == [("VL203", "error", "isbn")]
    (finding,) = [f for f in findings if f.code == "VL203"]
    assert "0012345678" in finding.message
    assert "would need 9" in finding.message
    assert record["245"]["a"] == "Another Title."  # the rest of the row is converted


def test_br051_scientific_notation_writes_no_020() -> None:
    rows = _convert("BR-051.csv")
    for line in (2, 3):
        record, findings = rows[line]
        assert _isbns(record) == []
        assert _vl(findings) == [("VL202", "error", "isbn")]
        assert "ISBN in scientific notation" in findings[0].message


def test_br051_twelve_digits_offer_a_reconstruction() -> None:
    _, findings = _convert("BR-051.csv")[2]
    (finding,) = [f for f in findings if f.code == "VL202"]
    assert finding.params["digits"] == "978043902348"
    assert finding.params["suggestion"] == "9780439023481"
    assert "9780439023481" in finding.message and "confirm" in finding.message


def test_br051_short_float_is_unrecoverable() -> None:
    _, findings = _convert("BR-051.csv")[3]
    (finding,) = [f for f in findings if f.code == "VL202"]
    assert finding.params["suggestion"] == ""
    assert "cannot be recovered" in finding.message


@pytest.mark.parametrize(
    ("line", "marc", "key"),
    [
        (2, "   85153773 ", "85153773"),
        (3, "  2001045944", "2001045944"),
        (4, "ms 89001579 ", "ms89001579"),
    ],
)
def test_br053_lccn_structure(line: int, marc: str, key: str) -> None:
    record, findings = _convert("BR-053.csv")[line]
    assert [f["a"] for f in record.get_fields("010")] == [marc]
    assert normalize_lccn(record["010"]["a"]) == key
    assert _vl(findings) == [("VL211", "info", "lccn")]
