"""The Spark engine gives the same rows as DuckDB (one local SparkSession for the module)."""

from __future__ import annotations

import shutil

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

from erdq.availability import run_availability, sample
from erdq.errors import InputError

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("the Spark engine needs Java", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from erdq.availability.spark_engine import local_session

    session = local_session("2")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_hand_worked_verdicts_on_spark(spark, cases_file) -> None:
    with run_availability(cases_file, HOLDINGS, today=DAY, engine="spark", spark=spark) as run:
        got = [(r[8], r[9], r[10], r[11]) for r in run.rows()]
    assert got == [tuple(case[1:]) for case in CASES]


def test_coverage_that_cannot_be_read_on_spark(spark, tmp_path) -> None:
    source = write_cases(tmp_path / "articles.csv", UNREADABLE_CASES)
    with run_availability(
        source, UNREADABLE_HOLDINGS, today=DAY, engine="spark", spark=spark
    ) as run:
        got = [(r[8], r[9], r[10], r[11]) for r in run.rows()]
        collections = {r[0]: r[1:] for r in run.rows("collections")}
    assert got == [tuple(case[1:]) for case in UNREADABLE_CASES]
    assert collections["Gamma"] == (7, 2, 0, 2, 3)


def test_a_volume_places_an_article_on_spark(spark, tmp_path) -> None:
    source = write_cases(tmp_path / "articles.csv", ISSUE_CASES)
    with run_availability(source, ISSUE_HOLDINGS, today=DAY, engine="spark", spark=spark) as run:
        got = [(r[8], r[9], r[10], r[11]) for r in run.rows()]
    assert got == [tuple(case[1:]) for case in ISSUE_CASES]


def test_spark_and_duckdb_agree_on_100000_articles(spark, tmp_path) -> None:
    portfolios = list(sample.portfolios(20_000, seed=3))
    source = tmp_path / "articles.csv"
    assert sample.write_articles(source, sample.articles(100_000, 17_000, seed=4)) == 100_000
    results = {}
    for engine in ("duckdb", "spark"):
        with run_availability(
            source, portfolios, today=DAY, engine=engine, spark=spark, work_dir=tmp_path
        ) as run:
            results[engine] = {n: run.rows(n) for n in ("verdicts", "journals", "collections")}
            run.write("verdicts", tmp_path / f"{engine}.jsonl")
    for name in ("verdicts", "journals", "collections"):
        assert results["spark"][name] == results["duckdb"][name], name
    verdicts = results["duckdb"]["verdicts"]
    assert len(verdicts) == 100_000
    # The sample cites some invalid ISSNs: those articles are not judged.
    assert {r[9] for r in verdicts} == {"covered", "embargoed", "not_covered", "not_judged"}


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.jsonl", '{"issn": "1234-5679"}\n{"issn": \n', "1 line cannot be read: line 2: "
         "it is not valid JSON (Expecting value at column 10)"),
        ("a.csv", "issn,date\n1234-5679,2005\n1234-5679,2006,v.6\n", "1 line cannot be read: "
         "line 3: it has 3 fields, the header 2"),
    ],
)  # fmt: skip
def test_spark_refuses_a_bad_file_as_duckdb_does(spark, tmp_path, name, text, expected) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    for engine in ("duckdb", "spark"):
        with pytest.raises(InputError) as caught:
            run_availability(path, HOLDINGS, today=DAY, engine=engine, spark=spark)
        assert str(caught.value).startswith(f"{path}: {expected}"), (engine, caught.value)


def test_a_json_key_spelt_two_ways_is_one_column_on_both_engines(spark, tmp_path) -> None:
    # Each line is an object of its own: "issn" on one, "ISSN" on the next are the same
    # column, and no line's ISSN may be lost (DuckDB named the second "ISSN_1" and read
    # it as a column of no use; Spark, case-blind, refused the file).
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"issn": "1234-5679", "date": "2005"}\n'
        '{"ISSN": "1234-5679", "date": 2005}\n'
        '{"Issn": "1234-5679", "date": "2005", "extra": 1}\n',
        encoding="utf-8",
    )
    rows = {}
    for engine in ("duckdb", "spark"):
        with run_availability(path, HOLDINGS, today=DAY, engine=engine, spark=spark) as run:
            rows[engine] = run.rows()
            assert run.ignored_columns == ("extra",), engine
    assert rows["spark"] == rows["duckdb"]
    assert [r[2] for r in rows["duckdb"]] == ["1234-5679"] * 3  # the issn column
