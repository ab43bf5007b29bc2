"""Options several commands share, declared once so that their names, choices and help
read the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from erdq.config import FAIL_ON_CHOICES

F = TypeVar("F", bound=Callable[..., Any])

fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default=None,
    help="Exit 1 when a finding is at or above this severity [default: error].",
)


def fail_on_never_option(anyway: str) -> Callable[[F], F]:
    """--fail-on for a command whose output is made whatever its findings (a holdings
    file, an import): nothing fails by default. ``anyway``: what is done all the same."""
    return click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON_CHOICES),
        default="never",
        show_default=True,
        help=f"Exit 1 when a finding is at or above this severity ({anyway}).",
    )


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="An erdq.toml (default: the nearest erdq.toml or pyproject.toml).",
)

DB_HELP = (
    "Store URL, e.g. sqlite:///erdq.sqlite or postgresql+psycopg://user@host/db "
    "[env: ERDQ_DB; default: ./erdq.sqlite]."
)

db_option = click.option("--db", "db_url", envvar="ERDQ_DB", help=DB_HELP)

quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")

max_per_rule_option = click.option(
    "--max-per-rule",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Text format: examples shown per rule and file (0: counts only).",
)

jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for large files [default: the number of CPUs].",
)


def output_option(what: str = "the report"):
    """``-o/--output FILE``: where ``what`` goes instead of standard output."""
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, writable=True),
        help=f"Write {what} to this file instead of standard output.",
    )


def max_shown_option(what: str = "lines shown of each kind"):
    """``--max-shown N``: how much of each kind the text report lists (0: counts only)."""
    return click.option(
        "--max-shown",
        type=click.IntRange(min=0),
        default=20,
        show_default=True,
        help=f"Text format: {what} (0: counts only).",
    )
