"""Every real OpenURL in shared/data/openurl parses, to the citation stated here.

The expected values were written from reading each input line, not from running the code.
Keys left out of an expectation must be empty (no identifier invented).
"""

from __future__ import annotations

import pytest
import yaml
from tests.conftest import DATA, shared_file

from erdq.openurl import parse_openurl

pytestmark = pytest.mark.shared

J, BK = "journal", "book"
# line → expected identifiers, date, volume, issue, genre (absent key = empty/None).
EXPECTED: dict[int, dict[str, object]] = {
    1: {"isbn": ["9781429233231"], "date": "2008", "genre": "book", "format": BK},
    2: {"issn": ["1381-6128"], "date": "2010-02-11", "volume": "16", "issue": "5",
        "genre": "article", "spage": "538"},
    3: {"issn": ["1757-9694"], "doi": "10.1039/b814549k", "date": "2009", "volume": "1",
        "issue": "1", "genre": "article", "format": J},
    4: {"issn": ["1040-676X"], "date": "2005", "volume": "17", "issue": "24"},
    5: {"issn": ["0002-7820"], "date": "1977", "volume": "60", "issue": "11-1",
        "genre": "article", "format": J},
    6: {"issn": ["1175-5652"], "date": "2010", "volume": "8", "issue": "6", "genre": "article",
        "format": J, "spage": "361"},
    7: {"pmid": "1757671", "volume": "100", "issue": "4", "genre": "article", "format": J},
    8: {"genre": "bookitem", "format": BK},
    9: {"isbn": ["9780313358647"], "date": "2009-01-01", "genre": "bookitem"},
    10: {"pmid": "20934682", "genre": "journal"},
    11: {"isbn": ["9780195101386"], "oclcnum": "34576818", "date": "1996", "genre": "book",
         "format": BK},
    12: {"issn": ["0098-7484"], "genre": "journal", "format": J},
    13: {"isbn": ["9780759113473"], "date": "2011", "genre": "book"},
    14: {"isbn": ["9780205830763"], "oclcnum": "653483714", "lccn": "2010032819",
         "date": "2012", "genre": "book", "format": BK},
    15: {"lccn": "12022977", "date": "1912", "genre": "book", "format": BK},
    16: {"genre": "article"},
    17: {"issn": ["1532-2882"], "doi": "10.1002/asi.21032", "date": "2009-05-01",
         "volume": "60", "issue": "5", "genre": "article", "format": J},
    18: {"date": "1797", "genre": "book"},
    19: {"format": "dissertation"},
    20: {"issn": ["0265-8135"], "eissn": ["1472-3417"], "date": "1998", "volume": "25",
         "issue": "2", "genre": "article", "format": J},
    21: {"issn": ["0025-1909"], "eissn": ["1526-5501"], "doi": "10.2307/779711",
         "date": "1998", "volume": "44", "issue": "11", "genre": "article", "format": J},
    22: {"issn": ["0025-1909"], "eissn": ["1526-5501"], "doi": "10.1287/mnsc.47.1.1.10668",
         "date": "2001", "volume": "47", "issue": "1", "genre": "article", "format": J},
    23: {"issn": ["0025-1909"], "eissn": ["1526-5501"], "doi": "10.1287/mnsc.48.8.1042.171",
         "date": "2003", "volume": "48", "issue": "8", "genre": "article", "format": J},
    24: {"issn": ["0022-2429"], "eissn": ["1547-7185"], "doi": "10.2307/1252110",
         "date": "1999", "volume": "63", "issue": "4", "genre": "article", "format": J},
    25: {"issn": ["1047-7039"], "eissn": ["1526-5455"], "doi": "10.1287/orsc.11.2.212.12511",
         "date": "2000", "volume": "11", "issue": "2", "genre": "article", "format": J},
    26: {"genre": "journal", "format": J},
    27: {"genre": "journal", "format": J},
    28: {"genre": "journal", "format": J},
    29: {"format": J},
    30: {"date": "1985", "genre": "book", "format": BK},  # the ISBN belongs to rfe, not rft
    31: {"issn": ["0029-7917"], "date": "2012", "volume": "64", "issue": "5",
         "genre": "article", "format": J},
    32: {"doi": "10.1126/science.275.5304.1320", "pmid": "9036860", "date": "1997",
         "volume": "275", "genre": "article", "format": J},
    33: {"doi": "10.1136/acupmed-2012-010183"},
    34: {"other_ids": ["info:pii/S0143-0807(98)90774-7"]},
    35: {"issn": ["0964-5284"], "volume": "30", "issue": "4", "spage": "298"},
    36: {"oclcnum": "1", "date": "1963", "genre": "book", "format": BK},
    37: {"doi": "10.1126/science.275.5304.1320", "pmid": "9036860", "date": "1997",
         "volume": "275", "genre": "article"},
}  # fmt: skip
CHECKED = (
    "issn",
    "eissn",
    "isbn",
    "doi",
    "pmid",
    "oclcnum",
    "lccn",
    "other_ids",
    "date",
    "volume",
    "issue",
    "genre",
    "format",
)
EMPTY = {"issn": [], "eissn": [], "isbn": [], "other_ids": []}


def _lines() -> list[str]:
    return shared_file("data", "openurl", "openurl_examples.txt").read_text("utf-8").splitlines()


def test_every_line_has_an_expectation() -> None:
    assert len(_lines()) == len(EXPECTED) == 37


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_example_parses_to_the_expected_citation(number: int) -> None:
    citation = parse_openurl(_lines()[number - 1]).to_dict()
    expected = EXPECTED[number]
    for key in CHECKED:
        assert citation[key] == expected.get(key, EMPTY.get(key)), (number, key)
    if "spage" in expected:
        assert citation["spage"] == expected["spage"]


def test_the_tsv_holds_the_same_strings() -> None:
    rows = shared_file("data", "openurl", "openurl_examples.tsv").read_text("utf-8").splitlines()
    assert [r.split("\t", 5)[5] for r in rows[1:]] == _lines()


def test_html_escaped_ampersand_inside_a_value_is_kept() -> None:
    citation = parse_openurl(_lines()[19])
    assert citation.jtitle == "Environment and planning. B, Planning & design"
    assert any("&amp;" in w for w in citation.warnings)


def test_raw_non_ascii_and_unencoded_spaces() -> None:
    citation = parse_openurl(_lines()[9])
    assert citation.title is not None and "34⁰(/)⁷" in citation.title
    assert parse_openurl(_lines()[34]).authors == ("Richard James Clark",)


def test_percent_encoded_utf8_with_ctx_enc() -> None:
    citation = parse_openurl(_lines()[29])
    assert citation.btitle == "Dépendances et niveaux de représentation en syntaxe"


XML_EXPECTED = {
    "yu.xml": {"issn": ["0146-9592"], "doi": "10.1364/OL.29.000017", "pmid": "14719646",
               "date": "2004-12-31", "volume": "29", "issue": "1", "format": J,
               "jtitle": "Optics letters", "aulast": "Yu",
               "sources": ["info:sid/metalib.com:PUBMED"]},
    "scholarly_au_ctx.xml": {"oclcnum": "2416076", "lccn": "34025476", "genre": "unknown",
                             "format": BK, "title": "The adventures of Tom Sawyer"},
    "dc_ctx.xml": {"doi": "10.1086/508789", "date": "2007-02-27", "format": "dc"},
    "marc_ctx.xml": {"isbn": ["9780152038656"], "date": "1993", "format": "marc"},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(XML_EXPECTED))
def test_xml_context_objects(name: str) -> None:
    path = shared_file("data", "openurl", "ctx_xml", name)
    citation = parse_openurl(path.read_bytes()).to_dict()
    assert citation["syntax"] == "xml"
    for key, value in XML_EXPECTED[name].items():
        assert citation[key] == value, key


def test_undefined_entity_is_a_warning_not_a_crash() -> None:
    citation = parse_openurl(shared_file("data", "openurl", "ctx_xml", "dc_ctx.xml").read_text())
    assert any("copy" in w for w in citation.warnings)


def test_metalib_post_with_xml_in_url_ctx_val() -> None:
    from urllib.parse import urlencode

    text = shared_file("data", "openurl", "ctx_xml", "metalib_sap2_post_params.yml").read_text()
    inner = yaml.safe_load('"' + text.rstrip("\n"))  # the file is a quoted YAML document

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_mapping(node))
    params = yaml.load(inner, Loader=Loader)
    assert params["url_ctx_val"].startswith(" \r\n")  # the noise the real POST carried
    citation = parse_openurl(urlencode(params))
    assert citation.syntax == "xml"
    assert citation.issns == ("0005-7959",)
    assert (str(citation.date), citation.volume, citation.issue, citation.spage) == (
        "2008",
        "145",
        "1",
        "25",
    )
    assert citation.aulast == "Cooper Jr"


def test_data_folder_is_where_conftest_says() -> None:
    assert (DATA / "openurl").name == "openurl"
