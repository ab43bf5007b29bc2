"""Importing a KBART file: one transaction that stores a snapshot, its portfolios and findings.

The file is checked and stored in one streaming pass (``KbartCheck.events``), in
``executemany`` batches of plain dicts, so a million-row file never sits in memory. Any
exception, Ctrl-C included, rolls the whole import back. A file whose sha256 equals that
of the collection's latest KBART snapshot is not imported again. (MARC records are imported
by ``erdq.store.marc_import``, into snapshots of kind ``marc``.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from erdq.config import Settings
from erdq.engine import KbartCheck, Progress, sha256_file
from erdq.errors import InputError
from erdq.findings import Finding, Severity
from erdq.model.coverage import CoverageRange
from erdq.model.portfolio import Portfolio, row_to_portfolio
from erdq.readers.kbart import KbartRow, cut_off_at
from erdq.store.db import db_errors, refresh_statistics, write_transaction
from erdq.store.names import nearest, stored_names
from erdq.store.schema import collections, findings, portfolios, snapshots

BATCH_SIZE = 1000  # rows per executemany; read at each flush so tests can shrink it

Row = dict[str, Any]


@dataclass(frozen=True)
class ImportResult:
    snapshot_id: int
    collection: str
    rows: int
    portfolios: int
    findings: int
    by_severity: dict[str, int] = field(default_factory=dict)  # error/warning/info → count
    unchanged: bool = False  # True: same file as the latest snapshot, nothing written
    # The current snapshot's file when this one is dated earlier (by the dates in their
    # KBART file names): a delivery imported out of order, now the current one.
    older_than: str | None = None
    # (rows before, rows now) when the delivery holds less than DROP_WARNING of the rows
    # of the one it replaces: a file cut at a line end imports, and retires the rest.
    dropped: tuple[int, int] | None = None
    # A collection this import made whose name is near a stored one's: those names
    # ("Wiley Jounals" beside "Wiley Journals", whose delivery this likely was).
    near: tuple[str, ...] = ()


# A delivery this much smaller than the current one is said so (not refused: packages
# do shrink, but half a package gone is more often half a download).
DROP_WARNING = 0.5


def import_kbart(
    engine: Engine,
    path: str | Path,
    *,
    collection: str,
    vendor: str | None = None,
    settings: Settings | None = None,
    today: dt.date | Callable[[], dt.date] | None = None,
    progress: Progress | None = None,
    refuse_suspicious: bool = False,
) -> ImportResult:
    path = Path(path)
    name = collection.strip()
    if not name:
        raise InputError("the collection name is empty", hint="erdq import kbart --collection NAME")
    # Checked up front: the reader would turn a missing file into a finding, and an
    # "import" of it would replace the collection's portfolios with nothing.
    if not path.is_file():
        raise InputError(f"{path} is not a file", hint="check the path of the KBART file")
    sha = sha256_file(path)
    if not sha:
        raise InputError(f"cannot read {path}", hint="check the file's permissions")
    with db_errors(f"importing {path.name}", engine), write_transaction(engine) as conn:
        known = stored_names(conn)
        near = () if name in known else tuple(nearest(name, known))
        collection_id = _lock_collection(conn, name)
        latest = conn.execute(
            select(snapshots)
            .where(snapshots.c.collection_id == collection_id, snapshots.c.kind == "kbart")
            .order_by(snapshots.c.id.desc())
            .limit(1)
        ).first()
        if vendor is not None:
            # As --vendor says: it replaces the one stored, an unchanged file or not (the
            # transaction commits with the import, or alone when nothing is imported).
            conn.execute(
                update(collections).where(collections.c.id == collection_id).values(vendor=vendor)
            )
        if latest is not None and latest.sha256 == sha:
            return ImportResult(
                snapshot_id=latest.id,
                collection=name,
                rows=latest.rows,
                portfolios=latest.rows,
                findings=latest.findings,
                by_severity=_severities(latest.errors, latest.warnings, latest.infos),
                unchanged=True,
            )
        check = KbartCheck(path, settings, today=today, progress=progress)
        result = _load(conn, check, path, name, collection_id, sha, first=latest is None)
        if latest is not None:
            this, current = _delivered(path.name), _delivered(latest.file_name)
            if this and current and this < current:
                result = replace(result, older_than=latest.file_name)
            if latest.rows and result.rows < latest.rows * DROP_WARNING:
                result = replace(result, dropped=(latest.rows, result.rows))
        if near:
            result = replace(result, near=near)
        if refuse_suspicious and (result.dropped or result.older_than or result.near):
            # Raised inside the transaction: nothing of this file is kept.
            raise InputError(
                f"{path} was not imported: {suspicion(result)}",
                hint="check the file (get it again if it was cut short) and the collection "
                "name; import without --refuse-suspicious if both are right",
            )
    refresh_statistics(engine, "portfolios", "snapshots")
    return result


def suspicion(result: ImportResult) -> str:
    """Why a delivery looks wrong beside the one it replaces ("" when it does not)."""
    parts = []
    if result.dropped:
        before, now = result.dropped
        parts.append(
            f"it has {now:,} row(s) where the delivery it replaces had {before:,} (a "
            "download cut short would retire the titles not in it)"
        )
    if result.older_than:
        parts.append(f"it is dated before {result.older_than}, the current delivery")
    if result.near:
        names = " or ".join(repr(n) for n in result.near)
        parts.append(
            f"it would make a new collection {result.collection!r}, whose name is near "
            f"{names} (a misspelt --collection leaves that one's titles current)"
        )
    return "; ".join(parts)


# The columns that make a KBART row a holding: its coverage, its link or its key.
_HOLDINGS_COLUMNS = frozenset(
    ("date_first_issue_online", "num_first_vol_online", "num_first_issue_online",
     "date_last_issue_online", "num_last_vol_online", "num_last_issue_online",
     "embargo_info", "coverage_depth", "title_url", "title_id")
)  # fmt: skip

_DELIVERY_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?=\.[^.]*$|$)"
)


def _delivered(file_name: str) -> str:
    """The delivery date a KBART file name ends with (``..._2024-06-01.txt``, also
    ``..._20240601.txt``), as text that sorts by date; "" when it has none (it is then
    compared with no other)."""
    m = _DELIVERY_DATE.search(file_name)
    return f"{m[1]}-{m[2]}-{m[3]}" if m else ""


def _lock_collection(conn: Connection, name: str) -> int:
    """The collection's id, creating it if new; on PostgreSQL the row stays locked until
    commit, so two imports into one collection run one after the other."""
    values = {"name": name, "kind": "package", "status": "active", "created_at": _now()}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(collections).values(values).on_conflict_do_nothing())
    query = select(collections.c.id).where(collections.c.name == name)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).scalar_one()


def _load(
    conn: Connection,
    check: KbartCheck,
    path: Path,
    collection: str,
    collection_id: int,
    sha: str,
    *,
    first: bool = False,
) -> ImportResult:
    snapshot_id = insert_snapshot(conn, collection_id, path, sha, check.today, kind="kbart")
    portfolio_rows: list[Row] = []
    finding_rows: list[Row] = []
    counts = dict.fromkeys(Severity, 0)
    stored = 0
    headless = False
    for event in check.events():
        if isinstance(event, KbartRow):
            portfolio = row_to_portfolio(event.values, collection, event.line)
            portfolio_rows.append(portfolio_values(portfolio, snapshot_id, collection_id))
            stored += 1
            if len(portfolio_rows) >= BATCH_SIZE:
                _flush(conn, portfolios, portfolio_rows)
                portfolio_rows = []
        else:
            headless = headless or event.code == "KB105"
            finding_rows.append(finding_values(event, snapshot_id))
            counts[event.severity] += 1
            if len(finding_rows) >= BATCH_SIZE:
                _flush(conn, findings, finding_rows)
                finding_rows = []
    _flush(conn, portfolios, portfolio_rows)
    _flush(conn, findings, finding_rows)
    kept = f"{collection} was not created" if first else f"{collection} keeps its current snapshot"
    if stored == 0:
        # An empty delivery would become the "current" list and retire every title.
        raise InputError(
            f"no titles could be read from {path.name}; nothing was imported and {kept}",
            hint=f"run `erdq kbart validate {path}` to see why",
        )
    if headless:
        # No KBART column named (a COUNTER report, notes, another list): read in the
        # standard column order its rows would retire every title for rows of junk.
        raise InputError(
            f"{path.name} has no KBART header row (its first line names no KBART column), "
            f"so it is not read as KBART: nothing was imported and {kept}",
            hint="import the provider's KBART file, whose first line names the columns "
            "(publication_title, print_identifier, ...)",
        )
    summary = check.summary
    named = set(summary.columns) - set(summary.extra_columns)
    if not headless and not named & _HOLDINGS_COLUMNS:
        # A COUNTER title report names Title, Publisher, Print_ISSN: KBART's aliases, but
        # no coverage, link or title_id column, so no holding can be read from it.
        raise InputError(
            f"{path.name} names no KBART coverage or link column (only "
            f"{', '.join(sorted(named)) or 'none'}), so it is not read as KBART: nothing "
            f"was imported and {kept}",
            hint="import the provider's KBART file (date_first_issue_online, title_url, "
            "...); a COUNTER report or a title list is not one",
        )
    if summary.truncated_at is not None:
        # As for an empty delivery: the titles after the cut would all be retired.
        raise InputError(
            f"{path.name} {cut_off_at(summary.truncated_at)}, so nothing was imported and {kept}",
            hint=f"get the file again (`erdq kbart validate {path}` shows KB124)",
        )
    total = sum(counts.values())
    conn.execute(
        update(snapshots)
        .where(snapshots.c.id == snapshot_id)
        .values(
            # The digest of the bytes actually read, should the file have changed meanwhile.
            sha256=summary.sha256 or sha,
            rows=summary.rows,
            encoding=summary.encoding or None,
            line_ending=summary.line_ending or None,
            findings=total,
            errors=counts[Severity.ERROR],
            warnings=counts[Severity.WARNING],
            infos=counts[Severity.INFO],
            status="complete",
        )
    )
    return ImportResult(
        snapshot_id=snapshot_id,
        collection=collection,
        rows=summary.rows,
        portfolios=stored,
        findings=total,
        by_severity=_severities(
            counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]
        ),
    )


def insert_snapshot(
    conn: Connection,
    collection_id: int,
    path: Path,
    sha: str,
    checked_on: dt.date,
    *,
    kind: str,
    batch: int | None = None,
) -> int:
    """A new snapshot row of ``collection_id`` for the file at ``path``, marked as still
    importing until its rows are in; returns its id."""
    return conn.execute(
        snapshots.insert().values(
            collection_id=collection_id,
            imported_at=_now(),
            checked_on=checked_on,
            source=str(path),
            file_name=path.name,
            sha256=sha,
            erdq_version=erdq_version(),
            status="importing",
            kind=kind,
            batch=batch,
        )
    ).inserted_primary_key[0]


def _flush(conn: Connection, table: Table, rows: list[Row]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def portfolio_values(p: Portfolio, snapshot_id: int, collection_id: int) -> Row:
    cov = p.coverage[0] if p.coverage else None
    return {
        "snapshot_id": snapshot_id,
        "collection_id": collection_id,
        "line": p.line,
        "title": p.title,
        "title_id": p.title_id,
        "publication_type": p.publication_type,
        "print_identifier": p.print_identifier,
        "online_identifier": p.online_identifier,
        "start_date": _bound(cov, "date_first_issue_online", cov.start_date) if cov else None,
        "start_volume": cov.start_volume if cov else None,
        "start_issue": cov.start_issue if cov else None,
        "end_date": _bound(cov, "date_last_issue_online", cov.end_date) if cov else None,
        "end_volume": cov.end_volume if cov else None,
        "end_issue": cov.end_issue if cov else None,
        "embargo": _bound(cov, "embargo_info", cov.embargo) if cov else None,
        "coverage_depth": p.coverage_depth,
        "title_url": p.title_url,
        "publisher": p.publisher,
        "access_type": p.access_type,
        "key": p.key,
        "raw": dict(p.raw),
    }


def finding_values(f: Finding, snapshot_id: int) -> Row:
    row: Row = f.to_dict()
    row["snapshot_id"] = snapshot_id
    row["params"] = dict(f.params)
    return row


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


def _bound(cov: CoverageRange, column: str, value: object | None) -> str | None:
    """A coverage column as stored: the parsed value, or the text as given when it cannot
    be read, so that whoever reads the row (the resolver's index) parses it again and
    finds it unreadable, rather than a NULL that reads as no bound."""
    given = next((text for c, text in cov.unreadable if c == column), None)
    return given if given is not None else _text(value)


def _severities(errors: int, warnings: int, infos: int) -> dict[str, int]:
    return {"error": errors, "warning": warnings, "info": infos}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@cache
def erdq_version() -> str:
    try:
        return importlib_metadata.version("erdq")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"
