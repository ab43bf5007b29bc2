"""A title-only match respects the publication type and never sends a reader on unseen.

The fresh-user trial: ``genre=article&title=Science&date=1997&volume=275&spage=1320`` was
offered a 1983 e-book called "Science" as covered full text, and ``redirect=1`` sent the
reader there. A journal citation must not title-match a KBART ``monograph``, a book
citation not a ``serial``, and a match by title alone is shown as a menu.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

import pytest
from tests.resolver.conftest import Make, resolver_for

from erdq.openurl import parse_openurl
from erdq.resolver import CollectionInfo, HoldingsIndex, Resolver

TODAY = dt.date(2024, 6, 15)
HEADER = (
    "publication_title\tprint_identifier\tonline_identifier\tdate_first_issue_online\t"
    "num_first_vol_online\tnum_first_issue_online\tdate_last_issue_online\t"
    "num_last_vol_online\tnum_last_issue_online\ttitle_url\tfirst_author\ttitle_id\t"
    "embargo_info\tcoverage_depth\tcoverage_notes\tpublisher_name\tpublication_type\n"
)
# 9780195101386 and 0036-8075 have valid check digits (ISBN-13 mod 10, ISSN mod 11).
BOOK = (
    "Science\t9780195101386\t\t\t\t\t\t\t\thttps://books.example/science\tSmith\tb1\t\t"
    "fulltext\t\tSpringer\tmonograph\n"
)
JOURNAL = (
    "Science\t0036-8075\t\t1880\t1\t\t\t\t\thttps://journals.example/science\t\tj1\t\t"
    "fulltext\t\tAAAS\tserial\n"
)
ARTICLE = "genre=article&title=Science&date=1997&volume=275&spage=1320"


def _kbart(tmp_path: Path, name: str, row: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + row, encoding="utf-8")
    return path


def test_article_citation_does_not_title_match_an_ebook(make_store: Make, tmp_path: Path) -> None:
    store = make_store({"Springer eBooks": _kbart(tmp_path, "b.txt", BOOK)})
    r = resolver_for(store, TODAY).resolve(parse_openurl(ARTICLE))
    assert (r.outcome, r.reason, r.services, r.redirect_url) == (
        "no_service", "no_title_matched", (), None,
    )  # fmt: skip
    expected = (
        "1 title(s) named 'Science' in the holdings are books (monographs) and the request"
        " (genre article) cites a journal (serial), so they were not matched"
    )
    assert expected in r.warnings
    assert r.message == f"no holding matched title 'Science'; {expected}"


def test_each_citation_type_matches_its_own_title(make_store: Make, tmp_path: Path) -> None:
    store = make_store(
        {
            "Springer eBooks": _kbart(tmp_path, "b.txt", BOOK),
            "Science Online": _kbart(tmp_path, "j.txt", JOURNAL),
        }
    )
    resolver = resolver_for(store, TODAY)
    article = resolver.resolve(parse_openurl(ARTICLE))
    assert [(s.collection.name, s.strength) for s in article.services] == [
        ("Science Online", "title")
    ]
    assert article.redirect_url is None  # one service, but matched by title alone
    book = resolver.resolve(parse_openurl("genre=book&title=Science&date=1983"))
    assert [s.collection.name for s in book.services] == ["Springer eBooks"]
    chapter = resolver.resolve(
        parse_openurl(
            "rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.genre=proceeding&rft.btitle=Science"
        )
    )
    assert [s.collection.name for s in chapter.services] == ["Springer eBooks"]
    # A citation that does not say what it is may be either.
    untyped = resolver.resolve(parse_openurl("title=Science"))
    assert sorted(s.collection.name for s in untyped.services) == [
        "Science Online", "Springer eBooks",
    ]  # fmt: skip
    # An identifier match is strong enough to send the reader straight on.
    by_issn = resolver.resolve(parse_openurl("genre=article&issn=0036-8075&date=1997"))
    assert by_issn.redirect_url == "https://journals.example/science"


def test_a_holding_without_publication_type_still_title_matches() -> None:
    index = HoldingsIndex([CollectionInfo(1, "Old Package")])
    index.add(
        portfolio_id=1,
        collection_id=1,
        key="k",
        title="Science",
        title_id=None,
        print_identifier=None,
        online_identifier=None,
        title_url="https://old.example/science",
        coverage_depth=None,
        coverage=(None,) * 7,
        publication_type=None,
    )
    r = Resolver(index.finish(), today=TODAY).resolve(parse_openurl(ARTICLE))
    assert [s.url for s in r.services] == ["https://old.example/science"]
    assert r.redirect_url is None


@pytest.mark.parametrize("cited", ["n/a", "N.A.", "#N/A", "Unknown"])
def test_a_placeholder_title_matches_nothing(cited: str) -> None:
    # Ten books whose KBART title was an Excel lookup error: "#N/A" names no title, so a
    # request citing "n/a" (also "n a" once normalised) is matched to none of them.
    index = HoldingsIndex([CollectionInfo(1, "Books")])
    for n in range(10):
        index.add(
            portfolio_id=n,
            collection_id=1,
            key=f"b{n}",
            title="#N/A",
            title_id=f"b{n}",
            print_identifier=None,
            online_identifier=None,
            title_url=f"https://books.example/{n}",
            coverage_depth="fulltext",
            coverage=(None,) * 7,
            publication_type="monograph",
        )
    result = Resolver(index.finish()).resolve(parse_openurl(f"title={quote(cited)}"))
    assert result.outcome == "no_service" and result.services == ()
