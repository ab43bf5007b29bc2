"""erdq audit keeps its runs in the workspace store and compares with the previous one.

Runs on SQLite and on PostgreSQL (the store tests' fixtures).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from tests.store.conftest import pg_admin, store_url  # noqa: F401 (fixtures)

from erdq.cli.audit import audit_command
from erdq.store import open_store
from erdq.store.schema import audit_findings, audit_runs

REPO = Path(__file__).resolve().parents[2]
ANNUAL_REVIEWS = REPO / "examples" / "library" / "kbart" / "Testdata_KBART_AnnualReviews.tsv"
DAY = "2024-06-15"


def audit(*args: str) -> dict:
    result = CliRunner().invoke(
        audit_command, [*args, "--today", DAY, "--quiet", "--fail-on", "never"]
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    out = Path(args[args.index("--out") + 1])
    return json.loads((out / "summary.json").read_text("utf-8"))


def findings(out: Path) -> dict[str, tuple]:
    """findings.jsonl by fingerprint: (code, line, record_id, field, value)."""
    rows = [json.loads(line) for line in (out / "findings.jsonl").read_text("utf-8").splitlines()]
    return {
        f["fingerprint"]: (f["code"], f["line"], f["record_id"], f["field"], f["value"])
        for f in rows
    }


def edit_cell(path: Path, line: int, column: str, value: str) -> None:
    lines = path.read_text("utf-8").split("\n")
    header = lines[0].split("\t")
    cells = lines[line - 1].split("\t")
    cells[header.index(column)] = value
    lines[line - 1] = "\t".join(cells)
    path.write_text("\n".join(lines), "utf-8")


def test_second_audit_reports_exactly_the_edit_as_new_and_fixed(
    tmp_path: Path,
    store_url: str,  # noqa: F811
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    kbart = lib / ANNUAL_REVIEWS.name
    shutil.copyfile(ANNUAL_REVIEWS, kbart)
    out = tmp_path / "report"

    first = audit(str(lib), "--out", str(out), "--db", store_url)
    assert first["comparison"] is None and first["trend"] == []
    before = findings(out)

    # Line 7 (biodatasci) has print_identifier "n/a": KB205. Leaving it empty fixes that
    # (the row keeps its eISSN). Line 3 (animal) gets eISSN 2165-8110 with a wrong check
    # digit, 2165-8111: KB201.
    edit_cell(kbart, 7, "print_identifier", "")
    edit_cell(kbart, 3, "online_identifier", "2165-8111")
    second = audit(str(lib), "--out", str(out), "--db", store_url)
    after = findings(out)

    new = {after[f] for f in after.keys() - before.keys()}
    fixed = {before[f] for f in before.keys() - after.keys()}
    assert new == {("KB201", 3, "animal", "online_identifier", "2165-8111")}
    assert fixed == {("KB205", 7, "biodatasci", "print_identifier", "n/a")}
    comparison = second["comparison"]
    assert comparison["against"]["run"] == first["run"]["id"]
    assert (comparison["new"], comparison["fixed"]) == (1, 1)
    assert comparison["persisting"] == len(before) - 1
    [example] = comparison["fixed_examples"]
    assert (example["code"], example["record_id"]) == ("KB205", "biodatasci")

    # The trend holds the first run; the report shows it and the comparison.
    [earlier] = second["trend"]
    assert earlier["run"] == first["run"]["id"]
    assert earlier["findings_total"] == first["findings_total"] == len(before)
    assert earlier["scores"] == first["scores"]
    html = (out / "report.html").read_text("utf-8")
    assert f"1 new, {len(before) - 1:,} persisting, 1 fixed" in html
    assert "Trend over the last 2 audits" in html

    with (out / "worklist-knowledge-base.csv").open(encoding="utf-8-sig") as fh:
        marked_new = [
            (r["code"], r["record_id"]) for r in csv.DictReader(fh) if r["status"] == "new"
        ]
    assert marked_new == [("KB201", "animal")]

    with open_store(store_url) as store, store.engine.connect() as conn:
        runs = conn.execute(select(audit_runs.c.id).order_by(audit_runs.c.id)).scalars().all()
        assert runs == [first["run"]["id"], second["run"]["id"]]
        stored = conn.execute(
            select(audit_findings.c.fingerprint).where(
                audit_findings.c.run_id == second["run"]["id"]
            )
        ).scalars()
        assert sorted(stored) == sorted(after)
        inputs = conn.execute(
            select(audit_runs.c.inputs).where(audit_runs.c.id == second["run"]["id"])
        ).scalar_one()
        assert [i["path"] for i in inputs] == [str(kbart)]


def test_no_store_stores_and_compares_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ERDQ_DB", raising=False)
    for _ in range(2):
        summary = audit(str(ANNUAL_REVIEWS), "--out", str(tmp_path / "r"), "--no-store")
    assert summary["comparison"] is None and summary["trend"] == []
    assert "run" not in summary
    assert not (tmp_path / "erdq.sqlite").exists()


def test_a_failed_store_write_keeps_no_half_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    out = tmp_path / "r"
    audit(str(ANNUAL_REVIEWS), "--out", str(out), "--db", url)
    # The run row and a first batch of two are written, then reading the findings fails:
    # the whole run must be rolled back.
    from erdq.audit import history

    real = history._finding_rows

    def broken(path: Path):
        yield from list(real(path))[:3]
        raise ValueError("disk trouble")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(history, "_finding_rows", broken)
        mp.setattr(history, "BATCH", 2)
        result = CliRunner().invoke(
            audit_command, [str(ANNUAL_REVIEWS), "--out", str(out), "--db", url, "--quiet"]
        )
    assert isinstance(result.exception, ValueError)
    with open_store(url) as store, store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit_runs)).scalar() == 1
        per_run = conn.execute(
            select(audit_findings.c.run_id, func.count()).group_by(audit_findings.c.run_id)
        ).all()
        assert [run for run, _ in per_run] == [1]
