"""What a batch of MARC records holds: MarcEdit's field count report, and completeness.

For one or more files (any format ``MarcReader`` reads), streamed in constant memory:
records, formats and encodings, record types (leader/06-07), for each field tag how many
records have it and how often it occurs, the same for each subfield (``245$a``), what
the reader found about the structure, and the completeness distribution of
``erdq.completeness`` (overall and per file): mean, median, quartiles, histogram and
the share of records missing each element. Everything is ordered deterministically
(tags and codes sorted), so two runs over the same files give the same report.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pymarc

from erdq import marc21
from erdq.completeness import DEFAULT_THRESHOLD, ELEMENTS, BatchCompleteness, GroupSummary
from erdq.readers.marc import MarcReader

__all__ = [
    "FieldCount",
    "FileStats",
    "MarcStats",
    "field_name",
    "subfield_order",
    "write_csv",
    "write_text",
]

PROGRESS_EVERY = 500


@dataclass(slots=True)
class FieldCount:
    """How many records have a field (or subfield), and how often it occurs in all."""

    records: int = 0
    occurrences: int = 0


@dataclass
class FileStats:
    """One file as read: its format, records and encodings."""

    source: str
    format: str = ""  # iso2709 | marcxml | mrk | json; empty when the file is not MARC
    records: int = 0
    unparseable: int = 0
    encodings: dict[str, int] = field(default_factory=dict)
    sha256: str = ""
    bytes_read: int = 0
    problem: str | None = None  # why nothing could be read (not MARC, unreadable, empty)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "format": self.format,
            "records": self.records,
            "unparseable": self.unparseable,
            "encodings": dict(sorted(self.encodings.items())),
            "sha256": self.sha256,
            "bytes_read": self.bytes_read,
            "problem": self.problem,
        }


def subfield_order(code: str) -> tuple[int, str]:
    """Letters, then digits, then anything else: the order MARC 21 lists subfields in."""
    if code.isalpha():
        return (0, code)
    if code.isdigit():
        return (1, code)
    return (2, code)


def field_name(tag: str) -> str:
    """The MARC 21 name of a tag ("" for local or unknown tags)."""
    control = marc21.CONTROL_FIELDS.get(tag)
    if control is not None:
        return str(control.get("name", ""))
    definition = marc21.field_def(tag)
    return definition.name if definition is not None else ""


def _material_name(types: str) -> str:
    code = marc21.material_type("      " + types.ljust(2))
    return str(marc21.MATERIAL_TYPES[code]["name"]) if code else ""


class MarcStats:
    """Accumulates statistics over records and files; ``add_file`` streams one file.

    Counters only: memory depends on the number of distinct tags and codes, not on the
    number of records.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.files: list[FileStats] = []
        self.records = 0
        self.unparseable = 0
        self.formats: Counter[str] = Counter()  # records per format
        self.encodings: Counter[str] = Counter()  # records per encoding read
        self.leader09: Counter[str] = Counter()  # what leader/09 claims
        self.types: Counter[str] = Counter()  # leader/06-07
        self.fields: dict[str, FieldCount] = {}
        self.subfields: dict[tuple[str, str], FieldCount] = {}
        self.reader_findings: Counter[str] = Counter()
        self.completeness = BatchCompleteness(threshold)

    def add_file(
        self,
        path: str | Path,
        *,
        progress: Callable[[int], None] | None = None,
        display: str | None = None,
    ) -> FileStats:
        """Read one file to the end and count its records."""
        source = display or str(path)
        problems: list[str] = []
        findings = self.reader_findings

        def report(code: str, line: int | None = None, *args: object, **params: object) -> None:
            findings[code] += 1
            if code == "MR100":
                problems.append(str(params.get("reason", "it cannot be read as MARC")))

        reader = MarcReader(path, report)
        for item in reader:
            self.add_record(item.record, batch=source, fmt=item.format)
            if progress is not None and item.ordinal % PROGRESS_EVERY == 0:
                progress(reader.progress)
        if progress is not None:
            progress(reader.bytes_read)
        stats = FileStats(
            source=source,
            format=reader.format or "",
            records=reader.records,
            unparseable=reader.unparseable,
            encodings=dict(reader.encodings),
            sha256=reader.sha256,
            bytes_read=reader.bytes_read,
            problem=problems[0] if problems else None,
        )
        self.files.append(stats)
        self.unparseable += reader.unparseable
        self.encodings.update(reader.encodings)
        return stats

    def add_record(self, record: pymarc.Record, *, batch: str | None = None, fmt: str = "") -> None:
        """Count one record (``batch`` groups its completeness, e.g. by file)."""
        self.records += 1
        if fmt:
            self.formats[fmt] += 1
        leader = str(record.leader).ljust(24)
        self.leader09[leader[9]] += 1
        self.types[leader[6:8]] += 1
        seen_tags: set[str] = set()
        seen_codes: set[tuple[str, str]] = set()
        fields = self.fields
        subfields = self.subfields
        for fld in record.fields:
            tag = fld.tag
            count = fields.get(tag)
            if count is None:
                count = fields[tag] = FieldCount()
            count.occurrences += 1
            if tag not in seen_tags:
                seen_tags.add(tag)
                count.records += 1
            if fld.control_field:
                continue
            for sub in fld.subfields:
                key = (tag, sub.code)
                sub_count = subfields.get(key)
                if sub_count is None:
                    sub_count = subfields[key] = FieldCount()
                sub_count.occurrences += 1
                if key not in seen_codes:
                    seen_codes.add(key)
                    sub_count.records += 1
        self.completeness.add_record(record, batch=batch)

    # -- results ------------------------------------------------------------------------

    def field_rows(self) -> list[dict[str, object]]:
        """Fields by tag, each with its subfields (letters, then digits)."""
        by_tag: dict[str, list[tuple[str, FieldCount]]] = {}
        for (tag, code), count in self.subfields.items():
            by_tag.setdefault(tag, []).append((code, count))
        rows = []
        for tag in sorted(self.fields):
            count = self.fields[tag]
            subs = sorted(by_tag.get(tag, []), key=lambda item: subfield_order(item[0]))
            rows.append(
                {
                    "tag": tag,
                    "name": field_name(tag),
                    "records": count.records,
                    "occurrences": count.occurrences,
                    "record_share": self._share(count.records),
                    "subfields": [
                        {
                            "code": code,
                            "records": sub.records,
                            "occurrences": sub.occurrences,
                            "record_share": self._share(sub.records),
                        }
                        for code, sub in subs
                    ],
                }
            )
        return rows

    def type_rows(self) -> list[dict[str, object]]:
        """Record types (leader/06-07) by frequency, then code."""
        return [
            {
                "leader_06_07": types,
                "material": _material_name(types),
                "records": n,
                "record_share": self._share(n),
            }
            for types, n in sorted(self.types.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def completeness_summary(self) -> list[GroupSummary]:
        """Overall first, then one group per file (dimension "batch")."""
        return self.completeness.summary()

    def _share(self, n: int) -> float:
        return round(n / self.records, 4) if self.records else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "files": [f.as_dict() for f in self.files],
            "records": self.records,
            "unparseable": self.unparseable,
            "formats": dict(sorted(self.formats.items())),
            "encodings": dict(sorted(self.encodings.items())),
            "leader_09": dict(sorted(self.leader09.items())),
            "types": self.type_rows(),
            "fields": self.field_rows(),
            "completeness": [g.as_dict() for g in self.completeness_summary()],
            "reader_findings": dict(sorted(self.reader_findings.items())),
        }


# -- reports ------------------------------------------------------------------------------

_FORMAT_NAMES = {
    "iso2709": "ISO 2709",
    "marcxml": "MARCXML",
    "mrk": "MarcEdit .mrk",
    "json": "JSON",
}
_NAME_WIDTH = 40
CSV_FIELDS = ("tag", "subfield", "name", "records", "occurrences", "record_share")


def _counts(counter: dict[str, int], names: dict[str, str] | None = None) -> str:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{(names or {}).get(k, k)} {n:,}" for k, n in items) or "none"


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def write_text(stats: MarcStats, out: TextIO) -> None:
    """The report for people: files, types, fields with their subfields, completeness."""
    w = out.write
    w(f"{len(stats.files)} file(s), {stats.records:,} record(s)")
    w(f", {stats.unparseable:,} unparseable\n" if stats.unparseable else "\n")
    for f in stats.files:
        if f.problem is not None and not f.records:
            w(f"  {f.source}: not read: {f.problem}\n")
            continue
        fmt = _FORMAT_NAMES.get(f.format, f.format)
        bad = f", {f.unparseable:,} unparseable" if f.unparseable else ""
        w(f"  {f.source}: {fmt}, {f.records:,} record(s){bad} ({_counts(f.encodings)})\n")
    w(f"Formats: {_counts(stats.formats, _FORMAT_NAMES)}\n")
    w(f"Encodings (as read): {_counts(stats.encodings)}\n")
    shown09 = {k: repr(k) for k in stats.leader09}
    w(f"Leader/09 (as claimed): {_counts(stats.leader09, shown09)}\n")
    if stats.reader_findings:
        w(
            f"Reader findings: {_counts(stats.reader_findings)} "
            "(`erdq marc validate` explains them)\n"
        )
    w(f"\n{'Record types (leader/06-07)':{_NAME_WIDTH + 7}} {'records':>9}  {'share':>7}\n")
    for row in stats.type_rows():
        label = f"{row['leader_06_07']!s:4} {row['material']!s:{_NAME_WIDTH}}"
        w(f"  {label} {row['records']:>9,}  {_percent(row['record_share']):>7}\n")
    w(f"\n{'Fields':{_NAME_WIDTH + 7}} {'records':>9}  {'share':>7}  {'occurrences':>11}\n")
    for row in stats.field_rows():
        name = str(row["name"])
        if len(name) > _NAME_WIDTH:
            name = name[: _NAME_WIDTH - 1] + "…"
        w(
            f"  {row['tag']!s:4} {name:{_NAME_WIDTH}} {row['records']:>9,}  "
            f"{_percent(row['record_share']):>7}  {row['occurrences']:>11,}\n"
        )
        for sub in row["subfields"]:
            code = f"${sub['code']}"
            w(
                f"       {code:{_NAME_WIDTH}} {sub['records']:>9,}  "
                f"{_percent(sub['record_share']):>7}  {sub['occurrences']:>11,}\n"
            )
    groups = stats.completeness_summary()
    if not groups:
        return
    labels = {e.key: e.label for e in ELEMENTS}
    w(f"\nCompleteness (score 0-100; threshold {groups[0].threshold:g})\n")
    single = len(stats.files) == 1
    for group in groups:
        if single and group.dimension != "all":
            continue
        name = "all records" if group.dimension == "all" else group.key
        w(
            f"  {name}: {group.records:,} record(s); mean {group.mean:g}, median "
            f"{group.median:g}, quartiles {group.p25:g}-{group.p75:g}, min {group.minimum:g}, "
            f"max {group.maximum:g}; {group.below_threshold:,} below {group.threshold:g}\n"
        )
        if group.dimension == "all":
            peak = max(group.histogram) or 1
            for i, n in enumerate(group.histogram):
                low = i * 10
                span = f"{low}-{low + 9}" if i < 9 else "90-100"
                w(f"    {span:>6}  {n:>9,}  {'#' * round(40 * n / peak)}".rstrip() + "\n")
        missing = ", ".join(
            f"{labels.get(k, k)} {_percent(v)}"
            for k, v in group.missing_share.items()  # the data file's order
        )
        w(f"    missing: {missing}\n")
        w(f"    missing an essential element: {_percent(group.essential_missing_share)}\n")


def write_csv(stats: MarcStats, out: TextIO) -> None:
    """Field and subfield frequencies as a table: a row per tag (``subfield`` empty),
    then a row per subfield code of that tag."""
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in stats.field_rows():
        writer.writerow(
            {
                "tag": row["tag"],
                "subfield": "",
                "name": row["name"],
                "records": row["records"],
                "occurrences": row["occurrences"],
                "record_share": row["record_share"],
            }
        )
        for sub in row["subfields"]:
            writer.writerow(
                {
                    "tag": row["tag"],
                    "subfield": sub["code"],
                    "name": "",
                    "records": sub["records"],
                    "occurrences": sub["occurrences"],
                    "record_share": sub["record_share"],
                }
            )
