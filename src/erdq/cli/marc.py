"""``erdq marc validate|convert|stats``: MARC records (ISO 2709, MARCXML, .mrk,
MARC-in-JSON)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from erdq import api
from erdq.cli import (
    ToolFailure,
    byte_progress,
    comma_list,
    handle_errors,
    input_files,
    output_file,
    parse_today,
)
from erdq.cli.checks import report_checks
from erdq.cli.options import (
    config_option,
    fail_on_option,
    jobs_option,
    max_per_rule_option,
    max_shown_option,
    output_option,
    quiet_option,
)
from erdq.config import load_settings
from erdq.marc_check import MarcSummary, marc_rule_codes, non_marc_selectors
from erdq.processes import default_jobs

_FORMATS = {"iso2709": "ISO 2709", "marcxml": "MARCXML", "mrk": "MarcEdit .mrk", "json": "JSON"}


@click.group("marc")
def marc_group() -> None:
    """MARC bibliographic records: validate, convert, count, edit in bulk, match updates.

    \b
    Example:
      erdq marc validate vendor-ebooks.mrc
      erdq marc convert vendor-ebooks.mrc vendor-ebooks.mrk
      erdq marc stats vendor-ebooks.mrc
      erdq marc edit vendor-ebooks.mrc --rules edit-rules.yaml --out cleaned.mrc
      erdq marc match vendor-update.mrc --existing catalogue.mrc --merge load.mrc
    """


def _heading(summary: MarcSummary) -> str:
    fmt = _FORMATS.get(summary.format, "not MARC")
    encodings = ", ".join(f"{k} {v}" for k, v in sorted(summary.encodings.items()))
    bad = f", {summary.unparseable} unparseable" if summary.unparseable else ""
    detail = fmt + (f", {encodings}" if encodings else "")
    if summary.other_formats:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(summary.other_formats.items()))
        detail += f"; not bibliographic: {kinds}"
    return f"{summary.records} record(s){bad} ({detail})"


def _marc_files(names: tuple[str, ...] | list[str]) -> list[str]:
    """``input_files`` with a MARC example for a folder named instead of its files."""
    folders = [name for name in names if Path(name).is_dir()]
    if folders:
        raise ToolFailure(
            "; ".join(
                f"{name} is a folder; name the files in it, e.g. {name}/*.mrc" for name in folders
            )
        )
    return input_files(names)


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
    help="Rule codes, prefixes or names to run, e.g. MR3 or marc-isbn-invalid "
    "(comma-separated or repeated). Replaces the configured selection.",
)
@click.option("--ignore", multiple=True, help="Rule codes, prefixes or names to skip, e.g. MR510.")
@fail_on_option
@config_option
@click.option("--today", help="Evaluate dates as of this day (YYYY-MM-DD).")
@output_option("findings")
@max_per_rule_option
@jobs_option
@quiet_option
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
    jobs: int | None,
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
    selected = comma_list(select)
    settings = load_settings(config_path).with_overrides(
        select=selected or None,
        ignore=comma_list(ignore),
        fail_on=fail_on,
    )
    marc_rule_codes(settings)  # refuses a selection that would check nothing
    for selector in non_marc_selectors(selected):
        click.echo(
            f"warning: --select {selector} enables no MARC rule; "
            "erdq marc validate runs MR rules only",
            err=True,
        )
    day = parse_today(today)
    names = _marc_files(files)
    severities = report_checks(
        names,
        output,
        fmt,
        max_per_rule=max_per_rule,
        quiet=quiet,
        unit="record",
        check=lambda name, progress: api.check_marc(
            name, settings, today=day, progress=progress, jobs=jobs or default_jobs()
        ),
        heading=lambda check: _heading(check.summary),
        items=lambda check: check.summary.records,
    )
    if api.exceeds(severities, settings.fail_on):
        sys.exit(1)


@marc_group.command("convert")
@click.argument("source", metavar="IN")
@click.argument("target", metavar="OUT")
@click.option(
    "--to",
    "to",
    type=click.Choice(["mrc", "mrk", "xml", "json", "jsonl"]),
    help="Output format [default: from OUT's extension: .mrc, .mrk, .xml, .json, .jsonl].",
)
@click.option(
    "--repair-encoding",
    is_flag=True,
    help="Apply the safe encoding repairs (double-encoded UTF-8, NFC, leader/09) and "
    "report each one. Without it records are written as they were read.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to report: json gives JSON Lines, one object per skipped record, "
    "conversion, repair or note, then a summary.",
)
@max_shown_option()
@quiet_option
@handle_errors
def convert_command(
    source: str,
    target: str,
    to: str | None,
    repair_encoding: bool,
    fmt: str,
    max_shown: int,
    quiet: bool,
) -> None:
    """Convert MARC records between ISO 2709 (.mrc), MARCXML, .mrk and MARC-in-JSON.

    IN is recognised from its content; OUT's format comes from --to or its extension.
    The file is streamed, whatever its size, and OUT is replaced only once IN has been
    read to the end ("-" writes to standard output; the report then goes to standard
    error). Records are written as they were read: text in UTF-8, the leader unchanged
    except for ISO 2709 lengths (recomputed in bytes), and leader/09 'a' for records
    whose text was not UTF-8 (MARC-8, a code page), each one reported. A record that
    cannot be read, or that the output format cannot hold, is reported with its number,
    byte offset and 001, and counted as skipped. A file of which no record can be read
    is refused (exit 2) and OUT is left as it was. Exit status 1 when any record was
    skipped or part of IN could not be read, text of a record included (a .mrk line
    that is no field, a JSON field or subfield out of the MARC-in-JSON layout, an XML
    element or text where only subfields stand).

    \b
    Example:
      erdq marc convert vendor.mrc vendor.xml
      erdq marc convert records.xml records.mrk
      erdq marc convert marc8-batch.mrc utf8-batch.mrc --repair-encoding
      erdq marc convert export.mrc - --to jsonl --format json | jq .
    """
    from erdq.marc_convert import JsonLog, TextLog

    names = _marc_files([source])
    to_stdout = target == "-"
    if to_stdout and to is None:
        raise click.UsageError("OUT is '-' (standard output): give its format with --to")
    report = sys.stderr if to_stdout else sys.stdout
    log = JsonLog(report) if fmt == "json" else TextLog(report, per_kind=max_shown)
    size = Path(names[0]).stat().st_size
    with byte_progress(size, Path(names[0]).name, enabled=not quiet and not to_stdout) as progress:
        conversion = api.convert_marc(
            names[0],
            sys.stdout.buffer if to_stdout else target,
            to=to,
            repair_encoding=repair_encoding,
            progress=progress,
        )
        for event in conversion.events():
            log.write(event)
    log.close(conversion.summary)
    if not conversion.summary.complete:
        sys.exit(1)


@marc_group.command("stats")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="json: one document with every figure; csv: the field and subfield counts.",
)
@output_option()
@quiet_option
@handle_errors
def stats_command(files: tuple[str, ...], fmt: str, output: str | None, quiet: bool) -> None:
    """Count what MARC files hold: MarcEdit's field count report, and completeness.

    For all FILES together: records, formats, encodings, record types (leader/06-07),
    for every field how many records have it and how often it occurs, the same for each
    subfield ($a of 245 as 245$a), and the completeness scores (mean, median, quartiles,
    histogram, share of records missing each element) overall and per file. Tags are
    listed in order. Exit status 1 when a file could not be read as MARC.

    \b
    Example:
      erdq marc stats vendor-ebooks.mrc
      erdq marc stats jan.mrc feb.mrc --format json -o stats.json
      erdq marc stats records.xml --format csv -o field-counts.csv
    """
    from erdq.marc_stats import write_csv, write_text

    names = _marc_files(files)
    stats = None
    for name in names:
        size = Path(name).stat().st_size
        with byte_progress(size, Path(name).name, enabled=not quiet) as progress:
            stats = api.marc_stats(name, progress=progress, into=stats)
    if stats is None:
        raise ToolFailure("no MARC file to read", hint="name at least one file")
    with output_file(output, names, spreadsheet=fmt == "csv") as out:
        if fmt == "json":
            out.write(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2) + "\n")
        elif fmt == "csv":
            write_csv(stats, out)
        else:
            write_text(stats, out)
    if any(f.problem is not None and not f.records for f in stats.files):
        sys.exit(1)
