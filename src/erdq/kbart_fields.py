"""KBART columns, header aliases and vocabularies, loaded from ``data/kbart_fields.yaml``."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


@cache
def _spec() -> dict:
    text = resources.files("erdq.data").joinpath("kbart_fields.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def standard_columns() -> tuple[str, ...]:
    return tuple(_spec()["columns"])


def phase1_count() -> int:
    return int(_spec()["phase1_columns"])


def mandatory_columns() -> tuple[str, ...]:
    return tuple(_spec()["mandatory"])


def aliases() -> dict[str, str]:
    return dict(_spec()["aliases"])


def vocabulary(column: str) -> tuple[str, ...]:
    return tuple(_spec()["vocabularies"][column])


def synonyms(column: str) -> dict[str, str]:
    return dict(_spec()["synonyms"].get(column, {}))
