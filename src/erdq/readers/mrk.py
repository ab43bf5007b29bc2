"""MarcEdit's mnemonic text format (.mrk / .mrk8): read one record at a time, and write.

One line per field: ``=TAG  data``. In the leader and control fields a backslash stands
for a blank; in data fields the first two characters are the indicators (backslash =
blank) and ``$`` starts a subfield. Characters that cannot be written as themselves are
mnemonics in braces: ``{dollar}`` for "$", ``{lcub}``/``{rcub}`` for braces, and the
MARC-8 names (``{acute}e``: the diacritic first, as in MARC-8). Records are separated by
a blank line. The writer keeps letters as UTF-8 and escapes only "$", braces and (in
control fields) backslashes, so reading and writing a UTF-8 record is lossless.

For a converter, ``Parsed.memo`` says what the record model cannot: ``"marc8_mnemonics"``
when a MARC-8 mnemonic stood for a character outside ASCII (the text is then MARC-8
decoded to Unicode, though the file is plain text), and ``"indicators_as_read"`` {field
position: text} for each data field whose indicator area (what stands before the first
``$``, backslashes read as blanks) is not two characters (MR111, MR120).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pymarc import Field, Leader, Record
from pymarc import marc8_mapping as _mapping
from pymarc.field import Indicators, Subfield

from erdq import charset
from erdq.readers.marc import INDICATORS_KEPT, Parsed
from erdq.readers.marcxml import control_field

if TYPE_CHECKING:
    from erdq.readers.marc import MarcReader, Source

# MARCMaker/MarcEdit character mnemonics and the MARC-8 bytes they stand for (LC's
# MARCMaker documentation; ANSEL code points).
MNEMONICS: dict[str, bytes] = {
    "dollar": b"$", "lcub": b"{", "rcub": b"}", "bsol": b"\\", "esc": b"\x1b",
    "joiner": b"\x8d", "nonjoin": b"\x8e",
    "Lstrok": b"\xa1", "Ostrok": b"\xa2", "Dstrok": b"\xa3", "THORN": b"\xa4",
    "AElig": b"\xa5", "OElig": b"\xa6", "softsign": b"\xa7", "prime": b"\xa7",
    "middot": b"\xa8", "flat": b"\xa9", "reg": b"\xaa", "plusmn": b"\xab",
    "Ohorn": b"\xac", "Uhorn": b"\xad", "mlrhring": b"\xae", "alif": b"\xae",
    "mllhring": b"\xb0", "ayn": b"\xb0", "lstrok": b"\xb1", "ostrok": b"\xb2",
    "dstrok": b"\xb3", "thorn": b"\xb4", "aelig": b"\xb5", "oelig": b"\xb6",
    "hardsign": b"\xb7", "dprime": b"\xb7", "inodot": b"\xb8", "pound": b"\xb9",
    "eth": b"\xba", "ohorn": b"\xbc", "uhorn": b"\xbd", "deg": b"\xc0",
    "scriptl": b"\xc1", "phono": b"\xc2", "copy": b"\xc3", "sharp": b"\xc4",
    "iquest": b"\xc5", "iexcl": b"\xc6", "esz": b"\xc7", "szlig": b"\xc7",
    "euro": b"\xc8", "hooka": b"\xe0", "grave": b"\xe1", "acute": b"\xe2",
    "circ": b"\xe3", "tilde": b"\xe4", "macr": b"\xe5", "breve": b"\xe6",
    "dot": b"\xe7", "uml": b"\xe8", "umlaut": b"\xe8", "caron": b"\xe9",
    "ring": b"\xea", "llig": b"\xeb", "rlig": b"\xec", "rcommaa": b"\xed",
    "dblac": b"\xee", "candra": b"\xef", "cedil": b"\xf0", "ogon": b"\xf1",
    "dotb": b"\xf2", "dbldotb": b"\xf3", "ringb": b"\xf4", "dblunder": b"\xf5",
    "under": b"\xf6", "commab": b"\xf7", "rcedil": b"\xf8", "breveb": b"\xf9",
    "ldbltil": b"\xfa", "rdbltil": b"\xfb", "commaa": b"\xfe",
}  # fmt: skip
_MNEMONIC_RE = re.compile(r"\{([A-Za-z0-9]+)\}")
# Mnemonics for characters outside ASCII ({esc} switches to another MARC-8 set).
_MARC8_NAMES = frozenset(name for name, code in MNEMONICS.items() if code[0] >= 0x80) | {"esc"}
_ANSEL = _mapping.CODESETS[0x45]
_TAG_RE = re.compile(r"^[0-9A-Za-z]{3}$")

# The MR120 reason of a line that is no field at all: its text is in no field read.
NOT_A_FIELD_LINE = "it does not start with =TAG"


def decode_mnemonics(text: str) -> tuple[str, list[str]]:
    """Replace mnemonics; returns (text, MARC-8 problems). Unknown names stay as written.

    ASCII text with MARC-8 mnemonics is rebuilt as MARC-8 bytes and decoded, so that
    diacritics land after their letters and escapes ({esc}) work; in text that already
    holds other letters, each mnemonic is replaced by its Unicode character."""
    if "{" not in text:
        return text, []
    parts = _MNEMONIC_RE.split(text)
    names = parts[1::2]
    if not any(name in MNEMONICS for name in names):
        return text, []
    if all(part.isascii() for part in parts[0::2]):
        data = b"".join(
            part.encode("ascii")
            if i % 2 == 0
            else MNEMONICS.get(part, b"{" + part.encode("ascii") + b"}")
            for i, part in enumerate(parts)
        )
        return charset.marc8_decode(data)
    out: list[str] = []
    pending = ""  # combining marks waiting for their base letter
    for i, part in enumerate(parts):
        if i % 2 == 0:
            if part and pending:
                part, pending = part[0] + pending + part[1:], ""
            out.append(part)
            continue
        code = MNEMONICS.get(part)
        if code is None:
            out.append("{" + part + "}")
        elif code[0] < 0x80:
            out.append(code.decode("ascii"))
        else:
            char, combining = _ANSEL[code[0]]
            if combining:
                pending += chr(char)
            else:
                out.append(chr(char))
    return "".join(out) + pending, []


def iter_mrk(source: Source, reader: MarcReader) -> Iterator[Parsed]:
    """Records of a .mrk file, one blank-line-separated block at a time."""
    block: list[tuple] = []  # (offset, text) or (offset, text, bytes not UTF-8)
    offset = start = 0
    for raw in _lines(source):
        text, bad = _decode_line(raw)
        stripped = text.strip()
        if not stripped or (stripped.upper().startswith("=LDR") and block):
            if block:
                yield parse_record(block, start)
                block = []
            if not stripped:
                offset += len(raw)
                continue
        if not block:
            start = offset
        block.append((offset, text) if bad is None else (offset, text, bad))
        offset += len(raw)
    if block:
        yield parse_record(block, start)


def _lines(source: Source) -> Iterator[bytes]:
    carry = b""
    while True:
        chunk = source.read(1 << 20)
        if not chunk:
            break
        lines = (carry + chunk).split(b"\n")
        carry = lines.pop()
        for line in lines:
            yield line + b"\n"
    if carry:
        yield carry


def _decode_line(raw: bytes) -> tuple[str, str | None]:
    """(text, the bytes that are not UTF-8 in hex, or None). A line is UTF-8 wherever its
    bytes are: only a byte sequence that is not (a cut letter, a Windows-1252 letter) is
    read as Windows-1252, as the ISO 2709 reader does for a value."""
    text = raw.rstrip(b"\r\n")
    try:
        return text.decode("utf-8").lstrip("\ufeff"), None
    except UnicodeDecodeError:
        pass
    bad = []
    data = text
    while True:
        try:
            data.decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            bad.append(data[exc.start : exc.end].hex(" ").upper())
            data = data[exc.end :]
    decoded = text.decode("utf-8", errors="erdq-cp1252").lstrip("\ufeff")
    return decoded, " ".join(bad)


def parse_record(block: list[tuple], start: int) -> Parsed:
    """One record from its lines, each (byte offset, text without the line ending) or,
    for a line that was not all UTF-8, (byte offset, text, those bytes in hex).
    ``start``: the record's byte offset."""
    parsed = Parsed(record=None, offset=start, format="mrk", encoding="unicode")
    note = parsed.note
    leader: str | None = None
    fields: list[Field] = []
    raw_letters = False
    marc8 = False
    for entry in block:
        line = entry[1]
        tagged = line.startswith("=") and len(line) >= 4
        if len(entry) > 2:
            parsed.encoding = charset.UTF8_INVALID
            tag = line[1:4] if tagged else "(a line with no =TAG)"
            text = line[6:] if tagged and line[4:6] == "  " else line[4:] if tagged else line
            note("MR503", tag=tag, value=text[:80], bytes=entry[2])
        if not tagged:
            note("MR120", value=line[:80], reason=NOT_A_FIELD_LINE)
            continue
        tag, data = line[1:4], line[4:]
        if data.startswith("  "):
            data = data[2:]
        elif " " in tag:  # "=65  ...": a tag typed short, not a missing space
            note("MR120", value=line[:80], reason=f"the tag {tag.strip()!r} is not 3 characters")
            data = data.lstrip(" ")
        else:
            note("MR120", value=line[:80], reason="two spaces must follow the tag")
            data = data.lstrip(" ")
        raw_letters = raw_letters or not data.isascii()
        marc8 = marc8 or ("{" in data and _marc8_mnemonic(data))
        if tag.upper() == "LDR":
            leader = data.replace("\\", " ")
            continue
        if not _TAG_RE.match(tag):
            note("MR110", value=tag, tag=tag)
        if tag < "010" and tag.isdigit():
            text, problems = decode_mnemonics(data.replace("\\", " "))
            _marc8_problems(note, tag, text, problems)
            fields.append(control_field(tag, text))
            continue
        field, area = _datafield(tag, data, note)
        if area is not None:
            parsed.memo.setdefault("indicators_as_read", {})[len(fields)] = area
        fields.append(field)
    if marc8:
        parsed.memo["marc8_mnemonics"] = True
    record = Record()
    record.leader = Leader(_leader(leader, note, parsed))
    record.fields = fields
    if raw_letters and record.leader[9] != "a":
        note("MR501", value=repr(record.leader[9]), sample=_first_letters(block))
    parsed.record = record
    return parsed


def _leader(text: str | None, note, parsed: Parsed) -> str:
    if text is None:
        note("MR115", value="", reason="the record has no =LDR line")
    elif len(text) != 24:
        note("MR115", value=text, reason=f"the leader has {len(text)} characters, not 24")
    else:
        return text
    parsed.memo["leader_reported"] = True
    return ((text or "") + " " * 24)[:24]


def _first_letters(block: list[tuple]) -> str:
    for entry in block:
        line = entry[1]
        if not line.isascii():
            return line[:80]
    return ""


def _marc8_mnemonic(text: str) -> bool:
    return any(name in _MARC8_NAMES for name in _MNEMONIC_RE.findall(text))


def _marc8_problems(note, tag: str, text: str, problems: list[str]) -> None:
    if problems:
        note("MR505", tag=tag, value=text, problem=problems[0], count=len(problems))


def _datafield(tag: str, data: str, note) -> tuple[Field, str | None]:
    """The field, and its indicator area as read when that is not two characters."""
    area = data.split("$", 1)[0].replace("\\", " ")
    indicators = data[:2].replace("\\", " ")
    body = data[2:]
    if len(indicators) != 2 or "$" in indicators:
        found = f"has {len(data[:2].split('$')[0])} indicator character(s)"
        note("MR111", tag=tag, value=data[:2], found=found, effect=INDICATORS_KEPT)
        indicators = (data.split("$", 1)[0].replace("\\", " ") + "  ")[:2]
        body = data[data.find("$") :] if "$" in data else ""
    parts = body.split("$")
    if parts[0]:
        note("MR120", tag=tag, value=parts[0][:80], reason="text stands before the first $")
    subfields = []
    for part in parts[1:]:
        if not part:
            note("MR113", tag=tag, value=f"{tag} $", reason="a $ with no subfield code")
            continue
        code, value = part[0], part[1:]
        if not value:
            note("MR113", tag=tag, subfield=code, value=f"${code}", reason="empty")
        text, problems = decode_mnemonics(value)
        _marc8_problems(note, tag, text, problems)
        subfields.append(Subfield(code, text))
    field = Field(tag=tag, indicators=Indicators(indicators[0], indicators[1]), subfields=subfields)
    field.tag = tag
    return field, (area if len(area) != 2 else None)


_DATA_ESCAPES = {"$": "{dollar}", "{": "{lcub}", "}": "{rcub}"}
_DATA_RE = re.compile(r"[${}]")
_CONTROL_ESCAPES = {**_DATA_ESCAPES, "\\": "{bsol}", " ": "\\"}
_CONTROL_RE = re.compile(r"[${}\\ ]")


def write_mrk(record: Record) -> str:
    """The record as .mrk lines (LF), letters as UTF-8; a blank line separates records
    when several are written one after another."""
    lines = [f"=LDR  {record.leader}", *map(field_line, record.fields)]
    return "\n".join(lines) + "\n"


def field_line(field: Field) -> str:
    """One field as the .mrk line ``write_mrk`` writes for it (``=245  10$aTitle``)."""
    if field.control_field:
        data = _CONTROL_RE.sub(lambda m: _CONTROL_ESCAPES[m.group()], field.data or "")
        return f"={field.tag}  {data}"
    ind = "".join(i if i else " " for i in (field.indicator1, field.indicator2))
    ind = ind.replace(" ", "\\")
    body = "".join(
        f"${sub.code}{_DATA_RE.sub(lambda m: _DATA_ESCAPES[m.group()], sub.value)}"
        for sub in field.subfields
    )
    return f"={field.tag}  {ind}{body}"
