"""Article-level availability: which articles do the library's holdings make available?

``check_availability`` compiles the active portfolios' coverage into a flat interval
table with the one coverage evaluator's model (``erdq.availability.common``) and hands it,
with the articles (CSV, JSON Lines or Parquet with doi, issn, eissn, date, volume, issue,
title and optionally the index's own ``available`` flag), to an engine that only joins
and compares: DuckDB on one machine (``duckdb_engine``), or Apache Spark for indexes of
billions of articles (``spark_engine``). Both run the same SQL and give the same rows.

Per article the result says ``available``, ``status`` (covered, embargoed, not_covered),
``reason`` (covered, title_level, embargoed, before_coverage, after_coverage, gap,
outside_coverage, no_journal, no_identifier), the ``collection`` that provides it (the
first by name), the ``journal`` matched, how many collections hold the journal, and the
index's flag when given. Summaries per journal and per collection count what is
available, embargoed and not covered, and where the index and the holdings disagree.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erdq.availability.common import (
    COLLECTION_COLUMNS,
    JOURNAL_COLUMNS,
    RESULT_COLUMNS,
    compile_intervals,
    store_portfolios,
    write_intervals,
)
from erdq.errors import InputError
from erdq.model.portfolio import Portfolio

ENGINES = ("duckdb", "spark")

__all__ = [
    "COLLECTION_COLUMNS",
    "ENGINES",
    "JOURNAL_COLUMNS",
    "RESULT_COLUMNS",
    "AvailabilityRun",
    "compile_intervals",
    "run_availability",
]


@dataclass
class AvailabilityRun:
    """An engine's result; ``rows(name)`` for verdicts, journals or collections."""

    engine: str
    result: Any
    intervals: int
    today: dt.date
    seconds: dict[str, float] = field(default_factory=dict)

    def rows(self, name: str = "verdicts") -> list[tuple]:
        return self.result.rows(name)

    def counts(self) -> dict[str, int]:
        return self.result.counts()

    def write(self, name: str, path: str | Path) -> None:
        self.result.write(name, Path(path))

    def close(self) -> None:
        self.result.close()

    def __enter__(self) -> AvailabilityRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_availability(
    articles: str | Path,
    portfolios: Iterable[Portfolio] | None = None,
    *,
    store: Any = None,
    collections: Iterable[str] | None = None,
    engine: str = "duckdb",
    today: dt.date | None = None,
    spark: Any = None,
    work_dir: str | Path | None = None,
) -> AvailabilityRun:
    """Mark the articles in ``articles`` available or not.

    The holdings are ``portfolios`` or, failing that, the current portfolios of the
    active collections of ``store`` (all, or ``collections``). ``spark`` is an existing
    SparkSession for ``engine="spark"`` (default: a local one). Close the result.
    """
    import time

    path = Path(articles)
    if not path.is_file():
        raise InputError(f"{path}: no such file", hint="name a CSV, JSON Lines or Parquet file")
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}", hint=f"use one of {', '.join(ENGINES)}")
    day = today or dt.date.today()
    if portfolios is None:
        if store is None:
            raise InputError("no holdings given", hint="pass portfolios or a store")
        portfolios = store_portfolios(store, collections)
    work = Path(work_dir or tempfile.mkdtemp(prefix="erdq-availability-"))
    started = time.perf_counter()
    interval_file = work / "intervals.csv"
    count = write_intervals(compile_intervals(portfolios, day), interval_file)
    compiled = time.perf_counter()
    if engine == "duckdb":
        from erdq.availability import duckdb_engine

        result = duckdb_engine.run(path, interval_file, temp_dir=str(work))
    else:
        from erdq.availability import spark_engine

        result = spark_engine.run(path, interval_file, spark=spark)
    done = time.perf_counter()
    seconds = {"compile": compiled - started, "join": done - compiled}
    return AvailabilityRun(engine, result, count, day, seconds)
