"""The world family's referral, accepted by the team manager into the world's case, and spare referrals about the
case's children for the calls that use one up (a decision is made once; entered in error hides it).

Spares name the world's case when they are recorded, so they are seen with the case from the start: an outsider
(another team) finds neither them nor the world's referral. A referral recorded with no case waits in the
council's front-door pool, which every council case worker sees, like an unallocated case.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from tests.api.conftest import TokenFactory
from tests.api.world import World, insider


def full_referral(world: World) -> dict[str, Any]:
    """A referral about Ada and Ben with the four front-door questions answered, so a manager can decide it."""
    from tests.api.bodies import from_example  # bodies imports this package

    f = world.family
    return from_example("ReferralCreate", world, index=1, BABY=f.sibling, TEACHER=f.worker)


def decision_body(world: World, caller: Any = None) -> dict[str, Any]:
    return {
        "decision": "child_and_family_assessment",
        "decision_rationale": "A disclosure of physical harm by a parent: assess the family's needs.",
        "rag_rating": "amber",
        "case_id": world.family.case_id,
    }


def pool_referral(world: World, caller: Any) -> dict[str, Any]:
    from tests.api.bodies import from_example

    return from_example("ReferralCreate", world)


BODIES: dict[str, Any] = {"ReferralCreate": pool_referral, "ReferralDecisionCreate": decision_body}


def ids(world: World) -> dict[str, str]:
    return {}


async def record(client: AsyncTestClient[Any], auth: TokenFactory, world: World, body: dict[str, Any]) -> str:
    made = await client.post("/v1/referrals", json=body, headers=insider(auth, world, Role.team_manager))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def spare_referral(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    """An undecided referral about the world's case, named when it is recorded."""
    return await record(client, auth, world, full_referral(world) | {"case_id": world.family.case_id})


SPARE_MAKERS: dict[str, Any] = {"referral_id": spare_referral, "referral_id:undecided": spare_referral}
# A replace by a body naming no case moves a spare into the front-door pool, where outsiders would find it.
ON_SPARE: dict[str, str] = {"decideReferral": "referral_id:undecided", "replaceReferral": "referral_id:undecided"}
USES_UP = {"decideReferral", "replaceReferral"}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    """A referral from the front-door pool, accepted into the world's case by its team manager."""
    referral_id = await record(client, auth, world, full_referral(world))
    decided = await client.post(
        f"/v1/referrals/{referral_id}/decision",
        json=decision_body(world),
        headers=insider(auth, world, Role.team_manager) | {"If-Match": 'W/"1"'},
    )
    assert decided.status_code == 200, decided.text
    return msgspec.structs.replace(world, more=world.more | {"referral_id": referral_id})
