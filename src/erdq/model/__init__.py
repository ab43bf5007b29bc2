"""Plain data for erdq: partial dates, embargoes and coverage ranges.

Parsers here report problems as data (a code and a suggestion) and never raise on bad input.
"""

from __future__ import annotations

from erdq.model.coverage import (
    CoverageRange,
    compare_enum,
    enum_inverted,
    enum_key,
    enum_value,
    format_statements,
    inverted,
    outside,
    overlaps,
)
from erdq.model.dates import DATE_PROBLEMS, DateParse, PartialDate, parse_partial_date
from erdq.model.embargo import (
    EMBARGO_PROBLEMS,
    Embargo,
    EmbargoParse,
    EmbargoStatement,
    parse_embargo,
)

__all__ = [
    "DATE_PROBLEMS",
    "EMBARGO_PROBLEMS",
    "CoverageRange",
    "DateParse",
    "Embargo",
    "EmbargoParse",
    "EmbargoStatement",
    "PartialDate",
    "compare_enum",
    "enum_inverted",
    "enum_key",
    "enum_value",
    "format_statements",
    "inverted",
    "outside",
    "overlaps",
    "parse_embargo",
    "parse_partial_date",
]
