"""``erdq holdings publish``: the holdings file for a central discovery index."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from typing import TextIO

import click

from erdq.cli import ToolFailure, handle_errors, output_file, parse_today
from erdq.cli.options import db_option, fail_on_never_option
from erdq.config import load_settings
from erdq.errors import ErdqError
from erdq.findings import Severity


@click.group("holdings")
def holdings_group() -> None:
    """Publish the library's holdings (identifiers, coverage, embargo) from the store.

    \b
    Example:
      erdq holdings publish holdings.txt
    """


@holdings_group.command("publish")
@click.argument("out", type=click.Path(dir_okay=False, allow_dash=True))
@db_option
@click.option(
    "--collection",
    "collections",
    multiple=True,
    help="Publish only this collection (repeat for several) [default: every active one].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["kbart", "csv", "json"]),
    default="kbart",
    show_default=True,
    help="kbart: tab-separated KBART Phase II columns, one line per coverage range; csv: "
    "the same columns, comma-separated; json: JSON Lines, one title a line with every "
    "identifier and line (each with its columns and collections).",
)
@click.option(
    "--today",
    help="The day the file is published for (YYYY-MM-DD), recorded in the report [default: today].",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the report (counts, collections, every finding) to this JSON file.",
)
@fail_on_never_option("the file is written anyway")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="An erdq.toml, for re-graded severities [default: the nearest one].",
)
@click.option(
    "--max-per-rule",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Examples shown per rule in the report on standard error (0: counts only).",
)
@handle_errors
def publish_command(
    out: str,
    db_url: str | None,
    collections: tuple[str, ...],
    fmt: str,
    today: str | None,
    report_path: str | None,
    fail_on: str,
    config_path: str | None,
    max_per_rule: int,
) -> None:
    """Write the active holdings as a central discovery index needs them to OUT ("-":
    standard output).

    One title per set of portfolios sharing a valid ISSN/ISBN, across collections; only
    valid identifiers (canonical form). Each coverage range keeps its own title_url,
    access_type, coverage_depth, notes, publisher_name, first_author, first_editor and
    monograph columns as its portfolio gave them, and ranges are merged (overlapping or
    touching, same embargo; gaps stay) only when all of these agree: a URL is never
    attached to years its collection does not provide, and free (F) and paid (P) ranges
    stay separate lines. title_id is the title's first identifier; the provider's
    parent_ and preceding_publication_title_id are not published, as they name provider
    ids the file does not contain. Lines come in a fixed order, so an unchanged store
    gives an identical file. What was left out, and why, is reported on standard error
    (and with --report as JSON): invalid identifiers (HL101), portfolios without a valid
    identifier (HL102), unreadable or inverted coverage (HL103), titles sharing an
    identifier (HL104: kept apart when their titles and identifiers disagree), numbers
    contradicting dates (HL105),
    values repaired for the file (HL106: a tab or line break inside a value, stray spaces,
    `P\\r`, `Fulltext`), wrong values left blank (HL107) and portfolios left out for an
    unusable title, coverage_depth or publication_type (HL108), so that the file passes
    `erdq kbart validate` but for KB401 where a portfolio has no title_url (published
    empty: the index links it through the resolver). Values are written as they are:
    KBART has no quoting.
    Inactive collections are not published.

    \b
    Example:
      erdq import kbart --collection "Wiley Journals" WILEY_GLOBAL_ALLJOURNALS_2024-03-17.txt
      erdq holdings publish holdings.txt
      erdq holdings publish --collection "Wiley Journals" --format json holdings.jsonl
      erdq holdings publish --report left-out.json --fail-on error holdings.txt
    """
    try:
        _publish(out, db_url, collections, fmt, today, report_path, fail_on, config_path,
                 max_per_rule)  # fmt: skip
    except (click.ClickException, ErdqError, SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug: said in one line, not as a traceback
        raise ToolFailure(
            f"internal error while publishing the holdings ({type(exc).__name__}: {exc}); "
            "no holdings file was written",
            hint="please report this with the command you ran and the KBART file's name",
        ) from exc


def _publish(
    out: str,
    db_url: str | None,
    collections: tuple[str, ...],
    fmt: str,
    today: str | None,
    report_path: str | None,
    fail_on: str,
    config_path: str | None,
    max_per_rule: int,
) -> None:
    import datetime as dt

    from erdq import api
    from erdq.holdings import write_holdings

    day = parse_today(today) or dt.date.today()
    settings = load_settings(config_path)
    result = api.build_holdings(collections, db=db_url, today=day, settings=settings)
    if not any(c.published for c in result.collections):
        raise ToolFailure(
            "no active collection with a KBART snapshot to publish",
            hint="import one with: erdq import kbart --collection NAME FILE",
        )
    inputs = [report_path] if report_path else []
    # A CSV starts with a byte order mark, as erdq's other CSV files do.
    with output_file(out, inputs, spreadsheet=fmt == "csv") as fh:
        lines = write_holdings(result, fh, fmt)
    report = result.report()
    if report_path:
        with output_file(report_path, [out]) as fh:
            json.dump(report, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
    _text_report(result, report, lines, fmt, out, max_per_rule, sys.stderr)
    if fail_on != "never":
        floor = Severity(fail_on).rank
        if any(f.severity.rank >= floor for f in result.findings):
            raise SystemExit(1)


def _text_report(
    result, report: dict, lines: int, fmt: str, out: str, max_per_rule: int, err: TextIO
) -> None:
    unit = "titles" if fmt == "json" else "lines"
    err.write(
        f"{report['holdings']} titles, {report['ranges_published']} coverage ranges "
        f"({lines} {unit}) written to {'standard output' if out == '-' else out}; "
        f"{report['portfolios_published']} of {report['portfolios_read']} portfolios "
        f"published, {report['portfolios_left_out']} left out.\n"
    )
    for c in report["collections"]:
        if not c["published"]:
            err.write(f"  collection {c['name']!r} not published: {c['reason']}\n")
    by_code = defaultdict(list)
    for f in result.findings:
        by_code[f.code].append(f)
    for code, found in sorted(by_code.items()):
        err.write(f"{code} {found[0].name} ({found[0].severity}): {len(found)}\n")
        for f in found[:max_per_rule]:
            loc = f.location
            err.write(f"  {loc.source}:{loc.line}: {f.message}\n")
        if len(found) > max_per_rule > 0:
            err.write(f"  … and {len(found) - max_per_rule} more (see --report)\n")
