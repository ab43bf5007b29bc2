"""``erdq marc convert`` and ``erdq marc stats`` on the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from tests.conftest import CASES, shared_file

from erdq.cli import main
from erdq.rules.marc.iso_examples import GOOD_FIELDS, iso_record, mrk


def run(*args: str):
    return CliRunner().invoke(main, ["marc", *args])


def case(name: str):
    path = CASES / name
    if not path.exists():
        pytest.skip(f"shared case not available: {path}")
    return path


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.mark.shared
@pytest.mark.parametrize("via", ["mrk", "xml"])
def test_convert_round_trip(tmp_path, via) -> None:
    source = shared_file("data", "marc", "marc4j", "065001035.mrc")
    middle, back = tmp_path / f"records.{via}", tmp_path / "back.mrc"
    first = run("convert", str(source), str(middle), "-q")
    assert first.exit_code == 0, first.output
    assert "Read 40 record(s)" in first.output and "wrote 40" in first.output
    assert "skipped 0" in first.output
    second = run("convert", str(middle), str(back), "-q")
    assert second.exit_code == 0, second.output
    assert back.read_bytes() == source.read_bytes()


def test_convert_json_report_and_repairs(tmp_path) -> None:
    out = tmp_path / "out.mrc"
    result = run(
        "convert", str(case("BR-042.mrc")), str(out), "--repair-encoding", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    events = lines(result.output)
    assert [e["type"] for e in events] == ["repair", "summary"]
    repair, summary = events
    assert (repair["line"], repair["record_id"], repair["code"]) == (1, "br042-0001", "MR501")
    assert (repair["field"], repair["position"], repair["before"], repair["after"]) == (
        "LDR",
        9,
        " ",
        "a",
    )
    assert (summary["read"], summary["written"], summary["skipped"]) == (1, 1, 0)
    assert summary["repairs"] == {"MR501": 1} and summary["complete"] is True
    assert out.read_bytes()[9:10] == b"a"


def test_convert_text_report_names_each_repair(tmp_path) -> None:
    source = tmp_path / "in.mrk"
    source.write_bytes(mrk("=001  ex0001", "=245  10$aCafe\u0301 con leche"))
    result = run("convert", str(source), str(tmp_path / "out.xml"), "--repair-encoding")
    assert result.exit_code == 0, result.output
    assert "record 1, 001 ex0001, byte 0: MR510 245$a: 'Cafe\\u0301 con leche' → " in (
        result.output
    )
    assert "Repaired: 1 value(s) in 1 record(s) (MR510 ×1)." in result.output


def test_convert_skips_are_reported_and_exit_1(tmp_path) -> None:
    good = iso_record(GOOD_FIELDS)
    source = tmp_path / "in.mrc"
    source.write_bytes(good + b"00025nam a2200025 a 4500\x1d" + good)
    out = tmp_path / "out.mrk"
    result = run("convert", str(source), str(out))
    assert result.exit_code == 1
    assert f"record 2, byte {len(good):,}: skipped [MR101]" in result.output
    assert "Read 2 record(s), 1 unparseable, from" in result.output
    assert "wrote 2 to" in result.output and "skipped 1 (1 unparseable)." in result.output
    assert out.read_text(encoding="utf-8").count("=LDR") == 2


def test_convert_a_truncated_file_exits_1_and_says_data_was_lost(tmp_path) -> None:
    """As `convert --help` promises: exit 1 when part of IN could not be read. The file
    ends inside record 2, which is reported and not written."""
    good = iso_record(GOOD_FIELDS)
    second = iso_record((*GOOD_FIELDS, ("500", b"  \x1faA note cut short by the end.")))
    source = tmp_path / "trunc.mrc"
    source.write_bytes(good + second[:-12])
    out = tmp_path / "out.xml"
    result = run("convert", str(source), str(out), "--format", "json")
    assert result.exit_code == 1, result.output
    *events, summary = lines(result.output)
    assert [(e["type"], e["line"], e["stage"], e["code"]) for e in events] == [
        ("skipped", 2, "incomplete", "MR105")
    ]
    assert (summary["read"], summary["written"], summary["incomplete"]) == (2, 1, 1)
    assert summary["data_lost"] is True and summary["complete"] is False
    text = run("convert", str(source), str(out))
    assert text.exit_code == 1
    assert f"record 2, 001 ex0001, byte {len(good)}: skipped [MR105], incomplete:" in text.output
    assert "wrote 1 to" in text.output and "skipped 1 (1 incomplete)." in text.output
    assert "Data is missing from the input" in text.output


def test_convert_text_report_cuts_long_values_json_keeps_them(tmp_path) -> None:
    """A 2,100-character double-encoded value (repaired to 1,960): the text line shows
    the start of each and its length, JSON both whole."""
    before, after = "CafÃ© au lait. " * 140, "Café au lait. " * 140
    source = tmp_path / "in.mrk"
    source.write_bytes(mrk("=001  ex0001", f"=500  \\\\$a{before}"))
    result = run("convert", str(source), str(tmp_path / "o.mrc"), "--repair-encoding")
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.output.splitlines() if "MR509" in x and "→" in x]
    for value in (before, after):
        assert f"… ({len(value):,} characters in all; --format json shows the whole value)" in (
            line
        )
    # Two values of at most 120 characters with their notes, and the location: one line.
    assert len(line) < 600
    args = ("convert", str(source), str(tmp_path / "o.mrc"), "--repair-encoding", "--format")
    (repair, _summary) = lines(run(*args, "json").output)
    assert (repair["before"], repair["after"]) == (before, after)


def test_convert_limits_the_lines_shown(tmp_path) -> None:
    text = tmp_path / "in.mrk"
    text.write_bytes(b"\n".join(mrk(f"=001  n{i}", "=245  10$aCafe\u0301") for i in range(5)))
    result = run(
        "convert", str(text), str(tmp_path / "o.mrc"), "--repair-encoding", "--max-shown", "2"
    )
    assert result.output.count("MR510 245$a") == 2
    assert "Not shown: 3 more repair(s) MR510 (--format json lists every one)." in result.output
    assert "(MR510 ×5)" in result.output


@pytest.mark.shared
def test_convert_summary_says_how_many_of_the_records_were_converted(tmp_path) -> None:
    # jazz_1k: 1,000 records, all with leader/09 ' ' (MARC-8); those holding bytes
    # outside ASCII or an escape are converted, the others read the same in UTF-8.
    source = shared_file("data", "marc", "evergreen", "jazz_1k.mrc")
    records = [r for r in source.read_bytes().split(b"\x1d") if r.strip()]
    assert len(records) == 1000 and {r[9:10] for r in records} == {b" "}
    marc8 = sum(1 for r in records if not r.isascii() or b"\x1b" in r)
    assert marc8 == 95
    result = run("convert", str(source), str(tmp_path / "out.mrk"))
    assert result.exit_code == 0, result.output
    assert "95 record(s) of this file hold MARC-8 characters" in result.output
    assert (
        "Converted to UTF-8 (leader/09 'a'): 95 of the 1,000 record(s) written (from MARC-8 95)."
        in result.output
    )


def test_convert_to_standard_output(tmp_path) -> None:
    result = CliRunner().invoke(
        main, ["marc", "convert", str(case("BR-040.mrk")), "-", "--to", "mrk"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == case("BR-040.mrk").read_bytes()
    assert "Read 1 record(s)" in result.stderr
    missing = run("convert", str(case("BR-040.mrk")), "-")
    assert missing.exit_code == 2 and "--to" in missing.output


def test_convert_refusals_exit_2_and_write_nothing(tmp_path) -> None:
    source = tmp_path / "in.mrc"
    source.write_bytes(iso_record(GOOD_FIELDS))
    same = run("convert", str(source), str(source), "--to", "mrc")
    assert same.exit_code == 2 and "also the input" in same.output
    unknown = run("convert", str(source), str(tmp_path / "out.dat2"))
    assert unknown.exit_code == 2 and "--to mrc|mrk|xml|json|jsonl" in unknown.output
    text = tmp_path / "list.txt"
    text.write_text("title\tissn\n", encoding="utf-8")
    not_marc = run("convert", str(text), str(tmp_path / "out.xml"))
    assert not_marc.exit_code == 2 and "cannot be read as MARC" in not_marc.output
    assert not (tmp_path / "out.xml").exists()
    missing = run("convert", str(tmp_path / "nope.mrc"), str(tmp_path / "out.xml"))
    assert missing.exit_code == 2 and "no such file" in missing.output


# -- stats -------------------------------------------------------------------------------


def _two_records(tmp_path):
    path = tmp_path / "two.mrk"
    path.write_bytes(
        mrk("=001  a", "=245  10$aOne /$cX.", "=650  \\0$aCats.")
        + b"\n"
        + mrk("=001  b", "=245  10$aTwo")
    )
    return path


def test_stats_text(tmp_path) -> None:
    result = run("stats", str(_two_records(tmp_path)), "-q")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("1 file(s), 2 record(s)\n")
    assert "Formats: MarcEdit .mrk 2" in out
    assert "  245  Title Statement" in out and "       $c" in out
    assert "Completeness (score 0-100" in out and "missing: Title 0.0%" in out


def test_stats_json_and_csv(tmp_path) -> None:
    path = _two_records(tmp_path)
    result = run("stats", str(path), "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["records"] == 2
    assert [f["tag"] for f in doc["fields"]] == ["001", "245", "650"]
    title = doc["fields"][1]
    assert (title["records"], title["occurrences"]) == (2, 2)
    assert [(s["code"], s["records"]) for s in title["subfields"]] == [("a", 2), ("c", 1)]
    assert doc["completeness"][0]["records"] == 2
    out = tmp_path / "counts.csv"
    result = run("stats", str(path), "--format", "csv", "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["tag"], r["subfield"], r["records"]) for r in rows][:4] == [
        ("001", "", "2"),
        ("245", "", "2"),
        ("245", "a", "2"),
        ("245", "c", "1"),
    ]


def test_stats_on_a_file_that_is_not_marc_exits_1(tmp_path) -> None:
    text = tmp_path / "list.txt"
    text.write_text("title\tissn\n", encoding="utf-8")
    result = run("stats", str(_two_records(tmp_path)), str(text), "-q")
    assert result.exit_code == 1
    assert f"{text}: not read:" in result.output and "2 record(s)" in result.output
