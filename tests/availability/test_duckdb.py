"""Article availability with DuckDB: hand-worked verdicts and a cross-check against the one
coverage evaluator (erdq.coverage.evaluate)."""

from __future__ import annotations

import json

from tests.availability.conftest import CASES, DAY, HOLDINGS

from erdq.availability import run_availability, sample
from erdq.coverage import evaluate
from erdq.identifiers import check_issn


def test_hand_worked_verdicts(cases_file) -> None:
    with run_availability(cases_file, HOLDINGS, today=DAY) as run:
        rows = run.rows()
        got = [(r[8], r[9], r[10], r[11]) for r in rows]
        assert got == [tuple(case[1:]) for case in CASES]
        assert [r[0] for r in rows] == list(range(1, len(CASES) + 1))
        collections = {r[0]: r[1:] for r in run.rows("collections")}
        # Alpha holds both journals (12 articles cite them); Beta only the first (8).
        assert collections["Alpha"][0] == 12 and collections["Beta"] == (8, 3, 0, 5)


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
        [journal, _] = run.rows("journals")
        # The index shows the embargoed article as available: counted as a disagreement.
        assert journal[0] == "1234-5679" and journal[-2:] == (1, 0)
        run.write("verdicts", tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text().startswith("row,doi,issn,eissn,date")


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
    for article, row in zip(articles, rows, strict=True):
        keys = {check_issn(v).canonical for v in (article["issn"], article["eissn"]) if v}
        matched = {id(p): p for k in keys if k for p in by_issn.get(k, [])}
        if not matched:
            assert row[10] in ("no_journal", "no_identifier")
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
