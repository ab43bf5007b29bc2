"""Importing KBART files into the store: counts, idempotence, history, queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from erdq.engine import KbartCheck
from erdq.errors import InputError, StoreError
from erdq.model.portfolio import row_to_portfolio
from erdq.readers.kbart import KbartRow
from erdq.store import Store

pytestmark = pytest.mark.shared

TODAY = dt.date(2024, 6, 1)
COLLECTION = "Annual Reviews"


def changed_copy(original: Path, folder: Path) -> Path:
    """The same file under the same name, with one title renamed."""
    folder.mkdir()
    copy = folder / original.name
    text = original.read_text(encoding="utf-8")
    assert "Annual Review of Analytical Chemistry" in text
    renamed = text.replace("Annual Review of Analytical Chemistry", "Analytical Chem")
    copy.write_text(renamed, encoding="utf-8")
    return copy


def test_import_stores_rows_and_the_checks_findings(store: Store, kbart_file: Path) -> None:
    result = store.import_kbart(kbart_file, collection=COLLECTION, vendor="AR", today=TODAY)

    expected = list(KbartCheck(kbart_file, today=TODAY).findings())
    assert expected  # the file has problems, so the comparison below means something
    assert (result.rows, result.portfolios, result.findings) == (71, 71, len(expected))
    assert not result.unchanged
    assert result.by_severity == {
        "error": sum(f.severity.value == "error" for f in expected),
        "warning": sum(f.severity.value == "warning" for f in expected),
        "info": sum(f.severity.value == "info" for f in expected),
    }
    assert store.counts() == {
        "collections": 1,
        "snapshots": 1,
        "portfolios": 71,
        "findings": len(expected),
        "records": 0,
        "record_identifiers": 0,
    }
    stored = list(store.findings(result.snapshot_id))
    assert [{k: v for k, v in f.items() if k != "params"} for f in stored] == [
        f.to_dict() for f in expected
    ]
    assert [f["params"] for f in stored] == [dict(f.params) for f in expected]


def test_portfolios_come_back_as_imported(store: Store, kbart_file: Path) -> None:
    store.import_kbart(kbart_file, collection=COLLECTION, today=TODAY)
    rows = [e for e in KbartCheck(kbart_file, today=TODAY).events() if isinstance(e, KbartRow)]

    assert list(store.portfolios(COLLECTION)) == [
        row_to_portfolio(r.values, COLLECTION, r.line) for r in rows
    ]


def test_vendor_is_replaced_by_a_reimport_of_an_unchanged_file(
    store: Store, kbart_file: Path
) -> None:
    store.import_kbart(kbart_file, collection=COLLECTION, vendor="AR", today=TODAY)
    again = store.import_kbart(kbart_file, collection=COLLECTION, vendor="Annual Reviews")
    assert again.unchanged  # no new snapshot ...
    [collection] = store.collections()
    assert collection["vendor"] == "Annual Reviews"  # ... but --vendor replaced the stored one
    assert collection["snapshots"] == 1


def test_a_delivery_of_less_than_half_the_rows_is_said(
    store: Store, kbart_file: Path, tmp_path: Path
) -> None:
    store.import_kbart(kbart_file, collection=COLLECTION, today=TODAY)
    lines = kbart_file.read_bytes().splitlines(keepends=True)
    half = tmp_path / kbart_file.name.replace(".tsv", "_cut.tsv")
    half.write_bytes(b"".join(lines[:31]))  # the header and 30 of the 71 rows
    result = store.import_kbart(half, collection=COLLECTION, today=TODAY)
    assert result.rows == 30 and result.dropped == (71, 30)  # imported, and said
    again = store.import_kbart(kbart_file, collection=COLLECTION, today=TODAY)
    assert again.dropped is None  # growing back is no drop


def test_a_file_without_a_kbart_header_is_refused_and_keeps_the_current_one(
    store: Store, kbart_file: Path, tmp_path: Path
) -> None:
    store.import_kbart(kbart_file, collection=COLLECTION, today=TODAY)
    # A COUNTER report's first lines: no column KBART names. Read in the standard column
    # order, its rows would have become the collection's titles.
    counter = tmp_path / "jr1.csv"
    counter.write_text(
        "Journal Report 1 (R4),Number of Successful Full-Text Article Requests\n"
        "Example University\n\nJournal,Publisher,Platform,Print ISSN,Online ISSN\n"
        "Nature,Springer,Nature.com,0028-0836,1476-4687\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="has no KBART header row") as refused:
        store.import_kbart(counter, collection=COLLECTION, today=TODAY)
    assert f"{COLLECTION} keeps its current snapshot" in str(refused.value)
    assert [s["rows"] for s in store.snapshots(COLLECTION)] == [71]


def test_snapshot_and_collection_metadata(store: Store, kbart_file: Path) -> None:
    result = store.import_kbart(kbart_file, collection=COLLECTION, vendor="AR", today=TODAY)

    [collection] = store.collections()
    assert collection["name"] == COLLECTION
    assert collection["vendor"] == "AR"
    assert collection["snapshots"] == 1
    assert collection["latest_snapshot_id"] == result.snapshot_id
    snapshot = store.latest_snapshot(COLLECTION)
    assert snapshot is not None
    check = KbartCheck(kbart_file, today=TODAY)
    list(check.events())
    assert snapshot["id"] == result.snapshot_id
    assert snapshot["collection"] == COLLECTION
    assert snapshot["sha256"] == check.summary.sha256
    assert snapshot["file_name"] == kbart_file.name
    assert (snapshot["rows"], snapshot["encoding"], snapshot["line_ending"]) == (
        71,
        check.summary.encoding,
        check.summary.line_ending,
    )
    assert snapshot["checked_on"] == TODAY
    assert snapshot["imported_at"].tzinfo is not None
    assert snapshot["status"] == "complete"
    assert snapshot["erdq_version"]


def test_reimport_of_the_same_file_is_unchanged(store: Store, kbart_file: Path) -> None:
    first = store.import_kbart(kbart_file, collection=COLLECTION, today=TODAY)
    before = store.counts()

    second = store.import_kbart(kbart_file, collection=COLLECTION, today=TODAY)

    assert second.unchanged
    assert second.snapshot_id == first.snapshot_id
    assert (second.rows, second.portfolios, second.findings, second.by_severity) == (
        first.rows,
        first.portfolios,
        first.findings,
        first.by_severity,
    )
    assert store.counts() == before
    assert len(store.snapshots(COLLECTION)) == 1


def test_changed_file_makes_a_new_snapshot_and_keeps_the_old(
    store: Store, kbart_file: Path, tmp_path: Path
) -> None:
    first = store.import_kbart(kbart_file, collection=COLLECTION, today=TODAY)
    old_titles = [p.title for p in store.portfolios(COLLECTION)]

    second = store.import_kbart(
        changed_copy(kbart_file, tmp_path / "v2"), collection=COLLECTION, today=TODAY
    )

    assert not second.unchanged
    assert second.snapshot_id != first.snapshot_id
    assert [s["id"] for s in store.snapshots(COLLECTION)] == [first.snapshot_id, second.snapshot_id]
    assert store.latest_snapshot(COLLECTION)["id"] == second.snapshot_id  # type: ignore[index]
    assert store.counts()["portfolios"] == 142
    assert [p.title for p in store.portfolios(COLLECTION, first.snapshot_id)] == old_titles
    current = [p.title for p in store.portfolios(COLLECTION)]
    assert "Analytical Chem" in current
    assert "Annual Review of Analytical Chemistry" not in current
    # Going back to the first file is a change too: it becomes the third snapshot.
    third = store.import_kbart(kbart_file, collection=COLLECTION, today=TODAY)
    assert not third.unchanged
    assert len(store.snapshots(COLLECTION)) == 3


def test_collections_are_kept_apart(store: Store, kbart_file: Path) -> None:
    a = store.import_kbart(kbart_file, collection="A", today=TODAY)
    b = store.import_kbart(kbart_file, collection="B", vendor="V", today=TODAY)

    assert not b.unchanged  # the same file in another collection is a new import
    assert [c["name"] for c in store.collections()] == ["A", "B"]
    assert [s["collection"] for s in store.snapshots()] == ["A", "B"]
    assert {p.collection for p in store.portfolios("B")} == {"B"}
    with pytest.raises(StoreError, match="not a snapshot of"):
        list(store.portfolios("A", b.snapshot_id))
    assert len(list(store.portfolios("A", a.snapshot_id))) == 71


def test_vendor_is_updated_only_when_given(store: Store, kbart_file: Path, tmp_path: Path) -> None:
    store.import_kbart(kbart_file, collection=COLLECTION, vendor="First", today=TODAY)
    store.import_kbart(changed_copy(kbart_file, tmp_path / "v2"), collection=COLLECTION)
    assert store.collections()[0]["vendor"] == "First"


def test_unknown_names_raise_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no collection named"):
        list(store.portfolios("nope"))
    with pytest.raises(StoreError, match="no collection named"):
        store.latest_snapshot("nope")
    with pytest.raises(StoreError, match="no collection named"):
        store.snapshots("nope")
    with pytest.raises(StoreError, match="no snapshot 99"):
        list(store.findings(99))


def test_missing_file_is_an_input_error_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        store.import_kbart(tmp_path / "absent.txt", collection=COLLECTION)
    assert set(store.counts().values()) == {0}


def test_finding_counts_follow_the_settings(store: Store, kbart_file: Path) -> None:
    from erdq.config import Settings

    settings = Settings(select=("KB205",))
    result = store.import_kbart(kbart_file, collection=COLLECTION, settings=settings, today=TODAY)
    codes = Counter(f["code"] for f in store.findings(result.snapshot_id))
    assert set(codes) == {"KB205"}
    assert result.findings == codes["KB205"]
