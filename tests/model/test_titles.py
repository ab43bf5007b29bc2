"""``normalise_title``: the comparison key of a title (resolver title matches, linkage)."""

from __future__ import annotations

import pytest

from erdq.model.portfolio import normalise_title


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("The Lancet", "lancet"),
        ("Le Monde", "monde"),
        ("Die Zeit", "zeit"),
        # An elided article (French, Italian) is joined to its noun by an apostrophe,
        # straight or typographic; the noun is the title's first filing word.
        ("L'Est Républicain", "est republicain"),
        ("L\u2019Espresso", "espresso"),
        ("l'Année sociologique", "annee sociologique"),
        # an initial that is not an article stays
        ("L. A. Times", "l a times"),
        ("Est Republicain", "est republicain"),
    ],
)
def test_leading_articles_are_dropped(title: str, key: str) -> None:
    assert normalise_title(title) == key
