"""Reading title lists: header detection, sheets, encodings, and the Excel guard."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from erdq.cataloguing.spreadsheet import needs_guard, neutralise, open_sheet, restore
from erdq.errors import InputError


@given(st.text())
def test_restore_undoes_neutralise(text: str) -> None:
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize(
    ("text", "guarded"),
    [("=A1", "'=A1"), ("-5", "'-5"), ("+1", "'+1"), ("@x", "'@x"), ("'=A1", "''=A1"), ("ab", "ab")],
)
def test_neutralise(text: str, guarded: str) -> None:
    assert neutralise(text) == guarded
    assert needs_guard(text) == (guarded != text and not text.startswith("'"))


def _book(path, rows, title="Sheet1", second=None):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if second:
        other = book.create_sheet(second[0])
        for row in second[1]:
            other.append(row)
    book.save(path)
    return path


def test_header_below_title_rows_and_numbers_as_read(tmp_path) -> None:
    path = _book(
        tmp_path / "list.xlsx",
        [["Vendor title list, March"], [], ["title", "isbn", "year"], ["A", 520963539, 43466]],
    )
    sheet = open_sheet(path, ["title", "isbn"])
    assert sheet.header_line == 3
    assert sheet.header == ["title", "isbn", "year"]
    assert list(sheet.rows) == [(4, ("A", 520963539, 43466))]
    assert sheet.source.endswith("list.xlsx [Sheet1]")
    sheet.close()


def test_sheet_by_name_and_unknown_sheet(tmp_path) -> None:
    path = _book(tmp_path / "b.xlsx", [["x"]], second=("Titles", [["title"], ["B"]]))
    sheet = open_sheet(path, ["title"], sheet="Titles")
    assert list(sheet.rows) == [(2, ("B",))]
    sheet.close()
    with pytest.raises(InputError) as info:
        open_sheet(path, ["title"], sheet="Nope")
    assert "'Titles'" in str(info.value.hint)


# An .xls file is an OLE2 compound document: it starts with D0 CF 11 E0 A1 B1 1A E1
# (Microsoft, [MS-CFB] 2.2, the header signature), whatever the file is called.
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("list.xls", OLE2, "an Excel 97-2003 workbook (.xls)"),
        ("list.csv", OLE2, "an Excel 97-2003 workbook (.xls)"),  # saved under a CSV name
        ("list.ods", b"PK\x03\x04", "an OpenDocument spreadsheet (.ods)"),
    ],
)
def test_formats_erdq_cannot_read_are_named_with_what_to_do(tmp_path, name, content, what):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        open_sheet(path, ["title"])
    assert f"is {what}; erdq reads .xlsx workbooks and CSV files" in str(info.value)
    assert "save it as Excel Workbook (.xlsx)" in str(info.value.hint)


def test_a_workbook_under_another_extension_is_an_input_error(tmp_path) -> None:
    path = _book(tmp_path / "b.xlsx", [["title"], ["B"]]).rename(tmp_path / "b.zip")
    with pytest.raises(InputError) as info:
        open_sheet(path, ["title"])
    assert "cannot read" in str(info.value) and ".xlsx" in str(info.value.hint)


def test_no_header(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Titel,Verfasser\nX,Y\n", encoding="utf-8")
    sheet = open_sheet(path, ["title"])
    assert sheet.header_line is None and list(sheet.rows) == []


def test_csv_bom_semicolons_and_windows_1252(tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("\ufefftitle;author\nCaf\u00e9;B\n".encode())
    sheet = open_sheet(path, ["title"])
    assert sheet.header == ["title", "author"] and sheet.encoding == "utf-8 with BOM"
    assert list(sheet.rows) == [(2, ("Caf\u00e9", "B"))]
    path.write_bytes("title,author\nCaf\u00e9,B\n".encode("cp1252"))
    sheet = open_sheet(path, ["title"])
    assert sheet.encoding == "cp1252"
    assert list(sheet.rows) == [(2, ("Caf\u00e9", "B"))]


def test_dates_come_back_as_dates(tmp_path) -> None:
    path = _book(tmp_path / "d.xlsx", [["title", "year"], ["A", dt.datetime(2019, 5, 1)]])
    sheet = open_sheet(path, ["title"])
    assert list(sheet.rows) == [(2, ("A", dt.datetime(2019, 5, 1)))]


def test_a_sheet_says_about_how_many_rows_it_has(tmp_path) -> None:
    # For the progress bar: the header and three rows, one of them a cell of two lines
    # (a CSV counts its five lines; a workbook states its dimension, A1:B4).
    csv_path = tmp_path / "list.csv"
    csv_path.write_text('title,isbn\nA,1\n"B\nsecond line",2\nC,3\n', encoding="utf-8")
    assert open_sheet(csv_path, ["title"]).rows_expected == 5
    book = Workbook()
    for row in (["title", "isbn"], ["A", "1"], ["B", "2"], ["C", "3"]):
        book.active.append(row)
    xlsx = tmp_path / "list.xlsx"
    book.save(xlsx)
    assert open_sheet(xlsx, ["title"]).rows_expected == 4
