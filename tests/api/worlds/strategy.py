"""The world family's strategy discussion: about Ada and Ben, finalised by the team manager with the outcome
s47_joint_with_police, so its section 47 enquiry is under way and the ICPC's clock runs (world.more
"strategy_id"; the conferences world builds the ICPC on it). Shared with agencies, so the involved agency reads it,
less the restricted police intelligence in it.

Bodies repeat for every caller without clashing: each create is a new draft. Finalising uses up a spare draft, and
recording the s47 outcome a spare discussion whose enquiry is under way; edits go to a spare draft too, since the
world's discussion is finalised and read-only. Amending one uses a finalised spare (an amendment does not use it
up).
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
OFFICER = "strategy_officer_id"


def discussion_body(world: World, caller: Any = None) -> dict[str, Any]:
    """A discussion held yesterday with everything a manager needs to finalise it."""
    f = world.family
    held = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    return {
        "withheld_reason": "Police and agency information is not shared with the family.",
        "shared_with_agencies": True,
        "child_ids": [f.child, f.sibling],
        "held_at": held.isoformat(timespec="seconds"),
        "format": "virtual",
        "chair": f.worker,
        "participants": [
            {"agency": "childrens_social_care", "person_id": f.worker, "role": "social worker"},
            {"agency": "police", "person_id": world.more[OFFICER], "role": "detective constable"},
        ],
        "information_shared": [
            {"agency": "police", "text": "Two call-outs to the address for shouting in October."},
            {"agency": "police", "text": "Intelligence about an adult visitor.", "visibility": "restricted"},
        ],
        "outcome": "s47_joint_with_police",
        "immediate_actions": [{"what": "Visit the family today.", "who_person_id": f.worker, "by": TODAY.isoformat()}],
        "immediate_protection": "none",
        "criminal_investigation": True,
        "medical_needed": False,
        "interview_planned": True,
        "family_informed": {"informed": True},
    }


def s47_body(world: World, caller: Any = None) -> dict[str, Any]:
    return {"concerns_substantiated": "partly", "recommendation": "icpc", "completed_on": TODAY.isoformat()}


def amendment_body(world: World, caller: Any = None) -> dict[str, Any]:
    return {"reason": "The police officer's role was recorded wrongly.", "discussion": discussion_body(world)}


BODIES: dict[str, Any] = {
    "StrategyDiscussionCreate": discussion_body,
    "S47OutcomeCreate": s47_body,
    "StrategyDiscussionAmend": amendment_body,
}


def ids(world: World) -> dict[str, str]:
    return {}


def manager(auth: TokenFactory, world: World) -> dict[str, str]:
    return insider(auth, world, Role.team_manager)


async def draft(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/strategy-discussions"
    made = await client.post(url, json=discussion_body(world), headers=manager(auth, world))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def finalised(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    """A finalised discussion whose s47 enquiry is under way."""
    strategy_id = await draft(client, auth, world)
    done = await client.post(
        f"/v1/strategy-discussions/{strategy_id}/finalise", headers=manager(auth, world) | {"If-Match": 'W/"1"'}
    )
    assert done.status_code == 200, done.text
    return strategy_id


SPARE_MAKERS: dict[str, Any] = {"strategy_id": draft, "strategy_id:draft": draft, "strategy_id:s47": finalised}
ON_SPARE: dict[str, str] = {
    "replaceStrategyDiscussion": "strategy_id:draft",  # a finalised discussion is read-only
    "finaliseStrategyDiscussion": "strategy_id:draft",
    "recordS47Outcome": "strategy_id:s47",
    "amendStrategyDiscussion": "strategy_id:s47",  # a draft is edited, not amended; the world's stays as made
}
USES_UP: set[str] = {"finaliseStrategyDiscussion", "recordS47Outcome"}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    officer = {
        "given_names": "Dev",
        "family_name": "Marsh",
        "practitioner": {"organisation": {"name": "County Police", "code": "01"}, "agency_type": "police"},
    }
    made = await client.post("/v1/people", json=officer, headers=manager(auth, world))
    assert made.status_code == 201, made.text
    world = msgspec.structs.replace(world, more=world.more | {OFFICER: str(made.json()["id"])})
    strategy_id = await finalised(client, auth, world)
    return msgspec.structs.replace(world, more=world.more | {"strategy_id": strategy_id})
