"""``erdq print2e`` on the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner
from tests.cataloguing.test_print2e import PRINT
from tests.cataloguing.test_print2e_real import write_kbart

from erdq.cli import main
from erdq.readers.marc import MarcReader

# A map (leader/06 e): not a book, so not converted.
MAP = PRINT.replace("=LDR  02102cam", "=LDR  02102cem").replace("ocn910504526", "ocn1")


def run(*args: str):
    return CliRunner().invoke(main, ["print2e", *args])


def inputs(tmp_path, *records: str):
    source = tmp_path / "print.mrk"
    source.write_text("\n".join(records), encoding="utf-8")
    kbart = write_kbart(
        tmp_path / "provider.txt",
        [
            {
                "publication_title": "Muted modernists",
                "print_identifier": "9780306406157",
                "online_identifier": "9781402894626",
                "title_url": "https://ebooks.example.org/muted",
            }
        ],
    )
    return source, kbart


def read(path):
    return [item.record for item in MarcReader(path, lambda *a, **k: None)]


def test_converts_and_writes_iso2709(tmp_path):
    source, kbart = inputs(tmp_path, PRINT)
    out = tmp_path / "ebooks.mrc"
    result = run(str(source), "--out", str(out), "--kbart", str(kbart), "--agency", "UkOxU")
    assert result.exit_code == 0, result.output
    assert "Read 1 record(s)" in result.output and "wrote 1 e-book record(s)" in result.output
    assert "1 record(s) matched, 0 without a match" in result.output
    [record] = read(out)
    assert record["856"]["u"] == "https://ebooks.example.org/muted"
    assert record["007"].data[:2] == "cr"
    assert record["040"].get_subfields("d")[-1] == "UkOxU"


def test_explain_lists_changes_with_reasons(tmp_path):
    source, kbart = inputs(tmp_path, PRINT)
    result = run(str(source), "--out", str(tmp_path / "e.mrk"), "--kbart", str(kbart), "--explain")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "record 1 (001 ocn910504526):" in text
    assert "  008/23 changed: ' ' → 'o'" in text
    assert "  945 removed: =945" in text
    assert "  300 changed: =300  \\\\$axii, 245 pages" in text
    assert text.count("    why: ") >= 20
    assert "No --agency code: no 040 $d was added (nor a 040 to a record without one)" in text


def test_skipped_record_reported_and_exit_1(tmp_path):
    source, kbart = inputs(tmp_path, PRINT, MAP)
    out = tmp_path / "e.xml"
    result = run(str(source), "--out", str(out), "--kbart", str(kbart))
    assert result.exit_code == 1, result.output
    assert "record 2 (001 ocn1): skipped [not-a-book]" in result.output
    assert "not converted 1 (1 not-a-book)" in result.output
    assert len(read(out)) == 1  # the book was written


def test_unmatched_record_is_a_warning(tmp_path):
    source, _ = inputs(tmp_path, PRINT)
    empty = write_kbart(tmp_path / "empty.txt", [])
    result = run(str(source), "--out", str(tmp_path / "e.mrc"), "--kbart", str(empty))
    assert result.exit_code == 0, result.output
    assert "warning [no-kbart-match]" in result.output
    assert "0 record(s) matched, 1 without a match (no e-ISBN, no 856)" in result.output


def test_json_report(tmp_path):
    source, kbart = inputs(tmp_path, PRINT, MAP)
    result = run(
        str(source), "--out", str(tmp_path / "e.jsonl"), "--kbart", str(kbart), "--format", "json"
    )
    docs = [json.loads(line) for line in result.output.splitlines()]
    assert [d["type"] for d in docs] == ["record", "record", "summary"]
    first, second, summary = docs
    assert first["converted"] and first["kbart_lines"] == [2]
    assert {"tag": "588", "action": "added"}.items() <= next(
        c for c in first["changes"] if c["tag"] == "588"
    ).items()
    assert not second["converted"] and second["problems"][0]["code"] == "not-a-book"
    assert (summary["read"], summary["written"], summary["skipped"]) == (
        2,
        1,
        {"not-a-book": 1},
    )


def test_not_marc_input_writes_nothing(tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("just some text\n", encoding="utf-8")
    out = tmp_path / "e.mrc"
    result = run(str(source), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "cannot be read as MARC" in result.output
    assert not out.exists()


def test_usage_errors(tmp_path):
    source, _ = inputs(tmp_path, PRINT)
    bad_agency = run(str(source), "--out", str(tmp_path / "e.mrc"), "--agency", "not a code")
    assert bad_agency.exit_code == 2 and "MARC organization code" in bad_agency.output
    bad_ext = run(str(source), "--out", str(tmp_path / "e.txt"))
    assert bad_ext.exit_code == 2 and "output format" in bad_ext.output
    same = run(str(source), "--out", str(source))
    assert same.exit_code == 2


def test_help_has_example():
    result = CliRunner().invoke(main, ["print2e", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "erdq print2e" in result.output


def test_guessed_indicator_area_not_converted_exit_1(tmp_path):
    # A 245 whose indicator area is "100" (MR111): the reader's indicators are a guess.
    odd = PRINT.replace("=245  10$a", "=245  100$a").replace("ocn910504526", "ocn2")
    source, _ = inputs(tmp_path, PRINT, odd)
    out = tmp_path / "e.mrc"
    result = run(str(source), "--out", str(out), "--agency", "UkOxU", "--explain")
    assert result.exit_code == 1, result.output
    text = result.output
    assert "record 2 (001 ocn2): not converted\n  skipped [indicator-area]: " in text
    assert "field 245 had the indicator area '100' as read" in text
    assert "not converted 1 (1 indicator-area)" in text
    assert [r["001"].data for r in read(out)] == ["eocn910504526"]


def test_agency_gives_a_record_without_040_one(tmp_path):
    no_040 = "\n".join(x for x in PRINT.split("\n") if not x.startswith("=040"))
    source, _ = inputs(tmp_path, no_040)
    out = tmp_path / "e.mrk"
    result = run(str(source), "--out", str(out), "--agency", "UkOxU", "--explain")
    assert result.exit_code == 0, result.output
    assert "  040 added: → =040  \\\\$aUkOxU$cUkOxU\n    why: MARC 040: " in result.output
    [record] = read(out)
    assert record["040"].subfields_as_dict() == {"a": ["UkOxU"], "c": ["UkOxU"]}


def test_kbart_file_that_is_not_kbart_is_refused_exit_2(tmp_path):
    source, _ = inputs(tmp_path, PRINT)
    # An ISO 2709 file given as --kbart (the print records themselves).
    marc = tmp_path / "print.mrc"
    marc.write_bytes(b"".join(r.as_marc() for r in read(source)))
    out = tmp_path / "e.mrc"
    result = run(str(source), "--out", str(out), "--kbart", str(marc))
    assert result.exit_code == 2, result.output
    assert str(marc) in result.output and "no KBART header" in result.output
    assert "Read " not in result.output  # refused before any record was converted
    assert not out.exists()


def test_kbart_title_url_that_is_no_link_is_not_written(tmp_path):
    from erdq.rules.marc.eresource import url_problem

    source = tmp_path / "print.mrk"
    source.write_text(PRINT, encoding="utf-8")
    kbart = write_kbart(
        tmp_path / "provider.txt",
        [
            {
                "publication_title": "Muted modernists",
                "print_identifier": "9780306406157",
                "online_identifier": "9781402894626",
                "title_url": url,
            }
            for url in ("javascript:alert(1)", "N/A", "https://ebooks.example.org/muted")
        ],
    )
    out = tmp_path / "e.mrc"
    result = run(str(source), "--out", str(out), "--kbart", str(kbart))
    assert result.exit_code == 0, result.output
    # The record (ordinal and 001), the KBART line (header = 1, so the row is line 2) and
    # the value are named.
    assert (
        "record 1 (001 ocn910504526): warning [kbart-title-url-not-absolute]: KBART line 2 "
        "(KB402 title-url-not-absolute): `title_url` 'javascript:alert(1)'"
    ) in result.output
    assert "KBART line 3 (KB402 title-url-not-absolute): `title_url` 'N/A'" in result.output
    assert "2 matching row(s) had a title_url that is no link" in result.output
    [record] = read(out)
    # Only the row whose title_url is a link gives an 856, and erdq's own MARC rule for
    # 856 $u (MR408 url-malformed) finds nothing wrong with it.
    urls = [u for f in record.get_fields("856") for u in f.get_subfields("u")]
    assert urls == ["https://ebooks.example.org/muted"]
    assert [url_problem(u) for u in urls] == [None]
    assert "9781402894626" in [v for f in record.get_fields("020") for v in f.get_subfields("a")]


def test_explain_shows_the_300_with_the_print_punctuation(tmp_path):
    # Leader/18 blank (non-ISBD), but the print 300 has " :" before $b: it is kept.
    text = PRINT.replace("2200385 i 4500", "2200385   4500").replace(
        "=490  1\\$aHurst studies\n", ""
    )
    source, kbart = inputs(tmp_path, text)
    result = run(str(source), "--out", str(tmp_path / "e.mrk"), "--kbart", str(kbart), "--explain")
    assert result.exit_code == 0, result.output
    assert (
        "  300 changed: =300  \\\\$axii, 245 pages :$billustrations ;$c23 cm +$e1 map"
        " → =300  \\\\$a1 online resource (xii, 245 pages) :$billustrations\n"
        "    why: PN 300: extent of an online resource; left out (the printed volume's): "
        "$c 23 cm +, $e 1 map; ISBD punctuation kept, as the print 300 has it\n"
    ) in result.output


def test_today_stamps_005_so_two_runs_give_the_same_bytes(tmp_path):
    source, kbart = inputs(tmp_path, PRINT)
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"e{n}.mrc"
        result = run(str(source), "--out", str(out), "--kbart", str(kbart), "--today", "2024-06-15")
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    [record] = read(tmp_path / "e1.mrc")
    assert record["005"].data == "20240615000000.0"  # yyyymmddhhmmss.f, MARC 21 005
    refused = run(str(source), "--out", str(tmp_path / "x.mrc"), "--today", "15/06/2024")
    assert refused.exit_code == 2
