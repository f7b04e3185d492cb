"""The world family's child episodes: Ada's open child-in-need episode, and Ben stepped up from child in need to
child protection by the team manager.

Bodies repeat for every caller without clashing: a new episode is a past one (both dates, so never a second
open episode at a level), and a step change is one the receiving service declined (it moves nobody). Ending an
episode uses a spare open episode of Ada's at early help, made again once ended.
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


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def episode_body(child: str, level: str = "child_in_need", **changes: Any) -> dict[str, Any]:
    basis = "none_consent" if level == "early_help" else "s17"
    body = {"child_id": child, "level": level, "legal_basis": basis, "start_date": days_ago(60)}
    return body | {"start_reason": "new_referral"} | changes


def declined_step(world: World, caller: Any) -> dict[str, Any]:
    """Ada's step down to early help, which the family declined: recorded, nothing moves."""
    return {
        "child_ids": [world.family.child],
        "from_level": "child_in_need",
        "to_level": "early_help",
        "decided_on": days_ago(1),
        "reason": "The safety goal has been met for three months.",
        "family_consent": False,
        "rejected_reason": "Grace does not want early help.",
    }


BODIES: dict[str, Any] = {
    "ChildEpisodeCreate": lambda world, caller: episode_body(
        world.family.child, end_date=days_ago(50), end_reason="goals_achieved"
    ),
    "ChildEpisodeEnd": lambda world, caller: {"end_date": days_ago(1), "end_reason": "goals_achieved"},
    "StepChangeCreate": declined_step,
}


def ids(world: World) -> dict[str, str]:
    return {}


async def post(client: AsyncTestClient[Any], auth: TokenFactory, world: World, url: str, body: Any) -> str:
    made = await client.post(url, json=body, headers=insider(auth, world, Role.team_manager))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def spare_episode(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/child-episodes"
    return await post(client, auth, world, url, episode_body(world.family.child, "early_help"))


async def spare_step(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/step-changes"
    return await post(client, auth, world, url, declined_step(world, None))


SPARE_MAKERS: dict[str, Any] = {"episode_id": spare_episode, "step_change_id": spare_step}
# A replace by the past-episode body ends the spare, as ending it does (the world's own stays open to step from).
ON_SPARE: dict[str, str] = {"endChildEpisode": "episode_id", "replaceChildEpisode": "episode_id"}
USES_UP: set[str] = {"endChildEpisode", "replaceChildEpisode"}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    f, case = world.family, f"/v1/cases/{world.family.case_id}"
    episode = await post(client, auth, world, f"{case}/child-episodes", episode_body(f.child))
    await post(client, auth, world, f"{case}/child-episodes", episode_body(f.sibling))
    step = {
        "child_ids": [f.sibling],
        "from_level": "child_in_need",
        "to_level": "child_protection",
        "decided_on": days_ago(7),
        "reason": "Ben was hurt again; the strategy discussion agreed a conference.",
    }
    step_id = await post(client, auth, world, f"{case}/step-changes", step)
    return msgspec.structs.replace(world, more=world.more | {"episode_id": episode, "step_change_id": step_id})
