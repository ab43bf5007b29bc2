"""Byte-level reading for tabular text: encoding sniffing and line splitting.

Files are read in binary chunks and split on LF, CRLF and CR alike, so a CR-only
(classic Mac) file and a CRLF file give the same lines. UTF-8 is decoded line by
line: a line that is not valid UTF-8 is decoded as Windows-1252 (Latin-1 for the
five bytes Windows-1252 leaves undefined) and reported, so a file mixing both
encodings is read whole and each fallback line is named. UTF-16 files (BOM or NUL
pattern) are decoded as a stream.
"""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

CHUNK = 1 << 20
SNIFF = 1 << 16

# What Excel shows (and exports) in a cell whose formula failed: never a value. Read by
# the KBART text rules and by the spreadsheet converter.
EXCEL_ERRORS = frozenset(
    ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!")
)


@dataclass
class TextStats:
    """What the reader learnt about the bytes; turned into findings at the end."""

    encoding: str = "utf-8"  # the encoding the file was read with
    bom: str | None = None  # "utf-8", "utf-16-le", "utf-16-be"
    crlf: int = 0
    cr: int = 0
    lf: int = 0
    utf8_non_ascii_lines: int = 0
    fallback_lines: list[int] = field(default_factory=list)  # read as Windows-1252
    nul_lines: list[int] = field(default_factory=list)
    cut_lines: list[tuple[int, int]] = field(default_factory=list)  # (line, bytes) > MAX_LINE
    unterminated: bool = False  # the last line has no line end
    bytes_read: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)  # of every byte read

    @property
    def label(self) -> str:
        """The encoding the text really had: "utf-8", "windows-1252", "utf-8+windows-1252"."""
        if self.encoding.startswith("utf-16") or not self.fallback_lines:
            return self.encoding
        return "windows-1252" if self.utf8_non_ascii_lines == 0 else "utf-8+windows-1252"

    @property
    def line_ending(self) -> str:
        kinds = [(self.lf, "LF"), (self.crlf, "CRLF"), (self.cr, "CR")]
        used = [name for count, name in kinds if count]
        if not used:
            return "none"
        return "+".join(used) if len(used) > 1 else used[0]


def sniff_encoding(head: bytes) -> tuple[str, str | None]:
    """Return (codec, bom) for the first bytes of a file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", "utf-8"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", "utf-16-be"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) > len(sample) // 4:
        # Text in UTF-16 without a BOM: every other byte of ASCII text is NUL.
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        return ("utf-16-be" if even_nuls > odd_nuls else "utf-16-le"), None
    return "utf-8", None


# Bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined in Windows-1252: Latin-1 for them.
_CP1252 = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0x100)}


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejected as Windows-1252, keeping valid UTF-8 around them."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join(_CP1252.get(b, chr(b)) for b in bad), error.end


codecs.register_error("erdq-cp1252", _cp1252_fallback)


def decode_line(raw: bytes) -> tuple[str, bool, bool]:
    """(text, had_fallback, has_valid_utf8_multibyte) for one line of bytes."""
    try:
        return raw.decode("utf-8"), False, True
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="erdq-cp1252")
        # Each fallback byte gives one character and each UTF-8 sequence one character for
        # several bytes: fewer characters than high bytes means real UTF-8 was present too.
        non_ascii_bytes = sum(1 for b in raw if b > 0x7F)
        non_ascii_chars = sum(1 for c in text if ord(c) > 0x7F)
        return text, True, non_ascii_chars < non_ascii_bytes


MAX_LINE = 16 << 20  # longer lines are cut here (and reported) rather than filling memory


class Cut(bytes):
    """The first MAX_LINE bytes of a longer line; ``length`` is the line's full size."""

    length: int = 0


def _split_bytes(fh: BinaryIO | _Limited, stats: TextStats) -> Iterator[bytes]:
    """Yield lines without their ending, counting each kind of ending."""
    carry = b""
    cut: Cut | None = None  # a line being skipped past MAX_LINE
    swallow_lf = False  # the cut line ended in CR at a chunk end: a LF may follow
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            break
        stats.bytes_read += len(chunk)
        if swallow_lf:
            swallow_lf = False
            if chunk.startswith(b"\n"):
                stats.cr -= 1
                stats.crlf += 1
                chunk = chunk[1:]
        if cut is not None:
            end = _first_line_end(chunk)
            if end is None:
                cut.length += len(chunk)
                continue
            cut.length += end
            if chunk[end : end + 2] == b"\r\n":
                stats.crlf += 1
                end += 2
            elif chunk[end : end + 1] == b"\r":
                stats.cr += 1
                swallow_lf = end + 1 == len(chunk)
                end += 1
            else:
                stats.lf += 1
                end += 1
            yield cut
            cut, chunk = None, chunk[end:]
        data = carry + chunk
        lines = data.splitlines(keepends=True)
        # The last piece may be incomplete; a trailing CR may be half of a CRLF.
        carry = lines.pop() if lines else b""
        if carry.endswith(b"\n"):
            lines.append(carry)
            carry = b""
        for line in lines:
            yield _strip_ending(line, stats)
        if len(carry) > MAX_LINE:
            cut = Cut(carry[:MAX_LINE])
            cut.length = len(carry)
            carry = b""
    if cut is not None:
        yield cut
    elif carry:
        line = _strip_ending(carry, stats)
        stats.unterminated = len(line) == len(carry)
        yield line


def _first_line_end(chunk: bytes) -> int | None:
    """Index of the first LF or CR in ``chunk``."""
    positions = [p for p in (chunk.find(b"\n"), chunk.find(b"\r")) if p != -1]
    return min(positions) if positions else None


def _strip_ending(line: bytes, stats: TextStats) -> bytes:
    if line.endswith(b"\r\n"):
        stats.crlf += 1
        return line[:-2]
    if line.endswith(b"\n"):
        stats.lf += 1
        return line[:-1]
    if line.endswith(b"\r"):
        stats.cr += 1
        return line[:-1]
    return line


def _split_text(fh: io.TextIOBase, stats: TextStats) -> Iterator[str]:
    for line in fh:
        if line.endswith("\r\n"):
            stats.crlf += 1
            yield line[:-2]
        elif line.endswith("\n"):
            stats.lf += 1
            yield line[:-1]
        elif line.endswith("\r"):
            stats.cr += 1
            yield line[:-1]
        else:
            stats.unterminated = True  # only the last line can lack its end
            yield line


def iter_lines(fh: BinaryIO, stats: TextStats) -> Iterator[tuple[int, str]]:
    """Yield (1-based physical line number, decoded text) for every line of ``fh``."""
    head = fh.read(SNIFF)
    encoding, bom = sniff_encoding(head)
    stats.encoding, stats.bom = encoding, bom
    stats.digest.update(head)
    body = _Prefixed(head, fh, stats.digest)
    if encoding.startswith("utf-16"):
        text = io.TextIOWrapper(body, encoding=encoding, errors="replace", newline="")
        if bom:
            text.read(1)  # the BOM decodes to U+FEFF
        for number, line in enumerate(_split_text(text, stats), start=1):
            if "\x00" in line:
                stats.nul_lines.append(number)
            yield number, line
        stats.bytes_read = body.consumed
        return
    if bom == "utf-8":
        body.skip(len(codecs.BOM_UTF8))
    yield from _decode_lines(_split_bytes(body, stats), 1, stats)  # type: ignore[arg-type]


def iter_range(
    fh: BinaryIO, start: int, end: int, first_number: int, stats: TextStats
) -> Iterator[tuple[int, str]]:
    """Lines of the byte range [start, end) of an ASCII-compatible file.

    For reading a file in pieces: ``start`` and ``end`` must fall just after a line end,
    and ``first_number`` is the physical line number of the first line in the range.
    """
    fh.seek(start)
    yield from _decode_lines(_split_bytes(_Limited(fh, end - start), stats), first_number, stats)


class _Limited:
    """At most ``size`` bytes of a binary stream."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self._fh = fh
        self._left = size

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        n = self._left if size < 0 else min(size, self._left)
        data = self._fh.read(n)
        self._left -= len(data)
        return data


def _decode_lines(
    raw_lines: Iterator[bytes], first_number: int, stats: TextStats
) -> Iterator[tuple[int, str]]:
    """Decode each line as UTF-8, falling back to Windows-1252 for bytes that are not."""
    fallback = stats.fallback_lines
    for number, raw in enumerate(raw_lines, start=first_number):
        if type(raw) is Cut:
            stats.cut_lines.append((number, raw.length))
        if raw.isascii():
            line = raw.decode("ascii")
        else:
            line, had_fallback, has_utf8 = decode_line(raw)
            if has_utf8:
                stats.utf8_non_ascii_lines += 1
            if had_fallback:
                fallback.append(number)
        if "\x00" in line:
            stats.nul_lines.append(number)
        yield number, line


class _Prefixed(io.RawIOBase):
    """A binary stream that replays the sniffed head before the rest of the file."""

    def __init__(self, head: bytes, rest: BinaryIO, digest: hashlib._Hash) -> None:
        self._digest = digest
        self._head = head
        self._pos = 0
        self._rest = rest
        self.consumed = 0

    def skip(self, n: int) -> None:
        self._pos += n

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._pos < len(self._head):
            if size < 0:
                out = self._head[self._pos :] + self._more(-1)
            else:
                out = self._head[self._pos : self._pos + size]
                if len(out) < size:
                    out += self._more(size - len(out))
            self._pos = len(self._head) if size < 0 else min(self._pos + size, len(self._head))
        else:
            out = self._more(size)
        self.consumed += len(out)
        return out

    def _more(self, size: int) -> bytes:
        data = self._rest.read(size)
        self._digest.update(data)
        return data

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
