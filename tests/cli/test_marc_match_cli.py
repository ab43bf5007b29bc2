"""``erdq marc match``: outputs, exit codes and usage errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import shared_file

from erdq.cli import main
from erdq.readers.marc import MarcReader

LEADER = "=LDR  00000nam a2200000 a 4500\n"


def _mrk(path: Path, *records: str) -> Path:
    path.write_text("\n".join(LEADER + r.strip() + "\n" for r in records), "utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    current = _mrk(
        tmp_path / "current.mrk",
        "=001  cat1\n=003  XxLIB\n=035  \\\\$a(OCoLC)ocm00000101\n=245  00$aAlpha."
        "\n=949  \\\\$aLOCAL-1",
        "=001  cat2\n=035  \\\\$a(OCoLC)102\n=245  00$aBeta.\n=590  \\\\$aLocal note.",
        "=001  cat3\n=035  \\\\$a(OCoLC)103\n=020  \\\\$a2253002690\n=245  00$aGamma.",
    )
    incoming = _mrk(
        tmp_path / "vendor.mrk",
        # 1: the same as catalogue record 1 apart from the 035 form and the local field
        "=001  v1\n=035  \\\\$a(OCoLC)101\n=245  00$aAlpha.",
        # 2: an update of record 2 (a 650 added)
        "=001  v2\n=035  \\\\$aocm00000102\n=245  00$aBeta.\n=650  \\0$aTopic.",
        # 3: new
        "=001  v3\n=035  \\\\$a(OCoLC)999\n=245  00$aDelta.",
        # 4: 035 says record 2, the ISBN record 3
        "=001  v4\n=035  \\\\$a(OCoLC)102\n=020  \\\\$a9782253002697\n=245  00$aBeta.",
    )
    return incoming, current


def _run(*args: str):
    return CliRunner().invoke(main, ["marc", "match", *args])


def test_help_has_an_example() -> None:
    result = _run("--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "erdq marc match" in result.output


def test_plan_json_csv_and_merge(files, tmp_path: Path) -> None:
    incoming, current = files
    plan, worklist, load = tmp_path / "plan.json", tmp_path / "plan.csv", tmp_path / "load.mrc"
    result = _run(
        str(incoming),
        "--existing",
        str(current),
        "--out",
        str(plan),
        "--csv",
        str(worklist),
        "--merge",
        str(load),
    )
    # A conflict needs review: exit 1 by default.
    assert result.exit_code == 1, result.output
    assert "conflict" in result.output and "record 4 (001 v4)" in result.output
    data = json.loads(plan.read_text("utf-8"))
    assert data["plan"] == "erdq-match" and data["version"] == 1
    assert [(r["class"], [m["001"] for m in r["matched"]]) for r in data["records"]] == [
        ("unchanged", ["cat1"]),  # (OCoLC)ocm00000101 and (OCoLC)101 are one number
        ("update", ["cat2"]),
        ("new", []),
        ("conflict", ["cat2"]),
    ]
    assert data["records"][1]["changed_tags"] == ["650"]
    assert data["summary"]["classes"] == {
        "new": 1,
        "update": 1,
        "unchanged": 1,
        "multiple-match": 0,
        "conflict": 1,
    }
    assert data["summary"]["merged"] == 2
    assert data["local_tags"] == ["9XX", "590"]
    raw = worklist.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["class"] for row in rows] == ["unchanged", "update", "new", "conflict"]
    records = [item.record for item in MarcReader(load, lambda *a, **k: None)]
    assert [r["001"].data for r in records] == ["cat2", "v3"]
    assert records[0]["590"]["a"] == "Local note."


def test_fail_on_never_and_stdout_formats(files) -> None:
    incoming, current = files
    result = _run(str(incoming), "--existing", str(current), "--fail-on", "never")
    assert result.exit_code == 0
    result = _run(str(incoming), "--existing", str(current), "--format", "json", "-q")
    assert result.exit_code == 1
    assert len(json.loads(result.output)["records"]) == 4
    result = _run(str(incoming), "--existing", str(current), "--format", "csv")
    assert result.output.splitlines()[0].startswith("incoming_record,incoming_001,class")


def test_no_review_needed_exits_0(files, tmp_path: Path) -> None:
    _, current = files
    only_new = _mrk(tmp_path / "new.mrk", "=001  v9\n=035  \\\\$a(OCoLC)555\n=245  00$aOmega.")
    result = _run(str(only_new), "--existing", str(current))
    assert result.exit_code == 0, result.output
    assert "new                   1" in result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--keep", "5410"], "'5410' is not a MARC tag"),
        (["--merge", "load.txt"], "the extension does not say"),
    ],
)
def test_usage_errors_exit_2(files, tmp_path: Path, extra: list[str], message: str) -> None:
    incoming, current = files
    result = _run(str(incoming), "--existing", str(current), *extra)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "load.txt").exists()


def test_out_named_csv_is_refused_with_the_csv_option_named(files, tmp_path: Path) -> None:
    # --out writes JSON whatever its name: a plan.csv holding JSON is refused, not written.
    incoming, current = files
    plan = tmp_path / "plan.csv"
    result = _run(str(incoming), "--existing", str(current), "--out", str(plan))
    assert result.exit_code == 2
    assert f"use --csv {plan}" in result.output
    assert not plan.exists()


def test_missing_files_exit_2(files, tmp_path: Path) -> None:
    incoming, _ = files
    result = _run(str(incoming), "--existing", str(tmp_path / "nope.mrc"))
    assert result.exit_code == 2 and "no such file" in result.output
    assert _run(str(incoming)).exit_code == 2  # --existing is required
    result = _run(str(incoming), "--existing", str(incoming))
    assert result.exit_code == 2


def test_an_output_that_is_an_input_is_refused(files) -> None:
    incoming, current = files
    result = _run(str(incoming), "--existing", str(current), "--merge", str(current))
    assert result.exit_code == 2
    assert current.read_text("utf-8").startswith(LEADER)


@pytest.mark.shared
def test_real_file_against_itself_is_unchanged(tmp_path: Path) -> None:
    path = shared_file("data", "marc", "librarycarpentry", "marc_sample_data.mrc")
    plan, copy = tmp_path / "plan.json", tmp_path / "copy.mrc"
    copy.write_bytes(path.read_bytes())
    result = _run(str(copy), "--existing", str(path), "--out", str(plan), "--fail-on", "never")
    assert result.exit_code == 0, result.output
    data = json.loads(plan.read_text("utf-8"))
    # Every record finds itself; those sharing a key with another record are multiple.
    statuses = {r["class"] for r in data["records"]}
    assert statuses <= {"unchanged", "multiple-match"}
    assert data["summary"]["incoming"] == data["summary"]["existing"] == len(data["records"])
    for record in data["records"]:
        ordinals = [m["ordinal"] for m in record["matched"]]
        assert record["incoming"]["ordinal"] in ordinals


@pytest.mark.shared
def test_unreadable_incoming_records_are_reported_and_not_merged(files, tmp_path: Path) -> None:
    _, current = files
    # pymarc's bad_records.mrc, eight copies of one 245 (no 001, 008 or 1XX, so no key):
    # records 4 and 5 give base address 38 for a directory that ends at byte 37 (13 bytes,
    # not a multiple of 12; record 5's entry also reads "245\xc3\xb9..."): read in part;
    # record 7 (byte 764) is 26 bytes with an empty directory: lost.
    bad = shared_file("data", "marc", "pymarc", "bad_records.mrc")
    plan, load = tmp_path / "plan.json", tmp_path / "load.mrc"
    result = _run(str(bad), "--existing", str(current), "--out", str(plan), "--merge", str(load))
    assert result.exit_code == 1
    assert "incoming record 7: could not be read [MR101]" in result.output
    data = json.loads(plan.read_text("utf-8"))
    assert {(p["record"], p["partial"]) for p in data["incoming_problems"]} == {
        (4, True),
        (5, True),
        (7, False),
    }
    assert [r["incoming"]["ordinal"] for r in data["records"]] == [1, 2, 3, 4, 5, 6, 8]
    merged = {r["incoming"]["ordinal"] for r in data["records"] if r["merged"]}
    assert merged == {1, 2, 3, 6, 8}
    assert _run(str(bad), "--existing", str(current), "--fail-on", "conflict").exit_code == 0


def test_csv_cells_excel_would_run_are_neutralised(files, tmp_path: Path) -> None:
    _, current = files
    vendor = _mrk(tmp_path / "v.mrk", '=001  =HYPERLINK("x")\n=245  00$aOmega.\n=100  1\\$aX.')
    result = _run(str(vendor), "--existing", str(current), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["incoming_001"] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize("side", ["incoming", "existing"])
def test_a_file_that_is_not_marc_exits_2_and_writes_nothing(files, tmp_path: Path, side) -> None:
    incoming, current = files
    text = tmp_path / "titles.csv"
    text.write_text("title,isbn\nAlpha,2253002690\n", "utf-8")
    # Against a catalogue that is not MARC every record would look new: refused.
    args = [str(text), "--existing", str(current)]
    if side == "existing":
        args = [str(incoming), "--existing", str(text)]
    plan = tmp_path / "plan.json"
    result = _run(*args, "--out", str(plan), "--merge", str(tmp_path / "load.mrc"))
    assert result.exit_code == 2
    assert "not MARC" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (incoming, current, text)
    )


def test_records_sharing_a_catalogue_record_are_not_merged(files, tmp_path: Path) -> None:
    _, current = files
    # Two forms of catalogue record 2's number (OCoLC)102, each adding a field.
    vendor = _mrk(
        tmp_path / "dup.mrk",
        "=001  d1\n=035  \\\\$aocm00000102\n=245  00$aBeta.\n=650  \\0$aTopic.",
        "=001  d2\n=035  \\\\$a(OCoLC) 102 \n=245  00$aBeta.\n=500  \\\\$aA note.",
    )
    plan, load = tmp_path / "plan.json", tmp_path / "load.mrk"
    args = [str(vendor), "--existing", str(current), "--out", str(plan), "--merge", str(load)]
    result = _run(*args)
    assert result.exit_code == 1, result.output
    assert "conflict              2" in result.output
    assert "written               0" in result.output
    assert "record 1 (001 d1): conflict:" in result.output
    assert "incoming record 2 (001 d2) also matches catalogue record 2 (001 cat2)" in (
        result.output
    )
    data = json.loads(plan.read_text("utf-8"))
    assert [(r["class"], r["merged"], r["shared_with"]) for r in data["records"]] == [
        ("conflict", False, [{"ordinal": 2, "001": "d2"}]),
        ("conflict", False, [{"ordinal": 1, "001": "d1"}]),
    ]
    assert "=001  cat2" not in load.read_text("utf-8")
    assert _run(*args, "--fail-on", "conflict").exit_code == 1


def test_a_record_the_merge_format_cannot_hold_is_named_and_exits_1(tmp_path: Path) -> None:
    # Catalogue record 1 has a local 945 whose indicator area is "123": an .mrc load
    # writes it as read, an .mrk load has room for two characters only.
    current = _mrk(
        tmp_path / "current.mrk",
        "=001  c1\n=035  \\\\$a(OCoLC)4242\n=245  10$aOdd local.\n=945  123$aItem.",
        "=001  c2\n=035  \\\\$a(OCoLC)4343\n=245  10$aPlain.",
    )
    vendor = _mrk(
        tmp_path / "vendor.mrk",
        "=001  v1\n=035  \\\\$a(OCoLC)4242\n=245  10$aOdd local.\n=856  40$uhttp://x",
        "=001  v2\n=035  \\\\$a(OCoLC)4343\n=245  10$aPlain.\n=856  40$uhttp://y",
    )
    plan, load = tmp_path / "plan.json", tmp_path / "load.mrk"
    args = [str(vendor), "--existing", str(current), "--out", str(plan)]
    result = _run(*args, "--merge", str(load), "--fail-on", "never")
    assert result.exit_code == 1, result.output
    assert "written               1" in result.output
    assert "not written           1" in result.output
    assert "1 new or update record(s) not written to the merge file:" in result.output
    assert "record 1 (001 v1), update of catalogue record 1 (001 c1): field 945 has 3" in (
        result.output
    )
    data = json.loads(plan.read_text("utf-8"))
    assert [(r["merged"], r["not_written"] is None) for r in data["records"]] == [
        (False, False),
        (True, True),
    ]
    assert data["summary"]["not_written"] == 1
    assert [r.record["001"].data for r in MarcReader(load, lambda *a, **k: None)] == ["c2"]
    # ISO 2709 holds the indicator area as read: both written, nothing to report.
    result = _run(*args, "--merge", str(tmp_path / "load.mrc"))
    assert result.exit_code == 0, result.output
    assert "written               2" in result.output
    assert "not written" not in result.output


def test_an_ebook_against_its_print_record_is_new(tmp_path: Path) -> None:
    # The reported case: the vendor's e-book (008/23 'o', 338 online resource, 776 $w
    # naming the print record's OCLC number) against the print record (008/23 blank,
    # 338 volume, item field 949). Two manifestations, two records: "new", exit 0 (no
    # review needed), and the load file holds the e-book under its own 001, without the
    # print record's 949 or 035.
    book = "=100  1\\$aSmith, Jane.\n=245  10$aThe example book.\n=264  \\1$c2020."
    catalogue = _mrk(
        tmp_path / "catp.mrk",
        "=001  p1\n=008  200115s2020\\\\\\\\nyu\\\\\\\\\\\\\\\\\\\\\\000\\0\\eng\\d\n"
        "=020  \\\\$a9780306406157\n=035  \\\\$a(OCoLC)4242\n" + book + "\n"
        "=338  \\\\$avolume$bnc$2rdacarrier\n=949  \\\\$aITEM barcode 1234",
    )
    vendor = _mrk(
        tmp_path / "venE.mrk",
        "=001  e1\n=008  200115s2020\\\\\\\\nyu\\\\\\\\\\o\\\\\\\\\\000\\0\\eng\\d\n"
        "=020  \\\\$z9780306406157\n" + book + "\n"
        "=338  \\\\$aonline resource$bcr$2rdacarrier\n"
        "=776  08$iPrint version:$z9780306406157$w(OCoLC)4242\n=856  40$uhttps://example.com/1",
    )
    load, plan = tmp_path / "loadE.mrk", tmp_path / "plan.json"
    result = _run(
        str(vendor), "--existing", str(catalogue), "--merge", str(load), "--out", str(plan)
    )
    assert result.exit_code == 0, result.output
    assert "new                   1" in result.output
    (record,) = json.loads(plan.read_text("utf-8"))["records"]
    assert (record["class"], record["matched"]) == ("new", [])
    assert "catalogue record 1 (001 p1)" in record["explanation"]
    (loaded,) = (item.record for item in MarcReader(load, lambda *a, **k: None))
    assert loaded["001"].data == "e1"
    assert loaded.get_fields("949") == [] and loaded.get_fields("035") == []
