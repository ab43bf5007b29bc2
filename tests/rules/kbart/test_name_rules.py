"""KB606 several-names: a list of persons in first_author, not a corporate body's name."""

from __future__ import annotations

import pytest
from tests.conftest import CASE_DAY

from erdq.engine import KbartCheck
from erdq.registry import Example
from erdq.rules.kbart.base import DEFAULT_EXAMPLE_NAME, example_bytes
from erdq.rules.kbart.naming import name_problems


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


@pytest.mark.parametrize(
    ("name", "problems"),
    [
        ("ExamplePress_Global_AllTitles_2024-01-01.txt", []),
        # KBART's pattern ends with the date: Provider_Region_Package_YYYY-MM-DD.txt.
        ("ExamplePress_Global_2024-01-01_AllTitles.txt",
         ["the date 2024-01-01 is not the last part"]),
        ("Example Press_Global_AllTitles_2024-01-01.txt", ["spaces in the name"]),
        ("ExamplePress_Global_AllTitles_2024-13-01.txt",
         ["2024-13-01 is not a day of the calendar"]),
        ("ExamplePress__AllTitles_2024-01-01.txt",
         ["an empty part (underscores side by side, or at an end)"]),
        ("thoth_books_export.tsv",
         ["the extension is .tsv, not .txt", "3 underscore-separated parts instead of 4",
          "no YYYY-MM-DD date"]),
        ("ExamplePress_Global_AllTitles_2024-01-01", ["no .txt extension"]),
    ],
)  # fmt: skip
def test_file_name_problems_are_each_named(name, problems) -> None:
    assert name_problems(name) == problems
