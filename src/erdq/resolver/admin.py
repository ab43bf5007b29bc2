"""Collection settings the resolver uses, and readers' problem reports: the store writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, insert, select, update

from erdq.errors import InputError
from erdq.resolver.links import check_proxy, check_template
from erdq.store.db import db_errors, write_transaction
from erdq.store.names import stored_names, unknown_collections
from erdq.store.schema import collections, problem_reports

_UNSET: Any = object()


def set_collection(
    engine: Engine,
    name: str,
    *,
    link_template: str | None = _UNSET,
    proxy: str | None = _UNSET,
    doi_prefixes: str | None = _UNSET,
    preference: int | None = _UNSET,
    active: bool | None = None,
) -> dict[str, Any]:
    """Change a collection's resolver settings; an empty string clears a setting."""
    values: dict[str, Any] = {}
    if link_template is not _UNSET:
        problem = check_template(link_template or "")
        if problem:
            raise InputError(
                f"link template {link_template!r}: {problem}",
                hint="e.g. --link-template 'https://example.org/openurl?issn={issn}"
                "&volume={volume}'",
            )
        values["link_template"] = link_template or None
    if proxy is not _UNSET:
        problem = check_proxy(proxy or "")
        if problem:
            raise InputError(
                f"proxy {proxy!r}: {problem}",
                hint="e.g. --proxy 'https://ezproxy.example.edu/login?url='",
            )
        values["proxy"] = proxy or None
    if doi_prefixes is not _UNSET:
        prefixes = (doi_prefixes or "").replace(",", " ").split()
        bad = [p for p in prefixes if not (p.startswith("10.") and p[3:].isdigit())]
        if bad:
            raise InputError(
                f"not DOI prefixes: {', '.join(bad)}", hint="e.g. --doi-prefix 10.1002"
            )
        values["doi_prefixes"] = " ".join(prefixes) or None
    if preference is not _UNSET and preference is not None:
        values["preference"] = preference
    if active is not None:
        values["status"] = "active" if active else "inactive"
    with db_errors("changing a collection", engine), write_transaction(engine) as conn:
        found = conn.execute(select(collections.c.id).where(collections.c.name == name)).scalar()
        if found is None:
            raise unknown_collections([name], stored_names(conn))
        if values:
            conn.execute(update(collections).where(collections.c.id == found).values(**values))
        row = conn.execute(select(collections).where(collections.c.id == found)).mappings().one()
        return dict(row)


def record_problem(
    engine: Engine, openurl: str, *, message: str | None = None, user_agent: str | None = None
) -> int:
    """Store a reader's problem report; returns its id."""
    with db_errors("recording a problem report", engine), write_transaction(engine) as conn:
        result = conn.execute(
            insert(problem_reports).values(
                reported_at=dt.datetime.now(dt.UTC),
                openurl=openurl[:8000],
                message=(message or "")[:4000] or None,
                user_agent=(user_agent or "")[:500] or None,
            )
        )
        return int(result.inserted_primary_key[0])


def problems(
    engine: Engine, *, since: dt.date | None = None, until: dt.date | None = None
) -> list[dict[str, Any]]:
    """Readers' problem reports, oldest first, with what the reported request cited."""
    from erdq.openurl import parse_openurl

    r = problem_reports.c
    query = select(r.id, r.reported_at, r.message, r.openurl, r.user_agent).order_by(r.id)
    if since is not None:
        query = query.where(r.reported_at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until is not None:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        query = query.where(r.reported_at < end)
    out = []
    with db_errors("reading problem reports", engine), engine.connect() as conn:
        for row in conn.execute(query).mappings():
            cited = parse_openurl(row["openurl"])
            at = row["reported_at"]
            out.append(
                {
                    "id": row["id"],
                    "reported_at": (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).isoformat(),
                    "message": row["message"] or "",
                    "journal": cited.container_title or "",
                    "article": cited.atitle or "",
                    "identifier": next(iter(cited.all_issns + cited.isbns), "") or cited.doi or "",
                    "date": str(cited.date) if cited.date else "",
                    "openurl": row["openurl"],
                }
            )
    return out
