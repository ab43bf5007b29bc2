"""How ``erdq marc edit`` reports a run: text for people, JSON Lines for scripts."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from erdq.cataloguing.edit_run import EditSummary, Event, RecordChanged
from erdq.writers.marc import FORMAT_NAMES

__all__ = ["JsonLog", "TextLog"]

_INPUT_FORMATS = {"iso2709": "ISO 2709", "marcxml": "MARCXML", "mrk": "MarcEdit .mrk"}


class TextLog:
    """Errors, skipped records and notes as lines (``per_kind`` of each kind, then a
    count), the diff of every changed record when ``diffs`` is on (up to ``max_diffs``,
    None: all), and the summary at the end."""

    def __init__(
        self, out: TextIO, *, diffs: bool, max_diffs: int | None = None, per_kind: int = 20
    ) -> None:
        self.out = out
        self.diffs = diffs
        self.max_diffs = max_diffs
        self.per_kind = per_kind
        self.shown: Counter[str] = Counter()
        self.hidden: Counter[str] = Counter()

    def write(self, event: Event) -> None:
        if isinstance(event, RecordChanged):
            if not self.diffs:
                return
            if self.max_diffs is not None and self.shown["changed"] >= self.max_diffs:
                self.hidden["changed"] += 1
                return
            self.shown["changed"] += 1
            edits = ", ".join(str(n) for n in sorted({c.edit for c in event.changes}))
            self.out.write("\n".join(event.diff()) + f"\n(edits {edits})\n\n")
            return
        kind = event.type
        if kind == "note" and event.code is None:  # written as UTF-8: the summary counts them
            return
        if self.shown[kind] >= self.per_kind:
            self.hidden[kind] += 1
            return
        self.shown[kind] += 1
        self.out.write(event.describe() + "\n")

    def close(self, summary: EditSummary) -> None:
        out = self.out
        labels = {
            "changed": "record diff(s) not shown (raise --max-diffs)",
            "error": "more record(s) with an edit error",
            "skipped": "more skipped record(s)",
            "note": "more note(s)",
        }
        for kind, count in self.hidden.items():
            out.write(f"... {count:,} {labels[kind]}\n")
        fmt = _INPUT_FORMATS.get(summary.input_format, summary.input_format or "MARC")
        errors = ""
        if summary.errors:
            what = "left unchanged" if summary.dry_run else "written unchanged"
            errors = f", {summary.errors:,} with an edit error ({what})"
        skipped = f", {summary.skipped:,} skipped (not written)" if summary.skipped else ""
        if summary.unreadable:
            skipped += f"; {summary.unreadable:,} more could not be read"
        out.write(
            f"Read {summary.read:,} record(s) from {summary.source} ({fmt}): "
            f"{summary.changed:,} changed, {summary.unchanged:,} unchanged{errors}{skipped}.\n"
        )
        out_fmt = FORMAT_NAMES.get(summary.output_format or "", "")
        if summary.dry_run:
            out.write("Dry run: nothing was written.\n")
        else:
            out.write(f"Wrote {summary.written:,} record(s) to {summary.target} ({out_fmt}).\n")
        if summary.transcoded:
            verb = "would be" if summary.dry_run else "were"
            out.write(
                f"{summary.transcoded:,} record(s) read as MARC-8 or a code page {verb} "
                "written as UTF-8 with leader/09 'a'.\n"
            )
        out.write(f"Edits from {summary.rules} (records changed, fields changed):\n")
        for number, label in enumerate(summary.edits, 1):
            records, fields = summary.records_by_edit[number], summary.fields_by_edit[number]
            out.write(f"  {label}: {records:,} record(s), {fields:,} field(s)\n")
        if summary.reader_findings:
            codes = ", ".join(f"{c} {n:,}" for c, n in sorted(summary.reader_findings.items()))
            out.write(f"Reader findings: {codes} (see erdq marc validate for details)\n")


class JsonLog:
    """One JSON object per line: every changed record (with its changes), error,
    skipped record and note, then the summary."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, event: Event) -> None:
        self.out.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")

    def close(self, summary: EditSummary) -> None:
        self.out.write(json.dumps(summary.as_dict(), ensure_ascii=False) + "\n")
