"""Splitting a KEV query string (``key=value&key=value``) into decoded pairs, tolerantly.

Real traffic arrives as a full resolver URL or a bare query string; with ``&amp;`` for
``&`` (copied out of HTML); with unencoded spaces, quotes and non-ASCII characters; with
an unencoded ``&`` inside a value; in UTF-8 or, when ``ctx_enc`` says so, ISO-8859-1. Only
``&`` separates pairs: a ``;`` belongs to the value (SICI DOIs contain one). Nothing here
raises: every repair is reported in the returned warnings.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

_ENCODINGS = {
    "info:ofi/enc:utf-8": "utf-8",
    "info:ofi/enc:iso-8859-1": "latin-1",
    "info:ofi/enc:us-ascii": "utf-8",  # ASCII is a subset; read as UTF-8
}
_PERCENT_BYTES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def split_query(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(key, value) pairs in order, decoded, and the warnings about the input."""
    warnings: list[str] = []
    query = _query_part(text.strip())
    if "&amp;" in query:
        query = query.replace("&amp;", "&")
        warnings.append("the query uses the HTML escape '&amp;' for '&'; read as '&'")
    raw_pairs: list[list[str]] = []
    for segment in query.split("&"):
        if not segment.strip():
            continue
        if "=" in segment:
            key, _, value = segment.partition("=")
            raw_pairs.append([key, value])
        elif raw_pairs:
            # An unencoded '&' inside a value ("Planning & design"): glue it back.
            raw_pairs[-1][1] += "&" + segment
            warnings.append(
                f"an unencoded '&' in the value of {_decode(raw_pairs[-1][0], 'utf-8')[0]!r}"
                " was kept as part of it"
            )
        else:
            warnings.append(f"{_decode(segment, 'utf-8')[0]!r} has no '=' and was ignored")
    encoding = _encoding(raw_pairs, warnings)
    pairs: list[tuple[str, str]] = []
    for key, value in raw_pairs:
        dkey, bad_key = _decode(key, encoding)
        dvalue, bad_value = _decode(value, encoding)
        if bad_key or bad_value:
            warnings.append(
                f"the value of {dkey!r} is not valid {encoding.upper()} after percent-decoding;"
                " read as Windows-1252"
            )
        pairs.append((dkey.strip(), dvalue.strip()))
    return pairs, warnings


def _query_part(text: str) -> str:
    """The query of a full URL (``http://host/resolve?a=b``, ``/openurl?a=b``), else the text.

    Only a '?' before the first '=' starts the query: later ones belong to values.
    """
    question, equals = text.find("?"), text.find("=")
    if question != -1 and (equals == -1 or question < equals):
        text = text[question + 1 :]
    return text


def _encoding(raw_pairs: list[list[str]], warnings: list[str]) -> str:
    for key, value in raw_pairs:
        if key == "ctx_enc":
            name = unquote_plus(value).strip().lower()
            if not name:
                return "utf-8"
            if name in _ENCODINGS:
                return _ENCODINGS[name]
            warnings.append(f"ctx_enc {unquote_plus(value)!r} is not known; read as UTF-8")
            return "utf-8"
    return "utf-8"


def _decode(text: str, encoding: str) -> tuple[str, bool]:
    """Percent- and plus-decoded text, and whether the bytes did not fit ``encoding``."""
    try:
        return unquote_plus(text, encoding=encoding, errors="strict"), False
    except UnicodeDecodeError:
        return unquote_plus(text, encoding="cp1252", errors="replace"), True
