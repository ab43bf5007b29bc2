"""MR1xx: the file and the record structure — ISO 2709 lengths, directory and terminators,
indicators and subfield codes as bytes, the leader's structural positions, and the XML,
.mrk and JSON syntax around the records.

Most of these are reported by the readers (``erdq.readers.marc`` and its format modules)
while they read, like the KB1xx rules; the checkers here look at what any format can
get wrong in the record model: sizes that ISO 2709 cannot hold and the leader.
"""

from __future__ import annotations

from erdq import marc21
from erdq.findings import Level, Severity
from erdq.readers.marc import MAX_ISO_FIELD, MAX_ISO_RECORD, MarcItem, field_size
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.marc.base import RecordContext, record_check
from erdq.rules.marc.iso_examples import GOOD_FIELDS, GOOD_ISO, GOOD_MRK, iso_record, mrk

_BIB = Level.BIBLIOGRAPHIC
_GOOD_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<collection xmlns="http://www.loc.gov/MARC21/slim">\n'
    b"<record><leader>00000nam a2200000 a 4500</leader>"
    b'<controlfield tag="001">ex0001</controlfield>'
    b'<datafield tag="245" ind1="1" ind2="0"><subfield code="a">A title</subfield></datafield>'
    b"</record>\n</collection>\n"
)


def _big_record() -> bytes:
    """A 120,000-byte record: leader length 00000, offsets past 99,999 written as 00000."""
    notes = [("500", b"  \x1fa" + b"x" * 5997) for _ in range(20)]
    fields = [*GOOD_FIELDS, *notes]
    offsets = {}
    position = 0
    for index, (_, data) in enumerate(fields):
        if position > 99_999:
            offsets[index] = b"00000"
        position += len(data) + 1
    return iso_record(fields, length=b"00000", offsets=offsets)


FILE_NOT_MARC = rule(
    "MR100",
    "file-not-marc",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="The file {value} cannot be read as MARC: {reason}. Check that this is the right "
    "file: ISO 2709 (.mrc), MARCXML, MarcEdit .mrk or MARC-in-JSON.",
    doc=sections(
        what="The input can be opened and holds MARC records in one of the formats erdq "
        "reads. The format is recognised from the content, not the file name.",
        why="A record load that silently reads nothing looks like a clean file. Common "
        "cases are a KBART list or a spreadsheet given instead of the records, an HTML "
        "login page saved instead of the download, or an API response with no record.",
        example="`portfolio_response.json` (an Alma portfolio, not a record); an empty file.",
        fix="Give the MARC file itself; export records from the system again if needed.",
    ),
    bad=Example(raw=b"publication_title\tprint_identifier\nA title\t1234-5679\n"),
    good=Example(raw=GOOD_ISO),
)

RECORD_UNPARSEABLE = rule(
    "MR101",
    "record-unparseable",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Record {line} (at byte {at_byte}) cannot be read: {reason}. It was skipped and "
    "counted as unparseable; repair it or export it again.",
    doc=sections(
        what="Every record has a leader and a directory that locate at least one field.",
        why="pymarc returns `None` for such a record and most tools drop it without a word, "
        "so a batch loses titles nobody notices are missing. erdq counts and reports each "
        "one with its position in the file.",
        example="A 20-byte fragment between two records; a record whose directory is empty.",
        fix="Cut the record out at the byte offset shown and re-export or re-key it.",
    ),
    bad=Example(raw=GOOD_ISO + b"00020nam a22\x1e\x1d" + GOOD_ISO),
    good=Example(raw=GOOD_ISO),
)

RECORD_LENGTH_MISMATCH = rule(
    "MR102",
    "record-length-mismatch",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Leader/00-04 says the record is {value} bytes but it is {actual} bytes. The "
    "record was read up to its terminator; write it out again to recompute the length.",
    doc=sections(
        what="Leader/00-04 holds the record's real length in bytes (UTF-8 bytes, not characters).",
        why="Readers that trust the length cut the record or run into the next one; a "
        "converter that counts characters instead of bytes produces this on every record "
        "with accented letters.",
        example="A leader of `00145` on a 147-byte record.",
        fix="Rewrite the record with a MARC tool that recomputes lengths (MarcEdit, "
        "yaz-marcdump, pymarc).",
    ),
    bad=Example(raw=iso_record(GOOD_FIELDS, length=b"00099")),
    good=Example(raw=GOOD_ISO),
)

RECORD_TOO_LONG = rule(
    "MR103",
    "record-too-long",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The record is {actual} bytes; ISO 2709 records cannot exceed 99,999 bytes "
    "(leader/00-04 says {value}). Split or shorten it (long notes, many 9XX local fields).",
    doc=sections(
        what="A record fits in ISO 2709: at most 99,999 bytes. For MARCXML, .mrk and JSON "
        "the size it would have as ISO 2709 (UTF-8) is checked.",
        why="The five-digit length and offsets cannot express a larger record. Writers "
        "then emit `00000` or overflowed numbers and readers return garbage fields; "
        "erdq reads such records by their terminators and says so.",
        example="A HathiTrust record of 1.1 MB; a serial with hundreds of holdings fields.",
        fix="Remove or split what is repeated (local holdings fields), or exchange the "
        "record as MARCXML.",
    ),
    bad=Example(factory=_big_record, note="a 120,000-byte record"),
    good=Example(raw=GOOD_ISO),
)

TERMINATOR_MISSING = rule(
    "MR104",
    "record-terminator-missing",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The record does not end with a record terminator (0x1D): {reason}. It was cut at "
    "its declared length; re-export the file.",
    doc=sections(
        what="Each record ends with the record terminator byte 0x1D.",
        why="Without it, readers merge the record with the next one or stop reading; "
        "pymarc gives up on the rest of the file.",
        example="Two records where the first ends `…\\x1e` and the second leader follows.",
        fix="Re-export the file; do not edit binary MARC in a text editor.",
    ),
    bad=Example(raw=GOOD_ISO[:-1] + GOOD_ISO),
    good=Example(raw=GOOD_ISO + GOOD_ISO),
)

FILE_TRUNCATED = rule(
    "MR105",
    "record-truncated",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The file ends inside record {line}: {found} of its {declared} bytes are there. "
    "The fields present were read; download or export the file again.",
    doc=sections(
        what="The last record is complete: the file does not end before its declared length.",
        why="An interrupted download or a size limit cuts the last record; its last "
        "fields are missing or garbled.",
        example="A file whose last record declares 1,200 bytes but only 700 remain.",
        fix="Fetch the file again and compare its size with the source.",
    ),
    bad=Example(raw=GOOD_ISO + GOOD_ISO[:60]),
    good=Example(raw=GOOD_ISO + GOOD_ISO),
)

NEWLINE_SEPARATED = rule(
    "MR106",
    "records-separated-by-newlines",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="Records are separated by line breaks ({count} time(s)); ISO 2709 has none between "
    "records. They were skipped; strict readers stop after the first record.",
    doc=sections(
        what="Records follow each other directly, with no CR or LF between them.",
        why='"Line-separated MARC" comes from tools that add a newline after each record; '
        "strict readers read only the first record or report every later one as broken.",
        example="`…\\x1e\\x1d\\n01107nam…`",
        fix="Remove the line breaks between records (`tr -d '\\n'` is unsafe if data holds "
        "newlines; use a MARC tool), or ask for standard ISO 2709.",
    ),
    bad=Example(raw=GOOD_ISO + b"\n" + GOOD_ISO + b"\n"),
    good=Example(raw=GOOD_ISO + GOOD_ISO),
)

BASE_ADDRESS_INVALID = rule(
    "MR107",
    "base-address-invalid",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Leader/12-16 gives the data at byte {value}, but the directory ends at byte "
    "{actual}; the fields were read from {actual}. Write the record out again.",
    doc=sections(
        what="Leader/12-16 (base address of data) points just after the directory.",
        why="Readers use it to find every field; a wrong value shifts all of them.",
        example="`00127     2299937   4500`.",
        fix="Rewrite the record with a MARC tool that recomputes the leader.",
    ),
    bad=Example(raw=iso_record(GOOD_FIELDS, base=b"00099")),
    good=Example(raw=GOOD_ISO),
)

DIRECTORY_MALFORMED = rule(
    "MR108",
    "directory-malformed",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The directory is damaged: {reason} (found {value!r}). Fields were located by "
    "their terminators; check the record against the source.",
    doc=sections(
        what="The directory is a run of 12-byte entries (tag, 4-digit length, 5-digit "
        "offset) ending with 0x1E, each pointing inside the record.",
        why="A damaged directory makes pymarc reject the record (`RecordDirectoryInvalid`) "
        "or read fields at wrong places.",
        example="An entry `245ù0890000`; a directory of 13 bytes.",
        fix="Re-export the record; if the source is damaged, re-key it.",
    ),
    bad=Example(raw=iso_record(GOOD_FIELDS, offsets={2: b"0004x"})),
    good=Example(raw=GOOD_ISO),
)

DIRECTORY_ENTRY_MISMATCH = rule(
    "MR109",
    "directory-entry-mismatch",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{count} of {total} directory entries do not point at their field ({value}); "
    "those fields were located in directory order by their terminators. Write the record "
    "out again to recompute the directory.",
    doc=sections(
        what="Each directory entry's length and offset land exactly on its field, in bytes.",
        why="Wrong offsets (records over 99,999 bytes, hand edits, character-counting "
        "writers) make readers return garbage for every later field.",
        example="BR-033: the last four offsets of a 120,511-byte record written as `00000`.",
        fix="Rewrite the record with a MARC tool that recomputes the directory; split "
        "records over 99,999 bytes.",
    ),
    bad=Example(raw=iso_record(GOOD_FIELDS, offsets={2: b"00003"})),
    good=Example(raw=GOOD_ISO),
)

TAG_MALFORMED = rule(
    "MR110",
    "tag-malformed",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Field tag {value!r} is not three letters or digits. Correct the tag.",
    doc=sections(
        what="Every tag is exactly three ASCII letters or digits.",
        why="A two-digit or empty tag cannot be written to ISO 2709 and is read as another "
        "field (pymarc pads `42` to `042`).",
        example='`<datafield tag="42">`; an Alma API field `INST`.',
        fix="Correct the tag at the source (local fields use 9XX).",
    ),
    bad=Example(raw=GOOD_MRK.encode() + b"=24  10$aA title\n"),
    good=Example(raw=GOOD_MRK.encode()),
)

INDICATOR_COUNT = rule(
    "MR111",
    "indicator-count-wrong",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Field {tag} {found} ({value!r}), where MARC 21 gives two indicators; {effect}. "
    "Correct the indicators.",
    doc=sections(
        what="Every data field starts with exactly two indicators.",
        why="pymarc pads or cuts the indicators with only a log line; the field's meaning "
        "(non-filing characters, title added entry) silently changes. erdq's rules judge "
        "the field with the missing indicators as blanks, but which two were meant cannot "
        "be told, so nothing erdq writes guesses them: `erdq marc convert` to ISO 2709 "
        "keeps the indicator area byte for byte, and to MARCXML, .mrk or MARC-in-JSON "
        "(which hold exactly two) skips the record and says why; `print2e` does not "
        "convert such a record and `marc edit` leaves it unedited. MARCXML and "
        "MARC-in-JSON give each indicator on its own: one missing, empty or longer than "
        "a character is read, and written on, as a blank or as its first character, "
        "and the message says which.",
        example="A 020 whose data starts with the subfield delimiter.",
        fix="Give the field its two indicators (blank is a space).",
    ),
    bad=Example(raw=iso_record((*GOOD_FIELDS, ("020", b"\x1fa9780306406157")))),
    good=Example(raw=GOOD_ISO),
)

SUBFIELD_CODE_INVALID = rule(
    "MR112",
    "subfield-code-invalid",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Field {tag}: a subfield delimiter is followed by {byte}, not a letter or digit; "
    "{kept}. A delimiter (0x1F) inside the text, or a code mangled by a conversion.",
    doc=sections(
        what="Each subfield delimiter (0x1F) is followed by a code that is an ASCII letter "
        "or digit.",
        why="A delimiter inside CJK text makes tools take half a character as the code; "
        "pymarc fails on the record, yaz-marcdump writes broken MARCXML.",
        example="BR-037: `$aTree stories.` then 0x1F before Chinese text; a code `ā`.",
        fix="Remove the stray delimiter or correct the code.",
    ),
    bad=Example(raw=iso_record((*GOOD_FIELDS, ("246", b"3 \x1f\xc4\x81Variant")))),
    good=Example(raw=GOOD_ISO),
)

EMPTY_SUBFIELD = rule(
    "MR113",
    "empty-subfield",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Field {tag} has an empty subfield ({value}: {reason}). Remove it or fill it in.",
    doc=sections(
        what="Every subfield has a code and some data.",
        why="Empty subfields make some parsers panic (two delimiters in a row) and show as "
        "blank labels in the discovery layer.",
        example='`$aNote$$btail`; `<subfield code="b"/>`.',
        fix="Delete the empty subfield.",
    ),
    bad=Example(raw=iso_record((*GOOD_FIELDS, ("500", b"  \x1faNote\x1f\x1fbtail")))),
    good=Example(raw=GOOD_ISO),
)

FIELD_TOO_LONG = rule(
    "MR114",
    "field-too-long",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Field {tag} is {size} bytes (as UTF-8); an ISO 2709 field cannot exceed 9,999 "
    "bytes. {remedy}.",
    doc=sections(
        what="No field is longer than 9,999 bytes, the most the 4-digit directory length "
        "can say. Checked in every format, since records are exchanged as ISO 2709.",
        why="Writers that do not check produce directories yaz-marcdump and others reject "
        "(BR-032); the record becomes unreadable after conversion.",
        example="A 505 contents note of about 12,000 characters.",
        fix="Split a repeatable field (505 at ` -- ` boundaries); shorten others.",
    ),
    bad=Example(raw=GOOD_MRK.encode() + ("=505  0\\$a" + "Chapter -- " * 1100 + "\n").encode()),
    good=Example(raw=GOOD_MRK.encode()),
)

LEADER_MALFORMED = rule(
    "MR115",
    "leader-malformed",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The leader {value!r} is malformed: {reason}. Correct it (positions 10-11 are "
    "`22`, 20-23 are `4500`).",
    doc=sections(
        what="The leader has 24 characters, `22` at 10-11 (indicator count, subfield code "
        "length) and `4500` at 20-23 (entry map); in MARCXML, .mrk and JSON 00-04 and "
        "12-16 are digits.",
        why="Readers use these positions to parse the record; a missing or shifted leader "
        "(record type, level, encoding unknown) also makes every leader-based rule guess.",
        example="`01794       00445       `; a MARCXML record with no `<leader>`.",
        fix="Restore the leader from the source record.",
    ),
    bad=Example(raw=iso_record(GOOD_FIELDS, leader_end=b" a 450 ")),
    good=Example(raw=GOOD_ISO),
)

LEADER_PLACEHOLDER = rule(
    "MR116",
    "leader-blank-placeholder",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The leader {value!r} uses {chars} where blanks (spaces) or digits belong; "
    "replace them with spaces (and the lengths with digits).",
    doc=sections(
        what="The leader holds spaces, not display placeholders such as `#`, `-` or `^`.",
        why="Alma and some editors show blanks as `#`; exports that keep them give "
        "records whose leader/09, 17 or 18 hold invalid values.",
        example="`01571nam#a2200469#cb4500`; `-----nas--2200553-i-4500`.",
        fix="Replace the placeholders with spaces (QA catalogue's `--fixAlma` does this).",
    ),
    bad=Example(raw=mrk("=001  ex0001", "=245  10$aA title", leader="01571nam#a2200469#cb4500")),
    good=Example(raw=GOOD_MRK.encode()),
)

XML_NOT_WELL_FORMED = rule(
    "MR117",
    "xml-not-well-formed",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.FILE,
    message="The XML is not well-formed at line {xml_line}: {reason}. Records the parser could "
    "recover were read; fix the XML so other tools can read the file.",
    doc=sections(
        what="A MARCXML file is well-formed XML with a single root element.",
        why="Standard XML tools refuse the whole file; erdq recovers what it can and names "
        "the line.",
        example="Seven `<record>` elements at the top level with no `<collection>`; an "
        "unclosed tag.",
        fix="Wrap the records in `<collection>`; correct the named line.",
    ),
    bad=Example(raw=_GOOD_XML.replace(b"</record>\n</collection>", b"</collection>")),
    good=Example(raw=_GOOD_XML),
)

XML_NAMESPACE = rule(
    "MR118",
    "xml-namespace-missing",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="The MARCXML records have {found} instead of the MARC 21 namespace "
    "http://www.loc.gov/MARC21/slim; they were read anyway. Add the namespace.",
    doc=sections(
        what="MARCXML elements are in the namespace `http://www.loc.gov/MARC21/slim` "
        "(MarcXchange namespaces are accepted).",
        why="Alma general publishing and others omit it; namespace-aware tools "
        "(Metafacture, the POD aggregator) then find zero records.",
        example="`<collection><record>…` with no `xmlns`.",
        fix='Add `xmlns="http://www.loc.gov/MARC21/slim"` to the root element (Alma: set '
        "the publishing profile's namespace option).",
    ),
    bad=Example(raw=_GOOD_XML.replace(b' xmlns="http://www.loc.gov/MARC21/slim"', b"")),
    good=Example(raw=_GOOD_XML),
)

LEADER_LENGTH_STALE = rule(
    "MR119",
    "leader-length-stale",
    level=_BIB,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="Leader/00-04 says {value} bytes, but the record would be {actual} bytes as ISO "
    "2709; the length was not recomputed after editing. Converters recompute it.",
    doc=sections(
        what="In MARCXML, .mrk and JSON, leader/00-04 is `00000` or the record's real "
        "ISO 2709 length.",
        why="A stale length shows the record was edited (whitespace collapsed, fields "
        "added) without its leader; a tool that copies the leader into ISO 2709 writes "
        "a broken record.",
        example="A UChicago MARCXML record whose 008 lost its blanks but kept its length.",
        fix="Nothing urgent; let the converter recompute lengths, or use `00000`.",
    ),
    bad=Example(raw=_GOOD_XML.replace(b"00000nam", b"01234nam")),
    good=Example(raw=_GOOD_XML),
)

MRK_LINE_INVALID = rule(
    "MR120",
    "mrk-line-invalid",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="A .mrk line cannot be read: {reason} ({value!r}). Write fields as "
    "`=TAG  data` with two spaces after the tag.",
    doc=sections(
        what="Each line of a MarcEdit mnemonic record is `=TAG  data`.",
        why="MarcEdit's MarcMaker skips or misreads lines of any other shape.",
        example="A line wrapped by an e-mail program; `=245 10$a…` with one space.",
        fix="Join wrapped lines; put two spaces after the tag.",
    ),
    bad=Example(raw=GOOD_MRK.encode() + b"continued text on its own line\n"),
    good=Example(raw=GOOD_MRK.encode()),
)

JSON_RECORD_INVALID = rule(
    "MR121",
    "json-record-invalid",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="MARC-in-JSON cannot be read: {reason} ({value!r}). Follow the MARC-in-JSON "
    "layout: fields as one-key objects, subfields as one-key objects.",
    doc=sections(
        what="The JSON is valid and follows MARC-in-JSON: `leader`, `fields` as a list of "
        "`{tag: value}` objects, data fields with `ind1`, `ind2`, `subfields`.",
        why="Other layouts are read by guesswork or not at all.",
        example='`{"fields": [{"245": ["a", "Title"]}]}`; a truncated line in JSON Lines.',
        fix="Export MARC-in-JSON with a MARC tool (pymarc `as_json`, MarcEdit).",
    ),
    bad=Example(raw=b'{"leader": "00000nam a2200000 a 4500", "fields": [{"245": 12}]}\n'),
    good=Example(
        raw=b'{"leader": "00000nam a2200000 a 4500", "fields": [{"001": "ex1"}, '
        b'{"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "A title"}]}}]}\n'
    ),
)

DIRECTORY_ORDER = rule(
    "MR122",
    "directory-order-differs",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{count} directory entr(y/ies) ({value}) point before the field listed ahead of "
    "them: the data is stored in another order than the directory lists it. Tools differ "
    "in which order they give repeated fields; write the record out again.",
    doc=sections(
        what="Directory entries list the fields in the order their data is stored (offsets "
        "increase).",
        why="A reader that follows the directory and one that follows the data give "
        "repeated fields (020, 336, 650) in different orders, so 'the first ISBN' or "
        "'the first subject' differs between systems.",
        example="marc4j's `unordered-directory-entries.mrc`: the second 020 entry points "
        "before the first.",
        fix="Rewrite the record with a MARC tool; check the order of repeated fields.",
    ),
    bad=Example(
        raw=iso_record(
            (*GOOD_FIELDS, ("500", b"  \x1faOne"), ("500", b"  \x1faTwo")),
            offsets={3: b"%05d" % 98, 4: b"%05d" % 89},
        )
    ),
    good=Example(raw=GOOD_ISO),
)

TRAILING_BYTES = rule(
    "MR123",
    "trailing-bytes",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="{count} byte(s) of {what} follow the last record; they were ignored. Remove "
    "them: pymarc and others read them as a broken record.",
    doc=sections(
        what="The file ends with the last record's terminator.",
        why="Fixed-block padding or a DOS end-of-file mark after the records makes strict "
        "readers report a bad record (pymarc: `RecordLengthInvalid`).",
        example="pymarc's `bad_indicator.dat`: a 1,159-byte record padded with spaces to "
        "1,980 bytes.",
        fix="Cut the file after the last 0x1D.",
    ),
    bad=Example(raw=GOOD_ISO + b" " * 40),
    good=Example(raw=GOOD_ISO),
)

XML_ELEMENT_UNEXPECTED = rule(
    "MR126",
    "xml-element-unexpected",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="An XML element <{element}> stands {where} (XML line {xml_line}), where MARCXML "
    "allows {allowed}; {kept}. Remove the markup: MARC 21 text has no formatting.",
    doc=sections(
        what="A MARCXML `<record>` holds only `<leader>`, `<controlfield>` and `<datafield>`; "
        "a `<datafield>` only `<subfield>`; a subfield, control field or leader only text.",
        why="HTML copied from a publisher's page (`<i>`, `<b>`, `<br/>`) or a local element "
        "is not MARC: tools that read only the text before the markup cut the title "
        "(`Tom <i>and</i> Jerry` becomes `Tom `), others drop the element. erdq keeps "
        "all the text and names the element.",
        example='`<subfield code="a">Tom <i>and</i> Jerry</subfield>`; a `<note>` element '
        "in a `<datafield>`.",
        fix="Delete the markup and keep its text (here `Tom and Jerry`); move local data "
        "into a 9XX field.",
    ),
    bad=Example(raw=_GOOD_XML.replace(b">A title<", b">A <i>fine</i> title<")),
    good=Example(raw=_GOOD_XML),
)

XML_TEXT_OUTSIDE_SUBFIELD = rule(
    "MR128",
    "xml-text-outside-subfield",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Field {tag} has text outside its subfields (XML line {xml_line}): {value!r}. "
    'It is in no subfield, so it was not read. Put it in a <subfield code="...">.',
    doc=sections(
        what="The text of a `<datafield>` stands in its `<subfield>` elements; only blanks "
        "(the indentation of pretty-printed XML) stand between them.",
        why="A datafield written by hand or by a tool that forgot the subfield element "
        '(`<datafield tag="500">A note</datafield>`) has its text in no subfield: '
        "every MARC reader drops it, and the record gets an empty field.",
        example='`<datafield tag="500" ind1=" " ind2=" ">A note.</datafield>`.',
        fix='Wrap the text in the subfield it belongs to: `<subfield code="a">A note.</subfield>`.',
    ),
    bad=Example(
        raw=_GOOD_XML.replace(
            b"</record>",
            b'<datafield tag="500" ind1=" " ind2=" ">A note.</datafield></record>',
        )
    ),
    good=Example(raw=_GOOD_XML),
)

XML_RECOVERED = rule(
    "MR127",
    "xml-record-repaired",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The XML of this record is broken at line {xml_line} ({reason}) and was read "
    "only after the parser repaired it: {effect}. Correct the XML (write & as &amp; and "
    "< as &lt; in text, close every element) and check the value.",
    doc=sections(
        what="Each record is well-formed XML, so that it reads the same in every tool.",
        why="To read a broken file at all the XML parser repairs it, and a repair changes "
        "the data: an unescaped `&` is dropped (`Tom & Jerry` becomes `Tom  Jerry`), a "
        "record whose `</record>` is missing swallows the next one. Strict tools refuse "
        "the whole file. The file-level MR117 names the line; this names the record and "
        "field whose value may differ from the file.",
        example='`<subfield code="a">Tom & Jerry</subfield>`; a `<record>` with no '
        "`</record>` before the next `<record>`.",
        fix="Escape `&` as `&amp;` and `<` as `&lt;`; add the missing end tag; then check "
        "the value named.",
    ),
    bad=Example(raw=_GOOD_XML.replace(b">A title<", b">A & title<")),
    good=Example(raw=_GOOD_XML),
)

# -- record checkers ---------------------------------------------------------------------

_PLACEHOLDERS = marc21.LEADER_PLACEHOLDERS


def _remedy(tag: str) -> str:
    """How to bring a field under 9,999 bytes: split a repeatable one, shorten another."""
    known = marc21.field_def(tag)
    if known is not None and not known.repeatable:
        return f"{tag} is not repeatable: shorten it (move detail to a note field)"
    return f"Split it into several {tag} fields, or shorten it"


@record_check(FIELD_TOO_LONG, RECORD_TOO_LONG, LEADER_LENGTH_STALE, any_format=True)
def check_sizes(item: MarcItem, ctx: RecordContext) -> None:
    record = item.record
    iso = item.format == "iso2709"
    if iso and item.raw is not None and len(item.raw) <= MAX_ISO_FIELD // 2:
        return  # even as UTF-8 (at most twice the MARC-8 bytes) no field can be too long
    sizes = [(field.tag, field_size(field)) for field in record.fields]
    for tag, size in sizes:
        if size > MAX_ISO_FIELD:
            ctx.report("MR114", item.ordinal, tag=tag, value=tag, size=size, remedy=_remedy(tag))
    if iso:
        return  # the reader has compared the leader with the real bytes
    total = 24 + 12 * len(sizes) + 1 + sum(size for _, size in sizes) + 1
    declared = str(record.leader)[:5]
    if total > MAX_ISO_RECORD:
        ctx.report("MR103", item.ordinal, value=declared, actual=total)
    elif (
        declared.isdigit()
        and declared != "00000"
        and int(declared) != total
        and str(record.leader)[9] == "a"  # a MARC-8 record's length is in MARC-8 bytes
    ):
        ctx.report("MR119", item.ordinal, value=declared, actual=total)


@record_check(LEADER_MALFORMED, LEADER_PLACEHOLDER, any_format=True)
def check_leader(item: MarcItem, ctx: RecordContext) -> None:
    leader = str(item.record.leader)
    placeholders = sorted(set(_PLACEHOLDERS.findall(leader)))
    if placeholders:
        chars = " and ".join(f"'{c}'" for c in placeholders)
        ctx.report("MR116", item.ordinal, value=leader, chars=chars)
        leader = _PLACEHOLDERS.sub(" ", leader)
    if item.memo.get("leader_reported"):
        return
    problems = []
    if leader[10:12] != "22":
        problems.append(f"10-11 are {leader[10:12]!r}, not '22'")
    if leader[20:24] != "4500":
        problems.append(f"20-23 are {leader[20:24]!r}, not '4500'")
    if item.format != "iso2709":
        for start, end in ((0, 5), (12, 17)):
            part = leader[start:end]
            if not part.isdigit() and part.strip():
                problems.append(f"{start:02d}-{end - 1:02d} are {part!r}, not digits")
    if problems:
        ctx.report("MR115", item.ordinal, value=str(item.record.leader), reason="; ".join(problems))
