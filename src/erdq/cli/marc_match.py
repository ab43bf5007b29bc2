"""``erdq marc match``: match a vendor's update file against the catalogue."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import click

from erdq.cli import (
    ToolFailure,
    byte_progress,
    check_outputs,
    comma_list,
    handle_errors,
    input_files,
    output_file,
)
from erdq.cli.options import config_option, max_shown_option, quiet_option
from erdq.config import load_settings

FAIL_ON = {
    "review": frozenset({"multiple-match", "conflict"}),
    "conflict": frozenset({"conflict"}),
    "never": frozenset(),
}


@click.command("match")
@click.argument("incoming", metavar="INCOMING")
@click.option(
    "--existing",
    "existing",
    required=True,
    metavar="CURRENT",
    help="The catalogue's records (any MARC format erdq reads).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    help="Write the plan (JSON, one entry per incoming record) to this file.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False),
    help="Also write the plan as a CSV worklist (opens in Excel).",
)
@click.option(
    "--merge",
    "merge_path",
    type=click.Path(dir_okay=False),
    help="Write new records, and updates merged with the catalogue's local fields, to "
    "this file (.mrc, .mrk, .xml, .json or .jsonl).",
)
@click.option(
    "--keep",
    multiple=True,
    metavar="TAGS",
    help="More local tags to keep from the catalogue record besides 9XX, 590 and "
    "local-fields in [cataloguing] of the configuration, e.g. 541,561 or 69X "
    "(comma-separated or repeated).",
)
@click.option(
    "--title-threshold",
    type=click.FloatRange(0, 1),
    default=0.6,
    show_default=True,
    help="Below this title similarity (0-1) a number or ISBN match is a conflict.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="What goes to standard output: a summary, the JSON plan, or the CSV plan.",
)
@click.option(
    "--fail-on",
    type=click.Choice(list(FAIL_ON)),
    default="review",
    show_default=True,
    help="Exit 1 when a record needs review (multiple-match or conflict, or an incoming "
    "record could not be read), only on conflicts, or never. A record --merge could "
    "not write exits 1 whatever this says.",
)
@max_shown_option("records to review, and records not written, shown")
@config_option
@quiet_option
@handle_errors
def match_command(
    incoming: str,
    existing: str,
    out_path: str | None,
    csv_path: str | None,
    merge_path: str | None,
    keep: tuple[str, ...],
    title_threshold: float,
    fmt: str,
    fail_on: str,
    max_shown: int,
    config_path: str | None,
    quiet: bool,
) -> None:
    """Match a vendor's update file against the catalogue and plan the load.

    Each INCOMING record is matched on its system control numbers first (035 $a and
    001/003: OCLC numbers in every form, (OCoLC)ocm00012345 = (OCoLC)12345 =
    ocm00012345; another organisation's number only under its own code), then on
    ISBN/ISSN (ISBN-10 and ISBN-13 alike), then on title + author + date. Cancelled
    numbers (035 $z, 019) only explain a match. Each record is classed new, update,
    unchanged, multiple-match or conflict, with the catalogue record(s) it matched, the
    key, the reason in words and the fields that changed.

    With --merge, updates are written as the vendor record with the catalogue record's
    001/003, local fields (9XX, 590 and --keep) and the 035 numbers the vendor record
    lacks; new records as they are;
    unchanged, multiple-match and conflict records are not written. Two incoming records
    matching the same catalogue record are both conflicts, each naming the other: neither
    is merged; so are two new records with one system number (the vendor's record sent
    twice). A new or update record the merge file cannot hold (an indicator area its
    format has no room for) is listed with the reason and not written. Every output file
    is written whole or not at all.

    Exit status: 0, or 1 when a record needs review (see --fail-on) or a new or update
    record could not be written to --merge; 2 for a usage or input error.

    \b
    Example:
      erdq marc match vendor-update.mrc --existing catalogue.mrc --out plan.json
      erdq marc match vendor.mrc --existing catalogue.xml --merge load.mrc --keep 541,561
      erdq marc match vendor.mrc --existing catalogue.mrc --format csv > plan.csv
    """
    from erdq import api
    from erdq.cataloguing.match_index import PARTIAL, UNREADABLE
    from erdq.cataloguing.match_plan import PlanCsvWriter, PlanJsonWriter, write_text_summary

    names = input_files([incoming, existing])
    if len(names) < 2:
        raise ToolFailure("INCOMING and --existing name the same file", hint="name two files")
    if out_path and Path(out_path).suffix.lower() in (".csv", ".tsv", ".xlsx"):
        # --out writes JSON whatever the name; a .csv of JSON would not open in Excel.
        raise ToolFailure(
            f"--out {out_path}: --out writes the plan as JSON, not a worklist",
            hint=f"for the worklist use --csv {out_path}; for the JSON plan, --out plan.json",
        )
    outputs = [p for p in (out_path, csv_path, merge_path) if p and p != "-"]
    if len({str(Path(p).resolve()) for p in outputs}) < len(outputs):
        raise ToolFailure("two outputs name the same file", hint="give each output its own name")
    check_outputs(outputs, names)  # before an hour of matching, not after
    tags = [*load_settings(config_path).local_fields, *comma_list(keep)]
    run = api.match_marc(
        incoming, existing, keep=tags, title_threshold=title_threshold, merge_to=merge_path
    )
    size_existing = Path(existing).stat().st_size
    total = size_existing + Path(incoming).stat().st_size
    failing = FAIL_ON[fail_on]
    failed = False
    review: list = []
    review_total = 0
    unwritten: list = []
    meta = {
        "incoming": incoming,
        "existing": existing,
        "local_tags": ["9XX", "590", *run.keep],
        "title_threshold": title_threshold,
    }
    with ExitStack() as stack:
        sinks = []
        if out_path:
            sinks.append(PlanJsonWriter(stack.enter_context(output_file(out_path, names)), meta))
        if csv_path:
            fh = stack.enter_context(output_file(csv_path, names, spreadsheet=True))
            sinks.append(PlanCsvWriter(fh))
        if fmt == "json":
            sinks.append(PlanJsonWriter(sys.stdout, meta))
        elif fmt == "csv":
            sinks.append(PlanCsvWriter(sys.stdout))
        progress = stack.enter_context(byte_progress(total, "matching", enabled=not quiet))
        run.index_progress = progress
        run.progress = lambda done: progress(size_existing + done)
        for entry in run.entries():
            for sink in sinks:
                sink.write(entry)
            if entry.status in failing:
                failed = True
            if entry.status in ("multiple-match", "conflict"):
                review_total += 1
                if len(review) < max_shown:
                    review.append(entry)
            if entry.not_written is not None and len(unwritten) < max_shown:
                unwritten.append(entry)
        for sink in sinks:
            if isinstance(sink, PlanJsonWriter):
                sink.close(run.summary, run.incoming_problems, run.existing_problems)
    if fmt == "text":
        problems = [("incoming", p) for p in run.incoming_problems]
        problems += [("existing", p) for p in run.existing_problems]
        write_text_summary(
            sys.stdout,
            run.summary,
            review,
            review_total,
            problems,
            unwritten,
            run.summary.get("not_written") or 0,
        )
    lost = UNREADABLE | PARTIAL  # a record not read whole cannot be matched with confidence
    if fail_on == "review" and any(p.code in lost for p in run.incoming_problems):
        failed = True
    if run.summary.get("not_written"):
        failed = True  # the load file does not do what the plan says, as marc convert's skips
    if failed:
        sys.exit(1)
