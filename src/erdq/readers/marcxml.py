"""MARCXML, streamed with lxml ``iterparse`` (entities unresolved, no network, no huge
trees), one ``record`` element at a time, cleared as soon as it is read.

Accepted as they occur: a ``<collection>`` or a bare ``<record>`` root, the MARC 21
namespace or none (Alma publishing, MR118), records inside other XML (Alma API
``<bib>`` responses, OAI-PMH), and several top-level records with no wrapper (not
well-formed XML; read anyway and reported, MR117). Parser errors are recovered from and
reported with their XML line (MR117), and on the record and field whose value the repair
may have changed (MR127). What recovery loses is counted: the ``<record`` start tags in
the bytes are matched, as they stream past, to the records the parser gives, and one
with no record is an unparseable record (MR101) named by its line, byte offset and
neighbours. All the text inside a subfield is kept, markup included; an element MARCXML
does not have there is reported (MR126), never skipped.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from lxml import etree
from pymarc import Field, Leader, Record
from pymarc.field import Indicators, Subfield

from erdq.readers.marc import Parsed, indicator_replaced

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


_RECORD_START = re.compile(rb"<(?:[A-Za-z_][\w.\-]{0,40}:)?record(?=[\s/>])")
_TAIL = 64  # longer than any start tag the pattern matches


class _Starts:
    """The ``<record`` start tags in the bytes the parser is given, found as they pass:
    (line, column, offset) each, as lxml counts lines and columns (1-based). What the
    parser makes of the file is checked against them, so that a record its recovery
    lost is counted and named instead of vanishing."""

    def __init__(self) -> None:
        self.found: deque[tuple[int, int, int]] = deque()
        self.total = 0
        # Once the parser has given up, only this many more are kept; the rest counted.
        self.keep: int | None = None
        self.uncounted = 0
        self._tail = b""
        self._base = 0  # offset of ``_tail[0]`` in the stream
        self._line = 1  # the line at the end of what was scanned
        self._line_start = 0  # offset where that line starts

    def feed(self, data: bytes) -> None:
        if not data:
            return
        buf = self._tail + data
        new = len(self._tail)
        base = self._base
        line, line_start = self._line, self._line_start
        cur = new  # newlines before ``new`` were counted with the previous data
        for match in _RECORD_START.finditer(buf):
            if match.end() < new:
                continue  # seen with the previous data
            start = match.start()
            if start > cur:
                count = buf.count(b"\n", cur, start)
                if count:
                    line += count
                    line_start = base + buf.rindex(b"\n", cur, start) + 1
                cur = start
            offset = base + start
            self.total += 1
            if self.keep is not None and len(self.found) >= self.keep:
                self.uncounted += 1
                continue
            self.found.append((line, offset - line_start + 1, offset))
        count = buf.count(b"\n", cur)
        if count:
            line += count
            line_start = base + buf.rindex(b"\n", cur) + 1
        self._line, self._line_start = line, line_start
        keep = min(len(buf), _TAIL)
        self._tail = buf[len(buf) - keep :]
        self._base = base + len(buf) - keep


# An entity reference XML does not define by itself (``&eacute;``, an HTML habit): XML
# knows only these five and character references. With entities unresolved, libxml2's
# recovery drops it and, from then on, every ``&amp;`` of the file, without a word; as
# ``&amp;eacute;`` it is kept as the text it was written as, and reported once.
_UNDEFINED_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_:][\w.:-]*;)")
_CDATA_START, _CDATA_END = b"<![CDATA[", b"]]>"
_ENTITY_MAX = 40  # bytes an entity reference may span across two reads


class EntityGuard:
    """Escapes undefined entity references in a stream of XML bytes, CDATA sections left
    as they are; counts them, with the first one and its line."""

    def __init__(self) -> None:
        self.count = 0
        self.first: tuple[bytes, int] | None = None  # (reference, line)
        self._carry = b""
        self._in_cdata = False
        self._line = 1

    def feed(self, data: bytes, final: bool = False) -> bytes:
        buf = self._carry + data if self._carry else data
        cut = len(buf) if final else self._safe_end(buf)
        if cut < len(buf):
            self._carry, buf = buf[cut:], buf[:cut]
        else:
            self._carry = b""
        if not self._in_cdata and b"&" not in buf and _CDATA_START not in buf:
            # The common chunk: nothing to escape, handed on as it is.
            if self.first is None:
                self._line += buf.count(b"\n")
            return buf
        out: list[bytes] = []
        i = 0
        while i < len(buf):
            if self._in_cdata:
                j = buf.find(_CDATA_END, i)
                end = len(buf) if j == -1 else j + len(_CDATA_END)
                out.append(buf[i:end])
                self._in_cdata = j == -1
            else:
                j = buf.find(_CDATA_START, i)
                end = len(buf) if j == -1 else j + len(_CDATA_START)
                out.append(_UNDEFINED_ENTITY.sub(self._escape(buf, i), buf[i:end]))
                self._in_cdata = j != -1
            if self.first is None:  # lines are counted for the first reference only
                self._line += buf.count(b"\n", i, end)
            i = end
        return b"".join(out)

    def _escape(self, buf: bytes, start: int):
        def sub(match: re.Match[bytes]) -> bytes:
            self.count += 1
            if self.first is None:
                line = self._line + buf.count(b"\n", start, start + match.start())
                self.first = (match.group(), line)
            return b"&amp;" + match.group(1)

        return sub

    @staticmethod
    def _safe_end(buf: bytes) -> int:
        """Where ``buf`` may be cut without splitting an entity reference or a CDATA
        marker: before an ``&`` near the end with no ``;`` after it, or before the end of
        ``buf`` that begins a marker (``<![CD``, ``]]``)."""
        cut = len(buf)
        after_semicolon = max(len(buf) - _ENTITY_MAX, buf.rfind(b";") + 1, 0)
        amp = buf.find(b"&", after_semicolon)
        if amp != -1:
            cut = amp
        for marker in (_CDATA_START, _CDATA_END):
            for k in range(len(marker) - 1, 0, -1):
                if buf.endswith(marker[:k]):
                    cut = min(cut, len(buf) - k)
                    break
        return cut


class _Wrapped:
    """The source with a synthetic root around its content, so that several top-level
    ``record`` elements (no ``<collection>``) parse instead of stopping after the first.
    Every byte handed to the parser also passes ``starts``."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self.starts = _Starts()
        head = source.read(len(source.head))
        # UTF-16: start tags cannot be found in the bytes, nor records matched to them.
        self.scannable = not (head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:64])
        start = _root_start(head)
        self.wrapped = start is not None
        # Where the synthetic start tag stands, and its length: offsets after it are
        # moved back to the file's own.
        self.inserted_at = start if start is not None else -1
        self.inserted = len(_WRAP) + 2 if start is not None else 0
        if start is not None:
            head = head[:start] + b"<" + _WRAP + b">" + head[start:]
        self._pending = head
        self._closed = not self.wrapped
        self.guard = EntityGuard()
        self._out = b""
        self._done = False

    def file_offset(self, offset: int) -> int:
        return offset - self.inserted if 0 <= self.inserted_at < offset else offset

    def read(self, size: int = -1) -> bytes:
        if not self.scannable:
            data = self._read(size)
            self.starts.feed(data)
            return data
        # The parser gets the bytes with undefined entity references escaped (``guard``);
        # ``starts`` sees them as they are in the file, whose offsets it gives.
        while not self._out and not self._done:
            data = self._read(size if size > 0 else 1 << 16)
            self.starts.feed(data)
            self._out = self.guard.feed(data, final=not data)
            self._done = not data
        out = self._out if size < 0 else self._out[:size]
        self._out = self._out[len(out) :]
        return out

    def _read(self, size: int) -> bytes:
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
    recovery = _Recovery(stream, lambda: context.error_log)
    namespaces: set[str] = set()
    top_level = 0
    early = recovery.early
    try:
        for _, element in context:
            parent = element.getparent()
            if (
                parent is not None
                and _local(parent.tag) == "record"
                and not any(p is parent for p in early)
                and _is_marc(parent)
            ):
                # ``element`` stands inside another MARC record: that record's end tag is
                # missing. What comes before ``element`` is that record; read it first.
                first = element_to_parsed(parent, stop=element)
                if first is not None:
                    early.append(parent)
                    first.note(
                        "MR127",
                        value="</record>",
                        xml_line=parent.sourceline,
                        reason="the record has no </record> end tag",
                        effect=f"the <record> at XML line {element.sourceline} was found "
                        "inside it; both were read as separate records",
                    )
                    yield from recovery.read(parent, first, nested=element)
                    while parent[0] is not element:
                        del parent[0]
            if any(p is element for p in early):
                early[:] = [p for p in early if p is not element]
                _report_leftover(report, element, reader.next_ordinal() - 1)
                element.clear(keep_tail=True)
                continue
            parsed = element_to_parsed(element)
            if parsed is not None:
                namespace = _namespace(element.tag)
                if namespace not in _ACCEPTED_NS and namespace not in namespaces:
                    namespaces.add(namespace)
                    _report_namespace(report, reader.next_ordinal(), namespace)
                if stream.wrapped and parent is not None and _local(parent.tag) == "erdq-wrap":
                    top_level += 1
            yield from recovery.read(element, parsed)
            element.clear(keep_tail=True)
            if parent is not None and _local(parent.tag) == "record":
                parent.remove(element)  # the record around it is still being read
                continue
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.LxmlError as exc:  # recovery gave up: report and stop
        line = getattr(exc, "lineno", None)
        report("MR117", None, value=str(exc)[:200], xml_line=line or "?", reason=str(exc))
        recovery.stopped = True
        stream.starts.keep = len(stream.starts.found) + MAX_LOST  # keep a few, count the rest
        while stream.read(1 << 20):
            pass
    yield from recovery.finish()
    _report_errors(report, recovery.file_errors())
    guard = stream.guard
    if guard.count and guard.first is not None:
        reference, line = guard.first
        shown = reference.decode("utf-8", "replace")
        report(
            "MR117",
            None,
            value=shown,
            xml_line=line,
            reason=f"{guard.count:,} entity reference(s) that XML does not define, such as "
            f"{shown} (XML has only &amp;, &lt;, &gt;, &quot;, &apos; and &#...; character "
            "references); each was kept as the text it was written as",
        )
    if top_level > 1:
        report(
            "MR117",
            None,
            value="no <collection> wrapper",
            xml_line=1,
            reason=f"{top_level} <record> elements stand at the top level with no "
            "<collection> around them (only one root element is allowed); all were read",
        )


MAX_LOST = 20  # records lost to recovery named one by one; the rest are counted


class _Recovery:
    """What lxml's recovery did to the records: each record element the parser gives is
    matched to its ``<record`` start tag in the bytes. A start tag it skips over is a
    record recovery lost (counted as unparseable, named by its XML line and byte offset
    and by the records around it); a parser error inside a record is reported on that
    record and, when its line shows it, on the field and subfield."""

    def __init__(self, stream: _Wrapped, log: Callable[[], Any]) -> None:
        self.stream = stream
        self.starts = stream.starts.found
        self.log = log
        self.stopped = False
        self.early: list = []  # record elements read before their end (end tag missing)
        self._any_error = False
        self._logged = 0  # parser log entries looked at
        self._waiting: list[tuple[int, int, str]] = []  # errors after the record at hand
        self._file: list[tuple[int, int, str]] = []  # errors in no record
        self._lost = 0
        self._last = "none (it is the first)"  # the record read before, for naming

    def recovered(self) -> bool:
        """Whether the parser had to repair the file (only then is a start tag without
        its record a lost record, not one inside a comment or CDATA)."""
        self._pull()
        return self.stopped or self._any_error

    def _pull(self) -> None:
        for entry in list(self.log())[self._logged :]:
            self._logged += 1
            if entry.level_name not in ("ERROR", "FATAL"):
                continue
            message = entry.message.strip()
            if "erdq-wrap" in message:
                continue  # the synthetic root's own complaints say nothing about the file
            self._any_error = True
            self._waiting.append((entry.line, entry.column, message))

    def read(self, element, parsed: Parsed | None, nested=None) -> Iterator[Parsed]:
        """The records lost before ``element``, then ``parsed`` (the record ``element``
        holds, or None for an envelope) with the parser errors that lie inside it."""
        if not self.stream.scannable:
            if parsed is not None:
                yield parsed  # the parser's errors are reported for the file (MR117)
            return
        line = element.sourceline or 0
        index = _own_start(self.starts, line)
        start: tuple[int, int] = (line, 0)
        at_byte: int | str = "?"
        if index is not None:
            # Records around this one still being read: their start tags stay.
            open_records = sum(
                1
                for a in element.iterancestors()
                if _local(a.tag) == "record" and not any(a is e for e in self.early)
            )
            before = [self.starts.popleft() for _ in range(index)]
            found = self.starts.popleft()
            start = found[:2]
            at_byte = self.stream.file_offset(found[2])
            keep = before[len(before) - open_records :] if open_records > 0 else []
            lost = before[: len(before) - len(keep)]
            for entry in reversed(keep):
                self.starts.appendleft(entry)
            if lost and self.recovered():
                following = _name(parsed) if parsed is not None else "none"
                for lost_line, column, offset in lost:
                    yield self._lost_record(lost_line, column, offset, following)
        if nested is not None:
            inner = _own_start(self.starts, nested.sourceline or line)
            end = self.starts[inner][:2] if inner is not None else (nested.sourceline or line, 0)
        else:
            end = self.starts[0][:2] if self.starts else None
        if parsed is None:
            if _namespace(element.tag) in _ACCEPTED_NS | {""} and not any(
                True for _ in element.iterdescendants("{*}record")
            ):
                # A MARC <record> with no leader or field in it (not an envelope).
                text = "".join(element.itertext()).strip()
                shown = f" (its text: {text[:60]!r})" if text else ""
                reason = (
                    f"the <record> at XML line {line} holds no <leader>, <controlfield> or "
                    f"<datafield>{shown}; the record before it is {self._last}"
                )
                yield self._unparseable(f"<record> at line {line}", at_byte, reason)
            return
        self._pull()
        waiting, self._waiting = self._waiting, []
        inside: list[tuple[int, int, str]] = []
        for error in waiting:
            position = error[:2]
            if end is not None and position >= end:
                self._waiting.append(error)  # in a record after this one
                continue
            self._file.append(error)  # MR117 names every error the file has
            if position >= start and _about_this_record(error[2], line):
                inside.append(error)
        if inside:
            _note_repairs(parsed, element, inside, nested)
        self._last = _name(parsed)
        yield parsed

    def _lost_record(self, line: int, column: int, offset: int, following: str) -> Parsed:
        reason = (
            f"the XML parser could not make a record of the <record> at XML line {line}, "
            f"column {column}; the record before it is {self._last}, the record after it "
            f"is {following}"
        )
        value = f"<record> at line {line}"
        return self._unparseable(value, self.stream.file_offset(offset), reason)

    def _unparseable(self, value: str, at_byte: int | str, reason: str) -> Parsed:
        """A record counted as unparseable; the first ``MAX_LOST`` are named one by one,
        the one after them says that the rest are only counted."""
        self._lost += 1
        notes: list[tuple[str, dict[str, object]]] = []
        if self._lost == MAX_LOST + 1:
            reason += (
                f"; this and any further lost records are counted, not named (more than {MAX_LOST})"
            )
        if self._lost <= MAX_LOST + 1:
            notes.append(("MR101", {"value": value, "at_byte": at_byte, "reason": reason}))
        return Parsed(record=None, format="marcxml", encoding="unicode", notes=notes)

    def finish(self) -> Iterator[Parsed]:
        """The start tags no record came of, once the parser is done (or gave up)."""
        left = list(self.starts)
        self.starts.clear()
        more = self.stream.starts.uncounted
        if not (left or more) or not self.recovered():
            return
        for line, column, offset in left:
            yield self._lost_record(line, column, offset, "none (the file ends)")
        if more:
            self._lost = max(self._lost, MAX_LOST)  # named no more, one by one
            yield self._unparseable(
                f"{more:,} more <record> start tags",
                "?",
                f"the XML parser stopped; {more:,} more <record> start tag(s) follow up to "
                f"the end of the file and none of them was read",
            )
            for _ in range(more - 1):
                yield Parsed(record=None, format="marcxml", encoding="unicode")

    def file_errors(self) -> list[tuple[int, int, str]]:
        self._pull()
        return sorted([*self._file, *self._waiting])


_ABOUT_RECORD = re.compile(r"\brecord line (\d+)")


def _about_this_record(message: str, line: int) -> bool:
    """False for an error about another record's tag ("tag mismatch: record line 5 and
    collection", logged where a later record stands)."""
    about = _ABOUT_RECORD.search(message)
    return about is None or int(about.group(1)) == line


def _own_start(starts: deque[tuple[int, int, int]], line: int) -> int | None:
    """Which start tag is the element's, by its ``sourceline``: the first one on that
    line (several records on one line come in order), else the last one before it
    (past line 65,535 libxml2 gives an element the line of a later part of it)."""
    before = None
    for index, (start_line, _column, _offset) in enumerate(starts):
        if start_line == line:
            return index
        if start_line > line:
            break
        before = index
    return before


def _name(parsed: Parsed | None) -> str:
    """How a lost record's neighbour is named: its 001, or that it has none."""
    if parsed is None or parsed.record is None:
        return "none"
    field = parsed.record.get("001")
    number = field.data.strip() if field is not None and field.data else ""
    return f"the one with 001 {number!r}" if number else "one without 001"


def _note_repairs(parsed: Parsed, element, errors: list[tuple[int, int, str]], nested) -> None:
    """The parser errors inside the record, one MR127 per field they touch: the field
    (and subfield) on the error's line when only one stands there, else the record with
    the fields of that line named."""
    by_target: dict[tuple, tuple[dict[str, object], list[str]]] = {}
    for line, _column, message in errors:
        params = _repair_target(element, line, nested, message)
        key = (params.get("tag"), params.get("subfield"), params["xml_line"])
        reasons = by_target.setdefault(key, (params, []))[1]
        if message not in reasons:
            reasons.append(message)
    for params, reasons in by_target.values():
        shown = "; ".join(reasons[:3])
        if len(reasons) > 3:
            shown += f"; and {len(reasons) - 3} more"
        params["reason"] = shown
        params.setdefault("value", reasons[0][:200])
        parsed.note("MR127", **params)


def _repair_target(element, line: int, nested, message: str) -> dict[str, object]:
    subfields = []
    fields = []
    for child in element.iter("{*}datafield", "{*}controlfield", "{*}subfield"):
        if nested is not None and child is nested:
            break
        if child.sourceline == line:
            (subfields if _local(child.tag) == "subfield" else fields).append(child)
    params: dict[str, object] = {"xml_line": line}
    owner = subfields[0].getparent() if len(subfields) == 1 else None
    if message.startswith("Premature end of data"):
        params["effect"] = "the file ends inside this record; it was read up to there"
    elif owner is not None and _local(owner.tag) == "datafield":
        tag = owner.get("tag") or ""
        code = subfields[0].get("code") or "?"
        text = "".join(subfields[0].itertext())
        params.update(tag=tag, subfield=code, value=text)
        params["effect"] = (
            f"field {tag} ${code} was read as {text!r}, which may differ from the file"
        )
    elif len(fields) == 1 and len(subfields) <= 1:
        tag = fields[0].get("tag") or ""
        text = "".join(fields[0].itertext())
        params.update(tag=tag, value=text)
        params["effect"] = f"field {tag} was read as {text!r}, which may differ from the file"
    else:
        tags = sorted(
            {f.get("tag") or "?" for f in fields}
            | {(s.getparent().get("tag") or "?") for s in subfields if s.getparent() is not None}
        )
        if tags:
            params["effect"] = (
                f"text on that line may have been changed or dropped (fields on the line: "
                f"{', '.join(tags)})"
            )
        else:
            params["effect"] = "text in this record may have been changed or dropped"

    return params


def _report_leftover(report, element, ordinal: int) -> None:
    """What stands in a record after a record found inside it (its end tag was
    missing): fields that belong to no record read."""
    left = [c for c in element if isinstance(c.tag, str)]
    if left:
        tags = ", ".join(c.get("tag") or _local(c.tag) for c in left[:10])
        report(
            "MR117",
            None,
            value=tags[:200],
            xml_line=left[0].sourceline or "?",
            reason=f"{len(left)} element(s) ({tags}) follow a record that stands inside "
            f"another one (its </record> is missing); they were not read into any record "
            f"(the last record read is record {ordinal})",
        )


def _report_namespace(report, ordinal: int, namespace: str) -> None:
    if namespace:
        report("MR118", ordinal, value=namespace, found=f"the namespace {namespace!r}")
    else:
        report("MR118", ordinal, value="(no namespace)", found="no namespace")


def _report_errors(report, errors: list[tuple[int, int, str]]) -> None:
    seen = set()
    for line, _column, message in errors:
        if (line, message) in seen:
            continue
        seen.add((line, message))
        if len(seen) > MAX_XML_ERRORS:
            break
        report("MR117", None, value=message[:200], xml_line=line, reason=message)


def _is_marc(element) -> bool:
    return any(
        _local(c.tag) in ("leader", "controlfield", "datafield")
        for c in element
        if isinstance(c.tag, str)
    )


_RECORD_PARTS = "<leader>, <controlfield> and <datafield>"


def element_to_parsed(element, stop=None) -> Parsed | None:
    """A MARC ``record`` element as a record with its notes; None for a ``record`` that is
    not MARC (an OAI-PMH envelope around one). ``stop``: a child where reading stops (a
    record found inside this one)."""
    children = []
    for child in element:
        if child is stop:
            break
        if isinstance(child.tag, str):
            children.append(child)
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
            leader_text = _text(child, note, None, "the leader")
        elif kind == "controlfield":
            tag = _tag(child.get("tag"), note)
            fields.append(control_field(tag, _text(child, note, tag, f"field {tag}")))
        elif kind == "datafield":
            fields.append(_datafield(child, note))
        else:
            text = "".join(child.itertext())
            note(
                "MR126",
                value=text[:200],
                element=_local(child.tag),
                where="in the record",
                allowed=_RECORD_PARTS,
                kept=f"it was not read (its text: {text[:80]!r})" if text else "it was not read",
                xml_line=child.sourceline or "?",
            )
    record = Record()
    record.leader = Leader(_leader(leader_text, note, parsed))
    record.fields = fields
    parsed.record = record
    return parsed


def _text(element, note, tag: str | None, where: str, code: str | None = None) -> str:
    """All the text of a leader, control field or subfield element, markup inside it
    included; each element found inside it is reported."""
    text = element.text or ""
    if len(element) == 0:
        return text
    text = "".join(element.itertext())
    for inner in element.iterdescendants():
        if not isinstance(inner.tag, str):
            continue
        name = _local(inner.tag)
        note(
            "MR126",
            tag=tag,
            subfield=code,
            value=text[:200],
            element=name,
            where=f"inside {where}",
            allowed="text only",
            kept=f"its text was kept, the markup dropped: read as {text!r}",
            xml_line=inner.sourceline or "?",
        )
    return text


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
            note("MR111", tag=tag, value=value or "", **indicator_replaced(name, value))
            value = (value or " ")[:1] or " "
        indicators.append(value)
    subfields = []
    stray = [element.text or ""] + [child.tail or "" for child in element]
    outside = " ".join(" ".join(t.split()) for t in stray if t.strip())
    if outside:
        note("MR128", tag=tag, value=outside[:200], xml_line=element.sourceline or "?")
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if _local(child.tag) != "subfield":
            text = "".join(child.itertext())
            note(
                "MR126",
                tag=tag,
                value=text[:200],
                element=_local(child.tag),
                where=f"in field {tag}",
                allowed="<subfield>",
                kept=f"it was not read (its text: {text[:80]!r})" if text else "it was not read",
                xml_line=child.sourceline or "?",
            )
            continue
        code = child.get("code")
        shown_code = code if code and len(code) == 1 else "?"
        text = _text(child, note, tag, f"field {tag} ${shown_code}", shown_code)
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


def records_in_xml_text(text: str) -> tuple[list[Parsed], list[str], int]:
    """The MARC records in an XML document held as a string (Alma's JSON ``anies``), with
    the parser's complaints and how many ``<record>`` start tags gave no record (lost to
    the parser's recovery, or empty). The string's own encoding declaration is dropped:
    it is text already, whatever it says ("UTF-16")."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    body = _DECLARATION.sub("", text, count=1).encode("utf-8")
    tags = len(_RECORD_START.findall(body))
    try:
        root = etree.fromstring(body, parser)
    except etree.LxmlError as exc:
        return [], [str(exc)], tags
    errors = [e.message for e in parser.error_log if e.level_name in ("ERROR", "FATAL")]
    if root is None:
        return [], errors or ["the string holds no XML element"], tags
    out = []
    elements = 0
    empty = 0
    for element in root.iter("{*}record"):
        elements += 1
        parsed = element_to_parsed(element)
        if parsed is not None:
            out.append(parsed)
        elif _namespace(element.tag) in _ACCEPTED_NS | {""} and not any(
            True for _ in element.iterdescendants("{*}record")
        ):
            empty += 1
    lost = empty + (max(0, tags - elements) if errors else 0)
    return out, errors, lost
