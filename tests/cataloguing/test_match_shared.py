"""Two or more incoming records matching one catalogue record: each is a conflict that
names the others, and none is merged (loading them all would overlay one with another)."""

from __future__ import annotations

import json
from pathlib import Path

from erdq.cataloguing.match import MatchRun
from erdq.cataloguing.match_plan import PlanJsonWriter
from erdq.readers.marc import MarcReader

LEADER = "=LDR  00000nam a2200000 a 4500\n"

CATALOGUE = [
    "=001  cat1\n=003  XxU\n=035  \\\\$a(OCoLC)99999\n=245  10$aSecond book\n=590  \\\\$aLocal 2",
    "=001  cat2\n=003  XxU\n=035  \\\\$a(OCoLC)12345\n=245  10$aFirst book",
]
INCOMING = [
    # 1-2: the bare "ocm" form and a spaced "(OCoLC)" form of cat1's number, each with
    # a field the catalogue record lacks (alone, each would be an update of cat1).
    "=001  ven2\n=003  VEN\n=035  \\\\$aocm99999\n=245  10$aSecond book\n=650  \\0$aTopic.",
    "=001  ven7\n=003  VEN\n=035  \\\\$a(OCoLC) 99999 \n=245  10$aSecond book\n=500  \\\\$aA note.",
    # 3: new
    "=001  ven5\n=003  VEN\n=035  \\\\$a(OCoLC)777\n=245  10$aBrand new",
    # 4: the only incoming record for cat2: an update, merged
    "=001  ven1\n=003  VEN\n=035  \\\\$a(OCoLC)12345\n=245  10$aFirst book\n"
    "=856  40$uhttps://example.org/1",
    # 5: cat1 again, its fields as the catalogue's (alone: unchanged)
    "=001  cat1\n=003  XxU\n=035  \\\\$a(OCoLC)99999\n=245  10$aSecond book",
]


def _mrk(path: Path, records: list[str]) -> Path:
    path.write_text("\n".join(LEADER + r + "\n" for r in records), "utf-8")
    return path


def _run(tmp_path: Path, incoming: list[str], **kwargs) -> tuple[MatchRun, list]:
    run = MatchRun(
        _mrk(tmp_path / "vendor.mrk", incoming),
        _mrk(tmp_path / "catalogue.mrk", CATALOGUE),
        **kwargs,
    )
    return run, list(run.entries())


def test_records_sharing_a_match_are_conflicts_naming_each_other(tmp_path: Path) -> None:
    load = tmp_path / "load.mrc"
    run, entries = _run(tmp_path, INCOMING, merge_to=load)
    assert [(e.ordinal, e.status, e.merged) for e in entries] == [
        (1, "conflict", False),
        (2, "conflict", False),
        (3, "new", True),
        (4, "update", True),
        (5, "conflict", False),
    ]
    assert entries[0].shared_with == [(2, "ven7"), (5, "cat1")]
    assert entries[1].shared_with == [(1, "ven2"), (5, "cat1")]
    assert entries[4].shared_with == [(1, "ven2"), (2, "ven7")]
    assert entries[3].shared_with == []
    assert "incoming record 2 (001 ven7), incoming record 5 (001 cat1) also match " in (
        entries[0].explanation
    )
    assert "catalogue record 1 (001 cat1)" in entries[0].explanation
    assert "alone would be an update" in entries[0].explanation
    assert "alone would be unchanged" in entries[4].explanation
    assert run.summary["classes"] == {
        "new": 1,
        "update": 1,
        "unchanged": 0,
        "multiple-match": 0,
        "conflict": 3,
    }
    assert run.summary["merged"] == 2
    written = [item.record for item in MarcReader(load, lambda *a, **k: None)]
    # cat1 is not in the load at all; cat2 once, overlaid by record 4.
    assert [r["001"].data for r in written] == ["ven5", "cat2"]


def test_two_records_name_each_other_in_the_json_plan(tmp_path: Path) -> None:
    run, entries = _run(tmp_path, INCOMING[:2])
    plan = tmp_path / "plan.json"
    with plan.open("w", encoding="utf-8") as fh:
        writer = PlanJsonWriter(fh, {})
        for entry in entries:
            writer.write(entry)
        writer.close(run.summary, run.incoming_problems, run.existing_problems)
    records = json.loads(plan.read_text("utf-8"))["records"]
    assert [(r["class"], r["shared_with"]) for r in records] == [
        ("conflict", [{"ordinal": 2, "001": "ven7"}]),
        ("conflict", [{"ordinal": 1, "001": "ven2"}]),
    ]
    assert [m["001"] for r in records for m in r["matched"]] == ["cat1", "cat1"]
    assert (
        "incoming record 2 (001 ven7) also matches catalogue record 1"
        in (records[0]["explanation"])
    )


def test_one_record_per_catalogue_record_is_not_a_conflict(tmp_path: Path) -> None:
    # Each of cat1 and cat2 is matched once: the plan is as before.
    _, entries = _run(tmp_path, [INCOMING[0], INCOMING[3]])
    assert [(e.status, e.shared_with) for e in entries] == [("update", []), ("update", [])]


def test_two_new_records_with_one_oclc_number_are_conflicts(tmp_path: Path) -> None:
    # The vendor sends a record the catalogue lacks twice, its OCLC number written two
    # ways: loaded as it stands, the catalogue would gain two records of one book.
    incoming = [
        "=001  ven5\n=003  VEN\n=035  \\\\$a(OCoLC)777\n=245  10$aBrand new",
        "=001  ven6\n=003  VEN\n=035  \\\\$aocm00000777\n=245  10$aBrand new.",
        "=001  ven8\n=003  VEN\n=035  \\\\$a(OCoLC)888\n=245  10$aOther new",
    ]
    load = tmp_path / "load.mrc"
    run, entries = _run(tmp_path, incoming, merge_to=load)
    assert run.summary["classes"]["conflict"] == 2
    assert [(e.status, e.shared_with, e.merged) for e in entries] == [
        ("conflict", [(2, "ven6")], False),
        ("conflict", [(1, "ven5")], False),
        ("new", [], True),
    ]
    assert "incoming record 2 (001 ven6) also has (OCoLC)777" in entries[0].explanation
    assert "alone would be new" in entries[0].explanation
    written = [item.record for item in MarcReader(load, lambda *a, **k: None)]
    assert [r["001"].data for r in written] == ["ven8"]
