"""What a citation says about its publication type, and how invalid identifiers are shown.

Expected types follow Z39.88-2004: rft_val_fmt decides (the journal and the book format
both have the genres "proceeding" and "conference"); without a format the genre is read as
in OpenURL 0.1, where a proceeding or conference is published in a journal or serial.
"""

from __future__ import annotations

import pytest

from erdq.openurl import parse_openurl

JOURNAL = "rft_val_fmt=info:ofi/fmt:kev:mtx:journal"
BOOK = "rft_val_fmt=info:ofi/fmt:kev:mtx:book"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("genre=article&title=Science&date=1997&volume=275&spage=1320", "serial"),
        ("genre=journal&title=Science", "serial"),
        ("rft.genre=issue&rft.jtitle=Science", "serial"),
        ("genre=proceeding&title=Proc", "serial"),  # 0.1: a paper in a journal or serial
        ("genre=conference&title=Proc", "serial"),
        ("genre=preprint&title=Proc", "serial"),
        (f"{JOURNAL}&rft.jtitle=Science", "serial"),
        (f"{JOURNAL}&rft.genre=conference&rft.jtitle=Proc", "serial"),
        ("genre=book&title=Science", "monograph"),
        ("genre=bookitem&title=Handbook&atitle=Chapter", "monograph"),
        ("rft.genre=report&rft.title=Annual", "monograph"),
        ("rft.genre=document&rft.title=Leaflet", "monograph"),
        (f"{BOOK}&rft.btitle=Science", "monograph"),
        (f"{BOOK}&rft.genre=proceeding&rft.btitle=Proc", "monograph"),  # 1.0 book format
        ("title=Science", None),
        ("genre=unknown&title=Science", None),
        ("rft_val_fmt=info:ofi/fmt:kev:mtx:dissertation&rft.title=Thesis", None),
    ],
)
def test_publication_type(query: str, expected: str | None) -> None:
    assert parse_openurl(query).publication_type == expected


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        # 1600-613X: the check digit of 1600613 is 5 (weights 8..2 give 83; 11 - 83 % 11).
        ("issn=1600613X", ("1600-613X",)),
        ("issn=1600613x&eissn=1600-613X", ("1600-613X",)),  # one identifier, listed once
        ("rft_id=urn:ISSN:1600%20613X", ("1600-613X",)),
        ("isbn=0-19-510138-4", ("0195101384",)),  # 0-19-510138-3 is the valid one
        ("issn=abc", ("abc",)),
    ],
)
def test_invalid_identifiers_in_display_form(query: str, shown: tuple[str, ...]) -> None:
    citation = parse_openurl(query)
    assert citation.invalid_identifiers == shown
    assert citation.to_dict()["invalid_identifiers"] == list(shown)
