"""marc2excel leaves out a record the ISO 2709 reader could read only in part, as
`erdq marc convert` and `erdq marc edit` do: in the sheet, then converted back, it would
pass for whole with its lost fields gone. A record it could not read at all is named too."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from tests.conftest import REPO, shared_file

from erdq.cataloguing.mapping import load_mapping
from erdq.cataloguing.marc2excel import write_workbook
from erdq.cli import main
from erdq.rules.marc.iso_examples import GOOD_FIELDS, iso_record

MAPPING = REPO / "examples" / "cataloguing" / "western-ebooks.yaml"
NOTE_505 = ("505", b"0 \x1faChapter one -- Chapter two -- Chapter three.")
LAST_500 = ("500", b"  \x1faA note after the contents.")


def _cut_off(tmp_path):
    """A whole record, then one the file ends inside (in its 505, so its 500 is gone)."""
    good = iso_record(GOOD_FIELDS)
    second = iso_record((*GOOD_FIELDS, NOTE_505, LAST_500))
    source = tmp_path / "in.mrc"
    source.write_bytes(good + second[: second.index(b"Chapter two")])
    return source, len(good)


def _rows(path) -> list[tuple]:
    from openpyxl import load_workbook

    return list(load_workbook(path).active.iter_rows(values_only=True))


def test_a_cut_off_record_is_not_put_in_the_sheet(tmp_path) -> None:
    source, offset = _cut_off(tmp_path)
    summary = write_workbook(source, load_mapping(MAPPING), tmp_path / "out.xlsx")
    assert (summary.records, summary.rows, summary.unwritten, summary.incomplete) == (2, 1, 1, 1)
    (problem,) = summary.problems
    assert problem.startswith(f"record 2 (001 ex0001, at byte {offset:,}): skipped [MR105]")
    assert "incomplete" in problem and "not written" in problem
    assert len(_rows(tmp_path / "out.xlsx")) == 2  # the header and the whole record


def test_a_record_missing_fields_its_directory_lists_is_not_put_in_the_sheet(tmp_path) -> None:
    whole = iso_record((*GOOD_FIELDS, NOTE_505, LAST_500))
    damaged = whole[: whole.index(b"  \x1faA note after")] + b"\x1d"
    source = tmp_path / "in.mrc"
    source.write_bytes(b"%05d" % len(damaged) + damaged[5:])
    summary = write_workbook(source, load_mapping(MAPPING), tmp_path / "out.xlsx")
    assert (summary.rows, summary.incomplete) == (0, 1)
    assert "skipped [MR108]" in summary.problems[0] and "(500)" in summary.problems[0]


def test_the_command_names_the_record_and_exits_1(tmp_path) -> None:
    source, _ = _cut_off(tmp_path)
    out = tmp_path / "out.xlsx"
    args = ["marc2excel", str(source), "--mapping", str(MAPPING), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "record 2 (001 ex0001" in result.stderr and "[MR105]" in result.stderr
    assert "1 row(s)" in result.stdout and "1 not written" in result.stdout


@pytest.mark.shared
def test_a_record_the_reader_cannot_parse_is_named_not_lost(tmp_path) -> None:
    # pymarc's file of structurally broken records: what `erdq marc convert` cannot
    # parse, marc2excel names and counts as not written; the rest go into the sheet.
    from erdq.marc_convert import MarcConversion

    source = shared_file("data", "marc", "pymarc", "bad_records.mrc")
    conversion = MarcConversion(source, tmp_path / "all.mrk")
    conversion.run()
    lost = conversion.summary.unparseable
    assert lost > 0
    summary = write_workbook(source, load_mapping(MAPPING), tmp_path / "out.xlsx")
    assert summary.unreadable == lost and summary.rows == conversion.summary.written
    assert summary.records == conversion.summary.read + lost
    unread = [p for p in summary.problems if ": not written, [MR1" in p]
    assert len(unread) == lost and unread[0].startswith("record ")
    assert len(_rows(tmp_path / "out.xlsx")) == summary.rows + 1


def _records(tmp_path, *extra: tuple[str, bytes]):
    """Two records: one with ``extra`` fields, then a plain one (which must still go in)."""
    source = tmp_path / "in.mrc"
    source.write_bytes(iso_record((*GOOD_FIELDS, *extra)) + iso_record(GOOD_FIELDS))
    return source


def test_a_record_longer_than_a_cell_can_hold_is_named_not_cut(tmp_path) -> None:
    # Five 505s of 7,000 characters each: about 35,000 characters in marc:fields (the
    # mapping does not claim 505), more than Excel's 32,767 a cell. openpyxl would cut the
    # cell, and the record would come back with its last contents note shortened.
    notes = [("505", b"0 \x1fa" + b"Chapter -- " * 636 + b"End.") for _ in range(5)]
    source = _records(tmp_path, *notes)
    summary = write_workbook(source, load_mapping(MAPPING), tmp_path / "out.xlsx")
    assert (summary.records, summary.rows, summary.unwritten) == (2, 1, 1)
    (problem,) = summary.problems
    assert problem.startswith("record 1 (ex0001): marc:fields would hold ")
    assert "more than the 32,767 a spreadsheet cell can hold" in problem
    # Each 505 line: "=505  0\$a" (10) + 11 × 636 + "End." (4) = 7,010 characters.
    assert "(the longest line, field 505, has 7,010)" in problem and "not written" in problem
    assert len(_rows(tmp_path / "out.xlsx")) == 2  # the header and the second record


def test_a_field_with_a_line_break_is_named(tmp_path) -> None:
    source = _records(tmp_path, ("500", b"  \x1faFirst line.\nSecond line."))
    summary = write_workbook(source, load_mapping(MAPPING), tmp_path / "out.xlsx")
    assert (summary.rows, summary.unwritten) == (1, 1)
    assert summary.problems[0].startswith(
        "record 1 (ex0001): field 500 holds a line break, which would start a new "
        "marc:fields line; the record was not written"
    )


def test_a_field_with_an_empty_subfield_is_named_with_the_cause(tmp_path) -> None:
    # 500 $aA note.$b with $b empty: a marc:fields line cannot keep the empty $b.
    source = _records(tmp_path, ("500", b"  \x1faA note.\x1fb"))
    summary = write_workbook(source, load_mapping(MAPPING), tmp_path / "out.xlsx")
    assert (summary.rows, summary.unwritten) == (1, 1)
    assert "field '500' cannot be written as a marc:fields line" in summary.problems[0]
    assert "it has an empty subfield $b (MR113)" in summary.problems[0]
    assert "check its tag and indicators" not in summary.problems[0]
