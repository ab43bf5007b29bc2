"""The store's tables (SQLAlchemy Core). Alembic migrations must build exactly this.

Every import is a snapshot that keeps its own portfolios and findings: change monitoring
compares snapshots, so nothing is updated in place. A collection's current portfolios are
those of its latest snapshot (highest id; imports of one collection are serialised).

Portfolio columns are for querying; ``raw`` holds the row as delivered, so a Portfolio can
be rebuilt exactly and nothing the provider sent is lost.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

# Fixed constraint names keep migrations reproducible and let SQLite batch mode find them.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Row ids of the big tables outgrow 32 bits over years of million-row imports. SQLite
# autoincrements only an INTEGER PRIMARY KEY (its 64-bit rowid), never a BIGINT one.
BigId = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")

metadata = MetaData(naming_convention=NAMING)

collections = Table(
    "collections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("vendor", Text),
    Column("platform", Text),
    Column("kind", Text, nullable=False, default="package"),
    Column("status", Text, nullable=False, default="active"),
    Column("link_template", Text),
    Column("proxy", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "collection_id",
        Integer,
        ForeignKey("collections.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("checked_on", Date, nullable=False),  # the "today" the rules used (embargoes)
    Column("source", Text, nullable=False),  # the path as given
    Column("file_name", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("rows", Integer, nullable=False, default=0),
    Column("encoding", Text),
    Column("line_ending", Text),
    Column("erdq_version", Text, nullable=False),
    Column("findings", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("infos", Integer, nullable=False, default=0),
    Column("status", Text, nullable=False, default="complete"),
)

portfolios = Table(
    "portfolios",
    metadata,
    Column("id", BigId, primary_key=True),
    Column(
        "snapshot_id",
        Integer,
        ForeignKey("snapshots.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "collection_id",
        Integer,
        ForeignKey("collections.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("line", Integer),
    Column("title", Text, nullable=False),
    Column("title_id", Text),
    Column("publication_type", Text),
    Column("print_identifier", Text),  # canonical when valid, else as given
    Column("online_identifier", Text),
    Column("start_date", Text),  # ISO 8601 at the precision given: 1997, 1997-03, 1997-03-15
    Column("start_volume", Text),
    Column("start_issue", Text),
    Column("end_date", Text),
    Column("end_volume", Text),
    Column("end_issue", Text),
    Column("embargo", Text),  # normalised, e.g. R10Y;P1Y
    Column("coverage_depth", Text),
    Column("title_url", Text),
    Column("publisher", Text),
    Column("access_type", Text),
    Column("key", Text, nullable=False),  # Portfolio.key: a title across deliveries
    Column("raw", Json, nullable=False),
    # A snapshot's titles by key (diffs) and a title's history within a collection.
    Index(None, "snapshot_id", "key"),
    Index(None, "collection_id", "key"),
    Index(None, "print_identifier"),
    Index(None, "online_identifier"),
)

findings = Table(
    "findings",
    metadata,
    Column("id", BigId, primary_key=True),
    Column(
        "snapshot_id",
        Integer,
        ForeignKey("snapshots.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("code", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("level", Text, nullable=False),
    Column("confidence", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("line", Integer),
    Column("record_id", Text),
    Column("offset", BigInteger),  # byte offset of a MARC record
    Column("field", Text),
    Column("subfield", Text),
    Column("value", Text),
    Column("message", Text, nullable=False),
    Column("fingerprint", Text, nullable=False),
    Column("params", Json, nullable=False),
    # New / persisting / fixed between two snapshots is a join on fingerprint.
    Index(None, "snapshot_id", "fingerprint"),
    Index(None, "fingerprint"),
)
