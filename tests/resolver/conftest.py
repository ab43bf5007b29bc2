"""Stores with KBART files imported, for resolver tests (SQLite; the store itself is tested
on PostgreSQL too in tests/store)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from erdq.resolver import Resolver, load_index
from erdq.resolver.admin import set_collection
from erdq.store import Store, open_store

Make = Callable[..., Store]


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[Make]:
    opened: list[Store] = []

    def make(files: dict[str, Path], *, template: str | None = None, name: str = "s") -> Store:
        store = open_store(f"sqlite:///{tmp_path / (name + '.sqlite')}")
        opened.append(store)
        for collection, path in files.items():
            store.import_kbart(path, collection=collection)
            if template is not None:
                set_collection(store.engine, collection, link_template=template)
        return store

    yield make
    for store in opened:
        store.close()


def resolver_for(store: Store, today=None) -> Resolver:
    return Resolver(load_index(store.engine), today=today)
