"""Benchmark: `erdq print2e` (print book records → provider-neutral e-book records).

Builds an ISO 2709 file of N print records by replicating the real print records of
``shared/data/marc/folio/61PRINT160129.mrc`` (246 vendor print books, a quarter of them
MARC-8), each copy with a distinct 001, and a KBART file with one row per distinct
title (a made-up e-ISBN and URL for each), then reports, each in a fresh process:

* read only: ``MarcReader`` over the file (the tolerant reader, decoding included);
* convert only: ``convert_record`` over records already in memory (a sample);
* print2e, 1 process: ``Print2eRun`` (read, convert, match KBART, write ISO 2709);
* print2e, N processes: the same with ``jobs=N`` (fork-server workers).

Run it on demand:

    python benchmarks/print2e.py                      # 200,000 records
    python benchmarks/print2e.py --records 20000 --keep

Target: 10,000 records/s on 2 cores.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ERDQ_SHARED") or REPO.parent / "shared")
PRINT = SHARED / "data" / "marc" / "folio" / "61PRINT160129.mrc"


def _helpers():
    """The ISO 2709 record splitter and assembler of the validate benchmark."""
    spec = importlib.util.spec_from_file_location(
        "marc_validate", Path(__file__).with_name("marc_validate.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module._fields, module._assemble


def generate(path: Path, kbart: Path, count: int) -> int:
    """Write ``count`` print records and a KBART file for the distinct titles."""
    from stdnum import ean

    from erdq.identifiers import isbn13
    from erdq.kbart_fields import standard_columns
    from erdq.readers.iso2709 import split_records
    from erdq.readers.marc import MarcReader

    fields_of, assemble = _helpers()
    with PRINT.open("rb") as fh:
        records = [fields_of(data) for _, data, _ in split_records(fh, lambda *a, **k: None)]
    records = [r for r in records if r is not None]
    with path.open("wb") as fh:
        for n in range(count):
            leader, fields = records[n % len(records)]
            rest = [(t, d) for t, d in fields if t != b"001"]
            fh.write(assemble(leader, [(b"001", b"p2ebench%09d\x1e" % n), *rest]))
    columns = standard_columns()
    lines = ["\t".join(columns)]
    for item in MarcReader(PRINT, lambda *a, **k: None):
        numbers = [v for f in item.record.get_fields("020") for v in f.get_subfields("a")]
        found = next((isbn13(v.split()[0]) for v in numbers if isbn13(v.split()[0])), None)
        if found is None:
            continue
        body = f"979100{item.ordinal:06d}"
        row = {
            "publication_title": item.record["245"]["a"],
            "print_identifier": found,
            "online_identifier": body + ean.calc_check_digit(body),
            "title_url": f"https://ebooks.example.org/title/{item.ordinal}",
            "publication_type": "monograph",
        }
        lines.append("\t".join(row.get(c, "") for c in columns))
    kbart.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(records)


# Measurements, each in a fresh process ---------------------------------------------------


def _read(path: str) -> dict:
    from erdq.readers.marc import MarcReader

    start = time.perf_counter()
    records = sum(1 for _ in MarcReader(path, lambda *a, **k: None))
    return {"seconds": time.perf_counter() - start, "records": records}


def _convert(path: str, kbart: str) -> dict:
    """convert_record alone, over the first 20,000 records held in memory."""
    from itertools import islice

    from erdq.cataloguing.print2e import KbartIndex, Options, convert_record
    from erdq.readers.marc import MarcReader

    index = KbartIndex.read(kbart)
    records = [i.record for i in islice(MarcReader(path, lambda *a, **k: None), 20_000)]
    options = Options(agency="XxXX")
    start = time.perf_counter()
    for n, record in enumerate(records, 1):
        convert_record(record, ordinal=n, options=options, kbart=index)
    return {"seconds": time.perf_counter() - start, "records": len(records)}


def _run(path: str, kbart: str, jobs: int) -> dict:
    from erdq.cataloguing.print2e import KbartIndex, Options
    from erdq.cataloguing.print2e_run import Print2eRun

    start = time.perf_counter()
    index = KbartIndex.read(kbart)
    kbart_seconds = time.perf_counter() - start
    out = Path(path).with_suffix(".out.mrc")
    run = Print2eRun(
        path, out, options=Options(agency="XxXX"), kbart=index, jobs=jobs, detail=False
    )
    written = sum(1 for r in run.results() if r.record is not None or not r.skipped)
    seconds = time.perf_counter() - start
    out.unlink()
    return {
        "seconds": seconds,
        "kbart_seconds": kbart_seconds,
        "records": run.summary.read,
        "written": run.summary.written,
        "results": written,
    }


def _child(task: str, *args: object) -> dict:
    call = ", ".join(repr(a) for a in args)
    code = (
        f"import json,resource,sys;sys.path.insert(0,{str(Path(__file__).parent)!r});"
        f"from print2e import {task};r={task}({call});"
        "r['peak_rss_mb']=max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)/1024;"
        "print(json.dumps(r))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--jobs", type=int, default=_jobs(), help="processes for the N run")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if not PRINT.exists():
        raise SystemExit(f"{PRINT} not found (set ERDQ_SHARED)")
    tmp = Path(tempfile.mkdtemp(prefix="erdq-bench-"))
    path, kbart = tmp / f"print_{args.records}.mrc", tmp / "titles_kbart.txt"
    t = time.perf_counter()
    distinct = generate(path, kbart, args.records)
    print(
        f"generated {args.records:,} records from {distinct} distinct "
        f"({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f}s",
        file=sys.stderr,
    )
    jobs = max(2, args.jobs)
    rows = [
        ("read only (MarcReader), 1 process", _child("_read", str(path))),
        ("convert_record only, 1 process", _child("_convert", str(path), str(kbart))),
        ("print2e, 1 process", _child("_run", str(path), str(kbart), 1)),
        (f"print2e, {jobs} processes", _child("_run", str(path), str(kbart), jobs)),
    ]
    result = {"records": args.records, "file_mb": round(path.stat().st_size / 1e6, 1)}
    for label, r in rows:
        key = label.split(",")[0].split(" (")[0].replace(" ", "_") + label.split(",")[1].replace(
            " ", "_"
        )
        result[f"{key}_records_per_s"] = round(r["records"] / r["seconds"])
        result[f"{key}_peak_rss_mb"] = round(r["peak_rss_mb"])
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{args.records:,} records, {result['file_mb']} MB")
        print(f"| {'':36} | {'records':>8} | {'time':>8} | {'records/s':>10} | {'peak RSS':>9} |")
        print(f"|{'-' * 38}|{'-' * 10}|{'-' * 10}|{'-' * 12}|{'-' * 11}|")
        for label, r in rows:
            rate = r["records"] / r["seconds"]
            print(
                f"| {label:36} | {r['records']:8,} | {r['seconds']:7.1f}s | {rate:10,.0f} | "
                f"{r['peak_rss_mb']:6.0f} MB |"
            )
    if args.keep:
        print(f"kept {path} and {kbart}", file=sys.stderr)
    else:
        path.unlink()
        kbart.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
