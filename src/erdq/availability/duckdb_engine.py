"""The DuckDB engine: the shared SQL on one machine, both cores, out of core if need be."""

from __future__ import annotations

import codecs
import csv
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from erdq.availability import common, files
from erdq.availability.common import (
    DATE_TABLE_COLUMNS,
    DUCKDB,
    INTERVAL_COLUMNS,
    JOURNAL_TABLE_COLUMNS,
    DateReading,
)
from erdq.availability.files import ARTICLE_COLUMNS

_BATCH = 10_000
MEMORY_LIMIT = "3GB"


def _connect(threads: int | None, temp_dir: str | None, memory_limit: str | None) -> Any:
    import duckdb

    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if temp_dir:
        con.execute("SET temp_directory = ?", [temp_dir])
    # A bound, so that joins, aggregates and tables spill to temp_directory rather than
    # grow to most of the machine (DuckDB's default is 80% of its memory).
    con.execute("SET memory_limit = ?", [memory_limit or MEMORY_LIMIT])
    # Order is kept only where it is asked for (ORDER BY row on output): keeping it
    # everywhere costs much time and memory.
    con.execute("SET preserve_insertion_order = false")
    return con


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_articles(con: Any, path: Path) -> files.ArticleColumns:
    """Load the articles as text columns (``row`` numbers them in file order)."""
    import duckdb

    kind = files.input_kind(path)
    src = _quote(str(path))
    layout = files.csv_layout(path) if kind == "csv" else None
    try:
        if layout is not None:
            # Columns by position, as given: no sniffing that could read a bad file as
            # one column, and DuckDB then names the line it cannot read.
            columns = files.article_columns(path, layout.header)
            types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(layout.header)))
            reader = (
                f"read_csv({src}, header = true, auto_detect = false, "
                f"delim = {_quote(layout.delimiter)}, quote = '\"', escape = '\"', "
                f"columns = {{{types}}})"
            )
            names = {c: f"c{i}" for c, i in columns.index.items()}
        elif kind == "jsonl":
            # Every line is looked at for its keys; then the ones used are read as text,
            # whatever JSON type each line gives them.
            sniff = (
                f"read_json({src}, format = 'newline_delimited', records = 'true', "
                "sample_size = -1)"
            )
            found = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {sniff}").fetchall()]
            keys = _json_keys(con, src) if any(_RENAMED.fullmatch(k) for k in found) else []
            variants = files.json_key_variants(keys)
            if variants:
                # One column spelt two ways on different lines: DuckDB names the second
                # "ISSN_1" and reads it apart; each line's own key is taken instead.
                others = {k for spellings in variants.values() for k in spellings[1:]}
                columns = files.article_columns(path, [k for k in keys if k not in others])
                columns = replace(columns, variants=variants)
                picked = ", ".join(
                    "COALESCE("
                    + ", ".join(f"json ->> {_quote(k)}" for k in variants.get(c, (n,)))
                    + f") AS {_ident(c)}"
                    for c, n in columns.names.items()
                )
                reader = f"(SELECT {picked} FROM read_ndjson_objects({src}))"
                names = {c: c for c in columns.names}
            else:
                columns = files.article_columns(path, found)
                types = ", ".join(f"{_quote(n)}: 'VARCHAR'" for n in columns.names.values())
                reader = (
                    f"read_json({src}, format = 'newline_delimited', records = 'true', "
                    f"columns = {{{types}}})"
                )
                names = columns.names
        else:
            reader = f"read_parquet({src})"
            found = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
            columns = files.article_columns(path, found)
            names = columns.names
        selected = ", ".join(
            f"CAST({_ident(names[c])} AS VARCHAR) AS {c}"
            if c in names
            else f"CAST(NULL AS VARCHAR) AS {c}"
            for c in ARTICLE_COLUMNS
        )
        # Numbered in file order: the one step that needs the insertion order kept.
        con.execute("SET preserve_insertion_order = true")
        con.execute(
            f"CREATE TABLE articles_in AS SELECT row_number() OVER () AS row, {selected} "
            f"FROM {reader}"
        )
        con.execute("SET preserve_insertion_order = false")
    except duckdb.Error as exc:
        raise files.unreadable(path, kind, str(exc), layout) from None
    return columns


# A name DuckDB gives a key that another key already gave, but for case: "ISSN_1".
_RENAMED = re.compile(r".+_[0-9]+")


def _json_keys(con: Any, src: str) -> list[str]:
    """Every key of a JSON Lines file, in the order first met (one more pass over it)."""
    found = con.execute(
        "SELECT k FROM (SELECT unnest(json_keys(json)) AS k, row_number() OVER () AS n "
        f"FROM read_ndjson_objects({src})) GROUP BY k ORDER BY min(n)"
    ).fetchall()
    return [k for (k,) in found]


def _read_table(con: Any, name: str, path: Path, columns: tuple[tuple[str, str], ...]) -> None:
    """A hand-over file erdq wrote: its layout is known, so nothing is sniffed (a sniffer
    took the date format from a text column of 2015/12/20s and then refused ISO dates)."""
    types = ", ".join(f"'{column}': '{sql}'" for column, sql in columns)
    con.execute(
        f"CREATE TABLE {name} AS SELECT * FROM read_csv({_quote(str(path))}, "
        f"header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"dateformat = '%Y-%m-%d', columns = {{{types}}})"
    )


def _read_dates(con: Any, temp_dir: str | None) -> list[DateReading]:
    """Read the articles' distinct dates in Python and load them as the ``dates`` table
    (through a CSV hand-over file, as the intervals come)."""
    found = con.execute(common.DISTINCT_DATES_SQL.format(source="articles_in")).fetchall()
    readings = common.read_dates(found)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="", suffix=".csv", dir=temp_dir, delete=False
    ) as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([name for name, _ in DATE_TABLE_COLUMNS])
        writer.writerows(common.date_table_rows(readings))
    try:
        _read_table(con, "dates", Path(fh.name), DATE_TABLE_COLUMNS)
    finally:
        Path(fh.name).unlink(missing_ok=True)
    return readings


def run(
    articles: Path,
    intervals: Path,
    journals: Path,
    *,
    threads: int | None = None,
    temp_dir: str | None = None,
    memory_limit: str | None = None,
) -> DuckDBResult:
    """Join the articles to the interval table; the result holds the tables in DuckDB."""
    con = _connect(threads, temp_dir, memory_limit)
    try:
        columns = _read_articles(con, articles)
    except BaseException:
        con.close()
        raise
    dates = _read_dates(con, temp_dir)
    _read_table(con, "raw_intervals", intervals, INTERVAL_COLUMNS)
    _read_table(con, "journals", journals, JOURNAL_TABLE_COLUMNS)
    # The articles' text is kept once (articles_in); the tables computed from it are
    # narrow, and the text is joined back on output. Views where a table is read once.
    con.execute(f"CREATE VIEW intervals AS {common.intervals_sql('raw_intervals', 'journals')}")
    con.execute(f"CREATE VIEW journal_names AS {common.journal_names_sql('journals')}")
    con.execute(f"CREATE TABLE parsed AS {common.articles_sql(DUCKDB, 'articles_in', 'dates')}")
    con.execute(f"CREATE VIEW pairs AS {common.pairs_sql('parsed', 'intervals')}")
    con.execute(f"CREATE TABLE matches AS {common.matches_sql('pairs')}")
    con.execute(f"CREATE TABLE verdicts AS {common.verdicts_sql('parsed', 'matches')}")
    con.execute("DROP VIEW pairs")
    con.execute("DROP TABLE parsed")
    return DuckDBResult(con, columns.ignored, dates)


def copy_with_bom(source: Path, path: Path) -> None:
    """Write ``path`` as a UTF-8 byte order mark followed by the bytes of ``source``
    (without a mark of its own), in chunks: a file of any size, in little memory."""
    with source.open("rb") as src, path.open("wb") as dst:
        dst.write(codecs.BOM_UTF8)
        if src.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
            src.seek(0)
        shutil.copyfileobj(src, dst, 1 << 20)


class DuckDBResult:
    engine = "duckdb"

    def __init__(
        self,
        con: Any,
        ignored_columns: tuple[str, ...] = (),
        dates: list[DateReading] | None = None,
    ) -> None:
        self.con = con
        self.ignored_columns = ignored_columns
        self.dates = dates or []

    def _query(self, name: str) -> str:
        if name == "verdicts":
            results = common.results_sql("articles_in", "verdicts", "journal_names")
            return f"SELECT * FROM ({results}) ORDER BY row"
        if name == "journals":
            journals = common.journals_sql("verdicts", "journal_names")
            return f"SELECT * FROM ({journals}) ORDER BY journal_issn NULLS LAST"
        return f"SELECT * FROM ({common.collections_sql('matches')}) ORDER BY collection"

    def rows(self, name: str = "verdicts") -> list[tuple]:
        return [tuple(r) for r in self.con.execute(self._query(name)).fetchall()]

    def columns(self, name: str) -> list[str]:
        cursor = self.con.execute(f"SELECT * FROM ({self._query(name)}) LIMIT 0")
        return [d[0] for d in cursor.description]

    def count(self, name: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM ({self._query(name)})").fetchone()[0])

    def iter_rows(self, name: str) -> Iterator[tuple]:
        # A cursor of its own, so a count or another query meanwhile does not cut it short.
        cursor = self.con.cursor()
        cursor.execute(self._query(name))
        while batch := cursor.fetchmany(_BATCH):
            yield from (tuple(r) for r in batch)

    def counts(self) -> dict[str, int]:
        query = "SELECT status, count(*) FROM verdicts GROUP BY status"
        out = dict.fromkeys(common.STATUSES, 0)
        out.update({k: int(v) for k, v in self.con.execute(query).fetchall()})
        out["articles"] = sum(out[k] for k in common.STATUSES)
        reasons = self.con.execute("SELECT reason, count(*) FROM verdicts GROUP BY reason")
        out.update({f"reason:{k}": int(v) for k, v in reasons.fetchall()})
        out.update(common.date_counts(self.dates))
        return out

    def write(self, name: str, path: Path) -> None:
        """CSV, JSON Lines or Parquet (``files.output_kind``), written by DuckDB. A CSV
        starts with a byte order mark, as erdq's other CSV files do (Excel reads UTF-8
        without one as Windows-1252); DuckDB does not write one, so its file is copied
        behind the mark, streamed."""
        kind = files.output_kind(path)
        options = {
            "csv": "FORMAT csv, HEADER true",
            "jsonl": "FORMAT json",
            "parquet": "FORMAT parquet",
        }[kind]
        if kind != "csv":
            self.con.execute(f"COPY ({self._query(name)}) TO {_quote(str(path))} ({options})")
            return
        handle, temp = tempfile.mkstemp(prefix=".erdq-", suffix=".csv", dir=path.parent)
        os.close(handle)
        try:
            self.con.execute(f"COPY ({self._query(name)}) TO {_quote(temp)} ({options})")
            copy_with_bom(Path(temp), path)
        finally:
            Path(temp).unlink(missing_ok=True)

    def close(self) -> None:
        self.con.close()
