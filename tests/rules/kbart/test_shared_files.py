"""Every real KBART file under shared/data/kbart is read without a crash, and each quirk
that shared/data/SOURCES.md lists for it is reported by a rule (file by file)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from tests.conftest import DATA

from erdq.engine import KbartCheck

KBART = DATA / "kbart"
FILES = sorted(p for p in KBART.glob("*/*") if p.is_file()) if KBART.exists() else []
# A fixed day, so that "in the future" and embargo walls do not drift with the calendar.
DAY = dt.date(2026, 12, 3)

pytestmark = pytest.mark.shared


def _check(relative: str):
    path = KBART / relative
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    check = KbartCheck(path, today=DAY)
    findings = list(check.findings())
    return check, findings, Counter(f.code for f in findings)


def _values(findings, code: str) -> set[str]:
    return {f.value for f in findings if f.code == code}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_reads_without_crash(path: Path) -> None:
    check = KbartCheck(path, today=DAY)
    findings = list(check.findings())
    assert check.summary.rows > 0
    assert check.summary.sha256 and len(check.summary.sha256) == 64
    for f in findings:
        assert f.location.source == str(path)
        assert f.message  # every finding renders
        assert f.location.line is None or 1 <= f.location.line <= check.summary.lines


def test_cup_trailing_garbage_on_identifiers() -> None:
    check, findings, counts = _check("ezpaarse/CUP_COUPERIN_ALLJOURNALS_2026-03-08.txt")
    assert check.summary.rows == 435
    assert {"0304-4130á", "2047-8852á"} <= _values(findings, "KB206")
    assert counts["KB104"] == 1  # CRLF


def test_europresse_no_identifiers_and_bad_issns() -> None:
    check, findings, counts = _check("ezpaarse/EUROPRESSE_GLOBAL_BIBESR_2026-03-18.txt")
    assert check.summary.rows == 8501
    assert counts["KB209"] == 5737  # rows with neither print nor online identifier
    assert counts["KB201"] == 17  # invalid ISSN check digits
    titles = [f for f in findings if f.location.column == "publication_title"]
    assert not [f for f in titles if f.code in ("KB601", "KB603")]  # CJK titles are fine


def test_ieee_ragged_rows_quoting_and_case() -> None:
    check, findings, counts = _check("ezpaarse/IEEEXplore_Global_All-eBooks_2021-03-15.txt")
    assert check.summary.rows == 5027
    assert len(check.summary.columns) == 33 and len(check.summary.extra_columns) == 8
    assert counts["KB113"] > 0  # rows shorter than the 33-column header
    assert counts["KB116"] == 1  # CSV-style quoting inside TSV
    assert "Monograph" in _values(findings, "KB504")


def test_npg_literal_backslash_r() -> None:
    check, findings, counts = _check("ezpaarse/NPG_GLOBAL_ALLJOURNALS_2025-02-21.txt")
    assert check.summary.rows == 129
    assert counts["KB608"] == 129
    access = [f for f in findings if f.code == "KB503"]
    assert len(access) == 129 and {f.params["expected"] for f in access} <= {"P", "F"}


def test_oup_ragged_rows() -> None:
    check, findings, _counts = _check("ezpaarse/OUP_GLOBAL_ALLTITLES_2021-01-22.txt")
    assert check.summary.rows == 198
    # 195 short rows, reported as runs of consecutive lines.
    assert sum(f.params["count"] for f in findings if f.code == "KB113") == 195


def test_muse_bad_issns_and_missing_identifier() -> None:
    _, findings, counts = _check("ezpaarse/PROJECTMUSE_GLOBAL_ALLJOURNALS_2026-03-24.txt")
    assert _values(findings, "KB201") == {"1935-8562", "1552-8339", "0742-4617"}
    assert counts["KB209"] == 1
    assert counts["KB104"] == 1


def test_springer_bad_isbn() -> None:
    check, findings, _ = _check("ezpaarse/SPRINGER_GLOBAL_ALLEBOOKS_2021-03-01.txt")
    assert check.summary.rows == 4069
    assert "978-0-333-26923-3" in _values(findings, "KB202")


def test_sage_non_compliant() -> None:
    check, findings, counts = _check("ezpaarse/Sage_AllTitles_2018-01-24.txt")
    assert check.summary.rows == 4524
    missing = next(f for f in findings if f.code == "KB107")
    assert "print_identifier" in missing.message and "date_first_issue_online" in missing.message
    assert counts["KB109"] >= 1  # coverage_notes
    assert counts["KB301"] > 0  # DD/MM/YYYY dates
    dd = next(f for f in findings if f.code == "KB301")
    assert dd.params["suggestion"] and dd.params["suggestion"][4] == "-"
    assert counts["KB103"] > 0  # Windows-1252 bytes in a UTF-8 file
    assert "#N/A" in _values(findings, "KB607")
    assert "237486" in _values(findings, "KB502")  # the shifted column
    assert counts["KB401"] == 6  # empty title_url
    assert counts["KB104"] == 1


def test_wiley_bad_issns() -> None:
    _, findings, counts = _check("ezpaarse/WILEY_GLOBAL_ALLJOURNALS_2024-03-17.txt")
    assert counts["KB201"] == 3
    assert {"1523-5490", "1099-1788"} <= _values(findings, "KB201")
    assert counts["KB104"] == 1


def test_tf_vocabulary_drift_and_hash_identifier() -> None:
    _, findings, counts = _check("ezpaarse/tf_AllTitles_2021-03-15.txt")
    assert "Serial" in _values(findings, "KB504")
    assert "Current" in _values(findings, "KB501")
    assert counts["KB506"] > 0  # empty publication_type
    # "#1651-2551": leading junk, and the number's check digit is wrong too (should be 3).
    bad = next(f for f in findings if f.code == "KB201" and f.value == "#1651-2551")
    assert "should be 3" in bad.message
    assert counts["KB507"] > 3000  # access_type almost always empty


def test_folio_annual_reviews_tab_only_rows_and_na() -> None:
    check, findings, _counts = _check("folio/Testdata_KBART_AnnualReviews.tsv")
    assert check.summary.rows == 71
    blank = [f for f in findings if f.code == "KB115"]
    assert sum(f.params["count"] for f in blank) == 73
    assert "n/a" in _values(findings, "KB205")


def test_gokb_cr_only_phase1() -> None:
    check, findings, counts = _check(
        "gokb/AnnualReviews_SciencesCollection34_2011-04-27_CR-only.txt"
    )
    assert check.summary.line_ending == "CR"
    assert check.summary.rows + 111 == 158  # 111 of 158 rows are tab-only
    assert sum(f.params["count"] for f in findings if f.code == "KB115") == 111
    assert counts["KB104"] == 1 and counts["KB111"] == 4
    assert "coverage_notes" in _values(findings, "KB109")
    assert "0066-4129" in _values(findings, "KB201")


def test_gokb_utf16() -> None:
    check, _findings, counts = _check("gokb/CambridgeBooks_EdinburghUniversityPress_UTF16.tsv")
    assert check.summary.rows == 369
    assert check.summary.encoding == "utf-16-le"
    assert counts["KB101"] == 1
    assert counts["KB304"] > 0  # "2008-05-19 00:00:00"


def test_gokb_example_ebook_header_spaces() -> None:
    check, findings, counts = _check("gokb/Example_Ebook_Package_Allfields_Original.txt")
    assert check.summary.rows == 100
    assert {"medium ", "listprice_eur "} <= _values(findings, "KB109")
    assert "medium" in check.summary.extra_columns
    assert counts["KB104"] == 1


def test_gokb_sciencedirect_bom_and_elsevier_headers() -> None:
    _, findings, counts = _check("gokb/ScienceDirect_EBook_AgriBio-Pre2007_2016-05-23.txt")
    assert counts["KB102"] == 1
    assert "parent_publication_id" in _values(findings, "KB109")
    assert "Full text" in _values(findings, "KB502")
    assert {"Monograph", "Serial"} <= _values(findings, "KB504")


def test_gokb_cambridge_journals() -> None:
    check, findings, _counts = _check("gokb/journals.cambridge.org_AllTitles_2015-07-14.txt")
    assert check.summary.rows == 468
    # 26 fields for a 25-column header on every row: one finding for lines 2-469.
    trailing = [f for f in findings if f.code == "KB112"]
    assert [(f.location.line, f.params["last"], f.params["count"]) for f in trailing] == [
        (2, 469, 468)
    ]
    assert {"7777-7777", "1111-1111"} <= _values(findings, "KB203")
    assert "0308-2290" in _values(findings, "KB201")
    assert "n/a" in _values(findings, "KB205")


def test_gokb_extension_columns_kept() -> None:
    check, _, _ = _check("gokb/test_rest_initial_access_dates.txt")
    assert {"zdb_id", "access_start_date", "access_end_date", "status"} <= set(
        check.summary.extra_columns
    )


def test_gokb_monograph_errors() -> None:
    _, findings, _ = _check("gokb/test_validation_monographs_errors.txt")
    assert "978-1-137-05446-X" in _values(findings, "KB202")
    paid = next(f for f in findings if f.code == "KB503")
    assert paid.value == "Paid" and paid.params["expected"] == "P"


def test_gokb_serial_errors() -> None:
    _, findings, counts = _check("gokb/test_validation_serials_errors.txt")
    assert "1673-3550" in _values(findings, "KB201")
    assert counts["KB301"] == 0 and counts["KB303"] == 0  # 2013-10 is a legal partial date
    assert counts["KB309"] == 0  # R8D is legal KBART syntax …
    assert counts["KB310"] == 1  # … but contradicts coverage that ended in 2013
    assert counts["KB507"] == 1  # empty access_type
