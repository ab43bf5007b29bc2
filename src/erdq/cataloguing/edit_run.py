"""One run of ``erdq marc edit``: a MARC file streamed through a rules file.

``EditRun(source, rules, target)`` reads ``source`` with ``MarcReader`` (any MARC
format), applies the edits to each record and writes it with the writer ``target``'s
extension asks for. The output replaces ``target`` only once the whole input has been
read; ``target`` None is a dry run that writes nothing. Iterate ``events()`` once; the
``summary`` is complete afterwards.

What happens to each record is an event: ``RecordChanged`` (with the fields before and
after, for a diff), ``RecordError`` (an edit would have made it invalid: it is written
unchanged), ``SkippedRecord`` (the reader could not make a whole record of it, or the
output format cannot hold it: not written) and ``Note`` (what the reader said about the
file or a record, and records written as UTF-8 that were read as MARC-8 or a code page).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pymarc

from erdq.cataloguing.edit import Change, RecordEditError, apply, record_lines
from erdq.cataloguing.edit_rules import RuleSet
from erdq.errors import InputError
from erdq.findings import Finding, FindingCollector, Severity
from erdq.marc_convert import (
    UNPARSED,
    cut_off,
    indicators_as_read,
    mark_utf8,
    output_format,
    unread_records,
    written_as_utf8_from,
)
from erdq.readers.marc import MarcItem, MarcReader
from erdq.writers.files import open_output
from erdq.writers.marc import FORMAT_NAMES, MarcWriter, UnwritableRecord
from erdq.writers.marc import open_writer as _open_writer

__all__ = ["EditRun", "EditSummary", "Note", "RecordChanged", "RecordError", "SkippedRecord"]

PROGRESS_EVERY = 500
_NAME_HINT = "end the output name with .mrc, .mrk, .xml, .json or .jsonl"


@dataclass(frozen=True, slots=True)
class RecordChanged:
    ordinal: int
    record_id: str | None
    changes: tuple[Change, ...]
    # The record as read and as edited: (leader, fields); .mrk lines made only if asked.
    was: tuple[str, tuple[pymarc.Field, ...]]
    now: tuple[str, tuple[pymarc.Field, ...]]
    type = "changed"

    @property
    def before(self) -> list[str]:
        """The record as read, as .mrk lines."""
        return _lines(*self.was)

    @property
    def after(self) -> list[str]:
        """The record as edited (and as written), as .mrk lines."""
        return _lines(*self.now)

    def diff(self, context: int = 1) -> list[str]:
        """A unified diff of the record in .mrk form."""
        name = f"record {self.ordinal}" + (f" (001 {self.record_id})" if self.record_id else "")
        lines = difflib.unified_diff(
            self.before, self.after, f"{name} as read", f"{name} edited", n=context, lineterm=""
        )
        return list(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "ordinal": self.ordinal,
            "record_id": self.record_id,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass(frozen=True, slots=True)
class RecordError:
    """An edit would have made the record invalid; ``written`` says whether it went to
    the output unchanged (False in a dry run, and when even the unchanged record could
    not be written)."""

    ordinal: int
    record_id: str | None
    edit: int | None
    label: str
    reason: str
    tag: str | None
    written: bool
    type = "error"

    def describe(self) -> str:
        what = "written unchanged" if self.written else "left unchanged"
        return f"{_where(self.ordinal, self.record_id)}: {self.label}: {self.reason}; {what}"

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "ordinal": self.ordinal,
            "record_id": self.record_id,
            "edit": self.edit,
            "field": self.tag,
            "reason": self.reason,
            "written": self.written,
        }


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """Not in the output: ``stage`` "read" (the reader could not parse it), "incomplete"
    (part of it is missing from the input) or "write" (the output format cannot hold
    it)."""

    ordinal: int
    record_id: str | None
    stage: str
    reason: str
    code: str | None = None
    type = "skipped"

    def describe(self) -> str:
        code = f" [{self.code}]" if self.code else ""
        return (
            f"{_where(self.ordinal, self.record_id)}: skipped ({self.stage}){code}: {self.reason}"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "ordinal": self.ordinal,
            "record_id": self.record_id,
            "stage": self.stage,
            "code": self.code,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Note:
    """What the reader said (``code`` its finding), or a record written as UTF-8."""

    ordinal: int | None
    record_id: str | None
    code: str | None
    severity: str
    message: str
    type = "note"

    def describe(self) -> str:
        where = _where(self.ordinal, self.record_id) if self.ordinal else "file"
        code = f"{self.code} " if self.code else ""
        return f"{where}: {code}{self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "ordinal": self.ordinal,
            "record_id": self.record_id,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


Event = RecordChanged | RecordError | SkippedRecord | Note


def _where(ordinal: int, record_id: str | None) -> str:
    return f"record {ordinal}" + (f" (001 {record_id})" if record_id else "")


@dataclass(slots=True)
class EditSummary:
    source: str
    rules: str
    target: str | None
    output_format: str | None
    edits: list[str]  # each edit's label, by number - 1
    input_format: str = ""
    read: int = 0
    changed: int = 0
    errors: int = 0
    skipped: int = 0  # read, but not written (incomplete, or the format cannot hold it)
    unreadable: int = 0  # the reader could make no record of it (not counted in ``read``)
    written: int = 0
    transcoded: int = 0
    records_by_edit: Counter[int] = field(default_factory=Counter)
    fields_by_edit: Counter[int] = field(default_factory=Counter)
    reader_findings: Counter[str] = field(default_factory=Counter)
    severities: set[Severity] = field(default_factory=set)
    sha256: str = ""

    @property
    def dry_run(self) -> bool:
        return self.target is None

    @property
    def unchanged(self) -> int:
        return self.read - self.changed - self.errors - self.skipped

    @property
    def complete(self) -> bool:
        """No record had an edit error and every record read is in the output."""
        return not self.errors and not self.skipped and not self.unreadable

    def as_dict(self) -> dict[str, object]:
        return {
            "type": "summary",
            "source": self.source,
            "rules": self.rules,
            "target": self.target,
            "dry_run": self.dry_run,
            "input_format": self.input_format,
            "output_format": self.output_format,
            "read": self.read,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "skipped": self.skipped,
            "unreadable": self.unreadable,
            "written": self.written,
            "transcoded": self.transcoded,
            "edits": [
                {
                    "edit": number,
                    "label": label,
                    "records": self.records_by_edit[number],
                    "fields": self.fields_by_edit[number],
                }
                for number, label in enumerate(self.edits, 1)
            ],
            "reader_findings": dict(sorted(self.reader_findings.items())),
            "sha256": self.sha256,
        }


class _Discard:
    """A binary sink for a dry run that still checks the output format can hold every
    record."""

    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass


class EditRun:
    """Apply ``rules`` to every record of ``source``; see the module docstring.

    ``target`` None: a dry run (``to`` may still name the output format, so that what it
    cannot hold is reported). ``progress`` is called with the bytes read so far.
    """

    def __init__(
        self,
        source: str | Path,
        rules: RuleSet,
        target: str | Path | None = None,
        *,
        to: str | None = None,
        progress: Callable[[int], None] | None = None,
        display_source: str | None = None,
    ) -> None:
        self.source = Path(source)
        self.rules = rules
        self.target = target
        fmt = None  # a dry run may still name a format, to hear what it cannot hold
        if target is not None or to:
            fmt = output_format(to, target, _NAME_HINT)
        self.format = fmt
        self.progress = progress
        self.display = display_source or str(source)
        self.summary = EditSummary(
            source=self.display,
            rules=rules.source,
            target=None if target is None else str(target),
            output_format=fmt,
            edits=[edit.label for edit in rules.edits],
        )
        self._reader_notes = FindingCollector(self.display)
        self._next = 1  # the next ordinal not yet accounted for

    def _drain(self, upto: int) -> Iterator[Event]:
        """The reader's findings so far as notes, and every ordinal below ``upto`` it
        did not yield as a record skipped at reading."""
        found = self._reader_notes.take()
        lost: dict[int, list[Finding]] = {}
        for finding in found:
            line = finding.location.line
            self.summary.reader_findings[finding.code] += 1
            self.summary.severities.add(finding.severity)
            if line is not None and self._next <= line < upto:
                lost.setdefault(line, []).append(finding)
                continue
            yield Note(
                line,
                finding.location.record_id,
                finding.code,
                finding.severity.value,
                finding.message,
            )
        for ordinal, first in unread_records(lost, self._next, upto):
            self.summary.unreadable += 1
            yield SkippedRecord(
                ordinal,
                first.location.record_id if first else None,
                "read",
                first.message if first else UNPARSED,
                first.code if first else None,
            )
        self._next = max(self._next, upto)

    def events(self) -> Iterator[Event]:
        reader = MarcReader(self.source, self._reader_notes)
        if self.target is None:
            yield from self._run(reader, None)
        else:
            with open_output(self.target, [self.source]) as fh:
                yield from self._run(reader, fh)
        self.summary.sha256 = reader.sha256
        if self.progress is not None:
            self.progress(reader.bytes_read)

    def run(self) -> list[Event]:
        return list(self.events())

    def _run(self, reader: MarcReader, fh: BinaryIO | None) -> Iterator[Event]:
        writer = None
        if fh is not None:
            writer = _open_writer(str(self.format), fh)
        elif self.format is not None:
            writer = _open_writer(self.format, _Discard())  # type: ignore[arg-type]
        for item in reader:
            yield from self._drain(item.ordinal)  # and the notes on this record
            self._next = item.ordinal + 1
            self.summary.read += 1
            yield from self._edit(item, writer, written=fh is not None)
            if self.progress is not None and item.ordinal % PROGRESS_EVERY == 0:
                self.progress(reader.progress)
        if reader.format is None:
            reasons = [f.message for f in self._reader_notes.found if f.code == "MR100"]
            raise InputError(
                reasons[0] if reasons else f"{self.display} cannot be read as MARC",
                hint="give a MARC file (ISO 2709 .mrc, MARCXML, MarcEdit .mrk or "
                "MARC-in-JSON); nothing was written",
            )
        self.summary.input_format = reader.format
        yield from self._drain(reader.next_ordinal())
        if writer is not None:
            writer.close()

    def _edit(self, item: MarcItem, writer: MarcWriter | None, written: bool) -> Iterator[Event]:
        summary = self.summary
        record = item.record
        where = (item.ordinal, item.record_id)
        incomplete = cut_off(item)
        if incomplete is not None:
            # Written out, a record cut short would pass for whole (as in marc convert).
            code, reason = incomplete
            summary.skipped += 1
            yield SkippedRecord(*where, "incomplete", str(reason), str(code))
            return
        fields, leader = list(record.fields), record.leader
        try:
            _, changes = apply(record, self.rules)
        except RecordEditError as exc:
            summary.errors += 1
            yield from self._write_unchanged(
                item, writer, written, exc.edit.number, exc.edit.label, exc.reason, exc.tag
            )
            return
        as_read = indicators_as_read(item)
        if changes and as_read:
            record.fields, record.leader = fields, leader
            summary.errors += 1
            position, area = min(as_read.items())
            tag = fields[position].tag if position < len(fields) else None
            reason = (
                f"field {tag} had the indicator area {area!r} as read, not two characters, "
                "so an edited record could not be vouched for; correct the source first"
            )
            yield from self._write_unchanged(item, writer, written, None, "edits", reason, tag)
            return
        transcoded = _to_utf8(item)
        if writer is not None:
            try:
                writer.write(record, as_read)
            except UnwritableRecord as exc:
                if not changes:
                    summary.skipped += 1
                    yield SkippedRecord(*where, "write", exc.reason)
                    return
                record.fields, record.leader = fields, leader
                _to_utf8(item)
                summary.errors += 1
                fmt = FORMAT_NAMES[str(self.format)]
                reason = f"the edited record cannot be written as {fmt}: {exc.reason}"
                yield from self._write_unchanged(
                    item, writer, written, None, "edits", reason, exc.tag
                )
                return
            summary.written += written
        if transcoded:
            summary.transcoded += 1
            yield Note(*where, None, "info", transcoded)
        if changes:
            summary.changed += 1
            for number in {c.edit for c in changes}:
                summary.records_by_edit[number] += 1
            summary.fields_by_edit.update(c.edit for c in changes)
            yield RecordChanged(
                *where,
                tuple(changes),
                (str(leader), tuple(fields)),
                (str(record.leader), tuple(record.fields)),
            )

    def _write_unchanged(
        self,
        item: MarcItem,
        writer: MarcWriter | None,
        written: bool,
        edit: int | None,
        label: str,
        reason: str,
        tag: str | None,
    ) -> Iterator[Event]:
        where = (item.ordinal, item.record_id)
        ok = written
        if writer is not None:
            _to_utf8(item)
            try:
                writer.write(item.record, indicators_as_read(item))
            except UnwritableRecord as exc:
                ok = False
                self.summary.skipped += 1
                yield SkippedRecord(*where, "write", exc.reason)
            else:
                self.summary.written += written
        yield RecordError(*where, edit, label, reason, tag, ok)


def _lines(leader: str, fields: tuple[pymarc.Field, ...]) -> list[str]:
    record = pymarc.Record(leader=str(leader))
    record.fields = list(fields)
    return record_lines(record)


def _to_utf8(item: MarcItem) -> str | None:
    """Set leader/09 'a' where the text was not read as UTF-8 (erdq writes UTF-8, as
    ``marc convert`` does); a note saying so, or None."""
    source = written_as_utf8_from(item)
    if source is None:
        return None
    mark_utf8(item.record)
    return f"read as {source}, written as UTF-8 with leader/09 'a'"
