"""MR4xx: the provider-neutral profile of a record for an online resource.

The PCC provider-neutral guidelines describe one record for all providers of an online
resource: 006 `m` and 007 `cr` coding, 008 form of item `o`, "1 online resource" in 300,
content/media/carrier types (336/337/338) of an online resource, an 856 link, a 588 source
of description and RDA description (040 $e rda).

**Which records are checked.** These rules apply only to records that are online resources
by their own coding, as decided by ``erdq.marc21.online_evidence``: 007/00-01 ``cr``; 008
(or 006) form of item ``o``; a 338 carrier "online resource"/``cr``; an 856 whose second
indicator is 0 (the link is to the resource itself); or "[electronic resource]" in 245 $h
together with an 856 link that is not to a related resource. A print record with an 856 to
its online version (second indicator 1) or to a table of contents (2) is not checked, nor is
a CD-ROM. The evidence found is part of every message, so a librarian can see why the
record was taken as online.

MR408 (malformed 856 $u) and MR411 (856 first indicator) apply to every 856, online record
or not: a broken link is wrong wherever it is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from erdq import marc21
from erdq.findings import Level, Severity
from erdq.readers.marc import MarcItem
from erdq.registry import Example, Scope, rule, sections
from erdq.rules.marc.base import RecordContext, record_check
from erdq.rules.marc.control import GOOD_008, cf, mrk, with_position

_PN = (
    "PCC Provider-Neutral E-Resource MARC Record Guidelines (Program for Cooperative "
    "Cataloging); MARC 21 Format for Bibliographic Data: {}."
)
ONLINE_008 = with_position(GOOD_008, 23, "o")
_ONLINE_007 = cf("007", "cr |||||||||||")
_ONLINE_006 = cf("006", "m     o  d        ")


def online_record(*extra: str, omit: tuple[str, ...] = ()) -> bytes:
    """A complete provider-neutral e-book record for the examples, less ``omit``."""
    lines = [
        "=001  pn-0001",
        _ONLINE_006,
        _ONLINE_007,
        cf("008", ONLINE_008),
        "=020  \\\\$a9780306406157",
        "=040  \\\\$aXX$beng$erda$cXX",
        "=245  03$aAn invented e-book /$cA. Author.",
        "=264  \\1$aLondon :$bInvented Press,$c2009.",
        "=300  \\\\$a1 online resource (x, 200 pages)",
        "=336  \\\\$atext$btxt$2rdacontent",
        "=337  \\\\$acomputer$bc$2rdamedia",
        "=338  \\\\$aonline resource$bcr$2rdacarrier",
        "=588  0\\$aDescription based on print version record.",
        "=856  40$uhttps://www.example.org/ebook/1",
    ]
    kept = [line for line in lines if line[1:4] not in omit] + list(extra)
    return mrk(*sorted(kept, key=lambda line: line[1:4]))


NO_007 = rule(
    "MR401",
    "online-resource-007-not-cr",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The record is for an online resource ({evidence}) but {problem}. Add a 007 "
    "for a remote electronic resource, e.g. `cr |||||||||||`.",
    doc=sections(
        what="A record for an online resource has a 007 whose first two characters are "
        "`cr` (electronic resource, remote).",
        why="Discovery systems build their 'online' format facet and availability label "
        "from 007/00-01; without `cr` an e-book shows up as a print book.",
        example="An e-book record (856 40, 338 online resource) with no 007, or with "
        "`007 ta` (text, regular print).",
        fix="Add `007 cr |||||||||||` (or fully coded, e.g. `cr una---uuuuu`).",
        references=_PN.format("007 Electronic Resource"),
    ),
    bad=Example(raw=online_record(omit=("007",))),
    good=Example(raw=online_record()),
)

NO_006 = rule(
    "MR402",
    "online-resource-006-missing",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="The record is for an online resource ({evidence}) of type {material} but has "
    "no 006 for its electronic aspect. Add an 006 such as `m     o  d        `.",
    doc=sections(
        what="A record for an online resource whose type is not computer file (leader/06 "
        "other than `m`, e.g. an e-book) carries a 006 with 006/00 `m` describing its "
        "electronic aspect.",
        why="Some discovery systems and ILS format rules read the 006 to tell an e-book "
        "from a print book.",
        example="An e-book (leader/06 `a`) with 007 `cr` but no 006.",
        fix="Add `006 m     o  d        ` (computer file, online, document).",
        references=_PN.format("006 Computer Files/Electronic Resources"),
    ),
    bad=Example(raw=online_record(omit=("006",))),
    good=Example(raw=online_record()),
)

FORM_NOT_ONLINE = rule(
    "MR403",
    "online-resource-form-not-online",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The record is for an online resource ({evidence}) but 008/{position} form of "
    "item is {shown!r}{meaning}. Set 008/{position} to 'o' (online).",
    doc=sections(
        what="In a record for an online resource, the 008 form of item (008/23, or 008/29 "
        "for maps and visual materials) is `o`, online.",
        why="Form of item is the fixed-field code most systems use for the print/online "
        "facet; `#` (regular print) or `r` puts the e-resource among print books. `s` "
        "(electronic) predates `o` and does not tell online from CD-ROM.",
        example="An e-book record whose 008/23 is blank.",
        fix="Set the form of item to `o`.",
        references=_PN.format("008/23 Form of item"),
    ),
    bad=Example(raw=online_record(cf("008", GOOD_008), omit=("008",))),
    good=Example(raw=online_record()),
)

EXTENT = rule(
    "MR404",
    "online-resource-extent",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The record is for an online resource ({evidence}) but {problem}. Write the "
    "extent as `1 online resource` (with pages or other detail in parentheses).",
    doc=sections(
        what="A record for an online resource has a 300 whose $a says `online resource`, "
        "e.g. `1 online resource (xii, 300 pages)`.",
        why="Readers see the extent in the full display; a print extent (`300 p. ; 24 cm`) "
        "copied from the print record misleads them about what they get.",
        example="`300 ## $a xii, 300 p. ; $c 24 cm.` in an e-book record.",
        fix="Replace the 300 with `1 online resource (...)`.",
        references=_PN.format("300 Physical Description"),
    ),
    bad=Example(raw=online_record("=300  \\\\$axii, 300 p. ;$c24 cm.", omit=("300",))),
    good=Example(raw=online_record()),
)

TYPES_MISSING = rule(
    "MR405",
    "online-resource-33x-missing",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The record is for an online resource ({evidence}) but lacks {missing}. Add "
    "them: 336 (content, e.g. text), 337 `computer`, 338 `online resource`.",
    doc=sections(
        what="A record for an online resource has 336 (content type), 337 (media type) "
        "and 338 (carrier type).",
        why="RDA-based discovery systems build their format and 'online' facets from "
        "337/338; without them the resource's type is guessed from other fields.",
        example="An e-book record without 337 and 338.",
        fix="Add `336 text $b txt $2 rdacontent`, `337 computer $b c $2 rdamedia`, "
        "`338 online resource $b cr $2 rdacarrier` (content type as appropriate).",
        references=_PN.format("336 Content Type, 337 Media Type, 338 Carrier Type"),
    ),
    bad=Example(raw=online_record(omit=("337", "338"))),
    good=Example(raw=online_record()),
)

TYPES_INCONSISTENT = rule(
    "MR406",
    "online-resource-33x-inconsistent",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.WARNING,
    scope=Scope.ROW,
    message="The record is for an online resource ({evidence}) but {tag} says {found!r}, "
    "not {expected!r}. Use {tag} {expected!r} (code {expected_code!r}) for the online version.",
    doc=sections(
        what="In a record for an online resource, a 337 says `computer` (code `c`) and a "
        "338 says `online resource` (code `cr`).",
        why="`unmediated`/`volume` copied from the print record make the e-resource a "
        "print book in format facets, and libraries that import e-records by carrier type "
        "file it with print.",
        example="`337 ## $a unmediated $b n $2 rdamedia` in an e-book record.",
        fix="Replace with `337 computer $b c` and `338 online resource $b cr`.",
        references=_PN.format("337 Media Type, 338 Carrier Type"),
    ),
    bad=Example(raw=online_record("=337  \\\\$aunmediated$bn$2rdamedia", omit=("337",))),
    good=Example(raw=online_record()),
)

NO_LINK = rule(
    "MR407",
    "online-resource-856-missing",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="The record is for an online resource ({evidence}) but has no 856 with a $u "
    "link. Add the link (856 40 $u https://...) or the access will depend on the link "
    "resolver alone.",
    doc=sections(
        what="A record for an online resource has at least one 856 with a $u (URL).",
        why="The 856 $u is the link readers click in the catalogue; without it the "
        "resource is listed but cannot be opened.",
        example="An e-book record coded online (007 `cr`, 338 `online resource`) without 856.",
        fix="Add `856 40 $u` with the provider's (or the proxy-prefixed) URL.",
        references=_PN.format("856 Electronic Location and Access"),
    ),
    bad=Example(raw=online_record(omit=("856",))),
    good=Example(raw=online_record()),
)

URL_MALFORMED = rule(
    "MR408",
    "url-malformed",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.ERROR,
    scope=Scope.ROW,
    message="856 $u {value!r} is not a well-formed absolute URL ({problem}). Give the full "
    "address, starting with https://.",
    doc=sections(
        what="Every 856 $u (in any record) is an absolute URL: an http, https or ftp "
        "address with a host name, or a URN/DOI/handle URI, with no spaces and no "
        "characters that must be percent-encoded.",
        why="A relative path, a `www.` address without scheme or a URL with a space is not "
        "a link a browser can follow; the reader gets an error page.",
        example="`856 40 $u www.example.org/ebook/1`; `http://example.org/a b`.",
        fix="Write the full URL (`https://www.example.org/ebook/1`); encode spaces as %20.",
        references=_PN.format("856 $u Uniform Resource Identifier") + " RFC 3986 (URI).",
    ),
    bad=Example(raw=online_record("=856  40$uwww.example.org/ebook/1", omit=("856",))),
    good=Example(raw=online_record()),
)

NO_SOURCE = rule(
    "MR409",
    "online-resource-588-missing",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="The record is for an online resource ({evidence}) but has no 588 source of "
    "description note. Add one, e.g. `588 0# $a Description based on print version "
    "record.`",
    doc=sections(
        what="A record for an online resource says in 588 what its description is based "
        "on (the online resource viewed on a date, or the print version record).",
        why="Provider-neutral records are derived from print records or from one "
        "provider's version; without 588 nobody can tell whether the data was checked "
        "against the online resource.",
        example="An e-book record without 588.",
        fix="Add `588 0# $a Description based on print version record.` or `Description "
        "based on online resource; title from PDF title page (viewed ...)`.",
        references=_PN.format("588 Source of Description Note"),
    ),
    bad=Example(raw=online_record(omit=("588",))),
    good=Example(raw=online_record()),
)

NOT_RDA = rule(
    "MR410",
    "online-resource-not-rda",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="The record is for an online resource ({evidence}) but {problem}. "
    "Provider-neutral records are described by RDA: add 040 $e rda (after upgrading the "
    "description).",
    doc=sections(
        what="A record for an online resource has 040 $e `rda` (description conventions).",
        why="Provider-neutral practice has been RDA since 2013; an AACR2 e-record usually "
        "lacks 336/337/338 and carries a GMD (`[electronic resource]`), which modern "
        "discovery layers display as part of the title.",
        example="`040 ## $a XX $c XX` in an e-book record.",
        fix="Upgrade the record to RDA (remove the GMD, add 33X) and add `$e rda` to 040.",
        references=_PN.format("040 Cataloging Source"),
    ),
    bad=Example(raw=online_record("=040  \\\\$aXX$cXX", omit=("040",))),
    good=Example(raw=online_record()),
)

ACCESS_METHOD = rule(
    "MR411",
    "url-access-method-mismatch",
    level=Level.BIBLIOGRAPHIC,
    severity=Severity.INFO,
    scope=Scope.ROW,
    message="856 first indicator {shown!r} ({method}) does not match the {scheme} URL "
    "{value!r}. Set the first indicator to {expected!r}.",
    doc=sections(
        what="The first indicator of 856 (access method) agrees with the scheme of $u: "
        "`4` for http/https, `1` for ftp, `0` for email (mailto); blank and `7` (method "
        "in $2) are not checked.",
        why="Some systems only turn 856 fields with first indicator 4 into clickable "
        "links; `856 1#` on an https URL may not be shown as a link.",
        example="`856 1# $u https://www.example.org/ebook/1`.",
        fix="Set the first indicator to match the URL (`4` for web addresses).",
        references=_PN.format("856 First indicator, Access method"),
    ),
    bad=Example(raw=online_record("=856  10$uhttps://www.example.org/ebook/1", omit=("856",))),
    good=Example(raw=online_record()),
)

_ONLINE_RE = re.compile(r"\bonline resources?\b", re.IGNORECASE)
_HOST_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-._~%!$&'()*+,;=:\[\]]*)")
_UNSAFE_RE = re.compile(r"[<>\"{}|\\^`\x00-\x20\x7f]")
_URI_SCHEMES = frozenset({"urn", "doi", "hdl"})
_WEB_SCHEMES = frozenset({"http", "https", "ftp", "ftps"})
_METHOD_BY_SCHEME = {"http": "4", "https": "4", "ftp": "1", "ftps": "1", "mailto": "0"}
_METHOD_NAMES = {
    "0": "email",
    "1": "FTP",
    "2": "remote login (Telnet)",
    "3": "dial-up",
    "4": "HTTP",
    "7": "method in $2",
}
_FORM_MEANING = {
    " ": " (none of the following: regular print)",
    "r": " (regular print reproduction)",
    "s": " (electronic: the older code that does not tell online from direct access)",
    "q": " (direct electronic, e.g. CD-ROM)",
    "|": " (no attempt to code)",
}


@lru_cache(maxsize=1 << 14)
def url_problem(url: str) -> str | None:
    """Why a 856 $u is not a well-formed absolute URL (None when it is)."""
    if not url.strip():
        return "it is empty"
    if url != url.strip():
        return "it has spaces around it"
    if any(ch.isspace() for ch in url):
        return "it contains spaces; write them as %20"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "it cannot be parsed"
    scheme = parts.scheme.lower()
    if not scheme:
        if url.lower().startswith("www."):
            return "the scheme https:// is missing"
        if url.startswith("10.") and "/" in url:
            return "it is a bare DOI; write https://doi.org/" + url
        return "it is not an absolute URL (no scheme)"
    if scheme in _URI_SCHEMES:
        return None
    if scheme not in _WEB_SCHEMES:
        return f"the scheme {parts.scheme!r} is not http, https or ftp"
    if not url[len(scheme) :].startswith("://"):
        return f"{scheme}: must be followed by //"
    host = parts.hostname or ""
    if not host or not _HOST_RE.fullmatch(host) or ".." in host:
        return "it has no valid host name"
    unsafe = sorted(set(_UNSAFE_RE.findall(url)))
    if unsafe:
        return "it contains characters that must be percent-encoded: " + " ".join(unsafe)
    return None


def online_evidence(item: MarcItem) -> str | None:
    """``marc21.online_evidence`` for the item, computed once per record."""
    memo = item.memo
    if "online" not in memo:
        memo["online"] = marc21.online_evidence(marc21.index_of(item))
    return memo["online"]  # type: ignore[return-value]


def _norm(value: str | None) -> str:
    return (value or "").strip().rstrip(".").strip().lower()


@record_check(URL_MALFORMED, ACCESS_METHOD)
def check_links(item: MarcItem, ctx: RecordContext) -> None:
    for field in marc21.index_of(item).data_fields("856"):
        ind1 = field.indicators[0] if field.indicators else " "
        for value in marc21.subfield_values(field, "u"):
            problem = url_problem(value)
            if problem is not None:
                ctx.report(
                    "MR408", item.ordinal, value=value, tag="856", subfield="u", problem=problem
                )
                continue
            scheme = value.split(":", 1)[0].lower()
            expected = _METHOD_BY_SCHEME.get(scheme)
            if expected and ind1 in "0123" and ind1 != expected:
                ctx.report(
                    "MR411",
                    item.ordinal,
                    value=value,
                    tag="856",
                    shown=ind1,
                    method=_METHOD_NAMES[ind1],
                    scheme=scheme,
                    expected=expected,
                )


@record_check(
    NO_007,
    NO_006,
    FORM_NOT_ONLINE,
    EXTENT,
    TYPES_MISSING,
    TYPES_INCONSISTENT,
    NO_LINK,
    NO_SOURCE,
    NOT_RDA,
)
def check_online_profile(item: MarcItem, ctx: RecordContext) -> None:
    evidence = online_evidence(item)
    if evidence is None:
        return
    index = marc21.index_of(item)
    ordinal = item.ordinal
    tags = index.by_tag

    values_007 = [f.data or "" for f in tags.get("007", ()) if f.is_control_field()]
    if not any(v[:2] == "cr" for v in values_007):
        problem = (
            "it has no 007"
            if not values_007
            else "its 007 is " + ", ".join(repr(v[:2]) for v in values_007) + ", not 'cr'"
        )
        ctx.report(
            "MR401",
            ordinal,
            tag="007",
            value=values_007[0] if values_007 else None,
            evidence=evidence,
            problem=problem,
        )

    leader = index.leader
    mtype = marc21.material_type(leader)
    if mtype is not None and mtype != "CF":
        values_006 = [f.data or "" for f in tags.get("006", ()) if f.is_control_field()]
        if not any(v[:1] == "m" for v in values_006):
            ctx.report(
                "MR402",
                ordinal,
                tag="006",
                evidence=evidence,
                material=marc21.MATERIAL_TYPES[mtype]["name"].lower(),
            )

    form = marc21.form_of_item(index)
    if form is not None and form[0] != "o":
        ctx.report(
            "MR403",
            ordinal,
            tag="008",
            value=form[0],
            evidence=evidence,
            position=str(form[1]),
            shown=marc21.show(form[0]),
            meaning=_FORM_MEANING.get(form[0], ""),
        )

    extents = [v for f in tags.get("300", ()) for v in marc21.subfield_values(f, "a")]
    if not tags.get("300"):
        ctx.report("MR404", ordinal, tag="300", evidence=evidence, problem="it has no 300")
    elif not any(_ONLINE_RE.search(v) for v in extents):
        shown = extents[0] if extents else ""
        ctx.report(
            "MR404",
            ordinal,
            tag="300",
            subfield="a",
            value=shown,
            evidence=evidence,
            problem=f"300 $a says {shown!r}",
        )

    missing = [t for t in ("336", "337", "338") if not tags.get(t)]
    if missing:
        ctx.report(
            "MR405", ordinal, tag=missing[0], evidence=evidence, missing=" and ".join(missing)
        )
    for tag, term, code in (("337", "computer", "c"), ("338", "online resource", "cr")):
        fields = tags.get(tag)
        if not fields:
            continue
        terms = [_norm(sf.value) for f in fields for sf in f.subfields or () if sf.code == "a"]
        codes = [_norm(sf.value) for f in fields for sf in f.subfields or () if sf.code == "b"]
        if term in terms or code in codes:
            continue
        found = (terms or codes or [""])[0]
        ctx.report(
            "MR406",
            ordinal,
            tag=tag,
            value=found,
            evidence=evidence,
            found=found,
            expected=term,
            expected_code=code,
        )

    if not any(marc21.subfield_values(f, "u") for f in tags.get("856", ())):
        ctx.report("MR407", ordinal, tag="856", evidence=evidence)
    if not tags.get("588"):
        ctx.report("MR409", ordinal, tag="588", evidence=evidence)
    f040 = tags.get("040")
    if not f040:
        ctx.report("MR410", ordinal, tag="040", evidence=evidence, problem="it has no 040")
    elif not any(_norm(v) == "rda" for f in f040 for v in marc21.subfield_values(f, "e")):
        conventions = [v for f in f040 for v in marc21.subfield_values(f, "e")]
        problem = (
            f"040 $e says {conventions[0]!r}"
            if conventions
            else f"040 has no $e rda (leader/18 {marc21.show(leader[18])!r})"
        )
        ctx.report("MR410", ordinal, tag="040", subfield="e", evidence=evidence, problem=problem)
