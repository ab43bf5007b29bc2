"""The fields a provider-neutral e-book record gets in place of the print record's.

Every value here follows the PCC *Provider-Neutral E-Monograph MARC Record Guide*
(P-N/RDA version; "PN" below) and the MARC 21 Format for Bibliographic Data ("MARC").
The builders are pure: they read print fields and return new ``pymarc.Field``s.
"""

from __future__ import annotations

import re

from pymarc import Field, Indicators, Subfield

from erdq.identifiers import isbn13

# MARC 006 for the electronic aspect of a text (PN "006"): 006/00 m computer file,
# 006/06 form of item o (online), 006/09 type of computer file d (document). 006/05
# (target audience) and 006/11 (government publication) are defined as in 008 for
# books (008/22, 008/28), so they are copied from the print 008 rather than guessed.
BLANK_006 = "m     o  d        "
# MARC 007 for an electronic resource: 00 c, 01 r (remote) are what PN requires; 03
# colour is unknown from a print record (| no attempt to code); 04 dimensions n (not
# applicable: MARC names remote resources as the case for n); 05-13 | (not coded: file
# formats, bit depth and quality cannot be read off a print record).
ONLINE_007 = "cr |n|||||||||"
CONTENT_TEXT = (("a", "text"), ("b", "txt"), ("2", "rdacontent"))
MEDIA_COMPUTER = (("a", "computer"), ("b", "c"), ("2", "rdamedia"))
CARRIER_ONLINE = (("a", "online resource"), ("b", "cr"), ("2", "rdacarrier"))
FILE_TYPE_TEXT = (("a", "text file"), ("2", "rdaft"))  # 347, RDA 3.19.2 file type
SOURCE_NOTE = "Description based on print version record"  # PN "588"

# A qualifier that says the ISBN is of an electronic version ("(ePub ebook)", "PDF").
_ONLINE_QUALIFIER = re.compile(
    r"\b(e-?books?|ebk|electronic|online|e-?pub|pdf|mobi|kindle|digital|e-?isbn|"
    r"web)\b",
    re.IGNORECASE,
)
# An ISBN-like number at the start of $a/$z, and the rest (an AACR2-style qualifier).
_NUMBER = re.compile(r"^\s*([0-9Xx][0-9Xx\- ]{8,16}[0-9Xx])\s*(.*?)\s*$")
_TRAILING = re.compile(r"[\s/:;,=+]+$")
_ONE_VOLUME = re.compile(r"^1\s+v(?:ol(?:ume)?)?\.?\s*\((.*)\)$", re.IGNORECASE)


def sub(*pairs: tuple[str, str]) -> list[Subfield]:
    return [Subfield(code, value) for code, value in pairs]


def data_field(tag: str, ind: str, *pairs: tuple[str, str]) -> Field:
    return Field(tag, Indicators(ind[0], ind[1]), sub(*pairs))


def strip_isbd(value: str) -> str:
    """A value without the ISBD punctuation that ends it (" :", " /", " ;", ",")."""
    return _TRAILING.sub("", value.strip())


def with_period(value: str) -> str:
    """``value`` ending with a full stop, unless it ends in one, "-", "?" or "!"."""
    value = value.rstrip()
    return value if not value or value[-1] in ".-?!" else value + "."


def code_006(print_008: str) -> str:
    """The 006 of the online text, target audience and government publication copied
    from the print record's 008 (BK 008/22 and 008/28 = 006/05 and 006/11 in MARC)."""
    chars = list(BLANK_006)
    if len(print_008) >= 29:
        chars[5] = print_008[22]
        chars[11] = print_008[28]
    return "".join(chars)


# -- ISBNs ---------------------------------------------------------------------------


class Isbn:
    """One ISBN as a print record gives it: the number, its qualifiers (from $q, or the
    text after the number in $a/$z, AACR2 style) and whether they say it is an e-ISBN."""

    __slots__ = ("cancelled", "canonical", "number", "online", "qualifiers", "source")

    def __init__(
        self, number: str, qualifiers: list[str], cancelled: bool, source: str = "record"
    ) -> None:
        self.source = source  # "record" or "kbart"
        self.number = number
        self.qualifiers = qualifiers
        self.canonical = isbn13(number)
        self.online = any(_ONLINE_QUALIFIER.search(q) for q in qualifiers)
        self.cancelled = cancelled


def isbns_of(field: Field) -> list[Isbn]:
    """The ISBNs of one 020: each $a or $z with the $q that follow it (MARC 020 $q
    qualifies the preceding number); the price ($c) belongs to the print and is left,
    and so is the ISBD punctuation that preceded it (``$q(pbk.) :$c£12.99``): what ends
    an ISBN's number or its last qualifier belongs to the subfield after it."""
    out: list[Isbn] = []
    for sf in field.subfields:
        if sf.code in "az":
            match = _NUMBER.match(sf.value)
            number, rest = (match.group(1), match.group(2)) if match else (sf.value.strip(), "")
            if not rest:
                number = strip_isbd(number)
            rest = strip_isbd(rest)
            if rest.startswith("(") and rest.endswith(")"):
                rest = rest[1:-1].strip()
            out.append(Isbn(number, [rest] if rest else [], cancelled=sf.code == "z"))
        elif sf.code == "q" and out:
            out[-1].qualifiers.append(sf.value)
            out[-1].online = out[-1].online or bool(_ONLINE_QUALIFIER.search(sf.value))
    for isbn in out:
        # " ;" between two $q of one ISBN stays; what ends the last one goes.
        if isbn.qualifiers:
            last = strip_isbd(isbn.qualifiers[-1])
            isbn.qualifiers[-1:] = [last] if last else []
    return out


def isbn_field(isbn: Isbn, code: str) -> Field:
    pairs = [(code, isbn.number)] + [("q", q) for q in isbn.qualifiers]
    return data_field("020", "  ", *pairs)


def online_version_link(field: Field) -> bool:
    """A 776 of the print record pointing at its online version ("ebook version",
    "Online version:"): in the e-book record that is the record itself."""
    label = " ".join(field.get_subfields("i", "c"))
    return bool(_ONLINE_QUALIFIER.search(label))


# -- 300 -----------------------------------------------------------------------------


def has_isbd_punctuation(field: Field) -> bool:
    """Whether a field's subfields end with ISBD punctuation before the next one
    (``$axii, 245 pages :$billustrations ;$c23 cm``), whatever leader/18 says."""
    values = [sf.value for sf in field.subfields if sf.code not in "3568"]
    return any(_TRAILING.search(v) for v in values[:-1])


def extent_300(field: Field, isbd: bool, final_period: bool) -> tuple[Field, list[str]]:
    """The e-book 300 (PN "300": "1 online resource (xii, 245 pages)"), other physical
    details ($b) kept; dimensions ($c) and accompanying material ($e) left out, as they
    describe the printed volume, with the ISBD punctuation that preceded them. Returns
    the field and the print values left out.

    ``isbd``: the record has ISBD punctuation (leader/18 a or i), so " :" goes before $b
    (ISBD 5.2) and, with ``final_period``, a full stop ends the field. A print 300 with
    ISBD punctuation in a record that does not say so (leader/18 blank or u) keeps it the
    same way: the punctuation of the print field is carried over, not half of it."""
    extent = strip_isbd(" ".join(field.get_subfields("a")))
    one_volume = _ONE_VOLUME.match(extent)
    if one_volume:  # "1 volume (unpaged)" → "1 online resource (unpaged)"
        extent = one_volume.group(1).strip()
    text = f"1 online resource ({extent})" if extent else "1 online resource"
    other = strip_isbd(" ".join(field.get_subfields("b")))
    pairs = [("a", text + (" :" if other and isbd else ""))]
    if other:
        pairs.append(("b", other))
    if final_period:
        code, last = pairs[-1]
        pairs[-1] = (code, with_period(last))
    dropped = [f"${sf.code} {sf.value}" for sf in field.subfields if sf.code not in "ab"]
    return Field("300", Indicators(" ", " "), sub(*pairs)), dropped


# -- 776 -----------------------------------------------------------------------------

_NAME_PARTS = {"100": "abcdq", "110": "abcdn", "111": "acdenq"}


def main_entry(fields: dict[str, list[Field]]) -> str | None:
    """776 $a: the print record's main entry (1XX) without relators ($e, $4)."""
    for tag, codes in _NAME_PARTS.items():
        for field in fields.get(tag, ()):
            parts = [sf.value.strip() for sf in field.subfields if sf.code in codes]
            name = strip_isbd(" ".join(p for p in parts if p))
            if name:
                return with_period(name)
    return None


_AFTER_GMD = re.compile(r"[\s/:;,=+.]+$")


def without_gmd(field: Field) -> tuple[Field, list[str]]:
    """The 245 (or its 880) without its general material designations ($h "[large
    print]"), and the designations dropped. The ISBD punctuation that followed one
    (``$aTitle$h[large print] /$c...``) introduces the next element, so it moves to the
    end of the subfield before: ``$aTitle /$c...``."""
    kept: list[Subfield] = []
    dropped: list[str] = []
    for sf in field.subfields:
        if sf.code != "h":
            kept.append(sf)
            continue
        value = sf.value
        close = value.rfind("]")
        if close != -1:
            gmd, after = value[: close + 1], value[close + 1 :]
        else:
            m = _AFTER_GMD.search(value)
            gmd, after = (value[: m.start()], m.group()) if m else (value, "")
        dropped.append(gmd.strip())
        after = after.rstrip()
        if kept and after.strip():
            before = kept[-1].value.rstrip()
            if not before.endswith(after.strip()):
                before += after
            kept[-1] = Subfield(kept[-1].code, before)
    return Field(field.tag, field.indicators, kept), dropped


def title_of(field: Field) -> str:
    """776 $t: the title proper and its parts (245 $a $b $n $p), without the statement of
    responsibility and the closing ISBD punctuation."""
    parts = [sf.value.strip() for sf in field.subfields if sf.code in "abnp"]
    return strip_isbd(" ".join(p for p in parts if p))


def publication_of(fields: dict[str, list[Field]]) -> str | None:
    """776 $d: place, publisher and date of the print (264 second indicator 1, else 260)."""
    candidates = [f for f in fields.get("264", ()) if f.indicators[1] == "1"]
    candidates += fields.get("260", [])
    for field in candidates:
        parts = [sf.value.strip() for sf in field.subfields if sf.code in "abc"]
        text = strip_isbd(" ".join(p for p in parts if p)).rstrip(".")
        if text:
            return text
    return None


def print_version_776(
    fields: dict[str, list[Field]], print_isbns: list[str], control_numbers: list[str]
) -> Field:
    """776 08 $i Print version: (PN "776"; MARC 776 second indicator 8: no display
    constant, the label is in $i) with the print's main entry, title, edition,
    publication, ISBNs ($z) and record control numbers ($w)."""
    pairs: list[tuple[str, str]] = [("i", "Print version:")]
    name = main_entry(fields)
    if name:
        pairs.append(("a", name))
    titles = fields.get("245", [])
    if titles:
        pairs.append(("t", with_period(title_of(titles[0]))))
    editions = [strip_isbd(" ".join(f.get_subfields("a"))) for f in fields.get("250", [])]
    if editions and editions[0]:
        pairs.append(("b", with_period(editions[0])))
    publication = publication_of(fields)
    if publication:
        pairs.append(("d", publication))
    pairs += [("z", number) for number in print_isbns]
    pairs += [("w", number) for number in control_numbers]
    return data_field("776", "08", *pairs)


def control_number_of(field_010: Field) -> str | None:
    """776 $w for the print's LCCN (010 $a), in MARC's "(DLC)" prefixed form."""
    values = [v.strip() for v in field_010.get_subfields("a") if v.strip()]
    return f"(DLC){values[0]}" if values else None
