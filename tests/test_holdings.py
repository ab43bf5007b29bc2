"""The holdings file for the central index (erdq.holdings, rules HL1xx), on real KBART files.

Expected values are worked out by hand from the rows of the shared files:

* Wiley line 1082 "The Journal of Law, Medicine and Ethics" 1073-1105 / 1748-720X,
  1973 v.1 no.1 – 2015 v.43 no.4, and CUP line 318 "Journal Of Law, Medicine & Ethics",
  the same ISSNs, 2018-04-01 v.46 no.1 – present: one title, two ranges (the gap
  2016–2018-03 stays); the titles tie, so the alphabetically first is published.
* Acta Neuropsychiatrica: Wiley 2002 v.14 no.1 – 2012 v.24 no.6, CUP 2009-02-01 v.21
  no.1 – present, Cambridge 2015 2002-02-01 v.14 no.01 – present (1601-5215 given as
  print ISSN there): merged into 2002 v.14 no.1 – present.
* Wiley line 645 "Nutrition in Clinical Care": online_identifier 1523-5490 has a wrong
  check digit (HL101); published under 1096-6781 alone, 1998 v.1 – 2002 v.5.
* Cambridge 2015 line 119 "Dialogue IO": 7777-7777 and 1111-1111 are placeholders
  (HL101 twice) and it has nothing else (HL102): not published.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from tests.conftest import shared_file

from erdq.holdings import build_holdings, merge_ranges, write_holdings
from erdq.identifiers import check_identifier
from erdq.model.coverage import format_statements
from erdq.model.portfolio import row_to_portfolio
from erdq.registry import all_rules
from erdq.rules.kbart.base import example_bytes
from erdq.store import open_store

DAY = dt.date(2024, 6, 15)
FILES = {
    "Wiley": ("data", "kbart", "ezpaarse", "WILEY_GLOBAL_ALLJOURNALS_2024-03-17.txt"),
    "CUP": ("data", "kbart", "ezpaarse", "CUP_COUPERIN_ALLJOURNALS_2026-03-08.txt"),
    "Cambridge 2015": ("data", "kbart", "gokb", "journals.cambridge.org_AllTitles_2015-07-14.txt"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    paths = {name: shared_file(*parts) for name, parts in FILES.items()}
    url = f"sqlite:///{tmp_path_factory.mktemp('holdings') / 'erdq.sqlite'}"
    with open_store(url) as opened:
        for name, path in paths.items():
            opened.import_kbart(path, collection=name, today=DAY)
        yield opened


@pytest.fixture(scope="module")
def result(store):
    return build_holdings(store, today=DAY)


def _by_key(result, key):
    [holding] = [h for h in result.holdings if h.key == key]
    return holding


@pytest.mark.shared
def test_titles_merge_across_collections_and_keep_their_gap(result) -> None:
    h = _by_key(result, "1073-1105")
    assert h.title == "Journal Of Law, Medicine & Ethics"
    assert (h.print_identifiers, h.online_identifiers) == (("1073-1105",), ("1748-720X",))
    assert h.collections == ("CUP", "Wiley") and h.portfolios == 2
    assert format_statements(h.coverage) == (
        "1973 v.1 no.1 – 2015 v.43 no.4; 2018-04-01 v.46 no.1 – present"
    )
    acta = _by_key(result, "0924-2708")
    assert acta.title == "Acta Neuropsychiatrica"
    assert acta.collections == ("CUP", "Cambridge 2015", "Wiley")
    assert acta.print_identifiers == ("0924-2708", "1601-5215")
    assert format_statements(acta.coverage) == "2002 v.14 no.1 – present"


@pytest.mark.shared
def test_invalid_identifiers_are_reported_and_not_published(result) -> None:
    found = {(f.code, f.location.source, f.location.line, f.location.column, f.value)
             for f in result.findings}  # fmt: skip
    wiley = "WILEY_GLOBAL_ALLJOURNALS_2024-03-17.txt"
    cambridge = "journals.cambridge.org_AllTitles_2015-07-14.txt"
    assert ("HL101", wiley, 645, "online_identifier", "1523-5490") in found
    assert ("HL101", cambridge, 119, "print_identifier", "7777-7777") in found
    assert ("HL101", cambridge, 119, "online_identifier", "1111-1111") in found
    assert ("HL102", cambridge, 119, "print_identifier", "7777-7777") in found
    nutrition = _by_key(result, "1096-6781")
    assert nutrition.title == "Nutrition in Clinical Care"
    assert nutrition.online_identifiers == ()
    assert format_statements(nutrition.coverage) == "1998 v.1 – 2002 v.5"
    assert not [h for h in result.holdings if h.title == "Dialogue IO"]
    report = result.report()
    assert report["portfolios_read"] == 2319 + 435 + 468  # every row is a portfolio
    assert report["portfolios_left_out"] == report["findings_by_code"]["HL102"]["count"]


@pytest.mark.shared
@pytest.mark.parametrize("fmt", ["kbart", "csv", "json"])
def test_written_file_holds_only_valid_identifiers_in_a_fixed_order(store, result, fmt):
    out = io.StringIO()
    write_holdings(result, out, fmt)
    text = out.getvalue()
    for bad in ("1523-5490", "7777-7777", "1111-1111", "\tn/a\t"):
        assert bad not in text
    if fmt == "json":
        items = [json.loads(line) for line in text.splitlines()]
        ids = [i for item in items for i in item["print_identifiers"] + item["online_identifiers"]]
    else:
        sep = "\t" if fmt == "kbart" else ","
        rows = [line.split(sep) for line in text.splitlines()[1:]] if fmt == "kbart" else None
        if rows is None:
            import csv

            rows = list(csv.reader(io.StringIO(text)))[1:]
        ids = [v for row in rows for v in row[1:3] if v]
        assert len(rows) == result.ranges_published
    assert ids and all(check_identifier(i).valid for i in ids)
    # Same store, collections named in another order: the same bytes.
    again = io.StringIO()
    write_holdings(build_holdings(store, ["Wiley", "Cambridge 2015", "CUP"], today=DAY), again, fmt)
    assert again.getvalue() == text


def _range(first, last, embargo=""):
    values = {"date_first_issue_online": first, "date_last_issue_online": last,
              "embargo_info": embargo}  # fmt: skip
    return row_to_portfolio(values, "c").coverage[0]


def test_merge_ranges_by_hand() -> None:
    merged = merge_ranges(
        [
            _range("2005", "2010"),
            _range("1990", "2004-12"),  # touches 2005: one range
            _range("2012", ""),  # after a gap of 2011: stays apart
            _range("2013", "2015", "P1Y"),  # inside an unembargoed range: adds nothing
            _range("1980", "1985", "P1Y"),  # embargoed range outside: kept
        ]
    )
    assert format_statements(merged) == ("1980 – 1985 (embargo P1Y); 1990 – 2010; 2012 – present")


HL_RULES = [r for r in all_rules() if r.family == "HL"]


def test_hl_family() -> None:
    assert [r.code for r in HL_RULES] == ["HL101", "HL102", "HL103", "HL104"]


@pytest.mark.parametrize("rule", HL_RULES, ids=lambda r: r.code)
def test_rule_examples(rule, tmp_path) -> None:
    for example, expected in ((rule.bad, True), (rule.good, False)):
        path = tmp_path / f"{rule.code}_{expected}.txt"
        path.write_bytes(example_bytes(example))
        with open_store(f"sqlite:///{tmp_path / f'{rule.code}_{expected}.sqlite'}") as s:
            s.import_kbart(path, collection="Example", today=DAY)
            codes = {f.code for f in build_holdings(s, today=DAY).findings}
        assert (rule.code in codes) is expected, (rule.code, expected, codes)
