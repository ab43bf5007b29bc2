"""``erdq availability``: which articles the library's holdings make available."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from erdq.cli import ToolFailure, check_outputs, handle_errors, parse_today
from erdq.cli.options import db_option


@click.command("availability")
@click.argument("articles", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The verdict per article: .csv, .jsonl, .parquet or .xlsx (from the name; "
    "xlsx up to 1,048,575 rows).",
)
@db_option
@click.option(
    "--collection",
    "collections",
    multiple=True,
    help="Use only this collection's holdings (repeat for several) [default: every active one].",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="duckdb: this machine; spark: Apache Spark in local mode (needs the spark extra "
    "and Java 17), same SQL, same results.",
)
@click.option("--today", help="Evaluate embargoes as of this day (YYYY-MM-DD) [default: today].")
@click.option(
    "--journals",
    "journals_out",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the summary per journal (.csv, .jsonl, .parquet or .xlsx).",
)
@click.option(
    "--collections-out",
    "collections_out",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the summary per collection (.csv, .jsonl, .parquet or .xlsx).",
)
@handle_errors
def availability_command(
    articles: str,
    out: str,
    db_url: str | None,
    collections: tuple[str, ...],
    engine: str,
    today: str | None,
    journals_out: str | None,
    collections_out: str | None,
) -> None:
    """Mark each article in ARTICLES available or not, with the reason.

    ARTICLES is CSV (with a header; comma, tab, semicolon or | separated), JSON Lines or
    Parquet with the columns doi, issn, eissn, date, volume, issue and title (missing
    ones are empty; issn or eissn is needed), and optionally available (true/false: what
    the discovery index shows). A file with lines that cannot be read is refused, with
    their line numbers, rather than read in part. Articles are matched to the store's
    active portfolios by ISSN or eISSN (either for either), and their date, volume and
    issue are checked against each portfolio's coverage and embargo on --today; a store
    with no such coverage (nothing imported) is refused. Dates are read as the link
    resolver reads a cited date: YYYY, YYYY-MM or YYYY-MM-DD, and leniently forms such
    as 20151220 or [1963] (counted, with examples, so the index can be corrected). The
    verdict columns: row (the article's place in ARTICLES), the article's own columns,
    available (true, false, or empty when not judged), status (covered, embargoed,
    not_covered, not_judged), reason (covered, title_level, embargoed, before_coverage,
    after_coverage, gap, outside_coverage, no_journal: a valid ISSN no holdings have;
    not judged: no_identifier, invalid_identifier: only ISSNs with a wrong check digit or
    form, unreadable_date: a date such as n.d. that cannot be read, coverage_unreadable:
    a coverage date or embargo of the holdings cannot be read and the rest of the range
    does not rule the article out), collection (the first providing it; for
    coverage_unreadable, the one whose coverage cannot be read), journal,
    collections_matched, index_available. The per-journal summary has one row per
    journal, whichever of its ISSNs was cited (journal_issns lists them; articles citing
    no valid ISSN share one row with no journal), and also counts articles the index
    shows as available that the holdings do not cover, and the reverse.

    \b
    Example:
      erdq availability articles.csv --out verdicts.csv --today 2024-06-15
      erdq availability index.jsonl --out verdicts.parquet --journals journals.csv
      erdq availability index.parquet --out verdicts.parquet --engine spark
    """
    from erdq.availability import output_kind, run_availability
    from erdq.store import open_store

    path = Path(articles)
    if not path.is_file():
        raise ToolFailure(
            f"{articles}: no such file", hint="name a CSV, JSON Lines or Parquet file of articles"
        )
    for name in (out, journals_out, collections_out):
        if name:
            output_kind(name)  # an unknown extension is refused before the run, not after
    check_outputs([out, journals_out, collections_out], [articles])
    day = parse_today(today)
    try:
        with (
            open_store(db_url, create=False) as store,
            run_availability(
                path, store=store, collections=collections, engine=engine, today=day
            ) as run,
        ):
            run.write("verdicts", out)
            if journals_out:
                run.write("journals", journals_out)
            if collections_out:
                run.write("collections", collections_out)
            counts = run.counts()
    except ImportError as exc:
        raise ToolFailure(
            f"the {engine} engine is not installed ({exc.name})",
            hint="pip install 'erdq[spark]' for Spark; DuckDB comes with erdq",
        ) from None
    except Exception as exc:
        # The engines turn input problems into InputError; this is the last resort for
        # anything else they raise, so the user never sees a traceback.
        if type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb", "pyspark", "py4j"):
            raise ToolFailure(
                f"{articles} could not be read or joined: {str(exc).splitlines()[0]}",
                hint="check that it is CSV with a header row, JSON Lines or Parquet",
            ) from None
        raise
    total = counts["articles"]
    err = sys.stderr
    err.write(
        f"{total} article{'s' * (total != 1)}: {counts['covered']} available, "
        f"{counts['embargoed']} embargoed, "
        f"{counts['not_covered']} not covered, {counts['not_judged']} not judged "
        f"({run.intervals} coverage intervals, "
        f"{engine}); verdicts written to {out}\n"
    )
    reasons = sorted((k[7:], v) for k, v in counts.items() if k.startswith("reason:"))
    err.write("  " + ", ".join(f"{k}: {v}" for k, v in reasons) + "\n")
    unjudged = {k: v for k, v in reasons if k in _UNJUDGED}
    if unjudged:
        listing = ", ".join(f"{k} {v} ({_UNJUDGED[k]})" for k, v in unjudged.items())
        count = sum(unjudged.values())
        err.write(
            f"  warning: {count} article{'s' * (count != 1)} not judged: {listing}; "
            f"see the reason column of {out}\n"
        )
        if "unreadable_date" in unjudged:
            err.write(f"    e.g. {'; '.join(run.date_notes(lenient=False))}\n")
    lenient = counts["dates_read_leniently"]
    if lenient:
        err.write(
            f"  note: {lenient} article{'s' * (lenient != 1)} with a date that is not ISO "
            f"(YYYY-MM-DD), read as the resolver reads it: "
            f"{'; '.join(run.date_notes(lenient=True))}\n"
        )
    if run.ignored_columns:
        err.write(f"  columns not used: {', '.join(run.ignored_columns)}\n")


_UNJUDGED = {  # the reasons of status not_judged, worded
    "no_identifier": "no ISSN cited",
    "invalid_identifier": "only invalid ISSNs cited",
    "unreadable_date": "a date that cannot be read",
    "coverage_unreadable": "a coverage date or embargo of the holdings cannot be read",
}
