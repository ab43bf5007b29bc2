"""The workspace store: collections, their dated snapshots, portfolios and findings.

SQLite by default (``erdq.sqlite`` in the current directory), or any URL given by ``--db``
or ``ERDQ_DB``, e.g. ``postgresql+psycopg://user@host/db``; add
``?options=-csearch_path%3Dname`` to keep the store in a PostgreSQL schema of its own.
``open_store`` brings the schema up to date before returning.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine

from erdq.errors import StoreError
from erdq.store.db import make_engine
from erdq.store.importer import ImportResult
from erdq.store.migrate import current_revisions, upgrade
from erdq.store.workspace import Store

__all__ = ["ImportResult", "Store", "default_url", "open_store"]

DEFAULT_URL = "sqlite:///erdq.sqlite"


def default_url() -> str:
    return os.environ.get("ERDQ_DB") or DEFAULT_URL


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """The store at ``url`` (default: ``ERDQ_DB`` or ./erdq.sqlite), its schema brought up to
    date. With ``create`` false, a store that does not exist yet is an error rather than a
    new empty one: a command that only reads it (the resolver, a report) would otherwise
    answer from an empty store, and a mistyped path would look like a library with no
    holdings."""
    url = url or default_url()
    engine = make_engine(url)
    try:
        if not create and (_missing_file(engine) or not current_revisions(engine)):
            raise StoreError(
                f"there is no erdq store at {_shown(engine)}",
                hint="check --db or ERDQ_DB, or create the store with an import first: "
                "erdq import kbart --collection NAME FILE",
            )
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


def _missing_file(engine: Engine) -> bool:
    # Checked before connecting: connecting to SQLite creates the file.
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    return bool(database) and database != ":memory:" and not Path(database).exists()


def _shown(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return engine.url.database or "(an in-memory SQLite database)"
    return engine.url.render_as_string(hide_password=True)
