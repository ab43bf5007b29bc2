"""The rules file of ``erdq marc edit``: loaded, checked and compiled once.

A rules file is a YAML list of edits, applied in order to every record. Each edit has an
``action``, optional record conditions (``when``) and, for the field actions, a field
selection (``tag``, ``ind1``, ``ind2``, ``where``). Every problem in the file is
reported at once, each with the file, the edit's number and line and the key at fault,
with a did-you-mean for a misspelt key or action; regular expressions are compiled here,
so a bad one is a configuration error naming its edit, never a failure halfway through a
batch.

Every YAML value is read as text: ``tag: 020`` stays "020" (YAML would make it the octal
number 16), ``ind1: 0`` stays "0" and ``value: no`` stays "no".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from erdq.cataloguing.edit_checks import (
    BLANKS,
    CODE_RE,
    EXAMPLES,
    TAG_RE,
    Checker,
    TagPattern,
    Test,
    YamlMapping,
    closest,
    control_tag,
    field_text,
)
from erdq.errors import ConfigError

__all__ = [
    "ACTIONS",
    "Edit",
    "RuleSet",
    "control_tag",
    "field_text",
    "load_rules",
    "parse_rules",
]

# The keys each action takes besides the common ones (action, name, when).
_SELECT = {"tag", "ind1", "ind2", "where"}
ACTIONS: dict[str, dict[str, set[str]]] = {
    "add-field": {"required": {"tag"}, "optional": {"ind1", "ind2", "subfields", "data"}},
    "delete-field": {"required": {"tag"}, "optional": _SELECT - {"tag"}},
    "add-subfield": {"required": {"tag", "code", "value"}, "optional": _SELECT | {"position"}},
    "delete-subfield": {"required": {"tag", "code"}, "optional": _SELECT | {"matches"}},
    "replace": {"required": {"tag", "find", "replace"}, "optional": _SELECT | {"subfield"}},
    "move-field": {"required": {"tag", "to"}, "optional": _SELECT | {"set"}},
    "move-subfield": {"required": {"tag", "from", "to"}, "optional": _SELECT | {"matches"}},
    "set-indicators": {"required": {"tag", "set"}, "optional": _SELECT},
    "set-leader": {"required": {"position", "value"}, "optional": set()},
}
_COMMON = {"action", "name", "when"}
# Leader positions an edit may set (MARC 21): 05 status, 06 type, 07 bibliographic level,
# 08 type of control, 17 encoding level, 18 descriptive cataloguing form, 19 multipart
# level. The others are lengths, addresses and fixed values the writer computes or
# MARC 21 fixes ("22", "4500"), and 09 says how the text is encoded, which the writer
# decides (erdq writes UTF-8).
SETTABLE_LEADER = frozenset({5, 6, 7, 8, 17, 18, 19})


def parse_subfields(value: object) -> list[tuple[str, str]]:
    """Subfields given in a rules file: mnemonic text (``$aTitle$bsubtitle``, a literal
    dollar as ``{dollar}``) or a list of one-key mappings (``[{a: Title}, {b: subtitle}]``).
    ``ValueError`` says what is wrong."""
    pairs: list[tuple[str, str]] = []
    if isinstance(value, str):
        if not value.startswith("$"):
            raise ValueError(f"{value!r} must start with $ and a subfield code, e.g. '$aText'")
        for piece in value.split("$")[1:]:
            pairs.append((piece[:1], piece[1:].replace("{dollar}", "$")))
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, dict) or len(item) != 1:
                raise ValueError("each list item is one 'code: value' pair, e.g. '- a: Text'")
            ((code, text),) = item.items()
            if not isinstance(text, str):
                raise ValueError(f"subfield {code!r} must hold text")
            pairs.append((code, text))
    else:
        raise ValueError("give '$aText$bmore' or a list of 'code: value' pairs")
    if not pairs:
        raise ValueError("no subfield given")
    for code, text in pairs:
        if not CODE_RE.match(code):
            raise ValueError(
                f"{code!r} is not a subfield code (a lowercase letter or a digit, MARC 21)"
            )
        if not text:
            raise ValueError(f"subfield ${code} is empty; a subfield must hold data")
    return pairs


# -- compiled rules -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edit:
    """One compiled edit. ``number`` is its 1-based position in the file, ``line`` the
    line its entry starts on; ``params`` holds the action's own values, compiled."""

    number: int
    line: int
    action: str
    name: str | None
    when: Test | None
    tag: TagPattern | None
    ind1: frozenset[str] | None
    ind2: frozenset[str] | None
    where: Test | None
    params: dict[str, object] = field(default_factory=dict)

    @property
    def label(self) -> str:
        what = f"edit {self.number} ({self.action}"
        if self.tag is not None:
            what += f" {self.tag.text}"
        elif self.action == "set-leader":
            what += f" {self.params['position']:02d}"
        return what + (f": {self.name})" if self.name else ")")


@dataclass(frozen=True, slots=True)
class RuleSet:
    source: str
    edits: tuple[Edit, ...]

    def __len__(self) -> int:
        return len(self.edits)

    def __iter__(self):
        return iter(self.edits)


# -- loading ------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {}  # every plain scalar is text ...
# ... except "<<", so that an edit can merge keys from an anchor ("<<: *ebook-856").
_Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> YamlMapping:
    own = {id(key) for key, _ in node.value}  # keys written here, not merged in by "<<"
    loader.flatten_mapping(node)
    out = YamlMapping()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    written: set[str] = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise ConfigError(f"line {line}: a key must be text, not {key!r}")
        if key in written and id(key_node) in own:
            raise ConfigError(
                f"line {line}: the key {key!r} is given twice in one entry "
                f"(first on line {out.key_lines[key]})",
                hint="keep one of them; a second edit goes in its own list entry",
            )
        out[key] = loader.construct_object(value_node, deep=True)  # a written key wins
        out.key_lines[key] = line
        if id(key_node) in own:
            written.add(key)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_rules(path: str | Path) -> RuleSet:
    """Read, check and compile a rules file; ``ConfigError`` lists every problem in it."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such rules file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the rules file ({exc})") from None
    return parse_rules(text, source=str(path))


def parse_rules(text: str, source: str = "<rules>") -> RuleSet:
    """``load_rules`` for rules given as text; ``source`` names them in messages."""
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except ConfigError as exc:
        raise ConfigError(f"{source}, {exc.args[0]}", hint=exc.hint) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"{source}{where}: not valid YAML ({problem})",
            hint="a rules file is a YAML list of edits, each starting with '- action: ...'",
        ) from None
    if data is None or data == "":
        raise ConfigError(f"{source}: the rules file holds no edit", hint=_LIST_HINT)
    if isinstance(data, YamlMapping) and set(data) == {"edits"}:
        data = data["edits"]  # the list may also sit under one "edits:" key
    if not isinstance(data, list):
        raise ConfigError(f"{source}: the rules file must be a list of edits", hint=_LIST_HINT)
    problems: list[str] = []
    edits: list[Edit] = []
    for number, entry in enumerate(data, 1):
        checker = _EditChecker(source, number, entry)
        edit = checker.compile()
        problems.extend(checker.problems)
        if edit is not None and not checker.problems:
            edits.append(edit)
    if not edits and not problems:
        problems.append(f"{source}: the rules file holds no edit")
    if problems:
        more = f" ({len(problems)} problems)" if len(problems) > 1 else ""
        raise ConfigError(
            f"invalid rules file{more}:\n  " + "\n  ".join(problems),
            hint="fix the rules file; each action and key is described in 'erdq marc edit --help'",
        )
    return RuleSet(source, tuple(edits))


_LIST_HINT = "write one '- action: ...' entry per edit, e.g. '- action: delete-field' / 'tag: 9XX'"


class _EditChecker(Checker):
    """Checks and compiles one edit."""

    # -- the edit ---------------------------------------------------------------------

    def compile(self) -> Edit | None:
        entry = self.entry
        if not isinstance(entry, YamlMapping):
            self.problem("an edit must be a mapping with an 'action' key, e.g. 'action: add-field'")
            return None
        lines = entry.key_lines
        action = entry.get("action")
        if action is None:
            self.problem(f"no 'action'; give one of: {', '.join(ACTIONS)}")
            return None
        if not isinstance(action, str) or action not in ACTIONS:
            guess = closest(str(action), list(ACTIONS))
            hint = f"; did you mean {guess!r}?" if guess else f" (use one of: {', '.join(ACTIONS)})"
            self.problem(f"unknown action {action!r}{hint}", lines.get("action"))
            return None
        spec = ACTIONS[action]
        allowed = _COMMON | spec["required"] | spec["optional"]
        for key in entry:
            if key not in allowed:
                self.unknown(key, sorted(allowed), "key", lines.get(key), f" for {action}")
        for key in sorted(spec["required"] - set(entry)):
            self.problem(f"{action} needs {key!r}, e.g. {EXAMPLES.get(key, '')}")
        if self.problems:
            return None
        name = self.text(entry["name"], "name", lines.get("name")) if "name" in entry else None
        when = None
        if "when" in entry:
            when = self.condition(entry["when"], "record", lines.get("when"))
        where = None
        if "where" in entry:
            where = self.condition(entry["where"], "field", lines.get("where"))
        tag = None
        if "tag" in entry:
            if action == "add-field":
                exact = self.exact_tag(entry["tag"], "tag", lines.get("tag"))
                tag = None if exact is None else self.tag_pattern(exact, "tag", None)
            else:
                tag = self.tag_pattern(entry["tag"], "tag", lines.get("tag"))
        ind1 = ind2 = None
        if action != "add-field":
            if "ind1" in entry:
                ind1 = self.indicators(entry["ind1"], "ind1", lines.get("ind1"))
            if "ind2" in entry:
                ind2 = self.indicators(entry["ind2"], "ind2", lines.get("ind2"))
        params = self.params(action, entry, tag)
        if self.problems:
            return None
        return Edit(self.number, self.line, action, name, when, tag, ind1, ind2, where, params)

    def params(self, action: str, entry: YamlMapping, tag: TagPattern | None) -> dict[str, object]:
        lines = entry.key_lines
        out: dict[str, object] = {}
        if action == "add-field" and tag is not None:
            new_tag = tag.text
            if control_tag(new_tag):
                for key in ("subfields", "ind1", "ind2"):
                    if key in entry:
                        self.problem(
                            f"{new_tag} is a control field: it has 'data', not {key!r}",
                            lines.get(key),
                        )
                if "data" not in entry:
                    self.problem(f"add-field {new_tag} needs 'data' (a control field)")
                else:
                    out["data"] = self.text(entry["data"], "data", lines.get("data"))
                return out
            if "data" in entry:
                self.problem(
                    f"{new_tag} is a data field: give 'subfields', not 'data'", lines.get("data")
                )
            if "subfields" not in entry:
                self.problem(f"add-field {new_tag} needs 'subfields', e.g. {EXAMPLES['subfields']}")
                return out
            for key in ("ind1", "ind2"):
                value = entry.get(key, " ")
                out[key] = self.indicator(value, key, lines.get(key))
                self.defined(new_tag, key, out[key], lines.get(key, self.line))
            try:
                out["subfields"] = parse_subfields(entry["subfields"])
            except ValueError as exc:
                self.problem(f"'subfields': {exc}", lines.get("subfields"))
        elif action in ("add-subfield", "delete-subfield"):
            if action == "add-subfield":
                out["code"] = self.code(entry["code"], "code", lines.get("code"))
                value = self.text(entry["value"], "value", lines.get("value"))
                if value == "":
                    self.problem("'value' is empty; a subfield must hold data", lines.get("value"))
                out["value"] = value
                position = entry.get("position", "end")
                if position not in ("start", "end"):
                    self.problem(
                        f"'position' is 'start' or 'end', not {position!r}", lines.get("position")
                    )
                out["position"] = position
            else:
                out["codes"] = self.codes(entry["code"], "code", lines.get("code"))
                if "matches" in entry:
                    out["matches"] = self.regex(entry["matches"], "matches", lines.get("matches"))
        elif action == "replace":
            out["find"] = self.regex(entry["find"], "find", lines.get("find"))
            replacement = self.text(entry["replace"], "replace", lines.get("replace"))
            out["replace"] = replacement
            if "subfield" in entry:
                out["subfield"] = self.code(entry["subfield"], "subfield", lines.get("subfield"))
            if replacement is not None and isinstance(out["find"], re.Pattern):
                out["replace"] = self.replacement(
                    out["find"], replacement, "subfield" in entry, lines
                )
        elif action == "move-field":
            new_tag = self.exact_tag(entry["to"], "to", lines.get("to"))
            out["to"] = new_tag
            if new_tag is not None and tag is not None:
                if control_tag(new_tag) and tag.only_data:
                    self.problem(
                        f"'to' {new_tag} is a control field (00X, data without subfields) and "
                        f"{tag.text} a data field; such a move cannot be made",
                        lines.get("to"),
                    )
                elif not control_tag(new_tag) and tag.only_control:
                    self.problem(
                        f"'to' {new_tag} is a data field and {tag.text} a control field (00X); "
                        "such a move cannot be made",
                        lines.get("to"),
                    )
            if "set" in entry:
                out["set"] = self.set_indicators(entry["set"], lines.get("set"), new_tag)
        elif action == "move-subfield":
            out["from"] = self.code(entry["from"], "from", lines.get("from"))
            out["to"] = self.code(entry["to"], "to", lines.get("to"))
            if "matches" in entry:
                out["matches"] = self.regex(entry["matches"], "matches", lines.get("matches"))
        elif action == "set-indicators":
            exact = tag.text if tag is not None and TAG_RE.match(tag.text) else None
            out["set"] = self.set_indicators(entry["set"], lines.get("set"), exact)
        elif action == "set-leader":
            position = self.position(entry["position"], "position", lines.get("position"), 24)
            value = self.text(entry["value"], "value", lines.get("value"))
            if position is None or value is None:
                return out
            value = "".join(BLANKS.get(c, c) for c in value) if value else value
            span = set(range(position, position + len(value)))
            if not value:
                self.problem("'value' is empty", lines.get("value"))
            elif position + len(value) > 24:
                self.problem("'value' runs past the end of the leader (24 positions)")
            elif not span <= SETTABLE_LEADER:
                bad = ", ".join(f"{p:02d}" for p in sorted(span - SETTABLE_LEADER))
                self.problem(
                    f"leader position {bad} cannot be set: lengths, addresses, leader/09 "
                    "(the encoding erdq writes) and the fixed values are the writer's; "
                    "positions 05-08 and 17-19 can be set",
                    lines.get("position"),
                )
            else:
                self.leader_values(position, value, lines.get("value"))
            out["position"], out["value"] = position, value
        return out

    def leader_values(self, position: int, value: str, line: int | None) -> None:
        """Each character must be a value MARC 21 defines for its leader position."""
        from erdq.marc21 import LEADER

        for offset, char in enumerate(value):
            definition = LEADER.get(position + offset)
            if definition is not None and not definition.valid(char):
                self.problem(
                    f"{char!r} is not a MARC 21 value for leader/{position + offset:02d} "
                    f"({definition.name}): expected {definition.expected()}",
                    line,
                )

    def defined(self, tag: str | None, key: str, value: str | None, line: int | None) -> None:
        """An indicator set on one named tag must be one MARC 21 defines for it."""
        from erdq.marc21 import field_def, show

        definition = field_def(tag) if tag and value is not None else None
        allowed = getattr(definition, key, None) if definition is not None else None
        if allowed is not None and value not in allowed:
            values = ", ".join(show(v) for v in sorted(allowed))
            self.problem(
                f"{key} {show(value or ' ')} is not defined for {tag} in MARC 21 "
                f"(allowed: {values}; '#' is a blank)",
                line,
            )

    def set_indicators(
        self, value: object, line: int | None, tag: str | None = None
    ) -> dict[str, str] | None:
        args = self.mapping(value, "set", set(), {"ind1", "ind2"}, line)
        if args is None:
            return None
        if not args:
            self.problem("'set' needs 'ind1', 'ind2' or both, e.g. {ind2: '0'}", line)
            return None
        out = {}
        for key in ("ind1", "ind2"):
            if key in args:
                at = args.key_lines.get(key, line)
                out[key] = self.indicator(args[key], key, at)
                self.defined(tag, key, out[key], at)
        return out

    def replacement(self, find: re.Pattern[str], text: str, in_subfield: bool, lines) -> str | None:
        """The replacement as applied (``literal_dollars``), or None after a problem."""
        line = lines.get("replace")
        template, bare = literal_dollars(text, in_subfield)
        try:
            _check_template(find, template)
        except re.error as exc:
            self.problem(f"'replace' {text!r} is not a valid replacement ({exc})", line)
            return None
        for number in bare:
            if in_subfield or int(number) <= find.groups:
                self.problem(
                    f"'replace' {text!r} uses ${number}; groups are written \\{number} "
                    "(Python's syntax). For a literal dollar before a digit write \\$ or "
                    f"{{dollar}}: 'US\\${number}0' or 'US{{dollar}}{number}0' gives "
                    f"US${number}0"
                    + (
                        ""
                        if in_subfield
                        else "; a bare $ starts a subfield in a whole-field replace"
                    ),
                    line,
                )
                return None
        return template


_DOLLAR_MARK = "{dollar}"


def literal_dollars(text: str, in_subfield: bool) -> tuple[str, list[str]]:
    """A ``replace`` value as applied, and the digits that follow a bare ``$`` in it.

    ``\\$`` and ``{dollar}`` are a literal dollar sign (``US\\$10``, ``US{dollar}10``).
    In a subfield replace they become ``$`` (Python's replacement syntax leaves ``$``
    alone); in a whole-field replace they become ``{dollar}``, how that replace sees a
    dollar in the data, so that they do not start a subfield. ``\\\\`` stays an escaped
    backslash; every other character is kept as written."""
    literal = "$" if in_subfield else _DOLLAR_MARK
    out: list[str] = []
    bare: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            if text[i + 1] == "$":
                out.append(literal)
            else:
                out.append(text[i : i + 2])
            i += 2
            continue
        if text.startswith(_DOLLAR_MARK, i):
            out.append(literal)
            i += len(_DOLLAR_MARK)
            continue
        if char == "$" and i + 1 < len(text) and text[i + 1].isdigit():
            bare.append(text[i + 1])
        out.append(char)
        i += 1
    return "".join(out), bare


def _check_template(find: re.Pattern[str], text: str) -> None:
    """Raise ``re.error`` for a replacement that names a group ``find`` lacks or holds a
    bad escape: expand it once against an empty pattern with the same groups."""
    names = {index: name for name, index in find.groupindex.items()}
    groups = "".join(f"(?P<{names[i]}>)" if i in names else "()" for i in range(1, find.groups + 1))
    re.compile(groups).sub(text, "", count=1)
