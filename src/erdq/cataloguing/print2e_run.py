"""Convert a file of print records to e-book records, streamed.

``Print2eRun(source, target, ...)`` reads any MARC serialisation (``MarcReader``),
converts each record (``print2e.convert_record``) and writes the e-book records with
``erdq.writers.marc.open_writer`` in the format ``target``'s extension asks for. The
target is replaced only when the whole input has been read (``open_output``). A record
that is not converted (not a book, no title, already online, a kept field whose
indicators the reader had to guess), that the reader could not parse or that the output
format cannot hold is counted and reported, never dropped silently.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pymarc import Record

from erdq.cataloguing.print2e import Converted, KbartIndex, Options, Problem, convert_record
from erdq.errors import InputError
from erdq.marc_convert import cut_off, indicators_as_read
from erdq.readers.marc import MarcItem, MarcReader
from erdq.readers.sniff import marc_format
from erdq.writers.files import open_output
from erdq.writers.marc import FORMAT_NAMES, UnwritableRecord, format_for_path, open_writer

PROGRESS_EVERY = 500
# The problems of a matching KBART row whose title_url went into no 856 (KB401-KB403).
UNUSABLE_URL_CODES = (
    "kbart-title-url-missing",
    "kbart-title-url-not-absolute",
    "kbart-title-url-whitespace",
)


@dataclass
class Print2eSummary:
    source: str
    target: str
    output_format: str
    kbart: str | None = None
    agency: str | None = None
    input_format: str = ""
    read: int = 0
    unparseable: int = 0
    written: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # problem code -> records
    warnings: Counter[str] = field(default_factory=Counter)
    matched: int = 0
    changes: int = 0
    reader_findings: Counter[str] = field(default_factory=Counter)
    kbart_rows: int = 0
    kbart_unusable: int = 0
    kbart_problems: Counter[str] = field(default_factory=Counter)

    @property
    def complete(self) -> bool:
        """Every record read was converted and written."""
        return not self.skipped and not self.unparseable

    def as_dict(self) -> dict[str, object]:
        return {
            "type": "summary",
            "source": self.source,
            "target": self.target,
            "input_format": self.input_format,
            "output_format": self.output_format,
            "kbart": self.kbart,
            "agency": self.agency,
            "read": self.read,
            "unparseable": self.unparseable,
            "written": self.written,
            "skipped": dict(sorted(self.skipped.items())),
            "warnings": dict(sorted(self.warnings.items())),
            "matched_kbart": self.matched,
            "changes": self.changes,
            "reader_findings": dict(sorted(self.reader_findings.items())),
            "kbart_rows": self.kbart_rows,
            "kbart_rows_without_isbn": self.kbart_unusable,
            "kbart_findings": dict(sorted(self.kbart_problems.items())),
            "complete": self.complete,
        }


class Print2eRun:
    """Iterate ``results()`` once; ``summary`` is complete afterwards."""

    def __init__(
        self,
        source: str | Path,
        target: str | Path,
        *,
        options: Options | None = None,
        kbart: str | Path | KbartIndex | None = None,
        to: str | None = None,
        progress: Callable[[int], None] | None = None,
        jobs: int = 1,
        detail: bool = True,
    ) -> None:
        fmt = to or format_for_path(target)
        if fmt not in FORMAT_NAMES:
            raise InputError(
                f"cannot tell the output format from the name {str(target)!r}",
                hint="end the output name with .mrc, .mrk, .xml, .json or .jsonl",
            )
        self.source = Path(source)
        self.target = Path(target)
        self.format = fmt
        self.options = options or Options()
        self.progress = progress
        self.jobs = jobs
        self.detail = detail  # with jobs > 1: False sends no changes back (counts only)
        if isinstance(kbart, str | Path):
            kbart = KbartIndex.read(kbart)
        self.kbart = kbart
        self.summary = Print2eSummary(
            source=str(source),
            target=str(target),
            output_format=fmt,
            kbart=kbart.source if kbart is not None else None,
            agency=self.options.agency,
        )
        if kbart is not None:
            self.summary.kbart_rows = kbart.rows
            self.summary.kbart_unusable = kbart.unusable
            self.summary.kbart_problems = kbart.problems

    def _report(self, code: str, line: int | None = None, *args: object, **kw: object) -> None:
        # Those on the whole file (line None: MR507, MR513...) count as much as a record's.
        self.summary.reader_findings[code] += 1

    def _parallel(self) -> bool:
        from erdq.cataloguing.print2e_parallel import MIN_PARALLEL_BYTES

        if self.jobs < 2:
            return False
        try:
            if self.source.stat().st_size < MIN_PARALLEL_BYTES:
                return False
            with self.source.open("rb") as fh:
                return marc_format(fh.read(1 << 16)) == "iso2709"
        except OSError:
            return False  # the one-process run reports it

    def results(self) -> Iterator[Converted]:
        if self._parallel():
            yield from self._parallel_results()
            return
        summary = self.summary
        reader = MarcReader(self.source, self._report)
        with open_output(self.target, [self.source]) as fh:
            writer = open_writer(self.format, fh)
            for item in reader:
                summary.read += 1
                result = convert_item(item, self.options, self.kbart, writer.write)
                self._count(result)
                yield result
                if self.progress is not None and item.ordinal % PROGRESS_EVERY == 0:
                    self.progress(reader.progress)
            if reader.format is None:
                raise InputError(
                    f"{self.source} cannot be read as MARC",
                    hint="give a MARC file (ISO 2709 .mrc, MARCXML, .mrk or MARC-in-JSON); "
                    "no output was written",
                )
            writer.close()
        summary.input_format = reader.format or ""
        summary.unparseable = reader.unparseable
        if self.progress is not None:
            self.progress(reader.bytes_read)

    def _parallel_results(self) -> Iterator[Converted]:
        from erdq.cataloguing.print2e_parallel import _Work, parallel_results

        summary = self.summary
        work = _Work(self.options, self.kbart, self.format, self.detail)
        with open_output(self.target, [self.source]) as fh:
            for out, done in parallel_results(self.source, fh, work, self.jobs, self._report):
                summary.unparseable += out.unparseable
                summary.reader_findings.update(out.reader_findings)
                for result in out.results:
                    summary.read += 1
                    self._count(result, changes=False)
                    yield result
                summary.changes += out.changes
                if self.progress is not None:
                    self.progress(done)
        summary.input_format = "iso2709"

    def _count(self, result: Converted, changes: bool = True) -> None:
        summary = self.summary
        for problem in result.problems:
            (summary.skipped if problem.skipped else summary.warnings)[problem.code] += 1
        if not result.skipped:
            summary.written += 1
            summary.changes += len(result.changes) if changes else 0
            summary.matched += bool(result.matched)


def convert_item(
    item: MarcItem, options: Options, kbart: KbartIndex | None, write: Callable[[Record], None]
) -> Converted:
    """One record read, converted and handed to ``write`` (a writer's ``write``, or what
    encodes it in a worker process). A record cut off in the input is not converted, and
    one ``write`` refuses (``UnwritableRecord``) is not written: each is a problem of the
    result, whose ``record`` is then None."""
    result = convert_record(item.record, ordinal=item.ordinal, options=options, kbart=kbart)
    incomplete = cut_off(item)
    if incomplete is not None and result.record is not None:
        # Cut off in the input: written out it would pass for a whole record.
        result.record = None
        result.changes = []  # none of them was made
        result.problems.append(
            Problem("incomplete", f"not converted: {incomplete[1]}", skipped=True)
        )
    guessed = _guessed_indicators(item, result)
    if guessed is not None and result.record is not None:
        result.record = None
        result.changes = []  # none of them was made
        result.problems.append(Problem("indicator-area", guessed, skipped=True))
    if result.record is not None:
        try:
            write(result.record)
        except UnwritableRecord as exc:
            result.record = None
            result.problems.append(
                Problem("unwritable", f"not written: {exc.reason}", skipped=True)
            )
    return result


def _guessed_indicators(item: MarcItem, result: Converted) -> str | None:
    """Why the record is not converted when a field it keeps had an indicator area
    that was not two characters (MR111), else None. The reader's indicators are then a
    guess, and a rebuilt record would state them as fact; a field the conversion takes
    out (a 9XX, a 035 moved to 776 $w) does not matter."""
    as_read = indicators_as_read(item)
    if not as_read:
        return None
    fields = item.record.fields
    gone = {id(c.old) for c in result.changes if c.action in ("removed", "moved")}
    for position, area in sorted(as_read.items()):
        f = fields[position] if position < len(fields) else None
        if f is None or id(f) not in gone:
            tag = f.tag if f is not None else "?"
            return (
                f"not converted: field {tag} had the indicator area {area!r} as read, not "
                "two characters (MR111); print2e rebuilds the record and cannot tell which "
                "two characters were meant; correct the indicators in the source first"
            )
    return None


# -- reports --------------------------------------------------------------------------


def _where(result: Converted) -> str:
    return f"record {result.ordinal}" + (f" (001 {result.record_id})" if result.record_id else "")


class TextLog:
    """Problems as they happen (and with ``explain`` every change), then the counts."""

    def __init__(self, out: TextIO, *, explain: bool = False, per_kind: int = 20) -> None:
        self.out = out
        self.explain = explain
        self.per_kind = per_kind
        self.shown: Counter[str] = Counter()

    def write(self, result: Converted) -> None:
        out = self.out
        if self.explain:
            state = "not converted" if result.skipped else f"{len(result.changes)} change(s)"
            out.write(f"{_where(result)}: {state}\n")
            for c in result.changes:
                # A position (LDR/17, 008/23) is one character, quoted so a blank shows.
                quote = repr if "/" in c.tag else str
                before = f" {quote(c.before)}" if c.before is not None else ""
                after = f" → {quote(c.after)}" if c.after is not None else ""
                out.write(f"  {c.tag} {c.action}:{before}{after}\n    why: {c.why}\n")
            for p in result.problems:
                out.write(f"  {'skipped' if p.skipped else 'warning'} [{p.code}]: {p.message}\n")
            return
        for p in result.problems:
            self.shown[p.code] += 1
            if self.shown[p.code] <= self.per_kind:
                kind = "skipped" if p.skipped else "warning"
                out.write(f"{_where(result)}: {kind} [{p.code}]: {p.message}\n")

    def close(self, s: Print2eSummary) -> None:
        out = self.out
        hidden = {k: n - self.per_kind for k, n in self.shown.items() if n > self.per_kind}
        if hidden:
            more = ", ".join(f"{n:,} more [{k}]" for k, n in sorted(hidden.items()))
            out.write(f"Not shown: {more} (--explain or --format json lists every one).\n")
        skipped = sum(s.skipped.values())
        why = ", ".join(f"{n:,} {k}" for k, n in sorted(s.skipped.items()))
        unreadable = f", {s.unparseable:,} unreadable" if s.unparseable else ""
        out.write(
            f"Read {s.read:,} record(s){unreadable} from {s.source}; wrote {s.written:,} "
            f"e-book record(s) to {s.target} ({FORMAT_NAMES[s.output_format]}); "
            f"not converted {skipped:,}" + (f" ({why})" if why else "") + ".\n"
        )
        if s.kbart is not None:
            out.write(
                f"KBART {s.kbart}: {s.kbart_rows:,} row(s); {s.matched:,} record(s) matched, "
                f"{s.warnings.get('no-kbart-match', 0):,} without a match (no e-ISBN, no 856).\n"
            )
            unused = sum(s.warnings.get(code, 0) for code in UNUSABLE_URL_CODES)
            if unused:
                out.write(
                    f"{unused:,} matching row(s) had a title_url that is no link (empty, not an "
                    "absolute http(s) URL, or with spaces): no 856 was made from them; each "
                    "is reported with its record and KBART line.\n"
                )
            if s.kbart_problems:
                out.write(
                    f"The KBART file has {s.kbart_problems.total():,} problem(s); "
                    f"`erdq kbart validate {s.kbart}` explains them.\n"
                )
        else:
            out.write("No --kbart file: no e-ISBN from a provider and no 856 link were added.\n")
        if s.agency is None:
            out.write(
                "No --agency code: no 040 $d was added (nor a 040 to a record without one) "
                "and 003 was removed.\n"
            )
        if s.reader_findings:
            out.write(
                f"The reader reported {s.reader_findings.total():,} finding(s) on the input; "
                f"`erdq marc validate {s.source}` explains them.\n"
            )


class JsonLog:
    """JSON Lines: one object per record (changes and problems), then the summary."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, result: Converted) -> None:
        doc = {
            "type": "record",
            "line": result.ordinal,
            "record_id": result.record_id,
            "converted": not result.skipped,
            "changes": [c.to_dict() for c in result.changes],
            "problems": [
                {"code": p.code, "message": p.message, "skipped": p.skipped}
                for p in result.problems
            ],
            "kbart_lines": [t.line for t in result.matched],
        }
        self.out.write(json.dumps(doc, ensure_ascii=False) + "\n")

    def close(self, summary: Print2eSummary) -> None:
        self.out.write(json.dumps(summary.as_dict(), ensure_ascii=False) + "\n")
