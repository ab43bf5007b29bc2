"""The coverage evaluator against the shared cases BR-010, BR-012, BR-013 and BR-014.

Expected values come from CASES.md and are also hard-coded here, so a changed input file
fails loudly. Evaluation date: 2024-06-15 (stated in BR-014.citations.tsv), injected.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import CASES

from erdq.coverage import CoverageResult, Status, evaluate
from erdq.model.coverage import CoverageRange, format_statements
from erdq.model.dates import PartialDate, parse_partial_date
from erdq.model.embargo import parse_embargo

needs_cases = pytest.mark.skipif(not CASES.is_dir(), reason=f"case inputs not found at {CASES}")

D = datetime.date
TODAY = D(2024, 6, 15)


def clock() -> datetime.date:
    return TODAY


# -- tiny KBART helpers (the real reader lives elsewhere) -----------------------------------


def read_tsv(name: str) -> list[dict[str, str]]:
    with open(CASES / name, encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def kbart_range(row: dict[str, str]) -> CoverageRange:
    def date(column: str) -> PartialDate | None:
        parsed = parse_partial_date(row[column])
        assert parsed.ok, (column, row[column], parsed)
        return parsed.value

    embargo = parse_embargo(row["embargo_info"])
    assert embargo.ok, (row["embargo_info"], embargo)
    return CoverageRange(
        date("date_first_issue_online"),
        row["num_first_vol_online"] or None,
        row["num_first_issue_online"] or None,
        date("date_last_issue_online"),
        row["num_last_vol_online"] or None,
        row["num_last_issue_online"] or None,
        embargo.value,
    )


def ranges_for(kbart: str, issn: str) -> list[CoverageRange]:
    rows = read_tsv(kbart)
    return [kbart_range(r) for r in rows if issn in (r["print_identifier"], r["online_identifier"])]


def openurls(name: str) -> Iterator[tuple[str, str | None, str | None, str | None, str]]:
    """(issn, date, volume, issue, expected) for each line "query<TAB>expected"."""
    for line in (CASES / name).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        query, expected = line.split("\t")
        q = parse_qs(query)

        def first(key: str, q: dict[str, list[str]] = q) -> str | None:
            return q[key][0] if key in q else None

        yield (
            first("rft.issn") or "",
            first("rft.date"),
            first("rft.volume"),
            first("rft.issue"),
            expected,
        )


# -- BR-010: a gap in coverage must survive -------------------------------------------------

BR010 = [
    ("1997", "35", "1", "covered"),
    ("1997", "35", "2", "not_covered"),
    ("1997", "35", "3", "covered"),
    ("1998", "36", "2", "covered"),
    ("1998", "36", "3", "not_covered"),
]


@needs_cases
def test_br010_inputs_are_as_stated() -> None:
    got = [(d, v, i, e) for _, d, v, i, e in openurls("BR-010.openurls.txt")]
    assert got == BR010
    assert len(ranges_for("BR-010.kbart.txt", "1234-5679")) == 2


@needs_cases
@pytest.mark.parametrize(("date", "volume", "issue", "expected"), BR010)
def test_br010(date: str, volume: str, issue: str, expected: str) -> None:
    ranges = ranges_for("BR-010.kbart.txt", "1234-5679")
    result = evaluate(ranges, date=date, volume=volume, issue=issue, today=clock)
    assert result.status == Status(expected)


@needs_cases
def test_br010_gap_is_named_and_display_keeps_two_statements() -> None:
    ranges = ranges_for("BR-010.kbart.txt", "1234-5679")
    assert format_statements(ranges) == "1997 v.35 no.1; 1997 v.35 no.3 – 1998 v.36 no.2"
    result = evaluate(ranges, date="1997", volume="35", issue="2")
    assert "gap" in result.reason
    assert evaluate(ranges, date="1997", volume="35", issue="3").range_index == 1


# -- BR-012: partial dates on both sides ----------------------------------------------------

BR012 = [
    ("2015-12-20", "covered"),
    ("2015-12", "covered"),
    ("2015", "covered"),
    ("2010-01-01", "covered"),
    ("2009-12-31", "not_covered"),
    ("2016-01", "not_covered"),
]


@needs_cases
def test_br012_inputs_are_as_stated() -> None:
    rows = read_tsv("BR-012.citations.tsv")
    assert [(r["rft.date"], r["expected"]) for r in rows] == BR012
    (r,) = ranges_for("BR-012.kbart.txt", "1234-5679")
    assert (str(r.start_date), str(r.end_date)) == ("2010", "2015-12")


@needs_cases
@pytest.mark.parametrize(("date", "expected"), BR012)
def test_br012(date: str, expected: str) -> None:
    ranges = ranges_for("BR-012.kbart.txt", "1234-5679")
    assert evaluate(ranges, date=date, today=clock).status == Status(expected)


@needs_cases
def test_br012_reasons_use_the_interval_ends() -> None:
    ranges = ranges_for("BR-012.kbart.txt", "1234-5679")
    after = evaluate(ranges, date="2016-01", today=clock)
    before = evaluate(ranges, date="2009-12-31", today=clock)
    assert after.reason == "2016-01 is after the coverage end 2015-12-31"
    assert before.reason == "2009-12-31 is before the coverage start 2010-01-01"
    assert (after.available_from, after.available_until) == (D(2010, 1, 1), D(2015, 12, 31))


# -- BR-013: date coverage must actually be checked -----------------------------------------

BR013 = [("2012", "30", "not_covered"), ("2001", "19", "covered")]


@needs_cases
def test_br013_inputs_are_as_stated() -> None:
    got = [(d, v, e) for _, d, v, _, e in openurls("BR-013.openurls.txt")]
    assert got == BR013


@needs_cases
@pytest.mark.parametrize(("date", "volume", "expected"), BR013)
def test_br013(date: str, volume: str, expected: str) -> None:
    ranges = ranges_for("BR-013.kbart.txt", "1234-5679")
    assert evaluate(ranges, date=date, volume=volume, today=clock).status == Status(expected)


@needs_cases
def test_br013_reasons() -> None:
    ranges = ranges_for("BR-013.kbart.txt", "1234-5679")
    assert evaluate(ranges, date="2012", volume="30").reason == (
        "2012 is after the coverage end 2005-12-31"
    )
    assert evaluate(ranges, date="2001", volume="19").reason == (
        "covered by 1995-01-01 – 2005-12-31"
    )


# -- BR-014: calendar embargo walls and concatenated statements -----------------------------

BR014 = [
    ("1234-5679", "2023-09-10", "covered"),  # a 365-day wall would wrongly embargo this
    ("1234-5679", "2023-12-31", "covered"),
    ("1234-5679", "2024-01-05", "embargoed"),
    ("2049-3630", "2014-12-31", "not_covered"),  # window is calendar years 2015–2024
    ("2049-3630", "2015-01-01", "covered"),
    ("2049-3630", "2024-05-01", "covered"),
    ("2049-3630", "2024-06-01", "embargoed"),  # first-statement-only parsing would allow it
]


@needs_cases
def test_br014_inputs_are_as_stated() -> None:
    header = (CASES / "BR-014.citations.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert header == '# evaluation date ("today") = 2024-06-15'
    rows = read_tsv("BR-014.citations.tsv")
    assert [(r["issn"], r["rft.date"], r["expected"]) for r in rows] == BR014
    embargoes = [str(r.embargo) for r in ranges_for("BR-014.kbart.txt", "1234-5679")]
    embargoes += [str(r.embargo) for r in ranges_for("BR-014.kbart.txt", "2049-3630")]
    assert embargoes == ["P1Y", "R10Y;P30D"]


@needs_cases
@pytest.mark.parametrize(("issn", "date", "expected"), BR014)
def test_br014(issn: str, date: str, expected: str) -> None:
    ranges = ranges_for("BR-014.kbart.txt", issn)
    assert len(ranges) == 1
    assert ranges[0].end_date is None  # empty date_last_issue_online = open-ended
    assert evaluate(ranges, date=date, today=clock).status == Status(expected)


@needs_cases
def test_br014_embargoed_until() -> None:
    # P1Y hides calendar year 2024 until the wall moves on 2025-01-01.
    p1y = evaluate(ranges_for("BR-014.kbart.txt", "1234-5679"), date="2024-01-05", today=clock)
    assert p1y.embargoed_until == D(2025, 1, 1)
    assert p1y.reason == "embargoed until 2025-01-01 (P1Y)"
    assert p1y.available_until == D(2023, 12, 31)
    # P30D: 2024-06-01 is available once today − 30 days reaches it, on 2024-07-01.
    wall = evaluate(ranges_for("BR-014.kbart.txt", "2049-3630"), date="2024-06-01", today=clock)
    assert wall.embargoed_until == D(2024, 7, 1)
    assert (wall.available_from, wall.available_until) == (D(2015, 1, 1), D(2024, 5, 16))


@needs_cases
def test_br014_r_wall_is_not_an_embargo_that_ends() -> None:
    ranges = ranges_for("BR-014.kbart.txt", "2049-3630")
    result = evaluate(ranges, date="2014-12-31", today=clock)
    assert result.embargoed_until is None
    assert result.reason == "2014-12-31 is before the moving wall 2015-01-01 (R10Y;P30D)"


# -- evaluator semantics not tied to one case -------------------------------------------------


def rng(
    start: str | None,
    end: str | None,
    embargo: str = "",
    volumes: tuple[str | None, str | None, str | None, str | None] = (None, None, None, None),
) -> CoverageRange:
    start_date = parse_partial_date(start).value if start else None
    end_date = parse_partial_date(end).value if end else None
    return CoverageRange(
        start_date,
        volumes[0],
        volumes[1],
        end_date,
        volumes[2],
        volumes[3],
        parse_embargo(embargo).value,
    )


def test_no_ranges() -> None:
    assert evaluate([], date="2001") == CoverageResult(Status.NOT_COVERED, "no coverage", None)


def test_title_level_request_is_covered_by_any_range() -> None:
    result = evaluate([rng("1995", "2005")], today=clock)
    assert result.covered
    assert result.range_index == 0


def test_today_is_injectable_and_read_once_only_when_needed() -> None:
    calls: list[int] = []

    def counting_clock() -> datetime.date:
        calls.append(1)
        return TODAY

    evaluate([rng("1995", "2005")], date="2001", today=counting_clock)
    assert calls == []  # no embargo, no clock
    evaluate(
        [rng("2000", None, "P1Y"), rng("1990", None, "R5Y")], date="2001", today=counting_clock
    )
    assert calls == [1]


def test_today_may_be_a_datetime() -> None:
    now = datetime.datetime(2024, 6, 15, 23, 59)
    assert evaluate([rng("2000", None, "P1Y")], date="2024", today=now).status is Status.EMBARGOED
    assert evaluate([rng("2000", None, "P1Y")], date=D(2023, 5, 1), today=now).covered


def test_citation_date_forms() -> None:
    ranges = [rng("1995-01-01", "2005-12-31")]
    assert evaluate(ranges, date=PartialDate(2005, 12)).covered
    assert evaluate(ranges, date=D(2006, 1, 1)).status is Status.NOT_COVERED
    assert evaluate(ranges, date=datetime.datetime(2001, 5, 19, 12, 0)).covered
    assert evaluate(ranges, date="2001-05-19T00:00:00Z").covered  # time attached: date used
    assert evaluate(ranges, date="2012-00-00").status is Status.NOT_COVERED  # read as 2012


def test_unreadable_citation_date_is_not_compared() -> None:
    result = evaluate([rng("1995", "2005")], date="Spring", volume="19")
    assert result.covered
    assert "not understood" in result.reason


def test_volume_text_that_is_not_a_number_is_not_compared() -> None:
    ranges = [rng("1997", "1998", volumes=("35", "3", "36", "2"))]
    assert evaluate(ranges, date="1997", volume="Suppl").covered
    assert evaluate(ranges, date="1997", volume="35", issue="Spring").covered
    assert evaluate(ranges, date="1997", volume="XXXV", issue="iii").covered  # Roman = 35/3
    assert not evaluate(ranges, date="1997", volume="XXXV", issue="ii").covered


def test_issue_counts_only_within_the_same_volume() -> None:
    ranges = [rng("1997", "1998", volumes=("35", "3", "36", "2"))]
    assert evaluate(ranges, date="1998", volume="36", issue="1").covered
    assert evaluate(ranges, date="1997", volume="36", issue="9").status is Status.NOT_COVERED
    assert evaluate(ranges, date="1997", volume="35").covered  # no issue: the volume decides


def test_date_and_volume_must_both_fit() -> None:
    ranges = [rng("1997", "1998", volumes=("35", None, "36", None))]
    result = evaluate(ranges, date="2012", volume="50")
    assert result.status is Status.NOT_COVERED
    assert (
        result.reason
        == "2012 is after the coverage end 1998-12-31; v.50 is after the coverage end v.36"
    )


def test_ranges_are_never_collapsed() -> None:
    ranges = [rng("1990", "1995"), rng("2000", "2005")]
    assert evaluate(ranges, date="1993").range_index == 0
    assert evaluate(ranges, date="2003").range_index == 1
    gap = evaluate(ranges, date="1997")
    assert gap.status is Status.NOT_COVERED
    assert gap.reason == "1997 falls in a gap in coverage: after 1990 – 1995, before 2000 – 2005"


def test_closest_range_is_reported_when_nothing_covers() -> None:
    ranges = [rng("1990", "1995"), rng("2000", "2005")]
    assert evaluate(ranges, date="2010").range_index == 1
    assert evaluate(ranges, date="1980").range_index == 0


def test_any_covering_range_wins_over_an_embargo() -> None:
    ranges = [rng("2000", None, "P1Y"), rng("2024", "2024")]
    result = evaluate(ranges, date="2024-03-01", today=clock)
    assert result.covered
    assert result.range_index == 1


def test_embargo_that_leaves_nothing() -> None:
    # On 2024-01-01, R1Y allows 2024 onwards and P1M nothing after 2023-12-31.
    result = evaluate([rng("2000", None, "R1Y;P1M")], date="2023-06", today=D(2024, 1, 1))
    assert result.status is Status.NOT_COVERED
    assert evaluate([rng("2000", None, "R1Y;P1M")], volume="3", today=D(2024, 1, 1)).status is (
        Status.NOT_COVERED
    )


def test_range_dates_before_the_r_wall() -> None:
    # R5Y on 2024-06-15 starts at 2020-01-01; the range ended in 2010.
    result = evaluate([rng("2000", "2010", "R5Y")], date="2005", today=clock)
    assert result.status is Status.NOT_COVERED


def test_inverted_range_covers_nothing() -> None:
    result = evaluate([rng("2012-05-01", "2011-01-01")], date="2011-06-01")
    assert result.status is Status.NOT_COVERED


def test_partial_citation_overlapping_the_p_wall_is_covered() -> None:
    # P30D on 2024-06-15: 2024-05-16 is the last available day; 2024-05 overlaps it.
    assert evaluate([rng("2000", None, "P30D")], date="2024-05", today=clock).covered
    result = evaluate([rng("2000", None, "P30D")], date="2024-06", today=clock)
    assert result.status is Status.EMBARGOED
    assert result.embargoed_until == D(2024, 7, 1)


_EMBARGO_TEXT = st.sampled_from(["", "P1Y", "P30D", "P2M", "R10Y;P30D", "R3M;P1M", "R365D"])


@given(
    _EMBARGO_TEXT,
    st.dates(D(1990, 1, 1), D(2030, 12, 31)),
    st.dates(D(2000, 1, 1), D(2030, 12, 31)),
)
def test_embargoed_items_open_on_the_day_stated(
    embargo: str, day: datetime.date, today: datetime.date
) -> None:
    ranges = [rng("1995", None, embargo)]
    result = evaluate(ranges, date=day, today=today)
    if result.status is Status.EMBARGOED:
        assert result.embargoed_until is not None
        assert result.embargoed_until > today
        assert evaluate(ranges, date=day, today=result.embargoed_until).covered
        eve = result.embargoed_until - datetime.timedelta(days=1)
        assert not evaluate(ranges, date=day, today=eve).covered


@given(
    _EMBARGO_TEXT,
    st.dates(D(1990, 1, 1), D(2030, 12, 31)),
    st.dates(D(2000, 1, 1), D(2030, 12, 31)),
)
def test_a_day_is_covered_exactly_when_it_is_in_range_and_window(
    embargo: str, day: datetime.date, today: datetime.date
) -> None:
    r = rng("1995", "2025-06", embargo)
    first, last = r.embargo.window(today) if r.embargo else (None, None)
    inside = D(1995, 1, 1) <= day <= D(2025, 6, 30)
    inside = inside and (first is None or first <= day) and (last is None or day <= last)
    assert evaluate([r], date=day, today=today).covered is inside


@given(st.text(), st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()))
def test_evaluate_never_raises_on_citation_text(
    date: str, volume: str | None, issue: str | None
) -> None:
    ranges = [
        rng("1997", "1998", "R10Y;P30D", ("35", "3", "36", "2")),
        rng(None, None, "P1Y", ("iv", None, None, None)),
    ]
    result = evaluate(ranges, date=date, volume=volume, issue=issue, today=clock)
    assert result.reason
