"""The store queries behind portfolio ↔ record linkage (``erdq.linkage``).

Everything that touches many rows is a set operation in SQL or a stream: the identifier
join of a snapshot's portfolios against ``record_identifiers`` (indexed on value and
snapshot) runs as one ordered query; title candidates are fetched by blocking key
(``records.title_block``, indexed with the snapshot); records are streamed in file order.
Every query is bound to snapshot ids fixed at the start (``scope``), so an import
committed meanwhile cannot make the passes disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, RowMapping, and_, func, select, union_all

from erdq.errors import StoreError
from erdq.store.names import stored_names, unknown_collections
from erdq.store.schema import collections, portfolios, record_identifiers, records, snapshots

_STREAM = 2000  # rows fetched at a time
_IDS_PER_QUERY = 500
_YEAR_COLUMNS = ("date_monograph_published_print", "date_monograph_published_online")


class PortfolioFacts(NamedTuple):
    """What title matching checks of a portfolio besides its title (``portfolio_facts``):
    its publication type, its print and online publication years (monographs) and its
    KBART ``monograph_volume`` and ``monograph_edition``, each as given."""

    publication_type: str | None = None
    years: tuple[int, ...] = ()
    volume: str | None = None
    edition: str | None = None


@dataclass(frozen=True)
class LinkScope:
    """What one linkage run reads: a KBART snapshot and the MARC snapshots in scope."""

    collection: str
    collection_id: int
    kbart_snapshot_id: int
    kbart_source: str
    marc_snapshot_ids: tuple[int, ...]  # every snapshot whose records are candidates
    own_snapshot_ids: tuple[int, ...]  # the collection's own latest MARC batch
    sources: Mapping[int, str]  # MARC snapshot id -> the file as imported


def collection_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(collections.c.id).where(collections.c.name == name)).scalar()
    if found is None:
        raise unknown_collections([name], stored_names(conn))
    return found


def latest_kbart_snapshot(conn: Connection, collection: int) -> int | None:
    return conn.execute(
        select(func.max(snapshots.c.id)).where(
            snapshots.c.collection_id == collection, snapshots.c.kind == "kbart"
        )
    ).scalar()


def latest_marc_batches(conn: Connection, collection: int | None = None) -> dict[int, int]:
    """Collection id -> its latest MARC batch (of one collection, or of every one)."""
    query = (
        select(snapshots.c.collection_id, func.max(snapshots.c.batch))
        .where(snapshots.c.kind == "marc", snapshots.c.status == "complete")
        .group_by(snapshots.c.collection_id)
    )
    if collection is not None:
        query = query.where(snapshots.c.collection_id == collection)
    return {cid: batch for cid, batch in conn.execute(query) if batch is not None}


def batch_snapshots(conn: Connection, batches: Sequence[int]) -> list[RowMapping]:
    """The snapshots of some MARC batches, in id order."""
    if not batches:
        return []
    return list(
        conn.execute(
            select(snapshots.c.id, snapshots.c.collection_id, snapshots.c.source)
            .where(snapshots.c.kind == "marc", snapshots.c.batch.in_(list(batches)))
            .order_by(snapshots.c.id)
        ).mappings()
    )


def identifier_query(scope: LinkScope) -> Any:
    """The query of ``LinkQueries.identifier_matches``.

    The portfolio's two identifier columns are unfolded into one list (UNION ALL) and
    equi-joined to the indexed identifier table: a hash or index join on either
    database, never a comparison of every portfolio with every record.
    """
    p = portfolios
    snapshot = scope.kbart_snapshot_id
    pid = union_all(
        select(p.c.id.label("pid"), p.c.print_identifier.label("value")).where(
            p.c.snapshot_id == snapshot, p.c.print_identifier.is_not(None)
        ),
        select(p.c.id, p.c.online_identifier).where(
            p.c.snapshot_id == snapshot, p.c.online_identifier.is_not(None)
        ),
    ).subquery("pid")
    ri = record_identifiers
    matches = (
        select(pid.c.pid, ri.c.record_pk, ri.c.kind, ri.c.value)
        .join(ri, ri.c.value == pid.c.value)
        .where(ri.c.snapshot_id.in_(list(scope.marc_snapshot_ids)))
        .subquery("m")
    )
    r = records
    query = (
        select(
            p.c.id.label("pid"),
            p.c.line,
            p.c.title_id,
            p.c.title,
            matches.c.record_pk,
            matches.c.kind,
            matches.c.value,
            r.c.snapshot_id,
            r.c.ordinal,
            r.c.offset,
            r.c.record_id,
            r.c.title.label("record_title"),
            r.c.title_key,
            r.c.online,
            r.c.url,
        )
        .select_from(
            p.outerjoin(matches, matches.c.pid == p.c.id).outerjoin(
                r, r.c.id == matches.c.record_pk
            )
        )
        .where(p.c.snapshot_id == snapshot)
        .order_by(p.c.id, matches.c.record_pk, matches.c.value)
    )
    return query


class LinkQueries:
    """The linkage queries over one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def scope(
        self, collection: str, *, all_records: bool = False, kbart_snapshot_id: int | None = None
    ) -> LinkScope:
        """What a run reads: the collection's latest KBART snapshot, or ``kbart_snapshot_id``
        (one of its snapshots: a collection delivered as several KBART files)."""
        conn = self.conn
        cid = collection_id(conn, collection)
        kbart = kbart_snapshot_id
        if kbart is None:
            kbart = latest_kbart_snapshot(conn, cid)
        else:
            owner = conn.execute(
                select(snapshots.c.collection_id).where(
                    snapshots.c.id == kbart_snapshot_id, snapshots.c.kind == "kbart"
                )
            ).scalar()
            if owner != cid:
                raise StoreError(
                    f"snapshot {kbart_snapshot_id} is no KBART snapshot of {collection!r}"
                )
        if kbart is None:
            raise StoreError(
                f"{collection!r} has no KBART snapshot to link",
                hint=f"import its KBART file first: erdq import kbart --collection "
                f"{collection!r} FILE",
            )
        kbart_source = conn.execute(
            select(snapshots.c.source).where(snapshots.c.id == kbart)
        ).scalar_one()
        batches = latest_marc_batches(conn, None if all_records else cid)
        if not batches and not all_records:
            raise StoreError(
                f"{collection!r} has no MARC records to link its portfolios to",
                hint=f"import them with: erdq import marc --collection {collection!r} FILE..., "
                "or link against every collection's records with --all-records",
            )
        rows = batch_snapshots(conn, sorted(set(batches.values())))
        return LinkScope(
            collection=collection,
            collection_id=cid,
            kbart_snapshot_id=kbart,
            kbart_source=kbart_source,
            marc_snapshot_ids=tuple(r["id"] for r in rows),
            own_snapshot_ids=tuple(r["id"] for r in rows if r["collection_id"] == cid),
            sources={r["id"]: r["source"] for r in rows},
        )

    def identifier_matches(self, scope: LinkScope) -> Iterator[RowMapping]:
        """Every portfolio of the KBART snapshot, once per record identifier it shares with
        a record in scope (record columns None when it shares none), ordered by portfolio
        (``identifier_query``)."""
        yield from self._stream(identifier_query(scope))

    def title_candidates(self, scope: LinkScope, blocks: Sequence[str]) -> Iterator[RowMapping]:
        """The records in scope whose title falls in one of ``blocks``."""
        if not blocks or not scope.marc_snapshot_ids:
            return
        r = records
        query = (
            select(
                r.c.id.label("record_pk"),
                r.c.snapshot_id,
                r.c.ordinal,
                r.c.offset,
                r.c.record_id,
                r.c.title.label("record_title"),
                r.c.title_key,
                r.c.short_title_key,
                r.c.title_block,
                r.c.year,
                r.c.format,
                r.c.online,
                r.c.url,
            )
            .where(
                and_(
                    r.c.snapshot_id.in_(list(scope.marc_snapshot_ids)),
                    r.c.title_block.in_(list(blocks)),
                )
            )
            .order_by(r.c.title_block, r.c.id)
        )
        yield from self._stream(query)

    def portfolio_facts(self, pids: Sequence[int]) -> dict[int, PortfolioFacts]:
        """The ``PortfolioFacts`` of the portfolios ``pids``: what title matching checks
        besides the title. A value the stored row lacks is None (the audit's scratch store
        keeps only some columns of a row)."""
        out: dict[int, PortfolioFacts] = {}
        for start in range(0, len(pids), _IDS_PER_QUERY):
            chunk = list(pids[start : start + _IDS_PER_QUERY])
            query = select(portfolios.c.id, portfolios.c.publication_type, portfolios.c.raw)
            for pid, ptype, raw in self.conn.execute(query.where(portfolios.c.id.in_(chunk))):
                raw = raw or {}
                years: tuple[int, ...] = ()
                if ptype != "serial":
                    years = tuple(
                        int(text[:4])
                        for column in _YEAR_COLUMNS
                        if (text := str(raw.get(column) or "").strip())[:4].isdigit()
                    )
                out[pid] = PortfolioFacts(
                    ptype,
                    years,
                    str(raw.get("monograph_volume") or "").strip() or None,
                    str(raw.get("monograph_edition") or "").strip() or None,
                )
        return out

    def record_editions(self, pks: Sequence[int]) -> dict[int, str]:
        """The edition statement (250 $a, several joined by " ; ") of each record ``pks``
        that has one, read from the record as stored (ISO 2709 bytes or MARC-in-JSON);
        records stored without themselves (the audit's scratch store) have none here."""
        from erdq.readers.iso2709 import parse_record

        out: dict[int, str] = {}
        for start in range(0, len(pks), _IDS_PER_QUERY):
            chunk = list(pks[start : start + _IDS_PER_QUERY])
            query = select(records.c.id, records.c.raw, records.c.marc).where(
                records.c.id.in_(chunk)
            )
            for pk, raw, marc in self.conn.execute(query):
                values: list[str] = []
                if raw is not None:
                    parsed = parse_record(bytes(raw), 0, [])
                    if parsed.record is not None:
                        values = [
                            sf.value
                            for fld in parsed.record.get_fields("250")
                            for sf in fld.subfields or ()
                            if sf.code == "a" and sf.value
                        ]
                elif isinstance(marc, dict):
                    values = _json_subfields(marc, "250", "a")
                text = " ; ".join(v.strip() for v in values if v.strip())
                if text:
                    out[pk] = text
        return out

    def records(self, snapshot_ids: Sequence[int]) -> Iterator[RowMapping]:
        """The records of some snapshots, in file order."""
        if not snapshot_ids:
            return
        r = records
        query = (
            select(
                r.c.id.label("record_pk"),
                r.c.snapshot_id,
                r.c.ordinal,
                r.c.offset,
                r.c.record_id,
                r.c.title.label("record_title"),
                r.c.online,
                r.c.url,
            )
            .where(r.c.snapshot_id.in_(list(snapshot_ids)))
            .order_by(r.c.snapshot_id, r.c.ordinal)
        )
        yield from self._stream(query)

    def _stream(self, query: Any) -> Iterator[RowMapping]:
        result = self.conn.execution_options(yield_per=_STREAM).execute(query)
        yield from result.mappings()


def _json_subfields(marc: Mapping[str, Any], tag: str, code: str) -> list[str]:
    """The ``code`` subfields of the ``tag`` fields of a MARC-in-JSON record."""
    out: list[str] = []
    for entry in marc.get("fields") or ():
        body = entry.get(tag) if isinstance(entry, dict) else None
        if not isinstance(body, dict):
            continue
        for sub in body.get("subfields") or ():
            value = sub.get(code) if isinstance(sub, dict) else None
            if isinstance(value, str):
                out.append(value)
    return out
