"""What a spreadsheet cell means for its column, and what the spreadsheet did to it.

``clean(spec, raw, epoch)`` gives the values a cell contributes (several for a split
column) and notes: (code, value, params) for the VL2xx findings. A recoverable value is
repaired only where its rule says the repair is certain and goes into the record (a
restored leading zero, a date serial, stray blanks, full-width digits in an identifier);
otherwise it is offered in the note and left out (an ISBN in scientific notation).
The same function serves ``marc2excel``, which keeps a field in the mapped columns only
when its values come back unchanged through it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from stdnum import ean

from erdq.cataloguing.mapping import ColumnSpec
from erdq.excel_values import scientific, serial_day, typed_year
from erdq.identifiers import check_isbn, parse_lccn
from erdq.readers.text import EXCEL_ERRORS

Note = tuple[str, str, dict[str, object]]  # (rule code, value as found, message params)

_SPACE_RUN = re.compile(r"\s+")
# Invisible characters that carry no text: zero-width space, word joiner, BOM, and the
# soft hyphen (a line-break hint from a word processor; in a title it splits the word for
# search). Not ZWNJ/ZWJ (U+200C/U+200D), which spell words in Persian and Indic scripts.
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff\u00ad]")
_FULLWIDTH = re.compile("[\uff01-\uff5e]")
_HALF = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_ISO_DATE = re.compile(r"^(\d{4})-\d{2}(-\d{2})?$")
# A year with the marks a catalogue puts around it: brackets (supplied by the cataloguer),
# a copyright or phonogram sign or its letter (c2007, p2007), a closing full stop. Not
# "?", "ca." or "c. 2007" (circa in some lists): an uncertain year is no year for 008.
_MARKED_YEAR = re.compile(r"^(\[)?\s*(?:[©℗]\s*|[cp](?=\d))?(\d{4})\s*(\])?\s*\.?$", re.IGNORECASE)
# What lists several ISBNs in one cell: punctuation, or blanks (a line break in a cell is
# a blank by then: ``_tidy``).
_LIST_SEPARATORS = (re.compile(r"\s*[,;/|]\s*"), re.compile(r"\s+"))
_CODE_TYPES = frozenset(("isbn", "lccn", "year", "url", "id", "code"))


@dataclass(slots=True)
class Cleaned:
    values: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def as_text(raw: Any) -> str:
    """A cell's value as text the way the sheet shows it (whole numbers without .0)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, dt.date | dt.time):
        return raw.isoformat()
    return str(raw)


def clean(spec: ColumnSpec, raw: Any, epoch: str = "1900", *, literal: bool = False) -> Cleaned:
    """``literal``: the text was guarded against Excel (``spreadsheet.restore`` undid the
    guard), so a leading = is data, not a formula."""
    if raw is None or raw == "":
        return Cleaned()
    if (
        type(raw) is str
        and spec.type == "text"
        and not spec.split
        and raw[0] not in "=#"
        and raw.isascii()
        and raw.isprintable()
        and raw[0] != " "
        and raw[-1] != " "
        and "  " not in raw
    ):
        return Cleaned([raw])  # the common case: clean ASCII text, nothing to report
    out = Cleaned()
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if isinstance(raw, dt.datetime | dt.date) and spec.type == "year":
        day = raw.date() if isinstance(raw, dt.datetime) else raw
        typed = typed_year(day, epoch)
        if typed is not None:
            # 2021 typed into a cell formatted as a date: Excel keeps day 2021, 1905-07-13.
            out.notes.append(("VL219", day.isoformat(), {"year": typed, "epoch": epoch}))
            out.values.append(str(typed))
            return out
        out.values.append(str(raw.year))
        return out
    text = as_text(raw)
    formula = text.startswith("=") and len(text) > 1 and not literal
    if not number and (text.strip() in EXCEL_ERRORS or formula):
        what = "an error result" if text.strip() in EXCEL_ERRORS else "a formula"
        out.notes.append(("VL205", text, {"what": what}))
        return out
    # Blanks around a delimiter ("a; b") belong to it, not to the values.
    parts = [p.strip(" ") for p in text.split(spec.split)] if spec.split and not number else [text]
    for part in parts:
        value = _tidy(part, spec, out)
        if value:
            _typed(spec, value, number, epoch, out)
    if len(out.values) > 1 and len(set(out.values)) < len(out.values):
        # "9780306406157;9780306406157": two identical 020s would be written.
        seen = dict.fromkeys(out.values)
        repeated = [v for v in seen if out.values.count(v) > 1]
        out.values = list(seen)
        shown = ", ".join(repr(v) for v in repeated)
        out.notes.append(("VL213", text, {"repeated": shown}))
    return out


def _tidy(text: str, spec: ColumnSpec, out: Cleaned) -> str:
    """Blanks and full-width forms: what changes is reported (VL206, VL207)."""
    if not (text.isascii() and text.isprintable() and text == text.strip() and "  " not in text):
        tidy = _SPACE_RUN.sub(" ", _ZERO_WIDTH.sub("", text)).strip()
        if tidy != text and spec.type != "lccn" and (tidy or text.strip()):
            out.notes.append(("VL206", text, {"problem": _space_problem(text), "suggestion": tidy}))
        text = tidy
    if not text.isascii() and _FULLWIDTH.search(text):
        half = text.translate(_HALF)
        chars = "".join(dict.fromkeys(_FULLWIDTH.findall(text)))
        if spec.type in _CODE_TYPES:
            action = f"written as {half!r}"
            out.notes.append(("VL207", text, {"chars": chars, "action": action}))
            return half
        action = f"written as given; the ordinary form would be {half!r}"
        out.notes.append(("VL207", text, {"chars": chars, "action": action}))
    return text


def _space_problem(text: str) -> str:
    found = []
    if text != text.lstrip():
        found.append("leading blanks")
    if text != text.rstrip():
        found.append("trailing blanks")
    if "\u00a0" in text:
        found.append("non-breaking spaces")
    if "\u3000" in text:
        found.append("ideographic spaces")
    if "\u00ad" in text:
        found.append("soft hyphens")
    if _ZERO_WIDTH.search(text.replace("\u00ad", "")):
        found.append("zero-width characters")
    if re.search(r"[\t\r\n]", text):
        found.append("tabs or line breaks")
    if "  " in text.strip():
        found.append("doubled spaces")
    return ", ".join(found) or "irregular spacing"


def _typed(spec: ColumnSpec, value: str, number: bool, epoch: str, out: Cleaned) -> None:
    if spec.type == "isbn":
        _isbn(spec, value, number, out)
    elif spec.type == "lccn":
        _lccn(value, out)
    elif spec.type == "year":
        _year(value, epoch, out)
    else:
        out.values.append(value)


def _isbn(spec: ColumnSpec, value: str, number: bool, out: Cleaned) -> None:
    sci = scientific(value)
    if sci is not None:
        digits, exponent = sci
        suggestion = None
        if exponent == 12 and digits[:3] in ("978", "979"):
            if len(digits) == 12:
                suggestion = digits + ean.calc_check_digit(digits)
            elif len(digits) == 13 and check_isbn(digits).valid:
                suggestion = digits
        text = (
            f"Its {len(digits)} significant digits give {suggestion} (check digit "
            "recomputed); confirm it against the resource before using it."
            if suggestion
            else f"Only {len(digits)} significant digit(s) ({digits}) are left; the ISBN "
            "cannot be recovered. Take it from the vendor's original file."
        )
        params = {"digits": digits, "suggestion": suggestion or "", "suggestion_text": text}
        out.notes.append(("VL202", value, params))
        return
    compact = value.replace("-", "").replace(" ", "")
    if compact.isdigit() and 8 <= len(compact) < 10:
        # One or two leading zeros lost (ISBN-10s of group 0, as 0520963539); a shorter
        # number is no ISBN that lost its zeros, and a filler is no ISBN at all.
        padded = compact.zfill(10)
        checked = check_isbn(padded)
        if checked.valid and "placeholder" not in checked.problems:
            out.notes.append(
                ("VL201", value, {"digits": len(compact), "suggestion": _form(spec, padded)})
            )
            out.values.append(_form(spec, padded))
            return
        expected = check_isbn(padded).expected_check
        problem = f"{len(compact)} digits; padded to ten, {padded} fails the check digit" + (
            f" (it would need {expected})" if expected else ""
        )
        out.notes.append(("VL203", value, {"problem": problem}))
        return
    result = check_isbn(value)
    if not result.valid or result.compact is None:
        problem = ", ".join(result.problems) or "not an ISBN"
        if number:
            problem += "; the cell is a number, so digits may have been lost"
        out.notes.append(("VL203", value, {"problem": problem}))
        return
    if result.extra:
        listed = _isbn_list(value)
        if listed is not None and spec.split:
            # "9780141439563, 9780199536191" in a column split on ";": every part is an
            # ISBN whose check digit holds, so the separator is not in doubt.
            isbns, separator = listed
            params = {"count": len(isbns), "separator": separator, "split": spec.split}
            out.notes.append(("VL217", value, params))
            out.values.extend(_form(spec, isbn) for isbn in isbns)
            return
        problem = f"text around the ISBN: {result.extra!r}"
        if listed is not None:
            problem = (
                f"it holds {len(listed[0])} ISBNs separated by {listed[1]!r}, and the "
                "mapping reads one from this column; give the column a split (and its "
                "field a repeat) to write each"
            )
        out.notes.append(("VL203", value, {"problem": problem}))
        return
    if number:
        out.notes.append(("VL204", value, {}))
    out.values.append(_form(spec, result.compact))


def _isbn_list(value: str) -> tuple[list[str], str] | None:
    """The ISBNs of a cell listing several with a separator, and the separator, when every
    part is a valid ISBN; None otherwise. Blanks separate only where they are not inside
    an ISBN ("978 0 14 143956 3" is one)."""
    for pattern in _LIST_SEPARATORS:
        parts = [p for p in pattern.split(value) if p]
        if len(parts) < 2:
            continue
        checked = [check_isbn(p) for p in parts]
        if all(c.valid and not c.extra and c.compact for c in checked):
            found = pattern.search(value)
            return [c.compact or "" for c in checked], found.group(0) if found else ""
    return None


def _form(spec: ColumnSpec, compact: str) -> str:
    if spec.form == "isbn13":
        return check_isbn(compact).canonical or compact
    return compact


def _lccn(value: str, out: Cleaned) -> None:
    parsed = parse_lccn(value)
    if parsed is None:
        out.notes.append(("VL210", value, {}))
        return
    if value != parsed.marc_010a:
        out.notes.append(("VL211", value, {"marc": parsed.marc_010a, "key": parsed.key}))
    out.values.append(parsed.marc_010a)


def _year(value: str, epoch: str, out: Cleaned) -> None:
    if len(value) == 4 and value.isdigit():
        out.values.append(value)
        return
    iso = _ISO_DATE.match(value)
    if iso is not None:
        out.values.append(iso.group(1))
        return
    marked = _MARKED_YEAR.match(value)
    if marked is not None and (marked.group(1) is None) == (marked.group(3) is None):
        # [2007], ©2007, c2007, 2007.: catalogue marks around one year (VL216).
        out.notes.append(("VL216", value, {"year": marked.group(2)}))
        out.values.append(marked.group(2))
        return
    day = serial_day(value, epoch)
    if day is not None:
        # A serial past next year is a typo, not a date.
        if day.year > dt.date.today().year + 1:
            out.notes.append(("VL209", value, {}))
            return
        out.notes.append(
            (
                "VL208",
                value,
                {"epoch": epoch, "date": day.isoformat(), "suggestion": str(day.year)},
            )
        )
        out.values.append(str(day.year))
        return
    out.notes.append(("VL209", value, {}))
