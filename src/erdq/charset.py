"""What MARC bytes and text really are: encoding evidence, MARC-8 decoding with its
complaints kept, and the text faults of any format (mojibake, controls, normal form).

Leader/09 only *claims* an encoding. The evidence decides: valid multi-byte UTF-8 is
UTF-8 whatever the leader says; escape sequences or ANSEL diacritics before their base
letter are MARC-8; anything else with high bytes is a single-byte code page, named by
charset-normalizer. The readers decode with the evidence and report the disagreement.
"""

from __future__ import annotations

import io
import re
import unicodedata
from contextlib import redirect_stderr
from functools import lru_cache

import ftfy
from ftfy.badness import is_bad
from pymarc import marc8_mapping
from pymarc.marc8 import MARC8ToUnicode

ASCII = "ascii"
UTF8 = "utf-8"
UTF8_INVALID = "utf-8-invalid"  # mostly UTF-8, with byte sequences that are not
MARC8 = "marc-8"
OTHER = "8-bit"  # high bytes that are neither UTF-8 nor plausible MARC-8

_ANSEL = marc8_mapping.CODESETS[0x45]  # the default G1 set (extended Latin)
_ANSEL_DEFINED = frozenset(_ANSEL)
_ANSEL_COMBINING = frozenset(code for code, (_, combining) in _ANSEL.items() if combining)
_MARC8_CONTROLS = frozenset({0x88, 0x89, 0x8D, 0x8E})  # NSB, NSE, ZWJ, ZWNJ
_BREAKS = frozenset(b" \x1d\x1e\x1f.,;:/)]-")  # a diacritic never sits on these


def sniff(data: bytes) -> str:
    """Classify the field bytes of one record (no leader, no directory)."""
    if data.isascii():
        return MARC8 if b"\x1b" in data else ASCII
    if b"\x1b" in data:
        return MARC8  # an escape sequence is never part of UTF-8 or code-page text
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return UTF8
    # Multi-byte UTF-8 sequences hardly ever occur by chance in MARC-8 or a code page: when
    # they outnumber the bytes that fail, this is UTF-8 with some damage.
    text = data.decode("utf-8", errors="surrogateescape")
    invalid = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    valid = sum(1 for c in text if c > "\x7f") - invalid
    if valid and valid >= invalid:
        return UTF8_INVALID
    return MARC8 if plausible_marc8(data) else OTHER


def plausible_marc8(data: bytes) -> bool:
    """Whether the high bytes read as MARC-8: all of them ANSEL characters, and diacritics
    mostly followed by a base letter.

    MARC-8 writes a combining mark *before* its letter. Windows-1252 French or Spanish
    has its accented letters (the same byte values) at word ends, before a space or
    punctuation; a MARC-8 record has that only as an occasional keying error.
    """
    end = len(data)
    combining = misplaced = 0
    for i, b in enumerate(data):
        if b < 0x80 or b in _MARC8_CONTROLS:
            continue
        if b not in _ANSEL_DEFINED:
            return False
        if b in _ANSEL_COMBINING:
            combining += 1
            if i + 1 == end or data[i + 1] in _BREAKS:
                misplaced += 1
    return combining < 3 or misplaced * 4 <= combining


# Code pages seen in library data; charset-normalizer chooses among them only.
_CODE_PAGES = ["cp1251", "cp1252", "cp1250", "iso8859_5", "koi8_r", "cp866", "iso8859_2"]


def guess_code_page(samples: list[bytes]) -> str | None:
    """The single-byte code page the non-ASCII values are most likely in, or None."""
    from charset_normalizer import from_bytes

    sample = b" ".join(samples)[:4096]
    if not sample:
        return None
    best = from_bytes(sample, cp_isolation=_CODE_PAGES).best()
    return best.encoding if best is not None else None


def code_page_label(codec: str) -> str:
    """A name library staff know: cp1251 → Windows-1251."""
    if codec.startswith("cp125"):
        return f"Windows-{codec[2:]}"
    return {"iso8859_5": "ISO-8859-5", "iso8859_2": "ISO-8859-2", "koi8_r": "KOI8-R"}.get(
        codec, codec.upper()
    )


_PYMARC_COMPLAINT = re.compile(r"Unable to parse character 0x([0-9a-f]+) in g0=(\d+)")
_MULTIBYTE = 0x31  # EACC, the one multi-byte MARC-8 set
_TRAILING_ESCAPE = re.compile(rb"\x1b[\x21-\x2f]*[\x30-\x7e]?$")


# Escape sequences MARC-8 defines: technique 1 (ESC g/b/p/s) and technique 2 designations
# of a G0 or G1 set, single-byte or (with $) the multi-byte EACC.
ESCAPE_RE = _ESCAPE_OK = re.compile(rb"\x1b(?:[gbps]|[(,)\-]!?[BE234NQS]|\$[(,)\-]?1|\$1)")


def _bad_escapes(data: bytes) -> list[str]:
    out = []
    start = 0
    while (index := data.find(b"\x1b", start)) != -1:
        if _ESCAPE_OK.match(data, index) is None:
            shown = data[index + 1 : index + 3].decode("latin-1")
            out.append(f"invalid escape sequence ESC {shown!r}")
        start = index + 1
    return out


def _lone_diacritics(data: bytes) -> list[str]:
    """Diacritics (in the default G1 set) that stand before a space or punctuation."""
    out = []
    for i, b in enumerate(data):
        if b in _ANSEL_COMBINING and (i + 1 == len(data) or data[i + 1] in _BREAKS):
            after = "the end" if i + 1 == len(data) else repr(chr(data[i + 1]))
            out.append(f"the diacritic 0x{b:X} stands before {after}, not before a letter")
    return out


# MARC-8's lossless technique writes a character it lacks as a numeric character reference.
_REFERENCE = re.compile(r"&#x([0-9A-Fa-f]{1,6});")
_BROKEN_REFERENCE = re.compile(r"&#x[0-9A-Fa-f]*(?![0-9A-Fa-f;])[^;\s]{0,4};?")


def _references(text: str, problems: list[str]) -> str:
    broken = _BROKEN_REFERENCE.findall(text)
    if broken:
        problems.append(
            f"{len(broken)} malformed character reference(s) such as {broken[0]!r} "
            "(MARC-8 writes characters it lacks as &#xXXXX;)"
        )
    return _REFERENCE.sub(lambda m: chr(int(m.group(1), 16)), text)


def marc8_decode(data: bytes) -> tuple[str, list[str]]:
    """Decode MARC-8 with pymarc's converter; returns (text, problems).

    pymarc prints what it cannot map on stderr and raises on a cut escape sequence; both
    are kept here as problem descriptions. A space in a non-Latin G0 set is a space, which
    pymarc's tables omit: that complaint is dropped.
    """
    if data.isascii() and b"\x1b" not in data:
        text = data.decode("ascii")
        if "&#" not in text:
            return text, []
        problems: list[str] = []
        return _references(text, problems), problems
    problems = _bad_escapes(data) if b"\x1b" in data else _lone_diacritics(data)
    err = io.StringIO()
    with redirect_stderr(err):
        try:
            text = MARC8ToUnicode(quiet=False).translate(data)
        except (TypeError, IndexError, ValueError, KeyError) as exc:
            problems.append(f"broken escape sequence ({type(exc).__name__})")
            cut = _TRAILING_ESCAPE.sub(b"", data)
            try:
                text = MARC8ToUnicode(quiet=True).translate(cut)
            except (TypeError, IndexError, ValueError, KeyError):
                text = MARC8ToUnicode(quiet=True).translate(data.replace(b"\x1b", b""))
    if "&#" in text:
        text = _references(text, problems)
    for line in err.getvalue().splitlines():
        match = _PYMARC_COMPLAINT.search(line)
        if match:
            code, g0 = int(match.group(1), 16), int(match.group(2))
            if code == 0x20 and g0 != _MULTIBYTE:
                continue
            problems.append(f"no character for 0x{code:x} in the set escaped to (0x{g0:02x})")
        elif line.startswith("Multi-byte position"):
            problems.append("a CJK (EACC) character is cut short: its 3-byte groups are misaligned")
        elif line.strip():
            problems.append(line.strip())
    return text, problems


# -- text faults, for every format ----------------------------------------------------

# C0 and C1 controls, DEL. U+0098/U+009C are MARC 21's non-sorting markers: allowed.
CONTROL_RE = re.compile(r"[\x00-\x1c\x7f\x80-\x97\x99-\x9b\x9d-\x9f]")
DELIMITER_RE = re.compile(r"[\x1d\x1e\x1f]")
# UTF-8 read as Windows-1252 or Latin-1: a lead letter (Â…ô) then a continuation character.
_CONTINUATION = "".join(
    sorted(
        {bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xC0)}
        | {chr(b) for b in range(0x80, 0xC0)}
    )
)
MOJIBAKE_HINT_RE = re.compile(f"[\u00c2-\u00f4][{re.escape(_CONTINUATION)}]")
_FIX_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,
    normalization=None,
    max_decode_length=1 << 20,
)


@lru_cache(maxsize=16384)
def mojibake_fix(value: str) -> str | None:
    """The repaired text when ftfy is confident ``value`` is double-encoded, else None.

    Confident means: the text looks bad, ftfy's repair re-decodes bytes (not merely a
    cosmetic change), and the result no longer looks bad.
    """
    if not MOJIBAKE_HINT_RE.search(value) or not is_bad(value):
        return None
    fixed, steps = ftfy.fix_and_explain(value, _FIX_CONFIG)
    if fixed == value or is_bad(fixed):
        return None
    if not any(step.action in ("encode", "decode", "transcode") for step in steps or ()):
        return None
    return fixed


def is_nfc(value: str) -> bool:
    return value.isascii() or unicodedata.is_normalized("NFC", value)


def control_names(value: str) -> str:
    """``U+0014 U+007F`` for the control characters in ``value``."""
    return " ".join(f"U+{ord(c):04X}" for c in sorted(set(CONTROL_RE.findall(value))))
