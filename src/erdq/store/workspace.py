"""The ``Store``: imports and the read queries the CLI, reports and web app use.

Queries return plain dicts (collections, snapshots, findings in the finding schema) or
``Portfolio`` objects. Portfolios are rebuilt from each stored row's ``raw`` values with
``row_to_portfolio``, the function the import used, so they equal the imported ones; the
portfolio columns exist for SQL queries. Long results are streamed, never loaded whole.
Naming a collection that does not exist raises ``StoreError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, func, select

from erdq.config import Settings
from erdq.engine import Progress
from erdq.errors import StoreError
from erdq.model.portfolio import Portfolio, row_to_portfolio
from erdq.store import importer
from erdq.store.db import db_errors
from erdq.store.importer import ImportResult
from erdq.store.schema import collections, findings, portfolios, snapshots

_STREAM = 1000  # rows fetched at a time when streaming portfolios or findings
_FINDING_COLUMNS = (
    "code", "name", "severity", "level", "source", "line", "record_id", "offset", "field",
    "subfield", "value", "message", "confidence", "fingerprint", "params",
)  # fmt: skip


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def import_kbart(
        self,
        path: str | Path,
        *,
        collection: str,
        vendor: str | None = None,
        settings: Settings | None = None,
        today: dt.date | Callable[[], dt.date] | None = None,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Check and store one KBART file as a new snapshot of ``collection``, atomically."""
        return importer.import_kbart(
            self.engine,
            path,
            collection=collection,
            vendor=vendor,
            settings=settings,
            today=today,
            progress=progress,
        )

    def collections(self) -> list[dict[str, Any]]:
        """Every collection, with its number of snapshots and the id of the latest."""
        per = (
            select(
                snapshots.c.collection_id,
                func.count().label("snapshots"),
                func.max(snapshots.c.id).label("latest_snapshot_id"),
            )
            .group_by(snapshots.c.collection_id)
            .subquery()
        )
        query = (
            select(collections, per.c.snapshots, per.c.latest_snapshot_id)
            .outerjoin(per, per.c.collection_id == collections.c.id)
            .order_by(collections.c.name)
        )
        with self._read("listing collections") as conn:
            out = []
            for row in conn.execute(query).mappings():
                item = dict(row)
                item["created_at"] = _utc(item["created_at"])
                item["snapshots"] = item["snapshots"] or 0
                out.append(item)
            return out

    def snapshots(self, collection: str | None = None) -> list[dict[str, Any]]:
        """Snapshots, oldest first; each names its collection."""
        query = _snapshot_query().order_by(snapshots.c.id)
        with self._read("listing snapshots") as conn:
            if collection is not None:
                query = query.where(snapshots.c.collection_id == _collection_id(conn, collection))
            return [_snapshot(row) for row in conn.execute(query).mappings()]

    def latest_snapshot(self, collection: str) -> dict[str, Any] | None:
        with self._read("reading the latest snapshot") as conn:
            query = (
                _snapshot_query()
                .where(snapshots.c.collection_id == _collection_id(conn, collection))
                .order_by(snapshots.c.id.desc())
                .limit(1)
            )
            row = conn.execute(query).mappings().first()
            return _snapshot(row) if row is not None else None

    def portfolios(self, collection: str, snapshot_id: int | None = None) -> Iterator[Portfolio]:
        """The portfolios of one snapshot (default: the latest, i.e. current) in file order."""
        with self._read("reading portfolios") as conn:
            collection_id = _collection_id(conn, collection)
            if snapshot_id is None:
                snapshot_id = conn.execute(
                    select(func.max(snapshots.c.id)).where(
                        snapshots.c.collection_id == collection_id
                    )
                ).scalar()
                if snapshot_id is None:
                    return
            elif _snapshot_collection(conn, snapshot_id) != collection_id:
                raise StoreError(f"snapshot {snapshot_id} is not a snapshot of {collection!r}")
            query = (
                select(portfolios.c.line, portfolios.c.raw)
                .where(portfolios.c.snapshot_id == snapshot_id)
                .order_by(portfolios.c.id)
            )
            for line, raw in conn.execution_options(yield_per=_STREAM).execute(query):
                yield row_to_portfolio(raw, collection, line)

    def findings(self, snapshot_id: int) -> Iterator[dict[str, Any]]:
        """A snapshot's findings in the finding schema (``Finding.to_dict``) plus ``params``."""
        with self._read("reading findings") as conn:
            if _snapshot_collection(conn, snapshot_id) is None:
                raise StoreError(f"there is no snapshot {snapshot_id}")
            query = (
                select(*(findings.c[name] for name in _FINDING_COLUMNS))
                .where(findings.c.snapshot_id == snapshot_id)
                .order_by(findings.c.id)
            )
            for row in conn.execution_options(yield_per=_STREAM).execute(query).mappings():
                yield dict(row)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        tables = (collections, snapshots, portfolios, findings)
        with self._read("counting rows") as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in tables
            }

    @contextmanager
    def _read(self, action: str) -> Iterator[Connection]:
        with db_errors(action, self.engine), self.engine.connect() as conn:
            yield conn


def _collection_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(collections.c.id).where(collections.c.name == name)).scalar()
    if found is None:
        raise StoreError(
            f"there is no collection named {name!r}",
            hint=f"import one with: erdq import kbart --collection {name!r} FILE",
        )
    return found


def _snapshot_collection(conn: Connection, snapshot_id: int) -> int | None:
    return conn.execute(
        select(snapshots.c.collection_id).where(snapshots.c.id == snapshot_id)
    ).scalar()


def _snapshot_query() -> Any:
    return select(snapshots, collections.c.name.label("collection")).join(
        collections, collections.c.id == snapshots.c.collection_id
    )


def _snapshot(row: RowMapping) -> dict[str, Any]:
    item = dict(row)
    item["imported_at"] = _utc(item["imported_at"])
    return item


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite keeps no time zone; every stored time is UTC, so say so.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
