"""KB1xx: the file as bytes, its header and the shape of its rows.

Most of these are reported by the streaming reader (``erdq.readers.kbart``) while
it reads; the rows' own structural checks (title, title_id) live here too.
"""

from __future__ import annotations

from erdq.findings import Level, Severity
from erdq.readers.kbart import KbartRow
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.kbart.base import BASELINE, RowContext, row_check

_HEADER = "\t".join(BASELINE)
_ROW = "\t".join(BASELINE.values())
_GOOD_FILE = f"{_HEADER}\n{_ROW}\n".encode()

FILE_UNREADABLE = rule(
    "KB100",
    "file-unreadable",
    level=Level.COLLECTION,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="The file {value} cannot be read as KBART: {reason}. Check that this is the "
    "right file; download it again if it is.",
    doc=sections(
        what="The input can be opened and is delimited text, not a MARC file, a workbook, "
        "a PDF, an XML or HTML document or another binary file.",
        why="A holdings file that cannot be read updates nothing; the run must say so "
        "rather than report a clean result or hundreds of nonsense findings. An HTML page "
        "saved in place of a download (a login or error page) is a common case.",
        example="A path the user may not read; `records.mrc` given where a KBART file was "
        "expected; an `.xlsx` workbook.",
        fix="Give the right file. Export workbooks as 'Text (Tab delimited)'.",
    ),
    bad=Example(raw=b"00714cam a2200205 a 4500\x1e001\x1e", note="a MARC record"),
    good=Example(raw=_GOOD_FILE),
)

ENCODING_NOT_UTF8 = rule(
    "KB101",
    "encoding-not-utf8",
    level=Level.COLLECTION,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="The file is encoded as {encoding}, not UTF-8; it was read as {encoding}. "
    "Ask the provider for UTF-8, or re-save the file as UTF-8.",
    doc=sections(
        what="The file is UTF-8, as KBART requires. UTF-16 (with or without a byte order "
        "mark) and single-byte Windows-1252/Latin-1 files are detected and read anyway.",
        why="Knowledge bases that assume UTF-8 turn every accented or non-Latin title of a "
        "UTF-16 or Windows-1252 file into garbage, and titles then stop matching.",
        example="A file saved from Excel as 'Unicode Text' (UTF-16LE with BOM).",
        fix="Re-save the file as UTF-8 (without BOM) and ask the provider to deliver UTF-8.",
        references="NISO RP-9-2014 (KBART Phase II) 6.4: files are UTF-8.",
    ),
    bad=Example(raw=b"\xff\xfe" + f"{_HEADER}\n{_ROW}\n".encode("utf-16-le")),
    good=Example(raw=_GOOD_FILE),
)

BYTE_ORDER_MARK = rule(
    "KB102",
    "byte-order-mark",
    level=Level.COLLECTION,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="The file starts with a UTF-8 byte order mark (EF BB BF); it was ignored. "
    "Save the file as UTF-8 without BOM.",
    doc=sections(
        what="The file does not begin with the invisible U+FEFF byte order mark.",
        why="Tools that do not expect it glue the mark to the first header, so "
        "`publication_title` is reported missing or the first ISSN fails to match.",
        example="Bytes EF BB BF before `publication_title` (Excel's 'UTF-8 with BOM').",
        fix="Save as UTF-8 without BOM. erdq reads the file correctly either way.",
    ),
    bad=Example(raw=b"\xef\xbb\xbf" + _GOOD_FILE),
    good=Example(raw=_GOOD_FILE),
)

MIXED_ENCODING = rule(
    "KB103",
    "line-not-utf8",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="This line holds bytes that are not valid UTF-8, while {utf8} line(s) of the file "
    "hold characters written in UTF-8 (beyond ASCII); those bytes were read as "
    "Windows-1252. The file mixes encodings: check the accented characters and quotes on "
    "this line.",
    doc=sections(
        what="Every line of a UTF-8 file is valid UTF-8.",
        why="A file that mixes UTF-8 and Windows-1252 (often after copy-and-paste in Excel) "
        "has titles whose accents and quotes are wrong in one encoding or the other.",
        example="`Caf\\xe9 Society` (a Windows-1252 é) in a file whose other lines are UTF-8.",
        fix="Correct the characters on the named lines and save the whole file as UTF-8.",
    ),
    bad=Example(
        raw=(
            f"{_HEADER}\n{_ROW}\n".replace("Example Press", "Édition Press").encode("utf-8")
            + _ROW.replace("Example Press", "Caf\xe9 Press").encode("cp1252")
            + b"\n"
        )
    ),
    good=Example(raw=f"{_HEADER}\n{_ROW.replace('Example Press', 'Édition Press')}\n".encode()),
)

LINE_ENDINGS = rule(
    "KB104",
    "line-endings-not-lf",
    level=Level.COLLECTION,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="The file uses {ending} line endings (CRLF: {crlf}, CR only: {cr}, LF: {lf}); "
    "they were read correctly. Prefer LF.",
    doc=sections(
        what="Lines end with LF. CRLF (Windows) and CR-only (classic Mac) files are read "
        "correctly but reported.",
        why="A tool that splits on LF keeps a CR at the end of the last column (`P\\r`), "
        "and a CR-only file looks like one single line to it.",
        example="Every line ends with CR LF; or `wc -l` reports 0 lines for a CR-only file.",
        fix="Convert the line endings to LF (most editors can, or `dos2unix`).",
    ),
    bad=Example(raw=_GOOD_FILE.replace(b"\n", b"\r\n")),
    good=Example(raw=_GOOD_FILE),
)

HEADER_MISSING = rule(
    "KB105",
    "header-missing",
    level=Level.COLLECTION,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="The first line is not a KBART header (found {value!r}); rows were read assuming "
    "the standard KBART column order. Add the header line.",
    doc=sections(
        what="The first line names the KBART columns.",
        why="Without the header nobody can tell which column is which; a knowledge base "
        "either rejects the file or loads values into the wrong fields.",
        example="A file whose first line is already a title row.",
        fix="Add the 25 KBART column names as the first line, in the standard order.",
        references="NISO RP-9-2014 6.6: the header row is required.",
    ),
    bad=Example(raw=f"{_ROW}\n{_ROW}\n".encode()),
    good=Example(raw=_GOOD_FILE),
)

MANDATORY_COLUMN_MISSING = rule(
    "KB106",
    "mandatory-column-missing",
    level=Level.COLLECTION,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="The header has no `{column}` column, which every row needs. Add the column "
    "and fill it.",
    doc=sections(
        what="The header includes the columns every row needs: `publication_title`, "
        "`title_url` and `coverage_depth` (a missing `publication_type`, a Phase II column, "
        "is reported with the other missing columns by KB107).",
        why="Without a title a row cannot be reviewed or matched; without `title_url` "
        "readers have no link; without `coverage_depth` knowledge bases have refused whole "
        "packages. A missing column is as bad as the column left empty on every row.",
        example="A header that starts with `print_identifier`; a file without `title_url`.",
        fix="Add the missing column and fill it on every row.",
    ),
    bad=Example(raw=b"print_identifier\tonline_identifier\n1234-5679\t2049-3630\n"),
    good=Example(raw=_GOOD_FILE),
)

STANDARD_COLUMN_MISSING = rule(
    "KB107",
    "standard-column-missing",
    level=Level.COLLECTION,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="{count} standard {phase} column(s) are missing: {columns}. Add them, even if empty.",
    doc=sections(
        what="All 25 KBART Phase II columns are present, even when a column has no data.",
        why="KBART asks for every column in every file so that loaders can rely on the "
        "layout; a Phase I file (16 columns) lacks publication_type and access_type, "
        "which knowledge bases need to tell books from journals.",
        example="A Phase I file that ends with `publisher_name`.",
        fix="Add the missing columns in the standard order; leave them empty if unknown.",
        references="NISO RP-9-2014 6.6.",
    ),
    bad=Example(
        raw="\t".join(list(BASELINE)[:16]).encode()
        + b"\n"
        + "\t".join(list(BASELINE.values())[:16]).encode()
        + b"\n"
    ),
    good=Example(raw=_GOOD_FILE),
)

COLUMN_ORDER = rule(
    "KB108",
    "column-order",
    level=Level.COLLECTION,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="Column {position} is `{value}` where the standard order has `{expected}`. "
    "Reorder the columns.",
    doc=sections(
        what="The standard columns appear in the order KBART sets.",
        why="Loaders that read by position (many do) put values into the wrong fields.",
        example="`online_identifier` before `print_identifier`.",
        fix="Reorder the columns to the standard order.",
    ),
    bad=Example(
        raw=_GOOD_FILE.replace(
            b"print_identifier\tonline_identifier", b"online_identifier\tprint_identifier", 1
        )
    ),
    good=Example(raw=_GOOD_FILE),
)

HEADER_ALIAS = rule(
    "KB109",
    "header-not-standard",
    level=Level.COLLECTION,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="Header {value!r} (column {position}) is read as `{standard}`. Rename it.",
    doc=sections(
        what="Header names are exact: lower case, no surrounding spaces, no BOM, "
        "the Phase II name (`notes`, not `coverage_notes`), no vendor spellings "
        "(`parent_publication_id`, `preceeding_publication_title_id`).",
        why="A strict loader ignores an unknown spelling and loses the column's data.",
        example="`Publication_Title `, `coverage_notes`, `parent_publication_id`.",
        fix="Rename the header to the standard name shown.",
    ),
    bad=Example(raw=_GOOD_FILE.replace(b"\tnotes\t", b"\tcoverage_notes\t", 1)),
    good=Example(raw=_GOOD_FILE),
)

DUPLICATE_COLUMN = rule(
    "KB110",
    "duplicate-column",
    level=Level.COLLECTION,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="Column {position} `{value}` repeats an earlier column; it was kept as "
    "`{column}_{position}`. Remove or rename one of them.",
    doc=sections(
        what="No column name appears twice (after mapping aliases).",
        why="Which of two `title_url` columns is right? Loaders keep one and drop the other.",
        example="Both `coverage_notes` and `notes`.",
        fix="Merge the two columns or rename the vendor-specific one.",
    ),
    bad=Example(
        raw=_GOOD_FILE.replace(b"\taccess_type\n", b"\taccess_type\tnotes\n", 1).replace(
            b"\tP\n", b"\tP\tx\n", 1
        )
    ),
    good=Example(raw=_GOOD_FILE),
)

EMPTY_HEADER = rule(
    "KB111",
    "header-name-empty",
    level=Level.COLLECTION,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="Column {position} has no name; its values are kept as `{column}`. Name it or "
    "remove it.",
    doc=sections(
        what="Every column in the header has a name.",
        why="Unnamed columns are usually stray tabs; values in them are lost by loaders.",
        example="A header ending in four TABs.",
        fix="Remove the empty columns, or name them if they hold data.",
    ),
    bad=Example(
        raw=_GOOD_FILE.replace(b"\taccess_type\n", b"\taccess_type\t\n", 1).replace(
            b"\tP\n", b"\tP\t\n", 1
        )
    ),
    good=Example(raw=_GOOD_FILE),
)

TRAILING_EMPTY_FIELDS = rule(
    "KB112",
    "trailing-empty-fields",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The rows at {where} have {found} field(s) where the header has {expected}; "
    "the trailing empty field(s) were ignored. Remove the stray TAB(s).",
    doc=sections(
        what="A row has no more fields than the header.",
        why="Stray trailing TABs look like an extra, empty column; strict loaders reject the row.",
        example="A row ending in `Example Press\\t` when `publisher_name` is the last column.",
        fix="Remove the trailing TAB characters.",
    ),
    bad=Example(raw=_GOOD_FILE.replace(b"\tP\n", b"\tP\t\n", 1)),
    good=Example(raw=_GOOD_FILE),
)

ROW_TOO_SHORT = rule(
    "KB113",
    "row-too-short",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The rows at {where} have {found} field(s) where the header has {expected}; "
    "the missing fields from `{column}` on were read as empty. Check that no value has shifted.",
    doc=sections(
        what="A row has as many fields as the header.",
        why="Short rows usually lost their trailing empty TABs (harmless) but may also have "
        "lost a value in the middle, which shifts every later value one column left.",
        example="A 25-column header and a row of 24 fields.",
        fix="Pad the row with TABs, or find the missing value.",
    ),
    bad=Example(raw=_GOOD_FILE.replace(b"\tP\n", b"\n", 1)),
    good=Example(raw=_GOOD_FILE),
)

ROW_TOO_LONG = rule(
    "KB114",
    "row-too-long",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The row has {found} field(s) where the header has {expected}, and the extra "
    "fields hold data ({value!r}); values may have shifted. They were kept as column_N.",
    doc=sections(
        what="A row does not hold data beyond the last header column.",
        why="Extra non-empty fields mean a TAB inside a value or a missing header: values "
        "after that point are in the wrong columns.",
        example="A title containing a TAB, which splits it across two columns.",
        fix="Remove the TAB from the value, or add the missing header.",
    ),
    bad=Example(raw=_GOOD_FILE.replace(b"\tP\n", b"\tP\textra\n", 1)),
    good=Example(raw=_GOOD_FILE),
)

BLANK_ROWS = rule(
    "KB115",
    "blank-rows",
    level=Level.COLLECTION,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{where}; skipped. Remove the empty lines.",
    doc=sections(
        what="Every line after the header describes a title.",
        why="Empty and TAB-only rows (often the remains of deleted spreadsheet rows) are "
        "rejected by some loaders and hide the real row count.",
        example="73 lines of 24 TABs at the end of the file.",
        fix="Delete the empty lines.",
    ),
    bad=Example(raw=_GOOD_FILE + b"\t" * 24 + b"\n"),
    good=Example(raw=_GOOD_FILE),
)

QUOTED_VALUES = rule(
    "KB116",
    "quoted-values",
    level=Level.COLLECTION,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="{count} value(s) are wrapped in CSV-style double quotes (first on this line, "
    "column `{column}`); the quotes were removed when reading. KBART cells are not quoted.",
    doc=sections(
        what="Cells are not wrapped in double quotes (KBART is plain tab-separated text).",
        why="Knowledge bases that read TSV literally store the quotes as part of the title "
        "or identifier, and then nothing matches.",
        example='`"Open Questions in Invented Theory"`, or `"""Raw Data"" Is an Oxymoron"`.',
        fix="Export without text qualifiers (in Excel: save as 'Text (Tab delimited)').",
        references="NISO feedback on Thoth's KBART (thoth-pub/thoth#88).",
    ),
    bad=Example(rows=({"publication_title": '"Journal of Invented Studies"'},)),
    good=Example(rows=({"publication_title": 'The "Invented" Journal'},)),
)

NOT_TAB_SEPARATED = rule(
    "KB117",
    "not-tab-separated",
    level=Level.COLLECTION,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="The file is separated by {delimiter}, not TABs; it was read as such. KBART "
    "files are tab-separated: export it as 'Text (Tab delimited)'.",
    doc=sections(
        what="Columns are separated by TAB characters.",
        why="Knowledge bases load KBART as tab-separated text; a CSV file is read as one "
        "column per line and every title is lost.",
        example="`publication_title,print_identifier,…` saved from Excel as CSV.",
        fix="Save or export the file as tab-separated text.",
        references="NISO RP-9-2014 6.4 (tab-delimited text).",
    ),
    bad=Example(raw=("\n".join([",".join(BASELINE), ",".join(BASELINE.values())]) + "\n").encode()),
    good=Example(raw=_GOOD_FILE),
)

NO_DATA_ROWS = rule(
    "KB118",
    "no-data-rows",
    level=Level.COLLECTION,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="No titles were read: {reason}. Check that this is the right file.",
    doc=sections(
        what="The file lists at least one title.",
        why="An empty delivery replacing a full one would remove every title of the package.",
        example="A file with only the header line.",
        fix="Download the file again; check the provider's export.",
    ),
    bad=Example(raw=f"{_HEADER}\n".encode()),
    good=Example(raw=_GOOD_FILE),
)

NUL_CHARACTER = rule(
    "KB119",
    "nul-character",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The line contains NUL characters: the file is probably in another encoding or "
    "binary. Check the encoding of the file.",
    doc=sections(
        what="No NUL (U+0000) characters in the text.",
        why="NULs mean the file is UTF-16 read as UTF-8, or a binary file; databases refuse "
        "them in text.",
        example="A UTF-16 file without a byte order mark, read as UTF-8.",
        fix="Re-save the file as UTF-8 text.",
    ),
    bad=Example(raw=_GOOD_FILE.replace(b"Example Press", b"Example\x00Press", 1)),
    good=Example(raw=_GOOD_FILE),
)

LINE_TOO_LONG = rule(
    "KB122",
    "line-too-long",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The line is {size} long; only its first {limit} MB were read. A KBART row is a "
    "few hundred bytes: the file is probably damaged or not KBART.",
    doc=sections(
        what="No line is longer than 16 MB.",
        why="A line of many megabytes is a damaged file (lost line ends) or another kind of "
        "file; reading it whole would exhaust memory, so the rest of it is skipped.",
        example="A file whose line ends were stripped, leaving one huge line.",
        fix="Get the file again; check its line ends.",
    ),
    bad=Example(factory=lambda: _GOOD_FILE + b"x" * (17 << 20) + b"\n", note="a 17 MB line"),
    good=Example(raw=_GOOD_FILE),
)


def _cut_off() -> bytes:
    """A two-row file whose second row stops inside its URL, with no line end."""
    second = _ROW.replace("Example Journal", "Another Journal", 1)
    return f"{_HEADER}\n{_ROW}\n{second[: second.index('http') + 12]}".encode()


FILE_CUT_OFF = rule(
    "KB124",
    "file-cut-off",
    level=Level.COLLECTION,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="The file ends inside line {line}: the line has no line end and only {found} of "
    "the header's {expected} fields, fewer than the row before it (it stops at {ends!r}). "
    "The delivery looks cut off, and the titles after that point are missing. Get the file "
    "again; `erdq import kbart` refuses it.",
    doc=sections(
        what="The file does not end in the middle of a row: its last line, when it has no "
        "line end, has as many fields as the row before it.",
        why="A download or copy that stopped early leaves a file that reads well up to the "
        "cut. Imported as the collection's new delivery, it would retire every title that "
        "was after the cut (a diff shows them as removed), and the link resolver and the "
        "central index would lose them.",
        example="A 2,319-row delivery cut after 20,000 bytes, in the middle of its 105th title.",
        fix="Download or export the file again and compare its size with the vendor's. A "
        "file that is complete but lacks its last line end and trailing empty fields can be "
        "given them.",
    ),
    bad=Example(factory=_cut_off, note="the last row stops inside its title_url"),
    good=Example(raw=_GOOD_FILE.rstrip(b"\n"), note="the last line end alone missing"),
)

TITLE_MISSING = rule(
    "KB120",
    "publication-title-empty",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`publication_title` is empty. Every row needs the title as it appears on the "
    "publication.",
    doc=sections(
        what="Every row has a `publication_title`.",
        why="The title is what readers search for and what staff check against; a row "
        "without it cannot be reviewed or matched by title.",
        example="A row with identifiers and a URL but no title.",
        fix="Fill in the title from the provider's platform.",
    ),
    bad=Example(rows=({"publication_title": ""},)),
    good=Example(rows=({},)),
)

TITLE_ID_MISSING = rule(
    "KB121",
    "title-id-empty",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`title_id` is empty: updates of this title cannot be matched by the provider's "
    "identifier. Ask the provider to fill it.",
    doc=sections(
        what="Every row has the provider's `title_id`.",
        why="Change monitoring and knowledge-base updates match titles across deliveries; "
        "without a title_id they must fall back on identifiers or titles, which change.",
        example="An empty `title_id` column.",
        fix="Ask the provider to fill `title_id` (their own stable title identifier).",
    ),
    bad=Example(rows=({"title_id": ""},)),
    good=Example(rows=({},)),
)


@row_check(TITLE_MISSING, TITLE_ID_MISSING)
def check_title(row: KbartRow, ctx: RowContext) -> None:
    values = row.values
    title = values.get("publication_title")
    if title is not None and not title.strip():  # a missing column is KB106's, once
        ctx.report("KB120", row.line, column="publication_title")
    if "title_id" in values and not values["title_id"].strip():
        ctx.report("KB121", row.line, column="title_id")
