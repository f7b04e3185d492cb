"""`POST /v1/batch` (interop R13): results by ref, each operation run as if sent alone, atomic all-or-nothing,
operation keys and the batch's own Idempotency-Key.

One database for the module: every test uses family names, identifiers and keys of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sos_api.db.embedded import async_url
from tests.api.conftest import TokenFactory
from tests.conftest import Databases

JSON = dict[str, Any]


def person(family_name: str, given: str = "Ada", identifier: str | None = None) -> JSON:
    body: JSON = {"given_names": given, "family_name": family_name}
    if identifier is not None:
        body["identifiers"] = [{"system": "la_person_id", "value": identifier}]
    return body


def create(ref: str, family_name: str, **headers: str) -> JSON:
    operation: JSON = {"ref": ref, "method": "POST", "path": "/v1/people", "body": person(family_name)}
    if headers:
        operation["headers"] = {name.replace("_", "-"): value for name, value in headers.items()}
    return operation


def upsert(ref: str, family_name: str, identifier: str) -> JSON:
    return {
        "ref": ref,
        "method": "PUT",
        "path": f"/v1/people?identifier=la_person_id%7C{identifier}",
        "body": person(family_name, identifier=identifier),
    }


def by_ref(response: Any) -> dict[str, JSON]:
    assert response.status_code == 200, response.text
    return {result["ref"]: result for result in response.json()["results"]}


def slug(result: JSON) -> str:
    return str(result["problem"]["type"]).rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
async def owner(databases: Databases, module_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(async_url(databases.owner_url(module_database)))
    yield engine
    await engine.dispose()


async def people_named(owner: AsyncEngine, family_name: str) -> int:
    query = "SELECT count(*) FROM records WHERE kind = 'person' AND doc->>'family_name' = :name"
    async with owner.connect() as conn:
        return int(await conn.scalar(sa.text(query), {"name": family_name}) or 0)


async def events(owner: AsyncEngine, request_id: str) -> list[tuple[str, str, str]]:
    query = "SELECT action, object_type, outcome FROM access_events WHERE request_id = :rid ORDER BY seq"
    async with owner.connect() as conn:
        return [tuple(row) for row in (await conn.execute(sa.text(query), {"rid": request_id})).all()]


async def test_each_operation_answers_under_its_ref_and_a_failure_leaves_the_others(
    module_client: AsyncTestClient[Any], auth: TokenFactory, owner: AsyncEngine
) -> None:
    bad = {"ref": "bad", "method": "POST", "path": "/v1/people", "body": {"given_names": "No family name"}}
    operations = [bad, create("made", "Loose"), upsert("upserted", "Loose", "BATCHL1")]
    sent = await module_client.post("/v1/batch", json={"operations": operations}, headers=auth())
    results = by_ref(sent)
    assert sent.json()["applied"] is True
    assert sent.json()["atomic"] is False
    assert results["bad"]["status"] == 422
    assert slug(results["bad"]) == "validation-failed"
    assert results["bad"]["problem"]["errors"][0]["pointer"] == "/family_name"
    for ref in ("made", "upserted"):
        made = results[ref]
        assert made["status"] == 201, made
        assert made["version"] == 1
        assert made["etag"] == 'W/"1"'
        assert made["location"] == f"/v1/people/{made['id']}" == f"/v1/people/{made['body']['id']}"
    assert await people_named(owner, "Loose") == 2
    # The upsert again, now with the person's ETag: the same route's rules (If-Match) decide.
    again = upsert("again", "Loose", "BATCHL1")
    stale = await module_client.post("/v1/batch", json={"operations": [again]}, headers=auth())
    assert by_ref(stale)["again"]["status"] == 428
    again["headers"] = {"If-Match": results["upserted"]["etag"]}
    replaced = by_ref(await module_client.post("/v1/batch", json={"operations": [again]}, headers=auth()))["again"]
    assert replaced["status"] == 200
    assert replaced["version"] == 2
    assert replaced["id"] == results["upserted"]["id"]
    # If-None-Exist is the operation's own header too: the person holding the identifier comes back, none is made.
    found = {
        "ref": "found",
        "method": "POST",
        "path": "/v1/people",
        "headers": {"If-None-Exist": "identifier=la_person_id|BATCHL1"},
        "body": person("Loose", identifier="BATCHL1"),
    }
    existing = by_ref(await module_client.post("/v1/batch", json={"operations": [found]}, headers=auth()))["found"]
    assert existing["status"] == 200
    assert existing["id"] == results["upserted"]["id"]
    assert await people_named(owner, "Loose") == 2


async def test_an_atomic_batch_stores_everything_or_nothing(
    module_client: AsyncTestClient[Any], auth: TokenFactory, owner: AsyncEngine
) -> None:
    operations = [
        create("first", "Atomic"),
        upsert("second", "Atomic", "BATCHA1"),
        {"ref": "broken", "method": "PUT", "path": "/v1/people?identifier=nonsense", "body": person("Atomic")},
        create("never-run", "Atomic"),
    ]
    sent = await module_client.post("/v1/batch", json={"operations": operations, "atomic": True}, headers=auth())
    results = by_ref(sent)
    assert sent.json()["applied"] is False
    assert results["broken"]["status"] == 400, results["broken"]
    for ref in ("first", "second", "never-run"):
        assert results[ref]["status"] == 424
        assert slug(results[ref]) == "batch-not-applied"
        assert "id" not in results[ref]
        assert "'broken'" in results[ref]["problem"]["detail"]
    assert await people_named(owner, "Atomic") == 0

    # The same batch without the broken operation, one operation carrying its own key: all of it is stored.
    operations = [create("first", "Atomic", Idempotency_Key="atomic-op-1"), upsert("second", "Atomic", "BATCHA1")]
    sent = await module_client.post("/v1/batch", json={"operations": operations, "atomic": True}, headers=auth())
    results = by_ref(sent)
    assert sent.json()["applied"] is True
    assert [results[ref]["status"] for ref in ("first", "second")] == [201, 201]
    assert await people_named(owner, "Atomic") == 2
    # The operation's key was stored with the batch's transaction: sent alone, it is a replay of the same answer.
    alone = await module_client.post(
        "/v1/people", json=person("Atomic"), headers=auth() | {"Idempotency-Key": "atomic-op-1"}
    )
    assert alone.status_code == 201
    assert alone.headers["idempotency-replayed"] == "true"
    assert alone.json()["id"] == results["first"]["id"]
    assert await people_named(owner, "Atomic") == 2


async def test_operations_are_authorised_and_audited_as_if_sent_alone(
    module_client: AsyncTestClient[Any], auth: TokenFactory, owner: AsyncEngine
) -> None:
    made = await module_client.post("/v1/people", json=person("Audited"), headers=auth())
    person_id = made.json()["id"]
    operations = [
        {"ref": "read", "method": "GET", "path": f"/v1/people/{person_id}"},
        create("refused", "Audited"),
    ]
    headers = auth("auditor") | {"X-Request-ID": "batch-audit-1"}
    results = by_ref(await module_client.post("/v1/batch", json={"operations": operations}, headers=headers))
    assert results["read"]["status"] == 200
    assert results["read"]["body"]["family_name"] == "Audited"
    assert results["refused"]["status"] == 403
    assert slug(results["refused"]) == "forbidden"
    assert await people_named(owner, "Audited") == 1
    # The read and the refusal are in the access log under the batch's request id, as each alone would be.
    assert await events(owner, "batch-audit-1") == [("read", "person", "allowed"), ("denied", "person", "denied")]
    # Another council's caller does not see the person: 404, as alone.
    other = auth(org="la:999", sub="elsewhere")
    hidden = by_ref(await module_client.post("/v1/batch", json={"operations": operations[:1]}, headers=other))
    assert hidden["read"]["status"] == 404


async def test_batches_refuse_bad_shapes_and_nesting(module_client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    read = {"ref": "r", "method": "GET", "path": "/v1/identifier-systems"}
    twice = await module_client.post("/v1/batch", json={"operations": [read, read]}, headers=auth())
    assert twice.status_code == 422
    assert "unique" in twice.text
    many = [dict(read, ref=f"r{n}") for n in range(101)]
    too_many = await module_client.post("/v1/batch", json={"operations": many}, headers=auth())
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["pointer"] == "/operations"
    outside = await module_client.post(
        "/v1/batch", json={"operations": [dict(read, path="https://evil.example/v1/x")]}, headers=auth()
    )
    assert outside.status_code == 422
    nested = {"ref": "inner", "method": "POST", "path": "/v1/batch", "body": {"operations": [read]}}
    results = by_ref(await module_client.post("/v1/batch", json={"operations": [nested, read]}, headers=auth()))
    assert results["inner"]["status"] == 422
    assert slug(results["inner"]) == "nested-batch"
    assert results["r"]["status"] == 200
    assert results["r"]["body"]["items"]
    unauthenticated = await module_client.post("/v1/batch", json={"operations": [read]})
    assert unauthenticated.status_code == 401


async def test_a_batch_with_an_idempotency_key_is_answered_once(
    module_client: AsyncTestClient[Any], auth: TokenFactory, owner: AsyncEngine
) -> None:
    body = {"operations": [create("one", "Keyed"), upsert("two", "Keyed", "BATCHK1")]}
    headers = auth() | {"Idempotency-Key": '"batch-key-1"', "X-Request-ID": "batch-key-retry"}
    first = await module_client.post("/v1/batch", json=body, headers=headers)
    again = await module_client.post("/v1/batch", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["idempotency-replayed"] == "true"
    assert [r["status"] for r in first.json()["results"]] == [201, 201]
    assert await people_named(owner, "Keyed") == 2
    # The replay handed both records back: each is in the access log as read.
    assert [e for e in await events(owner, "batch-key-retry") if e[0] == "read"] == [("read", "person", "allowed")] * 2
    other = await module_client.post("/v1/batch", json={"operations": body["operations"][:1]}, headers=headers)
    assert other.status_code == 422
    assert other.json()["type"].endswith("idempotency-key-reused")
    # An atomic batch that was not applied stores no key: corrected, the same key goes through.
    broken = {"operations": [create("one", "Keyed2"), {"ref": "bad", "method": "GET", "path": "/v1/nowhere"}]}
    headers = auth() | {"Idempotency-Key": "batch-key-2"}
    refused = await module_client.post("/v1/batch", json=broken | {"atomic": True}, headers=headers)
    assert refused.json()["applied"] is False
    assert await people_named(owner, "Keyed2") == 0
    fixed = await module_client.post("/v1/batch", json={"operations": broken["operations"][:1]}, headers=headers)
    assert by_ref(fixed)["one"]["status"] == 201
    assert "idempotency-replayed" not in fixed.headers
    assert await people_named(owner, "Keyed2") == 1


async def test_an_agency_system_batches_contributions_atomically(
    module_client: AsyncTestClient[Any], auth: TokenFactory, owner: AsyncEngine
) -> None:
    """An agency's transaction spans the councils that involve it and, for a contribution, the one it names: in a
    batch too, and each contribution's receipt is its own."""
    hospital = auth("partner_system", "ods:RX1", sub="batch-ed-system", scp="system/contributions.cr")
    contribution = contribution_body()
    operations = [
        {"ref": f"attendance-{n}", "method": "POST", "path": "/v1/contributions", "body": contribution}
        for n in range(2)
    ]
    results = by_ref(
        await module_client.post("/v1/batch", json={"operations": operations, "atomic": True}, headers=hospital)
    )
    assert [results[f"attendance-{n}"]["status"] for n in range(2)] == [202, 202]
    assert results["attendance-0"]["id"] != results["attendance-1"]["id"]
    assert results["attendance-0"]["location"] == f"/v1/contributions/{results['attendance-0']['id']}"
    # A council's integration client needs system/batch.c besides the operations' own scopes.
    narrow = auth("integration_client", sub="batch-sync-narrow", scp="system/people.cu")
    refused = await module_client.post("/v1/batch", json={"operations": operations}, headers=narrow)
    assert refused.status_code == 403
    async with owner.connect() as conn:
        stored = await conn.scalar(sa.text("SELECT count(*) FROM records WHERE kind = 'contribution'"))
    assert stored == 2


def contribution_body() -> JSON:
    return {
        "kind": "health_attendance",
        "la_code": "845",
        "subject": {"given_names": "Ada", "family_name": "Batchford", "date_of_birth": "2019-04-02"},
        "contributor": {"name": "Riverside NHS Trust", "code": "RX1", "code_system": "ods"},
        "author": {"name": "Sam Nurse", "role": "Named nurse", "email": "named.nurse@example.nhs.uk"},
        "agency_type": "hospital",
        "narrative": "Ada came to the emergency department with a bruise to her cheek.",
        "setting": "emergency_department",
        "attended_at": "2026-11-01T21:30:00Z",
        "reason": "Bruise to the left cheek.",
    }
