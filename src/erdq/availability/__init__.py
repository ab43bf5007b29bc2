"""Article-level availability: which articles do the library's holdings make available?

``check_availability`` compiles the active portfolios' coverage into a flat interval
table with the one coverage evaluator's model (``erdq.availability.common``) and hands it,
with the articles (CSV, JSON Lines or Parquet with doi, issn, eissn, date, volume, issue,
title and optionally the index's own ``available`` flag), to an engine that only joins
and compares: DuckDB on one machine (``duckdb_engine``), or Apache Spark for indexes of
billions of articles (``spark_engine``). Both run the same SQL and give the same rows.

Per article the result says ``available``, ``status`` (covered, embargoed, not_covered,
not_judged), ``reason`` (covered, title_level, embargoed, before_coverage,
after_coverage, gap, outside_coverage, no_journal; not judged, with ``available`` empty:
no_identifier, invalid_identifier, unreadable_date, coverage_unreadable), the
``collection`` that provides it (the first by name), the ``journal`` matched, how many
collections hold the journal, and the index's flag when given. Summaries per journal
(all ISSNs of a title together) and per collection count what is available, embargoed
and not covered, and where the index and the holdings disagree.

The articles file is read whole or refused (``erdq.availability.files``): bad lines are
named, not skipped. Holdings with no coverage under a valid ISSN are refused too, since
every article would come out as ``no_journal``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erdq.availability import files
from erdq.availability.common import (
    COLLECTION_COLUMNS,
    JOURNAL_COLUMNS,
    RESULT_COLUMNS,
    DateReading,
    JournalIndex,
    compile_intervals,
    store_portfolios,
    write_journals,
    write_portfolio_intervals,
)
from erdq.availability.files import output_kind
from erdq.errors import InputError
from erdq.model.portfolio import Portfolio

ENGINES = ("duckdb", "spark")

__all__ = [
    "COLLECTION_COLUMNS",
    "ENGINES",
    "JOURNAL_COLUMNS",
    "RESULT_COLUMNS",
    "AvailabilityRun",
    "DateReading",
    "compile_intervals",
    "output_kind",
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
    temp_dir: Path | None = None  # erdq's own working folder, removed on close

    def rows(self, name: str = "verdicts") -> list[tuple]:
        return self.result.rows(name)

    @property
    def dates(self) -> list[DateReading]:
        """Each distinct date text of the articles and how it was read."""
        return self.result.dates

    def date_notes(self, *, lenient: bool, limit: int = 3) -> list[str]:
        """The most cited dates read leniently (``lenient``) or not read at all, each
        with the resolver's note and its article count."""
        chosen = [r for r in self.dates if (r.lenient if lenient else r.first is None)]
        chosen.sort(key=lambda r: (-r.articles, r.text))
        return [f"{r.note} ({r.articles})" for r in chosen[:limit]]

    @property
    def ignored_columns(self) -> tuple[str, ...]:
        """The input's columns that are not article columns, so were not read."""
        return self.result.ignored_columns

    def counts(self) -> dict[str, int]:
        return self.result.counts()

    def write(self, name: str, path: str | Path) -> None:
        """verdicts, journals or collections, in the format the file name gives
        (``output_kind``: .csv, .jsonl, .parquet or .xlsx)."""
        if output_kind(path) == "xlsx":
            files.write_xlsx(
                path,
                self.result.columns(name),
                self.result.iter_rows(name),
                self.result.count(name),
                sheet=name,
            )
        else:
            self.result.write(name, Path(path))

    def close(self) -> None:
        try:
            self.result.close()
        finally:
            if self.temp_dir is not None:
                shutil.rmtree(self.temp_dir, ignore_errors=True)

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
    files.input_kind(path)  # refuses a spreadsheet before any work is done
    day = today or dt.date.today()
    from_store = portfolios is None
    if portfolios is None:
        if store is None:
            raise InputError("no holdings given", hint="pass portfolios or a store")
        portfolios = store_portfolios(store, collections)
    own = None if work_dir else Path(tempfile.mkdtemp(prefix="erdq-availability-"))
    work = Path(work_dir) if work_dir else own
    try:
        started = time.perf_counter()
        interval_file, journal_file = work / "intervals.csv", work / "journals.csv"
        journals = JournalIndex()
        count = write_portfolio_intervals(portfolios, day, journals, interval_file)
        if count == 0:
            raise _no_holdings(store if from_store else None)
        write_journals(journals, journal_file)
        compiled = time.perf_counter()
        if engine == "duckdb":
            from erdq.availability import duckdb_engine

            result = duckdb_engine.run(path, interval_file, journal_file, temp_dir=str(work))
        else:
            from erdq.availability import spark_engine

            result = spark_engine.run(path, interval_file, journal_file, spark=spark)
    except BaseException:
        if own is not None:
            shutil.rmtree(own, ignore_errors=True)
        raise
    done = time.perf_counter()
    seconds = {"compile": compiled - started, "join": done - compiled}
    return AvailabilityRun(engine, result, count, day, seconds, temp_dir=own)


def _no_holdings(store: Any) -> InputError:
    """Why there is nothing to check against, and what to do about it."""
    if store is None:
        return InputError(
            "the portfolios given have no coverage under a valid ISSN",
            hint="articles are matched by ISSN or eISSN; pass portfolios with one",
        )
    known = store.collections()
    if not any(c.get("latest_snapshot_id") for c in known):
        return InputError(
            "the store has no holdings: no KBART file has been imported",
            hint="import one first: erdq import kbart --collection NAME FILE",
        )
    return InputError(
        "no active portfolio in the store has coverage under a valid ISSN, so no article "
        "could be matched",
        hint="articles are matched by ISSN or eISSN: check that the collections are "
        "active (erdq collection set NAME --active) and that their KBART files give ISSNs "
        "(erdq holdings publish reports those without a valid identifier)",
    )
