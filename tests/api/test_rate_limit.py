"""Rate limits (interop R29): a caller over its quota gets 429 `rate-limited` with Retry-After and the quota
headers; other callers are unaffected; the window ends; public service routes are never limited.

The app here has its own small limits and a clock the tests move, so nothing waits for a real minute."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.auth.roles import OrgType, Principal, Role
from sos_api.rate_limit import RateLimiter
from sos_api.settings import Settings
from tests.api.conftest import TokenFactory

WINDOW = 60
USER_LIMIT = 3
CLIENT_LIMIT = 5
START = 1_000_000 * WINDOW + 20.0  # 40 seconds before a window ends
LIMITED = "/v1/cases"
PUBLIC = ("/health", "/ready", "/.well-known/jwks.json", "/.well-known/api-configuration")


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
async def limited_client(settings: Settings, module_database: str, clock: Clock) -> AsyncIterator[AsyncTestClient[Any]]:
    small = msgspec.structs.replace(
        settings,
        rate_limit_window_seconds=WINDOW,
        rate_limit_user_requests=USER_LIMIT,
        rate_limit_client_requests=CLIENT_LIMIT,
    )
    app = create_app(small, database_url=module_database)
    app.state.rate_limiter = RateLimiter(small, clock=clock)
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def fresh_window(clock: Clock) -> None:
    """Each test starts 40 s into a window none of the others used."""
    clock.now += 10 * WINDOW


async def test_quota_headers_count_down_then_429_with_retry_after(
    limited_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    worker = auth("social_worker", sub="rl-worker")
    for remaining in range(USER_LIMIT - 1, -1, -1):
        response = await limited_client.get(LIMITED, headers=worker)
        assert response.status_code == 200, response.text
        assert response.headers["RateLimit-Limit"] == str(USER_LIMIT)
        assert response.headers["RateLimit-Remaining"] == str(remaining)
        assert response.headers["RateLimit-Reset"] == "40"
        assert "Retry-After" not in response.headers

    refused = await limited_client.get(LIMITED, headers=worker)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("/rate-limited")
    assert (refused.headers["Retry-After"], refused.headers["RateLimit-Reset"]) == ("40", "40")
    assert (refused.headers["RateLimit-Limit"], refused.headers["RateLimit-Remaining"]) == (str(USER_LIMIT), "0")
    # Refused requests are not counted, and a different kind of request is refused too: the quota is the caller's.
    assert (await limited_client.post("/v1/people", json={}, headers=worker)).status_code == 429


async def test_another_caller_is_unaffected_and_integration_clients_get_more(
    limited_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    busy = auth("social_worker", sub="rl-busy")
    for _ in range(USER_LIMIT):
        await limited_client.get(LIMITED, headers=busy)
    assert (await limited_client.get(LIMITED, headers=busy)).status_code == 429

    colleague = await limited_client.get(LIMITED, headers=auth("social_worker", sub="rl-colleague"))
    assert colleague.status_code == 200
    assert colleague.headers["RateLimit-Remaining"] == str(USER_LIMIT - 1)

    system = auth("integration_client", sub="rl-d2i")
    statuses = [(await limited_client.get("/v1/changes", headers=system)).status_code for _ in range(CLIENT_LIMIT + 1)]
    assert [status == 429 for status in statuses] == [False] * CLIENT_LIMIT + [True], statuses


async def test_the_window_ends(limited_client: AsyncTestClient[Any], auth: TokenFactory, clock: Clock) -> None:
    worker = auth("social_worker", sub="rl-patient")
    for _ in range(USER_LIMIT):
        await limited_client.get(LIMITED, headers=worker)
    refused = await limited_client.get(LIMITED, headers=worker)
    assert refused.status_code == 429
    clock.now += int(refused.headers["Retry-After"])
    again = await limited_client.get(LIMITED, headers=worker)
    assert again.status_code == 200
    assert (again.headers["RateLimit-Remaining"], again.headers["RateLimit-Reset"]) == (str(USER_LIMIT - 1), "60")


async def test_public_service_routes_are_never_limited(limited_client: AsyncTestClient[Any]) -> None:
    for path in PUBLIC:
        for _ in range(USER_LIMIT + 1):
            response = await limited_client.get(path)
            assert response.status_code == 200, path
            assert "RateLimit-Limit" not in response.headers


async def test_discovery_lists_the_limits(limited_client: AsyncTestClient[Any]) -> None:
    limits = (await limited_client.get("/.well-known/api-configuration")).json()["limits"]
    assert (
        limits["rate_limit_window_seconds"],
        limits["rate_limit_user_requests"],
        limits["rate_limit_client_requests"],
    ) == (WINDOW, USER_LIMIT, CLIENT_LIMIT)


def test_each_worker_enforces_its_share() -> None:
    clock = Clock()
    limiter = RateLimiter(Settings(rate_limit_user_requests=10, rate_limit_workers=4), clock=clock)
    caller = Principal(subject="s", issuer="i", roles=(Role.social_worker,), org_type=OrgType.la, org_code="845")
    decisions = [limiter.hit(caller) for _ in range(4)]
    # ceil(10 / 4) = 3 here; Remaining is this worker's share left, scaled to the whole quota.
    assert [(d.allowed, d.remaining) for d in decisions] == [(True, 8), (True, 4), (True, 0), (False, 0)]
    assert {d.limit for d in decisions} == {10}
