"""The numbers in a title — volume and part numbers, ordinals, years — for telling apart
titles that differ only in them ("Handbook of chemistry. Volume 1" and "... Volume 2",
"the 21st Conference" and "the 12th"), which string similarity scores as near equal.

Digits count wherever they stand ("21st", "v.3", "2019"); ordinal words ("twenty-first")
too; Roman numerals and number words only after a word that introduces a number (volume,
part, edition, ...), so that "Henry V" or "One Hundred Years" are not read as numbers.
"""

from __future__ import annotations

import re

from erdq.model.portfolio import normalise_title

_ORDINAL_WORDS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]
_ORDINALS = {word: str(n) for n, word in enumerate(_ORDINAL_WORDS, start=1)}
_TENS = {
    word: 10 * n
    for n, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2
    )
}
_ORDINALS.update(
    {
        word: str(10 * n)
        for n, word in enumerate(
            [
                "thirtieth",
                "fortieth",
                "fiftieth",
                "sixtieth",
                "seventieth",
                "eightieth",
                "ninetieth",
            ],
            3,
        )
    }
)
_CARDINALS = {
    word: str(n)
    for n, word in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ],
        start=1,
    )
}
# Words after which a roman numeral or a number word is a volume, part or edition number
# ("Volume II", "part one", "Band 3"): alone, "I" and "V" are words or names.
_NUMBER_MARKERS = frozenset(
    [
        "volume",
        "volumes",
        "vol",
        "vols",
        "v",
        "part",
        "parts",
        "pt",
        "pts",
        "book",
        "bk",
        "band",
        "bd",
        "teil",
        "tome",
        "tomo",
        "t",
        "livre",
        "deel",
        "parte",
        "section",
        "sect",
        "series",
        "ser",
        "no",
        "number",
        "edition",
        "ed",
        "issue",
        "supplement",
        "suppl",
    ]
)
_ROMAN_RE = re.compile(r"^(?=[mdclxvi]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_DIGITS_RE = re.compile(r"[0-9]+")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _roman(word: str) -> int:
    total = 0
    for char, after in zip(word, [*word[1:], ""], strict=True):
        value = _ROMAN_VALUES[char]
        total += -value if after and _ROMAN_VALUES[after] > value else value
    return total


def title_numbers(text: str | None) -> frozenset[str]:
    """The numbers a title (or a volume or edition statement) states, as plain digits:
    digits (leading zeros dropped; "21st", "2nd", "v.3", a year), ordinal words ("third",
    "twentieth", "twenty-first") and, after a volume, part or edition word, roman
    numerals and number words ("Volume II", "part one"). ``text`` is normalised first
    (``normalise_title``)."""
    if not text:
        return frozenset()
    words = normalise_title(text).split()
    out: set[str] = set()
    after_tens = False
    for i, word in enumerate(words):
        for digits in _DIGITS_RE.findall(word):
            out.add(str(int(digits)))
        if after_tens:  # "twenty-first": 21, already counted
            after_tens = False
            continue
        unit = int(_ORDINALS.get(words[i + 1], "0")) if i + 1 < len(words) else 0
        if word in _TENS and 0 < unit < 10:
            out.add(str(_TENS[word] + unit))
            after_tens = True
        elif word in _ORDINALS:
            out.add(_ORDINALS[word])
        elif i and words[i - 1] in _NUMBER_MARKERS:
            if word in _CARDINALS:
                out.add(_CARDINALS[word])
            elif _ROMAN_RE.match(word):
                out.add(str(_roman(word)))
    return frozenset(out)
