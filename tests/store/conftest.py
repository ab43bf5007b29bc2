"""Store fixtures: every store test runs on SQLite and on PostgreSQL.

Each PostgreSQL test gets a schema of its own (dropped afterwards), so runs never see each
other's data. An unreachable server skips those tests, or fails them when CI is set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.exc import OperationalError
from tests.conftest import DATA

from erdq.store import Store, open_store
from erdq.store.db import normalise_url
from erdq.store.schema import metadata

PG_URL = os.environ.get("ERDQ_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KBART = DATA / "kbart" / "folio" / "Testdata_KBART_AnnualReviews.tsv"


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    url = normalise_url(PG_URL)
    engine = create_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        reason = f"PostgreSQL at {url.render_as_string()} is unreachable: {exc.orig}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so the PostgreSQL tests must run)")
        pytest.skip(reason)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'erdq.sqlite'}"
        return
    admin: Engine = request.getfixturevalue("pg_admin")
    schema = f"erdq_test_{uuid.uuid4().hex[:16]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = normalise_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def kbart_file() -> Path:
    if not KBART.is_file():
        pytest.skip(f"shared test data not found at {KBART}")
    return KBART


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what "the store is unchanged" compares."""
    with store.engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(table.c.id))]
            for table in metadata.sorted_tables
        }


def failing_after(n: int, func: Callable[..., Any], exc: BaseException) -> Callable[..., Any]:
    """``func``, raising ``exc`` from its call n + 1 on: a failure part-way through."""
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > n:
            raise exc
        return func(*args, **kwargs)

    return wrapper
