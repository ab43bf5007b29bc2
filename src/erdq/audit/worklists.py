"""Worklists: every finding of an audit, one sheet (and one CSV) per team that fixes it.

The knowledge-base team gets KBART findings, cataloguing the MARC ones, and linkage the
portfolio-record ones, errors first, then warnings, then information, each in file order.
Each row carries the rule's "how to fix" text; a linkage row also names the portfolio
and the record it is about (the finding's ``link`` object). The knowledge-base team gets
a second sheet, the coverage gaps of titles held in several collections (one row per
title, from ``erdq.audit.overlap``: these are not findings of a rule). Cells that begin
with =, +, -, @ are neutralised so a spreadsheet never runs record data: in the CSVs with
an apostrophe (``erdq.report.findings.spreadsheet_safe``), in the workbook as text cells
with the quote-prefix style (the value as it is); characters XML cannot hold are shown
escaped.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Collection, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from erdq.registry import get_rule
from erdq.report.findings import FORMULA_START, spreadsheet_safe

TEAMS = (
    ("knowledge-base", "Knowledge base"),
    ("cataloguing", "Cataloguing"),
    ("linkage", "Linkage"),
)
COLUMNS = (
    "status",
    "severity",
    "code",
    "name",
    "collection",
    "source",
    "line",
    "record_id",
    "field",
    "subfield",
    "value",
    "message",
    "how_to_fix",
    "fingerprint",
)
# The linkage sheet: the portfolio and the record first, then the finding.
LINKAGE_COLUMNS = (
    "status",
    "severity",
    "code",
    "name",
    "portfolio_collection",
    "portfolio_title",
    "portfolio_identifiers",
    "portfolio_line",
    "record_file",
    "record_ordinal",
    "record_001",
    "record_title",
    "match_key",
    "identifiers",
    "records",
    "collection",
    "source",
    "value",
    "message",
    "how_to_fix",
    "fingerprint",
)
GAP_SHEET = ("coverage-gaps", "Coverage gaps")
GAP_COLUMNS = (
    "title",
    "identifiers",
    "collections",
    "holdings",
    "union",
    "gaps",
    "gap_days",
    "how_to_fix",
)
GAP_HINT = (
    "No collection covers these dates of a title the library holds in several: check each "
    "package's coverage with the provider (a KBART line may be missing or cut short), "
    "then correct the KBART file or license the missing years."
)
_WIDTHS = {
    "message": 70,
    "how_to_fix": 60,
    "value": 30,
    "source": 30,
    "name": 28,
    "portfolio_title": 40,
    "record_title": 40,
    "record_file": 30,
    "title": 40,
    "holdings": 60,
    "union": 30,
    "gaps": 30,
}
MAX_HINT = 500
SHEET_ROWS = 1_048_576  # Excel's limit per sheet, header included


def team_of(code: str, level: str) -> str:
    """The team that fixes a finding: by rule family, else by level."""
    if code.startswith("PF"):
        return "linkage"
    if code.startswith("MR") or level == "bibliographic":
        return "cataloguing"
    return "knowledge-base"


def rule_section(doc: str, heading: str) -> str:
    """The text under ``## heading`` in a rule doc, up to the next heading."""
    marker = f"## {heading}\n"
    start = doc.find(marker)
    if start < 0:
        return ""
    body = doc[start + len(marker) :]
    end = body.find("\n## ")
    return (body if end < 0 else body[:end]).strip()


@cache
def fix_hint(code: str) -> str:
    text = " ".join(rule_section(get_rule(code).doc, "How to fix").split())
    return text if len(text) <= MAX_HINT else text[: MAX_HINT - 1] + "…"


def _cell(value: object, sheet) -> object:
    """A workbook cell's value. Text that a spreadsheet would run as a formula (``=``,
    ``+``, ``-``, ``@``) is written as a text cell with the quote-prefix style, as Excel
    marks text typed after an apostrophe: shown as it is, never run, and kept as text when
    the cell is edited (the CSVs, which have no cell types, get the apostrophe)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if value.startswith(FORMULA_START):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def columns_of(team: str) -> tuple[str, ...]:
    return LINKAGE_COLUMNS if team == "linkage" else COLUMNS


def worklist_row(finding: dict, collection: str, status: str) -> dict[str, object]:
    link = finding.get("link") or {}
    return {
        **{k: finding.get(k) for k in COLUMNS},
        **{k: link.get(k) for k in LINKAGE_COLUMNS if k in link},
        "record_file": link.get("record_source"),
        "record_001": link.get("record_001"),
        "status": status,
        "collection": collection,
        "how_to_fix": fix_hint(str(finding["code"])),
    }


@dataclass(frozen=True)
class WorklistSource:
    """What the worklists are written from: the audit's findings.jsonl, each file's
    collection, the previous run's fingerprints (None without a previous run: the status
    is then left empty) and the coverage-gap rows (``OverlapIndex.gap_titles``)."""

    findings_path: Path
    collections: dict[str, str]
    previous: Collection[str] | None = None
    gap_titles: list[dict[str, object]] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[str, dict[str, object]]]:
        """(team, worklist row) for every finding, errors first (``_by_severity``)."""
        previous = self.previous
        for finding in _by_severity(self.findings_path):
            status = ""
            if previous is not None:
                status = "persisting" if finding["fingerprint"] in previous else "new"
            row = worklist_row(finding, self.collections.get(finding["source"], ""), status)
            yield team_of(finding["code"], finding["level"]), row


def write_worklists(source: WorklistSource, out_dir: Path) -> dict[str, Path]:
    """worklists.xlsx and worklist-<team>.csv; returns the paths."""
    paths = write_worklist_csvs(source, out_dir)
    paths["xlsx"] = write_worklist_book(source, out_dir)
    return paths


def write_worklist_csvs(source: WorklistSource, out_dir: Path) -> dict[str, Path]:
    """worklist-<team>.csv (every row in one file per team) and the coverage gaps'."""
    from erdq.audit.run import replacing

    paths: dict[str, Path] = {}

    def open_csv(key: str, columns: tuple[str, ...]) -> csv.DictWriter:
        path = paths[f"csv-{key}"] = out_dir / f"worklist-{key}.csv"
        fh = stack.enter_context(replacing(path, encoding="utf-8-sig", newline=""))
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        return writer

    # The CSVs are replaced only if every one is written: an error leaves the old ones.
    with ExitStack() as stack:
        writers = {key: open_csv(key, columns_of(key)) for key, _ in TEAMS}
        for team, row in source.rows():
            writers[team].writerow({c: spreadsheet_safe(row.get(c)) for c in columns_of(team)})
        gaps = open_csv(GAP_SHEET[0], GAP_COLUMNS)
        for row in source.gap_titles:
            full = {**row, "how_to_fix": GAP_HINT}
            gaps.writerow({c: spreadsheet_safe(full.get(c)) for c in GAP_COLUMNS})
    return paths


def write_worklist_book(source: WorklistSource, out_dir: Path) -> Path:
    """worklists.xlsx: a sheet per team (and the coverage gaps); returns its path."""
    from erdq.audit.run import replacing

    workbook = Workbook(write_only=True)
    sheets = {}
    counts = dict.fromkeys((key for key, _ in TEAMS), 0)  # rows on the team's current sheet
    parts = dict.fromkeys((key for key, _ in TEAMS), 1)
    titles = dict(TEAMS)

    def new_sheet(key: str) -> None:
        if key in sheets:  # the full sheet gets its filter before the next one starts
            _filter(sheets[key], counts[key])
        title = titles[key] if parts[key] == 1 else f"{titles[key]} ({parts[key]})"
        sheets[key] = _new_sheet(workbook, title, columns_of(key))
        counts[key] = 0

    for key, _ in TEAMS:
        new_sheet(key)
    for team, row in source.rows():
        if counts[team] == SHEET_ROWS - 1:
            # A sheet Excel cannot open helps nobody: the team goes on in a sheet of its
            # own; the CSV holds every row in one file.
            parts[team] += 1
            new_sheet(team)
        sheet = sheets[team]
        sheet.append([_cell(row.get(c), sheet) for c in columns_of(team)])
        counts[team] += 1
    for key, _ in TEAMS:
        _filter(sheets[key], counts[key])
    _gap_sheet(workbook, source.gap_titles)
    xlsx = out_dir / "worklists.xlsx"
    with replacing(xlsx, "wb") as out:
        workbook.save(out)
    return xlsx


# Below this many findings a second process costs more than it saves.
BACKGROUND_FINDINGS = 20_000


class WorkbookJob:
    """``write_worklist_book`` in a process of its own when ``background`` (the workbook
    costs several times what the CSVs do, so the audit writes both at once), else when
    ``result()`` is asked for. ``result()`` returns the path, or raises what the writer
    raised."""

    def __init__(self, source: WorklistSource, out_dir: Path, *, background: bool) -> None:
        self._source = source
        self._out_dir = out_dir
        self._path: Path | None = None
        self._pool = None
        self._future = None
        if background:
            from concurrent.futures import ProcessPoolExecutor

            from erdq.processes import worker_context

            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=worker_context())
            self._future = self._pool.submit(write_worklist_book, source, out_dir)

    def result(self) -> Path:
        if self._path is None:
            if self._future is None:
                self._path = write_worklist_book(self._source, self._out_dir)
            else:
                try:
                    self._path = self._future.result()
                finally:
                    self.close()
        return self._path

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _new_sheet(workbook: Workbook, title: str, columns: tuple[str, ...]):
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column, 14)
    sheet.append(list(columns))
    sheet.erdq_columns = len(columns)  # for its filter
    return sheet


def _filter(sheet, rows: int) -> None:
    sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.erdq_columns)}{rows + 1}"


def _gap_sheet(workbook: Workbook, rows: list[dict[str, object]]) -> None:
    """The knowledge-base team's coverage gaps, largest first (rows fit one sheet: one per
    title held in several collections)."""
    _key, title = GAP_SHEET
    sheet = _new_sheet(workbook, title, GAP_COLUMNS)
    shown = rows[: SHEET_ROWS - 1]  # largest gap first (OverlapIndex.result)
    for row in shown:
        full = {**row, "how_to_fix": GAP_HINT}
        sheet.append([_cell(full.get(c), sheet) for c in GAP_COLUMNS])
    _filter(sheet, len(shown))


def _by_severity(findings_path: Path) -> Iterator[dict]:
    """The findings, errors first, then warnings, then information, each in file order:
    one pass over the file per severity, so nothing is held in memory."""
    for severity in ("error", "warning", "info"):
        marker = f'"severity": "{severity}"'
        with findings_path.open(encoding="utf-8") as fh:
            for line in fh:
                if marker in line:  # cheap pre-filter; the parsed value decides
                    finding = json.loads(line)
                    if finding["severity"] == severity:
                        yield finding
