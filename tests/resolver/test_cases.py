"""The resolver-relevant coverage and openurl cases of shared/cases/CASES.md, resolved
through a store: import the case's KBART file, resolve its OpenURLs on 2024-06-15."""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY, shared_file
from tests.resolver.conftest import Make, resolver_for

from erdq.openurl import parse_openurl

pytestmark = pytest.mark.shared
TEMPLATE = "https://example.org/link?issn={issn}&eissn={eissn}&isbn={isbn}&v={volume}"


def _case(name: str):
    return shared_file("cases", "inputs", name)


def _openurls(name: str) -> list[tuple[str, str]]:
    out = []
    for line in _case(name).read_text("utf-8").splitlines():
        query, _, expected = line.partition("\t")
        out.append((query, expected))
    return out


def _citations(name: str) -> list[tuple[str, str]]:
    rows = [r for r in _case(name).read_text("utf-8").splitlines() if not r.startswith("#")]
    out = []
    for row in rows[1:]:
        issn, date, expected = row.split("\t")
        out.append((f"rft.issn={issn}&rft.date={date}", expected))
    return out


def _status(resolution) -> str:
    """covered / embargoed / not_covered, as the case files say, from the one candidate."""
    (candidate,) = resolution.candidates
    return str(candidate.coverage.status)


def test_br010_gap_in_coverage_survives(make_store: Make) -> None:
    store = make_store({"gq": _case("BR-010.kbart.txt")}, template=TEMPLATE)
    resolver = resolver_for(store, CASE_DAY)
    results = [
        (resolver.resolve(parse_openurl(q)), exp) for q, exp in _openurls("BR-010.openurls.txt")
    ]
    assert [_status(r) for r, _ in results] == [exp for _, exp in results]
    assert [exp for _, exp in results] == [
        "covered", "not_covered", "covered", "covered", "not_covered",
    ]  # fmt: skip
    gap = results[1][0]
    assert gap.outcome == "no_service" and gap.reason == "gap_in_coverage"
    assert "1997 v.35 no.1" in gap.message and "1997 v.35 no.3 – 1998 v.36 no.2" in gap.message
    assert results[4][0].reason == "after_coverage"
    covered = results[0][0]
    assert covered.outcome == "service"
    (service,) = covered.services
    assert len(service.holding.portfolio_ids) == 2  # both lines, one title, one service
    coverage = service.to_dict()["coverage"]
    assert coverage["statement"] == "1997 v.35 no.1; 1997 v.35 no.3 – 1998 v.36 no.2"


def test_br012_partial_dates_both_sides(make_store: Make) -> None:
    store = make_store({"pdm": _case("BR-012.kbart.txt")}, template=TEMPLATE)
    resolver = resolver_for(store, CASE_DAY)
    cases = _citations("BR-012.citations.tsv")
    got = [_status(resolver.resolve(parse_openurl(q))) for q, _ in cases]
    assert got == [exp for _, exp in cases]
    assert got == ["covered", "covered", "covered", "covered", "not_covered", "not_covered"]


def test_br013_dates_are_checked(make_store: Make) -> None:
    store = make_store({"agg": _case("BR-013.kbart.txt")}, template=TEMPLATE)
    resolver = resolver_for(store, CASE_DAY)
    (late, early) = [
        resolver.resolve(parse_openurl(q)) for q, _ in _openurls("BR-013.openurls.txt")
    ]
    assert late.outcome == "no_service" and late.reason == "after_coverage"
    assert late.services == ()
    assert "2005-12-31" in late.message
    assert early.outcome == "service"
    assert _status(early) == "covered"


def test_br014_calendar_embargoes(make_store: Make) -> None:
    store = make_store({"emb": _case("BR-014.kbart.txt")}, template=TEMPLATE)
    resolver = resolver_for(store, CASE_DAY)
    cases = _citations("BR-014.citations.tsv")
    results = [resolver.resolve(parse_openurl(q)) for q, _ in cases]
    assert [_status(r) for r in results] == [exp for _, exp in cases]
    assert [_status(r) for r in results] == [
        "covered", "covered", "embargoed", "not_covered", "covered", "covered", "embargoed",
    ]  # fmt: skip
    assert [r.reason for r in results] == [
        None, None, "embargoed", "before_coverage", None, None, "embargoed",
    ]  # fmt: skip
    note = results[0].services[0].message
    assert note == "Full text 2000–present via emb; the most recent year is embargoed"


def test_br015_style_title_level_request_is_not_date_filtered(make_store: Make) -> None:
    store = make_store({"agg": _case("BR-013.kbart.txt")}, template=TEMPLATE)
    resolution = resolver_for(store, CASE_DAY).resolve(parse_openurl("issn=1234-5679"))
    assert resolution.citation.title_level
    assert resolution.outcome == "service"


def test_br017_insufficient_metadata(make_store: Make) -> None:
    store = make_store({"agg": _case("BR-013.kbart.txt")}, template=TEMPLATE)
    line = _case("BR-017.openurls.txt").read_text().splitlines()[4]
    resolution = resolver_for(store, CASE_DAY).resolve(parse_openurl(line))
    assert resolution.outcome == "insufficient_metadata"
    assert resolution.reason == "insufficient_metadata"


def test_br018_repeated_isbn_matches_via_the_second(make_store: Make) -> None:
    store = make_store({"books": _case("BR-018.kbart.txt")}, template=TEMPLATE)
    query = _case("BR-018.openurl.txt").read_text().strip()
    resolution = resolver_for(store, CASE_DAY).resolve(parse_openurl(query))
    assert resolution.outcome == "service"
    (service,) = resolution.services
    assert service.holding.title == "Methods in Invented Enzymology, Part B"
    assert service.match == "isbn 9780128139608"
    assert "isbn=9780128139608" in service.url


def test_br018_without_a_url_says_so(make_store: Make) -> None:
    store = make_store({"books": _case("BR-018.kbart.txt")})  # no template, no title_url
    query = _case("BR-018.openurl.txt").read_text().strip()
    resolution = resolver_for(store, CASE_DAY).resolve(parse_openurl(query))
    assert resolution.outcome == "no_service" and resolution.reason == "no_url"
    assert resolution.candidates[0].match == "isbn 9780128139608"


def test_br022_only_the_eissn_is_known(make_store: Make) -> None:
    store = make_store({"rip": _case("BR-022.kbart.txt")}, template=TEMPLATE)
    resolver = resolver_for(store, CASE_DAY)
    for query, _ in _openurls("BR-022.openurls.txt"):
        resolution = resolver.resolve(parse_openurl(query))
        assert resolution.outcome == "service", query
        assert resolution.services[0].holding.title_id == "rip"
        assert "eissn=1941-6008" in resolution.services[0].url
