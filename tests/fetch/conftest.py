"""Fixtures for the fetch tests.

``replay`` points every MNKBIB_*_URL variable at a local replay server; an autouse fixture
points them at a closed port otherwise, so no test can reach the internet by accident.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fetch_replay import BASE_URL_VARIABLES, ReplayServer


@pytest.fixture(scope="session")
def replay_server() -> Iterator[ReplayServer]:
    server = ReplayServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def closed_port() -> int:
    """A local port nobody listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, closed_port: int) -> None:
    for variable in BASE_URL_VARIABLES:
        monkeypatch.setenv(variable, f"http://127.0.0.1:{closed_port}")
    for proxy in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(proxy, raising=False)
        monkeypatch.delenv(proxy.upper(), raising=False)


@pytest.fixture
def replay(replay_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    for variable in BASE_URL_VARIABLES:
        monkeypatch.setenv(variable, replay_server.base_url)
    replay_server.requests.clear()
    return replay_server


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Web pages get "accessed": today; tests pin today to 2024-05-06."""
    today = {"date-parts": [[2024, 5, 6]]}
    monkeypatch.setattr("mnkbib.fetch.webpage.today", lambda: {"date-parts": [[2024, 5, 6]]})
    return today
