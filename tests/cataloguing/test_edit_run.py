"""A whole file through ``edit_records``: counts, record errors, dry runs, output."""

from __future__ import annotations

import warnings

import pymarc
import pytest
from tests.conftest import shared_file

from erdq.cataloguing.edit import edit_records, parse_rules
from erdq.cataloguing.edit_run import RecordChanged, RecordError, SkippedRecord
from erdq.errors import InputError
from erdq.rules.marc.iso_examples import GOOD_ISO

THREE = """=LDR  00000nam a2200000 a 4500
=001  r1
=245  00$aOne.
=590  \\\\$aNote one.$5XyZ

=LDR  00000nam a2200000 a 4500
=001  r2
=245  00$aTwo.
=590  \\\\$aNote two.

=LDR  00000nam a2200000 a 4500
=001  r3
=245  00$aThree.
=590  \\\\$aNote three.$5XyZ
"""

DROP_A = "- {action: delete-subfield, tag: '590', code: a}\n"


def read_back(path) -> list[pymarc.Record]:
    with open(path, "rb") as fh:
        return list(pymarc.MARCReader(fh, to_unicode=True, force_utf8=True))


def test_record_error_leaves_the_others_edited(tmp_path) -> None:
    source, target = tmp_path / "in.mrk", tmp_path / "out.mrc"
    source.write_text(THREE, encoding="utf-8")
    run = edit_records(source, parse_rules(DROP_A), target)
    events = run.run()
    errors = [e for e in events if isinstance(e, RecordError)]
    assert [(e.ordinal, e.record_id, e.edit, e.tag, e.written) for e in errors] == [
        (2, "r2", 1, "590", True)
    ]
    assert "no subfield" in errors[0].reason
    records = read_back(target)
    assert [r["590"].subfields for r in records] == [
        [pymarc.Subfield("5", "XyZ")],
        [pymarc.Subfield("a", "Note two.")],  # written unchanged
        [pymarc.Subfield("5", "XyZ")],
    ]
    summary = run.summary
    assert (summary.read, summary.changed, summary.errors, summary.written) == (3, 2, 1, 3)
    assert summary.unchanged == 0 and not summary.complete


def test_dry_run_writes_nothing_and_diffs(tmp_path) -> None:
    source = tmp_path / "in.mrk"
    source.write_text(THREE, encoding="utf-8")
    rules = parse_rules("- {action: move-field, tag: '590', to: '500', when: {missing: '500'}}\n")
    run = edit_records(source, rules)
    changed = [e for e in run.run() if isinstance(e, RecordChanged)]
    assert [e.record_id for e in changed] == ["r1", "r2", "r3"]
    assert changed[1].diff() == [
        "--- record 2 (001 r2) as read",
        "+++ record 2 (001 r2) edited",
        "@@ -3,2 +3,2 @@",
        " =245  00$aTwo.",
        "-=590  \\\\$aNote two.",
        "+=500  \\\\$aNote two.",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.mrk"]
    assert run.summary.dry_run and run.summary.written == 0


def test_not_marc_is_an_input_error_and_writes_nothing(tmp_path) -> None:
    source, target = tmp_path / "in.txt", tmp_path / "out.mrc"
    source.write_text("title\tisbn\nA\t123\n", encoding="utf-8")
    with pytest.raises(InputError):
        edit_records(source, parse_rules(DROP_A), target).run()
    assert not target.exists()


def _pymarc_counts(path) -> dict[str, object]:
    """What the edits should touch, counted with pymarc alone."""
    counts = {"records": 0, "with_9xx": 0, "9xx": 0, "with_590": 0, "590": 0, "odd": []}
    with warnings.catch_warnings(), open(path, "rb") as fh:
        warnings.simplefilter("ignore")
        for ordinal, rec in enumerate(pymarc.MARCReader(fh, to_unicode=True, force_utf8=True), 1):
            tags = [f.tag for f in rec.fields]
            if any(not t.isdigit() for t in tags):
                counts["odd"].append(
                    ordinal
                )  # a broken field: SOURCES.md's "more than 2 indicators"
                continue
            counts["records"] += 1
            nine = sum(t.startswith("9") for t in tags)
            counts["with_9xx"] += bool(nine)
            counts["9xx"] += nine
            counts["with_590"] += "590" in tags
            counts["590"] += tags.count("590")
    return counts


@pytest.mark.shared
def test_real_file_counts(tmp_path) -> None:
    source = shared_file("data", "marc", "librarycarpentry", "marc_sample_data.mrc")
    expected = _pymarc_counts(source)
    target = tmp_path / "out.mrc"
    rules = parse_rules(
        "- {action: delete-field, tag: 9XX}\n- {action: move-field, tag: '590', to: '500'}\n"
    )
    run = edit_records(source, rules, target)
    events = run.run()
    summary = run.summary
    assert summary.read == 536
    assert summary.records_by_edit[1] == expected["with_9xx"]
    assert summary.fields_by_edit[1] == expected["9xx"]
    assert summary.records_by_edit[2] == expected["with_590"]
    assert summary.fields_by_edit[2] == expected["590"]
    # The record with a broken field is written unchanged, with its ordinal.
    assert [e.ordinal for e in events if isinstance(e, RecordError)] == expected["odd"] == [19]
    assert summary.written == 536
    records = read_back(target)
    assert len(records) == 536
    left = [i for i, r in enumerate(records, 1) if any(f.tag[0] == "9" for f in r.fields)]
    assert left == [19]
    assert not any(r.get_fields("590") for i, r in enumerate(records, 1) if i != 19)


def test_dry_run_checks_what_the_output_format_can_hold(tmp_path) -> None:
    # A line break in a subfield cannot be written as .mrk (it would start a new line):
    # the dry run for a .mrk output says so, and the record stays as it was.
    source = tmp_path / "in.mrk"
    source.write_text(THREE, encoding="utf-8")
    rules = parse_rules(
        "- {action: replace, tag: '245', subfield: a, find: 'Two', replace: \"T\\nwo\"}\n"
    )
    run = edit_records(source, rules, None, to="mrk")
    errors = [e for e in run.run() if isinstance(e, RecordError)]
    assert [(e.ordinal, e.tag, e.written) for e in errors] == [(2, "245", False)]
    assert (
        "cannot be written as MarcEdit .mrk" in errors[0].reason
        and "line break" in errors[0].reason
    )
    assert run.summary.changed == 0 and run.summary.errors == 1


def test_rules_may_be_given_as_a_path(tmp_path) -> None:
    source, rules = tmp_path / "in.mrk", tmp_path / "rules.yaml"
    source.write_text(THREE, encoding="utf-8")
    rules.write_text("- {action: delete-field, tag: '590', where: {field-matches: '(?i)NOTE T'}}\n")
    run = edit_records(source, rules)
    changed = [e for e in run.run() if isinstance(e, RecordChanged)]
    assert [e.record_id for e in changed] == ["r2", "r3"]  # "Note two.", "Note three."


def test_broken_records_are_reported_not_written(tmp_path) -> None:
    # Two whole records, then one cut short by the end of the file (MR105): it would pass
    # for whole if written.
    source, target = tmp_path / "in.mrc", tmp_path / "out.mrc"
    source.write_bytes(GOOD_ISO + GOOD_ISO + GOOD_ISO[:-30])
    # (The edit adds a note: deleting 008, which a record must keep, is itself refused.)
    rules = parse_rules("- {action: add-field, tag: '500', subfields: '$aEdited.'}\n")
    run = edit_records(source, rules, target)
    events = run.run()
    skipped = [(e.ordinal, e.stage, e.code) for e in events if isinstance(e, SkippedRecord)]
    assert skipped == [(3, "incomplete", "MR105")]
    summary = run.summary
    assert (summary.read, summary.changed, summary.skipped, summary.written) == (3, 2, 1, 2)
    assert summary.unchanged == 0 and not summary.complete
    assert [[f.value() for f in r.get_fields("500")] for r in read_back(target)] == [
        ["Edited."],
        ["Edited."],
    ]
