"""Completeness of MARC bibliographic records: per record, and per batch, collection, vendor.

What is measured is whether a record has the elements a reader and a discovery system
need. The elements, their weights and how each is recognised are in the ``completeness``
section of ``data/marc21_bib.yaml``; the defaults are:

==============  ======  ===========================================================
element         weight  present when the record has
==============  ======  ===========================================================
title             15    245 $a or $k
responsibility    10    100/110/111, 700/710/711/720, or 245 $c
subject           12    a 6XX subject or genre heading (600-662)
classification     8    050, 055, 060, 070, 080, 082, 083, 084, 086 or 090
identifier        12    a valid ISBN in 020 $a or a valid ISSN in 022 $a
publisher_date    10    half for a publisher (260/264 $b), half for a date
                        (260/264 $c, or a year in 008/07-10)
language           5    a language code in 008/35-37 (not und/blank/fill) or 041 $a
summary            8    520
contents           5    505
url               10    856 $u -- counted for online resources only
format             5    a quarter each for 007, 336, 337 and 338
==============  ======  ===========================================================

**Score.** ``score = 100 * sum(weight * presence) / sum(weight)`` over the elements that
apply to the record (``url`` applies only to online resources, as decided by
``erdq.marc21.online_evidence``), where ``presence`` is the share of the element's groups
that the record satisfies (0 or 1 for single-group elements). A print record with every
element scores 100 as an online record with every element does.

``BatchCompleteness`` accumulates record results by any grouping the caller gives (batch
file, collection, vendor) and reports, per group, the score distribution (mean, median,
quartiles, minimum, maximum, a 10-point histogram, records below the threshold) and the
share of records missing each element: what tells a librarian whether a vendor's file can
be imported as is. It keeps counters only (no per-record list), so it runs over millions of
records in constant memory, and two accumulators merge (for parallel runs).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import pymarc

from erdq import marc21
from erdq.identifiers import check_isbn, check_issn

__all__ = [
    "DEFAULT_THRESHOLD",
    "ELEMENTS",
    "BatchCompleteness",
    "Element",
    "GroupSummary",
    "RecordCompleteness",
    "score_record",
]


class _View:
    """What the element tests look at: the record's fields by tag, and which subfields
    have text in them (worked out per tag, only for the tags a test asks about).

    ``score_record`` fills ``present`` and the codes of every tag the elements name in
    one pass over those fields (``_scan``); ``has`` and ``codes`` answer from there."""

    __slots__ = ("_codes", "index", "present", "scanned")

    def __init__(self, index: marc21.RecordIndex) -> None:
        self.index = index
        self._codes: dict[str, frozenset[str]] = {}
        self.present: set[str] = set()  # scanned tags with some text
        self.scanned: frozenset[str] | set[str] = frozenset()

    def _scan(self, tags: frozenset[str]) -> None:
        """Which of ``tags`` have text, and the codes of their subfields with text."""
        by_tag = self.index.by_tag
        scanned = tags & by_tag.keys()
        present = self.present
        codes_of = self._codes
        for tag in scanned:
            has = False
            codes: set[str] = set()
            for fld in by_tag[tag]:
                if fld.control_field:
                    if (fld.data or "").strip():
                        has = True
                    continue
                for sf in fld.subfields or ():
                    if (sf.value or "").strip():
                        has = True
                        codes.add(sf.code)
            if has:
                present.add(tag)
            codes_of[tag] = frozenset(codes)
        self.scanned = scanned

    def has(self, tag: str) -> bool:
        if tag in self.scanned:
            return tag in self.present
        for fld in self.index.by_tag.get(tag, ()):
            if fld.control_field:
                if (fld.data or "").strip():
                    return True
            elif any((sf.value or "").strip() for sf in fld.subfields or ()):
                return True
        return False

    def codes(self, tag: str) -> frozenset[str]:
        codes = self._codes.get(tag)
        if codes is None:
            codes = self._codes[tag] = frozenset(
                sf.code
                for fld in self.index.by_tag.get(tag, ())
                if not fld.control_field
                for sf in fld.subfields or ()
                if (sf.value or "").strip()
            )
        return codes


Test = Callable[[_View], bool]
_YEAR_RE = re.compile(r"[0-9]{3}[0-9u]")
_NO_LANGUAGE = frozenset({"und", "   ", "|||"})


def _has_valid(tag: str, check: Callable) -> Test:
    def test(view: _View) -> bool:
        if "a" not in view.codes(tag):
            return False
        return any(
            check(value).valid
            for fld in view.index.data_fields(tag)
            for value in marc21.subfield_values(fld, "a")
        )

    return test


def _date1(view: _View) -> bool:
    data = view.index.control("008")
    return bool(data) and len(data) >= 11 and _YEAR_RE.fullmatch(data[7:11]) is not None


def _language(view: _View) -> bool:
    data = view.index.control("008")
    if not data or len(data) < 38:
        return False
    code = data[35:38]
    return code not in _NO_LANGUAGE and code.isalpha() and code.islower()


_NAMED: dict[str, Test] = {
    "@isbn": _has_valid("020", check_isbn),
    "@issn": _has_valid("022", check_issn),
    "@date1": _date1,
    "@language": _language,
}


class _Group(NamedTuple):
    """One group as data, for ``score_record``'s inline evaluation (same result as the
    group's test): plain tags, (tag, codes) pairs, named checks."""

    plain: frozenset[str]
    with_codes: tuple[tuple[str, frozenset[str]], ...]
    named: tuple[Test, ...]


def _plan(items: tuple[str, ...]) -> _Group:
    return _Group(
        frozenset(i for i in items if not i.startswith("@") and "$" not in i),
        tuple(
            (tag, frozenset(codes))
            for tag, _, codes in (i.partition("$") for i in items if "$" in i)
        ),
        tuple(_NAMED[i] for i in items if i.startswith("@")),
    )


def _compile(items: tuple[str, ...]) -> Test:
    """One group: satisfied when any item is: "TAG", "TAG$codes" or a named check ("@isbn").

    Plain tags are tested together by one set intersection with the record's tags, the
    cheap test first: this runs for every element of every record.
    """
    plain = frozenset(i for i in items if not i.startswith("@") and "$" not in i)
    with_codes = tuple(
        (tag, frozenset(codes)) for tag, _, codes in (i.partition("$") for i in items if "$" in i)
    )
    named = tuple(_NAMED[i] for i in items if i.startswith("@"))

    def test(view: _View) -> bool:
        by_tag = view.index.by_tag
        if plain:
            for tag in plain & by_tag.keys():
                if view.has(tag):
                    return True
        for tag, codes in with_codes:
            if tag in by_tag and not codes.isdisjoint(view.codes(tag)):
                return True
        return any(check(view) for check in named)

    return test


@dataclass(frozen=True, slots=True)
class Element:
    key: str
    label: str
    weight: float
    groups: tuple[tuple[str, ...], ...]
    online_only: bool = False
    essential: frozenset[str] = frozenset()  # record kinds: "monograph", "serial"
    hint: str = ""
    tests: tuple[Test, ...] = field(default=(), repr=False, compare=False)  # one per group
    plan: tuple[_Group, ...] = field(default=(), repr=False, compare=False)  # the same, as data

    def presence(self, view: _View) -> float:
        tests = self.tests
        if len(tests) == 1:
            return 1.0 if tests[0](view) else 0.0
        return sum(1 for test in tests if test(view)) / len(tests)


def _elements(spec: Mapping) -> tuple[Element, ...]:
    out = []
    for key, raw in spec["elements"].items():
        groups = tuple(tuple(str(i) for i in group) for group in raw["groups"])
        out.append(
            Element(
                key=key,
                label=raw["label"],
                weight=float(raw["weight"]),
                groups=groups,
                online_only=bool(raw.get("online_only", False)),
                essential=frozenset(raw.get("essential", ())),
                hint=raw.get("hint", ""),
                tests=tuple(_compile(group) for group in groups),
                plan=tuple(_plan(group) for group in groups),
            )
        )
    return tuple(out)


ELEMENTS: tuple[Element, ...] = _elements(marc21.COMPLETENESS)


def _tags_named(elements: Iterable[Element]) -> frozenset[str]:
    return frozenset(
        tag
        for element in elements
        for group in element.plan
        for tag in (*group.plain, *(t for t, _ in group.with_codes))
    )


_TAGS = _tags_named(ELEMENTS)
ELEMENT_BY_KEY: dict[str, Element] = {e.key: e for e in ELEMENTS}
DEFAULT_THRESHOLD: float = float(marc21.COMPLETENESS["threshold"])


@dataclass(frozen=True, slots=True)
class RecordCompleteness:
    """One record's score (0-100) and the presence (0-1) of each element that applies."""

    score: float
    presence: Mapping[str, float]
    online: bool
    kind: str  # "monograph" | "serial"

    @property
    def missing(self) -> tuple[str, ...]:
        """Elements entirely absent (presence 0), in the data file's order."""
        return tuple(k for k, v in self.presence.items() if v == 0)

    @property
    def essential_missing(self) -> tuple[str, ...]:
        kinds = {self.kind, "online"} if self.online else {self.kind}
        return tuple(k for k in self.missing if not kinds.isdisjoint(ELEMENT_BY_KEY[k].essential))


def score_record(
    record: pymarc.Record | marc21.RecordIndex,
    *,
    online: bool | None = None,
    elements: Iterable[Element] = ELEMENTS,
) -> RecordCompleteness:
    """Score one record (or its ``RecordIndex``, when the caller has one).

    ``online`` overrides the record's own online evidence.
    """
    index = record if isinstance(record, marc21.RecordIndex) else marc21.RecordIndex(record)
    if online is None:
        online = marc21.online_evidence(index) is not None
    view = _View(index)
    if elements is not ELEMENTS:
        elements = tuple(elements)
    view._scan(_TAGS if elements is ELEMENTS else _tags_named(elements))
    present = view.present
    presence: dict[str, float] = {}
    total = got = 0.0
    for element in elements:
        if element.online_only and not online:
            continue
        plan = element.plan
        if len(plan) != len(element.groups):
            value = element.presence(view)  # an Element made without its plan
        else:
            hits = 0
            for group in plan:
                if not group.plain.isdisjoint(present):
                    hits += 1
                    continue
                for tag, codes in group.with_codes:
                    if tag in present and not codes.isdisjoint(view._codes[tag]):
                        hits += 1
                        break
                else:
                    if any(check(view) for check in group.named):
                        hits += 1
            value = (1.0 if hits else 0.0) if len(plan) == 1 else hits / len(plan)
        presence[element.key] = value
        total += element.weight
        got += element.weight * value
    score = round(100 * got / total, 1) if total else 0.0
    return RecordCompleteness(score, presence, online, marc21.record_kind(index))


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """The completeness of one group of records (a batch, a collection, a vendor)."""

    dimension: str  # "all", "batch", "collection", "vendor" ... as given to ``add``
    key: str
    records: int
    mean: float
    median: float
    p25: float
    p75: float
    minimum: float
    maximum: float
    histogram: tuple[int, ...]  # records per 10 points: [0,10), [10,20) ... [90,100]
    below_threshold: int
    threshold: float
    missing_share: Mapping[str, float]  # element -> share of records (it applies to) lacking it
    essential_missing_share: float  # share of records missing at least one essential element

    def as_dict(self) -> dict[str, object]:
        return {
            "dimension": self.dimension,
            "key": self.key,
            "records": self.records,
            "mean": self.mean,
            "median": self.median,
            "p25": self.p25,
            "p75": self.p75,
            "min": self.minimum,
            "max": self.maximum,
            "histogram": list(self.histogram),
            "below_threshold": self.below_threshold,
            "threshold": self.threshold,
            "missing_share": dict(self.missing_share),
            "essential_missing_share": self.essential_missing_share,
        }


@dataclass
class _Tally:
    records: int = 0
    total: float = 0.0
    scores: Counter = field(default_factory=Counter)  # score (0.1 steps) -> records
    missing: Counter = field(default_factory=Counter)  # element -> records lacking it
    applicable: Counter = field(default_factory=Counter)  # element -> records it applies to
    essential_missing: int = 0
    below: int = 0

    def add(self, result: RecordCompleteness, threshold: float) -> None:
        self.records += 1
        self.total += result.score
        self.scores[result.score] += 1
        for key, value in result.presence.items():
            self.applicable[key] += 1
            if value == 0:
                self.missing[key] += 1
        if result.essential_missing:
            self.essential_missing += 1
        if result.score < threshold:
            self.below += 1

    def merge(self, other: _Tally) -> None:
        self.records += other.records
        self.total += other.total
        self.scores.update(other.scores)
        self.missing.update(other.missing)
        self.applicable.update(other.applicable)
        self.essential_missing += other.essential_missing
        self.below += other.below


def _quantile(scores: Counter, records: int, q: float) -> float:
    """The q-quantile of the counted scores by the nearest-rank method."""
    if not records:
        return 0.0
    rank = min(records, max(1, math.ceil(q * records)))
    seen = 0
    for score in sorted(scores):
        seen += scores[score]
        if seen >= rank:
            return float(score)
    return float(max(scores))


class BatchCompleteness:
    """Accumulates ``RecordCompleteness`` results, overall and per group.

    ``add(result, batch="jan.mrc", vendor="Acme")`` counts the record in the overall
    group ("all", "all") and in each (dimension, key) given. ``summary()`` then gives one
    ``GroupSummary`` per group, overall first.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._tallies: dict[tuple[str, str], _Tally] = {}

    def add(self, result: RecordCompleteness, **groups: str | None) -> None:
        keys = [("all", "all")] + [(d, k) for d, k in groups.items() if k is not None]
        for key in keys:
            tally = self._tallies.get(key)
            if tally is None:
                tally = self._tallies[key] = _Tally()
            tally.add(result, self.threshold)

    def add_record(self, record: pymarc.Record, **groups: str | None) -> RecordCompleteness:
        """Score a record and count it; returns its result."""
        result = score_record(record)
        self.add(result, **groups)
        return result

    def merge(self, other: BatchCompleteness) -> None:
        """Add another accumulator's counts (e.g. from a parallel worker)."""
        for key, tally in other._tallies.items():
            mine = self._tallies.get(key)
            if mine is None:
                mine = self._tallies[key] = _Tally()
            mine.merge(tally)

    def group(self, dimension: str = "all", key: str = "all") -> GroupSummary | None:
        tally = self._tallies.get((dimension, key))
        return None if tally is None else self._summary(dimension, key, tally)

    def summary(self) -> list[GroupSummary]:
        ordered = sorted(self._tallies.items(), key=lambda kv: (kv[0] != ("all", "all"), kv[0]))
        return [self._summary(d, k, tally) for (d, k), tally in ordered]

    def _summary(self, dimension: str, key: str, tally: _Tally) -> GroupSummary:
        n = tally.records
        histogram = [0] * 10
        for score, count in tally.scores.items():
            histogram[min(int(score // 10), 9)] += count
        scores = tally.scores
        return GroupSummary(
            dimension=dimension,
            key=key,
            records=n,
            mean=round(tally.total / n, 1) if n else 0.0,
            median=_quantile(scores, n, 0.5),
            p25=_quantile(scores, n, 0.25),
            p75=_quantile(scores, n, 0.75),
            minimum=float(min(scores)) if scores else 0.0,
            maximum=float(max(scores)) if scores else 0.0,
            histogram=tuple(histogram),
            below_threshold=tally.below,
            threshold=self.threshold,
            missing_share={
                e.key: round(tally.missing[e.key] / tally.applicable[e.key], 4)
                for e in ELEMENTS
                if tally.applicable[e.key]
            },
            essential_missing_share=round(tally.essential_missing / n, 4) if n else 0.0,
        )
