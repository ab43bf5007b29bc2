"""``erdq marc edit`` on the command line."""

from __future__ import annotations

import json

import pymarc
import pytest
from click.testing import CliRunner
from tests.conftest import REPO, shared_file

from erdq.cli import main

RECORDS = """=LDR  00000nam a2200000 a 4500
=001  r1
=020  \\\\$a9780306406157$qprint
=245  10$aThe title.
=949  \\\\$aitem

=LDR  00000nam a2200000 a 4500
=001  r2
=245  00$aOther.
=590  \\\\$aOnly a.
"""

RULES = """
- action: move-subfield
  name: print ISBN to $z
  tag: '020'
  from: a
  to: z
  where: {subfield: {code: q, matches: print}}
- action: delete-field
  tag: 9XX
- action: delete-subfield
  tag: '590'
  code: a
"""


def run(*args: str):
    return CliRunner().invoke(main, ["marc", "edit", *args])


@pytest.fixture
def files(tmp_path):
    source, rules = tmp_path / "in.mrk", tmp_path / "rules.yaml"
    source.write_text(RECORDS, encoding="utf-8")
    rules.write_text(RULES, encoding="utf-8")
    return tmp_path, str(source), str(rules)


def test_help_has_an_example() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "erdq marc edit vendor.mrc" in result.output


def test_dry_run_text(files) -> None:
    tmp, source, rules = files
    result = run(source, "--rules", rules, "--dry-run")
    assert result.exit_code == 1, result.output  # record 2 has an edit error
    out = result.output
    assert "-=020  \\\\$a9780306406157$qprint\n+=020  \\\\$z9780306406157$qprint" in out
    assert "-=949  \\\\$aitem" in out
    assert (
        "record 2 (001 r2): edit 3 (delete-subfield 590): 590 would be left with no subfield" in out
    )
    assert "left unchanged" in out
    assert "Read 2 record(s)" in out and "1 changed, 0 unchanged, 1 with an edit error" in out
    assert "Dry run: nothing was written." in out
    assert "edit 1 (move-subfield 020: print ISBN to $z): 1 record(s), 1 field(s)" in out
    assert sorted(p.name for p in tmp.iterdir()) == ["in.mrk", "rules.yaml"]


def test_json_plan(files) -> None:
    _, source, rules = files
    result = run(source, "--rules", rules, "--dry-run", "--format", "json")
    events = [json.loads(line) for line in result.output.splitlines()]
    assert [e["type"] for e in events] == ["changed", "error", "summary"]
    changed, error, summary = events
    assert (changed["ordinal"], changed["record_id"]) == (1, "r1")
    assert changed["changes"] == [
        {
            "edit": 1,
            "action": "move-subfield",
            "tag": "020",
            "before": "=020  \\\\$a9780306406157$qprint",
            "after": "=020  \\\\$z9780306406157$qprint",
        },
        {
            "edit": 2,
            "action": "delete-field",
            "tag": "949",
            "before": "=949  \\\\$aitem",
            "after": None,
        },
    ]
    assert (error["ordinal"], error["edit"], error["field"], error["written"]) == (
        2,
        3,
        "590",
        False,
    )
    assert (summary["read"], summary["changed"], summary["errors"], summary["dry_run"]) == (
        2,
        1,
        1,
        True,
    )
    assert [e["records"] for e in summary["edits"]] == [1, 1, 0]


def test_writes_output_in_the_format_of_its_extension(files) -> None:
    tmp, source, rules = files
    target = tmp / "out.xml"
    result = run(source, "--rules", rules, "--out", str(target))
    assert result.exit_code == 1
    assert "written unchanged" in result.output and "Wrote 2 record(s)" in result.output
    records = pymarc.parse_xml_to_array(str(target))
    assert [str(f) for f in records[0].get_fields("020")] == ["=020  \\\\$z9780306406157$qprint"]
    assert records[0].get_fields("949") == []
    assert [str(f) for f in records[1].get_fields("590")] == ["=590  \\\\$aOnly a."]


def test_clean_run_exits_0(files) -> None:
    tmp, source, _ = files
    rules = tmp / "ok.yaml"
    rules.write_text("- {action: delete-field, tag: 9XX}\n", encoding="utf-8")
    result = run(source, "--rules", str(rules), "--out", str(tmp / "out.mrc"))
    assert result.exit_code == 0, result.output
    assert "1 changed, 1 unchanged" in result.output


def test_bad_rules_exit_2_and_write_nothing(files) -> None:
    tmp, source, _ = files
    rules = tmp / "bad.yaml"
    rules.write_text("- action: delete-feild\n  tag: 9XX\n", encoding="utf-8")
    result = run(source, "--rules", str(rules), "--out", str(tmp / "out.mrc"))
    assert result.exit_code == 2
    assert (
        "bad.yaml, edit 1 (line 1): unknown action 'delete-feild'; did you mean 'delete-field'?"
        in result.output
    )
    assert not (tmp / "out.mrc").exists()


def test_usage_errors(files) -> None:
    _, source, rules = files
    result = run(source, "--rules", rules)
    assert result.exit_code == 2 and "--out FILE" in result.output
    result = run(source, "--rules", rules, "--out", source)
    assert result.exit_code == 2 and "is also an input" in result.output


@pytest.mark.shared
def test_example_rules_on_a_vendor_file(tmp_path) -> None:
    # 3 NYPL OverDrive e-book records (SOURCES.md): each has 9XX fields, a remote
    # electronic 007 (cr), no 588, and its 856 40 to http://link.overdrive.com.
    source = shared_file("data", "marc", "bookops", "nyp-ebook-sample.mrc")
    with open(source, "rb") as fh:
        originals = list(pymarc.MARCReader(fh, to_unicode=True, force_utf8=True))
    nine = sum(1 for r in originals for f in r.fields if f.tag.startswith("9"))
    rules = REPO / "examples" / "cataloguing" / "edit-rules.yaml"
    target = tmp_path / "out.mrc"
    result = run(str(source), "--rules", str(rules), "--out", str(target), "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.splitlines()[-1])
    by_edit = {e["label"]: e for e in summary["edits"]}
    assert by_edit["edit 2 (delete-field 9XX: vendor's local fields)"]["fields"] == nine
    assert by_edit["edit 3 (add-field 588: source of description)"]["records"] == 3
    with open(target, "rb") as fh:
        edited = list(pymarc.MARCReader(fh, to_unicode=True, force_utf8=True))
    assert [r["588"].value() for r in edited] == ["Description based on print version record."] * 3
    assert [r["588"].indicator1 for r in edited] == ["0"] * 3
    assert not any(f.tag.startswith("9") for r in edited for f in r.fields)
    links = [[f["u"] for f in r.get_fields("856") if f.indicator2 == "0"] for r in originals]
    assert all(u.startswith("http://link.overdrive.com/") for (u,) in links)
    after = [[f["u"] for f in r.get_fields("856") if f.indicator2 == "0"] for r in edited]
    assert after == [["https://" + u[len("http://") :]] for (u,) in links]


def test_reader_errors_fail_unless_fail_on_never(tmp_path) -> None:
    # A .mrk line with a two-character tag (MR120, MR110: errors): the record is still
    # edited and written, and the exit status says the input needs a look.
    source, rules = tmp_path / "in.mrk", tmp_path / "rules.yaml"
    source.write_text(RECORDS.replace("=949  ", "=94  "), encoding="utf-8")
    rules.write_text("- {action: move-field, tag: '590', to: '500'}\n", encoding="utf-8")
    args = [str(source), "--rules", str(rules), "--out", str(tmp_path / "out.mrc")]
    result = run(*args)
    assert "MR1" in result.output and "Wrote 2 record(s)" in result.output
    assert result.exit_code == 1
    assert run(*args, "--fail-on", "never").exit_code == 0


def test_an_edit_leaving_a_record_without_001_or_008_is_reported_and_not_made(tmp_path) -> None:
    source, rules, out = tmp_path / "in.mrk", tmp_path / "rules.yaml", tmp_path / "out.mrk"
    source.write_text(
        "=LDR  00000nam a2200000 a 4500\n=001  k1\n=007  cr\\|||||||||||\n"
        "=008  240101s2024\\\\\\\\xx\\\\\\\\\\o\\\\\\\\\\000\\0\\eng\\d\n=245  10$aOld.\n",
        encoding="utf-8",
    )
    rules.write_text(
        "- {action: delete-field, tag: '245'}\n- {action: delete-field, tag: '00.'}\n"
        "- {action: add-field, tag: '245', ind1: '1', ind2: '0', subfields: '$aNew.'}\n",
        encoding="utf-8",
    )
    result = run(str(source), "--rules", str(rules), "--out", str(out))
    # Exit 1: a record had an edit error (--help); it is written as it was read.
    assert result.exit_code == 1, result.output
    assert "record 1 (001 k1): edit 2 (delete-field 00.)" in result.output
    assert "001 (control number) and 008" in result.output
    assert out.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


def test_a_literal_dollar_before_a_digit_can_be_written(tmp_path) -> None:
    source, rules, out = tmp_path / "in.mrk", tmp_path / "rules.yaml", tmp_path / "out.mrc"
    source.write_text(RECORDS, encoding="utf-8")
    rules.write_text(
        "- {action: replace, tag: '590', subfield: a, find: 'Only', replace: 'US\\$10'}\n",
        encoding="utf-8",
    )
    result = run(str(source), "--rules", str(rules), "--out", str(out))
    assert result.exit_code == 0, result.output
    second = list(pymarc.MARCReader(out.read_bytes(), to_unicode=True))[1]
    assert second["590"]["a"] == "US$10 a."  # "Only a." with "Only" replaced
