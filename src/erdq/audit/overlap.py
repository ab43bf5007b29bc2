"""Cross-collection overlap: titles held in several collections, matched by identifier.

Rows are joined when they share a valid ISSN or ISBN (print or online, normalised by
``erdq.identifiers``), so a title listed by its print ISSN in one package and by its
e-ISSN plus print ISSN in another is one title. Rows without a valid identifier cannot
be matched safely and are left out (they are counted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from erdq.identifiers import isbn13, normalize_issn

ID_COLUMNS = ("print_identifier", "online_identifier")


def row_identifiers(values: dict[str, str]) -> tuple[str, ...]:
    ids = []
    for column in ID_COLUMNS:
        raw = (values.get(column) or "").strip()
        if not raw:
            continue
        issn = normalize_issn(raw)
        key = f"issn:{issn}" if issn else None
        if key is None:
            isbn = isbn13(raw)
            key = f"isbn:{isbn}" if isbn else None
        if key is not None:
            ids.append(key)
    return tuple(ids)


@dataclass
class _Holding:
    collection: str
    title: str
    first: str
    last: str
    ids: tuple[str, ...]


@dataclass
class OverlapIndex:
    holdings: list[_Holding] = field(default_factory=list)
    without_identifier: int = 0

    def add(self, collection: str, values: dict[str, str]) -> None:
        ids = row_identifiers(values)
        if not ids:
            self.without_identifier += 1
            return
        self.holdings.append(
            _Holding(
                collection,
                (values.get("publication_title") or "").strip(),
                (values.get("date_first_issue_online") or "").strip(),
                (values.get("date_last_issue_online") or "").strip(),
                ids,
            )
        )

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
        groups: dict[str, list[_Holding]] = defaultdict(list)
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
        return {
            "titles_matched": len(groups),
            "titles_in_several": len(shared),
            "rows_without_identifier": self.without_identifier,
            "by_pair": dict(sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))),
            "examples": [
                {
                    "title": group[0].title,
                    "identifiers": sorted({i for h in group for i in h.ids}),
                    "holdings": [
                        {"collection": h.collection, "first": h.first, "last": h.last}
                        for h in group
                    ],
                }
                for group in shared[:examples]
            ],
        }
