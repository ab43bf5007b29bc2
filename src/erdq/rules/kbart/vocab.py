"""KB5xx: columns with a closed vocabulary (publication_type, coverage_depth, access_type)."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz, process

from erdq.findings import Level, Severity
from erdq.kbart_fields import synonyms, vocabulary
from erdq.readers.kbart import KbartRow
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.kbart.base import RowContext, row_check

PUBLICATION_TYPE_INVALID = rule(
    "KB501",
    "publication-type-invalid",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`publication_type` {value!r} is not a KBART value (serial, monograph){suggest}",
    doc=sections(
        what="`publication_type` is `serial` or `monograph`.",
        why="Knowledge bases decide from it whether to match by ISSN or ISBN and whether "
        "coverage is a date range or a single book; other values are dropped or rejected.",
        example="`journal` (say `serial`), `book` (say `monograph`).",
        fix="Use `serial` for journals, newspapers and book series; `monograph` for books.",
        references="NISO RP-9-2014 6.6.17.",
    ),
    bad=Example(rows=({"publication_type": "journal"},)),
    good=Example(rows=({"publication_type": "serial"},)),
)

COVERAGE_DEPTH_INVALID = rule(
    "KB502",
    "coverage-depth-invalid",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`coverage_depth` {value!r} is not a KBART value (fulltext, selected articles, "
    "abstracts){suggest}",
    doc=sections(
        what="`coverage_depth` is `fulltext`, `selected articles` or `abstracts`.",
        why="Resolvers offer full-text links only for full-text coverage; an unknown value "
        "can hide the full text or promise it where there are only abstracts.",
        example="`Full text`, `volltext`, `237486` (a shifted value).",
        fix="Use one of the three values; e-books are `fulltext`.",
        references="NISO RP-9-2014 6.6.14.",
    ),
    bad=Example(rows=({"coverage_depth": "full text"},)),
    good=Example(rows=({"coverage_depth": "fulltext"},)),
)

ACCESS_TYPE_INVALID = rule(
    "KB503",
    "access-type-invalid",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`access_type` {value!r} is not a KBART value (F free, P paid; M mixed in "
    "Phase III){suggest}",
    doc=sections(
        what="`access_type` is `F` (free) or `P` (paid); `M` (mixed, hybrid) comes with "
        "KBART Phase III.",
        why="Knowledge bases use it to activate open-access titles for everyone; a wrong "
        "value puts free content behind authentication or the reverse.",
        example="`Paid`, `Free`, `P\\r` (an escaped line end in the data).",
        fix="Use the single letter: `P` or `F`.",
        references="NISO RP-9-2014 6.6.25.",
    ),
    bad=Example(rows=({"access_type": "Paid"},)),
    good=Example(rows=({"access_type": "P"},)),
)

VOCABULARY_CASE = rule(
    "KB504",
    "vocabulary-case",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value!r} differs from the KBART value {expected!r} only in letter "
    "case or surrounding spaces. Write {expected!r}.",
    doc=sections(
        what="Controlled values are written exactly: `serial`, `fulltext`, `P`.",
        why="Case-sensitive loaders reject `Fulltext` or `Monograph`; lenient ones accept "
        "them, so the same file behaves differently in different systems.",
        example="`Fulltext`, `Monograph`, `serial ` (trailing space).",
        fix="Write the value exactly as shown.",
    ),
    bad=Example(rows=({"coverage_depth": "Fulltext"},)),
    good=Example(rows=({"coverage_depth": "fulltext"},)),
)

COVERAGE_DEPTH_MISSING = rule(
    "KB505",
    "coverage-depth-missing",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`coverage_depth` is empty; it is required on every row, monographs included. "
    "Full e-books are `fulltext`.",
    doc=sections(
        what="Every row has a `coverage_depth`.",
        why="Whole packages have been rejected by knowledge bases because this column was "
        "empty on every line.",
        example="An e-book row with an empty coverage_depth.",
        fix="Fill it: `fulltext` for full e-books and full-text journals.",
    ),
    bad=Example(rows=({"coverage_depth": ""},)),
    good=Example(rows=({},)),
)

PUBLICATION_TYPE_MISSING = rule(
    "KB506",
    "publication-type-missing",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`publication_type` is empty; give `serial` or `monograph`.",
    doc=sections(
        what="Every row has a `publication_type`.",
        why="Without it a loader cannot tell a journal from a book and may match by the "
        "wrong kind of identifier.",
        example="An empty publication_type.",
        fix="Fill `serial` or `monograph`.",
    ),
    bad=Example(rows=({"publication_type": ""},)),
    good=Example(rows=({},)),
)

ACCESS_TYPE_MISSING = rule(
    "KB507",
    "access-type-missing",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`access_type` is empty; give `P` (paid) or `F` (free).",
    doc=sections(
        what="Every row has an `access_type`.",
        why="Open-access titles cannot be switched on for everyone without it.",
        example="An empty access_type.",
        fix="Fill `P` or `F`.",
    ),
    bad=Example(rows=({"access_type": ""},)),
    good=Example(rows=({},)),
)

_INVALID = {
    "publication_type": "KB501",
    "coverage_depth": "KB502",
    "access_type": "KB503",
}
_MISSING = {
    "publication_type": "KB506",
    "coverage_depth": "KB505",
    "access_type": "KB507",
}


@lru_cache(maxsize=4096)
def judge(column: str, value: str) -> tuple[str, str | None] | None:
    """None when valid; else (code, suggestion). Cached: these columns repeat on every row."""
    allowed = vocabulary(column)
    if value in allowed:
        return None
    if not value.strip():
        return _MISSING[column], None
    squeezed = " ".join(value.split())
    by_fold = {a.casefold(): a for a in allowed}
    folded = squeezed.casefold()
    if folded in by_fold:
        return "KB504", by_fold[folded]
    cleaned = squeezed.replace("\\r", "").replace("\\n", "").strip()
    if cleaned.casefold() in {a.casefold() for a in allowed}:
        return _INVALID[column], next(a for a in allowed if a.casefold() == cleaned.casefold())
    synonym = synonyms(column).get(cleaned.casefold())
    if synonym:
        return _INVALID[column], synonym
    match = process.extractOne(
        cleaned.casefold(), [a.casefold() for a in allowed], scorer=fuzz.ratio, score_cutoff=75
    )
    if match:
        return _INVALID[column], allowed[match[2]]
    return _INVALID[column], None


@row_check(
    PUBLICATION_TYPE_INVALID,
    COVERAGE_DEPTH_INVALID,
    ACCESS_TYPE_INVALID,
    VOCABULARY_CASE,
    COVERAGE_DEPTH_MISSING,
    PUBLICATION_TYPE_MISSING,
    ACCESS_TYPE_MISSING,
)
def check_vocabularies(row: KbartRow, ctx: RowContext) -> None:
    values = row.values
    for column in _INVALID:
        value = values.get(column)
        if value is None:
            continue  # the column is absent: reported once for the file (KB107)
        verdict = judge(column, value)
        if verdict is None:
            continue
        code, suggestion = verdict
        ctx.report(
            code,
            row.line,
            column=column,
            value=value,
            expected=suggestion,
            suggest=f"; did you mean {suggestion!r}?" if suggestion else ".",
        )
