"""One allocated family with every kind of record and every kind of involvement, for the access-control tests.

Insiders are callers the policy should let in (the allocated team, the involved agency and chair, the family
themselves); outsiders hold the same role but no link to this family.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from sos_api.resources.service import LONDON
from tests.api.conftest import COUNCIL_A, TokenFactory
from tests.api.test_dangers import Family, make_family, make_person, said_by
from tests.api.test_maps import finalise, make_map, scaled_danger

TEAM = "Team North"
AGENCY = "ods:RX1"
# What an agency's system and practitioners may do beyond their role: send contributions, look flags up (R21).
PARTNER_SCOPES = "system/contributions.cr system/flags.s"


def midnight_in_england(day: dt.date) -> str:
    """The first moment of `day` where the records' dates are kept: on that day, and never in the future."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).isoformat()


class World(msgspec.Struct, frozen=True, kw_only=True):
    family: Family
    chair: str
    iro: str
    map_id: str
    danger_id: str
    question_id: str
    involvement_id: str
    judgement_id: str
    relationship_id: str
    # Path values of the practice-tool records (tests/api/worlds), by path parameter name.
    more: dict[str, str] = {}

    @property
    def path_values(self) -> dict[str, str]:
        return {
            "case_id": self.family.case_id,
            "person_id": self.family.child,
            "map_id": self.map_id,
            "danger_id": self.danger_id,
            "question_id": self.question_id,
            "involvement_id": self.involvement_id,
            "judgement_id": self.judgement_id,
            "relationship_id": self.relationship_id,
            "version": "1",
            "n": "1",
            "team": TEAM,
            **self.more,
        }


async def involve(client: AsyncTestClient[Any], auth: TokenFactory, case_id: str, **body: Any) -> dict[str, Any]:
    response = await client.post(
        f"/v1/cases/{case_id}/involvements", json={"start_date": "2026-10-02", **body}, headers=auth()
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def allocate(client: AsyncTestClient[Any], auth: TokenFactory, family: Family) -> None:
    case = (await client.get(f"/v1/cases/{family.case_id}", headers=auth())).json()
    body = {k: v for k, v in case.items() if k not in {"id", "meta", "status", "current_level", "closed_on"}}
    body = {k: v for k, v in body.items() if not k.startswith("closure_")}
    body |= {"allocated_worker": family.worker, "team": TEAM}
    # Allocation is the team manager's (domain 2.2); the case is still in the unallocated pool they triage.
    headers = auth("team_manager") | {"If-Match": f'W/"{case["meta"]["version"]}"'}
    response = await client.put(f"/v1/cases/{family.case_id}", json=body, headers=headers)
    assert response.status_code == 200, response.text


async def build_world(client: AsyncTestClient[Any], auth: TokenFactory) -> World:
    family = await make_family(client, auth)
    danger = await scaled_danger(client, auth, family)
    await finalise(client, auth, await make_map(client, auth, family, [danger["id"]]))
    current = (await client.get(f"/v1/cases/{family.case_id}/maps/current", headers=auth())).json()
    chair = await make_person(client, auth, "Chidi")
    iro = await make_person(client, auth, "Irene")
    agency = await involve(
        client, auth, family.case_id, kind="agency", organisation=AGENCY, reason="invited_to_meeting"
    )
    await involve(client, auth, family.case_id, kind="conference_chair", person_id=chair, reason="statutory_role")
    await involve(client, auth, family.case_id, kind="iro", person_id=iro, reason="statutory_role")
    question_id = danger["safety_goal"]["scale_question_id"]
    judgement = await client.post(
        f"/v1/scaling-questions/{question_id}/judgements",
        json={"value": 4, "perspective": said_by(family.worker), "reason": "Two incidents this month."},
        headers=auth(),
    )
    assert judgement.status_code == 201, judgement.text
    relationship = await client.post(
        f"/v1/cases/{family.case_id}/relationships",
        json={
            "person_a": family.mum,
            "person_b": family.child,
            "kind": "birth_parent",
            "has_pr": True,
            "pr_basis": "birth_mother",
            "lives_with": True,
            "perspective": said_by(family.worker),
        },
        headers=auth(),
    )
    assert relationship.status_code == 201, relationship.text
    await allocate(client, auth, family)
    world = World(
        family=family,
        chair=chair,
        iro=iro,
        map_id=current["id"],
        danger_id=danger["id"],
        question_id=question_id,
        involvement_id=agency["id"],
        judgement_id=judgement.json()["id"],
        relationship_id=relationship.json()["id"],
    )
    from tests.api.worlds import modules  # its modules import this one

    for module in modules():
        world = await module.extend(client, auth, world)
    return world


def insider(auth: TokenFactory, world: World, role: Role) -> dict[str, str]:
    """A token for `role` that this family's records are meant for."""
    f = world.family
    claims: dict[Role, dict[str, Any]] = {
        Role.social_worker: {"person_id": f.worker, "teams": [TEAM]},
        Role.early_help_worker: {"teams": [TEAM]},
        Role.personal_adviser: {"teams": [TEAM]},
        Role.team_manager: {"teams": [TEAM]},
        Role.conference_chair: {"person_id": world.chair},
        Role.iro: {"person_id": world.iro},
        Role.integration_client: {"scp": "system/*.cruds"},
        # An agency's system sends contributions and looks flags up within its scopes (interop R21).
        Role.partner_system: {"scp": PARTNER_SCOPES},
        Role.parent_carer: {"person_id": f.mum},
        Role.family_member: {"person_id": f.dad},
        Role.network_member: {"person_id": f.dad},
        Role.child: {"person_id": f.child},
    }
    org = AGENCY if role in {Role.partner_practitioner, Role.partner_system} else COUNCIL_A
    return auth(role.value, org, sub=f"{role.value}-insider", **claims.get(role, {}))


def outsider(auth: TokenFactory, role: Role) -> dict[str, str]:
    """The same role with no link to the family: another team, another agency, another family."""
    stranger = str(uuid.uuid4())
    claims: dict[str, Any] = {"person_id": stranger, "teams": ["Team South"]}
    if role is Role.integration_client:
        claims["scp"] = "system/*.cruds"
    if role in {Role.partner_practitioner, Role.partner_system}:
        claims["scp"] = PARTNER_SCOPES
    org = "ods:ZZ9" if role in {Role.partner_practitioner, Role.partner_system} else COUNCIL_A
    return auth(role.value, org, sub=f"{role.value}-outsider", **claims)
