"""Rule families. Importing a family registers its rules and checkers."""

from erdq.rules import holdings, kbart, marc, portfolio, vendor  # noqa: F401
