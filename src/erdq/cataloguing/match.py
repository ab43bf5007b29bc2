"""Match a vendor's update file against the catalogue, and merge the updates.

Each incoming record is looked up, strongest key first: system control numbers (035 $a,
001/003; OCLC numbers in any of their forms), then ISBN/ISSN, then a title + author +
date key (``match_keys``). The first kind of key that finds something decides which
existing records are candidates; the weaker keys are then used to check that match.

A print and an electronic manifestation are two records (provider-neutral practice:
separate records, linked by 776), and share ISBNs, ISSNs and titles as a matter of
course. So a catalogue record found by one of those keys that is another manifestation
of the incoming one — one electronic and the other not (``match_form``: 008 form of
item, 007, 245 $h, 337/338), or named as the other format in either record's 776/775 —
is not a candidate: the plan names it and says why, and the incoming record, if nothing
else matches, is ``new`` (a separate record to load). One found by a system number is
kept, and the match is a conflict: a number belongs to one record. A record whose form
is not known matches as any other.

Each record gets one class:

* ``new``: nothing in the catalogue matches;
* ``unchanged``: one match, and loading the merged record would change nothing in the
  catalogue record (005, leader/05 and /09 aside; 035s compared by the numbers they
  hold, so "(OCoLC)ocm00012345" and "(OCoLC)12345" are the same);
* ``update``: one match, with the fields that would change listed by tag;
* ``multiple-match``: one key finds several catalogue records;
* ``conflict``: the keys disagree (035 finds one record, the ISBN another; an ISBN or
  title match whose OCLC numbers differ; the same OCLC number with different ISBNs or a
  different title, or on another manifestation; an ISBN one record has in 020 $a and
  the other in 020 $z, with none in common), or the only match is through a cancelled
  number, or another incoming record matches the same catalogue record (loading both
  would overlay one with the other, so neither is an update; the plan names the others
  in ``shared_with``), or a new record shares a system number (035) with another new
  one (the vendor file holds the record twice: loading both would make two catalogue
  records of one), or nothing matches a record whose 001 is a catalogue record's (a
  load matching on 001 would lay it over that record).

That last check needs every incoming record's match, so the entries come out only once
the whole file is matched: they wait in a temporary file, not in memory.

The merge writes, for an update, the vendor record with the catalogue record's 001/003
(the number the catalogue knows the record by, so that the load overlays it) and its
local fields (9XX, 590 and the tags asked for); the vendor's own 001/003 is kept as a
035 so that the next update still matches. New records are written as they are; the
other classes are left for review and not written. A new or update record the merge
file cannot hold (an indicator area its format has no room for), or an update whose
catalogue record was read only in part, is not written either, and ``not_written`` says
why: the load would not do what the plan says.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pymarc
from rapidfuzz import fuzz

from erdq.cataloguing.match_index import (
    KIND_CANCELLED,
    KIND_ISBN,
    KIND_ISSN,
    KIND_SYSTEM,
    KIND_TITLE,
    PARTIAL,
    UNREADABLE,
    KeyIndex,
    ReadProblem,
    has_key,
)
from erdq.cataloguing.match_keys import (
    RecordKeys,
    local_tag_matcher,
    record_keys,
    shown_title_key,
)
from erdq.cataloguing.match_merge import compare_records, merge_record, written
from erdq.errors import InputError
from erdq.marc_convert import has_non_ascii, indicators_as_read, mark_utf8
from erdq.readers.marc import MarcReader

__all__ = [
    "CLASSES",
    "REVIEW_CLASSES",
    "MatchRun",
    "PlanEntry",
    "compare_records",
    "merge_record",
]

CLASSES = ("new", "update", "unchanged", "multiple-match", "conflict")
REVIEW_CLASSES = frozenset({"multiple-match", "conflict"})
# The classes that settle on one catalogue record: two incoming records doing so for the
# same one cannot both be loaded.
_SINGLE_MATCH = frozenset({"update", "unchanged"})
TITLE_THRESHOLD = 0.6
MAX_LISTED = 20  # catalogue records listed for one key; more are counted as "more than"
Progress = Callable[[int], None]


@dataclass(slots=True)
class PlanEntry:
    """What was decided for one incoming record, and why."""

    ordinal: int
    record_id: str | None
    keys: dict[str, object]
    status: str
    explanation: str
    matched: list[tuple[int, str | None]] = field(default_factory=list)
    matched_on: str | None = None  # "035", "isbn", "issn", "title", "cancelled-035", "001"
    match_key: str | None = None
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    merged: bool = False
    # Other incoming records matching the same catalogue record (then a conflict).
    shared_with: list[tuple[int, str | None]] = field(default_factory=list)
    not_written: str | None = None  # why a new or update record is not in the merge file

    @property
    def changed_tags(self) -> list[str]:
        return sorted(self.changes)

    def as_dict(self) -> dict[str, object]:
        return {
            "incoming": {"ordinal": self.ordinal, "001": self.record_id, "keys": self.keys},
            "class": self.status,
            "matched": [{"ordinal": o, "001": rid} for o, rid in self.matched],
            "matched_on": self.matched_on,
            "match_key": self.match_key,
            "explanation": self.explanation,
            "changed_tags": self.changed_tags,
            "changes": self.changes,
            "notes": self.notes,
            "merged": self.merged,
            "shared_with": [{"ordinal": o, "001": rid} for o, rid in self.shared_with],
            "not_written": self.not_written,
        }


def _key_text(kind: str, value: str) -> str:
    if kind in (KIND_SYSTEM, KIND_CANCELLED):
        org, number = value.split("\x1f", 1)
        return f"({org}){number}"
    if kind == KIND_TITLE:
        return shown_title_key(value)
    return value


def _as_read_in(
    out: pymarc.Record, sources: list[tuple[pymarc.Record, dict[int, str] | None]]
) -> dict[int, str] | None:
    """The indicator areas as read (by field position in each source record) of the
    fields ``out`` took from those records, by position in ``out``. A merged record
    holds the very field objects of its sources (``merge_record``), so they are found by
    identity."""
    areas = {
        id(source.fields[position]): area
        for source, as_read in sources
        if as_read
        for position, area in as_read.items()
        if position < len(source.fields)
    }
    if not areas:
        return None
    return {p: areas[id(f)] for p, f in enumerate(out.fields) if id(f) in areas} or None


_KIND_NAMES = {KIND_SYSTEM: "035", KIND_ISBN: "isbn", KIND_ISSN: "issn", KIND_TITLE: "title"}
_KIND_WORDS = {
    KIND_SYSTEM: "system number",
    KIND_ISBN: "ISBN",
    KIND_ISSN: "ISSN",
    KIND_TITLE: "title, author and date key",
}


def _named(kind: str, records: list[tuple[int, str | None]]) -> str:
    """ "incoming record 2 (001 ven7), incoming record 5" from (ordinal, 001) pairs."""
    return ", ".join(f"{kind} {o}" + (f" (001 {rid})" if rid else "") for o, rid in records)


def _conflict(entry: PlanEntry, others: list[tuple[int, str | None]], why: str) -> None:
    """Make ``entry`` a conflict with the other incoming records ``others``, ``why``
    worded after their names ("… also match catalogue record 1 …")."""
    entry.shared_with = others
    entry.status = "conflict"
    entry.explanation = f"{entry.explanation}; but {_named('incoming record', others)} {why}"


def _other_manifestation(mine: RecordKeys, theirs: RecordKeys) -> str | None:
    """Why the catalogue record (``theirs``) is another manifestation than the incoming
    one (``mine``), in words; None when nothing says so.

    Either the forms differ (one electronic, the other not: ``match_form``), or the
    incoming record names it in 776/775 (its other format or edition), or the catalogue
    record names the incoming one there. A record of unknown form is never set apart by
    form alone.
    """
    reasons = []
    if mine.form.form and theirs.form.form and mine.form.form != theirs.form.form:
        reasons.append(
            f"the catalogue record is {theirs.form.describe()}, the vendor record "
            f"{mine.form.describe()}"
        )
    named = mine.names_as_linked(theirs)
    if named:
        reasons.append(f"the vendor record names it as its other format ({', '.join(named)})")
    named = theirs.names_as_linked(mine)
    if named:
        reasons.append(
            f"the catalogue record names the vendor record as its other format ({', '.join(named)})"
        )
    return "; ".join(reasons) or None


def _system_numbers(entry: PlanEntry) -> list[str]:
    """The incoming record's system numbers as the plan shows them: ``(OCoLC)99999``."""
    return [str(n) for n in entry.keys.get("system") or ()]  # type: ignore[union-attr]


class MatchRun:
    """One matching run: iterate ``entries()`` once, then read ``summary``.

    ``merge_to`` is a path (written whole at the end, format from its extension) or
    None; ``keep`` adds tags (or patterns such as "69X") to the local ones.
    """

    def __init__(
        self,
        incoming: str | Path,
        existing: str | Path,
        *,
        keep: Iterable[str] = (),
        title_threshold: float = TITLE_THRESHOLD,
        merge_to: str | Path | None = None,
        merge_format: str | None = None,
        progress: Progress | None = None,
        index_progress: Progress | None = None,
    ) -> None:
        self.incoming = Path(incoming)
        self.existing = Path(existing)
        for p in (self.incoming, self.existing):
            if not p.is_file():
                raise InputError(f"{p}: no such file", hint="check the file name")
        try:
            self.keep = tuple(k.strip().upper() for k in keep if k.strip())
            self.local = local_tag_matcher(self.keep)
        except ValueError as exc:
            raise InputError(str(exc), hint="give tags like 541,561 or patterns like 69X") from None
        self.title_threshold = title_threshold
        self.merge_to = merge_to
        self.merge_format = merge_format
        if merge_to is not None and merge_format is None:
            from erdq.writers.marc import format_for_path

            self.merge_format = format_for_path(merge_to)
            if self.merge_format is None:
                raise InputError(
                    f"{merge_to}: the extension does not say which MARC format to write",
                    hint="name it .mrc, .mrk, .xml, .json or .jsonl",
                )
        self.progress = progress
        self.index_progress = index_progress
        self.summary: dict[str, object] = {}
        self.incoming_problems: list[ReadProblem] = []
        self._partial: set[int] = set()  # incoming records read only in part
        self.existing_problems: list[ReadProblem] = []

    def entries(self) -> Iterator[PlanEntry]:
        counts = Counter({name: 0 for name in CLASSES})
        with KeyIndex(self.existing) as index:
            index.build(self.index_progress)
            self.existing_problems = index.problems
            if index.records == 0:
                # Against an empty catalogue every record would be "new" and loaded again.
                reason = next(
                    (str(p.params.get("reason")) for p in index.problems if p.ordinal is None),
                    "it holds no readable MARC record",
                )
                raise InputError(
                    f"{self.existing}: {reason}",
                    hint="--existing must name the catalogue's MARC records",
                )
            if self.merge_to is None:
                for entry in self._match(index, None):
                    counts[entry.status] += 1
                    yield entry
            else:
                from erdq.writers.files import open_output
                from erdq.writers.marc import open_writer

                assert self.merge_format is not None
                with open_output(self.merge_to, [self.incoming, self.existing]) as fh:
                    writer = open_writer(self.merge_format, fh)
                    for entry in self._match(index, writer):
                        counts[entry.status] += 1
                        yield entry
                    writer.close()
            merging = self.merge_to is not None
            self.summary = {
                "incoming": self._incoming_records,
                "incoming_unreadable": self._incoming_unreadable,
                "existing": index.records,
                "existing_unreadable": index.unparseable,
                "classes": dict(counts),
                "merged": self._merged if merging else None,
                "not_written": self._not_written if merging else None,
            }

    def _report(self, code: str, ordinal: int | None, **params: object) -> None:
        record_id = params.pop("record_id", None)
        params.pop("offset", None)
        if ordinal is None or code in UNREADABLE | PARTIAL:
            self.incoming_problems.append(ReadProblem(code, ordinal, record_id, params))
            if code in PARTIAL and ordinal is not None:
                self._partial.add(ordinal)

    def _match(self, index: KeyIndex, writer) -> Iterator[PlanEntry]:
        reader = MarcReader(self.incoming, self._report)
        self._merged = self._not_written = 0
        # {catalogue ordinal: incoming records settling on it}; a few ints per record.
        claims: dict[int, list[tuple[int, str | None]]] = {}
        # {system number: new incoming records holding it}: the same record twice.
        numbers: dict[str, list[tuple[int, str | None]]] = {}
        spilled = 0
        with tempfile.TemporaryFile(prefix="erdq-match-") as spill:
            for n, item in enumerate(reader, 1):
                entry = self.classify(item.ordinal, item.record_id, item.record, index)
                if entry.status in _SINGLE_MATCH:
                    claims.setdefault(entry.matched[0][0], []).append(
                        (entry.ordinal, entry.record_id)
                    )
                elif entry.status == "new":
                    for number in _system_numbers(entry):
                        numbers.setdefault(number, []).append((entry.ordinal, entry.record_id))
                # Only a record the merge may write is kept: pickling costs about a fifth
                # of matching it.
                kept = None
                if writer is not None and entry.status in ("new", "update"):
                    kept = (item.record, indicators_as_read(item))
                pickle.dump((entry, kept), spill, protocol=pickle.HIGHEST_PROTOCOL)
                spilled += 1
                if self.progress is not None and n % 200 == 0:
                    self.progress(reader.progress)
            if self.progress is not None:
                self.progress(reader.progress)
            if reader.format is None:
                reason = next(
                    (
                        str(p.params.get("reason"))
                        for p in self.incoming_problems
                        if p.ordinal is None
                    ),
                    "it is not MARC",
                )
                raise InputError(f"{self.incoming}: {reason}", hint="name the vendor's MARC file")
            self._incoming_records = reader.records
            self._incoming_unreadable = reader.unparseable
            spill.seek(0)
            for _ in range(spilled):
                entry, kept = pickle.load(spill)
                if entry.status in _SINGLE_MATCH:
                    target = entry.matched[0][0]
                    if len(claims[target]) > 1:
                        self._shared(entry, claims[target])
                elif entry.status == "new":
                    shared = [n for n in _system_numbers(entry) if len(numbers[n]) > 1]
                    if shared:
                        self._twice_new(entry, shared, numbers)
                if kept is not None:
                    self._write(entry, *kept, index, writer)
                yield entry

    def _twice_new(
        self,
        entry: PlanEntry,
        shared: list[str],
        numbers: dict[str, list[tuple[int, str | None]]],
    ) -> None:
        """Make ``entry`` a conflict: another new incoming record has its system number."""
        others = list({c: None for n in shared for c in numbers[n] if c[0] != entry.ordinal})
        has = "has" if len(others) == 1 else "have"
        _conflict(
            entry,
            others,
            f"also {has} {', '.join(shared)}: the vendor file holds the record more than "
            "once, and loading both would make two catalogue records of one (this one alone "
            "would be new): keep one before loading",
        )

    def _shared(self, entry: PlanEntry, claimants: list[tuple[int, str | None]]) -> None:
        """Make ``entry`` a conflict: other incoming records match its catalogue record."""
        others = [c for c in claimants if c[0] != entry.ordinal]
        verb = "matches" if len(others) == 1 else "match"
        alone = "an update" if entry.status == "update" else "unchanged"
        _conflict(
            entry,
            others,
            f"also {verb} {_named('catalogue record', [entry.matched[0]])}, and loading both "
            f"would overlay one with the other (this one alone would be {alone}): choose "
            "one, or merge them, before loading",
        )

    def _write(
        self,
        entry: PlanEntry,
        record: pymarc.Record,
        as_read: dict[int, str] | None,
        index: KeyIndex,
        writer,
    ) -> None:
        from erdq.writers.marc import UnwritableRecord

        sources = [(record, as_read)]
        if str(record.leader)[5:6] == "d":
            entry.notes.append("the vendor marks this record deleted (leader/05 d): not written")
            return
        if entry.ordinal in self._partial:
            entry.notes.append("the record was read only in part (see the problems): not written")
            return
        if entry.status == "new":
            out = record
        elif entry.status == "update":
            if entry.matched[0][0] in index.partial:
                self._unwritten(
                    entry,
                    "the catalogue record was read only in part, so its local fields cannot "
                    "all be kept",
                )
                return
            target = entry.matched[0][0]
            current = index.record(target)
            out, notes = merge_record(record, current, self.local)
            entry.notes += notes
            sources.append((current, index.indicators_as_read.get(target)))
        else:
            return
        leader = str(out.leader)
        if leader[9:10] != "a" and has_non_ascii(out):
            # erdq writes UTF-8 only, so the leader must say so (BR-042).
            utf8 = pymarc.Record()
            utf8.leader = pymarc.Leader(leader)
            utf8.fields = out.fields
            mark_utf8(utf8)
            out = utf8
            entry.notes.append(
                f"leader/09 set to 'a' (was {leader[9:10]!r}): the record is written in UTF-8"
            )
        try:
            # As marc convert: a field whose indicator area was not two characters goes
            # out as read where the format can hold it, else the record is not written.
            writer.write(out, _as_read_in(out, sources))
        except UnwritableRecord as exc:
            self._unwritten(entry, exc.reason)
            return
        entry.merged = True
        self._merged += 1

    def _unwritten(self, entry: PlanEntry, reason: str) -> None:
        """A record the plan would write that the merge file does not get."""
        entry.not_written = reason
        self._not_written += 1
        entry.notes.append(f"not written: {reason}")

    # -- deciding ---------------------------------------------------------------------

    def classify(
        self, ordinal: int, record_id: str | None, record: pymarc.Record, index: KeyIndex
    ) -> PlanEntry:
        keys = record_keys(record)
        entry = PlanEntry(ordinal, record_id, keys.as_dict(), "new", "", notes=list(keys.notes))
        if str(record.leader)[5:6] == "d":
            entry.notes.append("leader/05 is d: the vendor deletes this record")
        levels = [
            (KIND_SYSTEM, [f"{o}\x1f{n}" for o, n in keys.system_keys()]),
            (KIND_ISBN, keys.isbns),
            (KIND_ISSN, keys.issns),
            (KIND_TITLE, [keys.title_key] if keys.title_key else []),
        ]
        hits: dict[str, dict[str, list[int]]] = {}
        self._many: set[tuple[str, str]] = set()
        # {catalogue ordinal: (kind, value, why)}: found by an ISBN, ISSN or title key but
        # another manifestation (print and electronic, or named in 776/775), so not a match.
        self._others: dict[int, tuple[str, str, str]] = {}
        cancelled = self._cancelled_hits(keys, index)
        # Weaker keys are only looked up while no stronger one has found a record; ISBN
        # and ISSN also when a number matched, as they check that match.
        for kind, values in levels:
            if hits and (kind == KIND_TITLE or KIND_SYSTEM not in hits):
                break
            self._lookup(kind, values, hits, index, keys)
        for kind, _ in levels:
            if kind in hits:
                self._decide(entry, record, kind, hits, keys, cancelled, index)
                self._note_others(entry, index)
                return entry
        if cancelled:
            ordinals = sorted(cancelled)
            entry.status = "conflict"
            entry.matched = [(o, index.record_id(o)) for o in ordinals]
            entry.matched_on = "cancelled-035"
            entry.match_key = ", ".join(sorted({t for o in ordinals for t in cancelled[o]}))
            entry.explanation = (
                "no current number, ISBN or title matches; only a cancelled or merged number "
                f"links it to {self._records_text(entry.matched)}: {entry.match_key}. "
                "Check the numbers in OCLC before loading"
            )
            return entry
        clash = index.with_id(record_id) if record_id else []
        if clash:
            # Nothing matched, yet its 001 is a catalogue record's: loaded as it is, a load
            # that matches on 001 lays it over that record, another makes two of one number.
            entry.status = "conflict"
            entry.matched = [(o, index.record_id(o)) for o in clash]
            entry.matched_on = "001"
            entry.match_key = record_id or ""
            entry.explanation = (
                f"no key matches a catalogue record, but its 001 {record_id} is the 001 of "
                f"{self._records_text(entry.matched)}: loaded as it is, it would be laid over "
                "that record, or make two records of one number. Give it a number of its "
                "own (or check whether it is that record)"
            )
            return entry
        if not any(values for _, values in levels):
            entry.explanation = (
                "it has no system number, valid ISBN or ISSN, or title with an author or date "
                "to match on; check that it is not already in the catalogue before loading it"
            )
        elif self._others:
            entry.explanation = (
                "no catalogue record of its own manifestation shares its system numbers, "
                f"ISBN, ISSN or title key; {self._others_text(index)}: a separate record, "
                "to be linked to it (776), not laid over it"
            )
        else:
            entry.explanation = (
                "no catalogue record shares its system numbers, ISBN, ISSN or title key"
            )
        return entry

    def _others_text(self, index: KeyIndex) -> str:
        """ "catalogue record 1 (001 p1) has its title key … but is another manifestation:
        …" for every record set aside as another manifestation."""
        parts = []
        for o, (kind, value, why) in sorted(self._others.items()):
            rid = index.record_id(o)
            parts.append(
                f"catalogue record {o}" + (f" (001 {rid})" if rid else "") + f" has its "
                f"{_KIND_WORDS[kind]} {_key_text(kind, value)} but is another manifestation: "
                f"{why}"
            )
        return "; ".join(parts)

    def _note_others(self, entry: PlanEntry, index: KeyIndex) -> None:
        if self._others:
            entry.notes.append(f"not matched: {self._others_text(index)}")

    def _lookup(
        self,
        kind: str,
        values: list[str],
        hits: dict[str, dict[str, list[int]]],
        index: KeyIndex,
        mine: RecordKeys,
    ) -> None:
        """Add the records found under each value to ``hits``, confirmed by their keys.

        A record found by an ISBN, ISSN or title key that is another manifestation of
        the incoming one (``_other_manifestation``) is set aside in ``self._others``:
        manifestations share those keys as a matter of course. One found by a system
        number is kept, and ``_disagreements`` makes the match a conflict: a number
        identifies one record, and the same one on two manifestations is a mistake.
        """
        for (_, value), ordinals in index.find([(kind, v) for v in values], MAX_LISTED).items():
            real = [o for o in ordinals if has_key(index.keys(o), kind, value)]
            if len(real) > MAX_LISTED:
                self._many.add((kind, value))
                real = real[:MAX_LISTED]
            if kind != KIND_SYSTEM:
                kept = []
                for o in real:
                    why = _other_manifestation(mine, index.keys(o))
                    if why is None:
                        kept.append(o)
                    else:
                        self._others.setdefault(o, (kind, value, why))
                real = kept
            if real:
                hits.setdefault(kind, {})[value] = real

    def _cancelled_hits(self, keys: RecordKeys, index: KeyIndex) -> dict[int, set[str]]:
        """Catalogue records linked only through a cancelled number, either way round:
        the vendor cancels a number the catalogue has, or the catalogue lists the
        vendor's number as cancelled (OCLC's 019 after a merge)."""
        out: dict[int, set[str]] = {}
        mine = [f"{o}\x1f{n}" for o, n in keys.cancelled_keys()]
        current = [f"{o}\x1f{n}" for o, n in keys.system_keys()]
        pairs = [(KIND_SYSTEM, v) for v in mine] + [(KIND_CANCELLED, v) for v in current]
        for (kind, value), ordinals in index.find(pairs).items():
            for o in ordinals:
                if has_key(index.keys(o), kind, value):
                    number = _key_text(kind, value)
                    out.setdefault(o, set()).add(
                        f"the vendor lists {number} as cancelled (035 $z or 019)"
                        if kind == KIND_SYSTEM
                        else f"the catalogue record lists {number} as cancelled (035 $z or 019)"
                    )
        return out

    def _records_text(self, matched: list[tuple[int, str | None]]) -> str:
        return ", ".join(f"record {o}" + (f" (001 {rid})" if rid else "") for o, rid in matched)

    def _decide(
        self,
        entry: PlanEntry,
        record: pymarc.Record,
        kind: str,
        hits: dict[str, dict[str, list[int]]],
        keys: RecordKeys,
        cancelled: dict[int, set[str]],
        index: KeyIndex,
    ) -> None:
        level = hits[kind]
        entry.matched_on = _KIND_NAMES[kind]
        words = _KIND_WORDS[kind]
        union = sorted({o for ordinals in level.values() for o in ordinals})
        entry.matched = [(o, index.record_id(o)) for o in union]
        entry.match_key = ", ".join(_key_text(kind, v) for v in level)
        several = [v for v, ordinals in level.items() if len(ordinals) > 1]
        if several:
            value = several[0]
            entry.status = "multiple-match"
            many = (kind, value) in self._many
            count = f"more than {MAX_LISTED}" if many else str(len(level[value]))
            listed = self._records_text([(o, index.record_id(o)) for o in level[value]])
            entry.explanation = (
                f"the {words} {_key_text(kind, value)} is on {count} catalogue records: "
                f"{listed}{' …' if many else ''}; merge or correct the duplicates first"
            )
            return
        if len(union) > 1:
            if kind == KIND_SYSTEM:
                entry.status = "conflict"
                parts = [
                    f"{_key_text(kind, v)} finds record {ords[0]}" for v, ords in level.items()
                ]
                entry.explanation = "its system numbers point to different records: " + "; ".join(
                    parts
                )
            else:
                entry.status = "multiple-match"
                entry.explanation = (
                    f"its {words}s find {len(union)} catalogue records: "
                    f"{self._records_text(entry.matched)}"
                )
            return
        target = union[0]
        plural = len(level) > 1 and kind != KIND_TITLE
        subject = f"the {words}{'s' if plural else ''} {entry.match_key}"
        finds = "find" if plural else "finds"
        theirs = index.keys(target)
        problems = self._disagreements(kind, keys, theirs, target, hits, cancelled, index)
        if problems:
            entry.status = "conflict"
            entry.explanation = f"{subject} {finds} record {target}, but " + "; ".join(problems)
            return
        if target in cancelled:
            entry.notes.append(
                "a cancelled number links the same record: " + "; ".join(sorted(cancelled[target]))
            )
        current = index.record(target)
        changes = compare_records(merge_record(record, current, self.local)[0], current, self.local)
        entry.changes = changes
        mine, kept = written(record, "035"), written(current, "035")
        if "035" not in changes and mine and kept and mine != kept:
            # (A vendor record without 035s keeps the catalogue's: nothing to say.)
            entry.notes.append("the 035s are written differently but hold the same numbers")
        how = f"{subject} {finds} one catalogue record ({target})"
        if changes:
            entry.status = "update"
            entry.explanation = f"{how}; the vendor changed {', '.join(sorted(changes))}"
        else:
            entry.status = "unchanged"
            entry.explanation = f"{how}; the vendor's fields are the same"

    def _disagreements(
        self,
        kind: str,
        mine: RecordKeys,
        theirs: RecordKeys,
        target: int,
        hits: dict[str, dict[str, list[int]]],
        cancelled: dict[int, set[str]],
        index: KeyIndex,
    ) -> list[str]:
        out: list[str] = []
        other = _other_manifestation(mine, theirs)
        if other is not None:  # found by a system number: ISBN and title ones are set aside
            out.append(
                f"it is another manifestation of the catalogue record: {other}; a system "
                "number belongs to one record, so one of the two has the wrong number"
            )
        for weaker in (KIND_ISBN, KIND_ISSN):
            if kind != KIND_SYSTEM or weaker not in hits:
                continue
            lists = hits[weaker]
            others = sorted({o for ords in lists.values() for o in ords} - {target})
            # A long list is cut at MAX_LISTED: ask about the target itself.
            found = any(target in ords for ords in lists.values()) or any(
                index.has(weaker, value, target) for value in lists if (weaker, value) in self._many
            )
            if others and not found:
                out.append(f"its {_KIND_WORDS[weaker]} finds record {others[0]}")
        if kind in (KIND_ISBN, KIND_ISSN, KIND_TITLE):
            a, b = mine.oclc_numbers(), theirs.oclc_numbers()
            if a and b and not a & b and target not in cancelled:
                out.append(
                    f"the OCLC numbers differ (vendor {', '.join(sorted(a))}, "
                    f"catalogue {', '.join(sorted(b))})"
                )
        shared_isbn = set(mine.isbns) & set(theirs.isbns)
        if kind in (KIND_SYSTEM, KIND_TITLE) and mine.isbns and theirs.isbns and not shared_isbn:
            out.append(
                f"no ISBN in common (vendor {', '.join(mine.isbns)}, "
                f"catalogue {', '.join(theirs.isbns)})"
            )
        if kind in (KIND_SYSTEM, KIND_TITLE) and not shared_isbn:
            # An ISBN one record gives as not its own (020 $z: cancelled, invalid, or its
            # other format's) and the other as its own (020 $a): two manifestations, even
            # when one side has no 020 $a at all.
            for side, a, b in (("vendor", mine, theirs), ("catalogue", theirs, mine)):
                disowned = [i for i in a.not_own_isbns if i in b.isbns]
                if disowned:
                    owner = "catalogue" if side == "vendor" else "vendor"
                    out.append(
                        f"the {side} record gives {', '.join(disowned)} as not its own ISBN "
                        f"(020 $z), the {owner} record as its ISBN (020 $a)"
                    )
        if kind != KIND_TITLE and mine.title and theirs.title:
            score = fuzz.token_set_ratio(mine.title, theirs.title) / 100
            if score < self.title_threshold:
                out.append(
                    f"the titles differ ({score:.0%} alike): vendor {mine.title!r}, "
                    f"catalogue {theirs.title!r}"
                )
        return out
