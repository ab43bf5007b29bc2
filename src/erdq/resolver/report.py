"""The no-service report: which requests found no full text, grouped and counted.

The default is the reference library's report: the ten article titles most often requested
without a service over the year up to ``until`` (default today), each with its count, its
journal, the ISSN or ISBN most often cited for it and its dominant reason. ``by`` may
instead group by journal, reason code or source (rfr_id/sid). Grouping and counting are
done by the database; only the per-group winners (journal, identifier, reason) are picked
in Python, ties going to the alphabetically first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, and_, func, literal, select

from erdq.errors import InputError
from erdq.store.db import db_errors
from erdq.store.schema import resolver_requests

BY_CHOICES = ("article", "journal", "reason", "source")
NO_ARTICLE = "(no article title)"
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class NoServiceReport:
    by: str
    since: dt.date
    until: dt.date  # inclusive
    requests: int  # every logged request in the period
    no_service: int  # of which found no service
    uncounted: int  # no-service requests without the grouping key (article reports)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "requests": self.requests,
            "no_service": self.no_service,
            "uncounted": self.uncounted,
            "rows": self.rows,
        }


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The previous year: from the same day a year ago up to and including today."""
    return year_before(today), today


def no_service_report(
    engine: Engine,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    top: int = 10,
    by: str = "article",
    today: dt.date | None = None,
) -> NoServiceReport:
    if by not in BY_CHOICES:
        raise InputError(f"cannot group by {by!r}", hint=f"use one of {', '.join(BY_CHOICES)}")
    if top < 1:
        raise InputError(f"--top must be at least 1, not {top}")
    # --until defaults to today and --since to a year before --until (not before today).
    until = until or today or dt.date.today()
    since = since or year_before(until)
    if since > until:
        raise InputError(f"--since {since} is after --until {until}", hint="swap the two dates")
    r = resolver_requests.c
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    period = and_(r.requested_at >= start, r.requested_at < end)
    failed = and_(period, r.outcome != "service")
    key = {
        "article": func.coalesce(r.article, r.doi),
        "journal": func.coalesce(r.journal, r.issn, r.isbn, literal(UNKNOWN)),
        "reason": func.coalesce(r.reason, literal(UNKNOWN)),
        "source": func.coalesce(r.source, literal(UNKNOWN)),
    }[by]
    journal = func.coalesce(r.journal, r.issn, r.isbn, literal(UNKNOWN))
    reason = func.coalesce(r.reason, literal(UNKNOWN))
    # The ISSN or ISBN cited, which a librarian looks the title up by in the knowledge base;
    # else the identifier cited that is not valid (reason invalid_identifier), as cited.
    invalid = r.citation["invalid_identifiers"][0].as_string()
    identifier = func.coalesce(r.issn, r.isbn, invalid)
    with db_errors("reading the request log", engine), engine.connect() as conn:
        requests = conn.execute(select(func.count()).where(period)).scalar_one()
        no_service = conn.execute(select(func.count()).where(failed)).scalar_one()
        groups = conn.execute(
            select(
                key.label("key"),
                journal.label("journal"),
                reason.label("reason"),
                identifier.label("identifier"),
                func.count().label("n"),
            )
            .where(failed)
            .group_by(key, journal, reason, identifier)
        ).all()
    # An article is known by its title within its journal: "Editorial" or "Book review"
    # in ten journals is ten articles, not one that tops the list.
    Name = str | tuple[str, str]
    totals: dict[Name, int] = defaultdict(int)
    journals: dict[Name, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    reasons: dict[Name, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # Per journal: the identifier shown is one cited for the journal shown.
    identifiers: dict[Name, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    uncounted = 0
    for group_key, group_journal, group_reason, group_identifier, n in groups:
        if group_key is None:
            uncounted += n
            continue
        name: Name = (group_key, group_journal) if by == "article" else group_key
        totals[name] += n
        journals[name][group_journal] += n
        reasons[name][group_reason] += n
        if group_identifier is not None:
            identifiers[name][group_journal][group_identifier] += n
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    rows = []
    for rank, (name, count) in enumerate(ranked, 1):
        shown = name[0] if isinstance(name, tuple) else name
        row: dict[str, Any] = {"rank": rank, by: shown, "count": count}
        top_journal = _winner(journals[name])
        if by != "journal":
            row["journal"] = top_journal
        if by in ("reason", "source"):
            # A reason or a source spans journals: the one shown is the most requested,
            # and these say how much of the count it is.
            row["journal_requests"] = journals[name][top_journal]
            row["journals"] = len(journals[name])
        # The ISSN or ISBN most often cited for the journal shown (None when none was).
        cited = identifiers[name].get(top_journal)
        row["identifier"] = _winner(cited) if cited else None
        if by != "reason":
            row["reason"] = _winner(reasons[name])
        rows.append(row)
    return NoServiceReport(by, since, until, requests, no_service, uncounted, rows)


def _winner(counts: dict[str, int]) -> str:
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
