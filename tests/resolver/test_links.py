"""Link templates, proxies, collection settings, merging and ordering of services."""

from __future__ import annotations

import datetime as dt

import pytest

from erdq.errors import InputError
from erdq.model.coverage import CoverageRange
from erdq.model.dates import PartialDate
from erdq.model.embargo import parse_embargo
from erdq.openurl import parse_openurl
from erdq.resolver import CollectionInfo, HoldingsIndex, Resolver
from erdq.resolver.links import check_template, explanation, target_url

CITATION = parse_openurl(
    "rft.issn=1234-5679&rft.volume=3%2F4&rft.issue=2&rft.spage=10&rft.date=2001"
    "&rft_id=info:doi/10.1000/ab%3Cc%3E"
)


def _url(template, proxy=None, title_url="https://host/t?x=1"):
    return target_url(
        template,
        proxy,
        CITATION,
        title_url=title_url,
        print_identifier="1234-5679",
        online_identifier=None,
        title_id="t1",
    )


def test_templates() -> None:
    assert _url(None) == "https://host/t?x=1"
    assert _url("title_url") == "https://host/t?x=1"
    assert _url("doi") == "https://doi.org/10.1000/ab%3Cc%3E"
    assert _url("https://p.org/o?issn={issn}&v={volume}&i={issue}&s={spage}&d={date}") == (
        "https://p.org/o?issn=1234-5679&v=3%2F4&i=2&s=10&d=2001"
    )
    assert _url("https://p.org/{doi}") == "https://p.org/10.1000%2Fab%3Cc%3E"


def test_doi_dot_segments_are_encoded_so_a_browser_keeps_them() -> None:
    # RFC 3986 5.2.4 removes "." and ".." segments from a path; the DOI
    # 10.1002/x/../../y would then open https://doi.org/y. Encoded, they are data.
    from erdq.resolver.links import doi_path

    assert doi_path("10.1002/x/../../y") == "10.1002/x/%2E%2E/%2E%2E/y"
    assert doi_path("10.1002/./a.b..c") == "10.1002/%2E/a.b..c"  # dots inside a segment stay
    assert doi_path("10.1000/ab<c>") == "10.1000/ab%3Cc%3E"


def test_format_attribute_tricks_are_not_expanded() -> None:
    assert _url("https://p.org/{issn.__class__}") == "https://p.org/{issn.__class__}"


def test_proxy() -> None:
    assert _url(None, "https://ezproxy.example.edu/login?url=") == (
        "https://ezproxy.example.edu/login?url=https://host/t?x=1"
    )
    assert _url(None, "https://proxy.example/{url}") == (
        "https://proxy.example/https%3A%2F%2Fhost%2Ft%3Fx%3D1"
    )


def test_only_web_urls_are_links() -> None:
    assert _url(None, title_url="javascript:alert(1)") is None
    assert _url(None, title_url="https://host/a b") is None
    assert _url(None, title_url=None) is None


def test_check_template() -> None:
    assert check_template("doi") is None
    assert "unknown placeholder" in check_template("https://x/{nope}")
    assert "http" in check_template("ftp://x/{issn}")
    # An unbalanced brace would be sent as it is.
    assert "a brace that opens or closes no placeholder" in check_template("https://x/{issn")
    assert "a brace" in check_template("https://x/issn}")
    assert check_template("https://x/{issn}?v={volume}") is None


def test_explanation() -> None:
    r = CoverageRange(PartialDate(1997), None, None, None, None, None, parse_embargo("P12M").value)
    assert explanation(r, "Example Journals Online") == (
        "Full text 1997–present via Example Journals Online; "
        "the most recent 12 months are embargoed"
    )


def _years(first: int | None, last: int | None, embargo: str | None = None) -> CoverageRange:
    return CoverageRange(
        PartialDate(first) if first else None,
        None,
        None,
        PartialDate(last) if last else None,
        None,
        None,
        parse_embargo(embargo).value if embargo else None,
    )


@pytest.mark.parametrize(
    ("ranges", "expected"),
    [
        # 2005 ends 2005-12-31 and 2006 starts the next day: they touch, one span.
        ([_years(2000, 2005), _years(2006, 2010)], "Full text 2000–2010 via A"),
        ([_years(2006, 2010), _years(2000, 2005)], "Full text 2000–2010 via A"),  # any order
        ([_years(2000, 2008), _years(2005, 2012)], "Full text 2000–2012 via A"),  # overlap
        ([_years(2000, 2005), _years(2003, None)], "Full text 2000–present via A"),
        # 1981 to 1996 are missing: a gap stays a gap.
        ([_years(1950, 1980), _years(1997, None)], "Full text 1950–1980, 1997–present via A"),
        # A range that ends before it starts covers nothing and is not told.
        ([_years(2000, 2005), _years(2012, 2009)], "Full text 2000–2005 via A"),
        (
            [_years(1997, None, "P12M"), _years(1990, 1996, "P12M")],
            "Full text 1990–present via A; the most recent 12 months are embargoed",
        ),
        (
            [_years(1990, 1995), _years(1997, None, "P1Y")],
            "Full text 1990–1995, 1997–present (the most recent year is embargoed) via A",
        ),
    ],
)
def test_explanation_tells_the_titles_coverage_merged(
    ranges: list[CoverageRange], expected: str
) -> None:
    assert explanation(ranges, "A") == expected


def test_service_note_tells_merged_coverage_and_the_match_the_deciding_range() -> None:
    index = HoldingsIndex([CollectionInfo(1, "A")])
    for n, (first, last) in enumerate([("2000", "2005"), ("2006", "2010")], 1):
        index.add(
            portfolio_id=n,
            collection_id=1,
            key="id:t",
            title="J",
            title_id="t",
            print_identifier="1234-5679",
            online_identifier=None,
            title_url="https://a.example/j",
            coverage_depth="fulltext",
            coverage=(first, None, None, last, None, None, None),
        )
    r = Resolver(index.finish(), today=dt.date(2024, 6, 15)).resolve(
        parse_openurl("rft.issn=1234-5679&rft.date=2004")
    )
    (service,) = r.services
    assert service.message == "Full text 2000–2010 via A"
    assert service.coverage.reason == "covered by 2000 – 2005"
    assert service.to_dict()["coverage"]["statement"] == "2000 – 2005; 2006 – 2010"


def _index(*collections: CollectionInfo) -> HoldingsIndex:
    index = HoldingsIndex(collections)
    for i, c in enumerate(collections, 1):
        index.add(
            portfolio_id=i,
            collection_id=c.id,
            key="k",
            title="Same Journal",
            title_id=f"t{i}",
            print_identifier="1234-5679",
            online_identifier=None,
            title_url=f"https://{c.name.lower()}.example/j",
            coverage_depth="fulltext",
            coverage=("1990", None, None, None, None, None, None),
        )
    return index.finish()


def test_preference_orders_services_and_inactive_collections_give_reasons() -> None:
    index = _index(
        CollectionInfo(1, "Aggregator", preference=200),
        CollectionInfo(2, "Publisher", preference=10),
        CollectionInfo(3, "Cancelled", status="inactive"),
    )
    r = Resolver(index, today=dt.date(2024, 6, 15)).resolve(CITATION)
    assert [s.collection.name for s in r.services] == ["Publisher", "Aggregator"]
    (failed,) = [c for c in r.candidates if not c.is_service]
    assert failed.reason == "collection_inactive"


def test_same_url_twice_is_merged() -> None:
    index = HoldingsIndex([CollectionInfo(1, "A"), CollectionInfo(2, "B")])
    for cid in (1, 2):
        index.add(
            portfolio_id=cid,
            collection_id=cid,
            key="k",
            title="J",
            title_id=None,
            print_identifier="1234-5679",
            online_identifier=None,
            title_url="https://same.example/j",
            coverage_depth=None,
            coverage=(None,) * 7,
        )
    r = Resolver(index.finish()).resolve(CITATION)
    assert len(r.services) == 1


def test_doi_prefix_only_where_a_collection_says_so() -> None:
    citation = parse_openurl("rft_id=info:doi/10.1002/xyz.123&rft.date=2020")
    plain = Resolver(_index(CollectionInfo(1, "A"))).resolve(citation)
    assert plain.outcome == "no_service"
    index = _index(CollectionInfo(1, "A"), CollectionInfo(2, "Wiley", doi_prefixes=("10.1002",)))
    r = Resolver(index).resolve(citation)
    (service,) = r.services
    assert service.collection.name == "Wiley"
    assert service.url == "https://doi.org/10.1002/xyz.123"
    assert service.strength == "doi_prefix"


def test_set_collection_validates(tmp_path) -> None:
    from erdq.resolver.admin import set_collection
    from erdq.store import open_store

    with open_store(f"sqlite:///{tmp_path / 's.sqlite'}") as store:
        with pytest.raises(Exception, match="no collection named"):
            set_collection(store.engine, "nope", proxy="https://p/")
        with pytest.raises(InputError, match="unknown placeholder"):
            set_collection(store.engine, "nope", link_template="https://x/{bad}")
