"""Line splitting and encoding detection at the byte level."""

from __future__ import annotations

import codecs
import io

import pytest

from erdq.readers import text
from erdq.readers.text import TextStats, decode_line, iter_lines, sniff_encoding


def _lines(data: bytes) -> tuple[list[tuple[int, str]], TextStats]:
    stats = TextStats()
    return list(iter_lines(io.BytesIO(data), stats)), stats


@pytest.mark.parametrize(
    ("data", "ending"),
    [
        (b"a\nb\nc\n", "LF"),
        (b"a\r\nb\r\nc\r\n", "CRLF"),
        (b"a\rb\rc\r", "CR"),
        (b"a\nb\rc", "LF+CR"),
    ],
)
def test_every_line_ending_gives_the_same_lines(data: bytes, ending: str) -> None:
    lines, stats = _lines(data)
    assert lines == [(1, "a"), (2, "b"), (3, "c")]
    assert stats.line_ending == ending


def test_crlf_split_across_chunks_is_one_line_end(monkeypatch) -> None:
    monkeypatch.setattr(text, "CHUNK", 4)
    monkeypatch.setattr(text, "SNIFF", 3)
    lines, stats = _lines(b"abc\r\ndef\r\n\r\nxyz")
    assert lines == [(1, "abc"), (2, "def"), (3, ""), (4, "xyz")]
    assert (stats.crlf, stats.cr, stats.lf) == (3, 0, 0)


def test_sha256_covers_every_byte(monkeypatch) -> None:
    import hashlib

    monkeypatch.setattr(text, "CHUNK", 5)
    monkeypatch.setattr(text, "SNIFF", 7)
    data = "é\tà\n".encode() * 50
    _, stats = _lines(data)
    assert stats.digest.hexdigest() == hashlib.sha256(data).hexdigest()


def test_sniff() -> None:
    assert sniff_encoding(codecs.BOM_UTF8 + b"x") == ("utf-8", "utf-8")
    assert sniff_encoding(codecs.BOM_UTF16_LE + "x".encode("utf-16-le")) == (
        "utf-16-le",
        "utf-16-le",
    )
    assert sniff_encoding("publication_title\t".encode("utf-16-be")) == ("utf-16-be", None)
    assert sniff_encoding(b"publication_title\t") == ("utf-8", None)


def test_utf16_without_bom() -> None:
    lines, stats = _lines("a\tb\nc\td\n".encode("utf-16-le"))
    assert lines == [(1, "a\tb"), (2, "c\td")]
    assert stats.encoding == "utf-16-le" and stats.bom is None


def test_mixed_line_keeps_utf8_and_reads_the_rest_as_windows_1252() -> None:
    raw = "Bruyère ".encode() + b"Bob\x92s"  # UTF-8 è, then a Windows-1252 apostrophe
    line, fallback, has_utf8 = decode_line(raw)
    assert line == "Bruyère Bob\u2019s"
    assert fallback and has_utf8


def test_pure_windows_1252_line() -> None:
    line, fallback, has_utf8 = decode_line(b"Caf\xe9 \x81")
    assert line == "Café \x81"  # 0x81 is undefined in Windows-1252: kept as U+0081
    assert fallback and not has_utf8


def test_file_level_counts() -> None:
    data = "é\n".encode() + b"\xe9\n" + b"plain\n"
    lines, stats = _lines(data)
    assert [t for _, t in lines] == ["é", "é", "plain"]
    assert stats.fallback_lines == [2] and stats.utf8_non_ascii_lines == 1


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_overlong_line_is_cut_and_numbering_holds(ending: bytes, monkeypatch) -> None:
    monkeypatch.setattr(text, "CHUNK", 7)
    monkeypatch.setattr(text, "MAX_LINE", 10)
    data = ending.join([b"short", b"x" * 40, b"after", b"end"]) + ending
    lines, stats = _lines(data)
    assert [t for _, t in lines] == ["short", "x" * 10, "after", "end"]
    assert [n for n, _ in lines] == [1, 2, 3, 4]
    assert stats.cut_lines == [(2, 40)]
    assert stats.line_ending == {b"\n": "LF", b"\r\n": "CRLF", b"\r": "CR"}[ending]
