"""``erdq import marc`` and ``erdq link`` from the command line (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.store.conftest import pg_admin, store_url

from erdq.cli import main
from erdq.linkage import LINK_FIELDS
from erdq.registry import Example
from erdq.report.findings import FIELDS
from erdq.rules.portfolio.linkage import example_inputs, mrk, record

# The store fixtures: tests taking ``store_url`` run on SQLite and on PostgreSQL.
STORE_FIXTURES = (pg_admin, store_url)

TITLE = "=245  10$aOpen questions in invented theory /$cMoreau."
# Two portfolios: the invented monograph (ISBNs 9782253002697 / 9781090636072) and a
# second book without a record.
KBART_ROWS = (
    {"publication_type": "monograph"},
    {
        "publication_type": "monograph",
        "publication_title": "Closed Answers",
        "print_identifier": "",
        "online_identifier": "9780306406157",
        "title_id": "ca",
        "title_url": "https://example.org/b/2",
    },
)
# The monograph's record, and a record of nothing in the package with no link at all.
RECORDS = (
    record("b1", "=020  \\\\$a9781090636072", TITLE),
    record("u1", "=245  10$aA handbook of unrelated matters.", url=None),
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    kbart, marc = example_inputs(Example(rows=KBART_ROWS, raw=mrk(*RECORDS)))
    kbart_path = tmp_path / "Example_Global_AllTitles_2024-01-01.txt"
    kbart_path.write_bytes(kbart)
    marc_path = tmp_path / "example_records.mrk"
    marc_path.write_bytes(marc)
    return str(kbart_path), str(marc_path)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_import_marc_then_link_in_every_format(
    store_url: str, files: tuple[str, str], tmp_path: Path
) -> None:
    kbart, marc = files
    db = ("--db", store_url)
    assert invoke("import", "kbart", "--collection", "Ex", *db, kbart)[0] == 0

    code, out = invoke("import", "marc", "--collection", "Ex", *db, marc)
    assert code == 0, out
    assert "Imported 2 record(s) of" in out and "into Ex as snapshot 2 (batch 2)" in out
    code, out = invoke("import", "marc", "--collection", "Ex", *db, marc)
    assert code == 0 and "unchanged since snapshot 2 of Ex" in out

    # Text: a headline, then the findings by file. PF103 is an error: exit 1.
    code, out = invoke("link", "--collection", "Ex", *db)
    assert code == 1, out
    assert out.startswith(
        "Ex: 1 of 2 portfolio(s) linked (isbn 1, issn 0, title 0) against its own records; "
        "1 of 2 of its record(s) linked."
    )
    assert "PF101 portfolio-without-record [warning] × 1" in out
    assert "line 3: No record matches this portfolio ('Closed Answers')" in out
    assert "PF103 record-without-access [error] × 1" in out
    assert "record 2 [u1]" in out  # the record's ordinal and 001
    assert out.rstrip().endswith("Findings: 1 error(s), 1 warning(s), 0 info.")

    # JSON Lines: the finding schema of every other command.
    code, out = invoke("link", "--collection", "Ex", *db, "--format", "json", "--fail-on", "never")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["code"], r["line"], r["record_id"]) for r in rows] == [
        ("PF101", 3, "ca"),
        ("PF103", 2, "u1"),
    ]
    assert all(set(FIELDS) <= set(r) for r in rows)
    assert rows[1]["source"] == marc and rows[0]["source"] == kbart

    # CSV worklist, to a file.
    target = tmp_path / "worklist.csv"
    code, _ = invoke("link", "--collection", "Ex", *db, "--format", "csv", "-o", str(target))
    assert code == 1
    table = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [r["code"] for r in table] == ["PF101", "PF103"]

    # The links themselves.
    code, out = invoke("link", "--collection", "Ex", *db, "--links", "--format", "csv")
    [link] = list(csv.DictReader(io.StringIO(out)))
    assert list(link) == list(LINK_FIELDS)
    assert (link["portfolio_line"], link["record_id"], link["key"]) == ("2", "b1", "isbn")
    assert link["identifiers"] == "9781090636072"
    code, out = invoke("link", "--collection", "Ex", *db, "--links")
    assert "line 2 'Open Questions in Invented Theory' → record 1 [b1] of " in out
    assert ": isbn (9781090636072), title 100.0%" in out
    code, out = invoke("link", "--collection", "Ex", *db, "--links", "--format", "json")
    assert json.loads(out.splitlines()[0])["key"] == "isbn"

    # Selection: only PF101 is reported, and it is a warning: exit 0.
    code, out = invoke("link", "--collection", "Ex", *db, "--select", "PF101", "--format", "json")
    assert code == 0 and [json.loads(line)["code"] for line in out.splitlines()] == ["PF101"]


def test_link_every_collection_and_the_all_records_scope(
    tmp_path: Path, files: tuple[str, str]
) -> None:
    kbart, marc = files
    db = ("--db", f"sqlite:///{tmp_path / 'erdq.sqlite'}")
    code, out = invoke("link", *db)  # a store that does not exist is not created empty
    assert code == 2 and "no erdq store" in out and "erdq import" in out
    assert not (tmp_path / "erdq.sqlite").exists()

    invoke("import", "kbart", "--collection", "A", *db, kbart)
    invoke("import", "kbart", "--collection", "B", *db, kbart)
    code, out = invoke("import", "marc", *db, marc, "--format", "json")
    assert code == 0
    assert json.loads(out)["collections"] == ["example_records"]  # named after the file

    code, out = invoke("link", "--collection", "A", *db)
    assert code == 2 and "no MARC records" in out and "--all-records" in out
    code, out = invoke("link", "--all-records", *db, "--fail-on", "never")
    assert code == 0
    assert "A: 1 of 2 portfolio(s) linked (isbn 1, issn 0, title 0) against every" in out
    assert "B: 1 of 2 portfolio(s) linked" in out
    assert "PF103" not in out  # the records belong to neither A nor B

    code, out = invoke("link", "--collection", "nope", *db)
    assert code == 2 and "no collection named 'nope'" in out


def test_import_marc_refuses_what_holds_no_record(tmp_path: Path, files: tuple[str, str]) -> None:
    _, marc = files
    db = ("--db", f"sqlite:///{tmp_path / 'erdq.sqlite'}")
    empty = tmp_path / "empty.mrc"
    empty.write_bytes(b"")

    code, out = invoke("import", "marc", "--collection", "C", *db, marc, str(empty))
    assert code == 2 and "no MARC record could be read from empty.mrc" in out
    assert "nothing was imported" in out
    code, out = invoke("import", "marc", "--collection", "C", *db, str(tmp_path / "absent.mrc"))
    assert code == 2 and "no such file" in out
    code, out = invoke("link", *db)
    assert code == 2  # the refused import left nothing behind
