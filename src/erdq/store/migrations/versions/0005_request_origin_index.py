"""An index on ``resolver_requests.origin``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

``erdq logs import`` refuses a file whose requests are already in the log by looking for
its origin (``import:<sha256>``); without an index that is a scan of a year of requests.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_resolver_requests_origin", "resolver_requests", ["origin"])


def downgrade() -> None:
    op.drop_index("ix_resolver_requests_origin", table_name="resolver_requests")
