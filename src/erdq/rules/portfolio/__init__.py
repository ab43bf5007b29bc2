"""PF: the portfolio ↔ bibliographic record linkage (``erdq link``, ``erdq.linkage``)."""

from erdq.rules.portfolio import linkage  # noqa: F401
