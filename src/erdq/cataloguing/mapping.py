"""Spreadsheet ↔ MARC mappings: which columns make which fields, and back.

A mapping is a YAML file (examples in ``examples/cataloguing/``)::

    profile: ebook                  # constants shared by many lists (profiles/ebook.yaml)
    omit: ["588"]                   # profile fields this list does not want
    columns:                        # what each column holds
      title: {required: true}
      isbn: {type: isbn, split: ";", form: compact}   # compact | isbn13
      year: {type: year}
    fields:
      - tag: "020"
        repeat: isbn                # one 020 per ISBN (without it: one $a per ISBN)
        subfields: [{code: a, column: isbn}]
      - tag: "245"
        ind1: {when: author, then: "1", else: "0"}
        ind2: {nonfiling: title}    # 4 for "The ...", 3 for "Le ..." when 008 says fre
        subfields:
          - {code: a, column: title, end: "."}        # adds "." unless it ends in . ? !
      - tag: "035"
        subfields: [{code: a, template: "(Vendor){vendor_id}"}]
      - tag: "856"
        ind1: "4"
        ind2: "0"
        when: url                   # the field only when the row has a url
        subfields: [{code: u, column: url}, {code: z, constant: "Online access"}]

A subfield takes a ``column``, a ``constant`` or a ``template`` (column names in braces;
the subfield is left out when a column it names is empty), optionally ``when`` /
``unless`` a column has a value, and ``end`` (punctuation; ISBD separators ``,`` ``:``
``;`` ``/`` ``=`` only when another subfield follows). A field with column
subfields is produced only when one of them has a value. Control fields take ``value``
(the same three kinds) or, for 008, ``positions`` over a ``base``.

The same objects run backwards for ``marc2excel``: ``FieldSpec.match`` reads the column
values out of a field the spec could have made (or says it could not).
"""

from __future__ import annotations

import re
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from erdq.cataloguing.mapping_spec import (
    COLUMN_TYPES,
    TERMINAL,
    ColumnSpec,
    FieldSpec,
    Indicator,
    MarcMapping,
    Position,
    SubfieldSpec,
    Values,
    ValueSpec,
)
from erdq.errors import ConfigError

__all__ = [
    "TERMINAL",
    "ColumnSpec",
    "FieldSpec",
    "Indicator",
    "MarcMapping",
    "Position",
    "SubfieldSpec",
    "ValueSpec",
    "Values",
    "load_mapping",
    "load_profile",
    "mapping_from_dict",
    "mapping_from_text",
    "profile_names",
]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


# -- loading ------------------------------------------------------------------------------


def load_mapping(path: str | Path) -> MarcMapping:
    """Read a mapping file; ``ConfigError`` naming the key for anything malformed."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the mapping {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"the mapping {path} is not valid YAML: {exc}") from None
    return mapping_from_dict(data, name=str(path))


def mapping_from_text(text: str, name: str = "mapping") -> MarcMapping:
    return mapping_from_dict(yaml.safe_load(text), name=name)


def profile_names() -> list[str]:
    root = resources.files("erdq.cataloguing") / "profiles"
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def load_profile(name: str) -> dict[str, Any]:
    root = resources.files("erdq.cataloguing") / "profiles"
    target = root / f"{name}.yaml"
    if not target.is_file():
        raise ConfigError(
            f"unknown mapping profile {name!r}",
            hint="profiles: " + ", ".join(profile_names()),
        )
    return yaml.safe_load(target.read_text(encoding="utf-8"))


_FIELD_KEYS = {"tag", "ind1", "ind2", "subfields", "value", "base", "positions", "when"}
_FIELD_KEYS |= {"unless", "repeat"}
_TOP_KEYS = {"profile", "omit", "columns", "fields", "leader", "description"}


def mapping_from_dict(data: object, *, name: str = "mapping") -> MarcMapping:
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: a mapping is a YAML mapping with columns and fields")
    _known(data, _TOP_KEYS, name)
    profile_name = data.get("profile")
    fields: list[FieldSpec] = []
    columns: dict[str, ColumnSpec] = {}
    leader = None
    if profile_name:
        profile = load_profile(str(profile_name))
        omit = {str(t) for t in data.get("omit") or ()}
        leader = profile.get("leader")
        columns.update(_columns(profile.get("columns") or {}, f"profile {profile_name}"))
        fields.extend(
            _field(f, f"profile {profile_name}", origin="profile")
            for f in profile.get("fields") or ()
            if str(f.get("tag")) not in omit
        )
    columns.update(_columns(data.get("columns") or {}, name))
    fields.extend(_field(f, name) for f in data.get("fields") or ())
    leader = data.get("leader", leader) or "00000nam a2200000 i 4500"
    if len(str(leader)) != 24:
        raise ConfigError(f"{name}: leader must be 24 characters, not {len(str(leader))}")
    fields = _with_article_language(fields)
    mapping = MarcMapping(columns, fields, str(leader), name, profile_name)
    for spec in fields:
        if spec.repeat and spec.repeat not in columns:
            columns[spec.repeat] = ColumnSpec(spec.repeat)
    return mapping


def _with_article_language(fields: list[FieldSpec]) -> list[FieldSpec]:
    """A nonfiling indicator with no language of its own files by the column that gives
    008/35-37 (the record's language), so that "Le ..." skips 3 in a French row."""
    column = next(
        (
            p.value.column
            for spec in fields
            if spec.tag == "008"
            for p in spec.positions
            if (p.start, p.width) == (35, 3) and p.value.column
        ),
        None,
    )
    if column is None:
        return fields

    def own(ind: Indicator) -> Indicator:
        if ind.nonfiling is None or ind.language is not None:
            return ind
        return replace(ind, language=column)

    return [replace(s, ind1=own(s.ind1), ind2=own(s.ind2)) for s in fields]


def _known(data: dict, keys: set[str], where: str) -> None:
    unknown = sorted(map(str, set(data) - keys))
    if unknown:
        from difflib import get_close_matches

        named = []
        for key in unknown:
            guess = get_close_matches(key, sorted(keys), n=1, cutoff=0.6)
            named.append(repr(key) + (f" (did you mean {guess[0]!r}?)" if guess else ""))
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(named)}",
            hint="known keys: " + ", ".join(sorted(keys)),
        )


_VALUE_KEYS = {"column", "constant", "template", "end"}
_SUBFIELD_KEYS = _VALUE_KEYS | {"code", "when", "unless"}
_POSITION_KEYS = _VALUE_KEYS | {"default", "when", "then", "else"}
_INDICATOR_KEYS = {"column", "nonfiling", "language", "when", "then", "else"}


def _columns(data: dict, where: str) -> dict[str, ColumnSpec]:
    out = {}
    for column, spec in data.items():
        spec = spec or {}
        _known(spec, {"type", "split", "required", "form"}, f"{where}: column {column}")
        kind = spec.get("type", "text")
        if kind not in COLUMN_TYPES:
            raise ConfigError(
                f"{where}: column {column} has the unknown type {kind!r}",
                hint="types: " + ", ".join(COLUMN_TYPES),
            )
        form = spec.get("form", "compact")
        if form not in ("compact", "isbn13"):
            raise ConfigError(f"{where}: column {column}: form is compact or isbn13")
        out[str(column)] = ColumnSpec(
            str(column), kind, spec.get("split"), bool(spec.get("required")), form
        )
    return out


def _names(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[union-attr]


def _value(data: object, where: str) -> ValueSpec:
    if not isinstance(data, dict):
        return ValueSpec(constant=str(data))
    _known(data, _VALUE_KEYS, where)
    keys = [k for k in ("column", "constant", "template") if k in data]
    if len(keys) != 1:
        raise ConfigError(f"{where}: give exactly one of column, constant, template")
    end = data.get("end")
    if keys[0] == "column":
        return ValueSpec(column=str(data["column"]), end=end)
    if keys[0] == "constant":
        return ValueSpec(constant=str(data["constant"]), end=end)
    text = str(data["template"])
    parts: list[tuple[str, str | None]] = []
    last = 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > last:
            parts.append((text[last : match.start()], None))
        parts.append(("", match.group(1).strip()))
        last = match.end()
    if last < len(text):
        parts.append((text[last:], None))
    return ValueSpec(template=tuple(parts), end=end)


def _indicator(data: object, where: str) -> Indicator:
    if data is None:
        return Indicator()
    if isinstance(data, dict):
        _known(data, _INDICATOR_KEYS, where)
        if "column" in data:
            return Indicator(column=str(data["column"]))
        if "nonfiling" in data:
            language = data.get("language")
            return Indicator(
                nonfiling=str(data["nonfiling"]),
                language=None if language is None else str(language),
            )
        if "when" in data:
            return Indicator(
                when=str(data["when"]),
                then=str(data.get("then", " ")),
                otherwise=str(data.get("else", " ")),
            )
        raise ConfigError(f"{where}: an indicator is a character, {{column}} or {{when}}")
    text = str(data)
    if text in ("", "#", "_", "\\"):
        text = " "
    if len(text) != 1:
        raise ConfigError(f"{where}: an indicator is one character, not {text!r}")
    return Indicator(constant=text)


def _field(data: dict, where: str, origin: str = "mapping") -> FieldSpec:
    raw_tag = data.get("tag")
    if isinstance(raw_tag, int) and not isinstance(raw_tag, bool) and raw_tag < 100:
        # YAML reads 020 as the number 16 (octal) and 010 as 8: such tags must be quoted.
        raise ConfigError(
            f"{where}: the tag {raw_tag!r} is a number; write tags in quotes",
            hint='tag: "020" (unquoted, YAML reads 020 as the octal number 16)',
        )
    tag = "" if raw_tag is None else str(raw_tag)
    here = f"{where}: field {tag or '?'}"
    if not re.fullmatch(r"[0-9A-Za-z]{3}", tag):
        raise ConfigError(f"{here}: every field needs a three-character tag")
    _known(data, _FIELD_KEYS, here)
    positions = []
    for key, spec in (data.get("positions") or {}).items():
        start, _, stop = str(key).partition("-")
        first, last = int(start), int(stop or start)
        spec = dict(spec) if isinstance(spec, dict) else {"constant": spec}
        _known(spec, _POSITION_KEYS, f"{here} {key}")
        default = str(spec.pop("default", ""))
        width = last - first + 1
        if "when" in spec:
            then, otherwise = str(spec.get("then", "")), str(spec.get("else", ""))
            if len(then) != width or len(otherwise) != width:
                raise ConfigError(f"{here} {key}: then and else must be {width} characters")
            positions.append(
                Position(first, width, ValueSpec(), default, str(spec["when"]), then, otherwise)
            )
            continue
        positions.append(Position(first, width, _value(spec, f"{here} {key}"), default))
    subfields = []
    for sub in data.get("subfields") or ():
        if not isinstance(sub, dict) or "code" not in sub:
            raise ConfigError(f"{here}: every subfield needs a code")
        _known(sub, _SUBFIELD_KEYS, f"{here} ${sub['code']}")
        rest = {k: v for k, v in sub.items() if k not in ("code", "when", "unless")}
        subfields.append(
            SubfieldSpec(
                str(sub["code"]),
                _value(rest, f"{here} ${sub['code']}"),
                _names(sub.get("when")),
                _names(sub.get("unless")),
            )
        )
    base = data.get("base")
    if base is not None and positions and max(p.start + p.width for p in positions) > len(base):
        raise ConfigError(f"{here}: a position lies beyond the base")
    spec = FieldSpec(
        tag=tag,
        ind1=_indicator(data.get("ind1"), here),
        ind2=_indicator(data.get("ind2"), here),
        subfields=tuple(subfields),
        value=_value(data["value"], here) if "value" in data else None,
        base=str(base) if base is not None else None,
        positions=tuple(positions),
        when=_names(data.get("when")),
        unless=_names(data.get("unless")),
        repeat=data.get("repeat"),
        origin=origin,
    )
    if spec.control and spec.subfields:
        raise ConfigError(f"{here}: a control field has a value, not subfields")
    if not spec.control and not spec.subfields:
        raise ConfigError(f"{here}: a data field needs subfields")
    return spec
