"""``erdq.readers.mrk``: one field as a .mrk line, and one record from its lines."""

from __future__ import annotations

from pymarc import Field, Leader, Record, Subfield
from pymarc.field import Indicators

from erdq.readers.mrk import field_line, parse_record, write_mrk


def test_field_line_escapes_as_marcedit_writes() -> None:
    # Blanks in indicators and control data are backslashes; "$" and braces are mnemonics.
    assert field_line(Field("008", data="250101s2025    xx")) == "=008  250101s2025\\\\\\\\xx"
    data = Field("245", Indicators("1", " "), [Subfield("a", "Cost: $5 {net}")])
    assert field_line(data) == "=245  1\\$aCost: {dollar}5 {lcub}net{rcub}"


def test_field_line_is_the_line_write_mrk_writes() -> None:
    record = Record()
    record.leader = Leader("00000nam a2200000 a 4500")
    record.fields = [
        Field("001", data="b1"),
        Field("500", Indicators(" ", " "), [Subfield("a", "Note.")]),
    ]
    assert write_mrk(record).splitlines()[1:] == [field_line(f) for f in record.fields]


def test_field_line_keeps_a_line_separator_in_the_text_on_its_line() -> None:
    # U+2028 is a line boundary to str.splitlines, not to .mrk: the field is one line.
    fld = Field("500", Indicators(" ", " "), [Subfield("a", "one\u2028two")])
    assert field_line(fld) == "=500  \\\\$aone\u2028two"


def test_parse_record_reads_lines_of_one_record() -> None:
    lines = ["=LDR  00000nam a2200000 a 4500", "=001  b1", "=245  10$aTitle"]
    parsed = parse_record([(0, line) for line in lines], 0)
    assert parsed.notes == []
    assert [(f.tag, f.value()) for f in parsed.record.fields] == [("001", "b1"), ("245", "Title")]
    assert parsed.record["245"].indicators == Indicators("1", "0")


def test_parse_record_keeps_an_odd_indicator_area_as_read() -> None:
    lines = ["=LDR  00000nam a2200000 a 4500", "=001  b1", "=500  1$aNote."]
    parsed = parse_record([(0, line) for line in lines], 0)
    assert parsed.memo["indicators_as_read"] == {1: "1"}
    assert [code for code, _ in parsed.notes] == ["MR111"]


def test_a_tag_typed_short_is_named_as_such() -> None:
    # "=65  \0..." is tag "65 " followed by one space: the tag lacks a character, the
    # spaces are not what is wrong.
    from erdq.readers.mrk import parse_record

    parsed = parse_record([(0, "=LDR  00000nam a2200000 i 4500"), (0, "=65  \\0$aA.")], 0)
    reasons = [params.get("reason") for code, params in parsed.notes if code == "MR120"]
    assert reasons == ["the tag '65' is not 3 characters"]
    assert [code for code, _ in parsed.notes].count("MR110") == 1


def test_a_line_with_invalid_bytes_keeps_its_utf8_and_names_the_field(tmp_path) -> None:
    from erdq.config import Settings
    from erdq.marc_check import MarcCheck
    from erdq.readers.marc import MarcReader

    path = tmp_path / "x.mrk"
    # FF FE is never UTF-8; C3 A9 is a valid UTF-8 é and must stay é (not Ã©).
    path.write_bytes(
        b"=LDR  00000nam a2200000 a 4500\n=001  u1\n=245  10$aBad \xff\xfe byte and Caf\xc3\xa9 /\n"
    )
    (item,) = MarcReader(path, lambda *a, **k: None)
    assert item.record["245"]["a"] == "Bad \u00ff\u00fe byte and Caf\u00e9 /"  # FF ÿ, FE þ
    assert item.encoding == "utf-8-invalid"
    findings = list(MarcCheck(path, Settings(select=("MR5",))).findings())
    assert [
        (f.code, f.location.line, f.location.record_id, f.location.tag, f.params["bytes"])
        for f in findings
    ] == [("MR503", 1, "u1", "245", "FF FE")]
    assert "Field 245" in findings[0].message and "Café" in findings[0].message


def test_a_windows_1252_line_is_read_byte_by_byte() -> None:
    from erdq.readers.mrk import _decode_line

    # E9 is é in Windows-1252; 80 is €. Both bytes fail as UTF-8 and are named.
    assert _decode_line(b"=245  10$aCaf\xe9 \x80 5\n") == ("=245  10$aCafé € 5", "E9 80")
    assert _decode_line("=245  10$aCafé\n".encode()) == ("=245  10$aCafé", None)


def test_invalid_bytes_under_a_marc8_leader_are_named_with_the_leader() -> None:
    # Leader/09 blank (MARC-8) over letters that are not ASCII: MR501 as well as MR503.
    block = [(0, "=LDR  00000nam  2200000 a 4500"), (31, "=245  10$aCaf\u00e9", "E9")]
    parsed = parse_record(block, 0)
    assert [(code, params.get("tag"), params.get("bytes")) for code, params in parsed.notes] == [
        ("MR503", "245", "E9"),
        ("MR501", None, None),
    ]
