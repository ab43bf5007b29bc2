"""``erdq marc edit``: rule-based batch edits of MARC records, reviewable as a diff."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from erdq.cli import byte_progress, check_outputs, handle_errors, input_files
from erdq.cli.options import fail_on_option, max_shown_option, quiet_option

_RULES_HELP = """Rules file (YAML): a list of edits, applied in order to each record.

\b
Actions and their keys:
  add-field        tag, subfields ('$aText$bmore') or data (00X), ind1, ind2
  delete-field     tag
  add-subfield     tag, code, value, position (start|end)
  delete-subfield  tag, code (one or a list), matches
  replace          tag, find (regex), replace (\\1 for a group, \\$ for $), subfield
  move-field       tag, to (new tag), set: {ind1, ind2}
  move-subfield    tag, from, to, matches
  set-indicators   tag, set: {ind1, ind2}
  set-leader       position (05-08, 17-19), value
\b
Field selection (all but add-field and set-leader): tag ('020', '9XX', '6..'),
ind1, ind2 (blank as '#'), where: {subfield: {code, matches}, missing-subfield,
field-matches}. Record conditions (any edit): when: {has, missing, subfield: {tag,
code, matches}, field-matches: {tag, matches}, leader: {position, equals}, control:
{tag, position, equals}}, combined with all, any and not."""


@click.command("edit", epilog=_RULES_HELP)
@click.argument("source", metavar="IN")
@click.option(
    "--rules",
    "rules_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="The YAML rules file (see below).",
)
@click.option(
    "--out",
    "target",
    type=click.Path(dir_okay=False),
    help="Write the edited records here; the format comes from the extension "
    "(.mrc, .mrk, .xml, .json, .jsonl). Required unless --dry-run.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Write nothing: show a diff of every record the edits would change.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: JSON Lines, one object per changed record (its changes with edit number, "
    "tag, before and after), error, skipped record and note, then a summary.",
)
@click.option(
    "--max-diffs",
    type=click.IntRange(min=0),
    default=None,
    help="Dry run, text format: show at most this many record diffs [default: all].",
)
@max_shown_option("lines shown of each kind of error, skipped record and note")
@fail_on_option
@quiet_option
@handle_errors
def edit_command(
    source: str,
    rules_path: str,
    target: str | None,
    dry_run: bool,
    fmt: str,
    max_diffs: int | None,
    max_shown: int,
    fail_on: str | None,
    quiet: bool,
) -> None:
    """Edit MARC records in bulk with a rules file: MarcEdit's tasks, kept reviewable.

    IN is any MARC file erdq reads (ISO 2709, MARCXML, .mrk, MARC-in-JSON), recognised
    from its content and streamed. Each record goes through the edits of --rules in
    order; OUT replaces --out only once IN has been read to the end. An edit that would
    make a record invalid (a control field with subfields, a data field left without
    subfields, an empty subfield, a record left without the 001, 008 or 245 it had) is
    reported with the record's number and 001, and that record is written unchanged;
    the run goes on. Replacements are regular expressions (Python syntax): groups are
    \\1 or \\g<name> in the replacement; a literal dollar is written \\$ or {dollar}
    ('US\\$10' or 'US{dollar}10' gives US$10; a bare $ before a digit is refused, as it
    reads like a group). A whole-field replace sees the subfields as $aText$bmore, so a
    bare $ there starts a subfield, and a dollar sign in the data as {dollar}, as in
    MarcEdit: find 'US\\{dollar\\}10'.

    Exit status 1 when a record had an edit error or could not be read or written, or
    the reader reported a problem at or above --fail-on (an error by default; "never"
    leaves them out); 2 for a bad rules file or usage.

    \b
    Example:
      erdq marc edit vendor.mrc --rules edit-rules.yaml --dry-run
      erdq marc edit vendor.mrc --rules edit-rules.yaml --out cleaned.mrc
      erdq marc edit records.xml --rules fix-856.yaml --out records.mrk --format json
    """
    from erdq import api
    from erdq.cataloguing.edit import load_rules
    from erdq.cataloguing.edit_report import JsonLog, TextLog

    if target is None and not dry_run:
        raise click.UsageError("give --out FILE for the edited records, or --dry-run")
    names = input_files([source])
    rules = load_rules(rules_path)
    check_outputs([target], names)
    to = None
    if dry_run and target is not None:
        from erdq.writers.marc import format_for_path

        to, target = format_for_path(target), None  # checks what the format can hold
    if fmt == "json":
        log: JsonLog | TextLog = JsonLog(sys.stdout)
    else:
        log = TextLog(sys.stdout, diffs=dry_run, max_diffs=max_diffs, per_kind=max_shown)
    size = Path(names[0]).stat().st_size
    with byte_progress(size, Path(names[0]).name, enabled=not quiet) as progress:
        run = api.edit_marc(names[0], rules, target, to=to, progress=progress)
        for event in run.events():
            log.write(event)
    log.close(run.summary)
    summary = run.summary
    if not summary.complete or api.exceeds(summary.severities, fail_on or "error"):
        sys.exit(1)
