"""MR2xx: leader and control fields. Expected values come from MARC 21 Bibliographic."""

from __future__ import annotations

import pymarc
import pytest
from tests.conftest import shared_file
from tests.rules.marc.mrk_helper import codes, read_marc, record, run

from erdq.rules.marc.control import (
    GOOD_008,
    check_control_fields,
    check_leader,
    problems_006,
    problems_007,
    with_position,
)

CHECKS = [check_leader, check_control_fields]


def _found(*lines: str, leader: str = "00000nam a2200000 a 4500") -> list[dict]:
    return run(CHECKS, [record(*lines, leader=leader)])


def _008(data: str) -> str:
    return "=008  " + data.replace(" ", "\\")


def test_a_valid_book_record_is_clean() -> None:
    assert _found("=001  x", "=005  20240101120000.0", _008(GOOD_008)) == []


@pytest.mark.parametrize(
    ("leader", "position"),
    [
        ("00000xam a2200000 a 4500", "05"),  # record status x
        ("00000nbm a2200000 a 4500", "06"),  # b (archival control) is obsolete
        ("00000naz a2200000 a 4500", "07"),
        ("00000namxa2200000 a 4500", "08"),
        ("00000nam a22000006a 4500", "17"),
        ("00000nam a2200000 x 4500", "18"),
        ("00000nam a2200000 ax4500", "19"),
    ],
)
def test_leader_values_undefined(leader: str, position: str) -> None:
    found = _found(_008(GOOD_008), leader=leader)
    assert [(f["code"], f["position"]) for f in found if f["code"] == "MR201"] == [
        ("MR201", position)
    ]


def test_oclc_encoding_levels_are_accepted_and_brief_ones_flagged() -> None:
    # OCLC: I full, K less-than-full, M less-than-full batch (retired 2021, still exported).
    assert codes(_found(_008(GOOD_008), leader="00000nam a22000007a 4500")) == ["MR207"]
    assert codes(_found(_008(GOOD_008), leader="00000nam a2200000Ia 4500")) == []
    assert codes(_found(_008(GOOD_008), leader="00000nam a2200000Ki 4500")) == ["MR207"]
    assert codes(_found(_008(GOOD_008), leader="00000nam a2200000Mi 4500")) == ["MR207"]
    assert codes(_found(_008(GOOD_008), leader="00000nam a22000008i 4500")) == ["MR206"]


def test_short_leader_never_raises() -> None:
    rec = pymarc.Record()
    rec.leader = "00000nam"
    found = run(CHECKS, [rec])
    # The missing positions read as blanks: 17 blank is full level, 05-08 are checked.
    assert all(f["code"] == "MR201" for f in found)


def test_008_length() -> None:
    found = _found("=008  120208s2013 cc a 000 0 chi d")
    assert [(f["code"], f["length"]) for f in found] == [("MR202", 28)]


@pytest.mark.parametrize(
    ("leader", "position", "value", "label"),
    [
        ("00000nam a2200000 a 4500", 23, "x", "23"),  # BK form of item
        ("00000nam a2200000 a 4500", 33, "x", "33"),  # BK literary form
        ("00000nas a2200000 a 4500", 21, "x", "21"),  # CR type of continuing resource
        ("00000nmm a2200000 a 4500", 26, "x", "26"),  # CF type of computer file
        ("00000ngm a2200000 a 4500", 33, "x", "33"),  # VM type of visual material
        ("00000nam a2200000 a 4500", 35, "EN ", "35-37"),  # language code case
        ("00000nam a2200000 a 4500", 6, "x", "06"),  # type of date
    ],
)
def test_008_values_by_material_type(leader, position, value, label) -> None:
    found = _found(_008(with_position(GOOD_008, position, value)), leader=leader)
    assert ("MR203", label) in [(f["code"], f.get("position")) for f in found]


def test_008_material_specific_codes_are_not_applied_across_types() -> None:
    # 008/33 '1' (fiction) is a BK literary form; for VM it would be undefined.
    book = with_position(GOOD_008, 33, "1")
    assert _found(_008(book)) == []
    # CR 008/21 'p' (periodical) and 008/23 'o' (online) are valid for a serial.
    serial = with_position(with_position(GOOD_008, 21, "p"), 23, "o")
    serial = with_position(serial, 29, "0")  # conference publication 0
    serial = with_position(serial, 30, "   ")  # 30-32 undefined
    serial = with_position(serial, 33, " ")  # original alphabet: blank
    serial = with_position(serial, 34, "0")  # successive entry
    serial = with_position(serial, 18, "m")  # monthly
    serial = with_position(serial, 19, "r")  # regular
    assert _found(_008(serial), leader="00000cas a2200000 a 4500") == []


def test_006() -> None:
    assert problems_006("m     o  d        ") == ()
    assert problems_006("m     o  d") == ("it has 10 characters, not 18",)
    assert problems_006("x                 ")[0].startswith("006/00 'x'")
    # 006/06 of a computer file is 008/23 form of item: 'x' is undefined there.
    assert problems_006("m     x  d        ")[0].startswith("006/06 (Form of item)")


def test_007() -> None:
    assert problems_007("cr |||||||||||") == ()
    assert problems_007("cr una---uuuuu") == ()
    assert problems_007("cr") == ()  # 007/02-13 may be left out
    assert problems_007("ta") == ()
    assert problems_007("x")[0].startswith("007/00 'x'")
    assert problems_007("cx |||||||||||")[0].startswith("007/01 'x'")
    assert problems_007("cr una---uuuux")[0].startswith("007/13 (Reformatting quality)")


def test_005() -> None:
    assert codes(_found("=005  20240101120000.0", _008(GOOD_008))) == []
    assert codes(_found("=005  20241301120000.0", _008(GOOD_008))) == ["MR208"]
    assert codes(_found("=005  2024-01-01", _008(GOOD_008))) == ["MR208"]


def test_control_field_without_data_never_raises() -> None:
    rec = record(_008(GOOD_008))
    rec.add_field(pymarc.Field(tag="007", data=None))
    assert run(CHECKS, [rec]) == []


@pytest.mark.shared
def test_library_carpentry_sample() -> None:
    records = read_marc(shared_file("data", "marc", "librarycarpentry", "marc_sample_data.mrc"))
    found = run(CHECKS, records)
    leaders = [str(r.leader) for r in records if r is not None]
    # Every record whose leader/17 is OCLC's K (less-than-full) is reported as brief.
    assert sum(1 for f in found if f["code"] == "MR207") == sum(
        1 for ld in leaders if ld[17] == "K"
    )
    assert sum(1 for ld in leaders if ld[17] == "K") == 382
    # No record of the file has an 008 of the wrong length.
    assert "MR202" not in codes(found)
    # Record 120: 007 'cr mn|   uucuu' leaves 007/06-08 (image bit depth) blank.
    assert ("MR205", 120, "007") in [(f["code"], f["line"], f["tag"]) for f in found]


@pytest.mark.shared
def test_uchicago_008_whitespace_collapsed() -> None:
    # SOURCES.md: whitespace inside 008 is collapsed, so 008 has the wrong length.
    path = shared_file("data", "marc", "folio", "UChicago_SampleBibs.xml")
    records = pymarc.parse_xml_to_array(str(path))
    found = run(CHECKS, records)
    short = [f for f in found if f["code"] == "MR202"]
    assert short, "the collapsed 008s are reported"
    first = records[short[0]["line"] - 1]
    assert len(first["008"].data) == short[0]["length"] < 40
