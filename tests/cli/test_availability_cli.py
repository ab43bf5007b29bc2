"""``erdq availability`` against a store imported from a real KBART file."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from tests.conftest import shared_file

from erdq.cli import main

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
    assert "4 articles: 1 available, 0 embargoed, 3 not covered" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["available"], r["reason"], r["collection"]) for r in rows] == [
        ("true", "covered", "Wiley"),
        ("false", "after_coverage", ""),
        ("false", "before_coverage", ""),
        ("false", "no_journal", ""),
    ]
    assert journals.read_text(encoding="utf-8").startswith("journal_issn,journal,articles")


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
