"""PF1xx: does every portfolio have its bibliographic record, and every record a portfolio?

These rules span two inputs, a KBART file and MARC records, and run after both are in the
store (``erdq import kbart``, ``erdq import marc``, then ``erdq link``); the matching
itself is ``erdq.linkage``. Each example therefore has two parts: ``rows`` are KBART rows
(overrides of the valid monograph row of ``erdq.rules.kbart.base``: "Open Questions in
Invented Theory", print ISBN 9782253002697, online ISBN 9781090636072) and ``raw`` is a
MarcEdit .mrk file of the records. ``example_inputs`` turns an example into the two files;
``tests/test_linkage.py`` imports them into a store and links them.
"""

from __future__ import annotations

from erdq.findings import Level, Severity
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.kbart.base import BASELINE, example_rows

_MONOGRAPH = {"publication_type": "monograph"}
_REF = (
    "KBART Recommended Practice (NISO RP-9-2014), 6.6 print_identifier and "
    "online_identifier; MARC 21 Bibliographic 020, 022, 245, 776, 856; PCC "
    "Provider-Neutral E-Resource MARC Record Guide (one record for all online versions)."
)


def _008(form: str = "o", year: str = "2021") -> str:
    data = list(" " * 40)
    data[0:6] = "240101"
    data[6] = "s"
    data[7:11] = year
    data[15:18] = "xx "
    data[23] = form
    data[35:38] = "eng"
    data[39] = "d"
    return "".join(data).replace(" ", "\\")


def record(
    control: str,
    *lines: str,
    online: bool = True,
    url: str | None = "https://example.org/b/1",
) -> str:
    """One .mrk record: leader, 001, the coding of an online (or print) book, ``lines``
    (``=TAG  data``, blanks as backslashes) and an 856 unless ``url`` is None."""
    fields = ["=LDR  00000nam a2200000 a 4500", f"=001  {control}"]
    if online:
        fields.append("=007  cr\\|||||||||||")
    fields.append(f"=008  {_008('o' if online else ' ')}")
    fields += lines
    if url is not None:
        fields.append(f"=856  40$u{url}")
    return "\n".join(fields) + "\n"


def mrk(*records: str) -> bytes:
    """A .mrk file of several records (a blank line between records)."""
    return "\n".join(records).encode("utf-8")


def example_inputs(example: Example) -> tuple[bytes, bytes]:
    """The KBART file and the MARC (.mrk) file of a PF rule's example."""
    columns = list(BASELINE)
    lines = ["\t".join(columns)]
    lines += ["\t".join(row.get(c, "") for c in columns) for row in example_rows(example)]
    kbart = ("\n".join(lines) + "\n").encode("utf-8")
    return kbart, example.raw or b""


_TITLE = "=245  10$aOpen questions in invented theory /$cMoreau."
_E_ISBN = "=020  \\\\$a9781090636072"
_PRINT_LINK = "=776  08$iPrint version:$z9782253002697"
_MATCHING = record("b1", _E_ISBN, _TITLE, _PRINT_LINK)
_UNRELATED = ("=020  \\\\$a9780306406157", "=245  10$aA handbook of unrelated matters.")

PORTFOLIO_WITHOUT_RECORD = rule(
    "PF101",
    "portfolio-without-record",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="No record matches this portfolio ({title!r}) by ISBN, ISSN or title. Readers "
    "searching the catalogue will not find it: load its record, or correct the "
    "identifiers on whichever side is wrong.",
    doc=sections(
        what="Every portfolio of the collection's current KBART snapshot is linked to a "
        "bibliographic record: one that shares a valid ISBN or ISSN with it (020, 022, "
        "776 $z/$x, 020 $z; ISBN-10 and ISBN-13 alike), or failing that one whose title "
        "is at least 90% alike (rapidfuzz token_sort_ratio, blocked by the first four "
        "letters of the normalised title), describes the same kind of resource (a serial "
        "for a serial, a monograph for a monograph), for a monograph was published within "
        "a year of it, and whose title's numbers agree (volume and part numbers, "
        "ordinals, years: 'Volume 1' is not 'Volume 2', the 21st conference not the 12th; "
        "KBART monograph_volume and monograph_edition and 250 $a count too).",
        why="Readers find e-books and e-journals through their records; a portfolio without "
        "one is paid for but invisible in the catalogue (and in a discovery system that "
        "shows only catalogue records).",
        example="Bad: the KBART row 'Open Questions in Invented Theory' (ISBN "
        "9781090636072) and only a record for 'A handbook of unrelated matters' (020 $a "
        "9780306406157). Good: a record with 020 $a 9781090636072 and that title.",
        fix="Load the vendor's record for the title, or correct the ISBN/ISSN in the KBART "
        "file or in the record when one of them is wrong.",
        references=_REF,
    ),
    bad=Example(rows=(_MONOGRAPH,), raw=mrk(record("u1", *_UNRELATED))),
    good=Example(rows=(_MONOGRAPH,), raw=mrk(_MATCHING)),
)

RECORD_WITHOUT_PORTFOLIO = rule(
    "PF102",
    "record-without-portfolio",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="This record ({record_title!r}) matches no portfolio it was compared with; only "
    "its own link ({value}) leads to the resource. Check that the title is really in the "
    "package, or remove the record.",
    doc=sections(
        what="Every record of the collection's current MARC batch is linked to one of its "
        "portfolios (the same matching as PF101). This rule reports records that are not "
        "but still carry a link of their own (856 $u; PF103 reports those without).",
        why="A record without a portfolio usually describes a title the library does not "
        "have (dropped from the package, or a vendor file for a larger collection): the "
        "reader is promised a book and meets a paywall. Or the KBART file lacks a title "
        "the library does have, and the link resolver cannot serve it.",
        example="Bad: the portfolio 'Open Questions in Invented Theory' and, besides its "
        "record, a record for 'A handbook of unrelated matters' with an 856 link. Good: "
        "only the record of the portfolio.",
        fix="Remove (or suppress) records of titles the library does not have; ask the "
        "provider for the missing KBART row when the title does belong to the package.",
        references=_REF,
    ),
    bad=Example(rows=(_MONOGRAPH,), raw=mrk(_MATCHING, record("u1", *_UNRELATED))),
    good=Example(rows=(_MONOGRAPH,), raw=mrk(_MATCHING)),
)

RECORD_WITHOUT_ACCESS = rule(
    "PF103",
    "record-without-access",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.CROSS,
    message="This record ({record_title!r}) matches no portfolio it was compared with and "
    "has no 856 $u link: a reader who finds it has no way to the resource.",
    doc=sections(
        what="A record of the collection's current MARC batch has either a portfolio (the "
        "same matching as PF101) or a link of its own in 856 $u (second indicator other "
        "than 2, 'related resource').",
        why="Such a record is a dead end: the catalogue shows an e-book or e-journal and "
        "neither the link resolver nor the record can take the reader to it.",
        example="Bad: a record for 'A handbook of unrelated matters' without an 856 and no "
        "portfolio for it. Good: the record of 'Open Questions in Invented Theory' "
        "without an 856: its portfolio gives the access.",
        fix="Add the missing portfolio (KBART row), or the access URL in 856 $u; remove the "
        "record if the library has no access to the title.",
        references=_REF,
    ),
    bad=Example(rows=(_MONOGRAPH,), raw=mrk(_MATCHING, record("u1", *_UNRELATED, url=None))),
    good=Example(rows=(_MONOGRAPH,), raw=mrk(record("b1", _E_ISBN, _TITLE, url=None))),
)

IDENTIFIER_TITLE_MISMATCH = rule(
    "PF104",
    "identifier-match-title-mismatch",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.CROSS,
    message="This record shares {value} with the portfolio on line {portfolio_line} "
    "({portfolio_title!r}), but its title ({record_title!r}) agrees only {score}% "
    "(under {threshold}%). It is probably the record of another book, or one side has a "
    "wrong ISBN/ISSN.",
    doc=sections(
        what="When a portfolio and a record are linked by ISBN or ISSN, their titles agree: "
        "rapidfuzz token_set_ratio of the normalised titles (case, accents, punctuation "
        "and a leading article ignored) is at least 50. Words that only one side has (a "
        "subtitle, a series title) keep the ratio at 100; a different book falls well "
        "below 50.",
        why="A wrong ISBN in a vendor record (a print ISBN copied from another title, an "
        "ISBN reused by a publisher) attaches the portfolio to the wrong record: readers "
        "who find the record reach another book, and the title itself stays invisible.",
        example="Bad: the portfolio 'Open Questions in Invented Theory' (ISBN "
        "9781090636072) and a record with 020 $a 9781090636072 titled 'Soil mechanics for "
        "engineers'. Good: the record titled 'Open questions in invented theory : a "
        "primer'.",
        fix="Check the ISBN/ISSN on the publisher's site or in the ISSN Portal, then correct "
        "the record (or replace it with the right one) or the KBART row.",
        references=_REF,
    ),
    bad=Example(
        rows=(_MONOGRAPH,),
        raw=mrk(record("b1", _E_ISBN, "=245  10$aSoil mechanics for engineers.")),
    ),
    good=Example(
        rows=(_MONOGRAPH,),
        raw=mrk(record("b1", _E_ISBN, "=245  10$aOpen questions in invented theory :$ba primer.")),
    ),
)

PORTFOLIO_SEVERAL_RECORDS = rule(
    "PF105",
    "portfolio-several-records",
    level=Level.PORTFOLIO,
    severity=Severity.WARNING,
    scope=Scope.CROSS,
    message="This portfolio ({title!r}) matches {count} records by {key}: {records}. Keep "
    "one record per e-resource.",
    doc=sections(
        what="A portfolio is linked to one record. When it matches online records, print "
        "records that share its print ISBN are not counted (they describe the print "
        "book); when it matches only print records, they are.",
        why="Several records for one e-resource are duplicates in the catalogue: readers see "
        "the title twice, usage splits between records, and updates reach only one of "
        "them. Provider-neutral practice is one record for all online versions.",
        example="Bad: two online records that both carry 020 $a 9781090636072. Good: one "
        "online record with that ISBN, and the print book's record with 020 $a "
        "9782253002697, which is not counted.",
        fix="Merge or delete the duplicate records; if they describe different editions, "
        "correct the ISBN that is wrong.",
        references=_REF,
    ),
    bad=Example(
        rows=(_MONOGRAPH,),
        raw=mrk(_MATCHING, record("b2", _E_ISBN, _TITLE, url="https://example.org/b/2")),
    ),
    good=Example(
        rows=(_MONOGRAPH,),
        raw=mrk(
            _MATCHING,
            record("p1", "=020  \\\\$a9782253002697", _TITLE, online=False, url=None),
        ),
    ),
)

RULES = (
    PORTFOLIO_WITHOUT_RECORD,
    RECORD_WITHOUT_PORTFOLIO,
    RECORD_WITHOUT_ACCESS,
    IDENTIFIER_TITLE_MISMATCH,
    PORTFOLIO_SEVERAL_RECORDS,
)
