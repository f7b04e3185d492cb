"""The front door over HTTP (domain 2.6, 3.1): referrals, their 1-working-day decision clock and the manager's
decision (BR-19), re-referrals, and who sees a referral before and after it joins a case. One passing and one
failing example per rule; due days are worked out by hand from the GOV.UK bank holiday list."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_api.resources.service import today
from sos_api.timescales import add_working_days
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, if_match, make_family, make_person
from tests.api.world import midnight_in_england
from tests.schema.examples.frontdoor import FULL_REFERRAL

JSON = dict[str, Any]


def referral_body(family: Family, received_at: str = "2026-11-02T09:15:00Z", **changes: Any) -> JSON:
    """A school's referral about Ada with the four front-door questions answered."""
    scale = FULL_REFERRAL["referrer_scale"]
    return {
        "received_at": received_at,
        "channel": "phone",
        "referrer": {"type": "school", "name": "Ms J Teacher", "organisation": "Riverside Primary School"},
        "subjects": [family.child],
        "parents_aware": True,
        "consent": "given",
        "worried_what_happened": "Ada came to school with a bruise on her cheek and said Dad hit her.",
        "worried_what_might_happen": "Ada could be hurt again when Dad has been drinking.",
        "working_well": "Ada comes to school every day, clean and fed.",
        "what_needs_to_happen": "Someone to check Ada is safe at home tonight.",
        "referrer_scale": scale | {"perspective": scale["perspective"] | {"perspective_person_id": family.worker}},
        "immediate_danger": False,
    } | changes


def problem_type(response: Any) -> str:
    return str(response.json()["type"]).rsplit("/", 1)[-1]


class FrontDoor:
    """One family and the callers of the front door."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, family: Family) -> None:
        self.client, self.auth, self.family = client, auth, family
        self.worker = auth("social_worker", sub="front-door-worker", person_id=family.worker)
        self.manager = auth("team_manager", sub="manager-1", person_id=family.worker)

    async def record(self, body: JSON | None = None, expect: int = 201, **changes: Any) -> JSON:
        made = await self.client.post(
            "/v1/referrals", json=body or referral_body(self.family, **changes), headers=self.worker
        )
        assert made.status_code == expect, made.text
        return dict(made.json())

    async def read(self, referral: JSON, headers: dict[str, str] | None = None, expect: int = 200) -> JSON:
        got = await self.client.get(f"/v1/referrals/{referral['id']}", headers=headers or self.worker)
        assert got.status_code == expect, got.text
        return dict(got.json())

    async def decide(self, referral: JSON, body: JSON, headers: dict[str, str] | None = None, expect: int = 200) -> Any:
        version = (await self.read(referral))["meta"]["version"]
        done = await self.client.post(
            f"/v1/referrals/{referral['id']}/decision", json=body, headers=(headers or self.manager) | if_match(version)
        )
        assert done.status_code == expect, done.text
        return done


NFA = {"decision": "nfa_advice_given", "decision_rationale": "Advice given to the school; no further action."}
ASSESS = {"decision": "child_and_family_assessment", "decision_rationale": "Possible physical harm: assess."}


@pytest.fixture
async def door(client: AsyncTestClient[Any], auth: TokenFactory) -> FrontDoor:
    return FrontDoor(client, auth, await make_family(client, auth))


class TestRecord:
    @pytest.mark.parametrize(
        ("received_at", "due_by"),
        [
            ("2025-12-24T16:00:00Z", "2025-12-29"),  # Christmas Day and Boxing Day (Thu, Fri), then the weekend
            ("2026-04-02T16:00:00Z", "2026-04-07"),  # Good Friday and Easter Monday
            ("2026-11-27T18:00:00Z", "2026-11-30"),  # a Friday evening: Monday
            ("2026-03-31T23:30:00Z", "2026-04-02"),  # 00:30 on 1 April in England (BST): counted from 1 April
        ],
    )
    async def test_the_decision_is_due_one_working_day_after_receipt(
        self, door: FrontDoor, received_at: str, due_by: str
    ) -> None:
        referral = await door.record(received_at=received_at)
        assert referral["decision_due_by"] == due_by
        shown = await door.read(referral)
        assert shown["decision_overdue"] is True
        assert shown["decision_days_remaining"] < 0

    async def test_a_referral_received_now_is_not_yet_overdue(self, door: FrontDoor) -> None:
        referral = await door.record(received_at=midnight_in_england(today()))
        shown = await door.read(referral)
        assert shown["decision_due_by"] == add_working_days(today(), 1).isoformat()
        assert (shown["decision_overdue"], shown["decision_days_remaining"]) == (False, 1)

    async def test_a_contact_from_the_future_is_refused(self, door: FrontDoor) -> None:
        await door.record(received_at="2999-01-01T09:00:00Z", expect=422)

    async def test_children_are_people_the_council_has_recorded(self, door: FrontDoor) -> None:
        made = await door.client.post(
            "/v1/referrals",
            json=referral_body(door.family, subjects=["0b0c0d0e-0000-4000-8000-000000000999"]),
            headers=door.worker,
        )
        assert made.status_code == 422, made.text
        assert made.json()["errors"][0]["pointer"] == "/subjects/0"

    async def test_consent_not_sought_needs_a_reason(self, door: FrontDoor) -> None:
        """BR-19: consent not sought needs a reason."""
        refused = await door.client.post(
            "/v1/referrals",
            json=referral_body(door.family, consent="not_sought_safeguarding_risk"),
            headers=door.worker,
        )
        assert refused.status_code == 422
        assert "consent_note is required" in refused.text
        reason = "Asking Dad could put Ada at risk before a strategy discussion."
        made = await door.record(consent="not_sought_safeguarding_risk", consent_note=reason)
        assert made["consent_note"] == reason

    async def test_a_second_referral_within_12_months_is_a_re_referral(self, door: FrontDoor) -> None:
        f = door.family
        first = await door.record(received_at="2026-01-10T10:00:00Z")
        assert (first["re_referral"], first["previous_referral_ids"]) == (False, [])
        again = await door.record(received_at="2026-11-20T10:00:00Z", subjects=[f.child, f.sibling])
        assert (again["re_referral"], again["previous_referral_ids"]) == (True, [first["id"]])
        # Ben's first referral was more than 12 months before his next one.
        await door.record(received_at="2024-11-19T10:00:00Z", subjects=[f.sibling])
        ben = await door.record(received_at="2025-11-20T10:00:00Z", subjects=[f.sibling])
        assert (ben["re_referral"], ben["previous_referral_ids"]) == (False, [])

    async def test_referrals_are_listed_newest_first(self, door: FrontDoor) -> None:
        first, second = await door.record(), await door.record()
        listed = await door.client.get("/v1/referrals", headers=door.worker)
        assert [r["id"] for r in listed.json()["items"]][:2] == [second["id"], first["id"]]
        assert listed.json()["items"][0]["decision_overdue"] is True


class TestDecision:
    async def test_the_manager_decides_and_the_token_says_who(self, door: FrontDoor) -> None:
        referral = await door.record()
        decided = (await door.decide(referral, NFA | {"rag_rating": "green"})).json()
        assert decided["decision"] == "nfa_advice_given"
        assert (decided["decision_by"], decided["decided_by_user"]) == (door.family.worker, "manager-1")
        assert decided["decided_at"]
        assert decided["case_id"] is None

    async def test_a_social_worker_may_not_decide(self, door: FrontDoor) -> None:
        await door.decide(await door.record(), NFA, headers=door.worker, expect=403)

    async def test_the_decision_needs_a_rationale(self, door: FrontDoor) -> None:
        refused = await door.decide(await door.record(), {"decision": "nfa_advice_given"}, expect=422)
        assert "decision_rationale" in refused.text

    async def test_the_decision_needs_the_front_door_questions_answered(self, door: FrontDoor) -> None:
        referral = await door.record(working_well=None, referrer_scale=None)
        refused = await door.decide(referral, NFA, expect=422)
        assert problem_type(refused) == "referral-incomplete"
        assert [e["pointer"] for e in refused.json()["errors"]] == ["/working_well", "/referrer_scale"]

    async def test_a_child_in_danger_is_protected_before_the_questions_are_finished(self, door: FrontDoor) -> None:
        strategy = {"decision": "strategy_discussion", "decision_rationale": "Police report an injury tonight."}
        unfinished = await door.record(working_well=None, referrer_scale=None)
        await door.decide(unfinished, strategy | {"family_label": "Okafor family"})
        in_danger = await door.record(working_well=None, referrer_scale=None, immediate_danger=True)
        await door.decide(in_danger, NFA)

    async def test_a_referral_is_decided_once(self, door: FrontDoor) -> None:
        referral = await door.record()
        await door.decide(referral, NFA)
        again = await door.decide(referral, ASSESS | {"family_label": "Okafor family"}, expect=409)
        assert problem_type(again) == "referral-decided"
        assert again.json()["rule"] == "BR-19"

    async def test_a_stale_if_match_is_refused(self, door: FrontDoor) -> None:
        referral = await door.record()
        stale = await door.client.post(
            f"/v1/referrals/{referral['id']}/decision", json=NFA, headers=door.manager | if_match(2)
        )
        assert stale.status_code == 412, stale.text

    async def test_a_late_decision_is_accepted_and_shows_as_late(self, door: FrontDoor) -> None:
        referral = await door.record(received_at="2025-12-24T16:00:00Z")
        decided = (await door.decide(referral, NFA)).json()
        assert decided["decision"] == "nfa_advice_given"
        shown = await door.read(referral)
        assert shown["decision_overdue"] is True
        assert shown["decision_days_remaining"] < -200

    async def test_acceptance_opens_a_case_in_the_triage_pool(self, door: FrontDoor) -> None:
        f, auth = door.family, door.auth
        referral = await door.record(subjects=[f.child, f.sibling])
        decided = (await door.decide(referral, ASSESS | {"family_label": "Okafor family"})).json()
        case_id = decided["case_id"]
        assert case_id
        assert decided["meta"]["case_id"] == case_id
        # Unallocated: any of the council's case workers sees the new case, and the referral with it.
        south = auth(
            "social_worker", sub="south", person_id=await make_person(door.client, auth, "Sol"), teams=["Team South"]
        )
        case = (await door.client.get(f"/v1/cases/{case_id}", headers=south)).json()
        assert {(m["person_id"], m["role"]) for m in case["members"]} == {(f.child, "child"), (f.sibling, "child")}
        assert case["allocated_worker"] is None
        assert case["opened_on"] == today().isoformat()
        await door.read(referral, south)
        # Once the case is allocated, the referral is seen only by those who see the case.
        kept = {"id", "meta", "status", "current_level", "closed_on", "closure_reason", "closure_note"}
        body = {k: v for k, v in case.items() if k not in kept}
        allocated = await door.client.put(
            f"/v1/cases/{case_id}",
            json=body | {"team": "Team North", "allocated_worker": f.worker},
            headers=door.manager | if_match(case["meta"]["version"]),
        )
        assert allocated.status_code == 200, allocated.text
        await door.read(referral, south, expect=404)
        north = auth("social_worker", sub="north", teams=["Team North"])
        assert (await door.read(referral, north))["case_id"] == case_id
        listed = await door.client.get("/v1/referrals", headers=south)
        assert referral["id"] not in {r["id"] for r in listed.json()["items"]}

    async def test_acceptance_into_an_existing_case_needs_its_children(self, door: FrontDoor) -> None:
        f = door.family
        other = await make_person(door.client, door.auth, "Zed", date_of_birth="2018-01-01")
        refused = await door.decide(await door.record(subjects=[other]), ASSESS | {"case_id": f.case_id}, expect=422)
        assert refused.json()["errors"][0]["code"] == "not_a_child_of_case"
        decided = (await door.decide(await door.record(), ASSESS | {"case_id": f.case_id})).json()
        assert decided["case_id"] == f.case_id

    async def test_acceptance_names_a_case(self, door: FrontDoor) -> None:
        refused = await door.decide(await door.record(), ASSESS, expect=422)
        assert refused.json()["errors"][0]["pointer"] == "/case_id"

    async def test_a_referral_about_a_known_case_is_seen_with_it(self, door: FrontDoor) -> None:
        f = door.family
        referral = await door.record(case_id=f.case_id)
        assert referral["meta"]["case_id"] == f.case_id
        decided = (await door.decide(referral, {**ASSESS, "decision": "pass_to_allocated_worker"})).json()
        assert decided["case_id"] == f.case_id


class TestWhoSees:
    async def test_another_council_sees_nothing(self, door: FrontDoor) -> None:
        referral = await door.record()
        outsider = door.auth("team_manager", COUNCIL_B, sub="council-b")
        await door.read(referral, outsider, expect=404)
        refused = await door.client.post(
            f"/v1/referrals/{referral['id']}/decision", json=NFA, headers=outsider | if_match(1)
        )
        assert refused.status_code == 404
        assert (await door.client.get("/v1/referrals", headers=outsider)).json()["items"] == []

    async def test_the_family_is_not_shown_the_council_s_record(self, door: FrontDoor) -> None:
        referral = await door.record(case_id=door.family.case_id)
        mum = door.auth("parent_carer", sub="grace", person_id=door.family.mum)
        await door.read(referral, mum, expect=403)

    async def test_an_auditor_sees_every_referral(self, door: FrontDoor) -> None:
        referral = await door.record()
        await door.read(referral, door.auth("auditor"))
