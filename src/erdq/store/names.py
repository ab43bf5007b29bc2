"""Collection names as a librarian types them: a name the store does not have is refused
with the names nearest to it ("Wiley Journal" → "Wiley Journals"), or the names it has."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process, utils
from sqlalchemy import Connection, select

from erdq.errors import ErdqError, StoreError
from erdq.store.schema import collections

NEAREST = 3  # names offered for one not found
LISTED = 10  # a store with no more names than this lists them all
_CUTOFF = 70  # rapidfuzz WRatio: "wiley journal" ~ "Wiley Journals" scores 96


def stored_names(conn: Connection) -> list[str]:
    return list(conn.execute(select(collections.c.name).order_by(collections.c.name)).scalars())


def nearest(name: str, names: Iterable[str]) -> list[str]:
    """The stored names nearest to ``name``, best first (case, spacing and small typos
    aside), none when nothing is near."""
    found = process.extract(
        name,
        list(names),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=NEAREST,
        score_cutoff=_CUTOFF,
    )
    return [match for match, _, _ in found]


def unknown_collections(
    wanted: Sequence[str], known: Iterable[str], error: type[ErdqError] = StoreError
) -> ErdqError:
    """The error for collection names the store does not have, with a hint that offers
    the nearest stored names (case, spacing and small typos aside), or lists the store's
    names when it has few, or says how to make one."""
    names = sorted(set(known))
    quoted = " or ".join(repr(n) for n in wanted)
    near: list[str] = []
    for name in wanted:
        near += [n for n in nearest(name, names) if n not in near]
    if near:
        hint = "did you mean " + " or ".join(repr(n) for n in near) + "?"
    elif names and len(names) <= LISTED:
        hint = "the store has " + ", ".join(repr(n) for n in names)
    elif names:
        hint = f"the store has {len(names)} collections; `erdq collection list` names them"
    else:
        hint = "the store has no collection yet: `erdq import kbart --collection NAME FILE`"
    return error(f"the store has no collection named {quoted}", hint=hint)
