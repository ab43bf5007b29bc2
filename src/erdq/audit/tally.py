"""What an audit keeps while findings stream past: counts, a few examples, item verdicts.

Findings themselves go straight to findings.jsonl; only counters, a bounded number of
examples per rule and collection, and the worst severity per flagged row or record stay
in memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from erdq.findings import Finding, Level, Severity

EXAMPLES_PER_RULE = 5
EXAMPLES_PER_COLLECTION_RULE = 3

# Which kind of item a level's findings are about, for its score: KBART rows or MARC records.
LEVEL_ITEMS = {
    Level.COLLECTION.value: "kbart",
    Level.PORTFOLIO.value: "kbart",
    Level.BIBLIOGRAPHIC.value: "marc",
}


@dataclass
class Tally:
    total: int = 0
    by_severity: Counter[str] = field(default_factory=Counter)
    by_level: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    rule_severity: dict[str, str] = field(default_factory=dict)  # as graded in this run
    by_collection: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    collection_rules: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    examples: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    collection_examples: dict[tuple[str, str], list[dict]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (level, collection) -> {(source, line): worst severity rank}
    flagged: dict[tuple[str, str], dict[tuple[str, int], int]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    # Findings per fingerprint: two deliveries of one file in the folder give the same
    # fingerprints, and each finding is counted as new or persisting.
    fingerprints: Counter[str] = field(default_factory=Counter)

    def add(self, finding: Finding, row: dict, collection: str) -> None:
        code = finding.code
        severity = finding.severity.value
        level = row["level"]
        self.total += 1
        self.by_severity[severity] += 1
        self.by_level[level] += 1
        self.by_rule[code] += 1
        self.rule_severity[code] = severity
        self.by_collection[collection][severity] += 1
        self.collection_rules[collection][code] += 1
        self.fingerprints[row["fingerprint"]] += 1
        if len(self.examples[code]) < EXAMPLES_PER_RULE:
            self.examples[code].append(row)
        examples = self.collection_examples[(collection, code)]
        if len(examples) < EXAMPLES_PER_COLLECTION_RULE:
            examples.append(row)
        line = finding.location.line
        # The KBART header (line 1) is not a row: its findings count, but not as a row's.
        if (
            line is not None
            and level in LEVEL_ITEMS
            and (LEVEL_ITEMS[level] != "kbart" or line > 1)
        ):
            items = self.flagged[(level, collection)]
            key = (finding.location.source, line)
            rank = finding.severity.rank
            if items.get(key, -1) < rank:
                items[key] = rank


def item_score(items: int, flagged: dict[tuple[str, int], int]) -> float | None:
    """100 × the share of items that are clean: an item with an error counts 0, with only
    warnings 0.5, with only notes or nothing 1. None when there are no items to score."""
    if not items:
        return None
    errors = sum(1 for rank in flagged.values() if rank == Severity.ERROR.rank)
    warnings = sum(1 for rank in flagged.values() if rank == Severity.WARNING.rank)
    return round(max(0.0, 100 * (items - errors - 0.5 * warnings) / items), 1)
