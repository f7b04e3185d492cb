"""Every operation of the committed OpenAPI document, called by every role, insider and outsider, against one
family: the policy table says allowed (2xx), denied (403) or hidden (404). Every write carries a valid body
(tests/api/bodies.py) and the record's current ETag, so an allowed write reaches its object checks and must
succeed; a refusal cannot hide behind a 422 or a 412. A new route with no rule in sos_api/auth/policy.py, or a
new write with no body builder, fails here before it can ship.

Expectations here are read from the policy table, so this file proves the guard matches the table; the
hand-written table in test_must_deny.py checks the table against the domain."""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
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
    SYNC_CLIENTS,
)
from sos_api.auth.roles import Role
from sos_api.resources.registry import OPERATION_KINDS, SOURCE_BASE, all_resources, resource
from sos_api.settings import Settings
from tests.api.bodies import Caller, NoBody, all_bodies, body_for, request_schema
from tests.api.conftest import TokenFactory
from tests.api.world import AGENCY, PARTNER_SCOPES, World, build_world, insider, involve, outsider
from tests.api.worlds import modules
from tests.conftest import Databases

DOCUMENT = json.loads((Path(__file__).resolve().parents[2] / "openapi" / "openapi.json").read_bytes())
METHODS = {"get", "post", "put", "delete", "patch"}
OPS = [
    (path, method.upper(), op["operationId"])
    for path, item in DOCUMENT["paths"].items()
    for method, op in item.items()
    if method in METHODS and path.startswith("/v1/")
]
OPERATION = {
    op["operationId"]: op for item in DOCUMENT["paths"].values() for method, op in item.items() if method in METHODS
}
WRITES = [(path, method, op) for path, method, op in OPS if method != "GET"]
SCOPED = CASE_WORKERS | INDEPENDENT | PARTNERS | FAMILY | CHILD
# Paths about one person's register entry: case workers search the council's person register (BR-22 checks).
REGISTER = re.compile(r"^/v1/people/\{person_id\}(/versions.*)?$")
# A team's own lists: another team's manager is refused (403), as a team's name is no family's secret.
TEAM_PATH = re.compile(r"^/v1/teams/\{team\}/")


def needs_if_match(operation_id: str) -> bool:
    return any(
        p.get("in") == "header" and p.get("name", "").lower() == "if-match" and p.get("required")
        for p in OPERATION[operation_id].get("parameters", [])
    )


def test_every_documented_operation_has_a_rule() -> None:
    documented = {op for _, _, op in OPS}
    assert documented - OPERATIONS.keys() == set(), "operations with no access rule"
    assert OPERATIONS.keys() - documented == set(), "rules for operations that do not exist"
    public = {op["operationId"] for item in DOCUMENT["paths"].values() for op in item.values() if "operationId" in op}
    assert public - documented <= PUBLIC_OPERATIONS


@pytest.mark.parametrize(("path", "method", "operation_id"), WRITES, ids=[op for _, _, op in WRITES])
def test_every_write_has_a_body_builder(path: str, method: str, operation_id: str) -> None:
    """A new write route needs a body builder in tests/api/bodies.py, or the matrix would only see a 422."""
    schema = request_schema(OPERATION[operation_id])
    if schema is None:
        return  # a write that takes no body, e.g. a map revision
    assert schema in all_bodies(), f"{method} {path} ({operation_id}) sends {schema}: add a builder to bodies.BODIES"


# An allowed read answers 200; an allowed write, with a valid body and the current ETag, succeeds (202 for one
# accepted to be worked on, a contribution).
READ_ALLOWED = {200}
WRITE_ALLOWED = {200, 201, 202}


# Kinds whose records are reached by the people they name rather than by the family (an individual supervision,
# Reach.named) say what each caller gets: a world module's `expect(operation_id, role, inside)`, None for the rule
# below.
EXPECT = [module.expect for module in modules() if hasattr(module, "expect")]


def expected(path: str, method: str, operation_id: str, role: Role, inside: bool) -> set[int]:
    rule = OPERATIONS[operation_id]
    if role not in rule.roles:
        return {403}
    for expect in EXPECT:
        found = expect(operation_id, role, inside)
        if found is not None:
            return set(found)
    write = method != "GET"
    if write and role in SYNC_CLIENTS and not owned_by_council_systems(operation_id):
        return {409}  # interop R11: a council's system writes no practitioner-owned kind (not-authoritative)
    # Case workers read the council's person register; changing a person needs one of the person's cases.
    register = role in CASE_WORKERS and not write and REGISTER.match(path)
    visible = inside or role not in SCOPED or "{" not in path or register
    if visible:
        return WRITE_ALLOWED if write else READ_ALLOWED
    return {403} if TEAM_PATH.match(path) else {404}


# --- spare records ----------------------------------------------------------------------------------------
# Some writes need a record in a particular state (a draft to finalise, a danger with no scale yet), and some
# use it up (a closed case stays closed). Those run on a spare record with the same links to the family as
# the world's own, made again each time one is used up, so every role meets the same state.


def as_manager(auth: TokenFactory, world: World) -> TokenFactory:
    """The world's team manager, as a token factory for world.involve."""
    return lambda *args, **kwargs: insider(auth, world, Role.team_manager)


async def spare_case(client: AsyncTestClient[Any], auth: TokenFactory, world: World, *extra: dict[str, str]) -> str:
    """A second case of the same family (and any `extra` members), allocated and involved like the world's."""
    manager = as_manager(auth, world)
    body = body_for("CaseCreate", world, Caller(Role.team_manager))
    body["members"] += extra
    made = await client.post("/v1/cases", json=body, headers=manager())
    assert made.status_code == 201, made.text
    case_id = str(made.json()["id"])
    await involve(client, manager, case_id, kind="agency", organisation=AGENCY, reason="invited_to_meeting")
    await involve(client, manager, case_id, kind="conference_chair", person_id=world.chair, reason="statutory_role")
    await involve(client, manager, case_id, kind="iro", person_id=world.iro, reason="statutory_role")
    return case_id


async def spare_involvement(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    # Another agency than the world's, so ending it leaves the insiders' access as it was.
    made = await involve(
        client,
        as_manager(auth, world),
        world.family.case_id,
        kind="agency",
        organisation="police:01",
        reason="other",
        note="Domestic abuse unit.",
    )
    return str(made["id"])


async def spare_in_case(
    client: AsyncTestClient[Any], auth: TokenFactory, world: World, url: str, schema: str
) -> dict[str, Any]:
    """A new record made by the world's team manager from its valid body."""
    body = body_for(schema, world, Caller(Role.team_manager))
    made = await client.post(url, json=body, headers=insider(auth, world, Role.team_manager))
    assert made.status_code == 201, made.text
    return dict(made.json())


async def spare_draft(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    made = await spare_in_case(client, auth, world, f"/v1/cases/{world.family.case_id}/maps", "AssessmentMapCreate")
    return str(made["id"])


async def spare_danger(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/danger-statements"
    return str((await spare_in_case(client, auth, world, url, "DangerStatementCreate"))["id"])


async def spare_question(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    danger = await spare_danger(client, auth, world)
    url = f"/v1/danger-statements/{danger}/scaling-question"
    return str((await spare_in_case(client, auth, world, url, "ScalingQuestionCreate"))["id"])


async def spare_judgement(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/scaling-questions/{world.question_id}/judgements"
    return str((await spare_in_case(client, auth, world, url, "ScalingJudgementCreate"))["id"])


async def spare_relationship(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/relationships"
    return str((await spare_in_case(client, auth, world, url, "RelationshipCreate"))["id"])


async def spare_person(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    """A person known to the council through a case like the world's (a person in no case is the register's)."""
    person = str((await spare_in_case(client, auth, world, "/v1/people", "PersonCreate"))["id"])
    await spare_case(client, auth, world, {"person_id": person, "role": "household_member"})
    return person


SpareMaker = Callable[[AsyncTestClient[Any], TokenFactory, World], Awaitable[str]]
SPARE_MAKERS: dict[str, SpareMaker] = {
    "case_id": spare_case,
    "involvement_id": spare_involvement,
    "map_id": spare_draft,
    "danger_id": spare_danger,
    "question_id": spare_question,
    "judgement_id": spare_judgement,
    "relationship_id": spare_relationship,
    "person_id": spare_person,
}
# operationId -> the path parameter that names a spare rather than the world's record (`param:state` when a kind
# needs spares in several states, each from its own maker).
ON_SPARE = {
    "closeCase": "case_id",  # a closed case stays closed
    "endCaseInvolvement": "involvement_id",  # so does an ended involvement
    "finaliseMap": "map_id",  # only a draft can be finalised
    "replaceMap": "map_id",  # finalised maps are read-only
    "createDangerScalingQuestion": "danger_id",  # one scale per danger (BR-03)
    "mergePerson": "person_id",  # a person merged away is a tombstone
}
# Of those, the ones whose success leaves the spare unusable for the next role.
USES_UP = {"closeCase", "endCaseInvolvement", "finaliseMap", "createDangerScalingQuestion", "mergePerson"}
# The practice-tool areas add their own (tests/api/worlds).
# Query strings an operation needs (a flag lookup's subject), by operationId.
QUERIES: dict[str, dict[str, str]] = {}
for _module in modules():
    SPARE_MAKERS |= _module.SPARE_MAKERS
    ON_SPARE |= _module.ON_SPARE
    USES_UP |= _module.USES_UP
    QUERIES |= getattr(_module, "QUERIES", {})


# Interop R3: each kind's upsert by source key, by a key of the world's council no other call uses.
QUERIES |= {
    res.sync_operation_id: {"source": f"{SOURCE_BASE}845/{res.sync.systems[0]}", "source_id": f"MATRIX-{res.kind}"}
    for res in all_resources()
    if res.sync is not None
}


def owned_by_council_systems(operation_id: str) -> bool:
    """Interop R11: whether the council's systems own any of the kind this operation writes (by default)."""
    kind = OPERATION_KINDS.get(operation_id)
    return kind is None or bool(resource(kind).default_owns)


def is_soft_delete(operation_id: str) -> bool:
    return operation_id.startswith("mark") and operation_id.endswith("EnteredInError")


def spare_param(path: str, operation_id: str) -> str | None:
    if operation_id in ON_SPARE:
        return ON_SPARE[operation_id]
    if is_soft_delete(operation_id):
        # Soft deletion hides the record from normal reads: never the world's own.
        return re.findall(r"\{(\w+)\}", path)[-1]
    return None


class Spares:
    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> None:
        self.client, self.auth, self.world = client, auth, world
        self.ready: dict[str, str] = {}

    async def get(self, param: str) -> str:
        if param not in self.ready:
            if param not in SPARE_MAKERS:
                raise LookupError(f"no spare maker for {{{param}}}: add one to SPARE_MAKERS")
            self.ready[param] = await SPARE_MAKERS[param](self.client, self.auth, self.world)
        return self.ready[param]

    def used_up(self, param: str) -> None:
        self.ready.pop(param, None)


# --- the matrix -------------------------------------------------------------------------------------------


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


@pytest.fixture(scope="module")
async def nurse(world_client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    """The involved agency's practitioner as a person (partners record judgements only in their own name)."""
    body = {
        "given_names": "Nina",
        "family_name": "Hale",
        "practitioner": {
            "organisation": {"name": "Riverside NHS Trust", "code": "RX1"},
            "agency_type": "health_visitor",
        },
    }
    made = await world_client.post("/v1/people", json=body, headers=insider(auth, world, Role.team_manager))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def headers_for(auth: TokenFactory, world: World, role: Role, inside: bool, nurse: str) -> dict[str, str]:
    if not inside:
        return outsider(auth, role)
    if role is Role.partner_practitioner:
        # world.insider gives the agency's practitioner no person_id, so they could not speak for themselves.
        return auth(role.value, AGENCY, sub=f"{role.value}-insider", person_id=nurse, scp=PARTNER_SCOPES)
    return insider(auth, world, role)


@pytest.fixture(scope="module")
def spares(world_client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> Spares:
    return Spares(world_client, auth, world)


def fill(path: str, values: dict[str, str]) -> str:
    """The path with its parameters filled in; a parameter the world has no value for fails loudly."""
    missing = set(re.findall(r"\{(\w+)\}", path)) - values.keys()
    assert not missing, f"{path}: no value for {missing}; add it to World.path_values (tests/api/world.py)"
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def record_path(url: str, path: str) -> str:
    """The record an If-Match write names: the URL up to its last path parameter (`/v1/cases/{id}/close` ->
    `/v1/cases/{id}`)."""
    keep = len(re.match(r"^(.*\})", path).group(1).split("/"))  # type: ignore[union-attr]
    return "/".join(url.split("/")[:keep])


async def current_etag(client: AsyncTestClient[Any], readers: list[dict[str, str]], url: str) -> str:
    """The record's ETag now, read by someone who may see it (not the caller under test)."""
    for reader in readers:
        read = await client.get(url, headers=reader)
        if read.status_code == 200:
            return str(read.headers["etag"])
    raise AssertionError(f"cannot read {url} for its ETag")


def person_claim(headers: dict[str, str]) -> str | None:
    """The person_id claim of a test token (outsiders get a random one), read back from the token."""
    payload = headers["Authorization"].split()[1].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims.get("person_id")


FRESH_IDS = itertools.count(1)

# Every role as an insider; as an outsider only the roles whose reach depends on the family (the others see the
# same with any token of their role, so an outsider run would repeat the insider's).
CALLERS = [(role, True) for role in Role] + [(role, False) for role in Role if role in SCOPED]


@pytest.mark.parametrize(
    ("role", "inside"), CALLERS, ids=[f"{'insider' if inside else 'outsider'}-{role.value}" for role, inside in CALLERS]
)
async def test_role_matrix(
    world_client: AsyncTestClient[Any],
    world: World,
    spares: Spares,
    nurse: str,
    auth: TokenFactory,
    role: Role,
    inside: bool,
) -> None:
    headers = headers_for(auth, world, role, inside, nurse)
    caller = Caller(role, person_claim(headers))
    # The council's own system reads what is not a family's record (its webhook subscriptions).
    readers = [
        auth("auditor", sub="etag-reader"),
        insider(auth, world, Role.team_manager),
        insider(auth, world, Role.integration_client),
    ]
    wrong = []
    for path, method, operation_id in OPS:
        values = dict(world.path_values)
        spare = spare_param(path, operation_id)
        if spare is not None:
            # "plan_id:agreed": the {plan_id} of a spare in the state that maker gives.
            values[spare.partition(":")[0]] = await spares.get(spare)
        url = fill(path, values)
        send = dict(headers)
        if needs_if_match(operation_id):
            send["If-Match"] = await current_etag(world_client, readers, record_path(url, path))
        body = None
        if method != "GET":
            schema = request_schema(OPERATION[operation_id])
            try:
                body = body_for(schema, world, caller) if schema else None
            except NoBody as missing:
                wrong.append(f"{method} {path} ({operation_id}): {missing}")
                continue
        if operation_id == "upsertPersonByIdentifier" and body is not None:
            # The identifier upserted by is in the query and the body: a fresh one each call, so an allowed call
            # creates, and nobody's is shared between roles.
            fresh = f"MATRIX{next(FRESH_IDS)}"
            body["identifiers"] = [{"system": "la_person_id", "value": fresh}]
            url += f"?identifier=la_person_id%7C{fresh}"
        response = await world_client.request(method, url, headers=send, json=body, params=QUERIES.get(operation_id))
        allowed = expected(path, method, operation_id, role, inside)
        if response.status_code not in allowed:
            detail = response.text[:300] if response.status_code not in {200, 201} else ""
            wrong.append(
                f"{method} {path} ({operation_id}): {response.status_code}, expected {sorted(allowed)} {detail}"
            )
        used_up = operation_id in USES_UP or is_soft_delete(operation_id)
        if spare is not None and used_up and 200 <= response.status_code < 300:
            spares.used_up(spare)
        if response.status_code == 201:
            assert response.json()["id"], f"{operation_id} created nothing"
        if response.status_code == 200 and method == "GET" and "{" not in path and not inside and role in SCOPED:
            # The scorecard's catalogue of measures is nobody's data and no page of records.
            items = [] if operation_id == "listMeasures" else response.json()["items"]
            # An outsider's list shows none of this family's records (the person register aside).
            if operation_id == "listReferrals":
                # The front-door pool (no case yet) is every council case worker's, like an unallocated case.
                items = [item for item in items if item["case_id"] is not None]
            # The person register and the identifier system registry (nobody's data) are not the family's.
            if operation_id not in {"listPeople", "listIdentifierSystems"}:
                assert items == [], f"{role} outsider saw {operation_id}: {items}"
    assert not wrong, "\n".join(wrong)
