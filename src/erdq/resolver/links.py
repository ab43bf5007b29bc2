"""Target URLs and the human explanation of a service.

A collection's ``link_template`` is one of:

* empty or ``title_url`` — the portfolio's ``title_url`` (the default);
* ``doi`` — ``https://doi.org/<doi>`` when the citation has a DOI, else the title URL;
* a URL with placeholders ``{issn}`` ``{eissn}`` ``{isbn}`` ``{doi}`` ``{volume}``
  ``{issue}`` ``{spage}`` ``{date}`` ``{title_id}`` ``{title_url}``, each URL-encoded.

Placeholders are replaced by plain text substitution, never ``str.format`` (which would
let a template reach Python attributes). Only http(s) URLs are ever returned, so a
``javascript:`` value in the data can never become a link or a redirect. A collection's
``proxy`` is put in front (EZproxy style ``https://proxy/login?url=``), or, when it
contains ``{url}``, gets the URL-encoded target in that place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from erdq.holdings import merge_ranges
from erdq.identifiers import check_identifier
from erdq.model.coverage import CoverageRange, inverted
from erdq.model.embargo import Embargo
from erdq.openurl.citation import Citation

PLACEHOLDERS = (
    "issn",
    "eissn",
    "isbn",
    "doi",
    "volume",
    "issue",
    "spage",
    "date",
    "title_id",
    "title_url",
)
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]*)\}")
_UNITS = {"D": "day", "M": "month", "Y": "year"}


def check_template(template: str) -> str | None:
    """What is wrong with a link template, or None when it can be used."""
    if template in ("", "title_url", "doi"):
        return None
    unknown = sorted({n for n in _PLACEHOLDER_RE.findall(template) if n not in PLACEHOLDERS})
    if unknown:
        return (
            f"unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)}; "
            f"known: {', '.join('{' + n + '}' for n in PLACEHOLDERS)}"
        )
    if not template.lower().startswith(("http://", "https://")):
        return "a link template must be an http:// or https:// URL, 'title_url' or 'doi'"
    stray = _PLACEHOLDER_RE.sub("", template)
    if "{" in stray or "}" in stray:
        # '{issn' would be sent as it is: a link that goes nowhere.
        return (
            "a brace that opens or closes no placeholder; write placeholders as {issn} "
            "(a literal brace in a URL is %7B or %7D)"
        )
    return None


def check_proxy(proxy: str) -> str | None:
    if proxy and not proxy.lower().startswith(("http://", "https://")):
        return "a proxy prefix must start with http:// or https://"
    return None


def target_url(
    template: str | None,
    proxy: str | None,
    citation: Citation,
    *,
    title_url: str | None,
    print_identifier: str | None,
    online_identifier: str | None,
    title_id: str | None,
) -> str | None:
    """The URL a service links to, or None when none can be built."""
    template = (template or "").strip()
    url: str | None
    if template in ("", "title_url"):
        url = title_url
    elif template == "doi":
        url = f"https://doi.org/{doi_path(citation.doi)}" if citation.doi else title_url
    else:
        values = _values(citation, title_url, print_identifier, online_identifier, title_id)
        url = _PLACEHOLDER_RE.sub(lambda m: quote(values.get(m[1]) or "", safe=""), template)
    if not url or not _is_web(url):
        return None
    if proxy:
        proxy = proxy.strip()
        url = proxy.replace("{url}", quote(url, safe="")) if "{url}" in proxy else proxy + url
        if not _is_web(url):
            return None
    return url


def _values(
    citation: Citation,
    title_url: str | None,
    print_identifier: str | None,
    online_identifier: str | None,
    title_id: str | None,
) -> dict[str, str | None]:
    def kind(value: str | None) -> str | None:
        return check_identifier(value).kind if value else None

    issn = print_identifier if kind(print_identifier) == "issn" else None
    eissn = online_identifier if kind(online_identifier) == "issn" else None
    isbn = next((i for i in (online_identifier, print_identifier) if kind(i) == "isbn13"), None)
    return {
        "issn": issn or (citation.issns[0] if citation.issns else eissn),
        "eissn": eissn or (citation.eissns[0] if citation.eissns else issn),
        "isbn": isbn or (citation.isbns[0] if citation.isbns else None),
        "doi": citation.doi,
        "volume": citation.volume,
        "issue": citation.issue,
        "spage": citation.spage,
        "date": str(citation.date) if citation.date else None,
        "title_id": title_id,
        "title_url": title_url,
    }


def doi_path(doi: str) -> str:
    """A DOI as the path of its doi.org link: percent-encoded (RFC 3986), "/" kept, and a
    "." or ".." segment encoded too, as a browser would otherwise resolve it away
    (``10.1002/x/../../y`` must not become ``https://doi.org/y``)."""
    segments = quote(doi, safe="/").split("/")
    return "/".join("%2E" * len(s) if s in (".", "..") else s for s in segments)


def _is_web(url: str) -> bool:
    low = url.strip().lower()
    return low.startswith(("http://", "https://")) and not any(c in url for c in "\r\n\t ")


def explanation(
    coverage: CoverageRange | Sequence[CoverageRange] | None,
    collection: str,
    depth: str | None = None,
) -> str:
    """ "Full text 1997–present via X; the most recent 12 months are embargoed".

    Given the title's ranges in the collection, describes its coverage as a reader
    understands it: ranges that overlap or touch are merged as ``erdq holdings publish``
    merges them (``erdq.holdings.merge_ranges``), so 2000–2005 and 2006–2010 read
    "2000–2010", and a gap stays a gap ("1950–1980, 1997–present"). A range that ends
    before it starts covers nothing and is left out.
    """
    what = "Full text" if not depth or depth.lower() == "fulltext" else depth.capitalize()
    if coverage is None:
        return f"{what} via {collection}"
    ranges = [coverage] if isinstance(coverage, CoverageRange) else list(coverage)
    merged = merge_ranges(r for r in ranges if not inverted(r))
    if not merged:
        return f"{what} via {collection}"
    embargoes = {r.embargo for r in merged}
    if len(embargoes) == 1:
        spans = ", ".join(s for s in (_span(r) for r in merged) if s)
        text = f"{what} {spans} via {collection}" if spans else f"{what} via {collection}"
        (embargo,) = embargoes
        return text + ("; " + embargo_phrase(embargo) if embargo is not None else "")
    # Ranges on different terms: each says its own embargo.
    parts = []
    for r in merged:
        span = _span(r) or "all years"
        parts.append(f"{span} ({embargo_phrase(r.embargo)})" if r.embargo is not None else span)
    return f"{what} {', '.join(parts)} via {collection}"


def _span(r: CoverageRange) -> str:
    start, end = r.start_date, r.end_date
    if start is None and end is None:
        return ""
    return f"{start.year if start else 'earliest'}–{end.year if end else 'present'}"


def embargo_phrase(embargo: Embargo) -> str:
    parts = []
    for s in embargo.statements:
        if s.length == 0:
            continue  # R0Y, P0D: no wall (``EmbargoStatement.wall``), nothing to tell
        unit = _UNITS[s.unit]
        amount = f"{s.length} {unit}s" if s.length != 1 else unit
        if s.kind == "P":
            verb = "are" if s.length != 1 else "is"
            parts.append(f"the most recent {amount} {verb} embargoed")
        else:
            parts.append(
                f"only the most recent {amount} {'are' if s.length != 1 else 'is'} available"
            )
    return "; ".join(parts)
