"""The match plan as JSON, CSV (for spreadsheets) and a text summary.

The JSON plan is one document, written as the records are matched so that a plan of
200,000 records is never held in memory::

    {
      "plan": "erdq-match", "version": 1,
      "incoming": "vendor.mrc", "existing": "catalogue.mrc",
      "local_tags": ["9XX", "590", "541"], "title_threshold": 0.6,
      "records": [
        {"incoming": {"ordinal": 1, "001": "...", "keys": {"system": ["(OCoLC)12345"],
                      "cancelled": [], "isbn": ["9780199577521"], "issn": [],
                      "title": "logical matters | barnes jonathan | 2012",
                      "form": "electronic",   # | "not electronic" | null (not known)
                      "other_formats": ["776 $w (OCoLC)4242", "776 $z 9780306406157"]}},
         "class": "update",            # new | update | unchanged | multiple-match | conflict
         "matched": [{"ordinal": 7, "001": "4347946"}],
         "matched_on": "035",          # 035 (035 $a or 001/003) | isbn | issn | title
                                       # | cancelled-035 | null (new)
         "match_key": "(OCoLC)12345",
         "explanation": "the system number (OCoLC)12345 finds one catalogue record ...",
         "changed_tags": ["650"], "changes": {"650": {"added": 1, "removed": 0}},
         "notes": [], "merged": true,
         "shared_with": [],            # other incoming records matching the same catalogue
                                       # record (the entry is then a conflict)
         "not_written": null},         # with --merge: why a new or update record is not
        ...                            # in the merge file (the format cannot hold it, ...)
      ],
      "incoming_problems": [...], "existing_problems": [...],   # records that could not be read
      "summary": {"incoming": 20, "existing": 40, "classes": {"new": 3, ...}, "merged": 12,
                  "not_written": 0}
    }

Ordinals count records from 1 in file order, as everywhere in erdq.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from erdq.cataloguing.match import CLASSES, PlanEntry
from erdq.cataloguing.match_index import ReadProblem
from erdq.report.findings import spreadsheet_safe

__all__ = ["CSV_COLUMNS", "PlanCsvWriter", "PlanJsonWriter", "write_text_summary"]

CSV_COLUMNS = (
    "incoming_record",
    "incoming_001",
    "class",
    "matched_records",
    "matched_001",
    "matched_on",
    "match_key",
    "changed_tags",
    "explanation",
    "notes",
)


class PlanJsonWriter:
    """Writes the plan document one entry at a time."""

    def __init__(self, fh: TextIO, meta: dict[str, object]) -> None:
        self.fh = fh
        head = json.dumps({"plan": "erdq-match", "version": 1, **meta}, ensure_ascii=False)
        fh.write(head[:-1] + ', "records": [')
        self._first = True

    def write(self, entry: PlanEntry) -> None:
        self.fh.write(("\n  " if self._first else ",\n  ") + _json(entry.as_dict()))
        self._first = False

    def close(
        self,
        summary: dict[str, object],
        incoming_problems: Iterable[ReadProblem],
        existing_problems: Iterable[ReadProblem],
    ) -> None:
        tail = {
            "incoming_problems": [p.as_dict() for p in incoming_problems],
            "existing_problems": [p.as_dict() for p in existing_problems],
            "summary": summary,
        }
        self.fh.write(("\n" if not self._first else "") + "], " + _json(tail)[1:] + "\n")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


class PlanCsvWriter:
    """One row per incoming record, for a spreadsheet worklist. A vendor's 001 such as
    "=cmd" or "-123" is neutralised (a leading apostrophe) so that Excel does not run it."""

    def __init__(self, fh: TextIO) -> None:
        self._csv = csv.writer(fh)
        self._csv.writerow(CSV_COLUMNS)

    def write(self, entry: PlanEntry) -> None:
        row = [
            entry.ordinal,
            entry.record_id or "",
            entry.status,
            " ".join(str(o) for o, _ in entry.matched),
            " ".join(rid or "" for _, rid in entry.matched),
            entry.matched_on or "",
            entry.match_key or "",
            " ".join(entry.changed_tags),
            entry.explanation,
            " | ".join(entry.notes),
        ]
        self._csv.writerow([spreadsheet_safe(value) for value in row])


_IN_THE_PLAN = "(every one is in the plan: --out plan.json or --csv plan.csv)"


def write_text_summary(
    out: TextIO,
    summary: dict[str, object],
    review: list[PlanEntry],
    review_total: int,
    problems: Iterable[tuple[str, ReadProblem]],
    unwritten: Iterable[PlanEntry] = (),
    unwritten_total: int = 0,
) -> None:
    """Counts per class, then the new and update records the merge file did not get
    (``unwritten``: the first of them, ``unwritten_total`` in all), then the records that
    need a cataloguer's decision (``review``: the first of them, ``review_total`` in all)."""
    classes = summary.get("classes", {})
    assert isinstance(classes, dict)
    lost = [
        f"{summary.get(key)} {side} record(s) could not be read"
        for key, side in (("incoming_unreadable", "incoming"), ("existing_unreadable", "catalogue"))
        if summary.get(key)
    ]
    out.write(
        f"{summary.get('incoming', 0)} incoming record(s) matched against "
        f"{summary.get('existing', 0)} catalogue record(s)"
        + (f" ({'; '.join(lost)})" if lost else "")
        + "\n"
    )
    for name in CLASSES:
        out.write(f"  {name:<15}{classes.get(name, 0):>8}\n")
    if summary.get("merged") is not None:
        out.write(f"  {'written':<15}{summary['merged']:>8}  (new and update records)\n")
    if summary.get("not_written"):
        out.write(f"  {'not written':<15}{summary['not_written']:>8}  (see below)\n")
    for side, problem in problems:
        where = f"record {problem.ordinal}" if problem.ordinal else "file"
        out.write(f"{side} {where}: {problem.describe()}\n")
    if unwritten_total:
        out.write(f"\n{unwritten_total} new or update record(s) not written to the merge file:\n")
    shown = 0
    for entry in unwritten:
        shown += 1
        rid = f" (001 {entry.record_id})" if entry.record_id else ""
        over = ""
        if entry.status == "update" and entry.matched:
            target, target_id = entry.matched[0]
            over = f", update of catalogue record {target}" + (
                f" (001 {target_id})" if target_id else ""
            )
        out.write(f"  record {entry.ordinal}{rid}{over}: {entry.not_written}\n")
    if unwritten_total > shown:
        out.write(f"  … and {unwritten_total - shown} more {_IN_THE_PLAN}\n")
    if review_total:
        out.write(f"\n{review_total} record(s) to review:\n")
    for entry in review:
        rid = f" (001 {entry.record_id})" if entry.record_id else ""
        out.write(f"  record {entry.ordinal}{rid}: {entry.status}: {entry.explanation}\n")
    if review_total > len(review):
        out.write(f"  … and {review_total - len(review)} more {_IN_THE_PLAN}\n")
