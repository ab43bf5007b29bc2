"""Article availability with DuckDB: hand-worked verdicts and a cross-check against the one
coverage evaluator (erdq.coverage.evaluate)."""

from __future__ import annotations

import json

import openpyxl
import pytest
from tests.availability.conftest import (
    CASES,
    DAY,
    HOLDINGS,
    ISSUE_CASES,
    ISSUE_HOLDINGS,
    UNREADABLE_CASES,
    UNREADABLE_HOLDINGS,
    write_cases,
)

from erdq.availability import RESULT_COLUMNS, files, output_kind, run_availability, sample
from erdq.availability.common import JournalIndex
from erdq.coverage import evaluate
from erdq.errors import InputError
from erdq.identifiers import check_issn
from erdq.model.portfolio import row_to_portfolio


def test_hand_worked_verdicts(cases_file) -> None:
    with run_availability(cases_file, HOLDINGS, today=DAY) as run:
        rows = run.rows()
        got = [(r[8], r[9], r[10], r[11]) for r in rows]
        assert got == [tuple(case[1:]) for case in CASES]
        assert [r[0] for r in rows] == list(range(1, len(CASES) + 1))
        collections = {r[0]: r[1:] for r in run.rows("collections")}
        # Alpha holds both journals (18 articles match them); Beta only the first (14, of
        # which it covers 2011, 2010 v.11, 2009 v.12 and [2009]; the articles with no
        # date that can be read, n.d. and 0000, are not judged rather than not covered).
        assert collections["Alpha"][0] == 18 and collections["Beta"] == (14, 4, 0, 8, 2)
        # The lenient readings are counted: 20151220, [2009] and 2005-13-45.
        counts = run.counts()
        assert counts["dates_read_leniently"] == 3 and counts["dates_unreadable"] == 2


def test_a_file_whose_dates_all_use_slashes_is_read(tmp_path) -> None:
    # Issue: the date table handed to DuckDB was sniffed, the format 2015/12/20 taken
    # from its text column, and the ISO dates beside it refused ("CSV Error on Line 2").
    source = tmp_path / "articles.csv"
    source.write_text("issn,date\n1234-5679,2015/12/20\n1234-5679,2009/02/03\n")
    with run_availability(source, HOLDINGS, today=DAY) as run:
        # 2015-12-20: Alpha's 2015 – present (P1Y); 2009-02-03: Alpha's 2001 – 2010.
        assert [(r[9], r[11]) for r in run.rows()] == [("covered", "Alpha"), ("covered", "Alpha")]
        assert run.counts()["dates_read_leniently"] == 2


def test_json_lines_input_and_outputs(tmp_path) -> None:
    source = tmp_path / "articles.jsonl"
    source.write_text(
        json.dumps({"issn": "1234-5679", "date": "2024-02", "volume": 24, "available": True})
        + "\n"
        + json.dumps({"eissn": "2049-3630", "date": "2005"})
        + "\n",
        encoding="utf-8",
    )
    with run_availability(source, HOLDINGS, today=DAY) as run:
        assert [(r[4], r[5], r[9]) for r in run.rows()] == [
            ("2024-02", "24", "embargoed"),
            ("2005", None, "covered"),
        ]
        # Cited by print ISSN and by eISSN: one journal, both ISSNs (issue: split in two).
        [journal] = run.rows("journals")
        assert journal[:3] == ("1234-5679", "Journal of Invented Studies", "1234-5679; 2049-3630")
        # 2 articles: 1 available, 1 embargoed, none not covered, unmatched or undated.
        assert journal[3:9] == (2, 1, 1, 0, 0, 0)
        # The index shows the embargoed article as available: counted as a disagreement.
        assert journal[-2:] == (1, 0)
        run.write("verdicts", tmp_path / "out.csv")
    assert (
        (tmp_path / "out.csv").read_text(encoding="utf-8-sig").startswith("row,doi,issn,eissn,date")
    )


def test_cross_check_against_the_coverage_evaluator(tmp_path) -> None:
    portfolios = list(sample.portfolios(1500, seed=7))
    source = tmp_path / "articles.csv"
    articles = list(sample.articles(6000, 1300, seed=8))
    sample.write_articles(source, iter(articles))
    by_issn: dict[str, list] = {}
    for p in portfolios:
        for ident in p.identifiers:
            by_issn.setdefault(ident, []).append(p)
    with run_availability(source, portfolios, today=DAY) as run:
        rows = run.rows()
    checked = 0
    reasons = set()
    for article, row in zip(articles, rows, strict=True):
        cited = [v for v in (article["issn"], article["eissn"]) if v]
        keys = {check_issn(v).canonical for v in cited if check_issn(v).valid}
        matched = {id(p): p for k in keys for p in by_issn.get(k, [])}
        if not matched:
            expected_reason = (
                "no_journal" if keys else "invalid_identifier" if cited else "no_identifier"
            )
            assert row[10] == expected_reason, (article, row)
            reasons.add(expected_reason)
            continue
        ranges = [r for p in matched.values() for r in p.coverage]
        expected = evaluate(
            ranges,
            date=article["date"] or None,
            volume=article["volume"] or None,
            issue=article["issue"] or None,
            today=DAY,
        )
        assert row[9] == expected.status.value, (article, row, expected)
        checked += 1
    assert checked > 4000
    assert reasons == {"no_journal", "invalid_identifier"}  # every sample article cites one


# --- The articles file: read whole or refused, with the lines named -------------------


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _refusal(path, portfolios=HOLDINGS) -> str:
    with pytest.raises(InputError) as caught:
        run_availability(path, portfolios, today=DAY)
    return str(caught.value)


BAD_FILES = [
    # Issue: one bad line of JSON Lines ended in a raw _duckdb.InvalidInputException.
    (
        "articles.jsonl",
        '{"issn": "1234-5679", "date": "2005"}\n{"issn": "1234-5679", "date": \n'
        '{"eissn": "2049-3630"}\n',
        "1 line cannot be read: line 2: it is not valid JSON (Expecting value at column 31)",
    ),
    (
        "articles.jsonl",
        '{"issn": "1234-5679"}\n[1, 2]\n\n7\n{"issn": "2049-3630"}\n',
        "2 lines cannot be read: line 2: it is a JSON array, not an object; "
        "line 4: it is a JSON number, not an object",
    ),
    (
        "articles.csv",
        "issn,date\n1234-5679,2005\n1234-5679,2006,v.6\n2049-3630\n",
        "2 lines cannot be read: line 3: it has 3 fields, the header 2; "
        "line 4: it has 1 field, the header 2",
    ),
    (
        "articles.csv",
        b"issn,title\n1234-5679,ok\n2049-3630,caf\xe9\n",
        "1 line cannot be read: line 3: it is not UTF-8 text",
    ),
    (
        "articles.csv",
        'issn,title\n1234-5679,"unclosed\n2049-3630,x\n',
        "1 line cannot be read: line 2: unexpected end of data",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), BAD_FILES)
def test_a_file_with_bad_lines_is_refused_naming_them(tmp_path, name, text, expected) -> None:
    path = _write(tmp_path, name, text)
    message = _refusal(path)
    assert message.startswith(f"{path}: {expected}"), message
    assert "correct or remove these lines" in message


def test_columns_are_checked_by_name(tmp_path) -> None:
    # Issue: a CSV with none of the expected columns was read as articles of nothing.
    message = _refusal(_write(tmp_path, "a.csv", "foo,bar\n1,2\n"))
    assert "no issn or eissn column" in message and "'foo', 'bar'" in message
    assert "doi, issn, eissn, date, volume, issue, title, available" in message
    message = _refusal(_write(tmp_path, "b.csv", "issn,ISSN\n1234-5679,2049-3630\n"))
    assert "the column 'issn' is named twice (columns 1 and 2)" in message
    # Semicolons (a European spreadsheet's CSV), a BOM and " Date " are all understood;
    # the column not used is reported.
    path = _write(tmp_path, "c.csv", "\ufeffISSN; Date ;pages\n1234-5679;2005-03;1-9\n")
    with run_availability(path, HOLDINGS, today=DAY) as run:
        assert [(r[2], r[4], r[10]) for r in run.rows()] == [("1234-5679", "2005-03", "covered")]
        assert run.ignored_columns == ("pages",)


def test_holdings_without_coverage_under_an_issn_are_refused(tmp_path) -> None:
    path = _write(tmp_path, "a.csv", "issn\n1234-5679\n")
    book = row_to_portfolio({"publication_title": "B", "online_identifier": "9781090636072"}, "X")
    assert "no coverage under a valid ISSN" in _refusal(path, [book])


def test_journal_index_joins_the_issns_of_a_title() -> None:
    index = JournalIndex()
    index.add(["2049-3630"], "Journal of Invented Studies")
    index.add(["1234-5679", "2049-3630"], "journal of invented studies")
    index.add(["0317-8471"], "Volume Quarterly")
    index.add(["1234-5679"], "Journal of Invented Studies")
    jis = ("1234-5679", "Journal of Invented Studies", "1234-5679; 2049-3630")
    assert list(index.rows()) == [
        ("0317-8471", "0317-8471", "Volume Quarterly", "0317-8471"),
        ("1234-5679", *jis),
        ("2049-3630", *jis),
    ]


def test_output_formats_by_name(tmp_path, cases_file, monkeypatch) -> None:
    assert [output_kind(f"v.{e}") for e in ("csv", "JSONL", "parquet", "xlsx")] == [
        "csv", "jsonl", "parquet", "xlsx"
    ]  # fmt: skip
    for name in ("v.xls", "v.txt", "v", "v.jsonl.gz"):
        with pytest.raises(InputError, match="cannot tell the output format"):
            output_kind(name)
    source = _write(tmp_path, "a.csv", 'issn,date,title\n1234-5679,2024-02,"=1+1"\n')
    with run_availability(source, HOLDINGS, today=DAY) as run:
        run.write("verdicts", tmp_path / "v.xlsx")
        run.write("journals", tmp_path / "j.xlsx")
        monkeypatch.setattr(files, "EXCEL_ROWS", 1)  # a sheet of nothing but its header
        with pytest.raises(InputError, match="1 rows do not fit in a spreadsheet"):
            run.write("journals", tmp_path / "big.xlsx")
    assert not (tmp_path / "big.xlsx").exists()
    sheet = openpyxl.load_workbook(tmp_path / "v.xlsx")["verdicts"]
    header, row = sheet.iter_rows(values_only=True)
    assert header == RESULT_COLUMNS
    # A title that looks like a formula stays text.
    assert row[:11] == (1, None, "1234-5679", None, "2024-02", None, None, "=1+1", False,
                        "embargoed", "embargoed")  # fmt: skip
    assert sheet["H2"].data_type == "s"
    journals = list(openpyxl.load_workbook(tmp_path / "j.xlsx")["journals"].values)
    assert journals[1][:4] == ("1234-5679", "Journal of Invented Studies",
                               "1234-5679; 2049-3630", 1)  # fmt: skip


def test_coverage_that_cannot_be_read_judges_nothing_it_does_not_rule_out(tmp_path) -> None:
    source = write_cases(tmp_path / "articles.csv", UNREADABLE_CASES)
    with run_availability(source, UNREADABLE_HOLDINGS, today=DAY) as run:
        got = [(r[8], r[9], r[10], r[11]) for r in run.rows()]
        collections = {r[0]: r[1:] for r in run.rows("collections")}
    assert got == [tuple(case[1:]) for case in UNREADABLE_CASES]
    # Gamma: 7 articles of its journals; it covers the volume-only and title-level ones
    # and cannot judge the two of 2020 and 2024-03; 1950 and 1999 it rules out; the one
    # of 2011 it cannot judge either (Delta covers it).
    assert collections["Gamma"] == (7, 2, 0, 2, 3)
    # The one coverage evaluator says the same: UNKNOWN is what is not judged.
    for article, _, status, _, _ in UNREADABLE_CASES:
        ranges = [
            r for p in UNREADABLE_HOLDINGS if p.print_identifier == article["issn"]
            for r in p.coverage
        ]  # fmt: skip
        result = evaluate(ranges, date=article.get("date"), volume=article.get("volume"), today=DAY)
        assert {"unknown": "not_judged"}.get(result.status.value, result.status.value) == status


def test_a_volume_places_an_article_dated_apart_from_its_issue(tmp_path) -> None:
    source = write_cases(tmp_path / "articles.csv", ISSUE_CASES)
    with run_availability(source, ISSUE_HOLDINGS, today=DAY) as run:
        got = [(r[8], r[9], r[10], r[11]) for r in run.rows()]
    assert got == [tuple(case[1:]) for case in ISSUE_CASES]
    ranges = ISSUE_HOLDINGS[0].coverage
    for article, _, status, _, _ in ISSUE_CASES:
        result = evaluate(
            ranges,
            date=article.get("date"),
            volume=article.get("volume"),
            issue=article.get("issue"),
            today=DAY,
        )
        assert result.status.value == status, article
