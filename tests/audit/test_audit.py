"""erdq audit: outputs checked against what the test counts itself in findings.jsonl."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from erdq.audit.inputs import sniff_file
from erdq.cli.audit import audit_command

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "library"
DAY = "2024-06-15"

HEADER = (
    "publication_title\tprint_identifier\tonline_identifier\tdate_first_issue_online\t"
    "num_first_vol_online\tnum_first_issue_online\tdate_last_issue_online\t"
    "num_last_vol_online\tnum_last_issue_online\ttitle_url\tfirst_author\ttitle_id\t"
    "embargo_info\tcoverage_depth\tnotes\tpublisher_name\tpublication_type\t"
    "date_monograph_published_print\tdate_monograph_published_online\tmonograph_volume\t"
    "monograph_edition\tfirst_editor\tparent_publication_title_id\t"
    "preceding_publication_title_id\taccess_type\n"
)


def kbart_row(title: str, print_id: str, online_id: str, title_id: str) -> str:
    cells = [title, print_id, online_id, "2001-01-01", "1", "1", "", "", ""]
    cells += [f"https://example.org/{title_id}", "", title_id, "", "fulltext", "", "Pub"]
    cells += ["serial", "", "", "", "", "", "", "", "P"]
    return "\t".join(cells) + "\n"


def run(*args: str) -> tuple[int, str]:
    """The CLI, storing nothing unless the test names a store: never ./erdq.sqlite."""
    store = [] if "--db" in args else ["--no-store"]
    result = CliRunner().invoke(audit_command, [*args, *store, "--today", DAY, "--quiet"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def worklist_fingerprints(out: Path) -> tuple[list[str], list[str]]:
    """Fingerprints in worklists.xlsx (all sheets of findings) and in the CSVs, in file
    order. The coverage gaps list titles, not findings, and are left out."""
    book = load_workbook(out / "worklists.xlsx", read_only=True)
    in_xlsx = []
    for sheet in book.worksheets:
        if sheet.title == "Coverage gaps":
            continue
        rows = sheet.iter_rows(values_only=True)
        header = list(next(rows))
        col = header.index("fingerprint")
        in_xlsx += [r[col] for r in rows]
    in_csv = []
    for path in sorted(out.glob("worklist-*.csv")):
        if path.name == "worklist-coverage-gaps.csv":
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            in_csv += [r["fingerprint"] for r in csv.DictReader(fh)]
    return in_xlsx, in_csv


@pytest.fixture(scope="module")
def example_audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    db = f"sqlite:///{out / 'erdq.sqlite'}"
    code, _ = run(str(EXAMPLES), "--out", str(out), "--fail-on", "never", "--db", db)
    assert code == 0
    return out


def test_example_library_writes_every_output(example_audit: Path) -> None:
    for name in ("report.html", "findings.jsonl", "summary.json", "worklists.xlsx"):
        assert (example_audit / name).stat().st_size > 0
    names = {p.name for p in example_audit.glob("worklist-*.csv")}
    assert names == {
        "worklist-knowledge-base.csv",
        "worklist-cataloguing.csv",
        "worklist-linkage.csv",
        "worklist-coverage-gaps.csv",  # titles, not findings: see test_audit_linkage
    }


def test_summary_counts_equal_the_jsonl(example_audit: Path) -> None:
    findings = read_jsonl(example_audit / "findings.jsonl")
    summary = json.loads((example_audit / "summary.json").read_text("utf-8"))
    assert findings, "the example files have known faults"
    assert summary["findings_total"] == len(findings)
    by_severity = Counter(f["severity"] for f in findings)
    assert summary["by_severity"] == {
        s: by_severity.get(s, 0) for s in ("info", "warning", "error")
    }
    assert summary["by_level"] == dict(Counter(f["level"] for f in findings))
    assert summary["by_rule"] == dict(Counter(f["code"] for f in findings))
    per_input = Counter(f["source"] for f in findings)
    for entry in summary["inputs"]:
        assert entry["findings"] == per_input.get(entry["path"], 0)


def test_every_file_is_listed_with_its_kind(example_audit: Path) -> None:
    summary = json.loads((example_audit / "summary.json").read_text("utf-8"))
    on_disk = sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*") if p.is_file())
    listed = sorted(str(Path(i["path"]).relative_to(EXAMPLES)) for i in summary["inputs"])
    assert listed == on_disk
    kinds = {Path(i["path"]).parent.name: set() for i in summary["inputs"]}
    for entry in summary["inputs"]:
        kinds[Path(entry["path"]).parent.name].add(entry["kind"])
        assert len(entry["sha256"]) == 64
    assert kinds == {"kbart": {"kbart"}, "marc": {"marc"}}
    assert summary["unrecognised"] == []


def test_every_finding_appears_in_the_worklists(example_audit: Path) -> None:
    findings = read_jsonl(example_audit / "findings.jsonl")
    in_xlsx, in_csv = worklist_fingerprints(example_audit)
    expected = sorted(f["fingerprint"] for f in findings)
    assert sorted(in_xlsx) == expected
    assert sorted(in_csv) == expected
    book = load_workbook(example_audit / "worklists.xlsx", read_only=True)
    assert [s.title for s in book.worksheets] == [
        "Knowledge base",
        "Cataloguing",
        "Linkage",
        "Coverage gaps",
    ]
    linkage = [f["fingerprint"] for f in findings if f["code"].startswith("PF")]
    assert linkage, "the example portfolios and records do not all match"
    sheet = book["Linkage"]
    rows = sheet.iter_rows(values_only=True)
    col = list(next(rows)).index("fingerprint")
    assert sorted(r[col] for r in rows) == sorted(linkage)
    kb = book["Knowledge base"]
    codes = {r[2] for r in kb.iter_rows(min_row=2, values_only=True)}
    assert codes and all(c.startswith("KB") for c in codes)
    hints = [r[12] for r in book["Cataloguing"].iter_rows(min_row=2, values_only=True)]
    assert hints and all(hints)


def test_worklist_sheets_have_filters_and_frozen_header(example_audit: Path) -> None:
    book = load_workbook(example_audit / "worklists.xlsx")
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")


def test_a_team_over_the_sheet_limit_goes_on_in_a_second_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Excel opens no sheet over 1,048,576 rows; with the limit at 4 rows (header and 3
    # findings), the example MARC file's cataloguing findings fill several sheets.
    from erdq.audit import worklists

    monkeypatch.setattr(worklists, "SHEET_ROWS", 4)
    out = tmp_path / "out"
    run(str(EXAMPLES / "marc" / "troublesomeRecords.xml"), "--out", str(out), "--fail-on", "never")
    findings = read_jsonl(out / "findings.jsonl")
    cataloguing = [f for f in findings if worklists.team_of(f["code"], f["level"]) == "cataloguing"]
    book = load_workbook(out / "worklists.xlsx")
    sheets = [s for s in book.worksheets if s.title.startswith("Cataloguing")]
    expected_sheets = -(-len(cataloguing) // 3)  # 3 findings a sheet, rounded up
    assert [s.title for s in sheets] == ["Cataloguing"] + [
        f"Cataloguing ({n})" for n in range(2, expected_sheets + 1)
    ]
    rows = [r for s in sheets for r in s.iter_rows(min_row=2, values_only=True)]
    rank = {"error": 0, "warning": 1, "info": 2}  # errors first, each in file order
    in_order = sorted(cataloguing, key=lambda f: rank[f["severity"]])
    assert [r[-1] for r in rows] == [f["fingerprint"] for f in in_order]
    for sheet in sheets:
        assert sheet.max_row <= 4 and sheet.auto_filter.ref == f"A1:N{sheet.max_row}"


def test_scores_follow_the_documented_formula(example_audit: Path) -> None:
    findings = read_jsonl(example_audit / "findings.jsonl")
    summary = json.loads((example_audit / "summary.json").read_text("utf-8"))
    rows = sum(i["rows"] for i in summary["inputs"] if i["kind"] == "kbart")
    worst: dict[tuple[str, int], str] = {}
    rank = {"info": 0, "warning": 1, "error": 2}
    for f in findings:
        if f["level"] == "portfolio" and f["line"] and f["line"] > 1:
            key = (f["source"], f["line"])
            worst[key] = max(worst.get(key, "info"), f["severity"], key=rank.__getitem__)
    errors = sum(1 for s in worst.values() if s == "error")
    warnings = sum(1 for s in worst.values() if s == "warning")
    expected = round(100 * (rows - errors - 0.5 * warnings) / rows, 1)
    assert summary["scores"]["portfolio"] == expected
    records = sum(i["records"] for i in summary["inputs"] if i["kind"] == "marc")
    assert summary["completeness"]["all"]["records"] == records
    assert 0 < summary["scores"]["completeness"] <= 100


def test_report_is_self_contained_and_lists_everything(example_audit: Path) -> None:
    html = (example_audit / "report.html").read_text("utf-8")
    summary = json.loads((example_audit / "summary.json").read_text("utf-8"))
    lowered = html.lower()
    assert "<script" not in lowered and "<link" not in lowered and " src=" not in lowered
    assert "<svg" in html
    for entry in summary["inputs"]:
        assert entry["path"] in html
        # The Files table shows 12 characters of the hash and keeps the rest in a tooltip.
        assert f'title="{entry["sha256"]}">{entry["sha256"][:12]}<' in html
    for code in summary["by_rule"]:
        assert f'id="rule-{code}"' in html


def write_library(folder: Path, rows: list[str]) -> Path:
    (folder / "kbart").mkdir(parents=True, exist_ok=True)
    (folder / "kbart" / "Acme_Global_Journals_2024-01-01.txt").write_text(
        HEADER + "".join(rows), "utf-8"
    )
    return folder


def test_unrecognised_files_are_listed_and_data_is_escaped(tmp_path: Path) -> None:
    lib = write_library(
        tmp_path / "lib",
        [kbart_row("Nature", "<script>alert(1)</script>", "=1+1", "t1")],
    )
    (lib / "notes.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    (lib / "readme.txt").write_text("Files from the vendor, June.\n", "utf-8")
    out = tmp_path / "out"
    code, _ = run(str(lib), "--out", str(out), "--fail-on", "never")
    assert code == 0
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert sorted(Path(p).name for p in summary["unrecognised"]) == ["notes.pdf", "readme.txt"]
    html = (out / "report.html").read_text("utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    findings = read_jsonl(out / "findings.jsonl")
    formula = [f for f in findings if f["value"] == "=1+1"]
    assert formula, "the bad ISSN is reported with its value"
    with (out / "worklist-knowledge-base.csv").open(encoding="utf-8-sig") as fh:
        values = [r["value"] for r in csv.DictReader(fh)]
    assert "'=1+1" in values and "=1+1" not in values
    # In the workbook the value is as given, in a text cell marked quote-prefixed (as
    # Excel marks text typed after an apostrophe): never a formula, not even once edited.
    sheet = load_workbook(out / "worklists.xlsx")["Knowledge base"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any(c.value == "'=1+1" for row in sheet.iter_rows(min_row=2) for c in row)


def test_second_run_reports_new_and_fixed(tmp_path: Path) -> None:
    good, bad = "0028-0836", "0028-0837"  # Nature's ISSN, then with a wrong check digit
    lib = write_library(
        tmp_path / "lib",
        [kbart_row("Nature", bad, "", "t1"), kbart_row("Science", "0036-8075", "", "t2")],
    )
    out = tmp_path / "out"
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)
    first = {f["fingerprint"] for f in read_jsonl(out / "findings.jsonl")}
    write_library(
        lib, [kbart_row("Nature", good, "", "t1"), kbart_row("Science", "0036-8076", "", "t2")]
    )
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)
    second = {f["fingerprint"] for f in read_jsonl(out / "findings.jsonl")}
    assert first != second
    comparison = json.loads((out / "summary.json").read_text("utf-8"))["comparison"]
    assert comparison["new"] == len(second - first) > 0
    assert comparison["fixed"] == len(first - second) > 0
    assert comparison["persisting"] == len(first & second)
    with (out / "worklist-knowledge-base.csv").open(encoding="utf-8-sig") as fh:
        status = Counter(r["status"] for r in csv.DictReader(fh))
    assert status["new"] == len(second - first)


def test_two_deliveries_of_one_file_are_named_and_every_finding_compared(tmp_path) -> None:
    # The January list and a copy dated February: their findings share fingerprints (the
    # delivery date is not part of them), so comparing sets counted each pair once.
    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0837", "", "t1")])
    kbart = lib / "kbart"
    (kbart / "Acme_Global_Journals_2024-02-01.txt").write_bytes(
        (kbart / "Acme_Global_Journals_2024-01-01.txt").read_bytes()
    )
    out = tmp_path / "out"
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    findings = read_jsonl(out / "findings.jsonl")
    total = summary["findings_total"]
    assert total == len(findings) > 0
    assert set(Counter(f["fingerprint"] for f in findings).values()) == {2}  # each twice
    assert (summary["comparison"]["new"], summary["comparison"]["persisting"]) == (0, total)
    assert [[Path(p).name for p in g] for g in summary["deliveries"]] == [
        ["Acme_Global_Journals_2024-01-01.txt", "Acme_Global_Journals_2024-02-01.txt"]
    ]
    from erdq.cli.audit import _text_summary

    assert "are deliveries of one file" in _text_summary(summary, str(out))


def test_a_partial_audit_never_calls_another_file_of_the_same_name_fixed(tmp_path) -> None:
    # kbart/nature.txt and marc/nature.mrc share a stem: two files, not deliveries of one.
    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0837", "", "t1")])
    (lib / "kbart" / "Acme_Global_Journals_2024-01-01.txt").rename(lib / "kbart" / "nature.txt")
    (lib / "marc").mkdir()
    (lib / "marc" / "nature.mrk").write_text(
        "=LDR  00000nam a2200000 a 4500\n=001  n1\n=245  00$aNature.\n", "utf-8"
    )
    out = tmp_path / "out"
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)
    first = json.loads((out / "summary.json").read_text("utf-8"))
    assert first["deliveries"] == []
    kbart_findings = sum(i["findings"] for i in first["inputs"] if i["kind"] == "kbart")
    assert kbart_findings > 0
    run(str(lib / "marc"), "--out", str(out), "--fail-on", "never", "--db", db)
    comparison = json.loads((out / "summary.json").read_text("utf-8"))["comparison"]
    assert comparison["fixed"] == 0  # the KBART file was not audited: not compared
    assert comparison["not_compared"] >= kbart_findings


def test_a_selection_of_rules_an_audit_does_not_run_judges_nothing(tmp_path) -> None:
    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0837", "", "t1")])
    out = tmp_path / "out"
    code, _ = run(str(lib), "--out", str(out), "--select", "VL,HL")
    assert code == 0
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    # excel2marc's and holdings publish's rules: no level was judged, so no score.
    assert set(summary["scores"].values()) <= {None}
    # Only the rules that say a file or record could not be read, which run whatever
    # is selected: they judge no level.
    assert summary["rules_checked"] == ["KB100", "MR100", "MR101"]


def test_a_placeholder_issn_makes_no_title_shared(tmp_path: Path) -> None:
    """Two packages each carry a different title under the filler ISSN 0000-0000: they
    hold no title in common, and the filler counts as no identifier."""
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Acme_Global_Journals_2024-01-01.txt").write_text(
        HEADER + kbart_row("Journal of A", "0000-0000", "", "a1"), "utf-8"
    )
    (lib / "Other_Global_Journals_2024-01-01.txt").write_text(
        HEADER + kbart_row("Bulletin of B", "0000-0000", "", "b1"), "utf-8"
    )
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never")
    overlap = json.loads((out / "summary.json").read_text("utf-8"))["overlap"]
    assert overlap["titles_in_several"] == 0
    assert overlap["rows_without_identifier"] == 2


def test_titles_in_several_collections(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib).mkdir()
    (lib / "Acme_Global_Journals_2024-01-01.txt").write_text(
        HEADER + kbart_row("Nature", "0028-0836", "", "a1") + kbart_row("Only here", "", "", "a2"),
        "utf-8",
    )
    (lib / "Other_Global_Journals_2024-01-01.txt").write_text(
        HEADER
        + kbart_row("Nature (online)", "", "1476-4687", "b1")
        + kbart_row("Nature again", "0028-0836", "1476-4687", "b2"),
        "utf-8",
    )
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never")
    overlap = json.loads((out / "summary.json").read_text("utf-8"))["overlap"]
    assert overlap["titles_in_several"] == 1
    assert overlap["rows_without_identifier"] == 1
    assert len(overlap["examples"][0]["holdings"]) == 3


def test_exit_codes_and_json_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout = run(str(EXAMPLES / "marc"), "--out", str(out), "--format", "json")
    assert code == 1  # the example records have errors; --fail-on defaults to error
    assert json.loads(stdout) == json.loads((out / "summary.json").read_text("utf-8"))
    assert run(str(EXAMPLES / "marc"), "--out", str(out), "--fail-on", "never")[0] == 0
    assert run(str(tmp_path / "missing"), "--out", str(out))[0] == 2


def test_output_folder_inside_the_audited_folder_is_not_audited(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0836", "", "t1")])
    for _ in range(2):
        run(str(lib), "--out", str(lib / "report"), "--fail-on", "never")
    summary = json.loads((lib / "report" / "summary.json").read_text("utf-8"))
    # The KBART file is audited; the first run's report files are listed once, as their
    # folder, not audited and not counted among the files not audited.
    assert [(Path(i["path"]).name, i["kind"]) for i in summary["inputs"]] == [
        ("Acme_Global_Journals_2024-01-01.txt", "kbart"),
        ("report", "report"),
    ]
    assert summary["unrecognised"] == []


def test_an_interrupted_audit_leaves_the_previous_outputs_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import erdq.audit.html

    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0836", "", "t1")])
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # A second delivery changes the findings; Ctrl-C comes while the report is written,
    # after findings.jsonl and the CSVs of the new run were complete.
    write_library(lib, [kbart_row("Nature", "0028-083X", "", "t1")])

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(erdq.audit.html, "write_report", interrupted)
    # click turns Ctrl-C into its Abort (exit 1); the command did not complete
    assert run(str(lib), "--out", str(out), "--fail-on", "never")[0] == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # and the temporary folder beside --out is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib", "out"]


def test_outputs_an_audit_no_longer_writes_are_removed_other_files_kept(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0836", "", "t1")])
    out = tmp_path / "out"
    out.mkdir()
    (out / "worklist-old-team.csv").write_text("a stale worklist\n", "utf-8")
    (out / "notes.txt").write_text("the librarian's notes\n", "utf-8")
    run(str(lib), "--out", str(out), "--fail-on", "never")
    names = {p.name for p in out.iterdir()}
    assert "worklist-old-team.csv" not in names  # an output of another run: not mixed in
    assert {"notes.txt", "report.html", "summary.json", "findings.jsonl"} <= names
    assert (out / "notes.txt").read_text("utf-8") == "the librarian's notes\n"


@pytest.mark.parametrize(
    ("content", "kind", "detail"),
    [
        (HEADER.encode("utf-16"), "kbart", "KBART header"),
        (b"=LDR  00000nam a2200000 a 4500\n=001  x\n", "marc", "mrk"),
        (
            b'<?xml version="1.0"?><collection xmlns="http://www.loc.gov/MARC21/slim"/>',
            "marc",
            "marcxml",
        ),
        (b"<!DOCTYPE html><html><body>Please log in</body></html>", "unrecognised", None),
        (b"Report_Name\tTitle Master Report\nRelease\t5\n", "counter", None),
    ],
)
def test_files_are_recognised_by_content(
    tmp_path: Path, content: bytes, kind: str, detail: str | None
) -> None:
    path = tmp_path / "delivery.dat"  # the name says nothing
    path.write_bytes(content)
    found = sniff_file(path)
    assert found.kind == kind
    if detail is not None:
        assert found.detail == detail


def test_erdq_toml_in_the_folder_names_collections_and_vendors(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0836", "", "t1")])
    (lib / "kbart" / "Other_Global_Books_2024-01-01.txt").write_text(
        HEADER + kbart_row("Science", "0036-8075", "", "s1"), "utf-8"
    )
    # Patterns are relative to the configuration's folder; the first match wins, and a
    # file no pattern matches keeps its own name.
    (lib / "erdq.toml").write_text(
        '[collections]\n"kbart/Acme_*.txt" = { name = "Acme Journals", vendor = "Acme" }\n'
        '"kbart/*.txt" = "never reached for Acme"\n',
        "utf-8",
    )
    (lib / "kbart" / "Other_Global_Books_2024-01-01.txt").rename(lib / "Other_Books.txt")
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    by_name = {Path(i["path"]).name: i for i in summary["inputs"]}
    acme = by_name["Acme_Global_Journals_2024-01-01.txt"]
    assert (acme["collection"], acme["vendor"]) == ("Acme Journals", "Acme")
    other = by_name["Other_Books.txt"]
    assert (other["collection"], other["vendor"]) == ("Other_Books", None)
    assert by_name["erdq.toml"]["kind"] == "config"
    assert summary["collections"]["Acme Journals"]["vendor"] == "Acme"
    assert "vendor: Acme" in (out / "report.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('"*.txt" = { nme = "X" }', "unknown key(s) 'nme' (did you mean 'name'?)"),
        ('"*.txt" = 3', "must be a name or a table"),
        ('"*.txt" = { vendor = "V" }', "no name"),
    ],
)
def test_a_bad_collections_table_is_a_start_up_error(
    tmp_path: Path, table: str, message: str
) -> None:
    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0836", "", "t1")])
    (lib / "erdq.toml").write_text(f"[collections]\n{table}\n", "utf-8")
    code, out = run(str(lib), "--out", str(tmp_path / "out"))
    assert code == 2 and message in out
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_the_store_inside_the_audited_folder_is_not_audited(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0836", "", "t1")])
    db = f"sqlite:///{lib / 'erdq.sqlite'}"
    for _ in range(2):  # the second run finds the store (and its WAL files) in the folder
        run(str(lib), "--out", str(tmp_path / "out"), "--fail-on", "never", "--db", db)
        summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
        assert [Path(i["path"]).name for i in summary["inputs"]] == [
            "Acme_Global_Journals_2024-01-01.txt"
        ]
    assert summary["comparison"]["new"] == summary["comparison"]["fixed"] == 0


def library_with_another_folder(tmp_path: Path) -> Path:
    """A library whose kbart/ folder holds Nature, and whose other/ folder a delivery of
    Science (0036-8076: a wrong check digit, so it has a finding of its own)."""
    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0837", "", "t1")])
    other = lib / "other" / "Other_Global_Books_2024-01-01.txt"
    other.parent.mkdir()
    other.write_text(HEADER + kbart_row("Science", "0036-8076", "", "s1"), "utf-8")
    return lib


def test_auditing_part_of_the_library_reports_nothing_else_as_fixed(tmp_path: Path) -> None:
    lib = library_with_another_folder(tmp_path)
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)
    whole = read_jsonl(out / "findings.jsonl")
    in_other = [f for f in whole if f["source"].endswith("Other_Global_Books_2024-01-01.txt")]
    assert in_other  # the wrong check digit at least
    run(str(lib / "kbart"), "--out", str(out), "--fail-on", "never", "--db", db)
    comparison = json.loads((out / "summary.json").read_text("utf-8"))["comparison"]
    # Nothing changed in the file audited again; the other file was not audited.
    assert (comparison["new"], comparison["fixed"]) == (0, 0)
    assert comparison["persisting"] == len(whole) - len(in_other)
    assert comparison["not_compared"] == len(in_other)


def test_a_file_gone_since_the_last_audit_is_named(tmp_path: Path) -> None:
    lib = library_with_another_folder(tmp_path)
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    out = tmp_path / "out"
    audit = ("--out", str(out), "--fail-on", "never", "--db", db)
    run(str(lib), *audit)
    other = lib / "other" / "Other_Global_Books_2024-01-01.txt"
    journals = lib / "kbart" / "Acme_Global_Journals_2024-01-01.txt"
    # The journals come as a newer delivery; the books file is gone.
    journals.rename(journals.with_name("Acme_Global_Journals_2024-02-01.txt"))
    other.unlink()
    run(str(lib), *audit)
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["gone"] == [str(other)]
    # Its findings are not compared, so not called fixed.
    assert summary["comparison"]["fixed"] == 0
    from erdq.cli.audit import _text_summary

    assert f"1 file(s) audited last time are no longer here: {other}" in _text_summary(
        summary, str(out)
    )
    assert "no longer in the folders audited" in (out / "report.html").read_text("utf-8")
    # An audit of one folder names nothing gone from the others.
    lib = library_with_another_folder(tmp_path / "second")
    audit = ("--out", str(out), "--fail-on", "never", "--db", f"{db}2")
    run(str(lib), *audit)
    (lib / "other" / "Other_Global_Books_2024-01-01.txt").unlink()
    run(str(lib / "kbart"), *audit)
    assert json.loads((out / "summary.json").read_text("utf-8"))["gone"] == []


def test_after_a_partial_audit_each_file_is_compared_with_its_latest_audit(
    tmp_path: Path,
) -> None:
    """Whole library, then one folder, then the whole library again: the files the
    partial run left out are compared with the run before it, not reported as new."""
    lib = library_with_another_folder(tmp_path)
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)  # run 1
    whole = read_jsonl(out / "findings.jsonl")
    in_other = [f for f in whole if f["source"].endswith("Other_Global_Books_2024-01-01.txt")]
    run(str(lib / "kbart"), "--out", str(out), "--fail-on", "never", "--db", db)  # run 2
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)  # run 3
    comparison = json.loads((out / "summary.json").read_text("utf-8"))["comparison"]
    assert (comparison["new"], comparison["fixed"]) == (0, 0)
    assert comparison["persisting"] == len(whole)
    assert comparison["against"]["run"] == 2 and comparison["against"]["runs"] == [2, 1]
    # Science's ISSN corrected (0036-8075 is the right check digit): its finding is
    # fixed, and named as an example.
    other = lib / "other" / "Other_Global_Books_2024-01-01.txt"
    other.write_text(HEADER + kbart_row("Science", "0036-8075", "", "s1"), "utf-8")
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)  # run 4
    comparison = json.loads((out / "summary.json").read_text("utf-8"))["comparison"]
    fixed = {f["fingerprint"] for f in in_other} - {
        f["fingerprint"] for f in read_jsonl(out / "findings.jsonl")
    }
    assert fixed and comparison["fixed"] == len(fixed)
    assert {f["fingerprint"] for f in comparison["fixed_examples"]} == fixed


def test_a_folder_with_nothing_to_audit_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out = run(str(empty), "--out", str(tmp_path / "out"))
    assert code == 2 and "nothing to audit" in out
    (empty / "notes.txt").write_text("not a holdings file\n", "utf-8")
    code, out = run(str(empty), "--out", str(tmp_path / "out"))
    assert code == 2 and "nothing to audit" in out and "notes.txt" in out
    assert not (tmp_path / "out").exists()


def test_worklists_put_errors_first_then_file_order(example_audit: Path) -> None:
    findings = read_jsonl(example_audit / "findings.jsonl")
    rank = {"error": 0, "warning": 1, "info": 2}
    with (example_audit / "worklist-knowledge-base.csv").open(encoding="utf-8-sig") as fh:
        got = [r["fingerprint"] for r in csv.DictReader(fh)]
    kb = [f for f in findings if f["code"].startswith("KB")]
    assert {f["severity"] for f in kb} >= {"error", "warning"}  # the order is tested
    assert got == [f["fingerprint"] for f in sorted(kb, key=lambda f: rank[f["severity"]])]


def test_drill_downs_say_how_many_findings_the_examples_stand_for(example_audit: Path) -> None:
    html = (example_audit / "report.html").read_text("utf-8")
    findings = read_jsonl(example_audit / "findings.jsonl")
    kb504 = sum(1 for f in findings if f["code"] == "KB504")
    assert kb504 > 10  # more than a drill-down shows
    assert re.search(rf"\d+ of {kb504:,} shown; all are in the “Knowledge base” worklist", html)


def test_the_overview_says_where_the_errors_are(tmp_path: Path) -> None:
    # Two wrong ISSN check digits in Acme, one in Other (0028-0836 and 0036-8075 are
    # Nature's and Science's ISSNs; the last digit is changed): 3 errors, Acme first.
    lib = write_library(
        tmp_path / "lib",
        [kbart_row("Nature", "0028-0837", "", "t1"), kbart_row("Science", "0036-8076", "", "t2")],
    )
    (lib / "Other_Global_Journals_2024-01-01.txt").write_text(
        HEADER + kbart_row("Nature", "0028-0839", "", "n1"), "utf-8"
    )
    (lib / "usage.csv").write_text("Report_Name,Title Master Report\n", "utf-8")
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never")
    html = (out / "report.html").read_text("utf-8")
    glance = html[html.index('<ul id="glance">') : html.index("</ul>")]
    text = re.sub(r"<[^>]+>", "", glance)
    assert (
        "3 error(s) in 2 collection(s): Acme_Global_Journals_2024-01-01 (2, mostly KB201 "
        "issn-invalid), Other_Global_Journals_2024-01-01 (1, mostly KB201 issn-invalid)."
    ) in text
    assert 'href="#coll-acme-global-journals-2024-01-01"' in glance
    assert "1 file(s) were not audited" in text  # the COUNTER report
    assert "Linkage" not in text  # no MARC file, so no linkage


def test_the_report_lists_what_was_fixed(tmp_path: Path) -> None:
    # Nature's ISSN 0028-0836 with a wrong check digit, then corrected: one KB201 fixed.
    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0837", "", "t1")])
    out = tmp_path / "out"
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)
    write_library(lib, [kbart_row("Nature", "0028-0836", "", "t1")])
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)
    html = (out / "report.html").read_text("utf-8")
    since = html[html.index("<h3>Since the last audit</h3>") :]
    since = since[: since.index("<h3>", 5)] if "<h3>" in since[5:] else since
    assert "0 new, " in since and ", 1 fixed" in since
    assert (
        "<tr><td>KB201 issn-invalid</td><td>Acme_Global_Journals_2024-01-01.txt</td>"
        "<td class=mono>t1</td></tr>"
    ) in since


def test_the_text_summary_says_how_many_were_not_compared(tmp_path: Path) -> None:
    lib = library_with_another_folder(tmp_path)
    db = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never", "--db", db)
    whole = read_jsonl(out / "findings.jsonl")
    in_other = sum(1 for f in whole if f["source"].endswith("Other_Global_Books_2024-01-01.txt"))
    result = CliRunner().invoke(
        audit_command,
        [str(lib / "kbart"), "--out", str(out), "--db", db, "--today", DAY, "--fail-on", "never"],
    )
    assert result.exit_code == 0, result.output
    assert (
        f"0 new, {len(whole) - in_other} persisting, 0 fixed, {in_other} not compared "
        "(files or rules not audited now)." in result.output
    )


def test_a_level_no_selected_rule_judged_has_no_score(tmp_path: Path) -> None:
    # --select KB: the MARC files are read (and their completeness scored), but no
    # bibliographic rule ran, so no bibliographic score can be given: not 100.
    out = tmp_path / "out"
    code, _ = run(str(EXAMPLES), "--out", str(out), "--select", "KB", "--fail-on", "never")
    assert code == 0
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert sum(i["records"] or 0 for i in summary["inputs"] if i["kind"] == "marc") > 0
    assert summary["scores"]["bibliographic"] is None
    assert summary["scores"]["portfolio"] is not None
    assert all(c["scores"].get("bibliographic") is None for c in summary["collections"].values())


def _finding(code: str, line: int | None, severity: str, source: str = "a.txt", **params):
    from erdq.findings import Finding, Location, Severity

    return Finding(
        code=code,
        severity=Severity(severity),
        location=Location(source=source, line=line),
        params={k: str(v) for k, v in params.items()},
    )


def test_a_finding_about_a_run_of_rows_counts_every_row() -> None:
    from erdq.audit.tally import Tally, item_score

    tally = Tally()
    # 198 rows (lines 2-199), 195 of them short in 4 runs, each one KB113 warning (the
    # portfolio level), as the reader reports them ("lines 2–28 (27 rows)").
    runs = [(2, 28), (30, 100), (102, 180), (182, 199)]  # 27 + 71 + 79 + 18 = 195 rows
    assert sum(last - first + 1 for first, last in runs) == 195
    for first, last in runs:
        f = _finding("KB113", first, "warning", last=last, count=last - first + 1)
        tally.add(f, {"level": "portfolio", "fingerprint": str(first)}, "OUP")
    # an error on a row inside a run: that row counts once, as an error
    tally.add(_finding("KB201", 50, "error"), {"level": "portfolio", "fingerprint": "e"}, "OUP")
    key = ("portfolio", "OUP")
    score = item_score(198, tally.flagged[key], tally.runs[key])
    # README: a row with a warning counts half, with an error nothing:
    # 100 × (198 − 1 − 0.5 × 194) / 198 = 100 × 100 / 198 = 50.505… → 50.5
    assert score == 50.5


def test_a_file_level_finding_counts_for_the_collection_level() -> None:
    from erdq.audit.tally import Tally, item_score

    tally = Tally()
    row = {"level": "collection", "fingerprint": "x"}
    tally.add(_finding("KB107", 1, "error", source="a.txt"), row, "A")  # header: line 1
    tally.add(_finding("KB101", None, "warning", source="b.txt"), row, "A")  # no line
    tally.add(_finding("KB115", 9, "warning", source="b.txt"), row, "A")  # b: still one item
    # a collection-level finding naming a stretch of lines (blank lines 73-145) is about
    # the file too, not about 73 rows
    tally.add(_finding("KB115", 73, "warning", source="b.txt", last=145), row, "A")
    # The collection level's item is the KBART file: 3 files, a.txt with an error, b.txt
    # with warnings only, c.txt clean: 100 × (3 − 1 − 0.5) / 3 = 50.0
    key = ("collection", "A")
    assert item_score(3, tally.flagged[key], tally.runs[key]) == 50.0


def test_collection_score_is_not_always_100(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib / "kbart").mkdir(parents=True)
    # No title_id column (KB106 mandatory-column-missing... or KB107): the header is
    # short of standard columns, a collection-level error about the file.
    (lib / "kbart" / "Acme_Global_Journals_2024-01-01.txt").write_text(
        "publication_title\tprint_identifier\tonline_identifier\nNature\t0028-0836\t\n",
        "utf-8",
    )
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    levels = {f["level"] for f in read_jsonl(out / "findings.jsonl") if f["severity"] == "error"}
    assert "collection" in levels
    # one file, with a collection-level error: 100 × (1 − 1) / 1 = 0
    assert summary["scores"]["collection"] == 0.0


def test_report_shows_deliveries_and_labels_runs_apart(tmp_path: Path) -> None:
    from erdq.audit.html import render_report
    from erdq.audit.tally import Tally

    lib = write_library(tmp_path / "lib", [kbart_row("Nature", "0028-0836", "", "t1")])
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    summary["deliveries"] = [
        ["k/Acme_Global_Journals_2024-05-01.txt", "k/Acme_Global_Journals_2024-06-01.txt"]
    ]
    summary["trend"] = [
        {
            "run": 7,
            "started": "2026-12-04T09:15:00+00:00",
            "findings_total": 3,
            "by_severity": {"error": 3},
            "scores": {},
        },
        {
            "run": 8,
            "started": "2026-12-04T11:40:00+00:00",
            "findings_total": 1,
            "by_severity": {"error": 1},
            "scores": {},
            "partial": True,
        },
    ]
    html = render_report(summary, Tally())
    assert "Acme_Global_Journals_2024-05-01.txt and" in html and "deliveries of one" in html
    # two runs of one day: told apart by number, the partial one marked
    assert ">#7<" in html and ">#8*<" in html
    assert "run 8 (2026-12-04 11:40) — partial" in html
    # a KBART-only audit: the overview says the linkage did not run, and why
    assert "the audit read no MARC file" in html


def test_authority_records_are_not_scored_as_bibliographic_records(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    # Three authority records (leader/06 z; MR124): read, structure checked, not judged
    # by the bibliographic rules, so they are no items of the bibliographic score.
    authority = "".join(
        f"=LDR  00000nz  a2200000n  4500\n=001  a{i}\n=100  1\\$aTwain, Mark,$d1835-1910\n\n"
        for i in range(3)
    )
    (lib / "names.mrk").write_text(authority, "utf-8")
    out = tmp_path / "out"
    run(str(lib), "--out", str(out), "--fail-on", "never")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    (entry,) = summary["inputs"]
    assert entry["records"] == 3 and entry["other_formats"] == {"authority": 3}
    # No bibliographic record: no score, where three unjudged records made it 100.
    assert summary["scores"]["bibliographic"] is None


def test_a_level_score_counts_runs_of_rows_of_every_collection(tmp_path: Path) -> None:
    from erdq.audit.run import Audit

    audit = Audit([str(tmp_path)], tmp_path / "out", store=False)
    for name in ("A", "B"):
        audit.items[("kbart", name)] = 10
        # one KB113 warning about a run of 5 short rows (lines 2-6) in each collection
        f = _finding("KB113", 2, "warning", source=f"{name}.txt", last=6, count=5)
        audit.tally.add(f, {"level": "portfolio", "fingerprint": name}, name)
    # 20 rows, 10 of them with a warning: 100 × (20 − 0.5 × 10) / 20 = 75.0; per
    # collection 100 × (10 − 0.5 × 5) / 10 = 75.0
    assert audit._level_score("portfolio", ["A", "B"]) == 75.0
    assert audit._level_score("portfolio", ["A"]) == 75.0
    # an authority record elsewhere (MR124) changes nothing here
    mr124 = _finding("MR124", 1, "info", source="names.mrc", kind="authority")
    audit.tally.add(mr124, {"level": "bibliographic", "fingerprint": "n"}, "N")
    assert audit._level_score("portfolio", ["A", "B"]) == 75.0
