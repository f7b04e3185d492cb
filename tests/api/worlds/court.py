"""The world family's court work: care proceedings about Ada, issued ten weeks ago after the family accepted the
offer of family group decision-making. Restricted (domain 4.2): the matrix checks the family, the child and
partners are refused it.

The body repeats for every caller without clashing (court work has no uniqueness); marking one entered in error
uses a spare made the same way.
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


def weeks_ago(n: int) -> str:
    return (TODAY - dt.timedelta(weeks=n)).isoformat()


def court_body(world: World, caller: Any = None) -> dict[str, Any]:
    return {
        "child_ids": [world.family.child],
        "stage": "case_management",
        "letter_before_proceedings_on": weeks_ago(12),
        "fgdm_offered_on": weeks_ago(12),
        "fgdm_response": "accepted",
        "application_issued_on": weeks_ago(10),
        "orders": [{"type": "interim_care_order", "made_on": weeks_ago(9)}],
    }


BODIES: dict[str, Any] = {"CourtWorkCreate": court_body}


def ids(world: World) -> dict[str, str]:
    return {}


async def make_court_work(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/court-work"
    made = await client.post(url, json=court_body(world), headers=insider(auth, world, Role.team_manager))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


SPARE_MAKERS: dict[str, Any] = {"court_work_id": make_court_work}
ON_SPARE: dict[str, str] = {}
USES_UP: set[str] = set()


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    court_work = await make_court_work(client, auth, world)
    return msgspec.structs.replace(world, more=world.more | {"court_work_id": court_work})
