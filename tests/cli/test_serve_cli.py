"""``erdq serve`` refuses an address it cannot listen on, before announcing anything."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from erdq.cli import main
from erdq.store import open_store

pytest.importorskip("uvicorn")


@pytest.fixture
def db(tmp_path, monkeypatch):
    # serve hands its settings to the workers in the environment: restored after each test.
    for name in ("ERDQ_DB", "ERDQ_SERVE_TODAY", "ERDQ_SERVE_LOG"):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{tmp_path / 'erdq.sqlite'}"
    open_store(url).close()
    return url


@pytest.fixture
def no_server(monkeypatch):
    """uvicorn.run records its calls instead of serving."""
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(k))
    return calls


def test_a_port_in_use_is_a_usage_error(db, no_server) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--db", db, "--port", str(port)])
    # Exit codes (README, erdq.cli): 2 is a usage error; uvicorn's own 3 is not erdq's.
    assert result.exit_code == 2, result.output
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert "--port" in result.output  # how to fix it
    assert "erdq resolver on" not in result.output  # nothing announced
    assert no_server == []


def test_an_unknown_host_is_a_usage_error(db, no_server) -> None:
    # .invalid never resolves (RFC 2606).
    result = CliRunner().invoke(main, ["serve", "--db", db, "--host", "erdq.invalid"])
    assert result.exit_code == 2, result.output
    assert "cannot listen on --host 'erdq.invalid'" in result.output
    assert no_server == []


def test_a_free_port_is_announced_and_served(db, no_server) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once the probe is closed
    result = CliRunner().invoke(main, ["serve", "--db", db, "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert f"erdq resolver on http://127.0.0.1:{port}/openurl" in result.output
    assert [(c["host"], c["port"]) for c in no_server] == [("127.0.0.1", port)]


def test_a_server_that_fails_to_start_exits_2(db, monkeypatch) -> None:
    # The port taken between the check and the start: uvicorn exits 3 after its message.
    import uvicorn

    def fail(*args, **kwargs):
        raise SystemExit(3)

    monkeypatch.setattr(uvicorn, "run", fail)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(main, ["serve", "--db", db, "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert "could not start" in result.output
