"""Checking the values and conditions of a rules file (``erdq marc edit``).

``Checker`` turns one entry's values into compiled ones, collecting each problem with the
file, edit number, line and key, rather than stopping at the first; conditions
(``when`` for records, ``where`` for fields) compile to plain functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

_RECORD_CONDITIONS = {"has", "missing", "subfield", "field-matches", "leader", "control"}
_FIELD_CONDITIONS = {"subfield", "missing-subfield", "field-matches"}
_COMBINATORS = {"all", "any", "not"}
TAG_RE = re.compile(r"^[0-9A-Za-z]{3}$")
_PATTERN_RE = re.compile(r"^[0-9A-Za-z.]{3}$")
CODE_RE = re.compile(r"^[a-z0-9]$")
_INDICATOR_RE = re.compile(r"^[0-9a-z ]$")
BLANKS = {"#": " ", "\\": " ", "_": " ", "": " "}


def control_tag(tag: str) -> bool:
    """00X tags hold data, not subfields (the same test pymarc makes)."""
    return tag.isdigit() and tag < "010"


def field_text(fld) -> str:
    """What ``replace`` and ``field-matches`` see of a field: a control field's data, or
    a data field's subfields in MarcEdit's mnemonic form (``$aTitle :$bsubtitle``, a
    literal dollar as ``{dollar}``), indicators left out."""
    if fld.control_field:
        return fld.data or ""
    return "".join(f"${s.code}{s.value.replace('$', '{dollar}')}" for s in fld.subfields)


Test = Callable[..., bool]


@dataclass(frozen=True, slots=True)
class TagPattern:
    """A tag ("020"), or a pattern in which X or . stands for any character ("9XX",
    "6.."); several of them as a list."""

    text: str
    regex: re.Pattern[str]
    seen: dict[str, bool] = field(default_factory=dict, compare=False)  # tag -> matches

    def matches(self, tag: str) -> bool:
        # Asked for every field of every record: a file has few distinct tags.
        hit = self.seen.get(tag)
        if hit is None:
            hit = self.seen[tag] = self.regex.match(tag) is not None
        return hit

    def select(self, fields: Sequence) -> list[int]:
        """The positions of the fields whose tag matches (``matches`` inlined: this runs
        for every edit on every record)."""
        seen, regex, out = self.seen, self.regex, []
        for index, fld in enumerate(fields):
            tag = fld.tag
            hit = seen.get(tag)
            if hit is None:
                hit = seen[tag] = regex.match(tag) is not None
            if hit:
                out.append(index)
        return out

    @property
    def only_control(self) -> bool:
        alternatives = self.text.split(", ")
        return all(a[:2] == "00" and (a[2].isdigit() or a[2] in "Xx.") for a in alternatives)

    @property
    def only_data(self) -> bool:
        return all((a[0] not in "0Xx." or a[1] not in "0Xx.") for a in self.text.split(", "))


class YamlMapping(dict):
    """A YAML mapping that remembers the lines of its keys (1-based)."""

    line = 0
    key_lines: dict[str, int]


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice a misspelt word most likely meant, for did-you-mean messages."""
    from rapidfuzz import fuzz, process

    match = process.extractOne(word.lower(), sorted(choices), scorer=fuzz.ratio, score_cutoff=60)
    return match[0] if match else None


class Checker:
    """Checks the values of one entry, collecting every problem rather than the first."""

    def __init__(self, source: str, number: int, entry: object) -> None:
        self.source = source
        self.number = number
        self.entry = entry
        self.line = entry.line if isinstance(entry, YamlMapping) else 0
        self.problems: list[str] = []

    # -- messages ---------------------------------------------------------------------

    def problem(self, text: str, line: int | None = None) -> None:
        at = line or self.line
        where = f"{self.source}, edit {self.number}" + (f" (line {at})" if at else "")
        self.problems.append(f"{where}: {text}")

    def unknown(
        self, key: str, allowed: Sequence[str], what: str, line: int | None, where: str = ""
    ) -> None:
        guess = closest(key, allowed)
        hint = f"; did you mean {guess!r}?" if guess else ""
        self.problem(
            f"unknown {what} {key!r}{where}{hint} (allowed: {', '.join(sorted(allowed))})", line
        )

    # -- values -----------------------------------------------------------------------

    def text(self, value: object, key: str, line: int | None) -> str | None:
        if isinstance(value, str):
            return value
        kind = "a list" if isinstance(value, list) else "a mapping"
        self.problem(f"{key!r} must be a single value, not {kind}", line)
        return None

    def regex(self, value: object, key: str, line: int | None) -> re.Pattern[str] | None:
        pattern = self.text(value, key, line)
        if pattern is None:
            return None
        try:
            return re.compile(pattern)
        except re.error as exc:
            self.problem(f"{key!r} is not a valid regular expression: {pattern!r} ({exc})", line)
            return None

    def tag_pattern(self, value: object, key: str, line: int | None) -> TagPattern | None:
        items = value if isinstance(value, list) else [value]
        texts = []
        for item in items:
            text = self.text(item, key, line)
            if text is None:
                return None
            if not _PATTERN_RE.match(text):
                self.problem(
                    f"{key!r} {text!r} is not a tag: give three characters, e.g. '020', "
                    "or a pattern with X or . for any character, e.g. '9XX' or '6..'",
                    line,
                )
                return None
            texts.append(text)
        alternatives = "|".join(
            "".join("." if c in "Xx." else re.escape(c) for c in text) for text in texts
        )
        return TagPattern(", ".join(texts), re.compile(f"^(?:{alternatives})$"))

    def exact_tag(self, value: object, key: str, line: int | None) -> str | None:
        text = self.text(value, key, line)
        if text is None:
            return None
        if not TAG_RE.match(text) or "X" in text.upper():
            self.problem(
                f"{key!r} must be one tag of three letters or digits, e.g. '588', not {text!r}",
                line,
            )
            return None
        return text

    def code(self, value: object, key: str, line: int | None) -> str | None:
        text = self.text(value, key, line)
        if text is None:
            return None
        if not CODE_RE.match(text):
            self.problem(
                f"{key!r} must be one subfield code, a lowercase letter or a digit "
                f"(MARC 21), not {text!r}",
                line,
            )
            return None
        return text

    def codes(self, value: object, key: str, line: int | None) -> frozenset[str] | None:
        items = value if isinstance(value, list) else [value]
        out = [self.code(item, key, line) for item in items]
        return None if None in out else frozenset(c for c in out if c)

    def indicator(self, value: object, key: str, line: int | None) -> str | None:
        text = self.text(value, key, line)
        if text is None:
            return None
        text = BLANKS.get(text, text)
        if not _INDICATOR_RE.match(text):
            self.problem(
                f"{key!r} must be one indicator: a digit, a lowercase letter or a blank "
                f"(written ' ', '#' or '\\'), not {text!r}",
                line,
            )
            return None
        return text

    def indicators(self, value: object, key: str, line: int | None) -> frozenset[str] | None:
        items = value if isinstance(value, list) else [value]
        out = [self.indicator(item, key, line) for item in items]
        return None if None in out else frozenset(i for i in out if i is not None)

    def position(self, value: object, key: str, line: int | None, size: int) -> int | None:
        text = self.text(value, key, line)
        if text is None:
            return None
        if not text.isdigit() or int(text) >= size:
            self.problem(f"{key!r} must be a position from 0 to {size - 1}, not {text!r}", line)
            return None
        return int(text)

    # -- conditions -------------------------------------------------------------------

    def condition(self, value: object, scope: str, line: int | None) -> Test | None:
        """A record condition (``scope`` "record": ``when``) or a field condition
        ("field": ``where``); a list or a mapping of several keys means all of them."""
        allowed = (_RECORD_CONDITIONS if scope == "record" else _FIELD_CONDITIONS) | _COMBINATORS
        if isinstance(value, list):
            tests = [self.condition(v, scope, line) for v in value]
            return None if None in tests else _all(tests)  # type: ignore[arg-type]
        if not isinstance(value, YamlMapping) or not value:
            self.problem(
                f"a {scope} condition must be a mapping such as "
                + ("'has: \"856\"'" if scope == "record" else "'subfield: {code: q}'"),
                line,
            )
            return None
        tests: list[Test] = []
        for key, arg in value.items():
            at = value.key_lines.get(key, line)
            if key not in allowed:
                self.unknown(key, sorted(allowed), f"{scope} condition", at)
                continue
            test = self.one_condition(key, arg, scope, at)
            if test is not None:
                tests.append(test)
        if len(tests) != len(value):
            return None
        return tests[0] if len(tests) == 1 else _all(tests)

    def one_condition(self, key: str, arg: object, scope: str, line: int | None) -> Test | None:
        if key in ("all", "any"):
            if not isinstance(arg, list) or not arg:
                self.problem(f"{key!r} takes a list of conditions", line)
                return None
            tests = [self.condition(v, scope, line) for v in arg]
            if None in tests:
                return None
            return _all(tests) if key == "all" else _any(tests)  # type: ignore[arg-type]
        if key == "not":
            inner = self.condition(arg, scope, line)
            return None if inner is None else (lambda *a, _t=inner: not _t(*a))
        if key in ("has", "missing"):
            tags = self.tag_pattern(arg, key, line)
            if tags is None:
                return None
            if key == "has":
                return lambda rec: any(tags.matches(f.tag) for f in rec.fields)
            return lambda rec: not any(tags.matches(f.tag) for f in rec.fields)
        if key == "missing-subfield":
            codes = self.codes(arg, key, line)
            if codes is None:
                return None
            return lambda fld: (
                not fld.control_field and not any(s.code in codes for s in fld.subfields)
            )
        if key == "field-matches" and scope == "field":
            regex = self.regex(arg, key, line)
            if regex is None:
                return None
            return lambda fld: regex.search(field_text(fld)) is not None
        keys = {
            "subfield": ({"tag", "code"} if scope == "record" else {"code"}, {"matches"}),
            "field-matches": ({"tag", "matches"}, set()),
            "leader": ({"position", "equals"}, set()),
            "control": ({"tag", "position", "equals"}, set()),
        }[key]
        args = self.mapping(arg, key, *keys, line)
        if args is None:
            return None
        return self.compile_condition(key, args, scope, line)

    def compile_condition(
        self, key: str, args: YamlMapping, scope: str, line: int | None
    ) -> Test | None:
        at = args.key_lines
        if key in ("leader", "control"):
            tag = "LDR"
            if key == "control":
                tag = self.exact_tag(args["tag"], "tag", at.get("tag", line))
                if tag is not None and not control_tag(tag):
                    self.problem(f"'control' looks into 00X fields; {tag} is not one", line)
                    return None
            position = self.position(args["position"], "position", at.get("position", line), 40)
            raw = args["equals"]
            values = raw if isinstance(raw, list) else [raw]
            texts = [self.text(v, "equals", at.get("equals", line)) for v in values]
            if tag is None or position is None or None in texts:
                return None
            wanted = [BLANKS.get(t, t) for t in texts if t is not None]
            if key == "leader":
                if any(position + len(w) > 24 for w in wanted):
                    self.problem("'equals' runs past the end of the leader (24 positions)", line)
                    return None
                return lambda rec: any(
                    str(rec.leader)[position : position + len(w)] == w for w in wanted
                )
            return lambda rec: any(
                (f.data or "")[position : position + len(w)] == w
                for f in rec.fields
                if f.tag == tag
                for w in wanted
            )
        regex = None
        if "matches" in args:
            regex = self.regex(args["matches"], "matches", at.get("matches", line))
            if regex is None:
                return None
        if key == "field-matches":
            tags = self.tag_pattern(args["tag"], "tag", at.get("tag", line))
            if tags is None or regex is None:
                return None
            return lambda rec: any(
                tags.matches(f.tag) and regex.search(field_text(f)) for f in rec.fields
            )
        codes = self.codes(args["code"], "code", at.get("code", line))
        if codes is None:
            return None

        def sub_test(fld) -> bool:
            return not fld.control_field and any(
                s.code in codes and (regex is None or regex.search(s.value)) for s in fld.subfields
            )

        if scope == "field":
            return sub_test
        tags = self.tag_pattern(args["tag"], "tag", at.get("tag", line))
        if tags is None:
            return None
        return lambda rec: any(tags.matches(f.tag) and sub_test(f) for f in rec.fields)

    def mapping(
        self, value: object, key: str, required: set[str], optional: set[str], line: int | None
    ) -> YamlMapping | None:
        if not isinstance(value, YamlMapping):
            self.problem(
                f"{key!r} takes a mapping with {', '.join(sorted(required))}, "
                f"e.g. {EXAMPLES.get(key, '')}",
                line,
            )
            return None
        ok = True
        for name in value:
            if name not in required | optional:
                self.unknown(name, sorted(required | optional), "key", line, f" in {key!r}")
                ok = False
        for name in sorted(required - set(value)):
            self.problem(f"{key!r} needs {name!r}, e.g. {EXAMPLES.get(key, '')}", line)
            ok = False
        return value if ok else None


def _all(tests: list[Test]) -> Test:
    return lambda *args: all(t(*args) for t in tests)


def _any(tests: list[Test]) -> Test:
    return lambda *args: any(t(*args) for t in tests)


EXAMPLES = {
    "tag": "tag: '020' (quoted) or tag: 9XX",
    "to": "to: '776' (move-field) or to: z (move-subfield)",
    "from": "from: a",
    "code": "code: z",
    "value": "value: 'Description based on ...'",
    "find": r"find: '^http://(www\.)?example\.com'",
    "replace": r"replace: 'https://\1example.com'",
    "set": "set: {ind2: '4'}",
    "position": "position: 17",
    "subfields": "subfields: '$aDescription based on print version record.'",
    "subfield": "subfield: {tag: '020', code: q, matches: print}",
    "field-matches": "field-matches: {tag: '856', matches: 'http://'}",
    "leader": "leader: {position: 6, equals: a}",
    "control": "control: {tag: '008', position: 23, equals: o}",
}
