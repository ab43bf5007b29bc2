"""The OpenURL link resolver: holdings index, resolution, request log, problem reports.

``cached_index(engine)`` loads the holdings once per process and store; ``Resolver``
answers citations from it. See docs/resolver.md for the JSON shape and reason codes.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from erdq.resolver.index import CollectionInfo, Holding, HoldingsIndex, load_index
from erdq.resolver.resolve import REASONS, Candidate, Resolution, Resolver

__all__ = [
    "REASONS",
    "Candidate",
    "CollectionInfo",
    "Holding",
    "HoldingsIndex",
    "Resolution",
    "Resolver",
    "cached_index",
    "load_index",
]

_CACHE: dict[str, HoldingsIndex] = {}
_CACHE_LOCK = threading.Lock()


def cached_index(engine: Engine, *, reload: bool = False) -> HoldingsIndex:
    """The holdings index of the store at ``engine``, loaded once per process."""
    key = engine.url.render_as_string(hide_password=False)
    with _CACHE_LOCK:
        if reload or key not in _CACHE:
            _CACHE[key] = load_index(engine)
        return _CACHE[key]
