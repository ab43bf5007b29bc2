"""KB6xx: text faults in any cell — mojibake, control characters, entities, spaces."""

from __future__ import annotations

import re
from functools import lru_cache

from erdq.charset import MOJIBAKE_HINT_RE, mojibake_fix
from erdq.findings import Level, Severity
from erdq.readers.kbart import KbartRow
from erdq.readers.text import EXCEL_ERRORS
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.kbart.base import RowContext, row_check

MOJIBAKE = rule(
    "KB601",
    "mojibake",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value!r} looks garbled by a wrong encoding (mojibake); it probably "
    "should read {fixed!r}. Correct the text at the source.",
    doc=sections(
        what="Text is not double-encoded: UTF-8 bytes read as Windows-1252 and written back "
        "as UTF-8 (`CafÃ©`, `â€™`).",
        why="Garbled titles do not match what readers type or what citations carry, and "
        "look broken in the discovery layer.",
        example="`Ã‰tudes` for `Études`; `Bobâ€™s` for `Bob’s`.",
        fix="Correct the title (the suggested repair is computed with ftfy); ask the "
        "provider to fix its export.",
    ),
    bad=Example(rows=({"publication_title": "Ã‰tudes InventÃ©es"},)),
    good=Example(rows=({"publication_title": "Études Inventées"},)),
)

CONTROL_CHARACTERS = rule(
    "KB602",
    "control-characters",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`{column}` {value!r} contains control character(s) {chars}. Remove them.",
    doc=sections(
        what="Cells contain no control characters (C0 other than TAB, DEL, C1 U+0080-U+009F).",
        why="Invisible characters break exact matching and some loaders; C1 characters "
        "mean Windows-1252 text was decoded as Latin-1.",
        example="A title with a U+0092 where an apostrophe belongs.",
        fix="Remove the characters, or replace C1 ones with the character meant (’ for U+0092).",
    ),
    bad=Example(rows=({"publication_title": "Journal of\x07 Invented Studies"},)),
    good=Example(rows=({},)),
)

REPLACEMENT_CHARACTER = rule(
    "KB603",
    "replacement-character",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`{column}` {value!r} contains U+FFFD (�): characters were lost in an earlier "
    "conversion. Restore the text from the source.",
    doc=sections(
        what="No U+FFFD replacement characters.",
        why="U+FFFD marks characters that an earlier step could not decode; the original "
        "letters are gone and the title no longer matches.",
        example="`Zeitschrift f�r`.",
        fix="Re-enter the affected text from the provider's platform.",
    ),
    bad=Example(rows=({"publication_title": "Zeitschrift f\ufffdr Invention"},)),
    good=Example(rows=({"publication_title": "Zeitschrift für Invention"},)),
)

HTML_ENTITY = rule(
    "KB604",
    "html-entity",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value!r} contains HTML entity {entity}; write the character itself.",
    doc=sections(
        what="Text contains characters, not HTML entities (`&amp;`, `&#39;`, `&eacute;`).",
        why="Entities are shown literally in most systems and break title matching.",
        example="`Science &amp; Society`.",
        fix="Replace the entity with its character (`&`).",
    ),
    bad=Example(rows=({"publication_title": "Science &amp; Society"},)),
    good=Example(rows=({"publication_title": "Science & Society"},)),
)

SURROUNDING_WHITESPACE = rule(
    "KB605",
    "surrounding-whitespace",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value!r} has leading or trailing white space. Remove it.",
    doc=sections(
        what="Cells have no leading or trailing spaces (including no-break spaces).",
        why="`serial ` is not `serial` to an exact comparison, and `1234-5679 ` fails "
        "identifier matching.",
        example="`Journal of Invented Studies ` (trailing space).",
        fix="Trim the cell.",
    ),
    bad=Example(rows=({"publication_title": " Journal of Invented Studies"},)),
    good=Example(rows=({},)),
)

SEVERAL_NAMES = rule(
    "KB606",
    "several-names",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` holds {count} names ({value!r}); KBART wants the first one only: "
    "{first!r}.",
    doc=sections(
        what="`first_author` and `first_editor` name one person (or one corporate body: "
        "`Simon and Schuster` and `... Educational Council` are one name each).",
        why="KBART asks for the first author only, for matching; a list does not match the "
        "catalogue's main entry.",
        example="`Moreau; Tanaka; Adeyemi`.",
        fix="Keep the first name only (`Moreau`).",
        references="NISO feedback on Thoth's KBART (thoth-pub/thoth#88).",
    ),
    bad=Example(
        rows=({"publication_type": "monograph", "first_author": "Moreau; Tanaka; Adeyemi"},)
    ),
    good=Example(rows=({"publication_type": "monograph", "first_author": "Moreau"},)),
)

SPREADSHEET_ERROR = rule(
    "KB607",
    "spreadsheet-error-value",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`{column}` holds the spreadsheet error {value!r} instead of data. Repair the "
    "formula in the spreadsheet the file was made from, or fill in the real value.",
    doc=sections(
        what="No Excel error values (`#N/A`, `#REF!`, `#VALUE!`, `#NAME?`, `#DIV/0!`).",
        why="They come from failed lookups in the spreadsheet the file was built in; the "
        "real value is missing and `#N/A` becomes a 'title'.",
        example="publication_title `#N/A`.",
        fix="Repair the spreadsheet formula or fill in the value.",
    ),
    bad=Example(rows=({"publication_title": "#N/A"},)),
    good=Example(rows=({},)),
)

LITERAL_ESCAPE = rule(
    "KB608",
    "literal-escape-sequence",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value!r} contains the literal text {escape} (a backslash escape, "
    "not a character). Remove it.",
    doc=sections(
        what="No literal `\\r`, `\\n` or `\\t` text in cells.",
        why="A double-escaping bug in the provider's export; `P\\r` is not `P` to a loader.",
        example="access_type `P\\r`.",
        fix="Remove the backslash sequence; ask the provider to fix the export.",
    ),
    bad=Example(rows=({"publisher_name": "Example Press\\r"},)),
    good=Example(rows=({},)),
)

VALUE_TOO_LONG = rule(
    "KB123",
    "value-too-long",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` holds {length} characters; knowledge bases cut values at about 1,000 "
    "(GOKb: 1,023). Check for a run-together row or a pasted document.",
    doc=sections(
        what="No cell is longer than 1,023 characters.",
        why="Knowledge bases truncate or refuse long values; a very long cell is usually "
        "several rows run together after lost line ends, or text pasted by mistake.",
        example="A `notes` cell holding a whole licence text.",
        fix="Shorten the value, or split the run-together rows.",
    ),
    bad=Example(rows=({"notes": "x" * 1100},)),
    good=Example(rows=({"notes": "x" * 1000},)),
)

# Per cell: anything worth a closer look. A whole clean row is screened more cheaply
# (``_row_is_suspect``): one character-class search plus a few substring tests.
_SUSPECT_RE = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f]|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,7});|\\[rnt]"
    r"|^\s|\s$|^#(?:N/A|REF!|VALUE!|NAME\?|DIV/0!|NULL!|NUM!)"
)
_ROW_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1e\x7f]")
_SEP = "\x1f"  # joins a row's cells; a cell holding one shows up in the separator count


def _row_is_suspect(joined: str, cells: int) -> bool:
    return (
        _ROW_CONTROL_RE.search(joined) is not None
        or joined.count(_SEP) != cells - 1
        or "&" in joined
        or "\\" in joined
        or "#" in joined
        or " \x1f" in joined
        or "\x1f " in joined
        or joined[:1].isspace()
        or joined[-1:].isspace()
    )


_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
MAX_CELL = 1023  # GOKb's limit for any KBART value
_C1_RE = re.compile(r"[\x80-\x9f]")
_ENTITY_RE = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,7});")
_ESCAPE_RE = re.compile(r"\\[rnt]")
_NAME_SPLIT_RE = re.compile(r"\s*(?:;|\|)\s*")  # always between names
# "and" in its languages and "&": between names, or inside one body's name ("Simon and
# Schuster", "Ernst & Young", "... Council").
_CONJUNCTION_RE = re.compile(r"\s(?:&|and|et|und)\s", re.IGNORECASE)
# Words that make a name a corporate body's, which KBART's first_author may be.
# fmt: off
_CORPORATE_WORDS = frozenset({
    "academy", "agency", "association", "associates", "assn", "board", "bros", "brothers",
    "bureau", "centre", "center", "co", "college", "commission", "committee", "company",
    "consortium", "corp", "corporation", "council", "department", "editions", "federation",
    "foundation", "gmbh", "group", "inc", "incorporated", "institut", "institute",
    "institution", "laboratory", "library", "limited", "llc", "ltd", "ministry", "museum",
    "office", "organisation", "organization", "partners", "plc", "press", "publishers",
    "publishing", "school", "service", "services", "society", "sons", "trust", "union",
    "university", "verlag",
})
# fmt: on
_IDENTIFIER_COLUMNS = frozenset({"print_identifier", "online_identifier"})


@lru_cache(maxsize=65536)
def _mojibake(value: str) -> str | None:
    """The repaired text when ``value`` is double-encoded (``erdq.charset`` decides)."""
    return mojibake_fix(value)


@row_check(
    MOJIBAKE,
    CONTROL_CHARACTERS,
    REPLACEMENT_CHARACTER,
    HTML_ENTITY,
    SURROUNDING_WHITESPACE,
    SPREADSHEET_ERROR,
    LITERAL_ESCAPE,
    VALUE_TOO_LONG,
)
def check_text(row: KbartRow, ctx: RowContext) -> None:
    joined = _SEP.join(row.values.values())
    if len(joined) > MAX_CELL:
        for column, value in row.values.items():
            if len(value) > MAX_CELL:
                ctx.report("KB123", row.line, column=column, value=value, length=len(value))
    suspect = _row_is_suspect(joined, len(row.values))
    if not suspect and joined.isascii():
        return
    line = row.line
    for column, value in row.values.items():
        if not value:
            continue
        if value.isascii():
            if not suspect or not _SUSPECT_RE.search(value):
                continue
        else:
            if "\ufffd" in value:
                ctx.report("KB603", line, column=column, value=value)
            if MOJIBAKE_HINT_RE.search(value):
                fixed = _mojibake(value)
                if fixed is not None:
                    ctx.report("KB601", line, column=column, value=value, fixed=fixed)
            if not suspect:
                # Left to look for: what the ASCII screening cannot see.
                if _C1_RE.search(value):
                    _report_controls(ctx, line, column, value)
                if value != value.strip():
                    ctx.report("KB605", line, column=column, value=value)
                continue
        if _CONTROL_RE.search(value):
            _report_controls(ctx, line, column, value)
        entity = _ENTITY_RE.search(value)
        if entity:
            ctx.report("KB604", line, column=column, value=value, entity=entity.group(0))
        if value != value.strip():
            ctx.report("KB605", line, column=column, value=value)
        if column not in _IDENTIFIER_COLUMNS and value.rstrip() in EXCEL_ERRORS:
            ctx.report("KB607", line, column=column, value=value)
        escape = _ESCAPE_RE.search(value)
        if escape:
            ctx.report("KB608", line, column=column, value=value, escape=escape.group(0))


def _report_controls(ctx: RowContext, line: int, column: str, value: str) -> None:
    controls = sorted(set(_CONTROL_RE.findall(value)))
    chars = " ".join(f"U+{ord(c):04X}" for c in controls)
    ctx.report("KB602", line, column=column, value=value, chars=chars)


def _names(value: str) -> list[str]:
    """The names in a list such as "A; B", "Roger Harris and Peter Wiebe" or "A, B, C
    and D".

    ";" and "|" always separate names. "and" and "&" do only between personal names: not
    in a corporate body's name ("Open Business and Technician Educational Council") and
    not between single words ("Simon and Schuster", "Ernst & Young"), which are a firm's
    name at least as often as two surnames. A single comma is left alone ("Moreau, Anne"
    is one person); commas separate names only in a list that also has "and"/";"/"&",
    and only between parts that are whole names themselves (each with a space: "Roger
    Harris, Peter Wiebe").
    """
    names: list[str] = []
    for entry in (n for n in _NAME_SPLIT_RE.split(value.strip()) if n):
        parts = [p for p in _CONJUNCTION_RE.split(entry) if p.strip()]
        words = {w.strip(".,()").casefold() for w in entry.split()}
        if len(parts) > 1 and (
            words & _CORPORATE_WORDS or not any(" " in p or "," in p for p in parts)
        ):
            parts = [entry]
        names.extend(parts)
    if len(names) < 2:
        return names
    out: list[str] = []
    for part in names:
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if len(pieces) > 1 and all(" " in p for p in pieces):
            out.extend(pieces)
        else:
            out.append(part)
    return out


@row_check(SEVERAL_NAMES)
def check_names(row: KbartRow, ctx: RowContext) -> None:
    for column in ("first_author", "first_editor"):
        value = row.values.get(column, "")
        if not value:
            continue
        names = _names(value)
        if len(names) > 1:
            ctx.report(
                "KB606", row.line, column=column, value=value, count=len(names), first=names[0]
            )
