"""``Print2eRun``: a file converted in one process and on several, with the same output."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.cataloguing.test_print2e import PRINT, read_mrk

from erdq.cataloguing import print2e_parallel
from erdq.cataloguing.print2e import Options
from erdq.cataloguing.print2e_run import Print2eRun
from erdq.writers.marc import open_writer

OPTIONS = Options(agency="UkOxU", now=dt.datetime(2026, 1, 2, 3, 4, 5))


def print_file(tmp_path, copies: int):
    [record] = read_mrk(tmp_path, PRINT)
    map_record = read_mrk(tmp_path, PRINT.replace("=LDR  02102cam", "=LDR  02102cem"))[0]
    path = tmp_path / "print.mrc"
    with path.open("wb") as fh:
        writer = open_writer("mrc", fh)
        for n in range(copies):
            record["001"].data = f"ocn{n}"
            writer.write(record)
            if n % 50 == 7:  # every fiftieth-odd record is a map: not converted
                map_record["001"].data = f"map{n}"
                writer.write(map_record)
        writer.close()
    return path


def run(path, target, jobs: int):
    conversion = Print2eRun(path, target, options=OPTIONS, jobs=jobs, detail=False)
    results = list(conversion.results())
    return conversion.summary, results


def test_parallel_output_same_as_one_process(tmp_path, monkeypatch):
    monkeypatch.setattr(print2e_parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(print2e_parallel, "BATCH_BYTES", 20_000)  # many small batches
    path = print_file(tmp_path, 400)
    one, one_results = run(path, tmp_path / "one.mrc", 1)
    two, two_results = run(path, tmp_path / "two.mrc", 2)
    assert (tmp_path / "one.mrc").read_bytes() == (tmp_path / "two.mrc").read_bytes()
    assert (one.read, one.written, one.skipped) == (408, 400, {"not-a-book": 8})
    assert (two.read, two.written, two.skipped) == (one.read, one.written, one.skipped)
    assert two.changes == one.changes
    assert [(r.ordinal, r.record_id, r.skipped) for r in two_results] == [
        (r.ordinal, r.record_id, r.skipped) for r in one_results
    ]


def test_output_replaced_only_when_complete(tmp_path):
    target = tmp_path / "e.mrc"
    target.write_bytes(b"older output")
    path = print_file(tmp_path, 3)
    conversion = Print2eRun(path, target, options=OPTIONS)
    results = conversion.results()
    next(results)
    assert target.read_bytes() == b"older output"  # still being written elsewhere
    results.close()  # stopped half-way: the older file stays
    assert target.read_bytes() == b"older output"


@pytest.mark.parametrize("ext", ["mrk", "xml", "json", "jsonl"])
def test_parallel_output_same_as_one_process_in_every_format(tmp_path, monkeypatch, ext):
    # .mrk separates records by a blank line, a JSON array by commas: the writer that
    # writes the file puts them in, not the worker that encodes a record.
    monkeypatch.setattr(print2e_parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(print2e_parallel, "BATCH_BYTES", 20_000)
    path = print_file(tmp_path, 60)
    one, _ = run(path, tmp_path / f"one.{ext}", 1)
    two, _ = run(path, tmp_path / f"two.{ext}", 2)
    assert one.written == two.written == 60
    assert (tmp_path / f"two.{ext}").read_bytes() == (tmp_path / f"one.{ext}").read_bytes()
