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

MARC8_LEADER = "00000nam  2200000 a 4500"  # leader/09 blank: MARC-8


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


def test_utf8_under_a_marc8_leader_gets_leader09_a_and_is_reported_br042(tmp_path) -> None:
    """BR-042 expects "Leader/09 set to a when written" for UTF-8 under a blank leader/09:
    without --repair-encoding too, since the output says UTF-8 only through leader/09.
    Nothing else is rewritten, and the change is reported."""
    source = case("BR-042.mrc").read_bytes()
    out = tmp_path / "out.mrc"
    summary, events = convert(case("BR-042.mrc"), out)
    data = out.read_bytes()
    assert source[9:10] == b" " and data[9:10] == b"a"
    assert data[:9] + data[10:] == source[:9] + source[10:]
    (event,) = of(events, TranscodedRecord)
    assert (event.line, event.record_id, event.leader09_before) == (1, "br042-0001", " ")
    assert (event.to_dict()["from"], event.to_dict()["after"]) == ("utf-8", "a")
    assert "leader/09 said MARC-8" in event.describe()
    assert summary.repairs == {} and not of(events, RepairedValue)
    assert summary.converted == 1 and summary.complete


def test_ascii_under_a_marc8_leader_keeps_its_leader(tmp_path) -> None:
    """Plain ASCII is the same in MARC-8 and UTF-8: nothing to say, nothing changed."""
    source = tmp_path / "in.mrc"
    source.write_bytes(iso_record(GOOD_FIELDS, leader=b"nam  22"))
    out = tmp_path / "out.mrc"
    summary, events = convert(source, out)
    assert out.read_bytes() == source.read_bytes() and events == []
    assert summary.converted == 0


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


@pytest.mark.parametrize("fmt", ["mrc", "mrk"])
def test_marc8_mnemonics_are_written_as_utf8_with_leader09_a(tmp_path, fmt) -> None:
    """A .mrk with MARC-8 mnemonics ({acute}e: the mark before its letter, as in MARC-8)
    under a blank leader/09: the text goes out as UTF-8 ("é", composed, as MARC-8
    conversion gives), so leader/09 says 'a', and the record is reported."""
    source = tmp_path / "in.mrk"
    source.write_bytes(mrk("=001  ex0001", "=245  10$aCaf{acute}e /", leader=MARC8_LEADER))
    out = tmp_path / f"out.{fmt}"
    summary, events = convert(source, out)
    (event,) = of(events, TranscodedRecord)
    assert (event.line, event.record_id, event.encoding, event.leader09_before) == (
        1,
        "ex0001",
        "marc-8-mnemonics",
        " ",
    )
    assert "mnemonics" in event.describe() and summary.converted == 1
    data = out.read_bytes()
    if fmt == "mrc":
        assert data[9:10] == b"a"
        assert field_bytes(data, b"245") == [b"10\x1faCaf\xc3\xa9 /"]
    else:
        leader = MARC8_LEADER[:9] + "a" + MARC8_LEADER[10:]
        assert data.decode("utf-8").splitlines()[0] == f"=LDR  {leader}"
        assert "=245  10$aCafé /" in data.decode("utf-8")


def test_ascii_mnemonics_leave_leader09_alone(tmp_path) -> None:
    """{dollar} and braces stand for ASCII: no change of encoding, nothing to report."""
    source = tmp_path / "in.mrk"
    source.write_bytes(mrk("=001  ex0001", "=020  \\\\$c{dollar}24.95", leader=MARC8_LEADER))
    out = tmp_path / "out.mrk"
    _, events = convert(source, out)
    assert out.read_bytes() == source.read_bytes() and events == []


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
    # Counted as `erdq marc validate` counts them: 7 records read, 1 unparseable.
    assert (summary.read, summary.unparseable, summary.written, summary.skipped) == (7, 1, 7, 1)
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
    assert (summary.read, summary.written, summary.unparseable, summary.unwritable) == (4, 3, 1, 1)


NOTE_505 = ("505", b"0 \x1faChapter one -- Chapter two -- Chapter three.")
LAST_500 = ("500", b"  \x1faA note after the contents.")


def test_a_cut_off_record_is_skipped_not_written_as_whole(tmp_path) -> None:
    """The file ends inside record 2's 505 (an interrupted download): its 500 is gone and
    its 505 cut short, so it is reported (MR105) and left out, and data is lost."""
    good = iso_record(GOOD_FIELDS)
    second = iso_record((*GOOD_FIELDS, NOTE_505, LAST_500))
    cut = second[: second.index(b"Chapter two")]
    source = tmp_path / "in.mrc"
    source.write_bytes(good + cut)
    out = tmp_path / "out.mrc"
    summary, events = convert(source, out)
    (skipped,) = of(events, SkippedRecord)
    assert (skipped.line, skipped.offset, skipped.stage, skipped.code) == (
        2,
        len(good),
        "incomplete",
        "MR105",
    )
    assert f"{len(cut)} of its {len(second)} bytes" in skipped.reason
    assert (summary.read, summary.written, summary.incomplete, summary.skipped) == (2, 1, 1, 1)
    assert summary.data_lost and not summary.complete
    assert summary.as_dict()["data_lost"] is True and summary.as_dict()["complete"] is False
    assert out.read_bytes() == good


def test_a_record_missing_fields_its_directory_lists_is_skipped(tmp_path) -> None:
    """The directory lists a 500 but the data ends after the 505 (length and terminator
    consistent): the 500 is missing, so the record is not written as if whole."""
    whole = iso_record((*GOOD_FIELDS, NOTE_505, LAST_500))
    body_end = whole.index(b"  \x1faA note after")
    damaged = whole[:body_end] + b"\x1d"
    damaged = b"%05d" % len(damaged) + damaged[5:]
    source = tmp_path / "in.mrc"
    source.write_bytes(damaged)
    summary, events = convert(source, tmp_path / "out.xml")
    (skipped,) = of(events, SkippedRecord)
    assert (skipped.stage, skipped.code) == ("incomplete", "MR108")
    assert "1 field(s)" in skipped.reason and "(500)" in skipped.reason
    assert (summary.written, summary.incomplete) == (0, 1) and not summary.complete


@pytest.mark.shared
def test_a_truncated_real_file_loses_only_its_last_record(tmp_path) -> None:
    """The trial's case: folio/100.mrc cut at 50,000 bytes. The records that end with a
    terminator (0x1D) before the cut are written as they were; the one the cut runs
    through is reported, not written."""
    whole = shared("folio", "100.mrc").read_bytes()
    head = whole[:50_000]
    complete = head.count(b"\x1d")  # records that end before the cut
    assert not head.endswith(b"\x1d")
    source = tmp_path / "trunc.mrc"
    source.write_bytes(head)
    out = tmp_path / "out.mrc"
    summary, events = convert(source, out)
    assert [(e.line, e.stage, e.code) for e in of(events, SkippedRecord)] == [
        (complete + 1, "incomplete", "MR105")
    ]
    assert (summary.read, summary.written) == (complete + 1, complete)
    assert summary.data_lost and not summary.complete
    assert out.read_bytes() == head[: head.rindex(b"\x1d") + 1]


def field_bytes(record: bytes, tag: bytes) -> list[bytes]:
    """The data of each ``tag`` field of one ISO 2709 record, read from its directory."""
    base = int(record[12:17])
    directory = record[24 : base - 1]
    out = []
    for i in range(0, len(directory), 12):
        if directory[i : i + 3] == tag:
            length, start = int(directory[i + 3 : i + 7]), int(directory[i + 7 : i + 12])
            out.append(record[base + start : base + start + length - 1])
    return out


ODD_260 = ("260", b"   \x1faKathmandu :\x1fbSajha,\x1fc1990.")  # three indicator characters


def test_extra_indicators_are_kept_in_iso2709(tmp_path) -> None:
    """ISO 2709 can hold the field's bytes as they are: the record comes out unchanged,
    and the reader reports the fault again (MR111) on the output."""
    source = tmp_path / "in.mrc"
    source.write_bytes(iso_record((*GOOD_FIELDS, ODD_260)))
    out = tmp_path / "out.mrc"
    summary, events = convert(source, out)
    assert out.read_bytes() == source.read_bytes()
    assert summary.complete and events == []
    assert [codes for _, _, codes in raw_records(out)] == [{"MR111"}]


@pytest.mark.parametrize("fmt", ["xml", "mrk", "json", "jsonl"])
def test_extra_indicators_are_not_dropped_in_other_formats(tmp_path, fmt) -> None:
    """MARCXML, .mrk and JSON hold exactly two indicators: the record is skipped with the
    field named, rather than written with one indicator dropped."""
    good = iso_record(GOOD_FIELDS)
    source = tmp_path / "in.mrc"
    source.write_bytes(good + iso_record((*GOOD_FIELDS, ODD_260)))
    out = tmp_path / f"out.{fmt}"
    summary, events = convert(source, out)
    (skipped,) = of(events, SkippedRecord)
    assert (skipped.line, skipped.stage, skipped.tag) == (2, "write", "260")
    assert "3 indicator character(s) ('   ')" in skipped.reason and ".mrc" in skipped.reason
    assert (summary.written, summary.unwritable) == (1, 1) and not summary.complete


def test_missing_indicators_are_not_invented(tmp_path) -> None:
    """A 020 that starts with its delimiter has no indicators: kept so in ISO 2709,
    refused in MARCXML (where two blanks would be made up)."""
    isbn = ("020", b"\x1fa9780306406157")
    source = tmp_path / "in.mrc"
    source.write_bytes(iso_record((*GOOD_FIELDS, isbn)))
    out = tmp_path / "out.mrc"
    convert(source, out)
    assert field_bytes(out.read_bytes(), b"020") == [b"\x1fa9780306406157"]
    _, events = convert(source, tmp_path / "out.xml")
    (skipped,) = of(events, SkippedRecord)
    assert skipped.tag == "020" and "no indicators" in skipped.reason


def test_mrk_extra_indicators_reach_iso2709_as_they_were(tmp_path) -> None:
    """In .mrk, "\\\\\\" before the first $ is three blank indicators (MarcEdit's backslash);
    the reader used to drop the third as stray text."""
    source = tmp_path / "in.mrk"
    source.write_bytes(mrk("=001  ex0001", "=260  \\\\\\$aKathmandu :$bSajha,$c1990."))
    out = tmp_path / "out.mrc"
    summary, _ = convert(source, out)
    assert field_bytes(out.read_bytes(), b"260") == [ODD_260[1]]
    assert summary.complete
    summary, events = convert(source, tmp_path / "out.mrk")
    assert [e.tag for e in of(events, SkippedRecord)] == ["260"]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("parts", "line", "tag"),
    [
        (("evergreen", "nepali.marc"), 16, "260"),
        (("librarycarpentry", "marc_sample_data.mrc"), 19, "2 4"),
    ],
)
def test_real_extra_indicators_round_trip_or_are_reported(tmp_path, parts, line, tag) -> None:
    source = shared(*parts)
    out = tmp_path / "out.mrc"
    summary, _ = convert(source, out)
    assert [r[1] for r in raw_records(out)] == [r[1] for r in raw_records(source)]
    summary, events = convert(source, tmp_path / "out.xml")
    assert (line, "write", tag) in [(e.line, e.stage, e.tag) for e in of(events, SkippedRecord)]
    assert not summary.complete


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


def test_an_empty_marc_file_is_refused_not_a_success(tmp_path) -> None:
    # MARCXML with no record (MR100): nothing to convert, and no empty OUT written in
    # place of whatever was there.
    source = tmp_path / "empty.xml"
    source.write_bytes(b'<collection xmlns="http://www.loc.gov/MARC21/slim"></collection>')
    with pytest.raises(InputError, match="holds no MARC record"):
        convert(source, tmp_path / "out.mrc")
    assert not (tmp_path / "out.mrc").exists()


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


# -- the helpers edit and match share ----------------------------------------------------


def test_output_format_from_to_or_the_name() -> None:
    from erdq.marc_convert import output_format

    assert output_format(None, "out.MRK") == "mrk"
    assert output_format("jsonl", "out.mrc") == "jsonl"  # --to wins over the extension
    with pytest.raises(InputError, match="cannot tell the output format from the name 'out'"):
        output_format(None, "out", hint="name it .mrc")
    with pytest.raises(InputError, match="unknown output format 'marc'"):
        output_format("marc", None)


def test_unread_records_name_the_first_error_else_the_first_note() -> None:
    from erdq.findings import Finding, Location, Severity
    from erdq.marc_convert import unread_records

    def finding(code: str, severity: Severity, line: int) -> Finding:
        return Finding(code, severity, Location("f.mrc", line=line), {})

    note, error = finding("MR103", Severity.WARNING, 3), finding("MR101", Severity.ERROR, 3)
    other = finding("MR104", Severity.WARNING, 4)
    found = {3: [note, error], 4: [other], 9: [note]}
    assert list(unread_records(found, 2, 5)) == [(2, None), (3, error), (4, other)]
    assert found == {9: [note]}  # what was not below ``upto`` stays


def test_a_mrk_line_that_cannot_be_read_makes_the_conversion_incomplete(tmp_path) -> None:
    # A field wrapped onto a second line: that line is no field, and its text is not in
    # the record written. The conversion says so and is not "complete" (exit status 1).
    source = tmp_path / "wrapped.mrk"
    source.write_text(
        "=LDR  00000nam a2200000 a 4500\n=001  r1\n=245  00$aA title\n"
        "wrapped text of the 245\n=500  \\\\$aA note.\n\n",
        encoding="utf-8",
    )
    summary, _ = convert(source, tmp_path / "out.mrc")
    assert summary.written == 1 and summary.lines_unread == 1
    assert summary.data_lost and not summary.complete


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        # MARC-in-JSON: a subfield object of two keys, subfields given as text.
        ("two-keys.json", '{"leader": "00000nam a2200000 a 4500", "fields": [{"001": "r1"}, '
         '{"245": {"ind1": "0", "ind2": "0", "subfields": [{"a": "A title."}]}}, '
         '{"500": {"ind1": " ", "ind2": " ", "subfields": [{"a": "Note", "b": "two"}]}}]}',
         "MR121"),
        ("string.json", '{"leader": "00000nam a2200000 a 4500", "fields": [{"001": "r1"}, '
         '{"245": {"ind1": "0", "ind2": "0", "subfields": [{"a": "A title."}]}}, '
         '{"520": {"ind1": " ", "ind2": " ", "subfields": "$aplain string"}}]}', "MR121"),
        # MARCXML: formatting markup where only subfields stand.
        ("markup.xml", '<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam '
         'a2200000 a 4500</leader><controlfield tag="001">r1</controlfield><datafield '
         'tag="245" ind1="0" ind2="0"><subfield code="a">A title.</subfield></datafield>'
         '<datafield tag="500" ind1=" " ind2=" "><i>A note in italics.</i></datafield>'
         "</record>", "MR126"),
        # MARCXML: text in a datafield outside any subfield.
        ("bare.xml", '<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam '
         'a2200000 a 4500</leader><controlfield tag="001">r1</controlfield><datafield '
         'tag="245" ind1="0" ind2="0"><subfield code="a">A title.</subfield></datafield>'
         '<datafield tag="500" ind1=" " ind2=" ">A bare note.</datafield></record>',
         "MR128"),
    ],
)  # fmt: skip
def test_text_the_reader_could_not_place_makes_the_conversion_incomplete(
    tmp_path, name, text, code
) -> None:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    summary, _ = convert(source, tmp_path / "out.mrk")
    assert summary.written == 1 and summary.unread == {code: 1}
    assert summary.data_lost and not summary.complete  # exit status 1


def test_a_file_of_which_nothing_can_be_read_keeps_the_output_it_would_replace(tmp_path) -> None:
    # MARC-in-JSON cut off inside its first record: no record, and the reader says why.
    source = tmp_path / "cut.json"
    source.write_text('{"leader": "00000nam a2200000 a 4500", "fields": [{"001": "r1"}, {"2')
    target = tmp_path / "prev.mrk"
    target.write_text("=LDR  00000nam a2200000 a 4500\n=001  kept\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be read as MARC"):
        convert(source, target)
    assert "=001  kept" in target.read_text(encoding="utf-8")
