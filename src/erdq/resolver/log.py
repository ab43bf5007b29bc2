"""The request log: every resolution as a row of ``resolver_requests``, written in batches.

``RequestLog.record`` only appends to a list in memory; a background thread writes what
has gathered every ``interval`` seconds (or sooner, once ``batch`` rows wait) in one
``executemany`` transaction, so logging costs a request microseconds, not a disk sync.
``close`` (or leaving the ``with`` block) writes the rest. Rows still unwritten when the
process is killed are lost: the log is for statistics, not an audit trail.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, insert

from erdq.resolver.resolve import Resolution
from erdq.store.db import db_errors, write_transaction
from erdq.store.schema import resolver_requests

MAX_QUERY = 4000  # characters of the raw request kept in the log


def request_row(
    resolution: Resolution, *, query: str | None, origin: str, at: dt.datetime | None = None
) -> dict[str, Any]:
    c = resolution.citation
    issns = c.all_issns
    return {
        "requested_at": at or dt.datetime.now(dt.UTC),
        "origin": origin,
        "source": c.source,
        "genre": c.genre,
        "issn": issns[0] if issns else None,
        "isbn": c.isbns[0] if c.isbns else None,
        "doi": c.doi,
        "journal": c.container_title or _matched_title(resolution),
        "article": c.atitle,
        "date": str(c.date) if c.date else None,
        "volume": c.volume,
        "issue": c.issue,
        "outcome": resolution.outcome,
        "reason": resolution.reason,
        "services": len(resolution.services),
        "citation": c.to_dict(),
        "query": query[:MAX_QUERY] if query else None,
    }


def _matched_title(resolution: Resolution) -> str | None:
    """The title of the first holding matched, for a request that cites no title (an ISSN
    alone): reports then name the journal, not its ISSN."""
    return next((c.holding.title for c in resolution.candidates if c.holding is not None), None)


def write_rows(engine: Engine, rows: Iterable[dict[str, Any]], *, chunk: int = 2000) -> int:
    """Insert rows in one transaction (all or nothing); returns how many."""
    count = 0
    with db_errors("writing the request log", engine), write_transaction(engine) as conn:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                conn.execute(insert(resolver_requests), batch)
                count += len(batch)
                batch = []
        if batch:
            conn.execute(insert(resolver_requests), batch)
            count += len(batch)
    return count


class RequestLog:
    def __init__(self, engine: Engine, *, batch: int = 500, interval: float = 1.0) -> None:
        self.engine = engine
        self.batch = batch
        self.interval = interval
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = False
        self.written = 0
        self.errors = 0
        self._thread = threading.Thread(target=self._run, name="erdq-request-log", daemon=True)
        self._thread.start()

    def record(self, resolution: Resolution, *, query: str | None, origin: str = "live") -> None:
        row = request_row(resolution, query=query, origin=origin)
        with self._lock:
            self._pending.append(row)
            full = len(self._pending) >= self.batch
        if full:
            self._wake.set()

    def flush(self) -> None:
        with self._lock:
            rows, self._pending = self._pending, []
        if rows:
            try:
                self.written += write_rows(self.engine, rows)
            except Exception:  # a full disk must not take the resolver down with it
                self.errors += len(rows)

    def _run(self) -> None:
        while not self._stop:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()

    def close(self) -> None:
        self._stop = True
        self._wake.set()
        self._thread.join(timeout=30)
        self.flush()

    def __enter__(self) -> RequestLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
