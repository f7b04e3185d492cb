"""Every read, list result, write and denial touching a child's record leaves exactly the access events
expected (domain 2.25, BR-25, interop R24); auditors can query them; a person's access history answers a
subject access request."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import create_async_engine

from sos_api.db.embedded import async_url
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.world import AGENCY, TEAM, World, build_world

MISSING = "00000000-0000-4000-8000-000000000000"


async def events(owner_database_url: str, **where: Any) -> list[dict[str, Any]]:
    """Access events as stored, oldest first, read as the owner (outside any tenant)."""
    engine = create_async_engine(async_url(owner_database_url))
    try:
        async with engine.connect() as conn:
            clauses = " AND ".join(f"{k} = :{k}" for k in where) or "true"
            rows = await conn.execute(sa.text(f"SELECT * FROM access_events WHERE {clauses} ORDER BY seq"), where)
            return [dict(r._mapping) for r in rows]
    finally:
        await engine.dispose()


def worker(auth: TokenFactory, world: World, **extra: Any) -> dict[str, str]:
    return auth("social_worker", person_id=world.family.worker, teams=[TEAM], sub="sw-events", **extra)


class TestReadsAndWrites:
    async def test_a_read_leaves_one_event_with_everything_an_auditor_needs(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        world = await build_world(client, auth)
        headers = worker(auth, world) | {"X-Request-ID": "req-read-1", "X-Purpose-Of-Use": "supervision"}
        response = await client.get(f"/v1/cases/{world.family.case_id}", headers=headers)
        assert response.status_code == 200
        [event] = await events(owner_database_url, request_id="req-read-1")
        assert event["action"] == "read"
        assert event["outcome"] == "allowed"
        assert event["object_type"] == "case"
        assert str(event["object_id"]) == world.family.case_id
        assert event["object_version"] == 2
        assert str(event["case_id"]) == world.family.case_id
        assert {str(c) for c in event["child_ids"]} == {world.family.child, world.family.sibling}
        assert (event["actor"], event["role"], event["organisation"]) == ("sw-events", "social_worker", "la:845")
        assert event["purpose"] == "supervision"
        assert event["la_code"] == "845"

    async def test_a_list_leaves_one_search_result_per_item_shown(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        world = await build_world(client, auth)
        response = await client.get(
            f"/v1/cases/{world.family.case_id}/danger-statements",
            headers=worker(auth, world, **{}) | {"X-Request-ID": "req-list"},
        )
        shown = response.json()["items"]
        assert shown
        logged = await events(owner_database_url, request_id="req-list")
        assert [e["action"] for e in logged] == ["search_result"] * len(shown)
        assert {str(e["object_id"]) for e in logged} == {d["id"] for d in shown}

    async def test_a_write_leaves_one_event_in_its_own_transaction(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        headers = auth() | {"X-Request-ID": "req-write"}
        made = await client.post("/v1/people", json={"given_names": "Ada", "family_name": "K"}, headers=headers)
        [event] = await events(owner_database_url, request_id="req-write")
        assert (event["action"], event["object_type"], str(event["object_id"])) == (
            "create",
            "person",
            made.json()["id"],
        )
        refused = await client.post(
            "/v1/people", json={"given_names": ""}, headers=auth() | {"X-Request-ID": "req-bad"}
        )
        assert refused.status_code == 422
        assert await events(owner_database_url, request_id="req-bad") == []

    async def test_the_default_purpose_follows_the_role(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        world = await build_world(client, auth)
        url = f"/v1/cases/{world.family.case_id}"
        await client.get(url, headers=auth("auditor") | {"X-Request-ID": "req-audit"})
        await client.get(url, headers=auth("integration_client", scp="system/cases.r") | {"X-Request-ID": "req-sync"})
        assert (await events(owner_database_url, request_id="req-audit"))[0]["purpose"] == "audit"
        assert (await events(owner_database_url, request_id="req-sync"))[0]["purpose"] == "integration_sync"
        bad = await client.get(url, headers=auth("auditor") | {"X-Purpose-Of-Use": "curiosity"})
        assert bad.status_code == 400


class TestDenials:
    async def test_a_forbidden_write_is_recorded_as_denied(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        world = await build_world(client, auth)
        response = await client.put(
            f"/v1/cases/{world.family.case_id}",
            json={},
            headers=auth("auditor") | {"If-Match": 'W/"2"', "X-Request-ID": "req-403"},
        )
        assert response.status_code == 403
        [event] = await events(owner_database_url, request_id="req-403")
        assert (event["action"], event["outcome"], event["role"]) == ("denied", "denied", "auditor")
        assert str(event["object_id"]) == world.family.case_id
        assert {str(c) for c in event["child_ids"]} == {world.family.child, world.family.sibling}

    async def test_a_hidden_record_is_recorded_under_its_own_council(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        world = await build_world(client, auth)
        other = auth("social_worker", COUNCIL_B, sub="b-worker", teams=[TEAM]) | {"X-Request-ID": "req-404"}
        assert (await client.get(f"/v1/cases/{world.family.case_id}", headers=other)).status_code == 404
        [event] = await events(owner_database_url, request_id="req-404")
        assert (event["action"], event["la_code"], event["organisation"]) == ("denied", "845", "la:846")
        # Council A's auditors see the attempt on their child.
        found = await client.get(
            "/v1/audit-events", params={"child": world.family.child, "actor": "b-worker"}, headers=auth("auditor")
        )
        assert [e["action"] for e in found.json()["items"]] == ["denied"]

    async def test_a_plain_miss_touches_nobody(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        response = await client.get(f"/v1/cases/{MISSING}", headers=auth() | {"X-Request-ID": "req-miss"})
        assert response.status_code == 404
        assert await events(owner_database_url, request_id="req-miss") == []

    async def test_an_agency_not_involved_is_recorded(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        world = await build_world(client, auth)
        police = auth("partner_practitioner", "police:01") | {"X-Request-ID": "req-police"}
        assert (await client.get(f"/v1/maps/{world.map_id}", headers=police)).status_code == 404
        [event] = await events(owner_database_url, request_id="req-police")
        assert (event["action"], event["object_type"], event["la_code"]) == ("denied", "assessment_map", "845")


class TestAuditQueries:
    async def test_filters_and_paging(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        world = await build_world(client, auth)
        for _ in range(3):
            await client.get(f"/v1/cases/{world.family.case_id}", headers=worker(auth, world))
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            params = {"case": world.family.case_id, "actor": "sw-events", "limit": 2} | (
                {"cursor": cursor} if cursor else {}
            )
            page = (await client.get("/v1/audit-events", params=params, headers=auth("auditor"))).json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert [e["action"] for e in seen] == ["read"] * 3
        assert seen == sorted(seen, key=lambda e: e["at"], reverse=True)
        assert all(e["user"] == "sw-events" and e["organisation"] == "la:845" for e in seen)
        later = await client.get("/v1/audit-events", params={"from": "2999-01-01T00:00:00Z"}, headers=auth("auditor"))
        assert later.json()["items"] == []
        naive = await client.get("/v1/audit-events", params={"from": "2026-01-01T00:00:00"}, headers=auth("auditor"))
        assert naive.status_code == 400

    async def test_a_childs_access_history_for_a_subject_access_request(
        self, client: AsyncTestClient[Any], auth: TokenFactory, owner_database_url: str
    ) -> None:
        world = await build_world(client, auth)
        await client.get(f"/v1/people/{world.family.child}", headers=auth("partner_practitioner", AGENCY))
        headers = auth("auditor") | {"X-Purpose-Of-Use": "subject_access_request", "X-Request-ID": "req-sar"}
        history = await client.get(f"/v1/people/{world.family.child}/access-history", headers=headers)
        assert history.status_code == 200
        items = history.json()["items"]
        assert (items[0]["organisation"], items[0]["action"]) == ("ods:RX1", "read")
        assert {e["object_type"] for e in items} >= {"person", "case", "danger_statement", "assessment_map"}
        # Looking at the history is itself recorded against the child.
        [looked] = await events(owner_database_url, request_id="req-sar")
        assert (looked["object_type"], looked["purpose"]) == ("access_history", "subject_access_request")
        assert (await client.get(f"/v1/people/{world.family.child}/access-history", headers=auth())).status_code == 403
        other = auth("auditor", COUNCIL_B)
        assert (await client.get(f"/v1/people/{world.family.child}/access-history", headers=other)).status_code == 404
        assert (await client.get("/v1/audit-events", headers=other)).json()["items"] == []
