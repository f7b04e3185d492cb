"""The world family's practice-quality records: an audit of the case by the council's auditor (Audrey), a group
supervision the allocated worker presented, and Grace's answers to the family survey.

Bodies repeat for every caller without clashing (none of these kinds is unique per case). A family caller's survey
answers are given in their own role and name (the matrix sends each its own); everyone else records a paper form
for Grace. Moderation uses a spare audit (an audit is moderated once), recorded by the world's auditor, so every
other quality caller may moderate it; marking records entered in error uses spares too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from sos_api.resources.service import today
from tests.api.conftest import COUNCIL_A, TokenFactory
from tests.api.world import World, insider

YESTERDAY = (today() - dt.timedelta(days=1)).isoformat()
SURVEY_ID = "5e0c0d0e-0000-4000-8000-000000000001"
AUDITOR = "auditor_person_id"  # world.more key of the auditor's person record
FAMILY_ANSWERS = {
    Role.parent_carer: "parent_carer",
    Role.family_member: "family_member",
    Role.network_member: "network_member",
    Role.child: "child",
}


def audit_body(world: World, caller: Any = None) -> dict[str, Any]:
    f = world.family
    return {
        "type": "together_with",
        "case_id": f.case_id,
        "child_ids": [f.child],
        "auditor": world.more[AUDITOR],
        "practitioner": f.worker,
        "practitioner_present": True,
        "held_on": YESTERDAY,
        "standards": [{"standard_id": "danger-statements-behavioural", "met": "yes", "evidence": "Clear and dated."}],
        "worries": "No network member has seen the danger statements.",
        "working_well": "Ada's own words are on the map.",
        "needs_to_happen": "Share the danger statements with grandma.",
        "grade": "good",
    }


def group_body(world: World, caller: Any = None) -> dict[str, Any]:
    return {
        "held_on": YESTERDAY,
        "facilitator": world.more[AUDITOR],
        "case_presenter": world.family.worker,
        "case_id": world.family.case_id,
        "purpose": "Are we worried enough to hold a strategy discussion?",
        "map_id": world.map_id,
        "judgement_ids": [world.judgement_id],
        "accountable_manager_present": True,
        "decisions": ["Hold a network meeting before the review."],
    }


def survey_body(world: World, caller: Any = None) -> dict[str, Any]:
    """A family caller answers as themselves; anyone else records Grace's paper form."""
    role = getattr(caller, "role", None)
    body: dict[str, Any] = {
        "survey_id": SURVEY_ID,
        "case_id": world.family.case_id,
        "answers": [{"question_id": "felt-listened-to", "score": 7, "comment": "The worker listened."}],
        "submitted_on": YESTERDAY,
    }
    if role in FAMILY_ANSWERS:
        return body | {"respondent_role": FAMILY_ANSWERS[role]}
    return body | {"respondent_role": "parent_carer", "respondent_id": world.family.mum}


BODIES: dict[str, Any] = {
    "CaseAuditCreate": audit_body,
    "CaseAuditModeration": lambda world, caller: {"note": "Agreed with the auditor's grade."},
    "GroupSupervisionCreate": group_body,
    "FamilySurveyResponseCreate": survey_body,
}


def ids(world: World) -> dict[str, str]:
    return {}


def world_auditor(auth: TokenFactory, world: World) -> dict[str, str]:
    """The council's auditor who records the world's audits (so any other quality caller may moderate them)."""
    return auth("auditor", COUNCIL_A, sub="auditor-world", person_id=world.more[AUDITOR])


async def post(client: AsyncTestClient[Any], url: str, body: Any, headers: dict[str, str]) -> str:
    made = await client.post(url, json=body, headers=headers)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def make_audit(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/case-audits"
    return await post(client, url, audit_body(world), world_auditor(auth, world))


async def make_group(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/group-supervisions"
    return await post(client, url, group_body(world), insider(auth, world, Role.team_manager))


async def make_response(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    url = f"/v1/cases/{world.family.case_id}/family-survey-responses"
    return await post(client, url, survey_body(world), insider(auth, world, Role.team_manager))


SPARE_MAKERS: dict[str, Any] = {
    "audit_id": make_audit,
    "group_supervision_id": make_group,
    "survey_response_id": make_response,
}
ON_SPARE: dict[str, str] = {"moderateCaseAudit": "audit_id"}
USES_UP: set[str] = {"moderateCaseAudit"}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    manager = insider(auth, world, Role.team_manager)
    auditor = await post(client, "/v1/people", {"given_names": "Audrey", "family_name": "Hale"}, manager)
    world = msgspec.structs.replace(world, more=world.more | {AUDITOR: auditor})
    made = {
        "audit_id": await make_audit(client, auth, world),
        "group_supervision_id": await make_group(client, auth, world),
        "survey_response_id": await make_response(client, auth, world),
    }
    return msgspec.structs.replace(world, more=world.more | made)
