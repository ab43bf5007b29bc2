"""A tiny MarcEdit mnemonic (.mrk) parser and a findings collector for the MR rule tests.

Only what the tests need: ``=LDR``, control fields (backslash = blank), data fields with
two indicator characters and ``$``-delimited subfields (``{dollar}`` is a literal "$").
The project's real .mrk reader lives in erdq.readers; these tests must not depend on it.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import pymarc

from erdq.readers.marc import MarcItem
from erdq.rules.marc.base import RecordContext


def parse_mrk(data: bytes | str) -> list[pymarc.Record]:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    records: list[pymarc.Record] = []
    record: pymarc.Record | None = None
    for line in text.splitlines():
        if not line.strip():
            record = None
            continue
        tag, body = line[1:4], line[6:]
        if tag == "LDR":
            record = pymarc.Record()
            record.leader = pymarc.Leader(body.replace("\\", " "))
            records.append(record)
            continue
        assert record is not None, line
        if tag < "010" and tag.isdigit():
            record.add_field(pymarc.Field(tag=tag, data=body.replace("\\", " ")))
            continue
        ind = body[:2].replace("\\", " ")
        parts = body[2:].split("$")[1:]
        subfields = [pymarc.Subfield(p[:1], p[1:].replace("{dollar}", "$")) for p in parts if p]
        record.add_field(
            pymarc.Field(tag=tag, indicators=pymarc.Indicators(ind[0], ind[1]), subfields=subfields)
        )
    return records


def record(*lines: str, leader: str = "00000nam a2200000 a 4500") -> pymarc.Record:
    return parse_mrk("\n".join([f"=LDR  {leader}", *lines]))[0]


Finding = tuple  # (code, ordinal, tag, subfield, value, params)


def run(
    checks: Iterable[Callable[[MarcItem, RecordContext], None]],
    records: Iterable[pymarc.Record | None],
) -> list[dict]:
    """Run checkers over records; each finding as a dict with code, line, tag, subfield, value
    and the message parameters."""
    found: list[dict] = []

    def report(code, line=None, column=None, value=None, record_id=None, **kw):
        found.append({"code": code, "line": line, "value": value, **kw})

    ctx = RecordContext(source="test", report=report, today=dt.date(2024, 6, 15))
    checks = list(checks)
    for ordinal, rec in enumerate(records, 1):
        if rec is None:
            continue
        item = MarcItem(ordinal=ordinal, record=rec)
        for check in checks:
            check(item, ctx)
    return found


def codes(found: list[dict]) -> list[str]:
    return [f["code"] for f in found]


def read_marc(path: Path) -> list[pymarc.Record | None]:
    """Every record pymarc reads from a real file (None for those it cannot), in order."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with path.open("rb") as fh:
            return list(pymarc.MARCReader(fh, to_unicode=True, force_utf8=True, permissive=True))
