"""What the validate commands share: check each file and write its findings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from erdq.cli import byte_progress, output_file
from erdq.findings import Severity
from erdq.report.findings import CsvWriter, JsonLinesWriter, TextReport


def report_checks(
    names: list[str],
    output: str | None,
    fmt: str,
    *,
    max_per_rule: int,
    quiet: bool,
    unit: str,
    check: Callable[[str, Callable[[int], None]], Any],
    heading: Callable[[Any], str],
    items: Callable[[Any], int],
) -> set[Severity]:
    """Run ``check(name, progress)`` on each file and write its findings as text, JSON
    Lines or a CSV worklist (``fmt``) to ``output`` (standard output when None). The
    text report gives each file under ``heading(check)`` and ends with a summary that
    counts ``items(check)`` (rows, records) in ``unit``. Returns the severities found."""
    severities: set[Severity] = set()
    total = 0
    with output_file(output, names, spreadsheet=fmt == "csv") as out:
        writer = {"json": JsonLinesWriter, "csv": CsvWriter}.get(fmt)
        sink = writer(out) if writer else TextReport(out, per_rule=max_per_rule, unit=unit)
        for name in names:
            size = Path(name).stat().st_size
            with byte_progress(size, Path(name).name, enabled=not quiet) as progress:
                done = check(name, progress)
                for finding in done.findings():
                    severities.add(finding.severity)
                    sink.write(finding)
            total += items(done)
            if isinstance(sink, TextReport):
                sink.file_done(done.source, heading(done))
        if isinstance(sink, TextReport):
            out.write(sink.summary(len(names), total) + "\n")
        sink.close()
    return severities
