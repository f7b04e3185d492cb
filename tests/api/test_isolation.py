"""Tenant isolation: council B can never read, list, count or infer council A's records, whatever its role;
and PostgreSQL row-level security refuses another council's rows even to a query with no tenant filter."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import create_async_engine

from sos_api.db.embedded import async_url
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_access_matrix import OPS
from tests.api.world import TEAM, World, build_world

# Council B's callers, given every claim that would let them in were they in council A.
B_CALLERS = {
    "social_worker": {"teams": [TEAM]},
    "team_manager": {"teams": [TEAM]},
    "auditor": {},
    "practice_lead": {},
    "integration_client": {"scp": "system/*.cruds"},
}


@pytest.mark.parametrize("role", sorted(B_CALLERS))
async def test_another_council_sees_nothing(
    client: AsyncTestClient[Any], auth: TokenFactory, role: str, database_url: str
) -> None:
    world = await build_world(client, auth)
    claims = dict(B_CALLERS[role])
    if role == "social_worker":
        claims["person_id"] = world.family.worker  # even the same person id, from another council
    headers = auth(role, COUNCIL_B, **claims) | {"If-Match": 'W/"1"'}
    leaks = []
    for path, method, operation_id in OPS:
        url = re.sub(r"\{(\w+)\}", lambda m: world.path_values[m.group(1)], path)
        response = await client.request(method, url, headers=headers, json=None if method == "GET" else {})
        status = response.status_code
        # A list, or a team's due work (a team name is not council A's: council B may have a team of that name).
        if operation_id in {"listIdentifierSystems", "listMeasures"}:
            continue  # the identifier systems (interop R1) and the measures' definitions are everyone's: nobody's data
        if status == 200 and operation_id == "getMeasureSeries":
            # Council B's own scorecard, counted over council B's records: none of council A's may be in it.
            series = response.json()
            counted = [p for p in series["points"] if p.get("denominator") or p.get("numerator")]
            if series["la_code"] != COUNCIL_B.removeprefix("la:") or counted:
                leaks.append(f"{operation_id} counted council A's records: {counted[:3]}")
            continue
        if status == 200 and operation_id == "getMeasureChart":
            continue  # the same figures drawn; the series above shows what they count
        if status == 200 and ("{" not in path or path.startswith("/v1/teams/")):
            items = response.json()["items"]
            mine = [i for i in items if i.get("object_type") != "access_history"]
            if mine:
                leaks.append(f"{operation_id} listed {len(mine)} of council A's items")
        elif status == 409 and response.json()["type"].endswith("/not-authoritative"):
            continue  # interop R11: refused for the kind alone, before any record is looked for: nothing leaks
        elif status not in {400, 403, 404, 422} and not (status == 201 and "{" not in path):
            leaks.append(f"{method} {path}: {status}")
    assert not leaks, leaks
    await assert_council_a_untouched(client, auth, world)


async def assert_council_a_untouched(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> None:
    case = await client.get(f"/v1/cases/{world.family.case_id}", headers=auth("auditor"))
    assert case.json()["meta"]["version"] == 2  # created, then allocated: nothing from council B landed


async def test_council_b_creates_its_own_records_in_its_own_tenant(
    client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    b_worker = auth("social_worker", COUNCIL_B)
    made = await client.post("/v1/people", json={"given_names": "Zed", "family_name": "Other"}, headers=b_worker)
    assert made.status_code == 201
    assert made.json()["meta"]["la_code"] == "846"
    assert (await client.get(f"/v1/people/{made.json()['id']}", headers=auth())).status_code == 404
    listed = (await client.get("/v1/people", headers=auth())).json()["items"]
    assert made.json()["id"] not in {p["id"] for p in listed}


class TestRowLevelSecurity:
    @pytest.fixture
    async def engine(self, database_url: str, client: AsyncTestClient[Any]) -> AsyncIterator[Any]:
        engine = create_async_engine(async_url(database_url))
        yield engine
        await engine.dispose()

    async def as_app(self, engine: Any, la_codes: str, sql: str, **params: Any) -> Any:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text("SELECT set_config('sos.la_codes', :c, true), set_config('role', 'sos_app', true)"),
                {"c": la_codes},
            )
            return (await conn.execute(sa.text(sql), params)).all()

    async def test_the_app_role_sees_only_its_councils_rows(
        self, client: AsyncTestClient[Any], auth: TokenFactory, engine: Any
    ) -> None:
        world = await build_world(client, auth)
        unfiltered = "SELECT count(*) FROM records"
        assert (await self.as_app(engine, "845", unfiltered))[0][0] > 0
        assert (await self.as_app(engine, "846", unfiltered))[0][0] == 0
        assert (await self.as_app(engine, "", unfiltered))[0][0] == 0
        for table in ("record_versions", "access_events", "outbox", "case_access", "person_identifiers"):
            assert (await self.as_app(engine, "846", f"SELECT count(*) FROM {table}"))[0][0] == 0, table
        one = "SELECT id FROM records WHERE id = CAST(:id AS uuid)"
        assert await self.as_app(engine, "846", one, id=world.family.case_id) == []

    async def test_the_app_role_cannot_write_into_another_council(self, engine: Any) -> None:
        with pytest.raises(sa.exc.DBAPIError, match="row-level security"):
            await self.as_app(
                engine,
                "846",
                "INSERT INTO outbox (la_code, kind, record_id, version, op, changed_at, actor) "
                "VALUES ('845', 'case', gen_random_uuid(), 1, 'create', now(), 'x') RETURNING seq",
            )

    @pytest.mark.parametrize("statement", ["UPDATE access_events SET actor = 'x'", "DELETE FROM access_events"])
    async def test_access_events_cannot_be_changed(
        self, client: AsyncTestClient[Any], auth: TokenFactory, engine: Any, owner_database_url: str, statement: str
    ) -> None:
        made = await client.post("/v1/people", json={"given_names": "Ada", "family_name": "Log"}, headers=auth())
        assert made.status_code == 201  # leaves one access event to try to change
        with pytest.raises(sa.exc.DBAPIError, match="permission denied"):
            await self.as_app(engine, "845", statement + " RETURNING seq")
        # Not even the owner: a trigger refuses it too (BR-25, domain 2.25).
        owner = create_async_engine(async_url(owner_database_url))
        try:
            async with owner.begin() as conn:
                with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                    await conn.execute(sa.text(statement))
        finally:
            await owner.dispose()
