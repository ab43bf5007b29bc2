"""Cross-collection overlap: titles held in several collections, matched by identifier.

Rows are joined when they share a valid ISSN or ISBN (print or online, normalised by
``erdq.identifiers``), so a title listed by its print ISSN in one package and by its
e-ISSN plus print ISSN in another is one title. Rows without a valid identifier cannot
be matched safely and are left out (they are counted).

For each title in several collections, the union of their coverage and the gaps no
collection covers, as of the audit's ``today`` (``erdq.audit.coverage_union``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from erdq.audit.coverage_union import Span, available_span, day, span_text, union
from erdq.identifiers import check_identifier
from erdq.model.coverage import CoverageRange
from erdq.model.portfolio import coverage_from_values

ID_COLUMNS = ("print_identifier", "online_identifier")


def row_identifiers(values: dict[str, str]) -> tuple[str, ...]:
    """The row's valid identifiers in canonical form ("issn:0028-0836", ISBNs as
    ISBN-13): a filler such as 0000-0000 names no title, so two packages that both carry
    it do not hold one title."""
    ids = []
    for column in ID_COLUMNS:
        raw = (values.get(column) or "").strip()
        if not raw:
            continue
        check = check_identifier(raw)
        if check.valid and check.canonical and "placeholder" not in check.problems:
            kind = "issn" if check.kind == "issn" else "isbn"
            ids.append(f"{kind}:{check.canonical}")
    return tuple(ids)


@dataclass(slots=True)
class Holding:
    """What the overlap keeps of one KBART row (``holding``)."""

    collection: str
    title: str
    first: str
    last: str
    ids: tuple[str, ...]
    embargo: str
    spans: tuple[Span, ...]  # the days available on ``today``


def holding(
    collection: str,
    values: dict[str, str],
    today: dt.date,
    coverage: Sequence[CoverageRange] | None = None,
) -> Holding | None:
    """What the overlap keeps of a KBART row, None when it has no valid identifier."""
    ids = row_identifiers(values)
    if not ids:
        return None
    ranges = coverage if coverage is not None else (coverage_from_values(values),)
    return Holding(
        collection,
        (values.get("publication_title") or "").strip(),
        (values.get("date_first_issue_online") or "").strip(),
        (values.get("date_last_issue_online") or "").strip(),
        ids,
        (values.get("embargo_info") or "").strip(),
        tuple(available_span(ranges, today)),
    )


@dataclass
class OverlapIndex:
    today: dt.date = field(default_factory=dt.date.today)
    holdings: list[Holding] = field(default_factory=list)
    without_identifier: int = 0
    # The worklist rows of the titles with gaps, set by ``result`` (which the audit calls
    # once, before it writes the worklists).
    gap_titles: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        collection: str,
        values: dict[str, str],
        coverage: Sequence[CoverageRange] | None = None,
    ) -> None:
        """One KBART row; ``coverage`` is its parsed coverage when the caller has it."""
        self.add_holding(holding(collection, values, self.today, coverage))

    def add_holding(self, found: Holding | None) -> None:
        """A row's ``holding`` (made where the row was checked); None: no identifier."""
        if found is None:
            self.without_identifier += 1
        else:
            self.holdings.append(found)

    def _union(self, group: list[Holding]) -> dict[str, object]:
        merged = union(span for h in group for span in h.spans)
        today = self.today
        return {
            "union": [{"first": day(a), "last": day(b)} for a, b in merged.spans],
            "union_text": ", ".join(span_text(a, b, today) for a, b in merged.spans)
            or "nothing available",
            "gaps": [{"first": day(a), "last": day(b)} for a, b in merged.gaps],
            "gaps_text": ", ".join(span_text(a, b, today) for a, b in merged.gaps),
            "gap_days": merged.gap_days(),
        }

    def result(self, examples: int = 50) -> dict[str, object]:
        """Titles in two or more collections, the most widely held first."""
        parent: dict[str, str] = {}

        def find(key: str) -> str:
            parent.setdefault(key, key)
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for holding in self.holdings:
            first = find(holding.ids[0])
            for other in holding.ids[1:]:
                parent[find(other)] = first
        groups: dict[str, list[Holding]] = defaultdict(list)
        for holding in self.holdings:
            groups[find(holding.ids[0])].append(holding)
        shared = [g for g in groups.values() if len({h.collection for h in g}) > 1]
        shared.sort(key=lambda g: (-len({h.collection for h in g}), g[0].title.casefold()))
        pairs: dict[str, int] = defaultdict(int)
        for group in shared:
            names = sorted({h.collection for h in group})
            for i, a in enumerate(names):
                for b in names[i + 1 :]:
                    pairs[f"{a} + {b}"] += 1
        unions = [self._union(group) for group in shared]
        with_gaps = sorted(
            (i for i, u in enumerate(unions) if u["gaps"]),
            key=lambda i: (-int(unions[i]["gap_days"]), shared[i][0].title.casefold()),
        )
        self.gap_titles = [
            {
                "title": shared[i][0].title,
                "identifiers": " ".join(sorted({x for h in shared[i] for x in h.ids})),
                "collections": ", ".join(sorted({h.collection for h in shared[i]})),
                "holdings": "; ".join(_held(h) for h in shared[i]),
                "union": unions[i]["union_text"],
                "gaps": unions[i]["gaps_text"],
                "gap_days": unions[i]["gap_days"],
            }
            for i in with_gaps
        ]
        return {
            "today": self.today.isoformat(),
            "titles_matched": len(groups),
            "titles_in_several": len(shared),
            "titles_with_gaps": len(with_gaps),
            "rows_without_identifier": self.without_identifier,
            "by_pair": dict(sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))),
            "examples": [_example(g, u) for g, u in zip(shared[:examples], unions, strict=False)],
            # The largest gaps first.
            "gap_examples": [_example(shared[i], unions[i]) for i in with_gaps[:examples]],
        }


def _example(group: list[Holding], union_: dict[str, object]) -> dict[str, object]:
    return {
        "title": group[0].title,
        "identifiers": sorted({i for h in group for i in h.ids}),
        "holdings": [
            {
                "collection": h.collection,
                "first": h.first,
                "last": h.last,
                "embargo": h.embargo or None,
            }
            for h in group
        ],
        **union_,
    }


def _held(h: Holding) -> str:
    embargo = f", embargo {h.embargo}" if h.embargo else ""
    return f"{h.collection} ({h.first or 'beginning'} – {h.last or 'present'}{embargo})"
