"""From decoded (key, value) pairs to a normalised ``Citation``.

Both dialects map onto one set of fields: Z39.88-2004 ``rft.volume`` and 0.1 ``volume``
are the same thing; when both are given and disagree, the 1.0 value wins and a warning
says so. Identifiers go through ``erdq.identifiers`` (ISSN hyphenated, ISBN-13) and keep
every repeated value in order. Anything not understood becomes a warning, never an error.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from erdq.identifiers import IdentifierCheck, check_isbn, check_issn
from erdq.model.dates import PartialDate, parse_partial_date
from erdq.openurl.citation import Citation

# Keys of the ContextObject itself and of entities erdq does not use (1.0).
_ADMIN = frozenset(
    {
        "url_ver",
        "url_tim",
        "url_ctx_fmt",
        "url_ctx_val",
        "url_ctx_ref",
        "ctx_ver",
        "ctx_enc",
        "ctx_id",
        "ctx_tim",
        "rft_val_fmt",
        "rft_ref_fmt",
        "rft_ref",
        "rft_dat",
        "rfr_id",
        "rfr_val_fmt",
        "rfr_dat",
        "rfe_id",
        "rfe_val_fmt",
        "rfe_dat",
        "rfe_ref",
        "req_id",
        "req_val_fmt",
        "req_dat",
        "res_id",
        "res_val_fmt",
        "res_dat",
        "svc_id",
        "svc_val_fmt",
        "svc_dat",
        "rft_id",
    }
)
_OTHER_ENTITY = ("rfe.", "req.", "res.", "svc.", "rfr.")
# Referent metadata: 1.0 name (after "rft.") → citation field.
_FIELDS_10 = {
    "issn": "issn", "eissn": "eissn", "isbn": "isbn", "jtitle": "jtitle", "btitle": "btitle",
    "atitle": "atitle", "stitle": "stitle", "title": "title", "date": "date",
    "volume": "volume", "issue": "issue", "spage": "spage", "epage": "epage", "pages": "pages",
    "aulast": "aulast", "aufirst": "aufirst", "au": "au", "genre": "genre", "pub": "pub",
    "auinit": None, "auinit1": None, "auinitm": None, "ausuffix": None, "aucorp": None,
    "part": None, "quarter": None, "ssn": None, "chron": None, "artnum": None, "coden": None,
    "sici": None, "bici": None, "place": None, "edition": None, "tpages": None,
    "series": None, "object_id": None, "inst": None, "advisor": None, "degree": None,
    "country": None, "cc": None, "kind": None, "applcc": None, "applnumber": None,
    "number": None, "assignee": None, "pubdate": None, "prioritydate": None,
    # Common, not in the standard, but unambiguous.
    "doi": "doi", "pmid": "pmid", "year": "year",
}  # fmt: skip
_NON_STANDARD_10 = frozenset({"doi", "pmid", "year"})
# OpenURL 0.1 keys → citation field.
_FIELDS_01 = {
    "sid": "sid", "id": "id", "pid": None, "genre": "genre", "aulast": "aulast",
    "aufirst": "aufirst", "auinit": None, "auinit1": None, "auinitm": None, "issn": "issn",
    "eissn": "eissn", "coden": None, "isbn": "isbn", "sici": None, "bici": None,
    "title": "title", "stitle": "stitle", "atitle": "atitle", "volume": "volume",
    "part": None, "issue": "issue", "spage": "spage", "epage": "epage", "pages": "pages",
    "artnum": None, "date": "date", "ssn": None, "quarter": None,
    # Common, not in 0.1, but unambiguous.
    "doi": "doi", "pmid": "pmid", "year": "year", "btitle": "btitle", "jtitle": "jtitle",
}  # fmt: skip
_NON_STANDARD_01 = frozenset({"doi", "pmid", "year", "btitle", "jtitle"})
_GENRES = frozenset(
    {
        "journal",
        "issue",
        "article",
        "proceeding",
        "conference",
        "preprint",
        "unknown",
        "book",
        "bookitem",
        "report",
        "document",
        "dissertation",
        "patent",
    }
)
_FORMATS = {
    "journal": "journal", "book": "book", "dissertation": "dissertation", "patent": "patent",
    "sch_svc": None, "dc": "dc",
}  # fmt: skip
_DOI_RE = re.compile(r"10\.\d{4,9}/\S+")
_DOI_URL_RE = re.compile(r"(?i)^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)")
_PAGES_RE = re.compile(r"^\s*([A-Za-z]?\d+[A-Za-z]?)\s*(?:[-–—]\s*([A-Za-z]?\d+[A-Za-z]?))?\s*$")
_YEAR_RE = re.compile(r"(?<![0-9])(1[5-9][0-9]{2}|20[0-9]{2})(?![0-9])")
_COMPACT_DATE_RE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_COMPACT_MONTH_RE = re.compile(r"((?:1[5-9]|20)[0-9]{2})([0-9]{2})")
# Year, month and day, hyphenated, with slashes or compact: for a day the month lacks.
_YMD_RE = re.compile(r"([0-9]{4})([-/]?)([0-9]{1,2})\2([0-9]{1,2})")
# A span of years: 2021-2022, 2021/2022, 2021-22, 2021–2022 (spaces around the mark allowed).
_YEAR_SPAN_RE = re.compile(r"([0-9]{4})\s*[-/\u2013\u2014]\s*([0-9]{4}|[0-9]{2})", re.ASCII)
_SINGLE = (
    "jtitle",
    "btitle",
    "atitle",
    "stitle",
    "title",
    "date",
    "volume",
    "issue",
    "spage",
    "epage",
    "pages",
    "aulast",
    "aufirst",
    "genre",
    "pub",
    "year",
    "pmid",
    "doi",
)


def citation_from_pairs(
    pairs: Iterable[tuple[str, str]], warnings: list[str] | None = None, *, syntax: str = "kev"
) -> Citation:
    """Normalise decoded pairs; ``warnings`` are those of the reading step, extended here."""
    notes: list[str] = list(warnings or [])
    values: dict[str, list[tuple[str, str]]] = {}  # field → [(dialect, value)]
    ids: list[str] = []  # rft_id / 0.1 id values
    sources: list[str] = []
    sids: list[str] = []
    fmt_value: str | None = None
    unknown: list[str] = []
    has_10 = has_01 = False
    for key, value in pairs:
        if key in _ADMIN:
            has_10 = True
            if not value:
                continue
            if key == "rft_id":
                ids.append(value)
            elif key == "rfr_id":
                sources.append(value)
            elif key == "rft_val_fmt":
                fmt_value = value
            continue
        if key.startswith("rft."):
            has_10 = True
            name = key[4:]
            if name not in _FIELDS_10:
                unknown.append(key)
                continue
            target = _FIELDS_10[name]
            if target is None or not value:
                continue
            if name in _NON_STANDARD_10 and name != "doi":
                notes.append(f"{key} is not a Z39.88-2004 key; used for {target}")
            values.setdefault(target, []).append(("1.0", value))
            continue
        if key.startswith(_OTHER_ENTITY):
            has_10 = True
            continue
        if key in _FIELDS_01:
            has_01 = True
            target = _FIELDS_01[key]
            if target is None or not value:
                continue
            if key in _NON_STANDARD_01 and key != "doi":
                notes.append(f"{key} is not an OpenURL 0.1 key; used for {target}")
            if target == "sid":
                sids.append(value)
            elif target == "id":
                ids.append(value)
            else:
                values.setdefault(target, []).append(("0.1", value))
            continue
        unknown.append(key)
    if unknown:
        names = ", ".join(dict.fromkeys(k or "(empty key)" for k in unknown))
        notes.append(f"unknown keys ignored: {names}")
    if len(sids) > 1:
        notes.append(f"sid is given {len(sids)} times ({', '.join(sids)}); all kept")
    version = "mixed" if has_10 and has_01 else "1.0" if has_10 else "0.1" if has_01 else None

    single: dict[str, str] = {}
    for name in _SINGLE:
        chosen = _choose(name, values.get(name, []), notes)
        if chosen is not None:
            single[name] = chosen

    issns, eissns, isbns, invalid = _identifiers(values, notes)
    doi, pmid, oclcnum, lccn, others = _ids(ids, single, notes, invalid, isbns, issns)
    genre = _genre(single.get("genre"), notes)
    fmt = _format(fmt_value, notes)
    date = _date(single.get("date"), single.get("year"), notes)
    spage, epage = single.get("spage"), single.get("epage")
    if "pages" in single:
        spage, epage = _pages(single["pages"], spage, epage, notes)
    aulast = _surname(single.get("aulast"), notes)
    title = single.get("title")
    return Citation(
        syntax=syntax,
        version=version,
        format=fmt,
        genre=genre,
        issns=tuple(issns),
        eissns=tuple(eissns),
        isbns=tuple(isbns),
        doi=doi,
        pmid=pmid,
        oclcnum=oclcnum,
        lccn=lccn,
        other_ids=tuple(others),
        invalid_identifiers=tuple(invalid),
        jtitle=single.get("jtitle"),
        btitle=single.get("btitle"),
        atitle=single.get("atitle"),
        stitle=single.get("stitle"),
        title=title,
        date=date,
        volume=single.get("volume"),
        issue=single.get("issue"),
        spage=spage,
        epage=epage,
        aulast=aulast,
        aufirst=single.get("aufirst"),
        authors=tuple(dict.fromkeys(v for _, v in values.get("au", []))),
        publisher=single.get("pub"),
        sources=tuple(dict.fromkeys([*sources, *sids])),
        warnings=tuple(dict.fromkeys(notes)),
    )


def _choose(name: str, given: list[tuple[str, str]], notes: list[str]) -> str | None:
    """One value for a single-valued field: 1.0 before 0.1, first before later."""
    if not given:
        return None
    ordered = [v for d, v in given if d == "1.0"] + [v for d, v in given if d == "0.1"]
    chosen = ordered[0]
    others = [v for v in dict.fromkeys(ordered) if v != chosen]
    if others and not (name == "genre" and all(o.lower() == chosen.lower() for o in others)):
        listed = ", ".join(repr(o) for o in others)
        notes.append(f"{name} is given more than once; kept {chosen!r}, ignored {listed}")
    return chosen


def _identifiers(
    values: dict[str, list[tuple[str, str]]], notes: list[str]
) -> tuple[list[str], list[str], list[str], list[str]]:
    issns: list[str] = []
    eissns: list[str] = []
    isbns: list[str] = []
    invalid: list[str] = []
    for field, out in (("issn", issns), ("eissn", eissns)):
        for _, value in values.get(field, []):
            canonical = _issn(value, field, notes, invalid)
            if canonical and canonical not in out:
                out.append(canonical)
    for _, value in values.get("isbn", []):
        canonical = _isbn(value, notes, invalid)
        if canonical and canonical not in isbns:
            isbns.append(canonical)
    return issns, eissns, isbns, invalid


def _issn(value: str, field: str, notes: list[str], invalid: list[str]) -> str | None:
    check = check_issn(value)
    if check.valid and check.canonical and "placeholder" not in check.problems:
        return check.canonical
    if check.kind in ("isbn10", "isbn13") and field == "issn":
        notes.append(f"{field} {value!r} looks like an ISBN; not used")
    elif check.expected_check:
        notes.append(
            f"{field} {value!r} has a wrong check digit (expected {check.expected_check});"
            " not used for matching"
        )
    else:
        notes.append(f"{field} {value!r} is not a valid ISSN; not used for matching")
    _add_invalid(invalid, check)
    return None


def _isbn(value: str, notes: list[str], invalid: list[str]) -> str | None:
    check = check_isbn(value)
    if check.valid and check.canonical and "placeholder" not in check.problems:
        return check.canonical
    if check.expected_check:
        notes.append(
            f"isbn {value!r} has a wrong check digit (expected {check.expected_check});"
            " not used for matching"
        )
    else:
        notes.append(f"isbn {value!r} is not a valid ISBN; not used for matching")
    _add_invalid(invalid, check)
    return None


def _add_invalid(invalid: list[str], check: IdentifierCheck) -> None:
    """List an invalid ISSN or ISBN once, in the form a librarian would look it up in:
    a hyphenated ISSN (``1600-613X``), a compact ISBN; anything else as given."""
    compact = check.compact
    if check.kind == "issn" and compact and len(compact) == 8:
        shown = f"{compact[:4]}-{compact[4:]}"
    elif check.kind in ("isbn10", "isbn13") and compact:
        shown = compact
    else:
        shown = check.raw.strip()
    if shown not in invalid:
        invalid.append(shown)


def normalise_doi(value: str) -> str | None:
    """The DOI in ``value`` (``info:doi/``, ``doi:`` and doi.org forms accepted), or None."""
    text = value.strip()
    if text.lower().startswith("info:doi/"):
        text = text[9:]
    text = _DOI_URL_RE.sub("", text).strip()
    return text if _DOI_RE.fullmatch(text) else None


def _ids(
    ids: list[str],
    single: dict[str, str],
    notes: list[str],
    invalid: list[str],
    isbns: list[str],
    issns: list[str],
) -> tuple[str | None, str | None, str | None, str | None, list[str]]:
    dois: list[str] = []
    pmids: list[str] = []
    oclc: list[str] = []
    lccns: list[str] = []
    others: list[str] = []
    if "doi" in single:
        ids = [*ids, "doi:" + single["doi"]]
    if "pmid" in single:
        ids = [*ids, "pmid:" + single["pmid"]]
    for raw in ids:
        text = raw.strip()
        low = text.lower()
        scheme, _, _rest = low.partition("/") if low.startswith("info:") else low.partition(":")
        body = text[len(scheme) + 1 :].strip()
        if scheme in ("info:doi", "doi"):
            if not body:
                continue  # "id=doi:" with nothing after it: an empty slot, not an error
            doi = normalise_doi(body)
            if doi is None:
                notes.append(f"{raw!r} is not a valid DOI; not used")
                invalid.append(raw)
            else:
                dois.append(doi)
        elif scheme in ("info:pmid", "pmid"):
            if body:
                pmids.append(body)
        elif scheme in ("info:oclcnum", "oclcnum"):
            if body:
                oclc.append(body)
        elif scheme in ("info:lccn", "lccn"):
            if body:
                lccns.append(body)
        elif low.startswith(("urn:isbn:", "info:isbn/")):
            body = text[len("urn:isbn:") if low.startswith("urn:") else len("info:isbn/") :]
            if body.strip():
                canonical = _isbn(body, notes, invalid)
                if canonical and canonical not in isbns:
                    isbns.append(canonical)
        elif low.startswith(("urn:issn:", "info:issn/")):
            body = text[len("urn:issn:") if low.startswith("urn:") else len("info:issn/") :]
            if body.strip():
                canonical = _issn(body, "issn", notes, invalid)
                if canonical and canonical not in issns:
                    issns.append(canonical)
        elif _DOI_RE.match(text) or _DOI_URL_RE.match(text):
            doi = normalise_doi(text)
            if doi is not None:
                notes.append(f"rft_id {raw!r} is a DOI without the info:doi/ prefix; read as DOI")
                dois.append(doi)
            else:
                others.append(raw)
        elif low.startswith("info:") or low.startswith("urn:"):
            others.append(raw)
        else:
            notes.append(f"identifier {raw!r} has no scheme erdq knows; ignored")
            others.append(raw)
    doi = _first_of(dois, "DOI", notes, fold=True)
    return (
        doi,
        _first_of(pmids, "PMID", notes),
        _first_of(oclc, "OCLC number", notes),
        _first_of(lccns, "LCCN", notes),
        others,
    )


def _first_of(found: list[str], label: str, notes: list[str], *, fold: bool = False) -> str | None:
    if not found:
        return None
    distinct = list(dict.fromkeys(v.lower() if fold else v for v in found))
    if len(distinct) > 1:
        notes.append(f"several different {label}s given; kept {found[0]!r}")
    return found[0]


def _genre(value: str | None, notes: list[str]) -> str | None:
    if value is None:
        return None
    low = value.strip().lower()
    if low in _GENRES:
        return low
    notes.append(f"genre {value!r} is not an OpenURL genre; ignored")
    return None


def _format(value: str | None, notes: list[str]) -> str | None:
    if value is None:
        return None
    low = value.strip().lower()
    prefixes = ("info:ofi/fmt:kev:mtx:", "info:ofi/fmt:xml:xsd:")
    for prefix in prefixes:
        if low.startswith(prefix):
            name = low[len(prefix) :]
            if name in _FORMATS:
                return _FORMATS[name]
            if name == "article":
                notes.append(f"rft_val_fmt {value!r} is not registered; read as journal")
                return "journal"
            if name in ("marc21", "oai_dc"):
                return "marc" if name == "marc21" else "dc"
            break
    notes.append(f"rft_val_fmt {value!r} is not a format erdq knows; ignored")
    return None


@dataclass(frozen=True, slots=True)
class YearSpan(PartialDate):
    """A cited span of years (``2021-2022``, ``2021/22``): the first day of ``year`` to the
    last day of ``last_year``. A ``PartialDate`` of year precision everywhere a cited date
    is used (``first_day``, ``last_day``, ``str``), so the coverage evaluator and
    ``erdq availability`` compare the whole span as the interval it is."""

    last_year: int = 0

    def __post_init__(self) -> None:
        PartialDate.__post_init__(self)
        if not self.year < self.last_year <= 9999:
            raise ValueError(f"a span of years must end after {self.year}, not {self.last_year}")

    def last_day(self) -> datetime.date:
        return datetime.date(self.last_year, 12, 31)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.last_year:04d}"


# What a cited date that cannot be read is told as; ``unread_date`` finds it again.
_UNREAD = "{field} {text!r} cannot be read, so coverage is not date-checked"
_UNREAD_RE = re.compile(r"(date|year) (.*) cannot be read, so coverage is not date-checked")


def parse_citation_date(text: str) -> tuple[PartialDate | None, str | None]:
    """A cited date as a partial date (an interval), and a warning when read leniently."""
    parsed = parse_partial_date(text)
    if parsed.value is not None:
        return parsed.value, None  # a time of day attached does not matter here
    span = _year_span(text)  # before the suggestion, which reads 1999-00 as 1999
    if span is not None:
        return span
    if parsed.suggestion is not None:
        retry = parse_partial_date(parsed.suggestion).value
        if retry is not None:
            return retry, f"date {text!r} read as {retry}"
    eight = _COMPACT_DATE_RE.fullmatch(text.strip())
    if eight:
        compact = parse_partial_date(f"{eight[1]}-{eight[2]}-{eight[3]}").value
        if compact is not None:
            return compact, f"date {text!r} read as {compact}"
    m = _COMPACT_MONTH_RE.fullmatch(text.strip())
    if m and 1 <= int(m[2]) <= 12:
        month = PartialDate(int(m[1]), int(m[2]))  # 202306: a year and a month
        return month, f"date {text!r} read as {month}"
    m = _YMD_RE.fullmatch(text.strip())
    if m and 1 <= int(m[3]) <= 12 and 1 <= int(m[4]) <= 31:
        # A day the month does not have (2015-02-30, 2015-04-31): the year and month
        # are still the citation's, and reading it as the month is closer than the year.
        month = parse_partial_date(f"{m[1]}-{int(m[3]):02d}").value
        if month is not None:
            return month, f"date {text!r} is not a real day; read as {month}"
    if eight:  # 20151301: no such month, but the year stands
        year = PartialDate(int(eight[1]))
        return year, f"date {text!r} is not a real day; read as the year {eight[1]}"
    years = _YEAR_RE.findall(text)
    if len(set(years)) == 1:
        return PartialDate(int(years[0])), f"date {text!r} read as the year {years[0]}"
    if len(years) == 2 and int(years[1]) == int(years[0]) + 1:
        # Winter 2023-2024, 2023/4 issue: a season or issue that spans the turn of a year.
        span = YearSpan(int(years[0]), last_year=int(years[1]))
        return span, f"date {text!r} read as the years {years[0]} to {years[1]}"
    return None, _UNREAD.format(field="date", text=text)


def _year_span(text: str) -> tuple[PartialDate, str] | None:
    """``2021-2022``, ``2021/2022``, ``2021-22`` (an en dash too) as the span of years,
    ``1999-00`` across a century; a span that does not end after it starts is not one.
    ``2021-12`` and ``2021/12`` are months: the caller has read them already."""
    m = _YEAR_SPAN_RE.fullmatch(text.strip())
    if m is None:
        return None
    first = int(m[1])
    last = int(m[2]) if len(m[2]) == 4 else first - first % 100 + int(m[2])
    if len(m[2]) == 2 and last <= first < last + 100 <= first + 10:
        last += 100  # 1999-00: a short span across a century (an academic year)
    if last == first and len(m[2]) == 4:
        return PartialDate(first), f"date {text!r} read as the year {first}"
    if not first < last <= 9999 or first < 1:
        return None
    span = YearSpan(first, last_year=last)
    day_from, day_to = span.first_day().isoformat(), span.last_day().isoformat()
    return span, f"date {text!r} read as the years {first} to {last} ({day_from} to {day_to})"


def unread_date(citation: Citation) -> str | None:
    """The warning saying the citation's date (or year) could not be read, when the
    citation has no date because of it; None when it has a date or gave none."""
    if citation.date is not None:
        return None
    return next((w for w in citation.warnings if _UNREAD_RE.fullmatch(w)), None)


def _date(text: str | None, year: str | None, notes: list[str]) -> PartialDate | None:
    date, date_note = parse_citation_date(text) if text is not None else (None, None)
    from_year, year_note = parse_citation_date(year) if year is not None else (None, None)
    if date is not None:
        if date_note:
            notes.append(date_note)
        if from_year is not None and not (
            from_year.first_day() <= date.last_day() and date.first_day() <= from_year.last_day()
        ):
            notes.append(f"year {year!r} disagrees with date {text!r}; the date is used")
        return date
    if from_year is not None:
        if text is not None:
            notes.append(f"date {text!r} cannot be read; the year {year!r} is used")
        if year_note:
            notes.append(year_note.replace("date", "year", 1))
        return from_year
    if date_note:
        notes.append(date_note)
    if year_note:
        notes.append(year_note.replace("date", "year", 1))
    return None


def _pages(
    pages: str, spage: str | None, epage: str | None, notes: list[str]
) -> tuple[str | None, str | None]:
    m = _PAGES_RE.match(pages)
    if m is None:
        notes.append(f"pages {pages!r} is not a page range; ignored")
        return spage, epage
    first, last = m[1], m[2]
    if spage is not None and spage != first:
        notes.append(f"pages {pages!r} disagrees with spage {spage!r}; spage is used")
    return spage or first, epage or last


def _surname(aulast: str | None, notes: list[str]) -> str | None:
    """aulast is one surname; a list of authors keeps the first and reports the rest."""
    if aulast is None or ("," not in aulast and ";" not in aulast):
        return aulast
    first, rest = (part.strip() for part in re.split(r"[,;]", aulast, maxsplit=1))
    if rest:
        notes.append(f"aulast holds more than one surname; kept {first!r}, not parsed: {rest!r}")
    return first or None
