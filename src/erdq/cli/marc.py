"""``erdq marc validate``: MARC records (ISO 2709, MARCXML, .mrk, MARC-in-JSON)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from erdq import api
from erdq.cli import byte_progress, handle_errors, input_files, output_file, parse_today
from erdq.config import FAIL_ON_CHOICES, load_settings
from erdq.marc_check import MarcSummary
from erdq.report.findings import CsvWriter, JsonLinesWriter, TextReport

_FORMATS = {"iso2709": "ISO 2709", "marcxml": "MARCXML", "mrk": "MarcEdit .mrk", "json": "JSON"}


@click.group("marc")
def marc_group() -> None:
    """MARC bibliographic records: validate them."""


def _selectors(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def _heading(summary: MarcSummary) -> str:
    fmt = _FORMATS.get(summary.format, "not MARC")
    encodings = ", ".join(f"{k} {v}" for k, v in sorted(summary.encodings.items()))
    bad = f", {summary.unparseable} unparseable" if summary.unparseable else ""
    detail = fmt + (f", {encodings}" if encodings else "")
    return f"{summary.records} record(s){bad} ({detail})"


@marc_group.command("validate")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="json: JSON Lines, one finding per line; csv: a worklist.",
)
@click.option(
    "--select",
    multiple=True,
    help="Rule codes, prefixes or names to run "
    "(comma-separated or repeated). Replaces the configured selection.",
)
@click.option("--ignore", multiple=True, help="Rule codes, prefixes or names to skip.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default=None,
    help="Exit 1 when a finding is at or above this severity [default: error].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="An erdq.toml (default: the nearest erdq.toml or pyproject.toml).",
)
@click.option("--today", help="Evaluate dates as of this day (YYYY-MM-DD).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write findings to this file instead of standard output.",
)
@click.option(
    "--max-per-rule",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Text format: examples shown per rule and file (0: counts only).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@handle_errors
def validate_command(
    files: tuple[str, ...],
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config_path: str | None,
    today: str | None,
    output: str | None,
    max_per_rule: int,
    quiet: bool,
) -> None:
    """Validate MARC files against every selected rule.

    ISO 2709 (.mrc), MARCXML, MarcEdit .mrk and MARC-in-JSON are recognised from the
    content. Every problem is reported with its file, record number (1 = first record),
    001 and field, and reading goes on: a broken record is counted, never dropped
    silently.

    \b
    Example:
      erdq marc validate vendor-ebooks.mrc
      erdq marc validate *.mrc *.xml --format csv -o worklist.csv --fail-on warning
      erdq marc validate records.mrc --select MR1,MR5 --ignore MR510
    """
    settings = load_settings(config_path).with_overrides(
        select=_selectors(select) or None,
        ignore=_selectors(ignore),
        fail_on=fail_on,
    )
    day = parse_today(today)
    names = input_files(files)
    severities: set = set()
    total_records = 0
    with output_file(output, names, spreadsheet=fmt == "csv") as out:
        writer = {"json": JsonLinesWriter, "csv": CsvWriter}.get(fmt)
        sink = writer(out) if writer else TextReport(out, per_rule=max_per_rule, unit="record")
        for name in names:
            size = Path(name).stat().st_size
            with byte_progress(size, Path(name).name, enabled=not quiet) as progress:
                check = api.check_marc(name, settings, today=day, progress=progress)
                for finding in check.findings():
                    severities.add(finding.severity)
                    sink.write(finding)
            total_records += check.summary.records
            if isinstance(sink, TextReport):
                sink.file_done(check.source, _heading(check.summary))
        if isinstance(sink, TextReport):
            out.write(sink.summary(len(names), total_records) + "\n")
        sink.close()
    if api.exceeds(severities, settings.fail_on):
        sys.exit(1)
