"""``erdq holdings publish`` on a store imported from real KBART files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from tests.conftest import shared_file

from erdq.cli import main

CAMBRIDGE = ("data", "kbart", "gokb", "journals.cambridge.org_AllTitles_2015-07-14.txt")


@pytest.fixture
def db(tmp_path):
    path = shared_file(*CAMBRIDGE)
    url = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    result = CliRunner().invoke(
        main, ["import", "kbart", "--db", url, "--collection", "Cambridge", str(path)]
    )
    assert result.exit_code in (0, 1), result.output
    return url


@pytest.mark.shared
def test_publish_json_with_report(tmp_path, db) -> None:
    out, report = tmp_path / "holdings.jsonl", tmp_path / "report.json"
    args = ["holdings", "publish", "--db", db, "--format", "json", "--today", "2024-06-15",
            "--report", str(report), str(out)]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "Dialogue IO" not in {i["title"] for i in items}
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["today"] == "2024-06-15" and data["holdings"] == len(items)
    [dialogue] = [f for f in data["findings"] if f["code"] == "HL102"]
    assert (dialogue["line"], dialogue["record_id"]) == (119, "DIO")
    assert "HL102 portfolio-not-published (error): 1" in result.output
    failing = CliRunner().invoke(main, [*args[:-1], "--fail-on", "error", str(out)])
    assert failing.exit_code == 1


@pytest.mark.shared
def test_unknown_collection_is_a_usage_error(tmp_path, db) -> None:
    result = CliRunner().invoke(
        main, ["holdings", "publish", "--db", db, "--collection", "Nope", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "no collection named 'Nope'" in result.output and "'Cambridge'" in result.output


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["holdings", "publish", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


@pytest.mark.shared
def test_kbart_lines_keep_their_access_type_and_url(tmp_path, db) -> None:
    # Issue: access_type was empty on every line. Cambridge line 2, "AI EDAM", 0890-0604 /
    # 1469-1760, 1987-02-01 v.1 no.01 – present, P.
    out = tmp_path / "holdings.txt"
    result = CliRunner().invoke(main, ["holdings", "publish", "--db", db, str(out)])
    assert result.exit_code == 0, result.output
    header, *lines = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert header[24] == "access_type" and len(header) == 25
    [edam] = [line for line in lines if line[0] == "AI EDAM"]
    assert (edam[1], edam[2], edam[3], edam[4], edam[5], edam[6]) == (
        "0890-0604", "1469-1760", "1987-02-01", "1", "01", ""
    )  # fmt: skip
    assert edam[9] == "http://journals.cambridge.org/action/displayBackIssues?jid=AIE"
    assert edam[24] == "P"
