"""``erdq link``: link a collection's portfolios to bibliographic records in the store."""

from __future__ import annotations

import csv
import json
import sys
from typing import TextIO

import click

from erdq.cli import ToolFailure, comma_list, handle_errors, output_file
from erdq.cli.options import config_option, db_option, fail_on_option, max_per_rule_option
from erdq.config import load_settings
from erdq.report.findings import (
    CsvWriter,
    JsonLinesWriter,
    TextReport,
    severity_counts,
    spreadsheet_safe,
)


@click.command("link")
@click.option(
    "--collection",
    help="The collection to link [default: every collection with a KBART snapshot and "
    "MARC records (any KBART snapshot with --all-records)].",
)
@click.option(
    "--all-records",
    is_flag=True,
    help="Match against the current records of every collection, not only the collection's "
    "own (e.g. a catalogue export imported on its own).",
)
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="json: JSON Lines, one finding (or link) per line; csv: a worklist.",
)
@click.option(
    "--links",
    "show_links",
    is_flag=True,
    help="Write the links (portfolio, record, match key, score) instead of the findings.",
)
@click.option(
    "--select",
    multiple=True,
    help="Rule codes, prefixes or names to report (comma-separated or repeated).",
)
@click.option("--ignore", multiple=True, help="Rule codes, prefixes or names to skip.")
@fail_on_option
@config_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
@max_per_rule_option
@handle_errors
def link_command(
    collection: str | None,
    all_records: bool,
    db_url: str | None,
    fmt: str,
    show_links: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config_path: str | None,
    output: str | None,
    max_per_rule: int,
) -> None:
    """Link the portfolios of a collection's current KBART snapshot to its MARC records.

    Portfolios and records are matched by ISBN/ISSN (print and online, 020/022/776,
    ISBN-10 and -13 alike), then by title; the findings (rules PF1xx) name portfolios
    without a record, records without a portfolio (and without a URL), identifier matches
    whose titles disagree and portfolios matching several records. Import the files
    first with `erdq import kbart` and `erdq import marc`.

    \b
    Example:
      erdq import kbart --collection Springer SPRINGER_GLOBAL_ALLEBOOKS_2021-03-01.txt
      erdq import marc --collection Springer springer_ebooks_*.mrc
      erdq link --collection Springer
      erdq link --collection Springer --links --format csv -o links.csv
      erdq link --collection Springer --all-records --format json --fail-on never
    """
    from erdq import api
    from erdq.linkage import Link
    from erdq.store import open_store

    settings = load_settings(config_path).with_overrides(
        select=comma_list(select) or None, ignore=comma_list(ignore), fail_on=fail_on
    )
    store = open_store(db_url, create=False)
    try:
        names = [collection] if collection else _linkable(store, all_records)
        severities: set = set()
        with output_file(output, [], spreadsheet=fmt == "csv") as out:
            links = _LinkSink(out, fmt) if show_links else None
            writer = {"json": JsonLinesWriter, "csv": CsvWriter}.get(fmt)
            findings = writer(out) if writer and links is None else None
            for name in names:
                linkage = api.link_collection(
                    name, store=store, all_records=all_records, settings=settings
                )
                text = _TextReports(out, linkage, max_per_rule) if fmt == "text" else None
                for event in linkage.events():
                    if isinstance(event, Link):
                        if links is not None:
                            links.write(event)
                        continue
                    severities.add(event.severity)
                    if findings is not None:
                        findings.write(event)
                    elif text is not None and links is None:
                        text.write(event)
                if text is not None:
                    text.done(with_findings=links is None)
            for sink in (links, findings):
                if sink is not None:
                    sink.close()
    finally:
        store.close()
    if api.exceeds(severities, settings.fail_on):
        sys.exit(1)


def _linkable(store, all_records: bool) -> list[str]:
    names = [
        c["name"]
        for c in store.collections()
        if c["latest_snapshot_id"] is not None
        and (all_records or c["latest_marc_batch"] is not None)
    ]
    if not names:
        raise ToolFailure(
            f"no collection in {store.url} has both a KBART snapshot and MARC records",
            hint="import them with `erdq import kbart` and `erdq import marc`, "
            "or name a collection and add --all-records",
        )
    return names


def _headline(summary) -> str:
    keys = ", ".join(f"{k} {summary.by_key.get(k, 0)}" for k in ("isbn", "issn", "title"))
    scope = "every collection's records" if summary.all_records else "its own records"
    notes = []
    if summary.linked_unlisted:
        notes.append(
            f"{summary.linked_unlisted} of them print record(s), linked through the portfolio "
            "of an online record listed in their place"
        )
    if summary.print_unlinked:
        notes.append(f"{summary.print_unlinked} unlinked print record(s) not reported")
    return (
        f"{summary.collection}: {summary.linked_portfolios} of {summary.portfolios} "
        f"portfolio(s) linked ({keys}) against {scope}; {summary.linked_records} of "
        f"{summary.records} of its record(s) linked" + (f" ({'; '.join(notes)})." if notes else ".")
    )


class _TextReports:
    """The text report of one collection: a headline, then its findings by file (KBART
    findings by line, MARC findings by record)."""

    def __init__(self, out: TextIO, linkage, per_rule: int) -> None:
        self.out = out
        self.linkage = linkage
        self.lines = TextReport(out, per_rule=per_rule, unit="line")
        self.records = TextReport(out, per_rule=per_rule, unit="record")
        self.sources: dict[str, TextReport] = {}

    def write(self, finding) -> None:
        kbart = finding.location.source == self.linkage.summary.kbart_source
        report = self.lines if kbart else self.records
        self.sources.setdefault(finding.location.source, report)
        report.write(finding)

    def done(self, *, with_findings: bool) -> None:
        summary = self.linkage.summary
        self.out.write(_headline(summary) + "\n")
        if not with_findings:
            return
        self.out.write("\n")
        for source, report in self.sources.items():
            heading = (
                f"KBART snapshot {summary.kbart_snapshot_id}"
                if report is self.lines
                else "MARC records"
            )
            report.file_done(source, heading)
        counts = summary.findings
        self.out.write(f"Findings: {severity_counts(counts)}.\n")


class _LinkSink:
    def __init__(self, out: TextIO, fmt: str) -> None:
        from erdq.linkage import LINK_FIELDS

        self.out = out
        self.fmt = fmt
        self.csv = None
        if fmt == "csv":
            self.csv = csv.DictWriter(out, fieldnames=LINK_FIELDS, lineterminator="\n")
            self.csv.writeheader()

    def write(self, link) -> None:
        row = link.to_dict()
        if self.csv is not None:
            self.csv.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
        elif self.fmt == "json":
            self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            ids = f" ({row['identifiers']})" if row["identifiers"] else ""
            self.out.write(
                f"line {row['portfolio_line']} {row['portfolio_title']!r} → record "
                f"{row['record_ordinal']} [{row['record_id']}] of {row['record_source']}: "
                f"{row['key']}{ids}, title {row['score']}%\n"
            )

    def close(self) -> None:
        self.out.flush()
