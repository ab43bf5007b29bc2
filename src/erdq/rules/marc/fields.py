"""MR6xx: tags, indicators and subfield codes as MARC 21 Bibliographic defines them.

The definitions (tags, repeatability, indicator values, subfield codes, obsolete fields,
initial articles) come from ``data/marc21_bib.yaml``, whose source and version the rule
docs name. Local tags (9XX, X9X other than 490, 0X9, alphabetic system tags) and subfield
$9 are accepted without a definition; the embedded holdings fields 841-878 are accepted
and left to the holdings format. An 880 field's indicators and subfields are checked
against the definition of the field its $6 names (MARC 21: an 880 has the content
designators of its associated field); its linkage is the linkage rules' (MR650-MR653).
"""

from __future__ import annotations

from functools import lru_cache
from operator import itemgetter

from erdq import marc21
from erdq.findings import Level, Severity
from erdq.readers.marc import MarcItem
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.marc.base import RecordContext, record_check
from erdq.rules.marc.control import mrk

_REF = f"{marc21.SOURCE} (erdq data file marc21_bib.yaml)."

TAG_UNDEFINED = rule(
    "MR601",
    "tag-undefined",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Field {tag} is not defined in MARC 21 Bibliographic and is not a local tag "
    "(9XX, X9X, 0X9){count_text}. Move its data to the right field, or delete it.",
    doc=sections(
        what="Every tag is defined in MARC 21 Bibliographic, is obsolete (MR602), or is "
        "reserved for local use: 9XX, tags with 9 as second digit (09X, 59X, 69X ...) "
        "except 490, 0X9 (019, 029, 049 ... used by OCLC and local systems), alphabetic "
        "system tags (Alma's AVA, POR ...), and the embedded holdings fields 841-878.",
        why="An undefined tag is usually a record from another format (UNIMARC 200 is the "
        "title there, not in MARC 21) or a typo (`245` keyed as `254`); its data is "
        "indexed nowhere or in the wrong index.",
        example="`200 1# $a Pride and prejudice` (a UNIMARC title field) in a MARC 21 "
        "record; a `012` field.",
        fix="Convert UNIMARC records with a UNIMARC-to-MARC 21 crosswalk; re-key typos to "
        "the intended tag.",
        references=_REF,
    ),
    bad=Example(raw=mrk("=001  mr601", "=012  \\\\$aSomething.", "=245  00$aTitle.")),
    good=Example(raw=mrk("=001  mr601", "=245  00$aTitle.", "=590  \\\\$aLocal note.")),
)

OBSOLETE = rule(
    "MR602",
    "field-obsolete",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="Field {tag} is obsolete in MARC 21; use {replacement}.",
    doc=sections(
        what="Fields that MARC 21 has made obsolete are reported with what replaces them "
        "(e.g. 440 by 490 + 830).",
        why="Current systems may not index obsolete fields (many drop 440 from series "
        "browsing since 2008), so the data in them is lost to searching.",
        example="`440 #0 $a Invented series ; $v 12`.",
        fix="Move the data to the replacement field(s) named in the message; MarcEdit and "
        "most ILSs have a task for 440 → 490/830.",
        references=_REF,
    ),
    bad=Example(raw=mrk("=001  mr602", "=245  00$aTitle.", "=440  \\0$aSeries ;$v12.")),
    good=Example(
        raw=mrk(
            "=001  mr602",
            "=245  00$aTitle.",
            "=490  1\\$aSeries ;$v12.",
            "=830  \\0$aSeries ;$v12.",
        )
    ),
)

INDICATOR_UNDEFINED = rule(
    "MR603",
    "indicator-undefined",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{tag} {which} indicator is {shown!r}, which is not defined for {tag} ({name}); "
    "it should be {expected}. Correct the indicator.",
    doc=sections(
        what="Each indicator of a defined field holds one of the values MARC 21 defines "
        "for it (`#` = blank where the indicator is undefined). An 880 is checked against "
        "the field its $6 names.",
        why="Indicators select display constants, non-filing characters, the thesaurus "
        "of a subject (650 second indicator) and whether a title is traced; an undefined "
        "value is read as some default, often the wrong one.",
        example="`245 30 $a ...` (245 first indicator has only 0 and 1); `650 #9`.",
        fix="Set the indicator to the value that applies; for subjects from a source "
        "without its own indicator use second indicator 7 and name the source in $2.",
        references=_REF,
    ),
    bad=Example(raw=mrk("=001  mr603", "=245  30$aTitle.")),
    good=Example(raw=mrk("=001  mr603", "=245  00$aTitle.")),
)

SUBFIELD_UNDEFINED = rule(
    "MR604",
    "subfield-undefined",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{tag} ${shown} is not a subfield MARC 21 defines for {tag} ({name}). Move its "
    "text to the right subfield, or delete it.",
    doc=sections(
        what="Every subfield code of a defined field is one MARC 21 defines for that field "
        "($9, used locally by many systems, is accepted everywhere). An 880 is checked "
        "against the field its $6 names: `880 ## $6 260-02 $k ...` has a $k that 260 "
        "does not define.",
        why="Undefined subfields are not indexed or displayed, or are shown run together "
        "with their neighbours; upper-case or punctuation codes usually mean a conversion "
        "error upstream.",
        example="`245 00 $a Title. $w x`; `256 ## $b ...` (256 has only $a).",
        fix="Re-key the subfield with the intended code, or delete it.",
        references=_REF,
    ),
    bad=Example(raw=mrk("=001  mr604", "=245  00$aTitle.$wx")),
    good=Example(raw=mrk("=001  mr604", "=245  00$aTitle.")),
)

FIELD_REPEATED = rule(
    "MR605",
    "field-not-repeatable",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="{tag} ({name}) occurs {count} times, but MARC 21 allows it once. Merge the "
    "occurrences or move the extra ones to the right field (e.g. a second title to 246).",
    doc=sections(
        what="Non-repeatable fields (001, 008, 100, 245, 250 before 2015 ...) occur at "
        "most once; repeatability is per the data file.",
        why="Systems keep one of the occurrences (usually the first) and drop the rest, "
        "or refuse the record; which one survives is arbitrary.",
        example="Two 245 fields in one record; two 008s.",
        fix="Keep the right occurrence; move a second title to 246, a second author to 700.",
        references=_REF,
    ),
    bad=Example(raw=mrk("=001  mr605", "=245  00$aTitle.", "=245  00$aAnother title.")),
    good=Example(raw=mrk("=001  mr605", "=245  00$aTitle.", "=246  3\\$aAnother title.")),
)

SUBFIELD_REPEATED = rule(
    "MR606",
    "subfield-not-repeatable",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{tag} ${subfield} occurs {count} times in one field, but MARC 21 allows it "
    "once in {tag} ({name}). Merge the texts, or split the field.",
    doc=sections(
        what="Non-repeatable subfields occur at most once in a field (in an 880, as in "
        "the field its $6 names).",
        why="Indexes and displays take one occurrence of a non-repeatable subfield; the "
        "other is lost (two $a in 245 usually means a title and a subtitle, where the "
        "subtitle belongs in $b).",
        example="`245 00 $a Title : $a subtitle.`",
        fix="Merge the texts or use the right subfield (`$b` for the subtitle).",
        references=_REF,
    ),
    bad=Example(raw=mrk("=001  mr606", "=245  00$aTitle :$asubtitle.")),
    good=Example(raw=mrk("=001  mr606", "=245  00$aTitle :$bsubtitle.")),
)

REQUIRED_MISSING = rule(
    "MR607",
    "required-field-missing",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The record has no {tag} ({name}). Every bibliographic record needs one: add it.",
    doc=sections(
        what="Every record has the fields required by MARC 21 for a usable record: 008 "
        "(fixed-length data elements) and 245 (title statement); the list is in the data "
        "file (`required_fields`).",
        why="Without 245 a record has no title to show or search; without 008 it has no "
        "language, date or form of item, so every facet leaves it out.",
        example="A record with 001, 020 and 100 but no 245.",
        fix="Add the missing field from the resource or the vendor's data.",
        references=_REF,
    ),
    bad=Example(raw=mrk("=001  mr607", "=100  1\\$aAuthor, Ann.")),
    good=Example(raw=mrk("=001  mr607", "=100  1\\$aAuthor, Ann.", "=245  10$aTitle.")),
)

NONFILING = rule(
    "MR608",
    "nonfiling-indicator-mismatch",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="245 second indicator is {shown!r} but the title {title!r} {problem}; it should "
    "be {expected}. Set 245 second indicator to {expected}.",
    doc=sections(
        what="245 second indicator (non-filing characters) counts the initial article of "
        "the title with the space or apostrophe after it, and any quotation mark or "
        "bracket before it: `The ` = 4, `L'` = 2, `\"The ` = 5, none = 0. The articles of "
        "the record's language (008/35-37, else 041 $a) are in the data file (English, "
        "French, German, Spanish, Italian, Portuguese and others); a count that skips "
        "an article of another language is accepted (a French title in an English record).",
        why="Title browse and sorting skip that many characters: with 0 on `The ...` every "
        "English title files under T; with 4 on a title without article the first word "
        "loses its first letters (`Annual report` files under `al report`).",
        example="`245 10 $a The invented title.` in an English record (should be 14).",
        fix="Set the indicator to the length of the article plus the following space.",
        references=_REF + " MARC 21 appendix 'Initial Definite and Indefinite Articles'.",
    ),
    bad=Example(raw=mrk("=001  mr608", "=245  10$aThe invented title.")),
    good=Example(raw=mrk("=001  mr608", "=245  14$aThe invented title.")),
)

_WHICH = {1: "first", 2: "second"}


@lru_cache(maxsize=1 << 14)
def nonfiling_problem(title: str, ind2: str, language: str) -> tuple[int, str] | None:
    """(expected count, what is wrong) for a 245 second indicator, or None when it fits.

    ``language`` is a MARC language code ('' when unknown).
    """
    if not ind2.isdigit():
        return None  # undefined indicator values are MR603's
    count = int(ind2)
    lead = marc21.leading_marks(title)
    body = title[lead:]
    own = marc21.ARTICLES.get(language, ())
    own_article = marc21.article_at(body, own) if own else None
    any_article = marc21.article_at(body, marc21.ALL_ARTICLES)

    def width(article: str) -> int:
        return marc21.nonfiling_width(lead, article)

    if count == 0:
        if own_article:
            return width(own_article), f"starts with the article {body[: len(own_article)]!r}"
        return None
    if any_article and width(any_article) == count:
        return None
    if own_article:
        return width(own_article), f"starts with the article {body[: len(own_article)]!r}"
    if any_article:
        return width(any_article), f"starts with {body[: len(any_article)]!r}"
    return 0, f"does not start with an initial article (the indicator skips {title[:count]!r})"


def _language(index: marc21.RecordIndex) -> str:
    data = index.control("008")
    if data and len(data) == marc21.LENGTH_008:
        code = data[35:38]
        if code.isalpha() and code.islower():
            return code
    for field in index.data_fields("041"):
        for value in marc21.subfield_values(field, "a"):
            code = value.strip()[:3]
            if len(code) == 3 and code.isalpha():
                return code.lower()
    return ""


# What is wrong with a field of a given shape: (tag, indicators, subfield codes) repeat
# across a file, so each shape is worked out once. Entries: ("indicator", which, value),
# ("undefined", position of the subfield, code), ("repeated", code, count).
_SHAPES: dict[tuple, tuple[tuple[str, object, object], ...]] = {}
_SHAPES_MAX = 1 << 16
_BLANKS = (" ", " ")
_CODE = itemgetter(0)  # a subfield's code (Subfield is a named tuple)


def _shape_problems(
    definition: marc21.FieldDef, ind1: str, ind2: str, codes: tuple[str, ...]
) -> tuple[tuple[str, object, object], ...]:
    key = (definition.tag, ind1, ind2, codes)
    found = _SHAPES.get(key)
    if found is not None:
        return found
    out: list[tuple[str, object, object]] = []
    for which, value in ((1, ind1), (2, ind2)):
        allowed = definition.indicator_values(which)
        if allowed is not None and value not in allowed:
            out.append(("indicator", which, value))
    if not definition.any_subfields:
        seen: dict[str, int] = {}
        for position, code in enumerate(codes):
            if code in definition.nr:
                seen[code] = seen.get(code, 0) + 1
            elif code not in definition.r:
                out.append(("undefined", position, code))
        out += [("repeated", code, n) for code, n in seen.items() if n > 1]
    if len(_SHAPES) >= _SHAPES_MAX:
        _SHAPES.clear()
    result = _SHAPES[key] = tuple(out)
    return result


@record_check(
    TAG_UNDEFINED,
    OBSOLETE,
    INDICATOR_UNDEFINED,
    SUBFIELD_UNDEFINED,
    FIELD_REPEATED,
    SUBFIELD_REPEATED,
    REQUIRED_MISSING,
)
def check_fields(item: MarcItem, ctx: RecordContext) -> None:
    ordinal = item.ordinal
    fields = marc21.FIELDS
    index = marc21.index_of(item)
    for tag, occurrences in index.by_tag.items():
        definition = fields.get(tag)
        if definition is None:
            if len(occurrences) > 1 or not _quiet_once(tag):
                _check_tag(item, ctx, tag, len(occurrences))
            continue
        if len(occurrences) > 1 and not definition.repeatable:
            ctx.report("MR605", ordinal, tag=tag, count=len(occurrences), name=definition.name)
        if definition.obsolete:
            ctx.report("MR602", ordinal, tag=tag, replacement=definition.obsolete)
        for field in occurrences:
            if field.control_field:
                continue
            shape, name = definition, definition.name
            if tag == "880":
                linked = _linked_definition(field)
                if linked is None:
                    continue
                shape, name = linked
            indicators = field.indicators or _BLANKS
            subfields = field.subfields or ()
            codes = tuple(map(_CODE, subfields))
            ind1, ind2 = indicators[0], indicators[1]
            problems = _SHAPES.get((shape.tag, ind1, ind2, codes))
            if problems is None:
                problems = _shape_problems(shape, ind1, ind2, codes)
            if not problems:
                continue
            for kind, first, second in problems:
                if kind == "indicator":
                    ctx.report(
                        "MR603",
                        ordinal,
                        value=second,
                        tag=tag,
                        which=_WHICH[first],  # type: ignore[index]
                        shown=marc21.show(str(second or "")),
                        name=name,
                        expected=_indicator_text(shape.indicator_values(first)),  # type: ignore[arg-type]
                    )
                elif kind == "undefined":
                    code = str(second or "")
                    ctx.report(
                        "MR604",
                        ordinal,
                        value=subfields[first].value,  # type: ignore[index]
                        tag=tag,
                        subfield=code,
                        shown=code if len(code) == 1 and code.isprintable() else repr(code),
                        name=name,
                    )
                else:
                    ctx.report(
                        "MR606",
                        ordinal,
                        tag=tag,
                        subfield=first,
                        count=second,
                        name=name,
                    )
    for tag in marc21.REQUIRED_FIELDS:
        if tag not in index.by_tag:
            name = (marc21.CONTROL_FIELDS.get(tag) or {}).get("name") or fields[tag].name
            ctx.report("MR607", ordinal, tag=tag, name=name)


def _linked_definition(field) -> tuple[marc21.FieldDef, str] | None:
    """(definition, name for messages) of the field an 880's $6 names, when the linkage
    is well formed and names a defined data field; None otherwise (MR651 reports a
    malformed $6)."""
    from erdq.rules.marc.linkage import parse_linkage  # not at import: checker order

    for sf in field.subfields or ():
        if sf.code == "6":
            link = parse_linkage(sf.value or "")
            break
    else:
        return None
    if link is None:
        return None
    linked = marc21.FIELDS.get(link.tag)
    if linked is None or linked.any_subfields:
        return None
    return linked, f"{linked.name}, as the 880 linked to {link.tag}"


@lru_cache(maxsize=4096)
def _quiet_once(tag: str) -> bool:
    """Whether ``_check_tag`` has nothing to say about one occurrence of ``tag``."""
    if tag in marc21.CONTROL_FIELDS:
        return True
    if tag in marc21.OBSOLETE_FIELDS:
        return False
    return marc21.is_local_tag(tag) or marc21.is_embedded_holdings(tag)


def _check_tag(item: MarcItem, ctx: RecordContext, tag: str, count: int) -> None:
    """A tag without a data-field definition: control, obsolete, local or undefined."""
    control = marc21.CONTROL_FIELDS.get(tag)
    if control is not None:
        if count > 1 and not control["repeatable"]:
            ctx.report("MR605", item.ordinal, tag=tag, count=count, name=control["name"])
    elif tag in marc21.OBSOLETE_FIELDS:
        ctx.report("MR602", item.ordinal, tag=tag, replacement=marc21.OBSOLETE_FIELDS[tag])
    elif not (marc21.is_local_tag(tag) or marc21.is_embedded_holdings(tag)):
        ctx.report(
            "MR601",
            item.ordinal,
            tag=tag,
            count=count,
            count_text=f"; it occurs {count} times" if count > 1 else "",
        )


@lru_cache(maxsize=1024)
def _indicator_text(allowed: frozenset[str] | None) -> str:
    if not allowed:
        return "any value"
    if allowed == frozenset(" "):
        return "blank (#): the indicator is undefined"
    return "one of " + ", ".join(marc21.show(v) for v in sorted(allowed))


@record_check(NONFILING)
def check_nonfiling(item: MarcItem, ctx: RecordContext) -> None:
    index = marc21.index_of(item)
    for field in index.data_fields("245"):
        titles = marc21.subfield_values(field, "a")
        if not titles or not field.indicators:
            continue
        ind2 = field.indicators[1]
        problem = nonfiling_problem(titles[0], ind2, _language(index))
        if problem is None:
            continue
        expected, text = problem
        ctx.report(
            "MR608",
            item.ordinal,
            value=ind2,
            tag="245",
            shown=marc21.show(ind2),
            title=titles[0][:40],
            problem=text,
            expected=expected,
        )
