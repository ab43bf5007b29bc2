"""An index of the catalogue's records by matching key, kept on disk.

A catalogue of a million records has several million keys; Python dictionaries of them
would take gigabytes, so the keys go, as 64-bit hashes, into a temporary SQLite table
with one index, and each record's place in its file is kept beside them. A candidate
found through a hash is re-read and its keys recomputed before it counts, so a hash
collision can never make a match.

Records are re-read by byte offset from an ISO 2709 file; records of other formats
(MARCXML, .mrk, JSON), which have no stable offsets, are copied once into a temporary
file (pickled) as the index is built.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pymarc

from erdq.cataloguing.match_keys import RecordKeys, record_keys
from erdq.errors import InputError
from erdq.marc_convert import indicators_as_read
from erdq.readers.marc import MarcReader

__all__ = [
    "KIND_CANCELLED",
    "KIND_ISBN",
    "KIND_ISSN",
    "KIND_SYSTEM",
    "KIND_TITLE",
    "PARTIAL",
    "UNREADABLE",
    "KeyIndex",
    "ReadProblem",
    "has_key",
]

KIND_SYSTEM, KIND_CANCELLED, KIND_ISBN, KIND_ISSN, KIND_TITLE = "s", "z", "i", "n", "t"
BATCH = 5_000
# Reader codes that change what can be matched: a record lost (MR101), or read only in
# part (MR105: the file ends inside it; MR108: its directory lists fields its data lacks).
UNREADABLE = frozenset({"MR101"})
PARTIAL = frozenset({"MR105", "MR108"})


def key_hash(kind: str, value: str) -> int:
    digest = hashlib.blake2b(f"{kind}\x1f{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)  # SQLite integers are signed


def index_values(keys: RecordKeys) -> list[tuple[str, str]]:
    """(kind, value) pairs under which a record is found."""
    out = [(KIND_SYSTEM, f"{org}\x1f{num}") for org, num in keys.system_keys()]
    out += [(KIND_CANCELLED, f"{org}\x1f{num}") for org, num in keys.cancelled_keys()]
    out += [(KIND_ISBN, value) for value in keys.isbns]
    out += [(KIND_ISSN, value) for value in keys.issns]
    if keys.title_key:
        out.append((KIND_TITLE, keys.title_key))
    return out


def has_key(keys: RecordKeys, kind: str, value: str) -> bool:
    """Whether a record's keys hold (kind, value) as the index stores it."""
    if kind == KIND_SYSTEM:
        return tuple(value.split("\x1f", 1)) in keys.system_keys()
    if kind == KIND_CANCELLED:
        return tuple(value.split("\x1f", 1)) in keys.cancelled_keys()
    if kind == KIND_ISBN:
        return value in keys.isbns
    if kind == KIND_ISSN:
        return value in keys.issns
    return value == keys.title_key


@dataclass(slots=True)
class ReadProblem:
    """What the reader said about a record or the file (code as in the MR rules)."""

    code: str
    ordinal: int | None
    record_id: str | None
    params: dict[str, object] = field(default_factory=dict)

    @property
    def partial(self) -> bool:
        return self.code in PARTIAL

    def describe(self) -> str:
        if self.ordinal is None:  # about the file: the rule's own message says it best
            from erdq.registry import get_rule

            try:
                rule = get_rule(self.code)
                params = {k: v for k, v in self.params.items() if k != "value"}
                return f"[{self.code}] " + rule.render(params, str(self.params.get("value", "")))
            except (KeyError, ValueError, IndexError):
                pass
        what = "read only in part" if self.partial else "could not be read"
        reason = self.params.get("reason")
        return f"{what} [{self.code}]" + (f": {reason}" if reason else "")

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "partial": self.partial,
            "record": self.ordinal,
            "001": self.record_id,
            **{k: str(v) for k, v in self.params.items()},
        }


class KeyIndex:
    """The keys of every record of one MARC file; ``find`` and ``record`` look them up.

    Use as a context manager: the temporary files go when it closes.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.records = 0
        self.unparseable = 0
        self.format: str | None = None
        self.problems: list[ReadProblem] = []
        self.partial: set[int] = set()  # records read only in part
        # {ordinal: {field position: indicator area as read}} for the few records with a
        # field whose indicator area was not two characters, so a merge can write it so.
        self.indicators_as_read: dict[int, dict[int, str]] = {}
        self._dir = tempfile.TemporaryDirectory(prefix="erdq-match-")
        self._db = sqlite3.connect(Path(self._dir.name) / "keys.sqlite")
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-65536"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE k (h INTEGER NOT NULL, o INTEGER NOT NULL)")
        self._db.execute(
            "CREATE TABLE r (o INTEGER PRIMARY KEY, pos INTEGER, len INTEGER, id TEXT)"
        )
        self._spill = None
        self._file = None
        self._keys = lru_cache(maxsize=4096)(self._record_keys)
        # A matched record is read to check the match, compare it and merge it: the last
        # few are kept (as the reader made them; do not change them).
        self.record = lru_cache(maxsize=64)(self._read)

    def __enter__(self) -> KeyIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for fh in (self._file, self._spill):
            if fh is not None:
                fh.close()
        self._db.close()
        self._dir.cleanup()

    def _report(self, code: str, ordinal: int | None, **params: object) -> None:
        record_id = params.pop("record_id", None)
        params.pop("offset", None)
        # Notes on records that were read are the validator's business; a record that
        # could not be read, or a file-level problem, changes what can be matched.
        if ordinal is None or code in UNREADABLE | PARTIAL:
            self.problems.append(ReadProblem(code, ordinal, record_id, params))
            if code in PARTIAL and ordinal is not None:
                self.partial.add(ordinal)

    def build(self, progress: Callable[[int], None] | None = None) -> None:
        reader = MarcReader(self.path, self._report)
        keys_batch: list[tuple[int, int]] = []
        rows: list[tuple[int, int, int, str | None]] = []
        for n, item in enumerate(reader, 1):
            if self.format is None:
                self.format = item.format
                if item.format != "iso2709":
                    self._spill = open(Path(self._dir.name) / "records.pickle", "w+b")  # noqa: SIM115
            if item.format == "iso2709" and item.offset is not None and item.raw is not None:
                pos, length = item.offset, len(item.raw)
            else:
                data = pickle.dumps(item.record, protocol=pickle.HIGHEST_PROTOCOL)
                assert self._spill is not None
                pos = self._spill.tell()
                self._spill.write(data)
                length = len(data)
            rows.append((item.ordinal, pos, length, item.record_id))
            as_read = indicators_as_read(item)
            if as_read:
                self.indicators_as_read[item.ordinal] = as_read
            keys_batch += [
                (key_hash(kind, value), item.ordinal)
                for kind, value in index_values(record_keys(item.record))
            ]
            if len(rows) >= BATCH:
                self._flush(rows, keys_batch)
            if progress is not None and n % 500 == 0:
                progress(reader.progress)
        self._flush(rows, keys_batch)
        self._db.execute("CREATE INDEX k_h ON k (h, o)")
        self._db.execute("CREATE INDEX r_id ON r (id)")
        self._db.commit()
        self.records = reader.records
        self.unparseable = reader.unparseable
        self.format = reader.format
        if progress is not None:
            progress(reader.progress)
        if self._spill is not None:
            self._spill.flush()

    def _flush(self, rows: list, keys_batch: list) -> None:
        self._db.executemany("INSERT INTO r VALUES (?, ?, ?, ?)", rows)
        self._db.executemany("INSERT INTO k VALUES (?, ?)", keys_batch)
        rows.clear()
        keys_batch.clear()

    def find(
        self, pairs: Iterable[tuple[str, str]], limit: int = 20
    ) -> dict[tuple[str, str], list[int]]:
        """Record ordinals under each (kind, value), by hash only: confirm with ``keys``.

        At most ``limit + 1`` per key, so that a value on thousands of records (a bogus
        ISBN, "Proceedings") costs no more than one on two: more than ``limit`` means
        "many" to the caller, who can ask ``has`` about one record.
        """
        out: dict[tuple[str, str], list[int]] = {}
        query = "SELECT o FROM k WHERE h = ? ORDER BY o LIMIT ?"
        for pair in dict.fromkeys(pairs):
            found = [row[0] for row in self._db.execute(query, (key_hash(*pair), limit + 1))]
            if found:
                out[pair] = list(dict.fromkeys(found))
        return out

    def has(self, kind: str, value: str, ordinal: int) -> bool:
        """Whether record ``ordinal`` is found under (kind, value), keys confirmed."""
        row = self._db.execute(
            "SELECT 1 FROM k WHERE h = ? AND o = ?", (key_hash(kind, value), ordinal)
        ).fetchone()
        if row is None:
            return False
        return has_key(self.keys(ordinal), kind, value)

    def with_id(self, record_id: str) -> list[int]:
        """The ordinals of the records whose 001 is ``record_id``."""
        rows = self._db.execute("SELECT o FROM r WHERE id = ? ORDER BY o", (record_id,))
        return [row[0] for row in rows]

    def record_id(self, ordinal: int) -> str | None:
        row = self._db.execute("SELECT id FROM r WHERE o = ?", (ordinal,)).fetchone()
        return row[0] if row else None

    def _read(self, ordinal: int) -> pymarc.Record:
        pos, length = self._db.execute("SELECT pos, len FROM r WHERE o = ?", (ordinal,)).fetchone()
        if self._spill is not None:
            self._spill.seek(pos)
            return pickle.loads(self._spill.read(length))
        if self._file is None:
            self._file = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        self._file.seek(pos)
        data = self._file.read(length)
        from erdq.readers.iso2709 import parse_record

        parsed = parse_record(data, pos, [])
        if parsed.record is None:  # the file changed since it was indexed
            raise InputError(
                f"{self.path}: record {ordinal} can no longer be read",
                hint="the file changed while it was being matched; run the match again",
            )
        return parsed.record

    def _record_keys(self, ordinal: int) -> RecordKeys:
        return record_keys(self.record(ordinal))

    def keys(self, ordinal: int) -> RecordKeys:
        """The keys of a record (recomputed, the last few thousand cached)."""
        return self._keys(ordinal)
