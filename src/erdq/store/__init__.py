"""The workspace store: collections, their dated snapshots, portfolios and findings.

SQLite by default (``erdq.sqlite`` in the current directory), or any URL given by ``--db``
or ``ERDQ_DB``, e.g. ``postgresql+psycopg://user@host/db``; add
``?options=-csearch_path%3Dname`` to keep the store in a PostgreSQL schema of its own.
``open_store`` brings the schema up to date before returning.
"""

from __future__ import annotations

import os

from erdq.store.db import make_engine
from erdq.store.importer import ImportResult
from erdq.store.migrate import upgrade
from erdq.store.workspace import Store

__all__ = ["ImportResult", "Store", "default_url", "open_store"]

DEFAULT_URL = "sqlite:///erdq.sqlite"


def default_url() -> str:
    return os.environ.get("ERDQ_DB") or DEFAULT_URL


def open_store(url: str | None = None) -> Store:
    engine = make_engine(url or default_url())
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
