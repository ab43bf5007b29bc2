"""HL: the holdings file published to a central discovery index (``erdq holdings publish``)."""

from erdq.rules.holdings import publishing  # noqa: F401
