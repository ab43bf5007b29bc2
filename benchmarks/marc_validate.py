"""Benchmark: `erdq marc validate` against merely parsing the file (erdq, pymarc, yaz).

Builds an ISO 2709 file of N real bibliographic records by replicating the records of the
shared ISO 2709 files (``shared/data/marc``; authority and holdings records left out, and
records whose directory does not locate their fields, which cannot be rewritten safely),
each copy with a distinct 001, then reports, each in its own process so that peak memory
is measured cleanly:

* erdq validate: ``MarcCheck`` with every rule, findings counted (the library call
  ``erdq marc validate`` makes), on 1 process and on N processes;
* erdq parse: ``MarcReader`` only (the tolerant ISO 2709 reader, decoding included);
* pymarc parse: ``pymarc.MARCReader`` (``to_unicode=True``), records counted;
* yaz-marcdump: ``yaz-marcdump -n`` (parse only, in C) and ``-o line`` (parse and print
  to /dev/null), when ``yaz-marcdump`` is installed (Debian package ``yaz``);
* cold: erdq validate over the distinct records once (the per-value caches start empty,
  as on a file without repeated values);

with records/s, the ratio to the C parse, and peak RSS. Run it on demand:

    python benchmarks/marc_validate.py                    # 200,000 records
    python benchmarks/marc_validate.py --records 50000 --keep
    python benchmarks/marc_validate.py --file vendor.mrc  # any ISO 2709 file

Target: at least 30,000 records/s on 2 cores, i.e. 0.3x the bare C parse rate.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ERDQ_SHARED") or REPO.parent / "shared")
MARC = SHARED / "data" / "marc"
FT, RT = 0x1E, 0x1D
NOT_BIBLIOGRAPHIC = frozenset(b"zuvxyq")  # authority, holdings, community information


def _fields(record: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]] | None:
    """(leader, [(tag, field bytes with terminator)]) when the directory locates every
    field exactly; None otherwise."""
    if len(record) < 26 or record[-1] != RT or not record[:5].isdigit():
        return None
    if int(record[:5]) != len(record):
        return None
    dir_end = record.find(b"\x1e", 24)
    if dir_end == -1 or (dir_end - 24) % 12 or record[12:17] != b"%05d" % (dir_end + 1):
        return None
    base = dir_end + 1
    out = []
    for i in range(24, dir_end, 12):
        entry = record[i : i + 12]
        if not entry[3:].isdigit():
            return None
        length, start = int(entry[3:7]), int(entry[7:12])
        data = record[base + start : base + start + length]
        if len(data) != length or not data or data[-1] != FT:
            return None
        out.append((entry[:3], data))
    return record[:24], out


def _assemble(leader: bytes, fields: list[tuple[bytes, bytes]]) -> bytes:
    directory = b""
    body = b""
    for tag, data in fields:
        directory += tag + b"%04d%05d" % (len(data), len(body))
        body += data
    base = 24 + len(directory) + 1
    total = base + len(body) + 1
    return (
        b"%05d" % total
        + leader[5:12]
        + b"%05d" % base
        + leader[17:]
        + directory
        + b"\x1e"
        + body
        + b"\x1d"
    )


def source_records() -> tuple[list[tuple[bytes, list[tuple[bytes, bytes]]]], int]:
    """The shared bibliographic ISO 2709 records that can be rewritten, and how many
    bibliographic records were left out."""
    from erdq.readers.iso2709 import split_records
    from erdq.readers.sniff import marc_format

    records = []
    skipped = 0
    for path in sorted(MARC.rglob("*")):
        if not path.is_file() or path.suffix.lower() in (".xml", ".mrk", ".mrk8", ".txt"):
            continue
        with path.open("rb") as fh:
            if marc_format(fh.read(1 << 16)) != "iso2709":
                continue
            fh.seek(0)
            for _, data, _ in split_records(fh, lambda *a, **k: None):
                if len(data) > 6 and data[6] in NOT_BIBLIOGRAPHIC:
                    continue
                parsed = _fields(data)
                if parsed is None:
                    skipped += 1
                else:
                    records.append(parsed)
    return records, skipped


def generate(path: Path, count: int) -> dict:
    """Write ``count`` records, cycling through the shared ones, each with its own 001."""
    records, skipped = source_records()
    if not records:
        raise SystemExit(f"no shared MARC records under {MARC} (set ERDQ_SHARED)")
    with path.open("wb") as fh:
        for n in range(count):
            leader, fields = records[n % len(records)]
            control = b"erdqbench%09d\x1e" % n
            rest = [(t, d) for t, d in fields if t != b"001"]
            data = _assemble(leader, [(b"001", control), *rest])
            if len(data) > 99_999:  # a longer 001 pushed it over: keep the original 001
                data = _assemble(leader, fields)
            fh.write(data)
    return {"distinct_records": len(records), "records_left_out": skipped}


def unique_file(path: Path) -> None:
    """The distinct records once each, for the cold-cache measurement."""
    records, _ = source_records()
    with path.open("wb") as fh:
        for n, (leader, fields) in enumerate(records):
            rest = [(t, d) for t, d in fields if t != b"001"]
            data = _assemble(leader, [(b"001", b"erdqbench%09d\x1e" % n), *rest])
            fh.write(data if len(data) <= 99_999 else _assemble(leader, fields))


# Measurements, each run in a fresh process by _child ------------------------------------


def _validate(path: str, jobs: int = 1) -> dict:
    import datetime as dt

    from erdq.config import Settings
    from erdq.marc_check import MarcCheck

    start = time.perf_counter()
    check = MarcCheck(path, Settings(), today=dt.date(2024, 6, 15), jobs=jobs)
    findings = sum(1 for _ in check.findings())
    return {
        "seconds": time.perf_counter() - start,
        "records": check.summary.records,
        "findings": findings,
    }


def _erdq_parse(path: str) -> dict:
    from erdq.readers.marc import MarcReader

    start = time.perf_counter()
    reader = MarcReader(path, lambda *a, **k: None)
    records = sum(1 for _ in reader)
    return {"seconds": time.perf_counter() - start, "records": records}


def _pymarc_parse(path: str) -> dict:
    import logging

    import pymarc

    logging.disable(logging.CRITICAL)
    start = time.perf_counter()
    records = failed = 0
    with open(path, "rb") as fh:
        for record in pymarc.MARCReader(fh, to_unicode=True, utf8_handling="replace"):
            if record is None:
                failed += 1
            else:
                records += 1
    return {"seconds": time.perf_counter() - start, "records": records, "failed": failed}


def _child(task: str, path: str, *args: object) -> dict:
    """Run one measurement in a fresh process; report its time and peak RSS (the larger
    of the process's own and its largest worker's)."""
    extra = "".join(f", {a!r}" for a in args)
    code = (
        f"import json,resource,sys;sys.path.insert(0,{str(Path(__file__).parent)!r});"
        f"from marc_validate import {task};"
        f"r={task}({path!r}{extra});"
        "r['peak_rss_mb']=max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)/1024;"
        "print(json.dumps(r))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _yaz(path: str, *options: str) -> dict | None:
    """yaz-marcdump's time and peak RSS (via /usr/bin/time when present), or None."""
    exe = shutil.which("yaz-marcdump")
    if exe is None:
        return None
    timer = shutil.which("time") if Path("/usr/bin/time").exists() else None
    command = [exe, *options, path]
    if timer:
        command = ["/usr/bin/time", "-f", "%M", *command]
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        done = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    rss = None
    if timer:
        last = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
        if last and last[0].isdigit():
            rss = int(last[0]) / 1024
    return {"seconds": seconds, "peak_rss_mb": rss}


def _jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--file", help="benchmark this ISO 2709 file instead of generating one")
    parser.add_argument("--jobs", type=int, default=_jobs(), help="processes for the N run")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="erdq-bench-"))
    path = Path(args.file) if args.file else tmp / f"bench_{args.records}.mrc"
    made: dict = {}
    if not args.file:
        t = time.perf_counter()
        made = generate(path, args.records)
        print(
            f"generated {args.records:,} records from {made['distinct_records']:,} distinct "
            f"({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f}s",
            file=sys.stderr,
        )
    yaz = _yaz(str(path), "-n")
    yaz_line = _yaz(str(path), "-o", "line")
    erdq_parse = _child("_erdq_parse", str(path))
    py_parse = _child("_pymarc_parse", str(path))
    one = _child("_validate", str(path), 1)
    jobs = max(2, args.jobs)
    many = _child("_validate", str(path), jobs)
    cold = None
    if not args.file:
        unique = tmp / "unique.mrc"
        unique_file(unique)
        cold = _child("_validate", str(unique), 1)
        unique.unlink()
    n = one["records"]
    rows: list[tuple[str, dict | None]] = [
        ("yaz-marcdump -n (C, parse only)", yaz),
        ("yaz-marcdump -o line (C, parse+print)", yaz_line),
        ("pymarc MARCReader, parse only", py_parse),
        ("erdq MarcReader, parse only", erdq_parse),
        ("erdq validate, 1 process", one),
        (f"erdq validate, {jobs} processes", many),
    ]
    result: dict = {
        "records": n,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        **made,
        "findings": one["findings"],
        "same_findings": many["findings"] == one["findings"],
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    c_seconds = yaz["seconds"] if yaz else None
    table = []
    for label, r in rows:
        if r is None:
            table.append((label, None, None, None, None))
            continue
        rate = n / r["seconds"]
        ratio = c_seconds / r["seconds"] if c_seconds else None
        table.append((label, r["seconds"], rate, ratio, r.get("peak_rss_mb")))
        key = label.split(",")[0].split(" (")[0].replace(" ", "_").lower()
        key += "" if "," not in label else "_" + label.split(", ")[1].replace(" ", "_")
        result[f"{key}_s"] = round(r["seconds"], 2)
        result[f"{key}_records_per_s"] = round(rate)
        if r.get("peak_rss_mb") is not None:
            result[f"{key}_peak_rss_mb"] = round(r["peak_rss_mb"])
    if py_parse.get("failed"):
        result["pymarc_records_lost"] = py_parse["failed"]
    if cold is not None:
        result["cold_records"] = cold["records"]
        result["cold_records_per_s"] = round(cold["records"] / cold["seconds"])
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{n:,} records, {result['file_mb']} MB, {result['findings']:,} findings")
        print(f"| {'':40} | {'time':>8} | {'records/s':>10} | {'x C parse':>9} | {'peak RSS':>9} |")
        print(f"|{'-' * 42}|{'-' * 10}|{'-' * 12}|{'-' * 11}|{'-' * 11}|")
        for label, seconds, rate, ratio, rss in table:
            if seconds is None:
                print(f"| {label:40} | {'n/a (not installed)':>45} |")
                continue
            shown_ratio = f"{ratio:.2f}" if ratio is not None else "n/a"
            shown_rss = f"{rss:.0f} MB" if rss is not None else "n/a"
            print(
                f"| {label:40} | {seconds:7.1f}s | {rate:10,.0f} | {shown_ratio:>9} | "
                f"{shown_rss:>9} |"
            )
        for key in ("same_findings", "pymarc_records_lost", "cold_records", "cold_records_per_s"):
            if key in result:
                print(f"{key}: {result[key]}")
    if not args.keep and not args.file:
        path.unlink()
        tmp.rmdir()
    elif not args.file:
        print(f"kept {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
