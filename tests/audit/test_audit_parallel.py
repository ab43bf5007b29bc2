"""An audit that checks large KBART and ISO 2709 files on two processes finds what one
process finds: the same findings in the same order, completeness, overlap and linkage."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from erdq import marc_parallel, parallel
from erdq.audit import audit

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "library"
DAY = dt.date(2024, 6, 15)


def _run(out: Path, jobs: int) -> tuple[list[dict], dict]:
    audit(EXAMPLES, out, store=False, today=DAY, jobs=jobs)
    findings = [json.loads(line) for line in (out / "findings.jsonl").open(encoding="utf-8")]
    return findings, json.loads((out / "summary.json").read_text("utf-8"))


def test_two_processes_find_what_one_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Every ISO 2709 file of the example library is split, in batches of a few records.
    monkeypatch.setattr(marc_parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(marc_parallel, "BATCH_BYTES", 20_000)
    split: list[str] = []
    real = marc_parallel._run

    def spy(check, jobs, facts=None):
        split.append(Path(check.source).name)
        return real(check, jobs, facts)

    monkeypatch.setattr(marc_parallel, "_run", spy)
    # And every UTF-8 KBART file, in twelve ranges.
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    split_kbart: list[str] = []
    real_kbart = parallel._run

    def spy_kbart(check, the_plan, jobs, facts=None):
        split_kbart.append(Path(check.source).name)
        return real_kbart(check, the_plan, jobs, facts)

    monkeypatch.setattr(parallel, "_run", spy_kbart)
    one, one_summary = _run(tmp_path / "one", 1)
    assert split == [] and split_kbart == []
    two, two_summary = _run(tmp_path / "two", 2)
    assert split == ["example_ebooks_from_title_list.mrc", "folio_100.mrc"]
    assert len(split_kbart) >= 3  # the UTF-16 file is read in one process
    assert two == one
    assert any(f["code"].startswith("MR") for f in one)  # the MARC files were checked
    assert any(f["code"].startswith("PF") for f in one)  # and linked to the portfolios
    for key in ("completeness", "linkage", "overlap", "scores", "by_rule", "collections"):
        assert two_summary[key] == one_summary[key], key
    inputs = {
        i["path"]: {k: v for k, v in i.items() if k != "seconds"} for i in one_summary["inputs"]
    }
    assert {
        i["path"]: {k: v for k, v in i.items() if k != "seconds"} for i in two_summary["inputs"]
    } == inputs
