"""``erdq serve``: the link resolver over HTTP (FastAPI + uvicorn)."""

from __future__ import annotations

import os

import click

from erdq.cli import ToolFailure, handle_errors, parse_today
from erdq.cli.options import db_option


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="TCP port to listen on (1-65535).",
)
@db_option
@click.option("--today", help="Evaluate embargoes as of this day (YYYY-MM-DD), for tests.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes; each loads the holdings once.",
)
@click.option("--no-log", is_flag=True, help="Do not record requests in the request log.")
@handle_errors
def serve_command(
    host: str, port: int, db_url: str | None, today: str | None, workers: int, no_log: bool
) -> None:
    """Serve the OpenURL link resolver.

    GET /openurl?... answers with a services menu (HTML), or JSON with
    `Accept: application/json` or `format=json`, or a redirect to the only service with
    `redirect=1` (never to a title-only match). POST /openurl takes the OpenURL as a
    form-encoded body; HEAD is answered but not logged. GET /healthz reports status.
    Every request is logged for `erdq report no-service` unless --no-log is given. See
    docs/resolver.md.

    \b
    Example:
      erdq serve --db erdq.sqlite --port 8000
      curl 'http://127.0.0.1:8000/openurl?issn=1234-5679&date=2015&format=json'
    """
    try:
        import uvicorn
    except ImportError:
        raise ToolFailure("erdq serve needs uvicorn", hint="pip install uvicorn fastapi") from None
    day = parse_today(today)
    # Check the store (and bring its schema up to date) before any worker starts; a store
    # that does not exist yet would answer every request with "no title matched".
    from erdq.store import open_store

    open_store(db_url, create=False).close()
    if db_url:
        os.environ["ERDQ_DB"] = db_url
    if day:
        os.environ["ERDQ_SERVE_TODAY"] = day.isoformat()
    os.environ["ERDQ_SERVE_LOG"] = "0" if no_log else "1"
    click.echo(f"erdq resolver on http://{host}:{port}/openurl (Ctrl-C stops it)", err=True)
    uvicorn.run(
        "erdq.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
