"""KBART rules (family KB): the collection and portfolio level.

KB1xx file structure and header · KB2xx identifiers · KB3xx dates, coverage, embargo ·
KB4xx title URLs · KB5xx controlled vocabularies · KB6xx text quality ·
KB7xx across rows · KB9xx file naming.
"""

from erdq.rules.kbart import (  # noqa: F401
    coverage,
    cross,
    identifiers,
    naming,
    structure,
    text,
    urls,
    vocab,
)
