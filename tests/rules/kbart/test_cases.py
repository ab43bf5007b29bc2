"""The KBART cases of shared/cases/CASES.md (BR-001 … BR-006), with the expected values
stated there. Row numbers count the header as row 1."""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY, shared_file

from erdq.config import Settings
from erdq.engine import KbartCheck
from erdq.findings import Severity
from erdq.identifiers import check_identifier
from erdq.readers.kbart import KbartReader


def _run(name: str, *, strict: bool = True):
    path = shared_file("cases", "inputs", name)
    check = KbartCheck(path, Settings(strict=strict), today=CASE_DAY)
    events = list(check.events())
    rows = [e for e in events if not hasattr(e, "code")]
    findings = [e for e in events if hasattr(e, "code")]
    return rows, findings, check


def _at(findings, code: str) -> list:
    return [f for f in findings if f.code == code]


def test_br001_bom_crlf_and_trailing_tab() -> None:
    rows, findings, check = _run("BR-001.kbart.txt")
    assert len(rows) == 2
    assert check.summary.columns[0] == "publication_title"
    for row in rows:
        for key, value in row.values.items():
            assert "\ufeff" not in key and "\r" not in key
            assert "\ufeff" not in value and "\r" not in value
    # No value shifted: the last standard column of row 3 still holds the publisher.
    assert rows[1].line == 3 and rows[1].values["publisher_name"] == "Example Press"
    assert rows[1].values["print_identifier"] == "0000-0000"
    bom, crlf, trailing = _at(findings, "KB102"), _at(findings, "KB104"), _at(findings, "KB112")
    assert len(bom) == 1 and bom[0].severity is Severity.WARNING
    assert len(crlf) == 1 and crlf[0].severity is Severity.WARNING and crlf[0].value == "CRLF"
    assert [(f.location.line, f.params["found"]) for f in trailing] == [(3, 17)]
    assert trailing[0].severity is Severity.WARNING
    # 0000-0000 has a valid checksum; it only gets the placeholder warning.
    assert check_identifier("0000-0000").valid
    assert [(f.location.line, f.severity) for f in _at(findings, "KB203")] == [
        (3, Severity.WARNING)
    ]
    assert not _at(findings, "KB201")
    assert not [f for f in findings if f.severity is Severity.ERROR]


def test_br002_embargo_syntax_strict() -> None:
    _, findings, _ = _run("BR-002.kbart.txt")
    invalid = {f.location.line: f for f in _at(findings, "KB309")}
    # Rows 2-5 (R10Y;P30D, P1Y, R365D, empty) are valid; 6-9 are errors in strict mode.
    assert sorted(invalid) == [6, 7, 8, 9]
    assert invalid[6].value == "6 months" and invalid[6].params["suggest"] == "; write P6M"
    assert invalid[8].value == "P1Y;R10Y"
    assert invalid[9].value == "1Y"
    assert all(f.severity is Severity.ERROR for f in invalid.values())


def test_br002_lowercase_is_a_warning_in_lenient_mode() -> None:
    _, findings, _ = _run("BR-002.kbart.txt", strict=False)
    assert sorted(f.location.line for f in _at(findings, "KB309")) == [6, 8, 9]
    lower = _at(findings, "KB314")
    assert [(f.location.line, f.params["suggestion"], f.severity) for f in lower] == [
        (7, "P1Y", Severity.WARNING)
    ]


def test_br003_partial_dates_legal_zero_filled_and_locale_not() -> None:
    _, findings, _ = _run("BR-003.kbart.txt")
    dated = {
        f.location.line: (f.code, f.params.get("suggestion"))
        for f in findings
        if f.location.column == "date_first_issue_online"
    }
    assert dated == {
        5: ("KB303", "2001"),  # 2001-00-00: zero month/day, never rolled over
        6: ("KB301", "1997-03-15"),  # 03/15/1997: not ISO 8601
        7: ("KB303", None),  # 1997-13: month out of range
        8: ("KB301", "1997-03"),  # 1997-3: two digits needed
    }


def test_br004_controlled_values() -> None:
    _, findings, _ = _run("BR-004.kbart.txt")
    vocab = {
        (f.location.line, f.code): (f.value, f.params.get("expected"), f.severity)
        for f in findings
        if f.code.startswith("KB5")
    }
    assert vocab == {
        (2, "KB501"): ("journal", "serial", Severity.ERROR),
        (3, "KB501"): ("book", "monograph", Severity.ERROR),
        (4, "KB505"): ("", None, Severity.ERROR),
        (5, "KB504"): ("Fulltext", "fulltext", Severity.WARNING),
        # Row 6 ("abstracts") is valid. All rows leave access_type empty:
        (2, "KB507"): ("", None, Severity.WARNING),
        (3, "KB507"): ("", None, Severity.WARNING),
        (4, "KB507"): ("", None, Severity.WARNING),
        (5, "KB507"): ("", None, Severity.WARNING),
        (6, "KB507"): ("", None, Severity.WARNING),
    }


def test_br006_quoted_cells_several_authors_file_name() -> None:
    path = shared_file("cases", "inputs", "BR-006.thoth_books_export.tsv")
    rows = list(KbartReader(path, lambda *a, **k: None))
    assert rows[0].values["publication_title"] == "Open Questions in Invented Theory"
    assert rows[0].values["online_identifier"] == "9780000000002"
    result = check_identifier("9780000000002")
    assert result.valid and result.kind == "isbn13"
    _, findings, _ = _run("BR-006.thoth_books_export.tsv")
    quoted = _at(findings, "KB116")
    assert len(quoted) == 1 and quoted[0].location.line == 2
    names = _at(findings, "KB606")
    assert [(f.params["count"], f.params["first"]) for f in names] == [(3, "Moreau")]
    name = _at(findings, "KB901")
    assert len(name) == 1 and name[0].severity is Severity.WARNING
    # Wrong extension, no date (the case's expected result).
    assert "the extension is .tsv, not .txt" in name[0].message
    assert "no YYYY-MM-DD date" in name[0].message


@pytest.mark.parametrize(
    ("file_name", "ok"),
    [
        ("ExamplePress_Global_AllTitles_2024-01-01.txt", True),
        ("CUP_COUPERIN_ALLJOURNALS_2026-03-08.txt", True),
        ("Sage_AllTitles_2018-01-24.txt", False),
        ("thoth_books_export.tsv", False),
    ],
)
def test_file_name_pattern(file_name: str, ok: bool, tmp_path) -> None:
    from erdq.rules.kbart.base import BASELINE

    path = tmp_path / file_name
    path.write_text("\t".join(BASELINE) + "\n" + "\t".join(BASELINE.values()) + "\n")
    codes = {f.code for f in KbartCheck(path, today=CASE_DAY).findings()}
    assert ("KB901" not in codes) is ok
