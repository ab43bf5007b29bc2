"""MR5xx: character encoding — what the bytes really are against what leader/09 claims,
MARC-8 that does not decode, and text faults in any format (U+FFFD, mojibake, decomposed
Unicode, characters NFC would replace, control characters, delimiters inside data).

The byte-level rules (MR501-MR505, MR507) are reported by the ISO 2709 reader, which
decodes each record by the evidence (``erdq.charset``); the text rules run on the decoded
record whatever its format. Every finding names a repair; ``safe_repairs`` applies the
ones that cannot lose information and describes each.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymarc import Leader
from pymarc.field import Subfield

from erdq import charset
from erdq.findings import Level, Severity
from erdq.readers.iso2709 import PRINTABLE_ASCII
from erdq.readers.marc import MarcItem
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.marc.base import RecordContext, record_check
from erdq.rules.marc.iso_examples import GOOD_FIELDS, GOOD_ISO, GOOD_MRK, iso_record, mrk

_BIB = Level.BIBLIOGRAPHIC
_MARC8_LEADER = b"nam  22"


def _title(data: bytes, leader: bytes = b"nam a22") -> bytes:
    """A record whose 245 $a holds ``data`` (raw bytes), with leader/05-11 ``leader``."""
    fields = [f for f in GOOD_FIELDS if f[0] != "245"]
    return iso_record((*fields, ("245", b"10\x1fa" + data)), leader=leader)


UTF8_UNDER_MARC8 = rule(
    "MR501",
    "utf8-under-marc8-leader",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Leader/09 is {value} (MARC-8) but the text is UTF-8 ({sample!r}); it was read as "
    "UTF-8. Repair: set leader/09 to 'a'.",
    doc=sections(
        what="A record whose text is UTF-8 (or, in MARCXML and JSON, Unicode) says so with "
        "leader/09 = `a`.",
        why="Tools that trust leader/09 decode each UTF-8 letter as two MARC-8 characters: "
        "`Zelená` becomes `Zelen©Ł` (pymarc), and the damage is saved on the next export.",
        example="BR-042: leader/09 blank, 245 `Zelená kniha /` in UTF-8.",
        fix="Set leader/09 to `a` (a safe repair: `--repair-encoding` applies it).",
    ),
    bad=Example(raw=_title("Zelená kniha /".encode(), _MARC8_LEADER)),
    good=Example(raw=_title("Zelená kniha /".encode())),
)

MARC8_UNDER_UTF8 = rule(
    "MR502",
    "marc8-under-utf8-leader",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Leader/09 is {value} (UTF-8) but the bytes are MARC-8 ({sample!r}); they were "
    "decoded as MARC-8. Repair: convert the record to UTF-8 (leader/09 stays 'a').",
    doc=sections(
        what="A record flagged UTF-8 really holds UTF-8, not MARC-8 (ANSEL diacritics before "
        "their letter, escape sequences).",
        why="UTF-8 decoding fails on MARC-8 bytes: pymarc raises `UnicodeDecodeError` and "
        "the record is lost, or the letters are replaced by U+FFFD.",
        example="BR-045: leader/09 `a`, 245 bytes `Caf E2 65`.",
        fix="Convert from MARC-8 to UTF-8 (a safe repair: `--repair-encoding` applies it).",
    ),
    bad=Example(raw=_title(b"Caf\xe2e con leche /")),
    good=Example(raw=_title(b"Caf\xe2e con leche /", _MARC8_LEADER)),
)

UTF8_INVALID = rule(
    "MR503",
    "utf8-invalid",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Field {tag} holds bytes that are not valid UTF-8 ({bytes}); they were read as "
    "Windows-1252: {value!r}. Correct the characters from the source record.",
    doc=sections(
        what="UTF-8 text is valid UTF-8 throughout.",
        why="Invalid sequences come from truncated multi-byte characters or text pasted "
        "from a Windows-1252 source; strict readers reject the record, others turn the "
        "letters into U+FFFD. erdq reads the bytes as Windows-1252 and reports them.",
        example="`Zelen\\xc3 kniha` (a cut `á`).",
        fix="Re-enter the affected characters; find the step that cut or mixed them.",
    ),
    bad=Example(raw=_title("Zelená kniha, Nová ".encode() + b"\xc3 /")),
    good=Example(raw=_title("Zelená kniha /".encode())),
)

CODE_PAGE = rule(
    "MR504",
    "code-page-encoding",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The record's text is neither MARC-8 nor UTF-8; by its bytes it is most likely "
    "{encoding} (a guess: check the text) and was read as such: {value!r}. Repair: check a "
    "few titles, then convert it from {encoding} to UTF-8 and set leader/09 to 'a'.",
    doc=sections(
        what="Text is MARC-8 or UTF-8, the two encodings MARC 21 allows. Single-byte code "
        "pages (Windows-1251, Windows-1252, KOI8-R…) are detected with charset-normalizer; "
        "Latin-1 or Windows-1252 accented letters under a blank leader/09 are told from "
        "MARC-8 by where the would-be diacritics stand (MARC-8 puts them before a letter, "
        "never at a word's end). Where Windows-1252 and Windows-1250 read the bytes equally "
        "well (short text), Windows-1252 is named. The code page is always a guess.",
        why="No MARC tool reads a code page correctly: Cyrillic or accented titles turn "
        "into ANSEL diacritics and symbols.",
        example="pymarc's `1251.dat`: `Ильина` as bytes `C8 EB FC E8 ED E0`.",
        fix="Convert the record from the named code page to UTF-8 after checking a few "
        "titles (the detection is a likelihood, so this repair is not automatic).",
    ),
    bad=Example(
        raw=_title(
            "Ильина, Татьяна Николаевна. Основы гидравлического расчета инженерных сетей /".encode(
                "cp1251"
            ),
            _MARC8_LEADER,
        )
    ),
    good=Example(raw=_title("Ильина, Татьяна /".encode())),
)

MARC8_INVALID = rule(
    "MR505",
    "marc8-invalid",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Field {tag} has MARC-8 that does not decode: {problem} ({count} problem(s)); "
    "read as {value!r}. Correct the characters from the source record.",
    doc=sections(
        what="MARC-8 text uses only defined characters and complete escape sequences; CJK "
        "(EACC) characters are whole 3-byte groups; diacritics stand before letters.",
        why="Broken escapes and misaligned CJK bytes make converters drop, replace or "
        "garble characters (pymarc prints warnings or raises).",
        example="`Soci ESC t E2 e`: an escape sequence where `é` belongs.",
        fix="Correct the characters in the source record and convert it to UTF-8.",
    ),
    bad=Example(raw=_title(b"Soci\x1bt\xe2e linn\xe2eenne /", _MARC8_LEADER)),
    good=Example(raw=_title(b"Soci\xe2et\xe2e linn\xe2eenne /", _MARC8_LEADER)),
)

LEADER_ENCODING_INVALID = rule(
    "MR506",
    "leader-encoding-invalid",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Leader/09 is {value}; it must be a blank (MARC-8) or 'a' (UTF-8). The text was "
    "read as {encoding}; set leader/09 accordingly.",
    doc=sections(
        what="Leader/09 (character coding scheme) is a blank or `a`.",
        why="Any other value leaves each tool to guess the encoding, differently.",
        example="A leader whose position 09 is the control character 0x14.",
        fix="Set leader/09 to `a` for UTF-8 records.",
    ),
    bad=Example(raw=mrk("=001  ex0001", "=245  10$aA title", leader="00000nam x2200000 a 4500")),
    good=Example(raw=GOOD_MRK.encode()),
)

MARC8_RECORDS = rule(
    "MR507",
    "marc8-encoding",
    level=_BIB,
    severity=Severity.INFO,
    scope=Scope.FILE,
    message="{count} record(s) of this file hold MARC-8 characters, starting with record {line}. "
    "Repair: convert them to UTF-8 (leader/09 'a').",
    doc=sections(
        what="Records are in UTF-8. MARC-8 is still legal MARC 21 but no longer current.",
        why="Every MARC-8 record must be converted before web display and indexing; "
        "converters differ on the characters LC added in 2004-2005 (eszett, euro).",
        example="A vendor file with leader/09 blank and ANSEL diacritics.",
        fix="Convert to UTF-8 (a safe repair: `--repair-encoding` applies it).",
    ),
    bad=Example(raw=_title(b"Caf\xe2e con leche /", _MARC8_LEADER)),
    good=Example(raw=GOOD_ISO),
)

REPLACEMENT_CHARACTER = rule(
    "MR508",
    "marc-replacement-character",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Field {tag} contains U+FFFD (�): characters were lost in an earlier conversion "
    "({value!r}). Restore the text from the source.",
    doc=sections(
        what="No U+FFFD replacement characters in the text.",
        why="U+FFFD marks bytes an earlier step could not decode; the letters are gone.",
        example="`Zeitschrift f�r`; a subfield code replaced by `�`.",
        fix="Re-enter the affected text from the publisher's data or the item itself.",
    ),
    bad=Example(raw=mrk("=001  ex0001", "=245  10$aZeitschrift f\ufffdr Invention")),
    good=Example(raw=mrk("=001  ex0001", "=245  10$aZeitschrift für Invention")),
)

MOJIBAKE = rule(
    "MR509",
    "marc-mojibake",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Field {tag} {value!r} is double-encoded UTF-8 (mojibake); it should read "
    "{fixed!r}. Repair: the fix shown (ftfy).",
    doc=sections(
        what="Text is not UTF-8 that was read as Latin-1/Windows-1252 and encoded again "
        "(once or many times).",
        why="Garbled titles do not match searches or citations; repeated double-encoding "
        "can grow a title to hundreds of kilobytes.",
        example="`MetsÃ¤talous` for `Metsätalous` (NatLibFi `marc-broken.xml`).",
        fix="Apply the repair shown (safe when ftfy is confident: `--repair-encoding`).",
    ),
    bad=Example(raw=mrk("=001  ex0001", "=245  10$aÃ‰tudes InventÃ©es")),
    good=Example(raw=mrk("=001  ex0001", "=245  10$aÉtudes Inventées")),
)

NOT_NFC = rule(
    "MR510",
    "unicode-not-nfc",
    level=_BIB,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="{count} value(s) hold decomposed Unicode (a letter followed by a combining mark), "
    "first in field {tag}: {value!r}. Repair: compose each letter with its marks (as NFC "
    "does), which changes nothing else.",
    doc=sections(
        what="Text is in Unicode normalisation form C (precomposed letters where they exist).",
        why="`é` as `e` + U+0301 and `é` as U+00E9 look the same but do not match in exact "
        "search, deduplication or sorting; records converted from MARC-8 are often "
        "decomposed.",
        example="`Se\\u0301ance` instead of `Séance`.",
        fix="Compose the letters and their marks (a safe repair: `--repair-encoding` applies "
        "it). Characters NFC would replace on their own are not touched (MR514).",
    ),
    bad=Example(raw=mrk("=001  ex0001", "=245  10$aCafe\u0301 con leche")),
    good=Example(raw=mrk("=001  ex0001", "=245  10$aCafé con leche")),
)

CONTROL_CHARACTERS = rule(
    "MR511",
    "marc-control-characters",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Field {tag} contains control character(s) {chars}: {value!r}. Remove them.",
    doc=sections(
        what="Data contains no control characters (C0, DEL, C1) other than MARC's own "
        "non-sorting markers (U+0098, U+009C).",
        why="Invisible characters break matching and are not allowed in XML: a MARCXML "
        "export of the record fails.",
        example="marc4j's `bad-characters-in-various-fields.mrc` (0x14 in data).",
        fix="Delete the characters.",
    ),
    bad=Example(raw=mrk("=001  ex0001", "=245  10$aAn invented\x07 title")),
    good=Example(raw=GOOD_MRK.encode()),
)

DELIMITER_IN_DATA = rule(
    "MR512",
    "delimiter-in-data",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Field {tag} has a MARC delimiter or terminator ({chars}) inside its text: "
    "{value!r}. As ISO 2709 it would split the field; remove it.",
    doc=sections(
        what="Text holds no subfield delimiter (U+001F), field terminator (U+001E) or "
        "record terminator (U+001D).",
        why="Written to ISO 2709 the character becomes structure: a new subfield with half "
        "a CJK character as its code (BR-037), or a broken field.",
        example="A JSON subfield value containing `\\u001f`.",
        fix="Remove the character (or the subfield it starts, if it was meant).",
    ),
    bad=Example(raw=mrk("=001  ex0001", "=245  10$aTree stories.\x1f树上")),
    good=Example(raw=GOOD_MRK.encode()),
)

MIXED_ENCODINGS = rule(
    "MR513",
    "mixed-encodings",
    level=_BIB,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="The file mixes encodings: {marc8} record(s) say MARC-8 (leader/09 blank) and "
    "{utf8} say UTF-8 (leader/09 'a'). Convert them all to UTF-8 record by record.",
    doc=sections(
        what="All records of a file whose text goes beyond ASCII have the same leader/09 "
        "(a record of plain ASCII reads the same in MARC-8 and UTF-8, so its leader/09 "
        "does not count).",
        why="File-level converters (`yaz-marcdump -f marc8 -t utf8`, MarcEdit's character "
        "conversion) apply one conversion to every record, which garbles the records "
        "that were already in the other encoding.",
        example="marc4j's `chinese_mangled_multibyte.mrc`: three MARC-8 records and one UTF-8.",
        fix="Convert record by record (erdq's `--repair-encoding` does), then check.",
    ),
    bad=Example(raw=_title(b"Caf\xe2e /", _MARC8_LEADER) + _title("Café /".encode())),
    good=Example(raw=_title("Café /".encode()) + _title("Thé /".encode())),
)

SINGLETONS = rule(
    "MR514",
    "unicode-singleton-characters",
    level=_BIB,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="Field {tag} holds {chars}, which Unicode normalisation (NFC) replaces: {value!r}. "
    "erdq leaves them as written; keep them if they are deliberate, or replace them with "
    "the character shown after the arrow.",
    doc=sections(
        what="Notes characters that NFC replaces by another character on their own, with no "
        "combining mark involved: singleton mappings (U+212B ANGSTROM SIGN → Å, U+2126 OHM "
        "SIGN → Ω, the CJK compatibility ideographs U+F900-FAFF) and composition "
        "exclusions (Hebrew presentation forms).",
        why="A system that normalises to NFC (many indexes and discovery layers do) "
        "rewrites them, so the record may not match itself after a round trip; the CJK "
        "compatibility ideographs are used on purpose in Korean and Japanese records.",
        example="`Unit \u212b` (ANGSTROM SIGN) where `Unit Å` was meant.",
        fix="Keep them if they are deliberate; otherwise replace each with the character "
        "shown. Not a safe repair: `--repair-encoding` leaves them alone.",
    ),
    bad=Example(raw=mrk("=001  ex0001", "=245  10$aUnits in \u212bngstr\u00f6m")),
    good=Example(raw=mrk("=001  ex0001", "=245  10$aUnits in \u00c5ngstr\u00f6m")),
)

# -- record checkers ---------------------------------------------------------------------

_PLACEHOLDER_BLANKS = "#^-"


def _values(record):
    for field in record.fields:
        if field.control_field:
            yield field.tag, None, field.data or ""
        else:
            for sub in field.subfields:
                yield field.tag, sub.code, sub.value


@record_check(UTF8_UNDER_MARC8, LEADER_ENCODING_INVALID, any_format=True)
def check_leader_encoding(item: MarcItem, ctx: RecordContext) -> None:
    flag = str(item.record.leader)[9]
    if flag not in (" ", "a") and flag not in _PLACEHOLDER_BLANKS:
        read_as = "Unicode" if item.encoding == "unicode" else (item.encoding or "?").upper()
        ctx.report("MR506", item.ordinal, value=repr(flag), encoding=read_as)
    if item.format in ("marcxml", "json") and flag != "a":
        for tag, _, value in _values(item.record):
            if not value.isascii():
                ctx.report("MR501", item.ordinal, tag=tag, value=repr(flag), sample=value[:80])
                return


def _suspect_values(record):
    """``_values`` less the fields whose text is all printable ASCII (most of them),
    which the text rules have nothing to say about; tested a field at a time."""
    for field in record.fields:
        if field.control_field:
            data = field.data or ""
            if not (data.isascii() and data.isprintable()):
                yield field.tag, None, data
            continue
        subfields = field.subfields
        text = "".join([sub.value for sub in subfields])
        if text.isascii() and text.isprintable():
            continue
        tag = field.tag
        for sub in subfields:
            yield tag, sub.code, sub.value


_CHINESE_008 = "=008  150529s2015    cc      o     000 0 chi d"
CJK_MOJIBAKE = rule(
    "MR515",
    "cjk-code-page-mojibake",
    level=_BIB,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Field {tag} ${subfield} {value!r} is {encoding} text read as Windows-1252: "
    "it reads {text!r} so. Convert the source again in its own encoding (excel2marc "
    "--encoding) rather than editing the record.",
    doc=sections(
        what="Text in a Chinese, Japanese or Korean Windows code page (GB 18030, Big5, "
        "Shift JIS, EUC-KR) that was read as Windows-1252 and stored as Latin-1 letters: "
        "its characters' Windows-1252 bytes read without error in the code page, as its "
        "everyday characters. The record's language (008/35-37) decides between readings "
        "the bytes allow equally.",
        why="A vendor list saved by Excel as plain 'CSV' on Chinese Windows, opened as "
        "Western text, makes every title and name mojibake; each character is a valid "
        "Latin-1 letter, so the records pass every other rule and no reader finds them. "
        "ftfy repairs UTF-8 read as Windows-1252 (MR509), not these.",
        example="`880 $a ºìÂ¥ÃÎ` for `红楼梦`.",
        fix="Go back to the source: convert the vendor's list again with its encoding "
        "(`erdq excel2marc list.csv --encoding gb18030`), or ask for the records again. "
        "The reading shown is a suggestion, not a repair: a short text may read in two "
        "code pages.",
    ),
    bad=Example(
        raw=mrk("=001  ex0001", _CHINESE_008, "=245  10$a\u00ba\u00ec\u00c2\u00a5\u00c3\u00ce")
    ),
    good=Example(raw=mrk("=001  ex0001", _CHINESE_008, "=245  10$a\u7ea2\u697c\u68a6")),
)


def _language(item: MarcItem) -> str:
    field = item.record.get("008") if item.record is not None else None
    data = field.data if field is not None and field.data else ""
    return data[35:38] if len(data) >= 38 else ""


@record_check(
    REPLACEMENT_CHARACTER,
    MOJIBAKE,
    CJK_MOJIBAKE,
    NOT_NFC,
    CONTROL_CHARACTERS,
    DELIMITER_IN_DATA,
    SINGLETONS,
    any_format=True,  # MARC 21 character sets are shared by every format
)
def check_text(item: MarcItem, ctx: RecordContext) -> None:
    if item.memo.get(PRINTABLE_ASCII):
        return  # most records: the reader saw nothing but printable ASCII in the values
    report = ctx.report
    ordinal = item.ordinal
    decomposed = 0
    first: tuple[str, str] | None = None
    for tag, code, value in _suspect_values(item.record):
        if value.isascii():
            if value.isprintable():
                continue
        else:
            if "\ufffd" in value:
                report("MR508", ordinal, tag=tag, subfield=code, value=value)
            fixed = charset.mojibake_fix(value)
            if fixed is not None:
                report("MR509", ordinal, tag=tag, subfield=code, value=value, fixed=fixed)
                value = fixed  # C1 characters inside mojibake are part of it, not controls
            elif code is not None and (read := charset.cjk_mojibake(value, _language(item))):
                name = charset.code_page_label(read[1])
                report("MR515", ordinal, tag=tag, subfield=code, value=value, text=read[0],
                       encoding=name)  # fmt: skip
            if not charset.is_nfc(value):
                if charset.compose_marks(value) != value:
                    decomposed += 1
                    first = first or (tag, value)
                alone = charset.singletons(value)
                if alone:
                    chars = ", ".join(map(charset.describe_singleton, alone))
                    report("MR514", ordinal, tag=tag, subfield=code, value=value, chars=chars)
        delimiters = charset.DELIMITER_RE.findall(value)
        if delimiters:
            chars = " ".join(sorted({f"U+{ord(c):04X}" for c in delimiters}))
            report("MR512", ordinal, tag=tag, subfield=code, value=value, chars=chars)
        if charset.CONTROL_RE.search(value):
            chars = charset.control_names(value)
            report("MR511", ordinal, tag=tag, subfield=code, value=value, chars=chars)
    if first is not None:
        report("MR510", ordinal, tag=first[0], value=first[1], count=decomposed)


# -- safe repairs ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Repair:
    """One change ``safe_repairs`` made, described for the user."""

    code: str  # the finding it answers
    description: str
    tag: str | None = None
    subfield: str | None = None
    before: str | None = None
    after: str | None = None


def safe_repairs(item: MarcItem) -> list[Repair]:
    """Apply to ``item.record`` only the repairs that cannot lose information, and say
    what each did: double-encoded text fixed when ftfy is confident, letters and their
    combining marks composed (NFC for those sequences only: a character NFC replaces on
    its own, such as U+212B ANGSTROM SIGN, stays as written), and leader/09 set to 'a'
    for text that is (now) Unicode — MARC-8 that was converted on reading, or UTF-8
    under a MARC-8 leader. Code-page and invalid-UTF-8 records are left alone: their
    decoding is a guess."""
    repairs: list[Repair] = []
    record = item.record
    non_ascii = False
    for field in record.fields:
        if field.control_field:
            data = field.data or ""
            if not data.isascii():
                non_ascii = True
                field.data = _repair_value(data, field.tag, None, repairs)
            continue
        for index, sub in enumerate(field.subfields):
            if sub.value.isascii():
                continue
            non_ascii = True
            value = _repair_value(sub.value, field.tag, sub.code, repairs)
            if value != sub.value:
                field.subfields[index] = Subfield(sub.code, value)
    leader = str(record.leader)
    if item.encoding == "marc-8":
        # The text was decoded from MARC-8 on reading; written out, it is UTF-8.
        code = "MR502" if leader[9] == "a" else "MR507"
        why = "converted from MARC-8 to UTF-8"
    elif leader[9] != "a" and non_ascii and item.encoding in ("utf-8", "unicode"):
        code, why = "MR501", "the text is UTF-8"
    else:
        return repairs
    record.leader = Leader(leader[:9] + "a" + leader[10:])
    repairs.append(Repair(code, f"{why}; leader/09 is 'a'", before=leader[9], after="a"))
    return repairs


def _repair_value(value: str, tag: str, code: str | None, repairs: list[Repair]) -> str:
    fixed = charset.mojibake_fix(value)
    if fixed is not None:
        repairs.append(Repair("MR509", "double-encoded UTF-8 repaired", tag, code, value, fixed))
        value = fixed
    composed = charset.compose_marks(value)
    if composed != value:
        what = "letters and their combining marks composed (NFC); nothing else changed"
        repairs.append(Repair("MR510", what, tag, code, value, composed))
        value = composed
    return value
