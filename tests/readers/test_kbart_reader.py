"""The streaming KBART reader: header mapping, row shapes, line numbers, reported problems."""

from __future__ import annotations

from erdq.readers.kbart import KbartReader, normalise_header
from erdq.rules.kbart.base import BASELINE

HEADER = "\t".join(BASELINE)
ROW = "\t".join(BASELINE.values())


def _read(tmp_path, data: bytes, name: str = "f.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    problems: list[tuple] = []

    def report(code, line, column=None, value=None, **params):
        problems.append((code, line, column, value, params))

    rows = list(KbartReader(path, report))
    return rows, problems


def _codes(problems) -> list[tuple[str, int | None]]:
    return [(p[0], p[1]) for p in problems]


def test_header_normalisation() -> None:
    assert normalise_header("\ufeffPublication Title ") == "publication_title"
    assert normalise_header('"print-identifier"') == "print_identifier"


def test_clean_file_has_no_problems(tmp_path) -> None:
    rows, problems = _read(tmp_path, f"{HEADER}\n{ROW}\n".encode())
    assert problems == []
    assert rows[0].line == 2 and rows[0].values == dict(BASELINE)


def test_line_numbers_are_physical(tmp_path) -> None:
    rows, problems = _read(tmp_path, f"{HEADER}\n{ROW}\n\n\t\t\n{ROW}\n".encode())
    assert [r.line for r in rows] == [2, 5]
    assert ("KB115", 3) in _codes(problems)
    blank = next(p for p in problems if p[0] == "KB115")
    assert (blank[4]["last"], blank[4]["count"]) == (4, 2)


def test_aliases_and_extra_columns_are_kept(tmp_path) -> None:
    header = (
        HEADER.replace("notes", "coverage_notes").replace(
            "parent_publication_title_id", "Parent_Publication_ID "
        )
        + "\tzdb_id"
    )
    rows, problems = _read(tmp_path, f"{header}\n{ROW}\t1234567-8\n".encode())
    assert rows[0].values["notes"] == ""
    assert rows[0].values["zdb_id"] == "1234567-8"
    assert [p[3] for p in problems if p[0] == "KB109"] == [
        "coverage_notes",
        "Parent_Publication_ID ",
    ]


def test_an_alias_beside_its_standard_column_is_a_column_of_its_own(tmp_path) -> None:
    # Taylor & Francis: Phase I's coverage_notes (column 15) and Phase II's notes (at the
    # end). Mapped to notes, coverage_notes would make the real notes a "duplicate".
    header = HEADER + "\tcoverage_notes"
    rows, problems = _read(tmp_path, f"{header}\n{ROW}\tfrom 1990 only\n".encode())
    assert [p[0] for p in problems if p[0] in ("KB109", "KB110")] == []
    assert rows[0].values["coverage_notes"] == "from 1990 only"
    assert "notes_26" not in rows[0].values


def test_ragged_rows(tmp_path) -> None:
    short = ROW.rsplit("\t", 2)[0]
    long_empty = ROW + "\t\t"
    long_data = ROW + "\tsurplus"
    rows, problems = _read(tmp_path, f"{HEADER}\n{short}\n{long_empty}\n{long_data}\n".encode())
    # Surplus data is reported at once; runs of short or padded rows when they end.
    assert _codes(problems) == [("KB114", 4), ("KB113", 2), ("KB112", 3)]
    assert rows[0].values["access_type"] == ""  # padded, not shifted
    assert rows[1].values["access_type"] == "P"
    assert rows[2].values["column_26"] == "surplus"  # nothing dropped


def test_quoted_cells_are_unwrapped_and_reported_once(tmp_path) -> None:
    row = ROW.replace("Journal of Invented Studies", '"""Raw Data"" Is an Oxymoron"')
    row = row.replace("Example Press", '"Example\tPress"')  # a TAB inside quotes
    rows, problems = _read(tmp_path, f"{HEADER}\n{row}\n".encode())
    assert rows[0].values["publication_title"] == '"Raw Data" Is an Oxymoron'
    assert rows[0].values["publisher_name"] == "Example\tPress"
    assert rows[0].values["access_type"] == "P"
    assert _codes(problems) == [("KB116", 2)] and problems[0][4]["count"] == 2


def test_no_header_assumes_standard_order(tmp_path) -> None:
    rows, problems = _read(tmp_path, f"{ROW}\n".encode())
    assert _codes(problems)[0] == ("KB105", 1)
    assert rows[0].values["publication_title"] == "Journal of Invented Studies"


def test_missing_mandatory_column_and_order(tmp_path) -> None:
    cols = list(BASELINE)
    cols[1], cols[2] = cols[2], cols[1]
    _rows, problems = _read(tmp_path, ("\t".join(cols) + "\n" + ROW + "\n").encode())
    order = next(p for p in problems if p[0] == "KB108")
    assert order[3] == "online_identifier" and order[4]["expected"] == "print_identifier"
    _, problems = _read(tmp_path, b"print_identifier\n1234-5679\n", name="g.txt")
    assert ("KB106", 1) in _codes(problems)


def test_unreadable_and_empty_files(tmp_path) -> None:
    problems: list = []
    rows = list(KbartReader(tmp_path / "nope.txt", lambda *a, **k: problems.append(a)))
    assert rows == [] and problems[0][0] == "KB100"
    rows, problems = _read(tmp_path, b"")
    assert rows == [] and _codes(problems) == [("KB118", None)]
    rows, problems = _read(tmp_path, f"{HEADER}\n".encode(), name="h.txt")
    assert _codes(problems) == [("KB118", None)]


def test_utf16_and_mixed_encodings_are_reported(tmp_path) -> None:
    data = b"\xff\xfe" + f"{HEADER}\n{ROW}\n".encode("utf-16-le")
    rows, problems = _read(tmp_path, data)
    assert rows[0].values == dict(BASELINE)
    assert ("KB101", None) in _codes(problems)
    mixed = (
        f"{HEADER}\n{ROW.replace('Example', 'Éxample')}\n".encode()
        + ROW.replace("Example", "Caf\xe9").encode("cp1252")
        + b"\n"
    )
    rows, problems = _read(tmp_path, mixed, name="m.txt")
    assert rows[1].values["publisher_name"] == "Café Press"
    assert _codes(problems) == [("KB103", 3)]


def test_runs_of_ragged_rows_are_one_finding(tmp_path) -> None:
    rows = [ROW + "\t"] * 5 + [ROW] + [ROW + "\t"] * 2
    _, problems = _read(tmp_path, ("\n".join([HEADER, *rows]) + "\n").encode())
    runs = [(p[1], p[4]["last"], p[4]["count"]) for p in problems if p[0] == "KB112"]
    assert runs == [(2, 6, 5), (8, 9, 2)]


def test_a_file_that_is_not_kbart_is_named_as_the_user_gave_it(tmp_path) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(b"\x00" * 64)
    problems: list = []
    list(KbartReader(path, lambda *a, **k: problems.append((a, k)), name="in/list.txt"))
    (args, params), *_ = problems
    assert args[0] == "KB100" and params["value"] == "in/list.txt"


def _cut(text: str, ending: str = "\n") -> bytes:
    """Three rows, the third stopping inside publisher_name (KBART's 16th of 25 fields)."""
    third = ROW.replace("Example Journal", "Third Journal", 1)
    upto = third.index("Example Press") + len("Exam")
    return ending.join([HEADER, ROW, text, third[:upto]]).encode()


def test_a_file_that_ends_inside_a_row_is_cut_off(tmp_path) -> None:
    second = ROW.replace("Example Journal", "Second Journal", 1)
    for ending in ("\n", "\r\n", "\r"):
        rows, problems = _read(tmp_path, _cut(second, ending))
        (cut,) = [p for p in problems if p[0] == "KB124"]
        # Line 4 (the header is line 1); publisher_name is the 16th column of Phase II.
        assert (cut[1], cut[2], cut[4]["found"]) == (4, "publisher_name", 16)
        assert cut[3].endswith("\tfulltext\t\tExam")  # coverage_depth, notes, then the cut
        assert cut[4]["expected"] == len(BASELINE) == 25
        assert len(rows) == 3  # the rows read are still read, the short one too
    data = b"\xff\xfe" + _cut(second).decode().encode("utf-16-le")
    _, problems = _read(tmp_path, data, name="u.txt")
    assert [p[1] for p in problems if p[0] == "KB124"] == [4]


def test_a_missing_last_line_end_alone_is_not_a_cut(tmp_path) -> None:
    # The last row whole, only its line end missing.
    _, problems = _read(tmp_path, f"{HEADER}\n{ROW}\n{ROW}".encode())
    assert "KB124" not in [p[0] for p in problems]
    # Every row lacks its trailing empty fields (the last two columns are empty or not):
    # the last is no shorter than the one before it.
    short = ROW.rsplit("\t", 2)[0]
    _, problems = _read(tmp_path, f"{HEADER}\n{short}\n{short}".encode(), name="s.txt")
    codes = [p[0] for p in problems]
    assert "KB124" not in codes and "KB113" in codes
    # A short last row that does end in a line end was written that way, not cut.
    _, problems = _read(tmp_path, _cut(ROW) + b"\n", name="e.txt")
    assert "KB124" not in [p[0] for p in problems]


def test_a_file_whose_line_ends_were_lost_is_one_finding(tmp_path) -> None:
    # Twenty rows run together on one line: one KB100 saying why, not a KB110 or KB111
    # for each of its 520 "columns" and nothing read as rows.
    line = "\t".join([HEADER, *([ROW] * 20)])
    rows, problems = _read(tmp_path, line.encode())
    assert rows == []
    assert [p[0] for p in problems] == ["KB100"]
    assert "line ends were lost" in problems[0][4]["reason"]


def test_a_quoted_cell_holding_a_line_break_is_one_row(tmp_path) -> None:
    # A spreadsheet saves a cell with a line break in quotes (RFC 4180 2.6), in its
    # tab-separated and comma-separated forms alike: one row, known by its first line.
    cells = ROW.split("\t")
    notes = list(BASELINE).index("notes")
    broken = cells.copy()
    broken[notes] = '"line one\nline two"'
    data = "\n".join([HEADER, ROW, "\t".join(broken), ROW]) + "\n"
    rows, problems = _read(tmp_path, data.encode())
    assert [r.line for r in rows] == [2, 3, 5]  # the row after it keeps its own line
    assert rows[1].values["notes"] == "line one\nline two"
    assert rows[1].values["access_type"] == rows[0].values["access_type"]  # not shifted
    assert [p[0] for p in problems if p[0] in ("KB112", "KB113", "KB114")] == []


def test_a_line_break_inside_a_cell_ends_no_row(tmp_path) -> None:
    # Excel's text export ends rows with CRLF and breaks a cell's lines with LF: the rows
    # are CRLF throughout (KB104 says so) and the LF is no line end of the file's.
    cells = ROW.split("\t")
    cells[list(BASELINE).index("notes")] = '"line one\nline two"'
    data = "\r\n".join([HEADER, ROW, "\t".join(cells), ROW]) + "\r\n"
    _, problems = _read(tmp_path, data.encode())
    [kb104] = [p for p in problems if p[0] == "KB104"]
    assert (kb104[4]["ending"], kb104[4]["crlf"], kb104[4]["lf"]) == ("CRLF", 4, 0)
    # A file of LF rows with a CRLF typed inside a cell uses LF line ends: no KB104.
    cells[list(BASELINE).index("notes")] = '"line one\r\nline two"'
    data = "\n".join([HEADER, ROW, "\t".join(cells), ROW]) + "\n"
    _, problems = _read(tmp_path, data.encode(), name="g.txt")
    assert "KB104" not in [p[0] for p in problems]


def test_a_quote_that_never_closes_leaves_the_lines_as_they_are(tmp_path) -> None:
    cells = ROW.split("\t")
    stray = cells.copy()
    stray[list(BASELINE).index("notes")] = '"a stray quote'
    lines = [HEADER, "\t".join(stray), *([ROW] * 25)]
    rows, _ = _read(tmp_path, ("\n".join(lines) + "\n").encode())
    # Twenty lines on, no closing quote: the quote is stray, every line is its own row.
    assert [r.line for r in rows] == list(range(2, 28))
    assert rows[0].values["notes"] == '"a stray quote'
