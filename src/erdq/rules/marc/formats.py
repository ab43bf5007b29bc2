"""MR124-MR125: records of the other MARC 21 formats (authority, holdings, classification,
community information) in a file given to the bibliographic rules.

Leader/06 tells the formats apart. Such a record is reported once and only the checkers
that hold for every MARC 21 format run on it (``any_format``: record structure, leader
layout, character encoding); the bibliographic ones would report its own fields, its 008
and its leader/06 as errors. The file-level summary (MR125) is made by ``MarcCheck`` from
the MR124 findings, once the whole file has been read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from erdq import marc21
from erdq.findings import Level, Severity
from erdq.readers.marc import MarcItem
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.marc.base import RecordCheck, RecordChecker, RecordContext
from erdq.rules.marc.control import cf, mrk

_REF = (
    "Leader/06 (Type of record) in the MARC 21 Formats for Authority Data, Holdings Data, "
    "Classification Data and Community Information (Library of Congress)."
)


class OtherFormat(NamedTuple):
    kind: str  # as a message says it: "an authority record"
    article: str
    meaning: str  # the leader/06 code's name in that format
    format: str  # the MARC 21 format's name


# Leader/06 codes that the other MARC 21 formats define; every other value is left to the
# bibliographic rules (MR201 reports one no format defines).
OTHER_FORMATS: dict[str, OtherFormat] = {
    "z": OtherFormat("authority", "an", "authority data", "Authority"),
    "u": OtherFormat("holdings", "a", "unknown type of holdings", "Holdings"),
    "v": OtherFormat("holdings", "a", "multipart item holdings", "Holdings"),
    "x": OtherFormat("holdings", "a", "single-part item holdings", "Holdings"),
    "y": OtherFormat("holdings", "a", "serial item holdings", "Holdings"),
    "w": OtherFormat("classification", "a", "classification data", "Classification"),
    "q": OtherFormat(
        "community information", "a", "community information", "Community Information"
    ),
}

AUTHORITY_LEADER = "00000nz  a2200000n  4500"
# A name authority record's 008 (40 characters, as the Authority format defines it).
AUTHORITY_008 = "240101n| azannaabn" + " " * 10 + " a aaa" + " " * 4 + " d"
_AUTHORITY = (
    "=001  n79021164",
    cf("008", AUTHORITY_008),
    "=100  1\\$aTwain, Mark,$d1835-1910",
    "=400  1\\$aClemens, Samuel Langhorne,$d1835-1910",
)
_BIB = ("=001  mr124", "=245  00$aTitle.")

NOT_BIBLIOGRAPHIC = rule(
    "MR124",
    "record-not-bibliographic",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="The record is {article} {kind} record (leader/06 {value!r}: {meaning}), not a "
    "bibliographic one. erdq's MARC rules are written for MARC 21 Bibliographic, so only "
    "its structure and character encoding were checked. Check it with a tool for the "
    "MARC 21 {format} format, or leave it out of bibliographic loads.",
    doc=sections(
        what="Reports, once per record, a record of another MARC 21 format: authority "
        "(leader/06 `z`), holdings (`u`, `v`, `x`, `y`), classification (`w`) or community "
        "information (`q`). Only the record-structure and encoding rules are run on it.",
        why="These formats share the record structure but define their own leader, 008 "
        "and fields: checked as bibliographic records, every authority record would show "
        "a wrong leader/06, no 245 and dozens of 'undefined' fields, and the real problems "
        "of the file would drown. A holdings or authority record in a bibliographic load "
        "is also a sign that the export took more than it should.",
        example="An authority record (leader `00000nz  a2200000n  4500`, 100 and 400 "
        "headings) in a file of e-book records.",
        fix="Validate authority and holdings records with a tool for their format; take "
        "them out of files meant for a bibliographic load (most ILS exports can select by "
        "record type).",
        references=_REF,
    ),
    bad=Example(raw=mrk(*_AUTHORITY, leader=AUTHORITY_LEADER)),
    good=Example(raw=mrk(*_BIB)),
)

NOT_BIBLIOGRAPHIC_FILE = rule(
    "MR125",
    "non-bibliographic-records",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.FILE,
    message="{count} of {records} record(s) of this file are not bibliographic ({kinds}), "
    "starting with record {first}; erdq checked only their structure and character "
    "encoding. If this is the wrong export, validate the bibliographic one instead; "
    "otherwise check those records with a tool for their format.",
    doc=sections(
        what="Sums up, once per file, the records of other MARC 21 formats (MR124) by "
        "kind: authority, holdings, classification, community information.",
        why="A file of authority or holdings records passes the bibliographic rules "
        "almost unchecked; the summary says so instead of leaving a clean-looking report.",
        example="FOLIO's `5000_authority_records.mrc`: 5,000 of 5,000 records are "
        "authority records.",
        fix="Give erdq the bibliographic export, or separate the record types before a load.",
        references=_REF,
    ),
    bad=Example(raw=mrk(*_AUTHORITY, leader=AUTHORITY_LEADER)),
    good=Example(raw=mrk(*_BIB)),
)


def other_format(item: MarcItem) -> OtherFormat | None:
    """The MARC 21 format a record belongs to when it is not bibliographic, else None."""
    return OTHER_FORMATS.get(marc21.leader_of(item.record)[6])


def by_format(checkers: Sequence[RecordChecker]) -> RecordCheck:
    """One record check for ``checkers``: all of them on a bibliographic record; on a
    record of another format MR124, then only the ``any_format`` ones."""
    every = [c.func for c in checkers]
    neutral = [c.func for c in checkers if c.any_format]

    def check(item: MarcItem, ctx: RecordContext) -> None:
        other = other_format(item)
        if other is None:
            for func in every:
                func(item, ctx)
            return
        ctx.report(
            "MR124",
            item.ordinal,
            value=marc21.leader_of(item.record)[6],
            tag="LDR",
            kind=other.kind,
            article=other.article,
            meaning=other.meaning,
            format=other.format,
        )
        for func in neutral:
            func(item, ctx)

    return check
