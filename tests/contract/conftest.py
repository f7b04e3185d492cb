"""Contract-suite fixtures: the committed OpenAPI document, tokens from the test issuer, the app per test on a fresh
database (bad-input tests), and the app served once per module by uvicorn on a fresh database (schemathesis)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import uvicorn
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.auth.tokens import mint_token
from sos_api.settings import Settings
from tests.conftest import Databases

ROOT = Path(__file__).resolve().parents[2]
COMMITTED_DOCUMENT = ROOT / "openapi" / "openapi.json"
COUNCIL_A = "la:845"
MAX_BODY_BYTES = 262_144
# Lines the schemathesis module leaves for the end-of-run summary (how many cases ran, which statuses came back).
SCHEMATHESIS_SUMMARY = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    lines = config.stash.get(SCHEMATHESIS_SUMMARY, [])
    if lines:
        terminalreporter.section("contract suite")
        for line in lines:
            terminalreporter.write_line(line)


def load_committed_document() -> dict[str, Any]:
    return dict(json.loads(COMMITTED_DOCUMENT.read_bytes()))


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    """The same settings tests/api uses: the local issuer in the session data dir, a 256 KiB body limit."""
    return Settings(
        database_url="postgresql://unused", data_dir=data_dir, local_issuer=True, max_body_bytes=MAX_BODY_BYTES
    )


TokenFactory = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def auth(settings: Settings) -> TokenFactory:
    """auth("social_worker") -> headers with a bearer token for that role in council A (minted, never bypassed)."""

    def make(role: str = "social_worker", org: str = COUNCIL_A, sub: str | None = None, **extra: Any) -> dict[str, str]:
        token = mint_token(
            settings, roles=[role], organisation=org, subject=sub or f"{role}-contract", extra=extra or None
        )
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def database_url(databases: Databases) -> str:
    return databases.fresh()


@pytest.fixture
async def client(settings: Settings, database_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(settings, database_url=database_url)
    async with AsyncTestClient(app) as test_client:
        yield test_client


class LiveServer(msgspec.Struct, frozen=True):
    base_url: str
    database_url: str


@pytest.fixture(scope="module")
def live_server(settings: Settings, databases: Databases) -> Iterator[LiveServer]:
    """The real app on its own fresh database, served by uvicorn on 127.0.0.1 in a background thread.

    One startup (one lifespan, one engine on the server's own event loop) for the whole module: schemathesis
    calls it over HTTP, so it never restarts the app per case (conventions pitfall 9) and never shares the
    test loop with the app's engine (pitfall 8).
    """
    url = databases.fresh()
    app = create_app(settings, database_url=url)
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto says TCP, and without it every
    # response written in two parts waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port, held from here on so nothing else can take it
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False, proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="contract-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the API did not start for the contract tests")
        time.sleep(0.05)
    try:
        yield LiveServer(base_url=f"http://127.0.0.1:{port}", database_url=url)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
