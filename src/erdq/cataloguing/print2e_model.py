"""What a print → e-book conversion returns: the changes, problems and options."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pymarc import Field, Record

from erdq.cataloguing.print2e_kbart import KbartTitle


@dataclass(frozen=True, slots=True)
class Change:
    """One change: ``tag`` (``LDR/17``, ``008/23``, ``020``…), ``action`` (added,
    removed, changed, moved), the value before and after (``before``/``after``: a
    position's character, or the field in MarcEdit's mnemonic form), and why.

    ``old``/``new`` hold what was given, a field or a string: a field is rendered only
    when it is shown, which is most of the cost of recording a change."""

    tag: str
    action: str
    old: str | Field | None
    new: str | Field | None
    why: str

    @property
    def before(self) -> str | None:
        return None if self.old is None else str(self.old)

    @property
    def after(self) -> str | None:
        return None if self.new is None else str(self.new)

    def to_dict(self) -> dict[str, object]:
        return {
            "tag": self.tag,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "why": self.why,
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """Something about one record a cataloguer must look at. ``skipped`` problems keep
    the record out of the output; the others are warnings on a converted record."""

    code: str  # not-a-book | no-title | no-008 | already-online | no-kbart-match | ...
    message: str
    skipped: bool = False


@dataclass(frozen=True, slots=True)
class Options:
    """``agency``: MARC organisation code for 040 $d and 003 (None: not added, said).
    ``id_prefix``: put before the print's 001. ``print_isbns_in_020z``: also keep the
    print ISBNs in 020 $z. ``link_note``: 856 $z public note. ``now``: 005's time."""

    agency: str | None = None
    id_prefix: str = "e"
    print_isbns_in_020z: bool = True
    link_note: str | None = None
    now: dt.datetime | None = None
    profile: str = "provider-neutral"


@dataclass(slots=True)
class Converted:
    """The result for one record: ``record`` None when it was skipped."""

    ordinal: int
    record_id: str | None
    record: Record | None
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    matched: list[KbartTitle] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        """Not in the output (not converted, or not writable)."""
        return any(p.skipped for p in self.problems)
