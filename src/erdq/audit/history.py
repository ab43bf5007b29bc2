"""Audit runs in the workspace store: the previous run's fingerprints, earlier runs' totals
and scores (the trend), and saving a run with the fingerprints of its findings.

Everything happens in one write transaction (``RunHistory``): reading the previous run and
saving the new one under the same writer lock means two audits finishing together cannot
both be compared with the same predecessor.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select

from erdq import __version__
from erdq.findings import source_key
from erdq.store.db import db_errors, write_transaction
from erdq.store.schema import audit_findings, audit_runs

if TYPE_CHECKING:
    from erdq.store import Store

BATCH = 1000  # finding rows per INSERT
TREND_RUNS = 11  # earlier runs on the trend chart; with this one, a dozen
FIXED_EXAMPLES = 50
_FINDING_KEYS = ("fingerprint", "code", "severity", "source", "record_id")


@dataclass(frozen=True, slots=True)
class PreviousRun:
    id: int
    started: str
    fingerprints: frozenset[str]
    left_out: int = 0  # findings of files or rules this run does not audit: not compared


class RunHistory:
    """The store's audit runs, inside one open write transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def previous(
        self, sources: Iterable[str] | None = None, codes: Iterable[str] | None = None
    ) -> PreviousRun | None:
        """The latest run in the store, with the fingerprints of its findings.

        With ``sources``, only the findings of files that this run audits too count
        (matched by ``source_key``: file name without folder, extension and delivery date):
        auditing a part of the library, or a mistyped folder, must not report the rest as
        "fixed". With ``codes``, only the findings of rules that this run checks count: a
        rule that did not run (the linkage rules of an audit without MARC files, a rule
        left out by ``--select``) fixed nothing. ``left_out`` counts the other previous
        findings."""
        row = self.conn.execute(
            select(audit_runs.c.id, audit_runs.c.started).order_by(audit_runs.c.id.desc()).limit(1)
        ).first()
        if row is None:
            return None
        stored = self.conn.execute(
            select(
                audit_findings.c.fingerprint, audit_findings.c.source, audit_findings.c.code
            ).where(audit_findings.c.run_id == row.id)
        )
        keys = None if sources is None else {source_key(s) for s in sources}
        checked = None if codes is None else set(codes)
        kept: set[str] = set()
        left_out = 0
        for fingerprint, source, code in stored:
            if (keys is None or source_key(source) in keys) and (
                checked is None or code in checked
            ):
                kept.add(fingerprint)
            else:
                left_out += 1
        return PreviousRun(row.id, _iso(row.started), frozenset(kept), left_out)

    def findings_of(self, run_id: int, fingerprints: Iterable[str]) -> list[dict]:
        """Stored rows of ``run_id`` with these fingerprints (for a "fixed" list)."""
        wanted = sorted(set(fingerprints))
        if not wanted:
            return []
        rows = self.conn.execute(
            select(*(audit_findings.c[k] for k in _FINDING_KEYS))
            .where(audit_findings.c.run_id == run_id, audit_findings.c.fingerprint.in_(wanted))
            .order_by(audit_findings.c.fingerprint, audit_findings.c.id)
        ).mappings()
        seen: dict[str, dict] = {}
        for row in rows:
            seen.setdefault(row["fingerprint"], dict(row))
        return list(seen.values())

    def trend(self, limit: int = TREND_RUNS) -> list[dict]:
        """Findings totals and scores of the latest ``limit`` runs, oldest first. Only
        these keys are read from each stored summary, not the whole document."""
        summary = audit_runs.c.summary
        rows = self.conn.execute(
            select(
                audit_runs.c.id,
                audit_runs.c.started,
                summary["findings_total"].as_integer().label("findings_total"),
                summary["by_severity"].label("by_severity"),
                summary["scores"].label("scores"),
            )
            .order_by(audit_runs.c.id.desc())
            .limit(limit)
        ).all()
        return [
            {
                "run": r.id,
                "started": _iso(r.started),
                "findings_total": r.findings_total,
                "by_severity": r.by_severity or {},
                "scores": r.scores or {},
            }
            for r in reversed(rows)
        ]

    def save(
        self,
        *,
        started: dt.datetime,
        inputs: list[dict[str, object]],
        summary: dict[str, object],
        findings_path: Path,
    ) -> int:
        """Store the run and, in batches, the fingerprint rows of findings.jsonl; the id."""
        run_id = self.conn.execute(
            insert(audit_runs).values(
                started=started,
                finished=dt.datetime.now(dt.UTC),
                erdq_version=__version__,
                inputs=inputs,
                summary=summary,
            )
        ).inserted_primary_key[0]
        batch: list[dict[str, object]] = []
        for row in _finding_rows(findings_path):
            batch.append({"run_id": run_id, **row})
            if len(batch) >= BATCH:
                self.conn.execute(insert(audit_findings), batch)
                batch = []
        if batch:
            self.conn.execute(insert(audit_findings), batch)
        return int(run_id)


@contextmanager
def run_history(store: Store) -> Iterator[RunHistory]:
    """One write transaction on the store: committed on success, rolled back otherwise."""
    with db_errors("storing the audit run", store.engine), write_transaction(store.engine) as conn:
        yield RunHistory(conn)


def _finding_rows(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            finding = json.loads(line)
            yield {k: finding.get(k) for k in _FINDING_KEYS}


def _iso(value: dt.datetime | str) -> str:
    # SQLite hands back naive datetimes (stored in UTC); PostgreSQL aware ones.
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")
