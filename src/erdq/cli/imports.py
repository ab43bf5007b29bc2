"""``erdq import kbart``: store a delivery in the workspace as a dated snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import click

from erdq.cli import byte_progress, handle_errors, input_files, parse_today
from erdq.config import load_settings


@click.group("import")
def import_group() -> None:
    """Import files into the workspace store (SQLite by default, PostgreSQL with --db)."""


@import_group.command("kbart")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--collection", required=True, help="The collection (package) this file lists.")
@click.option(
    "--vendor", help="The vendor or provider of the collection (replaces the one stored for it)."
)
@click.option(
    "--db",
    "db_url",
    envvar="ERDQ_DB",
    help="Store URL, e.g. sqlite:///erdq.sqlite "
    "or postgresql+psycopg://user@host/db [env: ERDQ_DB; default: ./erdq.sqlite].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="An erdq.toml (default: the nearest erdq.toml or pyproject.toml).",
)
@click.option("--today", help="Evaluate dates and embargoes as of this day (YYYY-MM-DD).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@handle_errors
def import_kbart(
    file: str,
    collection: str,
    vendor: str | None,
    db_url: str | None,
    config_path: str | None,
    today: str | None,
    fmt: str,
    quiet: bool,
) -> None:
    """Import a KBART file as a new snapshot of COLLECTION, with its findings.

    The import is one transaction: if it fails or is interrupted, the store is left as it
    was. Importing the same file again changes nothing.

    \b
    Example:
      erdq import kbart --collection "Wiley Journals" --vendor Wiley \\
          WILEY_GLOBAL_ALLJOURNALS_2024-03-17.txt
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
        )
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
    counts = ", ".join(
        f"{result.by_severity.get(s, 0)} {s}(s)" for s in ("error", "warning", "info")
    )
    click.echo(
        f"Imported {result.rows} row(s) of {file} into {result.collection} as snapshot "
        f"{result.snapshot_id}: {result.portfolios} portfolio(s); findings: {counts}."
    )
