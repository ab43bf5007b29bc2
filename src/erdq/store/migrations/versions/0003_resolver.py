"""The link resolver: collection link settings, the request log, problem reports.

Revision ID: 0003
Revises: 0002
Create Date: 2025-03-01

Collections gain ``doi_prefixes`` (DOI prefixes the collection links by DOI) and
``preference`` (its place in the services menu, lower first; 100 for every existing
collection). ``resolver_requests`` logs each resolution for the no-service report;
``problem_reports`` keeps readers' problem reports. Written out in full, like 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("collections", sa.Column("doi_prefixes", sa.Text()))
    op.add_column(
        "collections",
        sa.Column("preference", sa.Integer(), nullable=False, server_default="100"),
    )
    op.create_table(
        "resolver_requests",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("source", sa.Text()),
        sa.Column("genre", sa.Text()),
        sa.Column("issn", sa.Text()),
        sa.Column("isbn", sa.Text()),
        sa.Column("doi", sa.Text()),
        sa.Column("journal", sa.Text()),
        sa.Column("article", sa.Text()),
        sa.Column("date", sa.Text()),
        sa.Column("volume", sa.Text()),
        sa.Column("issue", sa.Text()),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("services", sa.Integer(), nullable=False),
        sa.Column("citation", JSON, nullable=False),
        sa.Column("query", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_resolver_requests"),
    )
    op.create_index("ix_resolver_requests_requested_at", "resolver_requests", ["requested_at"])
    op.create_index(
        "ix_resolver_requests_outcome_requested_at",
        "resolver_requests",
        ["outcome", "requested_at"],
    )
    op.create_table(
        "problem_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("openurl", sa.Text(), nullable=False),
        sa.Column("message", sa.Text()),
        sa.Column("user_agent", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_problem_reports"),
    )


def downgrade() -> None:
    op.drop_table("problem_reports")
    op.drop_index("ix_resolver_requests_outcome_requested_at", "resolver_requests")
    op.drop_index("ix_resolver_requests_requested_at", "resolver_requests")
    op.drop_table("resolver_requests")
    with op.batch_alter_table("collections") as batch:
        batch.drop_column("preference")
        batch.drop_column("doi_prefixes")
