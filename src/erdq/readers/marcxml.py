"""MARCXML, streamed with lxml ``iterparse`` (entities unresolved, no network, no huge
trees), one ``record`` element at a time, cleared as soon as it is read.

Accepted as they occur: a ``<collection>`` or a bare ``<record>`` root, the MARC 21
namespace or none (Alma publishing, MR118), records inside other XML (Alma API
``<bib>`` responses, OAI-PMH), and several top-level records with no wrapper (not
well-formed XML; read anyway and reported, MR117). Parser errors are recovered from and
reported with their XML line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree
from pymarc import Field, Leader, Record
from pymarc.field import Indicators, Subfield

from erdq.readers.marc import Parsed

if TYPE_CHECKING:
    from erdq.readers.marc import MarcReader, Source

MARC_NS = "http://www.loc.gov/MARC21/slim"
_ACCEPTED_NS = {MARC_NS, "info:lc/xmlns/marcxchange-v1", "info:lc/xmlns/marcxchange-v2"}
_WRAP = b"erdq-wrap"
_TAG_RE = re.compile(r"^[0-9A-Za-z]{3}$")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
MAX_XML_ERRORS = 20


def _root_start(head: bytes) -> int | None:
    """Where the root element starts, after the declaration, comments and DOCTYPE."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:64]:
        return None  # UTF-16: inserting ASCII would corrupt it; read unwrapped
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(head) and head[pos] in b" \t\r\n":
            pos += 1
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos)
            pos = end + 2
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos)
            pos = end + 3
        elif head[pos : pos + 9].upper() == b"<!DOCTYPE":
            depth, end = 0, pos
            while end < len(head):
                ch = head[end : end + 1]
                depth += ch == b"["
                depth -= ch == b"]"
                if ch == b">" and depth <= 0:
                    break
                end += 1
            pos = end + 1
        elif head.startswith(b"<", pos):
            return pos
        else:
            return None
        if pos <= 0 or pos > len(head):
            return None


class _Wrapped:
    """The source with a synthetic root around its content, so that several top-level
    ``record`` elements (no ``<collection>``) parse instead of stopping after the first."""

    def __init__(self, source: Source) -> None:
        self._source = source
        head = source.read(len(source.head))
        start = _root_start(head)
        self.wrapped = start is not None
        if start is not None:
            head = head[:start] + b"<" + _WRAP + b">" + head[start:]
        self._pending = head
        self._closed = not self.wrapped

    def read(self, size: int = -1) -> bytes:
        if self._pending:
            out = self._pending if size < 0 else self._pending[:size]
            self._pending = self._pending[len(out) :]
            return out
        data = self._source.read(size)
        if not data and not self._closed:
            self._closed = True
            return b"</" + _WRAP + b">"
        return data


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def iter_marcxml(source: Source, reader: MarcReader) -> Iterator[Parsed]:
    report = reader.report
    stream = _Wrapped(source)
    context = etree.iterparse(
        stream,
        events=("end",),
        tag="{*}record",
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    namespaces: set[str] = set()
    top_level = 0
    try:
        for _, element in context:
            parsed = element_to_parsed(element)
            if parsed is not None:
                namespace = _namespace(element.tag)
                if namespace not in _ACCEPTED_NS and namespace not in namespaces:
                    namespaces.add(namespace)
                    _report_namespace(report, reader.next_ordinal(), namespace)
                parent = element.getparent()
                if stream.wrapped and parent is not None and _local(parent.tag) == "erdq-wrap":
                    top_level += 1
                yield parsed
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.LxmlError as exc:  # recovery gave up: report and stop
        line = getattr(exc, "lineno", None)
        report("MR117", None, value=str(exc)[:200], xml_line=line or "?", reason=str(exc))
    _report_errors(report, context.error_log)
    if top_level > 1:
        report(
            "MR117",
            None,
            value="no <collection> wrapper",
            xml_line=1,
            reason=f"{top_level} <record> elements stand at the top level with no "
            "<collection> around them (only one root element is allowed); all were read",
        )


def _report_namespace(report, ordinal: int, namespace: str) -> None:
    if namespace:
        report("MR118", ordinal, value=namespace, found=f"the namespace {namespace!r}")
    else:
        report("MR118", ordinal, value="(no namespace)", found="no namespace")


def _report_errors(report, log) -> None:
    seen = set()
    for entry in log:
        if entry.level_name not in ("ERROR", "FATAL"):
            continue
        message = entry.message.strip()
        if "erdq-wrap" in message or (entry.line, message) in seen:
            continue  # the synthetic root's own complaints say nothing about the file
        seen.add((entry.line, message))
        if len(seen) > MAX_XML_ERRORS:
            break
        report("MR117", None, value=message[:200], xml_line=entry.line, reason=message)


def element_to_parsed(element) -> Parsed | None:
    """A MARC ``record`` element as a record with its notes; None for a ``record`` that is
    not MARC (an OAI-PMH envelope around one)."""
    children = [c for c in element if isinstance(c.tag, str)]
    kinds = {_local(c.tag) for c in children}
    if not kinds & {"leader", "controlfield", "datafield"}:
        return None
    parsed = Parsed(record=None, format="marcxml", encoding="unicode")
    note = parsed.note
    leader_text: str | None = None
    fields: list[Field] = []
    for child in children:
        kind = _local(child.tag)
        if kind == "leader":
            leader_text = child.text or ""
        elif kind == "controlfield":
            fields.append(control_field(_tag(child.get("tag"), note), child.text or ""))
        elif kind == "datafield":
            fields.append(_datafield(child, note))
    record = Record()
    record.leader = Leader(_leader(leader_text, note, parsed))
    record.fields = fields
    parsed.record = record
    return parsed


def control_field(tag: str, data: str) -> Field:
    """A control field, also for tags pymarc would not take as one (Aleph ``FMT``)."""
    field = Field(tag=tag, data=data)
    field.tag = tag  # pymarc pads short numeric tags; keep what the file says
    if not field.control_field:
        field.control_field = True
        field.data = data
        field.subfields = []
    return field


def _leader(text: str | None, note, parsed: Parsed) -> str:
    if text is None:
        note("MR115", value="", reason="the record has no leader")
        parsed.memo["leader_reported"] = True
        return " " * 24
    if len(text) != 24:
        note("MR115", value=text, reason=f"the leader has {len(text)} characters, not 24")
        parsed.memo["leader_reported"] = True
        return (text + " " * 24)[:24]
    return text


def _tag(tag: str | None, note) -> str:
    tag = tag if tag is not None else ""
    if not _TAG_RE.match(tag):
        note("MR110", value=tag, tag=tag)
    return tag


def _datafield(element, note) -> Field:
    tag = _tag(element.get("tag"), note)
    indicators = []
    for name in ("ind1", "ind2"):
        value = element.get(name)
        if value is None or len(value) != 1:
            note("MR111", tag=tag, value=value or "", found=f"{name}={value!r}")
            value = (value or " ")[:1] or " "
        indicators.append(value)
    subfields = []
    for child in element:
        if _local(child.tag) != "subfield":
            continue
        code = child.get("code")
        text = child.text or ""
        if code is None or len(code) != 1 or not ("!" <= code <= "~"):
            shown = "no code" if not code else repr(code)
            kept = f"kept as code {code!r}" if code and len(code) == 1 else "read as $?"
            note("MR112", tag=tag, value=shown, byte=shown, kept=kept)
            code = code if code and len(code) == 1 else "?"
        if not text:
            note("MR113", tag=tag, subfield=code, value=f"${code}", reason="empty")
        subfields.append(Subfield(code, text))
    field = Field(tag=tag, indicators=Indicators(*indicators), subfields=subfields)
    field.tag = tag
    return field


def records_in_xml_text(text: str) -> tuple[list[Parsed], list[str]]:
    """The MARC records in an XML document held as a string (Alma's JSON ``anies``), with
    the parser's complaints. The string's own encoding declaration is dropped: it is text
    already, whatever it says ("UTF-16")."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    body = _DECLARATION.sub("", text, count=1).encode("utf-8")
    errors: list[str] = []
    try:
        root = etree.fromstring(body, parser)
    except etree.LxmlError as exc:
        return [], [str(exc)]
    errors = [e.message for e in parser.error_log if e.level_name in ("ERROR", "FATAL")]
    if root is None:
        return [], errors or ["the string holds no XML element"]
    out = []
    for element in root.iter("{*}record"):
        parsed = element_to_parsed(element)
        if parsed is not None:
            out.append(parsed)
    return out, errors
