"""Validate one MARC file: reader findings and every selected record checker, streamed.

The counterpart of ``erdq.engine.KbartCheck`` for the bibliographic level. ``line`` in a
finding is the record's 1-based ordinal in the file, ``record_id`` its 001 and
``offset`` its byte offset (ISO 2709, .mrk) when known. A file-level finding has no
record ordinal; the record it names (the first of several) is a message parameter.

``marc_rule_codes`` checks a selection before a run: a mistyped selector gets a MARC
did-you-mean, and a selection that enables no MR rule is refused rather than reported as
a clean file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TypeVar

from erdq.config import Settings
from erdq.engine import Check, InputSummary, Progress
from erdq.errors import ConfigError
from erdq.findings import Finding
from erdq.readers.marc import MarcItem, MarcReader
from erdq.registry import Scope, closest_rule, get_rule, resolve_selector
from erdq.rules.marc.base import RECORD_CHECKERS, RecordCheck, RecordContext
from erdq.rules.marc.formats import by_format

T = TypeVar("T")

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
    # Records of other MARC 21 formats, by kind ("authority": 5000), not checked as
    # bibliographic records (MR124).
    other_formats: dict[str, int] = field(default_factory=dict)


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
        # MR124 is always reported, so that the MR125 summary and ``other_formats`` can
        # count the records it names, and dropped from the output unless selected.
        self._show_mr124 = "MR124" in self.active
        self.active = self.active | {"MR124"}

    def _report(self, code: str, line: int | None = None, *args: object, **kwargs) -> None:
        # Checker findings carry the record's byte offset like reader findings do.
        if kwargs.get("offset") is None:
            kwargs["offset"] = self._offset
        if line is None or not _is_file_level(code):
            super()._report(code, line, *args, **kwargs)  # type: ignore[arg-type]
            return
        # A file-level finding is located at the file, not at the record where the reader
        # first saw the problem; that record stays in its message ({line}) as a parameter.
        before = len(self._pending)
        super()._report(code, None, *args, **kwargs)  # type: ignore[arg-type]
        if len(self._pending) > before:  # the rule is selected
            found = self._pending[-1]
            self._pending[-1] = replace(found, params={**found.params, "line": line})

    def context(self) -> RecordContext:
        return RecordContext(
            source=self.source,
            report=self._report,
            today=self.today,
            strict=self.settings.strict,
            active=self.active,
        )

    def record_checks(self) -> list[RecordCheck]:
        """The record checks some selected rule needs, behind the one that tells records
        of other MARC 21 formats from bibliographic ones (``rules.marc.formats``)."""
        return [by_format([c for c in RECORD_CHECKERS if c.codes & self.active])]

    def items_and_findings(self) -> Iterator[MarcItem | Finding]:
        """Records and their findings, interleaved, in one pass (an import stores both)."""
        return self._with_formats(self._items_and_findings())

    def _items_and_findings(self) -> Iterator[MarcItem | Finding]:
        reader = MarcReader(self.path, self._report, name=self.source)
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

    def facts_and_findings(self, facts: Callable[[MarcItem], T]) -> Iterator[T | Finding]:
        """``facts(record)`` of each record and the findings, in one pass; on several
        processes as ``findings`` (``facts`` then runs in the workers, so it must be a
        module-level function, or a ``functools.partial`` of one, and its result
        picklable), else here. In either case a record's facts come after the findings
        of the records before it."""
        if self.jobs > 1:
            from erdq.marc_parallel import parallel_findings

            parallel = parallel_findings(self, self.jobs, facts)
            if parallel is not None:
                yield from self._with_formats(parallel)
                return
        for event in self.items_and_findings():
            yield event if isinstance(event, Finding) else facts(event)

    def findings(self) -> Iterator[Finding]:
        """The findings alone; on several processes when ``jobs`` > 1 and the file is a
        large ISO 2709 file (``erdq.marc_parallel``), with the same findings in the same
        order."""
        if self.jobs > 1:
            from erdq.marc_parallel import parallel_findings

            parallel = parallel_findings(self, self.jobs)
            if parallel is not None:
                yield from self._with_formats(parallel)  # numbered there
                return
        for event in self.items_and_findings():
            if isinstance(event, Finding):
                yield event

    def _with_formats(self, events: Iterable[MarcItem | Finding]) -> Iterator[MarcItem | Finding]:
        """``events`` with MR124 counted (and left out unless selected), then the MR125
        summary. It works on the stream so that a run on several processes, whose record
        checks run elsewhere, counts the same records."""
        kinds: Counter[str] = Counter()
        first: int | None = None
        for event in events:
            if isinstance(event, Finding) and event.code == "MR124":
                kinds[str(event.params["kind"])] += 1
                first = first or event.location.line
                if not self._show_mr124:
                    continue
            yield event
        self.summary.other_formats = dict(kinds)
        if kinds:
            shown = ", ".join(f"{kind} {n:,}" for kind, n in kinds.most_common())
            self._report(
                "MR125",
                None,
                value=shown,
                count=f"{kinds.total():,}",
                records=f"{self.summary.records:,}",
                kinds=shown,
                first=first,
            )
            yield from map(self._number, self._pending)
            self._pending.clear()

    def _summarise(self, reader: MarcReader) -> None:
        s = self.summary
        s.format = reader.format or ""
        s.records = s.rows = reader.records
        s.unparseable = reader.unparseable
        s.encodings = dict(reader.encodings)
        s.encoding = "+".join(sorted(reader.encodings)) if reader.encodings else ""
        s.sha256 = reader.sha256
        s.bytes_read = reader.bytes_read


class RecordsCheck(MarcCheck):
    """The MARC record rules over records made in memory (a spreadsheet converted, a print
    record turned into an e-book record), before they are written.

    ``source`` names what the records came from in the findings; an item's ``ordinal``
    is the line its finding carries (a spreadsheet row, a record's position in its file).
    Reader rules (ISO 2709 structure, decoding) do not apply: the records were not read.
    """

    def __init__(
        self,
        source: str,
        settings: Settings | None = None,
        *,
        today: dt.date | Callable[[], dt.date] | None = None,
    ) -> None:
        super().__init__(source, settings, today=today, display_path=source)
        self._ctx = self.context()
        self._checks = self.record_checks()

    def check(self, item: MarcItem) -> list[Finding]:
        """The findings for one record (MR124 included when it is not bibliographic)."""
        self._record_id = item.record_id
        try:
            for check in self._checks:
                check(item, self._ctx)
        finally:
            self._record_id = None
        found = list(map(self._number, self._pending))
        self._pending.clear()
        return found


def check_records(
    items: Iterable[MarcItem],
    settings: Settings | None = None,
    *,
    source: str,
    today: dt.date | Callable[[], dt.date] | None = None,
) -> Iterator[tuple[MarcItem, list[Finding]]]:
    """Each record of ``items`` with its findings under the selected MARC rules."""
    checker = RecordsCheck(source, settings, today=today)
    for item in items:
        yield item, checker.check(item)


@cache
def _is_file_level(code: str) -> bool:
    return get_rule(code).scope is Scope.FILE


# -- the selection ----------------------------------------------------------------------

_SELECTOR_HINT = (
    "use a MARC rule code (MR301), a prefix (MR, MR3) or a name (marc-isbn-invalid); "
    "`erdq rules --family MR` lists them"
)


def marc_rule_codes(settings: Settings) -> frozenset[str]:
    """The MARC (MR) rules a check with ``settings`` runs.

    ``ConfigError`` for a selector that names no rule (with the nearest MARC rule) and
    for a selection that enables no MR rule: a run would report every file as clean.
    """
    for selector in (*settings.select, *settings.ignore):
        try:
            resolve_selector(selector)
        except ConfigError:
            guess = closest_rule(selector, family="MR")
            raise ConfigError(
                f"unknown rule selector {selector!r}"
                + (f"; did you mean {guess!r}?" if guess else ""),
                hint=_SELECTOR_HINT,
            ) from None
    # Refused by the rules chosen: MR100 and MR101, which run whatever is chosen
    # (``UNREADABLE_INPUT``), do not check a record.
    if not any(c.startswith("MR") for c in settings.selected()):
        selection = "select " + ", ".join(settings.select)
        if settings.ignore:
            selection += "; ignore " + ", ".join(settings.ignore)
        raise ConfigError(
            f"the rule selection ({selection}) enables no MARC rule, so no record would be checked",
            hint="select MARC rules: --select MR (all of them), MR3 (ISBN and ISSN) or a "
            "name such as marc-isbn-invalid; `erdq rules --family MR` lists them",
        )
    return frozenset(c for c in settings.codes() if c.startswith("MR"))


def non_marc_selectors(selectors: Iterable[str]) -> list[str]:
    """The selectors that enable no MARC rule (``KB2`` in ``--select MR3,KB2``)."""
    return [s for s in selectors if not any(c.startswith("MR") for c in resolve_selector(s))]
