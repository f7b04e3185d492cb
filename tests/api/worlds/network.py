"""The world family's safety network and one network meeting (domain 2.10, 2.11).

Four members who have agreed and been told the world's danger statement in its current version: Nan and a
family friend (new people), Sam (the world's network_member caller) and the allocated worker as a
professional member. Nan and the friend fill the examples' NAN and FRIEND, so other areas' bodies (a safety
plan's responsible people) name members who may hold a role (BR-07).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from tests.api.conftest import TokenFactory
from tests.api.test_dangers import make_person
from tests.api.world import World, insider

# world.more keys of the people and the danger version the world's network was built with.
NAN, FRIEND, TOLD = "network_nan", "network_friend", "network_danger_version"


def network_body(world: World, caller: Any = None) -> dict[str, Any]:
    """The world's network as it stands: the same people, told the world's danger in the same version."""
    f, more = world.family, world.more
    known = [{"danger_id": world.danger_id, "version": int(more[TOLD]), "on": "2026-11-05"}]

    def member(person: str, kind: str, roles: list[str], **extra: Any) -> dict[str, Any]:
        return {
            "person_id": person,
            "relationship_to_child": {"kind": kind},
            "proposed_by": "parent",
            "roles": roles,
            "commitment": "agreed",
            "commitment_on": "2026-11-05",
            "knows_dangers": known,
            "contact": [{"kind": "phone", "value": "07700 900123", "share_with_family": True}],
            "joined_on": "2026-11-05",
            "is_professional": False,
        } | extra

    return {
        "child_ids": [f.child],
        "purpose": "safety",
        "status": "active",
        "members": [
            member(more[NAN], "grandparent", ["overnight_carer"], checks="clear"),
            member(more[FRIEND], "friend", ["daily_check_in", "school_run"]),
            member(f.dad, "birth_parent", ["support_for_parent"]),
            member(f.worker, "professional", ["monitors_plan"], is_professional=True, proposed_by="worker"),
        ],
    }


def meeting_body(world: World, caller: Any = None) -> dict[str, Any]:
    f = world.family
    return {
        "kind": "family_network_meeting",
        "scheduled_at": "2026-11-12T17:30:00Z",
        "held_at": "2026-11-12T17:35:00Z",
        "facilitator": f.worker,
        "attendance": [
            {"person_id": f.mum, "status": "attended"},
            {"person_id": world.more[NAN], "status": "attended"},
            {"person_id": world.more[FRIEND], "status": "apologies"},
        ],
        "child_participation": "views_via_worker",
        "map_id": world.map_id,
        "judgement_ids": [world.judgement_id],
        "network_id": world.more["network_id"],
        "decisions": "Nan will have Ada every Friday and Saturday night for the next month.",
        "record_shared_with": [{"person_id": f.mum, "on": "2026-11-13"}],
    }


BODIES: dict[str, Any] = {"NetworkCreate": network_body, "NetworkMeetingCreate": meeting_body}


async def make(client: AsyncTestClient[Any], auth: TokenFactory, world: World, segment: str, body: Any) -> str:
    """A network or meeting of the world's case, made by its team manager."""
    headers = insider(auth, world, Role.team_manager)
    made = await client.post(f"/v1/cases/{world.family.case_id}/{segment}", json=body(world), headers=headers)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def spare_network(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    return await make(client, auth, world, "networks", network_body)


async def spare_meeting(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    return await make(client, auth, world, "network-meetings", meeting_body)


SPARE_MAKERS: dict[str, Any] = {"network_id": spare_network, "meeting_id": spare_meeting}
ON_SPARE: dict[str, str] = {}
USES_UP: set[str] = set()


def ids(world: World) -> dict[str, str]:
    """NAN and FRIEND are network members; JUDGEMENT and NETWORK_ID fill the meeting example."""
    named = {"NAN": world.more.get(NAN), "FRIEND": world.more.get(FRIEND), "NETWORK_ID": world.more.get("network_id")}
    return {name: value for name, value in named.items() if value} | {"JUDGEMENT": world.judgement_id}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    danger = await client.get(
        f"/v1/danger-statements/{world.danger_id}", headers=insider(auth, world, Role.team_manager)
    )
    assert danger.status_code == 200, danger.text
    people = {
        NAN: await make_person(client, auth, "Rose"),
        FRIEND: await make_person(client, auth, "Kim"),
        TOLD: str(danger.json()["meta"]["version"]),
    }
    world = msgspec.structs.replace(world, more=world.more | people)
    world = msgspec.structs.replace(world, more=world.more | {"network_id": await spare_network(client, auth, world)})
    return msgspec.structs.replace(world, more=world.more | {"meeting_id": await spare_meeting(client, auth, world)})
