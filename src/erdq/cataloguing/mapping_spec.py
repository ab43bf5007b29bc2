"""The mapping model: columns, value specs, indicators, fields, and the mapping itself.

``FieldSpec.build`` makes a spec's fields from a row's values; ``FieldSpec.match`` runs it
backwards for ``marc2excel``. Loading from YAML is in ``erdq.cataloguing.mapping``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from pymarc import Field, Indicators, Subfield

from erdq import marc21

COLUMN_TYPES = ("text", "isbn", "lccn", "year", "url", "id", "code")
TERMINAL = (".", "?", "!")
SEPARATORS = frozenset((",", ":", ";", "/", "="))  # ISBD: before the next element
Values = Mapping[str, list[str]]  # column name → its values (split), [] when empty


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    name: str
    type: str = "text"
    split: str | None = None
    required: bool = False
    form: str = "compact"  # isbn: compact | isbn13


@dataclass(frozen=True, slots=True)
class ValueSpec:
    """A column, a constant or a template, with optional terminal punctuation."""

    column: str | None = None
    constant: str | None = None
    template: tuple[tuple[str, str | None], ...] = ()  # (literal, column or None)
    end: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        if self.column is not None:
            return (self.column,)
        return tuple(c for _, c in self.template if c is not None)

    def render(self, values: Values) -> list[str]:
        """The values this spec gives for a row: several for a split column."""
        if self.constant is not None:
            out = [self.constant]
        elif self.column is not None:
            out = list(values.get(self.column) or ())
        else:
            parts = []
            for literal, column in self.template:
                if column is None:
                    parts.append(literal)
                    continue
                found = values.get(column)
                if not found:
                    return []
                parts.append(found[0])
            out = ["".join(parts)]
        if self.end:
            done = TERMINAL if self.end == "." else (self.end,)
            out = [v if v.endswith(done) else v + self.end for v in out]
        return out

    def read(self, text: str) -> dict[str, str] | None:
        """The column values that would render as ``text`` (None: this spec cannot).
        The caller checks the result by rendering it again."""
        if self.constant is not None:
            return {} if self.render({}) == [text] else None
        if self.end and text.endswith(self.end):
            text = text[: -len(self.end)]
        if self.column is not None:
            return {self.column: text}
        pattern = "".join(
            re.escape(lit) if col is None else f"(?P<c{i}>.+?)"
            for i, (lit, col) in enumerate(self.template)
        )
        match = re.fullmatch(pattern, text, flags=re.S)
        if match is None:
            return None
        return {col: match.group(f"c{i}") for i, (_, col) in enumerate(self.template) if col}


# Language codes that name no one language: their titles' articles are taken as English.
_NO_LANGUAGE = frozenset({"", "und", "mul", "zxx", "|||"})


def _article_language(found: list[str] | None) -> str:
    """The MARC language code whose initial articles a title is filed by: the row's
    language column, else English."""
    code = found[0].strip().lower() if found else ""
    return code if len(code) == 3 and code.isalpha() and code not in _NO_LANGUAGE else "eng"


@dataclass(frozen=True, slots=True)
class Indicator:
    constant: str = " "
    column: str | None = None
    when: str | None = None
    then: str = " "
    otherwise: str = " "
    nonfiling: str | None = None  # a title column: the length of its initial article
    language: str | None = None  # with nonfiling: the column of the MARC language code

    def render(self, values: Values) -> str:
        if self.nonfiling is not None:
            found = values.get(self.nonfiling)
            title = found[0] if found else ""
            language = _article_language(values.get(self.language) if self.language else None)
            width = marc21.nonfiling_characters(title, language)
            return str(width) if width <= 9 else "0"  # one digit: a longer one is not filed
        if self.column is not None:
            found = values.get(self.column)
            return (found[0] if found else " ")[:1] or " "
        if self.when is not None:
            return self.then if values.get(self.when) else self.otherwise
        return self.constant


@dataclass(frozen=True, slots=True)
class SubfieldSpec:
    code: str
    value: ValueSpec
    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    def applies(self, values: Values) -> bool:
        return all(values.get(c) for c in self.when) and not any(values.get(c) for c in self.unless)


@dataclass(frozen=True, slots=True)
class Position:
    """Characters ``start`` to ``start + width - 1`` of a fixed field: a value, or
    ``then``/``otherwise`` as the column ``when`` has a value or not."""

    start: int
    width: int
    value: ValueSpec
    default: str
    when: str | None = None
    then: str = ""
    otherwise: str = ""

    def text(self, values: Values) -> str | None:
        if self.when is not None:
            return self.then if values.get(self.when) else self.otherwise
        rendered = self.value.render(values)
        return rendered[0] if rendered else None


@dataclass(frozen=True, slots=True)
class FieldSpec:
    tag: str
    ind1: Indicator = Indicator()
    ind2: Indicator = Indicator()
    subfields: tuple[SubfieldSpec, ...] = ()
    value: ValueSpec | None = None  # control fields
    base: str | None = None  # 008-style: a fixed string with positions from columns
    positions: tuple[Position, ...] = ()
    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    repeat: str | None = None  # one field per value of this column
    origin: str = "mapping"  # "mapping" | "profile"

    @property
    def control(self) -> bool:
        return self.tag < "010" and self.tag.isdigit()

    @property
    def columns(self) -> tuple[str, ...]:
        names: list[str] = [*self.when, *self.unless]
        if self.repeat:
            names.append(self.repeat)
        for ind in (self.ind1, self.ind2):
            # Not ind.language: the field does not write that column, it only reads it.
            names.extend(c for c in (ind.column, ind.when, ind.nonfiling) if c)
        if self.value is not None:
            names.extend(self.value.columns)
        for pos in self.positions:
            names.extend(pos.value.columns)
            if pos.when:
                names.append(pos.when)
        for sub in self.subfields:
            names.extend((*sub.value.columns, *sub.when, *sub.unless))
        return tuple(dict.fromkeys(names))

    @property
    def always(self) -> bool:
        """Produced for every row whatever its values (constants, 008 with defaults)."""
        if self.when or self.repeat:
            return False
        if self.positions or self.base is not None:
            return True
        if self.value is not None:
            return self.value.constant is not None
        return all(s.value.constant is not None and not s.when for s in self.subfields)

    # -- forwards ---------------------------------------------------------------------

    def build(self, values: Values, today: dt.date) -> Iterator[Field]:
        if not all(values.get(c) for c in self.when) or any(values.get(c) for c in self.unless):
            return
        if self.repeat is not None:
            for one in values.get(self.repeat) or ():
                made = self._one({**values, self.repeat: [one]}, today)
                if made is not None:
                    yield made
            return
        made = self._one(values, today)
        if made is not None:
            yield made

    def _one(self, values: Values, today: dt.date) -> Field | None:
        if self.control:
            if self.base is not None:
                return Field(tag=self.tag, data=self._positions(values, today))
            rendered = self.value.render(values) if self.value is not None else []
            return Field(tag=self.tag, data=rendered[0]) if rendered else None
        subfields: list[Subfield] = []
        from_columns = False
        wants_columns = False
        last: SubfieldSpec | None = None
        for spec in self.subfields:
            if spec.value.columns:
                wants_columns = True
            if not spec.applies(values):
                continue
            rendered = spec.value.render(values)
            if rendered and spec.value.columns:
                from_columns = True
            subfields.extend(Subfield(spec.code, v) for v in rendered)
            if rendered:
                last = spec
        if not subfields or (wants_columns and not from_columns):
            return None
        if last is not None and (last.value.end or "").strip() in SEPARATORS:
            # ISBD punctuation such as the "," before 264 $c precedes the next element:
            # with no element after it ($c empty), it is left off the last subfield.
            bare = replace(last.value, end=None).render(values)
            subfields[-1] = Subfield(subfields[-1].code, bare[-1])
        ind = Indicators(self.ind1.render(values), self.ind2.render(values))
        return Field(tag=self.tag, indicators=ind, subfields=subfields)

    def _positions(self, values: Values, today: dt.date) -> str:
        data = list(self.base or "")
        for pos in self.positions:
            text = pos.text(values)
            if text is None:
                text = pos.default
            if text == "today":
                text = today.strftime("%y%m%d")
            data[pos.start : pos.start + pos.width] = list(text.ljust(pos.width)[: pos.width])
        return "".join(data)

    # -- backwards --------------------------------------------------------------------

    def match(self, fld: Field) -> dict[str, str] | None:
        """The column values this spec reads from ``fld``, or None when it could not have
        made it. (A split column's values come back joined later, by the caller.)"""
        if fld.tag != self.tag or fld.control_field != self.control:
            return None
        if self.control:
            return self._match_control(fld.data or "")
        found: dict[str, str] = {}
        for ind, actual in ((self.ind1, fld.indicator1), (self.ind2, fld.indicator2)):
            actual = actual or " "
            if ind.column is not None:
                if actual != " ":
                    found[ind.column] = actual
            elif ind.when is None and ind.nonfiling is None and actual != ind.constant:
                return None
        repeated: dict[str, list[str]] = {}
        subs = list(fld.subfields)
        i = 0
        for spec in self.subfields:
            many = spec.value.column is not None and self.repeat != spec.value.column
            while i < len(subs) and subs[i].code == spec.code:
                got = spec.value.read(subs[i].value)
                if got is None:
                    break
                for column, text in got.items():
                    if many and column == spec.value.column:
                        repeated.setdefault(column, []).append(text)
                    elif found.setdefault(column, text) != text:
                        return None
                i += 1
                if not many:
                    break
        if i != len(subs):
            return None
        for column, texts in repeated.items():
            found[column] = "\x1f".join(texts)  # joined with the split delimiter later
        return found

    def _match_control(self, data: str) -> dict[str, str] | None:
        if self.base is not None:
            if len(data) != len(self.base):
                return None
            found: dict[str, str] = {}
            covered = set()
            for pos in self.positions:
                covered.update(range(pos.start, pos.start + pos.width))
                text = data[pos.start : pos.start + pos.width]
                default = pos.default.ljust(pos.width)[: pos.width]
                if pos.when is not None:
                    if text not in (pos.then, pos.otherwise):
                        return None
                    continue
                if pos.value.column is None:
                    if pos.value.constant is not None and text != pos.value.constant:
                        return None
                    continue
                if pos.default == "today" or text != default:
                    found[pos.value.column] = text.rstrip(" ")
            for i, char in enumerate(data):
                if i not in covered and char != self.base[i]:
                    return None
            return found
        if self.value is None:
            return None
        return self.value.read(data)


@dataclass
class MarcMapping:
    """A loaded mapping: columns, the fields (profile's first), the leader."""

    columns: dict[str, ColumnSpec]
    fields: list[FieldSpec]
    leader: str
    name: str = ""
    profile: str | None = None

    @property
    def column_names(self) -> list[str]:
        """Every column the mapping reads, in the order first named."""
        names = list(self.columns)
        for spec in self.fields:
            names.extend(c for c in spec.columns if c not in names)
            names.extend(i.language for i in (spec.ind1, spec.ind2) if i.language)
        return list(dict.fromkeys(names))

    def column(self, name: str) -> ColumnSpec:
        return self.columns.get(name) or ColumnSpec(name)

    def tags_of(self, column: str) -> set[str]:
        return {spec.tag for spec in self.fields if column in spec.columns}

    def build(self, values: Values, today: dt.date, omit: frozenset[str] = frozenset()):
        """The fields a row's values give, spec by spec: [(spec index, [fields])]."""
        plan = self._plan
        if plan is None or len(plan) != len(self.fields):
            plan = self._plan = [_compiled(spec) for spec in self.fields]
        return [
            (i, make(values, today))
            for i, (tag, make) in enumerate(plan)
            if not omit or tag not in omit
        ]

    _plan: list | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        # The compiled plan holds closures, which do not pickle; a copy rebuilds it.
        return {**self.__dict__, "_plan": None}


def _compiled(spec: FieldSpec):
    """(tag, a function making the spec's fields): constant fields skip the general path,
    which a 100,000-row list calls for every row."""
    inds = (spec.ind1, spec.ind2)
    if spec.always and not spec.positions and spec.base is None:
        if spec.control and spec.value is not None and spec.value.constant is not None:
            data = spec.value.constant
            return spec.tag, lambda values, today: [Field(tag=spec.tag, data=data)]
        fixed = all(i.column is None and i.when is None and i.nonfiling is None for i in inds)
        if not spec.control and fixed:
            subfields = [Subfield(s.code, v) for s in spec.subfields for v in s.value.render({})]
            ind = Indicators(spec.ind1.constant, spec.ind2.constant)
            tag = spec.tag
            return tag, lambda values, today: [
                Field(tag=tag, indicators=ind, subfields=list(subfields))
            ]
    if not spec.control:
        return spec.tag, _data_maker(spec)
    return spec.tag, lambda values, today: list(spec.build(values, today))


def _data_maker(spec: FieldSpec):
    """``FieldSpec.build`` for a data field with the per-spec decisions taken once; the
    tests check it gives what ``build`` gives."""
    subs = []
    for sub in spec.subfields:
        value = sub.value
        constant = value.render({})[0] if value.constant is not None else None
        subs.append((sub.code, value, constant, value.column, sub.when, sub.unless))
    wants_columns = any(s.value.columns for s in spec.subfields)
    tag, ind1, ind2 = spec.tag, spec.ind1, spec.ind2
    fixed = all(i.column is None and i.when is None and i.nonfiling is None for i in (ind1, ind2))
    indicators = Indicators(ind1.constant, ind2.constant) if fixed else None
    when, unless, repeat = spec.when, spec.unless, spec.repeat

    def one(values: Values) -> Field | None:
        subfields: list[Subfield] = []
        from_columns = False
        last = None
        for code, value, constant, column, sub_when, sub_unless in subs:
            if sub_when and not all(values.get(c) for c in sub_when):
                continue
            if sub_unless and any(values.get(c) for c in sub_unless):
                continue
            if constant is not None:
                subfields.append(Subfield(code, constant))
                last = value
                continue
            if column is not None and not value.end:
                found = values.get(column)
                if found:
                    from_columns = True
                    subfields.extend(Subfield(code, v) for v in found)
                    last = value
                continue
            rendered = value.render(values)
            if rendered:
                from_columns = True
                subfields.extend(Subfield(code, v) for v in rendered)
                last = value
        if not subfields or (wants_columns and not from_columns):
            return None
        if last is not None and (last.end or "").strip() in SEPARATORS:
            bare = replace(last, end=None).render(values)  # as in FieldSpec._one
            subfields[-1] = Subfield(subfields[-1].code, bare[-1])
        ind = indicators or Indicators(ind1.render(values), ind2.render(values))
        return Field(tag=tag, indicators=ind, subfields=subfields)

    def make(values: Values, today: dt.date) -> list[Field]:
        if when and not all(values.get(c) for c in when):
            return []
        if unless and any(values.get(c) for c in unless):
            return []
        if repeat is None:
            made = one(values)
            return [made] if made is not None else []
        out = []
        for single in values.get(repeat) or ():
            made = one({**values, repeat: [single]})
            if made is not None:
                out.append(made)
        return out

    return make
