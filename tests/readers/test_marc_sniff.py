"""What a file that is not MARC is called: ``sniff.not_tabular_kind`` and the MR100 reason
that ``erdq marc validate`` shows for it."""

from __future__ import annotations

import random

import pytest
from tests.conftest import CASE_DAY, shared_file

from erdq.marc_check import MarcCheck
from erdq.readers.sniff import marc_format, not_tabular_kind


def _mr100_reason(tmp_path, data: bytes) -> str:
    path = tmp_path / "input.mrc"
    path.write_bytes(data)
    (finding,) = MarcCheck(path, today=CASE_DAY).findings()
    assert finding.code == "MR100"
    return str(finding.params["reason"])


def _arabic_text() -> bytes:
    # One ASCII letter, then lines of an even number of bytes that start with two-byte
    # UTF-8 letters: the 4,096-byte sample (and the old 4,092-byte cut) end inside one.
    line = "ع" * 39 + ".\n"  # 78 + 2 bytes
    data = ("a" + line * 120).encode("utf-8")
    assert 0xC0 <= data[4095] <= 0xDF and 0xC0 <= data[4091] <= 0xDF
    return data


def test_nul_bytes_are_not_text(tmp_path) -> None:
    zeros = bytes(4096)
    assert marc_format(zeros) is None
    kind = not_tabular_kind(zeros)
    assert kind is not None and "NUL" in kind
    reason = _mr100_reason(tmp_path, zeros)
    assert "NUL (zero) bytes" in reason and "text" not in reason


def test_utf8_text_cut_inside_a_character_is_text(tmp_path) -> None:
    data = _arabic_text()
    assert not_tabular_kind(data) is None
    assert _mr100_reason(tmp_path, data) == "it is text, not MARC"


def test_utf8_text_with_a_stray_byte_is_text() -> None:
    # One Windows-1252 byte in CJK text is an encoding problem of a text file.
    data = ("中文目录，第一版。\n" * 300).encode("utf-8") + b"caf\xe9\n"
    assert not_tabular_kind(data[:4000] + b"\xe9" + data[4000:]) is None


def test_utf16_text_is_text_and_random_bytes_are_binary() -> None:
    assert not_tabular_kind("title\tissn\n".encode("utf-16-le") * 300) is None
    noise = random.Random(2709).randbytes(4096)
    assert not_tabular_kind(noise) == "a binary file"


@pytest.mark.shared
def test_pymarc_utf8_text_file(tmp_path) -> None:
    # pymarc's test_utf8.txt: Arabic and Chinese catalogue text in UTF-8, not a MARC file.
    data = shared_file("data", "marc", "pymarc", "test_utf8.txt").read_bytes()
    data.decode("utf-8")  # it is UTF-8 throughout
    assert _mr100_reason(tmp_path, data) == "it is text, not MARC"


def test_the_file_is_named_as_the_user_gave_it(tmp_path) -> None:
    # A finding names the file by its display path, so that reports (and digests of
    # them) do not depend on the folder the file was copied to.
    path = tmp_path / "input.txt"
    path.write_text("Not a MARC record.\n")
    (finding,) = MarcCheck(path, today=CASE_DAY, display_path="lists/input.txt").findings()
    assert finding.value == "lists/input.txt"
    assert str(tmp_path) not in finding.message
