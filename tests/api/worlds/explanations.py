"""The world's words-and-pictures story and child-centred safety plan (sos_api/explanations.py).

The world's story is presented to the child, so showing it to the network and revising it can be done again and
again; the writes that need a story not yet presented (replace, the agreements, presenting, retiring) run on a
spare draft, made again once one is used up.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from tests.api.bodies import Caller, body_for, from_example, world_ids
from tests.api.conftest import TokenFactory
from tests.api.world import World, insider

# Pictures are media ids the API does not look up (no media store yet): any id will do.
PICTURE = "5f0c6a52-7f0e-4a8e-9d0a-6b1f2c3d4e5f"


def story_body(world: World, caller: Caller) -> dict[str, Any]:
    return from_example("WordsAndPicturesCreate", world, index=1, IMAGE=PICTURE)


def share_body(world: World, caller: Caller) -> dict[str, Any]:
    return from_example("WordsAndPicturesShare", world, NAN=world_ids(world).get("NAN", world.family.dad))


def child_plan_body(world: World, caller: Caller) -> dict[str, Any]:
    """Made from version 1 of the world's safety plan (a version every plan has reached), for its child."""
    body = from_example("ChildSafetyPlanCreate", world, ID=world.more["plan_id"], CHILD=world.more["plan_child_id"])
    return body | {"source_plan_version": 1}


BODIES: dict[str, Any] = {
    "WordsAndPicturesCreate": story_body,
    "WordsAndPicturesPresent": lambda world, caller: from_example("WordsAndPicturesPresent", world),
    "WordsAndPicturesShare": share_body,
    "ChildSafetyPlanCreate": child_plan_body,
}


async def made(client: AsyncTestClient[Any], auth: TokenFactory, world: World, url: str, schema: str) -> str:
    """A record made by the world's team manager from its valid body."""
    body = body_for(schema, world, Caller(Role.team_manager))
    response = await client.post(url, json=body, headers=insider(auth, world, Role.team_manager))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def spare_story(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    return await made(
        client, auth, world, f"/v1/cases/{world.family.case_id}/words-and-pictures", "WordsAndPicturesCreate"
    )


async def spare_child_plan(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    return await made(
        client, auth, world, f"/v1/cases/{world.family.case_id}/child-safety-plans", "ChildSafetyPlanCreate"
    )


SPARE_MAKERS: dict[str, Any] = {"story_id": spare_story, "child_plan_id": spare_child_plan}
USES_UP = {
    "agreeWordsAndPicturesByParents",
    "agreeWordsAndPicturesByAgency",
    "presentWordsAndPictures",
    "retireWordsAndPictures",
}
ON_SPARE: dict[str, str] = dict.fromkeys(USES_UP | {"replaceWordsAndPictures"}, "story_id")


def ids(world: World) -> dict[str, str]:
    return {}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    """A story told to the child, and a child-centred plan made from the world's safety plan."""
    manager = insider(auth, world, Role.team_manager)
    story_id = await spare_story(client, auth, world)
    body = body_for("WordsAndPicturesPresent", world, Caller(Role.team_manager))
    presented = await client.post(
        f"/v1/words-and-pictures/{story_id}/present", json=body, headers=manager | {"If-Match": 'W/"1"'}
    )
    assert presented.status_code == 200, presented.text
    more = dict(world.more)
    plan = await client.get(f"/v1/safety-plans/{more['plan_id']}", headers=manager)
    more["plan_child_id"] = str(plan.json()["child_ids"][0])
    url = f"/v1/cases/{world.family.case_id}/child-safety-plans"
    child_plan_id = await made(client, auth, msgspec.structs.replace(world, more=more), url, "ChildSafetyPlanCreate")
    return msgspec.structs.replace(world, more=more | {"story_id": story_id, "child_plan_id": child_plan_id})
