"""The worklists written from an audit's findings.jsonl (``erdq.audit.worklists``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from erdq.audit import worklists

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "library"


def _finding(n: int, severity: str, code: str, level: str, source: str) -> dict:
    return {
        "code": code,
        "name": "a-rule",
        "level": level,
        "severity": severity,
        "source": source,
        "line": n,
        "value": f"=value {n}",  # a formula that must reach the sheet as text
        "message": f"finding {n}",
        "fingerprint": f"fp{n}",
    }


@pytest.fixture
def findings(tmp_path: Path) -> Path:
    rows = [
        _finding(1, "warning", "KB302", "portfolio", "a.txt"),
        _finding(2, "error", "MR201", "bibliographic", "b.mrc"),
        _finding(3, "info", "KB310", "portfolio", "a.txt"),
        _finding(4, "error", "KB301", "portfolio", "a.txt"),
    ]
    path = tmp_path / "findings.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _sheets(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    return {s.title: [tuple(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


def test_rows_go_to_their_team_errors_first_with_status(findings: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    source = worklists.WorklistSource(findings, {"a.txt": "Alpha"}, previous={"fp4"})
    paths = worklists.write_worklists(source, out)
    kb = list(csv.DictReader(paths["csv-knowledge-base"].open(encoding="utf-8-sig")))
    assert [(r["fingerprint"], r["status"], r["collection"]) for r in kb] == [
        ("fp4", "persisting", "Alpha"),  # the error first, then the warning, then info
        ("fp1", "new", "Alpha"),
        ("fp3", "new", "Alpha"),
    ]
    assert kb[0]["value"] == "'=value 4"  # neutralised: a spreadsheet never runs it
    cataloguing = list(csv.DictReader(paths["csv-cataloguing"].open(encoding="utf-8-sig")))
    assert [r["fingerprint"] for r in cataloguing] == ["fp2"]
    sheets = _sheets(paths["xlsx"])
    assert [r[-1] for r in sheets["Knowledge base"][1:]] == ["fp4", "fp1", "fp3"]
    assert [r[-1] for r in sheets["Cataloguing"][1:]] == ["fp2"]


def test_the_workbook_written_in_a_process_of_its_own_is_the_same(
    findings: Path, tmp_path: Path
) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    gaps = [{"title": "A journal", "gaps": "2003 – 2004", "gap_days": 731}]
    source = worklists.WorklistSource(findings, {"a.txt": "Alpha"}, None, gaps)
    inline = worklists.WorkbookJob(source, here, background=False).result()
    job = worklists.WorkbookJob(source, there, background=True)
    assert job.result() == there / "worklists.xlsx"
    assert _sheets(inline) == _sheets(there / "worklists.xlsx")
    assert _sheets(inline)["Coverage gaps"][1][0] == "A journal"


def test_a_failure_in_the_background_is_raised_not_lost(tmp_path: Path) -> None:
    missing = tmp_path / "no-findings.jsonl"
    job = worklists.WorkbookJob(worklists.WorklistSource(missing, {}), tmp_path, background=True)
    with pytest.raises(FileNotFoundError):
        job.result()
    assert not (tmp_path / "worklists.xlsx").exists()
