"""``erdq logs import``: a resolver's existing request log into ``resolver_requests``.

One request per line: an OpenURL query string (or a full resolver URL), optionally after
an ISO 8601 timestamp and white space (``2024-05-01T10:15:00Z<TAB>issn=...``); a stamp with
an offset is converted to UTC, one without a zone is read as UTC, and a line without a
stamp is logged at the time of the import. Blank lines and lines starting with ``#`` are
skipped. Each request is resolved against the store's current holdings as of its own date
(embargoes move), or ``today`` when given. A file already imported (same sha256) is
refused unless ``again`` is set.
The import is one transaction: a file with bad lines is refused whole, with every bad
line named, unless ``skip_bad`` is set, in which case they are left out and counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from erdq.errors import InputError
from erdq.openurl import parse_openurl
from erdq.resolver.log import request_row
from erdq.resolver.resolve import Resolver
from erdq.store.db import db_errors, write_transaction
from erdq.store.schema import resolver_requests

# A line is timestamped when it starts with a date; the stamp must then be one ISO 8601
# token (a space between date and time is allowed) followed by white space.
# ISO 8601 extended (2024-05-01T10:15:00Z) or basic (20240501T101500Z) format; the basic
# form needs its T, as eight digits alone may be anything.
_DATE_START_RE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}T\d{4}", re.IGNORECASE)
_STAMP_RE = re.compile(
    r"(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
    r"|\d{8}T\d{4}(?:\d{2}(?:[.,]\d+)?)?)"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
# 24:00 (ISO 8601: the end of a day) is the next day's 00:00.
_END_OF_DAY_RE = re.compile(r"([T ])24(:?)00(?:(:?)00(?:[.,]0+)?)?", re.IGNORECASE)
_TIME_AFTER_SPACE_RE = re.compile(r"(\d{2}:\d{2}\S*)(?:\s+(.*))?$", re.DOTALL)
_CHUNK = 2000
MAX_SHOWN = 20  # bad lines listed in an error message
ORIGIN = "import:"  # + the file's sha256: which file each imported request came from


@dataclass
class LogImport:
    path: str
    imported: int = 0
    skipped: int = 0  # blank and comment lines
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, problem)
    outcomes: dict[str, int] = field(default_factory=dict)
    sha256: str = ""
    undated: int = 0  # lines without a timestamp, logged at the time of the import


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
            yield number, text.strip().lstrip("\ufeff")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_log_line(text: str) -> tuple[dt.datetime | None, str]:
    """(timestamp in UTC or None, query); raises ValueError with the problem for a bad line.

    A timestamp with an offset is converted to UTC; one without a zone is read as UTC.
    """
    if not _DATE_START_RE.match(text):
        first, *rest = text.split(None, 1)
        if "=" not in first and "?" not in first and rest:
            raise ValueError(
                f"starts with {first!r}, which is neither an ISO 8601 timestamp"
                " nor part of an OpenURL"
            )
        if "=" not in text:
            raise ValueError("not an OpenURL query string (no key=value pair)")
        return None, text
    parts = text.split(None, 1)
    token, rest = parts[0], parts[1] if len(parts) > 1 else ""
    if len(token) == 10 and rest:  # "2024-05-01 10:15:00 issn=...": date, space, time
        m = _TIME_AFTER_SPACE_RE.match(rest)
        if m:
            token, rest = f"{token} {m[1]}", m[2] or ""
    if not _STAMP_RE.fullmatch(token):
        shown = token if len(token) <= 40 else token[:40] + "…"
        raise ValueError(
            f"{shown!r} is not an ISO 8601 timestamp followed by white space"
            " (put a space or tab between the timestamp and the OpenURL)"
        )
    text_stamp, end_of_day = _END_OF_DAY_RE.subn(r"\g<1>00\g<2>00", token.upper(), count=1)
    try:
        stamp = dt.datetime.fromisoformat(text_stamp.replace(",", "."))
    except ValueError:
        raise ValueError(f"{token!r} is not a valid ISO 8601 timestamp") from None
    if end_of_day:
        stamp += dt.timedelta(days=1)
    # The store keeps UTC: an offset is applied, not dropped.
    stamp = stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)
    query = rest.strip()
    if not query:
        raise ValueError("a timestamp but no OpenURL")
    if "=" not in query:
        raise ValueError("not an OpenURL query string (no key=value pair)")
    return stamp, query


def import_log(
    engine: Engine,
    resolver: Resolver,
    path: str | Path,
    *,
    today: dt.date | None = None,
    skip_bad: bool = False,
    again: bool = False,
) -> LogImport:
    """Resolve and store every request of the log at ``path``, in one transaction.

    A file whose content (sha256) was imported before is refused, since its requests would
    be counted twice, unless ``again`` is set. Requests are stored with origin
    ``import:<sha256>``, so the rows of one file can be found (and removed) later.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file", hint="name a log file, one OpenURL per line")
    result = LogImport(str(path), sha256=file_sha256(p))
    origin = ORIGIN + result.sha256
    now = dt.datetime.now(dt.UTC)
    with db_errors(f"importing {p.name}", engine), write_transaction(engine) as conn:
        if not again:
            _refuse_if_imported(conn, path, origin)
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
            if stamp is None:
                result.undated += 1
            at = stamp or now
            resolution = resolver.resolve(parse_openurl(query), today=today or at.date())
            result.outcomes[resolution.outcome] = result.outcomes.get(resolution.outcome, 0) + 1
            batch.append(request_row(resolution, query=query, origin=origin, at=at))
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


def _refuse_if_imported(conn: Connection, path: str | Path, origin: str) -> None:
    r = resolver_requests.c
    count = conn.execute(select(func.count()).where(r.origin == origin)).scalar_one()
    if count:
        raise InputError(
            f"{path} has already been imported: the request log holds {count} request(s)"
            f" from a file with the same content (sha256 {origin[len(ORIGIN) :][:12]}…);"
            " importing it again would count each of them twice",
            hint="pass --again to import it anyway",
        )


def import_log_file(
    path: str | Path,
    *,
    db: str | None = None,
    today: dt.date | None = None,
    skip_bad: bool = False,
    again: bool = False,
) -> LogImport:
    """``import_log`` into the store at ``db`` (which must exist), against its holdings."""
    from erdq.resolver.index import load_index
    from erdq.store import open_store

    with open_store(db, create=False) as opened:
        resolver = Resolver(load_index(opened.engine))
        return import_log(
            opened.engine, resolver, path, today=today, skip_bad=skip_bad, again=again
        )
