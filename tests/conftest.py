"""Shared test helpers: paths to the shared real-world data and a findings flattener."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CASES = SHARED / "cases" / "inputs"
DATA = SHARED / "data"
# Every today-dependent case is evaluated on this day (shared/cases/CASES.md).
CASE_DAY = dt.date(2024, 6, 15)


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


def flatten(findings: Iterable, *attrs: str) -> list[tuple]:
    """Findings as tuples of the named attributes (``line``, ``column`` look in location)."""
    out = []
    for f in findings:
        row = []
        for attr in attrs:
            if hasattr(f.location, attr):
                row.append(getattr(f.location, attr))
            else:
                row.append(getattr(f, attr))
        out.append(tuple(row))
    return out
