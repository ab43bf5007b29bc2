"""MARC-in-JSON (``{"leader": ..., "fields": [{"245": {"ind1": ..., "subfields": [...]}}]}``)
as one document, an array of records, or JSON Lines, read one value at a time.

Alma's REST API answers in JSON with each record as a MARCXML string (``anies``); those
records are read too. JSON that holds no MARC at all (an Alma portfolio, an error
response) is named in an MR100 finding rather than read as nonsense.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pymarc import Field, Leader, Record
from pymarc.field import Indicators, Subfield

from erdq.readers.marc import Parsed
from erdq.readers.marcxml import control_field, records_in_xml_text

if TYPE_CHECKING:
    from erdq.readers.marc import MarcReader, Source

CHUNK = 1 << 20
MAX_VALUE = 256 << 20  # one JSON value larger than this is refused, not loaded
_TAG_RE = re.compile(r"^[0-9A-Za-z]{3}$")
_WHITESPACE = " \t\r\n"


def _values(source: Source, reader: MarcReader) -> Iterator[Any]:
    """Top-level JSON values; the elements of a top-level array one by one."""
    decoder = json.JSONDecoder()
    text_decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    buffer = ""
    pos = 0
    eof = False
    in_array = None  # unknown until the first non-blank character
    lines_before = 0  # line breaks in the text already dropped from the buffer

    def more() -> bool:
        nonlocal buffer, pos, eof, lines_before
        lines_before += buffer.count("\n", 0, pos)
        chunk = source.read(max(CHUNK, len(buffer)))  # doubling: big values parse in time
        if not chunk:
            eof = True
            buffer = buffer[pos:] + text_decoder.decode(b"", final=True)
        else:
            buffer = buffer[pos:] + text_decoder.decode(chunk)
        pos = 0
        return not eof

    more()
    while True:
        while pos < len(buffer) and buffer[pos] in _WHITESPACE + ("," if in_array else ""):
            pos += 1
        if pos >= len(buffer):
            if (eof or not more()) and pos >= len(buffer):
                return
            continue
        if in_array is None:
            in_array = buffer[pos] == "["
            if in_array:
                pos += 1
                continue
        if in_array and buffer[pos] == "]":
            return
        try:
            value, end = decoder.raw_decode(buffer, pos)
        except json.JSONDecodeError as exc:
            if not eof and len(buffer) - pos < MAX_VALUE:
                more()
                continue
            line = lines_before + buffer.count("\n", 0, exc.pos) + 1
            reader.report("MR121", None, value=exc.msg, reason=f"invalid JSON near line {line}")
            nxt = buffer.find("\n{", exc.pos)
            if in_array or nxt == -1:
                return
            pos = nxt + 1  # JSON Lines: go on with the next line
            continue
        pos = end
        yield value


def iter_json(source: Source, reader: MarcReader) -> Iterator[Parsed]:
    other: list[str] = []
    for value in _values(source, reader):
        found = False
        for parsed in _records(value):
            found = True
            yield parsed
        if not found and len(other) < 3:
            other.append(_describe(value))
    if other and reader.records == 0:
        reader.empty_reason = f"it is JSON but holds no MARC record ({'; '.join(other)})"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(list(value)[:5])
        if "errorsExist" in value or "errorList" in value or "web_service_result" in value:
            return f"an API error response: {keys}"
        return f"an object with keys {keys}"
    return f"a JSON {type(value).__name__}"


def _records(value: Any) -> Iterator[Parsed]:
    """MARC records in one JSON value: MARC-in-JSON objects, or MARCXML strings under
    ``anies`` (Alma), searched a few levels deep."""
    if isinstance(value, dict):
        if "fields" in value and ("leader" in value or isinstance(value["fields"], list)):
            yield _marc_in_json(value)
            return
        anies = value.get("anies")
        if isinstance(anies, list):
            for text in anies:
                if isinstance(text, str) and "<" in text:
                    parsed_list, errors = records_in_xml_text(text)
                    for parsed in parsed_list:
                        parsed.format = "json"
                        for error in errors[:3]:
                            parsed.note("MR117", value=error[:200], xml_line="?", reason=error)
                        yield parsed
            return
        for child in value.values():
            if isinstance(child, list | dict):
                yield from _records(child)
    elif isinstance(value, list):
        for child in value:
            if isinstance(child, list | dict):
                yield from _records(child)


def _marc_in_json(value: dict) -> Parsed:
    parsed = Parsed(record=None, format="json", encoding="unicode")
    note = parsed.note
    leader = value.get("leader")
    if not isinstance(leader, str) or len(leader) != 24:
        note("MR115", value=str(leader)[:40], reason="the leader is missing or not 24 characters")
        parsed.memo["leader_reported"] = True
        leader = ((leader if isinstance(leader, str) else "") + " " * 24)[:24]
    fields: list[Field] = []
    raw_fields = value.get("fields")
    if not isinstance(raw_fields, list):
        note("MR121", value=str(raw_fields)[:80], reason='"fields" is not a list')
        raw_fields = []
    for entry in raw_fields:
        if not isinstance(entry, dict) or len(entry) != 1:
            note("MR121", value=str(entry)[:80], reason="a field is not a one-key object")
            continue
        ((tag, body),) = entry.items()
        if not _TAG_RE.match(tag):
            note("MR110", value=tag, tag=tag)
        if isinstance(body, str):
            fields.append(control_field(tag, body))
        elif isinstance(body, dict):
            fields.append(_datafield(tag, body, note))
        else:
            note(
                "MR121", tag=tag, value=str(body)[:80], reason="a field value is not text or object"
            )
    record = Record()
    record.leader = Leader(leader)
    record.fields = fields
    parsed.record = record
    return parsed


def _datafield(tag: str, body: dict, note) -> Field:
    indicators = []
    for name in ("ind1", "ind2"):
        ind = body.get(name, " ")
        if not isinstance(ind, str) or len(ind) != 1:
            note("MR111", tag=tag, value=str(ind), found=f"{name}={ind!r}")
            ind = (str(ind) if ind is not None else " ")[:1] or " "
        indicators.append(ind)
    subfields = []
    raw = body.get("subfields", [])
    if not isinstance(raw, list):
        note("MR121", tag=tag, value=str(raw)[:80], reason='"subfields" is not a list')
        raw = []
    for entry in raw:
        if not isinstance(entry, dict) or len(entry) != 1:
            note(
                "MR121", tag=tag, value=str(entry)[:80], reason="a subfield is not a one-key object"
            )
            continue
        ((code, text),) = entry.items()
        if len(code) != 1 or not ("!" <= code <= "~"):
            note("MR112", tag=tag, value=repr(code), byte=repr(code), kept="read as $?")
            code = "?"
        text = "" if text is None else str(text)
        if not text:
            note("MR113", tag=tag, subfield=code, value=f"${code}", reason="empty")
        subfields.append(Subfield(code, text))
    field = Field(tag=tag, indicators=Indicators(*indicators), subfields=subfields)
    field.tag = tag
    return field
