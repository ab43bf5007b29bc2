"""What the audit keeps of each MARC record and KBART row it checks: a record's
completeness and, when the audit links portfolios to records, the keys the linkage matches
on; a row's holding for the overlap and, for the linkage, its portfolio's values.

``record_facts`` and ``row_facts`` run where the record or row is checked: in the audit's
process, or in a worker process when a large file is checked on several
(``MarcCheck.facts_and_findings``, ``KbartCheck.facts_and_findings``), so that only these
few values travel back, not the record or row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from erdq import completeness
from erdq.audit.linkage import scratch_values
from erdq.audit.overlap import Holding, holding
from erdq.linkage import RecordIdentifier, record_keys
from erdq.model.portfolio import row_to_portfolio
from erdq.readers.kbart import KbartRow
from erdq.readers.marc import MarcItem
from erdq.rules.marc.formats import other_format


@dataclass(frozen=True, slots=True)
class RecordFacts:
    ordinal: int
    offset: int | None
    # None for a record of another MARC 21 format (authority, holdings): not scored.
    completeness: completeness.RecordCompleteness | None
    keys: tuple[dict[str, Any], list[RecordIdentifier]] | None  # ``record_keys``, if asked


def record_facts(item: MarcItem, *, keys: bool) -> RecordFacts:
    """A checked record's facts; ``keys`` adds what the linkage needs."""
    if other_format(item) is not None:
        return RecordFacts(item.ordinal, item.offset, None, None)
    # MR7xx leaves the score in memo when selected; compute it otherwise.
    score = item.memo.get("completeness") or completeness.score_record(item.record)
    item.memo["completeness"] = score  # record_keys reuses it
    return RecordFacts(item.ordinal, item.offset, score, record_keys(item) if keys else None)


@dataclass(frozen=True, slots=True)
class RowFacts:
    holding: Holding | None  # None: the row has no valid identifier
    portfolio: dict[str, Any] | None  # ``scratch_values``, when the audit links


def row_facts(row: KbartRow, *, collection: str, today: dt.date, linked: bool) -> RowFacts:
    """A checked KBART row's facts; ``linked`` adds its portfolio for the linkage."""
    if not linked:
        return RowFacts(holding(collection, row.values, today), None)
    portfolio = row_to_portfolio(row.values, collection, row.line)
    return RowFacts(
        holding(collection, row.values, today, portfolio.coverage), scratch_values(portfolio)
    )
