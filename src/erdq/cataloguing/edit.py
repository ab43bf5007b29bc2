"""Rule-based batch edits of MARC records (``erdq marc edit``): MarcEdit's tasks, kept
in a reviewable rules file.

``load_rules(path)`` reads and checks a rules file (``erdq.cataloguing.edit_rules``);
``apply(record, rules)`` applies its edits in order to one ``pymarc.Record`` and returns
it with the list of ``Change``s made; ``edit_records(source, rules, target)`` streams a
whole file through them (``erdq.cataloguing.edit_run``).

An edit never leaves a record invalid without a word: a new tag must be three
characters, a control field (00X) holds data and no subfields, a data field keeps at
least one subfield, indicators are one character, subfield codes a lowercase letter or
digit and subfields hold data; and an edit does not add a second field or subfield where
MARC 21 allows one only (a second 245, a second 020 $a); and the edits together do not
leave a record without the 001, 008 or 245 it had (``REQUIRED_FIELDS``: a 245 deleted and
added again is fine; the leader cannot be deleted, and its structural positions cannot
be set). An edit that would break one of
these raises ``RecordEditError`` and the record is left exactly as it was: the edits
never change a field in place, they build new fields, so undoing is putting the old list
back.

Replacements are Python regular expressions; groups in the replacement are written
``\\1`` or ``\\g<name>``, and a literal dollar ``\\$`` or ``{dollar}`` (``US\\$10``; a bare
``$`` before a digit is refused, since it reads like a group). In a whole-field replace
the subfields are seen as ``$aText$bmore``, so a bare ``$b`` there starts subfield b.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pymarc
from pymarc import Field, Indicators, Subfield

from erdq.cataloguing.edit_rules import (
    ACTIONS,
    Edit,
    RuleSet,
    control_tag,
    field_text,
    load_rules,
    parse_rules,
)
from erdq.marc21 import field_def, insert_in_tag_order, show
from erdq.readers.mrk import field_line, write_mrk

if TYPE_CHECKING:
    from erdq.cataloguing.edit_run import EditRun

__all__ = [
    "ACTIONS",
    "Change",
    "Edit",
    "RecordEditError",
    "RuleSet",
    "apply",
    "edit_records",
    "field_line",
    "load_rules",
    "parse_rules",
    "record_lines",
]

_CODE_RE = re.compile(r"^[a-z0-9]$")
_INDICATOR_RE = re.compile(r"^[0-9a-z ]$")
_TAG_RE = re.compile(r"^[0-9A-Za-z]{3}$")
_STRUCTURE_RE = re.compile("[\x1d\x1e\x1f]")


@dataclass(frozen=True, slots=True)
class Change:
    """One field changed by one edit: ``before`` None for a field added, ``after`` None
    for one deleted; both in .mrk form (``=245  10$aTitle``). ``tag`` "LDR": the leader."""

    edit: int
    action: str
    tag: str
    before: str | None
    after: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "edit": self.edit,
            "action": self.action,
            "tag": self.tag,
            "before": self.before,
            "after": self.after,
        }


class RecordEditError(ValueError):
    """An edit would make the record invalid; the record is left as it was."""

    def __init__(self, edit: Edit, reason: str, tag: str | None = None) -> None:
        super().__init__(f"{edit.label}: {reason}")
        self.edit = edit
        self.reason = reason
        self.tag = tag


def record_lines(record: pymarc.Record) -> list[str]:
    """The record as .mrk lines, leader first (cut at line feeds only: a value may hold
    U+2028 or U+0085, which ``str.splitlines`` would take for line ends)."""
    return write_mrk(record).rstrip("\n").split("\n")


# -- applying -----------------------------------------------------------------------------


def apply(record: pymarc.Record, rules: RuleSet) -> tuple[pymarc.Record, list[Change]]:
    """Apply every edit of ``rules`` in order to ``record`` (changed in place) and return
    it with the changes made. ``RecordEditError``: an edit would make the record
    invalid; the record is then left exactly as it was."""
    fields, leader = list(record.fields), record.leader
    changes: list[Change] = []
    had = _required_present(record)
    removed_by: dict[str, Edit] = {}  # required tag -> the edit that last took it away
    try:
        for edit in rules.edits:
            if edit.when is not None and not edit.when(record):
                continue
            made = _ACTIONS[edit.action](record, edit)
            changes.extend(made)
            if had and made:
                now = _required_present(record)
                for tag in had - now:
                    removed_by.setdefault(tag, edit)
                for tag in now:
                    removed_by.pop(tag, None)  # put back by a later edit
        if removed_by:
            raise _lost_fields(removed_by)
    except RecordEditError:
        record.fields, record.leader = fields, leader
        raise
    return record, changes


# The fields a record must keep (MARC 21: 001 control number, 008 fixed-length data
# elements, 245 title statement): an edit may change them, not leave the record without.
REQUIRED_FIELDS = {
    "001": "control number",
    "008": "fixed-length data elements",
    "245": "title statement",
}


def _required_present(record: pymarc.Record) -> frozenset[str]:
    return frozenset(f.tag for f in record.fields if f.tag in REQUIRED_FIELDS)


def _lost_fields(removed_by: dict[str, Edit]) -> RecordEditError:
    """The error for a record the edits would leave without fields it had and must keep;
    the edit named is the one that took away the first of them."""
    tags = sorted(removed_by)
    first = removed_by[tags[0]]
    named = [f"{tag} ({REQUIRED_FIELDS[tag]})" for tag in tags]
    lost = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
    others = [f"{tag} by {removed_by[tag].label}" for tag in tags if removed_by[tag] is not first]
    also = f" ({'; '.join(others)})" if others else ""
    return RecordEditError(
        first,
        f"the record would be left without its {lost}{also}, which a MARC 21 record must "
        "keep; narrow the edit (a 'where' condition, a tag list) or add the field back in "
        "a later edit",
        tags[0],
    )


def _selected(edit: Edit, fld: Field) -> bool:
    """Whether a field whose tag matches is selected by the edit's other tests."""
    if edit.ind1 is not None and (fld.control_field or fld.indicator1 not in edit.ind1):
        return False
    if edit.ind2 is not None and (fld.control_field or fld.indicator2 not in edit.ind2):
        return False
    return edit.where is None or edit.where(fld)


def _data_field(tag: str, ind1: str, ind2: str, subfields: list[Subfield]) -> Field:
    return Field(tag, indicators=Indicators(ind1, ind2), subfields=subfields)


def _check(edit: Edit, fld: Field) -> Field:
    """The field, if it is valid MARC; else ``RecordEditError`` saying what is wrong."""
    tag = fld.tag
    if not _TAG_RE.match(tag):
        raise RecordEditError(edit, f"the tag {tag!r} would not be three letters or digits", tag)
    if fld.control_field:
        data = fld.data or ""
        if not data:
            raise RecordEditError(edit, f"control field {tag} would be left empty", tag)
        if _STRUCTURE_RE.search(data):
            raise RecordEditError(edit, f"{tag} would hold a MARC delimiter character", tag)
        return fld
    for name, ind in (("first", fld.indicator1), ("second", fld.indicator2)):
        if not isinstance(ind, str) or not _INDICATOR_RE.match(ind):
            raise RecordEditError(
                edit, f"{tag} would get the {name} indicator {ind!r} (one digit, letter or blank)"
            )
    if not fld.subfields:
        raise RecordEditError(
            edit,
            f"{tag} would be left with no subfield; delete the field instead "
            "(delete-field with a 'where' condition)",
            tag,
        )
    for sub in fld.subfields:
        if not _CODE_RE.match(sub.code):
            raise RecordEditError(
                edit, f"{tag} would get the subfield code {sub.code!r} (a letter or digit)", tag
            )
        if not sub.value:
            raise RecordEditError(
                edit,
                f"{tag} ${sub.code} would be left empty; a subfield must hold data "
                "(delete-subfield with 'matches' removes a subfield)",
                tag,
            )
        if _STRUCTURE_RE.search(sub.value):
            raise RecordEditError(edit, f"{tag} ${sub.code} would hold a MARC delimiter", tag)
    return fld


def _repeats(edit: Edit, old: Field | None, new: Field) -> None:
    """MARC 21 repeatability: ``RecordEditError`` when an edit makes a non-repeatable
    subfield occur more often in ``new`` than in ``old`` (the field before the edit).
    Local and undefined tags are not checked."""
    definition = field_def(new.tag)
    if definition is None or new.control_field:
        return
    for code in definition.nr:
        count = sum(s.code == code for s in new.subfields)
        if count > 1 and (old is None or count > sum(s.code == code for s in old.subfields)):
            raise RecordEditError(
                edit,
                f"{new.tag} ${code} is not repeatable (MARC 21) and would occur {count} times",
                new.tag,
            )


def _indicators_defined(edit: Edit, new: Field) -> Field:
    """``RecordEditError`` when an indicator of a moved or re-indicated field is not one
    MARC 21 defines for its tag (020 moved to 776 keeps a blank first indicator, and 776
    has 0 or 1 there)."""
    definition = field_def(new.tag)
    if definition is None:
        return new
    for key, value in (("ind1", new.indicator1), ("ind2", new.indicator2)):
        allowed = getattr(definition, key)
        if allowed is not None and value not in allowed:
            shown = ", ".join(show(v) for v in sorted(allowed))
            raise RecordEditError(
                edit,
                f"{new.tag} would get {key} {show(value)}, which MARC 21 does not define for "
                f"it (allowed: {shown}); give it with set: {{{key}: ...}}",
                new.tag,
            )
    return new


def _one_only(edit: Edit, fields: list[Field], tags: set[str]) -> None:
    """``RecordEditError`` when a field added or moved to a non-repeatable tag (MARC 21)
    would be a second one."""
    for tag in sorted(tags):
        definition = field_def(tag)
        if definition is not None and not definition.repeatable:
            count = sum(f.tag == tag for f in fields)
            if count > 1:
                raise RecordEditError(
                    edit, f"{tag} is not repeatable (MARC 21) and would occur {count} times", tag
                )


def _rewrite(record: pymarc.Record, edit: Edit, make) -> list[Change]:
    """Replace every selected field by ``make(field)``: a new field, None to delete it,
    or the field itself to leave it. Moved fields (a new tag) are put in tag order."""
    assert edit.tag is not None
    fields = record.fields
    hits = set(edit.tag.select(fields))
    if not hits:
        return []  # most edits, for most records: no field with the tag
    kept: list[Field] = []
    moved: list[Field] = []
    changes: list[Change] = []
    for index, fld in enumerate(fields):
        if index not in hits or not _selected(edit, fld):
            kept.append(fld)
            continue
        new = make(fld)
        if new is fld:
            kept.append(fld)
            continue
        if new is not None:
            if _same(new, fld):  # an edit that changes nothing is no change
                kept.append(fld)
                continue
            _check(edit, new)
            _repeats(edit, fld, new)
            after = field_line(new)
            (moved if new.tag != fld.tag else kept).append(new)
        else:
            after = None
        changes.append(Change(edit.number, edit.action, fld.tag, field_line(fld), after))
    for new in moved:
        insert_in_tag_order(kept, new)
    _one_only(edit, kept, {f.tag for f in moved})
    if changes:
        record.fields = kept
    return changes


def _same(a: Field, b: Field) -> bool:
    if a.tag != b.tag or a.control_field != b.control_field:
        return False
    if a.control_field:
        return a.data == b.data
    return (a.indicator1, a.indicator2) == (b.indicator1, b.indicator2) and [
        (s.code, s.value) for s in a.subfields
    ] == [(s.code, s.value) for s in b.subfields]


def _add_field(record: pymarc.Record, edit: Edit) -> list[Change]:
    assert edit.tag is not None
    tag = edit.tag.text
    params = edit.params
    if "data" in params:
        new = Field(tag, data=str(params["data"]))
    else:
        pairs = params["subfields"]
        subfields = [Subfield(code, value) for code, value in pairs]  # type: ignore[union-attr]
        new = _data_field(tag, str(params["ind1"]), str(params["ind2"]), subfields)
    _check(edit, new)
    _repeats(edit, None, new)
    fields = list(record.fields)
    insert_in_tag_order(fields, new)
    _one_only(edit, fields, {tag})
    record.fields = fields
    return [Change(edit.number, edit.action, tag, None, field_line(new))]


def _delete_field(record: pymarc.Record, edit: Edit) -> list[Change]:
    return _rewrite(record, edit, lambda fld: None)


def _subfields_only(edit: Edit, fld: Field) -> None:
    if fld.control_field:
        raise RecordEditError(
            edit, f"{fld.tag} is a control field (00X): it has data, not subfields", fld.tag
        )


def _add_subfield(record: pymarc.Record, edit: Edit) -> list[Change]:
    code, value = str(edit.params["code"]), str(edit.params["value"])

    def make(fld: Field) -> Field:
        _subfields_only(edit, fld)
        sub = Subfield(code, value)
        subs = (
            [sub, *fld.subfields] if edit.params["position"] == "start" else [*fld.subfields, sub]
        )
        return _data_field(fld.tag, fld.indicator1, fld.indicator2, subs)

    return _rewrite(record, edit, make)


def _delete_subfield(record: pymarc.Record, edit: Edit) -> list[Change]:
    codes = edit.params["codes"]
    matches: re.Pattern[str] | None = edit.params.get("matches")  # type: ignore[assignment]

    def make(fld: Field) -> Field:
        _subfields_only(edit, fld)
        subs = [
            s
            for s in fld.subfields
            if not (s.code in codes and (matches is None or matches.search(s.value)))  # type: ignore[operator]
        ]
        if len(subs) == len(fld.subfields):
            return fld
        return _data_field(fld.tag, fld.indicator1, fld.indicator2, subs)

    return _rewrite(record, edit, make)


def _parse_text(edit: Edit, tag: str, text: str) -> list[Subfield]:
    """A whole-field replacement's result back into subfields."""
    if not text.startswith("$"):
        raise RecordEditError(
            edit,
            f"the replacement would leave {tag} as {text[:40]!r}, which does not start with "
            "$ and a subfield code",
            tag,
        )
    return [Subfield(p[:1], p[1:].replace("{dollar}", "$")) for p in text.split("$")[1:]]


def _replace(record: pymarc.Record, edit: Edit) -> list[Change]:
    find: re.Pattern[str] = edit.params["find"]  # type: ignore[assignment]
    template = str(edit.params["replace"])
    code = edit.params.get("subfield")

    def make(fld: Field) -> Field:
        if code is not None:
            _subfields_only(edit, fld)
            subs = [
                Subfield(s.code, find.sub(template, s.value)) if s.code == code else s
                for s in fld.subfields
            ]
            return _data_field(fld.tag, fld.indicator1, fld.indicator2, subs)
        before = field_text(fld)
        after = find.sub(template, before)
        if after == before:
            return fld
        if fld.control_field:
            return Field(fld.tag, data=after)
        if any("{dollar}" in sub.value for sub in fld.subfields):
            # The field's own text "{dollar}" would come back as "$": not this edit's to make.
            raise RecordEditError(
                edit,
                f"{fld.tag} holds the text {{dollar}}, which a whole-field replace cannot tell "
                "from a $; replace in one subfield instead (subfield: ...)",
                fld.tag,
            )
        subs = _parse_text(edit, fld.tag, after)
        return _data_field(fld.tag, fld.indicator1, fld.indicator2, subs)

    return _rewrite(record, edit, make)


def _move_field(record: pymarc.Record, edit: Edit) -> list[Change]:
    to = str(edit.params["to"])
    new_ind: dict[str, str] = edit.params.get("set") or {}  # type: ignore[assignment]

    def make(fld: Field) -> Field:
        if fld.control_field != control_tag(to):
            kinds = ("a control field (00X)", "a data field")
            have, want = (kinds if fld.control_field else kinds[::-1])[:2]
            raise RecordEditError(
                edit, f"{fld.tag} is {have} and {to} {want}; the field is not moved", fld.tag
            )
        if fld.control_field:
            return Field(to, data=fld.data)
        ind1 = new_ind.get("ind1", fld.indicator1)
        ind2 = new_ind.get("ind2", fld.indicator2)
        return _indicators_defined(edit, _data_field(to, ind1, ind2, list(fld.subfields)))

    return _rewrite(record, edit, make)


def _move_subfield(record: pymarc.Record, edit: Edit) -> list[Change]:
    source, target = str(edit.params["from"]), str(edit.params["to"])
    matches: re.Pattern[str] | None = edit.params.get("matches")  # type: ignore[assignment]

    def make(fld: Field) -> Field:
        _subfields_only(edit, fld)
        subs = [
            Subfield(target, s.value)
            if s.code == source and (matches is None or matches.search(s.value))
            else s
            for s in fld.subfields
        ]
        return _data_field(fld.tag, fld.indicator1, fld.indicator2, subs)

    return _rewrite(record, edit, make)


def _set_indicators(record: pymarc.Record, edit: Edit) -> list[Change]:
    new_ind: dict[str, str] = edit.params["set"]  # type: ignore[assignment]

    def make(fld: Field) -> Field:
        if fld.control_field:
            raise RecordEditError(
                edit, f"{fld.tag} is a control field (00X) and has no indicators", fld.tag
            )
        ind1 = new_ind.get("ind1", fld.indicator1)
        ind2 = new_ind.get("ind2", fld.indicator2)
        return _indicators_defined(edit, _data_field(fld.tag, ind1, ind2, list(fld.subfields)))

    return _rewrite(record, edit, make)


def _set_leader(record: pymarc.Record, edit: Edit) -> list[Change]:
    position, value = int(edit.params["position"]), str(edit.params["value"])  # type: ignore[call-overload]
    before = str(record.leader)
    if len(before) != 24:
        raise RecordEditError(edit, f"the leader is {len(before)} characters, not 24", "LDR")
    after = before[:position] + value + before[position + len(value) :]
    if after == before:
        return []
    record.leader = pymarc.Leader(after)
    return [Change(edit.number, edit.action, "LDR", f"=LDR  {before}", f"=LDR  {after}")]


_ACTIONS = {
    "add-field": _add_field,
    "delete-field": _delete_field,
    "add-subfield": _add_subfield,
    "delete-subfield": _delete_subfield,
    "replace": _replace,
    "move-field": _move_field,
    "move-subfield": _move_subfield,
    "set-indicators": _set_indicators,
    "set-leader": _set_leader,
}
assert set(_ACTIONS) == set(ACTIONS)


def edit_records(
    source: str | Path,
    rules: RuleSet | str | Path,
    target: str | Path | None = None,
    *,
    to: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> EditRun:
    """Stream the records of ``source`` through ``rules`` (a ``RuleSet`` or the path of
    a rules file) into ``target`` (None: a dry run that writes nothing). Iterate the
    result's ``events()`` once, or call ``run()``; then read its ``summary``. See
    ``erdq.cataloguing.edit_run.EditRun``."""
    from erdq.cataloguing.edit_run import EditRun

    if not isinstance(rules, RuleSet):
        rules = load_rules(rules)
    return EditRun(source, rules, target, to=to, progress=progress)
