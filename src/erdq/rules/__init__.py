"""Rule families. Importing a family registers its rules and checkers."""

from erdq.rules import kbart, marc  # noqa: F401
