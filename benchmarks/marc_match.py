"""Benchmark: `erdq marc match`, a vendor update file against a large catalogue.

Builds a catalogue of N real bibliographic records (the shared ISO 2709 files, replicated
as ``marc_validate.py`` does), each copy with its own 001, OCLC number (035) and ISBN
(020), and an update file of M records drawn from it:

* 60% updated (a 500 added); 20% unchanged copies and 10% with the 035 written
  "(OCoLC)ocm00000123" instead of "(OCoLC)123" (the same number: unchanged too);
  10% new (numbers and titles not in the catalogue);

then runs the library call behind the command (``MatchRun`` with a merge file) in a fresh
process and reports the indexing rate (catalogue records/s), the matching rate
(incoming records/s), the classes found and the peak RSS. Run it on demand:

    python benchmarks/marc_match.py                          # 1,000,000 and 200,000
    python benchmarks/marc_match.py --existing 100000 --incoming 20000 --keep
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from marc_validate import _assemble, source_records
from stdnum import ean

DROP = {b"001", b"003", b"019", b"020", b"022", b"035"}


def _isbn(n: int) -> bytes:
    body = f"978{n % 10**9:09d}"
    return (body + ean.calc_check_digit(body)).encode()


def _record(source: tuple, n: int, *, oclc: bytes, extra: list | None = None, title=b"") -> bytes:
    leader, fields = source
    rest = [(t, d) for t, d in fields if t not in DROP]
    if title:
        rest = [
            (t, d.replace(b"\x1fa", b"\x1fa" + title, 1) if t == b"245" else d) for t, d in rest
        ]
    new = [
        (b"001", b"bench%09d\x1e" % n),
        (b"020", b"  \x1fa" + _isbn(n) + b"\x1e"),
        (b"035", b"  \x1fa" + oclc + b"\x1e"),
    ]
    out = new[:1]
    pending = new[1:]
    for tag, data in rest + (extra or []):
        while pending and pending[0][0] < tag:
            out.append(pending.pop(0))
        out.append((tag, data))
    out += pending
    data = _assemble(leader, out)
    return data if len(data) <= 99_999 else b""


def generate(existing: Path, incoming: Path, n_existing: int, n_incoming: int) -> dict:
    records, _ = source_records()
    if not records:
        raise SystemExit("no shared MARC records found (set ERDQ_SHARED)")
    sources = [r for r in records if _record(r, 0, oclc=b"(OCoLC)1")]
    with existing.open("wb") as fh:
        for n in range(n_existing):
            fh.write(_record(sources[n % len(sources)], n, oclc=b"(OCoLC)%d" % (n + 1)))
    rng = random.Random(42)
    picks = rng.sample(range(n_existing), min(n_incoming, n_existing))
    note = (b"500", b"  \x1faBenchmark update note.\x1e")
    with incoming.open("wb") as fh:
        for i, n in enumerate(picks):
            src = sources[n % len(sources)]
            share = i % 10
            if share < 6:
                data = _record(src, n, oclc=b"(OCoLC)%d" % (n + 1), extra=[note])
            elif share < 7:
                data = _record(src, n, oclc=b"(OCoLC)ocm%08d" % (n + 1))
            elif share < 9:
                data = _record(src, n, oclc=b"(OCoLC)%d" % (n + 1))
            else:
                m = n_existing + i
                data = _record(src, m, oclc=b"(OCoLC)%d" % (m + 1), title=b"New %d " % m)
            fh.write(data)
    return {"distinct_records": len(sources)}


def _match(incoming: str, existing: str, merge: str) -> dict:
    from erdq.cataloguing.match import MatchRun

    start = time.perf_counter()
    marks: dict[str, float] = {}

    def indexed(done: int) -> None:
        marks["index"] = time.perf_counter()

    run = MatchRun(incoming, existing, merge_to=merge, index_progress=indexed)
    count = sum(1 for _ in run.entries())
    end = time.perf_counter()
    index_s = marks.get("index", start) - start
    return {
        "index_s": index_s,
        "match_s": end - start - index_s,
        "incoming": count,
        "summary": run.summary,
    }


def _child(*args: str) -> dict:
    code = (
        f"import json,resource,sys;sys.path.insert(0,{str(Path(__file__).parent)!r});"
        "from marc_match import _match;"
        f"r=_match(*{args!r});"
        "r['peak_rss_mb']=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024;"
        "print(json.dumps(r))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--existing", type=int, default=1_000_000)
    parser.add_argument("--incoming", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="erdq-bench-"))
    existing, incoming, merge = tmp / "catalogue.mrc", tmp / "vendor.mrc", tmp / "load.mrc"
    t = time.perf_counter()
    made = generate(existing, incoming, args.existing, args.incoming)
    print(
        f"generated {args.existing:,} + {args.incoming:,} records from "
        f"{made['distinct_records']:,} distinct ({existing.stat().st_size / 1e6:.0f} MB + "
        f"{incoming.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f}s",
        file=sys.stderr,
    )
    r = _child(str(incoming), str(existing), str(merge))
    result = {
        "existing": r["summary"]["existing"],
        "incoming": r["incoming"],
        "index_s": round(r["index_s"], 1),
        "index_records_per_s": round(r["summary"]["existing"] / r["index_s"]),
        "match_s": round(r["match_s"], 1),
        "match_records_per_s": round(r["incoming"] / r["match_s"]),
        "classes": r["summary"]["classes"],
        "merged": r["summary"]["merged"],
        "peak_rss_mb": round(r["peak_rss_mb"]),
        "python": sys.version.split()[0],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"index   {result['existing']:>9,} catalogue records in {result['index_s']:7.1f}s  "
            f"{result['index_records_per_s']:>8,} records/s"
        )
        print(
            f"match   {result['incoming']:>9,} incoming records  in {result['match_s']:7.1f}s  "
            f"{result['match_records_per_s']:>8,} records/s"
        )
        print(f"classes {result['classes']}, written {result['merged']:,}")
        print(f"peak RSS {result['peak_rss_mb']} MB")
    if args.keep:
        print(f"kept {tmp}", file=sys.stderr)
    else:
        for path in (existing, incoming, merge):
            path.unlink(missing_ok=True)
        tmp.rmdir()


if __name__ == "__main__":
    main()
