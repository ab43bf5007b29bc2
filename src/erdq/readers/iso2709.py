"""ISO 2709 (binary MARC) records, split from a byte stream and parsed tolerantly.

pymarc's own decoder trusts the directory: a zero offset in a record over 99,999 bytes
gives garbage fields, a non-ASCII subfield code raises, a missing indicator is patched
with a log line. Here every record is located by its length *and* its 0x1D terminator,
every field by its directory entry *and* its 0x1E terminator, and whatever disagrees
becomes a note (an MR1xx/MR5xx code) while the record is rebuilt as well as the bytes
allow. The result is a ``pymarc.Record``, so rules see one model whatever the format.

Two things the model cannot say are left in ``Parsed.memo`` for a converter, which must
not write such a record as if it were whole: ``"incomplete"`` (code, reason) when the
record is cut off (the file ends inside it, or its directory lists fields its data does
not hold), and ``"indicators_as_read"`` {field position: text} for each data field whose
indicator area (the bytes before its first delimiter) is not two characters, since the
record's indicators are then the reader's guess (MR111).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import accumulate
from typing import BinaryIO

from pymarc import Field, Leader, Record
from pymarc.field import Indicators, Subfield

from erdq import charset
from erdq.readers import text as _text  # noqa: F401  (registers erdq-cp1252)
from erdq.readers.marc import INDICATORS_KEPT, MAX_ISO_RECORD, Parsed

RT, FT, SD = 0x1D, 0x1E, 0x1F
CHUNK = 1 << 20
MAX_SCAN = 32 << 20  # a "record" with no terminator is cut here rather than fill memory
_LEADER_START = re.compile(rb"\d{5}[a-z ]")
_CLEAN_DIRECTORY = re.compile(rb"(?:[\x00-\xff]{3}[0-9]{9})*")
_CONTROL_BYTES = re.compile(rb"[\x00-\x1a\x1c-\x1f\x7f]")


class _Buffer:
    """A window on a binary stream. Indexes are relative to the current position ``pos``;
    ``offset`` is the file offset of that position. Consumed bytes are dropped only when
    more must be read, so the copying stays proportional to the file size."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.data = b""
        self.pos = 0
        self.base = 0
        self.eof = False

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def avail(self) -> int:
        return len(self.data) - self.pos

    def fill(self, size: int) -> bool:
        """Hold at least ``size`` unconsumed bytes if the stream has them."""
        if self.avail() >= size:
            return True
        if self.pos:
            self.data = self.data[self.pos :]
            self.base += self.pos
            self.pos = 0
        while len(self.data) < size and not self.eof:
            chunk = self.fh.read(max(CHUNK, size - len(self.data)))
            if not chunk:
                self.eof = True
                break
            self.data += chunk
        return len(self.data) >= size

    def at(self, index: int) -> int:
        return self.data[self.pos + index]

    def find(self, byte: int, start: int = 0) -> int:
        """Relative index of ``byte`` at or after ``start``, reading on; -1 at EOF or past
        MAX_SCAN."""
        searched = start
        while True:
            index = self.data.find(byte, self.pos + searched)
            if index != -1:
                return index - self.pos
            if self.eof or self.avail() > MAX_SCAN:
                return -1
            searched = self.avail()
            self.fill(self.avail() + CHUNK)

    def peek(self, size: int) -> bytes:
        return self.data[self.pos : self.pos + size]

    def take(self, size: int) -> bytes:
        out = self.data[self.pos : self.pos + size]
        self.pos += len(out)
        return out


def split_records(fh: BinaryIO, file_note) -> Iterator[tuple[int, bytes, list]]:
    """Yield (offset, record bytes, notes) for each record-sized piece of the stream.

    The declared length is trusted when it ends on a record terminator; otherwise the
    record runs to the next terminator (a wrong or overflowed length). A record whose
    terminator is missing is cut at its declared length when a new leader starts there.
    ``file_note(code, offset, **params)`` hears of what lies between records: line
    breaks (MR106) and padding after the last one (MR123).
    """
    buf = _Buffer(fh)
    newline_gaps = 0
    first_gap: int | None = None
    records = 0
    while buf.fill(1):
        first = buf.at(0)
        if first in (0x0A, 0x0D):
            gap = buf.offset
            while buf.fill(1) and buf.at(0) in (0x0A, 0x0D):
                buf.take(1)
            if records and buf.avail():  # a break after the last record is harmless
                newline_gaps += 1
                first_gap = gap if first_gap is None else first_gap
            continue
        if first in (0x00, 0x1A, 0x20, 0x09):
            buf.fill(CHUNK)
            rest = buf.peek(CHUNK)
            if not rest.strip(b"\x00\x1a \t\r\n") and buf.eof:
                # Padding or a DOS end-of-file mark: pymarc reads it as a broken record.
                shown = "spaces" if not rest.strip(b" ") else "NUL, space or end-of-file bytes"
                file_note("MR123", buf.offset, count=len(rest), what=shown)
                break
        notes: list = []
        buf.fill(5)
        head = buf.peek(5)
        declared = int(head) if len(head) == 5 and head.isdigit() else 0
        if declared >= 25 and buf.fill(declared) and buf.at(declared - 1) == RT:
            length = declared
        else:
            end = buf.find(RT)
            if end == -1:
                length = min(buf.avail(), MAX_SCAN)
                if buf.eof and declared and length < declared:
                    notes.append(("MR105", {"found": length, "declared": declared}))
                else:
                    notes.append(("MR104", {"reason": "the file ends without one"}))
            else:
                length = end + 1
                # The declared length counts the missing terminator: the next leader starts
                # one byte earlier (or at the length, if the writer left the byte out).
                for cut in (declared - 1, declared):
                    if (
                        25 <= cut < length
                        and buf.at(cut - 1) == FT
                        and _LEADER_START.match(buf.peek(cut + 6), cut) is not None
                    ):
                        length = cut
                        reason = "the next record starts right after its last field"
                        notes.append(("MR104", {"reason": reason}))
                        break
        records += 1
        offset = buf.offset
        yield offset, buf.take(length), notes
    if newline_gaps:
        file_note("MR106", first_gap, count=newline_gaps)


def parse_record(data: bytes, offset: int, notes: list) -> Parsed:
    """Parse one record's bytes; never raises. ``record`` is None when nothing is usable."""
    parsed = Parsed(record=None, offset=offset, raw=data, format="iso2709")
    parsed.notes.extend(notes)
    note = parsed.note
    if len(data) < 25 or RT in data[:24]:
        note(
            "MR101",
            value=data[:40].decode("latin-1"),
            at_byte=offset,
            reason=f"only {len(data)} bytes: no room for a leader and a directory",
        )
        return parsed
    leader = data[:24].decode("latin-1")
    actual = len(data)
    if actual > MAX_ISO_RECORD:
        note("MR103", value=leader[:5], actual=actual)
    elif leader[:5] != f"{actual:05d}" and not _explained(leader[:5], actual, notes):
        note("MR102", value=leader[:5], actual=actual)
    dir_end = data.find(FT, 24)
    if dir_end == -1:
        note(
            "MR101",
            value=leader,
            at_byte=offset,
            reason="no field terminator (0x1E) ends the directory",
        )
        return parsed
    base = dir_end + 1
    if leader[12:17] != f"{base:05d}":
        note("MR107", value=leader[12:17], actual=base)
    entries = None
    if actual > MAX_ISO_RECORD and (dir_end - 24) % 12:
        entries = _wide_directory(data[24:dir_end], note)
    if entries is None:
        entries = _directory(data[24:dir_end], note)
    if not entries:
        note("MR101", value=leader, at_byte=offset, reason="the directory holds no usable entry")
        return parsed
    pieces = _locate(data[base:], entries, note, actual > MAX_ISO_RECORD)
    incomplete = _incomplete(notes, entries, pieces)
    if incomplete is not None:
        parsed.memo["incomplete"] = incomplete
    body = data[base:]
    encoding = _decide_encoding(leader, body, pieces, note)
    parsed.encoding = encoding
    # ASCII under a MARC-8 leader may still hold MARC-8 character references (&#x0E25;).
    mode = charset.MARC8 if encoding == charset.ASCII and leader[9] != "a" else encoding
    if encoding == charset.ASCII and _printable_ascii(body, pieces, parsed.notes, mode):
        parsed.memo[PRINTABLE_ASCII] = True
    record = Record()
    record.leader = Leader(leader)
    record.fields, as_read = _fields(pieces, mode, note)
    if as_read:
        parsed.memo["indicators_as_read"] = as_read
    parsed.record = record
    return parsed


# Set in ``Parsed.memo`` when every value of the record is printable ASCII: the text
# rules (MR508-MR512) then have nothing to look at, and skip the walk over the values.
PRINTABLE_ASCII = "iso2709.printable_ascii"
_NOT_PRINTABLE = re.compile(rb"[^\x1e\x1f\x20-\x7e]")


def _printable_ascii(body: bytes, pieces: list, notes: list, mode: str) -> bool:
    """Whether the values taken from ``body`` are all printable ASCII. Its bytes are, bar
    delimiters and terminators; neither may end up inside a value: each field holds just
    its own terminator (the pieces are in order, none moved) and no control field holds a
    delimiter. MARC-8 character references (&#x...;) decode to other characters."""
    end = len(body) - 1 if body and body[-1] == RT else len(body)
    if _NOT_PRINTABLE.search(body, 0, end) is not None:
        return False
    if mode == charset.MARC8 and b"&#" in body:
        return False
    if body.count(b"\x1e") != len(pieces):
        return False
    if any(code in ("MR109", "MR122") for code, _ in notes):
        return False
    return not any(tag[:2] == "00" and b"\x1f" in piece for tag, piece in pieces)


def _incomplete(notes: list, entries: list, pieces: list) -> tuple[str, str] | None:
    """(code, reason) when part of the record is known to be missing, else None."""
    for code, params in notes:
        if code == "MR105":
            return code, (
                f"the file ends inside it ({params['found']:,} of its {params['declared']:,} "
                "bytes are there), so its last fields are missing or cut short"
            )
    if len(pieces) < len(entries):  # _locate stopped: the data ends before the directory
        missing = [tag for tag, _, _ in entries[len(pieces) :]]
        shown = " ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        return "MR108", (
            f"its directory lists {len(missing)} field(s) that its data does not hold "
            f"({shown}), so they are missing"
        )
    return None


def _explained(declared: str, actual: int, notes: list) -> bool:
    """Whether a cut record (MR105) or its missing terminator (MR104) already says why the
    length differs."""
    found = {code for code, _ in notes}
    return "MR105" in found or ("MR104" in found and declared == f"{actual + 1:05d}")


def _wide_directory(directory: bytes, note) -> list[tuple[str, int, int]] | None:
    """The entries of a record over 99,999 bytes whose directory writes the offsets past
    99,999 with six digits (13-byte entries from there on, as marc4j does), or None when
    the directory is not that. Each entry is taken as 12 bytes unless the field it follows
    ends past 99,999 and the 13-byte reading gives exactly that offset."""
    entries: list[tuple[str, int, int]] = []
    at, expected, first_wide = 0, 0, None
    while at < len(directory):
        narrow = directory[at : at + 12]
        wide = directory[at : at + 13]
        if (
            expected > 99_999
            and len(wide) == 13
            and wide[3:].isdigit()
            and (int(wide[7:]) == expected)
        ):
            tag, length, start, at = wide[:3], int(wide[3:7]), int(wide[7:]), at + 13
            first_wide = first_wide or len(entries) + 1
        elif len(narrow) == 12 and narrow[3:].isdigit():
            tag, length, start, at = narrow[:3], int(narrow[3:7]), int(narrow[7:]), at + 12
        else:
            return None
        entries.append((tag.decode("latin-1"), length, start))
        expected = start + length
    if first_wide is None:
        return None
    note(
        "MR108",
        value=directory[(first_wide - 1) * 12 : (first_wide - 1) * 12 + 13].decode("latin-1"),
        reason=f"from entry {first_wide} on its entries are 13 bytes, with six-digit offsets "
        "past 99,999 (as marc4j writes a record too long for ISO 2709); they were read so",
    )
    return entries


def _directory(directory: bytes, note) -> list[tuple[str, int | None, int | None]]:
    """Entries as (tag, length, offset); a number that is not digits is None."""
    usable = len(directory) - len(directory) % 12
    if usable != len(directory):
        note(
            "MR108",
            value=directory[usable:].decode("latin-1"),
            reason=f"its length ({len(directory)} bytes) is not a multiple of 12",
        )
    if _CLEAN_DIRECTORY.fullmatch(directory, 0, usable) is not None:
        # The common case: every length and offset is digits. Decoded once, not per
        # entry: slicing text is cheaper than decoding each tag.
        text = directory.decode("latin-1")
        return [
            (text[i : i + 3], int(text[i + 3 : i + 7]), int(text[i + 7 : i + 12]))
            for i in range(0, usable, 12)
        ]
    entries: list[tuple[str, int | None, int | None]] = []
    bad = 0
    for i in range(0, usable, 12):
        entry = directory[i : i + 12]
        numbers = entry[3:]
        if numbers.isdigit():
            entries.append((entry[:3].decode("latin-1"), int(numbers[:4]), int(numbers[4:])))
            continue
        length, start = entry[3:7], entry[7:12]
        entries.append(
            (
                entry[:3].decode("latin-1"),
                int(length) if length.isdigit() else None,
                int(start) if start.isdigit() else None,
            )
        )
        bad += 1
        if bad == 1:
            note(
                "MR108",
                value=entry.decode("latin-1"),
                reason=f"entry {i // 12 + 1} has a length or offset that is not digits",
            )
    return entries


def _locate(body: bytes, entries, note, too_long: bool) -> list[tuple[str, bytes]]:
    """Each entry's field bytes (without terminator).

    An entry is trusted when its offset and length land on field terminators; otherwise
    (and always in a record over 99,999 bytes, whose offsets cannot be written) the field
    is the one after the previous field, in directory order, up to its terminator.
    """
    # The common case: the fields follow each other in directory order, each ending in
    # the one terminator it holds. Every entry is then trusted, nothing is noted.
    split = body.split(b"\x1e", len(entries))
    if len(split) > len(entries):
        del split[-1]
        lengths = [length for _, length, _ in entries]
        if [len(piece) + 1 for piece in split] == lengths and [
            start for _, _, start in entries
        ] == list(accumulate(lengths, initial=0))[:-1]:
            return [(entry[0], piece) for entry, piece in zip(entries, split, strict=True)]
    out: list[tuple[str, bytes]] = []
    cursor = 0
    moved: list[str] = []
    backwards: list[str] = []
    size = len(body)
    for tag, length, start in entries:
        if (
            length is not None
            and start is not None
            and length > 0
            and start + length <= size
            and body[start + length - 1] == FT
            and (start == 0 or body[start - 1] == FT)
            and (not too_long or start == cursor)
        ):
            out.append((tag, body[start : start + length - 1]))
            if start < cursor:
                backwards.append(tag)
            cursor = start + length
            continue
        if cursor >= size or body[cursor] == RT:
            note("MR108", value=tag, reason=f"the entry for {tag} points past the field data")
            break
        if length and cursor + length <= size and body[cursor + length - 1] == FT:
            end = cursor + length - 1
        else:
            end = body.find(FT, cursor)
            if end == -1:
                end = body.find(RT, cursor)
                end = size if end == -1 else end
        out.append((tag, body[cursor:end]))
        moved.append(tag)
        cursor = end + 1
    if moved:
        note("MR109", value=" ".join(moved[:10]), count=len(moved), total=len(entries))
    if backwards:
        note("MR122", value=" ".join(backwards[:10]), count=len(backwards))
    return out


def _decide_encoding(leader: str, body: bytes, pieces, note) -> str:
    """Which encoding the field bytes are in, reporting where leader/09 disagrees."""
    claimed = leader[9]
    evidence = charset.sniff(body)
    if evidence == charset.ASCII:
        return charset.ASCII
    if evidence == charset.UTF8:
        if claimed != "a":
            note("MR501", value=repr(claimed), sample=_sample(pieces, "utf-8"))
        return charset.UTF8
    if evidence == charset.MARC8:
        if claimed == "a":
            note("MR502", value=repr(claimed), sample=_sample(pieces, charset.MARC8))
        return charset.MARC8
    if evidence == charset.UTF8_INVALID:
        return charset.UTF8_INVALID
    samples = [
        part[1:] for _, body in pieces for part in body.split(b"\x1f")[1:] if not part.isascii()
    ]
    guess = charset.guess_code_page(samples)
    if guess is not None:
        label = charset.code_page_label(guess)
        note("MR504", value=_sample(pieces, guess), encoding=label, codec=guess)
        return guess
    return charset.UTF8_INVALID if claimed == "a" else charset.MARC8


def _sample(pieces, codec: str) -> str:
    """The first non-ASCII field, decoded as ``codec``, delimiters shown as "$"."""
    for _, piece in pieces:
        if not piece.isascii():
            if codec == charset.MARC8:
                text = "$".join(charset.marc8_decode(p)[0] for p in piece.split(b"\x1f"))
            else:
                text = piece.decode(codec, errors="replace").replace("\x1f", "$")
            return text[:80]
    return ""


_TAG_RE = re.compile(r"^[0-9A-Za-z]{3}$")
# Per tag: (well formed, control field). Tags repeat; a damaged file may bring many.
_TAGS: dict[str, tuple[bool, bool]] = {}
_TAGS_MAX = 4096
_DATA_TAG = (True, False)  # well formed, not a control field

_UNICODE = frozenset({charset.ASCII, charset.UTF8})
# A field with nothing to repair: two ASCII indicators, then subfields that each have an
# ASCII letter, digit or symbol as code and at least one byte of data.
_PLAIN_FIELD = re.compile(rb"[\x00-\x1e\x20-\x7f]{2}(?:\x1f[\x21-\x7e][^\x1f]+)*")
_new_field = Field.__new__
_new_tuple = tuple.__new__


def _control_field(tag: str, text: str) -> Field:
    """``Field(tag=tag, data=text)`` for a three-character control tag, without the
    checks pymarc's constructor makes (about four times faster; the same object)."""
    field = _new_field(Field)
    field.tag = tag
    field.data = text
    field._indicators = None
    field.subfields = []
    field.control_field = True
    return field


def _data_field(tag: str, ind: str, subfields: list[Subfield]) -> Field:
    """``Field(tag=tag, indicators=Indicators(*ind), subfields=subfields)`` for a
    three-character tag and two indicator characters, built directly."""
    field = _new_field(Field)
    field.tag = tag
    field.data = None
    field._indicators = _new_tuple(Indicators, ind)
    field.subfields = subfields
    field.control_field = False
    return field


def _tag_kind(tag: str) -> tuple[bool, bool]:
    kind = _TAGS.get(tag)
    if kind is None:
        if len(_TAGS) >= _TAGS_MAX:
            _TAGS.clear()
        kind = (
            _TAG_RE.match(tag) is not None,
            len(tag) == 3 and tag < "010" and tag.isdigit(),
        )
        _TAGS[tag] = kind = _DATA_TAG if kind == _DATA_TAG else kind
    return kind


def _fields(
    pieces: list[tuple[str, bytes]], encoding: str, note
) -> tuple[list[Field], dict[int, str]]:
    """The fields of one record: ``_field`` for each piece, with the common case (a
    well-formed data field whose text needs no per-value decoding) built inline; and, by
    field position, the indicator areas that are not two characters."""
    plain = encoding in _UNICODE
    marc8 = encoding == charset.MARC8
    fields: list[Field] = []
    as_read: dict[int, str] = {}
    append = fields.append
    tags = _TAGS
    fullmatch = _PLAIN_FIELD.fullmatch
    for tag, body in pieces:
        if (
            tags.get(tag) is _DATA_TAG
            and fullmatch(body) is not None
            and (
                plain
                or (body.isascii() and (not marc8 or (b"\x1b" not in body and b"&#" not in body)))
            )
        ):
            parts = body.decode("utf-8", errors="replace").split("\x1f")
            field = _new_field(Field)
            field.tag = tag
            field.data = None
            field._indicators = _new_tuple(Indicators, parts[0])
            field.subfields = [_new_tuple(Subfield, (p[0], p[1:])) for p in parts[1:]]
            field.control_field = False
            append(field)
            continue
        field, area = _field(tag, body, encoding, note)
        if area is not None:
            as_read[len(fields)] = area
        append(field)
    return fields, as_read


def _field(tag: str, body: bytes, encoding: str, note) -> tuple[Field, str | None]:
    """The field, and its indicator area as read (latin-1) when that is not two bytes."""
    well_formed, control = _tag_kind(tag)
    if not well_formed:
        note("MR110", value=tag, tag=tag)
    if control:
        return _control_field(tag, decode(body, encoding, tag, note)), None
    if tag < "010" and tag.isdigit():  # a tag of another length (not from a directory)
        return Field(tag=tag, data=decode(body, encoding, tag, note)), None
    if len(tag) == 3 and _PLAIN_FIELD.fullmatch(body) is not None:
        # Nothing to repair: the same fields the general path below builds, faster.
        if encoding in _UNICODE or (
            body.isascii()
            and (encoding != charset.MARC8 or (b"\x1b" not in body and b"&#" not in body))
        ):
            # Decoded in one go: a delimiter never splits a UTF-8 character, and plain
            # ASCII reads the same in every encoding (MARC-8 too, without escapes or
            # character references).
            parts = body.decode("utf-8", errors="replace").split("\x1f")
            subfields = [_new_tuple(Subfield, (p[0], p[1:])) for p in parts[1:]]
        else:
            parts = body.split(b"\x1f")
            subfields = [
                _new_tuple(Subfield, (chr(p[0]), decode(p[1:], encoding, tag, note)))
                for p in parts[1:]
            ]
            parts[0] = parts[0].decode("ascii")
        return _data_field(tag, parts[0], subfields), None
    if encoding in _UNICODE:
        # The common case, decoded in one go: a delimiter never splits a UTF-8 character.
        parts = body.decode("utf-8", errors="replace").split("\x1f")
        ind = parts[0]
        if len(ind) == 2 and all(len(p) > 1 and "!" <= p[0] <= "~" for p in parts[1:]):
            subfields = [Subfield(p[0], p[1:]) for p in parts[1:]]
            field = Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)
            return field, None
    parts = body.split(b"\x1f")
    indicators = parts[0]
    area = None
    if len(indicators) != 2:
        area = indicators.decode("latin-1")
        found = f"has {len(indicators)} indicator character(s)"
        note("MR111", tag=tag, value=area, found=found, effect=INDICATORS_KEPT)
    ind = (indicators.decode("latin-1") + "  ")[:2]
    raw: list[list] = []  # [code, bytes]
    for part in parts[1:]:
        if not part:
            note("MR113", tag=tag, value=_shown(body), reason="two delimiters in a row")
            continue
        code = part[0]
        if 0x21 <= code <= 0x7E:
            raw.append([chr(code), part[1:]])
            if len(part) == 1:
                note("MR113", tag=tag, subfield=chr(code), value=_shown(body), reason="empty")
            continue
        guessed = _guess_code(part, encoding)
        if guessed is not None:
            letter, skip = guessed
            raw.append([letter, part[skip:]])
            kept = f"read as ${letter}"
        elif raw:
            raw[-1][1] += part  # the delimiter sat inside text: keep the text
            kept = "its text was kept in the subfield before it"
        else:
            raw.append(["?", part])
            kept = "its text was kept in a subfield coded '?'"
        note("MR112", tag=tag, value=f"0x{code:02X}", byte=f"0x{code:02X}", kept=kept)
    subfields = [Subfield(code, decode(value, encoding, tag, note)) for code, value in raw]
    field = Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)
    if field.tag != tag:
        field.tag = tag  # pymarc pads short numeric tags; keep what the file says
    return field, area


def _shown(body: bytes) -> str:
    """A field's bytes for a message: delimiters as "$" (MarcEdit style)."""
    return body.decode("utf-8", errors="replace").replace("\x1f", "$")


def _guess_code(part: bytes, encoding: str) -> tuple[str, int] | None:
    """A non-ASCII subfield code that is an accented letter (UTF-8 "á", MARC-8 acute + a)
    was most likely meant as that letter: (code, bytes to skip), else None."""
    if encoding == charset.MARC8:
        if part[0] >= 0xE0 and len(part) > 1 and chr(part[1]).isalnum() and part[1] < 0x80:
            return chr(part[1]).lower(), 2
        return None
    first = part[:4].decode("utf-8", errors="replace")[:1]
    if first == "\ufffd":
        return None
    base = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode("ascii")
    if len(base) == 1 and base.isalnum():
        return base.lower(), len(first.encode("utf-8"))
    return None


# MARC-8 values decoded, with the problems found: values repeat (headings, 33X terms,
# publishers), and pymarc's MARC-8 converter is slow. Short values only, bounded.
_MARC8_CACHE: dict[bytes, tuple[str, tuple[str, ...]]] = {}
_MARC8_CACHE_MAX = 1 << 15
_MARC8_CACHED_LENGTH = 256


def decode(value: bytes, encoding: str, tag: str, note) -> str:
    """Decode one value; what cannot be decoded becomes a note, never an exception."""
    if value.isascii():
        if encoding != charset.MARC8:
            return value.decode("ascii")
        if b"\x1b" not in value and b"&#" not in value:
            # Plain ASCII is itself in MARC-8 (control bytes are kept as they are).
            return value.decode("ascii")
    if encoding in (charset.UTF8, charset.ASCII):
        return value.decode("utf-8", errors="replace")
    if encoding == charset.UTF8_INVALID:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Mixed UTF-8 and Windows-1252 is the usual cause: read those bytes as such.
            bad = value[exc.start : exc.end]
            text = value.decode("utf-8", errors="erdq-cp1252")
            note("MR503", tag=tag, value=text, bytes=bad.hex(" ").upper())
            return text
    if encoding == charset.MARC8:
        found = _MARC8_CACHE.get(value)
        if found is None:
            text, problems = _marc8(value)
            found = (text, tuple(problems))
            if len(value) <= _MARC8_CACHED_LENGTH:
                if len(_MARC8_CACHE) >= _MARC8_CACHE_MAX:
                    _MARC8_CACHE.clear()
                _MARC8_CACHE[value] = found
        text, problems = found
        if problems:
            note("MR505", tag=tag, value=text, problem=problems[0], count=len(problems))
        return text
    return value.decode(encoding, errors="replace")


def _marc8(value: bytes) -> tuple[str, list[str]]:
    """MARC-8 to Unicode keeping control characters (pymarc drops them silently), so that
    the control-character rule sees them whatever the encoding."""
    if _CONTROL_BYTES.search(value) is None or b"\x1b$" in value:
        return charset.marc8_decode(value)  # EACC bytes may look like controls
    out: list[str] = []
    problems: list[str] = []
    pos = 0
    escape = b""  # the set in force is carried over the control character
    for match in _CONTROL_BYTES.finditer(value):
        segment = value[pos : match.start()]
        text, found = charset.marc8_decode(escape + segment)
        out.append(text)
        out.append(chr(match.group()[0]))
        problems += found
        escapes = charset.ESCAPE_RE.findall(escape + segment)
        escape = escapes[-1] if escapes else escape
        pos = match.end()
    text, found = charset.marc8_decode(escape + value[pos:])
    out.append(text)
    return "".join(out), problems + found
