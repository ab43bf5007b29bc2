"""The Spark engine: the same SQL on Apache Spark, for indexes of billions of articles.

Needs the ``spark`` extra (``pip install 'erdq[spark]'``) and Java 17 or later. Without a
session given, a local one (``local[*]``) is started; on a cluster, pass your own.
Output: one file (CSV, JSON Lines or Parquet) as with DuckDB; for data too large for one
file, use ``SparkResult.frame(name)`` and write it the Spark way.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from erdq.availability import common
from erdq.availability.common import INTERVAL_COLUMNS, SPARK
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
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def _schema() -> Any:
    from pyspark.sql import types as T

    kinds = {
        "VARCHAR": T.StringType(),
        "BIGINT": T.LongType(),
        "INTEGER": T.IntegerType(),
        "DATE": T.DateType(),
    }
    return T.StructType([T.StructField(n, kinds[t], True) for n, t in INTERVAL_COLUMNS])


def _read_articles(spark: Any, path: Path) -> Any:
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    kind = common.input_kind(path)
    if kind == "csv":
        frame = spark.read.option("header", True).option("escape", '"').csv(str(path))
    elif kind == "jsonl":
        frame = spark.read.json(str(path))
    else:
        frame = spark.read.parquet(str(path))
    present = {c.lower(): c for c in frame.columns}
    columns = [
        (F.col(f"`{present[c]}`") if c in present else F.lit(None)).cast("string").alias(c)
        for c in common.ARTICLE_COLUMNS
    ]
    frame = frame.select(*columns)
    # Number the articles in file order (row_number over nothing has no order in Spark).
    schema = T.StructType([T.StructField("row", T.LongType(), False), *frame.schema.fields])
    numbered = frame.rdd.zipWithIndex().map(lambda pair: (pair[1] + 1, *pair[0]))
    return spark.createDataFrame(numbered, schema)


def run(articles: Path, intervals: Path, *, spark: Any = None) -> SparkResult:
    session = spark or local_session()
    frame = _read_articles(session, articles)
    frame.createOrReplaceTempView("articles_in")
    (
        session.read.option("header", True)
        .option("escape", '"')
        .option("dateFormat", "yyyy-MM-dd")
        .schema(_schema())
        .csv(str(intervals))
        .createOrReplaceTempView("intervals")
    )
    parsed = session.sql(common.articles_sql(SPARK, "articles_in")).cache()
    parsed.createOrReplaceTempView("parsed")
    pairs = session.sql(common.pairs_sql("parsed", "intervals")).cache()
    pairs.createOrReplaceTempView("pairs")
    verdicts = session.sql(common.verdicts_sql("parsed", "pairs")).cache()
    verdicts.createOrReplaceTempView("verdicts")
    return SparkResult(session, owned=spark is None)


class SparkResult:
    engine = "spark"

    def __init__(self, spark: Any, *, owned: bool) -> None:
        self.spark = spark
        self.owned = owned

    def frame(self, name: str = "verdicts") -> Any:
        if name == "verdicts":
            cols = ", ".join(f"`{c}`" for c in common.RESULT_COLUMNS)
            return self.spark.sql(f"SELECT {cols} FROM verdicts ORDER BY row")
        if name == "journals":
            return self.spark.sql(
                f"SELECT * FROM ({common.journals_sql('verdicts')}) x "
                "ORDER BY journal_issn NULLS LAST"
            )
        return self.spark.sql(
            f"SELECT * FROM ({common.collections_sql('pairs')}) x ORDER BY collection"
        )

    def rows(self, name: str = "verdicts") -> list[tuple]:
        return [tuple(r) for r in self.frame(name).collect()]

    def counts(self) -> dict[str, int]:
        out = {"covered": 0, "embargoed": 0, "not_covered": 0}
        rows = self.spark.sql("SELECT status, count(*) FROM verdicts GROUP BY status").collect()
        out.update({r[0]: int(r[1]) for r in rows})
        out["articles"] = sum(out[k] for k in ("covered", "embargoed", "not_covered"))
        reasons = self.spark.sql("SELECT reason, count(*) FROM verdicts GROUP BY reason")
        out.update({f"reason:{r[0]}": int(r[1]) for r in reasons.collect()})
        return out

    def write(self, name: str, path: Path) -> None:
        """One file, as DuckDB writes it (the rows gathered into one partition)."""
        kind = common.input_kind(path)
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
            shutil.move(str(part), str(path))
        finally:
            shutil.rmtree(temp, ignore_errors=True)

    def close(self) -> None:
        for table in ("verdicts", "pairs", "parsed"):
            self.spark.catalog.dropTempView(table)
        if self.owned:
            self.spark.stop()
