"""The KBART rows an e-book record takes its e-ISBN and link from, indexed by ISBN.

A print record matches a row when one of its ISBNs (020 $a/$z, 776 $z), as ISBN-13
(``erdq.identifiers.isbn13``, so ISBN-10 and ISBN-13 forms agree), is the row's
``print_identifier`` or ``online_identifier``. Nothing is guessed: a record with no
matching row gets no link.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from erdq.identifiers import isbn13
from erdq.readers.kbart import KbartReader


@dataclass(frozen=True, slots=True)
class KbartTitle:
    """What print2e takes from one KBART row (``line``: its line in the file)."""

    line: int
    publication_title: str
    online_identifier: str
    online_isbn: str | None
    print_isbn: str | None
    title_url: str


@dataclass
class KbartIndex:
    """KBART rows by ISBN-13. ``problems`` counts the reader's findings by code, and
    ``unusable`` the rows without a valid ISBN in either identifier column."""

    source: str = ""
    rows: int = 0
    unusable: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    by_isbn: dict[str, list[KbartTitle]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: str | Path) -> KbartIndex:
        index = cls(source=str(path))

        def report(code: str, *args: object, **kwargs: object) -> None:
            index.problems[code] += 1

        for row in KbartReader(path, report):
            index.add(
                KbartTitle(
                    line=row.line,
                    publication_title=row.get("publication_title").strip(),
                    online_identifier=row.get("online_identifier").strip(),
                    online_isbn=isbn13(row.get("online_identifier")),
                    print_isbn=isbn13(row.get("print_identifier")),
                    title_url=row.get("title_url").strip(),
                )
            )
        return index

    def add(self, title: KbartTitle) -> None:
        self.rows += 1
        keys = {k for k in (title.print_isbn, title.online_isbn) if k}
        if not keys:
            self.unusable += 1
        for key in keys:
            self.by_isbn.setdefault(key, []).append(title)

    def match(self, isbns: Iterable[str]) -> list[KbartTitle]:
        """The distinct rows matching any of ``isbns`` (ISBN-13s), in file order."""
        found: dict[int, KbartTitle] = {}
        for key in isbns:
            for title in self.by_isbn.get(key, ()):
                found.setdefault(title.line, title)
        return [found[line] for line in sorted(found)]
