"""People: BR-22 in a production tenant, identifier lookups, and who may change a person's record."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import create_async_engine

from sos_api.app import create_app
from sos_api.db.embedded import async_url
from sos_api.people import queries
from sos_api.settings import Settings
from tests.api.conftest import TokenFactory

TEST_RANGE = "9990000018"  # passes modulus 11, inside the range reserved for test data
REAL_LOOKING = "9434765919"


def person(nhs_number: str) -> dict[str, Any]:
    return {
        "given_names": "Ada",
        "family_name": "Okafor",
        "identifiers": [{"system": "nhs_number", "value": nhs_number}],
    }


async def test_a_production_tenant_refuses_test_range_nhs_numbers(
    settings: Settings, database_url: str, auth: TokenFactory
) -> None:
    production = msgspec.structs.replace(settings, production=True)
    async with AsyncTestClient(create_app(production, database_url=database_url)) as client:
        refused = await client.post("/v1/people", json=person(TEST_RANGE), headers=auth())
        assert refused.status_code == 422, refused.text
        assert refused.json()["rule"] == "BR-22"
        assert refused.json()["errors"][0]["pointer"] == "/identifiers/0/value"
        accepted = await client.post("/v1/people", json=person(REAL_LOOKING), headers=auth())
        assert accepted.status_code == 201, accepted.text
        found = await client.get(f"/v1/people?identifier=nhs_number%7C{TEST_RANGE}", headers=auth())
        assert found.json()["items"] == []  # nothing was stored


async def test_a_test_tenant_accepts_them(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    made = await client.post("/v1/people", json=person(TEST_RANGE), headers=auth())
    assert made.status_code == 201, made.text
    found = await client.get(f"/v1/people?identifier=nhs_number%7C{TEST_RANGE}", headers=auth())
    assert [p["id"] for p in found.json()["items"]] == [made.json()["id"]]


# --- interop R1, R2: identifier systems and upsert by identifier ----------------------------------------------

NHS = "https://fhir.nhs.uk/Id/nhs-number"
CRIME_REF = "https://sos-casework.org.uk/id/police-crime-ref"


def nhs_number(serial: int) -> str:
    """A test-range NHS number passing modulus 11, one per serial (no two tests share a person)."""
    while True:
        digits = f"999{serial:06d}"
        check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check != 10:
            return digits + str(check % 11)
        serial += 500_000


def upsert_url(system: str, value: str, **more: str) -> str:
    query = "".join(f"&{k}={v}" for k, v in more.items())
    return f"/v1/people?identifier={system}%7C{value}{query}"


async def test_upsert_creates_then_updates_under_if_match(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    number = nhs_number(101)
    made = await module_client.put(upsert_url("nhs_number", number), json=person(number), headers=auth())
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"/v1/people/{made.json()['id']}"
    # Interop R1: sent as an alias, answered as the URI.
    assert made.json()["identifiers"][0]["system"] == NHS
    again = await module_client.put(upsert_url(NHS, number), json=person(number) | {"known_as": "Addy"}, headers=auth())
    assert again.status_code == 428, again.text
    stale = await module_client.put(
        upsert_url(NHS, number), json=person(number), headers=auth() | {"If-Match": 'W/"7"'}
    )
    assert stale.status_code == 412
    assert stale.json()["type"].endswith("/version-conflict")
    changed = await module_client.put(
        upsert_url(NHS, number), json=person(number) | {"known_as": "Addy"}, headers=auth() | {"If-Match": 'W/"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["id"], changed.json()["known_as"], changed.headers["etag"]) == (
        made.json()["id"],
        "Addy",
        'W/"2"',
    )
    assert "location" not in changed.headers
    found = await module_client.get(f"/v1/people?identifier={NHS}%7C{number}", headers=auth())
    assert [p["id"] for p in found.json()["items"]] == [made.json()["id"]]


async def test_a_retried_upsert_is_answered_as_the_first_was(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    """A nightly sync that lost the 201 retries with its Idempotency-Key (interop R12): the same 201, one person."""
    number, key = nhs_number(120), {"Idempotency-Key": "sync-2026-12-01-000120"}
    made = await module_client.put(upsert_url(NHS, number), json=person(number), headers=auth() | key)
    again = await module_client.put(upsert_url(NHS, number), json=person(number), headers=auth() | key)
    assert (made.status_code, again.status_code, again.headers["idempotency-replayed"]) == (201, 201, "true")
    assert (again.json(), again.headers["location"]) == (made.json(), made.headers["location"])
    found = await module_client.get(f"/v1/people?identifier={NHS}%7C{number}", headers=auth())
    assert [p["id"] for p in found.json()["items"]] == [made.json()["id"]]


async def test_upsert_refuses_if_match_when_no_one_holds_it(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    number = nhs_number(102)
    refused = await module_client.put(
        upsert_url(NHS, number), json=person(number), headers=auth() | {"If-Match": 'W/"1"'}
    )
    assert refused.status_code == 412, refused.text
    found = await module_client.get(f"/v1/people?identifier={NHS}%7C{number}", headers=auth())
    assert found.json()["items"] == []


async def test_upsert_needs_the_identifier_in_the_body(module_client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    refused = await module_client.put(upsert_url(NHS, nhs_number(103)), json=person(nhs_number(104)), headers=auth())
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["pointer"] == "/identifiers"
    unreadable = await module_client.put(
        "/v1/people?identifier=passport%7C1", json=person(nhs_number(104)), headers=auth()
    )
    assert unreadable.status_code == 400, unreadable.text


async def test_several_holders_are_ambiguous_and_named_by_nobody(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    number = nhs_number(105)
    ids = [(await module_client.post("/v1/people", json=person(number), headers=auth())).json()["id"] for _ in "ab"]
    for response in (
        await module_client.put(upsert_url(NHS, number), json=person(number), headers=auth() | {"If-Match": 'W/"1"'}),
        await module_client.post(
            "/v1/people", json=person(number), headers=auth() | {"If-None-Exist": f"identifier=nhs_number|{number}"}
        ),
    ):
        assert response.status_code == 412, response.text
        assert response.json()["type"] == "https://sos-casework.org.uk/problems/ambiguous-identifier"
        assert not any(i in response.text for i in ids)
    found = await module_client.get(f"/v1/people?identifier={NHS}%7C{number}", headers=auth())
    assert len(found.json()["items"]) == 2  # nothing more was made


async def test_if_none_exist_answers_the_person_already_there(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    number = nhs_number(106)
    condition = {"If-None-Exist": f"identifier={NHS}%7C{number}"}
    made = await module_client.post("/v1/people", json=person(number), headers=auth() | condition)
    assert made.status_code == 201, made.text
    existing = await module_client.post(
        "/v1/people", json=person(number) | {"known_as": "not stored"}, headers=auth() | condition
    )
    assert existing.status_code == 200, existing.text
    assert existing.json() == made.json()
    assert "location" not in existing.headers
    found = await module_client.get(f"/v1/people?identifier={NHS}%7C{number}", headers=auth())
    assert [p["id"] for p in found.json()["items"]] == [made.json()["id"]]
    bad = await module_client.post("/v1/people", json=person(number), headers=auth() | {"If-None-Exist": "name=Ada"})
    assert bad.status_code == 400, bad.text


async def test_another_council_upserts_its_own_person(module_client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    number = nhs_number(107)
    ours = await module_client.put(upsert_url(NHS, number), json=person(number), headers=auth())
    theirs = await module_client.put(upsert_url(NHS, number), json=person(number), headers=auth(org="la:846"))
    assert (ours.status_code, theirs.status_code) == (201, 201), theirs.text
    assert ours.json()["id"] != theirs.json()["id"]
    # A council's own person id by alias is the caller's council's.
    local = person(nhs_number(108)) | {"identifiers": [{"system": "la_person_id", "value": "PERS107"}]}
    made = await module_client.put(upsert_url("la_person_id", "PERS107"), json=local, headers=auth(org="la:846"))
    assert made.status_code == 201, made.text
    stored = made.json()["identifiers"][0]
    assert (stored["system"], stored["issuer"]) == ("https://sos-casework.org.uk/id/la/846/person", "846")


async def test_two_forces_may_issue_the_same_reference(module_client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    def ref(force: str) -> dict[str, Any]:
        return person(nhs_number(109)) | {
            "identifiers": [{"system": "police_crime_ref", "value": "CR/109/26", "issuer": force}]
        }

    kent = await module_client.put(
        upsert_url(CRIME_REF, "CR/109/26", issuer="Kent"),
        json=ref("Kent"),
        headers=auth("integration_client", scp="system/people.cu"),
    )
    essex = await module_client.put(
        upsert_url("police_crime_ref", "CR/109/26", issuer="Essex"),
        json=ref("Essex"),
        headers=auth("integration_client", scp="system/people.cu"),
    )
    assert (kent.status_code, essex.status_code) == (201, 201), essex.text
    assert kent.json()["identifiers"][0]["system"] == CRIME_REF
    no_force = await module_client.put(upsert_url(CRIME_REF, "CR/109/26"), json=ref("Kent"), headers=auth())
    assert no_force.status_code == 400, no_force.text


async def test_the_identifier_system_registry_is_published(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    listed = await module_client.get("/v1/identifier-systems", headers=auth("child"))
    registry = {s["alias"]: s for s in listed.json()["items"]}
    assert (registry["nhs_number"]["uri"], registry["nhs_number"]["per_issuer"]) == (NHS, False)
    assert (registry["police_crime_ref"]["uri"], registry["police_crime_ref"]["per_issuer"]) == (CRIME_REF, True)
    assert registry["la_person_id"]["uri"] == "https://sos-casework.org.uk/id/la/{la_code}/person"


async def test_an_upsert_waits_for_another_on_the_same_identifier(
    module_client: AsyncTestClient[Any], module_database: str, auth: TokenFactory
) -> None:
    """Two upserts racing on a new identifier would both create: the identifier is locked for the transaction, so
    the second waits for the first (here another connection holding the lock for a second) and then goes on."""
    number = nhs_number(110)
    locked = threading.Event()

    async def hold_the_lock() -> None:
        engine = create_async_engine(async_url(module_database))
        try:
            async with engine.begin() as other:
                await queries.lock_identifier(other, "845", NHS, "", number)
                locked.set()
                await asyncio.sleep(1.0)
        finally:
            await engine.dispose()

    holder = threading.Thread(target=asyncio.run, args=(hold_the_lock(),))
    holder.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        made = await module_client.put(upsert_url(NHS, number), json=person(number), headers=auth())
        waited = time.monotonic() - started
    finally:
        holder.join()
    assert made.status_code == 201, made.text
    assert waited > 0.8, "the upsert did not wait for the identifier's lock"
