"""How the resolver tells cited dates it reads leniently or cannot read
(``erdq.resolver.resolve``)."""

from __future__ import annotations

import datetime as dt

import pytest

from erdq.openurl import parse_openurl
from erdq.resolver import CollectionInfo, HoldingsIndex, Resolver

TODAY = dt.date(2024, 6, 15)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    # One title, 1600-6135 (valid: ISO 3297 check digit 5), with a gap 2011-2019.
    index = HoldingsIndex([CollectionInfo(1, "A")])
    for n, (first, last) in enumerate([("2000", "2005"), ("2006", "2010"), ("2020", None)], 1):
        index.add(
            portfolio_id=n,
            collection_id=1,
            key="id:ajt",
            title="American Journal of Transplantation",
            title_id="ajt",
            print_identifier="1600-6135",
            online_identifier=None,
            title_url="https://a.example/ajt",
            coverage_depth="fulltext",
            coverage=(first, None, None, last, None, None, None),
        )
    return Resolver(index.finish(), today=TODAY)


@pytest.mark.parametrize("date", ["2021-2022", "2021/2022", "2021-22"])
def test_a_span_of_years_is_checked_as_its_interval(resolver: Resolver, date: str) -> None:
    r = resolver.resolve(parse_openurl(f"issn=1600-6135&date={date}"))
    data = r.to_dict()
    assert data["title_level"] is False
    (service,) = r.services
    # 2021-01-01 .. 2022-12-31 lies in the third range (2020 –).
    assert service.coverage.reason == "covered by 2020 – present"
    assert "not date-checked" not in service.message
    assert (
        f"date {date!r} read as the years 2021 to 2022 (2021-01-01 to 2022-12-31)"
        in (data["warnings"])
    )


def test_a_span_of_years_in_a_gap_is_not_covered(resolver: Resolver) -> None:
    # 2011-2012 is after 2006 – 2010 and before 2020 –.
    r = resolver.resolve(parse_openurl("issn=1600-6135&date=2011-2012"))
    assert (r.outcome, r.reason) == ("no_service", "gap_in_coverage")


def test_a_span_of_years_overlapping_coverage_is_covered(resolver: Resolver) -> None:
    # 2019-2020: 2019 is in the gap, 2020 is covered; a partial date is covered when it
    # overlaps, and so is a span of years.
    r = resolver.resolve(parse_openurl("issn=1600-6135&date=2019-2020"))
    assert r.outcome == "service"


def test_an_unreadable_date_is_told_as_unreadable_not_as_no_date(resolver: Resolver) -> None:
    r = resolver.resolve(parse_openurl("issn=1600-6135&date=n.d."))
    data = r.to_dict()
    # The request has a date (only not a readable one), so it is not title level...
    assert data["title_level"] is False
    # ... though it is answered as one (a deliberate difference from erdq availability,
    # which does not judge such an article), and the reader is told so.
    (service,) = data["services"]
    told = "date 'n.d.' cannot be read, so coverage is not date-checked"
    assert service["note"] == f"Full text 2000–2010, 2020–present via A; {told}"
    assert service["coverage"]["reason"] == (
        f"{told}; coverage 2000 – 2005; 2006 – 2010; 2020 – present"
    )
    assert "title-level" not in service["coverage"]["reason"]
    assert told in data["warnings"]


def test_an_unreadable_date_with_a_volume_says_only_the_volume_was_checked(
    resolver: Resolver,
) -> None:
    r = resolver.resolve(parse_openurl("issn=1600-6135&date=sometime&volume=3"))
    (service,) = r.services
    told = "date 'sometime' cannot be read, so coverage is not date-checked"
    assert service.coverage.reason.endswith(f"({told})")
    assert service.message.endswith(told)


def test_a_request_without_a_date_is_still_title_level(resolver: Resolver) -> None:
    r = resolver.resolve(parse_openurl("issn=1600-6135"))
    data = r.to_dict()
    assert data["title_level"] is True
    assert "cannot be read" not in data["services"][0]["note"]
    assert data["services"][0]["coverage"]["reason"].startswith("title-level request")
