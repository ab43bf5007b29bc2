"""What an audit keeps while findings stream past: counts, a few examples, item verdicts.

Findings themselves go straight to findings.jsonl; only counters, a bounded number of
examples per rule and collection, and the worst severity per flagged row or record stay
in memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from erdq.findings import Finding, Level, Severity

EXAMPLES_PER_RULE = 5
EXAMPLES_PER_COLLECTION_RULE = 3

# Which kind of item a level's findings are about, for its score: KBART files (the
# collection level's rules judge a delivery as a whole: its encoding, header, name), KBART
# rows or MARC records.
KBART_FILE = "kbart-file"
LEVEL_ITEMS = {
    Level.COLLECTION.value: KBART_FILE,
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
    # (level, collection) -> {(source, line): worst severity rank}; a collection-level
    # finding flags its file, keyed (source, 0)
    flagged: dict[tuple[str, str], dict[tuple[str, int], int]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    # (level, collection) -> [(source, first line, last line, severity rank)]: one finding
    # about a run of rows (KB112/KB113 "lines 2–28 (27 rows)") flags every row of the run
    runs: dict[tuple[str, str], list[tuple[str, int, int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (source, record ordinal) of records of another MARC 21 format (MR124: authority,
    # holdings): not bibliographic items, so not scored at that level
    not_scored: set[tuple[str, int]] = field(default_factory=set)
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
        if code == "MR124" and finding.location.line is not None:
            self.not_scored.add((finding.location.source, finding.location.line))
        if level not in LEVEL_ITEMS:
            return
        source, line, rank = finding.location.source, finding.location.line, finding.severity.rank
        key = (level, collection)
        if LEVEL_ITEMS[level] == KBART_FILE:
            line = 0  # the file is the item, whatever line the finding names
        elif line is None or (LEVEL_ITEMS[level] == "kbart" and line <= 1):
            return  # the KBART header (line 1) is not a row: its findings count, not as a row's
        # A run of rows (its ``last``) is about rows only: a file is one item, whatever
        # stretch of lines a collection-level finding names (KB115 "lines 73–145").
        last = line if line == 0 else _run_end(finding, line)
        if last > line:
            self.runs[key].append((source, line, last, rank))
            return
        items = self.flagged[key]
        if items.get((source, line), -1) < rank:
            items[(source, line)] = rank


def _run_end(finding: Finding, line: int) -> int:
    """The last line of the run of rows a finding is about (its ``last`` parameter, as
    the KBART reader gives a run of rows of one wrong length), else its own line."""
    try:
        last = int(finding.params.get("last", line))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return line
    return last if last > line else line


def worst_per_item(
    flagged: dict[tuple[str, int], int], runs: Iterable[tuple[str, int, int, int]] = ()
) -> Counter[int]:
    """How many items have each worst severity rank, an item being a (source, line) named
    by ``flagged`` or lying in one of ``runs`` (source, first, last, rank); an item named
    by several findings counts once, at its worst."""
    spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for (source, line), rank in flagged.items():
        spans[source].append((line, line, rank))
    for source, first, last, rank in runs:
        spans[source].append((first, last, rank))
    counts: Counter[int] = Counter()
    for intervals in spans.values():
        # A sweep over the interval ends: each stretch between two ends counts at the
        # worst rank of the intervals open over it.
        events = sorted(
            [(first, 1, rank) for first, _, rank in intervals]
            + [(last + 1, -1, rank) for _, last, rank in intervals]
        )
        open_ranks: Counter[int] = Counter()
        at = None
        for pos, step, rank in events:
            if at is not None and pos > at and open_ranks:
                counts[max(open_ranks)] += pos - at
            open_ranks[rank] += step
            if not open_ranks[rank]:
                del open_ranks[rank]
            at = pos
    return counts


def item_score(
    items: int,
    flagged: dict[tuple[str, int], int],
    runs: Iterable[tuple[str, int, int, int]] = (),
) -> float | None:
    """100 × the share of items that are clean: an item with an error counts 0, with only
    warnings 0.5, with only notes or nothing 1 (every row of a run of rows counts, see
    ``worst_per_item``). None when there are no items to score."""
    if not items:
        return None
    worst = worst_per_item(flagged, runs)
    errors = worst[Severity.ERROR.rank]
    warnings = worst[Severity.WARNING.rank]
    return round(max(0.0, 100 * (items - errors - 0.5 * warnings) / items), 1)
