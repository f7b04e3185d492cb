"""The world family's initial child protection conference and a core group meeting.

The ICPC is about Ada and Ben, on the strategy discussion of the strategy world (world.more "strategy_id"), held an
hour ago (within its 15 working days); the world's chair decided cp_plan, category neglect, and the minutes are a
draft (world.more "conference_id"); the plans world then makes the CP plan on it. For a core group this module
makes a child protection plan of its own through the plans endpoint (world.more "core_group_plan_id"), and a
draft core group meeting on it (world.more "core_group_id").

Bodies repeat for every caller without clashing: each create is a new draft conference or meeting, an edit keeps
the world's conference as it was, and the chair's decision is the one already made. Moving minutes on uses up a
spare conference the chair decided nfa (nothing to circulate but the decision), and finalising a core group uses
up a spare draft meeting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from sos_api.resources.service import today
from tests.api.conftest import TokenFactory
from tests.api.world import World, insider

TODAY = today()


def an_hour_ago() -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()


def conference_body(world: World, caller: Any = None) -> dict[str, Any]:
    """The world's ICPC as the case team records it: held, no decision (the chair's)."""
    f = world.family
    return {
        "type": "initial",
        "child_ids": [f.child, f.sibling],
        "strategy_discussion_id": world.more["strategy_id"],
        "chair": world.chair,
        "held_at": an_hour_ago(),
        "invitations": [{"person_id": f.mum, "status": "attended"}, {"agency": "police", "status": "attended"}],
        "parents_participation": "attended",
        "child_participation": "views_shared",
    }


def plan_decision(world: World, caller: Any = None) -> dict[str, Any]:
    return {"decision": "cp_plan", "category": "neglect", "core_group": [world.family.mum, world.family.worker]}


def core_group_body(world: World, caller: Any = None) -> dict[str, Any]:
    return {
        "cp_plan_id": world.more["core_group_plan_id"],
        "held_on": TODAY.isoformat(),
        "chair": world.family.worker,
        "attendance": [{"person_id": world.family.mum, "status": "attended"}],
        "next_on": (TODAY + dt.timedelta(days=28)).isoformat(),
    }


BODIES: dict[str, Any] = {
    "ChildProtectionConferenceCreate": conference_body,
    "ConferenceDecisionCreate": plan_decision,
    "ConferenceMinutesChange": lambda world, caller: {"status": "circulated"},
    "CoreGroupMeetingCreate": core_group_body,
}


def ids(world: World) -> dict[str, str]:
    return {}


async def post(
    client: AsyncTestClient[Any], auth: TokenFactory, world: World, url: str, body: Any, role: Role = Role.team_manager
) -> dict[str, Any]:
    headers = insider(auth, world, role)
    if "/v1/cases/" not in url:
        read = await client.get(url.rsplit("/", 1)[0], headers=headers)
        headers |= {"If-Match": read.headers["etag"]}
    made = await client.post(url, json=body, headers=headers)
    assert made.status_code in {200, 201}, made.text
    return dict(made.json())


async def decided_conference(
    client: AsyncTestClient[Any], auth: TokenFactory, world: World, decision: dict[str, Any]
) -> str:
    """A new ICPC on the world's strategy discussion with the chair's decision, minutes a draft."""
    made = await post(client, auth, world, f"/v1/cases/{world.family.case_id}/conferences", conference_body(world))
    await post(client, auth, world, f"/v1/conferences/{made['id']}/decision", decision, Role.conference_chair)
    return str(made["id"])


async def spare_conference(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/conferences"
    return str((await post(client, auth, world, url, conference_body(world)))["id"])


async def spare_decided(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    return await decided_conference(client, auth, world, {"decision": "nfa"})


async def spare_core_group(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/core-groups"
    return str((await post(client, auth, world, url, core_group_body(world)))["id"])


SPARE_MAKERS: dict[str, Any] = {
    "conference_id": spare_conference,
    "conference_id:decided": spare_decided,
    "core_group_id": spare_core_group,
}
ON_SPARE: dict[str, str] = {
    "changeConferenceMinutes": "conference_id:decided",
    "finaliseCoreGroupMeeting": "core_group_id",
}
USES_UP: set[str] = {"changeConferenceMinutes", "finaliseCoreGroupMeeting"}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    f = world.family
    conference = await decided_conference(client, auth, world, plan_decision(world))
    plan = {
        "plan_type": "child_protection",
        "child_ids": [f.child, f.sibling],
        "lead": f.worker,
        "conference_id": conference,
        "category": "neglect",
        "outline": True,
        "actions": [{"what": "Grace will take Ada to the GP.", "who_person_id": f.mum, "by": TODAY.isoformat()}],
    }
    plan_id = (await post(client, auth, world, f"/v1/cases/{f.case_id}/statutory-plans", plan))["id"]
    world = msgspec.structs.replace(
        world, more=world.more | {"conference_id": conference, "core_group_plan_id": plan_id}
    )
    core_group = await spare_core_group(client, auth, world)
    return msgspec.structs.replace(world, more=world.more | {"core_group_id": core_group})
