"""The streaming MARC writers: ISO 2709, MARCXML, .mrk, MARC-in-JSON, and atomic output.

Cases BR-031 (lengths count bytes), BR-032/BR-033 (ISO 2709 limits: refused, not
corrupted) and BR-040 (.mrk with ``{dollar}`` and letters as UTF-8).
"""

from __future__ import annotations

import io
import json

import pymarc
import pytest
from lxml import etree
from pymarc import Field, Leader, Record, Subfield
from pymarc.field import Indicators
from tests.conftest import CASES

from erdq.errors import InputError
from erdq.readers.marc import MarcReader
from erdq.writers import UnwritableRecord, format_for_path, open_output, open_writer
from erdq.writers.marc import MarcXmlWriter, iso2709_bytes, record_to_json

NS = "http://www.loc.gov/MARC21/slim"


def case(name: str) -> bytes:
    path = CASES / name
    if not path.exists():
        pytest.skip(f"shared case not available: {path}")
    return path.read_bytes()


def record(*fields: Field, leader: str = "00000nam a2200000 a 4500") -> Record:
    out = Record()
    out.leader = Leader(leader)
    out.fields = list(fields)
    return out


def data(tag: str, *subfields: tuple[str, str], ind: str = "10") -> Field:
    return Field(
        tag=tag,
        indicators=Indicators(ind[0], ind[1]),
        subfields=[Subfield(code, value) for code, value in subfields],
    )


def control(tag: str, value: str) -> Field:
    return Field(tag=tag, data=value)


SAMPLE = record(
    control("001", "ex 0001"),
    data("020", ("a", "9780520963535"), ("c", "$24.95"), ind="  "),
    data("245", ("a", "Teorias da Administração & <outras> {chaves} /"), ("c", "A. Autor.")),
)


def written(fmt: str, *records: Record) -> bytes:
    buf = io.BytesIO()
    writer = open_writer(fmt, buf)
    for rec in records:
        writer.write(rec)
    writer.close()
    return buf.getvalue()


def read_back(tmp_path, payload: bytes, name: str) -> tuple[list[Record], list[str]]:
    path = tmp_path / name
    path.write_bytes(payload)
    notes: list[str] = []
    items = list(MarcReader(path, lambda code, *a, **k: notes.append(code)))
    return [i.record for i in items], notes


# -- every format reads back as the record written -----------------------------------------


@pytest.mark.parametrize("fmt", ["mrc", "mrk", "xml", "json", "jsonl"])
def test_each_format_reads_back_unchanged(tmp_path, fmt) -> None:
    second = record(control("001", "ex 0002"), data("245", ("a", "Zweiter Titel")))
    payload = written(fmt, SAMPLE, second)
    records, notes = read_back(tmp_path, payload, f"out.{fmt}")
    assert notes == []
    assert [iso2709_bytes(r) for r in records] == [iso2709_bytes(SAMPLE), iso2709_bytes(second)]


def test_format_from_the_file_name() -> None:
    assert format_for_path("a/b/records.MRC") == "mrc"
    assert format_for_path("x.mrk8") == "mrk"
    assert format_for_path("x.marcxml") == "xml"
    assert format_for_path("x.json") == "json"
    assert format_for_path("x.ndjson") == "jsonl"
    assert format_for_path("x.txt") is None
    with pytest.raises(ValueError, match="unknown MARC output format"):
        open_writer("csv", io.BytesIO())


# -- ISO 2709 ----------------------------------------------------------------------------


def test_iso2709_counts_bytes_br031() -> None:
    rec = record(
        control("001", "br031-0001"),
        control("008", "240101s1998    xx            000 0 por d"),
        data("245", ("a", "Teorias da Administração")),
    )
    assert iso2709_bytes(rec) == case("BR-031.expected.mrc")


def test_iso2709_keeps_the_leader_as_it_is() -> None:
    """pymarc's as_marc sets leader/09 to 'a' in every record; a blank stays blank here,
    and only the lengths and the base address are recomputed."""
    rec = record(control("001", "x"), leader="99999cam  2299999 i 4500")
    out = iso2709_bytes(rec)
    assert out[:24] == b"00040cam  2200037 i 4500"
    assert len(out) == 40
    assert str(rec.leader) == "99999cam  2299999 i 4500"  # the record is not touched


def test_iso2709_refuses_a_field_over_9999_bytes_br032() -> None:
    rec = record(control("001", "x"), data("505", ("a", "Chapter -- " * 1100)))
    with pytest.raises(UnwritableRecord, match="field 505 is 12,105 bytes") as exc:
        iso2709_bytes(rec)
    assert exc.value.tag == "505"


def test_iso2709_refuses_a_record_over_99999_bytes_br033() -> None:
    notes = [data("500", ("a", f"Note {i:02d} " + "x" * 5990)) for i in range(20)]
    with pytest.raises(UnwritableRecord, match="99,999"):
        iso2709_bytes(record(control("001", "x"), *notes))


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (data("245", ("a", "Tree stories.\x1f树上")), "split the field"),
        (control("001", "a\x1eb"), "split the field"),
        (data("245", ("é", "x")), "subfield code 'é'"),
        (data("245", ("a", "x"), ind="\ufffd0"), "indicator"),
        (data("2450", ("a", "x")), "three characters"),
    ],
)
def test_iso2709_refuses_what_would_break_the_structure(field, message) -> None:
    buf = io.BytesIO()
    writer = open_writer("mrc", buf)
    with pytest.raises(UnwritableRecord, match=message):
        writer.write(record(control("001", "x"), field))
    assert buf.getvalue() == b"" and writer.records == 0  # nothing half-written


PLACE = data("260", ("a", "Kathmandu :"), ind="  ")


def test_iso2709_writes_an_indicator_area_as_read() -> None:
    """Field 1 (the 260) had three blanks before its first delimiter in the source: they
    go out as they were. Expected bytes: leader, directory (001 at 0, 260 of 3 + 13 + 1
    bytes at 2), data, as ISO 2709 lays them out."""
    rec = record(control("001", "x"), PLACE)
    out = iso2709_bytes(rec, {1: "   "})
    body = b"x\x1e" + b"   \x1faKathmandu :\x1e"
    directory = b"001000200000" + b"260001700002" + b"\x1e"
    head = b"%05d" % (24 + len(directory) + len(body) + 1)
    assert out == head + b"nam a22" + b"00049" + b" a 4500" + directory + body + b"\x1d"
    assert iso2709_bytes(rec, {1: ""}).count(b"\x1e\x1faKathmandu") == 1  # no indicators


@pytest.mark.parametrize("fmt", ["xml", "mrk", "json", "jsonl"])
def test_other_formats_refuse_an_indicator_area_they_cannot_hold(fmt) -> None:
    buf = io.BytesIO()
    writer = open_writer(fmt, buf)
    with pytest.raises(UnwritableRecord, match=r"3 indicator character\(s\) \(' 10'\)") as exc:
        writer.write(record(control("001", "x"), PLACE), {1: " 10"})
    assert exc.value.tag == "260" and writer.records == 0
    writer.write(record(control("001", "x"), PLACE))  # the same record as read is fine
    assert writer.records == 1


def test_iso2709_refuses_an_indicator_area_that_is_not_ascii() -> None:
    with pytest.raises(UnwritableRecord, match="not plain ASCII") as exc:
        iso2709_bytes(record(control("001", "x"), PLACE), {1: "1\xe90"})
    assert exc.value.tag == "260"


def test_an_unpaired_surrogate_is_refused_not_raised() -> None:
    rec = record(data("245", ("a", "bad \udc80 text")))
    for fmt in ("mrc", "mrk", "json", "jsonl"):
        with pytest.raises(UnwritableRecord, match="U\\+DC80"):
            open_writer(fmt, io.BytesIO()).write(rec)
    with pytest.raises(UnwritableRecord, match="U\\+DC80"):
        open_writer("xml", io.BytesIO()).write(rec)


# -- MARCXML -----------------------------------------------------------------------------


def test_marcxml_is_one_collection_in_the_marc21_namespace() -> None:
    payload = written("xml", SAMPLE, SAMPLE)
    root = etree.fromstring(payload)
    assert root.tag == f"{{{NS}}}collection"
    assert [etree.QName(r).localname for r in root] == ["record", "record"]
    assert payload.count(b"<collection") == 1 and payload.endswith(b"</collection>\n")
    title = root.find(f"{{{NS}}}record/{{{NS}}}datafield[@tag='245']/{{{NS}}}subfield")
    assert title.text == "Teorias da Administração & <outras> {chaves} /"


def test_marcxml_with_no_record_is_an_empty_collection() -> None:
    root = etree.fromstring(written("xml"))
    assert root.tag == f"{{{NS}}}collection" and len(root) == 0


def test_marcxml_is_written_record_by_record() -> None:
    buf = io.BytesIO()
    writer = MarcXmlWriter(buf)
    assert buf.getvalue() == b""  # nothing until there is something to write
    writer.write(SAMPLE)
    head = buf.getvalue()
    assert head.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<collection')
    assert head.endswith(b"  </record>\n")  # on its way out, not held back


def test_marcxml_keeps_carriage_returns_and_tabs(tmp_path) -> None:
    rec = record(data("500", ("a", "line one\r\nline two\ttabbed")))
    payload = written("xml", rec)
    assert b"&#13;" in payload
    records, _ = read_back(tmp_path, payload, "cr.xml")
    assert records[0]["500"]["a"] == "line one\r\nline two\ttabbed"


@pytest.mark.parametrize(
    ("value", "code"), [("a\x07b", "MR511"), ("a\x1fb", "MR512"), ("a\ufffeb", None)]
)
def test_marcxml_refuses_characters_xml_cannot_hold(value, code) -> None:
    with pytest.raises(UnwritableRecord) as exc:
        open_writer("xml", io.BytesIO()).write(record(data("245", ("a", value))))
    assert exc.value.tag == "245"
    assert (code in exc.value.reason) if code else "MR51" not in exc.value.reason


# -- .mrk --------------------------------------------------------------------------------


def test_mrk_writes_marcedit_conventions() -> None:
    rec = record(
        control("001", "ex 0001"),
        control("008", "240101s2018    xx            000 0 fre d"),
        data("020", ("a", "9780520963535"), ("c", "$24.95"), ind="  "),
    )
    assert written("mrk", rec).decode() == (
        "=LDR  00000nam a2200000 a 4500\n"
        "=001  ex\\0001\n"
        "=008  240101s2018\\\\\\\\xx\\\\\\\\\\\\\\\\\\\\\\\\000\\0\\fre\\d\n"
        "=020  \\\\$a9780520963535$c{dollar}24.95\n"
    )


def test_mrk_separates_records_by_a_blank_line() -> None:
    text = written("mrk", SAMPLE, SAMPLE).decode()
    assert text.count("=LDR") == 2 and "\n\n=LDR" in text and not text.endswith("\n\n")


def test_mrk_br040_is_written_back_byte_for_byte(tmp_path) -> None:
    original = case("BR-040.mrk")
    records, notes = read_back(tmp_path, original, "br040.mrk")
    assert notes == []
    assert written("mrk", *records) == original


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (data("500", ("a", "two\nlines")), "line break"),
        (data("500", ("a", "x"), ind="\\0"), "indicator"),
        (data("500", ("$", "x")), "subfield code '\\$'"),
    ],
)
def test_mrk_refuses_what_it_would_read_back_differently(field, message) -> None:
    with pytest.raises(UnwritableRecord, match=message):
        open_writer("mrk", io.BytesIO()).write(record(field))


# -- MARC-in-JSON --------------------------------------------------------------------------


def test_json_array_and_json_lines() -> None:
    as_array = json.loads(written("json", SAMPLE, SAMPLE))
    assert as_array == [record_to_json(SAMPLE)] * 2
    lines = written("jsonl", SAMPLE, SAMPLE).decode().splitlines()
    assert [json.loads(line) for line in lines] == [record_to_json(SAMPLE)] * 2
    assert json.loads(written("json")) == []
    first = as_array[0]
    assert first["leader"] == "00000nam a2200000 a 4500"
    assert first["fields"][0] == {"001": "ex 0001"}
    assert first["fields"][1] == {
        "020": {"ind1": " ", "ind2": " ", "subfields": [{"a": "9780520963535"}, {"c": "$24.95"}]}
    }


# -- output files ------------------------------------------------------------------------


def test_open_output_replaces_the_file_only_on_success(tmp_path) -> None:
    target = tmp_path / "out.mrc"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), open_output(target) as fh:
        fh.write(b"partial")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.mrc"]  # no temporary file left
    with open_output(target) as fh:
        fh.write(b"new")
    assert target.read_bytes() == b"new"


def test_open_output_refuses_to_overwrite_the_input(tmp_path) -> None:
    source = tmp_path / "in.mrc"
    source.write_bytes(b"data")
    with pytest.raises(InputError, match="also the input"), open_output(source, [source]):
        pass
    assert source.read_bytes() == b"data"
    with pytest.raises(InputError, match="does not exist"), open_output(tmp_path / "no" / "x"):
        pass
    with pytest.raises(InputError, match="is a folder"), open_output(tmp_path):
        pass


def test_pymarc_records_are_accepted_as_they_come() -> None:
    rec = pymarc.Record()
    rec.add_field(pymarc.Field(tag="001", data="x"))
    assert iso2709_bytes(rec)[:5] == b"00040"  # 24 + 12 + 1 + len("x\x1e") + 1


@pytest.mark.parametrize("fmt", ["mrc", "mrk", "xml", "json", "jsonl"])
def test_bytes_encoded_by_one_writer_written_by_another_are_the_same_file(fmt) -> None:
    # As print2e on several processes: workers encode, the output file's writer writes.
    records = [
        record(Field("001", data=f"r{n}"), Field("245", Indicators("0", "0"), [Subfield("a", "T")]))
        for n in range(3)
    ]
    direct, relayed = io.BytesIO(), io.BytesIO()
    writer = open_writer(fmt, direct)
    for rec in records:
        writer.write(rec)
    writer.close()
    worker, output = open_writer(fmt, io.BytesIO()), open_writer(fmt, relayed)
    for rec in records:
        output.write_bytes(worker.to_bytes(rec))
    output.close()
    assert relayed.getvalue() == direct.getvalue()
    assert output.records == 3


def _two_records(fmt: str) -> bytes:
    out = io.BytesIO()
    writer = open_writer(fmt, out)
    for n in (1, 2):
        writer.write(record(Field("001", data=f"r{n}")))
    writer.close()
    return out.getvalue()


def test_mrk_records_are_separated_by_one_blank_line() -> None:
    leader = "=LDR  00000nam a2200000 a 4500"
    assert _two_records("mrk").decode() == f"{leader}\n=001  r1\n\n{leader}\n=001  r2\n"


def test_json_array_is_comma_separated() -> None:
    data = _two_records("json")
    assert data.startswith(b"[\n{")
    assert [r["fields"] for r in json.loads(data)] == [[{"001": "r1"}], [{"001": "r2"}]]
