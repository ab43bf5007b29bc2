"""How the resolver answers from coverage it cannot read, and which reason it gives when
candidates fail differently (``erdq.resolver.resolve``)."""

from __future__ import annotations

import datetime as dt

from tests.resolver.conftest import resolver_for

from erdq.openurl import parse_openurl
from erdq.resolver import CollectionInfo, HoldingsIndex, Resolver

TODAY = dt.date(2024, 6, 15)
ISSN = "1600-6135"  # valid: ISO 3297 check digit 5


def _resolver(*holdings: tuple[str, tuple, str | None]) -> Resolver:
    """One title in one collection per (name, coverage, title_url)."""
    index = HoldingsIndex([CollectionInfo(n, name) for n, (name, _, _) in enumerate(holdings, 1)])
    for n, (_, coverage, url) in enumerate(holdings, 1):
        index.add(
            portfolio_id=n,
            collection_id=n,
            key="id:ajt",
            title="American Journal of Transplantation",
            title_id="ajt",
            print_identifier=ISSN,
            online_identifier=None,
            title_url=url,
            coverage_depth="fulltext",
            coverage=coverage,
        )
    return Resolver(index.finish(), today=TODAY)


URL = "https://a.example/ajt"


def test_an_unreadable_end_is_not_to_the_present() -> None:
    # Month 13: the end cannot be read. Read as no end, 2020 would be "covered".
    resolver = _resolver(("A", ("1990", None, None, "2005-13", None, None, None), URL))
    r = resolver.resolve(parse_openurl(f"issn={ISSN}&date=2020"))
    assert (r.outcome, r.reason) == ("no_service", "coverage_unreadable")
    assert "'2005-13'" in r.message
    (candidate,) = r.candidates
    assert str(candidate.coverage.status) == "unknown"
    # The readable start still rules out what is before it.
    early = resolver.resolve(parse_openurl(f"issn={ISSN}&date=1950"))
    assert (early.outcome, early.reason) == ("no_service", "before_coverage")


def test_an_unreadable_embargo_is_not_no_embargo() -> None:
    resolver = _resolver(("A", ("2000", None, None, None, None, None, "12 months"), URL))
    r = resolver.resolve(parse_openurl(f"issn={ISSN}&date=2024-05"))
    assert (r.outcome, r.reason) == ("no_service", "coverage_unreadable")
    assert "'12 months'" in r.message


def test_a_date_only_one_reading_fits_is_read_so() -> None:
    # 31/12/2005 can only be day/month/year: the range ends on 2005-12-31.
    resolver = _resolver(("A", ("1990", None, None, "31/12/2005", None, None, None), URL))
    inside = resolver.resolve(parse_openurl(f"issn={ISSN}&date=2005-06"))
    assert inside.outcome == "service"
    after = resolver.resolve(parse_openurl(f"issn={ISSN}&date=2006-01"))
    assert (after.outcome, after.reason) == ("no_service", "after_coverage")


def test_another_collection_that_covers_the_item_answers() -> None:
    resolver = _resolver(
        ("A", ("1990", None, None, "2005-13", None, None, None), URL),
        ("B", ("2015", None, None, None, None, None, None), URL),
    )
    r = resolver.resolve(parse_openurl(f"issn={ISSN}&date=2020"))
    assert r.outcome == "service"
    assert [s.collection.name for s in r.services] == ["B"]


def test_a_portfolio_that_covers_the_item_but_has_no_url_is_the_reason_given() -> None:
    # B covers 2020 and lacks only a URL, which the library can add; A's coverage ended in
    # 2010. The reason to act on is no_url, not before/after coverage.
    resolver = _resolver(
        ("A", ("2000", None, None, "2010", None, None, None), URL),
        ("B", ("2015", None, None, None, None, None, None), None),
    )
    r = resolver.resolve(parse_openurl(f"issn={ISSN}&date=2020"))
    assert (r.outcome, r.reason) == ("no_service", "no_url")


def test_an_imported_store_keeps_what_it_cannot_read(make_store, tmp_path) -> None:
    # Through the store, as `erdq resolve` and `erdq serve` answer: the index is built
    # from the stored columns, which must not turn "2005-13" into no end.
    kbart = tmp_path / "k.txt"
    kbart.write_text(
        "publication_title\tprint_identifier\tdate_first_issue_online\tdate_last_issue_online"
        "\tembargo_info\ttitle_url\n"
        f"Transplantation\t{ISSN}\t1990\t2005-13\t\t{URL}\n"
        "Nature\t0028-0836\t2000\t\t12 months\thttps://n.example/\n"
        "Science\t0036-8075\t1990\t31/12/2005\t\thttps://s.example/\n",
        encoding="utf-8",
    )
    resolver = resolver_for(make_store({"C": kbart}), TODAY)
    for query in (f"issn={ISSN}&date=2020", "issn=0028-0836&date=2024-05"):
        r = resolver.resolve(parse_openurl(query))
        assert (r.outcome, r.reason) == ("no_service", "coverage_unreadable"), query
    # A date only one reading fits is read: 2005-12-31.
    assert resolver.resolve(parse_openurl("issn=0036-8075&date=2005-06")).outcome == "service"
    late = resolver.resolve(parse_openurl("issn=0036-8075&date=2006"))
    assert late.reason == "after_coverage"
