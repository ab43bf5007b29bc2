"""``erdq report no-service``: the requests that found no full text, counted."""

from __future__ import annotations

import csv
import datetime as dt
import json

import click

from erdq.cli import ToolFailure, handle_errors, output_file, parse_today
from erdq.cli.options import db_option


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a YYYY-MM-DD date", param_hint=option) from None


@click.group("report")
def report_group() -> None:
    """Reports over what the store has recorded.

    \b
    Example:
      erdq report no-service --since 2024-01-01 --top 25
      erdq report problems --since 2024-06-01
    """


PROBLEM_COLUMNS = ("id", "reported_at", "journal", "article", "identifier", "date", "message",
                   "openurl")  # fmt: skip


@report_group.command("problems")
@click.option("--since", help="First day shown (YYYY-MM-DD; default: the first report).")
@click.option("--until", help="Last day shown, inclusive (YYYY-MM-DD; default: the last).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
    show_default=True,
)  # fmt: skip
@click.option("--output", "-o", help="Write to this file.")
@db_option
@handle_errors
def problems_command(
    since: str | None, until: str | None, fmt: str, output: str | None, db_url: str | None
) -> None:
    """Readers' reports of a problem with a link (the menu's "Report a problem"), oldest
    first: when, what the request cited (journal, article, ISSN/ISBN or DOI, date), the
    reader's message and the OpenURL, to resolve again with `erdq resolve`.

    \b
    Example:
      erdq report problems --since 2024-06-01
      erdq report problems --format csv -o problems.csv
    """
    from erdq.resolver.admin import problems
    from erdq.store import open_store

    with open_store(db_url) as store:
        rows = problems(
            store.engine, since=_date(since, "'--since'"), until=_date(until, "'--until'")
        )
    with output_file(output, [], spreadsheet=fmt == "csv") as fh:
        if fmt == "json":
            fh.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        elif fmt == "csv":
            writer = csv.writer(fh)
            writer.writerow(PROBLEM_COLUMNS)
            for row in rows:
                writer.writerow([_safe(row[c]) for c in PROBLEM_COLUMNS])
        elif not rows:
            fh.write("No problem reports.\n")
        else:
            for row in rows:
                cited = "; ".join(
                    row[c] for c in ("journal", "article", "identifier", "date") if row[c]
                )
                fh.write(f"#{row['id']} {row['reported_at'][:19]}  {cited or '(nothing cited)'}\n")
                if row["message"]:
                    fh.write(f"    {row['message']}\n")
                fh.write(f"    {row['openurl']}\n")


@report_group.command("no-service")
@click.option("--since", help="First day counted (YYYY-MM-DD; default: a year before --until).")
@click.option("--until", help="Last day counted, inclusive (YYYY-MM-DD; default: today).")
@click.option("--top", type=int, default=10, show_default=True, help="How many rows.")
@click.option(
    "--by",
    type=click.Choice(["article", "journal", "reason", "source"]),
    default="article",
    show_default=True,
    help="What to group the requests by.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "xlsx"]),
    default="text",
    show_default=True,
)
@click.option("--output", "-o", help="Write to this file (required for xlsx).")
@click.option("--today", help="The day --until defaults to (YYYY-MM-DD; default: today).")
@db_option
@handle_errors
def no_service_command(
    since: str | None,
    until: str | None,
    top: int,
    by: str,
    fmt: str,
    output: str | None,
    today: str | None,
    db_url: str | None,
) -> None:
    """The most requested titles whose OpenURL requests found no service.

    By default: the top 10 articles (a title within its journal) requested without a
    service in the year up to --until (default: today), with their count, journal and
    dominant reason (reason codes are listed in docs/resolver.md), and the ISSN or ISBN
    most often cited for each, to look the title up by. Grouped --by reason or source,
    the journal is the most requested of the group's journals: journal_requests says
    how many of the group's requests are its, journals how many journals there are.
    Requests come from `erdq serve` and `erdq logs import`.

    \b
    Example:
      erdq report no-service
      erdq report no-service --by journal --since 2024-01-01 --top 25 --format csv -o nos.csv
      erdq report no-service --format xlsx -o no-service.xlsx
    """
    from erdq import api

    report = api.no_service_report(
        db=db_url,
        since=_date(since, "'--since'"),
        until=_date(until, "'--until'"),
        top=top,
        by=by,
        today=parse_today(today),
    )
    columns = ["rank", by, "count"] + [c for c in ("journal", "identifier", "reason") if c != by]
    if by in ("reason", "source"):
        columns[4:4] = ["journal_requests", "journals"]
    if fmt == "xlsx":
        if not output or output == "-":
            raise ToolFailure("an xlsx workbook needs a file", hint="add --output FILE.xlsx")
        _write_xlsx(output, columns, report)
        return
    with output_file(output, [], spreadsheet=fmt == "csv") as fh:
        if fmt == "json":
            fh.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        elif fmt == "csv":
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in report.rows:
                writer.writerow([_safe(row.get(c)) for c in columns])
        else:
            fh.write(
                f"Requests without a service, {report.since} to {report.until}: "
                f"{report.no_service} of {report.requests}\n"
            )
            if report.uncounted:
                fh.write(
                    f"({report.uncounted} of them name no article and are not ranked here;"
                    " see --by journal)\n"
                )
            if not report.rows:
                fh.write("Nothing to show.\n")
            for row in report.rows:
                parts = {c: f"{c}: {row[c]}" for c in ("journal", "identifier", "reason")}
                if "journals" in row:
                    # The journal is the most requested of several: say it is one of them.
                    parts["journal"] = (
                        f"most requested journal: {row['journal']} ({row['journal_requests']} "
                        f"of {row['count']}; {row['journals']} journal"
                        f"{'s' * (row['journals'] != 1)} in all)"
                    )
                extra = "; ".join(parts[c] for c in parts if c != by and row.get(c))
                fh.write(f"{row['rank']:>3}. {row['count']:>7}  {row[by]}  ({extra})\n")


def _safe(value: object) -> object:
    # A spreadsheet must never run a cell as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _write_xlsx(path: str, columns: list[str], report: object) -> None:
    try:
        from openpyxl import Workbook
    except ImportError:
        raise ToolFailure(
            "xlsx output needs the openpyxl package",
            hint="pip install openpyxl (or pip install 'erdq[excel]'), or use --format csv",
        ) from None
    from erdq.writers.files import open_output

    book = Workbook(write_only=True)
    sheet = book.create_sheet("no service")
    sheet.append(columns)
    for row in report.rows:  # type: ignore[attr-defined]
        sheet.append([_safe(row.get(c)) for c in columns])
    # Whole or not at all, with the permissions a new file gets (umask), as every output.
    with open_output(path) as fh:
        book.save(fh)
