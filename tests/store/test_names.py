"""A collection name the store does not have is refused with the nearest names
(``erdq.store.names``)."""

from __future__ import annotations

import pytest

from erdq.errors import InputError, StoreError
from erdq.store.names import unknown_collections

KNOWN = ["Wiley Journals", "Springer eBooks 2024", "Cambridge Core", "JSTOR Arts"]


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("Wiley Journal", "did you mean 'Wiley Journals'?"),  # a letter short
        ("wiley journals", "did you mean 'Wiley Journals'?"),  # case
        ("Springer eBooks", "did you mean 'Springer eBooks 2024'?"),  # the year left off
        ("cambrige core", "did you mean 'Cambridge Core'?"),  # a typo
    ],
)
def test_the_nearest_names_are_offered(typed: str, offered: str) -> None:
    error = unknown_collections([typed], KNOWN)
    assert isinstance(error, StoreError)
    assert str(error).startswith(f"the store has no collection named {typed!r}")
    assert error.hint == offered


def test_a_name_near_none_lists_a_small_store_or_says_how_to_make_one() -> None:
    assert unknown_collections(["Elsevier"], KNOWN).hint == (
        "the store has 'Cambridge Core', 'JSTOR Arts', 'Springer eBooks 2024', 'Wiley Journals'"
    )
    many = [f"Package {n}" for n in range(20)]
    assert "the store has 20 collections" in unknown_collections(["Elsevier"], many).hint
    assert "no collection yet" in unknown_collections(["Elsevier"], []).hint


def test_several_names_and_another_error_type() -> None:
    error = unknown_collections(["Wiley Journal", "Nope"], KNOWN, InputError)
    assert isinstance(error, InputError)
    assert str(error) == (
        "the store has no collection named 'Wiley Journal' or 'Nope'\n"
        "  hint: did you mean 'Wiley Journals'?"
    )
