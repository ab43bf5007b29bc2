"""The ``erdq`` command: thin wrappers over ``erdq.api``.

Exit codes follow linters: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage, configuration or internal error.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import wraps
from pathlib import Path
from typing import Any, TextIO

import click

from erdq import __version__
from erdq.errors import ErdqError


class ToolFailure(click.ClickException):
    """Configuration, input or store problems: exit 2 with a how-to-fix hint."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(f"{message}\n  hint: {hint}" if hint else message)


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
        raise click.BadParameter(
            f"{value!r} is not a YYYY-MM-DD date", param_hint="'--today'"
        ) from None


def comma_list(values: tuple[str, ...] | list[str]) -> list[str]:
    """A repeated option whose values may also be comma-separated (``--select KB,MR3``)."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def require_rules(settings: object, source: str | None = None) -> None:
    """Refuse a run in which no rule is selected: it would report every file as clean."""
    if not settings.selected():  # type: ignore[attr-defined]
        raise ToolFailure(
            "no rule is selected, so nothing would be checked",
            hint="check --select/--ignore and the select/ignore keys of the configuration",
        )


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


@contextmanager
def count_progress(
    total: int | None, label: str, enabled: bool, unit: str = "rows"
) -> Iterator[Callable[[int], None]]:
    """As ``byte_progress``, counting rows or records (``done`` of about ``total``)."""
    if not enabled or not sys.stderr.isatty():
        yield lambda done: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total or None)
        yield lambda done: progress.update(task, completed=min(done, total or done))


def input_files(names: tuple[str, ...] | list[str]) -> list[str]:
    """The files to read, checked before any work starts.

    Patterns the shell did not expand (quoted, or on Windows) are expanded here.
    """
    import glob

    out: list[str] = []
    problems: list[str] = []
    for name in names:
        if any(c in name for c in "*?[") and not Path(name).exists():
            matches = sorted(glob.glob(name))
            if not matches:
                problems.append(f"{name}: no file matches this pattern")
            out.extend(m for m in matches if Path(m).is_file())
            continue
        path = Path(name)
        if path.is_dir():
            problems.append(f"{name} is a folder; name the files in it, e.g. {name}/*.txt")
        elif not path.exists():
            problems.append(f"{name}: no such file")
        elif not path.is_file():
            problems.append(f"{name} is not a regular file")
        elif name not in out:  # a file named twice is checked once
            out.append(name)
    if problems:
        raise ToolFailure("; ".join(problems))
    return out


def check_outputs(
    outputs: list[str | None] | tuple[str | None, ...],
    inputs: list[str],
    option: str = "--out",
) -> None:
    """Stop before any work when an output is one of the inputs (also through a link),
    or would go into a folder that does not exist."""
    for out in outputs:
        if not out or out == "-":
            continue
        folder = Path(out).parent
        if not folder.is_dir():
            raise ToolFailure(
                f"cannot write {out}: the folder {folder} does not exist",
                hint="create the folder first, or choose another output path",
            )
        if not Path(out).exists():
            continue
        for name in inputs:
            if Path(name).exists() and Path(out).samefile(name):
                raise ToolFailure(
                    f"{out} is also an input; it would be overwritten",
                    hint=f"choose another {option} file",
                )


@contextmanager
def output_file(
    path: str | None, inputs: list[str], *, spreadsheet: bool = False
) -> Iterator[TextIO]:
    """Standard output (no path, or "-"), or a file written whole or not at all.

    A regular file is written next to its destination and renamed into place at the end,
    so an interrupted run leaves no half-written worklist; it keeps the permissions of the
    file it replaces (or gets the usual ones), and a symbolic link is followed, not
    replaced. Anything else (a device such as /dev/null, a pipe) is written to directly.
    A CSV for spreadsheets starts with a byte order mark, without which Excel reads UTF-8
    as Windows-1252.
    """
    import io

    from erdq.writers.files import open_output

    if not path or path == "-":
        yield sys.stdout
        return
    check_outputs([path], inputs, "--output")
    encoding = "utf-8-sig" if spreadsheet else "utf-8"
    try:
        with open_output(path) as binary:
            text = io.TextIOWrapper(binary, encoding=encoding, newline="")
            try:
                yield text
            finally:
                text.detach()  # flushed; the file is open_output's to close and rename
    except ErdqError as exc:
        raise ToolFailure(str(exc)) from None


def run() -> None:
    """The console entry point: exit codes and interrupts handled the linters' way."""
    for stream in (sys.stdout, sys.stderr):
        # A console that cannot show a character gets a "?" instead of a traceback.
        if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            with suppress(AttributeError, ValueError):
                stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    import signal

    def terminated(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # run the same clean-up as Ctrl-C

    signal.signal(signal.SIGTERM, terminated)
    try:
        code = main.main(standalone_mode=False)
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly, as other tools do.
        with suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - flushing at exit must not fail
        sys.exit(141)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo(
            "\nerdq: interrupted; no output file was written and the store is unchanged.", err=True
        )
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="erdq")
def main() -> None:
    """erdq — check, explain and fix the data behind a library's e-resources.

    \b
    Example:
      erdq audit examples/library
      erdq kbart validate examples/library/kbart/*
      erdq excel2marc examples/cataloguing/western-ebooks.xlsx \\
          --mapping examples/cataloguing/western-ebooks.yaml --out titles.mrc
      erdq rules
      erdq rule KB201
    """


def _register() -> None:
    from erdq.cli import (
        audit,
        availability,
        excel,
        holdings,
        imports,
        kbart,
        link,
        logs,
        marc,
        marc_edit,
        marc_match,
        print2e,
        report,
        resolve,
        rules,
        serve,
    )

    main.add_command(audit.audit_command)
    main.add_command(rules.rules_command)
    main.add_command(rules.rule_command)
    main.add_command(kbart.kbart_group)
    main.add_command(marc.marc_group)
    marc.marc_group.add_command(marc_edit.edit_command)
    marc.marc_group.add_command(marc_match.match_command)
    main.add_command(imports.import_group)
    main.add_command(link.link_command)
    main.add_command(resolve.resolve_command)
    main.add_command(resolve.collection_group)
    main.add_command(serve.serve_command)
    main.add_command(report.report_group)
    main.add_command(logs.logs_group)
    main.add_command(holdings.holdings_group)
    main.add_command(availability.availability_command)
    main.add_command(excel.excel2marc_command)
    main.add_command(excel.marc2excel_command)
    main.add_command(print2e.print2e_command)


_register()
