"""Convert MARC records between ISO 2709, MARCXML, MarcEdit .mrk and MARC-in-JSON.

The input format is recognised from the content (``MarcReader``), the output is written
by a streaming writer (``erdq.writers.marc``), one record at a time. Nothing is lost
without a word: a record the reader cannot make sense of, or that the output format
cannot hold, is a ``SkippedRecord`` event with its ordinal, byte offset and 001; what
the reader says about the file as a whole (invalid JSON, XML errors) is a ``FileNote``.

Records are written **as they are**: the text as read, the leader as read (ISO 2709
lengths and base address recomputed in bytes). Two things are not "as read" and each is
reported: text that was decoded from something other than UTF-8 (MARC-8, a code page)
is written as UTF-8 with leader/09 'a', since erdq writes UTF-8 only (a
``TranscodedRecord`` event); and with ``repair_encoding`` the safe repairs of
``erdq.rules.marc.encoding.safe_repairs`` are applied (one ``RepairedValue`` event per
change, with before and after). So a well-formed UTF-8 record comes out of
``.mrc → .mrk → .mrc`` or ``.mrc → MARCXML → .mrc`` byte for byte as it went in.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from pymarc import Leader

from erdq import charset
from erdq.errors import InputError
from erdq.findings import Finding, Location, Severity, clip
from erdq.readers.marc import MarcItem, MarcReader
from erdq.registry import Scope, get_rule
from erdq.rules.marc.encoding import Repair, safe_repairs
from erdq.writers.files import open_output
from erdq.writers.marc import (
    FORMAT_NAMES,
    MarcWriter,
    UnwritableRecord,
    format_for_path,
    open_writer,
)

__all__ = [
    "OUTPUT_FORMATS",
    "ConversionSummary",
    "Event",
    "FileNote",
    "JsonLog",
    "MarcConversion",
    "RepairedValue",
    "SkippedRecord",
    "TextLog",
    "TranscodedRecord",
]

OUTPUT_FORMATS: tuple[str, ...] = tuple(FORMAT_NAMES)
PROGRESS_EVERY = 500
_UNICODE_SOURCES = frozenset({"utf-8", "unicode", ""})


def _where(line: int | None, record_id: str | None, offset: int | None) -> str:
    parts = [f"record {line}" if line is not None else "record ?"]
    if record_id:
        parts.append(f"001 {record_id}")
    if offset is not None:
        parts.append(f"byte {offset:,}")
    return ", ".join(parts)


def _shown(value: str | None) -> str:
    """A value quoted for a message, combining marks written as \\uXXXX so that a
    decomposed letter does not look the same as a composed one."""
    text = repr(value)
    if value is None or value.isascii():
        return text
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Mn" else c for c in text)


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A record that is not in the output. ``stage`` "read": the reader could not parse
    it (``code`` is its finding, e.g. MR101); "write": the output format cannot hold it."""

    line: int
    offset: int | None
    record_id: str | None
    stage: str
    reason: str
    code: str | None = None
    tag: str | None = None
    type = "skipped"

    def describe(self) -> str:
        where = _where(self.line, self.record_id, self.offset)
        if self.stage == "read":
            code = f" [{self.code}]" if self.code else ""
            return f"{where}: skipped{code}: {self.reason}"
        return f"{where}: skipped, the output format cannot hold it: {self.reason}"

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "line": self.line,
            "record_id": self.record_id,
            "offset": self.offset,
            "stage": self.stage,
            "code": self.code,
            "field": self.tag,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class RepairedValue:
    """One change made by ``--repair-encoding`` (a safe repair), before and after."""

    line: int
    offset: int | None
    record_id: str | None
    repair: Repair
    type = "repair"

    @property
    def field(self) -> str:
        r = self.repair
        if r.tag is None:
            return "leader/09"
        return f"{r.tag}${r.subfield}" if r.subfield else r.tag

    def describe(self) -> str:
        r = self.repair
        return (
            f"{_where(self.line, self.record_id, self.offset)}: {r.code} {self.field}: "
            f"{_shown(r.before)} → {_shown(r.after)} ({r.description})"
        )

    def to_dict(self) -> dict[str, object]:
        r = self.repair
        return {
            "type": self.type,
            "line": self.line,
            "record_id": self.record_id,
            "offset": self.offset,
            "code": r.code,
            "field": r.tag if r.tag is not None else "LDR",
            "subfield": r.subfield,
            "position": None if r.tag is not None else 9,
            "before": r.before,
            "after": r.after,
            "description": r.description,
        }


@dataclass(frozen=True, slots=True)
class TranscodedRecord:
    """A record whose text was decoded from ``encoding`` (MARC-8, a code page, invalid
    UTF-8 read as Windows-1252) and is written as UTF-8, leader/09 'a'."""

    line: int
    offset: int | None
    record_id: str | None
    encoding: str
    leader09_before: str
    type = "converted"

    def describe(self) -> str:
        if self.encoding == charset.MARC8:
            how = "converted from MARC-8 to UTF-8"
        elif self.encoding == charset.UTF8_INVALID:
            how = "bytes that are not UTF-8 were read as Windows-1252 and written as UTF-8"
        else:
            label = charset.code_page_label(self.encoding)
            how = f"read as {label} (a guess from the bytes; check the text) and written as UTF-8"
        leader = (
            f"leader/09 {self.leader09_before!r} → 'a'"
            if self.leader09_before != "a"
            else "leader/09 'a'"
        )
        return f"{_where(self.line, self.record_id, self.offset)}: {how}; {leader}"

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "line": self.line,
            "record_id": self.record_id,
            "offset": self.offset,
            "from": self.encoding,
            "to": "utf-8",
            "before": self.leader09_before,
            "after": "a",
            "description": self.describe().split(": ", 1)[1],
        }


@dataclass(frozen=True, slots=True)
class FileNote:
    """What the reader said about the file rather than one record (invalid JSON, XML
    errors, line breaks between records, padding)."""

    finding: Finding
    type = "note"

    def describe(self) -> str:
        f = self.finding
        return f"{f.code} {f.name} ({f.severity.value}): {f.message}"

    def to_dict(self) -> dict[str, object]:
        return {"type": self.type, **self.finding.to_dict()}


Event = SkippedRecord | RepairedValue | TranscodedRecord | FileNote


@dataclass
class ConversionSummary:
    """What a conversion read and wrote. ``read`` counts every record found, readable or
    not: ``read == written + skipped``."""

    source: str
    target: str
    output_format: str
    repair_encoding: bool = False
    input_format: str = ""
    read: int = 0
    written: int = 0
    unreadable: int = 0  # skipped: the reader could not parse them
    unwritable: int = 0  # skipped: the output format cannot hold them
    converted: int = 0  # records transcoded to UTF-8 (TranscodedRecord events)
    repairs: Counter[str] = field(default_factory=Counter)  # code -> values repaired
    repaired_records: int = 0
    reader_findings: Counter[str] = field(default_factory=Counter)  # on records read
    notes: Counter[str] = field(default_factory=Counter)  # file-level findings by code
    data_lost: bool = False  # a file-level error: part of the file may not have been read
    sha256: str = ""
    bytes_read: int = 0

    @property
    def skipped(self) -> int:
        return self.unreadable + self.unwritable

    @property
    def complete(self) -> bool:
        """Every record found is in the output and nothing was lost on the way."""
        return self.skipped == 0 and not self.data_lost

    def as_dict(self) -> dict[str, object]:
        return {
            "type": "summary",
            "source": self.source,
            "target": self.target,
            "input_format": self.input_format,
            "output_format": self.output_format,
            "repair_encoding": self.repair_encoding,
            "read": self.read,
            "written": self.written,
            "skipped": self.skipped,
            "unreadable": self.unreadable,
            "unwritable": self.unwritable,
            "converted_to_utf8": self.converted,
            "repairs": dict(sorted(self.repairs.items())),
            "repaired_records": self.repaired_records,
            "reader_findings": dict(sorted(self.reader_findings.items())),
            "file_notes": dict(sorted(self.notes.items())),
            "data_lost": self.data_lost,
            "complete": self.complete,
            "sha256": self.sha256,
            "bytes_read": self.bytes_read,
        }


class MarcConversion:
    """Convert one MARC file. Iterate ``events()`` once (the output is written as it
    goes; it replaces ``target`` only when the whole input has been read); ``summary``
    is complete afterwards. ``run()`` does both and returns the events as a list.

    ``target`` is a path or an open binary stream (standard output). ``to`` is one of
    ``OUTPUT_FORMATS``; without it the target's extension decides.
    """

    def __init__(
        self,
        source: str | Path,
        target: str | Path | BinaryIO,
        *,
        to: str | None = None,
        repair_encoding: bool = False,
        progress: Callable[[int], None] | None = None,
        display_source: str | None = None,
    ) -> None:
        self.source = Path(source)
        self.target = target
        shown_target = str(target) if isinstance(target, str | Path) else "-"
        fmt = to or (format_for_path(target) if isinstance(target, str | Path) else None)
        if fmt is None:
            raise InputError(
                f"cannot tell the output format from the name {shown_target!r}",
                hint="give --to mrc|mrk|xml|json|jsonl, or an extension such as .mrc, "
                ".mrk, .xml, .json, .jsonl",
            )
        if fmt not in FORMAT_NAMES:
            raise InputError(
                f"unknown output format {fmt!r}", hint=f"use one of: {', '.join(FORMAT_NAMES)}"
            )
        self.format = fmt
        self.repair_encoding = repair_encoding
        self.progress = progress
        self.display = display_source or str(source)
        self.summary = ConversionSummary(
            source=self.display,
            target=shown_target,
            output_format=fmt,
            repair_encoding=repair_encoding,
        )
        self._notes: list[Finding] = []
        self._next = 1  # the next ordinal not yet accounted for

    # -- the reader's report function ---------------------------------------------------

    def _report(
        self,
        code: str,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
        record_id: str | None = None,
        *,
        offset: int | None = None,
        tag: str | None = None,
        subfield: str | None = None,
        **params: object,
    ) -> None:
        location = Location(
            source=self.display,
            line=line,
            column=column,
            record_id=record_id,
            offset=offset,
            tag=tag,
            subfield=subfield,
        )
        shown = clip(value if value is None or isinstance(value, str) else str(value))
        self._notes.append(Finding(code, get_rule(code).severity, location, params, shown))

    def _drain(self, upto: int, current: int | None) -> Iterator[Event]:
        """Account for the notes so far: file notes become events, notes on ``current``
        are counted, and every ordinal from ``self._next`` below ``upto`` that the reader
        did not yield is an unreadable record."""
        notes, self._notes = self._notes, []
        by_ordinal: dict[int, list[Finding]] = defaultdict(list)
        summary = self.summary
        for finding in notes:
            line = finding.location.line
            if line is None or get_rule(finding.code).scope is Scope.FILE:
                summary.notes[finding.code] += 1
                if finding.severity is Severity.ERROR:
                    summary.data_lost = True
                yield FileNote(finding)
            elif line >= self._next and line != current:
                by_ordinal[line].append(finding)
            else:
                summary.reader_findings[finding.code] += 1
        for ordinal in range(self._next, upto):
            found = by_ordinal.pop(ordinal, [])
            errors = [f for f in found if f.severity is Severity.ERROR] or found
            first = errors[0] if errors else None
            summary.read += 1
            summary.unreadable += 1
            yield SkippedRecord(
                line=ordinal,
                offset=first.location.offset if first else None,
                record_id=first.location.record_id if first else None,
                stage="read",
                reason=first.message if first else "the reader could not parse it",
                code=first.code if first else None,
            )
        for found in by_ordinal.values():  # notes on a later record: none expected
            summary.reader_findings.update(f.code for f in found)
        self._next = max(self._next, upto + (current is not None))

    # -- conversion -----------------------------------------------------------------------

    def events(self) -> Iterator[Event]:
        summary = self.summary
        reader = MarcReader(self.source, self._report)
        if isinstance(self.target, str | Path):
            output = open_output(self.target, [self.source])
        else:
            output = _Unclosed(self.target)
        with output as fh:
            writer = open_writer(self.format, fh)
            for item in reader:
                yield from self._drain(item.ordinal, item.ordinal)
                summary.read += 1
                yield from self._convert(item, writer)
                if self.progress is not None and item.ordinal % PROGRESS_EVERY == 0:
                    self.progress(reader.progress)
            if reader.format is None:
                self._not_marc()
            summary.input_format = reader.format or ""
            yield from self._drain(reader.next_ordinal(), None)
            writer.close()
        summary.sha256 = reader.sha256
        summary.bytes_read = reader.bytes_read
        if self.progress is not None:
            self.progress(reader.bytes_read)

    def run(self) -> list[Event]:
        return list(self.events())

    def _not_marc(self) -> None:
        reasons = [f.message for f in self._notes if f.code == "MR100"]
        raise InputError(
            reasons[0] if reasons else f"{self.display} cannot be read as MARC",
            hint="give a MARC file (ISO 2709 .mrc, MARCXML, MarcEdit .mrk or MARC-in-JSON); "
            "no output was written",
        )

    def _convert(self, item: MarcItem, writer: MarcWriter) -> Iterator[Event]:
        summary = self.summary
        record = item.record
        where = (item.ordinal, item.offset, item.record_id)
        events: list[Event] = []
        repairs = safe_repairs(item) if self.repair_encoding else []
        events.extend(RepairedValue(*where, repair) for repair in repairs)
        source = _transcoded_from(item)
        if source is not None:
            leader = str(record.leader)
            if leader[9] != "a":
                record.leader = Leader(leader[:9] + "a" + leader[10:])
            if not any(r.tag is None for r in repairs):  # not told already by a repair
                events.append(TranscodedRecord(*where, source, leader[9]))
        try:
            writer.write(record)
        except UnwritableRecord as exc:
            summary.unwritable += 1
            yield SkippedRecord(*where, stage="write", reason=exc.reason, tag=exc.tag)
            return
        summary.written += 1
        if source is not None:
            summary.converted += 1
        if repairs:
            summary.repaired_records += 1
            summary.repairs.update(r.code for r in repairs)
        yield from events


def _transcoded_from(item: MarcItem) -> str | None:
    """The encoding the record's text was decoded from when it was not UTF-8 (or plain
    ASCII), else None. ASCII under a MARC-8 leader counts when MARC-8 character
    references (``&#x2082;``) became letters."""
    encoding = item.encoding
    if encoding in _UNICODE_SOURCES:
        return None
    if encoding == charset.ASCII:
        if str(item.record.leader)[9] == "a" or not _has_non_ascii(item):
            return None
        return charset.MARC8
    return encoding


def _has_non_ascii(item: MarcItem) -> bool:
    for fld in item.record.fields:
        if fld.control_field:
            if not (fld.data or "").isascii():
                return True
        elif any(not sub.value.isascii() for sub in fld.subfields):
            return True
    return False


class _Unclosed:
    """A stream used as a context manager without closing it (standard output)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh

    def __enter__(self) -> BinaryIO:
        return self.fh

    def __exit__(self, *exc: object) -> None:
        self.fh.flush()


# -- reports ------------------------------------------------------------------------------

_KIND_LABELS = {
    "skipped": "skipped record(s)",
    "converted": "record(s) converted to UTF-8",
    "repair": "repair(s)",
    "note": "note(s) on the file",
}


class TextLog:
    """The conversion as lines of text: each event as it happens, at most ``per_kind`` of
    each kind (skips, conversions, each repair code, file notes), then a summary with
    every count. Nothing else is kept, so its memory does not grow with the file."""

    def __init__(self, out: TextIO, per_kind: int = 20) -> None:
        self.out = out
        self.per_kind = per_kind
        self.counts: Counter[str] = Counter()

    def write(self, event: Event) -> None:
        key = event.type
        if isinstance(event, RepairedValue):
            key = f"repair {event.repair.code}"
        self.counts[key] += 1
        if self.counts[key] <= self.per_kind:
            prefix = "note: " if isinstance(event, FileNote) else ""
            self.out.write(f"{prefix}{event.describe()}\n")

    def close(self, summary: ConversionSummary) -> None:
        out = self.out
        hidden = {k: n - self.per_kind for k, n in self.counts.items() if n > self.per_kind}
        if hidden:
            shown = ", ".join(
                f"{n:,} more {_KIND_LABELS.get(k, k.replace('repair ', 'repair(s) '))}"
                for k, n in sorted(hidden.items())
            )
            out.write(f"Not shown: {shown} (--format json lists every one).\n")
        s = summary
        target_format = FORMAT_NAMES.get(s.output_format, s.output_format)
        source_format = _INPUT_NAMES.get(s.input_format, s.input_format or "?")
        out.write(
            f"Read {s.read:,} record(s) from {s.source} ({source_format}); wrote "
            f"{s.written:,} to {s.target} ({target_format}); skipped {s.skipped:,} "
            f"({s.unreadable:,} unreadable, {s.unwritable:,} the output cannot hold).\n"
        )
        if s.converted:
            out.write(f"Converted to UTF-8 (leader/09 'a'): {s.converted:,} record(s).\n")
        if s.repairs:
            codes = ", ".join(f"{code} ×{n:,}" for code, n in sorted(s.repairs.items()))
            out.write(
                f"Repaired: {sum(s.repairs.values()):,} value(s) in {s.repaired_records:,} "
                f"record(s) ({codes}).\n"
            )
        elif s.repair_encoding:
            out.write("Repaired: nothing needed a safe encoding repair.\n")
        if s.reader_findings:
            codes = ", ".join(f"{c} ×{n:,}" for c, n in sorted(s.reader_findings.items()))
            out.write(
                f"The reader reported {sum(s.reader_findings.values()):,} finding(s) on "
                f"the records ({codes}); `erdq marc validate {s.source}` explains them.\n"
            )
        if s.data_lost:
            out.write("Part of the input may not have been read: see the notes above.\n")


_INPUT_NAMES = {"iso2709": "ISO 2709", "marcxml": "MARCXML", "mrk": "MarcEdit .mrk", "json": "JSON"}


class JsonLog:
    """The conversion as JSON Lines: one object per event, then the summary
    (``"type": "summary"``)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, event: Event) -> None:
        self.out.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")

    def close(self, summary: ConversionSummary) -> None:
        self.out.write(json.dumps(summary.as_dict(), ensure_ascii=False) + "\n")
        self.out.flush()
