"""``erdq import kbart`` and ``erdq import marc``: store deliveries in the workspace as
dated snapshots."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from erdq.cli import byte_progress, handle_errors, input_files, parse_today
from erdq.cli.options import config_option, db_option, fail_on_never_option, quiet_option
from erdq.config import load_settings
from erdq.findings import Severity
from erdq.report.findings import severity_counts

if TYPE_CHECKING:
    from erdq.store.importer import ImportResult


@click.group("import")
def import_group() -> None:
    """Import files into the workspace store (SQLite by default, PostgreSQL with --db).

    \b
    Example:
      erdq import kbart --collection "Wiley Journals" Wiley_Global_AllTitles_2024-06-01.txt
      erdq import marc --collection Springer springer_ebooks.mrc
      erdq import kbart --collection Wiley new.txt --db postgresql+psycopg://user@host/erdq
    """


@import_group.command("kbart")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--collection", required=True, help="The collection (package) this file lists.")
@click.option(
    "--vendor", help="The vendor or provider of the collection (replaces the one stored for it)."
)
@db_option
@config_option
@click.option("--today", help="Evaluate dates and embargoes as of this day (YYYY-MM-DD).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--refuse-suspicious",
    is_flag=True,
    help="Import nothing (exit 2) when the file has less than half the rows of the "
    "current delivery, is dated before it, or would make a new collection whose name is "
    "near a stored one; without it, such a file is imported with a warning. For "
    "unattended imports.",
)
@fail_on_never_option("the file is imported")
@quiet_option
@handle_errors
def import_kbart(
    file: str,
    collection: str,
    vendor: str | None,
    db_url: str | None,
    config_path: str | None,
    today: str | None,
    fmt: str,
    refuse_suspicious: bool,
    fail_on: str,
    quiet: bool,
) -> None:
    """Import a KBART file as a new snapshot of COLLECTION, with its findings.

    The import is one transaction: if it fails or is interrupted, the store is left as it
    was. Importing the same file again changes nothing. A file that is not KBART (no
    KBART header row, or no coverage, link or title_id column) is refused. A delivery
    with less than half the rows of the one it replaces (a download cut short retires
    the titles it lacks), or dated before it, or a new collection whose name is near a
    stored one, is imported with a warning, or refused with --refuse-suspicious.

    \b
    Example:
      erdq import kbart --collection "Wiley Journals" --vendor Wiley \\
          WILEY_GLOBAL_ALLJOURNALS_2024-03-17.txt
      erdq import kbart --collection Wiley --refuse-suspicious --fail-on error new.txt
    """
    from erdq.store import open_store

    (file,) = input_files([file])
    settings = load_settings(config_path)
    store = open_store(db_url)
    with byte_progress(Path(file).stat().st_size, Path(file).name, enabled=not quiet) as bar:
        result = store.import_kbart(
            file,
            collection=collection,
            vendor=vendor,
            settings=settings,
            today=parse_today(today),
            progress=bar,
            refuse_suspicious=refuse_suspicious,
        )
    _report_import(result, file, fmt)
    from erdq import api

    severities = [Severity(k) for k, n in result.by_severity.items() if n]
    if not result.unchanged and api.exceeds(severities, fail_on):
        sys.exit(1)


def _report_import(result: ImportResult, file: str, fmt: str) -> None:
    if fmt == "json":
        click.echo(
            json.dumps(
                result.to_dict() if hasattr(result, "to_dict") else result.__dict__, default=str
            )
        )
        return
    if result.unchanged:
        click.echo(
            f"{file} is unchanged since snapshot {result.snapshot_id} of "
            f"{result.collection}; nothing imported."
        )
        return
    counts = severity_counts(result.by_severity)
    click.echo(
        f"Imported {result.rows} row(s) of {file} into {result.collection} as snapshot "
        f"{result.snapshot_id}: {result.portfolios} portfolio(s); findings: {counts}."
    )
    if result.dropped:
        before, now = result.dropped
        click.echo(
            f"warning: {file} has {now:,} row(s) where the delivery it replaces had "
            f"{before:,}: the titles not in it are no longer current. If the file is "
            "incomplete (a download cut short), get it again and import it again "
            "(--refuse-suspicious refuses such a file).",
            err=True,
        )
    if result.near:
        names = " or ".join(repr(n) for n in result.near)
        click.echo(
            f"warning: {result.collection!r} is a new collection; the store has {names}. "
            "If the file is a delivery of that one, import it again with its name (this "
            "new collection then only doubles its titles: `erdq collection set NAME "
            "--inactive` retires it).",
            err=True,
        )
    if result.older_than:
        click.echo(
            f"warning: {file} is dated before {result.older_than}, the delivery it replaces "
            f"as {result.collection}'s current list; import the newer file again if this one "
            "came in out of order.",
            err=True,
        )


@import_group.command("marc")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--collection",
    help="The collection these records belong to [default: one collection per file, named "
    "after the file without folder, extension and date].",
)
@click.option(
    "--vendor", help="The vendor or provider of the collection (replaces the one stored for it)."
)
@db_option
@config_option
@click.option("--today", help="Evaluate dates as of this day (YYYY-MM-DD).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@quiet_option
@handle_errors
def import_marc(
    files: tuple[str, ...],
    collection: str | None,
    vendor: str | None,
    db_url: str | None,
    config_path: str | None,
    today: str | None,
    fmt: str,
    quiet: bool,
) -> None:
    """Import MARC files (ISO 2709, MARCXML, .mrk or MARC-in-JSON) with their findings.

    The files given for a collection become its current records, replacing those of its
    previous import; give all the files of a delivery in one command. The import is one
    transaction: if any file fails or is refused (empty, not MARC), or the run is
    interrupted, the store is left as it was. Importing the same files again changes
    nothing. Then `erdq link` matches the records to the collection's portfolios.

    \b
    Example:
      erdq import marc --collection Springer springer_ebooks_part1.mrc springer_ebooks_part2.mrc
      erdq import marc catalogue_export_2024-06-01.xml
    """
    from erdq.store import open_store

    names = input_files(files)
    settings = load_settings(config_path)
    total = sum(Path(name).stat().st_size for name in names)
    label = Path(names[0]).name if len(names) == 1 else f"{len(names)} files"
    store = open_store(db_url)
    try:
        with byte_progress(total, label, enabled=not quiet) as bar:
            result = store.import_marc(
                names,
                collection=collection,
                vendor=vendor,
                settings=settings,
                today=parse_today(today),
                progress=bar,
            )
    finally:
        store.close()
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), default=str))
        return
    for f in result.files:
        if f.unchanged:
            click.echo(
                f"{f.source} is unchanged since snapshot {f.snapshot_id} of {f.collection}; "
                "nothing imported."
            )
            continue
        counts = severity_counts(f.by_severity)
        lost = f" ({f.unparseable} unreadable record(s) reported)" if f.unparseable else ""
        click.echo(
            f"Imported {f.records} record(s){lost} of {f.source} into {f.collection} as "
            f"snapshot {f.snapshot_id} (batch {f.batch}): {f.identifiers} ISBN/ISSN(s); "
            f"findings: {counts}."
        )
