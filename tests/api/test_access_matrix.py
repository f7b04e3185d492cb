"""Every operation of the committed OpenAPI document, called by every role, insider and outsider, against one
family: the policy table says allowed (200, or 422 for the empty body a write is sent), denied (403) or hidden
(404). A new route with no rule in sos_api/auth/policy.py fails here before it can ship."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.auth.policy import (
    CASE_WORKERS,
    CHILD,
    FAMILY,
    INDEPENDENT,
    OPERATIONS,
    PARTNERS,
    PUBLIC_OPERATIONS,
)
from sos_api.auth.roles import Role
from sos_api.settings import Settings
from tests.api.conftest import TokenFactory
from tests.api.world import World, build_world, insider, outsider
from tests.conftest import Databases

DOCUMENT = json.loads((Path(__file__).resolve().parents[2] / "openapi" / "openapi.json").read_bytes())
OPS = [
    (path, method.upper(), op["operationId"])
    for path, item in DOCUMENT["paths"].items()
    for method, op in item.items()
    if method in {"get", "post", "put", "delete", "patch"} and path.startswith("/v1/")
]
SCOPED = CASE_WORKERS | INDEPENDENT | PARTNERS | FAMILY | CHILD
# Paths about one person's register entry: case workers search the council's person register (BR-22 checks).
REGISTER = re.compile(r"^/v1/people/\{person_id\}(/versions.*)?$")
TALLY: Counter[str] = Counter()


def test_every_documented_operation_has_a_rule() -> None:
    documented = {op for _, _, op in OPS}
    assert documented - OPERATIONS.keys() == set(), "operations with no access rule"
    assert OPERATIONS.keys() - documented == set(), "rules for operations that do not exist"
    public = {op["operationId"] for item in DOCUMENT["paths"].values() for op in item.values() if "operationId" in op}
    assert public - documented <= PUBLIC_OPERATIONS


# An allowed write answers about its (empty) body or version, never about access: 422, 412 for a stale
# If-Match, 409 for a rule, 201 for the one write that needs no body (a map revision).
WRITE_ALLOWED = {201, 409, 412, 422}


def expected(path: str, method: str, operation_id: str, role: Role, inside: bool) -> set[int]:
    rule = OPERATIONS[operation_id]
    if role not in rule.roles:
        return {403}
    write = method != "GET"
    visible = inside or role not in SCOPED or "{" not in path or (role in CASE_WORKERS and REGISTER.match(path))
    if visible:
        return WRITE_ALLOWED if write else {200}
    # Hidden: 404, or 422 where the body is read before the record is looked up.
    return {404, 422} if write else {404}


@pytest.fixture(scope="module")
def world_database(databases: Databases) -> str:
    return databases.fresh()


@pytest.fixture(scope="module")
async def world_client(settings: Settings, world_database: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(create_app(settings, database_url=world_database)) as client:
        yield client


@pytest.fixture(scope="module")
async def world(world_client: AsyncTestClient[Any], auth: TokenFactory) -> World:
    return await build_world(world_client, auth)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("inside", [True, False], ids=["insider", "outsider"])
async def test_role_matrix(
    world_client: AsyncTestClient[Any], world: World, auth: TokenFactory, role: Role, inside: bool
) -> None:
    headers = (insider(auth, world, role) if inside else outsider(auth, role)) | {"If-Match": 'W/"1"'}
    wrong = []
    for path, method, operation_id in OPS:
        url = re.sub(r"\{(\w+)\}", lambda m: world.path_values[m.group(1)], path)
        response = await world_client.request(method, url, headers=headers, json=None if method == "GET" else {})
        allowed = expected(path, method, operation_id, role, inside)
        TALLY["checks"] += 1
        TALLY[str(response.status_code)] += 1
        if response.status_code not in allowed:
            wrong.append(f"{method} {path} ({operation_id}): {response.status_code}, expected {sorted(allowed)}")
        if response.status_code == 200 and method == "GET" and "{" not in path and not inside and role in SCOPED:
            items = response.json()["items"]
            # An outsider's list shows none of this family's records (the person register aside).
            if operation_id != "listPeople":
                assert items == [], f"{role} outsider saw {operation_id}: {items}"
    assert not wrong, "\n".join(wrong)


def test_matrix_size() -> None:
    """Recorded for the closing note: operations x roles x (insider, outsider)."""
    assert len(OPS) * len(Role) * 2 >= 700
