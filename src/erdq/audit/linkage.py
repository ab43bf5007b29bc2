"""Portfolio ↔ record linkage inside an audit, with the matcher of ``erdq.linkage``.

While the audit reads its files, each KBART row's portfolio and each MARC record's keys
go into a scratch SQLite store in a temporary folder (the schema of the workspace store,
so ``erdq.linkage.Linkage`` runs on it unchanged). Writing them there in the same pass
costs far less than importing the files into the ``--db`` store, which would check every
file a second time, and leaves the workspace store without snapshots nobody asked for.
The folder is deleted when the audit ends.

Which records a collection's portfolios are matched against: its own MARC files when the
collection has some (an ``[collections]`` pattern that names a KBART and a MARC file
alike), else every record of the audit (as ``erdq link --all-records``). Records of
collections without a KBART file are reported (PF102/PF103) when no portfolio of any
collection links them.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from erdq.config import Settings
from erdq.findings import Finding
from erdq.linkage import Link, Linkage, RecordIdentifier, _PkSet, record_keys
from erdq.model.portfolio import Portfolio
from erdq.readers.marc import MarcItem
from erdq.store import Store, open_store
from erdq.store.importer import _lock_collection, insert_snapshot, portfolio_values
from erdq.store.marc_import import _flush_records
from erdq.store.schema import portfolios, snapshots

BATCH = 2000  # rows per INSERT
EXAMPLES = 5  # links kept per collection for the report
# What title matching reads of a portfolio's raw row (``LinkQueries.portfolio_facts``):
# the scratch store keeps only these, not the whole row.
_RAW_KEPT = ("date_monograph_published_print", "date_monograph_published_online")
PF_CODES = ("PF101", "PF102", "PF103", "PF104", "PF105")


def scratch_values(portfolio: Portfolio) -> dict[str, Any]:
    """A portfolio's row for the scratch store, without its snapshot and collection ids
    (``add_portfolio_values`` sets them): only what the matcher reads of the raw row."""
    row = portfolio_values(portfolio, 0, 0)
    row["raw"] = {k: portfolio.raw[k] for k in _RAW_KEPT if portfolio.raw.get(k)}
    return row


@dataclass
class _File:
    snapshot_id: int
    collection: str
    source: str
    kind: str


@dataclass
class CollectionLinkage:
    """The linkage counts of one collection (``summary.json`` ``linkage.collections``)."""

    portfolios: int = 0
    linked: int = 0
    by_key: Counter[str] = field(default_factory=Counter)
    links: int = 0
    several: int = 0  # portfolios linked to more than one record
    matched_against: str | None = None  # "own records" | "all records"
    records: int = 0
    records_linked: int = 0
    print_unlinked: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "portfolios": self.portfolios,
            "linked": self.linked,
            "unlinked": self.portfolios - self.linked,
            "by_key": dict(sorted(self.by_key.items())),
            "links": self.links,
            "several_records": self.several,
            "matched_against": self.matched_against,
            "records": self.records,
            "records_linked": self.records_linked,
            "records_without_portfolio": self.records - self.records_linked,
            "print_records_without_portfolio": self.print_unlinked,
        }


class AuditLinkage:
    """Collect portfolios and records while the audit reads them, then link them."""

    def __init__(self, settings: Settings, today: dt.date, directory: Path | None = None) -> None:
        self.settings = settings
        self.today = today
        self._folder = tempfile.TemporaryDirectory(prefix=".erdq-linkage-", dir=directory)
        self.store: Store = open_store(f"sqlite:///{Path(self._folder.name) / 'linkage.sqlite'}")
        self._conn: Connection | None = self.store.engine.connect()
        # A scratch file: no fsync (set outside a transaction, on the driver's connection).
        self._conn.connection.dbapi_connection.execute("PRAGMA synchronous=OFF")  # type: ignore[union-attr]
        self._tx = self._conn.begin()
        self._collection_ids: dict[str, int] = {}
        self._batches: dict[str, int] = {}  # collection -> its MARC batch
        self.files: list[_File] = []
        self._rows: list[dict[str, Any]] = []
        self._records: list[dict[str, Any]] = []
        self._idents: list[list[Any]] = []
        self._current: _File | None = None
        self.counts: dict[str, CollectionLinkage] = defaultdict(CollectionLinkage)
        self.examples: dict[str, list[dict[str, object]]] = defaultdict(list)
        self.record_examples: dict[str, list[dict[str, object]]] = defaultdict(list)

    # Collecting ------------------------------------------------------------------------

    def _collection(self, name: str) -> int:
        cid = self._collection_ids.get(name)
        if cid is None:
            assert self._conn is not None
            cid = self._collection_ids[name] = _lock_collection(self._conn, name)
        return cid

    def start_file(self, source: str, collection: str, kind: str) -> None:
        """Begin one audited file (kind kbart or marc); ``end_file`` closes it."""
        assert self._conn is not None
        cid = self._collection(collection)
        sid = insert_snapshot(self._conn, cid, Path(source), "", self.today, kind=kind)
        self._current = _File(sid, collection, source, kind)
        self.files.append(self._current)

    def add_portfolio(self, portfolio: Portfolio) -> None:
        self.add_portfolio_values(scratch_values(portfolio))

    def add_portfolio_values(self, row: dict[str, Any]) -> None:
        """A portfolio of the current file by its ``scratch_values`` (made in a worker
        process, when the audit checks a large file on several)."""
        current = self._current
        assert current is not None and current.kind == "kbart"
        row = {
            **row,
            "snapshot_id": current.snapshot_id,
            "collection_id": self._collection_ids[current.collection],
        }
        self._rows.append(row)
        if len(self._rows) >= BATCH:
            self._flush()

    def add_record(self, item: MarcItem) -> None:
        self.add_record_keys(item.ordinal, item.offset, record_keys(item))

    def add_record_keys(
        self, ordinal: int, offset: int | None, found: tuple[dict[str, Any], list[RecordIdentifier]]
    ) -> None:
        """A record of the current file by what ``record_keys`` found in it (in a worker
        process, when the audit checks a large file on several)."""
        current = self._current
        assert current is not None and current.kind == "marc"
        keys, idents = found
        self._records.append(
            {
                "snapshot_id": current.snapshot_id,
                "collection_id": self._collection_ids[current.collection],
                "ordinal": ordinal,
                "offset": offset,
                **keys,
                "raw": None,  # the scratch store needs the keys, not the record
                "marc": None,
            }
        )
        self._idents.append(idents)
        if len(self._records) >= BATCH:
            self._flush()

    def end_file(self) -> None:
        current = self._current
        assert current is not None and self._conn is not None
        self._flush()
        values: dict[str, object] = {"status": "complete"}
        if current.kind == "marc":
            # All MARC files of a collection form one batch: its records, as for an import.
            values["batch"] = self._batches.setdefault(current.collection, current.snapshot_id)
        self._conn.execute(
            update(snapshots).where(snapshots.c.id == current.snapshot_id).values(**values)
        )
        self._current = None

    def _flush(self) -> None:
        assert self._conn is not None
        if self._rows:
            self._conn.execute(portfolios.insert(), self._rows)
            self._rows = []
        if self._records:
            _flush_records(self._conn, self._records[0]["snapshot_id"], self._records, self._idents)
            self._records, self._idents = [], []

    # Linking ---------------------------------------------------------------------------

    def _commit(self) -> None:
        if self._conn is not None:
            # The linkage worklist looks portfolios up by line (PF101, PF104, PF105).
            self._conn.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS audit_portfolio_line ON portfolios (snapshot_id, line)"
            )
            self._tx.commit()
            self._conn.close()
            self._conn = None

    def findings(self) -> Iterator[tuple[Finding, str, dict[str, object]]]:
        """Every PF finding with the collection it belongs to and its linkage context
        (the ``link`` object of findings.jsonl: portfolio and record, see ``context``)."""
        self._commit()
        kbart = [f for f in self.files if f.kind == "kbart"]
        marc = [f for f in self.files if f.kind == "marc"]
        if not kbart or not marc:
            return  # nothing to link: every portfolio would be "without record"
        by_source = {f.source: f for f in self.files}
        with_kbart = {f.collection for f in kbart}
        own_marc = {f.collection for f in marc}
        linked = _PkSet()  # by any portfolio
        linked_by: dict[str, _PkSet] = defaultdict(_PkSet)  # by a collection's portfolios
        for file in kbart:
            all_records = file.collection not in own_marc
            run = Linkage(
                self.store,
                file.collection,
                all_records=all_records,
                settings=self.settings,
                kbart_snapshot_id=file.snapshot_id,
                # Records without a portfolio are reported once per collection, below:
                # with several KBART files, a record may be another file's.
                record_pass=False,
            )
            counts = self.counts[file.collection]
            counts.matched_against = "all records" if all_records else "own records"
            pending: list[Finding] = []
            for event in run.events():
                if isinstance(event, Link):
                    self._example(event, by_source)
                    continue
                pending.append(event)
                if len(pending) >= BATCH:
                    yield from self._with_context(pending, by_source, file.collection)
                    pending = []
            yield from self._with_context(pending, by_source, file.collection)
            s = run.summary
            counts.portfolios += s.portfolios
            counts.linked += s.linked_portfolios
            counts.by_key.update(s.by_key)
            counts.links += s.links
            linked.update(run.linked_records)
            linked_by[file.collection].update(run.linked_records)
        # A collection's records need one of its own portfolios, when it has a KBART file;
        # records of a collection without one may be claimed by any portfolio.
        for name in sorted(own_marc):
            paired = name in with_kbart
            run = Linkage(self.store, name, all_records=not paired, settings=self.settings)
            sources = {f.snapshot_id: f.source for f in marc if f.collection == name}
            pending = []
            for finding in run.unlinked_records(sources, linked_by[name] if paired else linked):
                pending.append(finding)
                if len(pending) >= BATCH:  # in chunks: a million records may be unlinked
                    yield from self._with_context(pending, by_source, name)
                    pending = []
            yield from self._with_context(pending, by_source, name)
            counts = self.counts[name]
            counts.records += run.summary.records
            counts.records_linked += run.summary.linked_records
            counts.print_unlinked += run.summary.print_unlinked

    def _example(self, link: Link, by_source: Mapping[str, _File]) -> None:
        shown = {
            "portfolio_line": link.portfolio_line,
            "portfolio_title": link.portfolio_title,
            "record_source": link.record_source,
            "record_ordinal": link.record_ordinal,
            "record_id": link.record_id,
            "record_title": link.record_title,
            "key": link.key,
            "identifiers": " ".join(link.identifiers),
        }
        if len(self.examples[link.collection]) < EXAMPLES:
            self.examples[link.collection].append(shown)
        record_file = by_source.get(link.record_source)
        if record_file is not None:
            mine = self.record_examples[record_file.collection]
            if len(mine) < EXAMPLES:
                mine.append({**shown, "portfolio_collection": link.collection})

    def _with_context(
        self, found: list[Finding], by_source: Mapping[str, _File], fallback: str
    ) -> Iterator[tuple[Finding, str, dict[str, object]]]:
        """Each finding with its collection (the file's) and the portfolio's identifiers,
        looked up for the whole list at once."""
        if not found:
            return
        wanted: dict[int, set[int]] = defaultdict(set)
        for f in found:
            line = _portfolio_line(f)
            kbart = self._kbart_of(f, by_source)
            if kbart is not None and line is not None:
                wanted[kbart.snapshot_id].add(line)
        facts = self._portfolio_facts(wanted)
        for f in found:
            file = by_source.get(f.location.source)
            collection = file.collection if file is not None else fallback
            if f.code == "PF105":
                self.counts[collection].several += 1
            yield f, collection, self.context(f, by_source, facts)

    def _kbart_of(self, f: Finding, by_source: Mapping[str, _File]) -> _File | None:
        source = f.location.source if f.level.value == "portfolio" else f.params.get("kbart")
        file = by_source.get(str(source)) if source else None
        return file if file is not None and file.kind == "kbart" else None

    def _portfolio_facts(self, wanted: Mapping[int, set[int]]) -> dict[tuple[int, int], tuple]:
        out: dict[tuple[int, int], tuple] = {}
        p = portfolios
        with self.store.engine.connect() as conn:
            for sid, lines in wanted.items():
                ordered = sorted(lines)
                for start in range(0, len(ordered), 500):
                    query = select(
                        p.c.line, p.c.title, p.c.print_identifier, p.c.online_identifier
                    ).where(p.c.snapshot_id == sid, p.c.line.in_(ordered[start : start + 500]))
                    for line, title, print_id, online_id in conn.execute(query):
                        out[(sid, line)] = (title, print_id, online_id)
        return out

    def context(
        self,
        f: Finding,
        by_source: Mapping[str, _File],
        facts: Mapping[tuple[int, int], tuple],
    ) -> dict[str, object]:
        """The linkage worklist's columns for one PF finding: the portfolio (collection,
        title, identifiers, line) and the record (file, ordinal, 001, title) it is about,
        and the match key, where the finding names them."""
        params = f.params
        out: dict[str, object] = dict.fromkeys(LINK_COLUMNS)
        kbart = self._kbart_of(f, by_source)
        line = _portfolio_line(f)
        if kbart is not None and line is not None:
            title, print_id, online_id = facts.get((kbart.snapshot_id, line), (None,) * 3)
            out.update(
                portfolio_collection=kbart.collection,
                portfolio_source=kbart.source,
                portfolio_line=line,
                portfolio_title=params.get("title") or params.get("portfolio_title") or title,
                portfolio_identifiers=" ".join(i for i in (print_id, online_id) if i) or None,
            )
        if f.level.value == "bibliographic":
            out.update(
                record_source=f.location.source,
                record_ordinal=f.location.line,
                record_001=f.location.record_id,
                record_title=params.get("record_title"),
            )
        if f.code == "PF104":
            out["match_key"] = "isbn/issn"
            out["identifiers"] = f.value
        elif f.code == "PF105":
            out["match_key"] = params.get("key")
            out["records"] = params.get("records")
        return out

    def close(self) -> None:
        if self._conn is not None:
            self._tx.rollback()
            self._conn.close()
            self._conn = None
        self.store.close()
        self._folder.cleanup()


LINK_COLUMNS = (
    "portfolio_collection",
    "portfolio_source",
    "portfolio_line",
    "portfolio_title",
    "portfolio_identifiers",
    "record_source",
    "record_ordinal",
    "record_001",
    "record_title",
    "match_key",
    "identifiers",
    "records",
)


def _portfolio_line(f: Finding) -> int | None:
    if f.level.value == "portfolio":
        return f.location.line
    line = f.params.get("portfolio_line")
    return line if isinstance(line, int) else None
