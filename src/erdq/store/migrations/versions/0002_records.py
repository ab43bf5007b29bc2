"""Bibliographic records: snapshot kind and batch, records, record identifiers.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01

Snapshots gain ``kind`` (every existing snapshot is a KBART one), ``batch`` and ``format``.
``records`` keeps each imported MARC record (its ISO 2709 bytes or its MARC-in-JSON) with
the keys linkage and reports query; ``record_identifiers`` holds the records' valid
ISBNs/ISSNs in canonical form, indexed for the identifier join. Written out in full, like
0001, rather than imported from ``erdq.store.schema``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    # SQLite adds a NOT NULL column with a constant default in place (no table rebuild).
    op.add_column("snapshots", sa.Column("kind", sa.Text(), nullable=False, server_default="kbart"))
    op.add_column("snapshots", sa.Column("batch", sa.Integer()))
    op.add_column("snapshots", sa.Column("format", sa.Text()))
    op.create_table(
        "records",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger()),
        sa.Column("record_id", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.Column("title_key", sa.Text()),
        sa.Column("short_title_key", sa.Text()),
        sa.Column("title_block", sa.Text()),
        sa.Column("author_key", sa.Text()),
        sa.Column("year", sa.Integer()),
        sa.Column("format", sa.Text()),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("completeness", sa.Float()),
        sa.Column("raw", sa.LargeBinary()),
        sa.Column("marc", JSON),
        sa.PrimaryKeyConstraint("id", name="pk_records"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name="fk_records_snapshot_id_snapshots",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name="fk_records_collection_id_collections",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_records_snapshot_id_ordinal", "records", ["snapshot_id", "ordinal"])
    op.create_index("ix_records_snapshot_id_title_block", "records", ["snapshot_id", "title_block"])
    op.create_index("ix_records_record_id", "records", ["record_id"])
    op.create_table(
        "record_identifiers",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("record_pk", BIG_ID, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("role", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_record_identifiers"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name="fk_record_identifiers_snapshot_id_snapshots",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_pk"],
            ["records.id"],
            name="fk_record_identifiers_record_pk_records",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_record_identifiers_value_snapshot_id",
        "record_identifiers",
        ["value", "snapshot_id"],
    )
    op.create_index("ix_record_identifiers_record_pk", "record_identifiers", ["record_pk"])


def downgrade() -> None:
    op.drop_table("record_identifiers")
    op.drop_table("records")
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_column("format")
        batch.drop_column("batch")
        batch.drop_column("kind")
