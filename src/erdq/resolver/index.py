"""The in-memory holdings index the resolver matches against, loaded once from the store.

A ``Holding`` is one title in one collection: the current portfolio rows that share a
``Portfolio.key`` *and* are the same title (a title with a gap in coverage has several
rows, and they are evaluated together so the gap survives). Rows that share a key
(a title_id) are one title when they share an identifier, directly or through another
row; rows with the same title_id but disjoint identifiers are different titles (a
provider that gives a title and its predecessors one title_id), and none borrows
another's coverage. A row without any identifier joins the title of the same normalised
name under its key. Every row's identifiers are indexed, and each row keeps its own, so
that a match by identifier evaluates the rows carrying the cited identifier
(``Holding.matching``), as ``erdq availability`` does per ISSN.

Holdings are found by canonical ISSN / ISBN-13, by the collection's DOI prefixes and, as
a weaker match, by normalised title (the KBART ``publication_type`` is kept so that a
title match can respect it). The holdings are built by ``finish()`` once every row is
added; coverage ranges are built on first use and kept, so loading a million portfolios
stays a single fast scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from erdq.model.coverage import CoverageRange
from erdq.model.portfolio import coverage_range, normalise_title, placeholder_title
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
    # Per row, in the order of ``rows``: the row's own identifiers and title URL.
    row_identifiers: list[frozenset[str]] = field(default_factory=list)
    row_urls: list[str | None] = field(default_factory=list)
    _ranges: tuple[CoverageRange, ...] | None = field(default=None, repr=False)

    def ranges(self) -> tuple[CoverageRange, ...]:
        if self._ranges is None:
            self._ranges = tuple(_range(row) for row in self.rows)
        return self._ranges

    @property
    def identifiers(self) -> tuple[str, ...]:
        """Every identifier of the title's rows, in the order first seen."""
        seen: dict[str, None] = {}
        for idents in self.row_identifiers:
            seen.update(dict.fromkeys(sorted(idents)))
        for ident in (self.print_identifier, self.online_identifier):
            if ident:
                seen.setdefault(ident, None)
        return tuple(seen)

    def matching(self, identifiers: Iterable[str]) -> Holding:
        """The holding as far as the rows carrying one of ``identifiers`` go: those rows'
        coverage, portfolios and URL. ``self`` when every row carries one (or when the
        rows' identifiers are not known, as for a holding built by hand)."""
        wanted = set(identifiers)
        if len(self.row_identifiers) != len(self.rows):
            return self
        keep = [i for i, idents in enumerate(self.row_identifiers) if idents & wanted]
        if not keep or len(keep) == len(self.rows):
            return self
        urls = [self.row_urls[i] for i in keep if i < len(self.row_urls)]
        return Holding(
            collection_id=self.collection_id,
            title=self.title,
            title_id=self.title_id,
            portfolio_ids=[self.portfolio_ids[i] for i in keep],
            print_identifier=self.print_identifier,
            online_identifier=self.online_identifier,
            title_url=next((u for u in urls if u), None) or self.title_url,
            coverage_depth=self.coverage_depth,
            rows=[self.rows[i] for i in keep],
            publication_type=self.publication_type,
            row_identifiers=[self.row_identifiers[i] for i in keep],
            row_urls=urls,
        )


@dataclass(slots=True)
class _Row:
    """One portfolio row waiting for ``HoldingsIndex.finish`` to group it into a title."""

    portfolio_id: int
    title: str
    title_id: str | None
    print_identifier: str | None
    online_identifier: str | None
    title_url: str | None
    coverage_depth: str | None
    publication_type: str | None
    coverage: tuple[str | None, ...]

    @property
    def identifiers(self) -> frozenset[str]:
        return frozenset(i for i in (self.print_identifier, self.online_identifier) if i)


def _range(row: Sequence[str | None]) -> CoverageRange:
    return coverage_range(*row)


class HoldingsIndex:
    """Dicts from identifier / DOI prefix / title key to holdings; read-only once built.

    ``add`` every portfolio row, then ``finish()``, which groups the rows into titles
    (module doc) and indexes them.
    """

    def __init__(self, collection_infos: Iterable[CollectionInfo] = ()) -> None:
        self.collections: dict[int, CollectionInfo] = {c.id: c for c in collection_infos}
        self.holdings: list[Holding] = []
        self.by_identifier: dict[str, list[int]] = {}
        self.by_title: dict[str, list[int]] = {}
        self.by_doi_prefix: dict[str, list[int]] = {}  # prefix → collection ids
        self._pending: dict[tuple[int, str], list[_Row]] = {}
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
        """Add one portfolio row; ``finish()`` makes the holdings."""
        share = self._share
        self._pending.setdefault((collection_id, key), []).append(
            _Row(
                portfolio_id=portfolio_id,
                title=title,
                title_id=title_id,
                print_identifier=print_identifier,
                online_identifier=online_identifier,
                title_url=title_url,
                coverage_depth=share(coverage_depth) if coverage_depth else None,
                publication_type=share(publication_type.lower()) if publication_type else None,
                coverage=tuple(share(v) if v else None for v in coverage),
            )
        )

    def _share(self, value: str) -> str:
        # Dates, volumes and embargoes repeat across a million rows: keep one copy of each.
        return self._strings.setdefault(value, value)

    def finish(self) -> HoldingsIndex:
        """Group the rows added into titles and index them (module doc)."""
        pending = self._pending
        for collection_id, key in list(pending):
            rows = pending.pop((collection_id, key))  # freed as the holdings are made
            for title_rows in _titles(rows):
                self._add_holding(collection_id, title_rows)
        self._strings.clear()
        return self

    def _add_holding(self, collection_id: int, rows: list[_Row]) -> None:
        first = rows[0]
        if len(rows) == 1:  # most titles: built without the loops over rows below
            holding = Holding(
                collection_id=collection_id,
                title=first.title,
                title_id=first.title_id,
                portfolio_ids=[first.portfolio_id],
                print_identifier=first.print_identifier,
                online_identifier=first.online_identifier,
                title_url=first.title_url,
                coverage_depth=first.coverage_depth,
                rows=[first.coverage],
                publication_type=first.publication_type,
            )
            self._index(holding, (first.title,))
            return
        holding = Holding(
            collection_id=collection_id,
            title=first.title,
            title_id=first.title_id,
            portfolio_ids=[r.portfolio_id for r in rows],
            print_identifier=next((r.print_identifier for r in rows if r.print_identifier), None),
            online_identifier=next(
                (r.online_identifier for r in rows if r.online_identifier), None
            ),
            title_url=next((r.title_url for r in rows if r.title_url), None),
            coverage_depth=first.coverage_depth,
            rows=[r.coverage for r in rows],
            publication_type=next((r.publication_type for r in rows if r.publication_type), None),
            # A title of one row (most of them) needs no per-row copy: ``matching`` and
            # ``identifiers`` read its own identifiers then.
            row_identifiers=[r.identifiers for r in rows] if len(rows) > 1 else [],
            row_urls=[r.title_url for r in rows] if len(rows) > 1 else [],
        )
        self._index(holding, [r.title for r in rows])

    def _index(self, holding: Holding, titles: Sequence[str]) -> None:
        number = len(self.holdings)
        self.holdings.append(holding)
        for ident in holding.identifiers:
            self.by_identifier.setdefault(ident, []).append(number)
        for title_key in dict.fromkeys(normalise_title(t) for t in titles if t):
            if not placeholder_title(title_key):  # "#N/A" is nobody's title
                self.by_title.setdefault(title_key, []).append(number)


def _titles(rows: list[_Row]) -> list[list[_Row]]:
    """The rows of one key split into titles: rows sharing an identifier (directly or via
    other rows) are one title; a row without identifiers joins the first title with its
    normalised name, or makes one with the other such rows. In the order first seen."""
    if len(rows) == 1:
        return [rows]
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the earlier row stays the root

    owner: dict[str, int] = {}
    for i, row in enumerate(rows):
        for ident in row.identifiers:
            if ident in owner:
                join(owner[ident], i)
            else:
                owner[ident] = i
    named: dict[str, int] = {}  # normalised title → a row with identifiers, first seen
    for i, row in enumerate(rows):
        if row.identifiers:
            named.setdefault(normalise_title(row.title) if row.title else "", i)
    bare: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row.identifiers:
            continue
        name = normalise_title(row.title) if row.title else ""
        if name in named:
            join(named[name], i)
        elif name in bare:
            join(bare[name], i)
        else:
            bare[name] = i
    groups: dict[int, list[_Row]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(root(i), []).append(row)
    return list(groups.values())


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
