"""Validate one MARC file: reader findings and every selected record checker, streamed.

The counterpart of ``erdq.engine.KbartCheck`` for the bibliographic level. ``line`` in a
finding is the record's 1-based ordinal in the file, ``record_id`` its 001 and
``offset`` its byte offset (ISO 2709, .mrk) when known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from erdq.config import Settings
from erdq.engine import Check, InputSummary, Progress
from erdq.findings import Finding
from erdq.readers.marc import MarcItem, MarcReader
from erdq.rules.marc.base import RECORD_CHECKERS, RecordCheck, RecordContext

PROGRESS_EVERY = 500  # records between progress calls


@dataclass
class MarcSummary(InputSummary):
    """What was read from one MARC file. ``rows`` mirrors ``records`` for shared code."""

    kind: str = "marc"
    format: str = ""  # iso2709 | marcxml | mrk | json; empty when not MARC
    records: int = 0  # read and checked
    unparseable: int = 0  # reported, not yielded
    encodings: dict[str, int] = field(default_factory=dict)  # records per encoding read
    bytes_read: int = 0


class MarcCheck(Check):
    """Validate one MARC file. Iterate ``items_and_findings()`` or ``findings()`` once.

    ``jobs`` > 1 lets ``findings()`` use that many processes on a large ISO 2709 file."""

    def __init__(
        self,
        path: str | Path,
        settings: Settings | None = None,
        *,
        today: dt.date | Callable[[], dt.date] | None = None,
        progress: Progress | None = None,
        display_path: str | None = None,
        jobs: int = 1,
    ) -> None:
        super().__init__(
            path, settings, today=today, progress=progress, display_path=display_path, kind="marc"
        )
        self.summary: MarcSummary = MarcSummary(path=self.source)
        self._offset: int | None = None
        self.jobs = jobs

    def _report(self, code: str, line: int | None = None, *args: object, **kwargs) -> None:
        # Checker findings carry the record's byte offset like reader findings do.
        if kwargs.get("offset") is None:
            kwargs["offset"] = self._offset
        super()._report(code, line, *args, **kwargs)  # type: ignore[arg-type]

    def context(self) -> RecordContext:
        return RecordContext(
            source=self.source,
            report=self._report,
            today=self.today,
            strict=self.settings.strict,
            active=self.active,
        )

    def record_checks(self) -> list[RecordCheck]:
        """The record checks some selected rule needs."""
        return [c.func for c in RECORD_CHECKERS if c.codes & self.active]

    def items_and_findings(self) -> Iterator[MarcItem | Finding]:
        """Records and their findings, interleaved, in one pass (an import stores both)."""
        reader = MarcReader(self.path, self._report)
        ctx = self.context()
        checks = self.record_checks()
        pending = self._pending
        number = self._number
        progress = self.progress
        try:
            for item in reader:
                self._record_id = item.record_id
                self._offset = item.offset
                for check in checks:
                    check(item, ctx)
                self._record_id = None
                self._offset = None
                yield item
                if pending:
                    yield from map(number, pending)
                    pending.clear()
                if progress is not None and item.ordinal % PROGRESS_EVERY == 0:
                    progress(reader.progress)
        finally:
            self._summarise(reader)
        yield from map(number, pending)  # file-level findings reported at the end
        pending.clear()
        if progress is not None:
            progress(reader.bytes_read)

    def findings(self) -> Iterator[Finding]:
        """The findings alone; on several processes when ``jobs`` > 1 and the file is a
        large ISO 2709 file (``erdq.marc_parallel``), with the same findings in the same
        order."""
        if self.jobs > 1:
            from erdq.marc_parallel import parallel_findings

            parallel = parallel_findings(self, self.jobs)
            if parallel is not None:
                yield from parallel  # numbered there
                return
        for event in self.items_and_findings():
            if isinstance(event, Finding):
                yield event

    def _summarise(self, reader: MarcReader) -> None:
        s = self.summary
        s.format = reader.format or ""
        s.records = s.rows = reader.records
        s.unparseable = reader.unparseable
        s.encodings = dict(reader.encodings)
        s.encoding = "+".join(sorted(reader.encodings)) if reader.encodings else ""
        s.sha256 = reader.sha256
        s.bytes_read = reader.bytes_read
