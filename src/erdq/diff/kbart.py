"""KBART change monitoring: what changed between two deliveries of one package.

Both files are streamed once and each title (one or more rows: a gap in coverage is two rows)
becomes one small ``_Title`` record. Titles are paired by ``title_id`` where the provider's ids
can be trusted, then by a shared ISSN/ISBN, then by a normalised title that is unique on both
sides among the titles still unpaired; each pair is compared field by field. The result is
data: the CLI renders it as text, JSON Lines or CSV.

Compared: coverage, embargo, URL, identifiers, title, coverage_depth, access_type,
publisher_name, and title_id where a pair was made by another key. ``notes`` is not: it is
free text that providers rewrite between deliveries, so it would bury the real changes.
coverage_depth, access_type and publisher_name are compared only when both files have the
column, so that diffing a Phase I file against a Phase II one is not one change per title.

A file that is not KBART at all (unreadable, binary, no header row, no titles) raises
``InputError``: an empty or misread file would otherwise show up as a plausible
"every title removed" or a single nonsense title.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from erdq.errors import InputError
from erdq.identifiers import check_identifier
from erdq.model.coverage import (
    CoverageRange,
    EnumKey,
    compare_enum,
    enum_key,
    format_statements,
)
from erdq.model.embargo import parse_embargo
from erdq.model.portfolio import canonical_identifier, coverage_from_values, normalise_title
from erdq.readers.kbart import KbartReader, cut_off_at

__all__ = ["CHANGE_KINDS", "MATCH_KEYS", "Change", "DiffResult", "diff_kbart"]

CHANGE_KINDS: tuple[str, ...] = (
    "added",
    "removed",
    "coverage_extended",
    "coverage_cut",
    "embargo_changed",
    "url_changed",
    "identifier_changed",
    "title_changed",
    # Later additions go last: consumers of the JSON output rely on the order above.
    "coverage_depth_changed",
    "access_type_changed",
    "publisher_changed",
    "title_id_changed",
    "coverage_unreadable",
)
MATCH_KEYS: tuple[str, ...] = ("title_id", "identifier", "title")
_KIND_ORDER = {kind: i for i, kind in enumerate(CHANGE_KINDS)}


@dataclass(frozen=True, slots=True)
class Change:
    """One reviewable change; a title with several changes gives several ``Change``s."""

    change: str  # one of CHANGE_KINDS
    match_key: str  # how old and new were paired; for added/removed, how they would be
    title_id: str | None
    title: str  # the new title if there is one, else the old
    old: str | None  # human text of the old value; None for "added"
    new: str | None  # None for "removed"
    field: str | None = None  # KBART column(s) concerned
    old_line: int | None = None  # physical line (header = 1) of the title's first row
    new_line: int | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, str | int | None]:
        return asdict(self)


@dataclass
class DiffResult:
    changes: list[Change]
    counts: dict[str, int]  # change lines per kind, every kind present
    old_titles: int
    new_titles: int
    unchanged: int  # paired titles with no change
    match_keys: dict[str, int]  # paired titles per match key, every key present

    def summary_line(self) -> str:
        """E.g. "3 added, 1 removed, 2 coverage cut (412 titles unchanged)"."""
        parts = [f"{n} {kind.replace('_', ' ')}" for kind, n in self.counts.items() if n]
        noun = "title" if self.unchanged == 1 else "titles"
        return f"{', '.join(parts) or 'no changes'} ({self.unchanged} {noun} unchanged)"


def diff_kbart(old: str | Path, new: str | Path) -> DiffResult:
    """Compare two KBART files (an older and a newer delivery of the same package).

    Raises ``InputError`` when a file cannot be read as KBART at all: unreadable or not
    text, no header row, or no titles. Anything else odd inside a file (ragged rows, bad
    identifiers) is the validator's business and is read as leniently as the validator reads it.
    """
    before, after = _read(Path(old)), _read(Path(new))
    pairs = _pair(before, after)
    changes: list[Change] = []
    unchanged = 0
    paired_old = {id(o) for o, _, _ in pairs}
    paired_new = {id(n) for _, n, _ in pairs}
    for o, n, key in pairs:
        found = _compare(o, n, key, before, after)
        changes.extend(found)
        if not found:
            unchanged += 1
    for t in after.titles:
        if id(t) not in paired_new:
            changes.append(_lone("added", t, after, new=_summary(t)))
    for t in before.titles:
        if id(t) not in paired_old:
            changes.append(_lone("removed", t, before, old=_summary(t)))
    changes.sort(key=_order)
    counts = dict.fromkeys(CHANGE_KINDS, 0)
    counts.update(Counter(c.change for c in changes))
    keys = dict.fromkeys(MATCH_KEYS, 0)
    keys.update(Counter(key for _, _, key in pairs))
    return DiffResult(
        changes=changes,
        counts=counts,
        old_titles=len(before.titles),
        new_titles=len(after.titles),
        unchanged=unchanged,
        match_keys=keys,
    )


# Reading: rows → titles ------------------------------------------------------------------


@dataclass(slots=True)
class _Title:
    """One title in one file. Mutable only while its rows are being gathered."""

    title_id: str | None
    title: str  # whitespace collapsed
    norm: str  # normalise_title(title)
    print_id: str | None  # as given, trimmed
    online_id: str | None
    keys: set[str]  # valid, non-placeholder canonical identifiers: the matching keys
    line: int
    ranges: list[CoverageRange] = field(default_factory=list)  # embargo kept apart
    embargoes: dict[str, str] = field(default_factory=dict)  # comparison key → display
    urls: list[str] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)  # _VALUE_FIELDS column → values


@dataclass(slots=True)
class _File:
    titles: list[_Title]
    reused_ids: set[str]  # title_ids carried by different titles in this file
    columns: frozenset[str]  # the header's column names

    def trusts(self, t: _Title) -> bool:
        return t.title_id is not None and t.title_id not in self.reused_ids


def _read(path: Path) -> _File:
    def report(
        code: str,
        line: int | None,
        column: str | None = None,
        value: str | None = None,
        **params: object,
    ) -> None:
        # The diff is not a validator: only "this is not KBART at all" matters here, and it
        # stops reading at once (no point in streaming a large binary file to its end).
        if code in UNUSABLE_CODES:
            raise not_kbart_error(path, code, str(params.get("reason", "")))

    titles: list[_Title] = []
    by_id: dict[str, list[_Title]] = {}
    by_key: dict[str, _Title] = {}  # rows without title_id, by identifier
    by_name: dict[str, _Title] = {}  # rows without title_id or identifiers, by title
    reused: set[str] = set()
    reader = KbartReader(path, report)
    for row in reader:
        values = row.values
        title_id = row.title_id or None
        name = " ".join(values.get("publication_title", "").split())
        norm = normalise_title(name)
        print_id = _clean(values.get("print_identifier"))
        online_id = _clean(values.get("online_identifier"))
        keys = {k for k in (_match_key(print_id), _match_key(online_id)) if k}
        if title_id is not None:
            group = by_id.setdefault(title_id, [])
            # A reused id is only a reuse when the rows share neither title nor identifier.
            title = next((t for t in group if t.norm == norm or t.keys & keys), None)
            if title is None and group:
                reused.add(title_id)
        else:
            title = next((by_key[k] for k in sorted(keys) if k in by_key), None)
            if title is None and not keys:
                title = by_name.get(norm)
        if title is None:
            title = _Title(title_id, name, norm, print_id, online_id, set(), row.line)
            titles.append(title)
            if title_id is not None:
                by_id[title_id].append(title)
            elif not keys:
                by_name[norm] = title
        title.print_id = title.print_id or print_id
        title.online_id = title.online_id or online_id
        title.keys |= keys
        if title_id is None:
            for k in keys:
                by_key.setdefault(k, title)
        _add_row(title, values)
    if not titles or reader.header is None:
        # The reader reports KB118 first; this keeps "no titles" fatal should that change.
        raise not_kbart_error(path, "KB118", "no data rows")
    if reader.truncated:
        # As import refuses it: the titles after the cut would all show as removed, and
        # the last row, cut short, as changed.
        raise InputError(
            f"{path} {cut_off_at(reader.truncated[0])} (KB124), so it is not diffed",
            hint="get the file again; `erdq kbart validate` shows the cut",
        )
    return _File(titles, reused, frozenset(reader.header.columns))


# Reader findings that make a file unusable as KBART: unreadable, no header, no rows.
UNUSABLE_CODES = ("KB100", "KB105", "KB118")


def not_kbart_error(path: Path, code: str, reason: str) -> InputError:
    """The refusal of a file a reader finding (``UNUSABLE_CODES``) says is not KBART."""
    if code == "KB100":
        return InputError(
            f"cannot read KBART file {path}: {reason}",
            hint="check the path, and that it is the provider's tab-separated KBART file",
        )
    if code == "KB105":
        # The reader would assume the standard column order; a diff built on a guess about
        # which column is which would report nonsense changes.
        return InputError(
            f"{path} has no KBART header row: its first line names no KBART column",
            hint="diff the file as the provider delivered it, with its header row "
            "(publication_title, print_identifier, ...)",
        )
    return InputError(
        f"{path} holds no KBART titles: {reason}",
        hint="check that this is the right file and that it downloaded completely; "
        "diffed against an empty file, every title would show as removed",
    )


def _add_row(title: _Title, values: dict[str, str]) -> None:
    coverage = coverage_from_values(values)
    dates = tuple(u for u in coverage.unreadable if u[0] != "embargo_info")
    title.ranges.append(replace(coverage, embargo=None, unreadable=dates))
    embargo = _clean(values.get("embargo_info"))
    if embargo is not None:
        parsed = parse_embargo(embargo, strict=False).value
        # A parsed embargo prints in its one canonical form ("p1y" → "P1Y").
        text = str(parsed) if parsed is not None else " ".join(embargo.split())
        title.embargoes.setdefault(text.casefold(), text)
    url = _clean(values.get("title_url"))
    if url is not None and url not in title.urls:
        title.urls.append(url)
    for column in _VALUE_FIELDS:
        value = _clean(values.get(column))
        if value is not None:
            seen = title.values.setdefault(column, [])
            if value not in seen:
                seen.append(value)


def _clean(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _match_key(value: str | None) -> str | None:
    if value is None:
        return None
    result = check_identifier(value)
    if not result.valid or "placeholder" in result.problems:
        return None  # 0000-0000 and friends would pair unrelated titles
    return result.canonical


# Pairing --------------------------------------------------------------------------------


def _pair(before: _File, after: _File) -> list[tuple[_Title, _Title, str]]:
    pairs: list[tuple[_Title, _Title, str]] = []
    done: set[int] = set()  # id() of paired titles on either side

    def take(o: _Title, n: _Title, key: str) -> None:
        pairs.append((o, n, key))
        done.update((id(o), id(n)))

    trusted_new = {t.title_id: t for t in after.titles if after.trusts(t)}
    for o in before.titles:
        n = trusted_new.get(o.title_id) if before.trusts(o) else None
        if n is not None:
            take(o, n, "title_id")

    by_key: dict[str, list[_Title]] = {}
    for n in after.titles:
        if id(n) not in done:
            for k in n.keys:
                by_key.setdefault(k, []).append(n)
    position = {id(n): i for i, n in enumerate(after.titles)}
    for o in before.titles:
        if id(o) in done:
            continue
        candidates = [n for k in sorted(o.keys) for n in by_key.get(k, ()) if id(n) not in done]
        if candidates:
            # Most identifiers in common, then the same title, then the earliest row.
            best = min(
                candidates,
                key=lambda n: (-len(o.keys & n.keys), n.norm != o.norm, position[id(n)]),
            )
            take(o, best, "identifier")

    # Unique among the titles still unpaired: a name shared with titles already paired by a
    # stronger key is not ambiguous (real files repeat "#N/A" as a title, with ISBNs).
    open_old = Counter(o.norm for o in before.titles if id(o) not in done)
    open_new = Counter(n.norm for n in after.titles if id(n) not in done)
    by_name = {n.norm: n for n in after.titles if id(n) not in done and open_new[n.norm] == 1}
    for o in before.titles:
        if id(o) not in done and o.norm and open_old[o.norm] == 1 and o.norm in by_name:
            take(o, by_name[o.norm], "title")
    return pairs


def _own_key(t: _Title, side: _File) -> str:
    """The key an unpaired title would have been matched by."""
    if side.trusts(t):
        return "title_id"
    return "identifier" if t.keys else "title"


# Comparing ------------------------------------------------------------------------------


# Columns compared as trimmed text (a title's distinct values over its rows), and the
# change kind each gives.
_VALUE_FIELDS = {
    "coverage_depth": "coverage_depth_changed",
    "access_type": "access_type_changed",
    "publisher_name": "publisher_changed",
}


def _compare(o: _Title, n: _Title, key: str, before: _File, after: _File) -> list[Change]:
    def change(kind: str, old: str, new: str, column: str | None, detail: str | None) -> Change:
        return Change(
            change=kind,
            match_key=key,
            title_id=n.title_id or o.title_id,
            title=n.title or o.title,
            old=old,
            new=new,
            field=column,
            old_line=o.line,
            new_line=n.line,
            detail=detail,
        )

    out: list[Change] = []
    for kind, (details, columns) in _coverage_changes(o.ranges, n.ranges).items():
        out.append(
            change(
                kind,
                _statements(o.ranges),
                _statements(n.ranges),
                ", ".join(c for c in _COVERAGE_COLUMNS if c in columns) or None,
                "; ".join(details),
            )
        )
    if set(o.embargoes) != set(n.embargoes):
        old, new = _joined(o.embargoes.values()), _joined(n.embargoes.values())
        detail = _added_removed(old, new)
        unread = [e for e in n.embargoes.values() if parse_embargo(e, strict=False).value is None]
        if unread:
            # "12 months": a resolver cannot apply it, whatever it was before.
            said = ", ".join(f"{e!r} cannot be read as an embargo" for e in unread)
            detail = f"{detail}; {said}" if detail else said
        out.append(change("embargo_changed", old, new, "embargo_info", detail))
    if sorted(o.urls) != sorted(n.urls):
        old, new = "; ".join(o.urls), "; ".join(n.urls)
        out.append(change("url_changed", old, new, "title_url", _added_removed(old, new)))
    for column, old_id, new_id in (
        ("print_identifier", o.print_id, n.print_id),
        ("online_identifier", o.online_id, n.online_id),
    ):
        # Canonical forms: 1234-5679 = 12345679, and an ISBN-10 = its ISBN-13.
        if canonical_identifier(old_id) != canonical_identifier(new_id):
            old, new = old_id or "", new_id or ""
            out.append(change("identifier_changed", old, new, column, _added_removed(old, new)))
    if o.title != n.title:
        out.append(
            change(
                "title_changed",
                o.title,
                n.title,
                "publication_title",
                _title_detail(o.title, n.title),
            )
        )
    for column, kind in _VALUE_FIELDS.items():
        if column not in before.columns or column not in after.columns:
            continue  # a column one file lacks says nothing about the title
        olds, news = o.values.get(column, []), n.values.get(column, [])
        if set(olds) != set(news):
            old, new = "; ".join(olds), "; ".join(news)
            out.append(change(kind, old, new, column, _value_detail(olds, news)))
    # Only pairs made by identifier or title can differ here: the provider re-keyed a title.
    if o.title_id and n.title_id and o.title_id != n.title_id:
        details = [_value_detail([o.title_id], [n.title_id])]
        # A reused id is why the pair was not made by title_id; say so, it may be the cause.
        if o.title_id in before.reused_ids:
            details.append("old id also names another title in the old file")
        if n.title_id in after.reused_ids:
            details.append("new id also names another title in the new file")
        detail = "; ".join(d for d in details if d) or None
        out.append(change("title_id_changed", o.title_id, n.title_id, "title_id", detail))
    return out


def _lone(
    kind: str, t: _Title, side: _File, *, old: str | None = None, new: str | None = None
) -> Change:
    return Change(
        change=kind,
        match_key=_own_key(t, side),
        title_id=t.title_id,
        title=t.title,
        old=old,
        new=new,
        old_line=t.line if kind == "removed" else None,
        new_line=t.line if kind == "added" else None,
    )


def _summary(t: _Title) -> str:
    """What a reviewer needs to recognise an added or removed title."""
    ids = " / ".join(i for i in (t.print_id, t.online_id) if i)
    parts = [ids, _statements(t.ranges)]
    if t.embargoes:
        parts.append(f"embargo {_joined(t.embargoes.values())}")
    return "; ".join(p for p in parts if p)


def _order(c: Change) -> tuple[int, str, str, str, int, int]:
    return (
        _KIND_ORDER[c.change],
        c.title.casefold(),
        c.title_id or "",
        c.field or "",
        c.old_line or 0,
        c.new_line or 0,
    )


def _joined(texts: Iterable[str]) -> str:
    return "; ".join(sorted(texts))


def _added_removed(old: str, new: str) -> str | None:
    if not old:
        return "added"
    return "removed" if not new else None


def _value_detail(old: Sequence[str], new: Sequence[str]) -> str | None:
    """Added, removed, or a case-only change of a controlled value ("Fulltext")."""
    if not old or not new:
        return _added_removed("; ".join(old), "; ".join(new))
    if {v.casefold() for v in old} == {v.casefold() for v in new}:
        return "case only"
    return None


_PUNCT_RE = re.compile(r"[^\w\s]")


def _title_detail(old: str, new: str) -> str | None:
    """Say when a title change is cosmetic, so a reviewer can skim past it."""
    if old.casefold() == new.casefold():
        return "case only"

    def bare(text: str) -> str:
        return " ".join(_PUNCT_RE.sub(" ", text).split())

    if bare(old) == bare(new):
        return "punctuation only"
    if bare(old).casefold() == bare(new).casefold():
        return "case and punctuation only"
    if normalise_title(old) == normalise_title(new):
        return "case, punctuation, accents or leading article only"
    return None


# Coverage -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Boundary:
    """One end of a coverage range: its KBART columns and how to read and print it."""

    name: str  # "start" | "end"
    columns: tuple[str, str, str]  # date, volume, issue
    attrs: tuple[str, str, str]  # the same, as CoverageRange attributes
    unbounded: str  # text for a missing point

    @property
    def is_start(self) -> bool:
        return self.name == "start"

    def day(self, r: CoverageRange) -> datetime.date | None:
        return r.first_day() if self.is_start else r.last_day()

    def enum(self, r: CoverageRange) -> EnumKey | None:
        return enum_key(getattr(r, self.attrs[1]), getattr(r, self.attrs[2]))

    def text(self, r: CoverageRange) -> str:
        date, volume, issue = (getattr(r, a) for a in self.attrs)
        parts = [str(date)] if date is not None else []
        if volume:
            parts.append(f"v.{volume}")
        if issue:
            parts.append(f"no.{issue}")
        return " ".join(parts) or self.unbounded

    def moved(self, o: CoverageRange, n: CoverageRange) -> str:
        return f"{self.name} moved from {self.text(o)} to {self.text(n)}"

    def differing(self, o: CoverageRange, n: CoverageRange) -> set[str]:
        return {
            c
            for c, a in zip(self.columns, self.attrs, strict=True)
            if getattr(o, a) != getattr(n, a)
        }


_START = _Boundary(
    "start",
    ("date_first_issue_online", "num_first_vol_online", "num_first_issue_online"),
    ("start_date", "start_volume", "start_issue"),
    unbounded="beginning",
)
_END = _Boundary(
    "end",
    ("date_last_issue_online", "num_last_vol_online", "num_last_issue_online"),
    ("end_date", "end_volume", "end_issue"),
    unbounded="present",
)
_COVERAGE_COLUMNS = (*_START.columns, *_END.columns)
# Day numbers (proleptic ordinals) with sentinels just outside the calendar, so that
# "from the beginning" and "to the present" compare and never equal a real day.
_LOW = 0
_HIGH = datetime.date.max.toordinal() + 1

_Span = tuple[int, int]  # inclusive day numbers


def _statements(ranges: Sequence[CoverageRange]) -> str:
    return format_statements(sorted(set(ranges), key=_span))


def _span(r: CoverageRange) -> _Span:
    first, last = r.first_day(), r.last_day()
    return (first.toordinal() if first else _LOW, last.toordinal() if last else _HIGH)


def _union(ranges: Iterable[CoverageRange]) -> list[_Span]:
    merged: list[_Span] = []
    for start, end in sorted(_span(r) for r in ranges):
        if start > end:
            continue  # an inverted range covers no days (the validator reports it)
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _minus(spans: list[_Span], other: list[_Span]) -> list[_Span]:
    """The days of ``spans`` that ``other`` does not cover (both sorted and disjoint)."""
    out: list[_Span] = []
    for start, end in spans:
        cursor = start
        for o_start, o_end in other:
            if o_end < cursor:
                continue
            if o_start > end:
                break
            if o_start > cursor:
                out.append((cursor, o_start - 1))
            cursor = max(cursor, o_end + 1)
            if cursor > end:
                break
        if cursor <= end:
            out.append((cursor, end))
    return out


def _coverage_changes(
    old: list[CoverageRange], new: list[CoverageRange]
) -> dict[str, tuple[list[str], set[str]]]:
    """Details and KBART columns for "coverage_extended" and "coverage_cut" (either may be
    absent), or for "coverage_unreadable" alone when the dates that cannot be read differ.
    Days decide first; volume/issue decide a boundary only where its dates are equal and
    both sides give numbers.
    """
    found: dict[str, tuple[list[str], set[str]]] = {}
    if set(old) == set(new):
        return found
    o_unread = {u for r in old for u in r.unreadable}
    n_unread = {u for r in new for u in r.unreadable}
    if o_unread != n_unread:
        # A date that cannot be read is no bound: days compared across it would call
        # 2005-13 an extension "to the present". Say what cannot be read instead.
        details = [f"{c} {t!r} cannot be read" for c, t in sorted(n_unread - o_unread)]
        details += [
            f"{c} was {t!r}, which could not be read" for c, t in sorted(o_unread - n_unread)
        ]
        columns = {c for c, _ in o_unread ^ n_unread}
        return {"coverage_unreadable": (details, columns)}

    def note(kind: str, detail: str, columns: Iterable[str]) -> None:
        details, cols = found.setdefault(kind, ([], set()))
        if detail not in details:
            details.append(detail)
        cols.update(columns)

    o_first, n_first = min(old, key=_span), min(new, key=_span)
    o_last = max(old, key=lambda r: _span(r)[::-1])
    n_last = max(new, key=lambda r: _span(r)[::-1])
    old_days, new_days = _union(old), _union(new)
    for kind, gained, base in (
        ("coverage_extended", new_days, old_days),
        ("coverage_cut", old_days, new_days),
    ):
        base_start = base[0][0] if base else _HIGH + 1
        base_end = base[-1][1] if base else _LOW - 1
        for start, end in _minus(gained, base):
            at_start = start == gained[0][0] and start < base_start
            at_end = end == gained[-1][1] and end > base_end
            if at_start:
                note(kind, _START.moved(o_first, n_first), _START.differing(o_first, n_first))
            if at_end:
                note(kind, _END.moved(o_last, n_last), _END.differing(o_last, n_last))
            if not (at_start or at_end):
                verb = "adds" if kind == "coverage_extended" else "drops"
                note(kind, f"{verb} {_days_text(start, end)}", _COVERAGE_COLUMNS)

    # Same dates, different volume/issue: pair ranges in order when the counts agree,
    # otherwise only the outermost ones.
    same_count = len(set(old)) == len(set(new))
    o_sorted, n_sorted = sorted(set(old), key=_span), sorted(set(new), key=_span)
    starts = zip(o_sorted, n_sorted, strict=True) if same_count else [(o_first, n_first)]
    ends = zip(o_sorted, n_sorted, strict=True) if same_count else [(o_last, n_last)]
    for boundary, pairs in ((_START, starts), (_END, ends)):
        for o, n in pairs:
            order = _enum_order(boundary, o, n)
            if order:
                # A later start is a cut, a later end an extension.
                grows = order < 0 if boundary.is_start else order > 0
                kind = "coverage_extended" if grows else "coverage_cut"
                note(kind, boundary.moved(o, n), boundary.differing(o, n))
    return found


def _enum_order(boundary: _Boundary, o: CoverageRange, n: CoverageRange) -> int:
    """-1/0/1 for new against old at one boundary, by volume/issue, when the dates agree."""
    o_key, n_key = boundary.enum(o), boundary.enum(n)
    if boundary.day(o) != boundary.day(n) or o_key is None or n_key is None:
        return 0
    return compare_enum(n_key, o_key)


def _days_text(start: int, end: int) -> str:
    """A span of days at the coarsest precision that describes it exactly."""
    first = "beginning" if start == _LOW else _first_text(datetime.date.fromordinal(start))
    last = "present" if end == _HIGH else _last_text(datetime.date.fromordinal(end))
    return first if first == last else f"{first} – {last}"


def _first_text(day: datetime.date) -> str:
    if day.day != 1:
        return day.isoformat()
    return f"{day.year:04d}" if day.month == 1 else f"{day.year:04d}-{day.month:02d}"


def _last_text(day: datetime.date) -> str:
    if day != datetime.date.max and (day + datetime.timedelta(days=1)).day != 1:
        return day.isoformat()
    return f"{day.year:04d}" if day.month == 12 else f"{day.year:04d}-{day.month:02d}"
