"""``erdq logs import``: load an existing resolver log into the request log."""

from __future__ import annotations

import click

from erdq import api
from erdq.cli import handle_errors, input_files, parse_today
from erdq.cli.options import db_option


@click.group("logs")
def logs_group() -> None:
    """The link resolver's request log.

    \b
    Example:
      erdq logs import resolver-2024.log && erdq report no-service
    """


@logs_group.command("import")
@click.argument("file")
@click.option("--skip-bad", is_flag=True, help="Import the good lines even if some are bad.")
@click.option(
    "--again",
    is_flag=True,
    help="Import a file even if one with the same content was imported before "
    "(its requests are then counted twice).",
)
@click.option("--today", help="Evaluate every request as of this day (default: its own date).")
@db_option
@handle_errors
def logs_import(
    file: str, skip_bad: bool, again: bool, today: str | None, db_url: str | None
) -> None:
    """Import FILE, a resolver log with one OpenURL query string per line.

    A line may start with an ISO 8601 timestamp (2024-05-01T10:15:00Z, or the basic
    20240501T101500Z) and white space (a space or a tab). A
    timestamp with an offset (+05:00) is converted to UTC; one without a zone is read as
    UTC; a line without a timestamp is recorded at the time of the import. Blank lines
    and lines starting with # are skipped. Each request is resolved against the current
    holdings as of its own date. The import is all or nothing: a file with bad lines is
    refused with their line numbers, unless --skip-bad is given. A file already imported
    (the same content, by sha256) is refused unless --again is given.

    \b
    Example:
      erdq logs import resolver-2024.log
      erdq logs import old.log --skip-bad && erdq report no-service
    """
    (path,) = input_files([file])
    result = api.import_request_log(
        path, db=db_url, today=parse_today(today), skip_bad=skip_bad, again=again
    )
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items()))
    click.echo(f"{file}: {result.imported} request(s) imported ({outcomes or 'none'})")
    if result.undated:
        click.echo(
            f"{result.undated} line(s) had no timestamp and were recorded at the import time",
            err=True,
        )
    if result.bad:
        click.echo(f"{len(result.bad)} bad line(s) skipped:", err=True)
        for number, problem in result.bad[:50]:
            click.echo(f"  {file}:{number}: {problem}", err=True)
