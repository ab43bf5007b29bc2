"""Portfolio ↔ bibliographic record linkage: which record describes which portfolio.

The portfolios of a collection's latest KBART snapshot are matched to the records of its
latest MARC batch (``erdq import marc``), or to the latest MARC batch of every collection
when ``all_records`` is set (a catalogue export imported on its own, say).

**Keys kept for each record** (``record_keys``, computed once at import and stored):

* identifiers (``record_identifiers``): valid ISBNs and ISSNs in canonical form
  (``erdq.identifiers``: an ISBN-10 becomes its ISBN-13, so the two forms match; a 979
  ISBN never equals a 978 one; repeated-digit fillers are dropped), taken from
  020 $a, 022 $a, 022 $l (ISSN-L), 776 $z and $x (the other format's numbers) and 020 $z.
  020 $z is "cancelled/invalid ISBN" by definition, but provider-neutral e-book records
  put the print ISBN there, which is what a KBART ``print_identifier`` holds; an invalid
  number in $z is dropped like any invalid number, and a valid one that belongs to another
  book shows up as a title disagreement (PF104). 022 $y (incorrect) and $z (cancelled
  ISSN) are not used: they name numbers the serial does not, or no longer, have.
  Each identifier has a ``role``: a qualifier (020 $q, "(pbk.)", "(electronic bk.)",
  776 $i "Print version:") decides; otherwise 020/022 $a are the record's own medium
  (online when ``erdq.marc21.online_evidence`` finds some, else print), 776 the other
  medium, 020 $z and 022 $l have none. Roles are reported, not used to match: a KBART
  ``print_identifier`` may meet a record's 020 $a and that is still the same book.
* ``title`` (245 $a $b $n $p), ``title_key`` (``normalise_title`` of it),
  ``short_title_key`` (the same without the 245 $b subtitle), ``title_block`` (the first
  ``BLOCK_CHARS`` letters of the title key), ``author_key``, ``year``, ``format``
  (leader/06-07), ``online``, ``url`` (the first 856 $u whose second indicator is not 2,
  "related resource") and the completeness score.

**Matching** (``Linkage``):

1. *Identifiers*, in SQL: each portfolio's print and online identifiers are joined to the
   indexed ``record_identifiers`` of the snapshots in scope (``erdq.store.linking``), one
   streamed pass ordered by portfolio. A portfolio that matches online records is linked
   to those only (a print record carrying the same ISBN is the print book's record, not
   the e-resource's); one that matches only print records is linked to them. The match
   key is ``isbn`` when an ISBN matched, else ``issn``.
2. *Titles*, only for portfolios no identifier matched, against records no identifier
   matched: both sides are blocked by ``title_block`` (so a comparison never leaves a
   block of titles starting with the same letters), then scored with rapidfuzz
   ``token_sort_ratio`` on the normalised titles, allowing either side (not both) to lack
   its subtitle. A candidate scores at least ``TITLE_MATCH_THRESHOLD`` (90), or 100 when
   either title is shorter than ``SHORT_TITLE_CHARS`` (20: "Grana" is not "Granta"), and,
   for a monograph, its year is within one of the portfolio's publication year when both are
   known (editions share titles). Nor may the numbers of the two titles differ
   (``number_conflict``): volume and part numbers, ordinals and years inside a title
   (245 $n and $p included) must be the same on both sides, so "Handbook of chemistry.
   Volume 1" is not linked to "Handbook of chemistry. Volume 2", nor "the 21st
   Conference" to "the 12th", however alike the words. A number one side lacks is
   accepted only when the other side says it elsewhere: the portfolio's
   ``monograph_volume`` or ``monograph_edition``, the record's 250 $a. A portfolio's
   ``monograph_edition`` and a record's 250 $a that both give a number must give the
   same one. Such a portfolio is left unlinked (PF101: its own volume or edition has no
   record), never linked to its namesake. The best-scoring candidates are linked
   (several when tied); the key is ``title``.
3. *Records* of the collection's own batch that neither pass linked are reported.

**Findings** (rules PF101-PF105, ``erdq.rules.portfolio``): a portfolio without a record,
a record without a portfolio (with or without a URL of its own), an identifier match
whose titles disagree (rapidfuzz ``token_set_ratio`` below
``TITLE_DISAGREE_THRESHOLD``, 50: a subtitle or series added on one side keeps the ratio
at 100, a different book falls far below), and a portfolio linked to several records.

Memory does not grow with the collection: the identifier pass streams, the portfolios
left for title matching go to a temporary on-disk table (``erdq.scratch``), records are
fetched block by block, and the linked record ids are kept in a bitmap.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import pymarc
from rapidfuzz import fuzz, process

from erdq import marc21
from erdq.completeness import score_record
from erdq.config import Settings
from erdq.findings import Confidence, Finding, Location, clip
from erdq.identifiers import check_isbn, check_issn
from erdq.model.portfolio import normalise_title
from erdq.readers.marc import MarcItem
from erdq.registry import all_rules
from erdq.scratch import Scratch
from erdq.store.linking import PortfolioFacts
from erdq.title_numbers import title_numbers

__all__ = [
    "BLOCK_CHARS",
    "TITLE_DISAGREE_THRESHOLD",
    "TITLE_MATCH_THRESHOLD",
    "Link",
    "LinkSummary",
    "Linkage",
    "RecordIdentifier",
    "number_conflict",
    "record_identifiers",
    "record_keys",
    "title_agreement",
    "title_block",
    "title_match_score",
    "title_numbers",
]

TITLE_MATCH_THRESHOLD = 90.0  # token_sort_ratio needed to link by title alone
# Below this many characters a normalised title links by title alone only when it is
# the same: one letter is a tenth of "grana", and Grana is no Granta.
SHORT_TITLE_CHARS = 20
TITLE_DISAGREE_THRESHOLD = 50.0  # token_set_ratio under which an identifier match is doubted
BLOCK_CHARS = 4  # letters of the normalised title (spaces removed) that form a block
YEAR_TOLERANCE = 1  # years between a monograph's portfolio and a record linked by title
_BLOCKS_PER_QUERY = 500  # blocks fetched from the store at a time in the title pass


# --- record keys -------------------------------------------------------------------------


class RecordIdentifier(NamedTuple):
    kind: str  # "isbn" | "issn"
    value: str  # compact ISBN-13, or hyphenated ISSN
    source: str  # tag + subfield code: 020a, 020z, 022a, 022l, 776z, 776x
    role: str | None  # "print" | "online" | None


_ONLINE_WORDS = re.compile(
    r"\b(e-?books?|ebk|electronic|online|on-line|pdf|epub|e-?isbn|mobi|kindle|digital|web)\b",
    re.IGNORECASE,
)
_PRINT_WORDS = re.compile(
    r"\b(print|printed|paper|pbk|paperback|hbk|hardback|hard ?cover|hc|cloth|softcover|"
    r"alk)\b",
    re.IGNORECASE,
)


def _role_from(text: str) -> str | None:
    online = _ONLINE_WORDS.search(text) is not None
    printed = _PRINT_WORDS.search(text) is not None
    if online != printed:
        return "online" if online else "print"
    return None


def record_identifiers(
    record: pymarc.Record | marc21.RecordIndex, online: bool | None = None
) -> list[RecordIdentifier]:
    """The record's valid, real ISBNs and ISSNs for matching, each once (first source wins:
    020 $a, 022 $a, 022 $l, 776 $z/$x, 020 $z)."""
    index = record if isinstance(record, marc21.RecordIndex) else marc21.RecordIndex(record)
    if online is None:
        online = marc21.online_evidence(index) is not None
    own = "online" if online else "print"
    other = "print" if online else "online"
    found: dict[str, RecordIdentifier] = {}

    def add(kind: str, value: str, source: str, default: str | None, context: str) -> None:
        result = check_isbn(value) if kind == "isbn" else check_issn(value)
        if not result.valid or result.canonical is None or "placeholder" in result.problems:
            return
        if result.canonical in found:
            return
        role = _role_from(f"{context} {result.extra or ''}") or default
        found[result.canonical] = RecordIdentifier(kind, result.canonical, source, role)

    isbn_fields = index.data_fields("020")
    for fld in isbn_fields:
        qualifiers = " ".join(marc21.subfield_values(fld, "q"))
        for value in marc21.subfield_values(fld, "a"):
            add("isbn", value, "020a", own, qualifiers)
    for fld in index.data_fields("022"):
        for value in marc21.subfield_values(fld, "a"):
            add("issn", value, "022a", own, "")
        for value in marc21.subfield_values(fld, "l"):
            add("issn", value, "022l", None, "")
    for fld in index.data_fields("776"):
        relation = " ".join(marc21.subfield_values(fld, "i"))
        for value in marc21.subfield_values(fld, "z"):
            add("isbn", value, "776z", other, relation)
        for value in marc21.subfield_values(fld, "x"):
            add("issn", value, "776x", other, relation)
    for fld in isbn_fields:
        qualifiers = " ".join(marc21.subfield_values(fld, "q"))
        for value in marc21.subfield_values(fld, "z"):
            add("isbn", value, "020z", None, qualifiers)
    return list(found.values())


_ISBD_END = re.compile(r"[\s/:;,=]+$")
_YEAR_RE = re.compile(r"\b(1[4-9][0-9]{2}|20[0-9]{2})\b")
_NAME_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def _part(value: str | None) -> str:
    return _ISBD_END.sub("", (value or "").strip())


def _titles(index: marc21.RecordIndex) -> tuple[str | None, str | None]:
    """The 245 title for display ($a : $b. $n. $p) and the same without $b."""
    fields = index.data_fields("245")
    if not fields:
        return None, None
    full = short = ""
    for sf in fields[0].subfields or ():
        if sf.code not in "abnp":
            continue
        text = _part(sf.value)
        if not text:
            continue
        glue = " : " if sf.code == "b" else ". " if sf.code in "np" else " "
        # ISBD ends $a with the full stop that precedes $n/$p: "Handbook. Volume 2", once.
        full = f"{full}{_glued(full, glue)}{text}" if full else text
        if sf.code != "b":
            short = f"{short}{_glued(short, glue)}{text}" if short else text
    return full or None, short or None


def _glued(before: str, glue: str) -> str:
    return " " if glue == ". " and before.endswith(".") else glue


def normalise_name(name: str) -> str:
    """A comparison key for a personal or corporate name: case-folded, accents and
    punctuation removed. Unlike titles, no leading word is dropped ("Le Guin")."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(" ", _NAME_PUNCT.sub(" ", text)).strip()


def _author(index: marc21.RecordIndex) -> str | None:
    for tags in (("100", "110", "111"), ("700", "710", "711")):
        for tag in tags:
            for fld in index.data_fields(tag):
                for value in marc21.subfield_values(fld, "a"):
                    key = normalise_name(value)
                    if key:
                        return key
    return None


def _year(index: marc21.RecordIndex) -> int | None:
    data = index.control("008") or ""
    if len(data) >= 11 and data[7:11].isdigit() and data[7:11] != "0000":
        return int(data[7:11])
    for tag in ("264", "260"):
        for fld in index.data_fields(tag):
            for value in marc21.subfield_values(fld, "c"):
                found = _YEAR_RE.search(value)
                if found:
                    return int(found.group())
    return None


def _url(index: marc21.RecordIndex) -> str | None:
    for fld in index.data_fields("856"):
        indicators = fld.indicators or ()
        if len(indicators) > 1 and indicators[1] == "2":
            continue  # a related resource (table of contents, review), not the resource
        for value in marc21.subfield_values(fld, "u"):
            if value.strip():
                return value.strip()
    return None


def title_block(key: str | None) -> str | None:
    """The blocking key of a normalised title: its first ``BLOCK_CHARS`` letters."""
    if not key:
        return None
    return key.replace(" ", "")[:BLOCK_CHARS] or None


def short_title(title: str) -> str:
    """A KBART title without its subtitle (what follows the first colon)."""
    return title.split(":", 1)[0] if ":" in title else title


def record_keys(item: MarcItem) -> tuple[dict[str, Any], list[RecordIdentifier]]:
    """What the store keeps to link and report on one record, and its identifiers."""
    index = marc21.index_of(item)
    online = marc21.online_evidence(index) is not None
    title, short = _titles(index)
    key = normalise_title(title) if title else ""
    short_key = normalise_title(short) if short else ""
    keys = {
        "record_id": item.record_id,
        "title": clip(title),
        "title_key": key or None,
        "short_title_key": short_key or None,
        "title_block": title_block(key),
        "author_key": _author(index),
        "year": _year(index),
        "format": index.leader[6:8].strip() or None,
        "online": online,
        "url": _url(index),
        # The completeness rule (or the caller) may have scored the record already.
        "completeness": (item.memo.get("completeness") or score_record(index, online=online)).score,
    }
    return keys, record_identifiers(index, online)


# --- title similarity --------------------------------------------------------------------


def title_match_score(
    portfolio_key: str, portfolio_short: str, record_key: str, record_short: str
) -> float:
    """How alike two normalised titles are (0-100) for linking by title alone:
    ``token_sort_ratio`` of the full titles, or of one full title against the other's
    title without subtitle (never both shortened: "Introduction" alone says little)."""
    scorer = fuzz.token_sort_ratio
    best = scorer(portfolio_key, record_key)
    if record_short and record_short != record_key:
        best = max(best, scorer(portfolio_key, record_short))
    if portfolio_short and portfolio_short != portfolio_key:
        best = max(best, scorer(portfolio_short, record_key))
    return round(best, 1)


def title_agreement(portfolio_key: str | None, record_key: str | None) -> float | None:
    """How well the titles of an identifier match agree (``token_set_ratio``, 0-100), or
    None when either title is missing. Words added on one side (a subtitle, a series)
    keep it at 100; different books fall below ``TITLE_DISAGREE_THRESHOLD``."""
    if not portfolio_key or not record_key:
        return None
    return round(fuzz.token_set_ratio(portfolio_key, record_key), 1)


# --- numbers in titles (erdq.title_numbers) --------------------------------------------


def _shown(numbers: frozenset[str]) -> str:
    return ", ".join(sorted(numbers, key=lambda n: (len(n), n))) or "none"


def number_conflict(
    portfolio_title: str,
    record_title: str,
    record_short: str | None = None,
    *,
    volume: str | None = None,
    edition: str | None = None,
    record_edition: str | None = None,
) -> str | None:
    """Why a title-only link between a portfolio and a record is refused on the numbers
    of their titles, or None when they agree.

    ``record_title`` is the record's 245 $a $b $n $p, ``record_short`` the same without
    $b. The titles without subtitle are compared always, the whole titles when both have
    a subtitle (a subtitle one side leaves out may hold numbers: "Python : 100 recipes").
    A number only in the record's title is accepted when the portfolio's ``volume``
    (KBART ``monograph_volume``) or ``edition`` (``monograph_edition``) gives it; one only
    in the portfolio's title when the record's ``record_edition`` (250 $a) or the
    portfolio's own volume or edition gives it (a record need not repeat them in 245).
    ``edition`` and ``record_edition`` that both give numbers must share one."""
    p_short = short_title(portfolio_title)
    r_short = record_short if record_short is not None else record_title
    own = title_numbers(volume) | title_numbers(edition)
    record_extra = title_numbers(record_edition)
    pairs = [(p_short, r_short)]
    if p_short != portfolio_title and r_short != record_title:
        pairs.append((portfolio_title, record_title))
    for p_text, r_text in pairs:
        p_numbers, r_numbers = title_numbers(p_text), title_numbers(r_text)
        if (r_numbers - p_numbers - own) or (p_numbers - r_numbers - record_extra - own):
            return (
                f"the titles' numbers differ (portfolio: {_shown(p_numbers)}; "
                f"record: {_shown(r_numbers)})"
            )
    wanted, stated = title_numbers(edition), record_extra
    if wanted and stated and not wanted & stated:
        return (
            f"the editions differ (portfolio monograph_edition {edition!r}; record 250 "
            f"{record_edition!r})"
        )
    return None


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """One portfolio linked to one record, and how."""

    collection: str
    portfolio_id: int
    portfolio_line: int | None
    title_id: str | None
    portfolio_title: str
    record_pk: int
    record_source: str
    record_ordinal: int
    record_id: str | None  # 001
    record_title: str | None
    record_online: bool
    key: str  # "isbn" | "issn" | "title"
    identifiers: tuple[str, ...] = ()  # the identifiers both sides share
    score: float | None = None  # title similarity (agreement for identifier links)

    def to_dict(self) -> dict[str, object]:
        return {
            "collection": self.collection,
            "portfolio_line": self.portfolio_line,
            "title_id": self.title_id,
            "portfolio_title": self.portfolio_title,
            "record_source": self.record_source,
            "record_ordinal": self.record_ordinal,
            "record_id": self.record_id,
            "record_title": self.record_title,
            "record_online": self.record_online,
            "key": self.key,
            "identifiers": " ".join(self.identifiers),
            "score": self.score,
        }


LINK_FIELDS = (
    "collection",
    "portfolio_line",
    "title_id",
    "portfolio_title",
    "record_source",
    "record_ordinal",
    "record_id",
    "record_title",
    "record_online",
    "key",
    "identifiers",
    "score",
)  # the keys of ``Link.to_dict``, in order: CSV columns


@dataclass
class LinkSummary:
    collection: str
    all_records: bool = False
    kbart_snapshot_id: int | None = None
    kbart_source: str = ""
    marc_snapshot_ids: tuple[int, ...] = ()  # every snapshot whose records were candidates
    own_snapshot_ids: tuple[int, ...] = ()  # the collection's own latest MARC batch
    portfolios: int = 0
    linked_portfolios: int = 0
    by_key: Counter[str] = field(default_factory=Counter)  # portfolios linked, by match key
    links: int = 0
    records: int = 0  # records of the collection's own batch
    linked_records: int = 0
    print_unlinked: int = 0  # print records without a portfolio: no access is owed to them
    # linked records named in no link: print records passed over for the online record
    # their portfolio also matched (they have its portfolio, they are not listed)
    linked_unlisted: int = 0
    findings: Counter[str] = field(default_factory=Counter)  # by severity

    def as_dict(self) -> dict[str, object]:
        return {
            "collection": self.collection,
            "all_records": self.all_records,
            "kbart_snapshot_id": self.kbart_snapshot_id,
            "marc_snapshot_ids": list(self.marc_snapshot_ids),
            "portfolios": self.portfolios,
            "linked_portfolios": self.linked_portfolios,
            "by_key": dict(self.by_key),
            "links": self.links,
            "records": self.records,
            "linked_records": self.linked_records,
            "print_unlinked": self.print_unlinked,
            "linked_unlisted": self.linked_unlisted,
            "findings": dict(self.findings),
        }


class _PkSet:
    """Record ids seen, as a bitmap in 8 KB chunks: ids of one import are consecutive, so
    millions of them take about a megabyte instead of a Python set's half gigabyte."""

    _SHIFT = 16

    def __init__(self) -> None:
        self._chunks: dict[int, bytearray] = {}

    def add(self, pk: int) -> None:
        chunk = self._chunks.get(pk >> self._SHIFT)
        if chunk is None:
            chunk = self._chunks[pk >> self._SHIFT] = bytearray(1 << (self._SHIFT - 3))
        low = pk & ((1 << self._SHIFT) - 1)
        chunk[low >> 3] |= 1 << (low & 7)

    def __contains__(self, pk: int) -> bool:
        chunk = self._chunks.get(pk >> self._SHIFT)
        if chunk is None:
            return False
        low = pk & ((1 << self._SHIFT) - 1)
        return bool(chunk[low >> 3] & (1 << (low & 7)))

    def update(self, other: _PkSet) -> None:
        """Add every id of ``other``."""
        for key, bits in other._chunks.items():
            mine = self._chunks.get(key)
            if mine is None:
                self._chunks[key] = bytearray(bits)
            else:
                self._chunks[key] = bytearray(a | b for a, b in zip(mine, bits, strict=True))


_SERIAL_07 = frozenset("bis")  # leader/07 of a serial or integrating resource


def _fits(row: Mapping[str, Any], ptype: str | None, years: tuple[int, ...]) -> bool:
    """Whether a record found by title can be the portfolio's: a serial's record for a
    serial, a monograph's for a monograph, and a monograph published within
    ``YEAR_TOLERANCE`` years of the portfolio's print or online date (when both are known)."""
    fmt = row["format"] or ""
    kind_known = len(fmt) > 1 and ptype in ("serial", "monograph")
    if kind_known and (fmt[1] in _SERIAL_07) != (ptype == "serial"):
        return False
    year = row["year"]
    return not years or year is None or any(abs(year - y) <= YEAR_TOLERANCE for y in years)


# --- the linkage run ---------------------------------------------------------------------


_ORPHAN_COLUMNS = ("pid", "line", "title_id", "title", "title_key", "short_key", "block")


class Linkage:
    """Link one collection's current portfolios to records. Iterate ``events()`` (links and
    findings, interleaved), ``links()`` or ``findings()`` once; ``summary`` is complete
    afterwards. ``store`` is an ``erdq.store.Store``; ``close_store`` closes it at the end.
    """

    def __init__(
        self,
        store: Any,
        collection: str,
        *,
        all_records: bool = False,
        settings: Settings | None = None,
        title_threshold: float = TITLE_MATCH_THRESHOLD,
        disagree_threshold: float = TITLE_DISAGREE_THRESHOLD,
        close_store: bool = False,
        kbart_snapshot_id: int | None = None,
        record_pass: bool = True,
    ) -> None:
        """``record_pass`` False leaves out the third pass (the collection's records
        without a portfolio, PF102/PF103): for a caller that asks ``unlinked_records``
        once after several runs that may each claim them."""
        import erdq.rules  # noqa: F401  (registers the PF rules)

        self.store = store
        self.collection = collection
        self.all_records = all_records
        self.settings = settings or Settings()
        self.title_threshold = title_threshold
        self.disagree_threshold = disagree_threshold
        self.close_store = close_store
        self.kbart_snapshot_id = kbart_snapshot_id  # None: the collection's latest
        self.record_pass = record_pass
        self.summary = LinkSummary(collection, all_records=all_records)
        # Every record pk the run linked (or passed over for an online record), complete
        # after the run: what ``unlinked_records`` of a later run may be told.
        self.linked_records = _PkSet()
        self._listed = _PkSet()  # the record pks named in a link
        self.active = frozenset(self.settings.codes())
        overrides = self.settings.severity_overrides()
        self._severity = {r.code: overrides.get(r.code, r.severity) for r in all_rules()}
        self._fingerprints: dict[str, int] = {}
        self._ignored: dict[str, set[str]] = {}  # per-source-ignores, by source
        self._sources: dict[int, str] = {}

    # Public iteration ----------------------------------------------------------------

    def events(self) -> Iterator[Link | Finding]:
        try:
            with self.store.link_queries() as queries:
                yield from self._run(queries)
        finally:
            if self.close_store:
                self.store.close()

    def links(self) -> Iterator[Link]:
        for event in self.events():
            if isinstance(event, Link):
                yield event

    def findings(self) -> Iterator[Finding]:
        for event in self.events():
            if isinstance(event, Finding):
                yield event

    # The three passes ----------------------------------------------------------------

    def _run(self, queries: Any) -> Iterator[Link | Finding]:
        scope = queries.scope(
            self.collection, all_records=self.all_records, kbart_snapshot_id=self.kbart_snapshot_id
        )
        s = self.summary
        s.kbart_snapshot_id = scope.kbart_snapshot_id
        s.kbart_source = scope.kbart_source
        s.marc_snapshot_ids = scope.marc_snapshot_ids
        s.own_snapshot_ids = scope.own_snapshot_ids
        self._sources = dict(scope.sources)
        self._kbart_source = scope.kbart_source
        linked = self.linked_records
        scratch = Scratch()
        try:
            scratch.table("orphans", _ORPHAN_COLUMNS)
            scratch.table("unlinked", ("pid", "line", "title_id", "title"))
            yield from self._identifier_pass(queries, scope, linked, scratch)
            yield from self._title_pass(queries, scope, linked, scratch)
            for pid, line, title_id, title in scratch.query(
                "SELECT pid, line, title_id, title FROM unlinked ORDER BY line, pid"
            ):
                yield from self._portfolio_finding(
                    "PF101", pid, line, title_id, title, value=clip(title)
                )
        finally:
            scratch.close()
        if self.record_pass:
            yield from self._record_pass(queries, scope.own_snapshot_ids, linked)

    def unlinked_records(
        self, sources: Mapping[int, str], linked: _PkSet | None = None
    ) -> Iterator[Finding]:
        """PF102/PF103 for the records of the MARC snapshots ``sources`` (id -> file) that
        are not in ``linked``: the union of the ``linked_records`` of the runs that may
        claim them (several KBART files of one collection, or every collection's).
        ``summary.records`` and ``summary.linked_records`` count them."""
        self._sources.update(sources)
        try:
            with self.store.link_queries() as queries:
                yield from self._record_pass(queries, tuple(sources), linked or _PkSet())
        finally:
            if self.close_store:
                self.store.close()

    def _identifier_pass(
        self, queries: Any, scope: Any, linked: _PkSet, scratch: Scratch
    ) -> Iterator[Link | Finding]:
        group: list[Mapping[str, Any]] = []
        for row in queries.identifier_matches(scope):
            if group and row["pid"] != group[0]["pid"]:
                yield from self._portfolio_matches(group, linked, scratch)
                group = []
            group.append(row)
        if group:
            yield from self._portfolio_matches(group, linked, scratch)

    def _portfolio_matches(
        self, rows: list[Mapping[str, Any]], linked: _PkSet, scratch: Scratch
    ) -> Iterator[Link | Finding]:
        first = rows[0]
        self.summary.portfolios += 1
        pid, line, title_id, title = first["pid"], first["line"], first["title_id"], first["title"]
        matched: dict[int, dict[str, Any]] = {}
        for row in rows:
            pk = row["record_pk"]
            if pk is None:
                continue
            entry = matched.get(pk)
            if entry is None:
                entry = matched[pk] = {"row": row, "identifiers": [], "kinds": set()}
            if row["value"] not in entry["identifiers"]:
                entry["identifiers"].append(row["value"])
            entry["kinds"].add(row["kind"])
        key = normalise_title(title)
        if not matched:
            short = normalise_title(short_title(title))
            block = title_block(key)
            if block is None:
                scratch.add("unlinked", (pid, line, title_id, title))
            else:
                scratch.add("orphans", (pid, line, title_id, title, key, short, block))
            return
        chosen = [e for e in matched.values() if e["row"]["online"]] or list(matched.values())
        chosen.sort(key=lambda e: e["row"]["record_pk"])
        for pk in matched:
            # A print record passed over for the online one still has its portfolio: it
            # is not reported as a record without one, nor offered to title matching.
            linked.add(pk)
        links = []
        for entry in chosen:
            row = entry["row"]
            agreement = title_agreement(key, row["title_key"])
            link = self._link(
                first,
                row,
                "isbn" if "isbn" in entry["kinds"] else "issn",
                tuple(entry["identifiers"]),
                agreement,
            )
            links.append(link)
            yield link
            if agreement is not None and agreement < self.disagree_threshold:
                yield from self._record_finding(
                    "PF104",
                    row,
                    value=", ".join(entry["identifiers"]),
                    confidence=Confidence.LIKELY,
                    portfolio_title=title,
                    portfolio_line=line,
                    kbart=self._kbart_source,
                    record_title=row["record_title"],
                    score=agreement,
                    threshold=self.disagree_threshold,
                )
        self._count_links(links)
        if len(links) > 1:
            yield from self._several(first, links)

    def _title_pass(
        self, queries: Any, scope: Any, linked: _PkSet, scratch: Scratch
    ) -> Iterator[Link | Finding]:
        blocks = [b for (b,) in scratch.query("SELECT DISTINCT block FROM orphans ORDER BY 1")]
        for start in range(0, len(blocks), _BLOCKS_PER_QUERY):
            chunk = blocks[start : start + _BLOCKS_PER_QUERY]
            candidates: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
            for row in queries.title_candidates(scope, chunk):
                if row["record_pk"] not in linked:  # identifiers linked it already
                    candidates[row["title_block"]].append(row)
            marks = ", ".join("?" for _ in chunk)
            orphans = list(
                scratch.query(
                    f"SELECT {', '.join(_ORPHAN_COLUMNS)} FROM orphans "
                    f"WHERE block IN ({marks}) ORDER BY block, pid",
                    chunk,
                )
            )
            scored = self._score_block_chunk(orphans, candidates)
            facts = queries.portfolio_facts([pid for pid, hits in scored.items() if hits])
            fitting: dict[int, list[tuple[float, Mapping[str, Any]]]] = {}
            for pid, hits in scored.items():
                if hits:
                    fact = facts.get(pid) or PortfolioFacts()
                    fitting[pid] = [
                        (score, row)
                        for score, row in hits
                        if _fits(row, fact.publication_type, fact.years)
                    ]
            # Read only for the few records still in the running: 250 is not a stored key.
            editions = queries.record_editions(
                sorted({row["record_pk"] for hits in fitting.values() for _, row in hits})
            )
            title_linked: list[int] = []
            for pid, line, title_id, title, _key, _short, _block in orphans:
                hits = fitting.get(pid, [])
                if hits:
                    fact = facts.get(pid) or PortfolioFacts()
                    hits = [
                        (score, row)
                        for score, row in hits
                        if number_conflict(
                            title,
                            row["title_key"] or "",
                            row["short_title_key"],
                            volume=fact.volume,
                            edition=fact.edition,
                            record_edition=editions.get(row["record_pk"]),
                        )
                        is None
                    ]
                if not hits:
                    scratch.add("unlinked", (pid, line, title_id, title))
                    continue
                best = max(score for score, _ in hits)
                rows = sorted(
                    (row for score, row in hits if score == best), key=lambda r: r["record_pk"]
                )
                portfolio = {"pid": pid, "line": line, "title_id": title_id, "title": title}
                links = [self._link(portfolio, row, "title", (), best) for row in rows]
                for link in links:
                    title_linked.append(link.record_pk)
                    yield link
                self._count_links(links)
                if len(links) > 1:
                    yield from self._several(portfolio, links)
            # Marked only now: a record may be the title match of several portfolios.
            for pk in title_linked:
                linked.add(pk)

    def _score_block_chunk(
        self, orphans: list[tuple], candidates: Mapping[str, list[Mapping[str, Any]]]
    ) -> dict[int, list[tuple[float, Mapping[str, Any]]]]:
        """Candidates at or above the title threshold, per portfolio id."""
        out: dict[int, list[tuple[float, Mapping[str, Any]]]] = {}
        threshold = self.title_threshold
        for pid, _line, _title_id, _title, key, short, block in orphans:
            rows = candidates.get(block)
            if not rows:
                continue
            keys = [row["title_key"] or "" for row in rows]
            shorts = [row["short_title_key"] or "" for row in rows]
            best: dict[int, float] = {}
            searches = [(key, keys), (key, shorts)]
            if short and short != key:
                searches.append((short, keys))
            for query, choices in searches:
                for choice, score, index in process.extract(
                    query,
                    choices,
                    scorer=fuzz.token_sort_ratio,
                    score_cutoff=threshold,
                    limit=None,
                ):
                    if score < 100 and min(len(query), len(choice)) < SHORT_TITLE_CHARS:
                        continue
                    if score > best.get(index, -1.0):
                        best[index] = score
            out[pid] = [(round(score, 1), rows[index]) for index, score in best.items()]
        return out

    def _record_pass(
        self, queries: Any, snapshot_ids: tuple[int, ...], linked: _PkSet
    ) -> Iterator[Finding]:
        s = self.summary
        for row in queries.records(snapshot_ids):
            s.records += 1
            if row["record_pk"] in linked:
                s.linked_records += 1
                if row["record_pk"] not in self._listed:
                    s.linked_unlisted += 1
                continue
            if row["url"]:
                yield from self._record_finding("PF102", row, value=row["url"])
            elif row["online"]:
                yield from self._record_finding("PF103", row, value=row["record_title"])
            else:
                # A print record is no dead end for want of a link: the e-resource profile
                # rules (MR4xx) already say that it is not an e-resource record.
                s.print_unlinked += 1

    # Links and findings --------------------------------------------------------------

    def _link(
        self,
        portfolio: Mapping[str, Any],
        row: Mapping[str, Any],
        key: str,
        identifiers: tuple[str, ...],
        score: float | None,
    ) -> Link:
        self._listed.add(row["record_pk"])
        return Link(
            collection=self.collection,
            portfolio_id=portfolio["pid"],
            portfolio_line=portfolio["line"],
            title_id=portfolio["title_id"],
            portfolio_title=portfolio["title"],
            record_pk=row["record_pk"],
            record_source=self._sources.get(row["snapshot_id"], ""),
            record_ordinal=row["ordinal"],
            record_id=row["record_id"],
            record_title=row["record_title"],
            record_online=bool(row["online"]),
            key=key,
            identifiers=identifiers,
            score=score,
        )

    def _count_links(self, links: list[Link]) -> None:
        s = self.summary
        s.linked_portfolios += 1
        s.by_key[links[0].key] += 1
        s.links += len(links)

    def _several(self, portfolio: Mapping[str, Any], links: list[Link]) -> Iterator[Finding]:
        records = ", ".join(
            f"{link.record_id or '(no 001)'} (record {link.record_ordinal})" for link in links
        )
        yield from self._portfolio_finding(
            "PF105",
            portfolio["pid"],
            portfolio["line"],
            portfolio["title_id"],
            portfolio["title"],
            value=links[0].identifiers[0] if links[0].identifiers else clip(portfolio["title"]),
            count=len(links),
            records=records,
            key=links[0].key,
        )

    def _portfolio_finding(
        self,
        code: str,
        pid: int,
        line: int | None,
        title_id: str | None,
        title: str,
        *,
        value: str | None,
        **params: object,
    ) -> Iterator[Finding]:
        location = Location(source=self._kbart_source, line=line, record_id=title_id)
        yield from self._finding(code, location, value, title=title, **params)

    def _record_finding(
        self,
        code: str,
        row: Mapping[str, Any],
        *,
        value: str | None,
        confidence: Confidence = Confidence.CERTAIN,
        **params: object,
    ) -> Iterator[Finding]:
        location = Location(
            source=self._sources.get(row["snapshot_id"], ""),
            line=row["ordinal"],
            record_id=row["record_id"],
            offset=row["offset"],
        )
        params.setdefault("record_title", row["record_title"])
        yield from self._finding(code, location, value, confidence=confidence, **params)

    def _finding(
        self,
        code: str,
        location: Location,
        value: str | None,
        *,
        confidence: Confidence = Confidence.CERTAIN,
        **params: object,
    ) -> Iterator[Finding]:
        if code not in self.active:
            return
        ignored = self._ignored.get(location.source)
        if ignored is None:
            ignored = self._ignored[location.source] = self.settings.ignored_for(location.source)
        if code in ignored:
            return
        finding = Finding(code, self._severity[code], location, params, clip(value), confidence)
        base = finding.fingerprint()
        seen = self._fingerprints.get(base, 0)
        self._fingerprints[base] = seen + 1
        if seen:
            finding = replace(finding, occurrence=seen)
        self.summary.findings[finding.severity.value] += 1
        yield finding
