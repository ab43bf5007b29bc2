"""``check_records``: the MARC record rules over records made in memory."""

from __future__ import annotations

import pymarc
from tests.conftest import REPO

from erdq.findings import Severity
from erdq.marc_check import MarcCheck, check_records
from erdq.readers.marc import MarcItem, MarcReader
from erdq.rules.marc.base import RECORD_CHECKERS

EXAMPLE = REPO / "examples" / "library" / "marc" / "folio_100.mrc"


def _record(*fields: pymarc.Field, leader: str = "00000nam a2200000 i 4500") -> pymarc.Record:
    record = pymarc.Record(leader=leader)
    for f in fields:
        record.add_field(f)
    return record


def test_a_record_without_its_required_fields_is_reported_at_its_ordinal() -> None:
    # MARC 21: 008 and 245 are mandatory in a bibliographic record.
    record = _record(pymarc.Field(tag="001", data="x1"))
    [(item, found)] = list(check_records([MarcItem(7, record)], source="list.xlsx"))
    assert item.record is record
    missing = {f.location.tag for f in found if f.severity is Severity.ERROR}
    assert {"008", "245"} <= missing
    assert {f.location.line for f in found} == {7}
    assert {f.location.source for f in found} == {"list.xlsx"}
    assert {f.location.record_id for f in found} == {"x1"}


def test_findings_of_the_records_of_a_file_equal_the_record_rules_of_a_file_check() -> None:
    # The same records, read then checked in memory, give what a file check's record
    # checkers give: reader findings (structure, decoding) are the only difference.
    record_codes = set().union(*(c.codes for c in RECORD_CHECKERS))
    reader = MarcReader(EXAMPLE, lambda *a, **k: None)
    items = [MarcItem(i.ordinal, i.record, format=i.format) for i in reader]
    in_memory = [
        (f.code, f.location.line, f.location.tag, f.location.subfield)
        for _, found in check_records(items, source=str(EXAMPLE))
        for f in found
    ]
    from_file = [
        (f.code, f.location.line, f.location.tag, f.location.subfield)
        for f in MarcCheck(EXAMPLE).findings()
        if f.code in record_codes and f.location.line is not None
    ]
    assert in_memory  # the example file has faults
    assert sorted(in_memory) == sorted(from_file)
