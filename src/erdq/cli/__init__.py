"""The ``erdq`` command: thin wrappers over ``erdq.api``.

Exit codes follow linters: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage, configuration or internal error.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import click

from erdq import __version__
from erdq.errors import ErdqError


class ToolFailure(click.ClickException):
    """Configuration, input or store problems: exit 2 with a how-to-fix hint."""

    exit_code = 2


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ErdqError as exc:
            raise ToolFailure(str(exc)) from exc

    return wrapper


def parse_today(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a YYYY-MM-DD date") from None


@contextmanager
def byte_progress(total: int, label: str, enabled: bool) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr when it is a terminal; a no-op otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield lambda done: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total or None)
        yield lambda done: progress.update(task, completed=done)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="erdq")
def main() -> None:
    """erdq — check, explain and fix the data behind a library's e-resources.

    \b
    Example:
      erdq kbart validate examples/library/*.txt
      erdq rules
      erdq rule KB201
    """


def _register() -> None:
    from erdq.cli import imports, kbart, rules

    main.add_command(rules.rules_command)
    main.add_command(rules.rule_command)
    main.add_command(kbart.kbart_group)
    main.add_command(imports.import_group)


_register()
