"""The KBART rows an e-book record takes its e-ISBN and link from, indexed by ISBN.

A print record matches a row when one of its ISBNs (020 $a/$z, 776 $z), as ISBN-13
(``erdq.identifiers.isbn13``, so ISBN-10 and ISBN-13 forms agree), is the row's
``print_identifier`` or ``online_identifier``. Nothing is guessed: a record with no
matching row gets no link, and neither does one whose row's ``title_url`` the KBART
rules (``erdq.rules.kbart.urls``) judge an error (KB401-KB403: empty, not an absolute
http(s) URL, white space in it).

A file that is not KBART at all (unreadable, another kind of file, no header row,
empty) is refused (``InputError``) as ``erdq kbart diff`` refuses it: read as KBART it
would give "0 rows" and every record "no-kbart-match".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from erdq.diff.kbart import UNUSABLE_CODES, not_kbart_error
from erdq.errors import InputError
from erdq.findings import Severity
from erdq.identifiers import isbn13
from erdq.readers.kbart import KbartReader, KbartRow
from erdq.registry import get_rule
from erdq.rules.kbart.base import RowContext
from erdq.rules.kbart.urls import check_title_url

# What ``--kbart`` takes: the reason told whenever a file is refused.
_KBART_HINT = (
    "give --kbart the provider's tab-separated KBART file, whose first line is its header "
    "row (publication_title, print_identifier, online_identifier, ... title_url); "
    "no output was written"
)


@dataclass(frozen=True, slots=True)
class KbartTitle:
    """What print2e takes from one KBART row (``line``: its line in the file)."""

    line: int
    publication_title: str
    online_identifier: str
    online_isbn: str | None
    print_isbn: str | None
    title_url: str


@dataclass
class KbartIndex:
    """KBART rows by ISBN-13. ``problems`` counts the reader's findings by code, and
    ``unusable`` the rows without a valid ISBN in either identifier column."""

    source: str = ""
    rows: int = 0
    unusable: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    by_isbn: dict[str, list[KbartTitle]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: str | Path) -> KbartIndex:
        """The rows of a KBART file. A file that is not KBART (unreadable, another kind
        of file, no header row, empty) raises ``InputError``, as ``erdq kbart diff``
        refuses it; a header without rows is KBART, and its records are reported as
        matching no row."""
        index = cls(source=str(path))

        def report(code: str, line: int | None = None, *args: object, **params: object) -> None:
            if code in UNUSABLE_CODES and (code != "KB118" or reader.header is None):
                raise _not_kbart(Path(path), code, str(params.get("reason", "")))
            index.problems[code] += 1

        reader = KbartReader(path, report)
        for row in reader:
            index.add(
                KbartTitle(
                    line=row.line,
                    publication_title=row.get("publication_title").strip(),
                    online_identifier=row.get("online_identifier").strip(),
                    online_isbn=isbn13(row.get("online_identifier")),
                    print_isbn=isbn13(row.get("print_identifier")),
                    title_url=row.get("title_url").strip(),
                )
            )
        return index

    def add(self, title: KbartTitle) -> None:
        self.rows += 1
        keys = {k for k in (title.print_isbn, title.online_isbn) if k}
        if not keys:
            self.unusable += 1
        for key in keys:
            self.by_isbn.setdefault(key, []).append(title)

    def match(self, isbns: Iterable[str]) -> list[KbartTitle]:
        """The distinct rows matching any of ``isbns`` (ISBN-13s), in file order."""
        found: dict[int, KbartTitle] = {}
        for key in isbns:
            for title in self.by_isbn.get(key, ()):
                found.setdefault(title.line, title)
        return [found[line] for line in sorted(found)]


def _not_kbart(path: Path, code: str, reason: str) -> InputError:
    """``erdq kbart diff``'s refusal of a file that is not KBART, with the hint of
    ``--kbart``; it says the file has no KBART header when it is another kind of file
    (MARC, a workbook) or empty. KB105 says so itself; an unreadable file is not told."""
    message = str(not_kbart_error(path, code, reason).args[0])
    if code == "KB118" or reason.endswith("not KBART"):
        message += ": it has no KBART header row"
    return InputError(message, hint=_KBART_HINT)


@dataclass(frozen=True, slots=True)
class UrlProblem:
    """What a KBART rule says about a ``title_url``: its code and name (``KB402
    title-url-not-absolute``), its message, and whether it is an error (the URL is then
    no link a browser can follow, and goes into no 856)."""

    code: str
    name: str
    message: str
    error: bool


@lru_cache(maxsize=1 << 12)
def title_url_problems(url: str) -> tuple[UrlProblem, ...]:
    """The KBART rules' judgement of one ``title_url`` (the KB4xx checker itself, run on
    the value alone); empty when it is a usable absolute http(s) URL."""
    found: list[tuple[str, dict[str, object]]] = []

    def report(code: str, line: int | None = None, **params: object) -> None:
        found.append((code, params))

    ctx = RowContext(source="", report=report, today=dt.date.today())
    check_title_url(KbartRow(line=0, values={"title_url": url}), ctx)
    out = []
    for code, params in found:
        rule = get_rule(code)
        value = params.pop("value", None)
        params.pop("column", None)
        out.append(
            UrlProblem(
                code,
                rule.name,
                rule.render(params, None if value is None else str(value)),
                rule.severity == Severity.ERROR,
            )
        )
    return tuple(out)


def usable_url(title: KbartTitle) -> bool:
    """Whether the row's ``title_url`` may go into 856 $u: no KBART rule judges it an
    error (empty, not an absolute http(s) URL, white space in it)."""
    return not any(p.error for p in title_url_problems(title.title_url))
