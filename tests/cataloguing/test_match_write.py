"""What ``marc match --merge`` writes of a record whose source had a field with an
indicator area of other than two characters (MR111): as ``marc convert`` writes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from erdq.cataloguing.match import MatchRun
from erdq.marc_convert import MarcConversion

CATALOGUE = """=LDR  00000nam a2200000 a 4500
=001  cat1
=003  XxU
=035  \\\\$a(OCoLC)12345
=245  00$aA title
"""
# The 500's indicator area is "1" (one character before the first $).
UPDATE = """=LDR  00000nam a2200000 a 4500
=001  v1
=035  \\\\$a(OCoLC)12345
=245  00$aA title
=500  1$aA note.
"""
NEW = """=LDR  00000nam a2200000 a 4500
=001  v2
=035  \\\\$a(OCoLC)99999
=245  00$aAnother book entirely
=500  1$aA note.
"""
# ISO 2709: the field is its indicator area, then each subfield, then the terminator.
AS_READ = b"\x1e1\x1faA note.\x1e"
GUESSED = b"\x1e1 \x1faA note.\x1e"


def _files(tmp_path: Path, incoming: str) -> tuple[Path, Path]:
    (tmp_path / "vendor.mrk").write_text(incoming, encoding="utf-8")
    (tmp_path / "catalogue.mrk").write_text(CATALOGUE, encoding="utf-8")
    return tmp_path / "vendor.mrk", tmp_path / "catalogue.mrk"


@pytest.mark.parametrize(
    ("incoming", "status"), [(UPDATE, "update"), (NEW, "new")], ids=["update", "new"]
)
def test_merged_record_keeps_the_indicator_area_as_read(tmp_path, incoming, status) -> None:
    vendor, catalogue = _files(tmp_path, incoming)
    out = tmp_path / "merged.mrc"
    [entry] = list(MatchRun(vendor, catalogue, merge_to=out).entries())
    assert (entry.status, entry.merged) == (status, True)
    data = out.read_bytes()
    assert AS_READ in data
    assert GUESSED not in data


def test_new_record_written_as_marc_convert_writes_it(tmp_path) -> None:
    vendor, catalogue = _files(tmp_path, NEW)
    merged, converted = tmp_path / "merged.mrc", tmp_path / "converted.mrc"
    list(MatchRun(vendor, catalogue, merge_to=merged).entries())
    MarcConversion(vendor, converted).run()
    assert merged.read_bytes() == converted.read_bytes()


def test_format_with_room_for_two_indicators_refuses_the_record(tmp_path) -> None:
    vendor, catalogue = _files(tmp_path, UPDATE)
    out = tmp_path / "merged.mrk"
    run = MatchRun(vendor, catalogue, merge_to=out)
    [entry] = list(run.entries())
    assert entry.status == "update"
    assert not entry.merged
    assert any(n.startswith("not written: field 500 has 1 indicator") for n in entry.notes)
    assert entry.not_written is not None
    assert entry.not_written.startswith("field 500 has 1 indicator")
    assert entry.as_dict()["not_written"] == entry.not_written
    assert (run.summary["merged"], run.summary["not_written"]) == (0, 1)


def test_a_written_record_has_no_not_written_reason(tmp_path) -> None:
    vendor, catalogue = _files(tmp_path, UPDATE)
    run = MatchRun(vendor, catalogue, merge_to=tmp_path / "merged.mrc")
    [entry] = list(run.entries())
    assert (entry.merged, entry.not_written) == (True, None)
    assert (run.summary["merged"], run.summary["not_written"]) == (1, 0)


def test_catalogue_local_field_keeps_its_indicator_area_as_read(tmp_path) -> None:
    catalogue = CATALOGUE + "=590  1$aA note.\n"
    (tmp_path / "vendor.mrk").write_text(UPDATE.replace("=500  1$", "=500  \\\\$"), "utf-8")
    (tmp_path / "catalogue.mrk").write_text(catalogue, encoding="utf-8")
    out = tmp_path / "merged.mrc"
    [entry] = list(
        MatchRun(tmp_path / "vendor.mrk", tmp_path / "catalogue.mrk", merge_to=out).entries()
    )
    assert (entry.status, entry.merged) == ("update", True)
    data = out.read_bytes()
    assert data.count(AS_READ) == 1  # the catalogue's 590; the vendor's 500 has two blanks
    assert b"\x1e  \x1faA note.\x1e" in data
