"""``erdq.marc_convert``: streamed conversion, byte-identical round trips, nothing lost
without a word, and ``--repair-encoding``.

Issue "Done when": ``.mrc → .mrk → .mrc`` and ``.mrc → MARCXML → .mrc`` are
byte-identical for well-formed UTF-8 records (real files from the shared data, BR-031,
BR-040). Cases BR-042 and BR-047 (MARC-8 → UTF-8: leader/09 'a', lengths recomputed).
"""

from __future__ import annotations

import tracemalloc
import unicodedata

import pytest
from tests.conftest import CASE_DAY, CASES, DATA

from erdq import api
from erdq.config import Settings
from erdq.errors import InputError
from erdq.marc_convert import FileNote, RepairedValue, SkippedRecord, TranscodedRecord
from erdq.readers.marc import MarcReader
from erdq.rules.marc.iso_examples import GOOD_FIELDS, iso_record, mrk


def shared(*parts: str):
    path = DATA.joinpath("marc", *parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


def case(name: str):
    path = CASES / name
    if not path.exists():
        pytest.skip(f"shared case not available: {path}")
    return path


def convert(source, target, **options):
    conversion = api.convert_marc(source, target, **options)
    events = conversion.run()
    return conversion.summary, events


def of(events, kind) -> list:
    return [e for e in events if isinstance(e, kind)]


def raw_records(path) -> list[tuple[int, bytes, set[str]]]:
    """(ordinal, bytes, reader codes) per record."""
    notes: dict[int | None, set[str]] = {}

    def report(code, ordinal=None, *args, **kwargs):
        notes.setdefault(ordinal, set()).add(code)

    items = list(MarcReader(path, report))
    return [(i.ordinal, i.raw, notes.get(i.ordinal, set())) for i in items]


# -- the round trips -------------------------------------------------------------

# Well-formed UTF-8 (or plain ASCII) files with no MR1xx/MR5xx finding beyond MR510
# (decomposed Unicode is valid UTF-8, and it must survive unchanged without a repair).
CLEAN_FILES = [
    ("marc4j", "065001035.mrc"),  # UTF-8, 40 records, no finding at all
    ("folio", "100.mrc"),  # UTF-8 and ASCII, with decomposed letters
    ("bookops", "nyp-ebook-sample.mrc"),  # e-book records
    ("qa-catalogue", "BooksAll.2014.part01-0001.mrc"),  # ASCII
    ("pymarc", "test.dat"),  # ASCII under leader/09 blank: kept blank
    ("folio", "5000_authority_records.mrc"),  # 5,000 records
]


@pytest.mark.shared
@pytest.mark.parametrize("via", ["mrk", "xml", "json", "jsonl"])
@pytest.mark.parametrize("parts", CLEAN_FILES, ids=lambda p: p[1])
def test_round_trip_is_byte_identical(tmp_path, parts, via) -> None:
    source = shared(*parts)
    middle, back = tmp_path / f"middle.{via}", tmp_path / "back.mrc"
    there, there_events = convert(source, middle)
    again, again_events = convert(middle, back)
    assert back.read_bytes() == source.read_bytes()
    assert there.complete and again.complete
    assert there.read == there.written == again.written
    assert not of(there_events + again_events, TranscodedRecord)


def findings_by_record(path) -> dict[int, set[str]]:
    """MR1xx (structure) and MR5xx (encoding) codes per record ordinal."""
    check = api.check_marc(path, Settings(select=("MR1", "MR5")), today=CASE_DAY)
    out: dict[int, set[str]] = {}
    for finding in check.findings():
        if finding.location.line is not None:
            out.setdefault(finding.location.line, set()).add(finding.code)
    return out


@pytest.mark.shared
@pytest.mark.parametrize(
    "parts", [("librarycarpentry", "marc_sample_data.mrc"), ("evergreen", "nepali.marc")]
)
@pytest.mark.parametrize("via", ["mrk", "xml"])
def test_every_well_formed_record_round_trips(tmp_path, parts, via) -> None:
    """Files with a few damaged records: each record with no structure or encoding
    finding (MarcCheck, MR1/MR5; decomposed Unicode allowed) comes back byte for byte.
    The damaged ones are the only ones changed (recomputed lengths) or skipped (a control
    character XML cannot hold), each skip with its reason."""
    source = shared(*parts)
    faults = {n: codes - {"MR510"} for n, codes in findings_by_record(source).items()}
    faults = {n: codes for n, codes in faults.items() if codes}
    middle, back = tmp_path / f"middle.{via}", tmp_path / "back.mrc"
    _, events = convert(source, middle)
    skipped = {e.line for e in of(events, SkippedRecord)}
    assert skipped <= faults.keys()
    original = [r for r in raw_records(source) if r[0] not in skipped]
    convert(middle, back)
    result = raw_records(back)
    assert len(result) == len(original)
    changed = {o[0] for o, r in zip(original, result, strict=True) if o[1] != r[1]}
    assert changed <= faults.keys(), "a well-formed record changed"
    assert len(faults) <= 2 and len(original) - len(changed) >= 94


def test_br031_mrk_to_mrc_counts_bytes(tmp_path) -> None:
    out = tmp_path / "br031.mrc"
    summary, _ = convert(case("BR-031.mrk"), out)
    assert out.read_bytes() == case("BR-031.expected.mrc").read_bytes()
    assert summary.read == summary.written == 1


@pytest.mark.parametrize("via", ["mrc", "xml", "json"])
def test_br040_mrk_round_trip_keeps_dollars_and_letters(tmp_path, via) -> None:
    source = case("BR-040.mrk")
    middle, back = tmp_path / f"middle.{via}", tmp_path / "back.mrk"
    convert(source, middle)
    convert(middle, back)
    expected = source.read_bytes()
    if via == "mrc":  # ISO 2709 fills in the record length and base address
        expected = expected.replace(b"=LDR  00000nam a2200000", b"=LDR  00307nam a2200085")
    assert back.read_bytes() == expected
    text = back.read_text(encoding="utf-8")
    assert "$c{dollar}24.95" in text and "méditerranéen" in text and "{caron}" not in text


def test_mrk_to_mrk_is_unchanged(tmp_path) -> None:
    source = case("BR-040.mrk")
    out = tmp_path / "same.mrk"
    convert(source, out)
    assert out.read_bytes() == source.read_bytes()


# -- encodings: as read, or repaired (and reported) ------------------------------------------


def test_without_repair_nothing_is_rewritten(tmp_path) -> None:
    """UTF-8 under a MARC-8 leader (BR-042) stays as it is: leader/09 blank."""
    source = case("BR-042.mrc")
    out = tmp_path / "out.mrc"
    summary, events = convert(source, out)
    assert out.read_bytes() == source.read_bytes()
    assert summary.repairs == {} and not of(events, RepairedValue)


def test_repair_sets_leader09_and_reports_it_br042(tmp_path) -> None:
    out = tmp_path / "out.mrc"
    summary, events = convert(case("BR-042.mrc"), out, repair_encoding=True)
    data = out.read_bytes()
    assert data[9:10] == b"a"
    assert data[10:] == case("BR-042.mrc").read_bytes()[10:]  # nothing else changes
    repairs = of(events, RepairedValue)
    assert [(e.line, e.record_id, e.field, e.repair.before, e.repair.after) for e in repairs] == [
        (1, "br042-0001", "leader/09", " ", "a")
    ]
    assert repairs[0].to_dict()["code"] == "MR501"
    assert summary.repairs == {"MR501": 1} and summary.repaired_records == 1


@pytest.mark.parametrize("repair", [False, True])
def test_marc8_to_utf8_recomputes_the_record_br047(tmp_path, repair) -> None:
    out = tmp_path / "out.mrc"
    summary, events = convert(case("BR-047.mrc"), out, repair_encoding=repair)
    data = out.read_bytes()
    assert data[9:10] == b"a"
    assert len(data) == 209 and data[:5] == b"00209"  # NFC: pymarc composes MARC-8
    directory = data[24 : int(data[12:17]) - 1]
    assert [directory[i : i + 12] for i in range(24, len(directory), 12)] == [
        b"100001800052",
        b"245001200070",
        b"260004100082",
    ]
    assert summary.converted == 1
    if repair:  # the repair says it; no second message
        assert [e.repair.code for e in of(events, RepairedValue)] == ["MR507"]
        assert of(events, TranscodedRecord) == []
    else:  # not silent either
        (event,) = of(events, TranscodedRecord)
        assert (event.line, event.record_id, event.encoding) == (1, "br047-0001", "marc-8")
        assert event.leader09_before == " "
        assert "MARC-8 to UTF-8" in event.describe()


@pytest.mark.shared
def test_code_page_records_are_written_as_utf8_and_reported(tmp_path) -> None:
    """pymarc's 1251.dat (Windows-1251 under a MARC-8 leader): the text as read is
    written as UTF-8, leader/09 'a', and each record says that its decoding was a guess."""
    out = tmp_path / "out.mrk"
    summary, events = convert(shared("pymarc", "1251.dat"), out)
    converted = of(events, TranscodedRecord)
    assert [(e.line, e.encoding, e.leader09_before) for e in converted] == [
        (n, "cp1251", " ") for n in range(1, 7)
    ]
    assert "Windows-1251" in converted[0].describe() and "guess" in converted[0].describe()
    assert summary.converted == summary.written == 6
    text = out.read_text(encoding="utf-8")
    leaders = [line[6:] for line in text.splitlines() if line.startswith("=LDR  ")]
    assert "Ильина" in text and [leader[9] for leader in leaders] == ["a"] * 6


def test_marc8_character_references_count_as_a_conversion(tmp_path) -> None:
    """ASCII under a MARC-8 leader whose &#x...; references became letters: the output
    is UTF-8, so leader/09 says so, and the record is reported."""
    source = tmp_path / "in.mrc"
    source.write_bytes(
        iso_record((*GOOD_FIELDS[:2], ("245", b"10\x1faCO&#x2082; /")), leader=b"nam  22")
    )
    out = tmp_path / "out.mrc"
    summary, events = convert(source, out)
    (event,) = of(events, TranscodedRecord)
    assert (event.encoding, event.leader09_before) == ("marc-8", " ")
    assert summary.converted == 1
    assert out.read_bytes()[9:10] == b"a" and "CO\u2082 /".encode() in out.read_bytes()


def test_repairs_report_each_value_before_and_after(tmp_path) -> None:
    source = tmp_path / "in.mrk"
    source.write_bytes(mrk("=001  ex0001", "=245  10$aCafe\u0301 con leche$bÃ‰tudes InventÃ©es"))
    out = tmp_path / "out.mrk"
    convert(source, tmp_path / "plain.mrk")
    assert (tmp_path / "plain.mrk").read_bytes() == source.read_bytes()
    summary, events = convert(source, out, repair_encoding=True)
    assert [
        (e.line, e.record_id, e.repair.code, e.field, e.repair.before, e.repair.after)
        for e in of(events, RepairedValue)
    ] == [
        (1, "ex0001", "MR510", "245$a", "Cafe\u0301 con leche", "Café con leche"),
        (1, "ex0001", "MR509", "245$b", "Ã‰tudes InventÃ©es", "Études Inventées"),
    ]
    assert "Cafe\\u0301" in of(events, RepairedValue)[0].describe()  # visibly different
    text = out.read_text(encoding="utf-8")
    assert "Café con leche" in text and unicodedata.is_normalized("NFC", text)
    assert summary.repairs == {"MR509": 1, "MR510": 1}


@pytest.mark.shared
def test_repair_leaves_real_nfd_records_nfc(tmp_path) -> None:
    out = tmp_path / "out.mrc"
    summary, events = convert(shared("folio", "100.mrc"), out, repair_encoding=True)
    assert summary.repairs and set(summary.repairs) == {"MR510"}
    assert len(of(events, RepairedValue)) == summary.repairs["MR510"]
    for _, _, codes in raw_records(out):
        assert "MR510" not in codes


# -- nothing lost without a word -----------------------------------------------------------


@pytest.mark.shared
def test_unreadable_records_are_reported_and_counted(tmp_path) -> None:
    summary, events = convert(shared("pymarc", "bad_records.mrc"), tmp_path / "out.xml")
    (skipped,) = of(events, SkippedRecord)
    assert (skipped.line, skipped.offset, skipped.stage, skipped.code) == (7, 764, "read", "MR101")
    assert "cannot be read" in skipped.reason
    assert (summary.read, summary.written, summary.skipped) == (8, 7, 1)
    assert not summary.complete
    assert len(list(MarcReader(tmp_path / "out.xml", lambda *a, **k: None))) == 7


def test_records_the_output_cannot_hold_are_skipped_with_a_reason(tmp_path) -> None:
    summary, events = convert(case("BR-033.mrc"), tmp_path / "out.mrc")
    (skipped,) = of(events, SkippedRecord)
    assert (skipped.line, skipped.stage) == (1, "write")
    assert "99,999" in skipped.reason and "MARCXML" in skipped.reason
    assert (summary.read, summary.written, summary.unwritable) == (1, 0, 1)
    # The same record fits in MARCXML.
    summary, _ = convert(case("BR-033.mrc"), tmp_path / "out.xml")
    assert summary.written == 1 and summary.complete


def test_skipped_records_between_good_ones_keep_their_numbers(tmp_path) -> None:
    good = iso_record(GOOD_FIELDS)
    unreadable = b"00025nam a2200025 a 4500\x1d"  # no directory terminator
    bell = iso_record((*GOOD_FIELDS[:2], ("500", b"  \x1faA bell \x07 rings")))  # not XML
    source = tmp_path / "in.mrc"
    source.write_bytes(good + unreadable + good + bell + good)
    summary, events = convert(source, tmp_path / "out.xml")
    assert [(e.line, e.offset, e.stage, e.code) for e in of(events, SkippedRecord)] == [
        (2, len(good), "read", "MR101"),
        (4, 2 * len(good) + 25, "write", None),
    ]
    assert (summary.read, summary.written, summary.unreadable, summary.unwritable) == (5, 3, 1, 1)


@pytest.mark.shared
def test_file_notes_are_passed_on(tmp_path) -> None:
    """Line breaks between records (qa-catalogue): every record converted, the quirk
    reported, and the records themselves unchanged."""
    source = shared("qa-catalogue", "000-line-seperated.mrc")
    out = tmp_path / "out.mrc"
    summary, events = convert(source, out)
    assert [n.finding.code for n in of(events, FileNote)] == ["MR106"]
    assert summary.complete and summary.written == 20
    assert [r[1] for r in raw_records(out)] == [r[1] for r in raw_records(source)]


def test_not_marc_is_refused_and_nothing_is_written(tmp_path) -> None:
    source = tmp_path / "list.txt"
    source.write_text("title\tissn\nA journal\t1234-5678\n", encoding="utf-8")
    out = tmp_path / "out.mrc"
    out.write_bytes(b"older output")
    with pytest.raises(InputError, match="cannot be read as MARC"):
        convert(source, out)
    assert out.read_bytes() == b"older output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.txt", "out.mrc"]


def test_output_format_and_overwriting(tmp_path) -> None:
    source = tmp_path / "in.mrc"
    source.write_bytes(iso_record(GOOD_FIELDS))
    with pytest.raises(InputError, match="output format"):
        api.convert_marc(source, tmp_path / "out.bin")
    with pytest.raises(InputError, match="also the input"):
        convert(source, source, to="mrc")
    summary, _ = convert(source, tmp_path / "out.bin", to="xml")
    assert summary.output_format == "xml"
    assert (tmp_path / "out.bin").read_bytes().startswith(b"<?xml")


def test_an_empty_marc_file_is_a_note_not_a_success(tmp_path) -> None:
    source = tmp_path / "empty.xml"
    source.write_bytes(b'<collection xmlns="http://www.loc.gov/MARC21/slim"></collection>')
    summary, events = convert(source, tmp_path / "out.mrc")
    assert [n.finding.code for n in of(events, FileNote)] == ["MR100"]
    assert summary.read == 0 and summary.data_lost and not summary.complete


def test_conversion_streams_in_constant_memory(tmp_path) -> None:
    """A 10 MB file is converted in a fraction of its size: nothing is loaded whole and
    nothing is kept per record."""
    note = ("500", b"  \x1fa" + b"A long note. " * 400)
    record = iso_record((*GOOD_FIELDS, note))  # 5 KB: many bytes, few records (fast)
    source = tmp_path / "in.mrc"
    source.write_bytes(record * 10)
    convert(source, tmp_path / "warm-up.xml")  # imports and caches are not the point
    source.write_bytes(record * 2_000)
    tracemalloc.start()
    try:
        summary, events = convert(source, tmp_path / "out.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.written == 2_000 and events == []
    assert peak < source.stat().st_size // 3
