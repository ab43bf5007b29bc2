"""Resolver throughput over HTTP on loopback, with request logging on.

Generates a store with N portfolios (valid ISSNs, mixed coverage and embargoes), starts
``erdq serve`` on it, drives ``GET /openurl`` with a small keep-alive asyncio client (so
the load generator costs little CPU) and reports requests/s and latency percentiles.

    python benchmarks/resolver_http.py                       # 100,000 portfolios
    python benchmarks/resolver_http.py --portfolios 1000000  # the target size
    python benchmarks/resolver_http.py --db bench.sqlite --reuse   # skip generation

Target (issue 5): >= 2,000 requests/s with p99 < 20 ms on 2 cores, 1,000,000 portfolios.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import insert
from stdnum import issn as stdnum_issn

from erdq.store import open_store
from erdq.store.db import write_transaction
from erdq.store.schema import collections, portfolios, snapshots


def issn_for(i: int) -> str:
    body = f"{i:07d}"
    return f"{body[:4]}-{body[4:]}{stdnum_issn.calc_check_digit(body)}"


def generate(url: str, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    store = open_store(url)
    now = dt.datetime.now(dt.UTC)
    per_collection = max(1, count // 10)
    with write_transaction(store.engine) as conn:
        next_id = 0
        for c in range(10):
            cid = conn.execute(
                insert(collections).values(
                    name=f"Bench {c}",
                    kind="package",
                    status="active",
                    created_at=now,
                    preference=100 + c,
                )
            ).inserted_primary_key[0]
            sid = conn.execute(
                insert(snapshots).values(
                    collection_id=cid,
                    imported_at=now,
                    checked_on=now.date(),
                    source="bench",
                    file_name="bench.txt",
                    sha256=f"bench{c}",
                    rows=per_collection,
                    erdq_version="bench",
                    findings=0,
                    errors=0,
                    warnings=0,
                    infos=0,
                    status="complete",
                    kind="kbart",
                )
            ).inserted_primary_key[0]
            batch = []
            for _ in range(per_collection):
                i = next_id
                next_id += 1
                start = rng.randrange(1950, 2015)
                end = rng.choice([None, None, str(rng.randrange(start, 2024))])
                embargo = rng.choice([None, None, None, "P1Y", "P6M", "R10Y"])
                batch.append(
                    {
                        "snapshot_id": sid,
                        "collection_id": cid,
                        "line": i + 2,
                        "title": f"Benchmark Journal {i}",
                        "title_id": f"b{i}",
                        "publication_type": "serial",
                        "print_identifier": issn_for(i),
                        "online_identifier": issn_for(i + 5_000_000),
                        "start_date": str(start),
                        "end_date": end,
                        "embargo": embargo,
                        "coverage_depth": "fulltext",
                        "title_url": f"https://bench.example/{c}/j/{i}",
                        "key": f"id:b{i}",
                        "raw": {},
                    }
                )
                if len(batch) >= 5000:
                    conn.execute(insert(portfolios), batch)
                    batch = []
            if batch:
                conn.execute(insert(portfolios), batch)
    store.close()


def requests_for(count: int, n: int, seed: int = 2) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        i = rng.randrange(count)
        kind = rng.random()
        if kind < 0.1:
            query = f"issn={issn_for(9_000_000 + rng.randrange(100_000))}&date=2010"  # unknown
        elif kind < 0.2:
            query = f"rft.eissn={issn_for(i + 5_000_000)}"  # title level
        else:
            query = (
                f"url_ver=Z39.88-2004&rft.genre=article&rft.issn={issn_for(i)}"
                f"&rft.date={rng.randrange(1940, 2025)}&rft.volume={rng.randrange(1, 80)}"
                f"&rft.atitle=Article+{rng.randrange(1000)}&rfr_id=info:sid/bench"
            )
        out.append(f"GET /openurl?{query}&format=json HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return out


async def drive(port: int, payloads: list[bytes], concurrency: int) -> list[float]:
    latencies: list[float] = []
    queue = list(reversed(payloads))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue:
            payload = queue.pop()
            t0 = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head[:100])
            latencies.append(time.perf_counter() - t0)
        writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--portfolios", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", help="SQLite file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="Use --db as it is.")
    args = parser.parse_args()

    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench.sqlite"
    url = f"sqlite:///{path}"
    if not args.reuse:
        path.unlink(missing_ok=True)
        t0 = time.perf_counter()
        generate(url, args.portfolios)
        print(f"generated {args.portfolios:,} portfolios in {time.perf_counter() - t0:.1f} s")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "erdq",
            "serve",
            "--db",
            url,
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
            "--today",
            "2024-06-15",
        ],
        env={**os.environ},
    )
    try:
        t0 = time.perf_counter()
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz") as r:
                    health = json.load(r)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("the server did not start")
        time.sleep(2 if args.workers > 1 else 0)  # let every worker finish loading
        print(f"server ready in {time.perf_counter() - t0:.1f} s: {health}")
        payloads = requests_for(args.portfolios, args.requests)
        asyncio.run(drive(args.port, payloads[:2000], args.concurrency))  # warm-up
        t0 = time.perf_counter()
        latencies = asyncio.run(drive(args.port, payloads, args.concurrency))
        elapsed = time.perf_counter() - t0
        latencies.sort()

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

        rate = len(latencies) / elapsed
        print(
            f"{len(latencies):,} requests in {elapsed:.1f} s: {rate:,.0f} req/s; latency"
            f" p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms"
            f" (concurrency {args.concurrency}, {args.workers} workers, logging on)"
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        logged = conn.execute(text("SELECT count(*) FROM resolver_requests")).scalar()
    print(f"requests logged: {logged:,}")


if __name__ == "__main__":
    main()
