"""Ranges of one title compared across rows (KB704 overlap, KB705 short gap)."""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY

from erdq.engine import KbartCheck
from erdq.registry import Example
from erdq.rules.kbart.base import DEFAULT_EXAMPLE_NAME, example_bytes


def _codes(tmp_path, *rows: dict[str, str]) -> list[str]:
    path = tmp_path / DEFAULT_EXAMPLE_NAME
    path.write_bytes(example_bytes(Example(rows=rows)))
    return [f.code for f in KbartCheck(path, today=CASE_DAY).findings()]


def _range(first: str, last: str) -> dict[str, str]:
    return {"date_first_issue_online": first, "date_last_issue_online": last}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ((_range("1990", "2005"), _range("2004", "2012")), ["KB704"]),
        # 2005-12-31 to 2006-06-01: a gap of 151 days.
        ((_range("1990", "2005"), _range("2006-06", "2012")), ["KB705"]),
        ((_range("1990", "2005"), _range("2006", "2012")), []),
        # Month 13: read as "to the present" it would overlap 2010-2012, and a start of
        # "2006-13" would not be a gap. The row rules name the date; no comparison here.
        ((_range("1990", "2005-13"), _range("2010", "2012")), []),
        ((_range("1990", "2005"), _range("2006-13", "2012")), []),
    ],
)
def test_ranges_compared(tmp_path, rows, expected) -> None:
    codes = _codes(tmp_path, *rows)
    assert [c for c in codes if c in ("KB704", "KB705")] == expected
    if any("-13" in v for row in rows for v in row.values()):
        assert any(c.startswith("KB3") for c in codes)  # the date itself is reported


def test_rows_an_excel_lookup_failed_on_are_not_one_title(tmp_path) -> None:
    # Two unrelated titles whose title_id (and, in the second pair, title and
    # identifiers) came out as #N/A: KB607 names each value; no overlap or reuse.
    na = {"title_id": "#N/A", "print_identifier": "", "online_identifier": ""}
    rows = (
        {**na, "publication_title": "Journal A", **_range("1990", "2005")},
        {**na, "publication_title": "Journal B", **_range("2000", "2010")},
        {**na, "publication_title": "#N/A", **_range("1990", "2005")},
        {**na, "publication_title": "#N/A", **_range("2000", "2010")},
    )
    codes = _codes(tmp_path, *rows)
    assert not {"KB702", "KB704", "KB705"} & set(codes)
    assert codes.count("KB607") == 6  # 4 title_ids, 2 titles
    # The same rows with a real title_id are one title, and overlap.
    real = tuple({**row, "title_id": "ja"} for row in rows[:2])
    assert "KB704" in _codes(tmp_path, *real)
