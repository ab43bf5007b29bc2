"""The openurl-domain cases of shared/cases/CASES.md (parsing side), and the parser's edges."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import shared_file

from erdq.model.dates import PartialDate
from erdq.openurl import Citation, parse_openurl
from erdq.openurl.normalise import parse_citation_date, unread_date

pytestmark = pytest.mark.shared


def _lines(name: str) -> list[str]:
    return shared_file("cases", "inputs", name).read_text("utf-8").splitlines()


def test_br017_openurl_01_in_the_wild() -> None:
    c = [parse_openurl(line) for line in _lines("BR-017.openurls.txt")]
    assert [x.version for x in c] == ["0.1"] * 5
    first = c[0]
    assert (first.issns, first.volume, first.issue, str(first.date), first.spage, first.genre) == (
        ("1662-680X",),
        "6",
        "3",
        "2014",
        "291",
        "journal",
    )
    second = c[1]
    assert second.issns == ("0976-8165",)
    assert (second.volume, second.issue) == ("III", "III")  # kept as given ...
    assert (second.volume_number, second.issue_number) == (3, 3)  # ... numbers for matching
    assert second.spage == "1"
    assert c[2].issns == ("1519-6186",)
    assert c[2].spage is None  # empty spage: absent, not 0
    assert not any("spage" in w for w in c[2].warnings)
    assert c[3].issns == ("1303-734X",)
    assert c[4].insufficient and c[4].issns == ()


def test_br019_mixed_dialect_from_an_ill_form() -> None:
    (line,) = _lines("BR-019.openurl.txt")
    c = parse_openurl(line)
    warnings = " | ".join(c.warnings)
    assert c.doi == "10.1126/science.196.4287.293"
    assert "without the info:doi/ prefix" in warnings
    assert c.issns == ("0036-8075",)
    assert (c.volume, c.issue, c.spage, c.epage) == ("196", "4287", "293", "295")
    assert c.date is not None and c.date.year == 1977
    assert "rft.year is not a Z39.88-2004 key" in warnings
    assert "disagrees" not in warnings  # the year agrees with the date: no conflict
    assert c.atitle == ("Ribulose bisphosphate carboxylase: a two-layered, square-shaped molecule")
    assert c.sources == ("OABILL", "InstantILL")
    assert "sid is given 2 times" in warnings
    assert c.aulast == "Ferreira"
    assert "not parsed: 'A. B., Kowalski, M., Osei, K.'" in warnings
    for unknown in ("Action", "Form", "crossref_type"):
        assert unknown in warnings
    assert c.genre is None and "genre 'InstantILL' is not an OpenURL genre" in warnings


SICI = "10.1002/(SICI)1098-2736(199908)36:6<637::AID-TEA4>3.0.CO;2-9"


def test_br021_sici_doi_in_both_encodings() -> None:
    dois = [parse_openurl(line).doi for line in _lines("BR-021.openurls.txt")]
    assert dois == [SICI, SICI]
    both = [parse_openurl(line) for line in _lines("BR-021.openurls.txt")]
    assert all(not c.invalid_identifiers for c in both)  # the DOI passes validation
    lower = parse_openurl("rft_id=info:doi/" + SICI.lower())
    assert lower.doi_key == both[0].doi_key  # compared case-insensitively


def test_br018_both_isbns_kept_in_order() -> None:
    (line,) = _lines("BR-018.openurl.txt")
    assert parse_openurl(line).isbns == ("9780128139592", "9780128139608")


def test_br022_eissn_in_either_key() -> None:
    c = [parse_openurl(line) for line in _lines("BR-022.openurls.txt")]
    assert [x.all_issns for x in c] == [("1941-6008",)] * 3
    assert c[0].eissns == ("1941-6008",) and c[1].issns == ("1941-6008",)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("issn=1662680x", ("1662-680X",)),
        ("rft.issn=1662 680X", ("1662-680X",)),
        ("rft_id=urn:ISSN:1662-680X", ("1662-680X",)),
    ],
)
def test_issn_forms(query: str, expected: tuple[str, ...]) -> None:
    assert parse_openurl(query).issns == expected


def test_wrong_check_digit_is_reported_not_used() -> None:
    c = parse_openurl("issn=1234-5678&volume=3")
    assert c.issns == () and c.invalid_identifiers == ("1234-5678",)
    assert any("wrong check digit (expected 9)" in w for w in c.warnings)


@pytest.mark.parametrize(
    ("isbn", "canonical"),
    [
        ("0-19-510138-3", "9780195101386"),
        ("019510138x", None),
        ("9780195101386", "9780195101386"),
        ("2253002690", "9782253002697"),
    ],
)
def test_isbn_10_and_13(isbn: str, canonical: str | None) -> None:
    c = parse_openurl(f"rft.isbn={isbn}")
    assert c.isbns == ((canonical,) if canonical else ())


@pytest.mark.parametrize(
    ("date", "first", "last"),
    [
        ("2015", "2015-01-01", "2015-12-31"),
        ("2015-12", "2015-12-01", "2015-12-31"),
        ("2015-12-20", "2015-12-20", "2015-12-20"),
        ("2016-02", "2016-02-01", "2016-02-29"),
        ("20100211", "2010-02-11", "2010-02-11"),
        ("1997-3", "1997-03-01", "1997-03-31"),
        ("Spring 2004", "2004-01-01", "2004-12-31"),
    ],
)
def test_partial_dates_are_ranges(date: str, first: str, last: str) -> None:
    d = parse_openurl(f"rft.date={date}").to_dict()
    assert (d["date_from"], d["date_to"]) == (first, last)


def test_a_day_the_month_lacks_is_read_as_the_month_with_a_warning() -> None:
    c = parse_openurl("rft.issn=1234-5679&rft.date=2015-02-30")
    d = c.to_dict()
    assert (d["date_from"], d["date_to"]) == ("2015-02-01", "2015-02-28")
    assert "date '2015-02-30' is not a real day; read as 2015-02" in c.warnings


def test_unreadable_date_is_a_warning() -> None:
    c = parse_openurl("rft.issn=1234-5679&rft.date=sometime")
    assert c.date is None
    # The request had a date, only not a readable one: the warning must not say "no date".
    assert c.warnings == ("date 'sometime' cannot be read, so coverage is not date-checked",)
    assert unread_date(c) == c.warnings[0]


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        # A span of years is the first day of the first year to the last day of the last.
        ("2021-2022", "2021-01-01", "2022-12-31"),
        ("2021/2022", "2021-01-01", "2022-12-31"),
        ("2021-22", "2021-01-01", "2022-12-31"),  # two digits: the same century
        ("2021/22", "2021-01-01", "2022-12-31"),
        ("1998-99", "1998-01-01", "1999-12-31"),
        ("1999-2000", "1999-01-01", "2000-12-31"),
        ("1999-00", "1999-01-01", "2000-12-31"),  # an academic year across a century
        ("2021\u20132022", "2021-01-01", "2022-12-31"),  # an en dash, as copied from a PDF
        ("2021 - 2022", "2021-01-01", "2022-12-31"),
    ],
)
def test_a_span_of_years_is_read_as_its_interval_with_a_warning(
    text: str, first: str, last: str
) -> None:
    date, note = parse_citation_date(text)
    assert date is not None
    assert (date.first_day().isoformat(), date.last_day().isoformat()) == (first, last)
    assert note == f"date {text!r} read as the years {first[:4]} to {last[:4]} ({first} to {last})"
    c = parse_openurl(f"issn=1234-5679&date={quote(text)}")
    d = c.to_dict()
    assert (d["date_from"], d["date_to"]) == (first, last)
    assert unread_date(c) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-12", "2021-12"),  # ISO 8601 year and month, not a span
        ("2021/12", "2021-12"),  # read leniently as that month, as before
        ("2021-2021", "2021"),  # a span of one year is that year
        ("2021-13", "2021"),  # 2013 is before it, 2113 no academic year: the year alone
    ],
)
def test_months_and_one_year_spans_are_not_spans(text: str, expected: str) -> None:
    date, _ = parse_citation_date(text)
    assert type(date) is PartialDate and str(date) == expected


def test_a_span_that_ends_before_it_starts_cannot_be_read() -> None:
    date, note = parse_citation_date("2022-2021")
    assert date is None
    assert note == "date '2022-2021' cannot be read, so coverage is not date-checked"


def test_an_unreadable_date_with_a_readable_year_uses_the_year_and_says_so() -> None:
    c = parse_openurl("issn=1234-5679&date=n.d.&year=2015")
    assert str(c.date) == "2015" and unread_date(c) is None
    assert "date 'n.d.' cannot be read; the year '2015' is used" in c.warnings


def test_a_year_inside_a_span_of_years_does_not_disagree() -> None:
    inside = parse_openurl("rft.issn=1234-5679&rft.date=2021-2022&rft.year=2022")
    assert not any("disagrees" in w for w in inside.warnings)
    outside = parse_openurl("rft.issn=1234-5679&rft.date=2021-2022&rft.year=2023")
    assert "year '2023' disagrees with date '2021-2022'; the date is used" in outside.warnings


def test_latin1_with_ctx_enc() -> None:
    c = parse_openurl("ctx_enc=info:ofi/enc:ISO-8859-1&rft.jtitle=Revue%20fran%E7aise")
    assert c.jtitle == "Revue française"


def test_invalid_utf8_is_a_warning() -> None:
    c = parse_openurl("rft.jtitle=Revue%20fran%E7aise")
    assert c.jtitle == "Revue française"  # read as Windows-1252
    assert any("not valid UTF-8" in w for w in c.warnings)


def test_conflicting_dialects_prefer_10_and_warn() -> None:
    c = parse_openurl("rft.volume=12&volume=13")
    assert c.volume == "12" and c.version == "mixed"
    assert any("kept '12'" in w for w in c.warnings)


def test_title_level_and_empty_request() -> None:
    assert parse_openurl("issn=1234-5679").title_level
    assert not parse_openurl("issn=1234-5679&volume=2").title_level
    empty = parse_openurl("")
    assert empty.insufficient and empty.version is None


def test_xml_entities_are_not_expanded(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
        '<ctx:context-object xmlns:ctx="info:ofi/fmt:xml:xsd:ctx"><ctx:referent>'
        '<ctx:metadata-by-val><ctx:metadata><rft:journal xmlns:rft="info:ofi/fmt:xml:xsd:journal">'
        "<rft:jtitle>&e;</rft:jtitle><rft:issn>1234-5679</rft:issn></rft:journal>"
        "</ctx:metadata></ctx:metadata-by-val></ctx:referent></ctx:context-object>"
    )
    c = parse_openurl(xml)
    assert "TOPSECRET" not in repr(c.to_dict())
    assert c.issns == ("1234-5679",)


def test_broken_xml_does_not_raise() -> None:
    c = parse_openurl("<ctx:context-object><unclosed")
    assert isinstance(c, Citation)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_without_exception(text: str) -> None:
    assert isinstance(parse_openurl(text), Citation)


_KEYS = st.sampled_from(
    [
        "rft.issn",
        "issn",
        "rft.date",
        "date",
        "volume",
        "rft.volume",
        "rft_id",
        "id",
        "sid",
        "rft.isbn",
        "isbn",
        "pages",
        "rft.pages",
        "aulast",
        "genre",
        "rft_val_fmt",
        "ctx_enc",
        "rft.year",
        "&amp;",
        "url_ctx_fmt",
        "url_ctx_val",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_KEYS, st.text(max_size=40)), max_size=12))
def test_any_key_value_soup_parses(pairs: list[tuple[str, str]]) -> None:
    query = "&".join(f"{k}={v}" for k, v in pairs)
    c = parse_openurl(query)
    c.to_dict()  # every field can be rendered


@pytest.mark.parametrize(
    ("text", "expected", "note"),
    [
        # Six digits: a year and a month, as 20151220 is a year, month and day.
        ("202306", "2023-06", "date '202306' read as 2023-06"),
        # Eight digits that are no day: the year is still the citation's.
        ("20151301", "2015", "date '20151301' is not a real day; read as the year 2015"),
        # A season across the turn of a year: both years.
        ("Winter 2023-2024", "2023-2024",
         "date 'Winter 2023-2024' read as the years 2023 to 2024"),
    ],
)  # fmt: skip
def test_compact_months_and_seasons_are_read(text: str, expected: str, note: str) -> None:
    date, said = parse_citation_date(text)
    assert date is not None and said == note
    shown = str(date) if type(date) is PartialDate else f"{date.year}-{date.last_year}"
    assert shown == expected
