"""Validate one large KBART file on several cores.

The main process reads the header, splits the rest of the file into byte ranges that
start and end just after a line end (counting lines, so each range knows the physical
number of its first line), and hands the ranges to worker processes. Each worker reads
its range with the same reader code, runs the row checks, and writes its cross-row
records to a temporary table space of its own. The main process merges what needs the
whole file — blank-line runs, quoted-cell counts, encoding statistics, the cross-row
tables — and reports it exactly as the one-process run does. Findings come back in
file order, range by range.

UTF-16 files and small files are read in one process: splitting them does not pay.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erdq.engine import KbartCheck, by_line
from erdq.findings import Finding
from erdq.processes import worker_context
from erdq.readers.kbart import (
    KbartHeader,
    RowShaper,
    merge_shape_runs,
    read_header,
    report_collected,
    report_shape_runs,
    report_text_stats,
    report_truncation,
    truncation,
)
from erdq.readers.sniff import not_tabular_kind
from erdq.readers.text import TextStats, decode_line, iter_range, sniff_encoding
from erdq.scratch import Scratch

MIN_PARALLEL_BYTES = 8 << 20  # below this, starting processes costs more than it saves
RANGES_PER_JOB = 6  # several ranges per worker keep both busy and the progress bar moving
BLOCK = 1 << 20


@dataclass
class _Range:
    start: int
    end: int
    first_line: int


@dataclass
class _Plan:
    header_text: str | None
    header_line_end: int  # byte offset just after the header line
    data_start: int  # where the data ranges begin (after the BOM when there is no header)
    bom: bool
    ranges: list[_Range]
    sha256: str
    size: int


@dataclass
class _Result:
    findings: list[Finding]
    stats: TextStats
    rows: int
    last_line: int
    blank_runs: list[list[int]]
    shape_runs: list[list]
    short_last: tuple[int, int, str] | None
    quoted_cells: int
    quoted_first: tuple[int, str] | None
    scratch: str | None
    end: int
    facts: list = field(default_factory=list)  # ``_Work.facts`` of each row, in order


@dataclass
class _Work:
    """What a worker needs besides its range; sent once, to each worker's initializer."""

    path: str
    source: str
    settings: object
    today: object
    header: KbartHeader
    scratch_dir: str | None = None  # the run's folder for worker tables, removed at the end
    # A module-level function of a checked row whose result travels back (what a caller
    # needs of the row, e.g. the audit's portfolio and overlap values).
    facts: Callable[[Any], Any] | None = None


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def plan(path: Path, jobs: int) -> _Plan | None:
    """Byte ranges for ``jobs`` workers, or None when the file should be read in one go."""
    size = path.stat().st_size
    if jobs < 2 or size < MIN_PARALLEL_BYTES:
        return None
    with path.open("rb") as fh:
        head = fh.read(BLOCK)
        encoding, bom = sniff_encoding(head)
        if encoding != "utf-8" or not_tabular_kind(head) is not None:
            return None  # UTF-16 decodes as a stream; a non-text file is refused serially
        offset = 3 if bom else 0
        header_end = _line_end(head, offset)
        if header_end is None:
            return None  # a header line longer than a block: not worth the trouble
        header_text = decode_line(_strip(head[offset:header_end]))[0]
        # Cut just after the first line end past each evenly spaced target offset.
        cuts = [header_end]
        pieces = jobs * RANGES_PER_JOB
        for k in range(1, pieces):
            target = max(size * k // pieces, cuts[-1])
            fh.seek(target)
            window = fh.read(1 << 16)
            end = _line_end(window, 0)
            if end is not None and target + end < size:
                cut = target + end
                if cut > cuts[-1]:
                    cuts.append(cut)
        # One pass over the file: its sha256, and the lines before each cut.
        digest = hashlib.sha256()
        lines_before: list[int] = []
        lines = 0
        position = 0
        pending_cuts = list(cuts)
        previous_cr = False
        tail = b""  # the last line begun in the block before, for the quoted-cell check
        fh.seek(0)
        while True:
            block = fh.read(BLOCK)
            if not block:
                break
            digest.update(block)
            if _open_quoted_cell(tail + block):
                # A cell holds a line break (a spreadsheet quotes it): its row spans
                # lines, and a cut could fall inside it. Read in one go.
                return None
            tail = block[block.rfind(b"\n") + 1 :][-(1 << 16) :]
            if previous_cr and block[:1] == b"\n":
                lines -= 1  # a CRLF split across two blocks was counted as two line ends
            start = 0
            while pending_cuts and pending_cuts[0] <= position + len(block):
                at = pending_cuts.pop(0) - position
                lines += _line_count(block[start:at])
                lines_before.append(lines)
                start = at
            lines += _line_count(block[start:])
            previous_cr = block.endswith(b"\r")
            position += len(block)
    bounds = [*cuts, size]
    ranges = [
        _Range(bounds[i], bounds[i + 1], lines_before[i] + 1)
        for i in range(len(cuts))
        if bounds[i] < bounds[i + 1]
    ]
    return _Plan(header_text, header_end, offset, bool(bom), ranges, digest.hexdigest(), size)


# A quote whose line ends before any other quote; when it opens a cell, that quoted cell
# holds a line break (``readers.kbart`` joins its lines into one row). The pattern starts
# with the quote so that the search skips from quote to quote.
_QUOTE_TO_LINE_END = re.compile(rb'"[^"\r\n]*\r?\n')
_CELL_START = frozenset(b"\t,;|\r\n")


def _open_quoted_cell(data: bytes) -> bool:
    """Whether a cell of ``data`` opens with a quote that its line does not close."""
    if b'"' not in data:
        return False
    for match in _QUOTE_TO_LINE_END.finditer(data):
        at = match.start()
        if at == 0 or data[at - 1] in _CELL_START:
            return True
    return False


def _strip(line: bytes) -> bytes:
    return line.rstrip(b"\r\n")


def _line_end(data: bytes, start: int) -> int | None:
    """Offset just after the first complete line end at or after ``start``."""
    lf = data.find(b"\n", start)
    cr = data.find(b"\r", start)
    if cr != -1 and (lf == -1 or cr < lf):
        if cr + 1 >= len(data):
            return None  # cannot tell CR from the first half of CRLF
        return cr + 2 if data[cr + 1 : cr + 2] == b"\n" else cr + 1
    return lf + 1 if lf != -1 else None


# Worker side --------------------------------------------------------------------------

_WORK: _Work | None = None
_FACTS: Callable[[Any], Any] | None = None
_SCRATCH: Scratch | None = None
_CHECK: KbartCheck | None = None
_CROSS: list = []


def _init(work: _Work) -> None:
    global _WORK, _SCRATCH, _CHECK, _CROSS, _FACTS
    # Ctrl-C is the main process's to handle: it stops the workers and cleans up; the
    # workers themselves just end when the pool terminates them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORK = work
    _SCRATCH = Scratch(directory=work.scratch_dir)
    _CHECK = KbartCheck(work.path, work.settings, today=work.today, display_path=work.source)
    _CROSS = _CHECK.cross_checkers(_SCRATCH)
    _FACTS = work.facts


def _run_range(task: _Range) -> _Result:
    assert _WORK is not None and _CHECK is not None and _SCRATCH is not None
    check = _CHECK
    check._pending = pending = []
    stats = TextStats()
    shaper = RowShaper(_WORK.header, check._report)
    ctx = check.context()
    row_checks = check.row_checks()
    number = task.first_line - 1
    facts_of = _FACTS
    facts = []
    with open(_WORK.path, "rb") as fh:
        for number, text in iter_range(fh, task.start, task.end, task.first_line, stats):
            row = shaper.shape(number, text)
            if row is None:
                continue
            check.check_row(row, ctx, row_checks, _CROSS)
            if facts_of is not None:
                facts.append(facts_of(row))
    _SCRATCH.flush()
    stats.digest = None  # type: ignore[assignment]  # hash objects do not pickle
    return _Result(
        findings=list(pending),
        stats=stats,
        rows=shaper.rows,
        last_line=number,
        blank_runs=shaper.blank_runs,
        shape_runs=shaper.shape_runs,
        short_last=shaper.short_last,
        quoted_cells=shaper.quoted_cells,
        quoted_first=shaper.quoted_first,
        scratch=_SCRATCH.path if _CROSS else None,
        end=task.end,
        facts=facts,
    )


# Main side ----------------------------------------------------------------------------


def parallel_findings(
    check: KbartCheck, jobs: int, facts: Callable[[Any], Any] | None = None
) -> Iterator[Any] | None:
    """The findings of ``check`` computed on ``jobs`` processes, or None to run serially.
    With ``facts``, each range's findings are followed by ``facts(row)`` of its rows."""
    try:
        the_plan = plan(check.path, jobs)
    except OSError:
        return None
    if the_plan is None:
        return None
    return _run(check, the_plan, jobs, facts)


def _run(
    check: KbartCheck, the_plan: _Plan, jobs: int, facts: Callable[[Any], Any] | None = None
) -> Iterator[Any]:
    pending = check._pending
    report = check._report
    header = read_header(the_plan.header_text or "", 1, report)
    ranges = the_plan.ranges
    if header.assumed:
        # No header: line 1 is data. The first range starts right after the BOM.
        ranges = [_Range(the_plan.data_start, ranges[0].end, 1), *ranges[1:]] if ranges else []
    yield from pending
    pending.clear()
    scratch_dir = tempfile.mkdtemp(prefix="erdq-run-")
    work = _Work(
        path=str(check.path),
        source=check.source,
        settings=check.settings,
        today=check.today,
        header=header,
        scratch_dir=scratch_dir,
        facts=facts,
    )
    context = worker_context()
    stats = TextStats()
    stats.bom = "utf-8" if the_plan.bom else None
    rows = 0
    last_line = 1
    blank_runs: list[list[int]] = []
    shape_runs: list[list] = []
    short_last: tuple[int, int, str] | None = None
    quoted_cells = 0
    quoted_first: tuple[int, str] | None = None
    scratch_paths: set[str] = set()
    pool = None
    try:
        pool = context.Pool(jobs, initializer=_init, initargs=(work,))
        for result in pool.imap(_run_range, ranges):
            yield from result.findings
            yield from result.facts
            rows += result.rows
            last_line = max(last_line, result.last_line)
            _merge_stats(stats, result.stats)
            for run in result.blank_runs:
                if blank_runs and blank_runs[-1][1] + 1 == run[0]:
                    blank_runs[-1][1] = run[1]  # a run that crossed a range boundary
                else:
                    blank_runs.append(run)
            merge_shape_runs(shape_runs, result.shape_runs)
            short_last = result.short_last  # the last range's counts
            quoted_cells += result.quoted_cells
            if quoted_first is None:
                quoted_first = result.quoted_first
            if result.scratch:
                scratch_paths.add(result.scratch)
            if check.progress is not None:
                check.progress(result.end)
        if not header.assumed:
            _count_header_ending(stats, check.path, the_plan)  # its ending counts too
        # The end of the file in the order the one-process run reports it.
        report_shape_runs(report, shape_runs, len(header.columns))
        truncated = truncation(stats, short_last, last_line)
        report_truncation(report, truncated, header)
        report_collected(report, blank_runs, quoted_cells, quoted_first)
        if rows == 0:
            report("KB118", None, reason="the file has a header but no data rows")
        report_text_stats(stats, report)
        scratch = Scratch(directory=scratch_dir)
        try:
            cross = check.cross_checkers(scratch)
            for path in sorted(scratch_paths):
                scratch.copy_from(path)
            ctx = check.context()
            for checker in cross:
                checker.end(ctx)
            pending.sort(key=by_line)
        finally:
            scratch.close()
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        shutil.rmtree(scratch_dir, ignore_errors=True)
    check._file_end(ctx)
    yield from pending
    pending.clear()
    summary = check.summary
    summary.rows = rows
    summary.lines = last_line
    summary.encoding = stats.label
    summary.line_ending = stats.line_ending
    summary.truncated_at = truncated[0] if truncated else None
    summary.columns = list(header.columns)
    summary.extra_columns = list(header.extras)
    summary.sha256 = the_plan.sha256
    if check.progress is not None:
        check.progress(the_plan.size)


def _merge_stats(total: TextStats, part: TextStats) -> None:
    total.crlf += part.crlf
    total.cr += part.cr
    total.lf += part.lf
    total.utf8_non_ascii_lines += part.utf8_non_ascii_lines
    total.fallback_lines.extend(part.fallback_lines)
    total.nul_lines.extend(part.nul_lines)
    total.cut_lines.extend(part.cut_lines)
    total.unterminated = part.unterminated  # ranges come in file order: the last decides
    total.bytes_read += part.bytes_read


def _count_header_ending(stats: TextStats, path: Path, the_plan: _Plan) -> None:
    with path.open("rb") as fh:
        fh.seek(max(the_plan.header_line_end - 2, 0))
        tail = fh.read(min(2, the_plan.header_line_end))
    if tail.endswith(b"\r\n"):
        stats.crlf += 1
    elif tail.endswith(b"\n"):
        stats.lf += 1
    elif tail.endswith(b"\r"):
        stats.cr += 1
