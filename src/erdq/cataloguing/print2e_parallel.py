"""print2e on several cores for a large ISO 2709 file.

The main process reads the file with ``marc validate --jobs``'s reader
(``marc_parallel.SplittingReader``: the one-process reader, whose records its own
splitter cuts into batches to be parsed elsewhere), so what the reader reports about the
whole file (MARC-8 records, mixed leader/09, bytes between records) is reported as in a
one-process run. The batches go to worker processes (``erdq.processes.worker_context``:
fork-server workers). Each worker parses the records as ``MarcReader`` does, converts
and encodes each one as the one-process run does (``print2e_run.convert_item``, with the
writer's ``to_bytes``); the main process writes the bytes back in file order
(``write_bytes``: the writer adds what goes between records), so the output is the same
as a one-process run's. The changes of each record travel back only when they are asked
for (``--explain``, JSON), as they cost more to send than to make.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from erdq.cataloguing.print2e import Converted, KbartIndex, Options
from erdq.marc_parallel import Batch, SplittingReader, in_file_order, parsed_items
from erdq.processes import worker_context
from erdq.readers.marc import MarcReader, Report
from erdq.writers.marc import open_writer

MIN_PARALLEL_BYTES = 4 << 20  # below this, starting processes costs more than it saves


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
    reader_findings: Counter[str] = field(default_factory=Counter)
    # What the batch's reader counted, added up by the main process's reader.
    records: int = 0
    unparseable: int = 0
    encodings: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    first_marc8: int | None = None


_WORK: _Work | None = None


def _init(work: _Work) -> None:
    global _WORK
    _WORK = work


def convert_batch(batch: Batch, work: _Work) -> _Out:
    """Parse, convert and encode one batch, each record as the one-process run does
    (``print2e_run.convert_item``)."""
    from erdq.cataloguing.print2e_run import convert_item

    out = _Out([], [])

    def report(code: str, line: int | None = None, *args: object, **kw: object) -> None:
        if line is not None:
            out.reader_findings[code] += 1

    def encode(record) -> None:
        out.data.append(writer.to_bytes(record))

    reader = MarcReader(Path("batch"), report)
    writer = open_writer(work.fmt, io.BytesIO())
    for item in parsed_items(reader, batch):
        result = convert_item(item, work.options, work.kbart, encode)
        out.changes += len(result.changes) if not result.skipped else 0
        result.record = None  # the bytes go back, not the record
        if not work.detail:
            result.changes = []
        out.results.append(result)
    out.records = reader.records
    out.unparseable = reader.unparseable
    out.encodings = reader.encodings
    out.flags = reader._flags
    out.first_marc8 = reader._first_marc8
    return out


def _run_batch(batch: Batch) -> _Out:
    assert _WORK is not None
    return convert_batch(batch, _WORK)


def parallel_results(
    path: Path, fh: BinaryIO, work: _Work, jobs: int, report: Report
) -> Iterator[tuple[_Out, int]]:
    """Batches of ``path`` converted on ``jobs`` processes, in file order, each with the
    bytes read so far; their bytes are written to ``fh`` (header, separators and footer
    included) as they come back. The reader's findings on the whole file go to
    ``report`` after the last batch, as ``MarcReader`` reports them."""
    writer = open_writer(work.fmt, fh)
    pool = worker_context().Pool(jobs, initializer=_init, initargs=(work,))

    def dispatch(batches: Iterator[Batch]) -> Iterator[_Out]:
        return in_file_order(pool, _run_batch, batches, jobs)

    reader = SplittingReader(path, report, dispatch)
    try:
        for out in reader:
            for data in out.data:
                writer.write_bytes(data)
            yield out, reader.progress
        writer.close()
    finally:
        pool.terminate()
        pool.join()
