"""Findings: fingerprints that survive new deliveries and tell alike findings apart."""

from __future__ import annotations

from tests.conftest import CASE_DAY, shared_file

from erdq.engine import KbartCheck
from erdq.findings import Finding, Location, Severity, file_key, source_key


def _finding(source: str, line: int, record_id: str | None = "jis") -> Finding:
    return Finding(
        "KB201",
        Severity.ERROR,
        Location(source, line, "print_identifier", record_id),
        {},
        "1234-5678",
    )


def test_source_key_drops_folder_extension_and_date() -> None:
    assert source_key("a/b/CUP_COUPERIN_ALLJOURNALS_2026-03-08.txt") == "cup_couperin_alljournals"
    assert source_key("C:\\kb\\Wiley_Global_AllJournals_2024-06-01.tsv") == (
        "wiley_global_alljournals"
    )


def test_fingerprint_is_stable_across_deliveries_and_moved_lines() -> None:
    may = _finding("Example_Global_AllTitles_2024-05-01.txt", 10)
    june = _finding("in/Example_Global_AllTitles_2024-06-01.txt", 42)
    assert may.fingerprint() == june.fingerprint()
    other_package = _finding("Other_Global_AllTitles_2024-06-01.txt", 10)
    assert other_package.fingerprint() != may.fingerprint()
    # Without a record key the line is all there is to go by.
    assert _finding("x.txt", 3, None).fingerprint() != _finding("x.txt", 4, None).fingerprint()


def test_alike_findings_get_distinct_fingerprints() -> None:
    path = shared_file("data", "kbart", "folio", "Testdata_KBART_AnnualReviews.tsv")
    findings = list(KbartCheck(path, today=CASE_DAY).findings())
    reused = [f for f in findings if f.code == "KB702"]
    assert len(reused) >= 3  # one title_id on several different titles
    fingerprints = [f.fingerprint() for f in findings]
    assert len(set(fingerprints)) == len(fingerprints)
    assert [f.occurrence for f in reused[:3]] == [0, 1, 2]


def test_a_run_of_short_rows_keeps_its_identity_when_rows_before_it_go(tmp_path) -> None:
    from erdq.rules.kbart.base import BASELINE

    header = "\t".join(BASELINE)
    rows = ["\t".join(BASELINE.values()).replace("jis", f"t{i}") for i in range(6)]
    short = [r.rsplit("\t", 1)[0] for r in rows]  # each without its last (empty) field

    def kb113(lines: list[str], name: str) -> Finding:
        path = tmp_path / name
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        (found,) = [f for f in KbartCheck(path, today=CASE_DAY).findings() if f.code == "KB113"]
        return found

    may = kb113([rows[0], rows[1], *short[2:]], "Example_Global_AllTitles_2024-05-01.txt")
    june = kb113([rows[1], *short[2:]], "Example_Global_AllTitles_2024-06-01.txt")
    # The run starts at line 4 in May and line 3 in June: the same rows, one title fewer
    # before them. The run is known by its first row's title_id.
    assert (may.location.line, june.location.line) == (4, 3)
    assert may.location.record_id == june.location.record_id == "t2"
    assert may.fingerprint() == june.fingerprint()


def test_file_key_tells_apart_files_that_share_a_stem() -> None:
    # A KBART list and a MARC file of one name, MarcEdit's .mrc and .mrk of one batch, and
    # two vendors' undated exports are each two files; a dated delivery is one file
    # whatever folder it lies in.
    assert file_key("L/kbart/nature.txt") != file_key("L/marc/nature.mrc")
    assert file_key("brkrtest.mrc") != file_key("brkrtest.mrk")
    assert file_key("vendorA/export.txt") != file_key("vendorB/export.txt")
    assert file_key("2024-05/Provider_Global_X_2024-05-01.txt") == file_key(
        "2024-06/Provider_Global_X_2024-06-01.txt"
    )
    assert file_key("C:\\kb\\Wiley_Global_AllJournals_2024-06-01.tsv") == (
        "wiley_global_alljournals.tsv"
    )
    a = Finding("KB201", Severity.ERROR, Location("L/kbart/nature.txt", 2, None, "x"), {}, "v")
    b = Finding("KB201", Severity.ERROR, Location("L/marc/nature.mrc", 2, None, "x"), {}, "v")
    assert a.fingerprint() != b.fingerprint()
