"""Embargoes judged against the row's coverage dates (KB310, KB315), on 2024-06-15."""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY

from erdq.engine import KbartCheck
from erdq.registry import Example
from erdq.rules.kbart.base import DEFAULT_EXAMPLE_NAME, example_bytes


def _codes(tmp_path, **row: str) -> set[str]:
    path = tmp_path / DEFAULT_EXAMPLE_NAME
    path.write_bytes(example_bytes(Example(rows=(row,))))
    return {f.code for f in KbartCheck(path, today=CASE_DAY).findings()}


@pytest.mark.parametrize(
    ("start", "end", "embargo", "expected"),
    [
        # P5Y releases items up to 2018-12-31; coverage from 2022 has nothing released.
        ("2022", "", "P5Y", {"KB315"}),
        # R1Y: only 2024 on; P1Y: nothing of 2024. The walls cross.
        ("2001", "", "R1Y;P1Y", {"KB315"}),
        # R10Y;P30D leaves 2015-01-01 .. 2024-05-16 of a 1980- coverage.
        ("1980", "", "R10Y;P30D", set()),
        # R5Y: from 2020-01-01 on; coverage ended 2005: KB310 says why, KB315 stays quiet.
        ("2001", "2005-12-31", "R5Y", {"KB310"}),
        # P1Y withholds 2024 only; coverage ended 2010: the embargo has no effect (KB310).
        ("2001", "2010", "P1Y", {"KB310"}),
        ("2001", "", "P1Y", set()),
    ],
)
def test_embargo_against_coverage(tmp_path, start, end, embargo, expected) -> None:
    codes = _codes(
        tmp_path, date_first_issue_online=start, date_last_issue_online=end, embargo_info=embargo
    )
    assert codes & {"KB310", "KB315"} == expected


@pytest.mark.parametrize(
    ("embargo", "says"),
    [
        ("P0Y", "P with a length of 0 withholds nothing: no moving wall. Leave the column "
         "empty"),
        # R: only the most recent N units available; N = 0 leaves nothing, read literally.
        ("R0D", "taken literally, R with a length of 0 makes nothing available"),
        ("R0Y;P1Y", "makes nothing available (only the most recent 0 units); erdq reads a "
         "zero length as no moving wall. Write P1Y."),
    ],
)  # fmt: skip
def test_a_zero_length_embargo_says_what_it_means(tmp_path, embargo, says) -> None:
    path = tmp_path / DEFAULT_EXAMPLE_NAME
    path.write_bytes(example_bytes(Example(rows=({"embargo_info": embargo},))))
    [finding] = [f for f in KbartCheck(path, today=CASE_DAY).findings() if f.code == "KB311"]
    assert says in finding.message
