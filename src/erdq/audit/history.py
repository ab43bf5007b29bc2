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

from sqlalchemy import Connection, func, insert, select

from erdq import __version__
from erdq.findings import file_key
from erdq.store.db import db_errors, write_transaction
from erdq.store.schema import audit_findings, audit_runs

if TYPE_CHECKING:
    from erdq.store import Store

BATCH = 1000  # finding rows per INSERT
TREND_RUNS = 11  # earlier runs on the trend chart; with this one, a dozen
FIXED_EXAMPLES = 50
LOOKBACK_RUNS = 50  # earlier runs searched for the latest audit of each file
_FINDING_KEYS = ("fingerprint", "code", "severity", "source", "record_id")


@dataclass(frozen=True, slots=True)
class PreviousRun:
    """What a run is compared with: the latest run (``id``, ``started``) and, per file,
    the findings of the latest run that audited that file (``runs``: the ids used)."""

    id: int
    started: str
    fingerprints: frozenset[str]
    left_out: int = 0  # findings of files or rules this run does not audit: not compared
    runs: tuple[int, ...] = ()


class RunHistory:
    """The store's audit runs, inside one open write transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def previous(
        self, sources: Iterable[str] | None = None, codes: Iterable[str] | None = None
    ) -> PreviousRun | None:
        """The latest run in the store, with the fingerprints of the findings to compare.

        With ``sources``, each file is compared, rule by rule, with the latest run that
        audited it (matched by ``file_key``: the file name less its delivery date) and
        checked the rule, looking back at most ``LOOKBACK_RUNS`` runs: after an audit
        of one vendor's folder, or of the KBART files alone (no linkage rules run), the
        next audit of the whole library compares the rest with the run before, rather
        than calling all its findings new. Files no run audited are
        compared with nothing (their findings are new); the latest run's findings of
        files that this run does not audit are left out, so auditing a part of the
        library never reports the rest as "fixed". With ``codes``, only the findings of
        rules that this run checks count: a rule that did not run (the linkage rules of
        an audit without MARC files, a rule left out by ``--select``) fixed nothing.
        ``left_out`` counts the latest run's findings not compared."""
        runs = self.conn.execute(
            select(
                audit_runs.c.id,
                audit_runs.c.started,
                audit_runs.c.inputs,
                audit_runs.c.summary["rules_checked"].label("rules_checked"),
            )
            .order_by(audit_runs.c.id.desc())
            .limit(1 if sources is None else LOOKBACK_RUNS)
        ).all()
        if not runs:
            return None
        latest = runs[0]
        checked = None if codes is None else set(codes)
        wanted = None if sources is None else {file_key(s) for s in sources}
        # Per run, the files (and, of each, the rules) compared with it: for each file and
        # rule, the newest run that audited the file and checked the rule. A run stored
        # without its rules (an older erdq) counts as having checked every rule.
        assigned: dict[int, dict[str, set[str] | None]] = {}
        if wanted is None:
            assigned[latest.id] = {}
        else:
            remaining: dict[str, set[str] | None] = {
                key: None if checked is None else set(checked) for key in wanted
            }
            for run in runs:
                audited = {
                    file_key(str(i["path"]))
                    for i in run.inputs or ()
                    if i.get("audited") and i.get("path")
                }
                ran = None if run.rules_checked is None else set(run.rules_checked)
                for key in audited & set(remaining):
                    needed = remaining[key]
                    if needed is None:
                        assigned.setdefault(run.id, {})[key] = None
                        del remaining[key]
                        continue
                    take = set(needed) if ran is None else needed & ran
                    if take:
                        assigned.setdefault(run.id, {})[key] = take
                        needed -= take
                    if not needed:
                        del remaining[key]
                if not remaining:
                    break
        kept: set[str] = set()
        left_out = 0
        for run_id, files in assigned.items():
            stored = self.conn.execute(
                select(
                    audit_findings.c.fingerprint, audit_findings.c.source, audit_findings.c.code
                ).where(audit_findings.c.run_id == run_id)
            )
            for fingerprint, source, code in stored:
                if wanted is None:
                    compared = checked is None or code in checked
                else:
                    key = file_key(source)
                    rules = files.get(key, set())
                    compared = key in files and (rules is None or code in rules)
                if compared:
                    kept.add(fingerprint)
                elif run_id == latest.id:
                    left_out += 1
        if latest.id not in assigned:
            # No file of this run was in the latest one: all of that run is left out.
            left_out += self.conn.execute(
                select(func.count()).where(audit_findings.c.run_id == latest.id)
            ).scalar_one()
        return PreviousRun(
            latest.id,
            _iso(latest.started),
            frozenset(kept),
            left_out,
            tuple(sorted(assigned, reverse=True)),
        )

    def findings_of(self, run_ids: Iterable[int], fingerprints: Iterable[str]) -> list[dict]:
        """Stored rows of the runs ``run_ids`` with these fingerprints (a "fixed" list);
        a fingerprint found in several runs is taken from the newest."""
        wanted = sorted(set(fingerprints))
        ids = sorted(set(run_ids), reverse=True)
        if not wanted or not ids:
            return []
        rows = self.conn.execute(
            select(audit_findings.c.run_id, *(audit_findings.c[k] for k in _FINDING_KEYS))
            .where(audit_findings.c.run_id.in_(ids), audit_findings.c.fingerprint.in_(wanted))
            .order_by(
                audit_findings.c.fingerprint,
                audit_findings.c.run_id.desc(),
                audit_findings.c.id,
            )
        ).mappings()
        seen: dict[str, dict] = {}
        for row in rows:
            if row["fingerprint"] not in seen:
                seen[row["fingerprint"]] = {k: row[k] for k in _FINDING_KEYS}
        return list(seen.values())

    def latest_audited(self) -> list[str]:
        """The paths of the files the latest run audited (empty when there is none)."""
        inputs = self.conn.execute(
            select(audit_runs.c.inputs).order_by(audit_runs.c.id.desc()).limit(1)
        ).scalar()
        return [str(i["path"]) for i in inputs or () if i.get("audited") and i.get("path")]

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


def gone_since(previous: Iterable[str], found: Iterable[str], roots: Iterable[str]) -> list[str]:
    """Files the latest run audited, under a folder or file this run was given, that this
    run did not find, neither as they were nor as a later delivery (``file_key``): a
    delivery deleted, renamed or never downloaded again. Files outside this run's
    folders (an audit of one vendor's folder) are not gone, only not looked at."""
    here = [Path(r).absolute() for r in roots]
    keys = {file_key(f) for f in found}
    gone = []
    for path in previous:
        where = Path(path).absolute()
        if file_key(path) in keys or where.exists():
            continue
        if any(where == root or root in where.parents for root in here):
            gone.append(path)
    return gone
