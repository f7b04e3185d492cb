"""Requests with one Idempotency-Key racing each other (interop R12), against the app served by uvicorn: the test
client runs one request at a time, so only a real server lets two overlap. Whatever the timing, one record."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sos_api.db.embedded import async_url
from tests.conftest import Databases
from tests.contract.conftest import LiveServer, TokenFactory


@pytest.fixture(scope="module")
async def owner(databases: Databases, live_server: LiveServer) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(async_url(databases.owner_url(live_server.database_url)))
    yield engine
    await engine.dispose()


async def people_named(owner: AsyncEngine, family_name: str) -> int:
    query = "SELECT count(*) FROM records WHERE kind = 'person' AND doc->>'family_name' = :name"
    async with owner.connect() as conn:
        return int(await conn.scalar(sa.text(query), {"name": family_name}) or 0)


def post_person(server: LiveServer, headers: dict[str, str], family_name: str) -> requests.Response:
    body = {"given_names": "Ada", "family_name": family_name}
    return requests.post(f"{server.base_url}/v1/people", json=body, headers=headers, timeout=30)


def problem_type(response: Any) -> str:
    return str(response.json()["type"]).rsplit("/", 1)[-1]


async def test_a_duplicate_sent_while_the_first_runs_is_409(
    live_server: LiveServer, auth: TokenFactory, owner: AsyncEngine
) -> None:
    headers = auth() | {"Idempotency-Key": '"in-flight-1"'}
    # Hold the first request inside its transaction, key claimed: every write appends to the outbox, which this stops.
    async with owner.connect() as blocker:
        await blocker.execute(sa.text("LOCK TABLE outbox IN EXCLUSIVE MODE"))
        first = asyncio.create_task(asyncio.to_thread(post_person, live_server, headers, "InFlight"))
        await asyncio.sleep(0.5)
        second = await asyncio.to_thread(post_person, live_server, headers, "InFlight")
        assert second.status_code == 409, second.text
        assert problem_type(second) == "idempotency-key-in-flight"
        assert not first.done()
        await blocker.commit()
    assert (await first).status_code == 201
    replay = await asyncio.to_thread(post_person, live_server, headers, "InFlight")
    assert replay.status_code == 201
    assert replay.headers["idempotency-replayed"] == "true"
    assert replay.content == (await first).content
    assert await people_named(owner, "InFlight") == 1


async def test_concurrent_requests_with_one_key_make_one_record(
    live_server: LiveServer, auth: TokenFactory, owner: AsyncEngine
) -> None:
    headers = auth() | {"Idempotency-Key": '"race-1"'}
    answers = await asyncio.gather(*(asyncio.to_thread(post_person, live_server, headers, "Race") for _ in range(4)))
    assert all(a.status_code in {201, 409} for a in answers), [a.text for a in answers]
    assert len([a for a in answers if a.status_code == 201 and "idempotency-replayed" not in a.headers]) == 1
    assert await people_named(owner, "Race") == 1
