"""``erdq.cataloguing.match_form``: electronic or not, from the MARC21 fields that say so.

Every expected form follows from the MARC21 Bibliographic definitions: 008/23 (books,
music, continuing resources, mixed materials, computer files) or 008/29 (maps, visual
materials) form of item, where o/q/s are electronic and blank is "none of the
following"; 007/00-01 "cr" a remote electronic resource; 338 $b "cr" the RDA carrier
"online resource"; 245 $h the AACR2 GMD.
"""

from __future__ import annotations

import pymarc

from erdq.cataloguing.match_form import ELECTRONIC, NOT_ELECTRONIC, record_form


def _008(position: int, value: str) -> str:
    # 40 characters: 00-05 date entered, 06 's', 07-10 2020, 11-14 blank, 15-17 'nyu',
    # 18-28 blank, 29-31 '000', 32 blank, 33 '0', 34 blank, 35-37 'eng', 38 blank, 39 'd'.
    data = list("200115s2020    nyu" + " " * 11 + "000 0 eng d")
    assert len(data) == 40
    data[position] = value
    return "".join(data)


def _record(rtype: str = "a", f008: str | None = None, *fields: pymarc.Field) -> pymarc.Record:
    record = pymarc.Record()
    record.leader = pymarc.Leader(f"00000n{rtype}m a2200000 i 4500")
    if f008 is not None:
        record.add_field(pymarc.Field(tag="008", data=f008))
    for f in fields:
        record.add_field(f)
    return record


def _field(tag: str, *subfields: str) -> pymarc.Field:
    pairs = [pymarc.Subfield(s[0], s[1:]) for s in subfields]
    return pymarc.Field(tag=tag, indicators=[" ", " "], subfields=pairs)


def test_book_008_23_form_of_item() -> None:
    # o online, q direct electronic, s electronic: electronic.
    for value in "oqs":
        assert record_form(_record("a", _008(23, value))).form == ELECTRONIC
    # a microfilm, d large print, r regular print reproduction, blank regular print.
    for value in "adr ":
        assert record_form(_record("a", _008(23, value))).form == NOT_ELECTRONIC
    # '|' no attempt to code: says nothing.
    assert record_form(_record("a", _008(23, "|"))).form is None
    form = record_form(_record("a", _008(23, "o")))
    assert form.evidence == ["008/23 'o' (online)"]


def test_maps_and_visual_materials_use_008_29() -> None:
    # Leader/06 e (cartographic): form of item at 29; an 'o' at 23 means nothing there.
    assert record_form(_record("e", _008(29, "o"))).form == ELECTRONIC
    assert record_form(_record("g", _008(29, "o"))).form == ELECTRONIC
    map_at_23 = _008(23, "o")
    map_at_23 = map_at_23[:29] + " " + map_at_23[30:]  # 29 blank: a printed map
    assert record_form(_record("e", map_at_23)).form == NOT_ELECTRONIC


def test_computer_file_blank_form_is_unknown_but_type_m_is_electronic() -> None:
    # For computer files 008/23 blank is "unknown or not specified"; leader/06 m says
    # electronic by itself.
    form = record_form(_record("m", _008(23, " ")))
    assert form.form == ELECTRONIC
    assert form.evidence == ["leader/06 'm' (computer file)"]


def test_007_338_and_gmd_alone() -> None:
    assert record_form(_record("a", None, pymarc.Field(tag="007", data="cr |n|"))).form == (
        ELECTRONIC
    )
    assert record_form(_record("a", None, pymarc.Field(tag="007", data="ta"))).form == (
        NOT_ELECTRONIC
    )
    online = _field("338", "aonline resource", "2rdacarrier")
    assert record_form(_record("a", None, online)).form == ELECTRONIC
    volume = _field("338", "avolume", "bnc", "2rdacarrier")
    assert record_form(_record("a", None, volume)).evidence == ["338 $b 'nc'"]
    gmd = _field("245", "aThe example book", "h[electronic resource] /")
    assert record_form(_record("a", None, gmd)).form == ELECTRONIC


def test_a_print_book_with_a_cd_is_not_electronic() -> None:
    # 337 computer and 338 computer disc describe the disc; the volume decides, and a
    # 338 with $3 (one part) is not read at all.
    record = _record(
        "a",
        _008(23, " "),
        _field("337", "aunmediated", "bn"),
        _field("337", "acomputer", "bc"),
        _field("338", "avolume", "bnc"),
        _field("338", "acomputer disc", "bcd"),
        _field("338", "3online supplement", "aonline resource", "bcr"),
    )
    assert record_form(record).form == NOT_ELECTRONIC


def test_no_evidence_and_contradicting_evidence_give_no_form() -> None:
    assert record_form(_record("a", None)).form is None
    assert record_form(_record("a", None)).describe() == "of unknown form"
    both = record_form(_record("a", _008(23, "o"), _field("338", "avolume", "bnc")))
    assert both.form is None
    assert "008/23 'o'" in both.describe() and "338 $b 'nc'" in both.describe()


def test_weak_337_decides_only_alone() -> None:
    assert record_form(_record("a", None, _field("337", "acomputer"))).form == ELECTRONIC
    # 008/23 blank (weak, print) against 337 computer (weak, electronic): unknown.
    record = _record("a", _008(23, " "), _field("337", "acomputer", "bc"))
    assert record_form(record).form is None
    # Strong 007 cr over a weak blank 008/23, as in loosely coded vendor e-books.
    record = _record("a", _008(23, " "), pymarc.Field(tag="007", data="cr"))
    assert record_form(record).form == ELECTRONIC


def test_006_is_strong_and_an_856_40_weak_electronic_evidence() -> None:
    # 006/00 'm': computer file characteristics, as provider-neutral e-book records have.
    e = _record("a", _008(23, " "), pymarc.Field(tag="006", data="m     o  d        "))
    assert record_form(e).form == ELECTRONIC
    # A 006 for books whose form of item (006/06) is 'o' (online).
    book = _record("a", None, pymarc.Field(tag="006", data="a     o           "))
    assert record_form(book).form == ELECTRONIC
    # A blank 008/23 (weak: "none of the following") beside an 856 40 (weak: the resource
    # itself online) says nothing either way: an old e-book record, not a print one.
    link = pymarc.Field(
        tag="856", indicators=["4", "0"], subfields=[pymarc.Subfield("u", "https://x.org/1")]
    )
    assert record_form(_record("a", _008(23, " "), link)).form is None
    # An 856 41 (a version of the resource, such as a digitised copy) is no evidence.
    version = pymarc.Field(
        tag="856", indicators=["4", "1"], subfields=[pymarc.Subfield("u", "https://x.org/1")]
    )
    assert record_form(_record("a", _008(23, " "), version)).form == NOT_ELECTRONIC
