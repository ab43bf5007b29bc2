"""Importing MARC files into the store: records, identifiers, findings, batches, atomicity."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pymarc
import pytest
from sqlalchemy import select
from tests.conftest import shared_file
from tests.store.conftest import dump, failing_after

from erdq.errors import InputError, StoreError
from erdq.marc_check import MarcCheck
from erdq.readers.marc import MarcItem
from erdq.store import Store, marc_import
from erdq.store.schema import snapshots

pytestmark = pytest.mark.shared

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def folio() -> Path:
    """100 ISO 2709 records (UTF-8): 81 with an 856, record 48 the IEEE book of the KBART
    file used in tests/test_linkage.py."""
    return shared_file("data", "marc", "folio", "100.mrc")


@pytest.fixture
def serials_xml() -> Path:
    return shared_file("data", "marc", "evergreen", "serials_marc21.xml")


def test_import_stores_records_identifiers_and_the_checks_findings(
    store: Store, folio: Path
) -> None:
    result = store.import_marc(folio, collection="IEEE", vendor="TAMU", today=TODAY)

    expected = list(MarcCheck(folio, today=TODAY).findings())
    [file] = result.files
    assert (file.records, file.unparseable, file.findings) == (100, 0, len(expected))
    assert (file.format, file.unchanged, file.batch) == ("iso2709", False, file.snapshot_id)
    counts = store.counts()
    assert (counts["records"], counts["findings"]) == (100, len(expected))
    assert counts["record_identifiers"] == file.identifiers > 100
    stored = list(store.findings(file.snapshot_id))
    assert [{k: v for k, v in f.items() if k != "params"} for f in stored] == [
        f.to_dict() for f in expected
    ]
    assert store.collections()[0]["vendor"] == "TAMU"
    [snapshot] = store.marc_batch("IEEE")
    assert (snapshot["kind"], snapshot["format"], snapshot["rows"]) == ("marc", "iso2709", 100)
    # The KBART view of the collection is untouched: no portfolios, no KBART snapshot.
    assert store.latest_snapshot("IEEE") is None
    assert store.latest_snapshot("IEEE", kind="marc")["id"] == file.snapshot_id  # type: ignore[index]
    assert list(store.portfolios("IEEE")) == []


def test_record_keys_and_identifiers_of_a_known_record(store: Store, folio: Path) -> None:
    store.import_marc(folio, collection="IEEE", today=TODAY)
    by_id = {r["record_id"]: r for r in store.records("IEEE")}

    # Record 48 (hand-checked): 020 $a 9780470827253 and 0470827254 "(electronic bk.)" are
    # one number, so are 9780470827246 and 0470827246; 020 $z has two more ISBNs pairs and
    # the cloth ISBN 9780470827239, which 776 $z also gives (the print version).
    record = by_id["4348162"]
    assert record["ordinal"] == 48
    assert record["title"] == "Acoustic array systems : theory, implementation, and application"
    assert record["title_key"] == "acoustic array systems theory implementation and application"
    assert record["short_title_key"] == "acoustic array systems"
    assert record["title_block"] == "acou"
    assert (record["author_key"], record["year"], record["format"]) == ("bai mingxian", 2013, "am")
    assert record["online"] is True
    assert record["url"].startswith("http://proxy.library.tamu.edu/login?url=")
    assert 0 < record["completeness"] <= 100
    assert record["identifiers"] == [
        ("isbn", "9780470827253", "020a", "online"),
        ("isbn", "9780470827246", "020a", "online"),
        ("isbn", "9780470827239", "776z", "print"),
        ("isbn", "9780470828373", "020z", None),
        ("isbn", "9781118082768", "020z", None),
    ]
    # Record 1 is a print book: its 020 $a is a print ISBN, and it has no 856.
    first = by_id["4347946"]
    assert (first["online"], first["url"], first["title"]) == (False, None, "Logical matters")
    assert first["identifiers"] == [("isbn", "9780199577521", "020a", "print")]


def test_records_come_back_whole(store: Store, folio: Path, serials_xml: Path) -> None:
    """ISO 2709 records keep their bytes, MARCXML ones their MARC-in-JSON; both rebuild
    into the record the reader read."""
    store.import_marc([folio, serials_xml], collection="Mixed", today=TODAY)
    read: list[MarcItem] = []
    for path in (folio, serials_xml):
        read += [
            e for e in MarcCheck(path, today=TODAY).items_and_findings() if isinstance(e, MarcItem)
        ]
    stored = list(store.records("Mixed"))
    assert len(stored) == len(read) == 107
    for row, item in zip(stored, read, strict=True):
        assert (row["ordinal"], row["record_id"]) == (item.ordinal, item.record_id)
        assert store.marc_record(row["id"]).as_dict() == item.record.as_dict()
    with store.engine.connect() as conn:
        from erdq.store.schema import records

        kinds = conn.execute(
            select(records.c.raw.is_not(None), records.c.marc.is_not(None)).order_by(records.c.id)
        ).all()
    assert kinds == [(True, False)] * 100 + [(False, True)] * 7
    with pytest.raises(StoreError, match="no record 9999"):
        store.marc_record(9999)


def test_several_files_make_one_batch_and_reimport_is_unchanged(
    store: Store, folio: Path, serials_xml: Path
) -> None:
    first = store.import_marc([folio, serials_xml], collection="C", today=TODAY)
    before = dump(store)

    again = store.import_marc([serials_xml, folio], collection="C", today=TODAY)

    assert again.unchanged and first.unchanged is False
    assert [f.snapshot_id for f in again.files] == [f.snapshot_id for f in first.files]
    assert [(f.records, f.identifiers, f.findings) for f in again.files] == [
        (f.records, f.identifiers, f.findings) for f in first.files
    ]
    assert dump(store) == before
    batch = {f.batch for f in first.files}
    assert batch == {first.files[0].snapshot_id}
    assert [s["id"] for s in store.marc_batch("C")] == [f.snapshot_id for f in first.files]


def test_a_new_import_replaces_the_current_records_and_keeps_the_old(
    store: Store, folio: Path, serials_xml: Path
) -> None:
    first = store.import_marc([folio, serials_xml], collection="C", today=TODAY)
    second = store.import_marc(serials_xml, collection="C", today=TODAY)

    assert not second.unchanged
    assert len(list(store.records("C"))) == 7
    old_batch = first.files[0].batch
    assert len(list(store.records("C", batch=old_batch))) == 107
    assert store.collections()[0]["latest_marc_batch"] == second.files[0].batch
    with pytest.raises(StoreError, match="not a MARC batch"):
        store.marc_batch("C", batch=12345)


def test_without_a_collection_each_file_is_named_after_itself(
    store: Store, folio: Path, tmp_path: Path
) -> None:
    dated = tmp_path / "Vendor_eBooks_2024-05-01.mrc"
    dated.write_bytes(folio.read_bytes())
    result = store.import_marc([folio, dated], today=TODAY)

    assert result.collections == ["100", "vendor_ebooks"]
    assert [c["name"] for c in store.collections()] == ["100", "vendor_ebooks"]
    # The June delivery of the same file replaces May's.
    june = tmp_path / "Vendor_eBooks_2024-06-01.mrc"
    june.write_bytes(folio.read_bytes()[: folio.read_bytes().index(b"\x1d") + 1])
    assert store.import_marc(june, today=TODAY).collections == ["vendor_ebooks"]
    assert len(list(store.records("vendor_ebooks"))) == 1


def test_kbart_and_marc_snapshots_of_one_collection_keep_apart(
    store: Store, folio: Path, kbart_file: Path
) -> None:
    kbart = store.import_kbart(kbart_file, collection="AR", today=TODAY)
    store.import_marc(folio, collection="AR", today=TODAY)

    # The KBART file is still the collection's latest KBART snapshot: re-importing it is
    # unchanged, and its portfolios are still the current ones.
    again = store.import_kbart(kbart_file, collection="AR", today=TODAY)
    assert again.unchanged and again.snapshot_id == kbart.snapshot_id
    assert store.latest_snapshot("AR")["id"] == kbart.snapshot_id  # type: ignore[index]
    assert len(list(store.portfolios("AR"))) == 71
    [collection] = store.collections()
    assert (collection["snapshots"], collection["latest_snapshot_id"]) == (2, kbart.snapshot_id)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "not MARC"),
        (b"publication_title\tprint_identifier\nA title\t1234-5679\n", "not MARC"),
        (b"00026nam a2200025 a 4500\x1e\x1d", "none of its records"),
    ],
    ids=["empty", "kbart", "no-readable-record"],
)
def test_a_file_without_records_is_refused_and_nothing_is_written(
    store: Store, folio: Path, tmp_path: Path, content: bytes, why: str
) -> None:
    store.import_marc(folio, collection="C", today=TODAY)
    before = dump(store)
    bad = tmp_path / "delivery.mrc"
    bad.write_bytes(content)

    with pytest.raises(InputError, match=why) as info:
        store.import_marc([folio, bad], collection="C", today=TODAY)

    assert "nothing was imported into C, and the store is as it was" in str(info.value)
    assert dump(store) == before


def _record_ends(data: bytes) -> list[int]:
    """The byte offset just past each record: ISO 2709 records end with 0x1D."""
    return [i + 1 for i, byte in enumerate(data) if byte == 0x1D]


@pytest.mark.parametrize(
    ("keep", "shown"),
    [
        # Record 12 starts where record 11 ends; its length is read from its leader below.
        (5, "(at byte"),  # too short for a leader: read as nothing at all
        (-1, "(001 "),  # all but its record terminator: read, with its 001
    ],
    ids=["inside-the-leader", "last-byte-missing"],
)
def test_a_file_cut_off_inside_a_record_is_refused_and_nothing_is_written(
    store: Store, folio: Path, tmp_path: Path, keep: int, shown: str
) -> None:
    store.import_marc(folio, collection="C", today=TODAY)
    before = dump(store)
    data = folio.read_bytes()
    start = _record_ends(data)[10]  # record 12's first byte
    declared = int(data[start : start + 5])  # leader/00-04: the record's length
    cut = start + (keep if keep > 0 else declared + keep)
    bad = tmp_path / "cut.mrc"
    bad.write_bytes(data[:cut])

    # With a whole file first: the call is one transaction, so that file is not kept either.
    with pytest.raises(InputError) as info:
        store.import_marc([folio, bad], collection="C", today=TODAY)

    message = str(info.value)
    assert message.startswith("cut.mrc ends inside record 12 ")
    assert shown in message
    assert f"at byte {start:,}" in message
    assert f"{cut - start:,} of its {declared:,} bytes are there" in message
    assert "nothing was imported and C keeps its current records" in message
    assert "MR105" in (info.value.hint or "")
    assert dump(store) == before


def test_a_whole_file_ending_at_a_record_end_is_imported(
    store: Store, folio: Path, tmp_path: Path
) -> None:
    # Cut exactly after record 12's terminator: twelve whole records, nothing cut off.
    data = folio.read_bytes()
    short = tmp_path / "first12.mrc"
    short.write_bytes(data[: _record_ends(data)[11]])

    result = store.import_marc(short, collection="C", today=TODAY)

    assert (result.records, result.files[0].unparseable) == (12, 0)


def test_missing_file_and_empty_collection_name_are_input_errors(
    store: Store, folio: Path, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="is not a file"):
        store.import_marc([folio, tmp_path / "absent.mrc"], collection="C")
    with pytest.raises(InputError, match="collection name is empty"):
        store.import_marc(folio, collection="  ")
    with pytest.raises(InputError, match="no MARC file"):
        store.import_marc([], collection="C")
    assert set(store.counts().values()) == {0}


@pytest.fixture
def seeded(store: Store, folio: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    store.import_marc(folio, collection="Existing", vendor="Old", today=TODAY)
    monkeypatch.setattr(marc_import, "BATCH_SIZE", 10)
    return store


def _changed(folio: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "changed.mrc"
    copy.write_bytes(folio.read_bytes().replace(b"Logical matters", b"Logical Matters"))
    return copy


@pytest.mark.parametrize("collection", ["Existing", "New"])
@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_failure_midway_rolls_back(
    seeded: Store,
    folio: Path,
    serials_xml: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    collection: str,
    exc: BaseException,
) -> None:
    before = dump(seeded)
    flushed: list[int] = []
    flush = marc_import._flush_records

    def spy(conn: Any, snapshot_id: int, rows: list, idents: list) -> None:
        flushed.append(len(rows))
        flush(conn, snapshot_id, rows, idents)

    monkeypatch.setattr(marc_import, "_flush_records", spy)
    # The failure comes in the second file, after the first was stored in batches.
    monkeypatch.setattr(
        marc_import, "record_keys", failing_after(103, marc_import.record_keys, exc)
    )

    with pytest.raises(type(exc)):
        seeded.import_marc(
            [_changed(folio, tmp_path), serials_xml],
            collection=collection,
            vendor="New",
            today=TODAY,
        )

    assert sum(flushed) >= 100  # records really were written before the failure
    assert dump(seeded) == before
    assert seeded.collections()[0]["vendor"] == "Old"


def test_database_failure_is_a_store_error_and_rolls_back(
    seeded: Store, folio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump(seeded)
    values = marc_import.record_values
    calls = 0

    def broken(*args: Any) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        row = values(*args)
        if calls == 35:
            row["ordinal"] = None  # NOT NULL: the database refuses this batch
        return row

    monkeypatch.setattr(marc_import, "record_values", broken)

    with pytest.raises(StoreError, match="importing"):
        seeded.import_marc(_changed(folio, tmp_path), collection="Existing", today=TODAY)

    assert dump(seeded) == before
    # The store still works afterwards.
    monkeypatch.setattr(marc_import, "record_values", values)
    result = seeded.import_marc(_changed(folio, tmp_path), collection="Existing", today=TODAY)
    assert result.records == 100
    with seeded.engine.connect() as conn:
        assert conn.execute(select(snapshots.c.status)).scalars().all() == ["complete"] * 2


def test_nul_characters_are_stored_as_a_visible_stand_in(store: Store, tmp_path: Path) -> None:
    """PostgreSQL refuses NUL in text and JSON; both databases store U+2400 instead."""
    record = {
        "leader": "00000nam a2200000 a 4500",
        "fields": [
            {"001": "nul1"},
            {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "Broken\u0000title"}]}},
        ],
    }
    path = tmp_path / "nul.json"
    path.write_text(json.dumps(record), encoding="utf-8")

    result = store.import_marc(path, collection="C", today=TODAY)

    [row] = store.records("C")
    assert row["title"] == "Broken\u2400title"
    rebuilt = store.marc_record(row["id"])
    assert rebuilt["245"]["a"] == "Broken\u2400title"
    assert isinstance(rebuilt, pymarc.Record)
    stored = list(store.findings(result.files[0].snapshot_id))
    assert stored and not any("\x00" in (f["value"] or "") + f["message"] for f in stored)


def test_upgrading_a_store_keeps_its_kbart_snapshots(store_url: str) -> None:
    """A store written before revision 0002 opens with its snapshots marked as KBART."""
    from alembic import command
    from sqlalchemy import text

    from erdq.store import open_store
    from erdq.store.db import make_engine, write_transaction
    from erdq.store.migrate import alembic_config

    engine = make_engine(store_url)
    with write_transaction(engine) as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            text(
                "INSERT INTO collections (id, name, kind, status, created_at) "
                "VALUES (1, 'Old', 'package', 'active', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO snapshots (id, collection_id, imported_at, checked_on, source, "
                "file_name, sha256, rows, erdq_version, findings, errors, warnings, infos, "
                "status) VALUES (1, 1, CURRENT_TIMESTAMP, CURRENT_DATE, 'old.txt', 'old.txt', "
                "'x', 0, '0.1.0', 0, 0, 0, 0, 'complete')"
            )
        )
    engine.dispose()

    with open_store(store_url) as store:
        [snapshot] = store.snapshots("Old")
        assert (snapshot["kind"], snapshot["batch"], snapshot["format"]) == ("kbart", None, None)
        assert store.latest_snapshot("Old")["id"] == 1  # type: ignore[index]
        assert store.marc_batch("Old") == []
