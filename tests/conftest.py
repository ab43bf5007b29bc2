"""Shared test helpers: paths to the shared real-world data and a findings flattener."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The shared real-world data sits beside the project; ERDQ_SHARED points elsewhere.
SHARED = Path(os.environ.get("ERDQ_SHARED") or REPO.parent / "shared")
CASES = SHARED / "cases" / "inputs"
DATA = SHARED / "data"
# Every today-dependent case is evaluated on this day (shared/cases/CASES.md).
CASE_DAY = dt.date(2024, 6, 15)


def pytest_sessionstart(session: pytest.Session) -> None:
    # Locally, tests of the shared data skip when it is absent; CI must never skip them.
    if os.environ.get("CI") and not (SHARED / "cases" / "inputs").is_dir():
        raise pytest.UsageError(f"CI needs the shared data at {SHARED} (or set ERDQ_SHARED)")


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
