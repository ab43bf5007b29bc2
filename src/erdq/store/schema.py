"""The store's tables (SQLAlchemy Core). Alembic migrations must build exactly this.

Every import is a snapshot that keeps its own portfolios or records and its findings:
change monitoring compares snapshots, so nothing is updated in place. A snapshot's
``kind`` says what it holds: ``kbart`` (portfolios) or ``marc`` (bibliographic records).
A collection's current portfolios are those of its latest ``kbart`` snapshot (highest id;
imports of one collection are serialised). One ``erdq import marc`` of several files makes
one snapshot per file, all sharing a ``batch`` (the id of the first); a collection's
current records are those of its latest ``marc`` batch.

Portfolio columns are for querying; ``raw`` holds the row as delivered, so a Portfolio can
be rebuilt exactly and nothing the provider sent is lost. Records likewise keep the record
as delivered: ``raw`` holds the ISO 2709 bytes of a record read from ISO 2709 (whatever
their encoding or faults), ``marc`` the MARC-in-JSON of a record read from MARCXML, .mrk
or JSON, which have no per-record bytes. Exactly one of the two is set. The other record
columns are derived keys for linkage and reports (``erdq.linkage.record_keys``), and
``record_identifiers`` holds each record's valid ISBNs and ISSNs in canonical form, one
row each, indexed for the identifier join against ``portfolios``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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
# For a nullable JSON column: Python None is SQL NULL, not the JSON value null.
JsonOrNull = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

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
    # Added by revision 0002.
    Column("kind", Text, nullable=False, default="kbart", server_default="kbart"),
    Column("batch", Integer),  # marc: the id of the first snapshot of the same import
    Column("format", Text),  # marc: iso2709 | marcxml | mrk | json
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
    # ISO 8601 at the precision given (1997, 1997-03, 1997-03-15); a date or embargo that
    # cannot be read is kept as given ("2005-13"), never NULL, which would mean no bound.
    Column("start_date", Text),
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

records = Table(
    "records",
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
    Column("ordinal", Integer, nullable=False),  # 1-based position in the file
    Column("offset", BigInteger),  # byte offset in an ISO 2709 file
    Column("record_id", Text),  # 001
    Column("title", Text),  # 245 $a $b $n $p, ISBD punctuation trimmed
    Column("title_key", Text),  # normalise_title(title)
    Column("short_title_key", Text),  # the same without 245 $b (no subtitle)
    Column("title_block", Text),  # the first letters of title_key: blocking for title matches
    Column("author_key", Text),  # first 100/110/111 $a, else 700/710/711 $a, normalised
    Column("year", Integer),  # 008/07-10, else the first year in 264/260 $c
    Column("format", Text),  # leader/06-07, e.g. "am", "as"
    Column("online", Boolean, nullable=False),  # erdq.marc21.online_evidence found some
    Column("url", Text),  # the first 856 $u that is not a related resource (ind2 2)
    Column("completeness", Float),  # erdq.completeness.score_record, 0-100
    Column("raw", LargeBinary),  # ISO 2709 bytes as delivered
    Column("marc", JsonOrNull),  # MARC-in-JSON, for records not read from ISO 2709
    Index(None, "snapshot_id", "ordinal"),
    Index(None, "snapshot_id", "title_block"),
    Index(None, "record_id"),
)

record_identifiers = Table(
    "record_identifiers",
    metadata,
    Column("id", BigId, primary_key=True),
    Column(
        "snapshot_id",
        Integer,
        ForeignKey("snapshots.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "record_pk",
        BigId,
        ForeignKey("records.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", Text, nullable=False),  # isbn | issn
    Column("value", Text, nullable=False),  # ISBN as compact ISBN-13; ISSN as 1234-5679
    Column("source", Text, nullable=False),  # where it was found: 020a 020z 022a 022l 776z 776x
    Column("role", Text),  # print | online | None (ISSN-L), see erdq.linkage
    # The identifier join: a portfolio's identifier against the records of some snapshots.
    Index(None, "value", "snapshot_id"),
    Index(None, "record_pk"),
)

# Added by revision 0003: the link resolver. Per collection: the DOI prefixes it links by
# DOI (space-separated; empty = none) and its place in the services menu (lower first).
# ``resolver_requests`` logs every resolution (erdq.resolver.log); ``problem_reports``
# holds readers' "report a problem" submissions until the feedback form exists.
collections.append_column(Column("doi_prefixes", Text))
collections.append_column(
    Column("preference", Integer, nullable=False, default=100, server_default="100")
)

resolver_requests = Table(
    "resolver_requests",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("origin", Text, nullable=False),  # live (erdq serve) | import (erdq logs import) | cli
    Column("source", Text),  # rfr_id, else sid
    Column("genre", Text),
    Column("issn", Text),  # the first cited ISSN or eISSN, canonical
    Column("isbn", Text),  # the first cited ISBN, as ISBN-13
    Column("doi", Text),
    Column("journal", Text),  # the journal or book title as cited
    Column("article", Text),  # the article or chapter title as cited
    Column("date", Text),
    Column("volume", Text),
    Column("issue", Text),
    Column("outcome", Text, nullable=False),  # service | no_service | insufficient_metadata
    Column("reason", Text),  # the dominant no-service reason code (erdq.resolver.REASONS)
    Column("services", Integer, nullable=False),
    Column("citation", Json, nullable=False),  # Citation.to_dict()
    Column("query", Text),  # the request as received (truncated to 4,000 characters)
    Index(None, "requested_at"),
    Index(None, "outcome", "requested_at"),
    Index(None, "origin"),
)

problem_reports = Table(
    "problem_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("openurl", Text, nullable=False),  # the query string of the request reported
    Column("message", Text),
    Column("user_agent", Text),
)

# Added by revision 0004: ``erdq audit`` runs. A run keeps its inputs and its summary.json
# as written; its findings are kept only by fingerprint (plus what a "fixed" list shows),
# enough to tell new, persisting and fixed findings at the next audit.
audit_runs = Table(
    "audit_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started", DateTime(timezone=True), nullable=False),
    Column("finished", DateTime(timezone=True), nullable=False),
    Column("erdq_version", Text, nullable=False),
    Column("inputs", Json, nullable=False),
    Column("summary", Json, nullable=False),
)

audit_findings = Table(
    "audit_findings",
    metadata,
    Column("id", BigId, primary_key=True),
    Column(
        "run_id",
        Integer,
        ForeignKey("audit_runs.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("fingerprint", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("record_id", Text),
    Index(None, "run_id", "fingerprint"),
)
