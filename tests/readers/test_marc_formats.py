"""MARCXML, MarcEdit .mrk and MARC-in-JSON reading (and .mrk writing).

Cases BR-035 (MARCXML without namespace) and BR-040 (.mrk round trip).
"""

from __future__ import annotations

import json

import pymarc
import pytest
from tests.conftest import shared_file
from tests.readers.test_marc_iso import case, codes, read

from erdq.readers.marc import write_mrk

NS = "http://www.loc.gov/MARC21/slim"


def xml_record(number: str, title: str = "A title", prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    return (
        f"<{p}record><{p}leader>00000nam a2200000 a 4500</{p}leader>"
        f'<{p}controlfield tag="001">{number}</{p}controlfield>'
        f'<{p}datafield tag="245" ind1="1" ind2="0"><{p}subfield code="a">{title}'
        f"</{p}subfield></{p}datafield></{p}record>\n"
    )


# -- MARCXML -------------------------------------------------------------------------


def test_br035_with_and_without_namespace_give_the_same_record(tmp_path) -> None:
    _, ns_items, ns_notes = read(tmp_path, case("BR-035-ns.xml"), name="ns.xml")
    _, plain_items, plain_notes = read(tmp_path, case("BR-035-nons.xml"), name="nons.xml")
    assert ns_notes == []
    assert codes(plain_notes) == ["MR118"]  # one warning, not zero records
    for items in (ns_items, plain_items):
        assert len(items) == 1
        record = items[0].record
        assert record["001"].data == "br035-0001"
        assert record["245"].indicators == pymarc.Indicators("1", "0")
        assert record["245"]["a"] == "No namespace here /"
        assert record["245"]["c"] == "Example Author."
    assert str(ns_items[0].record) == str(plain_items[0].record)


def test_prefixed_namespace_and_bare_record_root(tmp_path) -> None:
    data = f'<marc:collection xmlns:marc="{NS}">' + xml_record("1", prefix="marc")
    _reader, items, notes = read(tmp_path, (data + "</marc:collection>").encode(), "a.xml")
    assert notes == [] and [i.record_id for i in items] == ["1"]
    bare = f'<record xmlns="{NS}">' + xml_record("2")[8:]
    _, items, notes = read(tmp_path, bare.encode(), "b.xml")
    assert notes == [] and [i.record_id for i in items] == ["2"]


def test_records_at_top_level_without_collection_are_all_read(tmp_path) -> None:
    data = '<?xml version="1.0"?>\n' + "".join(xml_record(str(n)) for n in range(1, 8))
    _, items, notes = read(tmp_path, data.encode(), "serials.xml")
    assert [i.record_id for i in items] == [str(n) for n in range(1, 8)]
    assert "MR117" in codes(notes) and "7 <record> elements" in notes[-1][2]["reason"]


def test_broken_xml_reports_the_line_and_keeps_what_it_can(tmp_path) -> None:
    data = (
        f'<collection xmlns="{NS}">\n'
        + xml_record("1")
        + xml_record("2").replace("</datafield>", "")
    ).encode()
    _, items, notes = read(tmp_path, data, "broken.xml")
    assert items[0].record_id == "1"
    errors = [p for c, _, p in notes if c == "MR117"]
    assert errors and all(isinstance(p["xml_line"], int) for p in errors)


def test_entities_and_network_are_not_resolved(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE collection [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
        f'<collection xmlns="{NS}">' + xml_record("1", title="before &x; after") + "</collection>"
    ).encode()
    _, items, _ = read(tmp_path, data, "xxe.xml")
    assert "TOP SECRET" not in str(items[0].record)


def test_xml_field_problems_become_findings(tmp_path) -> None:
    data = (
        f'<record xmlns="{NS}"><leader>short</leader>'
        '<datafield tag="42" ind1="0"><subfield code="a">x</subfield>'
        '<subfield code="">y</subfield><subfield code="b"/></datafield></record>'
    ).encode()
    _, items, notes = read(tmp_path, data, "bad.xml")
    assert sorted(codes(notes)) == ["MR110", "MR111", "MR112", "MR113", "MR115"]
    field = items[0].record.fields[0]
    assert field.tag == "42"  # as written, not padded to 042
    assert [s.code for s in field.subfields] == ["a", "?", "b"]


def test_xml_that_holds_no_record(tmp_path) -> None:
    data = b"<web_service_result><errorsExist>true</errorsExist></web_service_result>"
    _reader, items, notes = read(tmp_path, data, "error.xml")
    assert items == [] and codes(notes) == ["MR100"]


def _collection(*records: str, sep: str = "\n") -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?>{sep}<collection xmlns="{NS}">{sep}'
    return (head + "".join(records) + f"</collection>{sep}").encode()


def _by_code(notes, code: str) -> list[tuple]:
    return [(ordinal, params) for c, ordinal, params in notes if c == code]


def test_markup_inside_a_subfield_keeps_all_its_text_and_is_named(tmp_path) -> None:
    data = _collection(
        xml_record("x1"),
        xml_record("x2", title="Tom <i>and</i> Jerry"),
        xml_record("x3", title="<b>Bold</b> start, end <br/>"),
    )
    _, items, notes = read(tmp_path, data, "markup.xml")
    # The text of the subfield is everything inside it, markup taken away: the <i>'s text
    # and the tail after it ("Tom " + "and" + " Jerry").
    assert [i.record["245"]["a"] for i in items] == [
        "A title",
        "Tom and Jerry",
        "Bold start, end ",
    ]
    found = _by_code(notes, "MR126")
    assert [(o, p["record_id"], p["tag"], p["subfield"], p["element"]) for o, p in found] == [
        (2, "x2", "245", "a", "i"),
        (3, "x3", "245", "a", "b"),
        (3, "x3", "245", "a", "br"),
    ]
    assert found[0][1]["value"] == "Tom and Jerry"
    assert codes(notes) == ["MR126"] * 3  # the file is well-formed: nothing else


def test_unknown_elements_in_a_field_or_record_are_reported_not_dropped(tmp_path) -> None:
    record = (
        "<record><leader>00000nam a2200000 a 4500</leader>"
        '<controlfield tag="001">u1</controlfield>'
        '<datafield tag="500" ind1=" " ind2=" "><subfield code="a">Note</subfield>'
        "<note>vendor remark</note></datafield>"
        "<holdings>local copy</holdings></record>\n"
    )
    _, items, notes = read(tmp_path, _collection(record), "unknown.xml")
    assert [(s.code, s.value) for s in items[0].record["500"].subfields] == [("a", "Note")]
    found = _by_code(notes, "MR126")
    assert [(p["record_id"], p.get("tag"), p["element"], p["value"]) for _, p in found] == [
        ("u1", "500", "note", "vendor remark"),
        ("u1", None, "holdings", "local copy"),
    ]


def test_unescaped_ampersand_is_named_on_its_record_and_field(tmp_path) -> None:
    data = _collection(xml_record("x1"), xml_record("x2", title="Tom & Jerry"), xml_record("x3"))
    reader, items, notes = read(tmp_path, data, "amp.xml")
    assert [i.record_id for i in items] == ["x1", "x2", "x3"] and reader.unparseable == 0
    # libxml2's recovery drops the bare "&": "Tom " + " Jerry".
    assert items[1].record["245"]["a"] == "Tom  Jerry"
    repaired = _by_code(notes, "MR127")
    assert [(o, p["record_id"], p["tag"], p["subfield"], p["xml_line"]) for o, p in repaired] == [
        (2, "x2", "245", "a", 4)  # line 1 declaration, 2 <collection>, 3 x1, 4 x2
    ]
    assert repaired[0][1]["value"] == "Tom  Jerry"
    assert [p["xml_line"] for _, p in _by_code(notes, "MR117")] == [4]  # the file still says so


def test_ampersand_in_a_file_on_one_line_is_named_on_its_record(tmp_path) -> None:
    data = _collection(xml_record("x1"), xml_record("x2", title="A & B"), sep="")
    data = data.replace(b"\n", b"")
    _, _items, notes = read(tmp_path, data, "oneline.xml")
    repaired = _by_code(notes, "MR127")
    assert [(o, p["record_id"], p["tag"], p["subfield"]) for o, p in repaired] == [
        (2, "x2", "245", "a")
    ]


def test_missing_record_end_tag_reads_both_records_in_order(tmp_path) -> None:
    third = xml_record("x3").replace("</record>", "")
    data = _collection(xml_record("x1"), xml_record("x2"), third, xml_record("x4"))
    reader, items, notes = read(tmp_path, data, "noend.xml")
    assert [(i.ordinal, i.record_id) for i in items] == [(1, "x1"), (2, "x2"), (3, "x3"), (4, "x4")]
    assert reader.unparseable == 0
    assert [f.tag for f in items[2].record.fields] == ["001", "245"]  # x4 not inside x3
    assert [f.tag for f in items[3].record.fields] == ["001", "245"]
    repaired = _by_code(notes, "MR127")
    assert [(o, p["record_id"], p["xml_line"]) for o, p in repaired] == [(3, "x3", 5)]
    assert "line 6" in repaired[0][1]["effect"]  # the record found inside it
    assert _by_code(notes, "MR117")  # and the file-level error with its line


def test_record_lost_by_recovery_is_counted_and_named(tmp_path) -> None:
    # A start tag libxml2 cannot finish: its recovery then drops the rest of the file.
    broken = xml_record("x2").replace("<record>", "<record <", 1)
    data = _collection(xml_record("x1"), broken, xml_record("x3"))
    reader, items, notes = read(tmp_path, data, "lost.xml")
    assert [i.record_id for i in items] == ["x1"]
    assert reader.records + reader.unparseable == 3  # three <record> start tags
    lost = _by_code(notes, "MR101")
    assert [o for o, _ in lost] == [2, 3]
    # Offsets of the start tags as found in the file itself.
    assert [p["at_byte"] for _, p in lost] == [data.index(b"<record <"), data.rindex(b"<record>")]
    assert "'x1'" in lost[0][1]["reason"] and "line 4" in lost[0][1]["reason"]
    assert "line 5" in lost[1][1]["reason"] and "'x1'" in lost[1][1]["reason"]


def test_records_after_the_parser_gives_up_are_counted(tmp_path) -> None:
    # A text node over 10,000,000 characters stops libxml2 (huge trees are off): every
    # record after it used to vanish behind one file-level MR117.
    rest = [xml_record(f"x{n}") for n in range(3, 30)]  # 27 records
    data = _collection(xml_record("x1"), xml_record("x2", title="y" * 10_000_001), *rest)
    reader, items, notes = read(tmp_path, data, "huge.xml")
    assert [i.record_id for i in items] == ["x1", "x2"]
    assert reader.unparseable == 27
    lost = _by_code(notes, "MR101")
    # The first 20 are named one by one, the 21st says the rest are only counted.
    assert [o for o, _ in lost] == list(range(3, 24))
    assert lost[0][1]["at_byte"] == data.index(b"<record><leader>", data.index(b"yyy"))
    assert "'x2'" in lost[0][1]["reason"] and "counted, not named" in lost[-1][1]["reason"]


def test_empty_record_element_is_counted_as_unparseable(tmp_path) -> None:
    data = _collection(xml_record("x1"), "<record></record>\n", xml_record("x3"))
    reader, items, notes = read(tmp_path, data, "empty.xml")
    assert [i.record_id for i in items] == ["x1", "x3"] and reader.unparseable == 1
    assert [(o, p["at_byte"]) for o, p in _by_code(notes, "MR101")] == [
        (2, data.index(b"<record></record>"))
    ]


def test_no_record_is_lost_in_a_wrapped_or_enveloped_file(tmp_path) -> None:
    # Records inside OAI-PMH <record> envelopes: the envelopes are no MARC records and
    # the start tags of both are matched; a "<record" in a comment is no record.
    oai = "http://www.openarchives.org/OAI/2.0/"
    inner = xml_record("o1", prefix="marc")
    data = (
        f'<OAI-PMH xmlns="{oai}"><ListRecords><!-- <record> skipped -->'
        f'<record><header/><metadata><marc:collection xmlns:marc="{NS}">{inner}'
        "</marc:collection></metadata></record></ListRecords></OAI-PMH>"
    ).encode()
    reader, items, notes = read(tmp_path, data, "oai.xml")
    assert [i.record_id for i in items] == ["o1"] and reader.unparseable == 0
    assert notes == []


def test_record_start_tags_are_found_across_read_boundaries() -> None:
    from erdq.readers.marcxml import _Starts

    records = [xml_record(str(n)) for n in range(30)] + [xml_record("m", prefix="m")] * 2
    data = _collection(*records).replace(b"</m:record>\n<m:record>", b"</m:record><m:record>")
    expected = []  # (line, column, offset) worked out from the bytes, line by line
    start = 0
    for line_no, line in enumerate(data.split(b"\n"), start=1):
        for col in range(len(line)):
            if line.startswith((b"<record>", b"<m:record>"), col):
                expected.append((line_no, col + 1, start + col))
        start += len(line) + 1
    assert len(expected) == 32 and expected[-1][1] > 1  # two on the last line
    for size in (1, 3, 7, 64, 1000):
        starts = _Starts()
        for pos in range(0, len(data), size):
            starts.feed(data[pos : pos + size])
        assert list(starts.found) == expected, size


# -- .mrk --------------------------------------------------------------------------------


def test_br040_mrk_round_trip_is_lossless(tmp_path) -> None:
    data = case("BR-040.mrk")
    _, items, notes = read(tmp_path, data, "br040.mrk")
    assert notes == []
    record = items[0].record
    assert [(s.code, s.value) for s in record["020"].subfields] == [
        ("a", "9780520963535"),
        ("c", "$24.95"),
    ]
    assert record["245"]["a"] == "The $64,000 question /"
    assert "méditerranéen" in record["775"]["t"] and "Évaluation" in record["775"]["t"]
    written = write_mrk(record)
    assert written.encode("utf-8") == data
    assert "{caron}" not in written and "{" not in written.replace("{dollar}", "")


def test_mrk_mnemonics_match_the_binary_records() -> None:
    """MarcEdit's brkrtest.mrk (MARC-8 mnemonics) reads as the same text as brkrtest.mrc."""
    from erdq.readers.marc import MarcReader

    def texts(name: str) -> list[str]:
        path = shared_file("data", "marc", "marc4j", name)
        return [str(i.record) for i in MarcReader(path, lambda *a, **k: None)]

    assert texts("brkrtest.mrk") == texts("brkrtest.mrc")


def test_mrk_blanks_braces_and_bad_lines(tmp_path) -> None:
    data = (
        b"=LDR  00000nam a2200000 a 4500\n=001  a\\b\\\n=008  {bsol}x\n"
        b"=245  1\\$aBraces {lcub}x{rcub} and a back\\slash$c{acute}Eric\n"
        b"wrapped line\n\n=LDR  00000nam a2200000 a 4500\n=001  second\n"
    )
    _, items, notes = read(tmp_path, data, "x.mrk")
    first = items[0].record
    assert first["001"].data == "a b "
    assert first["008"].data == "\\x"
    assert first["245"].indicators == pymarc.Indicators("1", " ")
    assert first["245"]["a"] == "Braces {x} and a back\\slash"
    assert first["245"]["c"] == "Éric"
    assert [i.record_id for i in items] == ["a b", "second"]
    assert codes(notes) == ["MR120"]
    # Written back, blanks and braces are escaped again and read the same.
    again = write_mrk(first)
    assert "=001  a\\b\\" in again and "{lcub}x{rcub}" in again
    _, reread, _ = read(tmp_path, again.encode(), "again.mrk")
    assert str(reread[0].record) == str(first)


def test_utf8_letters_in_mrk_under_marc8_leader(tmp_path) -> None:
    data = "=LDR  00000nam  2200000 a 4500\n=245  10$aCafé\n".encode()
    _, _, notes = read(tmp_path, data, "x.mrk")
    assert codes(notes) == ["MR501"]


# -- MARC-in-JSON ------------------------------------------------------------------------


def _json_records() -> list[dict]:
    records = []
    for number in ("1", "2"):
        record = pymarc.Record(leader="00000nam a2200000 a 4500")
        record.add_field(pymarc.Field(tag="001", data=number))
        record.add_field(
            pymarc.Field(
                tag="245",
                indicators=pymarc.Indicators("1", "0"),
                subfields=[pymarc.Subfield("a", f"Title {number}")],
            )
        )
        records.append(json.loads(record.as_json()))
    return records


@pytest.mark.parametrize("layout", ["array", "lines", "single"])
def test_marc_in_json_layouts(tmp_path, layout: str) -> None:
    records = _json_records()
    if layout == "array":
        data = json.dumps(records)
    elif layout == "lines":
        data = "\n".join(json.dumps(r) for r in records) + "\n"
    else:
        records = records[:1]
        data = json.dumps(records[0], indent=2)
    reader, items, notes = read(tmp_path, data.encode(), "records.json")
    assert notes == [] and reader.format == "json"
    assert [i.record["245"]["a"] for i in items] == [f"Title {n + 1}" for n in range(len(records))]


def test_bad_json_line_is_reported_and_reading_goes_on(tmp_path) -> None:
    good = [json.dumps(r) for r in _json_records()]
    data = (good[0] + '\n{"leader": oops}\n' + good[1] + "\n").encode()
    _, items, notes = read(tmp_path, data, "records.jsonl")
    assert [i.record_id for i in items] == ["1", "2"]
    assert [(c, p["reason"]) for c, _, p in notes] == [("MR121", "invalid JSON near line 2")]


def test_json_record_shape_problems(tmp_path) -> None:
    data = {"leader": "short", "fields": [{"245": 12}, {"24": "x"}, "nope"]}
    _, items, notes = read(tmp_path, json.dumps(data).encode(), "x.json")
    assert sorted(codes(notes)) == ["MR110", "MR115", "MR121", "MR121"]
    assert len(items) == 1


def test_json_data_field_as_text_is_reported_not_made_a_field(tmp_path) -> None:
    data = {
        "leader": "00000nam a2200000 a 4500",
        "fields": [
            {"001": "j1"},
            {"650": "not an object"},
            {"008": {"ind1": " ", "ind2": " ", "subfields": [{"a": "x"}]}},
            {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "Title"}]}},
        ],
    }
    _, items, notes = read(tmp_path, json.dumps([data]).encode(), "x.json")
    # 650 is a data field (010-999) and 008 a control field (001-009): neither is made
    # up from the other's shape.
    assert [f.tag for f in items[0].record.fields] == ["001", "245"]
    bad = [(o, p["record_id"], p["tag"], p["value"]) for o, p in _by_code(notes, "MR121")]
    assert bad == [(1, "j1", "650", "not an object"), (1, "j1", "008", bad[1][3])]
    assert '"subfields"' in bad[1][3]
    written = write_mrk(items[0].record)
    assert "=650" not in written and "not\\an\\object" not in written


def test_json_data_field_parts_missing_or_of_the_wrong_kind(tmp_path) -> None:
    data = {
        "leader": "00000nam a2200000 a 4500",
        "fields": [
            {"001": "j2"},
            {"020": {"ind1": " ", "subfields": [{"a": "9780306406157"}]}},
            {"500": {"ind1": " ", "ind2": " ", "subfields": [{"a": 123}, {"b": ["x"]}]}},
            {"245": {"ind1": "1", "ind2": "0", "subfield": [{"a": "typo"}]}},
        ],
    }
    _, items, notes = read(tmp_path, json.dumps(data).encode(), "y.json")
    record = items[0].record
    assert record["020"].indicators == pymarc.Indicators(" ", " ")
    assert [(s.code, s.value) for s in record["500"].subfields] == [("a", "123")]
    found = sorted((c, p.get("tag"), p.get("subfield")) for c, _, p in notes)
    assert found == [
        ("MR111", "020", None),  # ind2 missing, read as blank: said so
        ("MR121", "245", None),  # a key "subfield" MARC-in-JSON has not
        ("MR121", "245", None),  # and so no "subfields"
        ("MR121", "500", "a"),  # a number, kept as its text
        ("MR121", "500", "b"),  # a list, not read
    ]


def test_record_lost_in_an_alma_anies_string_is_counted(tmp_path) -> None:
    broken = xml_record("a2").replace("<record>", "<record <", 1)
    text = f'<collection xmlns="{NS}">{xml_record("a1")}{broken}</collection>'
    data = json.dumps({"bib": [{"mms_id": "1", "anies": [text]}]}).encode()
    reader, items, notes = read(tmp_path, data, "alma.json")
    # Two <record> start tags in the string; a1 is read, a2 is not and is counted.
    assert [i.record_id for i in items] == ["a1"] and reader.unparseable == 1
    assert [o for o, _ in _by_code(notes, "MR101")] == [2]


@pytest.mark.shared
def test_alma_api_json_holds_marcxml_strings() -> None:
    from erdq.readers.marc import MarcReader

    path = shared_file("data", "alma", "php-alma-client", "bib_response.json")
    items = list(MarcReader(path, lambda *a, **k: None))
    assert [i.record_id for i in items] == ["990006312214702204"]
    assert items[0].format == "json"


def test_json_without_marc_is_named(tmp_path) -> None:
    data = json.dumps({"errorsExist": True, "errorList": {"error": []}}).encode()
    _, items, notes = read(tmp_path, data, "error.json")
    assert items == [] and codes(notes) == ["MR100"]
    assert "API error response" in notes[0][2]["reason"]
