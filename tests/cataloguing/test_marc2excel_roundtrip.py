"""marc2excel → excel2marc gives the same records back, compared field by field.

The original is taken as erdq writes it in ISO 2709 with UTF-8 text: excel2marc always
writes UTF-8, so leader/09 is 'a' on both sides, and the writer computes the lengths
(leader/00-04, 12-16) for both. Everything else is compared: the leader, every field's
tag, indicators, subfield codes and order, and values.
"""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest
from tests.conftest import CASE_DAY, REPO, shared_file

from erdq.cataloguing.excel2marc import FIELDS_COLUMN, convert_file
from erdq.cataloguing.mapping import load_mapping
from erdq.cataloguing.marc2excel import write_workbook
from erdq.readers.marc import MarcReader
from erdq.writers.marc import open_writer

EXAMPLES = REPO / "examples" / "cataloguing"


def _ignore(*args: object, **kwargs: object) -> None:
    pass


def _read(path: Path) -> list[pymarc.Record]:
    return [item.record for item in MarcReader(path, _ignore)]


def _write(records: list[pymarc.Record], path: Path) -> Path:
    with path.open("wb") as fh:
        writer = open_writer("mrc", fh)
        for record in records:
            record.leader = record.leader[:9] + "a" + record.leader[10:]  # UTF-8 text
            writer.write(record)
        writer.close()
    return path


def _shape(record: pymarc.Record) -> tuple:
    fields = []
    for f in record.fields:
        if f.control_field:
            fields.append((f.tag, f.data))
        else:
            subs = tuple((s.code, s.value) for s in f.subfields)
            fields.append((f.tag, f.indicator1, f.indicator2, subs))
    return (str(record.leader), tuple(fields))


def _round_trip(source: Path, mapping_path: Path, tmp_path: Path) -> tuple[list, list, object]:
    mapping = load_mapping(mapping_path)
    original = _write(_read(source), tmp_path / "original.mrc")
    summary = write_workbook(original, mapping, tmp_path / "sheet.xlsx")
    conversion = convert_file(
        tmp_path / "sheet.xlsx", mapping, tmp_path / "back.mrc", today=CASE_DAY, check_marc=False
    )
    for _ in conversion.events():
        pass
    return _read(original), _read(tmp_path / "back.mrc"), summary


def _example_records(name: str, tmp_path: Path) -> Path:
    mapping = load_mapping(EXAMPLES / f"{name}.yaml")
    conversion = convert_file(
        EXAMPLES / f"{name}.xlsx", mapping, tmp_path / f"{name}.mrc", today=CASE_DAY
    )
    for _ in conversion.events():
        pass
    return tmp_path / f"{name}.mrc"


@pytest.mark.parametrize("name", ["western-ebooks", "chinese-ebooks"])
def test_example_records_round_trip_in_mapped_columns_alone(name: str, tmp_path) -> None:
    records = _example_records(name, tmp_path)
    before, after, summary = _round_trip(records, EXAMPLES / f"{name}.yaml", tmp_path)
    assert len(before) == len(after) > 0
    assert [_shape(r) for r in after] == [_shape(r) for r in before]
    # Records the mapping made are held by the mapped columns, with nothing left over.
    assert summary.fully_mapped == summary.records == len(before)


@pytest.mark.shared
@pytest.mark.parametrize("name", ["western-ebooks", "chinese-ebooks"])
@pytest.mark.parametrize(
    ("parts", "count"),
    [
        (("folio", "61PRINT160129.mrc"), 246),  # vendor print records, MARC-8
        (("folio", "100.mrc"), 100),
        (("marc4j", "065001035.mrc"), 40),  # e-resource records with long 856 URLs
    ],
    ids=["61PRINT", "folio-100", "marc4j-dataplanet"],
)
def test_real_records_round_trip(name: str, parts: tuple, count: int, tmp_path) -> None:
    source = shared_file("data", "marc", *parts)
    before, after, summary = _round_trip(source, EXAMPLES / f"{name}.yaml", tmp_path)
    assert len(before) == len(after) == count
    for one, other in zip(before, after, strict=True):
        assert _shape(other) == _shape(one)
    assert summary.unwritten == 0


@pytest.mark.shared
def test_records_a_sheet_cannot_hold_are_reported_not_changed(tmp_path) -> None:
    # Record 335 holds a control character no .xlsx cell can hold; record 19 a field
    # that cannot be written as a .mrk line and read back the same (a malformed tag).
    source = shared_file("data", "marc", "librarycarpentry", "marc_sample_data.mrc")
    before, after, summary = _round_trip(source, EXAMPLES / "western-ebooks.yaml", tmp_path)
    assert summary.records == 536 and summary.unwritten == 2 and summary.rows == 534
    assert [p.split(" ")[1] for p in summary.problems] == ["19", "335"]
    # Each problem names what to look at: record 19's field tagged '2 4', and the
    # character U+0012 (DC2) in record 335's 880 $p.
    assert "field '2 4' cannot be written" in summary.problems[0]
    assert "marc:fields would hold the control character U+0012" in summary.problems[1]
    kept = [r for i, r in enumerate(before, start=1) if i not in (19, 335)]
    assert [_shape(r) for r in after] == [_shape(r) for r in kept]


def test_values_excel_would_run_survive(tmp_path) -> None:
    from openpyxl import load_workbook

    mapping = load_mapping(EXAMPLES / "western-ebooks.yaml")
    record = pymarc.Record(leader="00000nam a22000007i 4500")
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("1", "0"),
            subfields=[pymarc.Subfield("a", "=SUM(A1:A9) and -1 +1 @home.")],
        ),
        pymarc.Field(
            tag="100",
            indicators=pymarc.Indicators("1", " "),
            subfields=[pymarc.Subfield("a", "'-Quoted, Name,"), pymarc.Subfield("e", "author.")],
        ),
        pymarc.Field(
            tag="500",
            indicators=pymarc.Indicators(" ", " "),
            subfields=[pymarc.Subfield("a", "'=already quoted")],
        ),
    )
    source = _write([record], tmp_path / "in.mrc")
    write_workbook(source, mapping, tmp_path / "sheet.xlsx")
    sheet = load_workbook(tmp_path / "sheet.xlsx").active
    header = [c.value for c in sheet[1]]
    title = sheet.cell(2, header.index("publication_title") + 1)
    assert title.data_type == "s" and title.value == "'=SUM(A1:A9) and -1 +1 @home"
    author = sheet.cell(2, header.index("first_author") + 1)
    assert author.value == "'-Quoted, Name" and author.quotePrefix
    fields = sheet.cell(2, header.index(FIELDS_COLUMN) + 1)
    assert fields.data_type == "s" and fields.value.startswith("=500  ")
    conversion = convert_file(
        tmp_path / "sheet.xlsx", mapping, tmp_path / "back.mrc", today=CASE_DAY, check_marc=False
    )
    findings = [f for r in conversion.events() for f in r.findings]
    assert not [f for f in findings if f.code == "VL205"]
    (back,) = _read(tmp_path / "back.mrc")
    assert back["245"]["a"] == "=SUM(A1:A9) and -1 +1 @home."
    assert back["500"]["a"] == "'=already quoted"
    assert back["100"]["a"] == "'-Quoted, Name,"


def test_an_edited_sheet_converts_back_with_the_edits(tmp_path) -> None:
    from openpyxl import load_workbook

    mapping = load_mapping(EXAMPLES / "western-ebooks.yaml")
    records = _example_records("western-ebooks", tmp_path)
    write_workbook(records, mapping, tmp_path / "sheet.xlsx")
    book = load_workbook(tmp_path / "sheet.xlsx")
    sheet = book.active
    header = [c.value for c in sheet[1]]
    sheet.cell(2, header.index("publication_title") + 1).value = "Commercial Ionic Liquids"
    sheet.cell(2, header.index(FIELDS_COLUMN) + 1).value = "=650  \\0$aIonic solutions."
    book.save(tmp_path / "edited.xlsx")
    conversion = convert_file(
        tmp_path / "edited.xlsx", mapping, tmp_path / "back.mrc", today=CASE_DAY
    )
    results = list(conversion.events())
    first = next(r.record for r in results if r.record is not None)
    assert first["245"]["a"] == "Commercial Ionic Liquids."
    assert first["650"]["a"] == "Ionic solutions." and first["650"].indicator2 == "0"
    tags = [f.tag for f in first.fields]
    assert tags == sorted(tags)  # the added field takes its place by tag
    others = _read(records)[1:]
    assert [_shape(r) for r in _read(tmp_path / "back.mrc")[1:]] == [_shape(r) for r in others]


def test_a_field_added_in_the_sheet_keeps_the_others_in_their_order(tmp_path) -> None:
    """A record whose 520 comes before its 504 (not by tag): adding a 650 in marc:fields
    goes before the 651, after the last field with a lower tag, and 520, 504 keep their
    places."""
    from openpyxl import load_workbook

    mapping = load_mapping(EXAMPLES / "western-ebooks.yaml")
    record = pymarc.Record(leader="00000nam a22000007i 4500")
    record.add_field(
        pymarc.Field("001", data="rec1"),
        pymarc.Field("245", ["0", "0"], [pymarc.Subfield("a", "Order kept.")]),
        pymarc.Field("520", [" ", " "], [pymarc.Subfield("a", "A summary.")]),
        pymarc.Field("504", [" ", " "], [pymarc.Subfield("a", "Includes index.")]),
        pymarc.Field("651", [" ", "0"], [pymarc.Subfield("a", "Arabia.")]),
        pymarc.Field("700", ["1", " "], [pymarc.Subfield("a", "Doe, Jane.")]),
    )
    source = _write([record], tmp_path / "one.mrc")
    write_workbook(source, mapping, tmp_path / "sheet.xlsx")
    book = load_workbook(tmp_path / "sheet.xlsx")
    sheet = book.active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(2, header.index(FIELDS_COLUMN) + 1)
    cell.value += "\n=650  \\0$aLibraries."
    book.save(tmp_path / "edited.xlsx")
    conversion = convert_file(
        tmp_path / "edited.xlsx", mapping, tmp_path / "back.mrc", today=CASE_DAY, check_marc=False
    )
    for _ in conversion.events():
        pass
    (back,) = _read(tmp_path / "back.mrc")
    assert [f.tag for f in back.fields] == ["001", "245", "520", "504", "650", "651", "700"]


def test_a_fixed_field_code_excel2marc_would_refuse_stays_in_marc_fields(tmp_path) -> None:
    """008/35-37 'ENG' is no MARC language code (they are lower case): in the language
    column excel2marc would leave it out, so the 008 goes to marc:fields as it is."""
    from openpyxl import load_workbook

    mapping = load_mapping(EXAMPLES / "western-ebooks.yaml")
    data = "240615s2020    xx      o     000 0 ENG d"
    record = pymarc.Record(leader="00000nam a22000007i 4500")
    record.add_field(
        pymarc.Field("008", data=data),
        pymarc.Field("245", ["0", "0"], [pymarc.Subfield("a", "Capital codes.")]),
    )
    source = _write([record], tmp_path / "one.mrc")
    write_workbook(source, mapping, tmp_path / "sheet.xlsx")
    sheet = load_workbook(tmp_path / "sheet.xlsx").active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("language") + 1).value in (None, "")
    assert (
        f"=008  {data.replace(' ', chr(92))}"
        in sheet.cell(2, header.index(FIELDS_COLUMN) + 1).value
    )
    conversion = convert_file(
        tmp_path / "sheet.xlsx", mapping, tmp_path / "back.mrc", today=CASE_DAY, check_marc=False
    )
    assert not [f for r in conversion.events() for f in r.findings]
    (back,) = _read(tmp_path / "back.mrc")
    assert back["008"].data == data
