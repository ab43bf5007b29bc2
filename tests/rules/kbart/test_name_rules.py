"""KB606 several-names: a list of persons in first_author, not a corporate body's name."""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY

from erdq.engine import KbartCheck
from erdq.registry import Example
from erdq.rules.kbart.base import DEFAULT_EXAMPLE_NAME, example_bytes


def _kb606(tmp_path, author: str) -> list:
    path = tmp_path / DEFAULT_EXAMPLE_NAME
    example = Example(rows=({"publication_type": "monograph", "first_author": author},))
    path.write_bytes(example_bytes(example))
    return [f for f in KbartCheck(path, today=CASE_DAY).findings() if f.code == "KB606"]


@pytest.mark.parametrize(
    ("author", "count", "first"),
    [
        ("Moreau; Tanaka; Adeyemi", 3, "Moreau"),
        ("Roger Harris and Peter Wiebe", 2, "Roger Harris"),
        ("Smith, J. & Doe, K.", 2, "Smith, J."),
        ("Roger Harris, Peter Wiebe and Ann Lee", 3, "Roger Harris"),
    ],
)
def test_a_list_of_persons_is_reported_with_its_first(tmp_path, author, count, first) -> None:
    (found,) = _kb606(tmp_path, author)
    assert (found.params["count"], found.params["first"]) == (count, first)


@pytest.mark.parametrize(
    "author",
    [
        # A corporate body is one name, "and" or "&" in it or not.
        "Ernst & Young",
        "Simon and Schuster",
        "Open Business and Technician Educational Council",
        "Institute of Physics and Engineering in Medicine",
        # One person, inverted.
        "Moreau, Anne",
    ],
)
def test_one_name_is_not_a_list(tmp_path, author) -> None:
    assert _kb606(tmp_path, author) == []
