"""LCCN structure and normalisation (case BR-053; LC's "LCCN Structure" for 010 $a)."""

from __future__ import annotations

import pytest

from erdq.identifiers import Lccn, lccn_010a, normalize_lccn, parse_lccn

# (as written in a spreadsheet, 010 $a, normalised key): the three rows of case BR-053.
CASES = [
    ("85-153773", "   85153773 ", "85153773"),
    ("2001-45944", "  2001045944", "2001045944"),
    ("ms89-1579", "ms 89001579 ", "ms89001579"),
]


@pytest.mark.parametrize(("written", "marc", "key"), CASES)
def test_br053_structure_and_key(written: str, marc: str, key: str) -> None:
    assert lccn_010a(written) == marc
    assert len(marc) == 12
    assert normalize_lccn(written) == key


@pytest.mark.parametrize(("written", "marc", "key"), CASES)
def test_the_010a_form_reads_back_to_itself(written: str, marc: str, key: str) -> None:
    assert lccn_010a(marc) == marc
    assert normalize_lccn(marc) == key


def test_parts() -> None:
    assert parse_lccn("ms89-1579") == Lccn("ms", "89", "001579")
    assert parse_lccn("2001-45944") == Lccn("", "2001", "045944")


def test_lc_normalisation_examples() -> None:
    # LC's normalisation: blanks removed, revision after "/" dropped, serial after the
    # hyphen padded to six digits.
    assert normalize_lccn("n 78-890351") == "n78890351"
    assert normalize_lccn("n78-89035") == "n78089035"
    assert normalize_lccn("   85000002 ") == "85000002"
    assert normalize_lccn("75-425165//r75") == "75425165"
    assert normalize_lccn(" 79139101 /AC/r932") == "79139101"


@pytest.mark.parametrize(
    "value",
    ["", "abc", "85-1537730", "1985-153773", "abc2001-45944", "85153", "12-34-56", "85-15a"],
)
def test_not_an_lccn(value: str) -> None:
    assert parse_lccn(value) is None
    assert lccn_010a(value) is None
