"""Hand-made holdings for the availability tests (evaluation day 2024-06-15).

Journal 1234-5679 / 2049-3630 "Journal of Invented Studies": in "Alpha", 2001 v.1 –
2010 v.10 and 2015 – present with embargo P1Y (so available 2015-01-01 – 2023-12-31);
in "Beta", 2008 – 2012. Journal 0317-8471 "Volume Quarterly" in "Alpha": volumes 5 – 9
only, no dates.
"""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from erdq.model.portfolio import Portfolio, row_to_portfolio

DAY = dt.date(2024, 6, 15)
ARTICLE_FIELDS = ("doi", "issn", "eissn", "date", "volume", "issue", "title", "available")


def _portfolio(collection: str, *rows: dict[str, str]) -> Portfolio:
    first, *rest = [row_to_portfolio(r, collection, line=2) for r in rows]
    coverage = first.coverage + tuple(r for p in rest for r in p.coverage)
    fields = {n: getattr(first, n) for n in Portfolio.__dataclass_fields__}
    return Portfolio(**{**fields, "coverage": coverage})


JIS = {"publication_title": "Journal of Invented Studies", "print_identifier": "1234-5679",
       "online_identifier": "2049-3630", "title_id": "jis"}  # fmt: skip
HOLDINGS = [
    _portfolio(
        "Alpha",
        {
            **JIS,
            "date_first_issue_online": "2001",
            "num_first_vol_online": "1",
            "date_last_issue_online": "2010",
            "num_last_vol_online": "10",
        },
        {**JIS, "date_first_issue_online": "2015", "embargo_info": "P1Y"},
    ),
    _portfolio(
        "Beta", {**JIS, "date_first_issue_online": "2008", "date_last_issue_online": "2012"}
    ),
    _portfolio(
        "Alpha",
        {
            "publication_title": "Volume Quarterly",
            "print_identifier": "0317-8471",
            "num_first_vol_online": "5",
            "num_last_vol_online": "9",
        },
    ),
]

# (article, expected available, status, reason, collection), worked out by hand; available
# is None (unknown) for an article that cannot be judged.
CASES = [
    ({"issn": "1234-5679", "date": "2005-03"}, True, "covered", "covered", "Alpha"),
    ({"eissn": "20493630", "date": "2011"}, True, "covered", "covered", "Beta"),
    ({"issn": "1234-5679", "date": "1999"}, False, "not_covered", "before_coverage", None),
    ({"issn": "1234-5679", "date": "2013-06"}, False, "not_covered", "gap", None),
    ({"issn": "1234-5679", "date": "2020-01-05"}, True, "covered", "covered", "Alpha"),
    ({"issn": "1234-5679", "date": "2024-02"}, False, "embargoed", "embargoed", "Alpha"),
    ({"issn": "1234-5679", "date": "2010", "volume": "11"}, True, "covered", "covered", "Beta"),
    ({"issn": "1234-5679", "date": "2009", "volume": "12"}, True, "covered", "covered", "Beta"),
    ({"issn": "0317-8471", "volume": "7", "issue": "2"}, True, "covered", "covered", "Alpha"),
    ({"issn": "0317-8471", "volume": "4"}, False, "not_covered", "before_coverage", None),
    (
        {"issn": "0317-8471", "volume": "10", "date": "2020"},
        False,
        "not_covered",
        "after_coverage",
        None,
    ),
    ({"issn": "03178471"}, True, "covered", "title_level", "Alpha"),
    ({"issn": "2434-561X", "date": "2005"}, False, "not_covered", "no_journal", None),
    ({"doi": "10.1/x", "date": "2005"}, None, "not_judged", "no_identifier", None),
    # No date can be read from these, so the article is not judged (issue: they were
    # read as title-level requests, which any coverage satisfies).
    ({"issn": "1234-5679", "date": "n.d."}, None, "not_judged", "unreadable_date", None),
    (
        {"issn": "1234-5679", "date": "0000", "volume": "5"},
        None,
        "not_judged",
        "unreadable_date",
        None,
    ),
    # Read as the link resolver reads a cited date: 20151220 is 2015-12-20 (inside Alpha's
    # 2015-01-01 – 2023-12-31); [2009] and 2005-13-45 are the years 2009 and 2005 (Alpha's
    # 2001 – 2010; Beta's 2008 – 2012 covers 2009 too, Alpha is first by name).
    ({"issn": "1234-5679", "date": "20151220"}, True, "covered", "covered", "Alpha"),
    ({"issn": "1234-5679", "date": "[2009]"}, True, "covered", "covered", "Alpha"),
    (
        {"issn": "1234-5679", "date": "2005-13-45", "volume": "5"},
        True,
        "covered",
        "covered",
        "Alpha",
    ),
    # 1234-5678: the weighted sum 8·1+7·2+…+2·7 = 112 ≡ 2 (mod 11) asks for check digit 9.
    ({"issn": "1234-5678", "date": "2005"}, None, "not_judged", "invalid_identifier", None),
    (
        {"issn": "n/a", "eissn": " ", "date": "2005"},
        None,
        "not_judged",
        "invalid_identifier",
        None,
    ),
    # An invalid ISSN beside a valid eISSN: matched by the eISSN.
    (
        {"issn": "1234-5678", "eissn": "2049-3630", "date": "2005"},
        True,
        "covered",
        "covered",
        "Alpha",
    ),
]


def write_cases(path, cases=None):
    """The articles of ``cases`` (default: CASES) as an articles CSV file at ``path``."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, ARTICLE_FIELDS, lineterminator="\n")
        writer.writeheader()
        for article, *_ in CASES if cases is None else cases:
            writer.writerow({k: article.get(k, "") for k in ARTICLE_FIELDS})
    return path


@pytest.fixture
def cases_file(tmp_path):
    path = tmp_path / "articles.csv"
    write_cases(path)
    return path


# A coverage end that cannot be read ("2005-13") is not "to the present" (issue: an
# article of 2020 was covered by it). Journal 0028-0836 is in "Gamma" from 1990 v.1 to an
# unreadable end, and in "Delta" 2010 – 2012; journal 0317-8471 in "Gamma" from 2000 under
# an embargo that cannot be read ("12 months").
NATURE = {"publication_title": "Nature", "print_identifier": "0028-0836", "title_id": "n"}
UNREADABLE_HOLDINGS = [
    _portfolio(
        "Gamma",
        {**NATURE, "date_first_issue_online": "1990", "num_first_vol_online": "1",
         "date_last_issue_online": "2005-13"},
    ),
    _portfolio("Delta", {**NATURE, "date_first_issue_online": "2010",
                         "date_last_issue_online": "2012"}),
    _portfolio(
        "Gamma",
        {"publication_title": "Volume Quarterly", "print_identifier": "0317-8471",
         "date_first_issue_online": "2000", "embargo_info": "12 months"},
    ),
]  # fmt: skip
UNREADABLE_CASES = [
    # The readable start still rules out what is before it.
    ({"issn": "0028-0836", "date": "1950"}, False, "not_covered", "before_coverage", None),
    # Inside the readable start and an unreadable end: not judged, and by which collection.
    ({"issn": "0028-0836", "date": "2020"}, None, "not_judged", "coverage_unreadable", "Gamma"),
    # Another collection covers it: covered, whatever Gamma's end is.
    ({"issn": "0028-0836", "date": "2011"}, True, "covered", "covered", "Delta"),
    # No date: the dates do not come into it (Delta, with no volumes, covers it too).
    ({"issn": "0028-0836", "volume": "3"}, True, "covered", "covered", "Delta"),
    ({"issn": "0028-0836"}, True, "covered", "title_level", "Delta"),
    # An embargo that cannot be read: a recent article cannot be judged, nor an old one.
    ({"issn": "0317-8471", "date": "2024-03"}, None, "not_judged", "coverage_unreadable",
     "Gamma"),
    ({"issn": "0317-8471", "date": "1999"}, False, "not_covered", "before_coverage", None),
]  # fmt: skip


# A range whose bounds are issues given to the day (Risk, Decision and Policy in
# Cambridge's file: 2000-04-01 v.5 no.01 – 2002-12-01 v.7 no.03). An article cited with
# a volume is placed by its volume and issue, its date counting by the year only: its
# own date may be days from its issue's.
RDP = {"publication_title": "Risk, Decision and Policy", "print_identifier": "1357-5309"}
ISSUE_HOLDINGS = [
    _portfolio(
        "Cambridge",
        {**RDP, "date_first_issue_online": "2000-04-01", "num_first_vol_online": "5",
         "num_first_issue_online": "01", "date_last_issue_online": "2002-12-01",
         "num_last_vol_online": "7", "num_last_issue_online": "03"},
    ),
]  # fmt: skip
ISSUE_CASES = [
    ({"issn": "1357-5309", "date": "2002-12-15", "volume": "7", "issue": "3"}, True,
     "covered", "covered", "Cambridge"),
    ({"issn": "1357-5309", "date": "2000-03-28", "volume": "5", "issue": "1"}, True,
     "covered", "covered", "Cambridge"),
    # Without a volume the date decides, to the day.
    ({"issn": "1357-5309", "date": "2002-12-15"}, False, "not_covered", "after_coverage",
     None),
    # The next year, or the next volume, is after the range whatever else is cited.
    ({"issn": "1357-5309", "date": "2003-01-10", "volume": "7", "issue": "3"}, False,
     "not_covered", "after_coverage", None),
    ({"issn": "1357-5309", "date": "2002-06", "volume": "8"}, False, "not_covered",
     "after_coverage", None),
]  # fmt: skip
