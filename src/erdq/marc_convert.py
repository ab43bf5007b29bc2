"""Convert MARC records between ISO 2709, MARCXML, MarcEdit .mrk and MARC-in-JSON.

The input format is recognised from the content (``MarcReader``), the output is written
by a streaming writer (``erdq.writers.marc``), one record at a time. Nothing is lost
without a word: a record the reader cannot make sense of, or that the output format
cannot hold, is a ``SkippedRecord`` event with its ordinal, byte offset and 001; what
the reader says about the file as a whole (invalid JSON, XML errors) is a ``FileNote``.

Records are written **as they are**: the text as read, the leader as read (ISO 2709
lengths and base address recomputed in bytes). Two things are not "as read" and each is
reported: erdq writes UTF-8 only, so a record whose text is not plain ASCII gets
leader/09 'a' — text decoded from MARC-8 (mnemonics in .mrk included) or a code page,
and UTF-8 under a MARC-8 leader (case BR-042) — a ``TranscodedRecord`` event; and with
``repair_encoding`` the safe repairs of ``erdq.rules.marc.encoding.safe_repairs`` are
applied (one ``RepairedValue`` event per change, with before and after). So a
well-formed UTF-8 record comes out of ``.mrc → .mrk → .mrc`` or ``.mrc → MARCXML →
.mrc`` byte for byte as it went in.

A record the reader could only partly recover is not written as if it were whole: one
that is cut off (the file ends inside it) is skipped as "incomplete", and one whose
indicators the reader had to make two of is written with its indicator area as read
where the format can hold that (ISO 2709), else skipped as unwritable.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

import pymarc
from pymarc import Leader

from erdq import charset
from erdq.errors import InputError
from erdq.findings import Finding, FindingCollector, Severity
from erdq.readers.marc import MarcItem, MarcReader
from erdq.readers.mrk import NOT_A_FIELD_LINE
from erdq.registry import Scope, get_rule
from erdq.writers.files import open_output
from erdq.writers.marc import (
    FORMAT_NAMES,
    MarcWriter,
    UnwritableRecord,
    format_for_path,
    open_writer,
)

if TYPE_CHECKING:
    # Imported when a repair is asked for: the rules cost memory to every process that
    # imports this module for its helpers (edit, match, print2e).
    from erdq.rules.marc.encoding import Repair

__all__ = [
    "OUTPUT_FORMATS",
    "UNPARSED",
    "ConversionSummary",
    "Event",
    "FileNote",
    "JsonLog",
    "MarcConversion",
    "RepairedValue",
    "SkippedRecord",
    "TextLog",
    "TranscodedRecord",
    "cut_off",
    "has_non_ascii",
    "indicators_as_read",
    "mark_utf8",
    "output_format",
    "unread_records",
    "written_as_utf8_from",
]

OUTPUT_FORMATS: tuple[str, ...] = tuple(FORMAT_NAMES)
PROGRESS_EVERY = 500
SHOWN_CHARS = 120  # a value longer than this is cut in the text log (JSON keeps it whole)
# TranscodedRecord.encoding beyond charset's names: MARC-8 written as .mrk mnemonics, and
# UTF-8 text whose leader/09 said MARC-8.
MNEMONICS = "marc-8-mnemonics"
UTF8_UNDER_MARC8 = "utf-8-under-marc-8"
_UNICODE_SOURCES = frozenset({"utf-8", "unicode", ""})
UNPARSED = "the reader could not parse it"  # a record lost with no finding to say why
_NAME_HINT = (
    "give --to mrc|mrk|xml|json|jsonl, or an extension such as .mrc, .mrk, .xml, .json, .jsonl"
)


def _where(line: int | None, record_id: str | None, offset: int | None) -> str:
    parts = [f"record {line}" if line is not None else "record ?"]
    if record_id:
        parts.append(f"001 {record_id}")
    if offset is not None:
        parts.append(f"byte {offset:,}")
    return ", ".join(parts)


def _shown(value: str | None, limit: int | None = None) -> str:
    """A value quoted for a message, combining marks written as \\uXXXX so that a
    decomposed letter does not look the same as a composed one; beyond ``limit``
    characters it is cut, and the cut is said."""
    cut = ""
    if value is not None and limit is not None and len(repr(value)) > limit + 2:
        # Counted as shown: a control character takes four places (\x83), not one.
        shown = kept = 0
        for char in value:
            shown += len(repr(char)) - 2
            if shown > limit:
                break
            kept += 1
        cut = f"… ({len(value):,} characters in all; --format json shows the whole value)"
        value = value[:kept]
    text = repr(value)
    if value is not None and not value.isascii():
        text = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Mn" else c for c in text)
    return text + cut


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A record that is not in the output. ``stage`` "read": the reader could not parse
    it (``code`` is its finding, e.g. MR101); "incomplete": it was read, but part of it is
    missing from the input (MR105: the file ends inside it; MR108: its directory lists
    fields its data lacks); "write": the output format cannot hold it."""

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
        code = f" [{self.code}]" if self.code else ""
        if self.stage == "read":
            return f"{where}: skipped{code}: {self.reason}"
        if self.stage == "incomplete":
            return f"{where}: skipped{code}, incomplete: {self.reason}; not written"
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
            f"{_shown(r.before, SHOWN_CHARS)} → {_shown(r.after, SHOWN_CHARS)} "
            f"({r.description})"
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
    """A record written as UTF-8 with leader/09 'a' although it was not read as such:
    its text was decoded from ``encoding`` (MARC-8, ``MNEMONICS``, a code page, invalid
    UTF-8 read as Windows-1252), or it is UTF-8 under a MARC-8 leader
    (``UTF8_UNDER_MARC8``)."""

    line: int
    offset: int | None
    record_id: str | None
    encoding: str
    leader09_before: str
    type = "converted"

    def describe(self) -> str:
        if self.encoding == charset.MARC8:
            how = "converted from MARC-8 to UTF-8"
        elif self.encoding == MNEMONICS:
            how = "MARC-8 mnemonics ({acute} and the like) converted to UTF-8"
        elif self.encoding == UTF8_UNDER_MARC8:
            how = "the text is UTF-8 but leader/09 said MARC-8 (MR501); written as UTF-8"
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
            "from": "utf-8" if self.encoding == UTF8_UNDER_MARC8 else self.encoding,
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
    """What a conversion read and wrote. As in ``erdq marc validate``, ``read`` counts
    the records read and ``unparseable`` those found but not parseable:
    ``read + unparseable == written + skipped``."""

    source: str
    target: str
    output_format: str
    repair_encoding: bool = False
    input_format: str = ""
    read: int = 0
    unparseable: int = 0  # skipped: the reader could not parse them
    written: int = 0
    incomplete: int = 0  # skipped: read, but cut off in the input
    unwritable: int = 0  # skipped: the output format cannot hold them
    converted: int = 0  # records written as UTF-8, leader/09 'a' (TranscodedRecord)
    converted_from: Counter[str] = field(default_factory=Counter)  # encoding -> records
    repairs: Counter[str] = field(default_factory=Counter)  # code -> values repaired
    repaired_records: int = 0
    reader_findings: Counter[str] = field(default_factory=Counter)  # on records read
    notes: Counter[str] = field(default_factory=Counter)  # file-level findings by code
    file_errors: int = 0  # file-level errors: part of the file may not have been read
    # Parts of records whose text the reader could not place, so is in no record written:
    # a .mrk line that is no field (MR120), a MARC-in-JSON field or subfield not in its
    # layout (MR121), a MARCXML element where only subfields stand (MR126), MARCXML text
    # outside any subfield (MR128).
    lines_unread: int = 0
    unread: Counter[str] = field(default_factory=Counter)  # code -> such parts
    sha256: str = ""
    bytes_read: int = 0

    @property
    def skipped(self) -> int:
        return self.unparseable + self.incomplete + self.unwritable

    @property
    def data_lost(self) -> bool:
        """Part of the input may not have been read, or a record in it is cut off."""
        return self.file_errors > 0 or self.incomplete > 0 or self.lines_unread > 0

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
            "unparseable": self.unparseable,
            "written": self.written,
            "skipped": self.skipped,
            "incomplete": self.incomplete,
            "unwritable": self.unwritable,
            "converted_to_utf8": self.converted,
            "converted_from": dict(sorted(self.converted_from.items())),
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
        fmt = output_format(to, shown_target)
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
        self._reader_notes = FindingCollector(self.display)
        self._next = 1  # the next ordinal not yet accounted for

    # -- the reader's notes -------------------------------------------------------------

    def _drain(self, upto: int, current: int | None) -> Iterator[Event]:
        """Account for the notes so far: file notes become events, notes on ``current``
        are counted, and every ordinal from ``self._next`` below ``upto`` that the reader
        did not yield is an unreadable record."""
        notes = self._reader_notes.take()
        by_ordinal: dict[int, list[Finding]] = defaultdict(list)
        summary = self.summary
        for finding in notes:
            line = finding.location.line
            if line is None or get_rule(finding.code).scope is Scope.FILE:
                summary.notes[finding.code] += 1
                if finding.severity is Severity.ERROR:
                    summary.file_errors += 1
                yield FileNote(finding)
            elif line >= self._next and line != current:
                by_ordinal[line].append(finding)
            else:
                summary.reader_findings[finding.code] += 1
                if _text_unread(finding):
                    summary.lines_unread += 1
                    summary.unread[finding.code] += 1
        for ordinal, first in unread_records(by_ordinal, self._next, upto):
            summary.unparseable += 1
            yield SkippedRecord(
                line=ordinal,
                offset=first.location.offset if first else None,
                record_id=first.location.record_id if first else None,
                stage="read",
                reason=first.message if first else UNPARSED,
                code=first.code if first else None,
            )
        for found in by_ordinal.values():  # notes on a later record: none expected
            summary.reader_findings.update(f.code for f in found)
        self._next = max(self._next, upto + (current is not None))

    # -- conversion -----------------------------------------------------------------------

    def events(self) -> Iterator[Event]:
        summary = self.summary
        reader = MarcReader(self.source, self._reader_notes)
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
            if summary.read == 0 and any(
                f.severity is Severity.ERROR for f in self._reader_notes.found
            ):
                # Nothing read, and the reader says why (a file cut off before its first
                # record): an empty OUT would stand in for the file it replaces.
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
        reasons = [f.message for f in self._reader_notes.found if f.code == "MR100"]
        raise InputError(
            reasons[0] if reasons else f"{self.display} cannot be read as MARC",
            hint="give a MARC file (ISO 2709 .mrc, MARCXML, MarcEdit .mrk or MARC-in-JSON); "
            "no output was written",
        )

    def _convert(self, item: MarcItem, writer: MarcWriter) -> Iterator[Event]:
        summary = self.summary
        record = item.record
        where = (item.ordinal, item.offset, item.record_id)
        incomplete = cut_off(item)
        if incomplete is not None:
            # The reader kept what it found, which serves validation; written out, the
            # record would pass for whole with its later fields gone ("never truncated").
            code, reason = incomplete
            summary.incomplete += 1
            yield SkippedRecord(*where, stage="incomplete", reason=reason, code=code)
            return
        events: list[Event] = []
        leader = str(record.leader)
        source = written_as_utf8_from(item)  # before a repair sets leader/09
        repairs: list[Repair] = []
        if self.repair_encoding:
            from erdq.rules.marc.encoding import safe_repairs

            repairs = safe_repairs(item)
        events.extend(RepairedValue(*where, repair) for repair in repairs)
        if source is not None:
            mark_utf8(record)
            if not any(r.tag is None for r in repairs):  # not told already by a repair
                events.append(TranscodedRecord(*where, source, leader[9]))
        # A field whose indicator area was not two characters (MR111): which two are the
        # indicators is a guess (' 10' may be '10' after a stray blank, or ' 1' and a
        # stray '0'), and a cataloguer who finds the guess in the output cannot tell it
        # from what the source said. So the area goes out as it was read where the
        # format can hold it (ISO 2709: the same fault, reported again by validate), and
        # elsewhere the record is skipped with the field named, never silently changed.
        try:
            writer.write(record, indicators_as_read(item))
        except UnwritableRecord as exc:
            summary.unwritable += 1
            yield SkippedRecord(*where, stage="write", reason=exc.reason, tag=exc.tag)
            return
        summary.written += 1
        if source is not None:
            summary.converted += 1
            summary.converted_from[source] += 1
        if repairs:
            summary.repaired_records += 1
            summary.repairs.update(r.code for r in repairs)
        yield from events


def written_as_utf8_from(item: MarcItem) -> str | None:
    """Why the record needs leader/09 'a' to be written as erdq writes it (UTF-8): the
    encoding its text was decoded from when that was not UTF-8 or plain ASCII, or
    ``UTF8_UNDER_MARC8`` for letters in UTF-8 under a MARC-8 leader (case BR-042: the
    leader is "set to a when written"); None when it needs no change. ASCII under a
    MARC-8 leader counts as MARC-8 when character references (``&#x2082;``) became
    letters; plain ASCII is the same in both encodings and keeps its leader."""
    encoding = item.encoding
    if encoding not in _UNICODE_SOURCES and encoding != charset.ASCII:
        return encoding
    if str(item.record.leader)[9] == "a" or not has_non_ascii(item.record):
        return None
    if encoding == charset.ASCII:
        return charset.MARC8
    if item.memo.get("marc8_mnemonics"):
        return MNEMONICS
    return UTF8_UNDER_MARC8


def has_non_ascii(record: pymarc.Record) -> bool:
    """Whether any field's text is outside ASCII (the leader and tags aside)."""
    for fld in record.fields:
        if fld.control_field:
            if not (fld.data or "").isascii():
                return True
        elif any(not sub.value.isascii() for sub in fld.subfields):
            return True
    return False


def mark_utf8(record: pymarc.Record) -> None:
    """Set leader/09 'a' (UTF-8), as erdq writes every record, unless it says so already."""
    leader = str(record.leader)
    if leader[9] != "a":
        record.leader = Leader(leader[:9] + "a" + leader[10:])


# -- what the readers leave in ``MarcItem.memo`` for a converter ------------------------------


def cut_off(item: MarcItem) -> tuple[str, str] | None:
    """(finding code, reason) when the reader kept only part of the record (the file
    ends inside it, MR105; its directory lists fields its data lacks, MR108), else None."""
    incomplete = item.memo.get("incomplete")
    return incomplete if isinstance(incomplete, tuple) else None  # type: ignore[return-value]


def indicators_as_read(item: MarcItem) -> dict[int, str] | None:
    """{field position: indicator area as read} for the record's fields whose indicator
    area was not two characters (MR111), for ``MarcWriter.write``; None when there is none."""
    as_read = item.memo.get("indicators_as_read")
    return as_read if isinstance(as_read, dict) else None


def unread_records(
    found: dict[int, list[Finding]], start: int, upto: int
) -> Iterator[tuple[int, Finding | None]]:
    """Each ordinal from ``start`` below ``upto`` (records the reader found but yielded
    none of) with the finding that says why: its first error, else its first note. The
    findings of those ordinals are taken out of ``found``."""
    for ordinal in range(start, upto):
        notes = found.pop(ordinal, [])
        errors = [f for f in notes if f.severity is Severity.ERROR] or notes
        yield ordinal, errors[0] if errors else None


def output_format(to: str | None, name: str | Path | None, hint: str = _NAME_HINT) -> str:
    """The output format: ``to``, else the one ``name``'s extension asks for.
    ``InputError`` when neither says (``hint``: how to say it) or ``to`` is unknown."""
    fmt = to or (format_for_path(name) if name is not None else None)
    if fmt is None:
        raise InputError(f"cannot tell the output format from the name {str(name)!r}", hint=hint)
    if fmt not in FORMAT_NAMES:
        raise InputError(
            f"unknown output format {fmt!r}", hint=f"use one of: {', '.join(FORMAT_NAMES)}"
        )
    return fmt


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
        # Worded as `erdq marc validate` counts: records read, and unparseable ones apart.
        unparseable = f", {s.unparseable:,} unparseable," if s.unparseable else ""
        kinds = [
            (s.unparseable, "unparseable"),
            (s.incomplete, "incomplete"),
            (s.unwritable, "the output cannot hold"),
        ]
        why = ", ".join(f"{n:,} {what}" for n, what in kinds if n)
        out.write(
            f"Read {s.read:,} record(s){unparseable} from {s.source} ({source_format}); "
            f"wrote {s.written:,} to {s.target} ({target_format}); skipped {s.skipped:,}"
            + (f" ({why})" if why else "")
            + ".\n"
        )
        if s.converted:
            sources = ", ".join(
                f"{_SOURCE_NAMES.get(k) or 'read as ' + charset.code_page_label(k)} {n:,}"
                for k, n in sorted(s.converted_from.items())
            )
            out.write(
                f"Converted to UTF-8 (leader/09 'a'): {s.converted:,} of the "
                f"{s.written:,} record(s) written ({sources}).\n"
            )
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
        if s.incomplete:
            out.write(
                f"Data is missing from the input: {s.incomplete:,} record(s) are cut off "
                "(fields missing) and were not written; fetch or export the file again.\n"
            )
        if s.lines_unread:
            codes = ", ".join(f"{c} ×{n:,}" for c, n in sorted(s.unread.items()))
            out.write(
                f"Data is missing from the output: {s.lines_unread:,} part(s) of records "
                f"could not be read ({codes}: a .mrk line that is no field, a JSON field or "
                "subfield out of the MARC-in-JSON layout, an XML element or text where "
                "subfields stand) and their text is not in the records written; correct them "
                "(`erdq marc validate` names them) and convert again.\n"
            )
        if s.file_errors:
            out.write("Part of the input may not have been read: see the notes above.\n")


def _text_unread(finding: Finding) -> bool:
    """Whether a reader finding on a record says text of it was not read."""
    if finding.code == "MR120":
        return finding.params.get("reason") == NOT_A_FIELD_LINE
    if finding.code == "MR126":
        return bool(finding.value)  # an element with text in it, not read
    if finding.code == "MR128":
        return True  # text in a datafield outside its subfields
    return finding.code == "MR121" and finding.value not in (None, "")


_SOURCE_NAMES = {
    charset.MARC8: "from MARC-8",
    MNEMONICS: "from MARC-8 mnemonics",
    UTF8_UNDER_MARC8: "UTF-8 under a MARC-8 leader",
    charset.UTF8_INVALID: "invalid UTF-8 read as Windows-1252",
}

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
