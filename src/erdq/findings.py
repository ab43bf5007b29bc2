"""Findings are data: what a rule found, where, and the values its message needs.

A finding carries its rule code and the template parameters; the human message is
rendered from the rule's template only when a finding is shown, so a run of a
million rows does not build a million strings it may never print.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from erdq.registry import Rule


class Severity(StrEnum):
    """How bad a finding is. Ordered: ERROR > WARNING > INFO."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r}; use one of: {choices}") from None


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Level(StrEnum):
    """The level of the e-resource data a rule belongs to."""

    COLLECTION = "collection"
    PORTFOLIO = "portfolio"
    BIBLIOGRAPHIC = "bibliographic"
    DISCOVERY = "discovery"
    CENTRAL_INDEX = "central-index"
    ACCESS = "access"


class Confidence(StrEnum):
    """How sure the rule is; kept apart from severity (a likely error is still an error)."""

    CERTAIN = "certain"
    LIKELY = "likely"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is. ``line`` is the 1-based physical line (KBART header = 1)."""

    source: str
    line: int | None = None
    column: str | None = None
    record_id: str | None = None
    offset: int | None = None
    tag: str | None = None
    subfield: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    location: Location
    params: Mapping[str, object] = field(default_factory=dict)
    value: str | None = None
    confidence: Confidence = Confidence.CERTAIN
    # Several findings alike in everything the fingerprint uses (one title_id on three
    # rows) are told apart by their order: the second is occurrence 1, and so on.
    occurrence: int = 0

    @property
    def message(self) -> str:
        from erdq.registry import get_rule

        return self._message(get_rule(self.code))

    def _message(self, rule: Rule) -> str:
        loc = self.location
        context = {
            "column": loc.column,
            "line": loc.line,
            "record_id": loc.record_id,
            "tag": loc.tag,
            "subfield": loc.subfield,
            "source": loc.source,
        }
        return rule.render({**context, **self.params}, self.value)

    @property
    def name(self) -> str:
        from erdq.registry import get_rule

        return get_rule(self.code).name

    @property
    def level(self) -> Level:
        from erdq.registry import get_rule

        return get_rule(self.code).level

    def fingerprint(self) -> str:
        """A stable identity across runs: rule, source, record key, column and value.

        The line number is left out when the record has a key (title_id, 001): inserting
        one row at the top of a file must not turn every later finding into "new". The
        source is its ``file_key`` (the name less its delivery date), so that
        ``Provider_Global_AllTitles_2024-05-01.txt`` and the June delivery compare.
        """
        loc = self.location
        key = loc.record_id if loc.record_id else f"line:{loc.line}"
        parts = (
            self.code,
            file_key(loc.source),
            key,
            loc.column or "",
            loc.tag or "",
            self.value or "",
            str(self.occurrence) if self.occurrence else "",
        )
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, object]:
        """The documented finding schema (JSON Lines output, the store, reports)."""
        from erdq.registry import get_rule

        loc = self.location
        rule = get_rule(self.code)
        return {
            "code": self.code,
            "name": rule.name,
            "severity": self.severity.value,
            "level": rule.level.value,
            "source": loc.source,
            "line": loc.line,
            "record_id": loc.record_id,
            "offset": loc.offset,
            "field": loc.column if loc.column is not None else loc.tag,
            "subfield": loc.subfield,
            "value": self.value,
            "message": self._message(rule),
            "confidence": self.confidence.value,
            "fingerprint": self.fingerprint(),
        }


_DATED = re.compile(r"[_\-. ]?\d{4}-\d{2}-\d{2}")


@lru_cache(maxsize=4096)  # a run has few sources and many findings in each
def source_key(source: str) -> str:
    """What stays the same across deliveries of one file: its name, less folder, extension
    and date (``CUP_COUPERIN_ALLJOURNALS_2026-03-08.txt`` → ``cup_couperin_alljournals``)."""
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return _DATED.sub("", stem).casefold()


@lru_cache(maxsize=4096)
def file_key(source: str) -> str:
    """A file's identity across runs, for fingerprints and audit comparisons: its name
    less the delivery date, with its extension (``nature.txt`` and ``nature.mrc`` are two
    files, as are MarcEdit's ``records.mrc`` and ``records.mrk``), and, for a name
    without a delivery date, its folder's name (``vendorA/export.txt`` and
    ``vendorB/export.txt``). A dated delivery keeps its identity in another folder
    (``2024-05/Provider_..._2024-05-01.txt`` and the June one in ``2024-06/``)."""
    parts = source.replace("\\", "/").rsplit("/", 2)
    name = parts[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    undated = _DATED.sub("", stem)
    folder = parts[-2] if len(parts) > 1 and undated == stem else ""
    key = f"{undated}.{ext}" if ext else undated
    return (f"{folder}/{key}" if folder else key).casefold()


MAX_VALUE_CHARS = 200


def clip(value: str | None) -> str | None:
    """Keep findings small: an offending value is shown, not a whole record."""
    if value is None or len(value) <= MAX_VALUE_CHARS:
        return value
    return value[: MAX_VALUE_CHARS - 1] + "…"


class FindingCollector:
    """A report function for the readers in commands that are not checks (``marc
    convert``, ``marc edit``): what is reported is kept as findings at each rule's
    default severity, located in ``source``, for the command to account for."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[Finding] = []

    def __call__(
        self,
        code: str,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
        record_id: str | None = None,
        *,
        offset: int | None = None,
        tag: str | None = None,
        subfield: str | None = None,
        **params: object,
    ) -> None:
        from erdq.registry import get_rule

        location = Location(
            source=self.source,
            line=line,
            column=column,
            record_id=record_id,
            offset=offset,
            tag=tag,
            subfield=subfield,
        )
        shown = clip(value if value is None or isinstance(value, str) else str(value))
        self.found.append(Finding(code, get_rule(code).severity, location, params, shown))

    def take(self) -> list[Finding]:
        """What was reported since the last call."""
        found, self.found = self.found, []
        return found
