"""``erdq logs import``: load an existing resolver log into the request log."""

from __future__ import annotations

import click

from erdq.cli import handle_errors, input_files, parse_today
from erdq.cli.resolve import DB_HELP


@click.group("logs")
def logs_group() -> None:
    """The link resolver's request log."""


@logs_group.command("import")
@click.argument("file")
@click.option("--skip-bad", is_flag=True, help="Import the good lines even if some are bad.")
@click.option("--today", help="Evaluate every request as of this day (default: its own date).")
@click.option("--db", "db_url", envvar="ERDQ_DB", help=DB_HELP)
@handle_errors
def logs_import(file: str, skip_bad: bool, today: str | None, db_url: str | None) -> None:
    """Import FILE, a resolver log with one OpenURL query string per line.

    A line may start with an ISO 8601 timestamp and white space; blank lines and lines
    starting with # are skipped. Each request is resolved against the current holdings
    as of its own date. The import is all or nothing: a file with bad lines is refused
    with their line numbers, unless --skip-bad is given.

    \b
    Example:
      erdq logs import resolver-2024.log
      erdq logs import old.log --skip-bad && erdq report no-service
    """
    from erdq import api

    (path,) = input_files([file])
    result = api.import_request_log(path, db=db_url, today=parse_today(today), skip_bad=skip_bad)
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items()))
    click.echo(f"{file}: {result.imported} request(s) imported ({outcomes or 'none'})")
    if result.bad:
        click.echo(f"{len(result.bad)} bad line(s) skipped:", err=True)
        for number, problem in result.bad[:50]:
            click.echo(f"  {file}:{number}: {problem}", err=True)
