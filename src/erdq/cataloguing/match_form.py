"""Whether a record describes an electronic resource, and which records it names as its
other formats: a print and an electronic manifestation are two records (provider-neutral
practice: separate records, linked by 776), so matching must never lay one over the other.

The form is read from the MARC21 bibliographic fields that state it:

* 008 form of item: position 23 for books, continuing resources, music, mixed materials
  and computer files (leader/06 a, t, c, d, i, j, p, m), position 29 for maps and visual
  materials (e, f, g, k, o, r). 'o' (online), 'q' (direct electronic) and 's'
  (electronic) are electronic; 'a'-'d', 'f', 'r' (microforms, large print, braille,
  regular print reproduction) are not; blank ("none of the following") is a regular,
  non-electronic item, except for computer files, where it means "unknown";
* leader/06 'm' (computer file); 006/00 'm' (computer file characteristics, as
  e-book records carry), or 006/06 form of item 'o', 'q' or 's' in a 006 for books
  (006/00 'a' or 't');
* 007/00-01 'cr' (electronic resource, remote) is electronic; 007/00 't' (text) and 'h'
  (microform) are not;
* 338 carrier: $b 'cr' or $a "online resource" is electronic; any other carrier but the
  computer ones (a volume, a microfiche, a sheet) is not. A 338 with $3 describes only a
  part (an accompanying disc) and is not used;
* 245 $h "[electronic resource]" (the AACR2 general material designation);
* 337 media type "computer" ($b c) or "unmediated"/"microform" ($b n, h), and an 856
  with second indicator 0 (the resource itself online): weak evidence, used only when
  nothing above says anything (a print book with a CD has 337 computer as well as 337
  unmediated). A blank 008 form of item is weak too: older e-book records often leave it
  so, and an 856 40 beside it then leaves the form unknown rather than print.

Strong evidence on both sides (a record coded as online in 008 and as a volume in 338)
leaves the form unknown; so does a record with no evidence. A record of unknown form
matches as it did before form was looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pymarc

__all__ = ["ELECTRONIC", "NOT_ELECTRONIC", "RecordForm", "record_form"]

ELECTRONIC = "electronic"
NOT_ELECTRONIC = "not electronic"

_FORM_23 = frozenset("atcdijpm")  # leader/06 whose 008 form of item is at 23
_FORM_29 = frozenset("efgkor")  # maps, visual materials: at 29
_ELECTRONIC_FORMS = frozenset("oqs")
_OTHER_FORMS = {
    "a": "microfilm",
    "b": "microfiche",
    "c": "microopaque",
    "d": "large print",
    "f": "braille",
    "r": "regular print reproduction",
    " ": "regular print: none of the special forms",
}
_ELECTRONIC_WORDS = {"o": "online", "q": "direct electronic", "s": "electronic"}


@dataclass(slots=True)
class RecordForm:
    """A record's form (``ELECTRONIC``, ``NOT_ELECTRONIC`` or None for unknown) and the
    fields that say so, in words ("008/23 'o' (online)"); for a record whose fields
    contradict each other, the form is None and ``evidence`` lists both sides."""

    form: str | None = None
    evidence: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """ "electronic (008/23 'o' (online); 338 $b 'cr')"."""
        if self.form:
            return f"{self.form} ({'; '.join(self.evidence)})"
        if self.evidence:
            return f"of unknown form (its fields disagree: {'; '.join(self.evidence)})"
        return "of unknown form"


def _code(f: pymarc.Field, code: str) -> list[str]:
    return [s.value.strip() for s in f.subfields if s.code == code and s.value.strip()]


def record_form(record: pymarc.Record) -> RecordForm:
    """The form of ``record`` from its leader, 008, 007, 245 $h, 337 and 338."""
    strong_e: list[str] = []
    strong_p: list[str] = []
    weak_e: list[str] = []
    weak_p: list[str] = []
    leader = str(record.leader)
    rtype = leader[6:7]
    if rtype == "m":
        strong_e.append("leader/06 'm' (computer file)")
    position = 23 if rtype in _FORM_23 else 29 if rtype in _FORM_29 else None
    f008 = record.get("008")
    data = f008.data if f008 is not None and f008.control_field and f008.data else ""
    if position is not None and len(data) > position:
        value = data[position]
        where = f"008/{position} {value!r}"
        if value in _ELECTRONIC_FORMS:
            strong_e.append(f"{where} ({_ELECTRONIC_WORDS[value]})")
        elif value == " ":
            if rtype != "m":  # for computer files blank is "unknown or not specified"
                weak_p.append(f"{where} ({_OTHER_FORMS[value]})")
        elif value in _OTHER_FORMS:
            strong_p.append(f"{where} ({_OTHER_FORMS[value]})")
    for f in record.get_fields("006"):
        if not f.control_field or not f.data:
            continue
        if f.data[:1] == "m":
            strong_e.append("006/00 'm' (computer file characteristics)")
        elif f.data[:1] in "at" and f.data[6:7] in _ELECTRONIC_FORMS:
            value = f.data[6]
            strong_e.append(f"006/06 {value!r} ({_ELECTRONIC_WORDS[value]})")
    for f in record.get_fields("007"):
        if not f.control_field or not f.data:
            continue
        if f.data[:2] == "cr":
            strong_e.append("007/00-01 'cr' (remote electronic resource)")
        elif f.data[:1] in "th":
            kind = "text" if f.data[:1] == "t" else "microform"
            strong_p.append(f"007/00 {f.data[:1]!r} ({kind})")
    for f in record.get_fields("245"):
        if f.control_field:
            continue
        for value in _code(f, "h"):
            if "electronic resource" in value.casefold():
                strong_e.append(f"245 $h {value!r}")
    for f in record.get_fields("338"):
        if f.control_field or _code(f, "3"):
            continue
        codes = [c.casefold() for c in _code(f, "b")]
        terms = [t.casefold() for t in _code(f, "a")]
        if "cr" in codes or "online resource" in terms:
            shown = "$b 'cr'" if "cr" in codes else "$a 'online resource'"
            strong_e.append(f"338 {shown}")
        elif codes and not any(c.startswith("c") for c in codes):
            strong_p.append(f"338 $b {codes[0]!r}")
        elif not codes and terms and not any(t.startswith("computer") for t in terms):
            strong_p.append(f"338 $a {terms[0]!r}")
    for f in record.get_fields("337"):
        if f.control_field or _code(f, "3"):
            continue
        codes = [c.casefold() for c in _code(f, "b")]
        terms = [t.casefold() for t in _code(f, "a")]
        if "c" in codes or "computer" in terms:
            weak_e.append("337 computer")
        elif codes or terms:
            weak_p.append(f"337 {(terms or codes)[0]!r}")
    for f in record.get_fields("856"):
        if not f.control_field and f.indicator2 == "0" and _code(f, "u"):
            weak_e.append("856 ind2 0 (the resource itself)")
            break
    if strong_e and not strong_p:
        return RecordForm(ELECTRONIC, strong_e + weak_e)
    if strong_p and not strong_e:
        return RecordForm(NOT_ELECTRONIC, strong_p + weak_p)
    if strong_e or strong_p:
        return RecordForm(None, strong_e + strong_p)  # the record contradicts itself
    if weak_e and not weak_p:
        return RecordForm(ELECTRONIC, weak_e)
    if weak_p and not weak_e:
        return RecordForm(NOT_ELECTRONIC, weak_p)
    return RecordForm()
