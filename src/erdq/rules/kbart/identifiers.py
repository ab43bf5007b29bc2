"""KB2xx: print and online identifiers (ISSN, ISBN-10/13)."""

from __future__ import annotations

from erdq.excel_values import scientific
from erdq.findings import Level, Severity
from erdq.identifiers import FORMAT_PROBLEMS, check_identifier
from erdq.readers.kbart import KbartRow
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.kbart.base import RowContext, row_check

ISSN_INVALID = rule(
    "KB201",
    "issn-invalid",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`{column}` {value!r} is not a valid ISSN ({problem}). Check the ISSN against "
    "the ISSN Portal and correct it.",
    doc=sections(
        what="ISSNs have 8 characters with a correct mod-11 check character (0-9 or X, X "
        "only last).",
        why="A wrong ISSN matches no citation: the link resolver and the central index "
        "cannot find the title, so its articles show as unavailable.",
        example="`1234-5678` (the check character should be 9).",
        fix="Look the title up in the ISSN Portal and copy the correct ISSN; ask the "
        "provider to correct its file.",
        references="ISO 3297 (ISSN); check digit computed with python-stdnum.",
    ),
    bad=Example(rows=({"print_identifier": "1234-5678"},)),
    good=Example(rows=({"print_identifier": "1234-5679"},)),
)

ISBN_INVALID = rule(
    "KB202",
    "isbn-invalid",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`{column}` {value!r} is not a valid ISBN ({problem}). Correct the ISBN from "
    "the book's record or the publisher's catalogue.",
    doc=sections(
        what="ISBN-10s and ISBN-13s have a correct check digit; an ISBN-13 starts with 978 "
        "or 979 and never ends in X; X is allowed only as the last character of an ISBN-10.",
        why="A wrong ISBN matches no MARC record and no OpenURL, so the e-book cannot be "
        "found or linked.",
        example="`978-1-137-05446-X` (an ISBN-13 cannot end in X).",
        fix="Copy the ISBN from the publisher's catalogue or the title page verso.",
        references="ISO 2108 (ISBN); check digits computed with python-stdnum.",
    ),
    bad=Example(
        rows=({"publication_type": "monograph", "online_identifier": "978-1-137-05446-X"},)
    ),
    good=Example(rows=({"publication_type": "monograph", "online_identifier": "9781090636072"},)),
)

PLACEHOLDER = rule(
    "KB203",
    "identifier-placeholder",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value!r} is a placeholder, not a real identifier, even if its "
    "check digit is valid. Leave the column empty or give the real identifier.",
    doc=sections(
        what="Identifiers are not fillers such as `0000-0000`, `7777-7777` or `1111-1111`.",
        why="Every title with the same placeholder 'matches' every other, so citations link "
        "to the wrong journal and deduplication merges unrelated titles.",
        example="`0000-0000` (its check digit is valid, but it is no ISSN).",
        fix="Remove the placeholder; give the real ISSN/ISBN if the title has one.",
    ),
    bad=Example(rows=({"print_identifier": "0000-0000"},)),
    good=Example(rows=({"print_identifier": ""},)),
)

KIND_MISMATCH = rule(
    "KB204",
    "identifier-kind-mismatch",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` holds an {found} but publication_type is `{ptype}`, which expects "
    "an {expected}. Check the identifier and the publication type.",
    doc=sections(
        what="Serials are identified by ISSNs, monographs by ISBNs.",
        why="An ISBN in a serial's identifier column (or an ISSN on a book) usually means "
        "a wrong publication_type or a shifted column; resolvers look in the wrong index.",
        example="publication_type `serial` with online_identifier `9781090636072`.",
        fix="Correct publication_type, or move the identifier to the right title.",
    ),
    bad=Example(rows=({"online_identifier": "9781090636072"},)),
    good=Example(rows=({"online_identifier": "2049-3630"},)),
)

NOT_A_NUMBER = rule(
    "KB205",
    "identifier-not-a-number",
    level=Level.PORTFOLIO,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="`{column}` holds {value!r}, which is not an ISSN or ISBN ({reason}). Give the "
    "real identifier, or leave the column empty when there is none.",
    doc=sections(
        what="Identifier columns hold an ISSN/ISBN or nothing: no `n/a`, `#N/A`, `-`, words, "
        "or numbers of the wrong length.",
        why="Fillers like `n/a` are read as identifiers by loaders and make unrelated titles "
        "look identical.",
        example="`n/a`, `#N/A` (an Excel lookup error), `unknown`.",
        fix="Empty the cell, or put in the real identifier.",
    ),
    bad=Example(rows=({"print_identifier": "n/a"},)),
    good=Example(rows=({"print_identifier": ""},)),
)

EXTRA_TEXT = rule(
    "KB206",
    "identifier-extra-text",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value!r} has {what}; the identifier read is {canonical}. Remove "
    "the extra characters.",
    doc=sections(
        what="An identifier cell holds only the number: no trailing junk, leading `#`, "
        "spaces inside, or qualifiers.",
        why="Exact-match loaders treat `0304-4130á` as a different identifier from "
        "`0304-4130`, so the title stops matching citations.",
        example="`0304-4130á`, `#1651-2551`, `978-956-303-036- 5`.",
        fix="Remove the extra characters, keeping the identifier shown.",
    ),
    bad=Example(rows=({"print_identifier": "1234-5679á"},)),
    good=Example(rows=({"print_identifier": "1234-5679"},)),
)

FORMAT = rule(
    "KB207",
    "identifier-format",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="`{column}` {value!r} is valid but written non-standardly ({problem}); write it "
    "as {canonical}.",
    doc=sections(
        what="ISSNs are written with all 9 characters including the hyphen and an upper-case X.",
        why="KBART asks for the hyphenated form; some loaders compare strings and miss "
        "`1303734x` against `1303-734X`.",
        example="`1303734x`.",
        fix="Write the identifier as shown (`1303-734X`).",
        references="NISO RP-9-2014 6.6.2-6.6.3 (print/online identifier).",
    ),
    bad=Example(rows=({"print_identifier": "12345679"},)),
    good=Example(rows=({"print_identifier": "1234-5679"},)),
)

IDENTICAL = rule(
    "KB208",
    "print-online-identical",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="print_identifier and online_identifier are the same ({value}). The print "
    "column should hold the print identifier; leave it empty if there is none.",
    doc=sections(
        what="print_identifier and online_identifier differ.",
        why="A copy of the e-ISSN in the print column hides the real print ISSN, which "
        "citations often use; the title then fails to match them.",
        example="`2049-3630` in both columns.",
        fix="Put the print ISSN/ISBN in print_identifier, or leave it empty.",
    ),
    bad=Example(rows=({"print_identifier": "2049-3630"},)),
    good=Example(rows=({},)),
)

NO_IDENTIFIER = rule(
    "KB209",
    "identifier-missing",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The row has neither a print nor an online identifier; it can be matched only "
    "by title. Add the ISSN/ISBN if the title has one.",
    doc=sections(
        what="A row has at least one of print_identifier and online_identifier.",
        why="Without an identifier a title can only be matched by its name, which is "
        "ambiguous; link resolvers give title-only matches low confidence.",
        example="A newspaper row with both identifier columns empty.",
        fix="Add the ISSN or ISBN; if the title truly has none, document that in notes.",
    ),
    bad=Example(rows=({"print_identifier": "", "online_identifier": ""},)),
    good=Example(rows=({"print_identifier": ""},)),
)

_COLUMNS = ("print_identifier", "online_identifier")
# The identifiers module's problem codes in words a librarian reads.
PROBLEM_TEXT = {
    "bad-check-digit": "wrong check digit",
    "bad-length": "wrong number of digits",
    "x-not-last": "X is allowed only as the last character",
    "isbn13-ends-in-x": "an ISBN-13 cannot end in X",
    "bad-prefix": "an ISBN-13 starts with 978 or 979",
    "leading-text": "text before the number",
    "trailing-text": "text after the number",
    "qualifier": "a qualifier in parentheses",
    "embedded-whitespace": "spaces inside the number",
    "lowercase-x": "a lower-case x",
    "no-hyphen": "no hyphen, where KBART wants all 9 characters",
    "bad-hyphenation": "hyphens in odd places or dash look-alikes",
}
_NAMES = {"issn": "ISSN", "isbn10": "ISBN", "isbn13": "ISBN"}


@row_check(
    ISSN_INVALID,
    ISBN_INVALID,
    PLACEHOLDER,
    KIND_MISMATCH,
    NOT_A_NUMBER,
    EXTRA_TEXT,
    FORMAT,
    IDENTICAL,
    NO_IDENTIFIER,
)
def check_identifiers(row: KbartRow, ctx: RowContext) -> None:
    values = row.values
    ptype = values.get("publication_type", "").strip().lower()
    canonicals: list[str] = []
    pairs: list[tuple[str, str]] = []
    present = 0
    for column in _COLUMNS:
        raw = values.get(column, "")
        if not raw or not raw.strip():
            continue
        present += 1
        result = check_identifier(raw)
        problems = result.problems
        if result.kind == "unknown" or "not-a-number" in problems:
            sci = scientific(raw)
            if sci is not None:
                # 9.78019E+12: the file was saved from Excel, which kept 6 digits of 13.
                reason = (
                    f"a number in Excel's scientific notation: the file went through "
                    f"Excel, which kept only {len(sci[0])} significant digits of "
                    f"{sci[1] + 1}, and the others cannot be recovered from the file; take "
                    "the identifier from the provider's original file, and format the "
                    "column as text before saving from Excel"
                )
            elif result.compact and "not-a-number" not in problems:
                reason = (
                    f"{len(result.compact)} digits; an ISSN has 8, an ISBN 10 or 13"
                    " — a lost leading zero?"
                    if len(result.compact) in (7, 9, 12)
                    else f"{len(result.compact)} digits; an ISSN has 8, an ISBN 10 or 13"
                )
            else:
                reason = "no number in it"
            ctx.report("KB205", row.line, column=column, value=raw, reason=reason)
            continue
        if "placeholder" in problems:
            # A filler is neither a real identifier nor worth a format or kind remark.
            ctx.report("KB203", row.line, column=column, value=raw)
            continue
        if not result.valid:
            hard = [p for p in problems if p not in FORMAT_PROBLEMS] or ["bad-check-digit"]
            problem = "; ".join(PROBLEM_TEXT.get(p, p) for p in hard)
            if result.expected_check and "bad-check-digit" in hard:
                problem += f": it should be {result.expected_check}"
            soft = [PROBLEM_TEXT.get(p, p) for p in problems if p in FORMAT_PROBLEMS]
            if soft:
                problem += "; also " + ", ".join(soft)
            code = "KB201" if result.kind == "issn" else "KB202"
            ctx.report(code, row.line, column=column, value=raw, problem=problem)
        if result.valid:
            canonicals.append(result.canonical or "")
            pairs.append((result.canonical or "", column))
            # An ISBN is shown as given (10 or 13 digits), an ISSN hyphenated.
            shown = (result.canonical if result.kind == "issn" else result.compact) or ""
            surround = [
                p
                for p in problems
                if p in ("leading-text", "trailing-text", "qualifier", "embedded-whitespace")
            ]
            if surround:
                ctx.report(
                    "KB206",
                    row.line,
                    column=column,
                    value=raw,
                    extra=result.extra or "",
                    what="; ".join(
                        f"{PROBLEM_TEXT[p]} ({result.extra!r})"
                        if p in ("leading-text", "trailing-text", "qualifier") and result.extra
                        else PROBLEM_TEXT[p]
                        for p in surround
                    ),
                    canonical=shown,
                )
            style = [p for p in problems if p in ("lowercase-x", "no-hyphen", "bad-hyphenation")]
            if style and not surround:
                ctx.report(
                    "KB207",
                    row.line,
                    column=column,
                    value=raw,
                    problem=", ".join(PROBLEM_TEXT.get(p, p) for p in style),
                    canonical=shown,
                )
        if ptype in ("serial", "monograph") and result.kind != "unknown":
            is_issn = result.kind == "issn"
            if ptype == "serial" and not is_issn:
                ctx.report(
                    "KB204",
                    row.line,
                    column=column,
                    value=raw,
                    found="ISBN",
                    ptype=ptype,
                    expected="ISSN",
                )
            elif ptype == "monograph" and is_issn:
                ctx.report(
                    "KB204",
                    row.line,
                    column=column,
                    value=raw,
                    found="ISSN",
                    ptype=ptype,
                    expected="ISBN",
                )
    # Shared with the cross-row checkers, which need the same parsed identifiers.
    row.memo["ident_columns"] = tuple(pairs)
    if present == 0:
        ctx.report("KB209", row.line, column="print_identifier")
    elif len(canonicals) == 2 and canonicals[0] == canonicals[1]:
        # Canonical forms are equal for the same ISSN, or an ISBN-10 and its ISBN-13.
        ctx.report("KB208", row.line, column="print_identifier", value=canonicals[0])
