"""VL1xx: the sheet and its header, and rows that cannot become a record."""

from __future__ import annotations

from erdq.findings import Level, Severity
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.vendor.examples import HEADER, csv_bytes

_ROW = 'Great Expectations,"Dickens, Charles",9780141439563,2003,,https://example.org/b/1'
_REF = "erdq mapping files (docs in examples/cataloguing/README.md)."

MAPPED_COLUMN_MISSING = rule(
    "VL101",
    "mapped-column-missing",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="The mapping reads the column {column!r}, which the header does not have "
    "(nearest: {nearest}); the fields built from it are left out of every record. Rename "
    "the column in the sheet or in the mapping.",
    doc=sections(
        what="Every column the mapping names is in the sheet's header row.",
        why="A renamed column (`ISBN` became `eISBN` in this month's list) would otherwise "
        "give records without the fields built from it, and nobody would notice.",
        example="The mapping reads `isbn`; the header says `e-isbn`.",
        fix="Rename the column in the sheet, or change the mapping's column name.",
        references=_REF,
    ),
    bad=Example(raw=csv_bytes(_ROW, header=HEADER.replace("isbn", "e-isbn")), file_name="b.csv"),
    good=Example(raw=csv_bytes(_ROW), file_name="g.csv"),
)

HEADER_NOT_FOUND = rule(
    "VL102",
    "header-row-not-found",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="No row among the first {searched} holds the mapping's columns ({columns}); "
    "nothing was converted.{elsewhere} Check --sheet and that the header row names the "
    "columns the mapping reads.",
    doc=sections(
        what="A header row with the mapping's columns is found within the first rows of "
        "the sheet (title rows and blank rows above it are skipped). When another sheet "
        "of the workbook has it, the message names that sheet.",
        why="Without a header no value can be given its meaning; converting anyway would "
        "put titles in ISBN fields.",
        example="A sheet whose columns are `Titel`, `Verfasser` with an English mapping.",
        fix="Choose the right sheet with --sheet, or fix the header names.",
        references=_REF,
    ),
    bad=Example(raw=b"Titel,Verfasser\nGrosse Erwartungen,Dickens\n", file_name="b.csv"),
    good=Example(raw=csv_bytes(_ROW), file_name="g.csv"),
)

DUPLICATE_HEADER = rule(
    "VL103",
    "duplicate-header",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="The header names {column!r} in columns {positions}; only the first is read. "
    "Rename or remove the other columns.",
    doc=sections(
        what="Each column name the mapping reads occurs once in the header.",
        why="Two `isbn` columns (print and online) cannot both be meant; taking either "
        "would be a guess.",
        example="`title,isbn,isbn`.",
        fix="Rename the columns (`print_isbn`, `online_isbn`) and map the one you want.",
        references=_REF,
    ),
    bad=Example(raw=csv_bytes(_ROW + ",x", header=HEADER + ",title"), file_name="b.csv"),
    good=Example(raw=csv_bytes(_ROW), file_name="g.csv"),
)

UNMAPPED_COLUMN = rule(
    "VL104",
    "unmapped-column",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.FILE,
    message="The column {column!r} is not read by the mapping; its values are in no "
    "record. Map it, or ignore this if the column is not wanted.",
    doc=sections(
        what="Lists the header columns the mapping does not read.",
        why="Nothing the vendor sent should disappear unnoticed; a new column may carry "
        "data the records need (an e-ISBN, a DOI).",
        example="A `price` column in a title list.",
        fix="Add the column to the mapping, or ignore this information.",
        references=_REF,
    ),
    bad=Example(raw=csv_bytes(_ROW + ",12.50", header=HEADER + ",price"), file_name="b.csv"),
    good=Example(raw=csv_bytes(_ROW), file_name="g.csv"),
)

REQUIRED_VALUE_MISSING = rule(
    "VL105",
    "required-value-missing",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The row has no usable {column!r}, which the mapping requires; it was not "
    "converted. Fill in the cell.",
    doc=sections(
        what="Columns the mapping marks `required` (a title) have a usable value in every row.",
        why="A record without a title cannot be found or matched; loading it creates a "
        "blank entry in the catalogue.",
        example="A row whose title cell is empty.",
        fix="Fill in the value in the sheet and convert again.",
        references=_REF,
    ),
    bad=Example(raw=csv_bytes(',"Dickens, Charles",9780141439563,2003,,'), file_name="b.csv"),
    good=Example(raw=csv_bytes(_ROW), file_name="g.csv"),
)

RECORD_UNWRITABLE = rule(
    "VL106",
    "record-unwritable",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The row's record cannot be written as {format}: {reason}",
    doc=sections(
        what="The record built from a row can be written in the output format.",
        why="A field over 9,999 bytes does not fit ISO 2709; a line break cannot go into "
        "a .mrk line. Writing such a record would change it.",
        example="A title of 10,000 characters, written to ISO 2709 (.mrc).",
        fix="Correct the cell, or choose a format that can hold it (MARCXML).",
        references=_REF,
    ),
    bad=Example(factory=lambda: csv_bytes("Long" * 2500 + ",,,,,"), file_name="b.csv"),
    good=Example(raw=csv_bytes(_ROW), file_name="g.csv"),
)

CSV_NOT_UTF8 = rule(
    "VL107",
    "csv-not-utf8",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="The CSV file is not UTF-8; its bytes read best as {encoding}, and it was read "
    "so. Check that accented letters and other scripts look right in the records; if not, "
    "name the file's encoding with --encoding (gb18030, big5, cp1251...), and save the "
    "list as 'CSV UTF-8' next time.",
    doc=sections(
        what="A CSV title list is UTF-8 (with or without a byte order mark, or UTF-16 "
        "with one). Otherwise it was saved in a Windows code page (Excel's plain 'CSV'), "
        "which the file does not name: erdq reads it in the one of Windows-1252 (Western), "
        "GB 18030 (Chinese), Big5 (Traditional Chinese), Shift JIS (Japanese), EUC-KR "
        "(Korean) and Windows-1251 (Cyrillic) its bytes read best in (charset-normalizer), "
        "and reports which. `--encoding` names it instead.",
        why="Read in the wrong code page, every title is mojibake (`红楼梦` saved as GB 18030 "
        "and read as Windows-1252 is `ºìÂ¥ÃÎ`), and the records look valid to every rule; "
        "the bytes do not say their code page for certain.",
        example="`Caf\\xe9` (Windows-1252 bytes) in a CSV file; a Chinese list saved by Excel "
        "as 'CSV (Comma delimited)' on Chinese Windows.",
        fix="Save the list as 'CSV UTF-8 (comma delimited)' or as .xlsx; or give "
        "`--encoding` when the code page read is not the file's.",
        references="RFC 4180 (CSV); WHATWG Encoding Standard (windows-1252, gb18030, big5, "
        "shift_jis, euc-kr, windows-1251).",
    ),
    bad=Example(
        raw=csv_bytes(_ROW.replace("Great", "Caf\u00e9")).decode().encode("cp1252"),
        file_name="b.csv",
    ),
    good=Example(raw=csv_bytes(_ROW.replace("Great", "Caf\u00e9")), file_name="g.csv"),
)

VALUE_WITHOUT_HEADER = rule(
    "VL108",
    "value-without-header",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Column {position} has the value {value!r} but no header name, so no mapping "
    "can read it; it is in no record. Name the column in the header row.",
    doc=sections(
        what="Every value of a row stands in a column the header names.",
        why="A value past the last named column (a note typed beside the list, a shifted "
        "row) or under a blank header cell would be dropped without a word.",
        example="`title,isbn` then `Great Expectations,9780141439563,see also vol. 2`.",
        fix="Give the column a name (and map it), or move the value where it belongs.",
        references=_REF,
    ),
    bad=Example(raw=csv_bytes(_ROW + ",stray note"), file_name="b.csv"),
    good=Example(raw=csv_bytes(_ROW), file_name="g.csv"),
)

QUOTE_UNBALANCED = rule(
    "VL109",
    "csv-quote-unbalanced",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="A quote opened in this row {closed}, so everything from file line {first} to "
    "{until} was read as one cell of one row: the rows in it are in no record of their own, "
    'and this row is not converted. Remove the stray quote (or write it twice, "") and '
    "convert again.",
    doc=sections(
        what="No cell of a CSV file swallows the rows after it: a cell that spans lines and "
        "holds the column delimiter after a line break was opened by a stray quote.",
        why="In CSV a quote starts a cell that ends only at the next quote; a title typed as "
        '`"Hamlet` makes every row up to the next quote (or to the end of the file) part of '
        "that title, and those titles vanish from the conversion without a word.",
        example='`"Hamlet, 2002` on one line, then `B,2003` and `C,2004`: the title becomes '
        "`Hamlet, 2002 B,2003 C,2004` and rows B and C are lost.",
        fix='Remove the stray quote, or write a quote inside a value as two (`""`), then '
        "convert the file again; save from Excel as CSV UTF-8, which quotes correctly.",
        references="RFC 4180 (Common Format for CSV files), section 2.",
    ),
    bad=Example(
        raw=csv_bytes('"Great Expectations,Dickens,9780141439563,2003,,', _ROW),
        file_name="b.csv",
    ),
    good=Example(raw=csv_bytes(_ROW, _ROW.replace("Great", "Bleak")), file_name="g.csv"),
)


def _merged_author_xlsx() -> bytes:
    """A workbook whose author cell B2 is merged down over rows 2-3 (two books by one
    author, as vendors group them)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["title", "author", "isbn", "year", "lccn", "url"])
    sheet.append(["Great Expectations", "Dickens, Charles", None, 2003, None, None])
    sheet.append(["Bleak House", None, None, 2003, None, None])
    sheet.merge_cells("B2:B3")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MERGED_CELLS = rule(
    "VL111",
    "merged-cells",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Column {column!r} of rows {first}–{last} is one merged cell holding {value!r}; "
    "the value was given to each of these rows that holds a title. Check that it "
    "belongs to all of them.",
    doc=sections(
        what="A cell of an .xlsx list merged down over several rows (a publisher, a "
        "series or an author shared by a group of titles). The workbook stores the value "
        "in the first row only; erdq gives it to every row of the merge that holds "
        "something else, as the sheet shows it, and names the rows. A merge across "
        "columns only is left as it is: its value is in its first column.",
        why="Read as stored, every row of the merge but the first has the cell empty: "
        "their records would lose the publisher or author without a word (Chinese "
        "vendors' lists often group titles so).",
        example="`B2:B5` merged, holding `中华书局`: rows 3 to 5 have no publisher of their own.",
        fix="Nothing, if the value belongs to every row named. To silence the warning, "
        "unmerge the cells (Merge & Center ▸ Unmerge Cells) and fill the value down.",
        references=_REF,
    ),
    bad=Example(factory=lambda: _merged_author_xlsx(), file_name="b.xlsx"),
    good=Example(
        raw=csv_bytes(_ROW, 'Bleak House,"Dickens, Charles",9780141439723,2003,,'),
        file_name="g.csv",
    ),
)

TOTAL_ROW = rule(
    "VL110",
    "total-row",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The row holds only {value!r}: a total or count line under the list, not a "
    "title. It was not converted. If it is a title, fill in its other cells.",
    doc=sections(
        what="A row whose one filled cell reads as a total or count (`Total: 3000 titles`, "
        "`Grand total 125`, `合计：3000种`) and nothing else, or whose filled cells are a "
        "summary word (`Total`, `合计`) with only counts or sums beside it (`Total` | `3000` "
        "| `¥ 125,000.00`; nine digits at most, so an ISBN is never one): the summary line "
        "vendors put under a title list. The cells are judged as typed, and no other "
        "finding is made on the row.",
        why="Converted, it becomes a record titled `Total: 3000 titles` with no author, "
        "ISBN or URL, and is loaded into the catalogue with the real titles.",
        example="The last row of a vendor's list: `Total: 3000 titles` in the title column, "
        "the other cells empty.",
        fix="Nothing, if it is the list's footer; delete the row to silence the warning.",
        references=_REF,
    ),
    bad=Example(raw=csv_bytes(_ROW, "Total: 2 titles,,,,,"), file_name="b.csv"),
    good=Example(raw=csv_bytes(_ROW, "Total quality management,,,,,"), file_name="g.csv"),
)
