"""Child protection conferences and core groups over HTTP (domain 2.17, 3.5, 3.6, 4.2; BR-13, BR-14): what the case
team may record, the chair's decision, the minutes from draft to amended, the timescales worked out on every read,
and core group meetings on the case's child protection plan. One passing and one failing example per rule; due
days are worked out by hand from the GOV.UK bank holiday list (the summer bank holiday was Monday 31 August 2026).

One family (and one database) for the module: every test makes its own conferences about it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from sos_api.conferences import CaseFacts, due_by, later_version
from sos_api.resources.service import today
from sos_api.timescales import add_months, working_days_between
from sos_schema import ChildProtectionConference, PlanRecord
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, if_match, make_family, make_person, said_by
from tests.api.test_maps import make_map, scaled_danger
from tests.api.world import involve

JSON = dict[str, Any]
CHILD_ID = "1b0c0d0e-0000-4000-8000-000000000001"
# Thursday 20 August 2026: 15 working days on, skipping the bank holiday of Monday 31 August, is Friday 11 September.
STRATEGY_HELD = "2026-08-20T09:00:00Z"
ICPC_DUE = "2026-09-11"
ON_TIME = "2026-09-11T10:00:00Z"
LATE = "2026-09-14T10:00:00Z"  # the Monday after: one working day late


def problem_type(body: JSON) -> str:
    return str(body["type"]).rsplit("/", 1)[-1]


def pointers(body: JSON) -> list[str]:
    return [e["pointer"] for e in body["errors"]]


class Conferences:
    """The module's family, its chair, and the calls made on its conferences and core groups."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, family: Family, chair: str) -> None:
        self.client, self.auth, self.family, self.chair_id = client, auth, family, chair
        self.worker = auth("social_worker", sub="conf-worker", person_id=family.worker)
        self.manager = auth("team_manager", sub="conf-manager", person_id=family.worker)
        self.chair = auth("conference_chair", sub="conf-chair", person_id=chair)

    @property
    def case(self) -> str:
        return f"/v1/cases/{self.family.case_id}"

    async def strategy(
        self, held_at: str = STRATEGY_HELD, outcome: str = "s47_single_agency", final: bool = True
    ) -> str:
        """A strategy discussion, finalised by the manager unless `final` is False."""
        f = self.family
        body = {
            "child_ids": [f.child, f.sibling],
            "held_at": held_at,
            "format": "telephone",
            "chair": f.worker,
            "participants": [
                {"agency": "childrens_social_care", "person_id": f.worker},
                {"agency": "police", "person_id": self.chair_id},
            ],
            "outcome": outcome,
            "immediate_protection": "none",
            "criminal_investigation": False,
            "medical_needed": False,
            "interview_planned": False,
            "family_informed": {"informed": True},
        }
        made = await self.client.post(f"{self.case}/strategy-discussions", json=body, headers=self.worker)
        assert made.status_code == 201, made.text
        if final:
            done = await self.client.post(
                f"/v1/strategy-discussions/{made.json()['id']}/finalise", headers=self.manager | if_match(1)
            )
            assert done.status_code == 200, done.text
        return str(made.json()["id"])

    def icpc(self, strategy: str, **changes: Any) -> JSON:
        f = self.family
        return {
            "type": "initial",
            "child_ids": [f.child, f.sibling],
            "strategy_discussion_id": strategy,
            "chair": self.chair_id,
        } | changes

    def rcpc(self, **changes: Any) -> JSON:
        return {
            "type": "review",
            "child_ids": [self.family.child, self.family.sibling],
            "chair": self.chair_id,
        } | changes

    async def create(self, body: JSON, expect: int = 201) -> JSON:
        made = await self.client.post(f"{self.case}/conferences", json=body, headers=self.worker)
        assert made.status_code == expect, made.text
        return dict(made.json())

    async def read(self, doc: JSON, headers: dict[str, str] | None = None, expect: int = 200) -> JSON:
        got = await self.client.get(f"/v1/conferences/{doc['id']}", headers=headers or self.worker)
        assert got.status_code == expect, got.text
        return dict(got.json())

    async def act(
        self, doc: JSON, verb: str, body: JSON, expect: int = 200, headers: dict[str, str] | None = None
    ) -> JSON:
        done = await self.client.post(
            f"/v1/conferences/{doc['id']}/{verb}",
            json=body,
            headers=(headers or self.chair) | if_match(doc["meta"]["version"]),
        )
        assert done.status_code == expect, done.text
        return dict(done.json())

    async def put(self, doc: JSON, body: JSON, expect: int = 200) -> JSON:
        done = await self.client.put(
            f"/v1/conferences/{doc['id']}", json=body, headers=self.worker | if_match(doc["meta"]["version"])
        )
        assert done.status_code == expect, done.text
        return dict(done.json())

    async def cp_plan(self, conference: JSON, **changes: Any) -> JSON:
        f = self.family
        body = {
            "plan_type": "child_protection",
            "child_ids": [f.child],
            "lead": f.worker,
            "conference_id": conference["id"],
            "category": "neglect",
            "outline": True,
            "actions": [{"what": "Grace will take Ada to the GP.", "who_person_id": f.mum, "by": "2026-10-30"}],
            "review_schedule": {"next_on": "2026-12-11"},
        } | changes
        made = await self.client.post(f"{self.case}/statutory-plans", json=body, headers=self.worker)
        assert made.status_code == 201, made.text
        return dict(made.json())

    async def decided(self, held_at: str = ON_TIME, **decision: Any) -> JSON:
        """An ICPC held at `held_at` with the chair's decision (cp_plan, neglect, unless given)."""
        made = await self.create(self.icpc(await self.strategy(), held_at=held_at))
        body = {"decision": "cp_plan", "category": "neglect", "core_group": [self.family.mum]} | decision
        return await self.act(made, "decision", body)

    async def circulated(self, held_at: str = ON_TIME) -> tuple[JSON, JSON]:
        """An ICPC whose cp_plan decision names its outline plan, minutes circulated; and the plan."""
        conference = await self.decided(held_at)
        plan = await self.cp_plan(conference)
        body = {
            "decision": "cp_plan",
            "category": "neglect",
            "core_group": [self.family.mum],
            "outline_plan_id": plan["id"],
        }
        conference = await self.act(conference, "decision", body)
        return await self.act(conference, "minutes", {"status": "circulated"}), plan

    async def core_group(self, body: JSON, expect: int = 201) -> JSON:
        made = await self.client.post(f"{self.case}/core-groups", json=body, headers=self.worker)
        assert made.status_code == expect, made.text
        return dict(made.json())


@pytest.fixture(scope="module")
async def cc(module_client: AsyncTestClient[Any], auth: TokenFactory) -> Conferences:
    family = await make_family(module_client, auth)
    chair = await make_person(module_client, auth, "Chidi")
    await involve(
        module_client, auth, family.case_id, kind="conference_chair", person_id=chair, reason="statutory_role"
    )
    return Conferences(module_client, auth, family, chair)


class TestArrange:
    async def test_the_case_team_arranges_a_draft_the_family_may_read(self, cc: Conferences) -> None:
        made = await cc.create(cc.icpc(await cc.strategy()))
        assert (made["minutes_status"], made["visibility"], made.get("decision")) == ("draft", "family_shareable", None)
        listed = await cc.client.get(f"{cc.case}/conferences", headers=cc.worker)
        assert made["id"] in [c["id"] for c in listed.json()["items"]]
        grace = cc.auth("parent_carer", sub="grace", person_id=cc.family.mum)
        assert (await cc.read(made, grace))["id"] == made["id"]
        await cc.read(made, cc.auth("social_worker", COUNCIL_B), expect=404)

    async def test_only_the_chair_decides(self, cc: Conferences) -> None:
        body = cc.icpc(await cc.strategy(), held_at=ON_TIME, decision="cp_plan", category="neglect")
        refused = await cc.create(body, expect=422)
        assert (problem_type(refused), refused["rule"]) == ("chair-decides", "BR-14")
        assert pointers(refused) == ["/decision", "/category"]
        await cc.create(cc.icpc(await cc.strategy(), core_group=[cc.family.mum]), expect=422)
        # Minutes past draft carry a decision, so they are the chair's too.
        agreed = cc.icpc(await cc.strategy(), held_at=ON_TIME, minutes_status="agreed", decision="nfa")
        assert pointers(await cc.create(agreed, expect=422)) == ["/decision"]

    async def test_a_finalised_strategy_discussion_of_the_case_that_started_an_s47(self, cc: Conferences) -> None:
        for strategy, code in (
            (await cc.strategy(final=False), "not_finalised"),
            (await cc.strategy(outcome="no_s47_child_and_family_assessment"), "no_s47"),
            (cc.family.case_id, "not_of_case"),
        ):
            refused = await cc.create(cc.icpc(strategy), expect=422)
            assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [("/strategy_discussion_id", code)]

    async def test_children_of_the_case_and_nothing_in_the_future(self, cc: Conferences) -> None:
        strategy = await cc.strategy()
        refused = await cc.create(cc.icpc(strategy, child_ids=[cc.family.mum]), expect=422)
        assert pointers(refused) == ["/child_ids/0"]
        ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
        assert pointers(await cc.create(cc.icpc(strategy, held_at=ahead), expect=422)) == ["/held_at"]

    async def test_agency_reports_are_contributions_about_the_case(self, cc: Conferences) -> None:
        """Domain 2.22: a report named on the conference is a contribution the council matched to this case."""
        body = {
            "kind": "professional_view",
            "child_ids": [cc.family.child],
            "contributor": {"name": "Riverside NHS Trust", "code": "RX1", "code_system": "ods"},
            "author": {"name": "Hana Visitor", "role": "Health visitor", "phone": "0113 496 0000"},
            "agency_type": "health_visitor",
            "narrative": "Seen at home twice this month; the baby is thriving, Mum is tired.",
        }
        health = cc.auth("partner_practitioner", "ods:RX1", sub="conf-hv")
        sent = await cc.client.post("/v1/contributions", json=body | {"la_code": "845"}, headers=health)
        assert sent.status_code == 202, sent.text
        strategy = await cc.strategy()
        await cc.create(cc.icpc(strategy, reports=[sent.json()["id"]]))
        refused = await cc.create(cc.icpc(strategy, reports=[sent.json()["id"], strategy]), expect=422)
        assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [("/reports/1", "not_of_case")]

    async def test_an_edit_keeps_the_chair_s_decision_until_the_minutes_go_out(self, cc: Conferences) -> None:
        decided = await cc.decided()
        body = cc.icpc(decided["strategy_discussion_id"], held_at=ON_TIME, parents_participation="part")
        edited = await cc.put(decided, body)
        assert (edited["decision"], edited["category"], edited["parents_participation"]) == (
            "cp_plan",
            "neglect",
            "part",
        )
        assert edited["decided_by"] == cc.chair_id
        await cc.put(edited, body | {"decision": "nfa"}, expect=422)
        await cc.put(edited, body | {"type": "transfer_in"}, expect=422)  # the decision fixes the kind
        circulated, _ = await cc.circulated()
        refused = await cc.put(circulated, cc.icpc(circulated["strategy_discussion_id"], held_at=ON_TIME), expect=409)
        assert problem_type(refused) == "read-only"


class TestDecision:
    async def test_the_chair_records_it_signed_from_the_token(self, cc: Conferences) -> None:
        decided = await cc.decided(dissent=[{"agency": "school_dsl", "reason": "Support is enough."}])
        assert (decided["decision"], decided["category"], decided["decided_by"]) == ("cp_plan", "neglect", cc.chair_id)
        assert decided["dissent"][0]["agency"] == "school_dsl"
        assert decided["decided_at"]

    async def test_nobody_else_not_even_another_chair(self, cc: Conferences) -> None:
        made = await cc.create(cc.icpc(await cc.strategy(), held_at=ON_TIME))
        body = {"decision": "nfa"}
        for role in ("social_worker", "team_manager", "iro"):
            await cc.act(made, "decision", body, expect=403, headers=cc.auth(role, person_id=cc.chair_id))
        other = await make_person(cc.client, cc.auth, "Cara")
        await involve(
            cc.client, cc.auth, cc.family.case_id, kind="conference_chair", person_id=other, reason="statutory_role"
        )
        refused = await cc.act(made, "decision", body, expect=403, headers=cc.auth("conference_chair", person_id=other))
        assert problem_type(refused) == "not-the-chair"
        assert (await cc.read(made)).get("decision") is None

    async def test_the_decision_fits_the_conference_and_a_plan_has_a_category(self, cc: Conferences) -> None:
        made = await cc.create(cc.icpc(await cc.strategy(), held_at=ON_TIME))
        refused = await cc.act(made, "decision", {"decision": "ends_to_cin"}, expect=422)
        assert pointers(refused) == ["/decision"]
        await cc.act(made, "decision", {"decision": "cp_plan"}, expect=422)  # BR-14: no category
        review = await cc.create(cc.rcpc(held_at=ON_TIME))
        await cc.act(review, "decision", {"decision": "cp_plan", "category": "neglect"}, expect=422)
        assert (await cc.act(review, "decision", {"decision": "ends_to_cin"}))["decision"] == "ends_to_cin"

    async def test_only_once_held_and_with_a_cp_plan_of_this_case(self, cc: Conferences) -> None:
        made = await cc.create(cc.icpc(await cc.strategy()))
        refused = await cc.act(made, "decision", {"decision": "nfa"}, expect=422)
        assert pointers(refused) == ["/held_at"]
        wrong = {"decision": "cp_plan", "category": "neglect", "outline_plan_id": made["id"], "held_at": ON_TIME}
        assert pointers(await cc.act(made, "decision", wrong, expect=422)) == ["/outline_plan_id"]
        nobody = {"decision": "cp_plan", "category": "neglect", "core_group": [made["id"]], "held_at": ON_TIME}
        assert pointers(await cc.act(made, "decision", nobody, expect=422)) == ["/core_group/0"]
        decided = await cc.act(made, "decision", {"decision": "nfa", "held_at": ON_TIME})
        assert decided["held_at"].startswith("2026-09-11")


class TestMinutes:
    async def test_circulating_a_plan_needs_its_outline_plan_and_core_group(self, cc: Conferences) -> None:
        decided = await cc.decided(core_group=[])
        refused = await cc.act(decided, "minutes", {"status": "circulated"}, expect=422)
        assert problem_type(refused) == "minutes-incomplete"
        assert pointers(refused) == ["/outline_plan_id", "/core_group"]
        circulated, plan = await cc.circulated()
        assert (circulated["minutes_status"], circulated["outline_plan_id"]) == ("circulated", plan["id"])

    async def test_a_decision_that_starts_no_plan_circulates_alone(self, cc: Conferences) -> None:
        undecided = await cc.create(cc.icpc(await cc.strategy(), held_at=ON_TIME))
        refused = await cc.act(undecided, "minutes", {"status": "circulated"}, expect=422)
        assert pointers(refused) == ["/decision"]
        decided = await cc.act(undecided, "decision", {"decision": "nfa"})
        assert (await cc.act(decided, "minutes", {"status": "circulated"}))["minutes_status"] == "circulated"

    async def test_agreed_minutes_fix_the_decision_and_are_amended_with_a_reason(self, cc: Conferences) -> None:
        circulated, _ = await cc.circulated()
        await cc.act(circulated, "decision", {"decision": "nfa"}, expect=409)
        refused = await cc.act(circulated, "minutes", {"status": "agreed"}, expect=422)
        assert set(pointers(refused)) == {"/map_id", "/judgements", "/agency_views", "/invitations"} | {
            "/parents_participation",
            "/child_participation",
        }
        await cc.act(circulated, "minutes", {"status": "amended", "reason": "Typo."}, expect=409)
        # A draft goes straight to agreed never; the worker cannot move minutes.
        draft = await cc.decided()
        await cc.act(draft, "minutes", {"status": "agreed"}, expect=409)
        await cc.act(draft, "minutes", {"status": "circulated"}, expect=403, headers=cc.worker)

    async def test_the_whole_journey_to_amended(self, cc: Conferences) -> None:
        f = cc.family
        danger = await scaled_danger(cc.client, cc.auth, f)
        map_id = (await make_map(cc.client, cc.auth, f, [danger["id"]]))["id"]
        judged = await cc.client.post(
            f"/v1/scaling-questions/{danger['safety_goal']['scale_question_id']}/judgements",
            json={"value": 6, "perspective": said_by(f.worker), "reason": "Calmer at home."},
            headers=cc.auth(),
        )
        assert judged.status_code == 201, judged.text
        full = cc.icpc(
            await cc.strategy(),
            held_at=ON_TIME,
            invitations=[{"person_id": f.mum, "status": "attended"}],
            parents_participation="attended",
            child_participation="views_shared",
            map_id=map_id,
            agency_views=[{"agency": "police", "plan_needed": False, "reason": "No offences."}],
        )
        made = await cc.create(full)
        decided = await cc.act(made, "decision", {"decision": "nfa"})
        circulated = await cc.act(decided, "minutes", {"status": "circulated"})
        refused = await cc.act(circulated, "minutes", {"status": "agreed"}, expect=422)
        assert pointers(refused) == ["/judgements"]
        edited = await cc.put(circulated, full | {"judgements": [judged.json()["id"]]}, expect=409)
        assert problem_type(edited) == "read-only"  # circulated minutes are the chair's
        # The minutes go back to the case team never; this conference is made again with the judgement.
        made = await cc.create(full | {"judgements": [judged.json()["id"]]})
        decided = await cc.act(made, "decision", {"decision": "nfa"})
        circulated = await cc.act(decided, "minutes", {"status": "circulated"})
        agreed = await cc.act(circulated, "minutes", {"status": "agreed"})
        assert agreed["minutes_status"] == "agreed"
        await cc.act(agreed, "decision", {"decision": "early_help"}, expect=409)  # fixed once agreed
        await cc.act(agreed, "minutes", {"status": "amended"}, expect=422)  # no reason
        amended = await cc.act(agreed, "minutes", {"status": "amended", "reason": "Mum's words were misquoted."})
        assert (amended["minutes_status"], amended["decision"]) == ("amended", "nfa")
        [amendment] = amended["amendments"]
        assert (amendment["reason"], amendment["by"], amendment["version"]) == (
            "Mum's words were misquoted.",
            "conf-chair",
            amended["meta"]["version"],
        )
        versions = await cc.client.get(f"/v1/conferences/{made['id']}/versions", headers=cc.worker)
        assert [v["minutes_status"] for v in versions.json()["items"]][-3:] == ["circulated", "agreed", "amended"]


class TestTimescales:
    async def test_icpc_due_15_working_days_after_the_strategy_discussion(self, cc: Conferences) -> None:
        # Worked out on reading (the write's own answer is the record as stored).
        on_time = await cc.read(await cc.create(cc.icpc(await cc.strategy(), held_at=ON_TIME)))
        assert (on_time["due_by"], on_time["due_days_remaining"], on_time["overdue"]) == (ICPC_DUE, 0, False)
        # Not held: seen from today, long past.
        waiting = await cc.read(await cc.create(cc.icpc(await cc.strategy())))
        late_by = working_days_between(dt.date(2026, 9, 11), today())
        assert (waiting["due_by"], waiting["due_days_remaining"], waiting["overdue"]) == (ICPC_DUE, -late_by, True)

    async def test_held_late_needs_a_reason(self, cc: Conferences) -> None:
        strategy = await cc.strategy()
        refused = await cc.create(cc.icpc(strategy, held_at=LATE), expect=422)
        assert (problem_type(refused), refused["rule"], pointers(refused)) == (
            "late-reason-required",
            "BR-13",
            ["/late_reason"],
        )
        late = await cc.read(
            await cc.create(cc.icpc(strategy, held_at=LATE, late_reason="The police could not attend before."))
        )
        assert (late["due_days_remaining"], late["overdue"]) == (-1, True)
        # Also when the chair gives held_at with the decision.
        waiting = await cc.create(cc.icpc(strategy))
        refused = await cc.act(waiting, "decision", {"decision": "nfa", "held_at": LATE}, expect=422)
        assert problem_type(refused) == "late-reason-required"

    async def test_first_core_group_10_working_days_after_the_icpc(self, cc: Conferences) -> None:
        circulated, plan = await cc.circulated()
        circulated = await cc.read(circulated)
        # Friday 11 September + 10 working days = Friday 25 September.
        assert (circulated["first_core_group_by"], circulated["first_core_group_overdue"]) == ("2026-09-25", True)
        assert circulated.get("first_core_group_in_time") is None
        body = {"cp_plan_id": plan["id"], "held_on": "2026-09-28", "chair": cc.family.worker}
        await cc.core_group(body)
        late = await cc.read(circulated)
        assert (late["first_core_group_held_on"], late["first_core_group_in_time"]) == ("2026-09-28", False)
        await cc.core_group(body | {"held_on": "2026-09-25"})
        met = await cc.read(circulated)
        assert (met["first_core_group_held_on"], met["first_core_group_in_time"]) == ("2026-09-25", True)
        assert met["first_core_group_overdue"] is False

    async def test_reviews_3_months_after_the_icpc_then_every_6(self, cc: Conferences) -> None:
        icpc = await cc.read(await cc.decided())
        assert icpc["next_review_by"] == "2026-12-11"
        first = await cc.read(await cc.create(cc.rcpc(held_at="2026-11-30T10:00:00Z")))
        assert first["due_by"] == "2026-12-11"
        await cc.act(first, "decision", {"decision": "cp_plan_continues", "category": "neglect"})
        # Seen from the day the review was held (Monday 30 November): 9 working days to Friday 11 December.
        seen = await cc.read(icpc)
        assert (seen["next_review_days_remaining"], seen["next_review_overdue"]) == (9, False)
        second = await cc.read(await cc.create(cc.rcpc()))
        assert second["due_by"] == "2027-05-30"  # 6 calendar months after the previous review

    def test_month_ends_and_the_christmas_holidays(self) -> None:
        assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
        assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
        # Friday 18 December 2026: Christmas Day (Fri), the Boxing Day substitute (Mon 28) and New Year's Day (Fri)
        # are not working days; the 15th working day after is Wednesday 13 January 2027.
        icpc = msgspec.convert(
            {
                "id": "1b0c0d0e-0000-4000-8000-0000000000aa",
                "meta": {
                    "la_code": "201",
                    "version": 1,
                    "created_at": "2026-12-18T10:00:00Z",
                    "created_by": "w",
                    "recorded_by": "w",
                    "updated_at": "2026-12-18T10:00:00Z",
                },
                "type": "initial",
                "child_ids": ["1b0c0d0e-0000-4000-8000-000000000001"],
                "strategy_discussion_id": "1b0c0d0e-0000-4000-8000-0000000000ab",
                "chair": "1b0c0d0e-0000-4000-8000-000000000007",
            },
            ChildProtectionConference,
        )
        facts = CaseFacts([icpc], {icpc.strategy_discussion_id: dt.date(2026, 12, 18)}, [], {})  # type: ignore[dict-item]
        assert due_by(icpc, facts) == dt.date(2027, 1, 13)


class TestCoreGroups:
    async def test_on_a_cp_plan_of_the_case_its_actions_and_a_later_version(self, cc: Conferences) -> None:
        conference = await cc.decided()
        plan = await cc.cp_plan(conference)
        action = plan["plan"]["actions"][0]["id"]
        body = {
            "cp_plan_id": plan["id"],
            "held_on": "2026-10-01",
            "chair": cc.family.worker,
            "progress": [{"action_id": action, "status": "in_progress", "note": "Booked for Tuesday."}],
        }
        made = await cc.core_group(body)
        assert (made["status"], made["visibility"]) == ("draft", "family_shareable")
        refused = await cc.core_group(body | {"cp_plan_id": conference["id"]}, expect=422)
        assert pointers(refused) == ["/cp_plan_id"]
        wrong = body | {"progress": [{"action_id": conference["id"], "status": "done"}], "plan_changes": plan["id"]}
        assert pointers(await cc.core_group(wrong, expect=422)) == ["/progress/0/action_id", "/plan_changes"]
        assert pointers(await cc.core_group(body | {"map_id": plan["id"]}, expect=422)) == ["/map_id"]
        ahead = (today() + dt.timedelta(days=1)).isoformat()
        assert pointers(await cc.core_group(body | {"held_on": ahead}, expect=422)) == ["/held_on"]
        # A later version of the plan: agreed by the manager, then revised.
        agreed = await cc.client.post(
            f"/v1/statutory-plans/{plan['id']}/agree", json={}, headers=cc.manager | if_match(plan["meta"]["version"])
        )
        assert agreed.status_code == 200, agreed.text
        revised = await cc.client.post(f"/v1/statutory-plans/{plan['id']}/revisions", headers=cc.manager)
        assert revised.status_code == 201, revised.text
        changed = await cc.core_group(body | {"plan_changes": revised.json()["id"]})
        assert changed["plan_changes"] == revised.json()["id"]

    async def test_draft_notes_are_edited_and_final_ones_frozen(self, cc: Conferences) -> None:
        plan = await cc.cp_plan(await cc.decided())
        body = {"cp_plan_id": plan["id"], "held_on": "2026-10-01", "chair": cc.family.worker}
        made = await cc.core_group(body)
        url = f"/v1/core-groups/{made['id']}"
        edited = await cc.client.put(
            url, json=body | {"concerns_escalated": "Missed two visits."}, headers=cc.worker | if_match(1)
        )
        assert (edited.status_code, edited.json()["concerns_escalated"]) == (200, "Missed two visits."), edited.text
        final = await cc.client.post(f"{url}/finalise", headers=cc.worker | if_match(2))
        assert (final.status_code, final.json()["status"]) == (200, "final"), final.text
        assert final.json()["finalised_by"] == "conf-worker"
        frozen = await cc.client.put(url, json=body, headers=cc.worker | if_match(3))
        assert (frozen.status_code, problem_type(frozen.json())) == (409, "read-only")
        again = await cc.client.post(f"{url}/finalise", headers=cc.worker | if_match(3))
        assert again.status_code == 409
        parent = cc.auth("parent_carer", sub="grace", person_id=cc.family.mum)
        assert (await cc.client.get(url, headers=parent)).status_code == 200
        assert (await cc.client.post(f"{cc.case}/core-groups", json=body, headers=parent)).status_code == 403

    def test_a_later_version_follows_the_chain(self) -> None:
        def record(previous: str | None) -> PlanRecord:
            return msgspec.convert(
                {
                    "id": "1b0c0d0e-0000-4000-8000-0000000000aa",
                    "meta": {
                        "la_code": "201",
                        "version": 1,
                        "created_at": "2026-12-18T10:00:00Z",
                        "created_by": "w",
                        "recorded_by": "w",
                        "updated_at": "2026-12-18T10:00:00Z",
                    },
                    "status": "draft",
                    "previous_version_id": previous,
                    "plan": {
                        "plan_type": "child_in_need",
                        "child_ids": [CHILD_ID],
                        "lead": "1b0c0d0e-0000-4000-8000-000000000007",
                    },
                },
                PlanRecord,
            )

        import uuid

        a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        plans = {a: record(None), b: record(str(a)), c: record(str(b))}
        assert later_version(plans, c, a)
        assert later_version(plans, b, a)
        assert not later_version(plans, a, c)
        assert not later_version(plans, a, a)
