"""Exceptions are for when erdq itself cannot go on; bad data becomes findings instead."""


class ErdqError(Exception):
    """Base class. ``hint`` tells the user how to fix the problem."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class ConfigError(ErdqError):
    """The configuration or a command-line selector is wrong."""


class InputError(ErdqError):
    """An input cannot be used at all (missing file, not a file of that kind)."""


class StoreError(ErdqError):
    """The workspace store is unavailable or inconsistent."""
