"""ISSN and ISBN: find the number in a messy value, validate it, give its canonical form.

This is the one place that answers "is this identifier valid, and what is it?" for KBART
rules, MARC rules, matching, dedup and the link resolver. Check digits come from
python-stdnum; this module only finds the number and names what is wrong around it.

Three results are kept apart (cases BR-024..BR-030):

* the number itself (``compact``, ``valid``, ``canonical``, ``expected_check``);
* formatting problems that leave the number usable (``FORMAT_PROBLEMS``: ISBD punctuation,
  a "(pt. 1)" qualifier, a lower-case x, a missing ISSN hyphen ...);
* the surrounding text (``extra``), kept so that nothing is dropped silently.

Every ``check_*`` function is pure and never raises on bad data; results are cached because
KBART files repeat identifiers across packages and runs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, NamedTuple

from stdnum import ean, isbn, issn

__all__ = [
    "FORMAT_PROBLEMS",
    "OCLC_ORG",
    "PROBLEM_CODES",
    "SYSTEM_NUMBER_SOFT_PROBLEMS",
    "IdentifierCheck",
    "Lccn",
    "SystemNumber",
    "check_identifier",
    "check_isbn",
    "check_issn",
    "control_number_key",
    "format_isbn13",
    "is_placeholder_isbn",
    "is_placeholder_issn",
    "isbn10",
    "isbn13",
    "lccn_010a",
    "normalize_isbn",
    "normalize_issn",
    "normalize_lccn",
    "oclc_035",
    "oclc_number",
    "parse_lccn",
    "parse_system_number",
    "same_identifier",
    "system_number_key",
]

# Every problem code, in the order ``IdentifierCheck.problems`` lists them.
PROBLEM_CODES: tuple[str, ...] = (
    "empty",
    "not-a-number",
    "leading-text",
    "trailing-text",
    "qualifier",
    "embedded-whitespace",
    "lowercase-x",
    "no-hyphen",
    "bad-hyphenation",
    "bad-length",
    "x-not-last",
    "isbn13-ends-in-x",
    "bad-prefix",
    "bad-check-digit",
    "placeholder",
)
# Problems about how the number is written; the number itself may still be valid.
FORMAT_PROBLEMS: frozenset[str] = frozenset(
    {
        "leading-text",
        "trailing-text",
        "qualifier",
        "embedded-whitespace",
        "lowercase-x",
        "no-hyphen",
        "bad-hyphenation",
    }
)
_ORDER = {code: i for i, code in enumerate(PROBLEM_CODES)}
# Problems that leave the number checksum-valid: formatting, and a filler such as 0000-0000.
_SOFT_PROBLEMS: frozenset[str] = FORMAT_PROBLEMS | {"placeholder"}

Kind = Literal["issn", "isbn10", "isbn13", "unknown"]
_Family = Literal["issn", "isbn", "any"]
_KIND_BY_LENGTH: dict[int, Kind] = {8: "issn", 10: "isbn10", 13: "isbn13"}
_LENGTHS: dict[_Family, frozenset[int]] = {
    "issn": frozenset({8}),
    "isbn": frozenset({10, 13}),
    "any": frozenset({8, 10, 13}),
}
_FAMILY_KINDS: dict[_Family, frozenset[str]] = {
    "issn": frozenset({"issn"}),
    "isbn": frozenset({"isbn10", "isbn13"}),
    "any": frozenset({"issn", "isbn10", "isbn13"}),
}

# Hyphen look-alikes pasted from word processors and web pages (U+2010..U+2015, minus signs).
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_SEP_CLASS = r"\-\u2010-\u2015\u2212\ufe63\uff0d"
# A number starts with a digit and ends with a digit or X; separators only inside it.
# [0-9] rather than \d: \d would accept Arabic-Indic and other non-ASCII digits.
_TOKEN_RE = re.compile(rf"[0-9](?:[0-9Xx{_SEP_CLASS}]*[0-9Xx])?")
_SPACED_RE = re.compile(rf"[0-9](?:[0-9Xx{_SEP_CLASS}\s]*[0-9Xx])?")
_NOT_ID_CHAR_RE = re.compile(r"[^0-9Xx]")
_SPACE_RE = re.compile(r"\s")
_QUALIFIER_RE = re.compile(r"\([^()]*\)")
# Already-clean values (the bulk of a good file) skip extraction altogether. ISBN hyphen
# positions depend on range data, so any single hyphens count as clean here.
_FAST_ISSN = r"[0-9]{4}-[0-9]{3}[0-9X]"
_FAST_ISBN = r"(?:[0-9]-?){9}[0-9X]|97[89](?:-?[0-9]){10}"
_FAST_RE: dict[_Family, re.Pattern[str]] = {
    "issn": re.compile(_FAST_ISSN),
    "isbn": re.compile(_FAST_ISBN),
    "any": re.compile(f"{_FAST_ISSN}|{_FAST_ISBN}"),
}

_PLACEHOLDER_ISSNS = frozenset(d * 8 for d in "0123456789")
# Every repeated-digit ISBN-10 has a valid check digit (45·d ≡ d mod 11), so all are fillers.
_PLACEHOLDER_ISBN_BODIES = frozenset(d * 9 for d in "0123456789")


class IdentifierCheck(NamedTuple):
    """What a value holds: the number found in it, whether it is valid, and what is wrong.

    A named tuple rather than a frozen dataclass: it is as immutable, and builds several
    times faster, which counts when a KBART file has millions of identifiers.
    """

    raw: str  # the value as given
    kind: Kind  # what the number looks like, by its length
    compact: str | None  # digits and upper-case X only ("1303734X", "9782266185813")
    valid: bool  # structure and check digit of the number are valid
    canonical: str | None  # ISSN "1303-734X"; any ISBN as compact ISBN-13; None unless valid
    problems: tuple[str, ...]  # codes from PROBLEM_CODES, in that order
    extra: str | None = None  # text around the number; "…" marks the number if on both sides
    expected_check: str | None = None  # the right check character when it is wrong
    span: tuple[int, int] | None = None  # where the number is in ``raw`` (for $q/$c fixes)

    @property
    def ok(self) -> bool:
        """Valid and written exactly as it should be."""
        return self.valid and not self.problems


def check_issn(value: str) -> IdentifierCheck:
    """Check a value as an ISSN. An ISBN-length number gives its kind and ``bad-length``."""
    return _check(value, "issn")


def check_isbn(value: str) -> IdentifierCheck:
    """Check a value as an ISBN-10 or ISBN-13 (canonical form: compact ISBN-13)."""
    return _check(value, "isbn")


def check_identifier(value: str) -> IdentifierCheck:
    """Check a value whose type is not known: 8 characters are an ISSN, 10 or 13 an ISBN."""
    return _check(value, "any")


def normalize_issn(value: str) -> str | None:
    """The hyphenated upper-case ISSN ("1303-734X") if the value holds a valid one."""
    return check_issn(value).canonical


def normalize_isbn(value: str) -> str | None:
    """The compact upper-case ISBN in the form given (10 stays 10) if valid, else None."""
    result = check_isbn(value)
    return result.compact if result.valid else None


def isbn13(value: str) -> str | None:
    """The compact ISBN-13 of a valid ISBN-10 or ISBN-13, else None."""
    return check_isbn(value).canonical


def isbn10(value: str) -> str | None:
    """The compact ISBN-10 of a valid ISBN, else None.

    979 ISBNs have no ISBN-10: stripping the prefix would give the nine digits of an
    unrelated 978 book (BR-025), so they return None rather than a colliding value.
    """
    result = check_isbn(value)
    if not result.valid or result.compact is None or result.canonical is None:
        return None
    if result.kind == "isbn10":
        return result.compact
    if not result.canonical.startswith("978"):
        return None
    return isbn.to_isbn10(result.canonical)


def format_isbn13(value: str) -> str | None:
    """The hyphenated ISBN-13 ("978-2-253-00269-7") from stdnum's range data, else None.

    COUNTER reports ask for this form (BR-066).
    """
    canonical = isbn13(value)
    return None if canonical is None else isbn.format(canonical)


def is_placeholder_issn(compact: str) -> bool:
    """Whether an ISSN is a repeated-digit filler such as 0000-0000 or 7777-7777.

    Some have a valid check digit (0000-0000), which does not make them real ISSNs.
    """
    return compact.replace("-", "") in _PLACEHOLDER_ISSNS


def is_placeholder_isbn(compact: str) -> bool:
    """Whether an ISBN is a repeated-digit filler (0000000000, 9780000000002 ...)."""
    number = compact.replace("-", "").upper()
    if len(number) == 13 and number.startswith("978"):
        return number[3:12] in _PLACEHOLDER_ISBN_BODIES
    return len(number) == 10 and number[:9] in _PLACEHOLDER_ISBN_BODIES and number[9] == number[0]


def same_identifier(a: str, b: str) -> bool:
    """Whether two values are the same valid ISSN, or the same ISBN in either form.

    ISBN-10 and ISBN-13 of one edition match; a 979 and a 978 ISBN sharing nine digits do
    not; invalid values and placeholders never match anything, not even themselves.
    """
    first, second = check_identifier(a), check_identifier(b)
    if "placeholder" in first.problems or "placeholder" in second.problems:
        return False
    return first.valid and second.valid and first.canonical == second.canonical


_CLEAN_ISSN_RE = re.compile(r"([0-9]{4})-([0-9]{3})([0-9X])")
_CLEAN_ISBN13_RE = re.compile(r"97[89][0-9]{10}")


@lru_cache(maxsize=1 << 16)
def _check(value: str, family: _Family) -> IdentifierCheck:
    # The two forms a good KBART file is made of, checked with one stdnum call each.
    if family != "isbn":
        m = _CLEAN_ISSN_RE.fullmatch(value)
        if m is not None:
            compact = m[1] + m[2] + m[3]
            if issn.calc_check_digit(compact[:7]) == m[3] and compact not in _PLACEHOLDER_ISSNS:
                return IdentifierCheck(value, "issn", compact, True, value, (), span=(0, 9))
    if (
        family != "issn"
        and _CLEAN_ISBN13_RE.fullmatch(value)
        and ean.calc_check_digit(value[:12]) == value[12]
        and not is_placeholder_isbn(value)
    ):
        return IdentifierCheck(value, "isbn13", value, True, value, (), span=(0, 13))
    if _FAST_RE[family].fullmatch(value):
        compact = value.replace("-", "")
        kind, problems, _ = _assess(compact, family)
        if not problems:
            canonical = _canonical(kind, compact)
            return IdentifierCheck(value, kind, compact, True, canonical, (), span=(0, len(value)))
    if not value.strip():
        return IdentifierCheck(value, "unknown", None, False, None, ("empty",))
    span = _locate(value, family)
    if span is None:
        return IdentifierCheck(value, "unknown", None, False, None, ("not-a-number",))

    start, end = span
    text, before, after = value[start:end], value[:start], value[end:]
    compact = _compact(text)
    kind, problems, expected = _assess(compact, family)
    problems += _format_problems(text, before, after, kind, compact, family)
    problems.sort(key=_ORDER.__getitem__)
    valid = not any(code not in _SOFT_PROBLEMS for code in problems)
    return IdentifierCheck(
        raw=value,
        kind=kind,
        compact=compact,
        valid=valid,
        canonical=_canonical(kind, compact) if valid else None,
        problems=tuple(problems),
        extra=_extra(before, after),
        expected_check=expected,
        span=span,
    )


def _compact(text: str) -> str:
    return _NOT_ID_CHAR_RE.sub("", text).upper()


def _canonical(kind: Kind, compact: str) -> str:
    if kind == "issn":
        return f"{compact[:4]}-{compact[4:]}"
    return isbn.to_isbn13(compact) if kind == "isbn10" else compact


def _locate(value: str, family: _Family) -> tuple[int, int] | None:
    """Where the number is, or None when nothing in the value looks like one.

    Candidates of the wanted length come first: plain tokens, then runs with spaces inside
    ("978-956-303-036- 5"). The first that validates wins, so "1798-7105 12" stays an ISSN
    with trailing junk instead of becoming a ten-digit ISBN.
    """
    tokens = [m.span() for m in _TOKEN_RE.finditer(value)]
    if not tokens:
        return None
    lengths = _LENGTHS[family]
    fitting = [s for s in tokens if len(_compact(value[s[0] : s[1]])) in lengths]
    fitting += [
        m.span()
        for m in _SPACED_RE.finditer(value)
        if _SPACE_RE.search(m.group()) and len(_compact(m.group())) in lengths
    ]
    for span in fitting:
        if not _assess(_compact(value[span[0] : span[1]]), family)[1]:
            return span
    if fitting:
        return fitting[0]
    # Nothing of the wanted length: prefer a number of the other family, so check_issn on
    # an ISBN reports "looks like isbn13" rather than some fragment of it.
    others = [s for s in tokens if len(_compact(value[s[0] : s[1]])) in _KIND_BY_LENGTH]
    return others[0] if others else tokens[0]


def _assess(compact: str, family: _Family) -> tuple[Kind, list[str], str | None]:
    """Kind, problems of the number itself, and the expected check character."""
    kind = _KIND_BY_LENGTH.get(len(compact), "unknown")
    if kind not in _FAMILY_KINDS[family]:
        return kind, ["bad-length"], None
    body, check = compact[:-1], compact[-1]
    problems: list[str] = []
    if "X" in body:
        problems.append("x-not-last")
    if kind == "isbn13":
        if not body.startswith(("978", "979")):
            problems.append("bad-prefix")
        if check == "X":
            problems.append("isbn13-ends-in-x")
    if "x-not-last" in problems:
        return kind, problems, None
    expected = _wrong_check(kind, compact)
    if is_placeholder_issn(compact) if kind == "issn" else is_placeholder_isbn(compact):
        # A filler has no "right" check digit to suggest. One whose check digit happens to
        # be right (0000-0000) stays checksum-valid: "placeholder" is reported beside it.
        return kind, [*problems, "placeholder", *(["bad-check-digit"] if expected else [])], None
    if expected is None:
        return kind, problems, None
    if kind != "isbn13" or check != "X":
        problems.append("bad-check-digit")
    return kind, problems, expected


def _wrong_check(kind: Kind, compact: str) -> str | None:
    """The check character ``compact`` should end in, or None when it already does."""
    body = compact[:-1]
    if kind == "issn":
        expected = issn.calc_check_digit(body)
    elif kind == "isbn13":
        expected = ean.calc_check_digit(body)
    elif isbn.is_valid(compact):
        return None
    else:
        # stdnum has no public ISBN-10 check-digit function; its 978 -> ISBN-10 conversion
        # computes one, so derive it from there rather than redo the mod-11 arithmetic.
        expected = isbn.to_isbn10(f"978{body}{ean.calc_check_digit('978' + body)}")[-1]
    return None if expected == compact[-1] else expected


def _format_problems(
    text: str, before: str, after: str, kind: Kind, compact: str, family: _Family
) -> list[str]:
    problems: list[str] = []
    if before.strip():
        problems.append("leading-text")
    if after.strip():
        if _QUALIFIER_RE.search(after):
            problems.append("qualifier")
        if _QUALIFIER_RE.sub("", after).strip():
            problems.append("trailing-text")
    if _SPACE_RE.search(text):
        problems.append("embedded-whitespace")
    if text.endswith("x"):
        problems.append("lowercase-x")
    has_dash = any(ch in _DASHES for ch in text)
    if kind == "issn" and kind in _FAMILY_KINDS[family]:
        written = "".join(text.split()).upper()
        if has_dash:
            problems.append("bad-hyphenation")
        elif "-" not in written:
            problems.append("no-hyphen")
        elif written != f"{compact[:4]}-{compact[4:]}":
            problems.append("bad-hyphenation")
    elif has_dash:
        # ISBN hyphen positions vary by range, but a dash look-alike is still wrong.
        problems.append("bad-hyphenation")
    return problems


def _extra(before: str, after: str) -> str | None:
    # Whitespace alone around a value is the reader's concern (cell trimming), not ours.
    lead, trail = before.strip(), after.strip()
    if lead and trail:
        return f"{before}…{after}"
    return before if lead else after if trail else None


# -- LCCN (Library of Congress Control Number) -------------------------------------------
#
# The structure and normalisation are LC's ("LCCN Structure", MARC 21 010 $a, and the
# info:lccn namespace normalisation): an alphabetic prefix, a year of two digits (before
# 2001) or four (from 2001), and a serial of six digits, left-padded with zeros when it
# was written after a hyphen. In 010 $a the prefix is blank-filled on the right to three
# positions and a pre-2001 number ends in one blank (12 characters); from 2001 the prefix
# has two positions and there is no trailing blank (12 characters too).

_LCCN_RE = re.compile(r"^([a-z]{0,3})(\d{2}|\d{4})(\d{6})$")


class Lccn(NamedTuple):
    """An LCCN split into its parts: ``prefix`` letters, ``year`` (2 or 4 digits), and
    the six-digit ``serial``."""

    prefix: str
    year: str
    serial: str

    @property
    def key(self) -> str:
        """The normalised form used for searching and matching ("85153773")."""
        return f"{self.prefix}{self.year}{self.serial}"

    @property
    def marc_010a(self) -> str:
        """The fixed-position form of MARC 21 010 $a ("   85153773 ", "  2001045944")."""
        if len(self.year) == 2:
            return f"{self.prefix:<3}{self.year}{self.serial} "
        return f"{self.prefix:<2}{self.year}{self.serial}"


def parse_lccn(value: str) -> Lccn | None:
    """The parts of an LCCN written in any usual way ("85-153773", "ms89-1579",
    "2001045944", "   85153773 "), or None when the value is no LCCN.

    Blanks are removed, a revision after "/" is dropped, and a serial written after a
    hyphen is padded to six digits, as LC's normalisation says. A four-digit year before
    2001 is refused (that form began in 2001), as is a prefix of three letters on a number
    from 2001 on (two positions remain for it then).
    """
    text = "".join(value.split()).lower().split("/", 1)[0]
    if "-" in text:
        head, _, serial = text.partition("-")
        if not serial.isdigit() or len(serial) > 6 or "-" in serial:
            return None
        text = head + serial.zfill(6)
    match = _LCCN_RE.match(text)
    if match is None:
        return None
    prefix, year, serial = match.groups()
    if len(year) == 4 and (int(year) < 2001 or len(prefix) > 2):
        return None
    return Lccn(prefix, year, serial)


def normalize_lccn(value: str) -> str | None:
    """The normalised LCCN ("85153773", "2001045944", "ms89001579"), or None."""
    parsed = parse_lccn(value)
    return None if parsed is None else parsed.key


def lccn_010a(value: str) -> str | None:
    """The LCCN as MARC 21 010 $a holds it ("   85153773 "), or None when not an LCCN."""
    parsed = parse_lccn(value)
    return None if parsed is None else parsed.marc_010a


# -- System control numbers (035, 001/003) and OCLC numbers ------------------------------
#
# A 035 $a is "(org code)number". The org code is a MARC Organization Code: (OCoLC) is
# OCLC, (DLC) the Library of Congress, a vendor has its own ((WaSeSS), (EBZ)). OCLC numbers
# are also written with OCLC's own prefixes: "ocm" + 8 digits, "ocn" + 9 digits, "on" + 10
# or more, zero-padded, bare (the 001 of an OCLC record, with 003 OCoLC) or inside
# "(OCoLC)". Leading zeros are not significant, so every form of one OCLC number gives
# the key ("OCoLC", "12345"). A number under any other org code is that organisation's
# own and is kept as written (spaces removed): its zeros may be significant, and the same
# digits under two codes are two different numbers.

OCLC_ORG = "OCoLC"
# Problems that leave a usable key beside them; any other problem means no key.
SYSTEM_NUMBER_SOFT_PROBLEMS: frozenset[str] = frozenset(
    {"prefix-case", "prefix-length", "trailing-text"}
)
_ORG_RE = re.compile(r"\s*\(([^()]*)\)\s*(.*)", re.DOTALL)
_OCLC_BODY_RE = re.compile(r"(ocm|ocn|on)?\s*([0-9]+)(.*)", re.IGNORECASE | re.DOTALL)
_OCLC_DIGITS = {"ocm": range(8, 9), "ocn": range(9, 10), "on": range(10, 100)}


class SystemNumber(NamedTuple):
    """What a 035 $a (or 001 with its 003) holds: whose number it is, and the number.

    ``org`` is "OCoLC" for every OCLC form, else the organisation code as written;
    ``number`` is the OCLC number without leading zeros, or another organisation's number
    with spaces removed. ``key`` is what matching compares; None when the value gives no
    usable number (a bare number whose owner is unknown, no digits after (OCoLC) ...).
    """

    raw: str
    org: str | None
    number: str | None
    problems: tuple[str, ...] = ()
    oclc_prefix: str | None = None  # "ocm", "ocn", "on" as written, lower-cased

    @property
    def is_oclc(self) -> bool:
        return self.org == OCLC_ORG

    @property
    def key(self) -> tuple[str, str] | None:
        if self.org is None or self.number is None:
            return None
        if any(p not in SYSTEM_NUMBER_SOFT_PROBLEMS for p in self.problems):
            return None
        return (self.org, self.number)


def parse_system_number(value: str) -> SystemNumber:
    """Read a system control number as written in 035 $a (or $z).

    "(OCoLC)ocm00012345", "(OCoLC)12345", "ocm00012345" and "on0000012345" all give
    ("OCoLC", "12345"); "(DLC)  2001012345" gives ("DLC", "2001012345"); a bare
    "12345" gives no key ("no-org-code": whose number it is cannot be told).
    """
    if not value.strip():
        return SystemNumber(value, None, None, ("empty",))
    m = _ORG_RE.fullmatch(value)
    if m is None:
        if "(" in value or ")" in value:
            return SystemNumber(value, None, None, ("bad-org-code",))
        body = _oclc_body(value.strip(), bare=True)
        if body is not None:
            return SystemNumber(value, OCLC_ORG, *body)
        problem = "no-org-code" if value.strip().isdigit() else "not-a-number"
        return SystemNumber(value, None, None, (problem,))
    org, rest = m[1].strip(), m[2].strip()
    if not org:
        return SystemNumber(value, None, None, ("bad-org-code",))
    if org.casefold() == OCLC_ORG.casefold():
        body = _oclc_body(rest, bare=False)
        if body is None:
            return SystemNumber(value, OCLC_ORG, None, ("empty" if not rest else "not-a-number",))
        number, problems, prefix = body
        if org != OCLC_ORG:
            problems = ("prefix-case", *problems)
        return SystemNumber(value, OCLC_ORG, number, problems, prefix)
    number = "".join(rest.split())
    if not number:
        return SystemNumber(value, org, None, ("empty",))
    return SystemNumber(value, org, number)


def _oclc_body(text: str, *, bare: bool) -> tuple[str, tuple[str, ...], str | None] | None:
    """(number, problems, prefix) of an OCLC number written with or without ocm/ocn/on.

    Bare (no "(OCoLC)"), only OCLC's own prefixes say the number is OCLC's.
    """
    m = _OCLC_BODY_RE.fullmatch(text)
    if m is None or (bare and m[1] is None):
        return None
    prefix = m[1].lower() if m[1] else None
    digits, after = m[2], m[3].strip()
    number = digits.lstrip("0")
    if not number:
        return None  # all zeros: no OCLC number is 0
    problems: list[str] = []
    if prefix is not None and len(digits) not in _OCLC_DIGITS[prefix]:
        problems.append("prefix-length")
    if after:
        problems.append("trailing-text")
    return number, tuple(problems), prefix


def system_number_key(value: str) -> tuple[str, str] | None:
    """The matching key of a 035 $a value, e.g. ("OCoLC", "12345"); None if unusable."""
    return parse_system_number(value).key


def oclc_number(value: str) -> str | None:
    """The OCLC number (digits, no leading zeros) a value denotes, else None."""
    parsed = parse_system_number(value)
    return parsed.number if parsed.is_oclc and parsed.key is not None else None


def control_number_key(control_number: str | None, org_code: str | None) -> SystemNumber | None:
    """The system number a record's 001 denotes, given its 003.

    With 003 OCoLC the 001 is an OCLC number (ocm/ocn/on and zeros allowed); a 001 in
    OCLC's own prefixed form without 003 is one too; with another 003 the 001 is that
    organisation's number. A 001 without 003 and without an OCLC prefix names nobody:
    None.
    """
    number = (control_number or "").strip()
    org = (org_code or "").strip()
    if not number:
        return None
    if org.casefold() == OCLC_ORG.casefold() or (not org and number[:1].lower() == "o"):
        body = _oclc_body(number, bare=not org)
        if body is None:
            if not org:
                return None
            return SystemNumber(number, OCLC_ORG, None, ("not-a-number",))
        digits, problems, prefix = body
        return SystemNumber(number, OCLC_ORG, digits, problems, prefix)
    if not org:
        return None
    return SystemNumber(number, org, "".join(number.split()))


def oclc_035(number: str) -> str:
    """The 035 $a form OCLC recommends for an OCLC number: "(OCoLC)" + the digits."""
    return f"({OCLC_ORG}){number.lstrip('0') or number}"
