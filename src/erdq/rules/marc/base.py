"""What MARC record checkers plug into: the record context and the checker list.

A record checker is a plain function ``check(item, ctx)`` over one ``MarcItem`` (a
parsed ``pymarc.Record`` with its ordinal, byte offset and 001) that calls
``ctx.report(code, item.ordinal, tag=..., subfield=..., value=..., **params)`` for each
problem. It declares the codes it can report so that the engine runs only the checkers
some selected rule needs, and whether it holds for every MARC 21 format (``any_format``:
record structure, leader layout, character encoding) or only for bibliographic records
(the default: fields, indicators, 00X meanings, identifiers, completeness).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from erdq.readers.marc import MarcItem
from erdq.registry import Rule

Report = Callable[..., None]


@dataclass
class RecordContext:
    source: str
    report: Report  # report(code, ordinal, column=None, value=None, *, tag=, subfield=, ...)
    today: dt.date
    strict: bool = True
    active: frozenset[str] = field(default_factory=frozenset)


RecordCheck = Callable[[MarcItem, RecordContext], None]


@dataclass(frozen=True)
class RecordChecker:
    codes: frozenset[str]
    func: RecordCheck
    any_format: bool = False  # True: also run on authority, holdings ... records


RECORD_CHECKERS: list[RecordChecker] = []


def record_check(*rules: Rule, any_format: bool = False) -> Callable[[RecordCheck], RecordCheck]:
    def wrap(func: RecordCheck) -> RecordCheck:
        codes = frozenset(r.code for r in rules)
        RECORD_CHECKERS.append(RecordChecker(codes, func, any_format))
        return func

    return wrap
