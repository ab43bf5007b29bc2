"""Collections and portfolios: the knowledge-base level as typed data.

A ``Portfolio`` is one title in one collection, with its identifiers, its coverage
ranges (one per KBART row: a title with a gap has several rows) and its link data.
``row_to_portfolio`` turns a KBART row into one; values that cannot be parsed stay
as text in ``raw`` so nothing the provider gave is lost (the rules report them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from erdq.identifiers import check_identifier
from erdq.model.coverage import CoverageRange
from erdq.model.dates import PartialDate, parse_partial_date
from erdq.model.embargo import parse_embargo


@dataclass(frozen=True, slots=True)
class Collection:
    name: str
    vendor: str | None = None
    platform: str | None = None
    kind: str = "package"
    status: str = "active"
    link_template: str | None = None
    proxy: str | None = None


@dataclass(frozen=True, slots=True)
class Portfolio:
    collection: str
    title: str
    title_id: str | None
    publication_type: str | None
    print_identifier: str | None  # canonical form when valid, else as given
    online_identifier: str | None
    coverage: tuple[CoverageRange, ...]
    coverage_depth: str | None = None
    title_url: str | None = None
    publisher: str | None = None
    first_author: str | None = None
    access_type: str | None = None
    published_print: PartialDate | None = None
    published_online: PartialDate | None = None
    line: int | None = None
    raw: Mapping[str, str] = field(default_factory=dict)

    @property
    def identifiers(self) -> tuple[str, ...]:
        return tuple(i for i in (self.print_identifier, self.online_identifier) if i)

    @property
    def key(self) -> str:
        """How this title is recognised across deliveries (see ``title_key``)."""
        return title_key(self.title_id, self.identifiers, self.title)


_SPACE_RE = re.compile(r"\s+")
_PUNCT_RE = re.compile(r"[^\w\s]")
_ARTICLE_RE = re.compile(r"^(the|a|an|der|die|das|le|la|les|el|los|las|il|lo)\s+")
# An elided article joined to its noun by an apostrophe (straight or typographic): French
# and Italian l' ("L'Est Républicain", "L'Espresso"). Dropped before the punctuation is.
_ELIDED_RE = re.compile(r"^l['\u2019\u02bc]\s*(?=\w)")


# Normalised "titles" that name no title: what a spreadsheet or a form writes where the
# title was missing (#N/A and n/a both normalise to "n a"; #REF! to "ref").
_PLACEHOLDER_TITLES = frozenset(
    ("", "n a", "na", "none", "null", "unknown", "tbd", "untitled", "no title", "ref",
     "value", "name", "div 0", "title")
)  # fmt: skip


def placeholder_title(title: str | None) -> bool:
    """Whether a title names no title (``#N/A``, ``n/a``, ``Unknown``, ``-``): such titles
    match each other and nothing else, so they are never matched on."""
    return title is None or normalise_title(title) in _PLACEHOLDER_TITLES


def normalise_title(title: str) -> str:
    """A comparison key: case-folded, accents and punctuation removed, leading article dropped."""
    text = title.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("&", " and ")
    text = _ELIDED_RE.sub("", text.lstrip())
    text = _PUNCT_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text).strip()
    return _ARTICLE_RE.sub("", text)


def title_key(title_id: str | None, identifiers: tuple[str, ...], title: str) -> str:
    if title_id:
        return f"id:{title_id}"
    if identifiers:
        return f"ident:{identifiers[0]}"
    return f"title:{normalise_title(title)}"


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def canonical_identifier(value: str | None) -> str | None:
    """The canonical identifier (ISSN hyphenated, ISBN-13) when valid, else the trimmed text."""
    text = _clean(value)
    if text is None:
        return None
    result = check_identifier(text)
    return result.canonical if result.valid and result.canonical else text


def coverage_from_values(values: Mapping[str, str], *, strict: bool = False) -> CoverageRange:
    """A KBART row's coverage range (``coverage_range`` over its columns)."""
    return coverage_range(
        values.get("date_first_issue_online"),
        values.get("num_first_vol_online"),
        values.get("num_first_issue_online"),
        values.get("date_last_issue_online"),
        values.get("num_last_vol_online"),
        values.get("num_last_issue_online"),
        values.get("embargo_info"),
        strict=strict,
    )


def coverage_range(
    start: str | None,
    start_volume: str | None,
    start_issue: str | None,
    end: str | None,
    end_volume: str | None,
    end_issue: str | None,
    embargo: str | None,
    *,
    strict: bool = False,
) -> CoverageRange:
    """A coverage range from KBART's texts. A date in a form only one reading fits
    (31/12/2005, 2015-1-5: the KBART rules report the form) is read so; a date or an
    embargo that cannot be read at all is kept in ``unreadable``, not taken for no
    bound (which would claim coverage the library may not have)."""
    unreadable: list[tuple[str, str]] = []

    def date(column: str, text: str | None) -> PartialDate | None:
        if not text:
            return None  # most rows leave a side open: no parse (a hot path of imports)
        parsed = parse_partial_date(text)
        if parsed.value is None and parsed.suggestion:
            parsed = parse_partial_date(parsed.suggestion)
        if parsed.value is None and text and text.strip():
            unreadable.append((column, text.strip()))
        return parsed.value

    first = date("date_first_issue_online", start)
    last = date("date_last_issue_online", end)
    parsed_embargo = parse_embargo(embargo, strict=strict).value if embargo else None
    if parsed_embargo is None and embargo and embargo.strip():
        unreadable.append(("embargo_info", embargo.strip()))
    return CoverageRange(
        start_date=first,
        start_volume=_clean(start_volume),
        start_issue=_clean(start_issue),
        end_date=last,
        end_volume=_clean(end_volume),
        end_issue=_clean(end_issue),
        embargo=parsed_embargo,
        unreadable=tuple(unreadable),
    )


def row_to_portfolio(
    values: Mapping[str, str], collection: str, line: int | None = None
) -> Portfolio:
    """One KBART row as a portfolio with a single coverage range."""
    ptype = _clean(values.get("publication_type"))
    return Portfolio(
        collection=collection,
        title=(values.get("publication_title") or "").strip(),
        title_id=_clean(values.get("title_id")),
        publication_type=ptype.lower() if ptype else None,
        print_identifier=canonical_identifier(values.get("print_identifier")),
        online_identifier=canonical_identifier(values.get("online_identifier")),
        coverage=(coverage_from_values(values),),
        coverage_depth=_clean(values.get("coverage_depth")),
        title_url=_clean(values.get("title_url")),
        publisher=_clean(values.get("publisher_name")),
        first_author=_clean(values.get("first_author")),
        access_type=_clean(values.get("access_type")),
        published_print=parse_partial_date(values.get("date_monograph_published_print", "")).value,
        published_online=parse_partial_date(
            values.get("date_monograph_published_online", "")
        ).value,
        line=line,
        raw=dict(values),
    )
