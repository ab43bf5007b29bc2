"""MR650-MR653: the $6 linkage between fields and their 880 alternate graphic representations.

A romanised field and its vernacular 880 are paired through $6 (case BR-036): the regular
field says ``880-nn``, the 880 says ``TAG-nn``, where nn is the occurrence number shared by
the pair. An 880 with occurrence ``00`` has no regular partner (it stands alone). After the
occurrence a script identification code may follow (``/$1`` CJK, ``/(3`` Arabic ...; LC
says UTF-8 records may leave it out) and then ``/r`` for right-to-left fields. A literal
"$1" inside $6 is data, not a subfield.

Local fields (9XX, X9X, 0X9: ``marc21.is_local_tag``, the tags MR601 exempts) are defined
by each system, $6 included (Koha's 952 and many a 999 use it for their own data): their
$6 takes part in the pairing only when it has the 880-nn form, and is never malformed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from erdq import marc21
from erdq.findings import Level, Severity
from erdq.readers.marc import MarcItem
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.marc.base import RecordContext, record_check
from erdq.rules.marc.control import mrk

_REF = (
    "MARC 21 Format for Bibliographic Data (Library of Congress): 880 Alternate Graphic "
    "Representation; Appendix A, Control subfields ($6 Linkage). Case BR-036."
)
_PAIR = (
    "=100  1\\$6880-01$aLi, Mingde.",
    "=245  10$6880-02$aShan shui ji /$cLi Mingde zhu.",
    "=880  1\\$6100-01/{dollar}1$a李明德.",
    "=880  10$6245-02/{dollar}1$a山水記 /$c李明德著.",
)

PARTNER_MISSING = rule(
    "MR650",
    "linkage-partner-missing",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="{tag} $6 {value!r} links to {target}, but the record has no such field. Add "
    "the partner field, or correct the occurrence number in $6.",
    doc=sections(
        what="Every regular field whose $6 is `880-nn` has an 880 whose $6 is `TAG-nn` "
        "(same tag, same occurrence number), and every 880 with an occurrence other than "
        "00 has its regular field.",
        why="Discovery systems show the vernacular script next to the romanised field by "
        "following this pair; with a partner missing the vernacular title or name is "
        "shown alone, out of context, or not at all.",
        example="`260 ## $6 880-03 $a Beijing ...` with no 880 `$6 260-03`.",
        fix="Correct the occurrence number so that the pair matches, or add the missing "
        "880 (or regular field); an 880 that stands alone takes occurrence 00.",
        references=_REF,
    ),
    bad=Example(
        raw=mrk(
            "=001  mr650", *_PAIR[:2], "=260  \\\\$6880-03$aBeijing :$bPress,$c2001.", *_PAIR[2:]
        )
    ),
    good=Example(raw=mrk("=001  mr650", *_PAIR)),
)

MALFORMED = rule(
    "MR651",
    "linkage-malformed",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="{tag} $6 {value!r} is not a valid linkage: {problem}. Write it as {form}.",
    doc=sections(
        what="$6 has the form `TAG-nn[/script][/r]`: in a regular field TAG is 880 and nn "
        "is not 00; in an 880 TAG is the associated field's tag (never 880), nn is 00 "
        "when the 880 has no partner. Every 880 has a $6. Local fields (9XX, X9X, 0X9) "
        "define their own $6 and are left alone unless it reads 880-nn.",
        why="A malformed $6 cannot be paired: the vernacular text is shown without the "
        "field it belongs to, or the display code drops it (Stanford's SearchWorks had to "
        "learn to ignore such pairs).",
        example="`650 #0 $6 650-00 $a ...` (a regular field's $6 must start 880-); "
        "`880 ## $6 880-00 $a ...` (an 880 must name its tag).",
        fix="Write `880-nn` in the regular field and `TAG-nn` in the 880; give an 880 that "
        "stands alone occurrence 00 with the tag it would have (`500-00`).",
        references=_REF,
    ),
    bad=Example(raw=mrk("=001  mr651", *_PAIR, "=880  \\\\$6880-00$aText.")),
    good=Example(raw=mrk("=001  mr651", *_PAIR, "=880  \\\\$6500-00/{dollar}1$aText.")),
)

PARTNER_WRONG = rule(
    "MR652",
    "linkage-partner-wrong",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="880 $6 {value!r} names field {claimed}, but occurrence {occurrence} belongs to "
    "field {actual} (its $6 is 880-{occurrence}). Make the tags agree.",
    doc=sections(
        what="An 880 and the regular field sharing its occurrence number agree on the "
        "tag: the 880's $6 names the regular field's tag.",
        why="The vernacular text is displayed as the wrong element, e.g. a publisher "
        "shown as a title, or dropped by systems that check the tag.",
        example="`264 #1 $6 880-04 ...` paired with `880 #1 $6 260-04 ...`.",
        fix="Correct the tag in the 880's $6 (or the regular field's tag).",
        references=_REF,
    ),
    bad=Example(
        raw=mrk(
            "=001  mr652",
            *_PAIR[:2],
            "=264  \\1$6880-04$aBeijing.",
            *_PAIR[2:],
            "=880  \\1$6260-04$a北京.",
        )
    ),
    good=Example(
        raw=mrk(
            "=001  mr652",
            *_PAIR[:2],
            "=264  \\1$6880-04$aBeijing.",
            *_PAIR[2:],
            "=880  \\1$6264-04$a北京.",
        )
    ),
)

AMBIGUOUS = rule(
    "MR653",
    "linkage-ambiguous",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="$6 occurrence {occurrence} is used by {count} {side} fields ({tags}); each "
    "pair needs its own occurrence number. Renumber the pairs.",
    doc=sections(
        what="Each occurrence number links exactly one regular field and one 880.",
        why="With two fields sharing an occurrence number, systems pair them arbitrarily "
        "and show one vernacular text against the wrong romanised field.",
        example="`100 ... $6 880-01` and `700 ... $6 880-01` in one record.",
        fix="Give each pair its own number (01, 02, ...), in both fields of the pair.",
        references=_REF,
    ),
    bad=Example(
        raw=mrk(
            "=001  mr653",
            *_PAIR,
            "=700  1\\$6880-01$aWang, Wei.",
            "=880  1\\$6700-01/{dollar}1$a王偉.",
        )
    ),
    good=Example(
        raw=mrk(
            "=001  mr653",
            *_PAIR,
            "=700  1\\$6880-03$aWang, Wei.",
            "=880  1\\$6700-03/{dollar}1$a王偉.",
        )
    ),
)


class Linkage(NamedTuple):
    tag: str
    occurrence: str
    script: str | None
    right_to_left: bool


_CODE = itemgetter(0)  # a subfield's code (Subfield is a named tuple)
_LINKAGE_RE = re.compile(r"(\d{3})-(\d{2,})(?:/([^/]*))?(?:/(r))?")


@lru_cache(maxsize=4096)
def parse_linkage(value: str) -> Linkage | None:
    """The parts of a $6 value, or None when it does not have the form TAG-nn[/s][/r]."""
    m = _LINKAGE_RE.fullmatch(value.strip())
    if m is None:
        return None
    return Linkage(m[1], m[2], m[3], m[4] is not None)


@record_check(PARTNER_MISSING, MALFORMED, PARTNER_WRONG, AMBIGUOUS)
def check_linkage(item: MarcItem, ctx: RecordContext) -> None:
    ordinal = item.ordinal
    regular: dict[str, list[tuple[str, str]]] = {}  # occurrence -> [(tag, $6)]
    alternate: dict[str, list[tuple[str, str]]] = {}  # occurrence -> [(claimed tag, $6)]
    for field in item.record.fields:
        tag = field.tag
        if tag < "010":
            continue  # control fields carry no $6
        subfields = field.subfields
        if not subfields:
            if tag == "880":
                sixes: list[str] = []
            else:
                continue
        elif tag != "880" and "6" not in map(_CODE, subfields):
            continue  # most fields: no $6
        else:
            sixes = [sf.value or "" for sf in subfields if sf.code == "6"]
        if tag == "880":
            if not sixes:
                ctx.report(
                    "MR651",
                    ordinal,
                    tag=tag,
                    subfield="6",
                    value="",
                    problem="the 880 has no $6",
                    form="TAG-nn (e.g. 245-01)",
                )
                continue
            link = parse_linkage(sixes[0])
            if link is None:
                ctx.report(
                    "MR651",
                    ordinal,
                    tag=tag,
                    subfield="6",
                    value=sixes[0],
                    problem="it is not of the form TAG-nn[/script][/r]",
                    form="TAG-nn (e.g. 245-01, or 500-00 for an 880 alone)",
                )
            elif link.tag == "880":
                ctx.report(
                    "MR651",
                    ordinal,
                    tag=tag,
                    subfield="6",
                    value=sixes[0],
                    problem="an 880 must name the tag of its associated field, not 880",
                    form="TAG-nn (e.g. 245-01, or 500-00 for an 880 alone)",
                )
            elif link.occurrence.strip("0"):
                alternate.setdefault(link.occurrence, []).append((link.tag, sixes[0]))
            continue
        if not sixes:
            continue
        link = parse_linkage(sixes[0])
        if link is None or link.tag != "880" or not link.occurrence.strip("0"):
            if marc21.is_local_tag(tag):
                continue  # a local field's $6 with a meaning of its own
            if link is None:
                problem = "it is not of the form 880-nn[/script][/r]"
            elif link.tag != "880":
                problem = "in a regular field $6 must start with 880-"
            else:
                problem = "occurrence 00 is only for an 880 without a partner"
            ctx.report(
                "MR651",
                ordinal,
                tag=tag,
                subfield="6",
                value=sixes[0],
                problem=problem,
                form="880-nn (e.g. 880-01)",
            )
            continue
        regular.setdefault(link.occurrence, []).append((tag, sixes[0]))

    for occurrence, fields in regular.items():
        partners = alternate.get(occurrence, [])
        if len(fields) > 1:
            ctx.report(
                "MR653",
                ordinal,
                tag=fields[1][0],
                subfield="6",
                value=fields[1][1],
                occurrence=occurrence,
                count=len(fields),
                side="regular",
                tags=", ".join(t for t, _ in fields),
            )
        if not partners:
            for tag, value in fields:
                ctx.report(
                    "MR650",
                    ordinal,
                    tag=tag,
                    subfield="6",
                    value=value,
                    target=f"an 880 with $6 {tag}-{occurrence}",
                )
            continue
        tags = {t for t, _ in fields}
        for claimed, value in partners:
            if claimed not in tags:
                ctx.report(
                    "MR652",
                    ordinal,
                    tag="880",
                    subfield="6",
                    value=value,
                    claimed=claimed,
                    occurrence=occurrence,
                    actual=" or ".join(sorted(tags)),
                )
    for occurrence, partners in alternate.items():
        if len(partners) > 1:
            ctx.report(
                "MR653",
                ordinal,
                tag="880",
                subfield="6",
                value=partners[1][1],
                occurrence=occurrence,
                count=len(partners),
                side="880",
                tags=", ".join(v for _, v in partners),
            )
        if occurrence not in regular:
            for claimed, value in partners:
                ctx.report(
                    "MR650",
                    ordinal,
                    tag="880",
                    subfield="6",
                    value=value,
                    target=f"a {claimed} with $6 880-{occurrence}",
                )
