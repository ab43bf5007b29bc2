"""The in-memory holdings index the resolver matches against, loaded once from the store.

A ``Holding`` is one title in one collection: the current portfolio rows sharing a
``Portfolio.key`` (a title with a gap in coverage has several rows, and they are evaluated
together so the gap survives). Holdings are found by canonical ISSN / ISBN-13, by the
collection's DOI prefixes and, as a weaker match, by normalised title (the KBART
``publication_type`` is kept so that a title match can respect it). Coverage ranges are
built on first use and kept, so loading a million portfolios stays a single fast scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from erdq.model.coverage import CoverageRange
from erdq.model.dates import parse_partial_date
from erdq.model.embargo import parse_embargo
from erdq.model.portfolio import normalise_title
from erdq.store.db import db_errors
from erdq.store.schema import collections, portfolios, snapshots

# Column order of a coverage row as kept on a Holding.
_COVERAGE_COLUMNS = (
    "start_date",
    "start_volume",
    "start_issue",
    "end_date",
    "end_volume",
    "end_issue",
    "embargo",
)


@dataclass(frozen=True, slots=True)
class CollectionInfo:
    id: int
    name: str
    status: str = "active"
    link_template: str | None = None
    proxy: str | None = None
    doi_prefixes: tuple[str, ...] = ()
    preference: int = 100

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(slots=True)
class Holding:
    collection_id: int
    title: str
    title_id: str | None
    portfolio_ids: list[int]
    print_identifier: str | None
    online_identifier: str | None
    title_url: str | None
    coverage_depth: str | None
    rows: list[tuple[str | None, ...]]
    publication_type: str | None = None  # KBART: serial | monograph (lower case)
    _ranges: tuple[CoverageRange, ...] | None = field(default=None, repr=False)

    def ranges(self) -> tuple[CoverageRange, ...]:
        if self._ranges is None:
            self._ranges = tuple(_range(row) for row in self.rows)
        return self._ranges


def _range(row: Sequence[str | None]) -> CoverageRange:
    start, svol, siss, end, evol, eiss, embargo = row
    return CoverageRange(
        start_date=parse_partial_date(start).value if start else None,
        start_volume=svol,
        start_issue=siss,
        end_date=parse_partial_date(end).value if end else None,
        end_volume=evol,
        end_issue=eiss,
        embargo=parse_embargo(embargo).value if embargo else None,
    )


class HoldingsIndex:
    """Dicts from identifier / DOI prefix / title key to holdings; read-only once built."""

    def __init__(self, collection_infos: Iterable[CollectionInfo] = ()) -> None:
        self.collections: dict[int, CollectionInfo] = {c.id: c for c in collection_infos}
        self.holdings: list[Holding] = []
        self.by_identifier: dict[str, list[int]] = {}
        self.by_title: dict[str, list[int]] = {}
        self.by_doi_prefix: dict[str, list[int]] = {}  # prefix → collection ids
        self._keys: dict[tuple[int, str], int] = {}
        self._strings: dict[str, str] = {}
        for info in self.collections.values():
            for prefix in info.doi_prefixes:
                self.by_doi_prefix.setdefault(prefix.lower(), []).append(info.id)

    def __len__(self) -> int:
        return len(self.holdings)

    def add(
        self,
        *,
        portfolio_id: int,
        collection_id: int,
        key: str,
        title: str,
        title_id: str | None,
        print_identifier: str | None,
        online_identifier: str | None,
        title_url: str | None,
        coverage_depth: str | None,
        coverage: Sequence[str | None],
        publication_type: str | None = None,
    ) -> None:
        """Add one portfolio row; rows sharing (collection, key) make one holding."""
        share = self._share
        row = tuple(share(v) if v else None for v in coverage)
        number = self._keys.get((collection_id, key))
        if number is not None:
            holding = self.holdings[number]
            holding.portfolio_ids.append(portfolio_id)
            holding.rows.append(row)
            holding._ranges = None
            holding.title_url = holding.title_url or title_url
            if publication_type and not holding.publication_type:
                holding.publication_type = share(publication_type.lower())
            return
        number = len(self.holdings)
        self._keys[(collection_id, key)] = number
        self.holdings.append(
            Holding(
                collection_id=collection_id,
                title=title,
                title_id=title_id,
                portfolio_ids=[portfolio_id],
                print_identifier=print_identifier,
                online_identifier=online_identifier,
                title_url=title_url,
                coverage_depth=share(coverage_depth) if coverage_depth else None,
                rows=[row],
                publication_type=share(publication_type.lower()) if publication_type else None,
            )
        )
        for ident in {print_identifier, online_identifier}:
            if ident:
                self.by_identifier.setdefault(ident, []).append(number)
        title_key = normalise_title(title) if title else ""
        if title_key:
            self.by_title.setdefault(title_key, []).append(number)

    def _share(self, value: str) -> str:
        # Dates, volumes and embargoes repeat across a million rows: keep one copy of each.
        return self._strings.setdefault(value, value)

    def finish(self) -> HoldingsIndex:
        self._keys.clear()
        self._strings.clear()
        return self


def load_index(engine: Engine) -> HoldingsIndex:
    """Every collection and the portfolios of its latest complete KBART snapshot."""
    latest = (
        select(snapshots.c.collection_id, func.max(snapshots.c.id).label("snapshot_id"))
        .where(snapshots.c.kind == "kbart", snapshots.c.status == "complete")
        .group_by(snapshots.c.collection_id)
        .subquery()
    )
    p = portfolios.c
    query = (
        select(
            p.id,
            p.collection_id,
            p.key,
            p.title,
            p.title_id,
            p.print_identifier,
            p.online_identifier,
            p.title_url,
            p.coverage_depth,
            p.publication_type,
            *(p[name] for name in _COVERAGE_COLUMNS),
        )
        .join(latest, latest.c.snapshot_id == p.snapshot_id)
        .order_by(p.id)
    )
    with db_errors("loading the holdings for the resolver", engine), engine.connect() as conn:
        infos = [
            CollectionInfo(
                id=row.id,
                name=row.name,
                status=row.status,
                link_template=row.link_template,
                proxy=row.proxy,
                doi_prefixes=tuple((row.doi_prefixes or "").split()),
                preference=row.preference,
            )
            for row in conn.execute(select(collections))
        ]
        index = HoldingsIndex(infos)
        add = index.add
        result = conn.execution_options(yield_per=5000).execute(query)
        for row in result:
            add(
                portfolio_id=row[0],
                collection_id=row[1],
                key=row[2],
                title=row[3],
                title_id=row[4],
                print_identifier=row[5],
                online_identifier=row[6],
                title_url=row[7],
                coverage_depth=row[8],
                publication_type=row[9],
                coverage=row[10:],
            )
    return index.finish()
