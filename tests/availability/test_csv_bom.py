"""CSV outputs of both engines start with a UTF-8 byte order mark, as erdq's other CSV files
do (README: without it Excel reads UTF-8 as Windows-1252); other formats have none."""

from __future__ import annotations

import codecs
import csv
import shutil

import pytest
from tests.availability.conftest import CASES, DAY, HOLDINGS

from erdq.availability import run_availability
from erdq.availability.duckdb_engine import copy_with_bom

BOM = codecs.BOM_UTF8  # EF BB BF


def _check_csv(path, header_start: str, rows: int) -> None:
    data = path.read_bytes()
    assert data.startswith(BOM) and not data[3:].startswith(BOM)  # exactly one mark
    with path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert ",".join(table[0]).startswith(header_start)
    assert len(table) == 1 + rows


def test_duckdb_csv_outputs_have_a_bom_and_json_lines_none(tmp_path, cases_file) -> None:
    with run_availability(cases_file, HOLDINGS, today=DAY) as run:
        run.write("verdicts", tmp_path / "v.csv")
        run.write("journals", tmp_path / "j.csv")
        run.write("verdicts", tmp_path / "v.jsonl")
        journals = len(run.rows("journals"))  # the file holds every journal row
    # One verdict row per article of the hand-made cases.
    _check_csv(tmp_path / "v.csv", "row,doi,issn,eissn,date", len(CASES))
    _check_csv(tmp_path / "j.csv", "journal_issn,journal,journal_issns", journals)
    assert (tmp_path / "v.jsonl").read_bytes().startswith(b"{")


def test_copy_with_bom_streams_and_never_doubles_the_mark(tmp_path) -> None:
    # 3 MiB + 7 bytes: more than one chunk of the copy, with a multi-byte "é" across.
    body = ("é" * (3 << 19)).encode("utf-8") + b"abcdefg"
    plain, marked = tmp_path / "plain.csv", tmp_path / "marked.csv"
    plain.write_bytes(body)
    marked.write_bytes(BOM + body)
    for source in (plain, marked):
        target = tmp_path / f"out-{source.name}"
        copy_with_bom(source, target)
        assert target.read_bytes() == BOM + body


@pytest.mark.skipif(shutil.which("java") is None, reason="the Spark engine needs Java")
def test_spark_csv_output_has_a_bom(tmp_path, cases_file) -> None:
    pytest.importorskip("pyspark")
    from erdq.availability.spark_engine import local_session

    spark = local_session("1")
    spark.sparkContext.setLogLevel("ERROR")
    try:
        with run_availability(cases_file, HOLDINGS, today=DAY, engine="spark", spark=spark) as run:
            run.write("verdicts", tmp_path / "v.csv")
            run.write("verdicts", tmp_path / "v.jsonl")
    finally:
        spark.stop()
    _check_csv(tmp_path / "v.csv", "row,doi,issn,eissn,date", len(CASES))
    assert (tmp_path / "v.jsonl").read_bytes().startswith(b"{")
