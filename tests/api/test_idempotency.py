"""Safe retries over HTTP (interop R12): `Idempotency-Key` on POST and PUT, stored in the write's own transaction.
Requests racing each other need a real server: tests/contract/test_idempotency_races.py.

One database for the module: every test uses keys and records of its own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sos_api import cli
from sos_api.db.embedded import async_url
from tests.api.conftest import TokenFactory
from tests.conftest import Databases
from tests.contract.conftest import load_committed_document

JSON = dict[str, Any]


def person(family_name: str, given: str = "Ada") -> JSON:
    return {"given_names": given, "family_name": family_name}


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return headers | {"Idempotency-Key": f'"{key}"'}


def problem_type(response: Any) -> str:
    return str(response.json()["type"]).rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
async def owner(databases: Databases, module_database: str) -> AsyncIterator[AsyncEngine]:
    """The module's database as its owner, to count what was stored and to play the clock forward."""
    engine = create_async_engine(async_url(databases.owner_url(module_database)))
    yield engine
    await engine.dispose()


async def people_named(owner: AsyncEngine, family_name: str) -> int:
    query = "SELECT count(*) FROM records WHERE kind = 'person' AND doc->>'family_name' = :name"
    async with owner.connect() as conn:
        return int(await conn.scalar(sa.text(query), {"name": family_name}) or 0)


async def stored_keys(owner: AsyncEngine, key: str) -> int:
    async with owner.connect() as conn:
        return int(await conn.scalar(sa.text("SELECT count(*) FROM idempotency_keys WHERE key = :k"), {"k": key}) or 0)


async def test_a_retry_gets_the_first_response_and_writes_nothing(
    module_client: AsyncTestClient[Any], auth: TokenFactory, owner: AsyncEngine
) -> None:
    headers, key = keyed(auth(), "retry-1"), "retry-1"
    first = await module_client.post("/v1/people", json=person("Retry"), headers=headers)
    again = await module_client.post("/v1/people", json=person("Retry"), headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["idempotency-replayed"] == "true"
    assert "idempotency-replayed" not in first.headers
    assert await people_named(owner, "Retry") == 1
    assert await stored_keys(owner, key) == 1
    # The replay showed the record again: the access log has its creation and a read.
    async with owner.connect() as conn:
        actions = await conn.scalars(
            sa.text("SELECT action FROM access_events WHERE object_id = :id ORDER BY seq"), {"id": first.json()["id"]}
        )
        assert list(actions) == ["create", "read"]


async def test_the_same_key_with_another_request_is_refused(
    module_client: AsyncTestClient[Any], auth: TokenFactory, owner: AsyncEngine
) -> None:
    headers = keyed(auth(), "reused-1")
    assert (await module_client.post("/v1/people", json=person("Reused"), headers=headers)).status_code == 201
    other = await module_client.post("/v1/people", json=person("Reused", given="Ben"), headers=headers)
    assert other.status_code == 422, other.text
    assert problem_type(other) == "idempotency-key-reused"
    assert await people_named(owner, "Reused") == 1


async def test_another_callers_same_key_is_their_own(
    module_client: AsyncTestClient[Any], auth: TokenFactory, owner: AsyncEngine
) -> None:
    mine = await module_client.post("/v1/people", json=person("Shared"), headers=keyed(auth(sub="a"), "shared-1"))
    theirs = await module_client.post("/v1/people", json=person("Shared"), headers=keyed(auth(sub="b"), "shared-1"))
    assert mine.status_code == theirs.status_code == 201, theirs.text
    assert "idempotency-replayed" not in theirs.headers
    assert mine.json()["id"] != theirs.json()["id"]
    assert await people_named(owner, "Shared") == 2


async def test_a_refused_request_stores_nothing_so_its_key_can_be_used_again(
    module_client: AsyncTestClient[Any], auth: TokenFactory, owner: AsyncEngine
) -> None:
    headers = keyed(auth(), "refused-1")
    refused = await module_client.post("/v1/people", json={"family_name": "Refused"}, headers=headers)
    assert refused.status_code == 422
    assert problem_type(refused) == "validation-failed"
    assert await stored_keys(owner, "refused-1") == 0
    corrected = await module_client.post("/v1/people", json=person("Refused"), headers=headers)
    assert corrected.status_code == 201, corrected.text
    assert "idempotency-replayed" not in corrected.headers


@pytest.mark.parametrize("value", ["two words", '"' + "k" * 256 + '"', '"unterminated', "del\x7f"])
async def test_a_malformed_key_is_400(module_client: AsyncTestClient[Any], auth: TokenFactory, value: str) -> None:
    headers = auth() | {"Idempotency-Key": value}
    refused = await module_client.post("/v1/people", json=person("Malformed"), headers=headers)
    assert refused.status_code == 400, refused.text
    assert problem_type(refused) == "bad-request"


async def test_a_put_is_replayed_without_a_second_version(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    worker = auth()
    child = (await module_client.post("/v1/people", json=person("Put"), headers=worker)).json()["id"]
    body = {"family_label": "Put family", "opened_on": "2026-10-01", "members": [{"person_id": child, "role": "child"}]}
    case = await module_client.post("/v1/cases", json=body, headers=worker)
    assert case.status_code == 201, case.text
    path, changed = f"/v1/cases/{case.json()['id']}", body | {"family_label": "Put family (renamed)"}
    headers = keyed(worker, "put-1") | {"If-Match": case.headers["etag"]}
    first = await module_client.put(path, json=changed, headers=headers)
    again = await module_client.put(path, json=changed, headers=headers)
    assert first.status_code == again.status_code == 200, again.text
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"] == 'W/"2"'
    assert again.headers["idempotency-replayed"] == "true"
    assert (await module_client.get(path, headers=worker)).headers["etag"] == 'W/"2"'


async def test_expired_keys_are_pruned_and_others_kept(
    module_client: AsyncTestClient[Any],
    auth: TokenFactory,
    owner: AsyncEngine,
    module_database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    for key in ("old-1", "new-1", "stale-1"):
        made = await module_client.post("/v1/people", json=person(f"Prune {key}"), headers=keyed(auth(), key))
        assert made.status_code == 201
    expire = "UPDATE idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key IN ('old-1', 'stale-1')"
    async with owner.begin() as conn:
        await conn.execute(sa.text(expire))
    # An expired key not yet pruned is free again: a new request, not a replay nor a reuse.
    fresh = await module_client.post("/v1/people", json=person("Prune again"), headers=keyed(auth(), "stale-1"))
    assert fresh.status_code == 201, fresh.text
    assert "idempotency-replayed" not in fresh.headers
    # As an operator runs it: the workers' own login, outside any tenant.
    monkeypatch.setenv("SOS_DATABASE_URL", module_database)
    assert await anyio.to_thread.run_sync(lambda: cli.main(["prune-idempotency-keys"])) == 0
    assert re.search(r"pruned [1-9]\d* expired", capsys.readouterr().out)
    assert await stored_keys(owner, "old-1") == 0
    assert await stored_keys(owner, "new-1") == 1


def test_every_post_and_put_documents_the_key_and_what_it_can_add() -> None:
    missing = []
    for path, item in load_committed_document()["paths"].items():
        for method in ("post", "put"):
            operation = item.get(method)
            if operation is None:
                continue
            # Shared header parameters (X-Request-ID, X-Purpose-Of-Use) are references to components: by name.
            names = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in operation.get("parameters", [])}
            if "Idempotency-Key" not in names or not {"409", "422"} <= set(operation["responses"]):
                missing.append(f"{method.upper()} {path}")
    assert not missing, missing
