"""``erdq availability`` against a store imported from a real KBART file."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from click.testing import CliRunner
from tests.conftest import shared_file

from erdq.cli import main
from erdq.store import open_store

WILEY = ("data", "kbart", "ezpaarse", "WILEY_GLOBAL_ALLJOURNALS_2024-03-17.txt")


@pytest.fixture
def db(tmp_path):
    path = shared_file(*WILEY)
    url = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    result = CliRunner().invoke(
        main, ["import", "kbart", "--db", url, "--collection", "Wiley", str(path)]
    )
    assert result.exit_code in (0, 1), result.output
    return url


@pytest.mark.shared
def test_availability_command(tmp_path, db) -> None:
    # Wiley line 1082: 1073-1105 / 1748-720X, 1973 v.1 no.1 – 2015 v.43 no.4.
    articles = tmp_path / "articles.csv"
    articles.write_text(
        "doi,issn,eissn,date,volume,issue,title\n"
        "10.1/a,1073-1105,,2010-05,38,2,inside\n"
        "10.1/b,,1748720X,2016,44,1,after\n"
        "10.1/c,1073-1105,,1972,,,before\n"
        "10.1/d,2434-561X,,2010,,,unknown journal\n",
        encoding="utf-8",
    )
    out, journals = tmp_path / "verdicts.csv", tmp_path / "journals.csv"
    result = CliRunner().invoke(
        main,
        [
            "availability",
            str(articles),
            "--out",
            str(out),
            "--db",
            db,
            "--today",
            "2024-06-15",
            "--journals",
            str(journals),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "4 articles: 1 available, 0 embargoed, 3 not covered, 0 not judged" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [(r["available"], r["reason"], r["collection"]) for r in rows] == [
        ("true", "covered", "Wiley"),
        ("false", "after_coverage", ""),
        ("false", "before_coverage", ""),
        ("false", "no_journal", ""),
    ]
    # The first three cite the journal by print or online ISSN: one row, 3 articles.
    assert journals.read_text(encoding="utf-8-sig").splitlines() == [
        "journal_issn,journal,journal_issns,articles,available,embargoed,not_covered,"
        "no_journal,not_judged,index_available_not_covered,covered_index_unavailable",
        '1073-1105,"The Journal of Law, Medicine and Ethics",1073-1105; 1748-720X,3,1,0,2,0,0,0,0',
        "2434-561X,,,1,0,0,1,1,0,0,0",
    ]


def test_missing_articles_file_is_a_usage_error(tmp_path) -> None:
    result = CliRunner().invoke(
        main, ["availability", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o.csv")]
    )
    assert (
        result.exit_code == 2
        and "no such file" in result.output
        and "Traceback" not in (result.output)
    )


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["availability", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def _run(*args):
    return CliRunner().invoke(main, ["availability", *map(str, args)])


@pytest.mark.shared
def test_journals_summary_has_one_row_per_title(tmp_path, db) -> None:
    # Issue: Wiley line 2, American Journal of Transplantation, print 1600-6135 and online
    # 1600-6143, 2001 v.1 – 2020 v.22 no.12, came out as two journals, one per ISSN cited.
    articles = tmp_path / "articles.csv"
    articles.write_text(
        "issn,eissn,date\n1600-6135,,2010\n,1600-6143,2015-05\n16006143,,2021\n"
        "1600-6135,,n.d.\n1600-6136,,2010\n1600-6135,,20100315\n",
        encoding="utf-8",
    )
    out, journals = tmp_path / "v.csv", tmp_path / "j.csv"
    result = _run(articles, "--out", out, "--db", db, "--today", "2024-06-15",
                  "--journals", journals)  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(journals.open(encoding="utf-8-sig")))
    assert [(r["journal_issn"], r["journal"], r["journal_issns"], r["articles"],
             r["available"], r["not_covered"], r["no_journal"], r["not_judged"])
            for r in rows] == [
        # 2010, 2015-05 and 20100315 covered, 2021 after it, n.d. not judged.
        ("1600-6135", "American Journal of Transplantation", "1600-6135; 1600-6143",
         "5", "3", "1", "0", "1"),
        # 1600-6136: wrong check digit (6 for 5), so no journal can be named: not judged,
        # and not counted as a journal the holdings lack (no_journal).
        ("", "", "", "1", "0", "0", "0", "1"),
    ]  # fmt: skip
    availability = [
        (r["available"], r["status"]) for r in csv.DictReader(out.open(encoding="utf-8-sig"))
    ]
    assert availability[3:5] == [("", "not_judged"), ("", "not_judged")]
    verdicts = [r["reason"] for r in csv.DictReader(out.open(encoding="utf-8-sig"))]
    assert verdicts == ["covered", "covered", "after_coverage", "unreadable_date",
                        "invalid_identifier", "covered"]  # fmt: skip
    assert "invalid_identifier: 1" in result.output and "unreadable_date: 1" in result.output
    assert "warning: 2 articles not judged" in result.output
    # The dates are named, as the resolver would word them, with their article counts.
    assert "e.g. date 'n.d.' cannot be read (1)" in result.output
    assert "note: 1 article with a date that is not ISO" in result.output
    assert "date '20100315' read as 2010-03-15 (1)" in result.output


@pytest.mark.shared
def test_bad_input_is_a_usage_error_naming_file_and_line(tmp_path, db) -> None:
    source = tmp_path / "a.jsonl"
    source.write_text('{"issn": "1073-1105", "date": "2010"}\n{"issn": \n', encoding="utf-8")
    result = _run(source, "--out", tmp_path / "v.jsonl", "--db", db)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{source}: 1 line cannot be read: line 2: it is not valid JSON" in result.output
    assert not (tmp_path / "v.jsonl").exists()
    foo = tmp_path / "foo.csv"
    foo.write_text("foo,bar\n1,2\n", encoding="utf-8")
    result = _run(foo, "--out", tmp_path / "v.csv", "--db", db)
    assert result.exit_code == 2 and "no issn or eissn column" in result.output
    assert "doi, issn, eissn, date, volume, issue, title, available" in result.output


@pytest.mark.shared
def test_output_names_are_checked_before_the_run(tmp_path, db) -> None:
    # Issue: --out v.xlsx wrote CSV into a file named .xlsx; now it is a real workbook,
    # and a name whose format is unknown is refused before anything is written.
    articles = tmp_path / "a.csv"
    articles.write_text("issn,date\n1073-1105,2010-05\n", encoding="utf-8")
    result = _run(articles, "--out", tmp_path / "v.csv", "--db", db, "--journals",
                  tmp_path / "j.txt")  # fmt: skip
    assert result.exit_code == 2 and "j.txt: cannot tell the output format" in result.output
    assert not (tmp_path / "v.csv").exists()
    result = _run(articles, "--out", tmp_path / "v.xlsx", "--db", db, "--today", "2024-06-15")
    assert result.exit_code == 0, result.output
    [_, row] = openpyxl.load_workbook(tmp_path / "v.xlsx")["verdicts"].values
    assert row[8:13] == (True, "covered", "covered", "Wiley",
                         "The Journal of Law, Medicine and Ethics")  # fmt: skip


def test_a_store_without_holdings_is_refused(tmp_path) -> None:
    # Issue: it reported "0 coverage intervals" and exited 0.
    articles = tmp_path / "a.csv"
    articles.write_text("issn,date\n1073-1105,2010\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    result = _run(articles, "--out", tmp_path / "v.csv", "--db", db)
    assert result.exit_code == 2, result.output  # no store at all: not created empty
    assert "no erdq store" in result.output and not (tmp_path / "empty.sqlite").exists()
    open_store(db).close()  # a store, but no holdings in it
    result = _run(articles, "--out", tmp_path / "v.csv", "--db", db)
    assert result.exit_code == 2, result.output
    assert "the store has no holdings" in result.output
    assert "erdq import kbart --collection NAME FILE" in result.output
