"""Statutory plans over HTTP (domain 2.18-2.21, 3.4, 3.5; BR-15 to BR-18, BR-20): drafts, the manager's agreement
with each type's rules (one problem type per rule), revisions with one agreed version at a time, reviews that move
the next review date, ending by each type's law, and the due dates worked out on read. One passing and one
failing example per rule.

One database and client for the module; each test makes its own family, so tests do not see each other's plans.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_api.plans import looked_after_review_by
from sos_api.timescales import add_months, add_working_days
from sos_schema import StatutoryPlanReview
from tests.api.conftest import TokenFactory
from tests.api.test_dangers import Family, if_match, make_danger, make_family, make_person
from tests.api.world import midnight_in_england
from tests.api.worlds.plans import (
    TODAY,
    care_plan,
    cin_plan,
    cp_plan,
    days,
    early_help_plan,
    pathway_plan,
    placement_plan,
)

JSON = dict[str, Any]
MISSING = "0b0c0d0e-0000-4000-8000-0000000000ff"


def problem_type(body: JSON) -> str:
    return str(body["type"]).rsplit("/", 1)[-1]


def pointers(body: JSON) -> set[str]:
    return {e["pointer"] for e in body["errors"]}


class Plans:
    """One family and the calls made on its plans."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, family: Family) -> None:
        self.client, self.auth, self.f = client, auth, family
        self.worker = auth("social_worker", person_id=family.worker)
        self.manager = auth("team_manager", sub="manager-1", person_id=family.worker)

    @property
    def case(self) -> str:
        return f"/v1/cases/{self.f.case_id}"

    async def create(self, body: JSON, expect: int = 201) -> JSON:
        made = await self.client.post(f"{self.case}/statutory-plans", json=body, headers=self.worker)
        assert made.status_code == expect, made.text
        return dict(made.json())

    async def post(self, plan: JSON, verb: str, body: Any = None, expect: int = 200, **headers: str) -> JSON:
        send = (self.manager if verb in ("agree", "end") else self.worker) | headers
        if verb not in ("revisions",):
            send |= if_match(plan["meta"]["version"])
        done = await self.client.post(f"/v1/statutory-plans/{plan['id']}/{verb}", json=body, headers=send)
        assert done.status_code == expect, done.text
        return dict(done.json())

    async def agree(self, plan: JSON, expect: int = 200, on: str | None = None) -> JSON:
        return await self.post(plan, "agree", {} if on is None else {"agreed_on": on}, expect=expect)

    async def agreed(self, body: JSON) -> JSON:
        return await self.agree(await self.create(body))

    async def put(self, plan: JSON, body: JSON, expect: int = 200) -> JSON:
        headers = self.worker | if_match(plan["meta"]["version"])
        done = await self.client.put(f"/v1/statutory-plans/{plan['id']}", json=body, headers=headers)
        assert done.status_code == expect, done.text
        return dict(done.json())

    async def read(self, plan_id: str, headers: dict[str, str] | None = None) -> JSON:
        got = await self.client.get(f"/v1/statutory-plans/{plan_id}", headers=headers or self.worker)
        assert got.status_code == 200, got.text
        return dict(got.json())

    async def listed(self, headers: dict[str, str] | None = None) -> list[JSON]:
        got = await self.client.get(f"{self.case}/statutory-plans", headers=headers or self.worker)
        assert got.status_code == 200, got.text
        return list(got.json()["items"])

    async def episode(self, child: str, start: str, **changes: Any) -> JSON:
        body = {
            "child_id": child,
            "level": "looked_after",
            "legal_basis": "s20_accommodated",
            "start_date": start,
            "start_reason": "accommodated",
        } | changes
        made = await self.client.post(f"{self.case}/child-episodes", json=body, headers=self.worker)
        assert made.status_code == 201, made.text
        return dict(made.json())

    def cin(self) -> JSON:
        return cin_plan(self.f.child, self.f.worker, self.f.mum)


@pytest.fixture
async def plans(module_client: AsyncTestClient[Any], auth: TokenFactory) -> Plans:
    return Plans(module_client, auth, await make_family(module_client, auth))


# --- drafts ---------------------------------------------------------------------------------------------


class TestDraft:
    async def test_a_draft_is_stored_with_its_plan_type(self, plans: Plans) -> None:
        made = await plans.create(plans.cin())
        assert (made["status"], made["plan"]["plan_type"], made["meta"]["case_id"]) == (
            "draft",
            "child_in_need",
            plans.f.case_id,
        )
        assert made["plan"]["actions"][0]["id"], "the server gives each action its id"
        assert [p["id"] for p in await plans.listed()] == [made["id"]]

    async def test_br20_only_children_of_the_case(self, plans: Plans) -> None:
        refused = await plans.create(cin_plan(plans.f.mum, plans.f.worker, plans.f.mum), expect=422)
        assert refused["errors"][0] == {
            "pointer": "/child_ids/0",
            "code": "not_a_child_of_case",
            "detail": f"{plans.f.mum} is not a child in this case",
        }

    async def test_a_draft_is_edited_but_keeps_its_type(self, plans: Plans) -> None:
        made = await plans.create(plans.cin())
        edited = await plans.put(made, plans.cin() | {"contingency": "Call the out-of-hours team."})
        assert (edited["meta"]["version"], edited["plan"]["contingency"]) == (2, "Call the out-of-hours team.")
        other = early_help_plan(plans.f.child, plans.f.worker, plans.f.mum)
        refused = await plans.put(edited, other, expect=422)
        assert refused["errors"][0]["code"] == "plan_type_changed"
        assert (await plans.read(made["id"]))["plan"]["plan_type"] == "child_in_need"

    async def test_an_agreed_version_is_read_only(self, plans: Plans) -> None:
        agreed = await plans.agreed(plans.cin())
        refused = await plans.put(agreed, plans.cin(), expect=409)
        assert problem_type(refused) == "read-only"

    async def test_a_withheld_plan_is_not_shown_to_the_family(self, plans: Plans) -> None:
        withheld = plans.cin() | {"visibility": "professionals_only", "withheld_reason": "Police enquiry ongoing."}
        hidden = await plans.create(withheld)
        shown = await plans.create(plans.cin())
        mum = plans.auth("parent_carer", sub="grace", person_id=plans.f.mum)
        assert [p["id"] for p in await plans.listed(mum)] == [shown["id"]]
        assert {p["id"] for p in await plans.listed()} == {hidden["id"], shown["id"]}


# --- agreeing: every plan -------------------------------------------------------------------------------


class TestAgree:
    async def test_the_manager_agrees_a_complete_plan(self, plans: Plans) -> None:
        agreed = await plans.agreed(plans.cin())
        assert (agreed["status"], agreed["agreed_on"], agreed["agreed_by"]) == (
            "agreed",
            TODAY.isoformat(),
            plans.f.worker,
        )
        read = await plans.read(agreed["id"])
        assert (read["next_review_on"], read["review_overdue"]) == (days(90), False)
        assert read["review_days_remaining"] > 0

    async def test_actions_and_a_review_schedule_are_needed(self, plans: Plans) -> None:
        bare = {k: v for k, v in plans.cin().items() if k not in ("actions", "review_schedule")}
        refused = await plans.agree(await plans.create(bare), expect=422)
        assert problem_type(refused) == "statutory-plan-not-ready"
        assert pointers(refused) == {"/actions", "/review_schedule"}

    async def test_the_lead_is_a_recorded_person(self, plans: Plans) -> None:
        refused = await plans.agree(await plans.create(plans.cin() | {"lead": MISSING}), expect=422)
        assert (problem_type(refused), pointers(refused)) == ("statutory-plan-not-ready", {"/lead"})

    async def test_an_agreement_recorded_afterwards_keeps_its_day_but_never_a_future_one(self, plans: Plans) -> None:
        earlier = await plans.agree(await plans.create(plans.cin()), on=days(-20))
        assert (earlier["status"], earlier["agreed_on"]) == ("agreed", days(-20))
        refused = await plans.agree(await plans.create(plans.cin()), on=days(1), expect=422)
        assert pointers(refused) == {"/agreed_on"}

    async def test_only_a_draft_is_agreed(self, plans: Plans) -> None:
        agreed = await plans.agreed(plans.cin())
        assert problem_type(await plans.agree(agreed, expect=409)) == "conflict"

    async def test_a_worker_may_not_agree(self, plans: Plans) -> None:
        made = await plans.create(plans.cin())
        await plans.post(made, "agree", {}, expect=403, **plans.worker)


class TestEarlyHelp:
    async def test_br18_consent_covering_information_sharing(self, plans: Plans) -> None:
        f = plans.f
        refused = await plans.agree(
            await plans.create(early_help_plan(f.child, f.worker, f.mum, covers_sharing=False)), expect=422
        )
        assert (problem_type(refused), refused["rule"]) == ("early-help-consent", "BR-18")
        assert pointers(refused) == {"/consent/covers_information_sharing"}
        assert (await plans.agreed(early_help_plan(f.child, f.worker, f.mum)))["status"] == "agreed"

    async def test_br18_consent_is_required(self, plans: Plans) -> None:
        body = early_help_plan(plans.f.child, plans.f.worker, plans.f.mum)
        del body["consent"]
        assert "consent" in (await plans.create(body, expect=422))["detail"]

    async def withdrawn(self, plans: Plans, danger_ids: list[str], outcome: str = "consent_withdrawn") -> JSON:
        f = plans.f
        plan = await plans.agreed(early_help_plan(f.child, f.worker, f.mum) | {"danger_ids": danger_ids})
        body = {
            "ended_on": TODAY.isoformat(),
            "reason": "Grace asked the family worker to stop.",
            "closure_outcome": outcome,
        }
        return await plans.post(plan, "end", body)

    async def referrals_of_case(self, plans: Plans) -> list[JSON]:
        got = await plans.client.get("/v1/referrals", headers=plans.worker)
        assert got.status_code == 200, got.text
        return [r for r in got.json()["items"] if r["case_id"] == plans.f.case_id]

    async def test_br18_withdrawn_consent_with_active_worries_is_a_front_door_contact(self, plans: Plans) -> None:
        danger = await make_danger(plans.client, plans.auth, plans.f)
        ended = await self.withdrawn(plans, [danger["id"]])
        assert (ended["status"], ended["plan"]["closure_outcome"]) == ("ended", "consent_withdrawn")
        [referral] = await self.referrals_of_case(plans)
        assert referral["id"] == ended["referral_id"]
        source = {"rule": "BR-18", "kind": "statutory_plan", "record_id": ended["id"], "record_version": 3}
        assert (referral["raised_by"], ended["meta"]["version"]) == (source, 3)
        assert (referral["subjects"], referral["consent"], referral["decision"]) == ([plans.f.child], "refused", None)
        assert danger["text"] in referral["worried_what_happened"]
        assert referral["worried_what_might_happen"] == danger["likely_impact"]

    async def test_br18_no_contact_without_active_worries_or_a_withdrawal(self, plans: Plans) -> None:
        achieved = await make_danger(plans.client, plans.auth, plans.f, status="achieved")
        assert (await self.withdrawn(plans, [achieved["id"]]))["referral_id"] is None
        active = await make_danger(plans.client, plans.auth, plans.f)
        assert (await self.withdrawn(plans, [active["id"]], outcome="needs_met"))["referral_id"] is None
        assert await self.referrals_of_case(plans) == []


# --- child protection: the conference's decision ----------------------------------------------------------


async def conference(
    plans: Plans, decision: str, category: str | None, kind: str = "transfer_in", held_at: str | None = None
) -> str:
    """A held conference of the family's case with the chair's decision (helper C's routes)."""
    chair = await make_person(plans.client, plans.auth, "Chidi")
    involved = await plans.client.post(
        f"{plans.case}/involvements",
        json={"start_date": days(-30), "kind": "conference_chair", "person_id": chair, "reason": "statutory_role"},
        headers=plans.auth(),
    )
    assert involved.status_code == 201, involved.text
    body = {"type": kind, "child_ids": [plans.f.child], "chair": chair, "held_at": held_at or f"{days(-1)}T10:00:00Z"}
    made = await plans.client.post(f"{plans.case}/conferences", json=body, headers=plans.manager)
    assert made.status_code == 201, made.text
    decided = {"decision": decision} | ({"category": category} if category else {})
    headers = plans.auth("conference_chair", sub="chidi", person_id=chair) | if_match(made.json()["meta"]["version"])
    done = await plans.client.post(f"/v1/conferences/{made.json()['id']}/decision", json=decided, headers=headers)
    assert done.status_code == 200, done.text
    return str(made.json()["id"])


class TestChildProtection:
    async def test_the_plan_follows_the_conference_decision(self, plans: Plans) -> None:
        f = plans.f
        decided = await conference(plans, "cp_plan", "neglect")
        agreed = await plans.agreed(cp_plan(f.child, f.worker, f.mum, decided, "neglect"))
        assert agreed["status"] == "agreed"

    async def test_not_a_conference_of_the_case(self, plans: Plans) -> None:
        f = plans.f
        refused = await plans.agree(await plans.create(cp_plan(f.child, f.worker, f.mum, MISSING)), expect=422)
        assert (problem_type(refused), refused["errors"][0]["code"]) == (
            "no-conference-decision",
            "not_a_conference_of_case",
        )

    async def test_the_decision_and_category_must_match(self, plans: Plans) -> None:
        f = plans.f
        no_plan = await conference(plans, "cin_plan", None)
        refused = await plans.agree(await plans.create(cp_plan(f.child, f.worker, f.mum, no_plan)), expect=422)
        assert refused["errors"][0]["code"] == "no_plan_decision"
        decided = await conference(plans, "cp_plan", "emotional")
        refused = await plans.agree(await plans.create(cp_plan(f.child, f.worker, f.mum, decided)), expect=422)
        assert (problem_type(refused), pointers(refused)) == ("no-conference-decision", {"/category"})

    async def test_ending_needs_a_review_conference_decision(self, plans: Plans) -> None:
        f = plans.f
        decided = await conference(plans, "cp_plan", "neglect")
        agreed = await plans.agreed(cp_plan(f.child, f.worker, f.mum, decided, "neglect"))
        end = {"ended_on": TODAY.isoformat(), "reason": "The review conference ended the plan."}
        refused = await plans.post(agreed, "end", end, expect=422)
        assert problem_type(refused) == "no-conference-decision-to-end"
        # A review conference before the plan was agreed (yesterday) does not end it; today's does.
        await conference(plans, "ends_to_cin", None, kind="review")
        assert problem_type(await plans.post(agreed, "end", end, expect=422)) == "no-conference-decision-to-end"
        await conference(plans, "ends_to_cin", None, kind="review", held_at=midnight_in_england(TODAY))
        ended = await plans.post(agreed, "end", end)
        assert (ended["status"], ended["ended_on"]) == ("ended", TODAY.isoformat())


# --- care and placement plans (BR-15, BR-16) -------------------------------------------------------------


class TestCare:
    async def test_br16_placement_plan_and_looked_after(self, plans: Plans) -> None:
        f = plans.f
        iro = await make_person(plans.client, plans.auth, "Irene")
        refused = await plans.agree(await plans.create(care_plan(f.child, f.worker, iro, MISSING)), expect=422)
        assert (problem_type(refused), refused["rule"]) == ("care-plan-not-ready", "BR-16")
        assert pointers(refused) == {"/placement_plan_id", "/child_ids/0"}

        await plans.episode(f.child, days(-5))
        placement = await plans.create(placement_plan(f.child, f.worker, f.mum, iro, days(-5)))
        agreed = await plans.agreed(care_plan(f.child, f.worker, iro, placement["id"]))
        assert agreed["status"] == "agreed"

    async def test_not_placed_by_the_council_needs_no_placement_plan(self, plans: Plans) -> None:
        f = plans.f
        iro = await make_person(plans.client, plans.auth, "Irene")
        await plans.episode(f.child, days(-5))
        assert (await plans.agreed(care_plan(f.child, f.worker, iro, None)))["status"] == "agreed"

    async def test_the_care_plan_is_due_10_working_days_after_the_first_placement(self, plans: Plans) -> None:
        f = plans.f
        iro = await make_person(plans.client, plans.auth, "Irene")
        # Placed Wed 23 Dec 2026; working days after: Thu 24, (Fri 25 Christmas, Mon 28 Boxing Day substitute) Tue 29,
        # Wed 30, Thu 31, (Fri 1 Jan) Mon 4, Tue 5, Wed 6, Thu 7, Fri 8, Mon 11: the tenth is Mon 11 Jan 2027.
        placement = await plans.create(placement_plan(f.child, f.worker, f.mum, iro, "2026-12-23"))
        care = await plans.create(care_plan(f.child, f.worker, iro, placement["id"]))
        assert (await plans.read(care["id"]))["due_by"] == "2027-01-11"
        # Without a placement plan, the first day looked after: Mon 2 Nov 2026 + 10 working days = Mon 16 Nov.
        await plans.episode(f.child, "2026-11-02", end_date="2026-11-20", end_reason="returned_home")
        unplaced = await plans.create(care_plan(f.child, f.worker, iro, None))
        shown = await plans.read(unplaced["id"])
        assert shown["due_by"] == "2026-11-16"
        assert shown["due_overdue"] is (dt.date(2026, 11, 16) < TODAY)

    async def test_a_care_plan_ends_once_the_child_is_no_longer_looked_after(self, plans: Plans) -> None:
        f = plans.f
        iro = await make_person(plans.client, plans.auth, "Irene")
        episode = await plans.episode(f.child, days(-5))
        agreed = await plans.agreed(care_plan(f.child, f.worker, iro, None))
        end = {"ended_on": TODAY.isoformat(), "reason": "Returned home."}
        refused = await plans.post(agreed, "end", end, expect=422)
        assert (problem_type(refused), pointers(refused)) == ("still-looked-after", {"/child_ids/0"})
        closed = await plans.client.post(
            f"/v1/child-episodes/{episode['id']}/end",
            json={"end_date": TODAY.isoformat(), "end_reason": "returned_home"},
            headers=plans.worker | if_match(episode["meta"]["version"]),
        )
        assert closed.status_code == 200, closed.text
        assert (await plans.post(agreed, "end", end))["status"] == "ended"


class TestPlacement:
    async def test_br15_the_carer_signs_before_it_is_agreed(self, plans: Plans) -> None:
        f = plans.f
        unsigned = placement_plan(f.child, f.worker, f.mum, f.worker, days(-1), signed=False)
        refused = await plans.agree(await plans.create(unsigned), expect=422)
        assert (problem_type(refused), refused["rule"], pointers(refused)) == (
            "placement-plan-unsigned",
            "BR-15",
            {"/signed_by_appropriate_person"},
        )
        assert (await plans.agreed(placement_plan(f.child, f.worker, f.mum, f.worker, days(-1))))["status"] == "agreed"

    async def test_br15_wishes_and_iro_informed_are_required(self, plans: Plans) -> None:
        body = placement_plan(plans.f.child, plans.f.worker, plans.f.mum, plans.f.worker, days(-1))
        del body["iro_informed_on"]
        assert "iro_informed_on" in (await plans.create(body, expect=422))["detail"]

    async def test_due_5_working_days_after_the_start_across_the_holidays(self, plans: Plans) -> None:
        # Wed 23 Dec 2026: Thu 24 (1), Fri 25 and Mon 28 bank holidays, Tue 29 (2), Wed 30 (3), Thu 31 (4),
        # Fri 1 Jan bank holiday, Mon 4 Jan 2027 (5).
        f = plans.f
        made = await plans.create(placement_plan(f.child, f.worker, f.mum, f.worker, "2026-12-23"))
        read = await plans.read(made["id"])
        assert read["due_by"] == "2027-01-04" == add_working_days(dt.date(2026, 12, 23), 5).isoformat()
        assert read["due_overdue"] is (dt.date(2027, 1, 4) < TODAY)

    async def test_due_across_a_weekend_and_overdue_until_agreed(self, plans: Plans) -> None:
        f = plans.f
        # Fri 27 Nov 2026: Mon 30 Nov, Tue 1, Wed 2, Thu 3, Fri 4 Dec.
        weekend = await plans.create(placement_plan(f.child, f.worker, f.mum, f.worker, "2026-11-27"))
        assert (await plans.read(weekend["id"]))["due_by"] == "2026-12-04"
        long_ago = (TODAY - dt.timedelta(days=60)).isoformat()
        late = await plans.read(
            (await plans.create(placement_plan(f.child, f.worker, f.mum, f.worker, long_ago)))["id"]
        )
        assert (late["due_overdue"], late["due_days_remaining"] < 0) == (True, True)

    async def test_agreed_before_the_placement_is_not_late(self, plans: Plans) -> None:
        f = plans.f
        agreed = await plans.agreed(placement_plan(f.child, f.worker, f.mum, f.worker, days(14)))
        read = await plans.read(agreed["id"])
        assert read["due_overdue"] is False
        assert read["due_days_remaining"] >= 10

    async def test_br27_a_confidential_address_is_not_shown_to_the_parents(self, plans: Plans) -> None:
        f = plans.f
        made = await plans.create(placement_plan(f.child, f.worker, f.mum, f.worker, days(-1)))
        mum = plans.auth("parent_carer", sub="grace", person_id=f.mum)
        assert (await plans.read(made["id"], mum))["plan"]["placement"].get("address") is None
        assert (await plans.read(made["id"]))["plan"]["placement"]["address"]["postcode"] == "LS1 4AP"


# --- pathway plans (BR-17) -----------------------------------------------------------------------------


async def young_person_case(plans: Plans, born: str) -> tuple[str, str]:
    """A case for a care leaver: the young person and their personal adviser."""
    young = await make_person(plans.client, plans.auth, "Tolu", date_of_birth=born)
    pa = await make_person(plans.client, plans.auth, "Pat")
    body = {
        "family_label": "Okafor family",
        "opened_on": "2026-10-01",
        "members": [{"person_id": young, "role": "child"}],
    }
    made = await plans.client.post("/v1/cases", json=body, headers=plans.auth())
    assert made.status_code == 201, made.text
    plans.f = Family(str(made.json()["id"]), young, young, young, young, pa)
    return young, pa


BORN = "2008-06-01"  # 18 in Dec 2026: former relevant


class TestPathway:
    async def test_br17_every_statutory_need_area(self, plans: Plans) -> None:
        young, pa = await young_person_case(plans, BORN)
        agreed = await plans.agreed(pathway_plan(young, BORN, pa))
        assert len(agreed["plan"]["need_areas"]) == 10
        assert (await plans.read(agreed["id"]))["next_review_on"] == agreed["plan"]["next_review_by"]

    async def test_br17_a_missing_need_area_is_named(self, plans: Plans) -> None:
        young, pa = await young_person_case(plans, BORN)
        from sos_schema import STATUTORY_NEED_AREAS, NeedAreaKind

        some = sorted(STATUTORY_NEED_AREAS - {NeedAreaKind.identity, NeedAreaKind.accommodation})
        refused = await plans.agree(await plans.create(pathway_plan(young, BORN, pa, areas=some)), expect=422)
        assert (problem_type(refused), refused["rule"]) == ("pathway-plan-incomplete", "BR-17")
        assert {e["detail"] for e in refused["errors"]} == {
            "need area accommodation is missing",
            "need area identity is missing",
        }

    async def test_br17_the_young_persons_own_date_of_birth(self, plans: Plans) -> None:
        young, pa = await young_person_case(plans, BORN)
        refused = await plans.create(pathway_plan(young, "2008-06-02", pa), expect=422)
        assert pointers(refused) == {"/young_person_date_of_birth"}

    async def test_br17_age_is_checked_on_the_payload(self, plans: Plans) -> None:
        young, pa = await young_person_case(plans, "2012-01-01")
        assert "aged 16 to 24" in (await plans.create(pathway_plan(young, "2012-01-01", pa), expect=422))["detail"]

    async def test_a_pathway_plan_ends_at_21_or_when_support_is_declined(self, plans: Plans) -> None:
        young, pa = await young_person_case(plans, BORN)
        agreed = await plans.agreed(pathway_plan(young, BORN, pa))
        end = {"ended_on": TODAY.isoformat(), "reason": "She has moved on."}
        refused = await plans.post(agreed, "end", end, expect=422)
        assert (problem_type(refused), refused["rule"]) == ("pathway-support-continues", "BR-17")
        ended = await plans.post(agreed, "end", end | {"support_declined": True})
        assert ended["status"] == "ended"

    async def test_reviews_at_most_6_months_apart(self, plans: Plans) -> None:
        young, pa = await young_person_case(plans, BORN)
        agreed = await plans.agreed(pathway_plan(young, BORN, pa))
        review = {"held_on": TODAY.isoformat(), "decision": "Going well."}
        too_far = await plans.post(agreed, "reviews", review | {"next_review_on": days(200)}, expect=422)
        assert too_far["errors"][0]["code"] == "too_far_apart"
        reviewed = await plans.post(agreed, "reviews", review)
        # Without a date, 6 months on (1 Dec 2026 -> 1 Jun 2027; 31 Aug -> 28 Feb, as add_months shows below).
        assert reviewed["next_review_on"] == add_months(TODAY, 6).isoformat()


def test_six_months_from_the_end_of_a_month() -> None:
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 12, 1), 6) == dt.date(2027, 6, 1)


# --- versions, reviews and ending -------------------------------------------------------------------------


class TestVersions:
    async def test_one_agreed_version_at_a_time(self, plans: Plans) -> None:
        first = await plans.agreed(plans.cin())
        draft = await plans.post(first, "revisions", expect=201)
        assert (draft["status"], draft["previous_version_id"]) == ("draft", first["id"])
        assert problem_type(await plans.post(first, "revisions", expect=409)) == "conflict"
        second = await plans.agree(draft)
        old = await plans.read(first["id"])
        assert (second["status"], old["status"], old["end_reason"]) == (
            "agreed",
            "ended",
            f"Superseded by version {second['id']}.",
        )
        assert [p["status"] for p in await plans.listed()].count("agreed") == 1

    async def test_a_draft_is_not_revised(self, plans: Plans) -> None:
        made = await plans.create(plans.cin())
        assert problem_type(await plans.post(made, "revisions", expect=409)) == "conflict"


class TestReviews:
    async def test_a_review_moves_the_next_review_date(self, plans: Plans) -> None:
        agreed = await plans.agreed(plans.cin())
        review = {"held_on": TODAY.isoformat(), "decision": "Carry on.", "next_review_on": days(60)}
        reviewed = await plans.post(agreed, "reviews", review)
        assert (reviewed["meta"]["version"], reviewed["next_review_on"]) == (agreed["meta"]["version"] + 1, days(60))
        assert reviewed["plan"]["reviews"][0]["decision"] == "Carry on."
        assert reviewed["plan"]["review_schedule"]["next_on"] == days(60)

    async def test_without_a_date_the_plans_rule_sets_it(self, plans: Plans) -> None:
        agreed = await plans.agreed(plans.cin() | {"review_schedule": {"next_on": days(30), "rule": "every 6 weeks"}})
        reviewed = await plans.post(agreed, "reviews", {"held_on": TODAY.isoformat(), "decision": "Carry on."})
        assert reviewed["next_review_on"] == days(42)

    async def test_a_rule_that_gives_no_date_needs_one(self, plans: Plans) -> None:
        agreed = await plans.agreed(
            plans.cin() | {"review_schedule": {"next_on": days(30), "rule": "at each core group"}}
        )
        refused = await plans.post(agreed, "reviews", {"held_on": TODAY.isoformat(), "decision": "Ok."}, expect=422)
        assert pointers(refused) == {"/next_review_on"}

    async def test_only_the_agreed_plan_is_reviewed(self, plans: Plans) -> None:
        made = await plans.create(plans.cin())
        await plans.post(made, "reviews", {"held_on": TODAY.isoformat(), "decision": "Ok."}, expect=409)

    async def test_a_late_review_is_overdue(self, plans: Plans) -> None:
        agreed = await plans.agreed(plans.cin() | {"review_schedule": {"next_on": days(-2)}})
        read = await plans.read(agreed["id"])
        assert (read["review_overdue"], read["review_days_remaining"] <= 0) == (True, True)


class TestEnd:
    async def test_a_cin_plan_ends_with_its_reason(self, plans: Plans) -> None:
        agreed = await plans.agreed(plans.cin())
        ended = await plans.post(agreed, "end", {"ended_on": TODAY.isoformat(), "reason": "Needs met."})
        assert (ended["status"], ended["end_reason"], ended.get("next_review_on")) == ("ended", "Needs met.", None)
        await plans.post(ended, "end", {"ended_on": TODAY.isoformat(), "reason": "Again."}, expect=409)

    async def test_early_help_closes_with_its_outcome(self, plans: Plans) -> None:
        agreed = await plans.agreed(early_help_plan(plans.f.child, plans.f.worker, plans.f.mum))
        end = {"ended_on": TODAY.isoformat(), "reason": "Needs met."}
        assert pointers(await plans.post(agreed, "end", end, expect=422)) == {"/closure_outcome"}
        ended = await plans.post(agreed, "end", end | {"closure_outcome": "needs_met"})
        assert ended["plan"]["closure_outcome"] == "needs_met"

    async def test_only_a_manager_ends_a_plan(self, plans: Plans) -> None:
        agreed = await plans.agreed(plans.cin())
        end = {"ended_on": TODAY.isoformat(), "reason": "Needs met."}
        await plans.post(agreed, "end", end, expect=403, **plans.worker)


def test_looked_after_reviews_follow_reg_33() -> None:
    """Looked after from Mon 2 March 2026: first review by the 20th working day (Mon 30 March), the second within 3
    months of the first, later ones within 6; a review from an earlier time in care does not count."""
    since = dt.date(2026, 3, 2)

    def held(*days: dt.date) -> list[StatutoryPlanReview]:
        return [StatutoryPlanReview(held_on=day, decision="Reviewed.") for day in days]

    assert looked_after_review_by(since, []) == dt.date(2026, 3, 30)
    assert looked_after_review_by(since, held(dt.date(2025, 6, 1))) == dt.date(2026, 3, 30)
    assert looked_after_review_by(since, held(dt.date(2026, 3, 27))) == dt.date(2026, 6, 27)
    assert looked_after_review_by(since, held(dt.date(2026, 3, 27), dt.date(2026, 6, 26))) == dt.date(2026, 12, 26)
