"""``erdq.cataloguing.match`` on a vendor update built from real records.

CURRENT is records 1-40 of the FOLIO sample (``marc/folio/100.mrc``: YBP/ebrary e-book
records with OCLC numbers in 035, some with 019 and 035 $z merged numbers, and vendor
numbers under (NhCcYBP)), plus a duplicate of record 13 and local fields (949, 590,
541) on record 6. INCOMING is built from copies as a vendor would send them: its own
001 and no 003, 035 forms altered, fields added, numbers removed. Every expected class
and match below follows from how the files are built.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pymarc
import pytest
from tests.conftest import shared_file

from erdq.cataloguing.match import MatchRun, PlanEntry
from erdq.readers.marc import MarcReader

pytestmark = pytest.mark.shared


def _records() -> list[pymarc.Record]:
    path = shared_file("data", "marc", "folio", "100.mrc")
    return [item.record for item in MarcReader(path, lambda *a, **k: None)]


def _field(tag: str, *subfields: str, ind: str = "  ") -> pymarc.Field:
    pairs = [pymarc.Subfield(s[0], s[1:]) for s in subfields]
    return pymarc.Field(tag=tag, indicators=[ind[0], ind[1]], subfields=pairs)


def _vendor_copy(record: pymarc.Record, number: str) -> pymarc.Record:
    """The record as the vendor sends it: the vendor's 001, no 003."""
    out = copy.deepcopy(record)
    out.remove_fields("001", "003")
    out.fields.insert(0, pymarc.Field(tag="001", data=number))
    return out


def _set_035(record: pymarc.Record, *values: str) -> pymarc.Record:
    record.remove_fields("035")
    for value in values:
        record.add_ordered_field(_field("035", "a" + value))
    return record


def _write(path: Path, records: list[pymarc.Record]) -> Path:
    with path.open("wb") as fh:
        for record in records:
            fh.write(record.as_marc())
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    real = _records()
    current = [copy.deepcopy(r) for r in real[:40]]
    # Local fields on record 6; 541 is local only when the run says so (--keep 541).
    current[5].add_ordered_field(_field("949", "aQA76 .B3", "bLOCAL-LOAD"))
    current[5].add_ordered_field(_field("590", "aGift of the Friends of the Library."))
    current[5].add_ordered_field(_field("541", "aFriends of the Library"))
    duplicate = copy.deepcopy(real[12])
    duplicate["001"].data = "dup-4347958"
    current.append(duplicate)  # ordinal 41: record 13 twice in the catalogue

    v = {}
    v[1] = _set_035(_vendor_copy(real[0], "V1"), "(OCoLC)792885998")  # ocn form dropped
    v[2] = _set_035(_vendor_copy(real[1], "V2"), "ocn746598338")  # bare, no (OCoLC)
    v[3] = _set_035(_vendor_copy(real[2], "V3"), "(OCoLC)000821807121")  # leading zeros
    # Only 001/003 say which OCLC record this is; and a note added.
    v[4] = _set_035(copy.deepcopy(real[3]))
    v[4]["001"].data = "ocn738355330"
    v[4]["003"].data = "OCoLC"
    v[4].add_ordered_field(_field("500", "aIncludes index."))
    v[5] = copy.deepcopy(real[4])  # an exact copy
    v[6] = _vendor_copy(real[5], "V6")
    v[6].add_ordered_field(_field("500", "aVendor note added in this update."))
    v[6].add_ordered_field(_field("650", "aLiberation theology.", ind=" 0"))
    v[6].add_ordered_field(_field("949", "aVENDOR-ITEM"))  # the vendor's own 9XX
    # Only the ISBN-10 left: the catalogue holds its ISBN-13 as well.
    v[7] = _set_035(_vendor_copy(real[14], "V7"))
    v[7].remove_fields("020")
    v[7].add_ordered_field(_field("020", "a0844772445"))
    # YBP's number under another organisation code is another number: a new record.
    v[8] = _set_035(_vendor_copy(real[59], "V8"), "(EBZ)ebr10677530")  # cf. record 18
    v[9] = _vendor_copy(real[60], "V9")  # not in the catalogue
    # 035 finds record 7, the ISBN record 8: a conflict.
    v[10] = _vendor_copy(real[6], "V10")
    v[10].remove_fields("020")
    v[10].add_ordered_field(_field("020", "a9783868381610"))
    v[11] = _vendor_copy(real[12], "V11")  # record 13, twice in the catalogue
    # The vendor uses the number OCLC merged away (019 / 035 $z of record 35).
    v[12] = _set_035(_vendor_copy(real[34], "V12"), "(OCoLC)838077773")
    v[12].remove_fields("019")
    # The ISBN finds record 9, whose OCLC number is another one.
    v[13] = _set_035(_vendor_copy(real[8], "V13"), "(OCoLC)999999999")
    # No number and no ISBN: only title + author + date (record 10).
    v[14] = _set_035(_vendor_copy(real[9], "V14"))
    v[14].remove_fields("020", "019")
    root = tmp_path_factory.mktemp("match")
    incoming = _write(root / "incoming.mrc", [v[i] for i in sorted(v)])
    existing = _write(root / "current.mrc", current)
    return incoming, existing


def _plan(built: tuple[Path, Path], **options) -> list[PlanEntry]:
    run = MatchRun(*built, **options)
    return list(run.entries())


EXPECTED = {
    # incoming ordinal: (class, matched catalogue ordinals, matched_on)
    # Another form of the same OCLC number changes nothing.
    1: ("unchanged", [1], "035"),
    2: ("unchanged", [2], "035"),
    3: ("unchanged", [3], "035"),
    4: ("update", [4], "035"),
    5: ("unchanged", [5], "035"),
    6: ("update", [6], "035"),
    7: ("update", [15], "isbn"),
    8: ("new", [], None),
    9: ("new", [], None),
    10: ("conflict", [7], "035"),
    11: ("multiple-match", [13, 41], "035"),
    12: ("update", [35], "isbn"),
    13: ("conflict", [9], "isbn"),
    14: ("update", [10], "title"),
}


def test_each_incoming_record_gets_the_expected_class_and_match(built) -> None:
    entries = _plan(built, keep=["541"])
    got = {e.ordinal: (e.status, [o for o, _ in e.matched], e.matched_on) for e in entries}
    assert got == EXPECTED


def test_the_catalogue_001_is_reported_with_each_match(built) -> None:
    entries = {e.ordinal: e for e in _plan(built)}
    assert entries[1].matched == [(1, "4347946")]
    assert entries[11].matched == [(13, "4347958"), (41, "dup-4347958")]
    assert entries[1].record_id == "V1"


def test_changed_tags(built) -> None:
    entries = {e.ordinal: e for e in _plan(built, keep=["541"])}
    # 035s are compared by their numbers; the catalogue's 001/003 stay, the vendor's
    # OCLC 001/003 becomes a 035 that the catalogue record already has.
    assert entries[1].changed_tags == []
    assert "the 035s are written differently but hold the same numbers" in entries[1].notes
    assert entries[4].changed_tags == ["500"]
    # The vendor's 949 is local, not compared; the catalogue's 949/590/541 neither.
    assert entries[6].changed_tags == ["500", "650"]
    assert entries[6].changes["650"] == {"added": 1, "removed": 0}
    # The vendor sends no 035; the catalogue's own (its OCLC number) is kept in the merge,
    # so only the 020 changes.
    assert entries[7].changed_tags == ["020"]
    # ... and no 035s to be "written differently".
    assert not [n for n in entries[7].notes if "035s" in n]
    assert entries[5].changed_tags == []


def test_without_keep_541_is_a_vendor_field_and_differs(built) -> None:
    entries = {e.ordinal: e for e in _plan(built)}
    assert entries[6].changed_tags == ["500", "541", "650"]
    assert entries[6].changes["541"] == {"added": 0, "removed": 1}


def test_explanations_name_the_keys_and_records(built) -> None:
    entries = {e.ordinal: e for e in _plan(built)}
    assert "(OCoLC)823552789" in entries[10].explanation
    assert "record 8" in entries[10].explanation
    assert "record 13" in entries[11].explanation and "record 41" in entries[11].explanation
    assert "999999999" in entries[13].explanation and "823043991" in entries[13].explanation
    assert entries[3].match_key == "(OCoLC)821807121"
    # The merged-away number explains the differing OCLC numbers instead of a conflict.
    assert any("838077773" in note for note in entries[12].notes)


def test_merge_keeps_local_fields_and_the_catalogue_001(built, tmp_path: Path) -> None:
    out = tmp_path / "load.mrc"
    run = MatchRun(*built, keep=["541"], merge_to=out)
    entries = {e.ordinal: e for e in run.entries()}
    written = {e.ordinal for e in entries.values() if e.merged}
    # Updates and new records; not the unchanged, conflict or multiple-match ones.
    assert written == {4, 6, 7, 8, 9, 12, 14}
    assert run.summary["merged"] == 7
    records = [item.record for item in MarcReader(out, lambda *a, **k: None)]
    assert len(records) == 7
    by_title = {r["245"]["a"]: r for r in records}
    merged6 = by_title["The poor in liberation theology :"]
    assert merged6["001"].data == "4347951" and merged6["003"].data == "amdb"
    assert [f.value() for f in merged6.get_fields("949")] == ["QA76 .B3 LOCAL-LOAD"]
    assert merged6["590"]["a"] == "Gift of the Friends of the Library."
    assert merged6["541"]["a"] == "Friends of the Library"
    assert merged6["500"]["a"] == "Vendor note added in this update."
    assert any("949" in note for note in entries[6].notes)  # the vendor's 949 not written
    # The vendor's 001 V6 has no 003, so it names nobody: replaced, and said so.
    assert any("'V6'" in note for note in entries[6].notes)
    # Incoming 4 came with 001 ocn738355330 / 003 OCoLC: the catalogue's 001 wins and the
    # OCLC number is kept as a 035 so that the next update still matches.
    merged4 = by_title["Molecular self-assembly :"]
    assert merged4["001"].data == "4347949"
    assert [f["a"] for f in merged4.get_fields("035")] == ["(OCoLC)738355330"]
    # New records are written as the vendor sent them.
    assert by_title[_records()[60]["245"]["a"]]["001"].data == "V9"


def test_an_interrupted_merge_leaves_no_file(built, tmp_path: Path) -> None:
    out = tmp_path / "load.mrc"
    entries = MatchRun(*built, merge_to=out).entries()
    next(entries)
    entries.close()
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_merge_to_marcxml(built, tmp_path: Path) -> None:
    out = tmp_path / "load.xml"
    run = MatchRun(*built, merge_to=out)
    list(run.entries())
    assert len(list(MarcReader(out, lambda *a, **k: None))) == 7
    assert out.read_bytes().startswith(b"<?xml")


def test_plan_entries_serialise(built) -> None:
    entry = next(e for e in _plan(built) if e.ordinal == 6)
    data = json.loads(json.dumps(entry.as_dict()))
    assert data["class"] == "update"
    assert data["incoming"]["keys"]["system"] == ["(OCoLC)795761061"]
    assert data["matched"] == [{"ordinal": 6, "001": "4347951"}]


def test_a_new_record_whose_001_is_a_catalogue_records_is_a_conflict(tmp_path: Path) -> None:
    # Nothing matches an invented record, but the vendor numbered it 4347946, the 001 of
    # catalogue record 1: loaded as it is, it would be laid over that book.
    catalogue = _write(tmp_path / "cat.mrc", _records()[:3])
    stranger = pymarc.Record(leader="00000nam a2200000 a 4500")
    stranger.add_field(
        pymarc.Field(tag="001", data="4347946"),
        _field("245", "aA book nobody has ever catalogued /", "cby Nobody.", ind="10"),
    )
    incoming = _write(tmp_path / "in.mrc", [stranger])
    [entry] = _plan((incoming, catalogue))
    assert (entry.status, entry.matched, entry.matched_on) == (
        "conflict", [(1, "4347946")], "001"
    )  # fmt: skip
    assert "its 001 4347946 is the 001 of record 1" in entry.explanation
