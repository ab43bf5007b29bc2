"""XML ContextObjects (``info:ofi/fmt:xml:xsd:ctx``) read into the same pairs as KEV.

The parser never fetches anything and never expands entities (``resolve_entities=False``,
``no_network=True``, no DTD), so a hostile document cannot read files or reach the
network; it recovers from broken markup and reports what it had to skip. The referent's
metadata may be a journal or book record (the Z39.88 XML formats), Dublin Core, or a
MARCXML record; each becomes ``rft.*`` pairs for ``citation_from_pairs``.
"""

from __future__ import annotations

from lxml import etree

from erdq.openurl.citation import Citation
from erdq.openurl.normalise import citation_from_pairs

_CTX = "info:ofi/fmt:xml:xsd:ctx"
_MAX_XML = 1 << 20  # a ContextObject is a few KB; refuse to parse megabytes


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        recover=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_context_object(xml: str | bytes) -> Citation:
    """The first ContextObject's referent as a citation; problems become warnings."""
    warnings: list[str] = []
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    data = data.strip()
    if len(data) > _MAX_XML:
        return Citation(syntax="xml", warnings=("the XML ContextObject is over 1 MB; not read",))
    if isinstance(xml, str) and data.startswith(b"<?xml"):
        # A declared encoding would contradict the text we already decoded: drop it.
        end = data.find(b"?>")
        data = data[end + 2 :] if end != -1 else data
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        root = None
        warnings.append(f"the XML ContextObject cannot be read: {exc}")
    for error in list(parser.error_log)[:5]:
        warnings.append(f"XML problem at line {error.line}: {error.message.strip()}")
    if root is None:
        return Citation(syntax="xml", warnings=tuple(warnings))
    pairs: list[tuple[str, str]] = [("ctx_ver", "Z39.88-2004")]
    ctx = _first(root, "context-object") if _local(root.tag) != "context-object" else root
    if ctx is None:
        warnings.append("no context-object element found")
        return citation_from_pairs(pairs, warnings, syntax="xml")
    referent = _first(ctx, "referent")
    for name, key in (("referrer", "rfr_id"),):
        entity = _first(ctx, name)
        if entity is not None:
            for ident in _children(entity, "identifier"):
                if _text(ident):
                    pairs.append((key, _text(ident)))
    if referent is None:
        warnings.append("the ContextObject has no referent")
        return citation_from_pairs(pairs, warnings, syntax="xml")
    for ident in _children(referent, "identifier"):
        if _text(ident):
            pairs.append(("rft_id", _text(ident)))
    by_val = _first(referent, "metadata-by-val")
    if by_val is not None:
        fmt = _first(by_val, "format")
        metadata = _first(by_val, "metadata")
        fmt_text = _text(fmt) if fmt is not None else ""
        record = (
            next((e for e in metadata if isinstance(e.tag, str)), None)
            if metadata is not None
            else None
        )
        if record is not None:
            kind = _local(record.tag)
            if kind in ("journal", "book", "dissertation", "patent"):
                pairs.append(("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{kind}"))
                pairs += _scholarly(record)
            elif kind == "dc":
                pairs.append(("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"))
                pairs += _dublin_core(record)
            elif kind == "record":
                pairs.append(("rft_val_fmt", "info:ofi/fmt:xml:xsd:MARC21"))
                pairs += _marc(record)
            else:
                warnings.append(
                    f"referent metadata {kind!r} ({fmt_text}) is not a format erdq reads"
                )
    return citation_from_pairs(pairs, warnings, syntax="xml")


def _scholarly(record: etree._Element) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    first_author = True
    for element in record.iter(etree.Element):
        name = _local(element.tag)
        if name == "author":
            last = _child_text(element, "aulast")
            first = _child_text(element, "aufirst")
            if first_author:
                if last:
                    pairs.append(("rft.aulast", last))
                if first:
                    pairs.append(("rft.aufirst", first))
                first_author = False
            full = ", ".join(p for p in (last, first) if p)
            if full:
                pairs.append(("rft.au", full))
        elif name == "au" and _text(element):
            pairs.append(("rft.au", _text(element)))
        elif name in ("authors", "aulast", "aufirst", "auinit", "journal", "book"):
            continue
        elif len(element) == 0 and _text(element):
            pairs.append((f"rft.{name}", _text(element)))
    return pairs


def _dublin_core(record: etree._Element) -> list[tuple[str, str]]:
    mapping = {"title": "rft.title", "creator": "rft.au", "date": "rft.date",
               "publisher": "rft.pub", "identifier": "rft_id"}  # fmt: skip
    pairs = []
    for element in record.iterchildren(etree.Element):
        key = mapping.get(_local(element.tag))
        if key and _text(element):
            pairs.append((key, _text(element)))
    return pairs


def _marc(record: etree._Element) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for field in record.iterchildren(etree.Element):
        tag = field.get("tag")
        if _local(field.tag) == "controlfield" and tag == "008":
            year = (field.text or "")[7:11]
            if year.isdigit():
                pairs.append(("rft.date", year))
            continue
        subfields = {}
        for sub in field.iterchildren(etree.Element):
            subfields.setdefault(sub.get("code"), []).append(_text(sub))
        first = {code: values[0] for code, values in subfields.items() if values}
        if tag == "020" and first.get("a"):
            pairs.append(("rft.isbn", first["a"].split(" ")[0]))
        elif tag == "022" and first.get("a"):
            pairs.append(("rft.issn", first["a"]))
        elif tag == "245":
            title = " ".join(v for v in (first.get("a"), first.get("b")) if v)
            title = title.rstrip(" /:;,.")
            if title:
                pairs.append(("rft.btitle", title))
        elif tag in ("100", "700") and first.get("a"):
            pairs.append(("rft.au", first["a"].rstrip(" ,.")))
        elif tag in ("260", "264") and first.get("b"):
            pairs.append(("rft.pub", first["b"].rstrip(" ,:;")))
    return pairs


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""  # comments, processing instructions, entities
    # "{namespace}name" or, from a document without namespace declarations, "prefix:name".
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _first(element: etree._Element, name: str) -> etree._Element | None:
    for child in element.iter():
        if child is not element and _local(child.tag) == name:
            return child
    return None


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element.iterchildren(etree.Element) if _local(c.tag) == name]


def _child_text(element: etree._Element, name: str) -> str:
    child = next((c for c in element.iterchildren(etree.Element) if _local(c.tag) == name), None)
    return _text(child) if child is not None else ""


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())
