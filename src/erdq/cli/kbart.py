"""``erdq kbart validate`` and ``erdq kbart diff``."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys

import click

from erdq import api
from erdq.cli import (
    comma_list,
    handle_errors,
    input_files,
    output_file,
    parse_today,
    require_rules,
)
from erdq.cli.checks import report_checks
from erdq.cli.options import (
    config_option,
    fail_on_option,
    jobs_option,
    max_per_rule_option,
    output_option,
    quiet_option,
)
from erdq.config import load_settings
from erdq.diff import Change
from erdq.processes import default_jobs
from erdq.report.findings import spreadsheet_safe


@click.group("kbart")
def kbart_group() -> None:
    """KBART holdings files: validate them and compare deliveries.

    \b
    Example:
      erdq kbart validate Provider_Global_AllTitles_2024-06-01.txt
      erdq kbart validate vendors/*.txt --format csv -o kbart-worklist.csv
      erdq kbart diff Provider_2024-05-01.txt Provider_2024-06-01.txt
    """


@kbart_group.command("validate")
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
@fail_on_option
@config_option
@click.option(
    "--lenient",
    is_flag=True,
    help="Accept and normalise lower-case embargoes "
    "(reported as warnings) instead of reporting them as errors.",
)
@click.option("--today", help="Evaluate dates and embargoes as of this day (YYYY-MM-DD).")
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
    lenient: bool,
    today: str | None,
    output: str | None,
    max_per_rule: int,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Validate KBART files against every selected rule.

    Every problem is reported with its file, line (header = 1), column and value, and
    reading goes on: a broken row never stops the run.

    \b
    Example:
      erdq kbart validate Provider_Global_AllTitles_2024-06-01.txt
      erdq kbart validate *.txt --format csv -o worklist.csv --fail-on warning
      erdq kbart validate file.txt --select KB2,KB3 --ignore KB901
    """
    settings = load_settings(config_path).with_overrides(
        select=comma_list(select) or None,
        ignore=comma_list(ignore),
        fail_on=fail_on,
        strict=False if lenient else None,
    )
    require_rules(settings)
    day = parse_today(today)
    names = input_files(files)

    def heading(check) -> str:
        s = check.summary
        ends = "no line ends" if s.line_ending == "none" else f"{s.line_ending} line ends"
        return f"{s.rows} row(s), {s.encoding.upper()}, {ends}"

    severities = report_checks(
        names,
        output,
        fmt,
        max_per_rule=max_per_rule,
        quiet=quiet,
        unit="line",
        check=lambda name, progress: api.check_kbart(
            name, settings, today=day, progress=progress, jobs=jobs or default_jobs()
        ),
        heading=heading,
        items=lambda check: check.summary.rows,
    )
    if api.exceeds(severities, settings.fail_on):
        sys.exit(1)


@kbart_group.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="json: JSON Lines, one change per line.",
)
@output_option("the changes")
@handle_errors
def diff_command(old: str, new: str, fmt: str, output: str | None) -> None:
    """Compare two deliveries of a KBART file: what was added, removed or changed.

    Titles are paired by title_id when it is trustworthy, else by ISSN/ISBN, else by
    normalised title; every change says which key matched.

    \b
    Example:
      erdq kbart diff Provider_Global_AllTitles_2024-05-01.txt \\
                      Provider_Global_AllTitles_2024-06-01.txt
      erdq kbart diff old.txt new.txt --format csv -o changes.csv
    """
    inputs = [*input_files([old]), *input_files([new])]  # the same file twice is allowed
    result = api.diff_kbart(*inputs)
    with output_file(output, inputs, spreadsheet=fmt == "csv") as out:
        rows = [c.to_dict() for c in result.changes]
        if fmt == "json":
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            fields = [f.name for f in dataclasses.fields(Change)]
            writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
        else:
            for change in result.changes:
                label = change.change.replace("_", " ")
                who = change.title + (f" [{change.title_id}]" if change.title_id else "")
                if change.old is None or change.new is None:
                    shown = change.new if change.old is None else change.old
                    what = f": {shown}" if shown else ""
                else:
                    what = f": {change.old or '(empty)'} → {change.new or '(empty)'}"
                # An added or removed title was paired with nothing: its key is the one it
                # would have been matched by (in the JSON), not a match to report.
                paired = change.change not in ("added", "removed")
                how = f"  (matched by {change.match_key})" if paired else ""
                out.write(f"{label:<24} {who}{what}{how}\n")
            out.write(result.summary_line() + "\n")
