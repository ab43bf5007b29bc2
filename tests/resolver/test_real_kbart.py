"""Citations built from real rows of the shared KBART files, resolved through the store."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.conftest import shared_file
from tests.resolver.conftest import resolver_for

from erdq.openurl import parse_openurl
from erdq.resolver import Resolver
from erdq.store import open_store

pytestmark = pytest.mark.shared
TODAY = dt.date(2024, 6, 15)
# PROJECTMUSE row 4: French Historical Studies, 0016-1071 / 1527-5493, 1999 v.22 – 2004 v.27.
FHS_URL = "https://muse.jhu.edu/journal/62"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Resolver:
    files = {
        "Project MUSE": shared_file(
            "data", "kbart", "ezpaarse", "PROJECTMUSE_GLOBAL_ALLJOURNALS_2026-03-24.txt"
        ),
        "Europresse": shared_file(
            "data", "kbart", "ezpaarse", "EUROPRESSE_GLOBAL_BIBESR_2026-03-18.txt"
        ),
    }
    path = tmp_path_factory.mktemp("real") / "s.sqlite"
    with open_store(f"sqlite:///{path}") as store:
        for name, file in files.items():
            store.import_kbart(file, collection=name)
        return resolver_for(store, TODAY)


def _resolve(resolver: Resolver, query: str):
    return resolver.resolve(parse_openurl(query))


def test_inside_coverage(resolver: Resolver) -> None:
    r = _resolve(resolver, "rft.issn=0016-1071&rft.date=2001&rft.volume=24&rft.genre=article")
    assert r.outcome == "service"
    (service,) = r.services
    assert (service.collection.name, service.holding.title_id, service.url) == (
        "Project MUSE",
        "597",
        FHS_URL,
    )
    assert service.message == "Full text 1999–2004 via Project MUSE"


def test_the_eissn_cited_as_issn(resolver: Resolver) -> None:
    r = _resolve(resolver, "issn=15275493&date=2003&volume=26")
    assert r.outcome == "service" and r.services[0].url == FHS_URL


def test_before_coverage(resolver: Resolver) -> None:
    r = _resolve(resolver, "rft.issn=0016-1071&rft.date=1998&rft.volume=21")
    assert (r.outcome, r.reason) == ("no_service", "before_coverage")
    assert "1999" in r.message


def test_after_coverage(resolver: Resolver) -> None:
    r = _resolve(resolver, "rft.issn=0016-1071&rft.date=2010&rft.volume=33")
    assert (r.outcome, r.reason) == ("no_service", "after_coverage")
    assert "2004-12-31" in r.message


def test_inside_the_moving_wall(resolver: Resolver) -> None:
    # Europresse row 115: Canadian Geotechnical Journal 0008-3674, 2010–, embargo R365D.
    inside = _resolve(resolver, "rft.issn=0008-3674&rft.date=2024-01-10")
    assert inside.outcome == "service"
    assert "only the most recent 365 days are available" in inside.services[0].message
    behind = _resolve(resolver, "rft.issn=0008-3674&rft.date=2020-05-01")
    assert (behind.outcome, behind.reason) == ("no_service", "before_coverage")
    assert "moving wall" in behind.message


def test_wrong_issn_check_digit(resolver: Resolver) -> None:
    r = _resolve(resolver, "rft.issn=0016-1070&rft.date=2001")
    assert (r.outcome, r.reason) == ("no_service", "invalid_identifier")
    assert r.citation.invalid_identifiers == ("0016-1070",)
    assert any("wrong check digit (expected 1)" in w for w in r.warnings)


def test_wrong_check_digit_with_a_title_falls_back_to_a_marked_title_match(
    resolver: Resolver,
) -> None:
    r = _resolve(resolver, "rft.issn=0016-1070&rft.jtitle=French+Historical+Studies&rft.date=2001")
    assert r.outcome == "service"
    assert r.services[0].strength == "title"
    assert "matched by title only" in r.services[0].message


def test_title_only(resolver: Resolver) -> None:
    r = _resolve(resolver, "rft.jtitle=The+French+Historical+Studies")
    assert r.citation.title_level
    assert r.outcome == "service"
    assert {s.url for s in r.services} == {FHS_URL}
    assert all(s.strength == "title" for s in r.services)


def test_unknown_title(resolver: Resolver) -> None:
    r = _resolve(resolver, "rft.issn=1662-680X&rft.date=2014")
    assert (r.outcome, r.reason) == ("no_service", "no_title_matched")
    d = r.to_dict()
    assert d["no_service_reasons"][0]["reason"] == "no_title_matched"
