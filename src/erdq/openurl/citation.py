"""``Citation``: an OpenURL request reduced to what a link resolver matches on.

Whatever dialect the request came in (Z39.88-2004 KEV, OpenURL 0.1, a mixture, an XML
ContextObject), the citation has one shape: canonical identifiers (hyphenated ISSNs,
ISBN-13s, a validated DOI), a partial date that stands for an interval, volume and issue
as the text given (``volume_number`` / ``issue_number`` give their numeric value, Roman
numerals included), and the warnings collected while reading it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from erdq.model.coverage import enum_value
from erdq.model.dates import PartialDate

# Which KBART publication_type a citation can be in. Z39.88-2004 lets rft_val_fmt decide
# (its journal and book formats both have "proceeding" and "conference"); without a
# format the genre is read as in OpenURL 0.1, where a conference or proceeding is published
# in a serial.
_FORMAT_TYPES = {"journal": "serial", "book": "monograph"}
_GENRE_TYPES = {
    "journal": "serial", "issue": "serial", "article": "serial", "proceeding": "serial",
    "conference": "serial", "preprint": "serial",
    "book": "monograph", "bookitem": "monograph", "report": "monograph", "document": "monograph",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Citation:
    syntax: str = "kev"  # kev | xml
    version: str | None = None  # "1.0", "0.1", "mixed" (both dialects), None (nothing known)
    format: str | None = None  # from rft_val_fmt: journal, book, dissertation, patent, dc, marc
    genre: str | None = None  # lower case, one of the Z39.88 / 0.1 genres
    issns: tuple[str, ...] = ()  # canonical, as cited in issn / rft.issn
    eissns: tuple[str, ...] = ()  # canonical, as cited in eissn / rft.eissn
    isbns: tuple[str, ...] = ()  # canonical ISBN-13, in the order given
    doi: str | None = None  # as given (DOIs compare case-insensitively: ``doi_key``)
    pmid: str | None = None
    oclcnum: str | None = None
    lccn: str | None = None
    other_ids: tuple[str, ...] = ()  # rft_id values of other schemes (info:pii/ ...)
    invalid_identifiers: tuple[str, ...] = ()  # ISSNs/ISBNs/DOIs that failed validation
    jtitle: str | None = None
    btitle: str | None = None
    atitle: str | None = None
    stitle: str | None = None
    title: str | None = None  # rft.title / 0.1 title: journal or book, by genre
    date: PartialDate | None = None
    volume: str | None = None
    issue: str | None = None
    spage: str | None = None
    epage: str | None = None
    aulast: str | None = None
    aufirst: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    sources: tuple[str, ...] = ()  # rfr_id and sid values, in order
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def container_title(self) -> str | None:
        """The journal or book title, the one a title match uses."""
        return self.jtitle or self.btitle or self.title or self.stitle

    @property
    def publication_type(self) -> str | None:
        """``serial`` or ``monograph`` (KBART's publication_type), or None when unknown."""
        if self.format in _FORMAT_TYPES:
            return _FORMAT_TYPES[self.format]
        return _GENRE_TYPES.get(self.genre or "")

    @property
    def all_issns(self) -> tuple[str, ...]:
        """Print and electronic ISSNs together: either may be cited for either."""
        out = list(self.issns)
        out += [i for i in self.eissns if i not in out]
        return tuple(out)

    @property
    def doi_key(self) -> str | None:
        return self.doi.lower() if self.doi else None

    @property
    def doi_prefix(self) -> str | None:
        return self.doi.split("/", 1)[0] if self.doi else None

    @property
    def volume_number(self) -> int | None:
        return enum_value(self.volume)

    @property
    def issue_number(self) -> int | None:
        return enum_value(self.issue)

    @property
    def title_level(self) -> bool:
        """True when the request names no date, volume or issue: any coverage will do."""
        return self.date is None and not self.volume and not self.issue

    @property
    def insufficient(self) -> bool:
        """Nothing to match on: no usable identifier and no title."""
        return not (self.all_issns or self.isbns or self.doi or self.container_title)

    @property
    def source(self) -> str | None:
        return self.sources[0] if self.sources else None

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (docs/resolver.md); dates as ISO text."""
        return {
            "syntax": self.syntax,
            "version": self.version,
            "format": self.format,
            "genre": self.genre,
            "issn": list(self.issns),
            "eissn": list(self.eissns),
            "isbn": list(self.isbns),
            "doi": self.doi,
            "pmid": self.pmid,
            "oclcnum": self.oclcnum,
            "lccn": self.lccn,
            "other_ids": list(self.other_ids),
            "invalid_identifiers": list(self.invalid_identifiers),
            "jtitle": self.jtitle,
            "btitle": self.btitle,
            "atitle": self.atitle,
            "stitle": self.stitle,
            "title": self.title,
            "date": str(self.date) if self.date else None,
            "date_from": _iso(self.date.first_day()) if self.date else None,
            "date_to": _iso(self.date.last_day()) if self.date else None,
            "volume": self.volume,
            "volume_number": self.volume_number,
            "issue": self.issue,
            "issue_number": self.issue_number,
            "spage": self.spage,
            "epage": self.epage,
            "aulast": self.aulast,
            "aufirst": self.aufirst,
            "authors": list(self.authors),
            "publisher": self.publisher,
            "sources": list(self.sources),
        }


def _iso(day: dt.date) -> str:
    return day.isoformat()
