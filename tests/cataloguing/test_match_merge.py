"""Merging a vendor update over the catalogue record (``erdq.cataloguing.match_merge``)."""

from __future__ import annotations

import pymarc

from erdq.cataloguing.match_keys import local_tag_matcher
from erdq.cataloguing.match_merge import merge_record


def _record(*fields: tuple[str, str]) -> pymarc.Record:
    record = pymarc.Record(leader="00000nam a2200000 a 4500")
    for tag, value in fields:
        if tag < "010":
            record.add_field(pymarc.Field(tag=tag, data=value))
        else:
            code, text = value[0], value[1:]
            record.add_field(
                pymarc.Field(
                    tag=tag, indicators=[" ", " "], subfields=[pymarc.Subfield(code, text)]
                )
            )
    return record


def test_the_catalogues_numbers_in_other_systems_are_kept() -> None:
    """The vendor knows the OCLC number only; the catalogue's record also carries its
    number in the library's old system. A later load or link matching on that number
    must still find the record, so the merge keeps the 035 the vendor lacks."""
    existing = _record(
        ("001", "cat1"),
        ("035", "a(OCoLC)12345"),
        ("035", "a(UkOxU)b1234567"),
        ("245", "aAlpha."),
        ("949", "aLOCAL"),
    )
    incoming = _record(("035", "a(OCoLC)ocm00012345"), ("245", "aAlpha."), ("650", "aTopic."))
    merged, notes = merge_record(incoming, existing, local_tag_matcher())
    values = [f["a"] for f in merged.get_fields("035")]
    # (OCoLC)ocm00012345 and (OCoLC)12345 are one number: not repeated.
    assert values == ["(OCoLC)ocm00012345", "(UkOxU)b1234567"]
    assert merged["001"].data == "cat1" and merged["949"]["a"] == "LOCAL"
    assert merged["650"]["a"] == "Topic."
    assert any("1 035 field(s) of the catalogue record kept" in n for n in notes)


def test_a_vendors_035_without_agency_code_is_written_as_the_catalogue_has_it() -> None:
    # MARC 21 035 $a: the system control number preceded by the agency's MARC code in
    # parentheses. The vendor's bare ocm99999 is the catalogue's (OCoLC)99999.
    existing = _record(("001", "cat2"), ("035", "a(OCoLC)99999"), ("245", "aBeta."))
    incoming = _record(("035", "aocm99999"), ("035", "a(EBZ)ebr1"), ("245", "aBeta."))
    merged, notes = merge_record(incoming, existing, local_tag_matcher())
    assert [f["a"] for f in merged.get_fields("035")] == ["(OCoLC)99999", "(EBZ)ebr1"]
    assert any("written as the catalogue record has them" in n for n in notes)
