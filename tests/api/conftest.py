"""HTTP fixtures: the app on a fresh database per test, and tokens minted by the test's local issuer."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.auth.tokens import mint_token
from sos_api.settings import Settings
from tests.conftest import Databases

COUNCIL_A = "la:845"
COUNCIL_B = "la:846"


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    # Webhook targets on 127.0.0.1 over http: the tests' own receivers (sos_api/webhooks/targets.py).
    return Settings(
        database_url="postgresql://unused",
        data_dir=data_dir,
        local_issuer=True,
        max_body_bytes=262_144,
        webhooks_allow_private=True,
        webhooks_allow_http=True,
    )


@pytest.fixture
def database_url(databases: Databases) -> str:
    return databases.fresh()


@pytest.fixture
async def client(settings: Settings, database_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(settings, database_url=database_url)
    async with AsyncTestClient(app) as test_client:
        yield test_client


@contextlib.asynccontextmanager
async def served_in_this_loop(settings: Settings, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app served in the test's own event loop, so that requests sent together really run together (the test
    client runs each request to its end on a thread of its own, one at a time). A context manager, not a fixture:
    the app's lifespan must end in the task it began in."""
    app = create_app(settings, database_url=database_url)
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
        yield client


@pytest.fixture(scope="module")
def module_database(databases: Databases) -> str:
    return databases.fresh()


@pytest.fixture(scope="module")
async def module_client(settings: Settings, module_database: str) -> AsyncIterator[AsyncTestClient[Any]]:
    """One database and client for all of a module's tests, for modules whose tests each make their own family
    (and so never see each other's records): far cheaper than a database per test."""
    async with AsyncTestClient(create_app(settings, database_url=module_database)) as test_client:
        yield test_client


TokenFactory = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def auth(settings: Settings) -> TokenFactory:
    """auth("social_worker") -> headers with a bearer token for that role in council A."""

    def make(role: str = "social_worker", org: str = COUNCIL_A, sub: str | None = None, **extra: Any) -> dict[str, str]:
        token = mint_token(settings, roles=[role], organisation=org, subject=sub or f"{role}-1", extra=extra or None)
        return {"Authorization": f"Bearer {token}"}

    return make
