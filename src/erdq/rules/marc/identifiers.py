"""MR3xx: ISBNs and ISSNs in 020, 022, linking entries (76X-78X) and series (490, 8XX).

Every number is checked by ``erdq.identifiers`` (python-stdnum underneath), which also
separates the number from what surrounds it (case BR-030). Three results stay apart:

* the number is invalid (MR301, MR302, MR306-MR308);
* the number is valid but the subfield carries ISBD punctuation (MR303, information only:
  " :" before $c, " ;" before $v is how AACR2/ISBD records are punctuated), a qualifier
  that belongs in 020 $q (MR304), or other text and spacing (MR305);
* a link to the other format repeats the record's own number (MR309).

Only the subfields that must hold a valid number are checked: 020 $a, 022 $a and $l,
76X-78X $x and $z, 490/8XX $x. 020 $z and 022 $y/$z hold cancelled or incorrect numbers by
definition and are left alone; hyphens in an ISBN are not reported.
"""

from __future__ import annotations

import re

from erdq import marc21
from erdq.findings import Level, Severity
from erdq.identifiers import IdentifierCheck, check_isbn, check_issn
from erdq.readers.marc import MarcItem
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.marc.base import RecordContext, record_check
from erdq.rules.marc.control import mrk

_REF = "MARC 21 Format for Bibliographic Data (Library of Congress): {}; ISO 2108 (ISBN), "
_REF += "ISO 3297 (ISSN); check digits computed with python-stdnum."
_REF_020 = _REF.format("020 International Standard Book Number")
_REF_022 = _REF.format("022 International Standard Serial Number")

ISBN_INVALID = rule(
    "MR301",
    "marc-isbn-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="020 ${subfield} {value!r} is not a valid ISBN ({problem}). If the resource "
    "itself carries this wrong ISBN, move it to 020 $z (cancelled/invalid ISBN); otherwise "
    "correct it from the resource or the publisher's catalogue.",
    doc=sections(
        what="020 $a holds a valid ISBN-10 or ISBN-13: right length, a 978/979 prefix for "
        "ISBN-13, X only as the last character of an ISBN-10, and a correct check digit.",
        why="020 $a is the ISBN that matching, deduplication, KBART portfolio linking, "
        "cover services and OpenURL use. A wrong number links the record to another book "
        "or to nothing. Invalid ISBNs printed on a book are real data, but MARC 21 keeps "
        "them in $z, where they are searchable without being used for matching.",
        example="`020 ## $a 9780306406158` (the check digit should be 7).",
        fix="Correct the ISBN; when the resource really carries the wrong number, move it "
        "to $z and put the right one (if known) in $a.",
        references=_REF_020,
    ),
    bad=Example(raw=mrk("=001  mr301", "=020  \\\\$a9780306406158", "=245  00$aTitle.")),
    good=Example(raw=mrk("=001  mr301", "=020  \\\\$a9780306406157", "=245  00$aTitle.")),
)

ISSN_INVALID = rule(
    "MR302",
    "marc-issn-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="022 ${subfield} {value!r} is not a valid ISSN ({problem}). If the resource "
    "carries this wrong ISSN, move it to 022 $y (incorrect ISSN; a cancelled one goes in "
    "$z); otherwise correct it from the ISSN Portal.",
    doc=sections(
        what="022 $a (ISSN) and $l (ISSN-L) hold valid ISSNs: 8 characters with a correct "
        "mod-11 check character.",
        why="Link resolvers and knowledge bases match serials by ISSN; a wrong ISSN in "
        "022 $a attaches the record to no holdings or to another journal's.",
        example="`022 ## $a 1234-5678` (the check character should be 9).",
        fix="Correct the ISSN from the ISSN Portal; keep a wrong ISSN printed on the issues "
        "in $y, a cancelled one in $z.",
        references=_REF_022,
    ),
    bad=Example(raw=mrk("=001  mr302", "=022  \\\\$a1234-5678", "=245  00$aTitle.")),
    good=Example(raw=mrk("=001  mr302", "=022  \\\\$a1234-5679", "=245  00$aTitle.")),
)

ISBD_PUNCTUATION = rule(
    "MR303",
    "identifier-isbd-punctuation",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="{tag} ${subfield} {value!r} ends in the ISBD punctuation {punctuation!r} "
    "before the next subfield; the number {canonical} is valid. Nothing is wrong with the "
    "number; remove the punctuation only if your system indexes the subfield as it is.",
    doc=sections(
        what="Reports, as information, an ISBN or ISSN subfield that ends in ISBD "
        "punctuation (` :` before 020 $c, ` ;` before 490 $v, a final `.`). The number is "
        "read without it and checked as usual (case BR-030).",
        why="This is how AACR2/ISBD records are punctuated, not an invalid identifier; "
        "some tools (QA catalogue once did) report `1798-7105 ;` as an invalid ISSN, and "
        "exact-match loaders that take the subfield as it is miss the number.",
        example="`020 ## $a 9782266185813 : $c 7,60 EUR`; `490 1# $a ... $x 1798-7105 ; $v 12`.",
        fix="Usually nothing. If a downstream system indexes the subfield as it is, strip "
        "the punctuation in the export profile rather than in the record.",
        references=_REF_020 + " Case BR-030.",
    ),
    bad=Example(
        raw=mrk("=001  mr303", "=020  \\\\$a9782266185813 :$c7,60 EUR", "=245  00$aTitle.")
    ),
    good=Example(raw=mrk("=001  mr303", "=020  \\\\$a9782266185813$c7,60 EUR", "=245  00$aTitle.")),
)

ISBN_QUALIFIER = rule(
    "MR304",
    "isbn-qualifier-in-a",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="020 ${subfield} {value!r} carries the qualifier {qualifier!r} after the valid "
    "ISBN {canonical}; MARC 21 keeps qualifiers in $q, without parentheses. Write the "
    "field as $a {compact} $q {qualifier_text} instead.",
    doc=sections(
        what="020 $a holds the ISBN alone; qualifying information such as `(pbk.)`, "
        "`(electronic bk.)` or `(pt. 1)` goes in $q (defined in 2013).",
        why="Tools that take $a as the ISBN fail on the extra text (NNELS and Princeton "
        "could not use such ISBNs for covers and linking); $q keeps the qualifier "
        "displayable without spoiling the number.",
        example="`020 ## $a 9780160833083 (pt. 1)`.",
        fix="Move the qualifier to $q without the parentheses: `$a 9780160833083 $q pt. 1`.",
        references=_REF_020 + " Case BR-030.",
    ),
    bad=Example(raw=mrk("=001  mr304", "=020  \\\\$a9780160833083 (pt. 1)", "=245  00$aTitle.")),
    good=Example(raw=mrk("=001  mr304", "=020  \\\\$a9780160833083$qpt. 1", "=245  00$aTitle.")),
)

FORMATTING = rule(
    "MR305",
    "identifier-formatting",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{tag} ${subfield} {value!r} holds the valid {kind} {canonical} but {problem}. "
    "Write the subfield as {canonical}.",
    doc=sections(
        what="An ISBN or ISSN subfield holds the number only: no spaces inside it, no "
        "text before or after it (other than ISBD punctuation, MR303, or a 020 qualifier, "
        "MR304), an upper-case X, and for ISSNs the hyphen in the middle.",
        why="Exact-match loaders and discovery indexes take the subfield as it is: "
        "`978-956-303-036- 5` or `0304-4130á` match nothing, though the number inside is "
        "valid.",
        example="`020 ## $a 978-956-303-036- 5` (a space inside the number); "
        "`022 ## $a 12345679` (no hyphen).",
        fix="Rewrite the subfield as the number shown in the message.",
        references=_REF_020 + " " + _REF_022 + " Case BR-030.",
    ),
    bad=Example(raw=mrk("=001  mr305", "=020  \\\\$a978-956-303-036- 5", "=245  00$aTitle.")),
    good=Example(raw=mrk("=001  mr305", "=020  \\\\$a9789563030365", "=245  00$aTitle.")),
)

PLACEHOLDER = rule(
    "MR306",
    "marc-identifier-placeholder",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{tag} ${subfield} {value!r} is a filler, not a real {kind}, even if its check "
    "digit is valid. Remove it, or give the real number.",
    doc=sections(
        what="ISBN and ISSN subfields do not hold repeated-digit fillers such as "
        "`0000000000` or `0000-0000`.",
        why="Every record with the same filler 'matches' every other: deduplication merges "
        "unrelated titles and portfolio linking attaches the wrong records.",
        example="`020 ## $a 0000000000`.",
        fix="Delete the subfield (or the field); add the real ISBN/ISSN if there is one.",
        references=_REF_020,
    ),
    bad=Example(raw=mrk("=001  mr306", "=020  \\\\$a0000000000", "=245  00$aTitle.")),
    good=Example(raw=mrk("=001  mr306", "=245  00$aTitle.")),
)

LINK_INVALID = rule(
    "MR307",
    "linking-identifier-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{tag} ${subfield} {value!r} is not a valid {kind} ({problem}); the link to "
    "the related resource cannot be followed. Correct it from the related record.",
    doc=sections(
        what="In linking entries (760-787), $x holds a valid ISSN and $z a valid ISBN; "
        "776 (additional physical form) is the one that links an e-resource to its print "
        "version.",
        why="Discovery systems and the KBART linkage use 776 $z/$x to connect the online "
        "and print versions (and their holdings); an invalid number breaks the link.",
        example="`776 08 $i Print version: $z 9780306406158`.",
        fix="Copy the number from the related record.",
        references=_REF.format("76X-78X Linking Entries - General Information"),
    ),
    bad=Example(
        raw=mrk("=001  mr307", "=245  00$aTitle.", "=776  08$iPrint version:$z9780306406158")
    ),
    good=Example(
        raw=mrk("=001  mr307", "=245  00$aTitle.", "=776  08$iPrint version:$z9780306406157")
    ),
)

SERIES_ISSN_INVALID = rule(
    "MR308",
    "series-issn-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{tag} $x {value!r} is not a valid ISSN ({problem}). Correct the series ISSN "
    "from the ISSN Portal or the series' own record.",
    doc=sections(
        what="The series ISSN in 490 $x and in 800/810/811/830 $x (and obsolete 440 $x) is valid.",
        why="Series ISSNs collocate the volumes of a series and link them to its serial "
        "record; an invalid one splits the series.",
        example="`490 1# $a Invented monograph series, $x 1798-7106 ; $v 12`.",
        fix="Correct the ISSN.",
        references=_REF.format("490 Series Statement; 830 Series Added Entry"),
    ),
    bad=Example(raw=mrk("=001  mr308", "=245  00$aTitle.", "=490  1\\$aSeries ;$x1798-7106 ;$v12")),
    good=Example(
        raw=mrk("=001  mr308", "=245  00$aTitle.", "=490  1\\$aSeries ;$x1798-7105 ;$v12")
    ),
)

LINK_SELF = rule(
    "MR309",
    "linking-identifier-self",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{tag} ${subfield} {value!r} is the record's own {kind} (also in {own_tag} $a): "
    "the link to the {relation} points back at this record. Put the other format's "
    "number in {tag}, or this format's in {own_tag} $a.",
    doc=sections(
        what="A 776 (additional physical form) link does not carry the same ISBN/ISSN as "
        "the record's own 020 $a or 022 $a.",
        why="Vendor e-book records often copy the print ISBN into 020 $a and 776 $z alike: "
        "the e-record then matches the print portfolio, and print and online holdings "
        "are merged or swapped in discovery.",
        example="`020 ## $a 9780306406157` and `776 08 $i Print version: $z 9780306406157`.",
        fix="Keep the e-ISBN in 020 $a and the print ISBN in 776 $z (or 020 $z with a "
        "qualifier, by local practice).",
        references=_REF.format("776 Additional Physical Form Entry")
        + " Provider-neutral e-monograph record guidelines (PCC).",
    ),
    bad=Example(
        raw=mrk(
            "=001  mr309",
            "=020  \\\\$a9780306406157",
            "=245  00$aTitle.",
            "=776  08$iPrint version:$z9780306406157",
        )
    ),
    good=Example(
        raw=mrk(
            "=001  mr309",
            "=020  \\\\$a9780306406157",
            "=245  00$aTitle.",
            "=776  08$iPrint version:$z9781090636072",
        )
    ),
)

_PROBLEM_TEXT = {
    "empty": "it is empty",
    "not-a-number": "there is no number in it",
    "bad-length": "wrong number of characters",
    "x-not-last": "X is allowed only as the last character",
    "isbn13-ends-in-x": "an ISBN-13 cannot end in X",
    "bad-prefix": "an ISBN-13 starts with 978 or 979",
    "bad-check-digit": "wrong check digit",
    "placeholder": "a repeated-digit filler",
    "leading-text": "has text before the number",
    "trailing-text": "has text after the number",
    "qualifier": "has a qualifier in parentheses",
    "embedded-whitespace": "has spaces inside the number",
    "lowercase-x": "has a lower-case x",
    "no-hyphen": "lacks the hyphen (write it as 1234-5679)",
    "bad-hyphenation": "has hyphens in odd places or dash look-alikes",
}
_KIND_NAME = {"issn": "ISSN", "isbn10": "ISBN", "isbn13": "ISBN", "unknown": "number"}
_ISBD = frozenset(":;.,=/+")
_QUALIFIER_RE = re.compile(r"\(([^()]*)\)")
_SURROUND = frozenset({"leading-text", "trailing-text", "qualifier"})
_STYLE = ("embedded-whitespace", "lowercase-x", "no-hyphen", "bad-hyphenation")
_LINK_TAGS = frozenset(
    tag for tag in marc21.FIELDS if "760" <= tag <= "787"
)  # every linking entry defined in the data file
_SERIES_TAGS = frozenset({"440", "490", "800", "810", "811", "830"})
_ID_TAGS = frozenset({"020", "022"}) | _LINK_TAGS | _SERIES_TAGS  # the fields checked here


def _invalid_problem(result: IdentifierCheck, wanted: str) -> str:
    """Why a number is invalid, in words, with the right check digit when known."""
    if result.kind != "unknown" and _KIND_NAME[result.kind] != wanted:
        other = _KIND_NAME[result.kind]
        where = "020" if other == "ISBN" else "022"
        length = len(result.compact or "")
        return f"{length} characters: it looks like an {other}, which goes in {where}"
    hard = [p for p in result.problems if p not in _SURROUND and p not in _STYLE] or [
        "bad-check-digit"
    ]
    text = "; ".join(_PROBLEM_TEXT.get(p, p) for p in hard)
    if result.expected_check and "bad-check-digit" in hard:
        text += f": it should be {result.expected_check}"
    return text


def _shown(result: IdentifierCheck) -> str:
    """ISSN hyphenated, ISBN compact in the form given (10 stays 10)."""
    if result.kind == "issn":
        return result.canonical or ""
    return result.compact or ""


def _check_value(
    item: MarcItem, ctx: RecordContext, tag: str, code: str, value: str, family: str
) -> IdentifierCheck | None:
    """Report what is wrong with one identifier subfield; the result when it is valid."""
    if not value.strip():
        return None
    result = check_isbn(value) if family == "ISBN" else check_issn(value)
    ordinal = item.ordinal
    where = {"value": value, "tag": tag, "subfield": code}
    if "placeholder" in result.problems:
        ctx.report("MR306", ordinal, **where, kind=family)
        return None
    if not result.valid:
        problem = _invalid_problem(result, family)
        if tag in _LINK_TAGS:
            ctx.report("MR307", ordinal, **where, kind=family, problem=problem)
        elif tag in _SERIES_TAGS:
            ctx.report("MR308", ordinal, value=value, tag=tag, subfield="x", problem=problem)
        elif family == "ISBN":
            ctx.report("MR301", ordinal, **where, problem=problem)
        else:
            ctx.report("MR302", ordinal, **where, problem=problem)
        return None
    if not result.problems:
        return result
    canonical = _shown(result)
    start, end = result.span or (0, len(value))
    before, after = value[:start], value[end:]
    qualifiers = _QUALIFIER_RE.findall(after)
    residue = _QUALIFIER_RE.sub("", after).strip()
    other: list[str] = []
    if before.strip():
        other.append(_PROBLEM_TEXT["leading-text"])
    if qualifiers and tag == "020":
        qualifier = "(" + qualifiers[0] + ")"
        ctx.report(
            "MR304",
            ordinal,
            **where,
            qualifier=qualifier,
            qualifier_text=qualifiers[0].strip(),
            canonical=canonical,
            compact=canonical,
        )
    elif qualifiers:
        other.append(_PROBLEM_TEXT["qualifier"])
    if residue and not (len(residue) == 1 and residue in _ISBD):
        other.append(_PROBLEM_TEXT["trailing-text"])
    elif residue and not qualifiers:
        ctx.report(
            "MR303",
            ordinal,
            **where,
            punctuation=" " + residue if after.startswith(" ") else residue,
            canonical=canonical,
        )
    other += [_PROBLEM_TEXT[p] for p in _STYLE if p in result.problems]
    if other:
        ctx.report(
            "MR305",
            ordinal,
            **where,
            kind=family,
            canonical=canonical,
            problem=" and ".join(other),
        )
    return result


@record_check(
    ISBN_INVALID,
    ISSN_INVALID,
    ISBD_PUNCTUATION,
    ISBN_QUALIFIER,
    FORMATTING,
    PLACEHOLDER,
    LINK_INVALID,
    SERIES_ISSN_INVALID,
    LINK_SELF,
)
def check_identifiers(item: MarcItem, ctx: RecordContext) -> None:
    own: dict[str, str] = {}  # canonical number -> the tag it came from (020 or 022)
    links: list[tuple[str, str, str, IdentifierCheck]] = []
    for field in item.record.fields:
        tag = field.tag
        if tag not in _ID_TAGS or field.control_field:
            continue
        wanted: dict[str, str]
        if tag == "020":
            wanted = {"a": "ISBN"}
        elif tag == "022":
            wanted = {"a": "ISSN", "l": "ISSN"}
        elif tag in _LINK_TAGS:
            wanted = {"x": "ISSN", "z": "ISBN"}
        elif tag in _SERIES_TAGS:
            wanted = {"x": "ISSN"}
        else:
            continue
        for sf in field.subfields or ():
            family = wanted.get(sf.code)
            if family is None or sf.value is None:
                continue
            result = _check_value(item, ctx, tag, sf.code, sf.value, family)
            if result is None or result.canonical is None:
                continue
            if sf.code == "a":
                own.setdefault(result.canonical, tag)
            elif tag == "776":
                links.append((tag, sf.code, sf.value, result))
    for tag, code, value, result in links:
        own_tag = own.get(result.canonical or "")
        if own_tag is not None:
            ctx.report(
                "MR309",
                item.ordinal,
                value=value,
                tag=tag,
                subfield=code,
                kind=_KIND_NAME[result.kind],
                own_tag=own_tag,
                relation="other physical form",
            )
