"""Coverage bounds that cannot be read are kept as given, not as NULL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

Before, a portfolio's ``start_date``, ``end_date`` or ``embargo`` that could not be read
("2005-13", "12 months") was stored as NULL, which the resolver's index read as no bound:
coverage "to the present", no embargo. The KBART text is in ``raw``; this copies it into
each such NULL column, so the index finds the bound unreadable. Rows whose column is
NULL because the KBART cell was empty are left as they are.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Stored column → its KBART column in ``raw``.
_COLUMNS = (
    ("start_date", "date_first_issue_online"),
    ("end_date", "date_last_issue_online"),
    ("embargo", "embargo_info"),
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for column, kbart in _COLUMNS:
        given = f"raw ->> '{kbart}'" if postgres else f"json_extract(raw, '$.{kbart}')"
        op.execute(
            f"UPDATE portfolios SET {column} = trim({given}) "
            f"WHERE {column} IS NULL AND trim(coalesce({given}, '')) <> ''"
        )


def downgrade() -> None:
    # The texts stay: an older erdq parses them, finds nothing readable and reads no
    # bound, as it did before this revision.
    pass
