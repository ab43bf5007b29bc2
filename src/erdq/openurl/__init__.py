"""OpenURL requests (Z39.88-2004 KEV and XML, OpenURL 0.1, and mixtures) as ``Citation``s.

``parse_openurl`` takes whatever arrived — a query string, a full resolver URL, an XML
ContextObject, or a KEV request carrying one in ``url_ctx_val`` — and never raises on bad
input: what it cannot understand is listed in ``Citation.warnings``.
"""

from __future__ import annotations

from erdq.openurl.citation import Citation
from erdq.openurl.kev import split_query
from erdq.openurl.normalise import citation_from_pairs, normalise_doi, parse_citation_date
from erdq.openurl.xml import parse_context_object

__all__ = [
    "Citation",
    "citation_from_pairs",
    "normalise_doi",
    "parse_citation_date",
    "parse_context_object",
    "parse_openurl",
    "split_query",
]


def parse_openurl(text: str | bytes) -> Citation:
    """The normalised citation of one OpenURL request, with its parse warnings."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    stripped = text.strip()
    if stripped.startswith("<"):
        return parse_context_object(stripped)
    pairs, warnings = split_query(stripped)
    keys = {k: v for k, v in pairs}
    if keys.get("url_ctx_fmt", "").strip().lower() == "info:ofi/fmt:xml:xsd:ctx":
        xml = keys.get("url_ctx_val", "").strip()
        if xml:
            inner = parse_context_object(xml)
            if warnings:
                from dataclasses import replace

                return replace(inner, warnings=tuple(warnings) + inner.warnings)
            return inner
        warnings.append("url_ctx_fmt names an XML ContextObject but url_ctx_val is empty")
    return citation_from_pairs(pairs, warnings)
