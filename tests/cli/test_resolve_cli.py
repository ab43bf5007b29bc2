"""``erdq resolve``, ``collection set``, ``logs import`` and ``report no-service``."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import shared_file

from erdq.cli import main
from erdq.store import open_store

pytestmark = pytest.mark.shared
JSON_KEYS = {"citation", "services", "no_service_reasons", "warnings", "title_level",
             "date_unreadable", "outcome", "reason", "message", "today"}  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    with open_store(url) as store:
        store.import_kbart(shared_file("cases", "inputs", "BR-014.kbart.txt"), collection="Emb")
    return url


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_resolve_json_keys_and_values(db: str) -> None:
    set_result = run(
        "collection",
        "set",
        "Emb",
        "--link-template",
        "https://emb.example/{issn}?d={date}",
        "--db",
        db,
    )
    assert set_result.exit_code == 0, set_result.output
    result = run(
        "resolve",
        "rft.issn=1234-5679&rft.date=2023-09-10",
        "--db",
        db,
        "--today",
        "2024-06-15",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == JSON_KEYS
    assert data["title_level"] is False and data["today"] == "2024-06-15"
    (service,) = data["services"]
    assert {"collection", "portfolio", "title_id", "url", "coverage", "note"} <= set(service)
    assert service["url"] == "https://emb.example/1234-5679?d=2023-09-10"
    assert service["coverage"]["status"] == "covered"
    assert data["citation"]["issn"] == ["1234-5679"]


def test_resolve_embargoed_text(db: str) -> None:
    result = run(
        "resolve", "rft.issn=1234-5679&rft.date=2024-01-05", "--db", db, "--today", "2024-06-15"
    )
    assert result.exit_code == 0
    assert "No service: embargoed" in result.output
    assert "embargoed until 2025-01-01" in result.output


def test_resolve_says_a_date_that_cannot_be_read_is_not_checked(db: str) -> None:
    args = ["resolve", "rft.issn=1234-5679&rft.date=n.d.", "--db", db, "--today", "2024-06-15"]
    data = json.loads(run(*args, "--format", "json").output)
    assert (data["title_level"], data["date_unreadable"]) == (False, True)
    text = run(*args).output
    assert "answered at title level: its date cannot be read" in text
    assert "article level" not in text and "no date, volume or issue" not in text


def test_resolve_today_must_be_a_date(db: str) -> None:
    result = CliRunner().invoke(main, ["resolve", "issn=1", "--db", db, "--today", "June"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_collection_set_unknown_collection_is_a_clear_error(db: str) -> None:
    result = CliRunner().invoke(main, ["collection", "set", "Nope", "--inactive", "--db", db])
    assert result.exit_code == 2
    assert "no collection named 'Nope'" in result.output and "Traceback" not in result.output


def test_inactive_collection(db: str) -> None:
    run("collection", "set", "Emb", "--inactive", "--db", db)
    result = run("resolve", "issn=1234-5679", "--db", db, "--format", "json")
    assert json.loads(result.output)["reason"] == "collection_inactive"


def test_logs_import_and_report(db: str, tmp_path: Path) -> None:
    log = tmp_path / "resolver.log"
    log.write_text(
        "# a comment\n"
        "2024-05-01T10:00:00Z\trft.issn=1234-5679&rft.date=2024-01-05&rft.atitle=A&sid=x\n"
        "2024-05-02 11:00:00 rft.issn=1234-5679&rft.date=2024-02-05&rft.atitle=A&sid=x\n"
        "rft.issn=1234-5679&rft.date=2023-02-05&rft.atitle=B\n"
        "\n"
        "2024-05-03\trft.issn=9999-9999&rft.atitle=C&rft.jtitle=Nowhere\n",
        encoding="utf-8",
    )
    result = run("logs", "import", str(log), "--db", db)
    assert result.exit_code == 0, result.output
    assert "4 request(s) imported" in result.output
    report = run("report", "no-service", "--db", db, "--today", "2024-06-15", "--format", "json")
    data = json.loads(report.output)
    assert data["requests"] == 3  # the undated line was logged today (not in 2023-06..2024-06)
    assert [(r["article"], r["count"], r["reason"]) for r in data["rows"]] == [
        ("A", 2, "embargoed"), ("C", 1, "invalid_identifier"),
    ]  # fmt: skip
    assert data["rows"][1]["journal"] == "Nowhere"


def test_logs_import_bad_lines_are_named_and_nothing_is_written(db: str, tmp_path: Path) -> None:
    log = tmp_path / "bad.log"
    log.write_text("issn=1234-5679\n2024-13-01 issn=1\nhello world\n2024-05-01\n")
    result = CliRunner().invoke(main, ["logs", "import", str(log), "--db", db])
    assert result.exit_code == 2
    for number in (2, 3, 4):
        assert f"line {number}:" in result.output
    with open_store(db) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM resolver_requests").scalar() == 0
    skipped = CliRunner().invoke(main, ["logs", "import", str(log), "--db", db, "--skip-bad"])
    assert skipped.exit_code == 0 and "1 request(s) imported" in skipped.output
    assert "bad.log:2:" in skipped.output


def test_report_formats(db: str, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    assert run("report", "no-service", "--db", db, "--format", "csv", "-o", str(out)).exit_code == 0
    assert out.read_text("utf-8-sig").splitlines()[0] == (
        "rank,article,count,journal,identifier,reason"
    )
    pytest.importorskip("openpyxl")
    xlsx = tmp_path / "r.xlsx"
    ok = run(
        "report", "no-service", "--db", db, "--by", "reason", "--format", "xlsx", "-o", str(xlsx)
    )
    assert ok.exit_code == 0 and xlsx.stat().st_size > 0
    # a new output gets the mode the umask gives every new file, the CSV's too (not the
    # 0600 of a temporary file: colleagues sharing the folder must be able to open it)
    assert stat.S_IMODE(xlsx.stat().st_mode) == stat.S_IMODE(out.stat().st_mode)
    import openpyxl

    assert next(openpyxl.load_workbook(xlsx).active.values) == (
        "rank", "reason", "count", "journal", "journal_requests", "journals", "identifier",
    )  # fmt: skip


def test_report_by_reason_says_its_journal_is_one_of_several(db: str, tmp_path: Path) -> None:
    log = tmp_path / "r.log"
    log.write_text(
        "2024-05-01T10:00:00Z\trft.issn=0028-0836&rft.jtitle=Nature&rft.atitle=A\n"
        "2024-05-01T10:01:00Z\trft.issn=0028-0836&rft.jtitle=Nature&rft.atitle=B\n"
        "2024-05-01T10:02:00Z\trft.issn=0036-8075&rft.jtitle=Science&rft.atitle=C\n"
        # An ISSN with a wrong check digit (9999-9998 is valid): shown as cited.
        "2024-05-01T10:03:00Z\trft.issn=9999-9999&rft.atitle=D\n",
        encoding="utf-8",
    )
    assert run("logs", "import", str(log), "--db", db).exit_code == 0
    text = run("report", "no-service", "--db", db, "--by", "reason", "--today", "2024-06-15")
    # Three requests of one reason, two of them for Nature: Nature is not the reason's
    # only journal, and the line says so.
    assert "most requested journal: Nature (2 of 3; 2 journals in all)" in text.output
    assert "identifier: 0028-0836" in text.output
    assert (
        "invalid_identifier  (most requested journal: (unknown) (1 of 1; 1 journal in "
        "all); identifier: 9999-9999)" in text.output
    )
    by_article = run("report", "no-service", "--db", db, "--today", "2024-06-15").output
    assert "D  (journal: (unknown); identifier: 9999-9999; reason: invalid_identifier)" in (
        by_article
    )


def test_commands_have_examples() -> None:
    for name in ("resolve", "serve", "collection", "report", "logs"):
        command = main.commands[name]
        sub = getattr(command, "commands", {"": command})
        for cmd in sub.values():
            assert "Example:" in (cmd.help or ""), f"{name} {cmd.name}"


def test_serve_port_out_of_range_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "99999"])
    assert result.exit_code == 2
    assert "99999 is not in the range 1<=x<=65535" in result.output
    assert "Traceback" not in result.output


def test_collection_set_help_names_every_placeholder() -> None:
    from erdq.resolver.links import PLACEHOLDERS

    text = run("collection", "set", "--help").output
    assert "{title_url}" in text
    assert [p for p in PLACEHOLDERS if "{" + p + "}" not in text] == []


def test_doi_prefix_service_says_what_it_is(db: str) -> None:
    assert run("collection", "set", "Emb", "--doi-prefix", "10.1002", "--db", db).exit_code == 0
    result = run("resolve", "rft_id=info:doi/10.1002/xyz.1&rft.date=2020", "--db", db)
    assert "matched by doi prefix 10.1002 (doi_prefix); no portfolio" in result.output
    assert "None" not in result.output


CONTEXT_OBJECT = """<?xml version="1.0" encoding="UTF-8"?>
<ctx:context-objects xmlns:ctx="info:ofi/fmt:xml:xsd:ctx">
  <ctx:context-object version="Z39.88-2004">
    <ctx:referent>
      <ctx:metadata-by-val>
        <ctx:format>info:ofi/fmt:xml:xsd:journal</ctx:format>
        <ctx:metadata>
          <jou:journal xmlns:jou="info:ofi/fmt:xml:xsd:journal">
            <jou:item><jou:issn>1234-5679</jou:issn><jou:date>2023-09-10</jou:date></jou:item>
          </jou:journal>
        </ctx:metadata>
      </ctx:metadata-by-val>
    </ctx:referent>
  </ctx:context-object>
</ctx:context-objects>
"""


def test_resolve_reads_a_file_or_stdin(db: str, tmp_path: Path) -> None:
    run("collection", "set", "Emb", "--link-template", "https://emb.example/{issn}", "--db", db)
    xml = tmp_path / "ctx.xml"
    xml.write_text(CONTEXT_OBJECT, encoding="utf-8")
    args = ["--db", db, "--today", "2024-06-15", "--format", "json"]
    from_file = json.loads(run("resolve", f"@{xml}", *args).output)
    assert from_file["citation"]["syntax"] == "xml"
    assert from_file["citation"]["issn"] == ["1234-5679"]
    assert [s["url"] for s in from_file["services"]] == ["https://emb.example/1234-5679"]
    piped = CliRunner().invoke(
        main, ["resolve", "-", *args], input="rft.issn=1234-5679&rft.date=2023-09-10\n"
    )
    assert piped.exit_code == 0
    assert [s["url"] for s in json.loads(piped.output)["services"]] == [
        "https://emb.example/1234-5679"
    ]
    missing = CliRunner().invoke(main, ["resolve", f"@{tmp_path / 'nope.txt'}", "--db", db])
    assert missing.exit_code == 2 and "nope.txt: no such file" in missing.output
    two = tmp_path / "two.txt"
    two.write_text("issn=1234-5679\nissn=1234-5679\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["resolve", f"@{two}", "--db", db])
    assert refused.exit_code == 2 and "erdq logs import" in refused.output


def test_logs_import_twice_is_refused_unless_again(db: str, tmp_path: Path) -> None:
    log = tmp_path / "twice.log"
    log.write_text("2024-05-01T10:00:00Z\trft.issn=1234-5679&rft.date=2024-01-05\n")
    assert run("logs", "import", str(log), "--db", db).exit_code == 0
    again = CliRunner().invoke(main, ["logs", "import", str(log), "--db", db])
    assert again.exit_code == 2
    assert "already been imported" in again.output and "--again" in again.output
    assert "Traceback" not in again.output
    forced = run("logs", "import", str(log), "--db", db, "--again")
    assert forced.exit_code == 0 and "1 request(s) imported" in forced.output
    with open_store(db) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM resolver_requests").scalar() == 2


def test_logs_import_bad_stamp_and_help(db: str, tmp_path: Path) -> None:
    log = tmp_path / "glued.log"
    log.write_text("2024-05-01T10:00:00Zrft.issn=1234-5679\n")
    result = CliRunner().invoke(main, ["logs", "import", str(log), "--db", db])
    assert result.exit_code == 2 and "line 1:" in result.output
    assert "followed by white space" in result.output
    help_text = " ".join(run("logs", "import", "--help").output.split())
    assert "converted to UTC" in help_text
    assert "a line without a timestamp is recorded at the time of the import" in help_text


def test_report_period_ends_at_until(db: str) -> None:
    args = ["report", "no-service", "--db", db, "--today", "2024-06-30", "--until", "2024-06-01"]
    assert "2023-06-01 to 2024-06-01" in run(*args).output


def test_xlsx_hint_names_the_package(db: str, tmp_path: Path, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
    out = str(tmp_path / "r.xlsx")
    result = CliRunner().invoke(
        main, ["report", "no-service", "--db", db, "--format", "xlsx", "-o", out]
    )
    assert result.exit_code == 2
    assert "pip install openpyxl" in result.output and "erdq[excel]" in result.output


def test_collection_list_names_each_collection_and_its_delivery(db: str) -> None:
    text = run("collection", "list", "--db", db)
    assert text.exit_code == 0
    header, line = text.output.splitlines()
    assert header.split() == [
        "name", "status", "vendor", "kbart_file", "rows", "imported", "marc_batch",
        "link_template",
    ]  # fmt: skip
    assert line.split()[:3] == ["Emb", "active", "BR-014.kbart.txt"]
    [row] = json.loads(run("collection", "list", "--db", db, "--format", "json").output)
    assert (row["name"], row["kbart_file"], row["link_template"]) == (
        "Emb", "BR-014.kbart.txt", "title_url"
    )  # fmt: skip
    assert row["rows"] > 0
    # A name the store lacks is answered with the nearest it has.
    wrong = run("collection", "set", "emb", "--proxy", "https://p.example/?u=", "--db", db)
    assert wrong.exit_code == 2 and "did you mean 'Emb'?" in wrong.output
