"""Print record → provider-neutral e-book record.

``convert_record(record, ...)`` is a pure function: it reads a print book record
(``pymarc.Record``, not changed) and returns a new record for the online version and
the list of every change made, each with its reason, following the PCC
*Provider-Neutral E-Monograph MARC Record Guide* (P-N/RDA version, "PN") and MARC 21.
Fields the conversion leaves alone are shared between the two records, not copied.

Decisions, each with the rule that settles it:

* **Leader.** Type and level kept (a books record stays ``am``); 05 ``n`` (a new
  record); 09 ``a`` (erdq writes UTF-8); 17: a full-level print record gives ``1``
  (MARC: "full level, material not examined": the e-book was described from the print
  record, not examined), OCLC's less-than-full ``K``/``M`` give ``2``; other levels are
  kept. 18 (descriptive form) is kept: converting does not make an AACR2 record RDA.
* **001/003/005.** The print's 001 identifies the print record; an ILS load matching
  on it would overlay the print. The new 001 is the print's with a prefix (``e`` by
  default, so the link stays visible), 003 becomes the converting agency (MARC 003: the
  organisation whose number is in 001) or is removed when none is given, 005 is the
  time of conversion. The print's control numbers (035, 010 LCCN) move to 776 $w (PN
  "776"; PN "010": the print LCCN is not recorded in 010 of the e-record), OCLC numbers
  in the (OCoLC) form whatever their form in 035; without an OCLC number in 035, the
  001 under 003 OCoLC gives it.
* **006/007/008.** 006 ``m     o  d        `` (see ``print2e_fields.BLANK_006``), the
  print's 007s removed (they describe the volume) and ``cr |n|||||||||`` added, 008/23
  form of item ``o`` (MARC BK 008/23); dates, place and language kept.
* **020.** e-ISBNs in $a (PN "020": the ISBNs of the online versions): from the KBART
  row's ``online_identifier``, and those the print record itself labels as electronic
  (a qualifier such as "(ePub ebook)", or a 776 "ebook version"). Print ISBNs go to 776
  $z (PN "776") and, by default, to 020 $z with their qualifiers (PN "020" allows the
  ISBNs of other formats in $z; it lets a search by print ISBN find the e-book).
  Qualifiers written into $a after the number (AACR2 style) move to $q.
* **300/33X/347.** "1 online resource (…)" (PN "300"), $b kept, $c and $e dropped;
  336 kept (added as text when missing), 337 ``computer``, 338 ``online resource``
  (PN "33X"), 347 ``text file`` (RDA 3.19.2).
* **Print-only data removed:** 007, 019 (OCLC numbers merged into the print record),
  024 first indicator 3 (the EAN printed on the volume), 035, 037 (the print's order
  number), 042 (an authentication the new record has not had), 090/092/096/098/099
  (local call numbers of the print copy), 263, 340, 530 and 533 (PN: the online version
  is not described as a reproduction; the other format is in 776), 541, 561, 563 and
  583 (acquisition, ownership, binding and actions of the library's printed copy), 588
  (replaced), 59X local notes, 776 to the online version (it is this record), embedded
  holdings and items (841-878 but 856), 856 links of the print record other than to
  related resources (second indicator 2), 9XX local fields, any field with a $5 (MARC:
  the institution to which the field applies, as in a 500 "Library's copy signed by the
  author." or a 700 "former owner": copy-specific data, which provider-neutral practice
  keeps out of the record of the online resource), and 880s linked to any of these.
  ``[cataloguing] local-fields`` does not keep them: it names what ``marc match --merge``
  keeps of the catalogue's record, and a print copy's data is no part of an e-book's.
* **050/082** kept; second indicator 0 (assigned by LC) becomes 4 (assigned by another
  agency), and 050 first indicator (in LC's collection) becomes blank: LC assigned
  them to the print.
* **040 $d** the converting agency (``agency``), never a made-up code: without one the
  040 is left as it is and the conversion says so. A print record without 040 gets
  ``040 ## $a agency $c agency`` (MARC 040: the e-book record is this agency's new
  record); no $b or $e, which only a 040 would have stated. **588** ``0#`` "Description based on
  print version record." (PN "588"). **856** ``40 $u`` from the KBART ``title_url``
  (PN "856"); without a matching KBART row there is no 856, and the record is reported;
  so it is when the row's ``title_url`` is no usable link (empty, not an absolute http(s)
  URL, white space in it: the KBART rules KB401-KB403), which is then not written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pymarc import Field, Leader, Record

from erdq import marc21
from erdq.cataloguing import print2e_fields as pf
from erdq.cataloguing.print2e_build import (
    added_fields,
    control_fields,
    new_020s,
    recoded,
)
from erdq.cataloguing.print2e_kbart import KbartIndex, KbartTitle, title_url_problems
from erdq.cataloguing.print2e_model import Change, Converted, Options, Problem
from erdq.identifiers import control_number_key, normalize_isbn, oclc_035, oclc_number
from erdq.readers.marc import MarcItem

__all__ = [
    "Change",
    "Converted",
    "KbartIndex",
    "KbartTitle",
    "Options",
    "Problem",
    "convert_items",
    "convert_record",
]

PROFILES = ("provider-neutral",)
_REMOVED = {
    "007": "it describes the printed volume (MARC 007 text); the online resource gets "
    "its own 007 cr",
    "019": "OCLC numbers merged into the print record, which identify print records",
    "037": "the print's source of acquisition (an order or stock number of the volume)",
    "042": "the authentication was given to the print record, not to this one",
    "263": "a projected publication date of the print (MARC 263); not applicable",
    "340": "the physical medium of the printed volume",
    "530": "the other format is linked in 776 (PN 776), not described in a 530 note",
    "533": "PN: the online version is not described as a reproduction of the print",
    "541": "the source from which the library acquired its printed copy (MARC 541)",
    "561": "the ownership history of the library's printed copy (MARC 561)",
    "563": "the binding of the library's printed copy (MARC 563)",
    "583": "an action (preservation, review...) taken on the printed copy (MARC 583)",
    "588": "the print's source of description; replaced by the e-record's 588",
}
_LOCAL_CALL_NUMBERS = frozenset({"090", "092", "096", "098", "099"})
_HOLDINGS = frozenset({"850", "852"})
_FULL_LEVELS = frozenset(" 14IL")


def _skip_reason(record: Record) -> Problem | None:
    leader = str(record.leader)
    if leader[6] != "a" or leader[7] not in "acdm":
        return Problem(
            "not-a-book",
            f"leader/06-07 is {leader[6:8]!r}, not a book (language material 'a' with "
            "bibliographic level a, c, d or m); not converted",
            skipped=True,
        )
    if not record.get_fields("245"):
        return Problem("no-title", "the record has no 245 title; not converted", skipped=True)
    evidence = marc21.online_evidence(record)
    value_008 = marc21.control_value(record, "008") or ""
    if evidence is None and len(value_008) == 40 and value_008[23] in "os":
        evidence = f"008/23 form of item is {value_008[23]}"
    if evidence is None and any(v[:1] == "c" for v in _controls(record, "007")):
        evidence = "007/00 is c (electronic resource)"
    if evidence is not None:
        return Problem(
            "already-online",
            f"the record already describes an electronic resource ({evidence}); not converted",
            skipped=True,
        )
    if len(value_008) != 40:
        return Problem(
            "no-008",
            "the record has no 40-character 008, so its form of item cannot be recoded; "
            "not converted",
            skipped=True,
        )
    return None


def _controls(record: Record, tag: str) -> list[str]:
    return [f.data or "" for f in record.get_fields(tag) if f.is_control_field()]


def _removal_reason(f: Field, removed: set[str]) -> str | None:
    tag = f.tag
    if tag in _REMOVED:
        return _REMOVED[tag]
    if tag in _LOCAL_CALL_NUMBERS:
        return "a local call number of the print copy"
    if tag.startswith("59"):
        return "a local note (59X) about the print copy"
    if tag[0] == "9":
        return "a local field (9XX: order, item or system data of the print copy)"
    if tag in _HOLDINGS or marc21.is_embedded_holdings(tag):
        return "holdings or item data of the print copy"
    if tag == "024" and f.indicators[0] == "3":
        return "the EAN printed on the volume (024 first indicator 3)"
    if tag == "856" and f.indicators[1] != "2":
        return (
            "a link of the print record (to an online version or other copy); the e-record's "
            "link comes from the KBART row"
        )
    if tag == "776" and pf.online_version_link(f):
        return "it links the print to its online version, which is this record"
    if tag == "880":
        link = (f.get_subfields("6") or [""])[0]
        if link[:3] in removed or link[:6] in removed:
            return f"it is the other-script form of a removed {link[:3]}"
    return None


def _copy_specific(f: Field) -> str | None:
    """Why a field with $5 goes: MARC $5 names the institution to which it applies, so
    it describes that institution's printed copy, not the online resource."""
    if f.is_control_field() or not f.get_subfields("5"):
        return None
    holders = [v.strip() for v in f.get_subfields("5") if v.strip()]
    named = f" ({', '.join(holders)})" if holders else ""
    return (
        f"$5{named}: it applies only to that institution's printed copy, and "
        "provider-neutral practice keeps copy-specific data out of the e-book record"
    )


def _link(f: Field) -> str | None:
    """``TAG-NN`` of a field's $6 linkage to an 880, None without one (or NN 00)."""
    value = (f.get_subfields("6") or [""])[0]
    link = f"{f.tag}-{value[4:6]}" if value[3:4] == "-" else ""
    return link if len(link) == 6 and link[4:] != "00" else None


def _new_leader(leader: str, changes: list[Change]) -> str:
    chars = list(leader)
    level = chars[17]
    targets = [(5, "n", "a new record (MARC leader/05 n)"), (9, "a", "erdq writes UTF-8")]
    if level in _FULL_LEVELS:
        targets.append((17, "1", "full level, material not examined: described from the print"))
    elif level in "KM":
        targets.append((17, "2", "less-than-full level, material not examined"))
    for position, value, why in targets:
        if chars[position] != value:
            changes.append(Change(f"LDR/{position:02d}", "changed", chars[position], value, why))
            chars[position] = value
    # The record length (00-04) and base address (12-16) are the print record's; the
    # writer computes them for ISO 2709, and in .mrk or MARCXML zeros say "not computed"
    # rather than a length that is no longer true.
    chars[0:5] = chars[12:17] = list("00000")
    return "".join(chars)


def convert_record(
    record: Record,
    *,
    ordinal: int = 1,
    options: Options | None = None,
    kbart: KbartIndex | None = None,
) -> Converted:
    """The e-book record for one print record, with every change and its reason."""
    options = options or Options()
    f001 = record.get("001")
    record_id = (f001.data or "").strip() or None if f001 is not None else None
    result = Converted(ordinal, record_id, None)
    problem = _skip_reason(record)
    if problem is not None:
        result.problems.append(problem)
        return result
    changes = result.changes
    add = changes.append
    by_tag: dict[str, list[Field]] = {}
    for f in record.fields:
        by_tag.setdefault(f.tag, []).append(f)
    leader = str(record.leader)
    isbd = leader[18] in "ai"

    # ISBNs of the print record: print ones and those it labels as electronic.
    print_isbns: list[pf.Isbn] = []
    online: list[pf.Isbn] = []
    for f in by_tag.get("020", ()):
        for isbn in pf.isbns_of(f):
            # An invalid number stays where it was ($z): it cannot be the e-ISBN in $a.
            (online if isbn.online and isbn.canonical else print_isbns).append(isbn)
    for f in by_tag.get("776", ()):
        if pf.online_version_link(f):
            online += [pf.Isbn(z, [], cancelled=False) for z in f.get_subfields("z")]
    online = [i for i in online if i.canonical]
    # The other form (ISBN-10/13) of an e-ISBN is an e-ISBN too, labelled or not.
    online_keys = {i.canonical for i in online}
    online += [i for i in print_isbns if i.canonical in online_keys]
    print_isbns = [i for i in print_isbns if i.canonical is None or i.canonical not in online_keys]
    online = _distinct(online)
    matched: list[KbartTitle] = []
    if kbart is not None:
        keys = [i.canonical for i in print_isbns + online if i.canonical]
        matched = kbart.match(keys)
        result.matched = matched
    seen = {i.canonical for i in online}
    print_keys = {i.canonical for i in print_isbns if i.canonical}
    for title in matched:
        if title.online_identifier and title.online_isbn is None:
            result.problems.append(
                Problem(
                    "kbart-online-identifier-invalid",
                    f"KBART line {title.line}: online_identifier {title.online_identifier!r} "
                    "is not a valid ISBN, so no e-ISBN was taken from it",
                )
            )
        elif title.online_isbn is not None and title.online_isbn in print_keys:
            # The row repeats the print ISBN as its online_identifier: taken as the
            # e-ISBN it would make 020 $a and 776 $z the same number.
            result.problems.append(
                Problem(
                    "kbart-online-identifier-is-print",
                    f"KBART line {title.line}: online_identifier {title.online_identifier!r} "
                    "is an ISBN of the print record, not the e-book's, so no e-ISBN was "
                    "taken from it; ask the provider for the e-ISBN",
                )
            )
        elif title.online_isbn is not None and title.online_isbn not in seen:
            seen.add(title.online_isbn)
            # MARC 020 $a: the ISBN without hyphens or spaces.
            compact = normalize_isbn(title.online_identifier) or title.online_isbn
            online.append(pf.Isbn(compact, [], cancelled=False, source="kbart"))
    for title in matched:
        result.problems += _url_problems(title)

    removed_tags: set[str] = set()
    fields: list[Field] = []
    control_numbers: list[str] = []
    placed_020 = False
    for f in record.fields:
        tag = f.tag
        if tag in ("001", "003", "005", "006", "008"):
            fields.append(f)  # recoded below
            continue
        if tag == "010":
            number = pf.control_number_of(f)
            if number:
                control_numbers.append(number)
            add(
                Change(
                    "010",
                    "moved" if number else "removed",
                    f,
                    f"776 $w {number}" if number else None,
                    "PN: the print LCCN identifies the print record; it is given in 776 $w",
                )
            )
            removed_tags.add(tag)
            continue
        if tag == "035":
            numbers = [_w_number(v) for v in f.get_subfields("a") if v.strip()]
            control_numbers += [n for n in numbers if n not in control_numbers]
            add(
                Change(
                    "035",
                    "moved",
                    f,
                    "776 $w " + "; ".join(numbers),
                    "the print's system number: a load matching on 035 would overlay the "
                    "print record; it is kept as the link to it (776 $w)",
                )
            )
            removed_tags.add(tag)
            continue
        if tag == "020":
            if not placed_020:
                placed_020 = True
                fields += new_020s(online, print_isbns, options, matched, add)
            why = "replaced by the e-record's 020s (e-ISBNs in $a, print ISBNs in 776 $z)"
            prices = [v for v in f.get_subfields("c") if v.strip()]
            if prices:
                why += "; left out: the print's terms of availability ($c " + "; ".join(prices)
                why += "), with the punctuation before it"
            add(Change("020", "removed", f, None, why))
            continue
        reason = _removal_reason(f, removed_tags)
        if reason is not None:
            removed_tags.add(tag)
            add(Change(tag, "removed", f, None, reason))
            continue
        reason = _copy_specific(f)
        if reason is not None:
            # Only this field goes, not its tag: an 880 goes with it by its link ($6).
            link = _link(f)
            if link is not None:
                removed_tags.add(link)
            add(Change(tag, "removed", f, None, reason))
            continue
        fields.append(recoded(f, options, isbd, by_tag, add))
    if f001 is not None and not any(oclc_number(n) for n in control_numbers):
        # No 035 gave the print's OCLC number, but its 001 (with 003 OCoLC) is one.
        f003 = record.get("003")
        own = control_number_key(f001.data, f003.data if f003 is not None else None)
        if own is not None and own.is_oclc and own.key is not None:
            control_numbers.append(oclc_035(own.number))
    if not placed_020 and online:
        for new in new_020s(online, print_isbns, options, matched, add):
            marc21.insert_in_tag_order(fields, new)

    new = Record(leader=Leader(_new_leader(leader, changes)), force_utf8=True)
    new.fields = fields
    control_fields(new, record_id, options, add)
    added_fields(new, by_tag, print_isbns, control_numbers, options, matched, isbd, add)
    if record_id is None:
        result.problems.append(
            Problem("no-001", "the print record has no 001, so the e-record has none either")
        )
    if kbart is not None and not matched:
        isbns = ", ".join(i.number for i in print_isbns + online)
        why = (
            f"no KBART row has one of its ISBNs ({isbns})"
            if isbns
            else "it has no ISBN to find its KBART row by"
        )
        result.problems.append(
            Problem(
                "no-kbart-match",
                f"{why}: no e-ISBN and no 856 link were added; add the link by hand",
            )
        )
    if len(matched) > 1:
        result.problems.append(
            Problem(
                "several-kbart-rows",
                f"{len(matched)} KBART rows match (lines "
                + ", ".join(str(t.line) for t in matched)
                + "): an 856 was added for each distinct title_url that is a usable link",
            )
        )
    changes.sort(key=_change_order)
    result.record = new
    return result


def _url_problems(title: KbartTitle) -> list[Problem]:
    """What the KBART rules say about a matching row's ``title_url`` (KB401-KB404): an
    error keeps it out of 856 $u (``print2e_kbart.usable_url``), a warning is told with
    the link written as given."""
    out = []
    for p in title_url_problems(title.title_url):
        if p.error:
            then = "no 856 was made from it; correct the row's title_url or add the link by hand"
        else:
            then = "it was written to 856 $u as given"
        out.append(
            Problem(
                f"kbart-{p.name}",
                f"KBART line {title.line} ({p.code} {p.name}): {p.message} In this record: {then}",
            )
        )
    return out


def _w_number(value: str) -> str:
    """A system number as 776 $w takes it: with its organisation's code in parentheses
    (MARC 21 76X-78X $w). An OCLC number in any form (ocm00012345, on1234567890,
    (OCoLC)ocm00012345) is written (OCoLC) and its digits, as OCLC recommends."""
    number = oclc_number(value)
    return oclc_035(number) if number is not None else value.strip()


def _change_order(change: Change) -> tuple[int, str]:
    """Leader first, then by tag (the order of changes to one tag is kept)."""
    return (0 if change.tag.startswith("LDR") else 1, change.tag[:3])


def _distinct(isbns: list[pf.Isbn]) -> list[pf.Isbn]:
    """One of each ISBN (ISBN-10 and -13 forms are kept apart: both may be recorded),
    the first with qualifiers winning."""
    out: dict[str, pf.Isbn] = {}
    for isbn in isbns:
        key = isbn.number.replace("-", "").upper()
        if key not in out or (isbn.qualifiers and not out[key].qualifiers):
            out[key] = isbn
    return list(out.values())


def convert_items(
    items: Iterable[MarcItem], *, options: Options | None = None, kbart: KbartIndex | None = None
) -> Iterator[tuple[MarcItem, Converted]]:
    """``convert_record`` over records as read (``MarcReader``), in order."""
    for item in items:
        yield item, convert_record(item.record, ordinal=item.ordinal, options=options, kbart=kbart)
