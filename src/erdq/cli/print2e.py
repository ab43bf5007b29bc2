"""``erdq print2e``: print book records to provider-neutral e-book records."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from erdq.cli import byte_progress, check_outputs, handle_errors, input_files, parse_today
from erdq.cli.options import config_option, jobs_option, quiet_option
from erdq.config import check_agency, load_settings
from erdq.errors import ConfigError


def _agency(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_agency(value, "--agency")
    except ConfigError as exc:
        raise click.BadParameter(f"{exc.args[0]} ({exc.hint})") from None


@click.command("print2e")
@click.argument("source", metavar="IN")
@click.option(
    "--out",
    "target",
    required=True,
    type=click.Path(dir_okay=False),
    help="The e-book records; the format comes from the extension (.mrc, .mrk, .xml, "
    ".json, .jsonl).",
)
@click.option(
    "--kbart",
    type=click.Path(dir_okay=False, exists=True),
    help="KBART file giving each title's e-ISBN (online_identifier) and link (title_url), "
    "matched on the print record's ISBNs.",
)
@click.option(
    "--profile",
    type=click.Choice(["provider-neutral"]),
    default="provider-neutral",
    show_default=True,
    help="The record profile to follow (PCC provider-neutral e-monograph guide).",
)
@click.option(
    "--agency",
    envvar="ERDQ_AGENCY",
    callback=_agency,
    help="Your MARC organization code, for 040 $d (040 $a $c in a record without 040) "
    "and 003 [env ERDQ_AGENCY; default: agency in [cataloguing] of the configuration]. "
    "Without it no 040 $d is added (and the run says so).",
)
@click.option(
    "--id-prefix",
    default="e",
    show_default=True,
    help="Put before the print record's 001 to make the e-record's 001.",
)
@click.option(
    "--link-note",
    help="Public note for 856 $z, e.g. 'Available to members of the university'.",
)
@click.option(
    "--print-isbn-020z/--no-print-isbn-020z",
    default=True,
    show_default=True,
    help="Also keep the print ISBNs in 020 $z (they are always in 776 $z).",
)
@click.option("--explain", is_flag=True, help="Print every change made to each record, and why.")
@click.option(
    "--today",
    help="Stamp 005 with this day (YYYY-MM-DD, at 00:00:00) instead of the clock, so that "
    "the same input gives the same output byte for byte.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: JSON Lines, one object per record with its changes, then a summary.",
)
@config_option
@jobs_option
@quiet_option
@handle_errors
def print2e_command(
    source: str,
    target: str,
    kbart: str | None,
    profile: str,
    agency: str | None,
    id_prefix: str,
    link_note: str | None,
    print_isbn_020z: bool,
    explain: bool,
    today: str | None,
    fmt: str,
    config_path: str | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Derive provider-neutral e-book records from print book records.

    Follows the PCC Provider-Neutral E-Monograph MARC Record Guide: print ISBNs move to
    a 776 08 "Print version:" link (and 020 $z), the e-ISBN and 856 link come from the
    matching KBART row, 006/007/008 are coded for an online resource, 300 becomes
    "1 online resource (...)", 337/338 computer/online resource, print-only fields (9XX,
    holdings, 263, local call numbers...) are removed, 040 $d (a new 040 where there is
    none) and a 588 source note are added. IN may be ISO 2709, MARCXML, .mrk or
    MARC-in-JSON; OUT is written whole or not at all. Records that are not books, have no
    245, already describe an electronic resource, or keep a field whose indicator area
    was not two characters are not converted and are reported with their number and 001.
    Exit status 1 when a record was not converted or could not be read.

    \b
    Example:
      erdq print2e print.mrc --out ebooks.mrc --kbart provider_kbart.txt --agency UkOxU
      erdq print2e print.mrc --out ebooks.mrk --kbart titles.tsv --explain
      erdq print2e print.xml --out ebooks.jsonl --format json > changes.jsonl
    """
    from erdq import api
    from erdq.cataloguing.print2e_run import JsonLog, TextLog
    from erdq.processes import default_jobs

    day = parse_today(today)
    names = input_files([source])
    agency = agency or load_settings(config_path).agency
    check_outputs([target], names)
    log = JsonLog(sys.stdout) if fmt == "json" else TextLog(sys.stdout, explain=explain)
    run = api.print_to_ebook(
        names[0],
        target,
        kbart=kbart,
        agency=agency,
        id_prefix=id_prefix,
        link_note=link_note,
        print_isbns_in_020z=print_isbn_020z,
        profile=profile,
        jobs=jobs or default_jobs(),
        detail=explain or fmt == "json",  # else the workers send back counts only
        now=None if day is None else dt.datetime.combine(day, dt.time()),
    )
    size = Path(names[0]).stat().st_size
    with byte_progress(size, Path(names[0]).name, enabled=not quiet) as progress:
        run.progress = progress
        for result in run.results():
            log.write(result)
    log.close(run.summary)
    if not run.summary.complete:
        sys.exit(1)
