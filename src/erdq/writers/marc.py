"""Streaming MARC writers: ISO 2709 (.mrc), MARCXML, MarcEdit .mrk, MARC-in-JSON.

Each writer takes one ``pymarc.Record`` at a time and writes its bytes to a binary
stream at once: nothing is kept per record, so a file of millions of records is written
in constant memory. MARCXML is one ``<collection>`` in the MARC 21 namespace, its header
written first and its end tag on ``close()``; MARC-in-JSON is JSON Lines (``jsonl``)
or a JSON array (``json``) written one element per line.

A record is written **as it is**: text is UTF-8, and the leader is the record's own
(only ISO 2709's lengths and base address are recomputed, counting bytes). A record a
format cannot hold without changing it (a field over 9,999 bytes in ISO 2709, a control
character in XML, a line break in .mrk) raises ``UnwritableRecord`` before any of its
bytes is written, so the caller can report it and go on with the next record.

A field whose indicator area was not two characters in the source (``indicators_as_read``
from the readers) is written as it was read in ISO 2709, where a field is just bytes;
the other formats have room for exactly two indicators and refuse the record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import pymarc

from erdq.readers.marc import MAX_ISO_FIELD, MAX_ISO_RECORD
from erdq.readers.marcxml import MARC_NS
from erdq.readers.mrk import write_mrk

FORMAT_NAMES: dict[str, str] = {
    "mrc": "ISO 2709",
    "mrk": "MarcEdit .mrk",
    "xml": "MARCXML",
    "json": "MARC-in-JSON (array)",
    "jsonl": "MARC-in-JSON (JSON Lines)",
}
_EXTENSIONS: dict[str, str] = {
    ".mrc": "mrc",
    ".marc": "mrc",
    ".iso": "mrc",
    ".iso2709": "mrc",
    ".dat": "mrc",
    ".mrk": "mrk",
    ".mrk8": "mrk",
    ".xml": "xml",
    ".marcxml": "xml",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def format_for_path(path: str | Path) -> str | None:
    """The output format a file name asks for ("mrc", "mrk", "xml", "json", "jsonl"),
    or None when its extension says nothing."""
    return _EXTENSIONS.get(Path(path).suffix.lower())


class UnwritableRecord(ValueError):
    """The record cannot be written in this format without changing it.

    ``reason`` says what and how to fix it; ``tag`` names the field, when one is at fault.
    """

    def __init__(self, reason: str, tag: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.tag = tag


class MarcWriter:
    """Writes records to a binary stream. ``write`` raises ``UnwritableRecord`` (nothing
    written) for a record the format cannot hold; ``close`` ends the document (it does
    not close the stream)."""

    name = ""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.records = 0
        self._started = False  # the header goes out with the first record, or on close

    def _start(self) -> None:
        if not self._started:
            self._started = True
            self.fh.write(self.header())

    def header(self) -> bytes:
        return b""

    def footer(self) -> bytes:
        return b""

    def encode(self, record: pymarc.Record) -> bytes:
        """The record's own bytes: the same wherever in the file it stands."""
        raise NotImplementedError

    def separator(self) -> bytes:
        """What goes before the next record (after the header): it depends on the
        records written so far, so it is the writer's, not the record's."""
        return b""

    def encode_as_read(self, record: pymarc.Record, indicators: Mapping[int, str]) -> bytes:
        """``encode`` for a record some of whose fields had an indicator area of another
        length than two (by field position). Only ISO 2709 can keep those as they were;
        any other format would have to drop or invent indicators, so it refuses."""
        position, area = min(indicators.items())
        fmt = FORMAT_NAMES.get(self.name, "this format")
        raise _odd_indicators(record.fields[position].tag, area, fmt)

    def write(
        self, record: pymarc.Record, indicators_as_read: Mapping[int, str] | None = None
    ) -> None:
        """Write one record. ``indicators_as_read``: {field position: indicator area as
        read}, for fields whose indicators the reader had to make two of (MR111)."""
        self.write_bytes(self.to_bytes(record, indicators_as_read))

    def to_bytes(
        self, record: pymarc.Record, indicators_as_read: Mapping[int, str] | None = None
    ) -> bytes:
        """What ``write`` would write of the record, without writing it and without what
        separates it from the record before (a worker process encodes, the writer of the
        output file writes, with ``write_bytes``). ``UnwritableRecord`` as ``write``."""
        try:
            if indicators_as_read:
                return self.encode_as_read(record, indicators_as_read)
            return self.encode(record)
        except UnicodeEncodeError as exc:
            char = exc.object[exc.start : exc.start + 1] if isinstance(exc.object, str) else ""
            raise UnwritableRecord(
                f"the text holds U+{ord(char):04X}, which is not a character UTF-8 can "
                "encode (an unpaired surrogate); correct the text in the source"
                if char
                else "the text cannot be encoded as UTF-8"
            ) from None

    def write_bytes(self, data: bytes) -> None:
        """Write one record's bytes from ``to_bytes`` of a writer of the same format."""
        self._start()
        self.fh.write(self.separator() + data)
        self.records += 1

    def close(self) -> None:
        self._start()
        self.fh.write(self.footer())
        self.fh.flush()


# -- ISO 2709 -----------------------------------------------------------------------------

FT, RT, SD = b"\x1e", b"\x1d", b"\x1f"
_STRUCTURE = re.compile(rb"[\x1d\x1e\x1f]")


class Iso2709Writer(MarcWriter):
    """ISO 2709 in UTF-8. The leader is written as the record has it: lengths and base
    address are recomputed in bytes (BR-031), every other position (leader/09 included)
    is left alone. This is why erdq does not use pymarc's ``as_marc``, which sets
    leader/09 to 'a' in every record it writes."""

    name = "mrc"

    def encode(self, record: pymarc.Record) -> bytes:
        return iso2709_bytes(record)

    def encode_as_read(self, record: pymarc.Record, indicators: Mapping[int, str]) -> bytes:
        return iso2709_bytes(record, indicators)


def iso2709_bytes(
    record: pymarc.Record, indicators_as_read: Mapping[int, str] | None = None
) -> bytes:
    """One record as ISO 2709 bytes; ``UnwritableRecord`` if the format cannot hold it.

    ``indicators_as_read`` gives, by field position, an indicator area to write instead
    of the field's two indicators: what the source held, when that was not two."""
    as_read = indicators_as_read or {}
    leader = str(record.leader)
    if len(leader) != 24:
        raise UnwritableRecord(f"the leader has {len(leader)} characters, not 24; correct it")
    try:
        lead = leader.encode("latin-1")  # what the reader decoded it from
    except UnicodeEncodeError:
        raise UnwritableRecord(
            f"the leader {leader!r} holds characters that are not bytes; correct it"
        ) from None
    directory: list[bytes] = []
    body: list[bytes] = []
    offset = 0
    for position, field in enumerate(record.fields):
        tag = field.tag
        tag_bytes = tag.encode("utf-8")
        if len(tag_bytes) != 3:
            raise UnwritableRecord(f"the tag {tag!r} is not three characters", tag)
        if field.control_field:
            data = (field.data or "").encode("utf-8")
            if _STRUCTURE.search(data):
                raise _delimiter(tag)
        else:
            area = as_read.get(position)
            parts = [_indicators(field, "ISO 2709") if area is None else _area(tag, area)]
            for sub in field.subfields:
                code = sub.code.encode("utf-8") if sub.code else b""
                if len(code) != 1 or code in (RT, FT, SD):
                    raise _bad_code(tag, sub.code, "ISO 2709")
                value = sub.value.encode("utf-8")
                if _STRUCTURE.search(value):
                    raise _delimiter(tag)
                parts.append(SD + code + value)
            data = b"".join(parts)
        size = len(data) + 1
        if size > MAX_ISO_FIELD:
            raise UnwritableRecord(
                f"field {tag} is {size:,} bytes; ISO 2709 allows at most 9,999. Split the "
                "field, or convert to MARCXML, .mrk or JSON instead",
                tag,
            )
        directory.append(b"%s%04d%05d" % (tag_bytes, size, offset))
        body.append(data)
        body.append(FT)
        offset += size
    base = 24 + 12 * len(directory) + 1
    total = base + offset + 1
    if total > MAX_ISO_RECORD:
        raise UnwritableRecord(
            f"the record is {total:,} bytes; ISO 2709 allows at most 99,999. Remove or "
            "split repeated fields, or convert to MARCXML, .mrk or JSON instead"
        )
    head = b"%05d%s%05d%s" % (total, lead[5:12], base, lead[17:])
    return head + b"".join(directory) + FT + b"".join(body) + RT


def _indicators(field: pymarc.Field, fmt: str) -> bytes:
    out = b""
    for ind in (field.indicator1, field.indicator2):
        raw = (ind or " ").encode("utf-8")  # pymarc gives "" for a missing indicator
        if len(raw) != 1:
            raise UnwritableRecord(
                f"field {field.tag} has the indicator {ind!r}; {fmt} needs one ASCII "
                "character (blank: a space). Correct the indicator",
                field.tag,
            )
        out += raw
    return out


def _area(tag: str, area: str) -> bytes:
    """An indicator area kept as read. MARC 21 indicators are ASCII; other characters
    here were decoded from some encoding, and their bytes in UTF-8 would be new ones."""
    if not area.isascii() or _STRUCTURE.search(area.encode("ascii")):
        raise UnwritableRecord(
            f"field {tag} has the indicator area {area!r}, which is not two indicators and "
            "holds characters that are not plain ASCII; correct the indicators",
            tag,
        )
    return area.encode("ascii")


def _odd_indicators(tag: str, area: str, fmt: str) -> UnwritableRecord:
    count = f"{len(area)} indicator character(s) ({area!r})" if area else "no indicators"
    return UnwritableRecord(
        f"field {tag} has {count} where MARC 21 has two; which two are meant cannot be "
        f"told, and {fmt} holds exactly two, so writing it would drop or invent one. "
        "Correct the indicators in the source, or convert to .mrc (ISO 2709), which keeps "
        "them as they are",
        tag,
    )


def _delimiter(tag: str) -> UnwritableRecord:
    return UnwritableRecord(
        f"field {tag} holds a subfield delimiter or terminator (U+001D-U+001F) in its text; "
        "written as ISO 2709 it would split the field (MR512). Remove the character",
        tag,
    )


def _bad_code(tag: str, code: str | None, fmt: str) -> UnwritableRecord:
    return UnwritableRecord(
        f"field {tag} has the subfield code {code!r}, which {fmt} cannot hold as one; "
        "correct the code",
        tag,
    )


# -- MARCXML ------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold at all, even as references.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_TEXT_RE = re.compile("[&<>\r]")
_ATTR_ESCAPES = {**_TEXT_ESCAPES, '"': "&quot;", "\t": "&#9;", "\n": "&#10;"}
_ATTR_RE = re.compile('[&<>"\t\n\r]')


def _text(value: str) -> str:
    return _TEXT_RE.sub(lambda m: _TEXT_ESCAPES[m.group()], value)


@lru_cache(maxsize=4096)  # tags, indicators and codes: few distinct values
def _attr(value: str) -> str:
    return _ATTR_RE.sub(lambda m: _ATTR_ESCAPES[m.group()], value)


class MarcXmlWriter(MarcWriter):
    """MARCXML: one ``<collection>`` in the MARC 21 namespace, a record at a time. Text
    is escaped so that a reader gets it back exactly (a carriage return as ``&#13;``);
    characters XML 1.0 cannot hold (C0 controls but tab and line breaks) make the record
    unwritable rather than silently dropped."""

    name = "xml"

    def header(self) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<collection xmlns="{MARC_NS}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="{MARC_NS} '
            'http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd">\n'
        ).encode()

    def footer(self) -> bytes:
        return b"</collection>\n"

    def encode(self, record: pymarc.Record) -> bytes:
        leader = str(record.leader)
        lines = ["  <record>", f"    <leader>{_text(leader)}</leader>"]
        for field in record.fields:
            tag = _attr(field.tag)
            if field.control_field:
                data = _text(field.data or "")
                lines.append(f'    <controlfield tag="{tag}">{data}</controlfield>')
                continue
            ind1, ind2 = _attr(field.indicator1 or " "), _attr(field.indicator2 or " ")
            lines.append(f'    <datafield tag="{tag}" ind1="{ind1}" ind2="{ind2}">')
            for sub in field.subfields:
                code, value = _attr(sub.code), _text(sub.value)
                lines.append(f'      <subfield code="{code}">{value}</subfield>')
            lines.append("    </datafield>")
        lines.append("  </record>\n")
        text = "\n".join(lines)
        if _XML_INVALID.search(text) is not None:  # the markup itself is all valid
            _xml_problem(record)
        return text.encode("utf-8")


def _xml_problem(record: pymarc.Record) -> None:
    """Raise ``UnwritableRecord`` naming the first value XML cannot hold."""
    _xml_check(str(record.leader), None)
    for field in record.fields:
        _xml_check(field.tag, field.tag)
        if field.control_field:
            _xml_check(field.data or "", field.tag)
            continue
        _xml_check((field.indicator1 or " ") + (field.indicator2 or " "), field.tag)
        for sub in field.subfields:
            _xml_check(sub.code + sub.value, field.tag)


def _xml_check(value: str, tag: str | None) -> None:
    bad = _XML_INVALID.search(value)
    if bad is not None:
        where = f"field {tag}" if tag else "the leader"
        char = bad.group()
        code = " (MR512)" if char in "\x1d\x1e\x1f" else " (MR511)" if char < " " else ""
        raise UnwritableRecord(
            f"{where} holds U+{ord(char):04X}, a character XML 1.0 cannot hold{code}; "
            "remove it, or convert to .mrc or JSON instead",
            tag,
        )


# -- MarcEdit .mrk ------------------------------------------------------------------------


class MrkWriter(MarcWriter):
    """MarcEdit's mnemonic format: ``=LDR  ``, ``=TAG  ``, backslash for blanks in
    indicators and control fields, ``$`` before each subfield code, a literal dollar as
    ``{dollar}`` (braces as ``{lcub}``/``{rcub}``), letters as UTF-8, a blank line between
    records. What the format cannot hold unchanged — a line break in the text, a
    backslash or dollar as an indicator, a dollar as a subfield code — makes the record
    unwritable."""

    name = "mrk"

    def encode(self, record: pymarc.Record) -> bytes:
        leader = str(record.leader)
        if "\\" in leader or "\n" in leader or "\r" in leader:
            raise UnwritableRecord(
                f"the leader {leader!r} holds a backslash or line break, which .mrk reads "
                "as a blank or a new line; correct the leader"
            )
        for field in record.fields:
            tag = field.tag
            if len(tag) != 3 or "\n" in tag or "\r" in tag:
                raise UnwritableRecord(f"the tag {tag!r} cannot be written as =TAG", tag)
            if field.control_field:
                _mrk_line_check(field.data or "", tag)
                continue
            for ind in (field.indicator1, field.indicator2):
                if ind in ("\\", "$", "\r", "\n") or len(ind or " ") != 1:
                    raise UnwritableRecord(
                        f"field {tag} has the indicator {ind!r}, which .mrk cannot hold "
                        "(a backslash stands for a blank there); correct the indicator",
                        tag,
                    )
            for sub in field.subfields:
                if len(sub.code) != 1 or sub.code in "$\r\n":
                    raise _bad_code(tag, sub.code, ".mrk")
                _mrk_line_check(sub.value, tag)
        return write_mrk(record).encode("utf-8")

    def separator(self) -> bytes:
        return b"\n" if self.records else b""  # a blank line between records


def _mrk_line_check(value: str, tag: str) -> None:
    if "\n" in value or "\r" in value:
        raise UnwritableRecord(
            f"field {tag} holds a line break, which would start a new .mrk line; remove "
            "it, or convert to MARCXML or JSON instead",
            tag,
        )


# -- MARC-in-JSON -------------------------------------------------------------------------


def record_to_json(record: pymarc.Record) -> dict[str, object]:
    """The record as MARC-in-JSON: ``{"leader": ..., "fields": [{"245": {...}}]}``."""
    fields: list[dict[str, object]] = []
    for field in record.fields:
        if field.control_field:
            fields.append({field.tag: field.data or ""})
        else:
            fields.append(
                {
                    field.tag: {
                        "ind1": field.indicator1 or " ",
                        "ind2": field.indicator2 or " ",
                        "subfields": [{sub.code: sub.value} for sub in field.subfields],
                    }
                }
            )
    return {"leader": str(record.leader), "fields": fields}


def _json(record: pymarc.Record) -> bytes:
    text = json.dumps(record_to_json(record), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


class JsonLinesWriter(MarcWriter):
    """MARC-in-JSON, one record per line."""

    name = "jsonl"

    def encode(self, record: pymarc.Record) -> bytes:
        return _json(record) + b"\n"


class JsonArrayWriter(MarcWriter):
    """MARC-in-JSON as one JSON array, one record per line."""

    name = "json"

    def header(self) -> bytes:
        return b"["

    def footer(self) -> bytes:
        return b"\n]\n"

    def encode(self, record: pymarc.Record) -> bytes:
        return _json(record)

    def separator(self) -> bytes:
        return b",\n" if self.records else b"\n"


_WRITERS: dict[str, type[MarcWriter]] = {
    "mrc": Iso2709Writer,
    "mrk": MrkWriter,
    "xml": MarcXmlWriter,
    "json": JsonArrayWriter,
    "jsonl": JsonLinesWriter,
}


def open_writer(fmt: str, fh: BinaryIO) -> MarcWriter:
    """A writer of ``fmt`` ("mrc", "mrk", "xml", "json", "jsonl") on a binary stream."""
    try:
        cls = _WRITERS[fmt]
    except KeyError:
        choices = ", ".join(_WRITERS)
        raise ValueError(f"unknown MARC output format {fmt!r}; use one of: {choices}") from None
    return cls(fh)
