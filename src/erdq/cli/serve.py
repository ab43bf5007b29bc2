"""``erdq serve``: the link resolver over HTTP (FastAPI + uvicorn)."""

from __future__ import annotations

import errno
import os
import socket

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
    docs/resolver.md. A --port already in use (or a --host that is not this machine's)
    is refused before the resolver starts, with exit code 2.

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
    check_port(host, port)  # a port in use is a usage error (exit 2), said before anything
    if db_url:
        os.environ["ERDQ_DB"] = db_url
    if day:
        os.environ["ERDQ_SERVE_TODAY"] = day.isoformat()
    os.environ["ERDQ_SERVE_LOG"] = "0" if no_log else "1"
    click.echo(f"erdq resolver on http://{host}:{port}/openurl (Ctrl-C stops it)", err=True)
    try:
        uvicorn.run(
            "erdq.web.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
        )
    except SystemExit as exc:
        # uvicorn ends with its own codes (3: could not start, e.g. the port was taken
        # between the check and the start); erdq's are 0, 1 and 2.
        if exc.code in (None, 0):
            raise
        raise ToolFailure(
            f"the resolver could not start on {host}:{port} (uvicorn's message is above)",
            hint="choose another --port, or stop the program that uses this one",
        ) from None


def check_port(host: str, port: int) -> None:
    """Refuse, before anything is announced, an address this machine cannot listen on:
    a port already in use, a host name that is not one of its addresses."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ToolFailure(
            f"cannot listen on --host {host!r}: {exc.strerror}",
            hint="give an address of this machine, e.g. 127.0.0.1 or 0.0.0.0",
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        # As the server's own socket does: a port left in TIME_WAIT by a server that has
        # just stopped can be reused, one with a listener on it cannot.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ToolFailure(
                    f"port {port} on {host} is already in use (another erdq serve, or "
                    "another program, listens on it)",
                    hint="choose another --port, or stop the program that uses this one",
                ) from None
            raise ToolFailure(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                hint="choose another --port (ports below 1024 need administrator rights) "
                "or another --host",
            ) from None
