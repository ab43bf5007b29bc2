"""One row → one record (``erdq.cataloguing.excel2marc_rows``): the findings of a row.

Expected values: Unicode full-width digits U+FF10-FF19 are 0-9, so '２０２１' is 2021
(MARC 21 008/07-10, Date 1).
"""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY

from erdq.cataloguing.excel2marc import SheetConversion
from erdq.cataloguing.mapping import mapping_from_text

# The profile reads 'year' (008/07-10); the list's own column is 'Year', for 264 $c.
# Column names match without regard to case, so both read the sheet's one Year column.
MAPPING = """
profile: ebook
columns:
  Title: {required: true}
  Year: {type: year}
fields:
  - tag: "245"
    ind1: "0"
    ind2: "0"
    subfields: [{code: a, column: Title, end: "."}]
  - tag: "264"
    ind2: "1"
    subfields: [{code: c, column: Year, end: "."}]
"""


def _rows(tmp_path, text: str, mapping: str = MAPPING) -> list:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    check = SheetConversion(path, mapping_from_text(mapping), today=CASE_DAY, check_marc=False)
    return [r for r in check.rows() if r.line]


def test_one_cell_read_by_two_mapped_names_is_reported_once(tmp_path) -> None:
    [row] = _rows(tmp_path, "Title,Year\nA book,\uff12\uff10\uff12\uff11\n")
    assert [f.code for f in row.findings] == ["VL207"]
    assert row.record["008"].data[7:11] == "2021"
    assert row.record["264"]["c"] == "2021."


# MARC 21 008/35-37 takes a three-letter code of the MARC Code List for Languages
# ('eng', 'fre'); 008/15-17 a country code of two or three letters, blank-filled ('cc ').
LANGUAGES = """
profile: ebook
columns:
  Title: {required: true}
fields:
  - tag: "245"
    ind1: "0"
    ind2: "0"
    subfields: [{code: a, column: Title, end: "."}]
"""


@pytest.mark.parametrize(
    ("language", "problem"),
    [
        ("English", "it has 7 characters and the position holds 3"),
        ("ENG", "it has capital letters, and MARC codes are lower case ('eng'?)"),
        ("en", "it has 2 character(s) and the position takes 3"),
    ],
)
def test_a_language_that_is_not_a_code_is_not_cut_or_padded(tmp_path, language, problem):
    [row] = _rows(tmp_path, f"Title,language\nA book,{language}\n", LANGUAGES)
    [finding] = row.findings
    assert finding.code == "VL212" and finding.severity.value == "error"
    assert problem in finding.message and "008/35-37" in finding.message
    assert row.record["008"].data[35:38] == "und"  # the profile's default: not known


@pytest.mark.parametrize(
    ("column", "value", "positions", "hint"),
    [
        ("language", "English", "008/35-37", "Give the MARC language code"),
        ("country", "England", "008/15-17", "Give the MARC country code"),
        ("entered", "2026-12-04", "008/00-05", "as YYMMDD (e.g. '241204'"),
    ],
)
def test_the_hint_says_what_the_positions_take(tmp_path, column, value, positions, hint):
    [row] = _rows(tmp_path, f"Title,{column}\nA book,{value}\n", LANGUAGES)
    [finding] = row.findings
    assert positions in finding.message and hint in finding.message
    other = {"language", "country", "entered"} - {column}
    assert not any(f"Give the MARC {o}" in finding.message for o in other)


def test_a_two_letter_country_code_is_a_code(tmp_path) -> None:
    [row] = _rows(tmp_path, "Title,language,country\nA book,chi,cc\n", LANGUAGES)
    assert row.findings == []
    assert row.record["008"].data[15:18] == "cc " and row.record["008"].data[35:38] == "chi"


def test_the_agency_gets_003_only_beside_an_001() -> None:
    import pymarc

    from erdq.cataloguing.excel2marc_rows import _as_made_by

    record = pymarc.Record(leader="00000nam a22000007i 4500")
    record.add_field(pymarc.Field(tag="001", data="cn000001"))
    record.add_field(
        pymarc.Field(
            tag="040",
            indicators=[" ", " "],
            subfields=[pymarc.Subfield("b", "eng"), pymarc.Subfield("e", "rda")],
        )
    )
    _as_made_by(record, "UkCU")
    assert [f.tag for f in record.fields] == ["001", "003", "040"]
    assert record["003"].data == "UkCU"
    assert [(s.code, s.value) for s in record["040"].subfields] == [
        ("a", "UkCU"),
        ("b", "eng"),
        ("e", "rda"),
        ("c", "UkCU"),
    ]


def test_marc_omit_and_order_take_tags_and_name_what_is_not_one(tmp_path) -> None:
    # marc:omit as a cataloguer may type it: tags separated by a comma and a space.
    (row,) = _rows(
        tmp_path,
        'Title,Year,marc:omit,marc:order\nA book,2021,"300, 30",245 264 garbage\n',
    )
    assert row.record.get_fields("300") == []  # the profile's 300, left out as asked
    said = [(f.code, f.location.column, f.value) for f in row.findings if f.code == "VL215"]
    assert said == [("VL215", "marc:omit", "30"), ("VL215", "marc:order", "garbage")]
