"""The rule registry: every quality rule's stable code, name, level, severity and doc.

Codes are never reused; a renamed or merged code goes into ``REDIRECTS``. The docs
have fixed sections (what it checks, why it matters, example, how to fix) and every
rule carries a bad and a good example that the test suite runs through the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from erdq.errors import ConfigError
from erdq.findings import Level, Severity

CODE_RE = re.compile(r"^[A-Z]{2}\d{3}$")
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DOC_SECTIONS = ("## What it checks", "## Why it matters", "## Example", "## How to fix")


class Status(StrEnum):
    STABLE = "stable"
    PREVIEW = "preview"
    DEPRECATED = "deprecated"


class Scope(StrEnum):
    FILE = "file"  # the file as a whole: encoding, header, naming
    ROW = "row"  # one row or record at a time
    CROSS = "cross"  # across rows of a file (duplicates, overlaps)


@dataclass(frozen=True, slots=True)
class Example:
    """A small input for a rule's doc and its tests.

    ``rows`` are KBART rows given as overrides of a valid baseline row (see
    ``erdq.rules.kbart.examples``); ``raw`` is a whole file as bytes, for rules about
    encoding, line ends or the header. ``file_name`` lets file-name rules be shown.
    """

    rows: tuple[Mapping[str, str], ...] = ()
    raw: bytes | None = None
    file_name: str | None = None
    strict: bool = True  # False: the example shows lenient-mode behaviour
    factory: Callable[[], bytes] | None = None  # builds ``raw`` when too big to keep
    note: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    level: Level
    severity: Severity
    scope: Scope
    message: str  # str.format template over the finding's params; {value} is the value found
    doc: str
    bad: Example
    good: Example
    status: Status = Status.STABLE
    family: str = field(default="")

    def render(self, params: Mapping[str, object], value: str | None = None) -> str:
        values = _Defaulting({k: _Shown(v) if isinstance(v, str) else v for k, v in params.items()})
        values.setdefault("value", _Shown("" if value is None else value))
        return self.message.format_map(values)  # the C formatter; _Defaulting fills gaps

    @property
    def title(self) -> str:
        return f"{self.code} {self.name}"


class _Shown(str):
    """A value as a librarian should see it when a message quotes it (``{value!r}``):
    in quotes, with a backslash shown as one backslash and only invisible characters
    escaped — Python's repr would show ``P\\r`` for the four characters ``P\r``."""

    def __repr__(self) -> str:
        shown = "".join(
            c
            if c.isprintable() or c == " "
            else f"\\x{ord(c):02x}"
            if ord(c) < 0x100
            else f"\\u{ord(c):04x}"
            for c in self
        )
        return f"'{shown}'"


class _Defaulting(dict):
    """Missing template parameters render as '?' instead of raising at display time."""

    def __missing__(self, key: str) -> str:
        return "?"


_RULES: dict[str, Rule] = {}
_BY_NAME: dict[str, str] = {}

# Retired or renamed codes → their successor. Never reuse a code listed here.
REDIRECTS: dict[str, str] = {}


def register(rule: Rule) -> Rule:
    """Add a rule; a duplicate code or name is a programming error caught at import."""
    if not CODE_RE.match(rule.code):
        raise ValueError(f"rule code {rule.code!r} must look like KB302")
    if not NAME_RE.match(rule.name):
        raise ValueError(f"rule name {rule.name!r} must be kebab-case")
    if rule.code in _RULES or rule.code in REDIRECTS:
        raise ValueError(f"rule code {rule.code} registered twice or redirected")
    if rule.name in _BY_NAME:
        raise ValueError(f"rule name {rule.name} registered twice")
    object.__setattr__(rule, "family", rule.code[:2])
    _RULES[rule.code] = rule
    _BY_NAME[rule.name] = rule.code
    return rule


def rule(
    code: str,
    name: str,
    *,
    level: Level,
    severity: Severity,
    scope: Scope,
    message: str,
    doc: str,
    bad: Example,
    good: Example,
    status: Status = Status.STABLE,
) -> Rule:
    """Declare and register a rule; returns it so checkers can refer to it."""
    return register(
        Rule(
            code=code,
            name=name,
            level=level,
            severity=severity,
            scope=scope,
            message=message,
            doc=_dedent(doc),
            bad=bad,
            good=good,
            status=status,
        )
    )


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip() + "\n"


def _load_rules() -> None:
    # Importing the rule packages registers their rules.
    import erdq.rules  # noqa: F401


def all_rules() -> list[Rule]:
    _load_rules()
    return sorted(_RULES.values(), key=lambda r: r.code)


def get_rule(code_or_name: str) -> Rule:
    _load_rules()
    key = code_or_name.strip()
    upper = key.upper()
    upper = REDIRECTS.get(upper, upper)
    if upper in _RULES:
        return _RULES[upper]
    if key in _BY_NAME:
        return _RULES[_BY_NAME[key]]
    raise KeyError(code_or_name)


def resolve_selector(selector: str) -> set[str]:
    """Codes matched by a code, a code prefix (``KB``, ``KB3``) or a rule name."""
    _load_rules()
    sel = selector.strip()
    if not sel:
        return set()
    if sel.upper() == "ALL":
        return set(_RULES)
    if sel in _BY_NAME:
        return {_BY_NAME[sel]}
    upper = REDIRECTS.get(sel.upper(), sel.upper())
    matched = {code for code in _RULES if code.startswith(upper)}
    if not matched:
        guess = closest_rule(sel)
        raise ConfigError(
            f"unknown rule selector {selector!r}" + (f"; did you mean {guess!r}?" if guess else ""),
            hint="use a rule code (KB201), a prefix (KB, KB2) or a name; `erdq rules` lists them",
        )
    return matched


# Characters typed for the digits they look like: MR1O1 is MR101, KBl04 is KB104.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "i": "1"})


def closest_rule(selector: str, family: str | None = None) -> str | None:
    """The rule code, prefix or name a mistyped selector most likely meant, for
    did-you-mean messages.

    Letters typed for digits are read as the digits (``MR1O1`` → ``MR101``); otherwise
    the code at the smallest edit distance (a swap of two characters counts as one),
    rules of ``family`` first, or the closest rule name."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import OSA

    _load_rules()
    text = selector.strip()
    if not text:
        return None
    codes = sorted(_RULES)
    if len(text) <= 6 and text[:2].isalpha() and not text[2:].isalpha():
        fixed = text[:2].upper() + text[2:].translate(_DIGIT_LOOKALIKES)
        if any(c.startswith(fixed) for c in codes):
            return fixed
        preferred = family or fixed[:2]
        best = min(codes, key=lambda c: (OSA.distance(fixed, c), not c.startswith(preferred), c))
        return best if OSA.distance(fixed, best) <= 2 else None
    match = process.extractOne(text.lower(), sorted(_BY_NAME), scorer=fuzz.ratio, score_cutoff=70)
    return match[0] if match else None


def selector_specificity(selector: str) -> int:
    """Longer prefixes are more specific; a name or full code is the most specific."""
    sel = selector.strip()
    if sel.upper() == "ALL":
        return 0
    if sel in _BY_NAME or CODE_RE.match(sel.upper()):
        return 10
    return len(sel)


def select_codes(select: Iterable[str], ignore: Iterable[str]) -> set[str]:
    """Apply select/ignore selectors: the most specific selector wins, ``ignore`` on ties."""
    _load_rules()
    decisions: dict[str, tuple[int, bool]] = {}
    for selectors, keep in ((list(select), True), (list(ignore), False)):
        for sel in selectors:
            spec = selector_specificity(sel)
            for code in resolve_selector(sel):
                previous = decisions.get(code)
                if previous is None or spec > previous[0] or (spec == previous[0] and not keep):
                    decisions[code] = (spec, keep)
    chosen = {code for code, (_, keep) in decisions.items() if keep}
    return {c for c in chosen if _RULES[c].status is not Status.DEPRECATED}


def sections(*, what: str, why: str, example: str, fix: str, references: str = "") -> str:
    """Build a rule doc with the fixed sections every rule must have."""
    import textwrap

    parts = [
        ("## What it checks", what),
        ("## Why it matters", why),
        ("## Example", example),
        ("## How to fix", fix),
    ]
    if references:
        parts.append(("## References", references))
    return "\n\n".join(f"{head}\n{textwrap.dedent(body).strip()}" for head, body in parts)
