"""The keys a vendor record is matched on, and what counts as the library's own fields.

Three kinds of key, strongest first: system control numbers (035 $a, and 001 with its
003), ISBN/ISSN (020 $a, 022 $a; canonical forms from ``erdq.identifiers``), and a
title + author + date key. Cancelled numbers (035 $z, OCLC's merged numbers in 019) are
kept apart: they may explain a match, never make one.

Beside the keys, what tells two manifestations apart: the record's form (electronic or
not, ``match_form``), the records it names as its other formats (776/775 $w, and the
ISBNs in their $z) and the ISBNs it says are not its own (020 $z).

The title key is Unicode-aware (cases BR-057, BR-059): NFC, case-folded, the 245
non-filing characters dropped, and everything but letters, marks and digits turned into
spaces, so a wholly non-Latin title keeps its letters; a record with no usable title
gets no key, and no key never matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pymarc

from erdq.cataloguing.match_form import RecordForm, record_form
from erdq.identifiers import (
    OCLC_ORG,
    SystemNumber,
    check_isbn,
    check_issn,
    control_number_key,
    isbn13,
    parse_system_number,
)

__all__ = [
    "LOCAL_TAGS",
    "RecordKeys",
    "is_local",
    "local_tag_matcher",
    "normalise_text",
    "record_keys",
    "shown_title_key",
    "title_key",
]

# The library's own fields in every record: 9XX (local fields) and 590 (local note).
LOCAL_TAGS = ("9XX", "590")
_YEAR_RE = re.compile(r"[0-9]{4}")
_TAG_PATTERN_RE = re.compile(r"[0-9X]{3}")


@dataclass(slots=True)
class RecordKeys:
    """The matching keys of one record, and what was not usable, in words."""

    system: list[SystemNumber] = field(default_factory=list)  # 035 $a, 001/003
    cancelled: list[SystemNumber] = field(default_factory=list)  # 035 $z, 019 $a
    isbns: list[str] = field(default_factory=list)  # canonical ISBN-13, in record order
    issns: list[str] = field(default_factory=list)
    title_key: str | None = None  # title + author + date
    title: str = ""  # normalised 245 $a $b $n $p, for similarity
    notes: list[str] = field(default_factory=list)
    control: str | None = None  # 001 as written (stripped), to find it named in a 776 $w
    control_org: str | None = None  # 003
    form: RecordForm = field(default_factory=RecordForm)  # electronic or not (match_form)
    # 776/775 $w as (tag, value as written): the record's other formats (other editions).
    linked: list[tuple[str, str]] = field(default_factory=list)
    linked_isbns: list[tuple[str, str]] = field(default_factory=list)  # 776/775 $z, ISBN-13
    # 020 $z: ISBNs the record says are not its own (cancelled, invalid, another format's).
    not_own_isbns: list[str] = field(default_factory=list)

    def system_keys(self) -> list[tuple[str, str]]:
        return _unique(n.key for n in self.system if n.key is not None)

    def cancelled_keys(self) -> list[tuple[str, str]]:
        return _unique(n.key for n in self.cancelled if n.key is not None)

    def oclc_numbers(self) -> set[str]:
        return {number for org, number in self.system_keys() if org == OCLC_ORG}

    def as_dict(self) -> dict[str, object]:
        return {
            "system": [_shown_key(k) for k in self.system_keys()],  # 035 $a, 001/003
            "cancelled": [_shown_key(k) for k in self.cancelled_keys()],
            "isbn": list(self.isbns),
            "issn": list(self.issns),
            "title": shown_title_key(self.title_key) if self.title_key else None,
            "form": self.form.form,
            "other_formats": [f"{t} $w {v}" for t, v in self.linked]
            + [f"{t} $z {v}" for t, v in self.linked_isbns],
        }

    def names_as_linked(self, other: RecordKeys) -> list[str]:
        """The 776/775 $w and $z values of this record that name ``other`` (by one of its
        system numbers, its 001, or its ISBN), in words: "776 $w (OCoLC)4242".

        A value the record also holds as its own (a 776 $z that is in its 020 $a as well,
        a 776 $w that is its own 035 or 001, as vendors' records have) cannot tell two
        records apart and is not used; nor is a 776 $z when the two records have an
        ISBN (020 $a) in common."""
        out = []
        their_keys = set(other.system_keys())
        own_keys = set(self.system_keys())
        for tag, value in self.linked:
            number = parse_system_number(value)
            if (number.key is not None and number.key in own_keys) or value == self.control:
                continue
            by_number = number.key is not None and number.key in their_keys
            by_001 = other.control is not None and (
                value == other.control
                # "(XxLIB)p1" names 001 p1 of a record without 003
                or (
                    number.org is not None
                    and not other.control_org
                    and (number.number or "") == "".join(other.control.split())
                )
            )
            if by_number or by_001:
                out.append(f"{tag} $w {value}")
        # An ISBN is weaker evidence than a record number: records sharing an ISBN of
        # their own are not told apart by another one in 776 $z (vendors put the
        # e-ISBN of the very record there as "Print version").
        shares_isbn = bool(set(self.isbns) & set(other.isbns))
        for tag, isbn in self.linked_isbns:
            if isbn in other.isbns and isbn not in self.isbns and not shares_isbn:
                out.append(f"{tag} $z {isbn}")
        return _unique(out)


def shown_title_key(key: str) -> str:
    """A title key as people read it: "livre inventé | mercier paul | 1970"."""
    return " | ".join(key.split("\x1f"))


def _shown_key(key: tuple[str, str]) -> str:
    return f"({key[0]}){key[1]}"


def _unique(values: Iterable) -> list:
    return list(dict.fromkeys(values))


def normalise_text(text: str) -> str:
    """NFC, case-folded, everything but letters, combining marks and digits made spaces.

    Marks are kept because many scripts (Devanagari, Arabic) write vowels with them;
    "Café" composed and decomposed give the same text.
    """
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    out = [ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in folded]
    return " ".join("".join(out).split())


def _subfields(f: pymarc.Field, codes: str) -> list[str]:
    return [sub.value for sub in f.subfields if sub.code in codes and sub.value]


def title_key(record: pymarc.Record) -> tuple[str | None, str]:
    """(title + author + date key or None, normalised title for similarity).

    The key needs a title and an author or a date: a bare "Annual report" would join
    unrelated records. Non-filing characters (245 second indicator) are dropped first.
    """
    f245 = record.get("245")
    if f245 is None or f245.control_field:
        return None, ""
    key_parts: list[str] = []  # $a $n $p: subtitles ($b) vary too much between vendors
    all_parts: list[str] = []
    for sub in f245.subfields:
        if sub.code not in "abnp" or not sub.value:
            continue
        value = sub.value
        if sub.code == "a" and not all_parts and f245.indicator2 in "123456789":
            value = value[int(f245.indicator2) :]
        all_parts.append(value)
        if sub.code != "b":
            key_parts.append(value)
    key_title = normalise_text(" ".join(key_parts))
    full_title = normalise_text(" ".join(all_parts))
    if not key_title:
        return None, full_title
    author = ""
    for tag in ("100", "110", "111"):
        f1xx = record.get(tag)
        if f1xx is not None and not f1xx.control_field:
            author = normalise_text(" ".join(_subfields(f1xx, "a")))
            break
    date = _date(record)
    if not author and not date:
        return None, full_title
    return f"{key_title}\x1f{author}\x1f{date}", full_title


def _date(record: pymarc.Record) -> str:
    f008 = record.get("008")
    data = f008.data if f008 is not None and f008.control_field and f008.data else ""
    if len(data) >= 11 and data[7:11].isdigit():
        return data[7:11]
    for tag in ("264", "260"):
        for f in record.get_fields(tag):
            for value in _subfields(f, "c"):
                m = _YEAR_RE.search(value)
                if m:
                    return m.group()
    return ""


def record_keys(record: pymarc.Record) -> RecordKeys:
    """Every matching key of a record, with notes on values that could not be used."""
    keys = RecordKeys()
    f001, f003 = record.get("001"), record.get("003")
    if f001 is not None and f001.control_field and (f001.data or "").strip():
        keys.control = f001.data.strip()
    if f003 is not None and f003.control_field and (f003.data or "").strip():
        keys.control_org = f003.data.strip()
    control = control_number_key(
        f001.data if f001 is not None and f001.control_field else None,
        f003.data if f003 is not None and f003.control_field else None,
    )
    if control is not None:
        if control.key is not None:
            keys.system.append(control)
        else:
            keys.notes.append(f"001 {control.raw!r} under 003 OCoLC is not an OCLC number")
    for f in record.get_fields("035"):
        if f.control_field:
            continue
        for sub in f.subfields:
            if sub.code == "a":
                number = parse_system_number(sub.value)
                if number.key is not None:
                    keys.system.append(number)
                else:
                    keys.notes.append(
                        f"035 $a {sub.value!r} not used for matching ({', '.join(number.problems)})"
                    )
            elif sub.code == "z":
                number = parse_system_number(sub.value)
                if number.key is not None:
                    keys.cancelled.append(number)
            elif sub.code == "9":
                keys.notes.append(f"035 $9 {sub.value!r} is local data, not used for matching")
    for f in record.get_fields("019"):
        if f.control_field:
            continue
        for value in _subfields(f, "a"):
            number = parse_system_number(f"({OCLC_ORG}){value}")
            if number.key is not None:
                keys.cancelled.append(number)
    for f in record.get_fields("020"):
        if f.control_field:
            continue
        for value in _subfields(f, "a"):
            result = check_isbn(value)
            if result.valid and "placeholder" not in result.problems and result.canonical:
                keys.isbns.append(result.canonical)
            else:
                keys.notes.append(f"020 $a {value!r} is not a valid ISBN, not used for matching")
        for value in _subfields(f, "z"):
            isbn = isbn13(value)
            if isbn is not None:
                keys.not_own_isbns.append(isbn)
    for f in record.get_fields("022"):
        if f.control_field:
            continue
        for value in _subfields(f, "a"):
            result = check_issn(value)
            if result.valid and "placeholder" not in result.problems and result.canonical:
                keys.issns.append(result.canonical)
            else:
                keys.notes.append(f"022 $a {value!r} is not a valid ISSN, not used for matching")
    for tag in ("776", "775"):
        for f in record.get_fields(tag):
            if f.control_field:
                continue
            for value in _subfields(f, "w"):
                keys.linked.append((tag, value.strip()))
            for value in _subfields(f, "z"):
                isbn = isbn13(value)
                if isbn is not None:
                    keys.linked_isbns.append((tag, isbn))
    keys.linked = _unique(keys.linked)
    keys.linked_isbns = _unique(keys.linked_isbns)
    keys.isbns = _unique(keys.isbns)
    keys.issns = _unique(keys.issns)
    keys.not_own_isbns = _unique(keys.not_own_isbns)
    keys.form = record_form(record)
    keys.title_key, keys.title = title_key(record)
    return keys


def local_tag_matcher(extra: Iterable[str] = ()) -> re.Pattern[str]:
    """A pattern of the local tags: 9XX, 590 and ``extra`` ("541", "69X": X any digit).

    Raises ``ValueError`` naming a value that is not a tag or tag pattern.
    """
    patterns = []
    for tag in (*LOCAL_TAGS, *extra):
        tag = tag.strip().upper()
        if not _TAG_PATTERN_RE.fullmatch(tag):
            raise ValueError(f"{tag!r} is not a MARC tag or a pattern such as 59X")
        patterns.append(tag.replace("X", "[0-9]"))
    return re.compile("|".join(patterns))


def is_local(tag: str, matcher: re.Pattern[str]) -> bool:
    return matcher.fullmatch(tag) is not None
