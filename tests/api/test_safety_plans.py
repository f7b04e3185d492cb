"""Safety plans over HTTP (domain 2.12, 3.4): drafts, agreements, the manager's agreement (BR-07), revisions,
the trial and its check-ins (BR-08), and the stale flag (BR-09). One passing and one failing example per rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_api.resources.service import today
from tests.api.conftest import TokenFactory
from tests.api.test_dangers import Family, danger_body, if_match, make_danger, make_family, make_person

TODAY = today()
JSON = dict[str, Any]


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def rule(family: Family, danger_id: str, **changes: Any) -> JSON:
    return {
        "text": "Grace takes Ada to her sister's whenever Sam has been drinking.",
        "danger_id": danger_id,
        "responsible": [family.mum],
        "how_checked": "Grace texts the worker each time.",
        "checked_by": family.worker,
    } | changes


def plan_body(family: Family, danger_ids: list[str], **changes: Any) -> JSON:
    return {
        "child_ids": [family.child],
        "kind": "family_safety_plan",
        "danger_ids": danger_ids,
        "rules": [rule(family, d) for d in danger_ids],
        "if_child_feels_unsafe": [{"step": "Go next door and tell Auntie Sam.", "contact": family.mum}],
        "if_plan_not_followed": "Grace's sister tells the worker the same day, or the out-of-hours team at night.",
        "monitoring": "The school and the network tell the worker each week how things are.",
        "review_on": (TODAY + dt.timedelta(days=90)).isoformat(),
    } | changes


class Plans:
    """One family, its danger statement, and the calls each role makes on its safety plans."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, family: Family, danger: JSON) -> None:
        self.client, self.auth, self.family, self.danger = client, auth, family, danger
        self.worker = auth("social_worker", person_id=family.worker)
        self.manager = auth("team_manager", sub="manager-1", person_id=family.worker)
        self.mum = auth("parent_carer", sub="grace", person_id=family.mum)
        self.dad = auth("parent_carer", sub="sam", person_id=family.dad)

    async def create(self, body: JSON | None = None, expect: int = 201) -> JSON:
        body = body or plan_body(self.family, [self.danger["id"]])
        made = await self.client.post(f"/v1/cases/{self.family.case_id}/safety-plans", json=body, headers=self.worker)
        assert made.status_code == expect, made.text
        return dict(made.json())

    async def read(self, plan: JSON) -> JSON:
        got = await self.client.get(f"/v1/safety-plans/{plan['id']}", headers=self.worker)
        assert got.status_code == 200, got.text
        return dict(got.json())

    async def act(self, plan: JSON, verb: str, body: JSON | None, headers: dict[str, str], expect: int = 200) -> JSON:
        current = await self.read(plan)
        done = await self.client.post(
            f"/v1/safety-plans/{plan['id']}/{verb}",
            json=body,
            headers=headers | if_match(current["meta"]["version"]),
        )
        assert done.status_code == expect, done.text
        return dict(done.json())

    async def parents_agree(self, plan: JSON) -> None:
        for who, role in ((self.mum, "mum"), (self.dad, "dad")):
            await self.act(plan, "agreements", {"role": role, "method": "signed"}, who)

    async def agreed(self, body: JSON | None = None, on: str | None = None) -> JSON:
        plan = await self.create(body)
        await self.parents_agree(plan)
        return await self.act(plan, "agree", {"on": on} if on else {}, self.manager)

    async def nan_in_network(self, told: JSON) -> tuple[str, JSON, JSON, Any]:
        """Nan, committed to Ada's safety network, told the danger statements as `told` says."""
        nan = await make_person(self.client, self.auth, "Rose")
        member = {
            "person_id": nan,
            "relationship_to_child": {"kind": "grandparent"},
            "proposed_by": "parent",
            "commitment": "agreed",
            "commitment_on": days_ago(3),
            "joined_on": days_ago(3),
            "is_professional": False,
        } | told
        network = {"child_ids": [self.family.child], "purpose": "safety", "status": "active", "members": [member]}
        made = await self.client.post(f"/v1/cases/{self.family.case_id}/networks", json=network, headers=self.worker)
        assert made.status_code == 201, made.text
        return nan, member, network, made

    async def check_in(self, plan: JSON, on: str, rule_index: int = 0, expect: int = 201, **changes: Any) -> JSON:
        body = {
            "on": on,
            "reporter": {
                "perspective_role": "parent_carer",
                "perspective_person_id": self.family.mum,
                "own_words": True,
            },
            "rule_id": plan["rules"][rule_index]["id"],
            "kept": "yes",
        } | changes
        made = await self.client.post(f"/v1/safety-plans/{plan['id']}/check-ins", json=body, headers=self.mum)
        assert made.status_code == expect, made.text
        return dict(made.json())


@pytest.fixture
async def plans(client: AsyncTestClient[Any], auth: TokenFactory) -> Plans:
    family = await make_family(client, auth)
    return Plans(client, auth, family, await make_danger(client, auth, family))


def problem_type(response: JSON) -> str:
    return str(response["type"]).rsplit("/", 1)[-1]


class TestDrafts:
    async def test_a_draft_gets_rule_ids_and_is_listed_on_the_case(self, plans: Plans) -> None:
        plan = await plans.create()
        assert plan["status"] == "draft"
        assert plan["rules"][0]["id"]
        listed = await plans.client.get(f"/v1/cases/{plans.family.case_id}/safety-plans", headers=plans.mum)
        assert [p["id"] for p in listed.json()["items"]] == [plan["id"]]

    async def test_a_plan_names_only_the_case_s_children_and_dangers(self, plans: Plans) -> None:
        stranger = await make_person(plans.client, plans.auth, "Zed")
        body = plan_body(plans.family, [plans.danger["id"]], child_ids=[stranger])
        refused = await plans.create(body, expect=422)
        assert refused["errors"][0]["pointer"] == "/child_ids/0"
        other = await make_danger(plans.client, plans.auth, await make_family(plans.client, plans.auth))
        refused = await plans.create(plan_body(plans.family, [other["id"]]), expect=422)
        assert refused["errors"][0]["code"] == "not_a_danger_of_case"

    async def test_agreements_are_not_sent_in_the_plan_body(self, plans: Plans) -> None:
        body = plan_body(plans.family, [plans.danger["id"]])
        body["agreements"] = [{"person_id": plans.family.mum, "role": "mum", "on": days_ago(1), "method": "signed"}]
        await plans.create(body, expect=422)

    async def test_a_draft_edit_keeps_rule_ids_and_clears_agreements_given_to_the_old_words(self, plans: Plans) -> None:
        plan = await plans.create()
        await plans.act(plan, "agreements", {"role": "mum", "method": "verbal"}, plans.mum)
        current = await plans.read(plan)
        same = {k: current[k] for k in plan_body(plans.family, []).keys() | {"danger_ids", "rules"}}
        kept = await plans.client.put(
            f"/v1/safety-plans/{plan['id']}", json=same, headers=plans.worker | if_match(current["meta"]["version"])
        )
        assert kept.status_code == 200, kept.text
        assert len(kept.json()["agreements"]) == 1
        changed = same | {"monitoring": "The school rings the worker every Friday."}
        edited = await plans.client.put(
            f"/v1/safety-plans/{plan['id']}",
            json=changed,
            headers=plans.worker | if_match(kept.json()["meta"]["version"]),
        )
        assert edited.status_code == 200, edited.text
        assert edited.json()["agreements"] == []
        assert edited.json()["rules"][0]["id"] == plan["rules"][0]["id"]

    async def test_an_unknown_rule_id_and_a_stale_if_match_are_refused(self, plans: Plans) -> None:
        plan = await plans.create()
        body = plan_body(plans.family, [plans.danger["id"]])
        body["rules"][0]["id"] = plans.danger["id"]
        url = f"/v1/safety-plans/{plan['id']}"
        unknown = await plans.client.put(url, json=body, headers=plans.worker | if_match(1))
        assert unknown.status_code == 422, unknown.text
        body["rules"][0]["id"] = plan["rules"][0]["id"]
        assert (await plans.client.put(url, json=body, headers=plans.worker | if_match(1))).status_code == 200
        assert (await plans.client.put(url, json=body, headers=plans.worker | if_match(1))).status_code == 412


class TestAgreement:
    async def test_the_family_agree_as_themselves(self, plans: Plans) -> None:
        plan = await plans.create()
        as_dad = {"person_id": plans.family.dad, "role": "dad", "method": "signed"}
        await plans.act(plan, "agreements", as_dad, plans.mum, expect=403)
        done = await plans.act(plan, "agreements", {"role": "mum", "method": "signed"}, plans.mum)
        assert [(a["person_id"], a["on"]) for a in done["agreements"]] == [(plans.family.mum, TODAY.isoformat())]

    async def test_a_worker_names_who_agreed(self, plans: Plans) -> None:
        plan = await plans.create()
        await plans.act(plan, "agreements", {"role": "dad", "method": "signed"}, plans.worker, expect=422)
        body = {"person_id": plans.family.dad, "role": "dad", "method": "signed", "on": days_ago(2)}
        done = await plans.act(plan, "agreements", body, plans.worker)
        assert done["agreements"][0]["person_id"] == plans.family.dad

    async def test_only_the_team_manager_agrees_and_the_plan_is_then_read_only(self, plans: Plans) -> None:
        plan = await plans.create()
        await plans.parents_agree(plan)
        await plans.act(plan, "agree", {}, plans.worker, expect=403)
        agreed = await plans.act(plan, "agree", {}, plans.manager)
        assert agreed["status"] == "agreed"
        assert agreed["agency_approval"] == {"by": plans.family.worker, "user": "manager-1", "on": TODAY.isoformat()}
        assert agreed["agreed_dangers"] == [{"id": plans.danger["id"], "version": 1}]
        body = plan_body(plans.family, [plans.danger["id"]])
        edit = await plans.client.put(
            f"/v1/safety-plans/{plan['id']}", json=body, headers=plans.worker | if_match(agreed["meta"]["version"])
        )
        assert edit.status_code == 409, edit.text
        # Someone may still agree to the version in force (a network member who joins later), not to an ended one.
        body = {"person_id": plans.family.sibling, "role": "big sister", "method": "verbal"}
        assert len((await plans.act(plan, "agreements", body, plans.worker))["agreements"]) == 3
        await plans.act(plan, "end", {"end_reason": "family_withdrew"}, plans.worker)
        await plans.act(plan, "agreements", {"role": "mum", "method": "signed"}, plans.mum, expect=409)

    async def test_br07_an_active_danger_without_a_rule_is_named(self, plans: Plans) -> None:
        second = await make_danger(plans.client, plans.auth, plans.family, text="Ada could be left alone at night.")
        plan = await plans.create()
        await plans.parents_agree(plan)
        refused = await plans.act(plan, "agree", {}, plans.manager, expect=422)
        assert problem_type(refused) == "danger-not-covered"
        assert refused["rule"] == "BR-07"
        assert second["id"] in refused["detail"]
        assert plans.danger["id"] not in refused["detail"]
        covered = await plans.create(plan_body(plans.family, [plans.danger["id"], second["id"]]))
        await plans.parents_agree(covered)
        assert (await plans.act(covered, "agree", {}, plans.manager))["status"] == "agreed"

    async def test_br07_a_danger_listed_but_with_no_active_rule_is_not_covered(self, plans: Plans) -> None:
        body = plan_body(plans.family, [plans.danger["id"]])
        body["rules"][0]["status"] = "paused"
        plan = await plans.create(body)
        await plans.parents_agree(plan)
        refused = await plans.act(plan, "agree", {}, plans.manager, expect=422)
        assert problem_type(refused) == "danger-not-covered"

    async def test_br07_the_plan_must_be_complete_and_agreed_by_each_parent(self, plans: Plans) -> None:
        body = plan_body(plans.family, [plans.danger["id"]])
        del body["review_on"], body["if_child_feels_unsafe"]
        plan = await plans.create(body)
        await plans.act(plan, "agreements", {"role": "mum", "method": "signed"}, plans.mum)
        refused = await plans.act(plan, "agree", {}, plans.manager, expect=422)
        assert problem_type(refused) == "plan-not-ready"
        pointers = {e["pointer"] for e in refused["errors"]}
        assert pointers == {"/review_on", "/if_child_feels_unsafe", "/agreements"}
        assert plans.family.dad in refused["detail"]

    async def test_br07_a_network_member_must_have_agreed_to_help_and_know_the_current_dangers(
        self, plans: Plans
    ) -> None:
        f = plans.family
        told = {"knows_dangers": [{"danger_id": plans.danger["id"], "version": 1, "on": days_ago(3)}]}
        nan, member, network, made = await plans.nan_in_network(told)
        # The danger statement is reworded after Nan was told it: she no longer knows the current statement.
        reworded = danger_body(f, text="Ada could be hurt when adults fight at home, and is frightened at night.")
        changed = await plans.client.put(
            f"/v1/danger-statements/{plans.danger['id']}", json=reworded, headers=plans.worker | if_match(1)
        )
        assert changed.status_code == 200, changed.text
        body = plan_body(f, [plans.danger["id"]])
        body["rules"][0]["responsible"] = [nan]
        plan = await plans.create(body)
        await plans.parents_agree(plan)
        body = {"person_id": nan, "role": "overnight carer", "method": "verbal"}
        await plans.act(plan, "agreements", body, plans.worker)
        refused = await plans.act(plan, "agree", {}, plans.manager, expect=422)
        assert problem_type(refused) == "plan-not-ready"
        assert [e["code"] for e in refused["errors"]] == ["no_qualified_person"]
        member["knows_dangers"] = [{"danger_id": plans.danger["id"], "version": 2, "on": days_ago(1)}]
        update = await plans.client.put(
            f"/v1/networks/{made.json()['id']}",
            json=network | {"members": [member | {"id": made.json()["members"][0]["id"]}]},
            headers=plans.worker | if_match(1),
        )
        assert update.status_code == 200, update.text
        assert (await plans.act(plan, "agree", {}, plans.manager))["status"] == "agreed"


class TestVersions:
    async def test_a_revision_is_a_new_draft_and_agreeing_it_supersedes_the_old(self, plans: Plans) -> None:
        old = await plans.agreed()
        made = await plans.client.post(f"/v1/safety-plans/{old['id']}/revisions", headers=plans.worker)
        assert made.status_code == 201, made.text
        draft = made.json()
        assert (draft["status"], draft["previous_version_id"]) == ("draft", old["id"])
        assert draft["rules"][0]["id"] == old["rules"][0]["id"]
        assert draft["agreements"] == []
        again = await plans.client.post(f"/v1/safety-plans/{old['id']}/revisions", headers=plans.worker)
        assert again.status_code == 409, again.text
        await plans.parents_agree(draft)
        await plans.act(draft, "agree", {}, plans.manager)
        superseded = await plans.read(old)
        assert (superseded["status"], superseded["end_reason"]) == ("ended", "superseded")

    async def test_a_draft_is_not_revised(self, plans: Plans) -> None:
        draft = await plans.create()
        made = await plans.client.post(f"/v1/safety-plans/{draft['id']}/revisions", headers=plans.worker)
        assert made.status_code == 409, made.text

    async def test_br09_a_plan_whose_danger_changed_after_agreement_is_stale_on_read(self, plans: Plans) -> None:
        plan = await plans.agreed()
        assert (await plans.read(plan))["stale"] is False
        reworded = danger_body(plans.family, text="Ada could be hurt when adults fight, and is frightened at night.")
        changed = await plans.client.put(
            f"/v1/danger-statements/{plans.danger['id']}", json=reworded, headers=plans.worker | if_match(1)
        )
        assert changed.status_code == 200, changed.text
        read = await plans.read(plan)
        assert (read["stale"], read["stale_dangers"]) == (True, [plans.danger["id"]])
        listed = await plans.client.get(f"/v1/cases/{plans.family.case_id}/safety-plans", headers=plans.mum)
        assert listed.json()["items"][0]["stale"] is True

    async def test_br09_a_new_active_danger_for_the_children_makes_the_plan_stale(self, plans: Plans) -> None:
        plan = await plans.agreed()
        sibling_only = await make_danger(plans.client, plans.auth, plans.family, child_ids=[plans.family.sibling])
        assert (await plans.read(plan))["stale"] is False
        new = await make_danger(plans.client, plans.auth, plans.family, text="Ada could be left alone at night.")
        read = await plans.read(plan)
        assert read["stale_dangers"] == [new["id"]]
        assert sibling_only["id"] not in read["stale_dangers"]


class TestTrial:
    async def test_the_trial_ends_after_the_goals_sustain_for_when_no_date_is_given(self, plans: Plans) -> None:
        plan = await plans.agreed()
        started = await plans.act(plan, "trial", {}, plans.worker)
        # danger_body's goal is to be sustained for P3M (counted as 90 days).
        assert started["status"] == "in_trial"
        assert started["trial_ends_on"] == (TODAY + dt.timedelta(days=90)).isoformat()
        assert started["check_in_every_days"] == 14

    async def test_br08_a_trial_starts_on_an_agreed_plan_after_its_agreement(self, plans: Plans) -> None:
        draft = await plans.create()
        await plans.act(draft, "trial", {}, plans.worker, expect=409)
        plan = await plans.agreed(on=days_ago(2))
        early = await plans.act(plan, "trial", {"started_on": days_ago(5)}, plans.worker, expect=422)
        assert (problem_type(early), early["rule"]) == ("trial-period", "BR-08")

    async def test_br08_sustained_after_a_six_week_trial_checked_every_fortnight(self, plans: Plans) -> None:
        plan = await plans.agreed(on=days_ago(60))
        trial = {"started_on": days_ago(56), "trial_ends_on": days_ago(14), "check_in_every_days": 14}
        await plans.act(plan, "trial", trial, plans.worker)
        for day in (55, 41):
            await plans.check_in(plan, days_ago(day))
        gap = await plans.act(plan, "sustain", None, plans.worker, expect=422)
        assert problem_type(gap) == "trial-period"
        assert [e["code"] for e in gap["errors"]] == ["no_check_in"]
        assert days_ago(28) in gap["detail"]
        await plans.check_in(plan, days_ago(20), note="Sam went to his brother's after the match, as agreed.")
        sustained = await plans.act(plan, "sustain", None, plans.worker)
        assert sustained["status"] == "sustained"
        ended = await plans.act(plan, "end", {"end_reason": "goals_sustained"}, plans.worker)
        assert ended["status"] == "ended"

    async def test_br08_not_sustained_before_the_trial_is_over(self, plans: Plans) -> None:
        plan = await plans.agreed()
        await plans.act(plan, "trial", {}, plans.worker)
        await plans.check_in(plan, TODAY.isoformat())
        early = await plans.act(plan, "sustain", None, plans.worker, expect=422)
        assert [e["code"] for e in early["errors"]] == ["trial_not_over"]

    async def test_br08_every_active_rule_is_checked_during_the_trial(self, plans: Plans) -> None:
        body = plan_body(plans.family, [plans.danger["id"]])
        body["rules"].append(rule(plans.family, plans.danger["id"], text="Sam does not drink at home."))
        plan = await plans.agreed(body, on=days_ago(30))
        await plans.act(
            plan,
            "trial",
            {"started_on": days_ago(20), "trial_ends_on": days_ago(1), "check_in_every_days": 30},
            plans.worker,
        )
        await plans.check_in(plan, days_ago(10))
        unchecked = await plans.act(plan, "sustain", None, plans.worker, expect=422)
        assert [e["pointer"] for e in unchecked["errors"]] == ["/rules/1"]

    async def test_br08_ending_with_goals_sustained_needs_a_sustained_plan(self, plans: Plans) -> None:
        plan = await plans.agreed()
        refused = await plans.act(plan, "end", {"end_reason": "goals_sustained"}, plans.worker, expect=422)
        assert problem_type(refused) == "trial-period"
        await plans.act(plan, "end", {"end_reason": "superseded"}, plans.worker, expect=422)
        ended = await plans.act(plan, "end", {"end_reason": "family_withdrew", "note": "Moved away."}, plans.worker)
        assert (ended["status"], ended["end_reason"]) == ("ended", "family_withdrew")
        await plans.act(plan, "end", {"end_reason": "family_withdrew"}, plans.worker, expect=409)

    async def test_a_plan_goes_under_review_with_a_reason(self, plans: Plans) -> None:
        draft = await plans.create()
        await plans.act(draft, "review", {"reason": "Rule broken."}, plans.worker, expect=409)
        plan = await plans.agreed()
        reviewed = await plans.act(plan, "review", {"reason": "Sam came home drunk; Nan was not called."}, plans.worker)
        assert (reviewed["status"], reviewed["review_reason"]) == (
            "under_review",
            "Sam came home drunk; Nan was not called.",
        )


class TestCheckIns:
    async def test_check_ins_start_once_the_plan_is_agreed(self, plans: Plans) -> None:
        draft = await plans.create()
        await plans.check_in(draft, TODAY.isoformat(), expect=409)
        plan = await plans.agreed()
        made = await plans.check_in(plan, TODAY.isoformat(), kept="partly", note="Saturday was hard.")
        assert made["plan_id"] == plan["id"]
        listed = await plans.client.get(f"/v1/safety-plans/{plan['id']}/check-ins", headers=plans.worker)
        assert [c["id"] for c in listed.json()["items"]] == [made["id"]]

    async def test_a_check_in_is_in_the_reporter_s_own_voice(self, plans: Plans) -> None:
        plan = await plans.agreed()
        body = {
            "on": TODAY.isoformat(),
            "reporter": {
                "perspective_role": "parent_carer",
                "perspective_person_id": plans.family.dad,
                "own_words": True,
            },
            "rule_id": plan["rules"][0]["id"],
            "kept": "yes",
        }
        url = f"/v1/safety-plans/{plan['id']}/check-ins"
        assert (await plans.client.post(url, json=body, headers=plans.mum)).status_code == 403
        assert (await plans.client.post(url, json=body, headers=plans.dad)).status_code == 201

    async def test_a_check_in_names_a_rule_of_the_plan_on_a_day_since_it_was_agreed(self, plans: Plans) -> None:
        plan = await plans.agreed(on=days_ago(5))
        wrong = dict(plan, rules=[{"id": plans.danger["id"]}])
        refused = await plans.check_in(wrong, TODAY.isoformat(), expect=422)
        assert refused["errors"][0]["pointer"] == "/rule_id"
        await plans.check_in(plan, days_ago(6), expect=422)
        await plans.check_in(plan, (TODAY + dt.timedelta(days=1)).isoformat(), expect=422)

    async def test_a_correction_replaces_the_check_in_it_names(self, plans: Plans) -> None:
        plan = await plans.agreed()
        first = await plans.check_in(plan, TODAY.isoformat(), kept="no")
        await plans.check_in(plan, TODAY.isoformat(), corrects=plans.danger["id"], expect=422)
        await plans.check_in(plan, TODAY.isoformat(), kept="yes", corrects=first["id"])
        await plans.check_in(plan, TODAY.isoformat(), corrects=first["id"], expect=422)


class TestToldTheDangers:
    async def test_a_member_said_to_know_the_statements_was_told_them_as_they_read_now(self, plans: Plans) -> None:
        """`knows_danger_statements: true` with no statement named records each active one at its current version,
        so the member may hold a rule (BR-07) until a statement is reworded."""
        f = plans.family
        nan, _, _, made = await plans.nan_in_network({"knows_danger_statements": {"value": True, "on": days_ago(2)}})
        told = made.json()["members"][0]["knows_dangers"]
        assert told == [{"danger_id": plans.danger["id"], "version": 1, "on": days_ago(2)}]
        body = plan_body(f, [plans.danger["id"]])
        body["rules"][0]["responsible"] = [nan]
        plan = await plans.create(body)
        await plans.parents_agree(plan)
        await plans.act(plan, "agreements", {"person_id": nan, "role": "Nan", "method": "verbal"}, plans.worker)
        assert (await plans.act(plan, "agree", {}, plans.manager))["status"] == "agreed"
