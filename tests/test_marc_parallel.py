"""Validating an ISO 2709 file on several processes gives exactly the one-process result:
the same findings, in the same order, with the same occurrence numbers and summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.conftest import DATA

from erdq import marc_parallel
from erdq.marc_check import MarcCheck
from erdq.readers.sniff import marc_format
from erdq.rules.marc.iso_examples import GOOD_FIELDS, GOOD_ISO, iso_record

DAY = dt.date(2024, 6, 15)


def _iso_files() -> list[str]:
    root = DATA / "marc"
    if not root.exists():
        return []
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as fh:
                if marc_format(fh.read(1 << 16)) == "iso2709":
                    out.append(str(path.relative_to(root)))
    return out


def _full(findings) -> list[tuple]:
    return [
        (f.code, f.severity, f.location, dict(f.params), f.value, f.confidence, f.occurrence)
        for f in findings
    ]


def _both(path: Path, monkeypatch, batch_bytes: int = 1) -> tuple[MarcCheck, list, MarcCheck, list]:
    """One-process and two-process runs; ``batch_bytes`` 1 puts every record in a batch of
    its own, so that every record boundary is a batch boundary."""
    monkeypatch.setattr(marc_parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(marc_parallel, "BATCH_BYTES", batch_bytes)
    serial = MarcCheck(path, today=DAY)
    serial_findings = list(serial.findings())
    split = MarcCheck(path, today=DAY, jobs=2)
    assert marc_parallel.parallel_findings(MarcCheck(path, today=DAY), 2) is not None
    split_findings = list(split.findings())
    return serial, serial_findings, split, split_findings


def _same(serial: MarcCheck, a: list, split: MarcCheck, b: list, messages: bool = False) -> None:
    assert _full(b) == _full(a)
    if messages:  # rendered from the same params, but slow to render for big files
        assert [f.message for f in b] == [f.message for f in a]
    assert vars(split.summary) == vars(serial.summary)


@pytest.mark.shared
@pytest.mark.parametrize("name", _iso_files())
def test_shared_iso_files_give_the_one_process_findings(name: str, monkeypatch) -> None:
    path = DATA / "marc" / name
    batch = max(4096, path.stat().st_size // 50)  # many batches, not thousands
    serial, a, split, b = _both(path, monkeypatch, batch_bytes=batch)
    _same(serial, a, split, b)


def _utf8(ident: bytes, title: bytes) -> bytes:
    fields = [("001", ident), *[f for f in GOOD_FIELDS if f[0] not in ("001", "245")]]
    return iso_record([*fields, ("245", b"10\x1fa" + title)])


def _marc8(ident: bytes, title: bytes) -> bytes:
    fields = [("001", ident), *[f for f in GOOD_FIELDS if f[0] not in ("001", "245")]]
    return iso_record([*fields, ("245", b"10\x1fa" + title)], leader=b"nam  22")


def test_quirks_across_batch_boundaries(tmp_path, monkeypatch) -> None:
    records = [
        _utf8(b"r1", "Zelená kniha /".encode()),
        b"\n",  # a line break between records (MR106, reported once at the end)
        _marc8(b"r2", b"Caf\xe2e con leche /"),  # MARC-8 (MR507) beside UTF-8 (MR513)
        b"00020nam a22\x1e\x1d",  # a fragment nothing can be made of (MR101)
        _utf8(b"r1", b"The same 001 again /"),  # duplicates: occurrence numbers
        GOOD_ISO[:-1],  # no record terminator before the next leader (MR104)
        GOOD_ISO,
        _utf8(b"r3", b"Title" + b"\x1f" + b" /"),  # an empty-looking subfield code
        b"\r\n",
        iso_record(GOOD_FIELDS, length=b"00099"),  # a wrong length (MR102)
        GOOD_ISO,
        b" " * 40,  # padding after the last record (MR123)
    ]
    path = tmp_path / "quirks.mrc"
    path.write_bytes(b"".join(records))
    serial, a, split, b = _both(path, monkeypatch)
    _same(serial, a, split, b, messages=True)
    codes = {f.code for f in a}
    assert {"MR101", "MR102", "MR104", "MR106", "MR123", "MR507", "MR513"} <= codes
    assert any(f.occurrence for f in a)  # numbering crossed batches


def test_duplicated_file_numbers_occurrences_across_batches(tmp_path, monkeypatch) -> None:
    source = DATA / "marc" / "evergreen" / "jazz_1k.mrc"
    if not source.exists():
        pytest.skip("shared data not available")
    path = tmp_path / "twice.mrc"
    path.write_bytes(source.read_bytes() * 2)
    serial, a, split, b = _both(path, monkeypatch, batch_bytes=1 << 16)
    _same(serial, a, split, b)
    assert serial.summary.records == 2000
    assert sum(1 for f in a if f.occurrence) * 2 >= len(a) - 10  # the second copy


def test_other_formats_and_small_files_are_not_split(tmp_path) -> None:
    small = tmp_path / "small.mrc"
    small.write_bytes(GOOD_ISO)
    assert marc_parallel.parallel_findings(MarcCheck(small, today=DAY), 2) is None
    xml = tmp_path / "big.xml"
    xml.write_bytes(
        b'<?xml version="1.0"?><collection xmlns="http://www.loc.gov/MARC21/slim">'
        + b"<record><leader>00000nam a2200000 a 4500</leader></record>" * 200_000
        + b"</collection>"
    )
    assert xml.stat().st_size > marc_parallel.MIN_PARALLEL_BYTES
    assert marc_parallel.parallel_findings(MarcCheck(xml, today=DAY), 2) is None
    assert marc_parallel.parallel_findings(MarcCheck(small, today=DAY), 1) is None


def test_missing_file_is_reported_by_the_one_process_run(tmp_path) -> None:
    check = MarcCheck(tmp_path / "absent.mrc", today=DAY, jobs=2)
    assert [f.code for f in check.findings()] == ["MR100"]
