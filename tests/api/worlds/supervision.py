"""The world family's individual supervision: Mona, a manager of the world's team, supervises the allocated worker
about the family's case, so the case keeps a supervision summary.

A supervision record belongs to no case (Reach.named): only the people it names and the council's quality staff
read it, and only its supervisor changes it. The matrix's insider team manager holds a token that names no person,
so it is neither supervisor nor supervisee of the world's record: `expect` says what every caller gets (the
supervisor's own reads and writes are tested in tests/api/test_supervision.py). An outsider manager records a
supervision of their own about none of this family's cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.policy import COUNCIL_WIDE
from sos_api.auth.roles import Role
from sos_api.resources.service import today
from tests.api.conftest import COUNCIL_A, TokenFactory
from tests.api.world import TEAM, World

YESTERDAY = (today() - dt.timedelta(days=1)).isoformat()
SUPERVISOR = "supervisor_person_id"  # world.more key of Mona's person record
# A supervisor named by a caller whose token names no person: never the caller, so refused (not-the-supervisor).
NOBODY = "5e0c0d0e-0000-4000-8000-00000000ab01"
NAMED_READS = {"getSupervisionRecord", "listSupervisionRecordVersions", "getSupervisionRecordVersion"}
SUPERVISOR_WRITES = {"replaceSupervisionRecord", "markSupervisionRecordEnteredInError"}


def record_body(world: World, caller: Any = None) -> dict[str, Any]:
    """Mona's record about the family's case; a caller with a person id (an outsider) names themselves and no case
    of this family; a caller without one names a supervisor they cannot be."""
    person = getattr(caller, "person_id", None)
    body: dict[str, Any] = {
        "supervisee": world.family.worker,
        "supervisor": person or NOBODY,
        "held_on": YESTERDAY,
        "reflection": "Priya feels stuck with dad's minimising.",
    }
    if caller is not None:
        return body
    case = {
        "case_id": world.family.case_id,
        "worries": "Dad's drinking when he has the children on Saturdays.",
        "scale": 4,
        "map_id": world.map_id,
        "judgement_id": world.judgement_id,
        "decisions": "Hold a network meeting with grandma within two weeks.",
    }
    return body | {"supervisor": world.more[SUPERVISOR], "cases": [case]}


BODIES: dict[str, Any] = {"SupervisionRecordCreate": record_body}


def ids(world: World) -> dict[str, str]:
    return {}


def expect(operation_id: str, role: Role, inside: bool) -> set[int] | None:
    """What a caller allowed the operation by role gets, where the record's names decide (Reach.named)."""
    if operation_id in NAMED_READS:
        supervisee = inside and role is Role.social_worker
        return {200} if supervisee or role in COUNCIL_WIDE else {404}
    if operation_id in SUPERVISOR_WRITES:
        return {404}
    if operation_id == "createSupervisionRecord":
        return {201} if not inside and role is Role.team_manager else {403}
    return None


def supervisor(auth: TokenFactory, world: World) -> dict[str, str]:
    return auth("team_manager", COUNCIL_A, sub="mona", person_id=world.more[SUPERVISOR], teams=[TEAM])


async def make_record(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    made = await client.post("/v1/supervision-records", json=record_body(world), headers=supervisor(auth, world))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


SPARE_MAKERS: dict[str, Any] = {"supervision_id": make_record}
ON_SPARE: dict[str, str] = {}
USES_UP: set[str] = set()


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    manager = auth("team_manager", COUNCIL_A, sub="world-manager", teams=[TEAM])
    mona = await client.post("/v1/people", json={"given_names": "Mona", "family_name": "Reyes"}, headers=manager)
    assert mona.status_code == 201, mona.text
    world = msgspec.structs.replace(world, more=world.more | {SUPERVISOR: str(mona.json()["id"])})
    record = await make_record(client, auth, world)
    page = await client.get(f"/v1/cases/{world.family.case_id}/supervision-summaries", headers=manager)
    [summary] = page.json()["items"]
    made = {"supervision_id": record, "supervision_summary_id": str(summary["id"])}
    return msgspec.structs.replace(world, more=world.more | made)
