"""The first schema: collections, snapshots, portfolios, findings.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written out in full rather than imported from ``erdq.store.schema``: a migration is a fixed
step, and later edits to the schema module must not change what it creates.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("vendor", sa.Text()),
        sa.Column("platform", sa.Text()),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("link_template", sa.Text()),
        sa.Column("proxy", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_collections"),
        sa.UniqueConstraint("name", name="uq_collections_name"),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.Text()),
        sa.Column("line_ending", sa.Text()),
        sa.Column("erdq_version", sa.Text(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("infos", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_snapshots"),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name="fk_snapshots_collection_id_collections",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_snapshots_collection_id", "snapshots", ["collection_id"])
    op.create_table(
        "portfolios",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer()),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_id", sa.Text()),
        sa.Column("publication_type", sa.Text()),
        sa.Column("print_identifier", sa.Text()),
        sa.Column("online_identifier", sa.Text()),
        sa.Column("start_date", sa.Text()),
        sa.Column("start_volume", sa.Text()),
        sa.Column("start_issue", sa.Text()),
        sa.Column("end_date", sa.Text()),
        sa.Column("end_volume", sa.Text()),
        sa.Column("end_issue", sa.Text()),
        sa.Column("embargo", sa.Text()),
        sa.Column("coverage_depth", sa.Text()),
        sa.Column("title_url", sa.Text()),
        sa.Column("publisher", sa.Text()),
        sa.Column("access_type", sa.Text()),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("raw", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_portfolios"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name="fk_portfolios_snapshot_id_snapshots",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name="fk_portfolios_collection_id_collections",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_portfolios_snapshot_id_key", "portfolios", ["snapshot_id", "key"])
    op.create_index("ix_portfolios_collection_id_key", "portfolios", ["collection_id", "key"])
    op.create_index("ix_portfolios_print_identifier", "portfolios", ["print_identifier"])
    op.create_index("ix_portfolios_online_identifier", "portfolios", ["online_identifier"])
    op.create_table(
        "findings",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer()),
        sa.Column("record_id", sa.Text()),
        sa.Column("offset", sa.BigInteger()),
        sa.Column("field", sa.Text()),
        sa.Column("subfield", sa.Text()),
        sa.Column("value", sa.Text()),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name="fk_findings_snapshot_id_snapshots",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_findings_snapshot_id_fingerprint", "findings", ["snapshot_id", "fingerprint"]
    )
    op.create_index("ix_findings_fingerprint", "findings", ["fingerprint"])


def downgrade() -> None:
    op.drop_table("findings")
    op.drop_table("portfolios")
    op.drop_table("snapshots")
    op.drop_table("collections")
