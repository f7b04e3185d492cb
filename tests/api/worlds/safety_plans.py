"""The world family's agreed safety plan for Ada with one check-in, and spare plans in each state a write needs.

Spare plans are for Ben (the world's sibling) and cover every active danger statement about him, so the danger
statements other calls of the matrix make about Ada never leave a spare plan uncovered (BR-07). Each rule is held
by Grace (a parent, so no network is needed) and both parents agree to each version before the manager does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.policy import FAMILY
from sos_api.auth.roles import Role
from sos_api.resources.service import today
from tests.api.conftest import TokenFactory
from tests.api.world import World, insider

TODAY = today()


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def plan_body(world: World, child: str, danger_ids: list[str]) -> dict[str, Any]:
    f = world.family
    return {
        "child_ids": [child],
        "kind": "family_safety_plan",
        "danger_ids": danger_ids,
        "rules": [
            {
                "text": "Grace takes the children to her sister's whenever Sam has been drinking.",
                "danger_id": d,
                "responsible": [f.mum],
                "how_checked": "Grace texts the worker each time.",
                "checked_by": f.worker,
            }
            for d in danger_ids
        ],
        "if_child_feels_unsafe": [{"step": "Go next door and tell Auntie Sam.", "contact": f.mum}],
        "if_plan_not_followed": "Grace's sister tells the worker the same day, or the out-of-hours team at night.",
        "monitoring": "The school and the network tell the worker each week how things are.",
        "review_on": (TODAY + dt.timedelta(days=90)).isoformat(),
    }


def agreement_body(world: World, caller: Any) -> dict[str, Any]:
    """The family agree as themselves; anyone else records Grace's agreement."""
    if caller.role in FAMILY:
        return {"role": "parent", "method": "signed"}
    return {"person_id": world.family.mum, "role": "mum", "method": "signed"}


def check_in_body(world: World, caller: Any) -> dict[str, Any]:
    """Whether the world plan's rule was kept today, in the caller's own voice."""
    from tests.api.bodies import judgement_body  # bodies imports this package

    return {
        "on": TODAY.isoformat(),
        "reporter": judgement_body(world, caller)["perspective"],
        "rule_id": world.more["plan_rule_id"],
        "kept": "yes",
    }


BODIES: dict[str, Any] = {
    "SafetyPlanCreate": lambda world, caller: plan_body(world, world.family.child, [world.danger_id]),
    "PlanAgreementCreate": agreement_body,
    "SafetyPlanAgree": lambda world, caller: {},
    "SafetyPlanTrialStart": lambda world, caller: {"trial_ends_on": (TODAY + dt.timedelta(days=42)).isoformat()},
    "SafetyPlanReview": lambda world, caller: {"reason": "Sam came home drunk and the network was not called."},
    "SafetyPlanEnd": lambda world, caller: {"end_reason": "family_withdrew", "note": "The family moved away."},
    "PlanCheckInCreate": check_in_body,
}


def ids(world: World) -> dict[str, str]:
    return {}


# --- spares ---------------------------------------------------------------------------------------------


class Calls:
    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> None:
        self.client, self.auth, self.world = client, auth, world
        self.manager = insider(auth, world, Role.team_manager)

    async def call(self, method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        if url.startswith("/v1/safety-plans/") and method == "POST" and not url.endswith("/revisions"):
            plan = url.split("/")[3]
            read = await self.client.get(f"/v1/safety-plans/{plan}", headers=self.manager)
            headers = (headers or self.manager) | {"If-Match": read.headers["etag"]}
        done = await self.client.request(method, url, json=body, headers=headers or self.manager)
        assert done.status_code in {200, 201}, done.text
        return done.json()

    async def dangers_about(self, child: str) -> list[str]:
        """Every active danger statement about the child; one is made when there is none."""
        f = self.world.family
        url = f"/v1/cases/{f.case_id}/danger-statements?limit=200"
        found = [
            d["id"]
            for d in (await self.call("GET", url))["items"]
            if d["status"] == "active" and child in d["child_ids"]
        ]
        if found:
            return found
        from tests.api.bodies import from_example

        body = from_example("DangerStatementCreate", self.world) | {"child_ids": [child]}
        return [(await self.call("POST", f"/v1/cases/{f.case_id}/danger-statements", body))["id"]]

    async def draft(self, child: str | None = None) -> dict[str, Any]:
        child = child or self.world.family.sibling
        body = plan_body(self.world, child, await self.dangers_about(child))
        return dict(await self.call("POST", f"/v1/cases/{self.world.family.case_id}/safety-plans", body))

    async def ready(self, child: str | None = None) -> dict[str, Any]:
        """A draft both parents have agreed to: the manager's agreement is all it needs."""
        plan = await self.draft(child)
        for role in (Role.parent_carer, Role.family_member):
            body = {"role": "parent", "method": "signed"}
            await self.call(
                "POST", f"/v1/safety-plans/{plan['id']}/agreements", body, insider(self.auth, self.world, role)
            )
        return plan

    async def agreed(self, on: str | None = None, child: str | None = None) -> dict[str, Any]:
        plan = await self.ready(child)
        return dict(await self.call("POST", f"/v1/safety-plans/{plan['id']}/agree", {"on": on or TODAY.isoformat()}))

    async def tried(self) -> dict[str, Any]:
        """A plan whose 50-day trial ended yesterday with every rule checked: ready to be sustained."""
        plan = await self.agreed(on=days_ago(60))
        trial = {"started_on": days_ago(50), "trial_ends_on": days_ago(1), "check_in_every_days": 50}
        await self.call("POST", f"/v1/safety-plans/{plan['id']}/trial", trial)
        mum = insider(self.auth, self.world, Role.parent_carer)
        voice = {"perspective_role": "parent_carer", "perspective_person_id": self.world.family.mum, "own_words": True}
        for rule in plan["rules"]:
            body = {"on": days_ago(40), "reporter": voice, "rule_id": rule["id"], "kept": "yes"}
            await self.call("POST", f"/v1/safety-plans/{plan['id']}/check-ins", body, mum)
        return plan


def maker(state: str) -> Any:
    async def make(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
        return str((await getattr(Calls(client, auth, world), state)())["id"])

    return make


async def spare_check_in(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    from tests.api.bodies import Caller

    body = check_in_body(world, Caller(Role.team_manager))
    made = await Calls(client, auth, world).call("POST", f"/v1/safety-plans/{world.more['plan_id']}/check-ins", body)
    return str(made["id"])


SPARE_MAKERS: dict[str, Any] = {
    "plan_id": maker("draft"),
    "plan_id:draft": maker("draft"),
    "plan_id:ready": maker("ready"),
    "plan_id:agreed": maker("agreed"),
    "plan_id:tried": maker("tried"),
    "check_in_id": spare_check_in,
}
ON_SPARE: dict[str, str] = {
    "replaceSafetyPlan": "plan_id:draft",
    "recordSafetyPlanAgreement": "plan_id:draft",
    "agreeSafetyPlan": "plan_id:ready",
    "startSafetyPlanTrial": "plan_id:agreed",
    "reviewSafetyPlan": "plan_id:agreed",
    "createSafetyPlanRevision": "plan_id:agreed",
    "sustainSafetyPlan": "plan_id:tried",
    "endSafetyPlan": "plan_id:draft",
}
USES_UP = {
    "agreeSafetyPlan",
    "startSafetyPlanTrial",
    "reviewSafetyPlan",
    "createSafetyPlanRevision",
    "sustainSafetyPlan",
    "endSafetyPlan",
}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    """The world's agreed plan for Ada, and one check-in on it."""
    plan = await Calls(client, auth, world).agreed(child=world.family.child)
    world = msgspec.structs.replace(
        world, more=world.more | {"plan_id": str(plan["id"]), "plan_rule_id": str(plan["rules"][0]["id"])}
    )
    return msgspec.structs.replace(world, more=world.more | {"check_in_id": await spare_check_in(client, auth, world)})
