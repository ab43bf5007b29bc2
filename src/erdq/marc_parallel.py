"""Validate one large ISO 2709 file on several cores.

The main process reads the file once, as the one-process run does: it hashes every byte
and cuts the stream into records with the same splitter (``iso2709.split_records``), so
each record keeps its byte offset, its ordinal and the notes the splitter made about it.
Batches of whole records (their bytes, offsets and notes) go to worker processes, which
parse them and run the record checks exactly as ``MarcCheck`` does, and send back the
findings and the counts the reader keeps (records, encodings, leader/09 values). The main
process takes the batches back in file order, numbers the findings (occurrences) and
reports what needs the whole file — line breaks between records, padding after the last
one, mixed or MARC-8 encodings — as the one-process run does, so the findings are the
same, in the same order.

MARCXML, .mrk and JSON files, and ISO 2709 files under ``MIN_PARALLEL_BYTES``, are read
in one process: splitting them does not pay.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from erdq.findings import Finding, Location
from erdq.processes import worker_context
from erdq.readers.marc import MarcItem, MarcReader, Parsed, Source
from erdq.readers.sniff import marc_format

MIN_PARALLEL_BYTES = 8 << 20  # below this, starting processes costs more than it saves
BATCH_BYTES = 1 << 20  # records are sent to the workers about a megabyte at a time
BATCHES_PER_JOB = 3  # batches in flight per worker: enough to keep each one busy


@dataclass
class Batch:
    first_ordinal: int
    records: list[tuple[int, bytes, list]]  # (offset, record bytes, splitter notes)
    end: int  # file offset after the batch, for progress


def record_batches(source: BinaryIO, file_note, size: int | None = None) -> Iterator[Batch]:
    """The records of an ISO 2709 stream, cut as the one-process reader cuts them
    (``iso2709.split_records``), in batches of about ``size`` bytes (``BATCH_BYTES``)."""
    from erdq.readers.iso2709 import split_records

    limit = size or BATCH_BYTES
    records: list[tuple[int, bytes, list]] = []
    total = 0
    first = 1
    for offset, data, notes in split_records(source, file_note):
        records.append((offset, data, notes))
        total += len(data)
        if total >= limit:
            yield Batch(first, records, offset + len(data))
            first += len(records)
            records = []
            total = 0
    if records:
        offset, data, _ = records[-1]
        yield Batch(first, records, offset + len(data))


def in_file_order(
    pool: Any, work: Callable[[Batch], Any], batches: Iterable[Batch], jobs: int
) -> Iterator[Any]:
    """``work`` of each batch, run on ``pool``, in the order of the batches. A bounded
    window of batches is in flight: the file is never all in memory."""
    window: deque = deque()
    for batch in batches:
        window.append(pool.apply_async(work, (batch,)))
        if len(window) >= jobs * BATCHES_PER_JOB:
            yield window.popleft().get()
    while window:
        yield window.popleft().get()


def parsed_items(reader: MarcReader, batch: Batch) -> Iterator[MarcItem]:
    """The records of one batch parsed, numbered and counted by ``reader`` as it does
    for ISO 2709 when it reads the file itself."""
    from erdq.readers.iso2709 import parse_record

    reader._ordinal = batch.first_ordinal - 1
    for offset, data, notes in batch.records:
        # As MarcReader._parsed does for ISO 2709: a parser failure loses one record.
        try:
            parsed = parse_record(data, offset, notes)
        except (ValueError, IndexError, KeyError, TypeError, UnicodeError) as exc:
            reason = f"the parser failed ({type(exc).__name__}: {exc})"
            parsed = Parsed(None, offset, data, notes=[("MR101", {"reason": reason})])
        item = reader._emit(parsed)
        if item is not None:
            yield item


@dataclass
class _Result:
    # Findings travel as plain tuples (pickling dataclasses costs several times more):
    # (Finding fields, with the Location as a tuple of its fields), then its fingerprint.
    findings: list[tuple]
    records: int = 0
    unparseable: int = 0
    encodings: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    first_marc8: int | None = None
    end: int = 0
    facts: list = field(default_factory=list)  # ``_Work.facts`` of each record, in order


@dataclass
class _Work:
    """What a worker needs; sent once, to each worker's initializer. ``facts``, when
    given, is a module-level function of a checked record whose result travels back in
    place of the record (what a caller needs of it, a fraction of its size)."""

    path: str
    source: str
    settings: object
    today: object
    facts: Callable[[MarcItem], Any] | None = None


# Worker side --------------------------------------------------------------------------

_CHECK = None  # the worker's MarcCheck
_FACTS: Callable[[MarcItem], Any] | None = None


def _init(work: _Work) -> None:
    global _CHECK, _FACTS
    from erdq.marc_check import MarcCheck

    _CHECK = MarcCheck(work.path, work.settings, today=work.today, display_path=work.source)
    _FACTS = work.facts


def _run_batch(batch: Batch) -> _Result:
    check = _CHECK
    assert check is not None
    check._pending = pending = []
    reader = MarcReader(check.path, check._report, name=check.source)
    ctx = check.context()
    checks = check.record_checks()
    facts_of = _FACTS
    facts = []
    for item in parsed_items(reader, batch):
        # As MarcCheck.items_and_findings does for each record.
        check._record_id = item.record_id
        check._offset = item.offset
        for record_check in checks:
            record_check(item, ctx)
        check._record_id = None
        check._offset = None
        if facts_of is not None:
            facts.append(facts_of(item))
    return _Result(
        findings=[
            (
                f.code,
                f.severity,
                astuple_location(f.location),
                f.params,
                f.value,
                f.confidence,
                f.occurrence,
                f.fingerprint(),
            )
            for f in pending
        ],
        records=reader.records,
        unparseable=reader.unparseable,
        encodings=reader.encodings,
        flags=reader._flags,
        first_marc8=reader._first_marc8,
        end=batch.end,
        facts=facts,
    )


def astuple_location(loc: Location) -> tuple:
    return (loc.source, loc.line, loc.column, loc.record_id, loc.offset, loc.tag, loc.subfield)


# Main side ----------------------------------------------------------------------------


def parallel_findings(
    check, jobs: int, facts: Callable[[MarcItem], Any] | None = None
) -> Iterator[Any] | None:
    """The findings of ``check`` (a ``MarcCheck``) computed on ``jobs`` processes and
    numbered as ``check._number`` numbers them, or None when the file should be read in
    one process. With ``facts``, each batch's findings are followed by ``facts(record)``
    of each of its records, in file order."""
    if jobs < 2:
        return None
    path: Path = check.path
    try:
        if path.stat().st_size < MIN_PARALLEL_BYTES:
            return None
        with path.open("rb") as fh:
            if marc_format(fh.read(1 << 16)) != "iso2709":
                return None
    except OSError:
        return None  # the one-process run reports it
    return _run(check, jobs, facts)


class SplittingReader(MarcReader):
    """A ``MarcReader`` whose records are parsed and checked elsewhere: ``_items`` cuts
    the stream into batches, has ``dispatch`` run them, and yields their results in file
    order, adding up what the reader counts. The rest of the reader (opening, hashing,
    the end-of-file findings) is the one-process reader's own."""

    def __init__(self, path: Path, report, dispatch, *, name: str | None = None) -> None:
        super().__init__(path, report, name=name)
        self._dispatch = dispatch

    def _items(self, source: Source) -> Iterator[_Result]:  # type: ignore[override]
        self.format = marc_format(source.head)
        if self.format != "iso2709":  # changed since it was sniffed: nothing to split
            raise RuntimeError("the file is no longer ISO 2709")
        file_notes: list[tuple[str, int | None, dict]] = []

        def file_note(code: str, offset: int | None, **params: object) -> None:
            file_notes.append((code, offset, params))  # reported after the last record

        for result in self._dispatch(record_batches(source, file_note)):
            self._ordinal += result.records + result.unparseable
            self.records += result.records
            self.unparseable += result.unparseable
            self.encodings.update(result.encodings)
            self._flags.update(result.flags)
            if self._first_marc8 is None:
                self._first_marc8 = result.first_marc8
            yield result
        for code, offset, params in file_notes:
            self.report(code, None, offset=offset, **params)


def _run(check, jobs: int, facts: Callable[[MarcItem], Any] | None = None) -> Iterator[Any]:
    work = _Work(
        path=str(check.path),
        source=check.source,
        settings=check.settings,
        today=check.today,
        facts=facts,
    )
    context = worker_context()
    pool = context.Pool(jobs, initializer=_init, initargs=(work,))

    def dispatch(batches: Iterator[Batch]) -> Iterator[_Result]:
        return in_file_order(pool, _run_batch, batches, jobs)

    reader = SplittingReader(check.path, check._report, dispatch, name=check.source)
    pending = check._pending
    progress = check.progress
    counts = check._fingerprints
    try:
        for result in reader:
            for code, severity, loc, params, value, confidence, occurrence, base in result.findings:
                # Check._number, with the fingerprint the worker computed.
                seen = counts.get(base, 0)
                counts[base] = seen + 1
                yield Finding(
                    code,
                    severity,
                    Location(*loc),
                    params,
                    value,
                    confidence,
                    seen if seen else occurrence,
                )
            yield from result.facts
            if progress is not None:
                progress(result.end)
    finally:
        pool.terminate()
        pool.join()
        check._summarise(reader)
    yield from map(check._number, pending)  # what the reader reports at the end of the file
    pending.clear()
    if progress is not None:
        progress(reader.bytes_read)
