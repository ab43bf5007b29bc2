"""Runs the selected rules over an input and streams findings.

Reader problems, row checks and cross-row checks all report through one function
that drops unselected codes, applies the site's severity re-grading and builds a
``Finding``. Rows and findings come out interleaved (``events``) so an import can
store both in one pass; ``findings`` gives just the findings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from erdq.config import Settings
from erdq.findings import Finding, Location, Severity, clip
from erdq.readers.kbart import KbartReader, KbartRow
from erdq.registry import all_rules
from erdq.rules.kbart.base import (
    CROSS_CHECKERS,
    ROW_CHECKERS,
    CrossChecker,
    RowCheck,
    RowContext,
)
from erdq.scratch import Scratch

T = TypeVar("T")

Progress = Callable[[int], None]  # called with bytes read so far


def by_line(finding: Finding) -> int:
    return finding.location.line or 0


def today_default() -> dt.date:
    return dt.date.today()


@dataclass
class InputSummary:
    """What was read from one input: for summaries, reports and the store."""

    path: str
    kind: str = "kbart"
    sha256: str = ""
    rows: int = 0
    lines: int = 0
    encoding: str = ""
    line_ending: str = ""
    columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    truncated_at: int | None = None  # the line a KBART file seems cut off in (KB124)


class Check:
    """What every check of one input shares: selection, severity re-grading, the report
    function the readers and rules call, and the occurrence numbering of findings."""

    def __init__(
        self,
        path: str | Path,
        settings: Settings | None = None,
        *,
        today: dt.date | Callable[[], dt.date] | None = None,
        progress: Progress | None = None,
        display_path: str | None = None,
        kind: str = "kbart",
    ) -> None:
        self.path = Path(path)
        self.source = display_path or str(path)
        self.settings = settings or Settings()
        if callable(today):
            self.today = today()
        else:
            self.today = today or today_default()
        self.progress = progress
        self.summary = InputSummary(path=self.source, kind=kind)
        active = self.settings.codes() - self.settings.ignored_for(self.source)
        self.active = frozenset(active)
        overrides = self.settings.severity_overrides()
        self._severity: dict[str, Severity] = {
            r.code: overrides.get(r.code, r.severity) for r in all_rules()
        }
        self._pending: list[Finding] = []
        self._fingerprints: dict[str, int] = {}
        self._record_id: str | None = None

    def _report(
        self,
        code: str,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
        record_id: str | None = None,
        *,
        offset: int | None = None,
        tag: str | None = None,
        subfield: str | None = None,
        **params: object,
    ) -> None:
        """Record a finding unless its rule is not selected. ``line`` is the 1-based
        physical line (tabular files) or record ordinal (MARC)."""
        if code not in self.active:
            return
        location = Location(
            source=self.source,
            line=line,
            column=column,
            record_id=record_id if record_id is not None else self._record_id,
            offset=offset,
            tag=tag,
            subfield=subfield,
        )
        self._pending.append(Finding(code, self._severity[code], location, params, clip(value)))

    def _number(self, finding: Finding) -> Finding:
        """Give findings that would share a fingerprint their occurrence number."""
        base = finding.fingerprint()
        seen = self._fingerprints.get(base, 0)
        self._fingerprints[base] = seen + 1
        return replace(finding, occurrence=seen) if seen else finding


class KbartCheck(Check):
    """Validate one KBART file. Iterate ``events()`` or ``findings()`` once."""

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
        super().__init__(path, settings, today=today, progress=progress, display_path=display_path)
        self.jobs = jobs

    def context(self) -> RowContext:
        return RowContext(
            source=self.source,
            report=self._report,
            today=self.today,
            strict=self.settings.strict,
            active=self.active,
        )

    def row_checks(self) -> list[RowCheck]:
        """The row checks some selected rule needs."""
        return [c.func for c in ROW_CHECKERS if c.codes & self.active]

    def cross_checkers(self, scratch: Scratch) -> list[CrossChecker]:
        return [spec.factory(scratch) for spec in CROSS_CHECKERS if spec.codes & self.active]

    def check_row(
        self, row: KbartRow, ctx: RowContext, checks: list[RowCheck], cross: list[CrossChecker]
    ) -> None:
        self._record_id = row.title_id or None
        for check in checks:
            check(row, ctx)
        for checker in cross:
            checker.row(row, ctx)
        self._record_id = None

    def events(self) -> Iterator[KbartRow | Finding]:
        """Rows and findings, interleaved, in one pass (an import stores both)."""
        number = self._number
        for event in self._events():
            yield number(event) if isinstance(event, Finding) else event

    def _events(self) -> Iterator[KbartRow | Finding]:
        reader = KbartReader(self.path, self._report, name=self.source)
        ctx = self.context()
        row_checks = self.row_checks()
        scratch = Scratch()
        cross = self.cross_checkers(scratch)
        pending = self._pending
        progress = self.progress
        check_row = self.check_row
        try:
            for row in reader:
                check_row(row, ctx, row_checks, cross)
                yield row
                if pending:
                    yield from pending
                    pending.clear()
                if progress is not None and reader.rows % 2000 == 0:
                    progress(reader.stats.bytes_read)
            for checker in cross:
                checker.end(ctx)
            pending.sort(key=by_line)  # cross-row checks report by key; show them by line
        finally:
            scratch.close()
        self._file_end(ctx)
        yield from pending
        pending.clear()
        if progress is not None:
            progress(reader.stats.bytes_read)
        self._summarise(reader)

    def facts_and_findings(self, facts: Callable[[KbartRow], T]) -> Iterator[T | Finding]:
        """``facts(row)`` of each row and the findings, in one pass; on several processes
        as ``findings`` (``facts`` then runs in the workers, so it must be a module-level
        function, or a ``functools.partial`` of one, with a picklable result), else here."""
        number = self._number
        if self.jobs > 1:
            from erdq.parallel import parallel_findings

            parallel = parallel_findings(self, self.jobs, facts)
            if parallel is not None:
                for event in parallel:
                    yield number(event) if isinstance(event, Finding) else event
                return
        for event in self.events():
            yield event if isinstance(event, Finding) else facts(event)

    def findings(self) -> Iterator[Finding]:
        """The findings alone; on several processes when ``jobs`` > 1 and the file is big."""
        if self.jobs > 1:
            from erdq.parallel import parallel_findings

            parallel = parallel_findings(self, self.jobs)
            if parallel is not None:
                yield from map(self._number, parallel)
                return
        for event in self.events():
            if isinstance(event, Finding):
                yield event

    def _file_end(self, ctx: RowContext) -> None:
        from erdq.rules.kbart.naming import check_file_name

        check_file_name(self.path.name, ctx)

    def _summarise(self, reader: KbartReader) -> None:
        s = self.summary
        s.rows = reader.rows
        s.lines = reader.lines
        s.encoding = reader.stats.label
        s.line_ending = reader.stats.line_ending
        s.truncated_at = reader.truncated[0] if reader.truncated else None
        if reader.header is not None:
            s.columns = list(reader.header.columns)
            s.extra_columns = list(reader.header.extras)
        s.sha256 = reader.stats.digest.hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()
