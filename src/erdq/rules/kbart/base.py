"""What KBART checkers plug into: the row context and the checker lists the engine runs.

A row checker is a plain function ``check(row, ctx)`` that calls ``ctx.report`` for
each problem; it declares the codes it can report so the engine runs only the
checkers some selected rule needs. A cross-row checker is a class with ``row`` and
``end`` methods, for duplicates, overlaps and other facts no single row shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from erdq.readers.kbart import KbartRow
from erdq.registry import Example, Rule
from erdq.scratch import Scratch

Report = Callable[..., None]


@dataclass
class RowContext:
    source: str
    report: Report  # report(code, line, column=None, value=None, **params)
    today: dt.date
    strict: bool = True
    active: frozenset[str] = field(default_factory=frozenset)


RowCheck = Callable[[KbartRow, RowContext], None]


@dataclass(frozen=True)
class RowChecker:
    codes: frozenset[str]
    func: RowCheck


class CrossChecker(Protocol):
    def row(self, row: KbartRow, ctx: RowContext) -> None: ...

    def end(self, ctx: RowContext) -> None: ...


@dataclass(frozen=True)
class CrossCheckerSpec:
    codes: frozenset[str]
    factory: Callable[[Scratch], CrossChecker]  # gets the run's temporary table space


ROW_CHECKERS: list[RowChecker] = []
CROSS_CHECKERS: list[CrossCheckerSpec] = []


def row_check(*rules: Rule) -> Callable[[RowCheck], RowCheck]:
    def wrap(func: RowCheck) -> RowCheck:
        ROW_CHECKERS.append(RowChecker(frozenset(r.code for r in rules), func))
        return func

    return wrap


def cross_check(*rules: Rule) -> Callable[[type], type]:
    def wrap(cls: type) -> type:
        CROSS_CHECKERS.append(CrossCheckerSpec(frozenset(r.code for r in rules), cls))
        return cls

    return wrap


# A valid serial row: examples override only what they are about.
BASELINE: Mapping[str, str] = {
    "publication_title": "Journal of Invented Studies",
    "print_identifier": "1234-5679",
    "online_identifier": "2049-3630",
    "date_first_issue_online": "2001",
    "num_first_vol_online": "1",
    "num_first_issue_online": "1",
    "date_last_issue_online": "",
    "num_last_vol_online": "",
    "num_last_issue_online": "",
    "title_url": "https://example.org/jis",
    "first_author": "",
    "title_id": "jis",
    "embargo_info": "",
    "coverage_depth": "fulltext",
    "notes": "",
    "publisher_name": "Example Press",
    "publication_type": "serial",
    "date_monograph_published_print": "",
    "date_monograph_published_online": "",
    "monograph_volume": "",
    "monograph_edition": "",
    "first_editor": "",
    "parent_publication_title_id": "",
    "preceding_publication_title_id": "",
    "access_type": "P",
}

# A valid monograph row, for examples about books.
BOOK: Mapping[str, str] = {
    **BASELINE,
    "publication_title": "Open Questions in Invented Theory",
    "print_identifier": "9782253002697",
    "online_identifier": "9781090636072",
    "date_first_issue_online": "",
    "num_first_vol_online": "",
    "num_first_issue_online": "",
    "title_url": "https://example.org/b/1",
    "first_author": "Moreau",
    "title_id": "oqit",
    "publication_type": "monograph",
    "date_monograph_published_print": "2020",
    "date_monograph_published_online": "2021",
}

DEFAULT_EXAMPLE_NAME = "ExamplePress_Global_AllTitles_2024-01-01.txt"


def example_rows(example: Example) -> list[dict[str, str]]:
    """The full rows of an example: each override applied to the baseline it names."""
    rows = []
    for override in example.rows:
        base = BOOK if override.get("publication_type") == "monograph" else BASELINE
        rows.append({**base, **override})
    return rows


def example_bytes(example: Example) -> bytes:
    """An example as the bytes of a KBART file (standard header, LF line ends)."""
    if example.factory is not None:
        return example.factory()
    if example.raw is not None:
        return example.raw
    columns = list(BASELINE)
    lines = ["\t".join(columns)]
    for row in example_rows(example):
        lines.append("\t".join(row.get(c, "") for c in columns))
    return ("\n".join(lines) + "\n").encode("utf-8")
