"""The fields print2e adds or recodes in the e-book record, each change recorded.

Values and reasons: see ``erdq.cataloguing.print2e`` and ``print2e_fields``.
"""

from __future__ import annotations

import datetime as dt

from pymarc import Field, Indicators, Record, Subfield

from erdq import marc21
from erdq.cataloguing import print2e_fields as pf
from erdq.cataloguing.print2e_kbart import KbartTitle, usable_url
from erdq.cataloguing.print2e_model import Change, Options
from erdq.marc21 import insert_in_tag_order


def new_020s(
    online: list[pf.Isbn],
    print_isbns: list[pf.Isbn],
    options: Options,
    matched: list[KbartTitle],
    add,
) -> list[Field]:
    out: list[Field] = []
    for isbn in online:
        f = pf.isbn_field(isbn, "a")
        source = (
            "the matching KBART row's online_identifier"
            if isbn.source == "kbart"
            else "the print record labels it as an electronic version's ISBN"
        )
        add(Change("020", "added", None, f, f"PN 020: e-ISBN in $a ({source})"))
        out.append(f)
    if options.print_isbns_in_020z:
        for isbn in print_isbns:
            f = pf.isbn_field(isbn, "z")
            add(
                Change(
                    "020",
                    "added",
                    None,
                    f,
                    "PN 020: the ISBN of another format (print) in $z, qualifiers kept in $q",
                )
            )
            out.append(f)
    return out


def recoded(f: Field, options: Options, isbd: bool, by_tag, add) -> Field:
    """A kept data field, changed where the online version differs from the print."""
    tag = f.tag
    if tag == "040" and options.agency:
        codes = f.get_subfields("d")
        if not codes or codes[-1] != options.agency:
            new = Field("040", f.indicators, [*f.subfields, Subfield("d", options.agency)])
            add(
                Change(
                    "040",
                    "changed",
                    f,
                    new,
                    "040 $d: the agency that modified the record (MARC 040 $d)",
                )
            )
            return new
        return f
    if tag in ("050", "082") and f.indicators[1] == "0":
        ind1 = " " if tag == "050" else f.indicators[0]
        new = Field(tag, Indicators(ind1, "4"), list(f.subfields))
        add(
            Change(
                tag,
                "changed",
                f,
                new,
                "LC assigned it to the print; in the "
                "e-record it is assigned by another agency (second indicator 4)",
            )
        )
        return new
    if tag == "300":
        punctuated = isbd or pf.has_isbd_punctuation(f)
        # ISBD ends a 300 followed by a series statement with a full stop; a record that
        # does not say it is ISBD gets one only where its print 300 had it.
        last = f.subfields[-1].value.rstrip() if f.subfields else ""
        ends = isbd or (punctuated and last.endswith("."))
        new, dropped = pf.extent_300(f, punctuated, final_period=ends and "490" in by_tag)
        why = "PN 300: extent of an online resource"
        if dropped:
            why += "; left out (the printed volume's): " + ", ".join(dropped)
        if isbd:
            why += "; ISBD punctuation, as leader/18 says the record has"
        elif punctuated:
            why += "; ISBD punctuation kept, as the print 300 has it"
        add(Change("300", "changed", f, new, why))
        return new
    if (tag == "245" or _linked_to(f, "245")) and f.get_subfields("h"):
        new, dropped = pf.without_gmd(f)
        add(
            Change(
                tag,
                "changed",
                f,
                new,
                "the general material designation ($h "
                + "; ".join(dropped)
                + ") describes the print; an online resource's content, media and carrier "
                "are given in 336-338 (PN, RDA), and the ISBD punctuation that followed "
                "it is kept on the subfield before",
            )
        )
        return new
    if tag == "337":
        return replaced(f, pf.MEDIA_COMPUTER, add)
    if tag == "338":
        return replaced(f, pf.CARRIER_ONLINE, add)
    return f


def _linked_to(f: Field, tag: str) -> bool:
    """Whether ``f`` is an 880 whose $6 links it to a field ``tag`` (its other script)."""
    return f.tag == "880" and any(v[:3] == tag for v in f.get_subfields("6"))


def replaced(f: Field, pairs, add) -> Field:
    new = pf.data_field(f.tag, "  ", *pairs)
    same = list(f.indicators) == [" ", " "] and [(x.code, x.value) for x in f.subfields] == [
        tuple(pair) for pair in pairs
    ]
    if not same:
        add(
            Change(
                f.tag,
                "changed",
                f,
                new,
                f"PN 33X: the {f.tag} of an online "
                "resource (RDA media type computer, carrier type online resource)",
            )
        )
    return new


def control_fields(new: Record, record_id: str | None, options: Options, add) -> None:
    fields = new.fields
    for f in list(fields):
        if f.tag == "001" and record_id:
            value = options.id_prefix + record_id
            if value != f.data:
                fields[fields.index(f)] = Field("001", data=value)
                add(
                    Change(
                        "001",
                        "changed",
                        f.data,
                        value,
                        "the print's 001 identifies the "
                        "print record; the e-record's number is derived from it",
                    )
                )
        elif f.tag == "003":
            if options.agency:
                fields[fields.index(f)] = Field("003", data=options.agency)
                add(
                    Change(
                        "003",
                        "changed",
                        f.data,
                        options.agency,
                        "MARC 003: the agency whose number is in 001",
                    )
                )
            else:
                fields.remove(f)
                add(
                    Change(
                        "003",
                        "removed",
                        f.data,
                        None,
                        "the 001 is no longer that agency's number, and no agency code was given",
                    )
                )
        elif f.tag == "005":
            now = options.now or dt.datetime.now()
            value = now.strftime("%Y%m%d%H%M%S.0")
            fields[fields.index(f)] = Field("005", data=value)
            add(Change("005", "changed", f.data, value, "date and time of this conversion"))
        elif f.tag == "008":
            data = f.data or ""
            value = data[:23] + "o" + data[24:]
            if value != data:
                fields[fields.index(f)] = Field("008", data=value)
                add(
                    Change(
                        "008/23",
                        "changed",
                        data[23],
                        "o",
                        "form of item online (MARC BK 008/23 o; PN 008)",
                    )
                )
    if options.agency and not new.get_fields("003"):
        insert_in_tag_order(fields, Field("003", data=options.agency))
        add(
            Change(
                "003", "added", None, options.agency, "MARC 003: the agency whose number is in 001"
            )
        )


def added_fields(new, by_tag, print_isbns, control_numbers, options, matched, isbd, add):
    fields = new.fields
    value_008 = marc21.control_value(new, "008") or ""
    additions: list[tuple[Field, str]] = [
        (
            Field("006", data=pf.code_006(value_008)),
            "PN 006: the electronic aspect "
            "(m computer file, o online, d document; audience and government publication from 008)",
        ),
        (
            Field("007", data=pf.ONLINE_007),
            "PN 007: remote electronic resource (cr); "
            "04 dimensions n for a remote resource, the rest not coded (|)",
        ),
    ]
    if not by_tag.get("300"):
        additions.append(
            (
                pf.data_field("300", "  ", ("a", "1 online resource")),
                "PN 300: extent of an online resource",
            )
        )
    if not by_tag.get("336"):
        additions.append(
            (pf.data_field("336", "  ", *pf.CONTENT_TEXT), "PN 33X: content type of a book (text)")
        )
    for tag, pairs in (("337", pf.MEDIA_COMPUTER), ("338", pf.CARRIER_ONLINE)):
        if not by_tag.get(tag):
            additions.append(
                (
                    pf.data_field(tag, "  ", *pairs),
                    "PN 33X: media and carrier type of an online resource",
                )
            )
    if not by_tag.get("347"):
        additions.append(
            (
                pf.data_field("347", "  ", *pf.FILE_TYPE_TEXT),
                "RDA 3.19.2 file type of an e-book (text file)",
            )
        )
    if options.agency and not by_tag.get("040"):
        additions.append(new_040(options.agency))
    note = pf.SOURCE_NOTE + "."
    additions.append(
        (
            pf.data_field("588", "0 ", ("a", note)),
            "PN 588: the description "
            "was taken from the print record (first indicator 0, source of "
            "description)",
        )
    )
    isbns = [i.number for i in print_isbns if not i.cancelled and i.canonical]
    additions.append(
        (
            pf.print_version_776(by_tag, isbns, control_numbers),
            "PN 776: link to the print version with its ISBNs and control numbers",
        )
    )
    urls: list[str] = []
    for title in matched:
        # A title_url the KBART rules judge no link (N/A, www.… without scheme,
        # javascript:…) is not written; ``convert_record`` reports it.
        if usable_url(title) and title.title_url not in urls:
            urls.append(title.title_url)
            pairs = [("u", title.title_url)]
            if options.link_note:
                pairs.append(("z", options.link_note))
            additions.append(
                (
                    pf.data_field("856", "40", *pairs),
                    f"PN 856: the link from the KBART row (line {title.line}, title_url)",
                )
            )
    for f, why in additions:
        insert_in_tag_order(fields, f)
        add(Change(f.tag, "added", None, f, why))


def new_040(agency: str) -> tuple[Field, str]:
    """The 040 of a record made from a print record that has none. MARC 040: $a the
    original cataloguing agency, $c the transcribing agency; with no 040 to modify, the
    e-book record is this agency's new record, so it is both. $b (language of
    cataloguing) and $e rda (description conventions) are recorded in 040 itself, so a
    print record without one states neither, and neither is guessed (the MR410 rule
    likewise takes only 040 $e rda as saying a description is RDA)."""
    return (
        pf.data_field("040", "  ", ("a", agency), ("c", agency)),
        "MARC 040: the print record has none, so the e-book record is a new record made "
        f"by {agency}, the original cataloguing ($a) and transcribing ($c) agency; no $b "
        "or $e rda, as the print record states neither its language of cataloguing nor "
        "its description conventions",
    )
