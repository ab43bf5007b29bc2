"""The Spark engine: the same SQL on Apache Spark, for indexes of billions of articles.

Needs the ``spark`` extra (``pip install 'erdq[spark]'``) and Java 17 or later. Without a
session given, a local one (``local[*]``) is started; on a cluster, pass your own.
Output: one file (CSV, JSON Lines or Parquet) as with DuckDB; for data too large for one
file, use ``SparkResult.frame(name)`` and write it the Spark way.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from erdq.availability import common, files
from erdq.availability.common import (
    DATE_TABLE_COLUMNS,
    INTERVAL_COLUMNS,
    JOURNAL_TABLE_COLUMNS,
    SPARK,
    DateReading,
)
from erdq.availability.files import ARTICLE_COLUMNS
from erdq.errors import InputError


def local_session(cores: str = "*") -> Any:
    """A local SparkSession set up for erdq (UTC, no UI, few shuffle partitions)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InputError(
            "the Spark engine needs PySpark",
            hint="pip install 'erdq[spark]' (and Java 17 or later), or use --engine duckdb",
        ) from exc
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("erdq-availability")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        # Names as spelt, as DuckDB reads JSON keys: "issn" and "ISSN" on different lines
        # of a JSON Lines file are two keys of one column (``files.json_key_variants``).
        .config("spark.sql.caseSensitive", "true")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def _schema(columns: tuple[tuple[str, str], ...]) -> Any:
    from pyspark.sql import types as T

    kinds = {
        "VARCHAR": T.StringType(),
        "BIGINT": T.LongType(),
        "INTEGER": T.IntegerType(),
        "DATE": T.DateType(),
    }
    return T.StructType([T.StructField(n, kinds[t], True) for n, t in columns])


def _is_engine_error(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] in ("pyspark", "py4j")


def _read_articles(spark: Any, path: Path) -> tuple[Any, files.ArticleColumns]:
    """The articles as text columns, numbered in file order, read through (and cached)
    here so that a file Spark cannot read is refused before anything else runs."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    kind = files.input_kind(path)
    layout = files.csv_layout(path) if kind == "csv" else None
    try:
        if layout is not None:
            # Columns by position, as in DuckDB; FAILFAST so a bad line stops the run
            # instead of becoming an article of nulls.
            columns = files.article_columns(path, layout.header)
            schema = T.StructType(
                [T.StructField(f"c{i}", T.StringType(), True) for i in range(len(layout.header))]
            )
            frame = (
                spark.read.option("header", True)
                .option("sep", layout.delimiter)
                .option("escape", '"')
                .option("mode", "FAILFAST")
                .schema(schema)
                .csv(str(path))
            )
            names = {c: f"c{i}" for c, i in columns.index.items()}
        elif kind == "jsonl":
            frame = spark.read.option("mode", "FAILFAST").json(str(path))
            keys = list(frame.columns)
            frame = frame.toDF(*(f"c{i}" for i in range(len(keys))))  # by position
            variants = files.json_key_variants(keys)
            others = {k for spellings in variants.values() for k in spellings[1:]}
            columns = files.article_columns(path, [k for k in keys if k not in others])
            position = {k: f"c{i}" for i, k in enumerate(keys)}
            names = {c: position[n] for c, n in columns.names.items()}
            if variants:
                columns = replace(columns, variants=variants)
                frame = frame.select(
                    *(
                        F.coalesce(*(F.col(position[k]).cast("string") for k in variants[c])).alias(
                            names[c]
                        )
                        if c in variants
                        else F.col(names[c])
                        for c in names
                    )
                )
        else:
            frame = spark.read.parquet(str(path))
            columns = files.article_columns(path, frame.columns)
            names = columns.names
        selected = [
            (F.col(f"`{names[c]}`") if c in names else F.lit(None)).cast("string").alias(c)
            for c in ARTICLE_COLUMNS
        ]
        frame = frame.select(*selected)
        # Number the articles in file order (row_number over nothing has no order in Spark).
        schema = T.StructType([T.StructField("row", T.LongType(), False), *frame.schema.fields])
        numbered = frame.rdd.zipWithIndex().map(lambda pair: (pair[1] + 1, *pair[0]))
        articles = spark.createDataFrame(numbered, schema).cache()
        articles.count()
    except Exception as exc:
        if not _is_engine_error(exc):
            raise
        raise files.unreadable(path, kind, str(exc), layout) from None
    return articles, columns


def _read_table(spark: Any, path: Path, columns: tuple[tuple[str, str], ...]) -> Any:
    return (
        spark.read.option("header", True)
        .option("escape", '"')
        .option("dateFormat", "yyyy-MM-dd")
        .schema(_schema(columns))
        .csv(str(path))
    )


def run(articles: Path, intervals: Path, journals: Path, *, spark: Any = None) -> SparkResult:
    session = spark or local_session()
    try:
        frame, columns = _read_articles(session, articles)
    except BaseException:
        if spark is None:
            session.stop()
        raise
    frame.createOrReplaceTempView("articles_in")
    found = session.sql(common.DISTINCT_DATES_SQL.format(source="articles_in")).collect()
    dates = common.read_dates((r[0], r[1]) for r in found)
    table = session.createDataFrame(
        list(common.date_table_rows(dates)), _schema(DATE_TABLE_COLUMNS)
    )
    table.createOrReplaceTempView("dates")
    _read_table(session, intervals, INTERVAL_COLUMNS).createOrReplaceTempView("raw_intervals")
    _read_table(session, journals, JOURNAL_TABLE_COLUMNS).createOrReplaceTempView("journals")
    session.sql(common.intervals_sql("raw_intervals", "journals")).createOrReplaceTempView(
        "intervals"
    )
    session.sql(common.journal_names_sql("journals")).createOrReplaceTempView("journal_names")
    parsed = session.sql(common.articles_sql(SPARK, "articles_in", "dates")).cache()
    parsed.createOrReplaceTempView("parsed")
    session.sql(common.pairs_sql("parsed", "intervals")).createOrReplaceTempView("pairs")
    matches = session.sql(common.matches_sql("pairs")).cache()
    matches.createOrReplaceTempView("matches")
    verdicts = session.sql(common.verdicts_sql("parsed", "matches")).cache()
    verdicts.createOrReplaceTempView("verdicts")
    return SparkResult(session, owned=spark is None, ignored_columns=columns.ignored, dates=dates)


class SparkResult:
    engine = "spark"

    def __init__(
        self,
        spark: Any,
        *,
        owned: bool,
        ignored_columns: tuple[str, ...] = (),
        dates: list[DateReading] | None = None,
    ) -> None:
        self.spark = spark
        self.owned = owned
        self.ignored_columns = ignored_columns
        self.dates = dates or []

    def frame(self, name: str = "verdicts") -> Any:
        if name == "verdicts":
            results = common.results_sql("articles_in", "verdicts", "journal_names")
            return self.spark.sql(f"SELECT * FROM ({results}) x ORDER BY row")
        if name == "journals":
            return self.spark.sql(
                f"SELECT * FROM ({common.journals_sql('verdicts', 'journal_names')}) x "
                "ORDER BY journal_issn NULLS LAST"
            )
        return self.spark.sql(
            f"SELECT * FROM ({common.collections_sql('matches')}) x ORDER BY collection"
        )

    def rows(self, name: str = "verdicts") -> list[tuple]:
        return [tuple(r) for r in self.frame(name).collect()]

    def columns(self, name: str) -> list[str]:
        return list(self.frame(name).columns)

    def count(self, name: str) -> int:
        return int(self.frame(name).count())

    def iter_rows(self, name: str) -> Iterator[tuple]:
        # One partition at a time on the driver, in order.
        return (tuple(r) for r in self.frame(name).toLocalIterator())

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(common.STATUSES, 0)
        rows = self.spark.sql("SELECT status, count(*) FROM verdicts GROUP BY status").collect()
        out.update({r[0]: int(r[1]) for r in rows})
        out["articles"] = sum(out[k] for k in common.STATUSES)
        reasons = self.spark.sql("SELECT reason, count(*) FROM verdicts GROUP BY reason")
        out.update({f"reason:{r[0]}": int(r[1]) for r in reasons.collect()})
        out.update(common.date_counts(self.dates))
        return out

    def write(self, name: str, path: Path) -> None:
        """One file, as DuckDB writes it (the rows gathered into one partition; a CSV
        behind a byte order mark)."""
        kind = files.output_kind(path)
        frame = self.frame(name).coalesce(1)
        temp = Path(tempfile.mkdtemp(prefix=".erdq-spark-", dir=path.parent or "."))
        try:
            target = str(temp / "out")
            if kind == "csv":
                frame.write.option("header", True).option("escape", '"').csv(target)
            elif kind == "jsonl":
                frame.write.option("ignoreNullFields", False).json(target)
            else:
                frame.write.parquet(target)
            [part] = [p for p in Path(target).iterdir() if p.name.startswith("part-")]
            if kind == "csv":
                from erdq.availability.duckdb_engine import copy_with_bom

                copy_with_bom(part, path)
            else:
                shutil.move(str(part), str(path))
        finally:
            shutil.rmtree(temp, ignore_errors=True)

    def close(self) -> None:
        for table in (
            "verdicts",
            "matches",
            "pairs",
            "parsed",
            "dates",
            "journal_names",
            "intervals",
            "journals",
            "raw_intervals",
            "articles_in",
        ):
            self.spark.catalog.dropTempView(table)
        if self.owned:
            self.spark.stop()
