"""MR2xx: the leader's coded positions and the control fields 005, 006, 007 and 008.

Which values are defined comes from ``data/marc21_bib.yaml`` (MARC 21 Bibliographic);
008/18-34 and 006/01-17 are checked against the definition for the record's material type
(books, continuing resources, computer files, maps, music, visual materials, mixed),
which leader/06-07 select. The leader's structural positions (00-04, 10-16, 20-23) belong
to the record-structure rules (MR1xx) and leader/09 to the encoding rules (MR5xx).
"""

from __future__ import annotations

import re
from functools import lru_cache

from erdq import marc21
from erdq.findings import Level, Severity
from erdq.marc21 import PositionDef, show
from erdq.readers.marc import MarcItem
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.marc.base import RecordContext, record_check

# A valid 008 for a book (40 characters) and a valid leader, for the rule examples.
GOOD_008 = "240101s2009    xx            000 0 eng d"
LEADER_GOOD = "00000nam a2200000 a 4500"


def cf(tag: str, data: str) -> str:
    """A control field line in MarcEdit mnemonic form (blanks written as backslashes)."""
    return f"={tag}  " + data.replace(" ", "\\")


def with_position(data: str, position: int, value: str) -> str:
    return data[:position] + value + data[position + len(value) :]


def mrk(*lines: str, leader: str = LEADER_GOOD) -> bytes:
    """A MarcEdit mnemonic record for a rule example, fields in tag order; a valid book
    008 is added unless one is given."""
    body = list(lines)
    if not any(line.startswith("=008") for line in body):
        body.append(cf("008", GOOD_008))
    body.sort(key=lambda line: line[1:4])  # stable: fields of one tag keep their order
    return ("\n".join([f"=LDR  {leader}", *body]) + "\n").encode("utf-8")


_REFS = "MARC 21 Format for Bibliographic Data (Library of Congress): {}."

LEADER_UNDEFINED = rule(
    "MR201",
    "leader-value-undefined",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="Leader/{position} ({name}) is {shown!r}, which MARC 21 does not define; it "
    "should be {expected}. Correct the leader (e.g. in MarcEdit's leader editor).",
    doc=sections(
        what="The leader's coded positions hold values MARC 21 defines: 05 record status, "
        "06 type of record, 07 bibliographic level, 08 type of control, 17 encoding level "
        "(OCLC's retired I, J, K, L and M are accepted), 18 descriptive cataloguing form and "
        "19 multipart resource record level. Records of the other MARC 21 formats "
        "(leader/06 z, q, u, v, w, x, y) are MR124 and not checked here.",
        why="Discovery systems and ILS loaders choose the format icon, the record's display "
        "and its fixed-field definition from leader/06-07; an undefined value makes the "
        "record's type unknown, so it is shown as 'other' or refused at load.",
        example="Leader `00000nbm a2200000 a 4500`: leader/06 `b` (archival and "
        "manuscripts control) is obsolete; archival control is now leader/08 `a`.",
        fix="Set the position to the code that describes the resource (e.g. leader/06 `a` "
        "for language material); for vendor files, ask the vendor to correct the export.",
        references=_REFS.format("Leader"),
    ),
    bad=Example(raw=mrk("=001  mr201", "=245  00$aTitle.", leader="00000nbm a2200000 a 4500")),
    good=Example(raw=mrk("=001  mr201", "=245  00$aTitle.", cf("008", GOOD_008))),
)

F008_LENGTH = rule(
    "MR202",
    "field-008-length",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="008 is {length} characters long; MARC 21 fixes it at 40, so its coded "
    "positions (dates, language, form of item) cannot be read. Rebuild the 008 with 40 "
    "characters, blanks included.",
    doc=sections(
        what="Field 008 has exactly 40 characters.",
        why="008 is read by position: with a character missing or added every later "
        "position shifts, so the language, dates and form of item (online or print) read "
        "by discovery systems are wrong. Exports that collapse runs of blanks (seen in "
        "MARCXML from some systems) produce this.",
        example="`120208s2013 cc a 000 0 chi d` (blanks collapsed: 28 characters).",
        fix="Re-create the 008 from the record's data (e.g. MarcEdit's 008 editor) or "
        "re-export the record without whitespace normalisation.",
        references=_REFS.format("008 - Fixed-Length Data Elements"),
    ),
    bad=Example(raw=mrk("=001  mr202", "=245  00$aTitle.", "=008  120208s2013 cc a 000 0 chi d")),
    good=Example(raw=mrk("=001  mr202", "=245  00$aTitle.", cf("008", GOOD_008))),
)

F008_UNDEFINED = rule(
    "MR203",
    "field-008-value-undefined",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="008/{position} ({name}) is {shown!r}, not defined for {material}; it should "
    "be {expected}. Correct the 008 position.",
    doc=sections(
        what="Every 008 position holds a value MARC 21 defines for it. Positions 00-17 and "
        "35-39 are the same for all records; 18-34 depend on the material type chosen by "
        "leader/06-07 (books, continuing resources, computer files, maps, music, visual "
        "materials, mixed materials). Only 40-character 008s are checked (MR202 reports "
        "the others).",
        why="Facets and limits in the discovery layer (language, date, form of item "
        "online/print, audience, literary form) are built from these codes; an undefined "
        "code drops the record from the facet or puts it in the wrong one.",
        example="008/23 form of item `x` in a book record; 008/35-37 language `EN `.",
        fix="Replace the value with a defined code (the message lists them); use `|` "
        "(no attempt to code) when the information is not known.",
        references=_REFS.format("008 - All Materials, and 008 per material type"),
    ),
    bad=Example(
        raw=mrk("=001  mr203", "=245  00$aTitle.", cf("008", with_position(GOOD_008, 23, "x")))
    ),
    good=Example(raw=mrk("=001  mr203", "=245  00$aTitle.", cf("008", GOOD_008))),
)

F006_INVALID = rule(
    "MR204",
    "field-006-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="006 {value!r}: {problem}. Correct the 006 (18 characters; 006/00 names the "
    "form of material, 006/01-17 follow that type's 008/18-34).",
    doc=sections(
        what="Each 006 has 18 characters, a defined form of material in 006/00, and "
        "values in 006/01-17 defined for that form (the same codes as 008/18-34).",
        why="006 carries the additional characteristics of a resource, e.g. the "
        "'electronic' aspect (006/00 `m`) of an e-book; a malformed 006 is ignored or "
        "misread by format facets.",
        example="`m     o  d  ` is only 12 characters; `x` in 006/00.",
        fix="Rebuild the 006, e.g. `m     o  d        ` for an online text.",
        references=_REFS.format(
            "006 - Fixed-Length Data Elements-Additional Material Characteristics"
        ),
    ),
    bad=Example(raw=mrk("=001  mr204", "=245  00$aTitle.", cf("006", "m     o  d"))),
    good=Example(raw=mrk("=001  mr204", "=245  00$aTitle.", cf("006", "m     o  d        "))),
)

F007_INVALID = rule(
    "MR205",
    "field-007-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="007 {value!r}: {problem}. Correct the 007 (007/00 category of material, "
    "007/01 specific material designation).",
    doc=sections(
        what="Each 007 starts with a defined category of material (007/00) and a specific "
        "material designation defined for that category (007/01). For electronic "
        "resources (category `c`) every position present is checked as well (007/06-13 "
        "may be left out).",
        why="Format facets and the 'online' flag of discovery systems read 007 (`cr` = "
        "remote electronic resource); an undefined category or designation hides the "
        "resource's format.",
        example="`cx |||||||||||` (no designation `x` for electronic resources).",
        fix="Use a defined code, e.g. `cr |||||||||||` for an online resource.",
        references=_REFS.format("007 - Physical Description Fixed Field"),
    ),
    bad=Example(raw=mrk("=001  mr205", "=245  00$aTitle.", cf("007", "cx |||||||||||"))),
    good=Example(raw=mrk("=001  mr205", "=245  00$aTitle.", cf("007", "cr |||||||||||"))),
)

PREPUBLICATION = rule(
    "MR206",
    "encoding-level-prepublication",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="Leader/17 is '8': this is a prepublication (CIP) record, made before the "
    "resource existed. Replace it with a full record, or upgrade it from the resource.",
    doc=sections(
        what="Flags records whose encoding level (leader/17) is `8`, prepublication level.",
        why="Prepublication records are written from the publisher's forecast: title, "
        "pagination, dates and ISBNs often change before publication, and they lack "
        "physical description, subjects and links that readers rely on.",
        example="Leader `00000nam a2200000 8a 4500` (leader/17 = `8`).",
        fix="Overlay the record with the full record from the vendor or a national "
        "library once the resource is out; or upgrade it from the resource in hand.",
        references=_REFS.format("Leader/17 Encoding level"),
    ),
    bad=Example(
        raw=mrk(
            "=001  mr206",
            "=245  00$aTitle.",
            cf("008", GOOD_008),
            leader="00000nam a22000008a 4500",
        )
    ),
    good=Example(raw=mrk("=001  mr206", "=245  00$aTitle.", cf("008", GOOD_008))),
)

BRIEF = rule(
    "MR207",
    "encoding-level-brief",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="Leader/17 is {shown!r} ({meaning}): a brief record. Upgrade it to full "
    "level, or overlay it with a full record, before relying on it for discovery.",
    doc=sections(
        what="Flags records whose encoding level (leader/17) marks them as less than full: "
        "`2` less-than-full (material not examined), `3` abbreviated, `5` partial "
        "(preliminary), `7` minimal, and OCLC's retired `K` and `M` (less-than-full input).",
        why="Brief records often lack subjects, classification, contents and notes, so "
        "readers cannot find the resource by topic; vendor files of brief records are a "
        "candidate for overlay before import.",
        example="Leader `00000nam a22000007a 4500` (leader/17 = `7`, minimal level).",
        fix="Overlay with a full record (vendor, national library, WorldCat) or upgrade "
        "the record, then set leader/17 accordingly.",
        references=_REFS.format("Leader/17 Encoding level") + " OCLC Bibliographic Formats "
        "and Standards, Encoding Level (for I, K, L, M).",
    ),
    bad=Example(
        raw=mrk(
            "=001  mr207",
            "=245  00$aTitle.",
            cf("008", GOOD_008),
            leader="00000nam a22000007a 4500",
        )
    ),
    good=Example(raw=mrk("=001  mr207", "=245  00$aTitle.", cf("008", GOOD_008))),
)

F005_INVALID = rule(
    "MR208",
    "field-005-invalid",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="005 {value!r} is not a date and time of the form yyyymmddhhmmss.f (16 "
    "characters). Let the cataloguing system rewrite the 005.",
    doc=sections(
        what="Field 005 (date and time of latest transaction) is 16 characters: "
        "yyyymmddhhmmss.f, a real date and time.",
        why="Systems compare 005 to decide which of two copies of a record is newer "
        "(overlay, synchronisation, change monitoring); an unreadable 005 defeats that.",
        example="`2024-01-01` or `20241301120000.0` (month 13).",
        fix="Remove the 005 or let the system regenerate it at the next save.",
        references=_REFS.format("005 - Date and Time of Latest Transaction"),
    ),
    bad=Example(
        raw=mrk("=001  mr208", "=245  00$aTitle.", "=005  2024-01-01", cf("008", GOOD_008))
    ),
    good=Example(
        raw=mrk("=001  mr208", "=245  00$aTitle.", "=005  20240101120000.0", cf("008", GOOD_008))
    ),
)

HASH_FOR_BLANK = rule(
    "MR209",
    "control-field-hash-for-blank",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="{tag} {value!r} has {count} '#' character(s) where MARC 21 has blanks: the "
    "'#' of the documentation was written into the data. Replace each '#' with a space; "
    "the positions were checked as if you had.",
    doc=sections(
        what="The fixed-length control fields 006, 007 and 008 contain no `#` character. "
        "MARC 21 documentation shows a blank as `#`, and some exports (Alma publishing, "
        "vendor conversions) write that `#` into the data. The other position checks "
        "read such a `#` as a blank, so one fault gives one finding per field, not one "
        "per position.",
        why="Systems reading 008 by position see `#` as an undefined code: language, date "
        "type and form of item facets go wrong, and validators report every position.",
        example="`008 180202c####9999mduq|#|###|||#0####1eng#|` (Data-Planet records).",
        fix="Replace `#` with a space in 006/007/008 (a MarcEdit or ILS normalisation "
        "task); ask the vendor to fix the export.",
        references=_REFS.format("008 - Fixed-Length Data Elements (conventions: # = blank)")
        + " QA catalogue's --fixAlma option does the same repair.",
    ),
    bad=Example(raw=mrk("=001  mr209", "=245  00$aTitle.", cf("008", GOOD_008.replace(" ", "#")))),
    good=Example(raw=mrk("=001  mr209", "=245  00$aTitle.", cf("008", GOOD_008))),
)

_LEADER_CHECKED = tuple(sorted(marc21.LEADER.items()))
_OCLC_LEVELS = frozenset(marc21.OCLC_ENCODING_LEVELS)
_F005_RE = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.\d")
# The same test for ASCII digits in one match: month 01-12, day 01-31, hour 00-23,
# minute 00-59, second 00-60.
_F005_ASCII_RE = re.compile(
    r"[0-9]{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?:[01][0-9]|2[0-3])[0-5][0-9]"
    r"(?:[0-5][0-9]|60)\.[0-9]"
)
_MATERIAL_NAMES = {k: v["name"].lower() for k, v in marc21.MATERIAL_TYPES.items()}


@lru_cache(maxsize=4096)
def _leader_problems(leader: str) -> tuple[tuple[int, PositionDef, str], ...]:
    out = []
    for pos, definition in _LEADER_CHECKED:
        value = leader[pos]
        if value in definition.values:  # type: ignore[operator]
            continue
        if pos == 17 and value in _OCLC_LEVELS:
            continue
        out.append((pos, definition, value))
    return tuple(out)


# Position sets by name, so that cache keys are short strings, not tuples of definitions.
_POSITION_SETS: dict[str, tuple[PositionDef, ...]] = {
    "008/00-05": marc21.COMMON_008[:1],
    "008/06-39": marc21.COMMON_008[1:],
    **{f"008/{mt}": marc21.fixed_008_positions(mt)[1:] for mt in marc21.MATERIAL_008},
    **{f"006/{mt}": positions for mt, positions in marc21.MATERIAL_006.items()},
    **{f"007/{cat}": spec["positions"] for cat, spec in marc21.CATEGORIES_007.items()},
}


@lru_cache(maxsize=1 << 16)
def _positions_problems(data: str, key: str) -> tuple[tuple[PositionDef, str], ...]:
    out = []
    for definition in _POSITION_SETS[key]:
        value = definition.slice(data)
        if value is not None and not definition.valid(value):
            out.append((definition, value))
    return tuple(out)


def check_008_positions(data: str, mtype: str | None) -> tuple[tuple[PositionDef, str], ...]:
    """Undefined values in a 40-character 008 for the material type (None: common only).

    The date entered (00-05) varies from record to record, so it is checked apart and the
    rest (which repeats across a vendor's file) is cached.
    """
    common = _positions_problems(data[:6], "008/00-05")
    key = f"008/{mtype}" if mtype in marc21.MATERIAL_008 else "008/06-39"
    return common + _positions_problems(" " * 6 + data[6:], key)


@lru_cache(maxsize=4096)
def problems_006(value: str) -> tuple[str, ...]:
    """What is wrong with one 006, in words (empty when it is valid)."""
    out: list[str] = []
    mtype = marc21.FORM_OF_MATERIAL_006.get(value[:1])
    if mtype is None:
        out.append(f"006/00 {show(value[:1])!r} is not a defined form of material")
    if len(value) != marc21.LENGTH_006:
        out.append(f"it has {len(value)} characters, not 18")
    if mtype is not None and len(value) == marc21.LENGTH_006:
        for definition, found in _positions_problems(value, f"006/{mtype}"):
            out.append(
                f"006/{definition.label} ({definition.name}) is {show(found)!r}, "
                f"expected {definition.expected()}"
            )
    return tuple(out)


@lru_cache(maxsize=4096)
def problems_007(value: str) -> tuple[str, ...]:
    """What is wrong with one 007, in words (empty when it is valid)."""
    category = marc21.CATEGORIES_007.get(value[:1])
    if category is None:
        return (f"007/00 {show(value[:1])!r} is not a defined category of material",)
    if len(value) < 2:
        return ("it has no specific material designation (007/01)",)
    out: list[str] = []
    if value[1] not in category["smd"]:
        codes = ", ".join(show(c) for c in sorted(category["smd"]))
        out.append(
            f"007/01 {show(value[1])!r} is not a specific material designation of "
            f"{category['name'].lower()} (one of {codes})"
        )
    for definition, found in _positions_problems(value, f"007/{value[:1]}"):
        out.append(
            f"007/{definition.label} ({definition.name}) is {show(found)!r}, "
            f"expected {definition.expected()}"
        )
    return tuple(out)


def _valid_005(value: str) -> bool:
    if value.isascii():
        return _F005_ASCII_RE.fullmatch(value) is not None
    m = _F005_RE.fullmatch(value)
    if m is None:
        return False
    _, month, day, hour, minute, second = (int(g) for g in m.groups())
    return 1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 61


@record_check(LEADER_UNDEFINED, PREPUBLICATION, BRIEF)
def check_leader(item: MarcItem, ctx: RecordContext) -> None:
    # A '#' written for a blank is MR116's; the position is judged as if it were blank,
    # as 00X fields are (MR209), not also reported as undefined.
    leader = marc21.LEADER_PLACEHOLDERS.sub(" ", marc21.leader_of(item.record))
    for pos, definition, value in _leader_problems(leader):
        ctx.report(
            "MR201",
            item.ordinal,
            value=value,
            tag="LDR",
            position=f"{pos:02d}",
            name=definition.name,
            shown=show(value),
            expected=definition.expected(),
        )
    level = leader[17]
    if level in marc21.PREPUBLICATION_LEVELS:
        ctx.report("MR206", item.ordinal, value=level, tag="LDR")
    elif level in marc21.BRIEF_LEVELS:
        ctx.report(
            "MR207",
            item.ordinal,
            value=level,
            tag="LDR",
            shown=level,
            meaning=marc21.ENCODING_LEVEL_MEANING.get(level, "less than full"),
        )


@record_check(F008_LENGTH, F008_UNDEFINED, F006_INVALID, F007_INVALID, F005_INVALID, HASH_FOR_BLANK)
def check_control_fields(item: MarcItem, ctx: RecordContext) -> None:
    record = item.record
    mtype: str | None = None
    for field in record.fields:
        tag = field.tag
        if tag not in ("005", "006", "007", "008"):
            continue
        data = field.data if field.control_field else None
        if data is None:
            continue  # a control tag without data: structure rules report it
        if tag != "005" and "#" in data:
            ctx.report("MR209", item.ordinal, value=data, tag=tag, count=data.count("#"))
            data = data.replace("#", " ")
        if tag == "008":
            if len(data) != marc21.LENGTH_008:
                ctx.report("MR202", item.ordinal, value=data, tag="008", length=len(data))
                continue
            if mtype is None:
                mtype = marc21.material_type(record) or ""
            for definition, found in check_008_positions(data, mtype or None):
                ctx.report(
                    "MR203",
                    item.ordinal,
                    value=found,
                    tag="008",
                    position=definition.label,
                    name=definition.name,
                    shown=show(found),
                    material=_MATERIAL_NAMES.get(mtype, "any material type")
                    if definition.start >= 18 and definition.end <= 34
                    else "any material type",
                    expected=definition.expected(),
                )
        elif tag == "006":
            for problem in problems_006(data):
                ctx.report("MR204", item.ordinal, value=data, tag="006", problem=problem)
        elif tag == "007":
            for problem in problems_007(data):
                ctx.report("MR205", item.ordinal, value=data, tag="007", problem=problem)
        elif not _valid_005(data):
            ctx.report("MR208", item.ordinal, value=data, tag="005")
