"""The world family's statutory plans: the child protection plan for Ada agreed on the conference's decision
(helper C's world puts the ICPC on world.more["conference_id"]; without it, a child in need plan stands in), and
spare child in need plans in each state a write needs.

The builders here make a valid body of every plan type for any family (tests/api/test_plans.py uses them too).
Bodies repeat for every caller without clashing: plans have no uniqueness, a review appends to the plan, and an end
or a revision uses up a spare agreed plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from sos_api.resources.service import today
from sos_schema import STATUTORY_NEED_AREAS
from tests.api.conftest import TokenFactory
from tests.api.world import World, insider
from tests.schema.examples.statutory import (
    EDUCATION,
    FAMILY_REL,
    HEALTH,
    HEALTH_PLAN,
    PEP,
    PERMANENCE,
)

JSON = dict[str, Any]
TODAY = today()


def days(n: int) -> str:
    """n days from today (negative: ago)."""
    return (TODAY + dt.timedelta(days=n)).isoformat()


def common(child: str, lead: str, doer: str) -> JSON:
    """What every plan needs before it is agreed: an action with who and by when, and a review schedule."""
    return {
        "child_ids": [child],
        "lead": lead,
        "actions": [{"what": "Go to the parenting group every Tuesday.", "who_person_id": doer, "by": days(28)}],
        "contingency": "If the plan is not working the core group meets within a week.",
        "review_schedule": {"next_on": days(90), "rule": "every 3 months"},
    }


def cin_plan(child: str, lead: str, doer: str) -> JSON:
    return {"plan_type": "child_in_need", **common(child, lead, doer)}


def early_help_plan(child: str, lead: str, parent: str, *, covers_sharing: bool = True) -> JSON:
    consent = {"given_by": parent, "on": days(-10), "covers_information_sharing": covers_sharing}
    return {"plan_type": "early_help", **common(child, lead, parent), "consent": consent}


def cp_plan(child: str, lead: str, doer: str, conference_id: str, category: str = "neglect") -> JSON:
    return {
        "plan_type": "child_protection",
        **common(child, lead, doer),
        "conference_id": conference_id,
        "category": category,
        "outline": True,
    }


def care_plan(child: str, lead: str, iro: str, placement_plan_id: str | None) -> JSON:
    placed = {"placement_plan_id": placement_plan_id} if placement_plan_id else {"placed_by_council": False}
    return {
        "plan_type": "care",
        **common(child, lead, lead),
        "plan_for_permanence": PERMANENCE,
        "health_plan": HEALTH_PLAN,
        "personal_education_plan": PEP,
        "emotional_behavioural_development": "Settling; some nightmares.",
        "identity": "British Nigerian, Christian, speaks English and Yoruba.",
        "family_and_social_relationships": FAMILY_REL,
        "social_presentation": "Cheerful and polite.",
        "self_care_skills": "Dresses herself.",
        "iro": iro,
        "wishes_and_feelings": [{"person_id": child, "text": "I want to see my brother.", "on": days(-3)}],
        **placed,
    }


def placement_plan(child: str, lead: str, carer: str, iro: str, start: str, *, signed: bool = True) -> JSON:
    key = {"person_id": lead, "name": "Priya Worker", "contact": "0113 000 0000"}
    body = {
        "plan_type": "placement",
        **common(child, lead, carer),
        "placement": {
            "start": start,
            "type": "foster_other",
            "provider_name": "Synthetic Fostering Agency",
            "address": {"lines": ["1 Example Street", "Leeds"], "postcode": "LS1 4AP"},
        },
        "how_placement_meets_needs": "Near her school and her brother.",
        "day_to_day_care": "The carer does school runs and bedtime routines.",
        "contact": {"how_changes_notified": "The social worker phones the carer and mum."},
        "health": HEALTH,
        "education": EDUCATION,
        "visits": {"frequency": "P6W"},
        "termination_circumstances": "If the carer can no longer keep her safe.",
        "key_contacts": {"iro": {**key, "person_id": iro}, "social_worker": key},
        "foster_specific": {"financial_support": "Standard fostering allowance."},
        "child_wishes_feelings": {"text": "I like it here but I miss mum.", "on": start},
        "iro_informed_on": start,
    }
    if signed:
        body["signed_by_appropriate_person"] = {"person_id": carer, "on": start}
    return body


def pathway_plan(young: str, born: str, pa: str, *, areas: Any = None, effective_on: str | None = None) -> JSON:
    """A former relevant young person's plan; `areas` the need areas covered (every statutory one by default)."""
    chosen = sorted(STATUTORY_NEED_AREAS) if areas is None else areas
    effective = dt.date.fromisoformat(effective_on or days(-1))
    return {
        "plan_type": "pathway",
        "child_ids": [young],
        "lead": pa,
        "actions": [{"what": "Open a bank account.", "who_person_id": young, "by": days(30)}],
        "young_person_id": young,
        "young_person_date_of_birth": born,
        "category": "former_relevant",
        "personal_adviser": pa,
        "needs_assessment_id": "0b0c0d0e-0000-4000-8000-0000000000a1",
        "effective_on": effective.isoformat(),
        "next_review_by": (effective + dt.timedelta(days=120)).isoformat(),
        "need_areas": [
            {
                "area": area.value,
                "needs_to_happen": [{"what": f"Work on {area.value}.", "who_person_id": pa, "by": days(60)}],
                "young_person_view": "I want to do this myself.",
            }
            for area in chosen
        ],
    }


def world_plan(world: World, caller: Any = None) -> JSON:
    f = world.family
    return cin_plan(f.child, f.worker, f.mum)


BODIES: dict[str, Any] = {
    "PlanCreate": world_plan,
    "PlanAgreement": lambda world, caller: {},
    "StatutoryPlanReviewCreate": lambda world, caller: {
        "held_on": TODAY.isoformat(),
        "decision": "Carry on with the plan; the group is helping.",
        "next_review_on": days(91),
    },
    "PlanEnd": lambda world, caller: {"ended_on": TODAY.isoformat(), "reason": "Needs met: the case steps down."},
}


async def call(client: AsyncTestClient[Any], auth: TokenFactory, world: World, url: str, body: Any, **h: str) -> JSON:
    made = await client.post(url, json=body, headers=insider(auth, world, Role.team_manager) | h)
    assert made.status_code in (200, 201), made.text
    return dict(made.json())


async def draft(client: AsyncTestClient[Any], auth: TokenFactory, world: World, body: JSON | None = None) -> JSON:
    url = f"/v1/cases/{world.family.case_id}/statutory-plans"
    return await call(client, auth, world, url, body or world_plan(world))


async def agreed(client: AsyncTestClient[Any], auth: TokenFactory, world: World, body: JSON | None = None) -> JSON:
    made = await draft(client, auth, world, body)
    url = f"/v1/statutory-plans/{made['id']}/agree"
    return await call(client, auth, world, url, {}, **{"If-Match": f'W/"{made["meta"]["version"]}"'})


async def spare_draft(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    return str((await draft(client, auth, world))["id"])


async def spare_agreed(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    return str((await agreed(client, auth, world))["id"])


def ids(world: World) -> dict[str, str]:
    return {}


SPARE_MAKERS: dict[str, Any] = {
    "statutory_plan_id": spare_draft,
    "statutory_plan_id:draft": spare_draft,
    "statutory_plan_id:agreed": spare_agreed,
}
ON_SPARE: dict[str, str] = {
    "replaceStatutoryPlan": "statutory_plan_id:draft",
    "agreeStatutoryPlan": "statutory_plan_id:draft",
    "createStatutoryPlanRevision": "statutory_plan_id:agreed",
    "endStatutoryPlan": "statutory_plan_id:agreed",
}
USES_UP: set[str] = {"agreeStatutoryPlan", "createStatutoryPlanRevision", "endStatutoryPlan"}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    """Ada's child protection plan, agreed on the ICPC's decision (a CIN plan until conferences exist)."""
    f = world.family
    conference = world.more.get("conference_id")
    body = world_plan(world)
    if conference:
        read = await client.get(f"/v1/conferences/{conference}", headers=insider(auth, world, Role.team_manager))
        assert read.status_code == 200, read.text
        body = cp_plan(f.child, f.worker, f.mum, conference, read.json()["category"])
    plan = await agreed(client, auth, world, body)
    return msgspec.structs.replace(world, more=world.more | {"statutory_plan_id": str(plan["id"])})
