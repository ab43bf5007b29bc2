"""Small MARC inputs for rule examples: a valid record as .mrk text, and ISO 2709 bytes
built field by field so that structure examples can break exactly one thing."""

from __future__ import annotations

from collections.abc import Sequence

# A valid, short UTF-8 e-book record in MarcEdit mnemonic form.
GOOD_MRK = (
    "=LDR  00000nam a2200000 a 4500\n"
    "=001  ex0001\n"
    "=008  240101s2024\\\\\\\\xx\\\\\\\\\\o\\\\\\\\\\000\\0\\eng\\d\n"
    "=245  10$aAn invented title /$cInvented Author.\n"
)


def mrk(*lines: str, leader: str = "00000nam a2200000 a 4500") -> bytes:
    """A one-record .mrk file: the leader, then ``lines`` (``=TAG  data``)."""
    return ("\n".join([f"=LDR  {leader}", *lines]) + "\n").encode("utf-8")


def iso_record(
    fields: Sequence[tuple[str, bytes]],
    *,
    leader: bytes = b"nam a22",
    leader_end: bytes = b" a 4500",
    length: bytes | None = None,
    base: bytes | None = None,
    offsets: dict[int, bytes] | None = None,
    terminator: bytes = b"\x1d",
) -> bytes:
    """ISO 2709 bytes for ``fields`` (tag, data without the field terminator), computed
    correctly unless ``length``, ``base`` or an entry's ``offsets[index]`` override it."""
    directory = b""
    body = b""
    for index, (tag, data) in enumerate(fields):
        chunk = data + b"\x1e"
        start = (offsets or {}).get(index, b"%05d" % len(body))
        directory += tag.encode("ascii") + b"%04d" % len(chunk) + start
        body += chunk
    directory += b"\x1e"
    base_address = 24 + len(directory)
    total = base_address + len(body) + len(terminator)
    head = (length or b"%05d" % total) + leader + (base or b"%05d" % base_address) + leader_end
    return head + directory + body + terminator


GOOD_FIELDS: tuple[tuple[str, bytes], ...] = (
    ("001", b"ex0001"),
    ("008", b"240101s2024    xx     o     000 0 eng d"),
    ("245", b"10\x1faAn invented title /\x1fcInvented Author."),
)
GOOD_ISO = iso_record(GOOD_FIELDS)
