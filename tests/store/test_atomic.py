"""An import that fails or is interrupted leaves the store exactly as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.store.conftest import dump, failing_after

from erdq.errors import StoreError
from erdq.store import Store, importer, open_store

pytestmark = pytest.mark.shared

TODAY = dt.date(2024, 6, 1)
FAIL_AFTER = 35  # rows; with batches of 10 three batches are already inserted by then


@pytest.fixture
def seeded(store: Store, kbart_file: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store holding one collection; later batches are small, so failures hit mid-import."""
    store.import_kbart(kbart_file, collection="Existing", vendor="Old", today=TODAY)
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    return store


@pytest.fixture
def flushes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records the size of every batch insert."""
    sizes: list[int] = []
    flush = importer._flush

    def spy(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
        sizes.append(len(rows))
        flush(conn, table, rows)

    monkeypatch.setattr(importer, "_flush", spy)
    return sizes


def changed(original: Path, tmp_path: Path) -> Path:
    copy = tmp_path / original.name
    copy.write_bytes(original.read_bytes().replace(b"Annual Review", b"Annual Reviews"))
    return copy


@pytest.mark.parametrize("collection", ["Existing", "New"])
@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_failure_while_converting_rows_rolls_back(
    seeded: Store,
    kbart_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flushes: list[int],
    collection: str,
    exc: BaseException,
) -> None:
    before = dump(seeded)
    monkeypatch.setattr(
        importer, "row_to_portfolio", failing_after(FAIL_AFTER, importer.row_to_portfolio, exc)
    )

    with pytest.raises(type(exc)):
        seeded.import_kbart(
            changed(kbart_file, tmp_path), collection=collection, vendor="New vendor", today=TODAY
        )

    assert sum(flushes) >= 30  # rows really were written before the failure
    assert dump(seeded) == before
    assert seeded.collections()[0]["vendor"] == "Old"


def test_database_failure_is_a_store_error_and_rolls_back(
    seeded: Store, kbart_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump(seeded)
    values = importer.portfolio_values
    calls = 0

    def broken(*args: Any) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        row = values(*args)
        if calls == FAIL_AFTER:
            row["title"] = None  # NOT NULL: the database refuses this batch
        return row

    monkeypatch.setattr(importer, "portfolio_values", broken)

    with pytest.raises(StoreError, match="importing"):
        seeded.import_kbart(changed(kbart_file, tmp_path), collection="Existing", today=TODAY)

    assert dump(seeded) == before


def test_failure_in_a_later_batch_insert_rolls_back(
    seeded: Store, kbart_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump(seeded)
    monkeypatch.setattr(importer, "_flush", failing_after(3, importer._flush, OSError("disk full")))

    with pytest.raises(OSError, match="disk full"):
        seeded.import_kbart(changed(kbart_file, tmp_path), collection="New", today=TODAY)

    assert dump(seeded) == before
    assert [c["name"] for c in seeded.collections()] == ["Existing"]


def test_store_works_after_a_failed_import(
    seeded: Store, kbart_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(
            importer,
            "row_to_portfolio",
            failing_after(FAIL_AFTER, importer.row_to_portfolio, RuntimeError("boom")),
        )
        with pytest.raises(RuntimeError):
            seeded.import_kbart(changed(kbart_file, tmp_path), collection="New", today=TODAY)

    result = seeded.import_kbart(changed(kbart_file, tmp_path), collection="New", today=TODAY)
    assert (result.rows, result.unchanged) == (71, False)
    assert seeded.counts()["snapshots"] == 2


def test_other_connections_see_the_store_as_before_until_commit(
    seeded: Store,
    store_url: str,
    kbart_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flushes: list[int],
) -> None:
    before = seeded.counts()
    seen: list[dict[str, int]] = []
    convert = importer.row_to_portfolio

    def peek(*args: Any) -> Any:
        if len(seen) == 0 and sum(flushes) >= 30:
            with open_store(store_url) as reader:  # a second engine: its own connection
                seen.append(reader.counts())
        return convert(*args)

    monkeypatch.setattr(importer, "row_to_portfolio", peek)
    seeded.import_kbart(changed(kbart_file, tmp_path), collection="New", today=TODAY)

    assert seen == [before]
    assert seeded.counts()["snapshots"] == before["snapshots"] + 1
