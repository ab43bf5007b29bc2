"""Benchmark: a whole `erdq audit` of N generated portfolios plus M replicated real records.

The KBART file comes from the KBART benchmark's generator (serials and monographs, valid
check digits, about 2% faulty rows); the MARC file from the MARC benchmark's (the shared
real records replicated, each copy with its own 001). The generated portfolios and the
replicated records share no identifiers, so the portfolio ↔ record linkage (stage
"linkage", plus the portfolios and record keys written to its scratch store during
"check") finds every portfolio without a record: its worst case for findings. The audit
runs as the CLI does,
in a process of its own, with a fresh SQLite store, so that its wall time and peak memory
are measured cleanly; the stage timings come from its summary.json.

    python benchmarks/audit.py                                  # 1,000,000 + 1,000,000
    python benchmarks/audit.py --portfolios 100000 --records 100000 --keep
    python benchmarks/audit.py --portfolios 100000 --records 100000 --no-linkage

Target (issue 4): under 3 minutes and under 2 GB peak memory on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kbart_validate  # the sibling benchmarks' generators
import marc_validate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portfolios", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    parser.add_argument(
        "--no-linkage",
        action="store_true",
        help="skip the PF rules, and with them the linkage (to measure what it costs)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="erdq-bench-audit-"))
    try:
        library = work / "library"
        library.mkdir()
        started = time.perf_counter()
        kbart_validate.generate(library / "Bench_Global_AllTitles_2024-06-01.txt", args.portfolios)
        marc_validate.generate(library / "bench-records.mrc", args.records)
        generated = time.perf_counter() - started
        size = sum(p.stat().st_size for p in library.iterdir())

        command = [
            sys.executable, "-m", "erdq", "audit", str(library),
            "--out", str(work / "report"), "--db", f"sqlite:///{work / 'erdq.sqlite'}",
            "--today", "2024-06-15", "--fail-on", "never", "--quiet",
        ]  # fmt: skip
        if args.no_linkage:
            command += ["--ignore", "PF"]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        wall = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        summary = json.loads((work / "report" / "summary.json").read_text("utf-8"))
        result = {
            "portfolios": args.portfolios,
            "records": args.records,
            "linkage": not args.no_linkage,
            "input_mb": round(size / 1e6, 1),
            "generated_s": round(generated, 1),
            "audit_s": round(wall, 1),
            "peak_rss_mb": round(peak_mb),
            "findings": summary["findings_total"],
            "stages_s": summary["timings"],
            "outputs_mb": {
                p.name: round(p.stat().st_size / 1e6, 1)
                for p in sorted((work / "report").iterdir())
            },
        }
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{result['portfolios']:,} portfolios + {result['records']:,} records "
        f"({result['input_mb']} MB, generated in {result['generated_s']} s)"
    )
    print(
        f"erdq audit: {result['audit_s']} s, peak memory {result['peak_rss_mb']:,} MB, "
        f"{result['findings']:,} findings"
    )
    print("stages (s): " + ", ".join(f"{k} {v}" for k, v in result["stages_s"].items()))
    print("outputs (MB): " + ", ".join(f"{k} {v}" for k, v in result["outputs_mb"].items()))


if __name__ == "__main__":
    main()
