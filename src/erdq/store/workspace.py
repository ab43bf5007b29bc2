"""The ``Store``: imports and the read queries the CLI, reports and web app use.

Queries return plain dicts (collections, snapshots, records, findings in the finding
schema) or ``Portfolio`` objects. Portfolios are rebuilt from each stored row's ``raw`` values with
``row_to_portfolio``, the function the import used, so they equal the imported ones; the
portfolio columns exist for SQL queries. Long results are streamed, never loaded whole.
Naming a collection that does not exist raises ``StoreError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pymarc
from sqlalchemy import Connection, Engine, RowMapping, func, select

from erdq.config import Settings
from erdq.engine import Progress
from erdq.errors import StoreError
from erdq.model.portfolio import Portfolio, row_to_portfolio
from erdq.store import importer
from erdq.store.db import db_errors
from erdq.store.importer import ImportResult
from erdq.store.linking import (
    LinkQueries,
    batch_snapshots,
    latest_kbart_snapshot,
    latest_marc_batches,
)
from erdq.store.linking import collection_id as _collection_id
from erdq.store.schema import (
    collections,
    findings,
    portfolios,
    record_identifiers,
    records,
    snapshots,
)

if TYPE_CHECKING:
    from erdq.store.marc_import import MarcImportResult

_STREAM = 1000  # rows fetched at a time when streaming portfolios or findings
_RECORD_COLUMNS = (
    "id", "snapshot_id", "ordinal", "offset", "record_id", "title", "title_key",
    "short_title_key", "title_block", "author_key", "year", "format", "online", "url",
    "completeness",
)  # fmt: skip
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
        refuse_suspicious: bool = False,
    ) -> ImportResult:
        """Check and store one KBART file as a new snapshot of ``collection``, atomically.
        ``refuse_suspicious``: raise ``InputError`` and store nothing for a delivery with
        less than half the rows of the current one, or dated before it."""
        return importer.import_kbart(
            self.engine,
            path,
            collection=collection,
            vendor=vendor,
            settings=settings,
            today=today,
            progress=progress,
            refuse_suspicious=refuse_suspicious,
        )

    def import_marc(
        self,
        paths: str | Path | Sequence[str | Path],
        *,
        collection: str | None = None,
        vendor: str | None = None,
        settings: Settings | None = None,
        today: dt.date | Callable[[], dt.date] | None = None,
        progress: Progress | None = None,
    ) -> MarcImportResult:
        """Check and store MARC files as a new batch of ``collection`` (default: a collection
        per file, named after it), all in one transaction (``erdq.store.marc_import``)."""
        from erdq.store import marc_import

        return marc_import.import_marc(
            self.engine,
            [paths] if isinstance(paths, str | Path) else list(paths),
            collection=collection,
            vendor=vendor,
            settings=settings,
            today=today,
            progress=progress,
        )

    def collections(self) -> list[dict[str, Any]]:
        """Every collection, with its number of snapshots (of both kinds), the id of its
        latest KBART snapshot and its latest MARC batch (None when it has none)."""
        per = (
            select(
                snapshots.c.collection_id,
                func.count().label("snapshots"),
                func.max(snapshots.c.id)
                .filter(snapshots.c.kind == "kbart")
                .label("latest_snapshot_id"),
                func.max(snapshots.c.batch)
                .filter(snapshots.c.kind == "marc")
                .label("latest_marc_batch"),
            )
            .group_by(snapshots.c.collection_id)
            .subquery()
        )
        query = (
            select(collections, per.c.snapshots, per.c.latest_snapshot_id, per.c.latest_marc_batch)
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

    def latest_snapshot(self, collection: str, kind: str = "kbart") -> dict[str, Any] | None:
        """The collection's latest snapshot of ``kind`` (kbart, or marc)."""
        with self._read("reading the latest snapshot") as conn:
            query = (
                _snapshot_query()
                .where(
                    snapshots.c.collection_id == _collection_id(conn, collection),
                    snapshots.c.kind == kind,
                )
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
                snapshot_id = latest_kbart_snapshot(conn, collection_id)
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

    def marc_batch(self, collection: str, batch: int | None = None) -> list[dict[str, Any]]:
        """The snapshots (one per file) of a MARC batch of ``collection``: by default its
        latest, i.e. current, one; empty when it has no MARC records."""
        with self._read("reading MARC snapshots") as conn:
            collection_id = _collection_id(conn, collection)
            if batch is None:
                batch = latest_marc_batches(conn, collection_id).get(collection_id)
                if batch is None:
                    return []
            ids = [
                r["id"]
                for r in batch_snapshots(conn, [batch])
                if r["collection_id"] == collection_id
            ]
            if not ids:
                raise StoreError(f"batch {batch} is not a MARC batch of {collection!r}")
            query = _snapshot_query().where(snapshots.c.id.in_(ids)).order_by(snapshots.c.id)
            return [_snapshot(row) for row in conn.execute(query).mappings()]

    def records(self, collection: str, batch: int | None = None) -> Iterator[dict[str, Any]]:
        """The records of a MARC batch of ``collection`` (default: the current one), in
        file order, as dicts of their stored keys plus ``identifiers``: (kind, value,
        source, role) tuples. ``marc_record(id)`` gives the record itself."""
        snapshot_ids = [s["id"] for s in self.marc_batch(collection, batch)]
        if not snapshot_ids:
            return
        with self._read("reading records") as conn:
            query = (
                select(*(records.c[name] for name in _RECORD_COLUMNS))
                .where(records.c.snapshot_id.in_(snapshot_ids))
                .order_by(records.c.snapshot_id, records.c.ordinal)
            )
            stream = conn.execution_options(yield_per=_STREAM).execute(query).mappings()
            while chunk := stream.fetchmany(_STREAM):
                idents: dict[int, list[tuple[str, str, str, str | None]]] = {}
                ri = record_identifiers
                for pk, kind, value, source, role in conn.execute(
                    select(ri.c.record_pk, ri.c.kind, ri.c.value, ri.c.source, ri.c.role)
                    .where(ri.c.record_pk.in_([row["id"] for row in chunk]))
                    .order_by(ri.c.id)
                ):
                    idents.setdefault(pk, []).append((kind, value, source, role))
                for row in chunk:
                    item = dict(row)
                    item["identifiers"] = idents.get(item["id"], [])
                    yield item

    def marc_record(self, record_pk: int) -> pymarc.Record:
        """A stored record as a ``pymarc.Record``, rebuilt from its ISO 2709 bytes (with
        erdq's reader, so the encoding is decided as at import) or its MARC-in-JSON."""
        with self._read("reading a record") as conn:
            row = conn.execute(
                select(records.c.raw, records.c.marc).where(records.c.id == record_pk)
            ).first()
        if row is None:
            raise StoreError(f"there is no record {record_pk}")
        raw, marc = row
        if raw is not None:
            from erdq.readers.iso2709 import parse_record

            parsed = parse_record(bytes(raw), 0, [])
            if parsed.record is None:
                raise StoreError(f"record {record_pk} cannot be parsed from its stored bytes")
            return parsed.record
        from erdq.readers.marcjson import _marc_in_json

        record = _marc_in_json(marc).record
        if record is None:  # pragma: no cover - what was stored was read as a record
            raise StoreError(f"record {record_pk} cannot be rebuilt from its MARC-in-JSON")
        return record

    @contextmanager
    def link_queries(self) -> Iterator[LinkQueries]:
        """The linkage queries (``erdq.store.linking``) over one connection."""
        with self._read("linking portfolios to records") as conn:
            yield LinkQueries(conn)

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        tables = (collections, snapshots, portfolios, findings, records, record_identifiers)
        with self._read("counting rows") as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in tables
            }

    @contextmanager
    def _read(self, action: str) -> Iterator[Connection]:
        with db_errors(action, self.engine), self.engine.connect() as conn:
            yield conn


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
