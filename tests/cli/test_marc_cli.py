"""``erdq marc validate``: formats, the JSON Lines schema shared with KBART, exit codes."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from erdq.cli import main
from erdq.report.findings import FIELDS
from erdq.rules.marc.iso_examples import GOOD_FIELDS, GOOD_ISO, iso_record

BAD = iso_record((*GOOD_FIELDS, ("246", b"3 \x1f\xc4\x81Variant")))  # MR112, an error


def _file(tmp_path, data: bytes, name: str = "records.mrc") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def run(*args: str):
    return CliRunner().invoke(main, ["marc", "validate", *args])


def test_clean_file_exits_0(tmp_path) -> None:
    result = run(_file(tmp_path, GOOD_ISO * 2), "--select", "MR1,MR5")
    assert result.exit_code == 0, result.output
    assert "2 record(s) (ISO 2709, ascii 2) — 0 finding(s)" in result.output
    assert "Checked 1 file(s), 2 record(s): 0 error(s)" in result.output


def test_json_lines_keys_match_kbart_findings(tmp_path) -> None:
    path = _file(tmp_path, GOOD_ISO + BAD)
    result = run(path, "--format", "json", "--select", "MR1")
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [tuple(row) for row in rows] == [FIELDS]
    row = rows[0]
    assert (row["code"], row["line"], row["record_id"], row["field"], row["value"]) == (
        "MR112",
        2,  # the record's ordinal in the file
        "ex0001",  # its 001
        "246",  # the tag
        "0xC4",
    )
    assert row["source"] == path and row["level"] == "bibliographic"


def test_csv_worklist_and_output_file(tmp_path) -> None:
    out = tmp_path / "worklist.csv"
    result = run(_file(tmp_path, BAD), "--format", "csv", "-o", str(out), "--select", "MR1")
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["code"], r["line"], r["field"]) for r in rows] == [("MR112", "1", "246")]


def test_text_report_names_records(tmp_path) -> None:
    result = run(_file(tmp_path, GOOD_ISO + BAD), "--select", "MR112", "--quiet")
    assert "record 2 [ex0001] 246: Field 246" in result.output
    assert result.exit_code == 1


def test_fail_on_and_ignore(tmp_path) -> None:
    path = _file(tmp_path, BAD)
    assert run(path, "--select", "MR1", "--fail-on", "never").exit_code == 0
    assert run(path, "--select", "MR1", "--ignore", "MR112").exit_code == 0


def test_several_formats_in_one_run(tmp_path) -> None:
    mrk = _file(tmp_path, b"=LDR  00000nam a2200000 a 4500\n=001  m1\n", "a.txt")
    xml = _file(
        tmp_path,
        b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
        b"<leader>00000nam a2200000 a 4500</leader>"
        b'<controlfield tag="001">x1</controlfield></record></collection>',
        "b.dat",
    )
    result = run(mrk, xml, "--select", "MR1,MR5")
    assert result.exit_code == 0, result.output
    assert "(MarcEdit .mrk, unicode 1)" in result.output and "(MARCXML, unicode 1)" in result.output


def test_not_marc_is_an_error_finding(tmp_path) -> None:
    result = run(_file(tmp_path, b"publication_title\tprint_identifier\n", "kbart.txt"))
    assert result.exit_code == 1
    assert "MR100 file-not-marc" in result.output and "0 record(s) (not MARC)" in result.output


def test_usage_errors_exit_2(tmp_path) -> None:
    assert run(str(tmp_path / "missing.mrc")).exit_code == 2
    assert run(_file(tmp_path, GOOD_ISO), "--select", "MR999").exit_code == 2
    assert run(str(tmp_path)).exit_code == 2  # a folder


def test_a_selection_without_marc_rules_is_refused(tmp_path) -> None:
    path = _file(tmp_path, GOOD_ISO)
    for selection in ("KB2", "PF1", "KB,PF"):
        result = run(path, "--select", selection)
        assert result.exit_code == 2
        assert "enables no MARC rule, so no record would be checked" in result.output
        assert "0 finding(s)" not in result.output
    assert run(path, "--ignore", "MR").exit_code == 2


def test_a_partly_marc_selection_warns(tmp_path) -> None:
    result = run(_file(tmp_path, GOOD_ISO), "--select", "MR1,KB2", "--quiet")
    assert result.exit_code == 0
    assert "--select KB2 enables no MARC rule" in result.stderr
    assert "1 record(s)" in result.stdout


def test_a_mistyped_code_gets_a_marc_suggestion(tmp_path) -> None:
    path = _file(tmp_path, GOOD_ISO)
    for typed, meant in (("MR1O1", "MR101"), ("MRl04", "MR104"), ("MR3010", "MR301")):
        result = run(path, "--select", typed)
        assert result.exit_code == 2
        assert f"did you mean {meant!r}?" in result.output
    result = run(path, "--ignore", "marc-isbn-invlid")
    assert "did you mean 'marc-isbn-invalid'?" in result.output
    assert "MR301" in result.output and "KB2" not in result.output


def test_a_folder_gets_a_marc_example(tmp_path) -> None:
    folder = str(tmp_path)
    for args in (
        ["validate", folder],
        ["stats", folder],
        ["convert", folder, str(tmp_path / "out.mrk")],
    ):
        result = CliRunner().invoke(main, ["marc", *args])
        assert result.exit_code == 2
        assert f"{folder}/*.mrc" in result.output and ".txt" not in result.output


def test_file_level_findings_have_no_record_locator(tmp_path) -> None:
    # Record 2 is MARC-8 (leader/09 blank; 0xE2 is the MARC-8 combining acute): MR507 is
    # about the file and names record 2 in its message, not as its place.
    marc8 = iso_record((*GOOD_FIELDS[:1], ("245", b"10\x1faCaf\xe2e.")), leader=b"nam  22")
    path = _file(tmp_path, GOOD_ISO + marc8)
    result = run(path, "--select", "MR507", "--quiet")
    assert "    file: 1 record(s) of this file hold MARC-8 characters, starting with record 2." in (
        result.output
    )
    assert "record 2:" not in result.output
    row = json.loads(run(path, "--select", "MR507", "--format", "json").output)
    assert (row["code"], row["line"], row["record_id"]) == ("MR507", None, None)


def test_records_of_other_formats_are_named(tmp_path) -> None:
    # An authority record (leader/06 z) among bibliographic records.
    authority = iso_record(GOOD_FIELDS[:1], leader=b"nz  a22", leader_end=b"n  4500")
    result = run(_file(tmp_path, GOOD_ISO + authority), "--quiet")
    assert "2 record(s) (ISO 2709, ascii 2; not bibliographic: authority 1)" in result.output
    assert "record 2 [ex0001] LDR: The record is an authority record" in result.output
    assert "    file: 1 of 2 record(s) of this file are not bibliographic (authority 1)" in (
        result.output
    )
    assert "MR607" not in result.output and "MR201" not in result.output


def test_a_selection_does_not_hide_an_unreadable_record(tmp_path) -> None:
    # The second record has no directory terminator: MR101. Selecting the encoding rules
    # alone must not let the run pass as if every record had been checked.
    path = _file(tmp_path, GOOD_ISO + b"not a record at all\x1d")
    result = run(path, "--select", "MR5")
    assert result.exit_code == 1, result.output
    assert "MR101 record-unparseable [error] × 1" in result.output
    assert run(path, "--select", "MR5", "--ignore", "MR101").exit_code == 0
