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
