"""print2e on several cores for a large ISO 2709 file.

The main process cuts the file into records with the reader's own splitter
(``iso2709.split_records``) and sends batches of record bytes to worker processes
(``erdq.processes.worker_context``: fork-server workers). Each worker parses the
records as ``MarcReader`` does, converts them (``convert_record``) and encodes the
e-book records in the output format; the main process writes the bytes back in file
order, so the output is the same as a one-process run's. The changes of each record
travel back only when they are asked for (``--explain``, JSON), as they cost more to
send than to make.
"""

from __future__ import annotations

import io
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from erdq.cataloguing.print2e import Converted, KbartIndex, Options, Problem, convert_record
from erdq.processes import worker_context
from erdq.readers.marc import MarcReader, Parsed
from erdq.writers.marc import UnwritableRecord, open_writer

MIN_PARALLEL_BYTES = 4 << 20  # below this, starting processes costs more than it saves
BATCH_BYTES = 1 << 20
BATCHES_PER_JOB = 3
STATELESS_FORMATS = frozenset({"mrc", "mrk", "xml", "jsonl"})  # encode() needs no state


@dataclass
class _Work:
    options: Options
    kbart: KbartIndex | None
    fmt: str
    detail: bool


@dataclass
class _Out:
    results: list[Converted]
    data: list[bytes]  # the encoded records, in order
    changes: int = 0
    unparseable: int = 0
    reader_findings: Counter[str] = field(default_factory=Counter)


_WORK: _Work | None = None


def _init(work: _Work) -> None:
    global _WORK
    _WORK = work


def convert_batch(first: int, records: list[tuple[int, bytes, list]], work: _Work) -> _Out:
    """Parse, convert and encode one batch (``first``: the ordinal of its first record)."""
    from erdq.readers.iso2709 import parse_record

    out = _Out([], [])

    def report(code: str, line: int | None = None, *args: object, **kw: object) -> None:
        if line is not None:
            out.reader_findings[code] += 1

    reader = MarcReader(Path("batch"), report)
    reader._ordinal = first - 1
    writer = open_writer(work.fmt, io.BytesIO())
    for offset, data, notes in records:
        try:
            parsed = parse_record(data, offset, notes)
        except (ValueError, IndexError, KeyError, TypeError, UnicodeError) as exc:
            reason = f"the parser failed ({type(exc).__name__}: {exc})"
            parsed = Parsed(None, offset, data, notes=[("MR101", {"reason": reason})])
        item = reader._emit(parsed)
        if item is None:
            continue
        result = convert_record(
            item.record, ordinal=item.ordinal, options=work.options, kbart=work.kbart
        )
        incomplete = item.memo.get("incomplete")
        if isinstance(incomplete, tuple) and result.record is not None:
            result.record = None
            result.problems.append(Problem("incomplete", f"not converted: {incomplete[1]}", True))
        if result.record is not None:
            try:
                out.data.append(encode(writer, result.record))
            except UnwritableRecord as exc:
                result.problems.append(Problem("unwritable", f"not written: {exc.reason}", True))
        out.changes += len(result.changes) if not result.skipped else 0
        result.record = None  # the bytes go back, not the record
        if not work.detail:
            result.changes = []
        out.results.append(result)
    out.unparseable = reader.unparseable
    return out


def encode(writer, record) -> bytes:
    """``writer.write``'s encoding without writing: the bytes of one record."""
    try:
        return writer.encode(record)
    except UnicodeEncodeError:
        raise UnwritableRecord("the text cannot be encoded as UTF-8") from None


def _run_batch(args: tuple[int, list]) -> _Out:
    assert _WORK is not None
    return convert_batch(args[0], args[1], _WORK)


def parallel_results(
    source: BinaryIO, fh: BinaryIO, work: _Work, jobs: int, file_note
) -> Iterator[_Out]:
    """Batches converted on ``jobs`` processes, in file order; their bytes are written to
    ``fh`` (header and footer included) as they come back."""
    from erdq.readers.iso2709 import split_records

    writer = open_writer(work.fmt, fh)

    def batches() -> Iterator[tuple[int, list]]:
        records: list = []
        size = 0
        first = 1
        for offset, data, notes in split_records(source, file_note):
            records.append((offset, data, notes))
            size += len(data)
            if size >= BATCH_BYTES:
                yield first, records
                first += len(records)
                records, size = [], 0
        if records:
            yield first, records

    pool = worker_context().Pool(jobs, initializer=_init, initargs=(work,))
    try:
        fh.write(writer.header())
        window: deque = deque()

        def finish(out: _Out) -> _Out:
            for data in out.data:
                fh.write(data)
            return out

        for batch in batches():
            window.append(pool.apply_async(_run_batch, (batch,)))
            if len(window) >= jobs * BATCHES_PER_JOB:
                yield finish(window.popleft().get())
        while window:
            yield finish(window.popleft().get())
        fh.write(writer.footer())
    finally:
        pool.terminate()
        pool.join()
