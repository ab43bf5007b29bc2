"""Resolution: a citation against the holdings index, giving services or reasons.

Matching, strongest first: the cited ISSNs and eISSNs against both identifiers of every
holding (either may be cited for either), the cited ISBNs (ISBN-13 canonical, so 10 and 13
meet), a collection's DOI prefixes (only collections that declare them), and, only when
nothing matched on an identifier, the normalised title — a weaker match, marked as such,
which never crosses publication types (a journal citation does not title-match a book) and
never sends a reader on without the menu (``Resolution.redirect_url``).
Each candidate then goes through ``erdq.coverage.evaluate`` (the one coverage evaluator)
with the resolver's clock; a title-level request (no date, volume or issue) is not
date-filtered, nor is one whose date cannot be read (``n.d.``), which is answered at
title level too but told as what it is: "the date cannot be read, so coverage is not
date-checked" (``erdq availability`` does not judge such an article instead). A match by
identifier evaluates the title's rows that carry a cited identifier; the service's note
describes the title's whole coverage in the collection, merged as a reader reads it.
A candidate becomes a service when its collection is active, the item is covered and a
target URL can be built; otherwise it carries a reason code and message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from erdq.coverage import CoverageResult, Status, evaluate
from erdq.model.coverage import format_statements
from erdq.model.portfolio import normalise_title, placeholder_title
from erdq.openurl.citation import Citation
from erdq.openurl.normalise import unread_date
from erdq.resolver.index import CollectionInfo, Holding, HoldingsIndex
from erdq.resolver.links import explanation, target_url

Today = dt.date | Callable[[], dt.date] | None

# Every no-service reason code, with its meaning (documented in docs/resolver.md).
REASONS: dict[str, str] = {
    "insufficient_metadata": "the request names no ISSN, ISBN, DOI or title to match on",
    "invalid_identifier": "the only identifiers cited are invalid (wrong check digit ...)",
    "no_title_matched": "no title in the library's holdings matched the request",
    "before_coverage": "the item is older than the coverage (or than an R moving wall)",
    "after_coverage": "the item is newer than the coverage",
    "gap_in_coverage": "the item falls between two coverage ranges of the title",
    "embargoed": "the item is behind an embargo (a P moving wall) until a known date",
    "not_covered": "the coverage does not include the item for another reason",
    "collection_inactive": "the title is in a collection that is not active",
    "no_url": "the portfolio has no URL and its collection no usable link template",
    "coverage_unreadable": "a coverage date or embargo of the portfolio cannot be read, "
    "so the item cannot be judged",
}
# Which reason is reported for a request when several candidates fail differently: first
# the holdings that may well cover the item and that the library can mend (a portfolio
# that covers it but has no URL; coverage that cannot be read), then what the coverage
# rules out, nearest first.
_REASON_ORDER = (
    "no_url",
    "coverage_unreadable",
    "embargoed",
    "gap_in_coverage",
    "after_coverage",
    "before_coverage",
    "not_covered",
    "collection_inactive",
)


@dataclass(frozen=True, slots=True)
class Candidate:
    collection: CollectionInfo
    holding: Holding | None  # None: a collection matched by DOI prefix alone
    match: str  # "issn 1234-5679", "isbn 9780128139608", "doi prefix 10.1002", "title"
    strength: str  # identifier | doi_prefix | title (weaker)
    coverage: CoverageResult | None
    url: str | None
    reason: str | None  # None when this candidate is a service
    message: str  # the explanation (service) or why there is no service

    @property
    def is_service(self) -> bool:
        return self.reason is None

    def to_dict(self) -> dict[str, Any]:
        h = self.holding
        coverage = None
        if self.coverage is not None:
            c = self.coverage
            coverage = {
                "status": str(c.status),
                "reason": c.reason,
                "statement": format_statements(h.ranges()) if h is not None else None,
                "available_from": _iso(c.available_from),
                "available_until": _iso(c.available_until),
                "embargoed_until": _iso(c.embargoed_until),
            }
        out: dict[str, Any] = {
            "collection": self.collection.name,
            "portfolio": h.portfolio_ids[0] if h is not None else None,
            "portfolios": list(h.portfolio_ids) if h is not None else [],
            "title_id": h.title_id if h is not None else None,
            "title": h.title if h is not None else None,
            "match": self.match,
            "match_strength": self.strength,
            "url": self.url,
            "coverage": coverage,
        }
        if self.is_service:
            out["note"] = self.message
        else:
            out["reason"] = self.reason
            out["message"] = self.message
        return out


@dataclass(frozen=True, slots=True)
class Resolution:
    citation: Citation
    candidates: tuple[Candidate, ...]
    outcome: str  # service | no_service | insufficient_metadata
    reason: str | None  # the request's dominant reason code when there is no service
    message: str | None
    today: dt.date | None = None
    extra_warnings: tuple[str, ...] = field(default=())

    @property
    def services(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.is_service)

    @property
    def redirect_url(self) -> str | None:
        """Where a reader may be sent without seeing the menu: the URL of the only service,
        unless it was matched by title alone, or the cited date could not be read so the
        coverage was not checked against it (the reader should see that first)."""
        services = self.services
        if len(services) != 1 or services[0].strength == "title":
            return None
        if unread_date(self.citation) is not None:
            return None
        return services[0].url

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.citation.warnings + self.extra_warnings

    def to_dict(self) -> dict[str, Any]:
        failures = [c.to_dict() for c in self.candidates if not c.is_service]
        if not self.candidates and self.reason is not None:
            failures = [
                {
                    "collection": None,
                    "portfolio": None,
                    "portfolios": [],
                    "title_id": None,
                    "title": None,
                    "match": None,
                    "match_strength": None,
                    "url": None,
                    "coverage": None,
                    "reason": self.reason,
                    "message": self.message,
                }
            ]
        return {
            "citation": self.citation.to_dict(),
            # A date that cannot be read is a date: such a request is not title level,
            # though it is answered as one (its services and warnings say so).
            "title_level": self.citation.title_level and unread_date(self.citation) is None,
            "date_unreadable": unread_date(self.citation) is not None,
            "today": _iso(self.today),
            "outcome": self.outcome,
            "reason": self.reason,
            "message": self.message,
            "services": [c.to_dict() for c in self.services],
            "no_service_reasons": failures,
            "warnings": list(self.warnings),
        }


class Resolver:
    """Resolves citations against one ``HoldingsIndex``; safe to share between threads."""

    def __init__(self, index: HoldingsIndex, *, today: Today = None) -> None:
        self.index = index
        self.today = today

    def resolve(self, citation: Citation, *, today: Today = None) -> Resolution:
        clock = today if today is not None else self.today
        day = _day(clock)
        if citation.insufficient:
            reason = "insufficient_metadata"
            if citation.invalid_identifiers:
                reason = "invalid_identifier"
            outcome = "insufficient_metadata" if reason == "insufficient_metadata" else "no_service"
            return Resolution(
                citation, (), outcome, reason, _no_match_message(citation, reason), day
            )
        skipped: list[str] = []
        if not len(self.index):
            # An empty store (a first import that failed) answers every request alike.
            skipped.append(
                "the store holds no holdings: import the library's KBART files first "
                "(erdq import kbart --collection NAME FILE)"
            )
        matches = self._match(citation, skipped)
        notes = tuple(skipped)
        if not matches:
            reason = "no_title_matched"
            if citation.invalid_identifiers and not (
                citation.all_issns or citation.isbns or citation.doi
            ):
                reason = "invalid_identifier"
            message = "; ".join([_no_match_message(citation, reason), *notes])
            return Resolution(citation, (), "no_service", reason, message, day, notes)
        candidates = [self._evaluate(citation, info, h, match, strength, day)
                      for info, h, match, strength in matches]  # fmt: skip
        candidates = _merge(candidates)
        services = [c for c in candidates if c.is_service]
        if services:
            return Resolution(citation, tuple(candidates), "service", None, None, day, notes)
        reason = min(
            (c.reason for c in candidates if c.reason),
            key=lambda r: _REASON_ORDER.index(r) if r in _REASON_ORDER else len(_REASON_ORDER),
        )
        first = next(c for c in candidates if c.reason == reason)
        return Resolution(
            citation, tuple(candidates), "no_service", reason, first.message, day, notes
        )

    def _match(
        self, citation: Citation, skipped: list[str]
    ) -> list[tuple[CollectionInfo, Holding | None, str, str]]:
        """The matching holdings; why title matches were left out goes to ``skipped``."""
        index = self.index
        found: list[tuple[CollectionInfo, Holding | None, str, str]] = []
        seen: set[int] = set()

        cited: dict[int, list[str]] = {}  # holding → the cited identifiers it carries

        def take(numbers: Sequence[int], match: str, strength: str, ident: str = "") -> None:
            for n in numbers:
                if ident:
                    cited.setdefault(n, []).append(ident)
                if n in seen:
                    continue
                seen.add(n)
                holding = index.holdings[n]
                found.append((index.collections[holding.collection_id], holding, match, strength))

        for issn in citation.all_issns:
            take(index.by_identifier.get(issn, ()), f"issn {issn}", "identifier", issn)
        for isbn in citation.isbns:
            take(index.by_identifier.get(isbn, ()), f"isbn {isbn}", "identifier", isbn)
        if cited:
            # Matched by identifier: only the rows carrying a cited identifier count, as in
            # ``erdq availability`` (a row of the title without it gives no coverage here).
            numbers = {id(index.holdings[n]): n for n in cited}
            found = [
                (info, h.matching(cited[numbers[id(h)]]), match, strength)
                if h is not None and id(h) in numbers
                else (info, h, match, strength)
                for info, h, match, strength in found
            ]
        prefix = citation.doi_prefix
        if prefix:
            matched = {info.id for info, _, _, _ in found}
            for cid in index.by_doi_prefix.get(prefix.lower(), ()):
                if cid not in matched:
                    found.append(
                        (index.collections[cid], None, f"doi prefix {prefix}", "doi_prefix")
                    )
        if not found and citation.container_title:
            key = normalise_title(citation.container_title)
            if not placeholder_title(key):
                wanted = citation.publication_type
                same, other = [], []
                for n in index.by_title.get(key, ()):
                    kind = index.holdings[n].publication_type
                    # Only a known type on both sides rules a title out: many KBART files
                    # leave publication_type empty.
                    (other if wanted and kind in _TYPES and kind != wanted else same).append(n)
                take(same, "title", "title")
                if other:
                    skipped.append(_type_warning(citation, wanted, len(other)))
        return found

    def _evaluate(
        self,
        citation: Citation,
        info: CollectionInfo,
        holding: Holding | None,
        match: str,
        strength: str,
        day: dt.date | None,
    ) -> Candidate:
        if holding is None:
            # A DOI-prefix match: the collection links every DOI it publishes; no coverage.
            url = target_url(
                "doi",
                info.proxy,
                citation,
                title_url=None,
                print_identifier=None,
                online_identifier=None,
                title_id=None,
            )
            if not info.active:
                return Candidate(
                    info,
                    None,
                    match,
                    strength,
                    None,
                    None,
                    "collection_inactive",
                    f"collection {info.name} is not active",
                )
            note = f"Full text via {info.name} (linked by DOI; coverage not checked)"
            return Candidate(info, None, match, strength, None, url, None, note)
        ranges = holding.ranges()
        coverage = evaluate(
            ranges, date=citation.date, volume=citation.volume, issue=citation.issue, today=day
        )
        unread = unread_date(citation)
        if unread is not None:
            # The request has a date, only not one that can be read: say so, rather than
            # call it a request without a date (it is answered as one all the same).
            if citation.title_level:
                why = f"{unread}; coverage {format_statements(ranges)}"
            else:
                why = f"{coverage.reason} ({unread})"
            coverage = replace(coverage, reason=why)
        url = target_url(
            info.link_template,
            info.proxy,
            citation,
            title_url=holding.title_url,
            print_identifier=holding.print_identifier,
            online_identifier=holding.online_identifier,
            title_id=holding.title_id,
        )
        where = f"{holding.title} in {info.name}"
        if not info.active:
            return Candidate(
                info,
                holding,
                match,
                strength,
                coverage,
                url,
                "collection_inactive",
                f"{where}: the collection is not active ({info.status})",
            )
        if coverage.status is not Status.COVERED:
            reason = _coverage_reason(coverage)
            return Candidate(
                info, holding, match, strength, coverage, url, reason, f"{where}: {coverage.reason}"
            )
        if url is None:
            return Candidate(
                info,
                holding,
                match,
                strength,
                coverage,
                None,
                "no_url",
                f"{where}: {_why_no_url(holding.title_url)}",
            )
        # The reader is told the title's coverage here, merged as a reader reads it; which
        # range covered the item is in ``coverage.reason``.
        note = explanation(ranges, info.name, holding.coverage_depth)
        if unread is not None:
            note += f"; {unread}"
        if strength == "title":
            note += " (matched by title only; check that it is the same title)"
        return Candidate(info, holding, match, strength, coverage, url, None, note)


_TYPES = ("serial", "monograph")
_CITES = {"serial": "a journal (serial)", "monograph": "a book (monograph)"}
_ARE = {"serial": "journals (serials)", "monograph": "books (monographs)"}


def _type_warning(citation: Citation, wanted: str | None, count: int) -> str:
    other = "monograph" if wanted == "serial" else "serial"
    decided_by_format = citation.format in ("journal", "book")
    cited = f"format {citation.format}" if decided_by_format else f"genre {citation.genre}"
    return (
        f"{count} title(s) named {citation.container_title!r} in the holdings are"
        f" {_ARE[other]} and the request ({cited}) cites {_CITES[wanted or '']},"
        " so they were not matched"
    )


def _coverage_reason(result: CoverageResult) -> str:
    if result.status is Status.EMBARGOED:
        return "embargoed"
    if result.status is Status.UNKNOWN:
        return "coverage_unreadable"
    text = result.reason
    if "gap in coverage" in text:
        return "gap_in_coverage"
    if " before " in text:
        return "before_coverage"
    if " after " in text or "never available" in text:
        return "after_coverage"
    return "not_covered"


def _merge(candidates: list[Candidate]) -> list[Candidate]:
    """Order by collection preference, identifier matches first; one service per URL."""
    strength_order = {"identifier": 0, "doi_prefix": 1, "title": 2}
    ordered = sorted(
        candidates,
        key=lambda c: (
            not c.is_service,
            c.collection.preference,
            strength_order.get(c.strength, 3),
            c.collection.name,
            c.holding.portfolio_ids[0] if c.holding is not None else 0,
        ),
    )
    out: list[Candidate] = []
    urls: set[str] = set()
    for c in ordered:
        if c.is_service and c.url in urls:
            continue  # the same target twice (e.g. one title in two collections on one platform)
        if c.is_service and c.url:
            urls.add(c.url)
        out.append(c)
    return out


def _no_match_message(citation: Citation, reason: str) -> str:
    if reason == "invalid_identifier":
        return (
            f"the cited identifier(s) {', '.join(citation.invalid_identifiers)} are not valid,"
            " so nothing could be matched"
        )
    if reason == "insufficient_metadata":
        return REASONS[reason]
    keys = [*citation.all_issns, *citation.isbns]
    if citation.doi:
        keys.append(f"DOI {citation.doi}")
    if citation.container_title:
        keys.append(f"title {citation.container_title!r}")
    return f"no holding matched {', '.join(keys)}"


def _day(clock: Today) -> dt.date:
    if clock is None:
        return dt.date.today()
    value = clock if isinstance(clock, dt.date) else clock()
    return value.date() if isinstance(value, dt.datetime) else value


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _why_no_url(title_url: str | None) -> str:
    """Why a covered portfolio gave no link: no title_url, or one that is not a web link
    (only http(s) URLs without spaces are offered to a reader). The value is not repeated:
    this reason is shown on the reader's menu too."""
    if title_url is None or not title_url.strip():
        return "the portfolio has no URL and the collection no usable link template"
    return (
        "the portfolio's URL is not a web link (it must begin with http:// or https:// and "
        "hold no spaces), so it is not offered; correct its title_url in the KBART file, or "
        "give the collection a link template"
    )
