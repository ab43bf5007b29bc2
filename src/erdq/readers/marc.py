"""Streaming MARC readers (ISO 2709, MARCXML, MarcEdit .mrk, MARC-in-JSON) behind one
adapter over pymarc.

(Skeleton: the item type the rules use. The readers are being built.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pymarc


@dataclass(slots=True)
class MarcItem:
    """One record as read: ``ordinal`` is its 1-based position in the file."""

    ordinal: int
    record: pymarc.Record
    offset: int | None = None  # byte offset in an ISO 2709 file
    raw: bytes | None = None  # the record's bytes, when the format has them
    format: str = "iso2709"  # "iso2709" | "marcxml" | "mrk" | "json"
    memo: dict[str, object] = field(default_factory=dict)

    @property
    def record_id(self) -> str | None:
        """The 001 control number, stripped; None when absent."""
        field_001 = self.record.get("001")
        value = field_001.data.strip() if field_001 is not None and field_001.data else ""
        return value or None
