"""``Print2eRun``: a file converted in one process and on several, with the same output."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.cataloguing.test_print2e import PRINT, PRINT_008, read_mrk

from erdq import marc_parallel
from erdq.cataloguing import print2e_parallel
from erdq.cataloguing.print2e import Options
from erdq.cataloguing.print2e_run import Print2eRun
from erdq.readers.marc import MarcReader
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
    monkeypatch.setattr(marc_parallel, "BATCH_BYTES", 20_000)  # many small batches
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
    monkeypatch.setattr(marc_parallel, "BATCH_BYTES", 20_000)
    path = print_file(tmp_path, 60)
    one, _ = run(path, tmp_path / f"one.{ext}", 1)
    two, _ = run(path, tmp_path / f"two.{ext}", 2)
    assert one.written == two.written == 60
    assert (tmp_path / f"two.{ext}").read_bytes() == (tmp_path / f"one.{ext}").read_bytes()


# -- records built byte by byte: what no writer makes ----------------------------------


def iso_record(fields: list[tuple[str, bytes]], coding: bytes = b"a") -> bytes:
    """An ISO 2709 books record (leader/09 ``coding``) of (tag, field bytes) as given:
    a data field's bytes are its indicator area and subfields, whatever their length."""
    directory = body = b""
    for tag, data in fields:
        data += b"\x1e"
        directory += tag.encode() + b"%04d%05d" % (len(data), len(body))
        body += data
    directory += b"\x1e"
    base = 24 + len(directory)
    length = base + len(body) + 1
    leader = b"%05dnam %s22%05d i 4500" % (length, coding, base)
    return leader + directory + body + b"\x1d"


def print_book(number: str, f245: bytes, *extra: tuple[str, bytes], coding=b"a") -> bytes:
    return iso_record(
        [
            ("001", number.encode()),
            ("008", PRINT_008.encode()),
            ("245", f245),
            ("300", b"  \x1fa200 p. ;\x1fc24 cm"),
            *extra,
        ],
        coding,
    )


def test_record_with_a_guessed_indicator_area_not_converted(tmp_path, monkeypatch):
    # p2's 245 indicator area is "100": which two of its characters are the indicators
    # cannot be told, and the e-book record would state the reader's guess as fact.
    # p3's odd area is in a local 9XX field, which the conversion removes: no guess is
    # written, so p3 is converted.
    path = tmp_path / "print.mrc"
    path.write_bytes(
        print_book("p1", b"10\x1faTitle one")
        + print_book("p2", b"100\x1faTitle two")
        + print_book("p3", b"10\x1faTitle three", ("945", b"1\x1faLocal"))
    )
    monkeypatch.setattr(print2e_parallel, "MIN_PARALLEL_BYTES", 0)  # jobs 2: in parallel
    for jobs in (1, 2):
        target = tmp_path / f"e{jobs}.mrc"
        summary, results = run(path, target, jobs)
        assert (summary.read, summary.written) == (3, 2)
        assert summary.skipped == {"indicator-area": 1}
        assert not summary.complete  # so the command exits 1
        assert summary.reader_findings["MR111"] == 2
        [refused] = [r for r in results if r.skipped]
        assert (refused.ordinal, refused.record_id, refused.changes) == (2, "p2", [])
        [problem] = refused.problems
        assert "field 245 had the indicator area '100'" in problem.message
        assert "cannot tell which two characters were meant" in problem.message
        written = MarcReader(target, lambda *a, **k: None)
        assert [item.record_id for item in written] == ["ep1", "ep3"]


def test_record_cut_off_in_the_input_is_not_converted_and_lists_no_change(tmp_path):
    # The file ends inside the second record (MR105): the reader keeps what it found, but
    # converted it would pass for a whole record; none of its changes was made.
    second = print_book("p2", b"10\x1faTitle two")
    path = tmp_path / "cut.mrc"
    path.write_bytes(print_book("p1", b"10\x1faTitle one") + second[: len(second) - 30])
    summary, results = run(path, tmp_path / "e.mrc", 1)
    assert (summary.read, summary.written, summary.skipped) == (2, 1, {"incomplete": 1})
    [cut] = [r for r in results if r.skipped]
    assert (cut.ordinal, cut.record_id, cut.changes) == (2, "p2", [])
    assert cut.problems[0].message.startswith("not converted: ")


def test_parallel_reports_the_file_findings_of_one_process(tmp_path, monkeypatch):
    # MARC-8 records (leader/09 blank; E2 is MARC-8's combining acute) among UTF-8
    # ones: the reader reports once for the file that it holds MARC-8 records (MR507)
    # and that leader/09 is mixed (MR513), after its last record.
    monkeypatch.setattr(print2e_parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(marc_parallel, "BATCH_BYTES", 2_000)  # many batches
    marc8 = print_book("m", b"10\x1faCaf\xe2e", coding=b" ")
    utf8 = print_book("u", "10\x1faCafé".encode())
    path = tmp_path / "mixed.mrc"
    path.write_bytes((utf8 * 9 + marc8) * 20)
    one, _ = run(path, tmp_path / "one.mrc", 1)
    two, _ = run(path, tmp_path / "two.mrc", 2)
    assert (one.reader_findings["MR507"], one.reader_findings["MR513"]) == (1, 1)
    assert two.reader_findings == one.reader_findings
    assert one.read == two.read == 200
    assert (tmp_path / "two.mrc").read_bytes() == (tmp_path / "one.mrc").read_bytes()
