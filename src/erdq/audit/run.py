"""Run an audit: recognise the inputs, check every level, store the run, write the outputs.

Findings stream to findings.jsonl as they are found; the store's fingerprint rows and the
worklists are written from that file afterwards, so memory holds counts and examples, not
every finding. The store is the only memory of earlier runs: the comparison (new,
persisting, fixed) and the trend come from it, and without a store there is neither.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING

from erdq import __version__, completeness
from erdq.audit.history import FIXED_EXAMPLES, PreviousRun, RunHistory, gone_since, run_history
from erdq.audit.inputs import (
    FINDINGS,
    REPORT,
    SUMMARY,
    UNCOUNTED_KINDS,
    WORKBOOK,
    AuditInput,
    discover,
    is_output_name,
)
from erdq.audit.linkage import PF_CODES, AuditLinkage
from erdq.audit.overlap import OverlapIndex
from erdq.audit.records import RecordFacts, RowFacts, record_facts, row_facts
from erdq.audit.tally import KBART_FILE, LEVEL_ITEMS, Tally, item_score
from erdq.audit.worklists import (
    BACKGROUND_FINDINGS,
    WorkbookJob,
    WorklistSource,
    write_worklist_csvs,
)
from erdq.config import Settings
from erdq.engine import KbartCheck
from erdq.errors import InputError
from erdq.findings import Finding, Severity, file_key
from erdq.marc_check import MarcCheck
from erdq.processes import default_jobs
from erdq.registry import get_rule

if TYPE_CHECKING:
    from erdq.store import Store

# progress(stage, done, total): stage is a label ("KBART Wiley.txt"); done/total in bytes.
StageProgress = Callable[[str, int, int], None]


@dataclass
class AuditResult:
    """What an audit produced: the summary (as written to summary.json) and its files."""

    summary: dict[str, object]
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)

    def severities(self) -> list[Severity]:
        by = self.summary["by_severity"]
        assert isinstance(by, dict)
        return [Severity(s) for s, n in by.items() if n]


@contextmanager
def replacing(path: Path, mode: str = "w", **kw: object) -> Iterator[IO]:
    """Write ``path`` whole or not at all: an interrupted audit leaves the previous file."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    ok = False
    try:
        with open(fd, mode, **kw) as fh:  # type: ignore[call-overload]
            yield fh
        ok = True
    finally:
        if ok:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)  # mkstemp's 0600 would hide the report from others
            os.replace(temp, path)
        else:
            Path(temp).unlink(missing_ok=True)


# The keys of ``AuditResult.files`` for the outputs an audit writes.
_OUTPUT_KEYS = {
    FINDINGS: "findings",
    SUMMARY: "summary",
    REPORT: "report",
    WORKBOOK: "xlsx",
}


def swap_outputs(stage: Path, out_dir: Path) -> dict[str, str]:
    """Move every file of ``stage`` into ``out_dir`` (one rename each, or one for the
    whole folder when ``out_dir`` does not exist yet) and remove the outputs of an
    earlier audit there that this one did not write, so that ``out_dir`` holds one run's
    outputs; other files there are left alone. Returns {result key: file name}."""
    names = sorted(p.name for p in stage.iterdir() if p.is_file())
    umask = os.umask(0)
    os.umask(umask)
    for name in names:
        os.chmod(stage / name, 0o666 & ~umask)  # mkstemp's 0600 would hide the report
    if not out_dir.exists():
        os.chmod(stage, 0o777 & ~umask)
        for sub in [p for p in stage.iterdir() if not p.is_file()]:
            shutil.rmtree(sub, ignore_errors=True)
        os.replace(stage, out_dir)
    else:
        for name in names:
            os.replace(stage / name, out_dir / name)
        for old in out_dir.iterdir():
            if old.name not in names and is_output_name(old.name) and old.is_file():
                old.unlink()
    return {
        _OUTPUT_KEYS.get(n, f"csv-{n[9:-4]}" if n.startswith("worklist-") else n): n for n in names
    }


@contextmanager
def _signals_held() -> Iterator[Callable[[], None]]:
    """Yields ``hold``: once called, Ctrl-C (SIGINT) and SIGTERM wait until the block
    ends, so that the commit of the store and the swap of the outputs are not cut in two.
    A signal that came meanwhile is then dropped: the run it would have stopped is done.
    Outside the main thread, or where signals cannot be blocked, ``hold`` does nothing."""
    held = (signal.SIGINT, signal.SIGTERM)
    can = (
        hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    )
    blocked: list[set] = []

    def hold() -> None:
        if can and not blocked:
            blocked.append(signal.pthread_sigmask(signal.SIG_BLOCK, held))

    try:
        yield hold
    finally:
        if blocked:
            pending = signal.sigpending() & set(held)
            for signum in pending:
                signal.sigwait({signum})  # consumed here, not delivered on unblocking
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked[0])


class Audit:
    def __init__(
        self,
        paths: list[str | Path],
        out_dir: str | Path,
        *,
        settings: Settings | None = None,
        today: dt.date | None = None,
        progress: StageProgress | None = None,
        db: str | None = None,
        store: bool = True,
        jobs: int | None = None,
    ) -> None:
        if not paths:
            raise InputError("nothing to audit", hint="name a folder or files")
        self.paths = paths
        self.out_dir = Path(out_dir)
        self.settings = settings or Settings()
        self.today = today or dt.date.today()
        self.progress = progress
        self.db = db
        self.use_store = store
        self.jobs = jobs or default_jobs()  # processes for a large MARC file and the workbook
        self.tally = Tally()
        self.overlap = OverlapIndex(today=self.today)
        self.linkage: AuditLinkage | None = None
        self.linkage_summary: dict[str, object] | None = None
        self.overlap_summary: dict[str, object] = {}
        self._levels_checked: set[str] | None = None  # the levels of the rules checked
        self.completeness = completeness.BatchCompleteness()
        self.items: dict[tuple[str, str], int] = {}  # (kind, collection) -> rows/records
        self.timings: dict[str, float] = {}
        self.inputs: list[dict[str, object]] = []

    def _stage(self, label: str, total: int) -> Callable[[int], None]:
        progress = self.progress
        if progress is None:
            return lambda done: None
        progress(label, 0, total)
        return lambda done: progress(label, done, total)

    def _store_files(self) -> set[Path]:
        """The SQLite store and its journal files: erdq's own data, never audited."""
        from erdq.store import default_url
        from erdq.store.db import normalise_url

        if not self.use_store:
            return set()
        url = normalise_url(self.db or default_url())
        if not url.drivername.startswith("sqlite") or not url.database:
            return set()
        base = Path(url.database).resolve()
        return {base, *(base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal"))}

    def run(self) -> AuditResult:
        from erdq.store import open_store

        # Opened first: a wrong --db fails now, not after an hour of checking.
        if not self.use_store:
            return self._run(None)
        with open_store(self.db) as store:
            return self._run(store)

    def _run(self, store: Store | None) -> AuditResult:
        started = time.perf_counter()
        found = discover(
            self.paths, out_dir=self.out_dir, settings=self.settings, skip=self._store_files()
        )
        if not any(i.audited for i in found):
            listed = ", ".join(f"{i.path} ({i.detail or i.kind})" for i in found[:5])
            raise InputError(
                "nothing to audit: no KBART or MARC file among "
                + (f"{len(found)} file(s): {listed}" if found else "the paths given (no files)"),
                hint="name the folder that holds the library's KBART and MARC files",
            )
        self.timings["discover"] = round(time.perf_counter() - started, 3)
        # Every output is written into a folder beside --out and swapped in at the very
        # end, with the store's commit: an interrupted or failed audit leaves the
        # previous report whole and the store unchanged, never a mix of two runs.
        parent = self.out_dir.absolute().parent
        try:
            if self.out_dir.exists() and not self.out_dir.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder")
            parent.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.erdq-", dir=parent))
        except OSError as exc:
            raise InputError(
                f"--out {self.out_dir}: the report folder cannot be made there "
                f"({exc.strerror or exc})",
                hint="give --out a folder that can be created and written to",
            ) from exc
        try:
            with _signals_held() as hold:
                result = self._run_into(stage, found, store, started, hold)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        return result

    def _run_into(
        self,
        stage: Path,
        found: list[AuditInput],
        store: Store | None,
        started: float,
        hold: Callable[[], None],
    ) -> AuditResult:
        """The audit with its outputs written into ``stage``; ``hold()`` is called once
        everything is written, and from then on Ctrl-C waits for the swap into --out."""
        started_at = dt.datetime.now(dt.UTC)
        findings_path = stage / FINDINGS
        t = time.perf_counter()
        kinds = {i.kind for i in found if i.audited}
        if {"kbart", "marc"} <= kinds and set(PF_CODES) & self.settings.codes():
            self.linkage = AuditLinkage(self.settings, self.today, stage)
        try:
            with open(findings_path, "w", encoding="utf-8", newline="\n") as out:
                for item in found:
                    self.inputs.append(self._check(item, out))
                self.timings["check"] = round(time.perf_counter() - t, 3)
                if self.linkage is not None:
                    t = time.perf_counter()
                    self._link(out)
                    self.timings["linkage"] = round(time.perf_counter() - t, 3)
        finally:
            if self.linkage is not None:
                self.linkage.close()
        # Titles held in several collections, and their gap rows for the worklists.
        self.overlap_summary = self.overlap.result()
        if store is None:
            source = self._worklist_source(found, findings_path, None)
            summary = self._summary(found, None, [], None)
            summary["gone"] = []
            self._write_outputs(stage, source, summary, started)
            hold()
        else:
            # The outputs are written inside the store's write transaction, which commits
            # only when they all are.
            t = time.perf_counter()
            with run_history(store) as history:
                previous = history.previous(
                    (i.path for i in found if i.audited), codes=self._codes_checked()
                )
                source = self._worklist_source(found, findings_path, previous)
                summary = self._summary(found, previous, history.trend(), history)
                summary["gone"] = gone_since(
                    history.latest_audited(), [i.path for i in found], self.paths
                )
                run_id = history.save(
                    started=started_at,
                    inputs=self.inputs,
                    summary=summary,
                    findings_path=findings_path,
                )
                summary["run"] = {"id": run_id, "store": store.url}
                self.timings["store"] = round(time.perf_counter() - t, 3)
                self._write_outputs(stage, source, summary, started)
                hold()  # from the commit to the end of the swap
        names = swap_outputs(stage, self.out_dir)
        files = {key: self.out_dir / name for key, name in names.items()}
        return AuditResult(summary, self.out_dir, files)

    def _write_outputs(
        self, stage: Path, source: WorklistSource, summary: dict, started: float
    ) -> None:
        """The worklists, report.html and summary.json, into ``stage``."""
        from erdq.audit.html import write_report

        # The workbook costs several times what storing the run and writing the CSVs do:
        # on a large audit it is written in a process of its own meanwhile.
        background = self.tally.total >= BACKGROUND_FINDINGS and self.jobs > 1
        book = WorkbookJob(source, stage, background=background)
        try:
            t = time.perf_counter()
            write_worklist_csvs(source, stage)
            t_report = time.perf_counter()
            write_report(summary, self.tally, stage / "report.html")
            t_book = time.perf_counter()
            book.result()
        finally:
            book.close()  # after a failure too: the writer is waited for, not left
        # The workbook is written meanwhile: the worklists' time is the CSVs' and the
        # wait for the workbook after the report.
        self.timings["report"] = round(t_book - t_report, 3)
        self.timings["worklists"] = round(time.perf_counter() - t - (t_book - t_report), 3)
        self.timings["total"] = round(time.perf_counter() - started, 3)
        summary["timings"] = dict(self.timings)
        with open(stage / SUMMARY, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, ensure_ascii=False, indent=2)
            fh.write("\n")

    def _unmatched_patterns(self, found: list[AuditInput]) -> list[str]:
        """The ``[collections]`` patterns that matched no file found, in the file's order:
        a misspelt pattern would otherwise leave its files under their own names."""
        patterns = self.settings.collections
        if not patterns:
            return []
        matched: set[str] = set()
        for item in found:
            matched.update(self.settings.collection_patterns(item.path))
        return [p for p in patterns if p not in matched]

    def _codes_checked(self) -> set[str]:
        """The rules this run checked: the selected ones an audit runs (not the
        spreadsheet conversion's VL rules nor holdings publishing's HL ones), without the
        linkage rules when no linkage ran (no KBART or no MARC file)."""
        codes = {c for c in self.settings.codes() if c[:2] not in NOT_AUDITED}
        return codes if self.linkage is not None else codes - set(PF_CODES)

    def _worklist_source(
        self, found: list[AuditInput], findings_path: Path, previous: PreviousRun | None
    ) -> WorklistSource:
        return WorklistSource(
            findings_path,
            {i.path: i.collection for i in found},
            previous.fingerprints if previous else None,
            self.overlap.gap_titles,
        )

    def _check(self, item: AuditInput, out: IO[str]) -> dict[str, object]:
        entry: dict[str, object] = {
            "path": item.path,
            "kind": item.kind,
            "detail": item.detail,
            "collection": item.collection if item.audited else None,
            "vendor": item.vendor if item.audited else None,
            "size": item.size,
            "audited": item.audited,
            "sha256": None,
            "rows": None,
            "records": None,
            "findings": 0,
        }
        if not item.audited:
            return entry
        before = self.tally.total
        t = time.perf_counter()
        if item.kind == "kbart":
            self._kbart(item, out, entry)
        else:
            self._marc(item, out, entry)
        entry["findings"] = self.tally.total - before
        entry["seconds"] = round(time.perf_counter() - t, 3)
        return entry

    def _link(self, out: IO[str]) -> None:
        """PF findings of the portfolios and records read, and the linkage counts."""
        linkage = self.linkage
        assert linkage is not None
        per_input = {str(e["path"]): e for e in self.inputs}
        for finding, collection, context in linkage.findings():
            self._write(finding, out, collection, link=context)
            entry = per_input.get(finding.location.source)
            if entry is not None:
                entry["findings"] = int(entry["findings"]) + 1  # type: ignore[call-overload]
        self.linkage_summary = {
            "collections": {
                name: counts.as_dict() for name, counts in sorted(linkage.counts.items())
            },
            "examples": {k: v for k, v in sorted(linkage.examples.items())},
            "record_examples": {k: v for k, v in sorted(linkage.record_examples.items())},
        }

    def _write(
        self,
        finding: Finding,
        out: IO[str],
        collection: str,
        link: dict[str, object] | None = None,
    ) -> None:
        row = finding.to_dict()
        if link is not None:
            row["link"] = {k: v for k, v in link.items() if v is not None}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.tally.add(finding, row, collection)

    def _read(
        self, item: AuditInput, out: IO[str], events: Iterable[object], on_item: Callable
    ) -> None:
        """One file's events: findings to findings.jsonl, rows or records to ``on_item``,
        all of them seen by the linkage as the file's."""
        linkage = self.linkage
        if linkage is not None:
            linkage.start_file(item.path, item.collection, item.kind)
        for event in events:
            if isinstance(event, Finding):
                self._write(event, out, item.collection)
            else:
                on_item(event)
        if linkage is not None:
            linkage.end_file()

    def _count(self, item: AuditInput, items: int) -> None:
        key = (item.kind, item.collection)
        self.items[key] = self.items.get(key, 0) + items

    def _kbart(self, item: AuditInput, out: IO[str], entry: dict[str, object]) -> None:
        check = KbartCheck(
            item.path,
            self.settings,
            today=self.today,
            progress=self._stage(f"KBART {Path(item.path).name}", item.size),
            display_path=item.path,
            jobs=self.jobs,  # a large file is checked on several processes
        )
        linkage = self.linkage

        def row(facts: RowFacts) -> None:
            self.overlap.add_holding(facts.holding)
            if linkage is not None and facts.portfolio is not None:
                linkage.add_portfolio_values(facts.portfolio)

        facts = partial(
            row_facts, collection=item.collection, today=self.today, linked=linkage is not None
        )
        self._read(item, out, check.facts_and_findings(facts), row)
        s = check.summary
        entry.update(sha256=s.sha256, rows=s.rows, encoding=s.encoding)
        self._count(item, s.rows)
        key = (KBART_FILE, item.collection)  # the collection level's item (``tally``)
        self.items[key] = self.items.get(key, 0) + 1

    def _marc(self, item: AuditInput, out: IO[str], entry: dict[str, object]) -> None:
        check = MarcCheck(
            item.path,
            self.settings,
            today=self.today,
            progress=self._stage(f"MARC {Path(item.path).name}", item.size),
            display_path=item.path,
            jobs=self.jobs,  # a large ISO 2709 file is checked on several processes
        )
        linkage = self.linkage

        def record(facts: RecordFacts) -> None:
            if facts.completeness is None:
                return  # only bibliographic records are scored and linked
            score, vendor = facts.completeness, item.vendor
            self.completeness.add(score, collection=item.collection, vendor=vendor)  # type: ignore[arg-type]
            if linkage is not None and facts.keys is not None:
                linkage.add_record_keys(facts.ordinal, facts.offset, facts.keys)

        facts = partial(record_facts, keys=linkage is not None)
        self._read(item, out, check.facts_and_findings(facts), record)
        s = check.summary
        entry.update(
            sha256=s.sha256,
            records=s.records,
            format=s.format,
            encoding=s.encoding,
            unparseable=s.unparseable,
        )
        if s.other_formats:
            entry["other_formats"] = dict(s.other_formats)
        # Authority or holdings records are not judged by the bibliographic rules (MR124):
        # counted as items they would pass for clean records in the level's score.
        self._count(item, s.records - sum(s.other_formats.values()))

    def _vendor_summaries(self, vendors: dict[str, str]) -> dict[str, dict]:
        """Per vendor (``vendors``: collection → vendor, from ``[collections]``): its
        collections, their items and findings added up, and the scores over all its items
        (not a mean of the collections' scores: a large package weighs more)."""
        tally = self.tally
        out: dict[str, dict] = {}
        for vendor in sorted(set(vendors.values())):
            names = sorted(c for c, v in vendors.items() if v == vendor)
            scores = {level: self._level_score(level, names) for level in LEVEL_ITEMS}
            group = self.completeness.group("vendor", vendor)
            scores["completeness"] = group.mean if group else None
            kbart = [self.items[("kbart", c)] for c in names if ("kbart", c) in self.items]
            marc = [self.items[("marc", c)] for c in names if ("marc", c) in self.items]
            out[vendor] = {
                "collections": names,
                "kbart_rows": sum(kbart) if kbart else None,
                "marc_records": sum(marc) if marc else None,
                "findings": sum(sum(tally.by_collection[c].values()) for c in names),
                "by_severity": {
                    sev.value: sum(tally.by_collection[c].get(sev.value, 0) for c in names)
                    for sev in Severity
                },
                "scores": scores,
                "completeness": group.as_dict() if group else None,
            }
        return out

    def _level_score(self, level: str, collections: Iterable[str]) -> float | None:
        """The level's item score (``tally.item_score``) over these collections' items;
        None when no rule of the level was checked (``--select KB``: the records were
        read, but nothing judged them, so 100 would say what nobody found)."""
        if self._levels_checked is None:
            # By the rules chosen: one always run because input was unreadable (MR101 under
            # --select KB) does not make its level judged.
            chosen = self._codes_checked() & self.settings.selected()
            self._levels_checked = {get_rule(c).level.value for c in chosen}
        if level not in self._levels_checked:
            return None
        kind = LEVEL_ITEMS[level]
        items = 0
        flagged: dict[tuple[str, int], int] = {}
        runs: list[tuple[str, int, int, int]] = []
        for collection in collections:
            items += self.items.get((kind, collection), 0)
            flagged.update(self.tally.flagged.get((level, collection), {}))  # keyed by source
            runs.extend(self.tally.runs.get((level, collection), ()))
        if self.tally.not_scored:  # authority and holdings records are no items (MR124)
            flagged = {k: r for k, r in flagged.items() if k not in self.tally.not_scored}
        return item_score(items, flagged, runs)

    def _scores(self) -> tuple[dict[str, float | None], dict[str, dict[str, float | None]]]:
        """Per-level item scores overall and per collection (see ``tally.item_score``),
        plus the mean completeness of bibliographic records."""
        every = {c for _, c in self.items} | {c for _, c in self.tally.flagged}
        overall = {level: self._level_score(level, every) for level in LEVEL_ITEMS}
        per_collection: dict[str, dict[str, float | None]] = {}
        for kind, collection in self.items:
            for level in (lvl for lvl, k in LEVEL_ITEMS.items() if k == kind):
                scores = per_collection.setdefault(collection, {})
                scores[level] = self._level_score(level, [collection])
        everything = self.completeness.group()
        overall["completeness"] = everything.mean if everything else None
        for group in self.completeness.summary():
            if group.dimension == "collection":
                per_collection.setdefault(group.key, {})["completeness"] = group.mean
        return overall, per_collection

    def _summary(
        self,
        found: list[AuditInput],
        previous: PreviousRun | None,
        trend: list[dict],
        history: RunHistory | None,
    ) -> dict:
        tally = self.tally
        scores, collection_scores = self._scores()
        comparison = None
        if previous is not None and history is not None:
            now = tally.fingerprints
            before = previous.fingerprints
            fixed = sorted(before - now.keys())
            persisting = sum(n for fp, n in now.items() if fp in before)
            comparison = {
                "against": {
                    "run": previous.id,
                    "started": previous.started,
                    # the runs whose findings were compared: per file, its latest audit
                    "runs": list(previous.runs),
                },
                "new": tally.total - persisting,
                "persisting": persisting,
                "fixed": len(fixed),
                "not_compared": previous.left_out,
                "fixed_examples": history.findings_of(
                    previous.runs or (previous.id,), fixed[:FIXED_EXAMPLES]
                ),
            }
        collections = sorted({i.collection for i in found if i.audited})
        vendors: dict[str, str] = {}
        named: dict[str, list[str]] = {}  # collection -> every vendor [collections] gives it
        for item in found:
            if item.audited and item.vendor:
                vendors.setdefault(item.collection, item.vendor)
                if item.vendor not in named.setdefault(item.collection, []):
                    named[item.collection].append(item.vendor)
        return {
            "erdq_version": __version__,
            # what a later run may compare with this one (``RunHistory.previous``)
            "rules_checked": sorted(self._codes_checked()),
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "today": self.today.isoformat(),
            "fail_on": self.settings.fail_on,
            "inputs": self.inputs,
            "unrecognised": [
                i.path for i in found if not i.audited and i.kind not in UNCOUNTED_KINDS
            ],
            "deliveries": _deliveries(found),
            "collections_unmatched": self._unmatched_patterns(found),
            # a collection [collections] gives two vendors: counted under the first
            "vendor_conflicts": {c: vs for c, vs in named.items() if len(vs) > 1},
            # findings of the run before left uncompared: this run left out some of its
            # files or rules (a sub-folder, --select, --ignore)
            "partial": bool(comparison is not None and comparison["not_compared"]),
            "findings_total": tally.total,
            "by_severity": {s.value: tally.by_severity.get(s.value, 0) for s in Severity},
            "by_level": dict(sorted(tally.by_level.items())),
            "by_rule": dict(sorted(tally.by_rule.items())),
            "rules": {
                code: {
                    "name": get_rule(code).name,
                    "level": get_rule(code).level.value,
                    "severity": tally.rule_severity[code],
                }
                for code in sorted(tally.by_rule)
            },
            "scores": scores,
            "collections": {
                name: {
                    "vendor": vendors.get(name),
                    "kbart_rows": self.items.get(("kbart", name)),
                    "marc_records": self.items.get(("marc", name)),
                    "findings": sum(tally.by_collection[name].values()),
                    "by_severity": {
                        s.value: tally.by_collection[name].get(s.value, 0) for s in Severity
                    },
                    "by_rule": dict(tally.collection_rules[name].most_common()),
                    "scores": collection_scores.get(name, {}),
                }
                for name in collections
            },
            "vendors": self._vendor_summaries(vendors),
            "completeness": {
                "all": everything.as_dict() if (everything := self.completeness.group()) else None,
                "by_collection": {
                    g.key: g.as_dict()
                    for g in self.completeness.summary()
                    if g.dimension == "collection"
                },
            },
            "overlap": self.overlap_summary,
            "linkage": self.linkage_summary,
            "comparison": comparison,
            "trend": trend,  # earlier runs in the store, oldest first
        }


def audit(
    paths: str | Path | list[str | Path],
    out_dir: str | Path = "erdq-report",
    *,
    settings: Settings | None = None,
    today: dt.date | None = None,
    progress: StageProgress | None = None,
    db: str | None = None,
    store: bool = True,
    jobs: int | None = None,
) -> AuditResult:
    """Audit a library's files (folders are walked) and write report.html, findings.jsonl,
    summary.json, worklists.xlsx and worklist CSVs into ``out_dir``.

    The run is stored in the workspace store at ``db`` (default: ``ERDQ_DB`` or
    ./erdq.sqlite) and compared with the previous run there; ``store=False`` stores
    nothing and compares with nothing. ``jobs``: processes for a large ISO 2709 file and
    for the workbook (default: the CPUs this process may use; 1: everything here)."""
    names = [paths] if isinstance(paths, str | Path) else list(paths)
    return Audit(
        names,
        out_dir,
        settings=settings,
        today=today,
        progress=progress,
        db=db,
        store=store,
        jobs=jobs,
    ).run()


# Rule families an audit does not run: excel2marc's (VL) and holdings publish's (HL).
NOT_AUDITED = frozenset({"VL", "HL"})


def _deliveries(found: list[AuditInput]) -> list[list[str]]:
    """Audited files that are deliveries of one file (``Provider_..._2024-05-01.txt`` and
    ``..._2024-06-01.txt``): their findings share fingerprints, so a comparison with an
    earlier run cannot tell which delivery a finding came from."""
    groups: dict[str, list[str]] = {}
    for item in found:
        if item.audited:
            groups.setdefault(file_key(item.path), []).append(item.path)
    return [paths for paths in groups.values() if len(paths) > 1]
