"""A temporary on-disk table space for facts that span a whole file.

Cross-row checks (duplicates, shared identifiers, overlapping coverage) must remember
every row until the end of the file. Keeping that in Python objects costs about a
kilobyte per row; a temporary SQLite file keeps memory flat whatever the file size, and
its GROUP BY finds the few keys that occur more than once. Rows are buffered and
written in batches; the file is deleted when the check ends.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

BATCH = 5000


class Scratch:
    def __init__(self, directory: str | None = None) -> None:
        self._directory = directory  # None: the system's temporary folder
        self._conn: sqlite3.Connection | None = None
        self._path: str | None = None
        self._buffers: dict[str, list[Sequence[Any]]] = {}
        self._inserts: dict[str, str] = {}

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            fd, self._path = tempfile.mkstemp(
                prefix="erdq-", suffix=".scratch.sqlite", dir=self._directory
            )
            os.close(fd)
            conn = sqlite3.connect(self._path, isolation_level=None)
            # Nothing here needs to survive a crash: no journal, no fsync.
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA temp_store=FILE")
            conn.execute("PRAGMA cache_size=-16000")  # 16 MB page cache
            self._conn = conn
        return self._conn

    def table(self, name: str, columns: Sequence[str]) -> None:
        self._db().execute(f"CREATE TABLE {name} ({', '.join(columns)})")
        marks = ", ".join("?" for _ in columns)
        self._inserts[name] = f"INSERT INTO {name} VALUES ({marks})"
        self._buffers[name] = []

    def add(self, name: str, row: Sequence[Any]) -> None:
        buffer = self._buffers[name]
        buffer.append(row)
        if len(buffer) >= BATCH:
            self.flush(name)

    def flush(self, name: str | None = None) -> None:
        names = [name] if name else list(self._buffers)
        conn = self._db()
        for n in names:
            buffer = self._buffers[n]
            if buffer:
                conn.execute("BEGIN")
                conn.executemany(self._inserts[n], buffer)
                conn.execute("COMMIT")
                buffer.clear()

    def query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple]:
        self.flush()
        yield from self._db().execute(sql, params)

    @property
    def path(self) -> str | None:
        """The file behind this table space (None until something was written)."""
        return self._path

    def copy_from(self, path: str) -> None:
        """Append the rows of another table space with the same tables (a worker's)."""
        self.flush()
        conn = self._db()
        conn.execute("ATTACH DATABASE ? AS other", (path,))
        try:
            conn.execute("BEGIN")
            for name in self._inserts:
                conn.execute(f"INSERT INTO main.{name} SELECT * FROM other.{name}")
            conn.execute("COMMIT")
        finally:
            conn.execute("DETACH DATABASE other")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._path)
            self._path = None
