"""``erdq audit`` runs and the fingerprints of their findings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

``audit_runs`` keeps each audit's inputs and summary; ``audit_findings`` one row per
finding (fingerprint, code, severity, source, record id), so the next audit can say what
is new, persisting and fixed. Written out in full, like 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erdq_version", sa.Text(), nullable=False),
        sa.Column("inputs", JSON, nullable=False),
        sa.Column("summary", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_runs"),
    )
    op.create_table(
        "audit_findings",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Text()),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["audit_runs.id"],
            name="fk_audit_findings_run_id_audit_runs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_findings"),
    )
    op.create_index(
        "ix_audit_findings_run_id_fingerprint", "audit_findings", ["run_id", "fingerprint"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_findings_run_id_fingerprint", "audit_findings")
    op.drop_table("audit_findings")
    op.drop_table("audit_runs")
