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


_LISTS = {
    # Excel's plain CSV on Chinese, Taiwanese, Korean, Russian and Western Windows.
    "gb18030": [("红楼梦", "曹雪芹"), ("三国演义", "罗贯中"), ("水浒传", "施耐庵"),
                ("西游记", "吴承恩"), ("史记", "司马迁")],
    "big5": [("紅樓夢", "曹雪芹"), ("三國演義", "羅貫中"), ("水滸傳", "施耐庵"),
             ("西遊記", "吳承恩"), ("史記", "司馬遷")],
    "euc_kr": [("태백산맥", "조정래"), ("토지", "박경리"), ("한국사 신론", "이기백"),
               ("엄마를 부탁해", "신경숙")],
    "shift_jis": [("吾輩は猫である", "夏目漱石"), ("こころ", "夏目漱石")],
    "cp1251": [("Война и мир", "Толстой Лев"), ("Преступление и наказание", "Достоевский")],
    "cp1252": [("Les Misérables", "Hugo Victor"), ("Der Zauberberg", "Mann Thomas")],
}  # fmt: skip


@pytest.mark.parametrize("codec", sorted(_LISTS))
def test_a_csv_list_in_a_windows_code_page_is_read_in_it(tmp_path, codec) -> None:
    rows = _LISTS[codec]
    path = tmp_path / "list.csv"
    path.write_bytes(("title,author\n" + "".join(f"{t},{a}\n" for t, a in rows)).encode(codec))
    sheet = open_sheet(path, ["title"])
    assert (sheet.encoding, sheet.encoding_guessed) == (codec, True)
    assert [values for _, values in sheet.rows] == rows
    # Named by the user, the encoding is not guessed.
    sheet = open_sheet(path, ["title"], encoding=codec)
    assert not sheet.encoding_guessed and [values for _, values in sheet.rows] == rows


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


def test_a_cell_merged_down_is_given_to_each_row_it_spans(tmp_path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["List of titles"])
    ws.merge_cells("A1:C1")  # a title across the top: above the header, left alone
    ws.append(["title", "publisher", "year"])
    ws.append(["Book one", "中华书局", 2001])
    ws.append(["Book two", None, 2002])
    ws.append(["Book three", None, 2003])
    ws.append([None, None, None])  # a blank row inside the merge stays blank
    ws.append(["Book four", "Other Press", 2004])
    ws.append(["Book five", "Wide title", None])
    ws.merge_cells("B3:B6")
    ws.merge_cells("B8:C8")  # across columns only: the value stays in its first cell
    path = tmp_path / "list.xlsx"
    book.save(path)
    sheet = open_sheet(path, {"title"})
    rows = list(sheet.rows)
    sheet.close()
    publishers = [r[1][1] for r in rows]
    assert publishers == ["中华书局"] * 3 + [None, "Other Press", "Wide title"]
    assert rows[3][1] == (None, None, None)
    assert rows[5][1][2] is None
    assert sheet.notes == {3: [("VL111", "publisher", "中华书局", {"first": 3, "last": 6})]}


def test_an_excel2marc_run_names_the_merged_rows(tmp_path) -> None:
    from erdq.cataloguing.excel2marc import convert_file
    from erdq.cataloguing.mapping import mapping_from_text
    from erdq.rules.vendor.examples import EXAMPLE_MAPPING

    book = Workbook()
    ws = book.active
    ws.append(["title", "author", "isbn", "year", "lccn", "url"])
    ws.append(["Great Expectations", "Dickens, Charles", None, 2003, None, None])
    ws.append(["Bleak House", None, None, 2003, None, None])
    ws.merge_cells("B2:B3")
    path = tmp_path / "list.xlsx"
    book.save(path)
    conversion = convert_file(path, mapping_from_text(EXAMPLE_MAPPING), tmp_path / "out.mrc")
    results = [r for r in conversion.events() if r.record is not None]
    assert [r.record["100"]["a"] for r in results] == ["Dickens, Charles."] * 2
    [note] = [f for r in results for f in r.findings if f.code == "VL111"]
    assert (note.location.line, note.location.column, note.params["last"]) == (2, "author", 3)
