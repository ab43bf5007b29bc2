"""Schema migrations, engine set-up and the default database URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from erdq.errors import StoreError
from erdq.store import DEFAULT_URL, Store, default_url, open_store
from erdq.store.db import write_transaction
from erdq.store.migrate import alembic_config, current_revisions, head_revisions
from erdq.store.schema import metadata


def test_migrated_schema_matches_the_metadata(store: Store) -> None:
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_open_store_upgrades_to_head_and_reopens(store: Store, store_url: str) -> None:
    assert current_revisions(store.engine) == head_revisions()
    with open_store(store_url) as again:
        assert again.counts()["collections"] == 0


def test_a_newer_schema_is_refused(store: Store, store_url: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    with pytest.raises(StoreError, match="upgrade erdq"):
        open_store(store_url)


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    with store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_bare_path_is_a_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "bare.sqlite"
    with open_store(str(path)) as store:
        assert store.engine.dialect.name == "sqlite"
    assert path.is_file()


def test_bad_url_is_a_store_error() -> None:
    with pytest.raises(StoreError):
        open_store("nosuchdb+driver://x/y")


def test_default_url_is_a_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ERDQ_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_url() == DEFAULT_URL == "sqlite:///erdq.sqlite"
    with open_store():
        pass
    assert (tmp_path / "erdq.sqlite").is_file()


def test_default_url_honours_erdq_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    monkeypatch.setenv("ERDQ_DB", url)
    monkeypatch.chdir(tmp_path)
    assert default_url() == url
    with open_store():
        pass
    assert (tmp_path / "elsewhere.sqlite").is_file()
    assert not (tmp_path / "erdq.sqlite").exists()
    # An explicit URL (--db) wins over the environment.
    explicit = f"sqlite:///{tmp_path / 'explicit.sqlite'}"
    with open_store(explicit) as store:
        assert store.url == explicit


def test_revision_0004_adds_the_audit_tables_and_goes_back(store: Store) -> None:
    assert {"audit_runs", "audit_findings"} <= set(inspect(store.engine).get_table_names())
    config = alembic_config()
    with write_transaction(store.engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    assert current_revisions(store.engine) == {"0003"}
    tables = set(inspect(store.engine).get_table_names())
    assert not {"audit_runs", "audit_findings"} & tables
    assert "resolver_requests" in tables  # 0003's tables stay
    with write_transaction(store.engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert current_revisions(store.engine) == head_revisions() == {"0006"}


def test_revision_0005_indexes_the_request_origin_and_goes_back(store: Store) -> None:
    def origin_indexed() -> bool:
        indexes = inspect(store.engine).get_indexes("resolver_requests")
        return any(ix["column_names"] == ["origin"] for ix in indexes)

    assert origin_indexed()
    config = alembic_config()
    with write_transaction(store.engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    assert current_revisions(store.engine) == {"0004"} and not origin_indexed()
    with write_transaction(store.engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert origin_indexed()


def test_revision_0006_keeps_unreadable_coverage_as_given(store: Store, tmp_path: Path) -> None:
    kbart = tmp_path / "k.txt"
    kbart.write_text(
        "publication_title\tprint_identifier\tdate_first_issue_online\t"
        "date_last_issue_online\tembargo_info\n"
        "Nature\t0028-0836\t1990\t2005-13\t12 months\n"
        "Science\t0036-8075\t1990\t\t\n",
        encoding="utf-8",
    )
    store.import_kbart(kbart, collection="C")
    select_bounds = text("SELECT end_date, embargo FROM portfolios ORDER BY line")
    with store.engine.connect() as conn:
        # Imported now: the texts as given, and NULL where the cell was empty.
        assert conn.execute(select_bounds).all() == [("2005-13", "12 months"), (None, None)]
    # A store imported by an older erdq: NULL for what could not be read.
    with write_transaction(store.engine) as conn:
        conn.execute(text("UPDATE portfolios SET end_date = NULL, embargo = NULL"))
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    with write_transaction(store.engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    with store.engine.connect() as conn:
        assert conn.execute(select_bounds).all() == [("2005-13", "12 months"), (None, None)]
