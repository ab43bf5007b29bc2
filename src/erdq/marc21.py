"""MARC 21 bibliographic definitions, loaded once from ``data/marc21_bib.yaml``.

The data file holds the facts of the standard (leader and 008/006/007 positions, tags,
indicators, subfield codes and their repeatability, obsolete fields, initial articles,
completeness elements); this module turns them into lookups built once at import, plus a
few small readers over a ``pymarc.Record`` that every MARC rule and the completeness score
share: the record's material type, its form of item, and whether it is an online resource.

Every helper takes what pymarc gives, including broken records (a short leader, a control
field without data, a data field without subfields) and never raises on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pymarc
import yaml

__all__ = [
    "ARTICLES",
    "COMPLETENESS",
    "CONTROL_FIELDS",
    "FIELDS",
    "LEADER",
    "MATERIAL_TYPES",
    "OBSOLETE_FIELDS",
    "SOURCE",
    "FieldDef",
    "PositionDef",
    "RecordIndex",
    "control_value",
    "data_fields",
    "field_def",
    "fixed_008_positions",
    "form_of_item",
    "index_of",
    "is_local_tag",
    "leader_of",
    "material_type",
    "online_evidence",
    "record_kind",
    "show",
    "spec",
    "subfield_values",
]

BLANK = "#"  # the data file writes a blank as '#', like the LC documentation


@cache
def spec() -> dict[str, Any]:
    """The data file as loaded (for tests and documentation)."""
    text = resources.files("erdq.data").joinpath("marc21_bib.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _blank(text: str) -> str:
    return text.replace(BLANK, " ")


# What exports write in the leader where blanks belong: the '#' of the documentation, and
# '^' or '-' of some systems' displays (MR116). Positions are judged as if blank.
LEADER_PLACEHOLDERS = re.compile(r"[#^\-]")


def show(value: str) -> str:
    """A coded value as MARC 21 documentation writes it: blanks as '#'."""
    return value.replace(" ", BLANK)


@dataclass(frozen=True, slots=True)
class PositionDef:
    """A character position (or range) of the leader, 008, 006 or 007 and its valid values."""

    start: int
    end: int  # inclusive
    name: str
    values: frozenset[str] | None = None  # one-character codes ("values" or "each")
    pattern: re.Pattern[str] | None = None
    expect: str | None = None  # what a patterned position holds, in words

    @property
    def label(self) -> str:
        return f"{self.start:02d}" if self.start == self.end else f"{self.start:02d}-{self.end:02d}"

    def slice(self, data: str) -> str | None:
        """The position's characters, or None when the data is too short to hold them."""
        if len(data) <= self.end:
            return None
        return data[self.start : self.end + 1]

    def valid(self, value: str) -> bool:
        if self.pattern is not None:
            return self.pattern.fullmatch(value) is not None
        assert self.values is not None
        return all(ch in self.values for ch in value)

    def expected(self) -> str:
        """What the position may hold, for messages ('#' = blank, as in MARC 21 docs)."""
        if self.expect:
            return self.expect
        text = _EXPECTED.get(self)
        if text is None:
            codes = sorted(self.values or (), key=lambda c: (c == "|", c != " ", c))
            text = _EXPECTED[self] = "one of " + ", ".join(show(c) for c in codes)
        return text

    def shifted(self, offset: int) -> PositionDef:
        return PositionDef(
            self.start + offset,
            self.end + offset,
            self.name,
            self.values,
            self.pattern,
            self.expect,
        )


_EXPECTED: dict[PositionDef, str] = {}  # PositionDef.expected(), worked out once each


def _position(raw: Mapping[str, Any]) -> PositionDef:
    pos = str(raw["pos"])
    first, _, last = pos.partition("-")
    start, end = int(first), int(last or first)
    if "pattern" in raw:
        return PositionDef(
            start,
            end,
            raw["name"],
            pattern=re.compile(_blank(raw["pattern"])),
            expect=raw.get("expect"),
        )
    codes = raw.get("values", raw.get("each"))
    return PositionDef(start, end, raw["name"], values=frozenset(_blank(str(codes))))


@dataclass(frozen=True, slots=True)
class FieldDef:
    """A variable data field as MARC 21 defines it."""

    tag: str
    name: str
    repeatable: bool
    ind1: frozenset[str] | None  # None: not checked
    ind2: frozenset[str] | None
    nr: frozenset[str]  # non-repeatable subfield codes
    r: frozenset[str]  # repeatable subfield codes
    any_subfields: bool = False  # 880, 886: subfields follow another field's definition
    obsolete: str | None = None  # what replaces an obsolete field

    def subfield_defined(self, code: str) -> bool:
        return self.any_subfields or code in self.nr or code in self.r

    def indicator_values(self, which: int) -> frozenset[str] | None:
        return self.ind1 if which == 1 else self.ind2


def _indicator(text: str) -> frozenset[str] | None:
    return None if text == "*" else frozenset(_blank(text))


def _build_fields(data: Mapping[str, Any]) -> dict[str, FieldDef]:
    local_subfields = frozenset(str(data.get("local_subfields", "")))
    out: dict[str, FieldDef] = {}
    for tag, raw in data["fields"].items():
        out[str(tag)] = FieldDef(
            tag=str(tag),
            name=raw["name"],
            repeatable=bool(raw["repeatable"]),
            ind1=_indicator(str(raw["ind1"])),
            ind2=_indicator(str(raw["ind2"])),
            nr=frozenset(str(raw.get("nr", ""))),
            r=frozenset(str(raw.get("r", ""))) | local_subfields,
            any_subfields=bool(raw.get("any_subfields", False)),
            obsolete=raw.get("obsolete"),
        )
    return out


_DATA = spec()
SOURCE: str = _DATA["source"]
FIELDS: dict[str, FieldDef] = _build_fields(_DATA)
CONTROL_FIELDS: dict[str, dict[str, Any]] = {
    str(k): dict(v) for k, v in _DATA["control_fields"].items()
}
OBSOLETE_FIELDS: dict[str, str] = {str(k): str(v) for k, v in _DATA["obsolete_fields"].items()}
REQUIRED_FIELDS: tuple[str, ...] = tuple(str(t) for t in _DATA["required_fields"])
_LOCAL_TAG_RE = re.compile("|".join(f"(?:{p})" for p in _DATA["local_tags"]["patterns"]))
_HOLDINGS_FIRST, _HOLDINGS_LAST = (str(t) for t in _DATA["embedded_holdings"])

LEADER: dict[int, PositionDef] = {
    int(pos): PositionDef(int(pos), int(pos), raw["name"], values=frozenset(_blank(raw["values"])))
    for pos, raw in _DATA["leader"].items()
}
_L17 = _DATA["leader"]["17"]
OCLC_ENCODING_LEVELS: dict[str, str] = dict(_L17["oclc"])
ENCODING_LEVEL_MEANING: dict[str, str] = {
    _blank(k): v for k, v in _L17["meaning"].items()
} | OCLC_ENCODING_LEVELS
PREPUBLICATION_LEVELS = frozenset(_L17["prepublication"])
BRIEF_LEVELS = frozenset(_L17["brief"])

MATERIAL_TYPES: dict[str, dict[str, Any]] = {k: dict(v) for k, v in _DATA["material_types"].items()}
_MATERIAL_BY_06: dict[str, str] = {}
for _code, _raw in MATERIAL_TYPES.items():
    if "leader07" in _raw:
        continue
    for _ch in _raw["leader06"]:
        _MATERIAL_BY_06[_ch] = _code
_SERIAL_07 = frozenset(MATERIAL_TYPES["CR"]["leader07"])
_FORM_OF_ITEM: dict[str, int] = {k: int(v["form_of_item"]) for k, v in MATERIAL_TYPES.items()}

_F008 = _DATA["008"]
LENGTH_008: int = int(_F008["length"])
COMMON_008: tuple[PositionDef, ...] = tuple(_position(p) for p in _F008["all"])
MATERIAL_008: dict[str, tuple[PositionDef, ...]] = {
    mt: tuple(_position(p) for p in positions) for mt, positions in _F008["material"].items()
}
LENGTH_006: int = int(_DATA["006"]["length"])
FORM_OF_MATERIAL_006: dict[str, str] = dict(_DATA["006"]["form_of_material"])
# 006/01-17 are 008/18-34 of the material type 006/00 names.
MATERIAL_006: dict[str, tuple[PositionDef, ...]] = {
    mt: tuple(p.shifted(-17) for p in positions) for mt, positions in MATERIAL_008.items()
}
CATEGORIES_007: dict[str, dict[str, Any]] = {}
for _cat, _raw in _DATA["007"]["categories"].items():
    CATEGORIES_007[_cat] = {
        "name": _raw["name"],
        "smd": frozenset(_blank(_raw["smd"])),
        "positions": tuple(_position(p) for p in _raw.get("positions", ())),
    }

ARTICLES: dict[str, tuple[str, ...]] = {
    lang: tuple(words) for lang, words in _DATA["initial_articles"].items()
}
ALL_ARTICLES: frozenset[str] = frozenset(w for words in ARTICLES.values() for w in words)
# Marks before an initial article that filing skips with it (245 ind2 counts them).
_LEADING_MARKS = frozenset("\"'[(¿¡«“‘„‹")
_JOINING = ("'", "-", "’")  # an article ending so is joined to the next word (l', al-)


def leading_marks(title: str) -> int:
    """How many quotation marks and brackets ``title`` starts with."""
    lead = 0
    while lead < len(title) and title[lead] in _LEADING_MARKS:
        lead += 1
    return lead


def article_at(text: str, articles: frozenset[str] | tuple[str, ...]) -> str | None:
    """The longest article that ``text`` starts with, as a whole word (case ignored)."""
    low = text.casefold()
    best: str | None = None
    for article in articles:
        if not low.startswith(article):
            continue
        rest = text[len(article) :]
        if article.endswith(_JOINING):
            ok = bool(rest) and rest[0].isalnum()
        else:
            ok = bool(rest) and rest[0] == " " and len(rest) > 1 and not rest[1].isspace()
        if ok and (best is None or len(article) > len(best)):
            best = article
    return best


def nonfiling_width(lead: int, article: str) -> int:
    """The characters filing skips: the leading marks, the article and its space."""
    return lead + len(article) + (0 if article.endswith(_JOINING) else 1)


def nonfiling_characters(title: str, language: str) -> int:
    """The 245 second indicator for ``title`` in ``language`` (a MARC language code):
    the width of its initial article in that language, or 0 (also for a language with
    no articles listed, such as chi or rus)."""
    lead = leading_marks(title)
    article = article_at(title[lead:], ARTICLES.get(language, ()))
    return nonfiling_width(lead, article) if article else 0


COMPLETENESS: dict[str, Any] = dict(_DATA["completeness"])


def field_def(tag: str) -> FieldDef | None:
    return FIELDS.get(tag)


@cache
def is_local_tag(tag: str) -> bool:
    """Tags MARC 21 leaves to local definition (9XX, X9X but 490, 0X9, system tags)."""
    if tag in FIELDS or tag in CONTROL_FIELDS:
        return False
    return _LOCAL_TAG_RE.fullmatch(tag) is not None


@cache
def is_embedded_holdings(tag: str) -> bool:
    """A MARC 21 Holdings field (841-878) embedded in the record, other than 850/852/856."""
    return tag not in FIELDS and tag.isdigit() and _HOLDINGS_FIRST <= tag <= _HOLDINGS_LAST


# --- small readers over a pymarc.Record -----------------------------------------------


class RecordIndex:
    """The record's fields by tag, built in one pass and shared by the checkers.

    Checkers over millions of records must not each walk every field for every question;
    ``index_of(item)`` builds this once per record and keeps it in ``item.memo``.
    """

    __slots__ = ("by_tag", "leader", "record")

    def __init__(self, record: pymarc.Record) -> None:
        self.record = record
        self.leader = leader_of(record)
        by_tag: dict[str, list[pymarc.Field]] = {}
        for field in record.fields:
            tag = field.tag
            if tag in by_tag:
                by_tag[tag].append(field)
            else:
                by_tag[tag] = [field]
        self.by_tag = by_tag

    def fields(self, tag: str) -> list[pymarc.Field]:
        return self.by_tag.get(tag, _NO_FIELDS)

    def data_fields(self, tag: str) -> list[pymarc.Field]:
        return [f for f in self.by_tag.get(tag, _NO_FIELDS) if not f.is_control_field()]

    def controls(self, tag: str) -> list[str]:
        """The data of every control field ``tag`` ('' for one without data)."""
        return [_control_data(f) for f in self.by_tag.get(tag, _NO_FIELDS)]

    def control(self, tag: str) -> str | None:
        fields = self.by_tag.get(tag)
        return _control_data(fields[0]) if fields else None


_NO_FIELDS: list[pymarc.Field] = []


def _control_data(field: pymarc.Field) -> str:
    data = getattr(field, "data", None)
    if data is None and not field.is_control_field():
        # A control tag carried as a data field (bad MARCXML): use its text.
        return "".join(sf.value or "" for sf in field.subfields or ())
    return data or ""


def index_of(item: Any) -> RecordIndex:
    """The ``RecordIndex`` of a ``MarcItem`` (anything with ``record`` and ``memo``)."""
    memo = item.memo
    index = memo.get("marc21.index")
    if index is None or index.record is not item.record:
        index = memo["marc21.index"] = RecordIndex(item.record)
    return index


def _index(record: pymarc.Record | RecordIndex) -> RecordIndex:
    return record if isinstance(record, RecordIndex) else RecordIndex(record)


def insert_in_tag_order(fields: list[pymarc.Field], new: pymarc.Field) -> None:
    """Put ``new`` before the first field whose tag sorts after its own, as pymarc's
    ``add_ordered_field`` does: after the fields of its tag, and in a record whose tags
    are out of order next to its neighbours by tag, not after a stray field further on
    (a 588 after the 504, not after a 349 among the 6XX). Letter tags (a local system's
    CAT, SYS) sort after the numeric ones."""
    for index, fld in enumerate(fields):
        if fld.tag > new.tag:
            fields.insert(index, new)
            return
    fields.append(new)


def leader_of(record: pymarc.Record) -> str:
    """The leader as text, padded with blanks to 24 characters when it is short."""
    leader = getattr(record, "leader", None)
    text = "" if leader is None else str(leader)
    return text.ljust(24)


def control_value(record: pymarc.Record | RecordIndex, tag: str) -> str | None:
    """The data of the first control field ``tag`` (None when absent)."""
    if isinstance(record, RecordIndex):
        return record.control(tag)
    for field in record.fields:
        if field.tag == tag:
            return _control_data(field)
    return None


def data_fields(record: pymarc.Record, tag: str) -> Iterator[pymarc.Field]:
    """Data fields with this tag (control fields with a data-field tag are skipped)."""
    for field in record.fields:
        if field.tag == tag and not field.is_control_field():
            yield field


def subfield_values(field: pymarc.Field, code: str) -> list[str]:
    return [sf.value for sf in field.subfields or () if sf.code == code and sf.value is not None]


def material_type(record_or_leader: pymarc.Record | RecordIndex | str) -> str | None:
    """BK, CR, CF, MP, MU, VM or MX from leader/06-07; None for an unknown type."""
    if isinstance(record_or_leader, str):
        leader = record_or_leader.ljust(24)
    elif isinstance(record_or_leader, RecordIndex):
        leader = record_or_leader.leader
    else:
        leader = leader_of(record_or_leader)
    type_06, level_07 = leader[6], leader[7]
    if type_06 == "a" and level_07 in _SERIAL_07:
        return "CR"
    return _MATERIAL_BY_06.get(type_06)


def fixed_008_positions(mtype: str | None) -> tuple[PositionDef, ...]:
    """Every defined 008 position for the material type (common ones only if unknown)."""
    return COMMON_008 + (MATERIAL_008.get(mtype, ()) if mtype else ())


def form_of_item(record: pymarc.Record | RecordIndex) -> tuple[str, int] | None:
    """(008 form-of-item code, its position) for the record's material type, if coded."""
    index = _index(record)
    mtype = material_type(index)
    if mtype is None:
        return None
    data = index.control("008")
    pos = _FORM_OF_ITEM[mtype]
    if data is None or len(data) != LENGTH_008:
        return None
    return data[pos], pos


def form_of_item_006(value: str) -> str | None:
    """The form-of-item code of one 006 field, if its form of material has one."""
    mtype = FORM_OF_MATERIAL_006.get(value[:1])
    if mtype is None:
        return None
    pos = _FORM_OF_ITEM[mtype] - 17
    return value[pos] if len(value) > pos else None


_ELECTRONIC_GMD = re.compile(r"electronic resource", re.IGNORECASE)


def online_evidence(record: pymarc.Record | RecordIndex) -> str | None:
    """Why the record describes an online resource, or None when nothing says it does.

    A record is taken as online when its own coding says so: 007/00-01 ``cr`` (remote
    electronic resource); 008 form of item ``o`` (online) for its material type; an 006
    whose form of item is ``o``; a 338 carrier ``cr``/"online resource"; an 856 whose
    second indicator is 0 (the link is to the resource itself); or an "[electronic
    resource]" 245 $h together with an 856 $u that is not a related resource. An 856 with
    second indicator 1 or 2 alone (a print record pointing at an online version or a table
    of contents) does not make a record online.
    """
    index = _index(record)
    for value in index.controls("007"):
        if value[:2] == "cr":
            return "007/00-01 is cr"
    form = form_of_item(index)
    if form is not None and form[0] == "o":
        return f"008/{form[1]} form of item is o"
    for value in index.controls("006"):
        if form_of_item_006(value) == "o":
            return "006 form of item is o"
    for field in index.data_fields("338"):
        for sf in field.subfields or ():
            value = (sf.value or "").strip().rstrip(".").strip().lower()
            if (sf.code == "b" and value == "cr") or (
                sf.code == "a" and value == "online resource"
            ):
                return "338 carrier type is online resource"
    links = index.data_fields("856")
    if not links:
        return None
    gmd = any(
        _ELECTRONIC_GMD.search(value)
        for field in index.data_fields("245")
        for value in subfield_values(field, "h")
    )
    for field in links:
        ind2 = field.indicators[1] if field.indicators else " "
        if not subfield_values(field, "u"):
            continue
        if ind2 == "0":
            return "856 second indicator 0 (link to the resource itself)"
        if gmd and ind2 != "2":
            return "245 $h [electronic resource] with an 856 link"
    return None


def record_kind(record: pymarc.Record | RecordIndex) -> str:
    """The kind of record for completeness: "serial" (leader/07 b, i, s) or "monograph"."""
    leader = record.leader if isinstance(record, RecordIndex) else leader_of(record)
    return "serial" if leader[7] in _SERIAL_07 else "monograph"
