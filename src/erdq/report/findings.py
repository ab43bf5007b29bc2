"""Finding writers. JSON Lines and CSV stream; the text report keeps only counts and a
few examples per rule, so its memory does not grow with the number of findings."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TextIO

from erdq.findings import Finding, Severity
from erdq.registry import get_rule

FIELDS = (
    "code",
    "name",
    "severity",
    "level",
    "source",
    "line",
    "record_id",
    "offset",
    "field",
    "subfield",
    "value",
    "message",
    "confidence",
    "fingerprint",
)
# What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Neutralise cells a spreadsheet would run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class JsonLinesWriter:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, finding: Finding) -> None:
        self.out.write(json.dumps(finding.to_dict(), ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.out.flush()


class CsvWriter:
    def __init__(self, out: TextIO) -> None:
        self.writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        self.writer.writeheader()
        self.out = out

    def write(self, finding: Finding) -> None:
        row = finding.to_dict()
        self.writer.writerow({k: spreadsheet_safe(row.get(k)) for k in FIELDS})

    def close(self) -> None:
        self.out.flush()


@dataclass
class _FileReport:
    counts: Counter[str] = field(default_factory=Counter)
    severity: dict[str, str] = field(default_factory=dict)  # as graded in this run
    examples: dict[str, list[Finding]] = field(default_factory=lambda: defaultdict(list))


def severity_counts(counts: Mapping[str, int]) -> str:
    """ "3 error(s), 1 warning(s), 0 info" from counts by severity value."""
    return (
        f"{counts.get('error', 0)} error(s), {counts.get('warning', 0)} warning(s), "
        f"{counts.get('info', 0)} info"
    )


class TextReport:
    """Groups findings by file and rule; prints ``per_rule`` examples of each rule."""

    def __init__(self, out: TextIO, per_rule: int = 10, unit: str = "line") -> None:
        self.out = out
        self.unit = unit  # what a finding's ``line`` counts: "line" or "record"
        self.per_rule = per_rule
        self.files: dict[str, _FileReport] = {}
        self.by_severity: Counter[str] = Counter()

    def write(self, finding: Finding) -> None:
        report = self.files.setdefault(finding.location.source, _FileReport())
        report.counts[finding.code] += 1
        report.severity[finding.code] = finding.severity.value
        self.by_severity[finding.severity.value] += 1
        examples = report.examples[finding.code]
        if len(examples) < self.per_rule:
            examples.append(finding)

    def file_done(self, source: str, heading: str) -> None:
        """Print one file's findings under ``source: heading`` (e.g. "435 row(s), UTF-8")."""
        report = self.files.pop(source, _FileReport())
        w = self.out.write
        total = sum(report.counts.values())
        w(f"{source}: {heading} — {total} finding(s)\n")
        for code in sorted(report.counts, key=lambda c: (-_RANKS[report.severity[c]], c)):
            rule = get_rule(code)
            examples = report.examples[code]
            severity = report.severity[code]
            w(f"  {rule.code} {rule.name} [{severity}] × {report.counts[code]}\n")
            for f in examples:
                w(f"    {self._where(f)}: {f.message}\n")
            more = report.counts[code] - len(examples)
            if more > 0 and examples:
                w(f"    … and {more} more (use --format csv or json for all)\n")
        w("\n")

    def _where(self, finding: Finding) -> str:
        loc = finding.location
        where = f"{self.unit} {loc.line}" if loc.line else "file"
        if self.unit == "record" and loc.record_id:
            where += f" [{loc.record_id}]"
        field = loc.column or loc.tag
        return f"{where} {field}" if field else where

    def summary(self, files: int, items: int) -> str:
        things = "row(s)" if self.unit == "line" else f"{self.unit}(s)"
        return f"Checked {files} file(s), {items} {things}: {severity_counts(self.by_severity)}."

    def close(self) -> None:
        self.out.flush()


_RANKS = {s.value: s.rank for s in Severity}
