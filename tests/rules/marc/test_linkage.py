"""MR650-MR653: $6 linkage between fields and 880s (case BR-036)."""

from __future__ import annotations

import pymarc
import pytest
from tests.conftest import CASES, shared_file
from tests.rules.marc.mrk_helper import codes, parse_mrk, record, run

from erdq.rules.marc.linkage import Linkage, check_linkage, parse_linkage

CHECKS = [check_linkage]


def test_br036() -> None:
    path = CASES / "BR-036.mrk"
    if not path.exists():
        pytest.skip("shared cases not available")
    records = parse_mrk(path.read_bytes())
    # Decoded 880 $6 values contain "$1" as text, not an extra subfield.
    assert records[0].get_fields("880")[0]["6"] == "100-01/$1"
    found = run(CHECKS, records)
    assert [(f["code"], f["tag"], f["value"]) for f in found] == [
        # 650 $6 650-00: in a regular field $6 must start 880-.
        ("MR651", "650", "650-00"),
        # 880 $6 880-00: an 880 must name its associated tag.
        ("MR651", "880", "880-00"),
        # 260 $6 880-03 has no matching 880.
        ("MR650", "260", "880-03"),
    ]
    # Valid: 100<->880 (100-01), 245<->880 (245-02), 264<->880 (264-04), 880 500-00/$1.


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("245-02/$1", Linkage("245", "02", "$1", False)),
        ("264-04", Linkage("264", "04", None, False)),
        ("880-01", Linkage("880", "01", None, False)),
        ("100-01/(2/r", Linkage("100", "01", "(2", True)),
        ("245-123", Linkage("245", "123", None, False)),
        (" 245-02 ", Linkage("245", "02", None, False)),
        ("245", None),
        ("24-02", None),
        ("", None),
    ],
)
def test_parse_linkage(value: str, expected: Linkage | None) -> None:
    assert parse_linkage(value) == expected


def test_wrong_partner_and_ambiguous() -> None:
    found = run(
        CHECKS,
        [
            record(
                "=100  1\\$6880-01$aLi.",
                "=264  \\1$6880-04$aBeijing.",
                "=700  1\\$6880-01$aWang.",
                "=880  1\\$6100-01$a李.",
                "=880  \\1$6260-04$a北京.",
            )
        ],
    )
    assert [(f["code"], f["tag"], f["value"]) for f in found] == [
        ("MR653", "700", "880-01"),
        ("MR652", "880", "260-04"),
    ]
    assert found[1]["actual"] == "264"


def test_880_without_6_and_unpaired_880() -> None:
    found = run(CHECKS, [record("=880  \\\\$aText.", "=880  10$6245-05$a題.")])
    assert [(f["code"], f["value"]) for f in found] == [("MR651", ""), ("MR650", "245-05")]
    assert found[1]["target"] == "a 245 with $6 880-05"


def test_no_linkage_no_findings_and_no_raise() -> None:
    rec = record("=245  00$aTitle.")
    rec.add_field(pymarc.Field(tag="880", indicators=pymarc.Indicators(" ", " "), subfields=[]))
    assert codes(run(CHECKS, [rec])) == ["MR651"]
    assert run(CHECKS, [record("=245  00$aTitle.", "=650  \\0$aTopic.")]) == []


@pytest.mark.shared
def test_japanese_alternate_script_record_is_paired() -> None:
    # natlibfi marc_alt_script.xml: Japanese 880s, e.g. 880 245-01 "漢字源 : 上級漢和辞典".
    path = shared_file("data", "marc", "natlibfi", "marc_alt_script.xml")
    records = pymarc.parse_xml_to_array(str(path))
    sixes = [f["6"] for f in records[0].get_fields("880")]
    assert "245-01" in [s[:6] for s in sixes]
    assert run(CHECKS, records) == []


@pytest.mark.parametrize(
    "line",
    [
        # Koha item fields and system numbers use $6 for their own data.
        "=952  \\\\$6CALCULADORA_TINSPIRE_CX_CAS$aBC",
        "=999  \\\\$61$c1",
        "=590  \\\\$6local note",  # X9X: a local note
        "=049  \\\\$6x$aXXXX",  # 0X9: OCLC holding library code
    ],
)
def test_local_fields_define_their_own_6(line: str) -> None:
    assert run(CHECKS, [record("=245  00$aTitle.", line)]) == []


def test_a_defined_field_with_the_same_6_is_malformed() -> None:
    # 500 is a MARC 21 field, so its $6 must be 880-nn.
    found = run(CHECKS, [record("=245  00$aTitle.", "=500  \\\\$6local note$aNote.")])
    assert [(f["code"], f["tag"], f["value"]) for f in found] == [("MR651", "500", "local note")]


def test_a_local_field_that_links_to_an_880_is_paired() -> None:
    # A local field whose $6 reads 880-nn takes part in the pairing like any field.
    assert run(CHECKS, [record("=950  \\\\$6880-01$aLi.", "=880  \\\\$6950-01$a李.")]) == []
    found = run(CHECKS, [record("=950  \\\\$6880-01$aLi.")])
    assert [(f["code"], f["tag"], f["value"]) for f in found] == [("MR650", "950", "880-01")]
