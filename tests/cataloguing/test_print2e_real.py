"""print2e on real print records (folio 61PRINT160129.mrc, 246 vendor print books) and a
KBART file read from disk; the output is checked with erdq's own MARC rules."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from stdnum import ean
from tests.conftest import shared_file

from erdq.cataloguing.print2e import KbartIndex, Options, convert_items
from erdq.identifiers import isbn13
from erdq.kbart_fields import standard_columns
from erdq.marc_check import check_records
from erdq.readers.marc import MarcItem, MarcReader

pytestmark = pytest.mark.shared
_ISBN = re.compile(r"[0-9Xx]{10,13}")


def write_kbart(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = standard_columns()
    lines = ["\t".join(columns)]
    lines += ["\t".join(row.get(c, "") for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def e_isbn(n: int) -> str:
    """A valid, made-up 979-10 ISBN-13 for the n-th test title."""
    body = f"979100{n:06d}"
    return body + ean.calc_check_digit(body)


def first_print_isbn(record) -> str | None:
    for field in record.get_fields("020"):
        for value in field.get_subfields("a"):
            match = _ISBN.search(value)
            if match and isbn13(match.group()):
                return match.group()
    return None


def kbart_for(items, path: Path) -> Path:
    """One KBART row per record with a valid print ISBN (the provider's title list)."""
    rows = []
    for item in items:
        number = first_print_isbn(item.record)
        if number:
            rows.append(
                {
                    "publication_title": item.record["245"]["a"],
                    "print_identifier": number,
                    "online_identifier": e_isbn(item.ordinal),
                    "title_url": f"https://ebooks.example.org/title/{item.ordinal}",
                    "publication_type": "monograph",
                }
            )
    return write_kbart(path, rows)


def by_record(found_pairs):
    out = defaultdict(set)
    for item, findings in found_pairs:
        for f in findings:
            out[item.ordinal].add((f.code, f.severity.value))
    return out


def test_61print_becomes_provider_neutral(tmp_path):
    path = shared_file("data", "marc", "folio", "61PRINT160129.mrc")
    items = list(MarcReader(path, lambda *a, **k: None))
    assert len(items) == 246
    kbart = KbartIndex.read(kbart_for(items, tmp_path / "titles.txt"))
    results = list(convert_items(items, options=Options(agency="UkOxU"), kbart=kbart))
    converted = [r for _, r in results if r.record is not None]
    assert len(converted) == 246  # every one is a print book
    assert all(r.matched for r in converted)
    out = [MarcItem(r.ordinal, r.record) for r in converted]
    before = by_record(check_records(items, source=str(path)))
    after = by_record(check_records(out, source="converted"))
    for ordinal, found in after.items():
        introduced = found - before.get(ordinal, set())
        # No error and no e-resource (MR4xx) warning comes from the conversion. MR410
        # (info) remains where the print record is not RDA: converting does not make
        # an AACR2 description RDA.
        assert not [c for c, sev in introduced if sev == "error"], (ordinal, introduced)
        assert {c for c, _ in introduced} <= {"MR410"}, (ordinal, introduced)


def test_61print_changes_listed(tmp_path):
    path = shared_file("data", "marc", "folio", "61PRINT160129.mrc")
    items = list(MarcReader(path, lambda *a, **k: None))[:3]
    for _, result in convert_items(items):
        tags = {c.tag for c in result.changes}
        # Every record of the file has III order/item fields and a YBP order number.
        assert {"945", "960", "980", "037", "300", "337", "338", "776", "588"} <= tags


def test_kbart_file_rows_without_isbn_counted(tmp_path):
    path = write_kbart(
        tmp_path / "k.txt",
        [
            {
                "print_identifier": "0306406152",
                "online_identifier": "",
                "title_url": "https://a.org/1",
            },
            {"print_identifier": "n/a", "online_identifier": "", "title_url": "https://a.org/2"},
        ],
    )
    index = KbartIndex.read(path)
    assert index.rows == 2 and index.unusable == 1
    # 0306406152 is the ISBN-10 form of 9780306406157.
    assert [t.line for t in index.match(["9780306406157"])] == [2]
