"""Findings: fingerprints that survive new deliveries and tell alike findings apart."""

from __future__ import annotations

from tests.conftest import CASE_DAY, shared_file

from erdq.engine import KbartCheck
from erdq.findings import Finding, Location, Severity, source_key


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
