"""The ISO 2709 reader: record splitting, resynchronisation and tolerant parsing.

Cases BR-031 (lengths count bytes), BR-033 (a record over 99,999 bytes) and BR-037
(delimiter inside CJK text, non-ASCII subfield code, empty subfield).
"""

from __future__ import annotations

import io

import pymarc
import pytest
from lxml import etree
from tests.conftest import CASES, shared_file

from erdq.readers.marc import MarcReader, write_iso2709, write_mrk
from erdq.readers.sniff import marc_format
from erdq.rules.marc.iso_examples import GOOD_FIELDS, GOOD_ISO, iso_record


def read(tmp_path, data: bytes, name: str = "records.mrc"):
    """(items, notes as (code, ordinal, params)) for ``data`` written to a file."""
    path = tmp_path / name
    path.write_bytes(data)
    notes: list[tuple] = []

    def report(code, ordinal, **params):
        notes.append((code, ordinal, params))

    reader = MarcReader(path, report)
    items = list(reader)
    return reader, items, notes


def codes(notes) -> list[str]:
    return [code for code, _, _ in notes]


def case(name: str) -> bytes:
    path = CASES / name
    if not path.exists():
        pytest.skip(f"shared case not available: {path}")
    return path.read_bytes()


def test_clean_records_match_pymarc(tmp_path) -> None:
    reader, items, notes = read(tmp_path, GOOD_ISO * 3)
    assert notes == []
    assert [(i.ordinal, i.offset, i.record_id) for i in items] == [
        (1, 0, "ex0001"),
        (2, len(GOOD_ISO), "ex0001"),
        (3, 2 * len(GOOD_ISO), "ex0001"),
    ]
    expected = pymarc.Record(data=GOOD_ISO)
    assert str(items[0].record) == str(expected)
    assert (reader.format, reader.records, reader.unparseable) == ("iso2709", 3, 0)
    assert len(reader.sha256) == 64 and reader.bytes_read == 3 * len(GOOD_ISO)


def test_format_is_sniffed_from_content_not_name(tmp_path) -> None:
    reader, items, _ = read(tmp_path, GOOD_ISO, name="records.xml")
    assert reader.format == "iso2709" and len(items) == 1
    assert marc_format(b"\xef\xbb\xbf<?xml version='1.0'?><collection/>") == "marcxml"
    assert marc_format(b"=LDR  00000nam a2200000 a 4500\n") == "mrk"
    assert marc_format(b'[{"leader": "x"}]') == "json"
    assert marc_format(b"<!DOCTYPE html><html>") is None
    assert marc_format(b"publication_title\tprint_identifier\n") is None


def test_unparseable_fragment_is_counted_and_reading_goes_on(tmp_path) -> None:
    data = GOOD_ISO + b"00020nam a22\x1e\x1d" + GOOD_ISO
    reader, items, notes = read(tmp_path, data)
    assert [i.ordinal for i in items] == [1, 3]
    assert (reader.records, reader.unparseable) == (2, 1)
    (code, ordinal, params) = notes[0]
    assert (code, ordinal, params["offset"], params["at_byte"]) == (
        "MR101",
        2,
        len(GOOD_ISO),
        len(GOOD_ISO),
    )


def test_wrong_length_reads_to_the_terminator(tmp_path) -> None:
    _reader, items, notes = read(tmp_path, iso_record(GOOD_FIELDS, length=b"00099") + GOOD_ISO)
    assert len(items) == 2
    assert [(c, o, p["value"], p["actual"]) for c, o, p in notes] == [
        ("MR102", 1, "00099", len(GOOD_ISO))
    ]


def test_missing_terminator_resynchronises_at_the_next_leader(tmp_path) -> None:
    _, items, notes = read(tmp_path, GOOD_ISO[:-1] + GOOD_ISO + GOOD_ISO)
    assert [i.record_id for i in items] == ["ex0001"] * 3
    assert [i.offset for i in items] == [0, len(GOOD_ISO) - 1, 2 * len(GOOD_ISO) - 1]
    assert codes(notes) == ["MR104"]


def test_truncated_last_record(tmp_path) -> None:
    reader, _items, notes = read(tmp_path, GOOD_ISO + GOOD_ISO[:60])
    assert codes(notes)[0] == "MR105"
    assert notes[0][1] == 2 and notes[0][2]["found"] == 60
    assert reader.records + reader.unparseable == 2  # the stub is counted either way


def test_newline_separated_records(tmp_path) -> None:
    _, items, notes = read(tmp_path, GOOD_ISO + b"\r\n" + GOOD_ISO + b"\n" + GOOD_ISO + b"\n")
    assert len(items) == 3
    assert [(c, p["count"]) for c, _, p in notes] == [("MR106", 2)]


def test_padding_after_the_last_record(tmp_path) -> None:
    _, items, notes = read(tmp_path, GOOD_ISO + b" " * 100)
    assert len(items) == 1
    assert [(c, p["count"]) for c, _, p in notes] == [("MR123", 100)]


def test_bad_directory_entries_are_located_by_terminators(tmp_path) -> None:
    data = iso_record(GOOD_FIELDS, offsets={1: b"00000", 2: b"0004x"})
    _, items, notes = read(tmp_path, data)
    assert str(items[0].record) == str(pymarc.Record(data=GOOD_ISO))
    assert codes(notes) == ["MR108", "MR109"]
    assert notes[1][2]["count"] == 2


def test_unordered_directory_is_read_in_directory_order(tmp_path) -> None:
    fields = (*GOOD_FIELDS, ("500", b"  \x1faOne"), ("500", b"  \x1faTwo"))
    plain = iso_record(fields)
    base = int(plain[12:17])
    body = plain[base:]
    one, two = body.index(b"  \x1faOne"), body.index(b"  \x1faTwo")
    swapped = iso_record(fields, offsets={3: b"%05d" % two, 4: b"%05d" % one})
    _, items, notes = read(tmp_path, swapped)
    assert [f.value() for f in items[0].record.get_fields("500")] == ["Two", "One"]
    assert codes(notes) == ["MR122"]


def test_indicators_and_subfield_codes(tmp_path) -> None:
    fields = (*GOOD_FIELDS, ("020", b"\x1fa9780306406157"), ("500", b"  \x1faA\x1f\x1fbB"))
    _, items, notes = read(tmp_path, iso_record(fields))
    record = items[0].record
    assert record["020"].indicators == pymarc.Indicators(" ", " ")
    assert [s.code for s in record["500"].subfields] == ["a", "b"]
    assert [(c, p.get("tag")) for c, _, p in notes] == [("MR111", "020"), ("MR113", "500")]


def test_br031_lengths_count_bytes(tmp_path) -> None:
    expected = case("BR-031.expected.mrc")
    assert len(expected) == 145
    assert expected[:24] == b"00145nam a2200061 a 4500"
    assert b"245003100052" in expected
    # Reading the reference file: no warnings, the title intact.
    _, items, notes = read(tmp_path, expected)
    assert notes == []
    assert items[0].record["245"]["a"] == "Teorias da Administração"
    # Compiling the .mrk gives the same bytes.
    _, mrk_items, mrk_notes = read(tmp_path, case("BR-031.mrk"), name="br031.mrk")
    assert mrk_notes == []
    assert write_iso2709(mrk_items[0].record) == expected


def test_br033_record_over_99999_bytes(tmp_path) -> None:
    data = case("BR-033.mrc")
    assert len(data) == 120_511
    _, items, notes = read(tmp_path, data)
    record = items[0].record
    assert [f.tag for f in record.fields] == ["001", "008", "245", *["500"] * 20, "650"]
    notes_500 = [f["a"] for f in record.get_fields("500")]
    assert [n[:7] for n in notes_500] == [f"Note {i:02d}" for i in range(20)]
    assert all(len(n) == 6000 for n in notes_500)
    assert record["650"]["a"] == "Test subject."
    assert [(c, p.get("actual"), p.get("count")) for c, _, p in notes] == [
        ("MR103", 120_511, None),  # record length unusable: the real size is given
        ("MR109", None, 4),  # four offsets unusable, recomputed
    ]


def test_br037_delimiter_in_cjk_text_bad_code_empty_subfield(tmp_path) -> None:
    _, items, notes = read(tmp_path, case("BR-037.mrc"))
    record = items[0].record
    assert [(c, p.get("tag"), p.get("byte")) for c, _, p in notes] == [
        ("MR112", "245", "0xE6"),
        ("MR112", "246", "0xC4"),
        ("MR113", "500", None),
    ]
    # The CJK text is kept inside 245 $a, never used as a subfield code.
    assert record["245"].subfields == [
        pymarc.Subfield("a", "Tree stories.树上又有什么让人惊讶的景象呢")
    ]
    assert record["246"]["a"] == "Variant title"
    assert [s.code for s in record["500"].subfields] == ["a", "b"]
    # A MARCXML rendering parses with a standard XML parser; codes are ASCII.
    xml = pymarc.record_to_xml(record)
    root = etree.fromstring(xml)
    assert all(c.isascii() for c in root.xpath("//@code"))


def test_write_iso2709_refuses_a_field_over_9999_bytes(tmp_path) -> None:
    from erdq.errors import InputError

    _, items, _ = read(tmp_path, case("BR-032.mrk"), name="br032.mrk")
    with pytest.raises(InputError) as info:
        write_iso2709(items[0].record)
    assert "field 505" in str(info.value)
    assert str(items[0].record.leader) == "00000nam a2200000 a 4500"  # left unchanged
    # .mrk and MARCXML output are unaffected by the ISO 2709 limit.
    contents = items[0].record["505"]["a"]
    assert len(contents.encode()) > 9_999
    assert f"=505  0\\$a{contents}\n" in write_mrk(items[0].record)
    assert etree.fromstring(pymarc.record_to_xml(items[0].record)) is not None


def test_reading_is_streamed_not_loaded_whole(tmp_path, monkeypatch) -> None:
    """The reader asks for bounded chunks, never the whole file at once."""
    from erdq.readers import marc

    sizes: list[int] = []
    original = marc.Source._raw

    def spy(self, size):
        sizes.append(size)
        return original(self, size)

    monkeypatch.setattr(marc.Source, "_raw", spy)
    _, items, _ = read(tmp_path, GOOD_ISO * 20_000)
    assert len(items) == 20_000
    assert all(0 < size <= 1 << 20 for size in sizes)


def test_unreadable_file_is_reported(tmp_path) -> None:
    notes: list = []
    items = list(MarcReader(tmp_path / "missing.mrc", lambda c, o, **p: notes.append(c)))
    assert items == [] and notes == ["MR100"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "an empty file"),
        (b"publication_title\tprint_identifier\n", "text"),
        (b"%PDF-1.4 ...", "a PDF document"),
    ],
)
def test_not_marc_is_reported(tmp_path, data: bytes, reason: str) -> None:
    _reader, items, notes = read(tmp_path, data)
    assert items == [] and codes(notes) == ["MR100"]
    assert reason in notes[0][2]["reason"]


def test_reader_survives_random_damage(tmp_path) -> None:
    """Flipping bytes anywhere never raises; every record is read or counted."""
    import random

    rng = random.Random(3)
    clean = GOOD_ISO * 5
    for _ in range(200):
        data = bytearray(clean)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        reader, _items, _ = read(tmp_path, bytes(data))
        assert reader.records + reader.unparseable >= 1


def test_source_replays_its_head() -> None:
    from erdq.readers.marc import Source

    source = Source(io.BytesIO(b"x" * 100_000))
    assert len(source.head) == 1 << 16
    assert len(source.read(10)) == 10
    assert len(source.read(-1)) == 100_000 - 10
    assert source.bytes_read == 100_000


def test_a_long_record_with_six_digit_offsets_is_read_field_by_field() -> None:
    # marc4j writes a record past ISO 2709's 99,999 bytes with 13-byte directory entries
    # once the offsets need six digits (datos.bne.es: 214,804 bytes, 989 fields). Read as
    # 12-byte entries, every later field got another field's tag.
    path = shared_file("data", "marc", "marc4j", "datos-20161010-slice.mrc")
    data = path.read_bytes()
    found = []
    (item,) = MarcReader(path, lambda code, *a, **k: found.append((code, k)))
    tags = [f.tag for f in item.record.fields]
    assert len(tags) == data.count(b"\x1e") - 1  # a field per terminator, bar the directory's
    assert tags[-1] == "952" and tags.count("952") == 965
    assert all(t.isdigit() for t in tags)
    assert [c for c, _ in found].count("MR108") == 1  # the wide entries, said once
