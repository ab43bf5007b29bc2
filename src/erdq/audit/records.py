"""What the audit keeps of each MARC record it checks: its completeness and, when the
audit links portfolios to records, the keys the linkage matches on.

``record_facts`` runs where the record is checked: in the audit's process, or in a worker
process when a large ISO 2709 file is checked on several (``MarcCheck.facts_and_findings``),
so that only these few values travel back, not the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from erdq import completeness
from erdq.linkage import RecordIdentifier, record_keys
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
