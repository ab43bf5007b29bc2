"""Recognise what a file is from its first bytes, not its name.

Used to refuse, with a clear message, files that are not delimited text (a MARC file,
an Excel workbook, a PDF, an HTML error page saved instead of the download) before a
text reader turns their bytes into nonsense findings.
"""

from __future__ import annotations

import codecs
import re

_MARC_LEADER = re.compile(rb"^\d{5}[acdnposx][a-z ][a-z ][ a]")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or an Excel (.xlsx) workbook"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel (.xls) or Office file"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def not_tabular_kind(head: bytes) -> str | None:
    """A description of ``head`` when it is not a delimited text file, else None.

    UTF-16 text has NUL bytes too; the text reader recognises it, so it is not binary.
    """
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if text.startswith((b"<?xml", b"<collection", b"<record", b"<marc:")):
        return "an XML document (MARCXML?)"
    if text.startswith((b"<!doctype html", b"<html")):
        return "an HTML page (a login or error page instead of the file?)"
    if text.startswith((b"{", b"[{")):
        return "a JSON document"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if _MARC_LEADER.match(head) and (b"\x1e" in head[:100_000] or b"\x1d" in head[:100_000]):
        return "a MARC 21 (ISO 2709) record file"
    sample = head[:4096]
    if not sample:
        return None
    if sample.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32 text, which erdq does not read (save it as UTF-8)"
    if sample.count(0) == len(sample):
        return "a file of NUL (zero) bytes only (an interrupted download or copy?)"
    if _utf16_like(sample):
        return None
    # A stray NUL in a text file is a finding (KB119), not a reason to refuse the file.
    if sample.count(0) > len(sample) // 100:
        return "a binary file"
    controls = sum(1 for b in sample if b < 9 or (13 < b < 32 and b != 27))
    if controls > len(sample) // 20:
        return "a binary file"
    if len(head) >= 2048 and not any(c in head for c in (b"\t", b"\n", b"\r", b",", b";")):
        return "a binary file (no line breaks or separators at all)"
    # Not UTF-8 either: a single-byte text has few bytes above 0x7F; compressed or
    # encrypted data has nearly half of them there. (UTF-8 text in a non-Latin script has
    # most of its bytes there too, so UTF-8 is tried first.)
    if (
        len(sample) >= 512
        and not _mostly_utf8(sample, truncated=len(head) > len(sample))
        and sum(1 for b in sample if b > 0x7F) > len(sample) // 3
    ):
        return "a binary file"
    return None


def _utf16_like(sample: bytes) -> bool:
    """UTF-16 text, with or without a BOM: every other byte of its ASCII part is NUL, and
    the bytes between are not (a run of NULs has both halves NUL)."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    half = len(sample) // 2
    if half < 8:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) > half // 2 and min(even, odd) < half // 4


def _mostly_utf8(sample: bytes, *, truncated: bool) -> bool:
    """Whether ``sample`` decodes as UTF-8 but for a few bad bytes (which the text reader
    reports). ``truncated``: the sample was cut from a longer file, so a character split
    at its end is not an error."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    text = decoder.decode(sample, final=not truncated)
    return text.count("\ufffd") <= max(1, len(text) // 100)


_ISO_LEADER = re.compile(rb"^[\r\n]*\d{5}")
_XML_START = re.compile(rb"^<(\?xml|!--|!DOCTYPE|[A-Za-z_][\w.\-]*:?[\w.\-]*[\s>/])", re.IGNORECASE)


def marc_format(head: bytes) -> str | None:
    """The MARC serialisation of a file from its first bytes, or None when it is not MARC.

    "iso2709" (leader digits and terminators), "marcxml" (an XML document: whether it
    holds records is up to the reader), "mrk" (MarcEdit mnemonic, ``=LDR``), "json"
    (MARC-in-JSON or an API response holding MARCXML). HTML is never MARCXML.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "marcxml" if b"<\x00" in head[:8] or b"\x00<" in head[:8] else None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = text[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return None
    if _XML_START.match(text):
        return "marcxml"
    if text.startswith((b"=LDR", b"=ldr", b"=000")):
        return "mrk"
    if text.startswith((b"{", b"[")):
        return "json"
    if _ISO_LEADER.match(head) and (b"\x1e" in head or b"\x1d" in head):
        return "iso2709"
    if (b"\x1e" in head[:4096] and b"\x1d" in head) or _MARC_LEADER.match(text):
        return "iso2709"  # a first record with a damaged leader: still binary MARC
    return None
