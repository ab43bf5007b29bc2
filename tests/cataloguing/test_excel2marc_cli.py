"""``erdq excel2marc`` and ``erdq marc2excel`` through the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from tests.conftest import REPO, shared_file

from erdq.cli import main
from erdq.readers.marc import MarcReader

EXAMPLES = REPO / "examples" / "cataloguing"
WESTERN = [
    str(EXAMPLES / "western-ebooks.xlsx"),
    "--mapping",
    str(EXAMPLES / "western-ebooks.yaml"),
]


def _records(path) -> list:
    return [item.record for item in MarcReader(path, lambda *a, **k: None)]


def test_example_list_to_marcxml_exit_0(tmp_path) -> None:
    out = tmp_path / "w.xml"
    result = CliRunner().invoke(
        main, ["excel2marc", *WESTERN, "--out", str(out), "--today", "2024-06-15"]
    )
    assert result.exit_code == 0, result.output
    assert "Converted 20 of 20 row(s)" in result.output
    assert "wrote 20 record(s)" in result.output
    assert len(_records(out)) == 20
    assert _records(out)[0]["008"].data.startswith("240615")


@pytest.mark.shared
def test_case_file_errors_exit_1_and_json_report(tmp_path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "columns:\n  title: {required: true}\n  isbn: {type: isbn}\n"
        "fields:\n  - tag: '020'\n    subfields: [{code: a, column: isbn}]\n"
        "  - tag: '245'\n    subfields: [{code: a, column: title}]\n"
        "  - tag: '100'\n    subfields: [{code: a, column: author}]\n"
        "  - tag: '264'\n"
        "    subfields: [{code: b, column: publisher}, {code: c, column: pub_date}]\n"
        "  - tag: '010'\n    subfields: [{code: a, column: lccn}]\n",
        encoding="utf-8",
    )
    source = shared_file("cases", "inputs", "BR-050.csv")
    out = tmp_path / "b.mrc"
    args = ["excel2marc", str(source), "--mapping", str(mapping), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--format", "json", "--select", "VL"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.output.splitlines()]
    findings, summary = lines[:-1], lines[-1]["summary"]
    assert [(f["code"], f["line"], f["field"]) for f in findings] == [
        ("VL201", 2, "isbn"),
        ("VL203", 3, "isbn"),
    ]
    assert summary["converted"] == 2 and summary["with_errors"] == 1
    assert summary["with_warnings"] == 1 and summary["written"] == 2
    assert [r.get("020")["a"] if r.get("020") else None for r in _records(out)] == [
        "0520963539",
        None,
    ]
    # --fail-on never: the same run exits 0.
    assert CliRunner().invoke(main, [*args, "--fail-on", "never"]).exit_code == 0


def test_usage_errors_exit_2_and_leave_no_file(tmp_path) -> None:
    out = tmp_path / "x.mrc"
    bad = tmp_path / "bad.yaml"
    bad.write_text("fields:\n  - tag: '245'\n    subfields: [{code: a, colum: title}]\n")
    result = CliRunner().invoke(
        main, ["excel2marc", WESTERN[0], "--mapping", str(bad), "--out", str(out)]
    )
    assert result.exit_code == 2 and "'colum' (did you mean 'column'?)" in result.output
    result = CliRunner().invoke(main, ["excel2marc", *WESTERN, "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and ".mrc" in result.output
    result = CliRunner().invoke(main, ["excel2marc", *WESTERN, "--out", str(out), "--sheet", "No"])
    assert result.exit_code == 2 and "'Titles'" in result.output
    assert not out.exists()


def test_a_sheet_without_a_header_row_leaves_out_as_it_was(tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Titles"
    book.create_sheet("Empty")
    book.save(tmp_path / "list.xlsx")
    out = tmp_path / "titles.mrc"
    out.write_bytes(b"yesterday's records")
    mapping = str(EXAMPLES / "western-ebooks.yaml")
    args = ["excel2marc", str(tmp_path / "list.xlsx"), "--mapping", mapping, "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--sheet", "Empty"])
    assert result.exit_code == 1
    assert "VL102" in result.output and "nothing was written" in result.output
    assert out.read_bytes() == b"yesterday's records"


def test_marc2excel_and_back(tmp_path) -> None:
    records = tmp_path / "w.mrc"
    CliRunner().invoke(main, ["excel2marc", *WESTERN, "--out", str(records)])
    sheet = tmp_path / "w.xlsx"
    mapping = str(EXAMPLES / "western-ebooks.yaml")
    result = CliRunner().invoke(
        main, ["marc2excel", str(records), "--mapping", mapping, "--out", str(sheet)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 20 row(s)" in result.output and "20 fully in mapped columns" in result.output
    assert "every mapped cell empty" not in result.output
    back = tmp_path / "back.mrc"
    result = CliRunner().invoke(
        main, ["excel2marc", str(sheet), "--mapping", mapping, "--out", str(back)]
    )
    assert result.exit_code == 0, result.output
    assert records.read_bytes() == back.read_bytes()


def test_marc2excel_says_when_the_mapping_holds_nothing_of_a_record(tmp_path) -> None:
    # A print record through the e-book list's mapping: its 245 has $c, its ISBNs are the
    # print's, its 33X say "unmediated", so no mapped column takes any of its fields.
    print_record = tmp_path / "print.mrk"
    print_record.write_text(
        "=LDR  00000cam a2200000Ia 4500\n=001  p1\n"
        "=008  120427s2012\\\\enka\\\\\\b\\\\001\\0\\eng\\d\n"
        "=245  10$aLogical matters /$cJonathan Barnes.\n"
        "=337  \\\\$aunmediated$bn$2rdamedia\n",
        encoding="utf-8",
    )
    sheet = tmp_path / "p.xlsx"
    result = CliRunner().invoke(
        main, ["marc2excel", str(print_record), "--mapping", WESTERN[2], "--out", str(sheet)]
    )
    assert result.exit_code == 0, result.output
    assert "1 row(s) have every mapped cell empty" in result.output


def test_marc2excel_writes_xlsx_only(tmp_path) -> None:
    result = CliRunner().invoke(
        main, ["marc2excel", WESTERN[0], "--mapping", WESTERN[2], "--out", str(tmp_path / "a.csv")]
    )
    assert result.exit_code == 2


def test_xlsx_findings_name_the_sheet_row_and_column(tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "March"
    sheet.append(["Vendor list"])  # a title row above the header
    sheet.append(["publication_title", "online_identifier", "year"])
    sheet.append(["A Title", 9780306406157, 43466])
    book.save(tmp_path / "list.xlsx")
    result = CliRunner().invoke(
        main,
        [
            "excel2marc",
            str(tmp_path / "list.xlsx"),
            "--mapping",
            WESTERN[2],
            "--out",
            str(tmp_path / "o.mrc"),
            "--select",
            "VL2",
            "--format",
            "json",
        ],
    )
    found = [json.loads(line) for line in result.output.splitlines()][:-1]
    assert sorted((f["code"], f["line"], f["field"]) for f in found) == [
        ("VL204", 3, "online_identifier"),
        ("VL208", 3, "year"),
    ]
    assert all(f["source"].endswith("list.xlsx [March]") for f in found)
    (record,) = _records(tmp_path / "o.mrc")
    assert record["020"]["a"] == "9780306406157" and record["008"].data[7:11] == "2019"


QUOTE_MAPPING = (
    "columns:\n  title: {required: true}\n"
    "fields:\n  - tag: '245'\n    ind1: '0'\n    ind2: '0'\n"
    "    subfields: [{code: a, column: title}]\n"
)


@pytest.mark.parametrize(
    ("tail", "until"),
    [
        # The quote is never closed: the CSV reader ends the cell at the end of the file.
        ("B,2003\nC,2004\n", "to line 5"),
        # So many lines that the cell passes the csv module's field limit (131,072).
        ("".join(f"B{i},2003\n" for i in range(20_000)), "to the end of the file"),
    ],
)
def test_a_stray_quote_in_a_csv_is_an_error_not_lost_rows(tmp_path, tail: str, until: str) -> None:
    source = tmp_path / "list.csv"
    source.write_text('title,year\nA,2001\n"Hamlet, 2002\n' + tail, encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(QUOTE_MAPPING, encoding="utf-8")
    out = tmp_path / "out.mrk"
    args = ["excel2marc", str(source), "--mapping", str(mapping), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--no-marc-rules"])
    assert result.exit_code == 1, result.output
    assert "VL109" in result.output and "row 3" in result.output and until in result.output
    # Row 2 is converted; the row that swallowed the others is not made into a record.
    assert [r["245"]["a"] for r in _records(out)] == ["A"]


def test_outputs_follow_a_link_and_get_the_usual_permissions(tmp_path) -> None:
    """Like every erdq output: written whole, through a symbolic link to the file it
    names, with the permissions the umask gives a new file (not a temporary file's)."""
    import os
    import stat

    real = tmp_path / "real.mrk"
    real.write_text("", encoding="utf-8")
    link = tmp_path / "link.mrk"
    link.symlink_to(real)
    result = CliRunner().invoke(main, ["excel2marc", *WESTERN, "--out", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and len(_records(real)) == 20
    umask = os.umask(0)
    os.umask(umask)
    sheet = tmp_path / "records.xlsx"
    result = CliRunner().invoke(
        main,
        ["marc2excel", str(real), "--mapping", WESTERN[2], "--out", str(sheet)],
    )
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o666 & ~umask


def test_a_damaged_workbook_is_named_not_a_traceback(tmp_path) -> None:
    """A download cut short: the sheet's XML ends half-way."""
    import zipfile

    with zipfile.ZipFile(WESTERN[0]) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(damaged, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    out = tmp_path / "out.mrc"
    result = CliRunner().invoke(
        main, ["excel2marc", str(damaged), "--mapping", WESTERN[2], "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "damaged.xlsx" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_chinese_csv_is_read_with_the_encoding_given(tmp_path) -> None:
    """A Chinese Excel's plain CSV is GB 18030 (GBK); without --encoding it is read as
    Windows-1252 and said so (VL107), with it the titles are right."""
    source = tmp_path / "list.csv"
    source.write_bytes("title\n傲慢与偏见\n理智与情感\n".encode("gbk"))
    mapping = tmp_path / "m.yaml"
    mapping.write_text(QUOTE_MAPPING, encoding="utf-8")
    out = tmp_path / "out.mrk"
    args = ["excel2marc", str(source), "--mapping", str(mapping), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--no-marc-rules"])
    assert "VL107" in result.output and "--encoding" in result.output
    result = CliRunner().invoke(main, [*args, "--no-marc-rules", "--encoding", "gb18030"])
    assert result.exit_code == 0, result.output
    assert "VL107" not in result.output
    assert [r["245"]["a"] for r in _records(out)] == ["傲慢与偏见", "理智与情感"]
    result = CliRunner().invoke(main, [*args, "--encoding", "klingon"])
    assert result.exit_code == 2 and "not an encoding" in result.output


def test_a_header_on_another_sheet_is_named(tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Read me"
    book.active.append(["Title list of Example Press, June 2024. Prices in EUR."])
    titles = book.create_sheet("Titles")
    titles.append(["publication_title", "online_identifier"])
    titles.append(["Great Expectations", "9780141439563"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    args = ["excel2marc", str(path), "--mapping", str(EXAMPLES / "western-ebooks.yaml")]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "o.mrc")])
    assert result.exit_code == 1
    assert "Sheet 'Titles' has it: give --sheet 'Titles'." in result.output
    # With it, the titles are converted.
    result = CliRunner().invoke(
        main, [*args, "--sheet", "Titles", "--out", str(tmp_path / "o.mrc")]
    )
    assert "Converted 1 of 1 row(s)" in result.output
