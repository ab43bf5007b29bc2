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
    """Whether the high bytes read as MARC-8: all of them ANSEL characters, and the
    diacritics placed as MARC-8 places them.

    MARC-8 writes a combining mark *before* its base letter, and the bytes of its
    diacritics (0xE0-0xFE) are those of the accented small letters of Latin-1 and
    Windows-1252 (0xE9 is a caron in MARC-8, é in Latin-1). Latin-1 text read as MARC-8
    leaves evidence (``_against_marc8``): a "diacritic" at the end of a word, a second
    half of a ligature or double tilde with no first half, the same mark twice on one
    letter, a letter and mark that make no letter of any language. A MARC-8 record has
    such a thing only as an occasional keying error, so the bytes read as MARC-8 unless
    the evidence adds up to a whole fault (one misplaced mark, or two odd letters) and to
    more than a quarter of the diacritics.
    """
    if b"\x1b" in data:
        return True  # an escape sequence: MARC-8, whatever else is wrong with it
    for b in data:
        if b >= 0x80 and b not in _ANSEL_DEFINED and b not in _MARC8_CONTROLS:
            return False
    runs, against = _against_marc8(data)
    return against < 1 or against * 4 <= max(runs, 1)


# Marks that combine with no Latin letter into a precomposed one; a MARC-8 record uses
# them in romanisation (candrabindu, underscores, ligature and double-tilde halves), so
# a letter that carries one says nothing either way.
_NEUTRAL = frozenset(
    code
    for code in _ANSEL_COMBINING
    if not any(
        len(unicodedata.normalize("NFC", letter + chr(_ANSEL[code][0]))) == 1
        for letter in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    )
)
_FIRST_HALF = {0xEC: 0xEB, 0xFB: 0xFA}  # ligature and double tilde: second → first half
_CARON = 0xE9  # Latin-1 é; a caron on a, i, o or u is pinyin tone marking, rare in records
_LETTER = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Spacing ANSEL letters a diacritic may sit on (Ł Ø Đ Þ Æ Œ Ơ Ư ł ø đ þ æ œ ı ð ơ ư).
_ANSEL_LETTERS = frozenset(
    code for code, (char, combining) in _ANSEL.items() if not combining and chr(char).isalpha()
)


# Spacing ANSEL symbols whose bytes are Latin-1 letters or signs: ♭ ® ± £ ° ℓ ℗ © ♯ ¿ ¡ €
# (Latin-1 © ª « ¹ À Á Â Ã Ä Å Æ È).
_ANSEL_SYMBOLS = frozenset(
    code
    for code, (char, combining) in _ANSEL.items()
    if code >= 0xA0 and not combining and not chr(char).isalpha() and chr(char) not in "ʹʺʼʻ·"
)
_DEGREE = 0xC0  # Latin-1 À
_DIGITS = frozenset(b"0123456789")


def _odd_symbol(data: bytes, i: int) -> float:
    """1/2 for a MARC-8 symbol where a letter of Latin-1 stands: before a small letter
    (Latin-1 Åsa read as ¿sa), or a degree sign not after a number (À la read as ° la)."""
    after = data[i + 1] if i + 1 < len(data) else None
    if after is not None and 0x61 <= after <= 0x7A:
        return 0.5
    if data[i] == _DEGREE and (i == 0 or data[i - 1] not in _DIGITS):
        return 0.5
    return 0.0


_APOSTROPHES = frozenset((0xE1, 0xE2))  # grave, acute: Latin-1 á, â
_CONTRACTIONS = (b"s", b"t", b"d", b"m", b"ll", b"re", b"ve")


def _apostrophe(data: bytes, start: int, stop: int) -> bool:
    """Whether the diacritic run ``data[start:stop]`` is an apostrophe keyed as a MARC-8
    grave or acute (a common cataloguing habit): one mark after a letter, then the end of
    the word or an English contraction ending (It's, can't, you're, I'll)."""
    if stop - start != 1 or data[start] not in _APOSTROPHES:
        return False
    if start == 0 or data[start - 1] not in _LETTER:
        return False
    if stop == len(data) or data[stop] not in _LETTER:
        return True
    for ending in _CONTRACTIONS:
        after = stop + len(ending)
        if data.startswith(ending, stop) and (after == len(data) or data[after] not in _LETTER):
            return True
    return False


def _against_marc8(data: bytes) -> tuple[int, float]:
    """(diacritic runs, evidence that the bytes are not MARC-8): 1 for a fault MARC-8
    cannot have where it stands, 1/2 for an odd letter."""
    end = len(data)
    runs = 0
    against = symbols = 0.0
    i = 0
    while i < end:
        if data[i] not in _ANSEL_COMBINING:
            if data[i] in _ANSEL_SYMBOLS:
                symbols += _odd_symbol(data, i)
            i += 1
            continue
        start = i
        while i < end and data[i] in _ANSEL_COMBINING:
            i += 1
        runs += 1
        marks = data[start:i]
        base = data[i] if i < end else None
        if _apostrophe(data, start, i):
            continue  # a grave or acute keyed as an apostrophe: It's, can't, livin'
        if base is None or (base not in _LETTER and base not in _ANSEL_LETTERS):
            if base not in _DIGITS and not data.startswith(b"&#", i):
                against += 1  # a diacritic before a space, punctuation or the end
            continue  # before a digit or a character reference (&#x...;) it is neutral
        if len(set(marks)) < len(marks):
            against += 1  # the same mark twice on one letter (Latin-1 "éé" in créée)
            continue
        if any(
            half in _FIRST_HALF and _FIRST_HALF[half] not in data[max(0, start - 3) : start]
            for half in marks
        ):
            against += 1  # a second half with no first half just before it
            continue
        if base not in _LETTER:
            continue
        composing = [m for m in marks if m not in _NEUTRAL]
        if not composing:
            continue
        text = chr(base) + "".join(chr(_ANSEL[m][0]) for m in composing)
        if len(unicodedata.normalize("NFC", text)) > 1:
            # No precomposed letter: m̈, v̈, n̨̤ (Latin-1 è, ñó read as MARC-8); worse
            # when two marks pile up on one letter and still make none.
            against += 1 if len(composing) > 1 else 0.5
        elif marks == bytes([_CARON]) and base in b"aiouAIOU":
            against += 0.5
    # An odd symbol (¿sa, ° la) counts only beside diacritics: alone it is one more
    # symbol in a record that has no accented letter to betray it.
    return runs, against + (symbols if runs else 0.0)


# Code pages seen in library data; charset-normalizer chooses among them only.
_CODE_PAGES = ["cp1251", "cp1252", "cp1250", "iso8859_5", "koi8_r", "cp866", "iso8859_2"]


# Central European pages that charset-normalizer ranks level with Windows-1252 whenever
# the accented letters are ones both have (é, á, ü, ç...): it then names the first.
_CENTRAL = frozenset({"cp1250", "iso8859_2"})
_WESTERN = "cp1252"


def guess_code_page(samples: list[bytes]) -> str | None:
    """The single-byte code page the non-ASCII values are most likely in, or None.

    Always a likelihood. Between Windows-1252 and a Central European page short text
    often cannot tell (``Na\\xefve`` is Naïve in one, Naďve in the other), and
    charset-normalizer then ranks them level. Windows-1252, the page of most vendor
    exports, wins such a tie when each byte the two pages read differently is a letter
    in Windows-1252; a byte that is a letter only in the Central European page (Polish
    ł, ą, ż, Czech ť) keeps that page.
    """
    from charset_normalizer import from_bytes

    sample = b" ".join(samples)[:4096]
    if not sample:
        return None
    matches = from_bytes(sample, cp_isolation=_CODE_PAGES)
    best = matches.best()
    if best is None:
        return None
    if best.encoding in _CENTRAL:
        return _central_or_western(matches, best, sample)
    return best.encoding


def _central_or_western(matches, best, sample: bytes) -> str:
    """Break charset-normalizer's tie between Windows-1252 and the Central European
    pages (it lists a page whose text is the same as the best one's under the best)."""
    tied = [
        m.encoding for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence
    ] + list(best.could_be_from_charset)
    if _WESTERN not in tied:
        return best.encoding  # charset-normalizer did tell them apart
    high = [bytes([b]) for b in sorted(set(sample)) if b >= 0x80]
    western = [one.decode(_WESTERN, errors="replace") for one in high]
    best_page, best_gain = _WESTERN, 0
    for page in dict.fromkeys(p for p in tied if p in _CENTRAL):
        # Letters this page reads where Windows-1252 has a symbol or no character.
        gain = sum(
            1
            for one, here in zip(high, western, strict=True)
            if not here.isalpha() and one.decode(page, errors="replace").isalpha()
        )
        if gain > best_gain:
            best_page, best_gain = page, gain
    return best_page


_LABELS = {
    "iso8859_5": "ISO-8859-5",
    "iso8859_2": "ISO-8859-2",
    "koi8_r": "KOI8-R",
    "gb18030": "GB 18030",
    "big5": "Big5",
    "shift_jis": "Shift JIS",
    "euc_kr": "EUC-KR",
}


def code_page_label(codec: str) -> str:
    """A name library staff know: cp1251 → Windows-1251, gb18030 → GB 18030."""
    if codec.startswith("cp125"):
        return f"Windows-{codec[2:]}"
    return _LABELS.get(codec, codec.upper())


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
    if not any(_redecodes(step) for step in steps or ()):
        return None
    return fixed


# East Asian code pages whose text, read as Windows-1252, turns into Latin-1 letters
# ("红楼梦" saved as GB 18030: "ºìÂ¥ÃÎ"); ftfy repairs UTF-8 read so, not these.
CJK_CODE_PAGES = ("gb18030", "big5", "shift_jis", "euc_kr")
# The language codes (008/35-37) whose code page is tried first.
_CODE_PAGE_BY_LANGUAGE = {"chi": "gb18030", "jpn": "shift_jis", "kor": "euc_kr"}
# The part of each code page that everyday text is written in, by its lead byte: the
# level-1 hanzi of GB 2312, Big5's frequently used characters, Shift JIS kana and level-1
# kanji, KS X 1001 Hangul; with each one's punctuation row. Western text read back in
# one of them (Þj → a GBK character) lands there about one time in six, real text nearly
# always: the test that keeps "Þjóðhátíð" from being taken for Chinese.
_COMMON_LEADS = {
    "gb18030": ("gb2312", frozenset({0xA1, 0xA3, *range(0xB0, 0xD8)})),
    "big5": ("big5", frozenset({0xA1, *range(0xA4, 0xC7)})),
    "shift_jis": ("shift_jis", frozenset({0x81, 0x82, 0x83, *range(0x88, 0x99)})),
    "euc_kr": ("euc_kr", frozenset({0xA1, *range(0xB0, 0xC9)})),
}
_COMMON_SHARE = 0.8


def _common_share(text: str, codec: str) -> float:
    charset, leads = _COMMON_LEADS[codec]
    wide = [c for c in text if ord(c) > 0x7F]
    common = 0
    for char in wide:
        try:
            data = char.encode(charset)
        except UnicodeEncodeError:
            continue
        common += len(data) == 2 and data[0] in leads
    return common / len(wide) if wide else 0.0


def everyday_readings(data: bytes) -> list[tuple[str, str]]:
    """(code page, text) for each of ``CJK_CODE_PAGES`` in which ``data`` reads without
    error as the code page's everyday characters (``_COMMON_LEADS``: four in five at
    least), the most everyday reading first, in the order of ``CJK_CODE_PAGES`` on a tie.
    Short texts often read so in two (Korean bytes are everyday Chinese ones too)."""
    found: list[tuple[float, int, str, str]] = []
    for rank, codec in enumerate(CJK_CODE_PAGES):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        share = _common_share(text, codec)
        if share >= _COMMON_SHARE:
            found.append((-share, rank, codec, text))
    return [(codec, text) for _, _, codec, text in sorted(found)]


@lru_cache(maxsize=16384)
def cjk_mojibake(value: str, language: str = "") -> tuple[str, str] | None:
    """(text, code page) when ``value`` is East Asian text in a Windows code page that
    was read as Windows-1252: its characters are Windows-1252 ones (four non-ASCII at
    least) whose bytes read as everyday characters in one of ``CJK_CODE_PAGES``
    (``everyday_readings``). Of several readings, the record's ``language`` picks its
    own code page, else the most everyday one."""
    if value.isascii() or sum(1 for c in value if ord(c) > 0x7F) < 4:
        return None
    try:
        data = value.encode("cp1252")
    except UnicodeEncodeError:
        return None  # a character Windows-1252 has no byte for: not read that way
    readings = everyday_readings(data)
    if not readings:
        return None
    own = _CODE_PAGE_BY_LANGUAGE.get(language)
    codec, text = next((r for r in readings if r[0] == own), readings[0])
    return text, codec


def _redecodes(step) -> bool:
    """Whether an ftfy step re-decodes bytes: the whole text (encode, decode, transcode),
    or the double-encoded stretches of a text that is partly right ("Straße CafÃ©": the
    fixer ``decode_inconsistent_utf8``)."""
    return step.action in ("encode", "decode", "transcode") or (
        step.action == "apply" and step.parameter == "decode_inconsistent_utf8"
    )


def is_nfc(value: str) -> bool:
    return value.isascii() or unicodedata.is_normalized("NFC", value)


def _replaced_alone(char: str) -> bool:
    """Whether NFC replaces ``char`` whatever stands around it: a singleton mapping
    (U+212B ANGSTROM SIGN → Å, U+2126 OHM SIGN → Ω, the CJK compatibility ideographs
    U+F900-FAFF) or a composition exclusion (Hebrew presentation forms, Devanagari
    nukta letters), which NFC decomposes."""
    return not char.isascii() and not unicodedata.is_normalized("NFC", char)


def compose_marks(value: str) -> str:
    """``value`` with each letter and its combining marks composed as NFC composes them
    (``e`` + U+0301 → ``é``, the marks in canonical order), and nothing else changed:
    characters NFC would replace on their own (``_replaced_alone``) stay as written, since
    records use them deliberately (compatibility ideographs in Korean and Japanese)."""
    if is_nfc(value):
        return value
    out: list[str] = []
    start = 0
    for i, char in enumerate(value):
        if _replaced_alone(char):
            out.append(unicodedata.normalize("NFC", value[start:i]))
            out.append(char)
            start = i + 1
    out.append(unicodedata.normalize("NFC", value[start:]))
    return "".join(out)


def singletons(value: str) -> list[str]:
    """The distinct characters of ``value`` NFC would replace on their own, in order."""
    if is_nfc(value):
        return []
    return list(dict.fromkeys(c for c in value if _replaced_alone(c)))


def describe_singleton(char: str) -> str:
    """``U+212B ANGSTROM SIGN → U+00C5``: the character and what NFC makes of it."""
    nfc = " ".join(f"U+{ord(c):04X}" for c in unicodedata.normalize("NFC", char))
    return f"U+{ord(char):04X} {unicodedata.name(char, '?')} → {nfc}"


def control_names(value: str) -> str:
    """``U+0014 U+007F`` for the control characters in ``value``."""
    return " ".join(f"U+{ord(c):04X}" for c in sorted(set(CONTROL_RE.findall(value))))
