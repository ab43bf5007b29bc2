"""The holdings index: which portfolio rows make one title, and that every row's
identifiers can be matched (``erdq.resolver.index``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.conftest import shared_file
from tests.resolver.conftest import Make, resolver_for

from erdq.availability import RESULT_COLUMNS, run_availability
from erdq.openurl import parse_openurl
from erdq.resolver import CollectionInfo, HoldingsIndex, Resolver

TODAY = dt.date(2024, 6, 15)
HEADER = (
    "publication_title\tprint_identifier\tonline_identifier\tdate_first_issue_online\t"
    "num_first_vol_online\tnum_first_issue_online\tdate_last_issue_online\t"
    "num_last_vol_online\tnum_last_issue_online\ttitle_url\tfirst_author\ttitle_id\t"
    "embargo_info\tcoverage_depth\tnotes\tpublisher_name\tpublication_type\t"
    "date_monograph_published_print\tdate_monograph_published_online\tmonograph_volume\t"
    "monograph_edition\tfirst_editor\tparent_publication_title_id\t"
    "preceding_publication_title_id\taccess_type"
)
# The tester's two rows of one title_id: row A without the eISSN (1950–1980), row B with
# it (1997–). 0003-2409 and 1365-2044 are valid ISSNs (ISO 3297 check digits 9 and 4).
ROW_A = (
    "Journal One\t0003-2409\t\t1950\t\t\t1980\t\t\thttps://a/1\t\tJ1\t\tfulltext\t\tP\t"
    "serial\t\t\t\t\t\t\t\tP"
)
ROW_B = (
    "Journal One\t0003-2409\t1365-2044\t1997\t\t\t\t\t\thttps://a/1\t\tJ1\t\tfulltext\t\tP\t"
    "serial\t\t\t\t\t\t\t\tP"
)
ANNUAL_REVIEWS = ("data", "kbart", "folio", "Testdata_KBART_AnnualReviews.tsv")


def _kbart(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "u.tsv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _availability(tmp_path: Path, store, articles: list[tuple[str, str, str, str]]) -> list:
    """The status of each article, in order, from ``erdq availability`` on the same store."""
    path = tmp_path / "articles.csv"
    lines = ["issn,eissn,date,volume", *(",".join(a) for a in articles)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with run_availability(path, store=store, today=TODAY) as run:
        rows = run.rows()
    i = RESULT_COLUMNS.index("status")
    return [row[i] for row in sorted(rows)]


def test_every_rows_identifiers_are_matched_and_rows_keep_their_own(
    make_store: Make, tmp_path: Path
) -> None:
    store = make_store({"U": _kbart(tmp_path, ROW_A, ROW_B)})
    resolver = resolver_for(store, TODAY)
    # The eISSN is only on row B, the second row of title_id J1: it must still match.
    by_eissn = resolver.resolve(parse_openurl("rft.eissn=1365-2044&rft.date=2015"))
    assert by_eissn.outcome == "service"
    (service,) = by_eissn.services
    assert service.match == "issn 1365-2044"
    assert service.coverage.reason == "covered by 1997 – present"
    # Row A does not carry the eISSN, so its 1950–1980 does not count for it (as in
    # erdq availability, which matches each row's own ISSNs); the print ISSN has both.
    early = resolver.resolve(parse_openurl("rft.eissn=1365-2044&rft.date=1960"))
    assert (early.outcome, early.reason) == ("no_service", "before_coverage")
    by_issn = resolver.resolve(parse_openurl("rft.issn=0003-2409&rft.date=1960"))
    assert by_issn.outcome == "service"
    assert by_issn.services[0].coverage.reason == "covered by 1950 – 1980"
    # Spans of years: 1979-1982 overlaps 1950–1980; 1981-1996 lies between the rows.
    overlapping = resolver.resolve(parse_openurl("rft.issn=0003-2409&rft.date=1979-1982"))
    assert overlapping.outcome == "service"
    between = resolver.resolve(parse_openurl("rft.issn=0003-2409&rft.date=1981-1996"))
    assert (between.outcome, between.reason) == ("no_service", "gap_in_coverage")
    # Same verdicts from erdq availability, article for article.
    verdicts = _availability(
        tmp_path,
        store,
        [
            ("", "1365-2044", "2015", ""),
            ("", "1365-2044", "1960", ""),
            ("0003-2409", "", "1960", ""),
            ("0003-2409", "", "1979-1982", ""),
            ("0003-2409", "", "1981-1996", ""),
        ],
    )
    assert verdicts == ["covered", "not_covered", "covered", "covered", "not_covered"]


@pytest.mark.shared
def test_one_title_id_for_four_journals_gives_four_titles(make_store: Make, tmp_path: Path) -> None:
    # Annual Reviews lines 9-12 (validate: KB702): title_id "biophys" for Annual Review of
    # Biophysics (1936-122X, 2008 v.37 –), its predecessor ... Biomolecular Structure
    # (1056-8700, 1992 v.21 – 2007 v.36) and two earlier titles (0883-9182, 0084-6589).
    store = make_store({"AR": shared_file(*ANNUAL_REVIEWS)})
    resolver = resolver_for(store, TODAY)
    biophys = [h for h in resolver.index.holdings if h.title_id == "biophys"]
    assert sorted(h.print_identifier for h in biophys) == [
        "0084-6589",
        "0883-9182",
        "1056-8700",
        "1936-122X",
    ]
    assert all(len(h.rows) == 1 for h in biophys)

    predecessor = resolver.resolve(parse_openurl("rft.issn=1056-8700&rft.date=2000&rft.volume=29"))
    assert predecessor.outcome == "service"
    (service,) = predecessor.services
    assert service.holding.title == "Annual Review of Biophysics and Biomolecular Structure"
    assert service.coverage.reason == "covered by 1992 v.21 – 2007 v.36"

    # The successor starts in 2008: a 2000 article is not covered, whatever its
    # predecessor has.
    successor = resolver.resolve(parse_openurl("rft.issn=1936-122X&rft.date=2000"))
    assert (successor.outcome, successor.reason) == ("no_service", "before_coverage")
    (failed,) = successor.candidates
    assert failed.holding.title == "Annual Review of Biophysics"
    assert "before the coverage start 2008-01-01" in failed.message
    verdicts = _availability(
        tmp_path, store, [("1056-8700", "", "2000", "29"), ("1936-122X", "", "2000", "")]
    )
    assert verdicts == ["covered", "not_covered"]


def _add(index: HoldingsIndex, n: int, title: str, issn: str | None, eissn: str | None) -> None:
    index.add(
        portfolio_id=n,
        collection_id=1,
        key="id:t",
        title=title,
        title_id="t",
        print_identifier=issn,
        online_identifier=eissn,
        title_url=f"https://x.example/{n}",
        coverage_depth="fulltext",
        coverage=(str(1990 + n), None, None, str(1990 + n), None, None, None),
    )


def test_a_row_sharing_identifiers_with_two_others_joins_them() -> None:
    index = HoldingsIndex([CollectionInfo(1, "C")])
    _add(index, 1, "J", "1234-5679", None)
    _add(index, 2, "J", None, "0003-2409")
    _add(index, 3, "J", "1234-5679", "0003-2409")  # links rows 1 and 2: one title
    _add(index, 4, "Other", "1365-2044", None)  # same title_id, disjoint: another title
    index.finish()
    assert [h.portfolio_ids for h in index.holdings] == [[1, 2, 3], [4]]
    assert index.by_identifier["0003-2409"] == [0]
    assert index.by_identifier["1365-2044"] == [1]


def test_a_row_without_identifiers_joins_the_title_of_its_name() -> None:
    index = HoldingsIndex([CollectionInfo(1, "C")])
    _add(index, 1, "The Journal", "1234-5679", None)
    _add(index, 2, "Other", "1365-2044", None)
    _add(index, 3, "Journal", None, None)  # "The Journal" normalised: the first title
    _add(index, 4, "Unknown", None, None)
    index.finish()
    assert [h.portfolio_ids for h in index.holdings] == [[1, 3], [2], [4]]
    assert index.by_title["journal"] == [0]


@pytest.mark.parametrize("query", ["rft.issn=1234-5679", "rft.jtitle=The Journal"])
def test_identifier_match_keeps_only_the_rows_that_carry_it(query: str) -> None:
    index = HoldingsIndex([CollectionInfo(1, "C")])
    _add(index, 1, "The Journal", "1234-5679", None)  # 1991
    _add(index, 2, "The Journal", "1234-5679", "0003-2409")  # 1992
    _add(index, 3, "The Journal", None, "0003-2409")  # 1993
    index.finish()
    (holding,) = index.holdings
    r = Resolver(index, today=TODAY).resolve(parse_openurl(query))
    (service,) = r.services
    if "issn" in query:
        # Rows 1 and 2 carry 1234-5679; row 3 does not.
        assert service.holding.portfolio_ids == [1, 2]
        # A one-year range's statement prints the year once.
        assert service.to_dict()["coverage"]["statement"] == "1991; 1992"
    else:
        # A title match is not about one identifier: the whole title.
        assert service.holding is holding
