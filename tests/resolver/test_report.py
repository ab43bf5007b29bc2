"""``no_service_report`` over a generated log of 100,000 requests, recounted independently."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from erdq.errors import InputError
from erdq.resolver.log import write_rows
from erdq.resolver.report import no_service_report
from erdq.store import open_store

N = 100_000
TODAY = dt.date(2024, 6, 15)
REASONS = ["embargoed", "after_coverage", "before_coverage", "no_title_matched", "no_url"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    rng = random.Random(5)
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    rows = []
    for _ in range(N):
        outcome = rng.choices(["service", "no_service", "insufficient_metadata"], [6, 3, 1])[0]
        journal = rng.choice([f"Journal {j}" for j in range(40)] + [None])
        article = rng.choice([f"Article {a}" for a in range(300)] + [None])
        rows.append(
            {
                "requested_at": start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 560)),
                "origin": "import",
                "source": rng.choice(["info:sid/a", "info:sid/b", None]),
                "genre": "article",
                "issn": rng.choice(["1234-5679", None]),
                "isbn": None,
                "doi": rng.choice([None, None, f"10.1000/{rng.randrange(50)}"]),
                "journal": journal,
                "article": article,
                "date": None,
                "volume": None,
                "issue": None,
                "outcome": outcome,
                "reason": None
                if outcome == "service"
                else ("insufficient_metadata" if outcome != "no_service" else rng.choice(REASONS)),
                "services": 1 if outcome == "service" else 0,
                "citation": {},
                "query": None,
            }
        )
    path = tmp_path_factory.mktemp("log") / "log.sqlite"
    store = open_store(f"sqlite:///{path}")
    write_rows(store.engine, rows)
    yield store, rows
    store.close()


def _expected(rows, by: str, since: dt.date, until: dt.date):
    low = dt.datetime.combine(since, dt.time(), dt.UTC)
    high = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    period = [r for r in rows if low <= r["requested_at"] < high]
    failed = [r for r in period if r["outcome"] != "service"]
    counts: Counter[str] = Counter()
    journals: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    # Per group and journal: the identifier shown is one cited for the journal shown.
    identifiers: dict[tuple, Counter[str]] = defaultdict(Counter)
    for r in failed:
        journal = r["journal"] or r["issn"] or r["isbn"] or "(unknown)"
        key = {
            # An article within its journal: "Article 7" of two journals is two articles.
            "article": (r["article"] or r["doi"], journal) if r["article"] or r["doi"] else None,
            "journal": journal,
            "reason": r["reason"] or "(unknown)",
            "source": r["source"] or "(unknown)",
        }[by]
        if key is None:
            continue
        counts[key] += 1
        journals[key][journal] += 1
        reasons[key][r["reason"] or "(unknown)"] += 1
        if r["issn"] or r["isbn"]:
            identifiers[key, journal][r["issn"] or r["isbn"]] += 1

    def winner(c: Counter[str]) -> str:
        return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return len(period), len(failed), top, journals, reasons, identifiers, winner


@pytest.mark.parametrize("by", ["article", "journal", "reason", "source"])
def test_counts_match_an_independent_recount(generated, by: str) -> None:
    store, rows = generated
    report = no_service_report(store.engine, by=by, top=10, today=TODAY)
    assert (report.since, report.until) == (dt.date(2023, 6, 15), TODAY)
    requests, failed, top, journals, reasons, identifiers, winner = _expected(
        rows, by, report.since, TODAY
    )
    assert (report.requests, report.no_service) == (requests, failed)

    def key(row):
        return (row["article"], row["journal"]) if by == "article" else row[by]

    assert [(key(r), r["count"]) for r in report.rows] == top[:10]
    for row in report.rows:
        if by != "journal":
            assert row["journal"] == winner(journals[key(row)])
        if by != "reason":
            assert row["reason"] == winner(reasons[key(row)])
        shown = winner(journals[key(row)])
        cited = identifiers[key(row), shown]
        assert row["identifier"] == (winner(cited) if cited else None)
        if by in ("reason", "source"):
            # A reason spans journals: how much of it the journal shown is, and of how many.
            assert row["journal_requests"] == journals[key(row)][shown] < row["count"]
            assert row["journals"] == len(journals[key(row)]) > 1
        else:
            assert "journals" not in row


def test_explicit_period_and_top(generated) -> None:
    store, rows = generated
    since, until = dt.date(2023, 3, 1), dt.date(2023, 3, 31)
    report = no_service_report(store.engine, since=since, until=until, top=3, by="journal")
    _, failed, top, *_ = _expected(rows, "journal", since, until)
    assert report.no_service == failed
    assert [(r["journal"], r["count"]) for r in report.rows] == top[:3]


def test_bad_arguments(generated) -> None:
    store, _ = generated
    with pytest.raises(InputError, match="after"):
        no_service_report(store.engine, since=dt.date(2024, 2, 1), until=dt.date(2024, 1, 1))
    with pytest.raises(InputError):
        no_service_report(store.engine, by="colour")


def test_empty_log(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'e.sqlite'}") as store:
        report = no_service_report(store.engine, today=TODAY)
    assert (report.requests, report.rows) == (0, [])


@pytest.mark.parametrize(
    ("until", "today", "period"),
    [
        # --since defaults to a year before --until, whatever --today says.
        (dt.date(2024, 6, 1), dt.date(2024, 6, 30), (dt.date(2023, 6, 1), dt.date(2024, 6, 1))),
        (None, dt.date(2024, 6, 30), (dt.date(2023, 6, 30), dt.date(2024, 6, 30))),
        (dt.date(2024, 2, 29), None, (dt.date(2023, 2, 28), dt.date(2024, 2, 29))),
    ],
)
def test_default_since_is_a_year_before_until(tmp_path: Path, until, today, period) -> None:
    with open_store(f"sqlite:///{tmp_path / 'e.sqlite'}") as store:
        report = no_service_report(store.engine, until=until, today=today)
    assert (report.since, report.until) == period


def test_journal_is_the_matched_title_when_only_an_issn_is_cited(tmp_path: Path) -> None:
    from erdq.resolver import Resolver, load_index
    from erdq.resolver.logimport import import_log

    kbart = tmp_path / "k.txt"
    kbart.write_text(
        "publication_title\tprint_identifier\tdate_first_issue_online\ttitle_url\t"
        "publication_type\nJournal of Tests\t1234-5679\t2000\thttps://j.example/\tserial\n",
        encoding="utf-8",
    )
    log = tmp_path / "r.log"
    log.write_text(
        "2024-05-01T10:00:00Z\trft.issn=1234-5679&rft.date=1990&rft.atitle=Old\n"  # too old
        "2024-05-01T11:00:00Z\trft.issn=1234-5679&rft.date=1991&rft.atitle=Older"
        "&rft.jtitle=J.+Tests\n",
        encoding="utf-8",
    )
    with open_store(f"sqlite:///{tmp_path / 'j.sqlite'}") as store:
        store.import_kbart(kbart, collection="J")
        import_log(store.engine, Resolver(load_index(store.engine)), log)
        report = no_service_report(store.engine, today=TODAY)
    assert [(r["article"], r["journal"], r["reason"]) for r in report.rows] == [
        ("Old", "Journal of Tests", "before_coverage"),  # the holding's title, not its ISSN
        ("Older", "J. Tests", "before_coverage"),  # a cited title is kept as cited
    ]


def test_one_title_in_several_journals_is_several_articles(tmp_path: Path) -> None:
    # "Editorial" requested in three journals, "Rare result" twice in one: the editorials
    # are three articles of one request each, not one article of three.
    rows = []
    for journal, article in [("J1", "Editorial"), ("J2", "Editorial"), ("J3", "Editorial"),
                             ("J1", "Rare result"), ("J1", "Rare result")]:  # fmt: skip
        rows.append(
            {
                "requested_at": dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
                "origin": "import",
                "source": None,
                "genre": "article",
                "issn": None,
                "isbn": None,
                "doi": None,
                "journal": journal,
                "article": article,
                "date": None,
                "volume": None,
                "issue": None,
                "outcome": "no_service",
                "reason": "no_title_matched",
                "services": 0,
                "citation": {},
                "query": None,
            }
        )
    with open_store(f"sqlite:///{tmp_path / 'e.sqlite'}") as store:
        write_rows(store.engine, rows)
        report = no_service_report(store.engine, today=TODAY)
    assert [(r["article"], r["journal"], r["count"]) for r in report.rows] == [
        ("Rare result", "J1", 2),
        ("Editorial", "J1", 1),
        ("Editorial", "J2", 1),
        ("Editorial", "J3", 1),
    ]
