"""MR124-MR125: records of the other MARC 21 formats are named, not checked as
bibliographic records. Leader/06 codes from the MARC 21 Authority, Holdings,
Classification and Community Information formats."""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY, shared_file

from erdq import marc_parallel
from erdq.config import Settings
from erdq.marc_check import MarcCheck
from erdq.rules.marc.control import GOOD_008, cf, mrk
from erdq.rules.marc.formats import AUTHORITY_008, AUTHORITY_LEADER
from erdq.rules.marc.iso_examples import GOOD_FIELDS, iso_record

_AUTHORITY = ("=001  n79021164", cf("008", AUTHORITY_008), "=100  1\\$aTwain, Mark,$d1835-1910")
_BOOK = ("=001  b1", "=245  00$aTitle.", cf("008", GOOD_008))


def _check(tmp_path, data: bytes, settings: Settings | None = None) -> tuple[MarcCheck, list]:
    path = tmp_path / "records.mrk"
    path.write_bytes(data)
    check = MarcCheck(path, settings, today=CASE_DAY)
    return check, list(check.findings())


def _leader(type_of_record: str) -> str:
    return AUTHORITY_LEADER[:6] + type_of_record + AUTHORITY_LEADER[7:]


def test_the_authority_008_has_the_formats_length() -> None:
    assert len(AUTHORITY_008) == 40


def test_an_authority_record_gets_one_finding_and_no_bibliographic_rule(tmp_path) -> None:
    # No 245, no bibliographic 008, leader/06 z: the bibliographic rules would report
    # MR201, MR203, MR607, MR7xx; none of them may run.
    check, found = _check(tmp_path, mrk(*_AUTHORITY, leader=AUTHORITY_LEADER))
    assert [(f.code, f.location.line, f.location.tag, f.value) for f in found] == [
        ("MR124", 1, "LDR", "z"),
        ("MR125", None, None, "authority 1"),
    ]
    message = found[0].message
    assert message.startswith("The record is an authority record (leader/06 'z': authority")
    assert "MARC 21 Authority format" in message
    assert found[1].message.startswith("1 of 1 record(s) of this file are not bibliographic")
    assert check.summary.other_formats == {"authority": 1}


@pytest.mark.parametrize(
    ("code", "kind", "format_name"),
    [
        ("u", "holdings", "Holdings"),  # unknown
        ("v", "holdings", "Holdings"),  # multipart item holdings
        ("x", "holdings", "Holdings"),  # single-part item holdings
        ("y", "holdings", "Holdings"),  # serial item holdings
        ("w", "classification", "Classification"),
        ("q", "community information", "Community Information"),
        ("z", "authority", "Authority"),
    ],
)
def test_other_formats_by_leader_06(tmp_path, code: str, kind: str, format_name: str) -> None:
    _, found = _check(tmp_path, mrk("=001  h1", leader=_leader(code)))
    (record,) = [f for f in found if f.code == "MR124"]
    assert (record.value, record.params["kind"], record.params["format"]) == (
        code,
        kind,
        format_name,
    )
    assert {f.code for f in found} == {"MR124", "MR125"}


@pytest.mark.parametrize("code", list("acdefgijkmoprt"))
def test_bibliographic_types_are_checked_as_such(tmp_path, code: str) -> None:
    # The leader/06 codes MARC 21 Bibliographic defines.
    leader = "00000n" + code + "m a2200000 a 4500"
    _, found = _check(tmp_path, mrk("=001  b1", "=245  00$aTitle.", leader=leader))
    assert not {"MR124", "MR125"} & {f.code for f in found}


def test_an_undefined_type_is_left_to_mr201(tmp_path) -> None:
    # 'b' (archival and manuscripts control) is obsolete in every format.
    settings = Settings(select=("MR1", "MR2"))
    _, found = _check(tmp_path, mrk(*_BOOK, leader="00000nbm a2200000 a 4500"), settings)
    assert [(f.code, f.params.get("position")) for f in found] == [("MR201", "06")]


def test_a_mixed_file_is_summed_up_once(tmp_path) -> None:
    data = b"\n".join(
        [
            mrk(*_BOOK),
            mrk(*_AUTHORITY, leader=AUTHORITY_LEADER),
            mrk("=001  h1", leader=_leader("y")),
            mrk(*_AUTHORITY, leader=AUTHORITY_LEADER),
        ]
    )
    check, found = _check(tmp_path, data, Settings(select=("MR124", "MR125")))
    assert [(f.code, f.location.line) for f in found] == [
        ("MR124", 2),
        ("MR124", 3),
        ("MR124", 4),
        ("MR125", None),
    ]
    summary = found[-1]
    assert (summary.params["count"], summary.params["records"], summary.params["first"]) == (
        "3",
        "4",
        2,
    )
    assert summary.params["kinds"] == "authority 2, holdings 1"
    assert check.summary.other_formats == {"authority": 2, "holdings": 1}


def test_ignoring_mr124_keeps_the_summary(tmp_path) -> None:
    data = mrk(*_AUTHORITY, leader=AUTHORITY_LEADER)
    check, found = _check(tmp_path, data, Settings(ignore=("MR124",)))
    assert [f.code for f in found] == ["MR125"]
    assert check.summary.other_formats == {"authority": 1}
    _, found = _check(tmp_path, data, Settings(ignore=("MR125",)))
    assert [f.code for f in found] == ["MR124"]


def test_structure_and_encoding_are_still_checked(tmp_path) -> None:
    # MARC 21 record structure and character sets are shared by all formats: a decomposed
    # é (e + U+0301) in an authority record is MR510, a leader without 4500 is MR115.
    data = mrk(*_AUTHORITY, "=670  \\\\$aCafe\u0301.", leader=AUTHORITY_LEADER[:20] + "0000")
    _, found = _check(tmp_path, data)
    assert sorted(f.code for f in found) == ["MR115", "MR124", "MR125", "MR510"]


def test_several_processes_count_the_same_records(tmp_path, monkeypatch) -> None:
    authority = [f for f in GOOD_FIELDS if f[0] != "245"]
    data = (
        iso_record(GOOD_FIELDS)
        + iso_record(authority, leader=b"nz  a22", leader_end=b"n  4500") * 3
    )
    path = tmp_path / "mixed.mrc"
    path.write_bytes(data)
    monkeypatch.setattr(marc_parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(marc_parallel, "BATCH_BYTES", 1)
    serial = MarcCheck(path, today=CASE_DAY)
    one = list(serial.findings())
    split = MarcCheck(path, today=CASE_DAY, jobs=2)
    two = list(split.findings())
    assert [(f.code, f.location, dict(f.params)) for f in two] == [
        (f.code, f.location, dict(f.params)) for f in one
    ]
    assert [f.code for f in one if f.code.startswith("MR12")] == ["MR124"] * 3 + ["MR125"]
    assert split.summary.other_formats == serial.summary.other_formats == {"authority": 3}


@pytest.mark.shared
def test_folio_authority_file(tmp_path) -> None:
    # FOLIO's sample: 5,000 name and subject authority records, leader/06 z throughout.
    path = shared_file("data", "marc", "folio", "5000_authority_records.mrc")
    check = MarcCheck(path, today=CASE_DAY)
    found = list(check.findings())
    assert sum(f.code == "MR124" for f in found) == 5000
    (summary,) = [f for f in found if f.code == "MR125"]
    assert (summary.params["count"], summary.params["kinds"]) == ("5,000", "authority 5,000")
    # Nothing but the summary, MR124 and format-neutral structure/encoding rules.
    assert {f.code[:3] for f in found} <= {"MR1", "MR5"}
