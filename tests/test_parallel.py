"""Reading a file in pieces on several processes gives exactly the one-process result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.conftest import DATA

from erdq import parallel
from erdq.engine import KbartCheck
from erdq.rules.kbart.base import BASELINE

DAY = dt.date(2026, 12, 3)
HEADER = "\t".join(BASELINE)
ROW = "\t".join(BASELINE.values())


def _key(findings) -> list[tuple]:
    return sorted(
        (
            f.code,
            f.location.line or 0,
            f.location.column or "",
            f.value or "",
            f.location.record_id or "",
            f.message,
        )
        for f in findings
    )


def _both(path: Path, monkeypatch) -> tuple[KbartCheck, list, KbartCheck, list]:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    serial = KbartCheck(path, today=DAY)
    serial_findings = list(serial.findings())
    split = KbartCheck(path, today=DAY, jobs=2)
    assert parallel.plan(path, 2) is not None or serial.summary.encoding != "utf-8"
    split_findings = list(split.findings())
    return serial, serial_findings, split, split_findings


FILES = [
    "folio/Testdata_KBART_AnnualReviews.tsv",  # a long run of TAB-only rows at the end
    "gokb/AnnualReviews_SciencesCollection34_2011-04-27_CR-only.txt",  # CR line ends
    "gokb/journals.cambridge.org_AllTitles_2015-07-14.txt",  # trailing TABs
    "gokb/ScienceDirect_EBook_AgriBio-Pre2007_2016-05-23.txt",  # BOM
    "ezpaarse/Sage_AllTitles_2018-01-24.txt",  # mixed encodings, CRLF
    "ezpaarse/IEEEXplore_Global_All-eBooks_2021-03-15.txt",  # quoting, ragged rows
    "ezpaarse/PROJECTMUSE_GLOBAL_ALLJOURNALS_2026-03-24.txt",
    "gokb/CambridgeBooks_EdinburghUniversityPress_UTF16.tsv",  # UTF-16: read serially
]


@pytest.mark.shared
@pytest.mark.parametrize("name", FILES)
def test_same_findings_and_summary_as_one_process(name: str, monkeypatch) -> None:
    path = DATA / "kbart" / name
    if not path.exists():
        pytest.skip("shared data not available")
    serial, a, split, b = _both(path, monkeypatch)
    assert _key(b) == _key(a)
    for attr in ("rows", "lines", "sha256", "line_ending", "columns", "extra_columns"):
        assert getattr(split.summary, attr) == getattr(serial.summary, attr), attr


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_blank_runs_and_duplicates_across_range_boundaries(ending, tmp_path, monkeypatch):
    rows = []
    for i in range(400):
        rows.append(ROW.replace("jis", f"t{i}").replace("Journal", f"Journal {i}"))
        if i % 37 == 0:
            rows.extend(["\t" * 24] * 5)  # blank runs that ranges may cut through
    rows.append(rows[0])  # a duplicate of the first row, found only across ranges
    path = tmp_path / "Example_Global_AllTitles_2024-01-01.txt"
    path.write_bytes(ending.join(r.encode() for r in [HEADER, *rows]) + ending)
    serial, a, split, b = _both(path, monkeypatch)
    assert _key(b) == _key(a)
    assert any(f.code == "KB701" for f in b)
    assert sum(f.params["count"] for f in b if f.code == "KB115") == 11 * 5
    assert split.summary.rows == serial.summary.rows == 401


def test_headerless_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "Example_Global_AllTitles_2024-01-01.txt"
    path.write_text("\n".join([ROW.replace("jis", f"t{i}") for i in range(300)]) + "\n")
    _serial, a, split, b = _both(path, monkeypatch)
    assert _key(b) == _key(a)
    assert split.summary.rows == 300


def test_small_and_utf16_files_are_not_split(tmp_path) -> None:
    path = tmp_path / "f.txt"
    path.write_text(f"{HEADER}\n{ROW}\n")
    assert parallel.plan(path, 2) is None  # below the size threshold


def test_a_file_cut_off_in_its_last_range_is_reported_as_by_one_process(tmp_path, monkeypatch):
    rows = [ROW.replace("jis", f"t{i}").replace("Journal", f"Journal {i}") for i in range(400)]
    path = tmp_path / "Example_Global_AllTitles_2024-01-01.txt"
    text = "\n".join([HEADER, *rows])
    path.write_bytes(text[: text.rindex("https")].encode())  # the last row stops at its URL
    serial, a, split, b = _both(path, monkeypatch)
    assert _key(b) == _key(a)
    assert [f.location.line for f in b if f.code == "KB124"] == [401]
    assert split.summary.truncated_at == serial.summary.truncated_at == 401


def test_a_file_whose_cells_hold_line_breaks_is_read_in_one_go(tmp_path, monkeypatch) -> None:
    # A quoted cell with a line break makes one row of two lines; a range cut between
    # them would read two broken rows, so such a file is not split.
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    rows = [ROW.replace("jis", f"t{i}") for i in range(300)]
    plain = tmp_path / "Plain_Global_AllTitles_2024-01-01.txt"
    plain.write_text("\n".join([HEADER, *rows]) + "\n")
    assert parallel.plan(plain, 2) is not None
    cells = rows[150].split("\t")
    cells[-1] = '"a cell\nof two lines"'
    rows[150] = "\t".join(cells)
    broken = tmp_path / "Broken_Global_AllTitles_2024-01-01.txt"
    broken.write_text("\n".join([HEADER, *rows]) + "\n")
    assert parallel.plan(broken, 2) is None
    _serial, a, _split, b = _both_serial(broken)
    assert _key(b) == _key(a)


def _both_serial(path: Path) -> tuple[KbartCheck, list, KbartCheck, list]:
    serial = KbartCheck(path, today=DAY)
    split = KbartCheck(path, today=DAY, jobs=2)
    return serial, list(serial.findings()), split, list(split.findings())
