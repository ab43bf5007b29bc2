"""Options several commands share, declared once so that their names, choices and help
read the same everywhere."""

from __future__ import annotations

import click

from erdq.config import FAIL_ON_CHOICES

fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default=None,
    help="Exit 1 when a finding is at or above this severity [default: error].",
)

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="An erdq.toml (default: the nearest erdq.toml or pyproject.toml).",
)
