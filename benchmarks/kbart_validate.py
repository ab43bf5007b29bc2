"""Benchmark: `erdq kbart validate` against merely reading the file with Python's csv.

Generates a realistic KBART file of N rows (serials and monographs, valid check digits,
partial dates, embargoes, about 2% faulty rows), then reports, each in its own process
so peak memory is measured cleanly:

* csv read: `csv.reader(delimiter="\\t")` over every row, doing nothing else;
* erdq validate: every rule, findings counted (the library call the CLI makes);

with rows/s, the ratio of the two times, and peak RSS. Run it on demand:

    python benchmarks/kbart_validate.py                 # 1,000,000 rows
    python benchmarks/kbart_validate.py --rows 100000 --keep

Target: validation within 3x the csv read time, memory flat in file size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stdnum import ean, issn

from erdq.kbart_fields import standard_columns

COLUMNS = list(standard_columns())
WORDS = [
    "Journal",
    "Review",
    "Studies",
    "Annals",
    "Letters",
    "Quarterly",
    "Research",
    "Invented",
    "Applied",
    "Theoretical",
    "History",
    "Science",
    "Society",
    "Bulletin",
    "Archives",
    "Medicine",
    "Chemistry",
    "Physics",
    "Économie",
    "Zeitschrift",
    "Revue",
    "Acta",
    "Proceedings",
    "International",
    "European",
    "Asian",
]
PUBLISHERS = [
    "Example Press",
    "Invented University Press",
    "Placeholder & Sons",
    "Éditions Exemple",
    "Beispiel Verlag",
]
EMBARGOES = ["", "", "", "", "P1Y", "P6M", "R10Y", "R5Y;P1Y", "P30D"]


def _issn(rng: random.Random) -> str:
    body = f"{rng.randrange(10**7):07d}"
    return f"{body[:4]}-{body[4:]}{issn.calc_check_digit(body)}"


def _isbn13(rng: random.Random) -> str:
    body = f"978{rng.randrange(10**9):09d}"
    return body + ean.calc_check_digit(body)


def generate(path: Path, rows: int, seed: int = 2024) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(COLUMNS) + "\n")
        for i in range(rows):
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
            serial = rng.random() < 0.3
            row = dict.fromkeys(COLUMNS, "")
            row["publication_title"] = f"{title} {i}"
            row["title_id"] = f"t{i}"
            row["title_url"] = f"https://platform.example.org/title/{i}"
            row["publisher_name"] = rng.choice(PUBLISHERS)
            row["coverage_depth"] = "fulltext"
            row["access_type"] = "P" if rng.random() < 0.9 else "F"
            if serial:
                row["publication_type"] = "serial"
                row["print_identifier"] = _issn(rng)
                row["online_identifier"] = _issn(rng)
                start = rng.randint(1950, 2015)
                row["date_first_issue_online"] = (
                    str(start) if rng.random() < 0.5 else f"{start}-{rng.randint(1, 12):02d}"
                )
                row["num_first_vol_online"] = str(rng.randint(1, 40))
                row["num_first_issue_online"] = str(rng.randint(1, 4))
                if rng.random() < 0.3:
                    row["date_last_issue_online"] = str(rng.randint(start, 2023))
                    row["num_last_vol_online"] = str(int(row["num_first_vol_online"]) + 5)
                row["embargo_info"] = rng.choice(EMBARGOES)
            else:
                row["publication_type"] = "monograph"
                row["print_identifier"] = _isbn13(rng)
                row["online_identifier"] = _isbn13(rng)
                row["first_author"] = rng.choice(["Moreau", "Tanaka", "Adeyemi", "García"])
                year = rng.randint(1990, 2024)
                row["date_monograph_published_print"] = str(year)
                row["date_monograph_published_online"] = str(year + rng.randint(0, 2))
            fault = rng.random()
            if fault < 0.005:
                row["print_identifier"] = row["print_identifier"][:-1] + (
                    "0" if row["print_identifier"][-1] != "0" else "1"
                )
            elif fault < 0.01:
                row["date_first_issue_online"] = "03/15/1997"
            elif fault < 0.015:
                row["coverage_depth"] = "Full text"
            elif fault < 0.02:
                row["title_url"] = ""
            fh.write("\t".join(row[c] for c in COLUMNS) + "\n")


def _csv_read(path: str) -> dict:
    start = time.perf_counter()
    n = 0
    with open(path, encoding="utf-8", newline="") as fh:
        for _ in csv.reader(fh, delimiter="\t"):
            n += 1
    return {"seconds": time.perf_counter() - start, "rows": n - 1}


def _validate(path: str, jobs: int = 1) -> dict:
    import datetime as dt

    from erdq.engine import KbartCheck

    start = time.perf_counter()
    check = KbartCheck(path, today=dt.date(2024, 6, 15), jobs=jobs)
    findings = sum(1 for _ in check.findings())
    return {
        "seconds": time.perf_counter() - start,
        "rows": check.summary.rows,
        "findings": findings,
    }


def _child(task: str, path: str, *args: object) -> dict:
    """Run one measurement in a fresh process; report its time and peak RSS (the larger
    of the process's own and its largest worker's)."""
    extra = "".join(f", {a!r}" for a in args)
    code = (
        f"import json,resource,sys;sys.path.insert(0,{str(Path(__file__).parent)!r});"
        "from kbart_validate import _csv_read,_validate;"
        f"r={task}({path!r}{extra});"
        "r['peak_rss_mb']=max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)/1024;"
        "print(json.dumps(r))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--file", help="benchmark this KBART file instead of generating one")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="erdq-bench-"))
    path = Path(args.file) if args.file else tmp / f"Bench_Global_AllTitles_{args.rows}.txt"
    if not args.file:
        t = time.perf_counter()
        generate(path, args.rows)
        print(
            f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - t:.1f}s",
            file=sys.stderr,
        )
    read = _child("_csv_read", str(path))
    val = _child("_validate", str(path), 1)
    jobs = max(2, os.cpu_count() or 1)
    par = _child("_validate", str(path), jobs)
    result = {
        "rows": val["rows"],
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "csv_read_s": round(read["seconds"], 2),
        "csv_rows_per_s": round(read["rows"] / read["seconds"]),
        "csv_peak_rss_mb": round(read["peak_rss_mb"]),
        "validate_s": round(val["seconds"], 2),
        "validate_rows_per_s": round(val["rows"] / val["seconds"]),
        "validate_peak_rss_mb": round(val["peak_rss_mb"]),
        "findings": val["findings"],
        "ratio": round(val["seconds"] / read["seconds"], 2),
        f"validate_{jobs}_processes_s": round(par["seconds"], 2),
        f"validate_{jobs}_processes_rows_per_s": round(par["rows"] / par["seconds"]),
        f"validate_{jobs}_processes_peak_rss_mb": round(par["peak_rss_mb"]),
        f"ratio_{jobs}_processes": round(par["seconds"] / read["seconds"], 2),
        "same_findings": par["findings"] == val["findings"],
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(
                f"{key:>22}: {value:,}" if isinstance(value, int | float) else f"{key:>22}: {value}"
            )
    if not args.keep and not args.file:
        path.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
