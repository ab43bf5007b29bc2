"""Rule families. Importing a family registers its rules and checkers."""

from erdq.rules import holdings, kbart, marc, portfolio  # noqa: F401
