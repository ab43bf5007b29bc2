"""print2e on several cores for a large ISO 2709 file.

The main process cuts the file into batches of records as ``marc validate --jobs`` does
(``marc_parallel.record_batches``: the reader's own splitter) and sends them to worker
processes (``erdq.processes.worker_context``: fork-server workers). Each worker parses
the records as ``MarcReader`` does, converts and encodes each one as the one-process run
does (``print2e_run.convert_item``, with the writer's ``to_bytes``); the main process
writes the bytes back in file order (``write_bytes``: the writer adds what goes between
records), so the output is the same as a one-process run's. The changes of each record
travel back only when they are asked for (``--explain``, JSON), as they cost more to
send than to make.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from erdq.cataloguing.print2e import Converted, KbartIndex, Options
from erdq.marc_parallel import Batch, in_file_order, parsed_items, record_batches
from erdq.processes import worker_context
from erdq.readers.marc import MarcReader
from erdq.writers.marc import open_writer

MIN_PARALLEL_BYTES = 4 << 20  # below this, starting processes costs more than it saves
BATCH_BYTES = 1 << 20


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
    out.unparseable = reader.unparseable
    return out


def _run_batch(batch: Batch) -> _Out:
    assert _WORK is not None
    return convert_batch(batch, _WORK)


def parallel_results(
    source: BinaryIO, fh: BinaryIO, work: _Work, jobs: int, file_note
) -> Iterator[_Out]:
    """Batches converted on ``jobs`` processes, in file order; their bytes are written to
    ``fh`` (header, separators and footer included) as they come back."""
    writer = open_writer(work.fmt, fh)
    pool = worker_context().Pool(jobs, initializer=_init, initargs=(work,))
    try:
        for out in in_file_order(
            pool, _run_batch, record_batches(source, file_note, BATCH_BYTES), jobs
        ):
            for data in out.data:
                writer.write_bytes(data)
            yield out
        writer.close()
    finally:
        pool.terminate()
        pool.join()
