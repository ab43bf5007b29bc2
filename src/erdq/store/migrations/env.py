"""Alembic environment. erdq passes its own connection (see ``erdq.store.migrate``);
``sqlalchemy.url`` is used only when Alembic is run by hand, e.g. for ``alembic revision``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from erdq.store.db import make_engine
from erdq.store.schema import metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
elif (given := context.config.attributes.get("connection")) is not None:
    run(given)
else:
    with make_engine(context.config.get_main_option("sqlalchemy.url") or "").begin() as conn:
        run(conn)
