"""The DuckDB engine: the shared SQL on one machine, both cores, out of core if need be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from erdq.availability import common
from erdq.availability.common import DUCKDB, INTERVAL_COLUMNS


def _connect(threads: int | None, temp_dir: str | None) -> Any:
    import duckdb

    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if temp_dir:
        con.execute("SET temp_directory = ?", [temp_dir])
    con.execute("SET preserve_insertion_order = true")
    return con


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _read_articles(con: Any, path: Path) -> None:
    kind = common.input_kind(path)
    src = _quote(str(path))
    if kind == "csv":
        reader = f"read_csv({src}, header = true, all_varchar = true, auto_detect = true)"
    elif kind == "jsonl":
        reader = f"read_json({src}, format = 'newline_delimited')"
    else:
        reader = f"read_parquet({src})"
    con.execute(f"CREATE VIEW raw_articles AS SELECT * FROM {reader}")
    present = {row[0].lower(): row[0] for row in con.execute("DESCRIBE raw_articles").fetchall()}
    columns = ", ".join(
        f'CAST("{present[c]}" AS VARCHAR) AS {c}'
        if c in present
        else f"CAST(NULL AS VARCHAR) AS {c}"
        for c in common.ARTICLE_COLUMNS
    )
    con.execute(
        f"CREATE TABLE articles_in AS SELECT row_number() OVER () AS row, {columns} "
        "FROM raw_articles"
    )


def _read_intervals(con: Any, path: Path) -> None:
    types = ", ".join(f"'{name}': '{sql}'" for name, sql in INTERVAL_COLUMNS)
    con.execute(
        f"CREATE TABLE intervals AS SELECT * FROM read_csv({_quote(str(path))}, "
        f"header = true, columns = {{{types}}}, quote = '\"', escape = '\"')"
    )


def run(
    articles: Path,
    intervals: Path,
    *,
    threads: int | None = None,
    temp_dir: str | None = None,
) -> DuckDBResult:
    """Join the articles to the interval table; the result holds the tables in DuckDB."""
    con = _connect(threads, temp_dir)
    _read_articles(con, articles)
    _read_intervals(con, intervals)
    con.execute(f"CREATE TABLE parsed AS {common.articles_sql(DUCKDB, 'articles_in')}")
    con.execute(f"CREATE TABLE pairs AS {common.pairs_sql('parsed', 'intervals')}")
    con.execute(f"CREATE TABLE verdicts AS {common.verdicts_sql('parsed', 'pairs')}")
    return DuckDBResult(con)


class DuckDBResult:
    engine = "duckdb"

    def __init__(self, con: Any) -> None:
        self.con = con

    def _query(self, name: str) -> str:
        if name == "verdicts":
            cols = ", ".join(f'"{c}"' for c in common.RESULT_COLUMNS)
            return f"SELECT {cols} FROM verdicts ORDER BY row"
        if name == "journals":
            journals = common.journals_sql("verdicts")
            return f"SELECT * FROM ({journals}) ORDER BY journal_issn NULLS LAST"
        return f"SELECT * FROM ({common.collections_sql('pairs')}) ORDER BY collection"

    def rows(self, name: str = "verdicts") -> list[tuple]:
        return [tuple(r) for r in self.con.execute(self._query(name)).fetchall()]

    def counts(self) -> dict[str, int]:
        query = "SELECT status, count(*) FROM verdicts GROUP BY status"
        out = {"covered": 0, "embargoed": 0, "not_covered": 0}
        out.update({k: int(v) for k, v in self.con.execute(query).fetchall()})
        out["articles"] = sum(out[k] for k in ("covered", "embargoed", "not_covered"))
        reasons = self.con.execute("SELECT reason, count(*) FROM verdicts GROUP BY reason")
        out.update({f"reason:{k}": int(v) for k, v in reasons.fetchall()})
        return out

    def write(self, name: str, path: Path) -> None:
        kind = common.input_kind(path)
        options = {
            "csv": "FORMAT csv, HEADER true",
            "jsonl": "FORMAT json",
            "parquet": "FORMAT parquet",
        }[kind]
        self.con.execute(f"COPY ({self._query(name)}) TO {_quote(str(path))} ({options})")

    def close(self) -> None:
        self.con.close()
