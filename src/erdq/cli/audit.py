"""``erdq audit``: the whole audit of a library's files in one command."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from erdq import api
from erdq.cli import comma_list, handle_errors, parse_today, require_rules
from erdq.cli.options import config_option, db_option, fail_on_option, jobs_option
from erdq.config import config_file, load_settings


@contextmanager
def stage_progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """One rich progress bar per stage (per file) on a terminal's stderr; none otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    tasks: dict[str, int] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        console=Console(stderr=True),
    ) as progress:

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total or None)
            progress.update(tasks[stage], completed=done)

        yield update


def _warn_unused_configs(folders: list[Path]) -> None:
    """One configuration serves a run: the first PATH's. Others that apply to the other
    PATHs are named, so that a [collections] table there is not thought to be in force."""
    found = list(dict.fromkeys(f for f in map(config_file, folders) if f is not None))
    if len(found) > 1:
        click.echo(
            f"Warning: the configuration is {found[0]} (that of the first PATH); "
            f"{', '.join(map(str, found[1:]))} also appl{'ies' if len(found) == 2 else 'y'} "
            "to the PATHs given and is not used. Name the one meant with --config.",
            err=True,
        )


def _text_summary(summary: dict, out_dir: str) -> str:
    lines = []
    for entry in summary["inputs"]:
        size = entry["rows"] if entry["kind"] == "kbart" else entry["records"]
        what = f"{size} item(s), {entry['findings']} finding(s)" if entry["audited"] else ""
        others = entry.get("other_formats")
        if what and others:
            kinds = ", ".join(f"{n} {kind}" for kind, n in others.items())
            what += f" ({kinds}: not bibliographic, not scored)"
        lines.append(f"  {entry['kind']:<12} {entry['path']}  {what or entry['detail']}")
    sev = summary["by_severity"]
    scores = ", ".join(
        f"{level} {'—' if v is None else v}" for level, v in summary["scores"].items()
    )
    lines.append(
        f"{summary['findings_total']} finding(s): {sev['error']} error(s), "
        f"{sev['warning']} warning(s), {sev['info']} info."
    )
    lines.append(f"Scores (of 100): {scores}.")
    comparison = summary.get("comparison")
    if comparison:
        left_out = comparison.get("not_compared") or 0
        lines.append(
            f"Since the last audit (run {comparison['against']['run']}): {comparison['new']} "
            f"new, {comparison['persisting']} persisting, {comparison['fixed']} fixed"
            + (f", {left_out} not compared (files or rules not audited now)." if left_out else ".")
        )
    if summary["unrecognised"]:
        lines.append(f"{len(summary['unrecognised'])} file(s) not audited (see the list above).")
    gone = summary.get("gone") or []
    if gone:
        lines.append(
            f"Warning: {len(gone)} file(s) audited last time are no longer here: "
            f"{', '.join(gone[:10])}{' ...' if len(gone) > 10 else ''} (deleted, renamed or "
            "not downloaded again?); summary.json lists them."
        )
    for paths in summary.get("deliveries") or ():
        lines.append(
            f"Note: {' and '.join(paths)} are deliveries of one file; their findings are "
            "compared with earlier runs as one file's. Keep one delivery in the folder, and "
            "compare KBART deliveries with `erdq kbart diff`."
        )
    unmatched = summary.get("collections_unmatched") or []
    if unmatched:
        lines.append(
            f"Warning: [collections] pattern(s) that matched no file: {', '.join(unmatched)} "
            "(matched against the path as given, the file name and the path relative to the "
            "configuration file's folder; case counts)."
        )
    for collection, names in (summary.get("vendor_conflicts") or {}).items():
        lines.append(
            f"Warning: [collections] gives the collection {collection!r} the vendors "
            f"{', '.join(names)}; it is counted under {names[0]}. Give each vendor's files "
            "a collection of their own."
        )
    lines.append(f"Report: {out_dir}/report.html (and findings.jsonl, summary.json, worklists).")
    return "\n".join(lines) + "\n"


@click.command("audit")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--out",
    "-o",
    "out_dir",
    default="erdq-report",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for report.html, findings.jsonl, summary.json and the worklists.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: the summary (summary.json) on standard output.",
)
@click.option("--select", multiple=True, help="Rule codes, prefixes or names to run.")
@click.option("--ignore", multiple=True, help="Rule codes, prefixes or names to skip.")
@fail_on_option
@config_option
@db_option
@click.option(
    "--no-store",
    is_flag=True,
    help="Store nothing and compare with nothing (a one-off look at some files).",
)
@click.option("--today", help="Evaluate dates and embargoes as of this day (YYYY-MM-DD).")
@jobs_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bars and no text summary.")
@handle_errors
def audit_command(
    paths: tuple[str, ...],
    out_dir: str,
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config_path: str | None,
    db_url: str | None,
    no_store: bool,
    today: str | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Audit a library's e-resource files: KBART and MARC, every level, one report.

    Files are recognised by their content (folders are walked); anything that cannot be
    audited is listed with the reason. A file's collection is its file name (or what
    [collections] in erdq.toml names). Portfolios are linked to records (PF rules): a
    collection with KBART and MARC files of its own to its own records, others to every
    record. Titles held in several collections get their union coverage and gaps. Writes
    report.html, findings.jsonl, summary.json, worklists.xlsx and worklist-<team>.csv
    into --out. The run is kept in the workspace store (--db) and compared with the
    previous run there: findings new, persisting and fixed, and a trend over earlier runs.

    \b
    Example:
      erdq audit examples/library
      erdq audit kbart/ marc/ --out reports/2024-06 --fail-on warning
      erdq audit library/ --format json --quiet > summary.json
      erdq audit library/ --db postgresql+psycopg://erdq@dbhost/erdq
    """
    folders = [Path(p) if Path(p).is_dir() else Path(p).parent for p in paths]
    settings = load_settings(config_path, start=folders[0]).with_overrides(
        select=comma_list(select) or None, ignore=comma_list(ignore), fail_on=fail_on
    )
    require_rules(settings)
    if config_path is None and not quiet:
        _warn_unused_configs(folders)
    with stage_progress(not quiet) as progress:
        result = api.audit(
            list(paths),
            out_dir,
            settings=settings,
            today=parse_today(today),
            progress=progress,
            db=db_url,
            store=not no_store,
            jobs=jobs,
        )
    if fmt == "json":
        click.echo(json.dumps(result.summary, ensure_ascii=False, indent=2))
    elif not quiet:
        click.echo(_text_summary(result.summary, out_dir), nl=False)
    if api.exceeds(result.severities(), settings.fail_on):
        sys.exit(1)
