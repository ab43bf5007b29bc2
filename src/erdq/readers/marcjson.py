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

from erdq.readers.marc import Parsed, indicator_replaced
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
                    parsed_list, errors, lost = records_in_xml_text(text)
                    for parsed in parsed_list:
                        parsed.format = "json"
                        for error in errors[:3]:
                            parsed.note("MR117", value=error[:200], xml_line="?", reason=error)
                        yield parsed
                    for _ in range(lost):
                        yield _lost_in_anies(text, errors, len(parsed_list))
            return
        for child in value.values():
            if isinstance(child, list | dict):
                yield from _records(child)
    elif isinstance(value, list):
        for child in value:
            if isinstance(child, list | dict):
                yield from _records(child)


def _lost_in_anies(text: str, errors: list[str], read: int) -> Parsed:
    """A ``<record>`` in an ``anies`` MARCXML string that gave no record: counted and
    reported with the parser's first complaint and the start of the string."""
    why = errors[0] if errors else "the <record> holds no leader or field"
    reason = (
        f'a MARCXML string under "anies" holds a <record> the XML parser could not read '
        f"({why}); {read} record(s) were read from that string"
    )
    return Parsed(
        record=None,
        format="json",
        encoding="unicode",
        notes=[("MR101", {"value": text[:80], "at_byte": "?", "reason": reason})],
    )


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
        kind = _tag_kind(tag)
        if isinstance(body, str) and kind != "data":
            fields.append(control_field(tag, body))
        elif isinstance(body, dict) and kind != "control":
            fields.append(_datafield(tag, body, note))
        elif isinstance(body, str):
            note(
                "MR121",
                tag=tag,
                value=body[:200],
                reason=f"data field {tag} is text, not an object with ind1, ind2 and "
                "subfields; it was not read (its text is not made into indicators and "
                "subfields)",
            )
        elif isinstance(body, dict):
            note(
                "MR121",
                tag=tag,
                value=json.dumps(body, ensure_ascii=False)[:200],
                reason=f"control field {tag} is an object, not text; it was not read",
            )
        else:
            note(
                "MR121",
                tag=tag,
                value=json.dumps(body, ensure_ascii=False)[:200],
                reason=f"field {tag} is {_json_kind(body)}, not text or an object; it was not read",
            )
    record = Record()
    record.leader = Leader(leader)
    record.fields = fields
    parsed.record = record
    return parsed


def _tag_kind(tag: str) -> str:
    """ "control" for 001-009, "data" for 010-999, "" for tags that are neither (a local
    ``FMT``, a malformed tag): those are read as the JSON shows them."""
    if len(tag) == 3 and tag.isdigit():
        return "control" if tag < "010" else "data"
    return ""


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "text"


_DATA_KEYS = {"ind1", "ind2", "subfields"}


def _datafield(tag: str, body: dict, note) -> Field:
    indicators = []
    for name in ("ind1", "ind2"):
        if name not in body:
            note("MR111", tag=tag, value="", **indicator_replaced(name, None))
            indicators.append(" ")
            continue
        ind = body[name]
        if not isinstance(ind, str) or len(ind) != 1:
            note("MR111", tag=tag, value=str(ind), **indicator_replaced(name, ind))
            ind = (str(ind) if ind is not None else " ")[:1] or " "
        indicators.append(ind)
    for key in body:
        if key not in _DATA_KEYS:
            note(
                "MR121",
                tag=tag,
                value=f"{key}: {json.dumps(body[key], ensure_ascii=False)}"[:200],
                reason=f"field {tag} has a key {key!r}, which MARC-in-JSON does not have "
                "(only ind1, ind2, subfields); it was not read",
            )
    subfields = []
    if "subfields" not in body:
        note("MR121", tag=tag, value="", reason=f'field {tag} has no "subfields"')
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
        if isinstance(text, bool | list | dict):
            note(
                "MR121",
                tag=tag,
                subfield=code,
                value=json.dumps(text, ensure_ascii=False)[:200],
                reason=f"subfield ${code} of field {tag} is {_json_kind(text)}, not text; it "
                "was not read",
            )
            continue
        if isinstance(text, int | float):
            note(
                "MR121",
                tag=tag,
                subfield=code,
                value=json.dumps(text),
                reason=f"subfield ${code} of field {tag} is a number, not text; it was read "
                f"as the text {json.dumps(text)!r}",
            )
            text = json.dumps(text)
        text = "" if text is None else text
        if not text:
            note("MR113", tag=tag, subfield=code, value=f"${code}", reason="empty")
        subfields.append(Subfield(code, text))
    field = Field(tag=tag, indicators=Indicators(*indicators), subfields=subfields)
    field.tag = tag
    return field
