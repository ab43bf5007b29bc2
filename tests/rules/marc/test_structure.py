"""MR1xx: record structure and the leader's structural positions. Cases BR-032, BR-033."""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY, CASES, flatten

from erdq.config import Settings
from erdq.marc_check import MarcCheck
from erdq.rules.marc.iso_examples import GOOD_FIELDS, GOOD_ISO, iso_record, mrk

MR1 = Settings(select=("MR1",))


def findings(tmp_path, data: bytes, name: str = "x.mrc", settings: Settings = MR1):
    path = tmp_path / name
    path.write_bytes(data)
    check = MarcCheck(path, settings, today=CASE_DAY)
    return check, list(check.findings())


def case(name: str):
    path = CASES / name
    if not path.exists():
        pytest.skip(f"shared case not available: {path}")
    return path


def test_br032_field_longer_than_9999_bytes() -> None:
    check = MarcCheck(case("BR-032.mrk"), MR1, today=CASE_DAY)
    found = list(check.findings())
    assert flatten(found, "line", "tag", "code", "severity") == [(1, "505", "MR114", "error")]
    assert found[0].params["size"] == 12_012
    assert "12012 bytes" in found[0].message and "9,999" in found[0].message


def test_br033_one_clear_error_and_the_recomputed_offsets() -> None:
    check = MarcCheck(case("BR-033.mrc"), MR1, today=CASE_DAY)
    found = list(check.findings())
    assert flatten(found, "line", "code", "severity") == [
        (1, "MR103", "error"),  # the one error: the record is too long for ISO 2709
        (1, "MR109", "warning"),  # four offsets unusable, recomputed
    ]
    assert "120511 bytes" in found[0].message
    assert found[1].params["count"] == 4
    assert check.summary.records == 1 and check.summary.unparseable == 0


def test_findings_carry_ordinal_001_and_byte_offset(tmp_path) -> None:
    bad = iso_record(GOOD_FIELDS, length=b"00099")
    _, found = findings(tmp_path, GOOD_ISO + bad)
    assert [(f.code, f.location.line, f.location.record_id, f.location.offset) for f in found] == [
        ("MR102", 2, "ex0001", len(GOOD_ISO))
    ]


def test_record_too_long_in_marcxml(tmp_path) -> None:
    notes = "".join(
        f'<datafield tag="500" ind1=" " ind2=" "><subfield code="a">{"x" * 9000}</subfield>'
        "</datafield>"
        for _ in range(12)
    )
    xml = (
        '<record xmlns="http://www.loc.gov/MARC21/slim"><leader>99999nam a2200000 a 4500'
        f'</leader><controlfield tag="001">big</controlfield>{notes}</record>'
    ).encode()
    _, found = findings(tmp_path, xml, "big.xml")
    assert [(f.code, f.location.record_id) for f in found] == [("MR103", "big")]


@pytest.mark.parametrize(
    ("leader", "codes"),
    [
        ("00000nam a2200000 a 4500", []),
        ("01794       00445       ", ["MR115"]),
        ("23375nas  22182291  450 ", ["MR115"]),
        ("00000nam#a2200469#cb4500", ["MR116"]),
        ("-----nas--2200553-i-4500", ["MR116"]),
    ],
)
def test_leader_structure(tmp_path, leader: str, codes: list[str]) -> None:
    _, found = findings(tmp_path, mrk("=001  x", "=245  10$aA", leader=leader), "x.mrk")
    assert [f.code for f in found] == codes


def test_a_leader_with_hash_for_blank_is_judged_as_if_blank(tmp_path) -> None:
    # Leader/08 and /17 '#' (an Alma export's blanks): MR116 says so once; the positions
    # are then checked as blanks (both defined), not also reported undefined (MR201).
    data = mrk("=001  x", "=245  10$aA", leader="01571nam#a2200469#cb4500")
    _, found = findings(tmp_path, data, "x.mrk", settings=Settings(select=("MR116", "MR201")))
    assert [f.code for f in found] == ["MR116"]


def test_stale_leader_length_is_info_for_utf8_records(tmp_path) -> None:
    stale = mrk("=001  x", "=245  10$aA title", leader="01234nam a2200000 a 4500")
    _, found = findings(tmp_path, stale, "x.mrk")
    assert [(f.code, f.severity.value) for f in found] == [("MR119", "info")]
    marc8 = mrk("=001  x", "=245  10$aA title", leader="01234nam  2200000 a 4500")
    _, found = findings(tmp_path, marc8, "y.mrk")
    assert found == []  # a MARC-8 record's length counts MARC-8 bytes


def test_selection_runs_only_what_is_selected(tmp_path) -> None:
    bad = iso_record((*GOOD_FIELDS, ("500", b"  \x1faA\x1f\x1fbB")), length=b"00099")
    _, found = findings(tmp_path, bad, settings=Settings(select=("MR113",)))
    assert [f.code for f in found] == ["MR113"]
    _, found = findings(tmp_path, bad, settings=Settings(select=("MR1",), ignore=("MR113",)))
    assert [f.code for f in found] == ["MR102"]
