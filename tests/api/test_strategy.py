"""Strategy discussions and s47 enquiries over HTTP (domain 2.16, 3.5, 3.6, 4.2; BR-13, BR-20): what a discussion
may name, editing a draft, finalising it, the s47 outcome, who reads it and which information shared they see, and
the ICPC's clock (15 working days after the discussion). One passing and one failing example per rule; due days
are worked out by hand from the GOV.UK bank holiday list.

One family (and one database) for the module: every test makes its own discussions about it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_api.resources.service import today
from sos_api.timescales import add_working_days
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, if_match, make_family, make_person
from tests.api.test_maps import make_map
from tests.api.world import AGENCY, TEAM, allocate, involve

JSON = dict[str, Any]
NOW = dt.datetime.now(dt.UTC)
YESTERDAY = (NOW - dt.timedelta(days=1)).isoformat(timespec="seconds")
MANAGER_PERSON = "0b0c0d0e-0000-4000-8000-00000000a11b"


def problem_type(body: JSON) -> str:
    return str(body["type"]).rsplit("/", 1)[-1]


class Strategy:
    """The module's family, its police officer, and the callers who work with strategy discussions."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, family: Family, officer: str) -> None:
        self.client, self.auth, self.family, self.officer = client, auth, family, officer
        self.worker = auth("social_worker", sub="strategy-worker", person_id=family.worker)
        self.manager = auth("team_manager", sub="strategy-manager", person_id=MANAGER_PERSON)

    def body(self, **changes: Any) -> JSON:
        """A draft held yesterday, with nothing yet decided."""
        f = self.family
        return {
            "child_ids": [f.child],
            "held_at": YESTERDAY,
            "format": "telephone",
            "chair": f.worker,
            "participants": [
                {"agency": "childrens_social_care", "person_id": f.worker},
                {"agency": "police", "person_id": self.officer},
            ],
        } | changes

    def decided(self, **changes: Any) -> JSON:
        """A body with everything the manager needs to finalise it."""
        return (
            self.body(
                outcome="s47_single_agency",
                immediate_protection="none",
                criminal_investigation=False,
                medical_needed=True,
                interview_planned=False,
                family_informed={"informed": False, "reason_if_delayed": "Police need to speak to Sam first."},
            )
            | changes
        )

    async def create(self, body: JSON, expect: int = 201) -> JSON:
        made = await self.client.post(
            f"/v1/cases/{self.family.case_id}/strategy-discussions", json=body, headers=self.worker
        )
        assert made.status_code == expect, made.text
        return dict(made.json())

    async def read(self, doc: JSON, headers: dict[str, str] | None = None, expect: int = 200) -> JSON:
        got = await self.client.get(f"/v1/strategy-discussions/{doc['id']}", headers=headers or self.worker)
        assert got.status_code == expect, got.text
        return dict(got.json())

    async def post(self, doc: JSON, verb: str, body: JSON | None = None, **kw: Any) -> JSON:
        expect, headers = kw.get("expect", 200), kw.get("headers") or self.manager
        done = await self.client.post(
            f"/v1/strategy-discussions/{doc['id']}/{verb}",
            json=body,
            headers=headers | if_match(doc["meta"]["version"]),
        )
        assert done.status_code == expect, done.text
        return dict(done.json())

    async def finalised(self, **changes: Any) -> JSON:
        return await self.post(await self.create(self.decided(**changes)), "finalise")


@pytest.fixture(scope="module")
async def sd(module_client: AsyncTestClient[Any], auth: TokenFactory) -> Strategy:
    family = await make_family(module_client, auth)
    police = {"organisation": {"name": "County Police", "code": "01"}, "agency_type": "police"}
    officer = await make_person(module_client, auth, "Dev", practitioner=police)
    await involve(module_client, auth, family.case_id, kind="agency", organisation=AGENCY, reason="invited_to_meeting")
    return Strategy(module_client, auth, family, officer)


class TestCreate:
    async def test_a_draft_is_professionals_only_with_no_enquiry(self, sd: Strategy) -> None:
        made = await sd.create(sd.body())
        assert (made["status"], made["s47_status"], made["visibility"]) == ("draft", "none", "professionals_only")
        assert made["meta"]["case_id"] == sd.family.case_id
        listed = await sd.client.get(f"/v1/cases/{sd.family.case_id}/strategy-discussions", headers=sd.worker)
        assert made["id"] in [d["id"] for d in listed.json()["items"]]

    async def test_only_children_of_the_case(self, sd: Strategy) -> None:
        refused = await sd.create(sd.body(child_ids=[sd.family.child, sd.family.mum]), expect=422)
        assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [("/child_ids/1", "not_a_child_of_case")]

    async def test_a_map_of_this_case(self, sd: Strategy) -> None:
        strategy_map = await make_map(sd.client, sd.auth, sd.family, [])
        assert (await sd.create(sd.body(map_id=strategy_map["id"])))["map_id"] == strategy_map["id"]
        other = await make_family(sd.client, sd.auth)
        elsewhere = await make_map(sd.client, sd.auth, other, [])
        refused = await sd.create(sd.body(map_id=elsewhere["id"]), expect=422)
        assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [("/map_id", "not_a_map_of_case")]

    async def test_the_chair_and_participants_are_practitioners_the_council_knows(self, sd: Strategy) -> None:
        stranger = str(uuid.uuid4())
        participants = [
            {"agency": "childrens_social_care", "person_id": sd.family.worker},
            {"agency": "police", "person_id": sd.officer},
            {"agency": "other", "person_id": sd.family.dad},
        ]
        refused = await sd.create(sd.body(chair=stranger, participants=participants), expect=422)
        assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [
            ("/chair", "unknown_reference"),
            ("/participants/2/person_id", "not_a_practitioner"),
        ]

    async def test_the_s47_outcome_is_never_sent_with_the_discussion(self, sd: Strategy) -> None:
        s47 = {"concerns_substantiated": "yes", "recommendation": "icpc", "completed_on": today().isoformat()}
        refused = await sd.create(sd.decided(s47_outcome=s47), expect=422)
        assert "s47_outcome" in refused["detail"]

    async def test_another_council_cannot_record_one(self, sd: Strategy) -> None:
        made = await sd.client.post(
            f"/v1/cases/{sd.family.case_id}/strategy-discussions",
            json=sd.body(),
            headers=sd.auth("social_worker", COUNCIL_B),
        )
        assert made.status_code == 404, made.text


class TestReplace:
    async def test_a_draft_is_edited(self, sd: Strategy) -> None:
        draft = await sd.create(sd.body())
        saved = await sd.client.put(
            f"/v1/strategy-discussions/{draft['id']}", json=sd.decided(), headers=sd.worker | if_match(1)
        )
        assert saved.status_code == 200, saved.text
        assert (saved.json()["meta"]["version"], saved.json()["outcome"]) == (2, "s47_single_agency")

    async def test_a_finalised_one_is_read_only(self, sd: Strategy) -> None:
        done = await sd.finalised()
        refused = await sd.client.put(
            f"/v1/strategy-discussions/{done['id']}",
            json=sd.decided(outcome="nfa"),
            headers=sd.worker | if_match(done["meta"]["version"]),
        )
        assert (refused.status_code, problem_type(refused.json())) == (409, "read-only")
        assert (await sd.read(done))["outcome"] == "s47_single_agency"


class TestFinalise:
    async def test_the_manager_finalises_and_the_enquiry_starts(self, sd: Strategy) -> None:
        done = await sd.finalised()
        assert (done["status"], done["s47_status"]) == ("finalised", "under_way")
        assert (done["finalised_by"], done["finalised_by_user"]) == (MANAGER_PERSON, "strategy-manager")
        assert done["finalised_at"] is not None

    async def test_an_outcome_without_s47_starts_no_enquiry(self, sd: Strategy) -> None:
        done = await sd.finalised(outcome="no_s47_child_and_family_assessment")
        assert (done["status"], done["s47_status"]) == ("finalised", "none")

    async def test_every_missing_decision_is_named(self, sd: Strategy) -> None:
        draft = await sd.create(sd.body(medical_needed=False))
        refused = await sd.post(draft, "finalise", expect=422)
        assert problem_type(refused) == "strategy-incomplete"
        assert [e["pointer"] for e in refused["errors"]] == [
            "/outcome",
            "/immediate_protection",
            "/criminal_investigation",
            "/interview_planned",
            "/family_informed",
        ]
        assert (await sd.read(draft))["status"] == "draft"

    async def test_not_before_it_was_held(self, sd: Strategy) -> None:
        tomorrow = (NOW + dt.timedelta(days=1)).isoformat(timespec="seconds")
        draft = await sd.create(sd.decided(held_at=tomorrow))
        refused = await sd.post(draft, "finalise", expect=422)
        assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [("/held_at", "in_the_future")]

    async def test_once(self, sd: Strategy) -> None:
        refused = await sd.post(await sd.finalised(), "finalise", expect=409)
        assert problem_type(refused) == "read-only"

    async def test_only_the_team_manager(self, sd: Strategy) -> None:
        draft = await sd.create(sd.decided())
        await sd.post(draft, "finalise", headers=sd.worker, expect=403)


S47 = {"concerns_substantiated": "partly", "recommendation": "cin_plan"}


class TestS47Outcome:
    async def test_recorded_once_authorised_by_the_manager(self, sd: Strategy) -> None:
        done = await sd.finalised()
        completed = await sd.post(done, "s47-outcome", S47 | {"completed_on": today().isoformat()})
        outcome = completed["s47_outcome"]
        assert completed["s47_status"] == "completed"
        assert (outcome["recommendation"], outcome["authorised_by"], outcome["authorised_by_user"]) == (
            "cin_plan",
            MANAGER_PERSON,
            "strategy-manager",
        )
        again = await sd.post(completed, "s47-outcome", S47 | {"completed_on": today().isoformat()}, expect=409)
        assert problem_type(again) == "s47-not-under-way"

    @pytest.mark.parametrize("outcome", [None, "nfa"], ids=["draft", "no-s47"])
    async def test_only_while_an_enquiry_is_under_way(self, sd: Strategy, outcome: str | None) -> None:
        doc = await sd.create(sd.decided()) if outcome is None else await sd.finalised(outcome=outcome)
        refused = await sd.post(doc, "s47-outcome", S47 | {"completed_on": today().isoformat()}, expect=409)
        assert problem_type(refused) == "s47-not-under-way"

    async def test_completed_between_the_discussion_and_today(self, sd: Strategy) -> None:
        done = await sd.finalised(held_at="2026-11-02T10:00:00Z")
        early = await sd.post(done, "s47-outcome", S47 | {"completed_on": "2026-11-01"}, expect=422)
        assert [(e["pointer"], e["code"]) for e in early["errors"]] == [("/completed_on", "before_start")]
        later = (today() + dt.timedelta(days=1)).isoformat()
        future = await sd.post(done, "s47-outcome", S47 | {"completed_on": later}, expect=422)
        assert [(e["pointer"], e["code"]) for e in future["errors"]] == [("/completed_on", "in_the_future")]
        assert (await sd.read(done))["s47_status"] == "under_way"


class TestWhoSees:
    INFORMATION = [
        {"agency": "police", "text": "Two call-outs in October."},
        {"agency": "police", "text": "Intelligence about a visitor.", "visibility": "restricted"},
        {"agency": "health_visitor", "text": "Ada's weight is on track.", "visibility": "family_shareable"},
    ]

    async def test_never_the_family(self, sd: Strategy) -> None:
        doc = await sd.create(sd.body(visibility="family_shareable", withheld_reason=None))
        await sd.read(doc, sd.auth("parent_carer", person_id=sd.family.mum), expect=403)

    async def test_an_agency_only_where_shared_and_never_restricted_intelligence(self, sd: Strategy) -> None:
        partner = sd.auth("partner_practitioner", AGENCY)
        kept = await sd.create(sd.body(information_shared=self.INFORMATION))
        await sd.read(kept, partner, expect=404)
        shared = await sd.create(sd.body(information_shared=self.INFORMATION, shared_with_agencies=True))
        seen = await sd.read(shared, partner)
        assert [i["text"] for i in seen["information_shared"]] == [
            "Two call-outs in October.",
            "Ada's weight is on track.",
        ]
        assert len((await sd.read(shared))["information_shared"]) == 3
        versions = await sd.client.get(f"/v1/strategy-discussions/{shared['id']}/versions", headers=partner)
        assert [len(v["information_shared"]) for v in versions.json()["items"]] == [2]

    async def test_an_agency_reads_only_family_shareable_items_of_a_record_shared_with_the_family(
        self, sd: Strategy
    ) -> None:
        doc = await sd.create(sd.body(information_shared=self.INFORMATION, visibility="family_shareable"))
        seen = await sd.read(doc, sd.auth("partner_practitioner", AGENCY))
        assert [i["text"] for i in seen["information_shared"]] == ["Ada's weight is on track."]


class TestIcpcClock:
    @pytest.mark.parametrize(
        ("held_at", "due_by"),
        [
            # Fri 12 Dec 2025: 15-19 Dec (5), 22-24 (8), Christmas Thu 25 and Boxing Day Fri 26 out, 29-31 (11),
            # New Year's Day Thu 1 Jan out, Fri 2 Jan (12), 5-7 Jan (15).
            ("2025-12-12T15:00:00Z", "2026-01-07"),
            # Thu 21 May 2026 23:30 UTC is Fri 22 May in England (BST): 26-29 May after the spring bank holiday (4),
            # 1-5 Jun (9), 8-12 Jun (14), Mon 15 Jun (15).
            ("2026-05-21T23:30:00Z", "2026-06-15"),
            # Wed 1 Apr 2026: 2 Apr (1), Good Friday 3 Apr and Easter Monday 6 Apr out, 7-10 Apr (5), 13-17 (10),
            # 20-24 (15).
            ("2026-04-01T09:00:00Z", "2026-04-24"),
        ],
    )
    async def test_due_15_working_days_after_the_discussion(self, sd: Strategy, held_at: str, due_by: str) -> None:
        done = await sd.finalised(held_at=held_at)
        shown = await sd.read(done)
        assert (shown["icpc_due_by"], shown["icpc_overdue"]) == (due_by, True)
        assert shown["icpc_days_remaining"] < 0

    async def test_a_discussion_held_today_has_15_working_days(self, sd: Strategy) -> None:
        shown = await sd.read(await sd.finalised(held_at=NOW.isoformat(timespec="seconds")))
        assert shown["icpc_due_by"] == add_working_days(today(), 15).isoformat()
        assert (shown["icpc_days_remaining"], shown["icpc_overdue"]) == (15, False)

    async def test_no_clock_without_an_enquiry_or_after_one_that_recommends_no_conference(self, sd: Strategy) -> None:
        assert (await sd.read(await sd.create(sd.decided())))["icpc_due_by"] is None
        assert (await sd.read(await sd.finalised(outcome="nfa")))["icpc_due_by"] is None
        done = await sd.finalised()
        completed = await sd.post(done, "s47-outcome", S47 | {"completed_on": today().isoformat()})
        assert (await sd.read(completed))["icpc_due_by"] is None

    async def test_the_clock_runs_on_when_the_enquiry_recommends_a_conference(self, sd: Strategy) -> None:
        done = await sd.finalised(held_at="2025-12-12T15:00:00Z")
        body = {"concerns_substantiated": "yes", "recommendation": "icpc", "completed_on": "2025-12-19"}
        completed = await sd.post(done, "s47-outcome", body)
        listed = await sd.client.get(f"/v1/cases/{sd.family.case_id}/strategy-discussions", headers=sd.worker)
        [shown] = [d for d in listed.json()["items"] if d["id"] == completed["id"]]
        assert (shown["s47_status"], shown["icpc_due_by"], shown["icpc_overdue"]) == ("completed", "2026-01-07", True)

    @pytest.mark.parametrize(
        ("held_at", "days_remaining", "overdue"),
        [
            # Due Wed 7 Jan 2026; held Mon 5 Jan: 6 and 7 Jan still to go, and the clock stops there.
            ("2026-01-05T10:00:00Z", 2, False),
            # Held Thu 8 Jan, a working day late (with the reason BR-13 asks for): late for good.
            ("2026-01-08T10:00:00Z", -1, True),
        ],
    )
    async def test_the_clock_stops_when_the_initial_conference_is_held(
        self, sd: Strategy, held_at: str, days_remaining: int, overdue: bool
    ) -> None:
        done = await sd.finalised(held_at="2025-12-12T15:00:00Z")
        chair = await make_person(sd.client, sd.auth, "Chidi")
        icpc = {
            "type": "initial",
            "child_ids": [sd.family.child],
            "strategy_discussion_id": done["id"],
            "chair": chair,
            "held_at": held_at,
        }
        if overdue:
            icpc["late_reason"] = "The family's solicitor could not attend earlier."
        made = await sd.client.post(f"/v1/cases/{sd.family.case_id}/conferences", json=icpc, headers=sd.worker)
        assert made.status_code == 201, made.text
        shown = await sd.read(done)
        assert (shown["icpc_due_by"], shown["icpc_days_remaining"], shown["icpc_overdue"]) == (
            "2026-01-07",
            days_remaining,
            overdue,
        )
        assert shown["icpc_held_on"] == held_at[:10]

    async def test_the_teams_due_work_owes_the_icpc_until_the_enquiry_recommends_none(self, sd: Strategy) -> None:
        family = await make_family(sd.client, sd.auth)
        await allocate(sd.client, sd.auth, family)
        team = Strategy(sd.client, sd.auth, family, sd.officer)
        team.manager = sd.auth("team_manager", sub="strategy-manager", person_id=MANAGER_PERSON, teams=[TEAM])
        done = await team.finalised(held_at="2025-12-12T15:00:00Z")
        due_work = f"/v1/teams/{TEAM}/due-work"
        listed = (await sd.client.get(due_work, headers=team.manager)).json()["items"]
        owed = [(i["what"], i["due_by"], i["overdue"]) for i in listed if i["record_id"] == done["id"]]
        assert owed == [("initial_conference", "2026-01-07", True)]
        await team.post(done, "s47-outcome", S47 | {"completed_on": "2025-12-19"})
        listed = (await sd.client.get(due_work, headers=team.manager)).json()["items"]
        assert [i for i in listed if i["record_id"] == done["id"]] == []


class TestAmend:
    async def test_a_finalised_discussion_is_amended_as_a_new_version_with_the_reason(self, sd: Strategy) -> None:
        done = await sd.finalised()
        fixed = sd.decided(format="meeting")
        amended = await sd.post(done, "amendments", {"reason": "It was held in person.", "discussion": fixed})
        assert (amended["format"], amended["status"], amended["s47_status"]) == ("meeting", "finalised", "under_way")
        [amendment] = amended["amendments"]
        assert (amendment["version"], amendment["reason"], amendment["by"], amendment["by_user"]) == (
            done["meta"]["version"] + 1,
            "It was held in person.",
            MANAGER_PERSON,
            "strategy-manager",
        )
        before = await sd.client.get(
            f"/v1/strategy-discussions/{done['id']}/versions/{done['meta']['version']}", headers=sd.worker
        )
        assert before.json()["format"] == "telephone"

    async def test_not_a_draft(self, sd: Strategy) -> None:
        draft = await sd.create(sd.decided())
        await sd.post(draft, "amendments", {"reason": "A typo.", "discussion": sd.decided()}, expect=409)

    async def test_checked_as_when_recorded_and_finalised(self, sd: Strategy) -> None:
        done = await sd.finalised()
        wrong = sd.decided(child_ids=[sd.family.mum])
        refused = await sd.post(done, "amendments", {"reason": "A typo.", "discussion": wrong}, expect=422)
        assert [e["pointer"] for e in refused["errors"]] == ["/discussion/child_ids/0"]
        unsettled = sd.decided(outcome="nfa", family_informed=None)
        refused = await sd.post(done, "amendments", {"reason": "A typo.", "discussion": unsettled}, expect=422)
        assert problem_type(refused) == "strategy-incomplete"
        assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [
            ("/discussion/family_informed", "required_to_finalise"),
            ("/discussion/outcome", "s47_settled"),
        ]
        assert (await sd.read(done))["meta"]["version"] == done["meta"]["version"]

    async def test_only_the_team_manager(self, sd: Strategy) -> None:
        done = await sd.finalised()
        body = {"reason": "A typo.", "discussion": sd.decided()}
        await sd.post(done, "amendments", body, headers=sd.worker, expect=403)
