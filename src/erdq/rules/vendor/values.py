"""VL2xx: values a spreadsheet mangled (cases BR-050, BR-051, BR-053).

A value that can be recovered is offered as a suggestion in the finding; whether the
recovered value goes into the record is stated in each rule (BR-050: a restored leading
zero does; BR-051: a number read back from scientific notation does not).
"""

from __future__ import annotations

from erdq.findings import Level, Severity
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.vendor.examples import csv_bytes

_ROW = 'Great Expectations,"Dickens, Charles",{isbn},{year},{lccn},https://example.org/b/1'
_GOOD = csv_bytes(_ROW.format(isbn="9780141439563", year="2003", lccn="85-153773"))
_REF_ISBN = "ISO 2108 (ISBN); MARC 21 020. Cases BR-050 and BR-051."


def _numeric_isbn_xlsx() -> bytes:
    """A workbook whose ISBN cell is the number 9780141439563."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["title", "author", "isbn", "year", "lccn", "url"])
    sheet.append(["Great Expectations", "Dickens, Charles", 9780141439563, 2003, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _date_cell_xlsx() -> bytes:
    """A workbook whose year cell is the date 1905-07-13: 2021 typed into a date cell."""
    import datetime as dt
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["title", "author", "isbn", "year", "lccn", "url"])
    sheet.append(["Great Expectations", "Dickens, Charles", "9780141439563",
                  dt.datetime(1905, 7, 13), None, None])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(isbn: str = "9780141439563", year: str = "2003", lccn: str = "") -> bytes:
    return csv_bytes(_ROW.format(isbn=isbn, year=year, lccn=lccn))


ISBN_LEADING_ZERO_LOST = rule(
    "VL201",
    "isbn-leading-zero-lost",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{value!r} has {digits} digits: leading zero restored, "
    "{suggestion} (the check digit is valid) was written where the mapping puts the column "
    "(020 $a, 776 $z...). Format the column as "
    "text before the next export.",
    doc=sections(
        what="An ISBN of fewer than ten digits that becomes a valid ISBN-10 when padded "
        "with zeros on the left. The restored ISBN is written where the mapping puts the column "
        "(020 $a for an ISBN of the resource) and reported.",
        why="Spreadsheets store 0520963539 as the number 520963539. The check digit makes "
        "the repair certain: a wrong restoration would fail it.",
        example="`520963539` → `0520963539` (BR-050, row 1).",
        fix="Nothing for this conversion; format ISBN columns as text in the source sheet "
        "so the next list keeps its zeros.",
        references=_REF_ISBN,
    ),
    bad=Example(raw=_row(isbn="520963539"), file_name="b.csv"),
    good=Example(raw=_row(isbn="0520963539"), file_name="g.csv"),
)

ISBN_SCIENTIFIC_NOTATION = rule(
    "VL202",
    "isbn-scientific-notation",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="ISBN in scientific notation ({value!r}); digits were "
    "lost and the ISBN was not written. {suggestion_text}",
    doc=sections(
        what="An ISBN cell holding a number in scientific notation (`9.78E+12`), as Excel "
        "shows and exports ISBN-13s stored as numbers. No 020 is written. When twelve or "
        "thirteen significant digits survive, the ISBN they give (the check digit "
        "recomputed from twelve) is offered for confirmation.",
        why="Only the first digits are left: `9.78E+12` could be any of a billion books. "
        "Even a reconstruction with a correct check digit is a guess about the last digit "
        "until someone compares it with the book.",
        example="`9.78043902348E+12` (reconstruction 9780439023481 offered); `9.78E+12` "
        "(unrecoverable). Case BR-051.",
        fix="Take the ISBN from the vendor's original file or the resource; confirm an "
        "offered reconstruction and put it in the sheet as text.",
        references=_REF_ISBN,
    ),
    bad=Example(raw=_row(isbn="9.78043902348E+12"), file_name="b.csv"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

SHEET_ISBN_INVALID = rule(
    "VL203",
    "sheet-isbn-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="{value!r} is not a valid ISBN ({problem}); no field was "
    "written for it. Correct the ISBN from the resource or the publisher.",
    doc=sections(
        what="Every ISBN in the sheet is valid: the right length and check digit. A number "
        "too short for an ISBN that does not become valid when padded with zeros is also "
        "reported here. No 020 is written for an invalid ISBN.",
        why="A wrong ISBN links the record to another book, or to nothing, in matching, "
        "KBART linking and cover services.",
        example="`12345678`: padded to 0012345678, the check digit should be 9 (BR-050, row 2).",
        fix="Correct the ISBN in the sheet from the resource or the publisher's catalogue.",
        references=_REF_ISBN,
    ),
    bad=Example(raw=_row(isbn="12345678"), file_name="b.csv"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

ISBN_STORED_AS_NUMBER = rule(
    "VL204",
    "isbn-stored-as-number",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The ISBN {value} is stored as a number; it is intact and "
    "was written, but the next save may show it as 9.78E+12 or drop zeros. "
    "Format the column as text.",
    doc=sections(
        what="An .xlsx ISBN cell of the number type whose digits are all there.",
        why="The value is fine in this file, but a number cell is one CSV export away "
        "from scientific notation or lost leading zeros (BR-050, BR-051).",
        example="A numeric cell 9780141439563 in an `isbn` column.",
        fix="Format the ISBN column as text in the sheet.",
        references=_REF_ISBN,
    ),
    bad=Example(factory=lambda: _numeric_isbn_xlsx(), file_name="b.xlsx"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

FORMULA_RESIDUE = rule(
    "VL205",
    "formula-residue",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="{value!r} is {what}, not a value; it was left out of the "
    "record. Replace the formula by its value (Paste Special > Values) and convert again.",
    doc=sections(
        what="A cell holding a formula (`=VLOOKUP(...)`) or an error result (`#N/A`, "
        "`#REF!`, `#VALUE!`) instead of data. The cell is left out of the record.",
        why="Formula text and error codes end up as titles or URLs in the catalogue; the "
        "value the formula would give is not in the file.",
        example='`=HYPERLINK("https://example.org")` in a url column; `#N/A` from a failed lookup.',
        fix="Copy the column and paste it as values; correct lookups that gave #N/A.",
        references="ECMA-376 (Office Open XML), cell types.",
    ),
    bad=Example(raw=csv_bytes("Great Expectations,,,,,#N/A"), file_name="b.csv"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

STRAY_WHITESPACE = rule(
    "VL206",
    "stray-whitespace",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{value!r} has {problem}; written as {suggestion!r}. "
    "Clean the cell if the sheet is used elsewhere.",
    doc=sections(
        what="Spaces before or after a value, doubled spaces, non-breaking spaces "
        "(U+00A0), ideographic spaces (U+3000), zero-width characters and soft hyphens "
        "(U+00AD). The cleaned value is written and reported.",
        why="Invisible characters make a title sort and match differently from the same "
        "title typed cleanly, and break ISBNs and URLs.",
        example="`Great\u00a0Expectations ` (non-breaking space, trailing space).",
        fix="Nothing for this conversion; use TRIM/CLEAN in the sheet if it is reused.",
        references="Unicode Standard, chapter 6 (space characters).",
    ),
    bad=Example(raw=csv_bytes(" Great Expectations ,,,,,"), file_name="b.csv"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

FULLWIDTH_CHARACTERS = rule(
    "VL207",
    "fullwidth-characters",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{value!r} holds full-width forms ({chars}); {action}.",
    doc=sections(
        what="Full-width digits, Latin letters and ASCII punctuation (U+FF01-U+FF5E), as "
        "CJK input methods type them. In identifier, year and URL columns the value is "
        "converted to the ordinary forms (NFKC) and written; in text columns the "
        "ordinary form is offered and the text written as given, because full-width "
        "punctuation is ordinary in Chinese and Japanese text.",
        why="`９７８７５０７７４１１５５` is no ISBN to any system; `２０１３` is no year "
        "for 008. Matching and indexing treat full-width and ordinary forms as different "
        "characters.",
        example="An ISBN `９７８７５０７７４１１５５`; a year `２０１３`.",
        fix="Nothing for identifier columns; review text columns where the suggestion "
        "applies (ISBD punctuation in MARC is written with ordinary characters).",
        references="Unicode Standard Annex #15 (NFKC); Unicode block Halfwidth and "
        "Fullwidth Forms.",
    ),
    bad=Example(raw=_row(year="２００３"), file_name="b.csv"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

EXCEL_DATE_SERIAL = rule(
    "VL208",
    "excel-date-serial",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{value!r} is an Excel date serial number (day {value} of "
    "the {epoch} date system = {date}); written as {suggestion!r}. Format the column as "
    "a date or text.",
    doc=sections(
        what="A year or date column holding a number such as 43466: the day count Excel "
        "keeps a date as, shown once the cell lost its date format (or exported to CSV). "
        "It is read as a date in the workbook's date system (1900 for CSV) and reported.",
        why="43466 is not a year; written to 008/07-10 or 264 $c it gives a record "
        "dated in the far future.",
        example="`43466` in a year column (1 January 2019).",
        fix="Format the column as a date, or type the year as text.",
        references="ECMA-376 Part 1, 18.17.4 (date systems).",
    ),
    bad=Example(raw=_row(year="43466"), file_name="b.csv"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

ISBN_IN_AN_EARLIER_ROW = rule(
    "VL220",
    "isbn-in-an-earlier-row",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The ISBN {value} is also in row {first}: this row was converted as a record "
    "of its own, which a load would make a second catalogue record of one book. Keep one "
    "row, or correct the ISBN.",
    doc=sections(
        what="No two rows of a title list give the same ISBN (an ISBN-10 and its ISBN-13 "
        "are the same). The row is converted all the same, and named with the first row "
        "that gave the ISBN.",
        why="Vendors' lists repeat titles (a title in two subject packages, a reissue "
        "listed twice); two records of one book give readers two hits and the "
        "knowledge base two portfolios to keep in step.",
        example="`9780141439563` in rows 2 and 7, or `0141439564` in row 7.",
        fix="Delete the repeated row, or correct its ISBN if it is another book.",
        references=_REF_ISBN,
    ),
    bad=Example(
        raw=csv_bytes(
            _ROW.format(isbn="9780141439563", year="2003", lccn=""),
            _ROW.format(isbn="0141439564", year="2003", lccn=""),
        ),
        file_name="b.csv",
    ),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

YEAR_TYPED_AS_DATE = rule(
    "VL219",
    "year-typed-as-date",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The year cell holds the date {value}, which is day {year} of Excel's {epoch} "
    "date system: the year {year} typed into a cell formatted as a date. {year} was "
    "written. Format the column as text or as a number.",
    doc=sections(
        what="A year column whose cell is a date of a few months of 1904-1905 (in the 1900 "
        "date system): Excel keeps a date as a day number, so a year typed into a cell "
        "formatted as a date becomes the date that many days after its day 0 (2021 → "
        "1905-07-13). The day number is taken as the year, and reported.",
        why="Read as a date, the cell gives the year 1905 to 008/07-10 and 264 $c: a "
        "record dated a century off, without a word.",
        example="`1905-07-13` in a year column formatted as a date, after 2021 was typed.",
        fix="Format the column as text or as a number and type the years again, or keep "
        "the values erdq wrote.",
        references="ECMA-376 Part 1, 18.17.4 (date systems).",
    ),
    bad=Example(raw=_date_cell_xlsx(), file_name="b.xlsx"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

YEAR_INVALID = rule(
    "VL209",
    "year-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="{value!r} is not a four-digit year; 008/07-10 was set to "
    "'uuuu' and no date was written elsewhere. Give the year of publication.",
    doc=sections(
        what="A year column holds four digits (or a date, whose year is taken).",
        why="008/07-10 and 264 $c drive date facets and matching; free text there is unusable.",
        example="`c. 2003?` in a year column.",
        fix="Put the year alone in the cell; keep notes in another column.",
        references="MARC 21 Bibliographic, 008/07-10.",
    ),
    bad=Example(raw=_row(year="c. 2003?"), file_name="b.csv"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

ISBN_LIST_SEPARATOR = rule(
    "VL217",
    "isbn-list-separator",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{value!r} lists {count} ISBNs separated by {separator!r}, where the mapping "
    "splits this column on {split!r}; each ISBN was taken as a value of its own, as a "
    "split would give it, since every check digit holds. Use one separator in the column, "
    "or change the mapping's split.",
    doc=sections(
        what='An ISBN column the mapping splits on one separator (`split: ";"`) '
        "holding several ISBNs separated by another: a comma, a slash, a vertical bar, "
        "blanks or line breaks (VL206 tidies a line break to a blank). When every part is "
        "a valid ISBN, each is taken as a value of its own, as the split would give it "
        "(one 020 each, where the mapping repeats 020 for the column), and this is "
        "reported; otherwise the cell is VL203.",
        why="Vendors list the print and e-book ISBNs of a title in one cell with whatever "
        "separator their system uses. Read as one ISBN, the cell is invalid and the "
        "record loses every ISBN it has, and with them its matching.",
        example="`9780141439563, 9780199536191` in a column split on `;`.",
        fix="Nothing for this conversion. Make the column use one separator, or set the "
        "mapping's split to the vendor's separator.",
        references=_REF_ISBN,
    ),
    bad=Example(raw=_row(isbn='"9780141439563, 9780199536191"'), file_name="b.csv"),
    good=Example(raw=_row(isbn="9780141439563;9780199536191"), file_name="g.csv"),
)

YEAR_MARKED = rule(
    "VL216",
    "year-with-marks",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="{value!r} was read as the year {year}, for 008/07-10 and every field the "
    "column fills; the marks around it were left out. Where they mattered, edit 264 $c: "
    "bracket a year the cataloguer supplied ([2007]); give a copyright year (©2007, "
    "c2007) in a 264 with second indicator 4.",
    doc=sections(
        what="A year column holding one four-digit year with the marks a catalogue puts "
        "around it: brackets (`[2007]`), a copyright or phonogram sign or its letter "
        "(`©2007`, `c2007`, `p2007`), a closing full stop (`2007.`). The year is taken and "
        "the marks are named. An uncertain year (`[2007?]`, `ca. 2007`) is VL209.",
        why="Title lists copied from catalogue records carry these marks; 008/07-10 takes "
        "four digits, so the year would otherwise be lost to 'uuuu'. The marks carry "
        "meaning 264 $c can show (a supplied or a copyright date), which is why they are "
        "reported.",
        example="`[2007]` in a year column: 008/07-10 2007, 264 $c 2007.",
        fix="Nothing for the fixed field. Where the bracket or copyright sign matters, "
        "edit 264 $c (`[2007]`, or a 264 with second indicator 4 for `©2007`).",
        references="MARC 21 Bibliographic, 008/07-10 and 264 $c.",
    ),
    bad=Example(raw=_row(year="[2003]"), file_name="b.csv"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

LCCN_INVALID = rule(
    "VL210",
    "lccn-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="{value!r} is not an LCCN (prefix letters, a year of two "
    "or four digits, a serial of up to six digits); no 010 was written. Correct it "
    "from the LC catalogue.",
    doc=sections(
        what="An LCCN column holds LCCNs as LC structures them.",
        why="010 $a is matched by its normalised form; a value that is no LCCN matches "
        "nothing, or the wrong record.",
        example="`85-1537730` (seven-digit serial).",
        fix="Look the number up in the LC catalogue and correct the cell.",
        references="Library of Congress, LCCN structure; MARC 21 010. Case BR-053.",
    ),
    bad=Example(raw=_row(lccn="85-1537730"), file_name="b.csv"),
    good=Example(raw=_GOOD, file_name="g.csv"),
)

LCCN_RESTRUCTURED = rule(
    "VL211",
    "lccn-restructured",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="The LCCN {value!r} was written to 010 $a in its "
    "fixed-position form {marc!r} (search key {key}).",
    doc=sections(
        what="Reports an LCCN written hyphenated or without zero padding and rebuilt into "
        "the structure of 010 $a: the prefix blank-filled, the year, a six-digit serial, "
        "and a trailing blank for numbers before 2001.",
        why="Systems compare 010 $a position by position; `85-153773` would match "
        "nothing. The rebuilt form is certain, so it is written, and reported.",
        example="`85-153773` → `   85153773 `; `2001-45944` → `  2001045944`; "
        "`ms89-1579` → `ms 89001579 ` (BR-053).",
        fix="Nothing; this is information.",
        references="Library of Congress, LCCN structure; MARC 21 010. Case BR-053.",
    ),
    bad=Example(raw=_row(lccn="85-153773"), file_name="b.csv"),
    good=Example(raw=_row(lccn=""), file_name="g.csv"),
)


FIXED_FIELD_CODE_INVALID = rule(
    "VL212",
    "fixed-field-code-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="{value!r} cannot go into {tag}/{positions}: {problem}. It was left out and "
    "{default} was written there instead. {hint}.",
    doc=sections(
        what="A column whose value goes into fixed positions of a control field (the "
        "`ebook` profile's language to 008/35-37, country to 008/15-17, entered to "
        "008/00-05) holds a value that is longer than the positions, has capital "
        "letters, or is shorter than a position that takes a code of one length.",
        why="A fixed field takes exactly its width: cut to three characters `English` "
        "becomes `Eng` and `French` `Fre`, padded `EN` becomes `EN `; none is a MARC "
        "code, and systems index and facet on them. The value is not written; the "
        "position keeps its default (`und`, `xx `), which says 'not known'.",
        example="`English` in the language column: 008/35-37 stays `und`, with this "
        "error for the row.",
        fix="Put the MARC code in the column: MARC Code List for Languages (`eng`, "
        "`fre`, `ger`, `chi`), MARC Code List for Countries (`enk`, `nyu`, `cc`).",
        references="MARC 21 Bibliographic 008/15-17 and 008/35-37; MARC Code Lists for "
        "Languages and for Countries.",
    ),
    bad=Example(
        raw=csv_bytes(
            _ROW.format(isbn="9780141439563", year="2003", lccn="") + ",English",
            header="title,author,isbn,year,lccn,url,language",
        ),
        file_name="b.csv",
    ),
    good=Example(
        raw=csv_bytes(
            _ROW.format(isbn="9780141439563", year="2003", lccn="") + ",eng",
            header="title,author,isbn,year,lccn,url,language",
        ),
        file_name="g.csv",
    ),
)


REPEATED_VALUE = rule(
    "VL213",
    "repeated-value",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{value!r} gives {repeated} more than once; it was written once. Remove the "
    "repeat from the cell.",
    doc=sections(
        what="A cell split into several values (`split` in the mapping) does not give the "
        "same value twice, as cleaned (so `978-0-306-40615-7` and `9780306406157` are one).",
        why="Each value becomes a field or subfield: a repeated ISBN makes two identical "
        "020s, which MARC validators and load tables report as duplicates.",
        example="`9780306406157;978-0-306-40615-7` in an ISBN column split on `;`.",
        fix="Remove the repeat from the cell (the record has the value once either way).",
        references=_REF_ISBN,
    ),
    bad=Example(
        raw=csv_bytes(_ROW.format(isbn="9780141439563;978-0-14-143956-3", year="2003", lccn="")),
        file_name="b.csv",
    ),
    good=Example(raw=_GOOD, file_name="g.csv"),
)


CELL_REPLACES_HELD_VALUE = rule(
    "VL214",
    "cell-replaces-held-value",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="The cell gives {tag} ${subfield} {value!r}, and the {tag} in marc:fields had "
    "{old!r}: {why}, so the cell's value replaced it in that field. If the marc:fields "
    "value is the one meant, empty the cell.",
    doc=sections(
        what="Names each value of a field held in `marc:fields` that a mapped cell "
        "replaced. A non-repeatable field (245, 100, 008...) is written once: a value in "
        "its mapped cell takes the place of the same subfield in the marc:fields copy, "
        "the rest of that field is kept. So does a value typed for a repeatable field "
        "that marc:omit leaves out and marc:fields holds once with the same indicators "
        "and that subfield (a publisher typed for a 264 held whole): replaced there, "
        "rather than a second 264.",
        why="This is how an edit is made in a sheet written by `erdq marc2excel` (it "
        "leaves the cell empty when the field goes to marc:fields whole); a field typed "
        "into marc:fields beside a filled cell loses the value the cell overrides, so "
        "each replacement is said, with the value it replaced.",
        example="Title `Great Expectations` in its column, and `=245  10$aHard times.` in "
        "marc:fields: the record has `245 10$aGreat Expectations.`",
        fix="Nothing when the cell holds the value meant. Otherwise empty the cell, or "
        "correct the value in marc:fields.",
    ),
    bad=Example(
        raw=csv_bytes(
            'Great Expectations,,,,,,"=245  10$aHard times."',
            header="title,author,isbn,year,lccn,url,marc:fields",
        ),
        file_name="b.csv",
    ),
    good=Example(
        raw=csv_bytes(
            ',,,,,,"=245  10$aHard times."', header="title,author,isbn,year,lccn,url,marc:fields"
        ),
        file_name="g.csv",
    ),
)


CELL_NOT_IN_HELD_FIELD = rule(
    "VL218",
    "cell-not-in-held-field",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The cell gives {where} {value!r}, but {tag} is held in marc:fields with "
    "{old!r} and marc:omit leaves the mapping's {tag} out: {tag} kept {old!r}, and only "
    "the other fields the column fills took the cell's value. Edit {tag} in marc:fields "
    "too, or take {tag} out of marc:omit.",
    doc=sections(
        what="A sheet written by `erdq marc2excel` holds a field the mapping cannot read "
        "back (a 264 with a place of publication) whole in `marc:fields`, and names the "
        "mapping's own field in `marc:omit`. A column that fills that field and another "
        "(a year: 008/07-10 and 264 $c) is filled from the other one; edited, it changes "
        "that other field only. This rule says when the held field (its subfield, or "
        "its positions: 008/07-10) now disagrees with the cell (compared by letters and "
        "digits: `[2003]` and `c2003` agree with 2003).",
        why="A year corrected in its cell would otherwise leave the record dated 2004 in "
        "008 and 2003 in 264 $c without a word; discovery shows one, facets the other.",
        example="year `2004` in its cell; `=264  \\1$aLondon :$bPenguin,$c2003.` in "
        "marc:fields; marc:omit `264`.",
        fix="Edit the held field in marc:fields as well, or take its tag out of marc:omit "
        "and empty marc:fields' copy so that the mapping writes the field.",
    ),
    bad=Example(
        raw=csv_bytes(
            'Great Expectations,,,2004,,,"=264  \\1$aLondon :$c2003.",264',
            header="title,author,isbn,year,lccn,url,marc:fields,marc:omit",
        ),
        file_name="b.csv",
    ),
    good=Example(
        raw=csv_bytes(
            'Great Expectations,,,2003,,,"=264  \\1$aLondon :$c[2003]",264',
            header="title,author,isbn,year,lccn,url,marc:fields,marc:omit",
        ),
        file_name="g.csv",
    ),
)

MARC_COLUMN_TAG_INVALID = rule(
    "VL215",
    "marc-column-tag-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{value!r} in this cell is not a tag (three letters or digits, such as 300; "
    "in marc:order a tag may end with *); it was not used. Write tags separated by spaces.",
    doc=sections(
        what="The `marc:omit` and `marc:order` cells of a sheet written by `erdq "
        "marc2excel` hold MARC tags (`300 588`; `marc:order` also `245*` for a field of "
        "`marc:fields`), separated by spaces or commas.",
        why="A mistyped tag (`30`, `3000`) would otherwise be passed over without a word: "
        "the field meant to be left out is written, or the order is not the one meant.",
        example="`30 588` in marc:omit: 30 is no tag (a digit is missing).",
        fix="Correct the tag, or remove it from the cell.",
    ),
    bad=Example(
        raw=csv_bytes(
            "Great Expectations,,,,,,30", header="title,author,isbn,year,lccn,url,marc:omit"
        ),
        file_name="b.csv",
    ),
    good=Example(
        raw=csv_bytes(
            "Great Expectations,,,,,,300", header="title,author,isbn,year,lccn,url,marc:omit"
        ),
        file_name="g.csv",
    ),
)
