"""erdq audit: what is found in a folder, and that nothing in it is passed over in silence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from erdq.audit.inputs import discover, sniff_file
from erdq.cli.audit import audit_command

DAY = "2024-06-15"
HEADER = "publication_title\tprint_identifier\tonline_identifier\ttitle_id\tcoverage_depth\n"
ROW = "Nature\t0028-0836\t\tt1\tfulltext\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        audit_command, [*args, "--no-store", "--today", DAY, "--quiet", "--fail-on", "never"]
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def summary_of(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text("utf-8"))


def test_hidden_files_and_folders_are_listed_not_skipped_in_silence(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib / ".old").mkdir(parents=True)
    (lib / "Acme_Global_Journals_2024-01-01.txt").write_text(HEADER + ROW, "utf-8")
    # A KBART file saved under a dot name, and a folder of them: neither is read, but
    # both are named, so the librarian can see that they were not audited.
    (lib / ".Acme_copy.txt").write_text(HEADER + ROW, "utf-8")
    (lib / ".old" / "a.txt").write_text(HEADER + ROW, "utf-8")
    (lib / ".old" / "b.txt").write_text(HEADER + ROW, "utf-8")
    out = tmp_path / "out"
    assert run(str(lib), "--out", str(out))[0] == 0
    summary = summary_of(out)
    kinds = {Path(i["path"]).name: i["kind"] for i in summary["inputs"]}
    assert kinds == {
        ".Acme_copy.txt": "hidden",
        ".old": "hidden",  # once for the folder, not once per file in it
        "Acme_Global_Journals_2024-01-01.txt": "kbart",
    }
    assert sorted(Path(p).name for p in summary["unrecognised"]) == [".Acme_copy.txt", ".old"]
    assert summary["findings_total"] == sum(i["findings"] for i in summary["inputs"])


def test_files_an_operating_system_or_office_program_leaves_are_named_not_counted(
    tmp_path: Path,
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Acme_Global_Journals_2024-01-01.txt").write_text(HEADER + ROW, "utf-8")
    for name in ("Thumbs.db", "desktop.ini", ".DS_Store", "~$titles.xlsx", "._titles.xlsx"):
        (lib / name).write_bytes(b"\x00\x01")
    out = tmp_path / "out"
    assert run(str(lib), "--out", str(out))[0] == 0
    summary = summary_of(out)
    kinds = {Path(i["path"]).name: (i["kind"], i["audited"]) for i in summary["inputs"]}
    assert {n: k for n, k in kinds.items() if k[0] == "system"} == {
        n: ("system", False)
        for n in ("Thumbs.db", "desktop.ini", ".DS_Store", "~$titles.xlsx", "._titles.xlsx")
    }
    # Listed, but not among the files the librarian should look at.
    assert summary["unrecognised"] == []
    assert "were not audited" not in (out / "report.html").read_text("utf-8")


def test_an_earlier_report_in_the_audited_folder_is_named_once(tmp_path: Path) -> None:
    # As the README suggests: one report folder per month, inside the library's folder.
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Acme_Global_Journals_2024-01-01.txt").write_text(HEADER + ROW, "utf-8")
    may, june = lib / "reports" / "2024-05", lib / "reports" / "2024-06"
    assert run(str(lib), "--out", str(may))[0] == 0
    assert run(str(lib), "--out", str(june))[0] == 0
    inputs = summary_of(june)["inputs"]
    assert [(Path(i["path"]).relative_to(lib).as_posix(), i["kind"]) for i in inputs] == [
        ("Acme_Global_Journals_2024-01-01.txt", "kbart"),
        ("reports/2024-05", "report"),
    ]
    # erdq's own output is not a file the library forgot: not among the unaudited.
    assert summary_of(june)["unrecognised"] == []


def test_a_folder_that_merely_has_a_summary_json_is_searched(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib / "vendor").mkdir(parents=True)
    (lib / "vendor" / "summary.json").write_text('{"titles": 1}', "utf-8")
    (lib / "vendor" / "findings.jsonl").write_text("{}\n", "utf-8")
    (lib / "vendor" / "Acme.txt").write_text(HEADER + ROW, "utf-8")
    kinds = sorted((Path(i.path).name, i.kind) for i in discover([lib]))
    assert kinds == [
        ("Acme.txt", "kbart"),
        ("findings.jsonl", "unrecognised"),
        ("summary.json", "unrecognised"),
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # COUNTER R5 JSON, as a SUSHI server returns it: the Report_Header object first.
        (
            "usage.json",
            '{\n  "Report_Header": {"Report_Name": "Platform Master Report", "Report_ID": '
            '"PR", "Release": "5"},\n  "Report_Items": []\n}\n',
        ),
        # A TR's body (COUNTER R5, section 3.3) without its header block: Title,
        # Print_ISSN, Online_ISSN pass for KBART's columns, Metric_Type and
        # Reporting_Period_Total do not.
        (
            "TR.tsv",
            "Title\tPublisher\tPrint_ISSN\tOnline_ISSN\tURI\tMetric_Type\t"
            "Reporting_Period_Total\nNature\tSpringer\t0028-0836\t1476-4687\t"
            "https://x.example\tTotal_Item_Requests\t4\n",
        ),
    ],
)
def test_a_counter_report_is_recognised(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    found = sniff_file(path)
    assert (found.kind, found.detail) == ("counter", "a COUNTER report: not audited yet")
    other = tmp_path / "other.json"
    other.write_text('{"titles": []}', "utf-8")
    assert sniff_file(other).kind == "unrecognised"


def test_links_to_folders_and_broken_links_are_listed(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Acme.txt").write_text(HEADER + ROW, "utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "Other.txt").write_text(HEADER + ROW, "utf-8")
    (lib / "shared").symlink_to(elsewhere, target_is_directory=True)
    (lib / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    found = {Path(i.path).name: (i.kind, i.detail) for i in discover([lib])}
    assert found["Acme.txt"] == ("kbart", "KBART header")
    assert found["shared"][0] == "unrecognised" and "not followed" in found["shared"][1]
    assert found["gone.txt"][0] == "unrecognised" and "broken link" in found["gone.txt"][1]
    assert "Other.txt" not in found


def test_out_inside_the_audited_folder_audits_everything_but_the_report(tmp_path: Path) -> None:
    # --out L/kbart, twice: the KBART files in L/kbart are the library's and audited, the
    # first run's report files there are listed once (as the folder) and not read.
    lib = tmp_path / "lib"
    (lib / "kbart").mkdir(parents=True)
    (lib / "kbart" / "Acme_Global_Journals_2024-01-01.txt").write_text(HEADER + ROW, "utf-8")
    (lib / "kbart" / "Beta_Global_Journals_2024-01-01.txt").write_text(HEADER + ROW, "utf-8")
    for _ in range(2):
        assert run(str(lib), "--out", str(lib / "kbart"))[0] == 0
    found = {Path(i["path"]).name: i["kind"] for i in summary_of(lib / "kbart")["inputs"]}
    assert found == {
        "Acme_Global_Journals_2024-01-01.txt": "kbart",
        "Beta_Global_Journals_2024-01-01.txt": "kbart",
        "kbart": "report",
    }


def test_out_the_audited_folder_itself(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Acme_Global_Journals_2024-01-01.txt").write_text(HEADER + ROW, "utf-8")
    for _ in range(2):  # the second run finds the first one's report beside the file
        assert run(str(lib), "--out", str(lib))[0] == 0
    kinds = sorted((Path(i["path"]).name, i["kind"]) for i in summary_of(lib)["inputs"])
    assert kinds == [("Acme_Global_Journals_2024-01-01.txt", "kbart"), ("lib", "report")]


def test_only_the_report_files_of_the_out_folder_are_skipped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("report.html", "findings.jsonl", "worklists.xlsx", "worklist-linkage.csv"):
        (out / name).write_text("x", "utf-8")
    (out / "notes.csv").write_text("a,b\n", "utf-8")  # not a name an audit writes
    found = {Path(i.path).name: i.kind for i in discover([out], out_dir=out)}
    assert found == {"out": "report", "notes.csv": "unrecognised"}


def test_a_file_of_a_bom_alone_and_a_link_loop_are_listed_not_fatal(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Acme_Global_Journals_2024-01-01.txt").write_text(HEADER + ROW, "utf-8")
    (lib / "bom.txt").write_bytes(b"\xef\xbb\xbf")  # UTF-8's byte order mark, nothing else
    (lib / "l1").symlink_to(lib / "l2")
    (lib / "l2").symlink_to(lib / "l1")
    found = {Path(i.path).name: (i.kind, i.detail) for i in discover([lib])}
    assert found["Acme_Global_Journals_2024-01-01.txt"][0] == "kbart"
    assert found["bom.txt"][0] == "unrecognised"
    assert found["l1"] == ("unrecognised", "a link that leads back to itself (a loop): not read")
    assert found["l2"][0] == "unrecognised"


def test_a_link_to_a_file_is_listed_and_the_file_read_under_its_own_name(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Zeta_Global_Journals_2024-01-01.txt").write_text(HEADER + ROW, "utf-8")
    (lib / "alias.txt").symlink_to(lib / "Zeta_Global_Journals_2024-01-01.txt")  # sorts first
    found = {Path(i.path).name: (i.kind, i.detail) for i in discover([lib])}
    assert found["Zeta_Global_Journals_2024-01-01.txt"][0] == "kbart"
    kind, detail = found["alias.txt"]
    assert kind == "unrecognised" and "Zeta_Global_Journals_2024-01-01.txt" in detail


def test_xml_that_is_not_marcxml_is_not_taken_for_marc(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "catalog.xml").write_text('<?xml version="1.0"?><catalog><book/></catalog>', "utf-8")
    (lib / "sushi.xml").write_text(
        '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/'
        'envelope/"><soap:Body><ReportResponse xmlns="http://www.niso.org/schemas/sushi/'
        'counter"/></soap:Body></soap:Envelope>',
        "utf-8",
    )
    (lib / "bare.xml").write_text("<collection><record><leader>x</leader></record>", "utf-8")
    (lib / "slim.xml").write_text(
        '<marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim"/>', "utf-8"
    )
    found = {Path(i.path).name: i.kind for i in discover([lib])}
    assert found == {
        "catalog.xml": "unrecognised",
        "sushi.xml": "counter",
        "bare.xml": "marc",  # no namespace, but MARCXML's elements
        "slim.xml": "marc",
    }


def test_files_of_one_name_in_different_folders_are_different_collections(
    tmp_path: Path,
) -> None:
    lib = tmp_path / "lib"
    for vendor in ("vendorA", "vendorB"):
        (lib / vendor).mkdir(parents=True)
        (lib / vendor / "export.txt").write_text(HEADER + ROW, "utf-8")
    (lib / "vendorA" / "export.mrk").write_text("=LDR  00000nam a2200000 a 4500\n", "utf-8")
    found = {i.path: i.collection for i in discover([lib]) if i.audited}
    assert found == {
        str(lib / "vendorA" / "export.mrk"): "export",  # the only MARC file of that name
        str(lib / "vendorA" / "export.txt"): "vendorA/export",
        str(lib / "vendorB" / "export.txt"): "vendorB/export",
    }
    # one of them in the folder that holds the other's: named by that folder
    (lib / "export.txt").write_text(HEADER + ROW, "utf-8")
    found = {i.path: i.collection for i in discover([lib]) if i.kind == "kbart"}
    assert found[str(lib / "export.txt")] == "lib/export"


def test_an_out_folder_that_cannot_be_made_is_a_usage_error(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Acme_Global_Journals_2024-01-01.txt").write_text(HEADER + ROW, "utf-8")
    (tmp_path / "afile").write_text("x", "utf-8")
    for out in (tmp_path / "afile", tmp_path / "afile" / "sub"):
        code, output = run(str(lib), "--out", str(out))
        assert code == 2, output
