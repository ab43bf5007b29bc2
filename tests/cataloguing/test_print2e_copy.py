"""print2e removes copy-specific fields: MARC $5 names the institution to which a field
applies, so a field with $5 describes that library's printed copy, which the PCC
provider-neutral e-book record does not describe."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from tests.cataloguing.test_print2e import PRINT, read_mrk
from tests.conftest import shared_file

from erdq.cataloguing.print2e import convert_record
from erdq.cli import main
from erdq.readers.marc import MarcReader

SIGNED = r"=500  \\$aLibrary's copy signed by the author.$5XyZ"
FORMER_OWNER = r"=700  1\$6880-01$aSmith, John,$eformer owner.$5XyZ"
FORMER_OWNER_880 = r"=880  1\$6700-01/(N$aСмит, Джон,$eformer owner."  # no $5 of its own
EDITOR = r"=700  1\$6880-02$aIvanov, Ivan,$eeditor."
EDITOR_880 = r"=880  1\$6700-02/(N$aИванов, Иван,$eeditor."


def _with(*lines: str) -> str:
    return PRINT.replace("=504  ", "\n".join(lines) + "\n=504  ")


def _subs(fld) -> list[tuple[str, str]]:
    return [(s.code, s.value) for s in fld.subfields]


def test_a_note_on_the_librarys_copy_is_removed_and_explained(tmp_path):
    [record] = read_mrk(tmp_path, _with(SIGNED, r"=500  \\$aIncludes index."))
    converted = convert_record(record)
    assert [_subs(f) for f in converted.record.get_fields("500")] == [[("a", "Includes index.")]]
    [change] = [c for c in converted.changes if c.tag == "500"]
    assert change.action == "removed" and change.before.endswith("$5XyZ")
    assert "$5 (XyZ)" in change.why and "copy-specific" in change.why


def test_a_former_owner_goes_with_its_880_and_other_names_stay(tmp_path):
    text = _with(FORMER_OWNER, EDITOR).replace(
        "=830  ", "\n".join((FORMER_OWNER_880, EDITOR_880)) + "\n=830  "
    )
    [record] = read_mrk(tmp_path, text)
    new = convert_record(record).record
    assert [f["a"] for f in new.get_fields("700")] == ["Ivanov, Ivan,"]
    assert [f["6"] for f in new.get_fields("880")] == ["700-02/(N"]
    assert not [f for f in new.fields if not f.control_field and f.get_subfields("5")]


def test_explain_says_why_the_field_went(tmp_path):
    source = tmp_path / "print.mrk"
    source.write_text(_with(SIGNED), encoding="utf-8")
    out = tmp_path / "e.mrk"
    result = CliRunner().invoke(main, ["print2e", str(source), "--out", str(out), "--explain"])
    assert "  500 removed: =500  \\\\$aLibrary's copy signed by the author.$5XyZ" in result.output
    assert "why: $5 (XyZ): it applies only to that institution's printed copy" in result.output


@pytest.mark.shared
def test_real_lc_print_records_lose_their_copy_specific_fields():
    """LC print records (qa-catalogue BooksAll): record 48 (001 00000154) names a former
    owner of LC's copy and the LC collection it is in (700 and 710 with $5 DLC); record
    80 (001 00000324) has the note "Microfilmed for preservation" with $5 DNLM."""
    path = shared_file("data", "marc", "qa-catalogue", "BooksAll.2014.part01-0001.mrc")
    items = {i.ordinal: i for i in MarcReader(path, lambda *a, **k: None)}
    owned = convert_record(items[48].record, ordinal=48)
    assert [f["a"] for f in owned.record.get_fields("700")] == ["Brandes, Georg,"]
    assert owned.record.get_fields("710") == []
    assert {c.tag for c in owned.changes if "$5 (DLC)" in c.why} == {"700", "710"}
    filmed = convert_record(items[80].record, ordinal=80).record
    assert filmed.get_fields("500") == []
    for item in items.values():
        result = convert_record(item.record, ordinal=item.ordinal)
        if result.record is not None:
            assert not [f for f in result.record.fields if f.get_subfields("5")], item.ordinal
