"""Merge a vendor record into the catalogue's, and say what loading it would change.

``merge_record`` keeps the catalogue record's 001/003 (the number the catalogue knows the
record by, so that the load overlays it) and its local fields; the vendor's own 001/003
becomes a 035 so that the next update still matches. ``compare_records`` lists by tag
what loading the merged record would change.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pymarc

from erdq.cataloguing.match_keys import is_local, record_keys
from erdq.identifiers import (
    SystemNumber,
    control_number_key,
    oclc_035,
    parse_system_number,
    system_number_key,
)

__all__ = ["compare_records", "merge_record", "written"]

_NOT_COMPARED = frozenset({"005"})


def _field_signature(f: pymarc.Field) -> tuple:
    if f.control_field:
        return (unicodedata.normalize("NFC", f.data or ""),)
    if f.tag == "035":
        # By the numbers it holds: (OCoLC)ocm00012345 and (OCoLC)12345 are one number.
        parts = []
        for sub in f.subfields:
            key = parse_system_number(sub.value).key if sub.code in "az" else None
            parts.append((sub.code, key or unicodedata.normalize("NFC", sub.value)))
        return (tuple(parts),)
    subs = tuple((s.code, unicodedata.normalize("NFC", s.value)) for s in f.subfields)
    return (f.indicator1, f.indicator2, subs)


def compare_records(
    merged: pymarc.Record, existing: pymarc.Record, local: re.Pattern[str]
) -> dict[str, dict[str, int]]:
    """{tag: {"added": n, "removed": n}}: what loading ``merged`` (the vendor record as
    ``merge_record`` makes it) would change in the catalogue record ``existing``.

    Fields are compared as text in NFC, in any order within a tag; 035s by the numbers
    they hold (written in any form, the same number once however often it is repeated).
    Not compared: 005 (a transaction date), the local fields, and in the leader the
    lengths, leader/05 (record status) and leader/09 (erdq writes UTF-8 anyway).
    """

    def signatures(record: pymarc.Record) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {}
        for f in record.fields:
            if f.tag in _NOT_COMPARED or is_local(f.tag, local):
                continue
            out.setdefault(f.tag, []).append(_field_signature(f))
        if "035" in out:
            out["035"] = sorted(set(out["035"]), key=repr)
        leader = str(record.leader)
        out["LDR"] = [(leader[6:9] + leader[10:12] + leader[17:],)]
        return out

    ours, theirs = signatures(merged), signatures(existing)
    changes: dict[str, dict[str, int]] = {}
    for tag in sorted(set(ours) | set(theirs)):
        mine, other = ours.get(tag, []), theirs.get(tag, [])
        if mine == other:  # the usual case, without counting
            continue
        a, b = Counter(mine), Counter(other)
        added, removed = sum((a - b).values()), sum((b - a).values())
        if added or removed:
            changes[tag] = {"added": added, "removed": removed}
    return changes


def merge_record(
    incoming: pymarc.Record, existing: pymarc.Record, local: re.Pattern[str]
) -> tuple[pymarc.Record, list[str]]:
    """The vendor record with the catalogue record's 001/003 and local fields.

    Returns the merged record and notes, in words, on what was not carried over or was
    added. Neither input is changed; the merged record shares their field objects
    (copying every field of every update would double the cost of a merge).
    """
    notes: list[str] = []
    out = pymarc.Record()
    # Assigned, not passed to Record(), which would set leader/10-11 and /20-23 itself.
    out.leader = pymarc.Leader(str(incoming.leader))
    ex_control = [f for f in existing.fields if f.tag in ("001", "003")]
    vendor_control = [f for f in incoming.fields if f.tag in ("001", "003")]
    body = []
    dropped: Counter[str] = Counter()
    catalogue_035 = {keys: f for f in existing.get_fields("035") if (keys := _keys_035(f))}
    restored = 0
    for f in incoming.fields:
        if f.tag in ("001", "003"):
            continue
        if is_local(f.tag, local):
            dropped[f.tag] += 1
            continue
        if f.tag == "035" and _unprefixed(f) and (same := catalogue_035.get(_keys_035(f))):
            # MARC 21 035 $a starts with the agency's code in parentheses; a vendor's bare
            # "ocm99999" for the catalogue's "(OCoLC)99999" would be a number the library's
            # system may no longer match on. The catalogue's field says the same, properly.
            body.append(same)
            restored += 1
            continue
        body.append(f)
    if restored:
        notes.append(
            f"{restored} 035 field(s) of the vendor without an agency code in parentheses "
            "written as the catalogue record has them (the same numbers)"
        )
    if ex_control:
        control = ex_control
    else:
        control = list(vendor_control)
        if control:
            notes.append("the catalogue record has no 001/003, so the vendor's are kept")
    out.fields = [*control, *body]
    if ex_control and vendor_control:
        number = _vendor_number(incoming)
        if number is not None and number.key is not None:
            present = record_keys(out).system_keys()
            if number.key not in present:
                value = (
                    oclc_035(number.number or "")
                    if number.is_oclc
                    else f"({number.org}){number.number}"
                )
                out.add_ordered_field(
                    pymarc.Field(
                        tag="035", indicators=[" ", " "], subfields=[pymarc.Subfield("a", value)]
                    )
                )
                notes.append(f"the vendor's 001/003 is kept as 035 $a {value}")
        elif number is None or number.key is None:
            shown = ", ".join(f"{f.tag} {f.data!r}" for f in vendor_control)
            notes.append(
                f"the vendor's {shown} replaced by the catalogue's: without a 003 naming its "
                "organisation it cannot be kept as a 035"
            )
    # The catalogue's numbers in other systems (035 the vendor record lacks) stay: a
    # later load, or another system's link, may match on them.
    present = set(record_keys(out).system_keys())
    carried = 0
    for f in existing.get_fields("035"):
        keys = {k for v in f.get_subfields("a") if (k := system_number_key(v)) is not None}
        if keys and not keys <= present:
            out.add_ordered_field(f)
            present |= keys
            carried += 1
    if carried:
        notes.append(
            f"{carried} 035 field(s) of the catalogue record kept: numbers the vendor "
            "record does not have"
        )
    kept = 0
    for f in existing.fields:
        if f.tag not in ("001", "003") and is_local(f.tag, local):
            out.add_ordered_field(f)
            kept += 1
    if kept:
        notes.append(f"{kept} local field(s) kept from the catalogue record")
    for tag, count in sorted(dropped.items()):
        notes.append(
            f"the vendor's {tag} ({count}) not written: local fields come from the catalogue"
        )
    return out, notes


def _keys_035(f: pymarc.Field) -> frozenset:
    return frozenset(k for v in f.get_subfields("a") if (k := system_number_key(v)) is not None)


def _unprefixed(f: pymarc.Field) -> bool:
    return any(not v.strip().startswith("(") for v in f.get_subfields("a"))


def written(record: pymarc.Record, tag: str) -> list[str]:
    return sorted(f.value() for f in record.get_fields(tag))


def _vendor_number(record: pymarc.Record) -> SystemNumber | None:
    f001, f003 = record.get("001"), record.get("003")
    return control_number_key(
        f001.data if f001 is not None and f001.control_field else None,
        f003.data if f003 is not None and f003.control_field else None,
    )
