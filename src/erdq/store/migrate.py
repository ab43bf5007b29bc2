"""Schema migrations: Alembic driven from code, with the scripts shipped in the package.

No alembic.ini is needed. ``upgrade`` first checks the version with a plain read, so
opening an up-to-date store never takes the write lock (a report may run during an import).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, text

from erdq.errors import StoreError
from erdq.store.db import db_errors, write_transaction

SCRIPTS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK = 0x65726471  # "erdq": serialises concurrent first opens of one PostgreSQL store


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    # Config values go through configparser interpolation: a literal % must be doubled.
    config.set_main_option("script_location", str(SCRIPTS).replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with db_errors("opening the store", engine), engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def upgrade(engine: Engine) -> None:
    """Bring the store's schema to the newest revision this erdq knows."""
    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    heads = set(script.get_heads())
    current = current_revisions(engine)
    if current == heads:
        return
    unknown = current - {rev.revision for rev in script.walk_revisions()}
    if unknown:
        raise StoreError(
            f"the store has schema revision {', '.join(sorted(unknown))}, "
            "which this version of erdq does not know",
            hint="a newer erdq wrote this store; upgrade erdq",
        )
    with db_errors("upgrading the schema", engine), write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        config.attributes["connection"] = conn
        try:
            command.upgrade(config, "head")
        except CommandError as exc:
            raise StoreError(f"schema upgrade failed: {exc}") from exc
