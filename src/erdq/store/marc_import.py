"""Importing MARC files: one transaction that stores snapshots, their records and findings.

``erdq import marc [--collection NAME] FILE...`` checks every file with ``MarcCheck`` (the
same findings as ``erdq marc validate``) and stores it in the same streaming pass, in
``executemany`` batches, like the KBART import (``erdq.store.importer``):

* All files of one call are one transaction: if any file fails, is refused or the run is
  interrupted, the store is left exactly as it was.
* Each file becomes a snapshot of kind ``marc``; the snapshots of one call into one
  collection share a ``batch`` (the id of the first), and a collection's current records
  are those of its latest batch. A vendor delivering a collection's records in several
  files imports them in one call.
* Without ``collection`` each file goes to a collection named after the file: its name
  without folder, extension and delivery date (``Springer_eBooks_2024-05-01.mrc`` →
  ``springer_ebooks``), so that the next delivery of the same file replaces it.
* If the files given for a collection have exactly the sha256 digests of its latest batch,
  nothing is written (``unchanged``).
* A file from which no record can be read (empty, not MARC, every record broken) is
  refused, so that it cannot become the collection's current, empty record set.
* A file the reader found cut off (it ends inside a record, MR105: a transfer that
  stopped short) is refused as well, like a KBART delivery cut off in transfer (KB124):
  the records after the cut would be missing from the collection's current set.

Each record is stored with the keys of ``erdq.linkage.record_keys`` and the record itself:
the ISO 2709 bytes as delivered, or MARC-in-JSON for MARCXML, .mrk and JSON input.
PostgreSQL cannot store NUL characters in text or JSON; they are written as U+2400 (␀)
there and everywhere, so that both databases hold the same values.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from erdq.config import Settings
from erdq.engine import Progress, sha256_file
from erdq.errors import InputError
from erdq.findings import Severity, source_key
from erdq.linkage import RecordIdentifier, record_keys
from erdq.marc_check import MarcCheck
from erdq.readers.marc import MarcItem
from erdq.store import importer
from erdq.store.db import db_errors, refresh_statistics, write_transaction
from erdq.store.importer import (
    _flush,
    _lock_collection,
    finding_values,
    insert_snapshot,
)
from erdq.store.linking import batch_snapshots, latest_marc_batches
from erdq.store.schema import collections, findings, record_identifiers, records, snapshots

BATCH_SIZE = 1000  # records per executemany; read at each flush so tests can shrink it

Row = dict[str, Any]
NUL_STANDIN = "\u2400"


@dataclass(frozen=True)
class MarcFileResult:
    """One file's import. ``records`` were stored; ``unparseable`` were reported only."""

    snapshot_id: int
    batch: int
    collection: str
    source: str
    records: int
    unparseable: int
    identifiers: int
    findings: int
    by_severity: dict[str, int] = field(default_factory=dict)
    format: str | None = None
    unchanged: bool = False

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class MarcImportResult:
    files: tuple[MarcFileResult, ...]

    @property
    def unchanged(self) -> bool:
        """True when every file was already the collection's current batch."""
        return all(f.unchanged for f in self.files)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def findings(self) -> int:
        return sum(f.findings for f in self.files)

    @property
    def collections(self) -> list[str]:
        return list(dict.fromkeys(f.collection for f in self.files))

    def to_dict(self) -> dict[str, object]:
        return {
            "unchanged": self.unchanged,
            "records": self.records,
            "findings": self.findings,
            "collections": self.collections,
            "files": [f.to_dict() for f in self.files],
        }


def default_collection(path: str | Path) -> str:
    """The collection a file goes to when none is named: its name less folder, extension
    and delivery date."""
    return source_key(Path(path).name) or Path(path).name


def import_marc(
    engine: Engine,
    paths: Sequence[str | Path],
    *,
    collection: str | None = None,
    vendor: str | None = None,
    settings: Settings | None = None,
    today: dt.date | Callable[[], dt.date] | None = None,
    progress: Progress | None = None,
) -> MarcImportResult:
    """Check and store MARC files, all in one transaction (see the module doc)."""
    files = _files(paths)
    name = None
    if collection is not None:
        name = collection.strip()
        if not name:
            raise InputError(
                "the collection name is empty", hint="erdq import marc --collection NAME FILE..."
            )
    groups: dict[str, list[tuple[Path, str]]] = {}
    for path, sha in files:
        groups.setdefault(name or default_collection(path), []).append((path, sha))
    reader = _Progress(progress)
    results: list[MarcFileResult] = []
    label = files[0][0].name if len(files) == 1 else f"{len(files)} MARC files"
    with db_errors(f"importing {label}", engine), write_transaction(engine) as conn:
        for group_name, group in groups.items():
            results += _import_group(conn, group_name, group, vendor, settings, today, reader)
    result = MarcImportResult(tuple(results))
    if not result.unchanged:
        refresh_statistics(engine, "records", "record_identifiers", "snapshots")
    return result


def _files(paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    if isinstance(paths, str | Path):
        paths = [paths]
    if not paths:
        raise InputError("no MARC file given", hint="erdq import marc FILE...")
    out: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        # Checked up front: the reader would turn a missing file into a finding.
        if not path.is_file():
            raise InputError(f"{path} is not a file", hint="check the path of the MARC file")
        resolved = path.resolve()
        if resolved in seen:
            continue  # the same file named twice is imported once
        seen.add(resolved)
        sha = sha256_file(path)
        if not sha:
            raise InputError(f"cannot read {path}", hint="check the file's permissions")
        out.append((path, sha))
    return out


class _Progress:
    """Bytes read over all files, for one progress bar."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0

    def for_file(self) -> Progress | None:
        if self.progress is None:
            return None
        base = self.done
        report = self.progress
        return lambda read: report(base + read)

    def finished(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            self.done += path.stat().st_size


def _import_group(
    conn: Connection,
    name: str,
    group: list[tuple[Path, str]],
    vendor: str | None,
    settings: Settings | None,
    today: dt.date | Callable[[], dt.date] | None,
    reader: _Progress,
) -> list[MarcFileResult]:
    collection_id = _lock_collection(conn, name)
    batches = latest_marc_batches(conn, collection_id)
    if collection_id in batches:
        latest = _batch(conn, batches[collection_id])
        if sorted(s["sha256"] for s in latest) == sorted(sha for _, sha in group):
            for path, _ in group:
                reader.finished(path)
            return [_unchanged(conn, s, name) for s in latest]
    if vendor is not None:
        conn.execute(
            update(collections).where(collections.c.id == collection_id).values(vendor=vendor)
        )
    out: list[MarcFileResult] = []
    batch: int | None = None
    for path, sha in group:
        check = MarcCheck(path, settings, today=today, progress=reader.for_file())
        result = _load(conn, check, path, name, collection_id, sha, batch)
        batch = result.batch
        reader.finished(path)
        out.append(result)
    return out


def _batch(conn: Connection, batch: int) -> list[Row]:
    ids = [r["id"] for r in batch_snapshots(conn, [batch])]
    query = select(snapshots).where(snapshots.c.id.in_(ids)).order_by(snapshots.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def _unchanged(conn: Connection, snapshot: Row, name: str) -> MarcFileResult:
    sid = snapshot["id"]
    stored = conn.execute(
        select(func.count()).select_from(records).where(records.c.snapshot_id == sid)
    ).scalar_one()
    identifiers = conn.execute(
        select(func.count())
        .select_from(record_identifiers)
        .where(record_identifiers.c.snapshot_id == sid)
    ).scalar_one()
    return MarcFileResult(
        snapshot_id=sid,
        batch=snapshot["batch"],
        collection=name,
        source=snapshot["source"],
        records=stored,
        unparseable=snapshot["rows"] - stored,
        identifiers=identifiers,
        findings=snapshot["findings"],
        by_severity=importer._severities(
            snapshot["errors"], snapshot["warnings"], snapshot["infos"]
        ),
        format=snapshot["format"],
        unchanged=True,
    )


def _load(
    conn: Connection,
    check: MarcCheck,
    path: Path,
    collection: str,
    collection_id: int,
    sha: str,
    batch: int | None,
) -> MarcFileResult:
    snapshot_id = insert_snapshot(
        conn, collection_id, path, sha, check.today, kind="marc", batch=batch
    )
    batch = batch if batch is not None else snapshot_id
    record_rows: list[Row] = []
    identifiers: list[list[RecordIdentifier]] = []
    finding_rows: list[Row] = []
    counts = dict.fromkeys(Severity, 0)
    stored = stored_identifiers = 0
    cut: _Cut | None = None
    for event in check.items_and_findings():
        if cut is None:
            cut = _cut_off(event)
        if isinstance(event, MarcItem):
            keys, idents = record_keys(event)
            record_rows.append(record_values(event, keys, snapshot_id, collection_id))
            identifiers.append(idents)
            stored += 1
            stored_identifiers += len(idents)
            if len(record_rows) >= BATCH_SIZE:
                _flush_records(conn, snapshot_id, record_rows, identifiers)
                record_rows, identifiers = [], []
        else:
            finding_rows.append(_scrub(finding_values(event, snapshot_id)))
            counts[event.severity] += 1
            if len(finding_rows) >= BATCH_SIZE:
                _flush(conn, findings, finding_rows)
                finding_rows = []
    _flush_records(conn, snapshot_id, record_rows, identifiers)
    _flush(conn, findings, finding_rows)
    summary = check.summary
    if stored == 0:
        # An empty delivery would become the collection's current records.
        why = "it is not MARC" if not summary.format else "none of its records could be read"
        raise InputError(
            f"no MARC record could be read from {path.name} ({why}); nothing was imported "
            f"into {collection}, and the store is as it was",
            hint=f"run `erdq marc validate {path}` to see why",
        )
    if cut is not None:
        # As for a KBART file cut off in transfer (KB124): what followed the cut is missing.
        raise InputError(
            f"{path.name} ends inside {cut.where()}: {cut.reason}. The delivery looks cut "
            f"off, so nothing was imported and {collection} keeps its current records",
            hint=f"get the file again (`erdq marc validate {path}` shows {cut.code})",
        )
    total = sum(counts.values())
    conn.execute(
        update(snapshots)
        .where(snapshots.c.id == snapshot_id)
        .values(
            sha256=summary.sha256 or sha,  # the bytes actually read
            rows=summary.records + summary.unparseable,
            encoding=summary.encoding or None,
            format=summary.format or None,
            batch=batch,
            findings=total,
            errors=counts[Severity.ERROR],
            warnings=counts[Severity.WARNING],
            infos=counts[Severity.INFO],
            status="complete",
        )
    )
    return MarcFileResult(
        snapshot_id=snapshot_id,
        batch=batch,
        collection=collection,
        source=str(path),
        records=stored,
        unparseable=summary.unparseable,
        identifiers=stored_identifiers,
        findings=total,
        by_severity=importer._severities(
            counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]
        ),
        format=summary.format or None,
    )


@dataclass(frozen=True)
class _Cut:
    """Where a file was found cut off: the record the file ends inside."""

    code: str
    ordinal: int | None
    record_id: str | None
    offset: int | None
    reason: str

    def where(self) -> str:
        text = f"record {self.ordinal}" if self.ordinal is not None else "its last record"
        details = [f"001 {self.record_id}"] if self.record_id else []
        if self.offset is not None:
            details.append(f"at byte {self.offset:,}")
        return f"{text} ({', '.join(details)})" if details else text


def _cut_off(event: object) -> _Cut | None:
    """The cut, when ``event`` shows that the file ends inside a record: a record the
    reader kept only part of (``memo["incomplete"]`` MR105), or MR105 reported for a
    record too short to be read at all."""
    if isinstance(event, MarcItem):
        incomplete = event.memo.get("incomplete")
        if isinstance(incomplete, tuple) and incomplete[0] == "MR105":
            return _Cut("MR105", event.ordinal, event.record_id, event.offset, incomplete[1])
        return None
    if getattr(event, "code", None) != "MR105":
        return None
    loc = event.location  # type: ignore[attr-defined]
    params = event.params  # type: ignore[attr-defined]
    found, declared = params.get("found"), params.get("declared")
    reason = "the file ends inside it"
    if isinstance(found, int) and isinstance(declared, int):
        reason += f" ({found:,} of its {declared:,} bytes are there)"
    return _Cut("MR105", loc.line, loc.record_id, loc.offset, reason)


def record_values(item: MarcItem, keys: Row, snapshot_id: int, collection_id: int) -> Row:
    raw = item.raw if item.format == "iso2709" else None
    row: Row = {
        "snapshot_id": snapshot_id,
        "collection_id": collection_id,
        "ordinal": item.ordinal,
        "offset": item.offset,
        **keys,
        "raw": raw,
        "marc": None if raw is not None else item.record.as_dict(),
    }
    return _scrub(row)


def _flush_records(
    conn: Connection, snapshot_id: int, rows: list[Row], identifiers: list[list[RecordIdentifier]]
) -> None:
    if not rows:
        return
    # RETURNING in parameter order gives each record's id for its identifier rows.
    ids = conn.execute(
        records.insert().returning(records.c.id, sort_by_parameter_order=True), rows
    ).scalars()
    ident_rows = [
        {
            "snapshot_id": snapshot_id,
            "record_pk": pk,
            "kind": ident.kind,
            "value": ident.value,
            "source": ident.source,
            "role": ident.role,
        }
        for pk, idents in zip(ids, identifiers, strict=True)
        for ident in idents
    ]
    if ident_rows:
        conn.execute(record_identifiers.insert(), ident_rows)


def _scrub(row: Row) -> Row:
    """The row with every NUL character replaced by U+2400 (PostgreSQL refuses NUL).

    Text values are checked directly; JSON values (params, MARC-in-JSON) through their
    serialisation, in C, and rebuilt only in the rare case that they hold a NUL.
    """
    for key, value in row.items():
        if isinstance(value, str):
            if "\x00" in value:
                row[key] = value.replace("\x00", NUL_STANDIN)
        elif isinstance(value, dict | list) and "\\u0000" in json.dumps(value, default=str):
            row[key] = _replace_nul(value)
    return row


def _replace_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", NUL_STANDIN)
    if isinstance(value, dict):
        return {k: _replace_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_replace_nul(v) for v in value]
    return value
