"""``erdq logs import``: a resolver's existing request log into ``resolver_requests``.

One request per line: an OpenURL query string (or a full resolver URL), optionally after
an ISO 8601 timestamp and white space (``2024-05-01T10:15:00Z<TAB>issn=...``). Blank
lines and lines starting with ``#`` are skipped. Each request is resolved against the
store's current holdings as of its own date (embargoes move), or ``today`` when given.
The import is one transaction: a file with bad lines is refused whole, with every bad
line named, unless ``skip_bad`` is set, in which case they are left out and counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from erdq.errors import InputError
from erdq.openurl import parse_openurl
from erdq.resolver.log import request_row
from erdq.resolver.resolve import Resolver
from erdq.store.db import db_errors, write_transaction
from erdq.store.schema import resolver_requests

_STAMP_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)"
    r"(?:\s+|$)"
)
_CHUNK = 2000
MAX_SHOWN = 20  # bad lines listed in an error message


@dataclass
class LogImport:
    path: str
    imported: int = 0
    skipped: int = 0  # blank and comment lines
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, problem)
    outcomes: dict[str, int] = field(default_factory=dict)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
            yield number, text.strip().lstrip("\ufeff")


def parse_log_line(text: str) -> tuple[dt.datetime | None, str]:
    """(timestamp or None, query); raises ValueError with the problem for a bad line."""
    stamp = None
    m = _STAMP_RE.match(text)
    if m:
        value = m[1].replace(" ", "T").replace(",", ".")
        try:
            stamp = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{m[1]!r} is not a valid ISO 8601 timestamp") from None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.UTC)  # a log without a zone is read as UTC
        text = text[m.end() :].strip()
    else:
        first = text.split(None, 1)[0]
        if "=" not in first and "?" not in first and len(text.split(None, 1)) > 1:
            raise ValueError(
                f"starts with {first!r}, which is neither an ISO 8601 timestamp"
                " nor part of an OpenURL"
            )
    if not text:
        raise ValueError("a timestamp but no OpenURL")
    if "=" not in text:
        raise ValueError("not an OpenURL query string (no key=value pair)")
    return stamp, text


def import_log(
    engine: Engine,
    resolver: Resolver,
    path: str | Path,
    *,
    today: dt.date | None = None,
    skip_bad: bool = False,
) -> LogImport:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file", hint="name a log file, one OpenURL per line")
    result = LogImport(str(path))
    now = dt.datetime.now(dt.UTC)
    with db_errors(f"importing {p.name}", engine), write_transaction(engine) as conn:
        batch: list[dict[str, Any]] = []
        for number, text in _lines(p):
            if not text or text.startswith("#"):
                result.skipped += 1
                continue
            try:
                stamp, query = parse_log_line(text)
            except ValueError as exc:
                result.bad.append((number, str(exc)))
                continue
            if result.bad and not skip_bad:
                continue  # the import will be refused: only look for more bad lines
            at = stamp or now
            resolution = resolver.resolve(parse_openurl(query), today=today or at.date())
            result.outcomes[resolution.outcome] = result.outcomes.get(resolution.outcome, 0) + 1
            batch.append(request_row(resolution, query=query, origin="import", at=at))
            if len(batch) >= _CHUNK:
                conn.execute(insert(resolver_requests), batch)
                result.imported += len(batch)
                batch = []
        if result.bad and not skip_bad:
            shown = "; ".join(f"line {n}: {problem}" for n, problem in result.bad[:MAX_SHOWN])
            more = len(result.bad) - MAX_SHOWN
            raise InputError(
                f"{path}: {len(result.bad)} bad line(s), nothing imported: {shown}"
                + (f"; and {more} more" if more > 0 else ""),
                hint="fix those lines, or pass --skip-bad to import the others",
            )
        if batch:
            conn.execute(insert(resolver_requests), batch)
            result.imported += len(batch)
    return result
