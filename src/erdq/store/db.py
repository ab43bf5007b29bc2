"""Engines for the store: URL handling, SQLite set-up, write transactions, error wrapping.

SQLite runs in WAL mode (readers never block the writer, nor it them) with foreign keys
on. sqlite3's legacy transaction handling is switched off so that SQLAlchemy's BEGIN is
real: reads see one consistent snapshot and DDL is transactional. A write transaction
starts with BEGIN IMMEDIATE, taking the single writer lock before reading anything, so
two writers queue instead of one failing half-way through an import.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from erdq.errors import StoreError

WRITE = "erdq_write"  # execution option: this connection's transaction will write

# Finding params may hold dates or other small values; store their text rather than fail.
_dumps = partial(json.dumps, ensure_ascii=False, separators=(",", ":"), default=str)


def normalise_url(url: str) -> URL:
    """A SQLAlchemy URL; a bare path means a SQLite file, and plain postgresql: psycopg 3."""
    if "://" not in url:
        return URL.create("sqlite", database=str(Path(url).expanduser()))
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"not a database URL: {url!r}",
            hint="use sqlite:///path/to/erdq.sqlite or postgresql+psycopg://user@host/db",
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str) -> Engine:
    parsed = normalise_url(url)
    try:
        engine = create_engine(parsed, json_serializer=_dumps)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(
            f"cannot use database {parsed.render_as_string(hide_password=True)}: {exc}",
            hint="PostgreSQL needs the extra: pip install 'erdq[postgres]'",
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (_sqlite_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough in WAL mode, much faster
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that commits on success and rolls back on any exception (Ctrl-C too)."""
    with engine.connect() as conn:
        conn = conn.execution_options(**{WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def db_errors(action: str, engine: Engine) -> Iterator[None]:
    """Turn database failures into StoreError; everything else passes through unchanged."""
    try:
        yield
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        original = getattr(exc, "orig", None) or exc
        raise StoreError(f"{action} failed on {where}: {original}", hint=_hint(exc)) from exc


def _hint(exc: SQLAlchemyError) -> str | None:
    text = str(exc).lower()
    if "database is locked" in text:
        return "another erdq process is writing to this store; try again when it has finished"
    if "connection" in text and ("refused" in text or "failed" in text):
        return "is the database server running, and is the URL (--db / ERDQ_DB) right?"
    if "no schema has been selected" in text:
        return "the schema named by search_path does not exist; create it first (CREATE SCHEMA)"
    if "unable to open database file" in text:
        return "check that the folder of the SQLite file exists and is writable"
    return None


def refresh_statistics(engine: Engine, *tables: str) -> None:
    """Let PostgreSQL's planner know the size of tables a bulk import just filled.

    Autovacuum analyses new rows only after a while; until then the planner takes a
    freshly imported million-row snapshot for a few hundred rows and picks nested loops
    for the linkage joins. Run after the import committed; a failure (no privilege) only
    costs speed, so it is ignored. SQLite's planner does well without statistics.
    """
    if engine.dialect.name != "postgresql" or not tables:
        return
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE " + ", ".join(tables))
    except SQLAlchemyError:
        pass
