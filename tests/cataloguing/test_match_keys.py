"""Matching keys, and the matching decisions that small records show best.

Records are written as MarcEdit .mrk text; every expected value follows from the
records as written here or from the case text (BR-057, BR-059).
"""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest
from tests.conftest import shared_file

from erdq.cataloguing.match import MatchRun
from erdq.cataloguing.match_keys import (
    is_local,
    local_tag_matcher,
    normalise_text,
    record_keys,
    title_key,
)
from erdq.readers.marc import MarcReader


def _record(*fields: tuple[str, str, list[str]]) -> pymarc.Record:
    record = pymarc.Record()
    for tag, ind, subs in fields:
        pairs = [pymarc.Subfield(s[0], s[1:]) for s in subs]
        record.add_field(pymarc.Field(tag=tag, indicators=[ind[0], ind[1]], subfields=pairs))
    return record


def _mrk(path: Path, *records: str) -> Path:
    leader = "=LDR  00000nam a2200000 a 4500\n"
    path.write_text("\n".join(leader + r.strip() + "\n" for r in records), "utf-8")
    return path


def _classes(incoming: Path, existing: Path, **options) -> list[tuple[str, list[int], str]]:
    run = MatchRun(incoming, existing, **options)
    return [(e.status, [o for o, _ in e.matched], e.matched_on) for e in run.entries()]


def test_normalise_text_keeps_non_latin_letters_and_composes() -> None:
    assert normalise_text("山水記.") == "山水記"
    assert normalise_text("Cafe\u0301 Society!") == normalise_text("Café society") == "café society"
    assert normalise_text("नेपाली भाषा") == "नेपाली भाषा"  # vowel signs are marks, kept
    assert normalise_text("...") == ""


def test_title_key_drops_non_filing_characters() -> None:
    record = _record(("245", "13", ["aLe livre inventé /", "cPaul Mercier."]))
    record.add_field(pymarc.Field(tag="008", data="240101s1970    xx            000 0 fre d"))
    key, title = title_key(record)
    assert key == "livre inventé\x1f\x1f1970"
    assert title == "livre inventé"


def test_a_title_of_punctuation_only_gives_no_key() -> None:
    record = _record(("245", "00", ["a... /"]), ("100", "1 ", ["aSmith, Jane."]))
    assert title_key(record)[0] is None


def test_a_title_alone_gives_no_key() -> None:
    # "Annual report" with neither author nor date would join unrelated records.
    assert title_key(_record(("245", "00", ["aAnnual report."])))[0] is None


def test_record_keys_report_what_is_not_used() -> None:
    record = _record(
        ("035", "  ", ["a12345", "9ExL"]),
        ("035", "  ", ["a(OCoLC)ocm00012345", "z(OCoLC)ocm00099999"]),
        ("019", "  ", ["a55555"]),
        ("020", "  ", ["a2253002691"]),  # wrong check digit
        ("020", "  ", ["a2253002690"]),
    )
    keys = record_keys(record)
    assert keys.system_keys() == [("OCoLC", "12345")]
    assert keys.cancelled_keys() == [("OCoLC", "99999"), ("OCoLC", "55555")]
    assert keys.isbns == ["9782253002697"]
    assert len(keys.notes) == 3
    assert any("'12345'" in n and "no-org-code" in n for n in keys.notes)
    assert any("$9" in n for n in keys.notes)
    assert any("2253002691" in n for n in keys.notes)


def test_local_tags() -> None:
    matcher = local_tag_matcher(["541", "69x"])
    assert [t for t in ("949", "590", "541", "690", "650", "591") if is_local(t, matcher)] == [
        "949",
        "590",
        "541",
        "690",
    ]
    with pytest.raises(ValueError, match="'5410'"):
        local_tag_matcher(["5410"])


@pytest.mark.shared
def test_br_057_isbn_10_and_13_are_one_key(tmp_path: Path) -> None:
    path = shared_file("cases", "inputs", "BR-057.mrk")
    # Both records hold the same ISBN, so each finds both: one duplicate cluster.
    assert _classes(path, path) == [
        ("multiple-match", [1, 2], "isbn"),
        ("multiple-match", [1, 2], "isbn"),
    ]


@pytest.mark.shared
def test_br_059_non_latin_titles_stay_apart_and_nfd_equals_nfc(tmp_path: Path) -> None:
    path = shared_file("cases", "inputs", "BR-059.mrk")
    assert _classes(path, path) == [
        ("unchanged", [1], "title"),
        ("unchanged", [2], "title"),
        ("multiple-match", [3, 4], "title"),
        ("multiple-match", [3, 4], "title"),
    ]


def test_records_without_a_key_never_match(tmp_path: Path) -> None:
    record = "=008  240101s2001\\\\\\\\xx\\\\\\\\\\\\\\\\\\\\\\\\000\\0\\eng\\d\n=245  00$a..."
    existing = _mrk(tmp_path / "cur.mrk", "=001  a1\n" + record)
    incoming = _mrk(tmp_path / "inc.mrk", "=001  b1\n" + record)
    assert _classes(incoming, existing) == [("new", [], None)]
    (entry,) = MatchRun(incoming, existing).entries()
    assert entry.explanation.startswith("it has no system number")


def test_only_a_cancelled_number_links_them(tmp_path: Path) -> None:
    existing = _mrk(
        tmp_path / "cur.mrk",
        "=001  a1\n=035  \\\\$a(OCoLC)111\n=245  00$aAlpha.",
        "=001  a2\n=019  \\\\$a333\n=035  \\\\$a(OCoLC)444\n=245  00$aGamma.",
    )
    incoming = _mrk(
        tmp_path / "inc.mrk",
        # The vendor cancels 111, which the catalogue still holds.
        "=001  b1\n=035  \\\\$a(OCoLC)222$z(OCoLC)111\n=245  00$aBeta.",
        # The catalogue lists 333 as merged into 444.
        "=001  b2\n=035  \\\\$a(OCoLC)333\n=245  00$aDelta.",
    )
    run = MatchRun(incoming, existing)
    entries = list(run.entries())
    assert [(e.status, [o for o, _ in e.matched], e.matched_on) for e in entries] == [
        ("conflict", [1], "cancelled-035"),
        ("conflict", [2], "cancelled-035"),
    ]
    assert "(OCoLC)111" in entries[0].explanation
    assert "(OCoLC)333" in entries[1].explanation


def test_same_number_different_title_is_a_conflict(tmp_path: Path) -> None:
    existing = _mrk(
        tmp_path / "cur.mrk", "=001  a1\n=035  \\\\$a(OCoLC)5\n=245  00$aLogical matters."
    )
    incoming = _mrk(
        tmp_path / "inc.mrk", "=001  b1\n=035  \\\\$a(OCoLC)5\n=245  00$aColloids and interfaces."
    )
    assert _classes(incoming, existing) == [("conflict", [1], "035")]
    # A threshold of 0 accepts any title.
    assert _classes(incoming, existing, title_threshold=0.0) == [("update", [1], "035")]


def test_system_numbers_pointing_to_two_records_are_a_conflict(tmp_path: Path) -> None:
    existing = _mrk(
        tmp_path / "cur.mrk",
        "=001  a1\n=035  \\\\$a(OCoLC)7\n=245  00$aAlpha.",
        "=001  a2\n=035  \\\\$a(EBZ)7\n=245  00$aAlpha.",
    )
    incoming = _mrk(
        tmp_path / "inc.mrk", "=001  b1\n=035  \\\\$a(OCoLC)7\n=035  \\\\$a(EBZ)7\n=245  00$aAlpha."
    )
    assert _classes(incoming, existing) == [("conflict", [1, 2], "035")]


def test_existing_file_in_marcxml(tmp_path: Path) -> None:
    from erdq.writers.marc import open_writer

    existing = tmp_path / "cur.xml"
    with existing.open("wb") as fh:
        writer = open_writer("xml", fh)
        writer.write(_record(("035", "  ", ["a(OCoLC)ocm00000042"]), ("245", "00", ["aAlpha."])))
        writer.close()
    incoming = _mrk(tmp_path / "inc.mrk", "=035  \\\\$a(OCoLC)42\n=245  00$aAlpha.")
    assert _classes(incoming, existing) == [("update", [1], "035")]


def test_a_key_on_many_records_is_listed_up_to_a_limit(tmp_path: Path) -> None:
    # 25 catalogue records share one ISBN (a publisher's reused number); record 25 is the
    # only one with OCLC number 25.
    existing = _mrk(
        tmp_path / "cur.mrk",
        *(
            f"=001  a{n}\n=035  \\\\$a(OCoLC){n}\n=020  \\\\$a2253002690\n=245  00$aAlpha."
            for n in range(1, 26)
        ),
    )
    incoming = _mrk(
        tmp_path / "inc.mrk",
        "=001  b1\n=020  \\\\$a2253002690\n=245  00$aAlpha.",
        "=001  b2\n=035  \\\\$a(OCoLC)25\n=020  \\\\$a2253002690\n=245  00$aAlpha.",
    )
    entries = list(MatchRun(incoming, existing).entries())
    assert entries[0].status == "multiple-match"
    assert [o for o, _ in entries[0].matched] == list(range(1, 21))
    assert "more than 20 catalogue records" in entries[0].explanation
    # The ISBN list is cut at 20, yet record 25 holds it: no conflict.
    assert (entries[1].status, entries[1].matched) == ("unchanged", [(25, "a25")])


def test_a_deleted_record_is_not_merged(tmp_path: Path) -> None:
    existing = _mrk(tmp_path / "cur.mrk", "=001  a1\n=035  \\\\$a(OCoLC)1\n=245  00$aAlpha.")
    incoming = tmp_path / "inc.mrk"
    incoming.write_text(
        "=LDR  00000dam a2200000 a 4500\n=001  b1\n=035  \\\\$a(OCoLC)1\n=245  00$aAlpha.\n"
        "=500  \\\\$aWithdrawn by the publisher.\n",
        "utf-8",
    )
    run = MatchRun(incoming, existing, merge_to=tmp_path / "load.mrc")
    (entry,) = run.entries()
    assert entry.status == "update" and not entry.merged
    assert any("deleted" in note for note in entry.notes)
    assert run.summary["merged"] == 0


def test_records_written_in_utf8_say_so_in_leader_09(tmp_path: Path) -> None:
    existing = _mrk(tmp_path / "cur.mrk", "=001  a1\n=035  \\\\$a(OCoLC)1\n=245  00$aAlpha.")
    incoming = tmp_path / "inc.mrk"
    # Leader/09 blank (MARC-8), text with "é": erdq writes UTF-8, so leader/09 becomes 'a'.
    incoming.write_text(
        "=LDR  00000nam  2200000 a 4500\n=001  b1\n=035  \\\\$a(OCoLC)2\n=245  00$aCafé.\n\n"
        "=LDR  00000nam  2200000 a 4500\n=001  b2\n=035  \\\\$a(OCoLC)3\n=245  00$aPlain.\n",
        "utf-8",
    )
    out = tmp_path / "load.mrc"
    entries = list(MatchRun(incoming, existing, merge_to=out).entries())
    assert [e.status for e in entries] == ["new", "new"]
    leaders = [str(r.leader)[9] for r in (i.record for i in MarcReader(out, lambda *a, **k: 0))]
    assert leaders == ["a", " "]  # the ASCII-only record is valid MARC-8 as it stands
    assert any("leader/09" in note for note in entries[0].notes)


@pytest.mark.shared
def test_the_leader_is_kept_as_read(tmp_path: Path) -> None:
    # marc4j's bad_leaders_10_11.mrc: leader "01794       00445       " (blank 10-11 and
    # 17-23). pymarc.Record(leader=...) would fill in "22" and "4500": no change is made up.
    from erdq.writers.marc import iso2709_bytes

    source = shared_file("data", "marc", "marc4j", "bad_leaders_10_11.mrc")
    (record,) = (item.record for item in MarcReader(source, lambda *a, **k: None))
    assert str(record.leader)[10:12] == "  "
    record.add_ordered_field(
        pymarc.Field(tag="500", indicators=[" ", " "], subfields=[pymarc.Subfield("a", "Note.")])
    )
    incoming = tmp_path / "vendor.mrc"
    incoming.write_bytes(iso2709_bytes(record))
    copy = tmp_path / "copy.mrc"
    copy.write_bytes(source.read_bytes())
    assert [c[:2] for c in _classes(copy, source)] == [("unchanged", [1])]
    out = tmp_path / "load.mrc"
    (entry,) = MatchRun(incoming, source, merge_to=out).entries()
    assert (entry.status, entry.changed_tags) == ("update", ["500"])
    (merged,) = (item.record for item in MarcReader(out, lambda *a, **k: None))

    # Lengths and base address are recomputed, leader/09 says UTF-8; the rest as read.
    def kept(leader: str) -> str:
        return leader[5:9] + leader[10:12] + leader[17:]

    assert kept(str(merged.leader)) == kept(str(record.leader)) == "    " + "  " + "       "
