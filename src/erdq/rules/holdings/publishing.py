"""HL1xx: what the holdings file for the central index leaves out, and why.

``erdq.holdings`` builds the file from the active portfolios in the store: only valid
identifiers are published, and coverage ranges are merged per title across collections.
These rules name every portfolio, identifier or coverage range that did not make it into
the file as delivered, and titles whose portfolios disagree. Each example is a KBART file
(overrides of the valid serial row of ``erdq.rules.kbart.base``: "Journal of Invented
Studies", print ISSN 1234-5679, online ISSN 2049-3630) imported into a store and published;
``tests/test_holdings.py`` runs them.
"""

from __future__ import annotations

from erdq.findings import Level, Severity
from erdq.registry import Example, Scope, rule, sections

_REF = (
    "KBART Recommended Practice (NISO RP-9-2014), 6.6 print_identifier and "
    'online_identifier, 6.7-6.12 coverage, 6.16 embargo_info; Ex Libris, "Publishing '
    'electronic records to the Central Discovery Index" (active portfolios, identifiers, '
    "coverage and embargo per title)."
)

IDENTIFIER_NOT_PUBLISHED = rule(
    "HL101",
    "identifier-not-published",
    level=Level.CENTRAL_INDEX,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="{column} {value!r} is not a valid ISSN or ISBN ({problem}), so it was left out "
    "of the holdings file. Correct the identifier in the KBART file (or ask the provider "
    "to) and publish again.",
    doc=sections(
        what="Every print_identifier and online_identifier of an active portfolio is checked "
        "with erdq's identifier rules (python-stdnum check digits, placeholders such as "
        "0000-0000). A value that is not a valid ISSN or ISBN is not written to the "
        "holdings file; the portfolio is still published when its other identifier is "
        "valid.",
        why="The central index matches articles and books to holdings by identifier. A "
        "wrong check digit either matches nothing or, worse, another journal's number, so "
        "the library's full text is hidden from readers or claimed for a title it does not "
        "have. The index refuses or silently drops such values; leaving them out here and "
        "saying so keeps the file clean and the fault visible.",
        example="Bad: online_identifier 2049-3631 (the check digit should be 0). Good: "
        "online_identifier 2049-3630.",
        fix="Correct the identifier in the provider's KBART file (or ask the provider to), "
        "import it again and publish again.",
        references=_REF,
    ),
    bad=Example(rows=({"online_identifier": "2049-3631"},)),
    good=Example(rows=({},)),
)

PORTFOLIO_NOT_PUBLISHED = rule(
    "HL102",
    "portfolio-not-published",
    level=Level.CENTRAL_INDEX,
    severity=Severity.ERROR,
    scope=Scope.CROSS,
    message="The portfolio {title!r} has no valid ISSN or ISBN, so it is not in the holdings "
    "file: the central index will not show its full text as available. Give it a valid "
    "print_identifier or online_identifier.",
    doc=sections(
        what="An active portfolio must have at least one valid identifier (ISSN, ISBN-10 "
        "or ISBN-13) to be published; otherwise it is left out of the holdings file "
        "altogether.",
        why="The central index knows titles by identifier only. A portfolio without a valid "
        "one is paid for, active in the knowledge base, and yet every article or chapter "
        "of it shows as unavailable in discovery.",
        example="Bad: print_identifier 1234-5678 (bad check digit) and no online_identifier. "
        "Good: print_identifier 1234-5679.",
        fix="Add or correct the title's ISSN/ISBN in the KBART file; check the ISSN Portal "
        "or the publisher's site for the right number.",
        references=_REF,
    ),
    bad=Example(rows=({"print_identifier": "1234-5678", "online_identifier": ""},)),
    good=Example(rows=({"online_identifier": ""},)),
)

COVERAGE_NOT_PUBLISHED = rule(
    "HL103",
    "coverage-not-published",
    level=Level.CENTRAL_INDEX,
    severity=Severity.ERROR,
    scope=Scope.CROSS,
    message="A coverage range of {title!r} was left out of the holdings file: {problem}. "
    "Correct the range in the KBART file and publish again.",
    doc=sections(
        what="Each coverage range (one KBART row) of a published portfolio must have "
        "readable dates and embargo and must not end before it starts. A range with an "
        "unreadable date_first_issue_online, date_last_issue_online or embargo_info, or "
        "an inverted one (by its dates; by its volume and issue numbers when it lacks a "
        "date on either side, else HL105), is left out; the portfolio's other ranges are "
        "still published "
        "(if none is left, the title is not published at all).",
        why="Publishing an unreadable start date as 'from the beginning', an unreadable end "
        "as 'to the present', or an unreadable embargo as 'no embargo' would tell the "
        "central index that the library has full text it does not have. Leaving the range "
        "out errs on the side readers can trust, and this finding makes the gap visible.",
        example="Bad: date_last_issue_online 2005-13 (there is no month 13). Good: "
        "date_last_issue_online 2005-12. A date in a form only one reading fits "
        "(31/12/2005, 2001-00-00) is published read, with HL106.",
        fix="Correct the date or embargo (`erdq kbart validate` shows the KB3xx finding "
        "with a suggestion), import the file again and publish again.",
        references=_REF,
    ),
    bad=Example(rows=({"date_last_issue_online": "2005-13"},)),
    good=Example(rows=({},)),
)

TITLES_DISAGREE = rule(
    "HL104",
    "holding-titles-disagree",
    level=Level.CENTRAL_INDEX,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="This portfolio ({title!r}) shares identifier {identifier} with portfolios "
    "titled {holding_title!r}; {outcome}. Check which identifier is wrong.",
    doc=sections(
        what="Portfolios that share a valid identifier (in one collection or across "
        "collections) are published as one title, with their coverage merged, unless "
        "their titles differ and so do their identifiers of one kind (both give a print "
        "identifier and none in common, or both an online one); this rule names those "
        "whose normalised title differs from the title published. Titles kept apart "
        "are published each with its own coverage, and this rule names the identifier "
        "they both carry.",
        why="Two journals sharing an ISSN is almost always a data error (the print ISSN "
        "of a predecessor, a series ISSN on a book, a copy-and-paste slip). The merged "
        "coverage then credits one title with the other's years, so articles show as "
        "available that are not, or the reverse.",
        example="Bad: 'Journal of Invented Studies' and 'Annals of Unrelated Matters', both "
        "with print_identifier 1234-5679. Good: each title with its own ISSN.",
        fix="Look the ISSNs up (ISSN Portal) and correct the wrong row in the KBART file.",
        references=_REF,
    ),
    bad=Example(
        rows=(
            {},
            {
                "publication_title": "Annals of Unrelated Matters",
                "online_identifier": "",
                "title_id": "aum",
            },
        )
    ),
    good=Example(rows=({},)),
)

VOLUMES_NOT_PUBLISHED = rule(
    "HL105",
    "coverage-volumes-not-published",
    level=Level.CENTRAL_INDEX,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="A coverage range of {title!r} was published by its dates alone: {problem}. "
    "Correct the volume and issue numbers in the KBART file and publish again.",
    doc=sections(
        what="A coverage range whose volume and issue numbers end before they start, but "
        "whose first and last dates are both readable, is published with its dates and "
        "without its volume and issue numbers. (Without a date on either side it is left "
        "out, HL103: its numbers were all that bounded it.)",
        why="The dates say what the library has; numbers that contradict each other (a "
        "year typed as the first volume, 1982 to v.29) would make the index turn away "
        "every article of the range cited by volume. Leaving the whole range out would "
        "hide years the library does have.",
        example="Bad: 1982 v.1982 – 2010 v.29 (the year in num_first_vol_online). Good: "
        "1982 v.1 – 2010 v.29.",
        fix="Correct num_first_vol_online / num_last_vol_online (and the issues) in the "
        "KBART file (`erdq kbart validate` reports KB308), import it again and publish "
        "again.",
        references=_REF,
    ),
    bad=Example(
        rows=(
            {
                "date_first_issue_online": "1982",
                "num_first_vol_online": "1982",
                "num_first_issue_online": "1",
                "date_last_issue_online": "2010",
                "num_last_vol_online": "29",
                "num_last_issue_online": "3",
            },
        )
    ),
    good=Example(rows=({},)),
)

_VALUES_REF = (
    "KBART Recommended Practice (NISO RP-9-2014): the file format (tab-separated values, "
    "UTF-8, values as they are, without quoting) and the field list of 6.6 "
    "(coverage_depth 6.6.14, publication_type 6.6.17, access_type 6.6.25)."
)

VALUE_CHANGED = rule(
    "HL106",
    "published-value-changed",
    level=Level.CENTRAL_INDEX,
    severity=Severity.INFO,
    scope=Scope.CROSS,
    message="{column} {value!r} of {title!r} was published as {published!r}: {problem}. "
    "Correct the value in the KBART file (or ask the provider to) and publish again.",
    doc=sections(
        what="Each value written to the holdings file must pass KBART validation. When a "
        "value can be repaired with certainty, it is published repaired and this rule says "
        "how: a tab, line break or other control character inside it (a tab-separated "
        "line cannot hold one: it would split the row) becomes a space or is removed, "
        "white space is trimmed, the literal text \\r, \\n or \\t (an exporter's escaped "
        "line end) becomes a space, a controlled value takes its KBART spelling "
        "(`Fulltext` → `fulltext`, `p` → `P`, `r1y` → `R1Y`), an embargo part of length 0 "
        "is left out (`R0Y;P1Y` → `P1Y`: read literally, R0Y would make nothing "
        "available), white space inside a title_url is "
        "percent-encoded. A missing or wrong publication_type is taken from the "
        "identifiers when they are all ISSNs (`serial`) or all ISBNs (`monograph`), and "
        "an empty coverage_depth, or a near miss such as `full text`, is published as "
        "`fulltext` (the library's active portfolio is offered as full text), and a "
        "date in a form only one reading fits is published in ISO form (31/12/2005 → "
        "2005-12-31, 2001-00-00 → 2001); those findings are marked likely rather than "
        "certain.",
        why="A central index reads the file strictly: `P\\r` is not the access type `P`, "
        "and a line break inside a title cuts the row in two, so the rest of the line "
        "lands in the wrong columns or the row is rejected. Publishing the repaired value "
        "keeps the title available; saying so keeps the source fault visible.",
        example="Bad: access_type `P\\r` (literal backslash-r), published as `P`. Good: "
        "access_type `P`.",
        fix="Correct the value in the provider's KBART file (or ask the provider to), "
        "import it again and publish again.",
        references=_VALUES_REF,
    ),
    bad=Example(rows=({"access_type": "P\\r"},)),
    good=Example(rows=({},)),
)

VALUE_BLANKED = rule(
    "HL107",
    "published-value-blanked",
    level=Level.CENTRAL_INDEX,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="{column} {value!r} of {title!r} {problem}, so it was left blank in the holdings "
    "file. Correct the value in the KBART file and publish again.",
    doc=sections(
        what="A value in a column a KBART row may leave empty (title_url, access_type, "
        "notes, first_author, the monograph columns …) that is wrong and cannot be "
        "repaired with certainty is published empty: text holding U+FFFD, a spreadsheet "
        "error such as `#N/A`, a title_url that is not an absolute http(s) URL, an "
        "access_type other than F, P or M, an unreadable monograph date.",
        why="A central index rejects such rows or misreads them: an access_type `Paid` "
        "may be read as free or dropped, `#N/A` shows as an author. An empty value is "
        "true (unknown); the wrong one is not. Guessing (`Paid` probably means `P`) is "
        "left to a person.",
        example="Bad: access_type `Paid` (published empty). Good: access_type `P`.",
        fix="Correct the value in the KBART file (`erdq kbart validate` reports it with a "
        "suggestion), import it again and publish again.",
        references=_VALUES_REF,
    ),
    bad=Example(rows=({"access_type": "Paid"},)),
    good=Example(rows=({},)),
)

VALUE_UNPUBLISHABLE = rule(
    "HL108",
    "portfolio-value-unpublishable",
    level=Level.CENTRAL_INDEX,
    severity=Severity.ERROR,
    scope=Scope.CROSS,
    message="The portfolio {title!r} is not in the holdings file: its {column} {value!r} "
    "{problem}, and every KBART row needs one. Correct it in the KBART file and publish "
    "again.",
    doc=sections(
        what="publication_title, coverage_depth and publication_type are needed on every "
        "KBART row. A portfolio whose value in one of them is wrong beyond repair (HL106) "
        "is left out of the holdings file: a coverage_depth that is no KBART value nor "
        "near one (`237486`, a value shifted from another column; an empty one is "
        "published as fulltext), a title that is empty or holds U+FFFD or `#N/A`, a "
        "publication_type that is wrong when the identifiers do not tell serial from "
        "monograph. (A wrong title_url is published empty, HL107.)",
        why="A central index rejects rows without these values, or misreads them: an "
        "unknown coverage depth may promise full text where there are only abstracts. "
        "Leaving the portfolio out and saying so is what the index would do anyway, "
        "but visibly and before the file is sent.",
        example="Bad: coverage_depth `237486` (the portfolio is left out). Good: "
        "coverage_depth `fulltext`.",
        fix="Correct the value in the KBART file (`erdq kbart validate` reports it), "
        "import it again and publish again.",
        references=_VALUES_REF,
    ),
    bad=Example(rows=({"coverage_depth": "237486"},)),
    good=Example(rows=({},)),
)

HOLDINGS_RULES = (
    IDENTIFIER_NOT_PUBLISHED,
    PORTFOLIO_NOT_PUBLISHED,
    COVERAGE_NOT_PUBLISHED,
    TITLES_DISAGREE,
    VOLUMES_NOT_PUBLISHED,
    VALUE_CHANGED,
    VALUE_BLANKED,
    VALUE_UNPUBLISHABLE,
)
