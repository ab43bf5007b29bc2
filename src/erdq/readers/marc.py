"""Streaming MARC readers (ISO 2709, MARCXML, MarcEdit .mrk, MARC-in-JSON) behind one
adapter over pymarc.

``MarcReader(path, report)`` sniffs the format from the content, streams the file and
yields one ``MarcItem`` per record. Each format module turns what its parser would drop,
repair or raise on into notes (MR1xx structure, MR5xx encoding codes); the adapter
numbers the records, reports the notes with the record's ordinal, byte offset and 001,
and goes on. A record nothing can be made of is counted and reported, never lost.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pymarc

from erdq import charset
from erdq.readers.sniff import marc_format, not_tabular_kind

Report = Callable[..., None]  # report(code, ordinal, record_id=, offset=, value=, **params)
SNIFF = 1 << 16


@dataclass(slots=True)
class MarcItem:
    """One record as read: ``ordinal`` is its 1-based position in the file."""

    ordinal: int
    record: pymarc.Record
    offset: int | None = None  # byte offset in an ISO 2709 file
    raw: bytes | None = None  # the record's bytes, when the format has them
    format: str = "iso2709"  # "iso2709" | "marcxml" | "mrk" | "json"
    memo: dict[str, object] = field(default_factory=dict)
    # What the text was decoded from: "ascii", "utf-8", "utf-8-invalid", "marc-8", a code
    # page ("cp1251"), or "unicode" for formats that carry text (XML, JSON, .mrk).
    encoding: str = ""

    @property
    def record_id(self) -> str | None:
        """The 001 control number, stripped; None when absent."""
        field_001 = self.record.get("001")
        value = field_001.data.strip() if field_001 is not None and field_001.data else ""
        return value or None


@dataclass(slots=True)
class Parsed:
    """What a format module made of one record, with its notes: (code, params) pairs that
    the adapter reports once the record's 001 is known. ``record`` None: unparseable."""

    record: pymarc.Record | None
    offset: int | None = None
    raw: bytes | None = None
    format: str = "iso2709"
    encoding: str = ""
    notes: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    memo: dict[str, object] = field(default_factory=dict)

    def note(self, code: str, **params: object) -> None:
        self.notes.append((code, params))


class Source:
    """A binary stream that hashes and counts every byte read and can replay its head."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self.digest = hashlib.sha256()
        self.bytes_read = 0
        self.head = self._raw(SNIFF)
        self._replay = self.head

    def _raw(self, size: int) -> bytes:
        data = self._fh.read(size)
        self.digest.update(data)
        self.bytes_read += len(data)
        return data

    def read(self, size: int = -1) -> bytes:
        if self._replay:
            if size < 0:
                out, self._replay = self._replay, b""
                return out + self._raw(-1)
            if size >= len(self._replay):
                out, self._replay = self._replay, b""
                return out + (self._raw(size - len(out)) if size > len(out) else b"")
            out, self._replay = self._replay[:size], self._replay[size:]
            return out
        return self._raw(size)

    def drain(self) -> None:
        """Read to the end, so that the digest covers the whole file."""
        self._replay = b""
        while self._raw(1 << 20):
            pass


class MarcReader:
    """Iterate over the records of one MARC file, whatever its serialisation.

    After iteration: ``format``, ``records`` (yielded), ``unparseable`` (reported, not
    yielded), ``encodings`` (records per encoding), ``sha256`` and ``bytes_read``.
    """

    def __init__(self, path: str | Path, report: Report, *, name: str | None = None) -> None:
        self.path = Path(path)
        # How findings name the file (the path as the user gave it, not where it lies).
        self.name = name or str(path)
        self.report = report
        self.format: str | None = None
        self.records = 0
        self.unparseable = 0
        self.encodings: Counter[str] = Counter()
        self.sha256 = ""
        self.bytes_read = 0
        self._source: Source | None = None
        self._ordinal = 0
        # Why a file in a MARC format yielded no record (set by a format reader that knows).
        self.empty_reason = "it holds no MARC record"
        self._first_marc8: int | None = None
        self._flags: Counter[str] = Counter()  # leader/09 values seen

    @property
    def progress(self) -> int:
        """Bytes read so far (for progress bars while iterating)."""
        return self._source.bytes_read if self._source is not None else self.bytes_read

    def next_ordinal(self) -> int:
        return self._ordinal + 1

    def __iter__(self) -> Iterator[MarcItem]:
        try:
            fh = self.path.open("rb")
        except OSError as exc:
            self.report("MR100", None, value=self.name, reason=exc.strerror or str(exc))
            return
        with fh:
            source = self._source = Source(fh)
            yield from self._items(source)
            source.drain()  # not when iteration stops early: no need to read on
            self.sha256 = source.digest.hexdigest()
            self.bytes_read = source.bytes_read
        if self.format is not None and self.records == 0 and self.unparseable == 0:
            self.report("MR100", None, value=self.name, reason=self.empty_reason)
        flags = self._flags
        if self.format == "iso2709" and flags[" "] and flags["a"]:
            self.report("MR513", None, value="leader/09", marc8=flags[" "], utf8=flags["a"])
        if self._first_marc8 is not None:
            count = self.encodings["marc-8"]
            self.report("MR507", self._first_marc8, value="MARC-8", count=count)

    def _items(self, source: Source) -> Iterator[MarcItem]:
        fmt = marc_format(source.head)
        if fmt is None:
            kind = not_tabular_kind(source.head) if source.head else "an empty file"
            if kind is None:
                kind = "text" if source.head else "an empty file"
            self.report("MR100", None, value=self.name, reason=f"it is {kind}, not MARC")
            return
        self.format = fmt
        for parsed in self._parsed(fmt, source):
            item = self._emit(parsed)
            if item is not None:
                yield item

    def _parsed(self, fmt: str, source: Source) -> Iterator[Parsed]:
        if fmt == "iso2709":
            from erdq.readers.iso2709 import parse_record, split_records

            def file_note(code: str, offset: int | None, **params: object) -> None:
                self.report(code, None, offset=offset, **params)

            for offset, data, notes in split_records(source, file_note):
                try:
                    yield parse_record(data, offset, notes)
                except (ValueError, IndexError, KeyError, TypeError, UnicodeError) as exc:
                    # A case the parser does not foresee: one record is lost, not the file.
                    reason = f"the parser failed ({type(exc).__name__}: {exc})"
                    yield Parsed(None, offset, data, notes=[("MR101", {"reason": reason})])
        elif fmt == "marcxml":
            from erdq.readers.marcxml import iter_marcxml

            yield from iter_marcxml(source, self)
        elif fmt == "mrk":
            from erdq.readers.mrk import iter_mrk

            yield from iter_mrk(source, self)
        else:
            from erdq.readers.marcjson import iter_json

            yield from iter_json(source, self)

    def _emit(self, parsed: Parsed) -> MarcItem | None:
        self._ordinal += 1
        ordinal = self._ordinal
        record = parsed.record
        item = None
        record_id = None
        if record is None:
            self.unparseable += 1
        else:
            self.records += 1
            item = MarcItem(
                ordinal,
                record,
                offset=parsed.offset,
                raw=parsed.raw,
                format=parsed.format,
                encoding=parsed.encoding,
                memo=parsed.memo,
            )
            record_id = item.record_id
            self.encodings[parsed.encoding or "unknown"] += 1
            if parsed.encoding != charset.ASCII or _marc8_in_ascii(parsed.raw):
                # Plain ASCII reads the same in MARC-8 and UTF-8: no converter can garble
                # such a record, so its leader/09 does not make the file mixed (MR513).
                self._flags[str(record.leader)[9]] += 1
            if parsed.encoding == "marc-8" and self._first_marc8 is None:
                self._first_marc8 = ordinal
        report = self.report
        for code, params in parsed.notes:
            report(code, ordinal, record_id=record_id, offset=parsed.offset, **params)
        return item


def _marc8_in_ascii(raw: bytes | None) -> bool:
    """Whether ASCII bytes still carry MARC-8 beyond ASCII: escape sequences to other
    character sets, or character references (``&#x2082;``). Unknown bytes count as such."""
    return raw is None or b"\x1b" in raw or b"&#" in raw


MAX_ISO_RECORD = 99_999
MAX_ISO_FIELD = 9_999

# MR111, an indicator area that is not two characters, in each reader's words: ISO 2709
# and .mrk keep the area as read (a conversion writes it as it is, or not at all) ...
INDICATORS_KEPT = (
    "the rules read a missing indicator as blank and leave extra ones out; a conversion "
    "keeps the area as it is (ISO 2709) or does not write the record"
)


def indicator_replaced(name: str, given: object) -> dict[str, str]:
    """... MARCXML and MARC-in-JSON name each indicator, and one missing or not of one
    character is read, and written on, as the blank or the first character put in its
    place: MR111's params, ``found`` and ``effect``."""
    text = "" if given is None else str(given)
    put = text[:1] or " "
    found = f"has no {name}" if given is None else f"has {name} {text!r}"
    return {"found": found, "effect": f"it is read, and converted, with {put!r} as {name}"}


def field_size(field: pymarc.Field) -> int:
    """The field's size in ISO 2709 as UTF-8, terminator included."""
    if field.control_field:
        return len((field.data or "").encode("utf-8")) + 1
    size = 3  # two indicators and the terminator
    for sub in field.subfields:
        size += 1 + len(sub.code.encode("utf-8")) + len(sub.value.encode("utf-8"))
    return size


def write_iso2709(record: pymarc.Record) -> bytes:
    """The record as ISO 2709 in UTF-8 (leader/09 'a'), lengths counted in bytes.

    Refuses (``InputError`` naming the tag) a field over 9,999 or a record over 99,999
    bytes rather than write lengths that do not fit their slots. The record itself is
    left unchanged.
    """
    from erdq.errors import InputError

    sizes = [(field.tag, field_size(field)) for field in record.fields]
    for tag, size in sizes:
        if size > MAX_ISO_FIELD:
            raise InputError(
                f"field {tag} is {size:,} bytes; ISO 2709 allows at most 9,999",
                hint=f"split {tag} into several fields, or write MARCXML or .mrk instead",
            )
    total = 24 + 12 * len(sizes) + 1 + sum(size for _, size in sizes) + 1
    if total > MAX_ISO_RECORD:
        raise InputError(
            f"the record is {total:,} bytes; ISO 2709 allows at most 99,999",
            hint="remove or split repeated fields, or write MARCXML or .mrk instead",
        )
    leader = str(record.leader)
    try:
        return record.as_marc()  # pymarc counts bytes and sets leader/09 to 'a'
    finally:
        record.leader = pymarc.Leader(leader)


def write_mrk(record: pymarc.Record) -> str:
    """The record in MarcEdit's mnemonic (.mrk) form, lines ending in LF."""
    from erdq.readers.mrk import write_mrk as _write

    return _write(record)
