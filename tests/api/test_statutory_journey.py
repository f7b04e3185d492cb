"""The statutory journey over HTTP only, each step as the role who would take it (issue 11).

The Adeyemi family. On Wednesday 10 December 2025 the police tell the front door that Tolu (7) was found alone at
night while his mother Funmi was out drinking. The decision is due the next working day, Thursday 11 December; the
team manager decides only when this test runs, so the referral reads as decided late. Her decision, a strategy
discussion, opens the family's case; she allocates it to the team and the social worker opens Tolu's child in need
episode.

The strategy discussion on Monday 15 December 2025 (social care and police) starts a joint section 47 enquiry. The
initial conference is due 15 working days later, across Christmas: 16-19 and 22-24 December are working days 1-7;
25 and 26 December (Christmas Day, Boxing Day) and the weekend are not; 29-31 December are days 8-10; 1 January is a
bank holiday; 2 January is day 11 and 5-8 January days 12-15, so the ICPC is due on Thursday 8 January 2026. The
enquiry recommends a conference. It meets on Wednesday 7 January 2026, in time. The independent chair, and only the
chair, decides on a child protection plan under the category neglect; the manager steps Tolu up from child in need
to child protection; the worker drafts the outline plan, the manager agrees it, and the chair circulates the minutes.

The first core group is due 10 working days after the conference: 8, 9, 12-16 and 19-21 January, so Wednesday 21
January 2026; it meets on Tuesday 20 January. The first review conference is due 3 months after the ICPC, on 7
April 2026; it meets on Thursday 2 April and ends the plan to child in need. The manager ends the CP plan and steps
Tolu down to child in need (refused before the review conference decided it), the worker writes a child in need
plan that the manager agrees, and its review on 1 July 2026 sets the next for 1 October. Closing the case is refused
while Tolu's child in need episode is open, and accepted once it has ended.

Zara (12), in another family, comes into care on Monday 2 March 2026. Her placement plan is due 5 working days after
the placement starts (3, 4, 5, 6 and 9 March: Monday 9 March), her care plan 10 working days after it (to Monday 16
March). Both are agreed, the placement plan signed by her foster carer. Kemi, 18 and a care leaver, has a pathway
plan covering every statutory need area, reviewed at most 6 months apart.
"""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from sos_api.resources.service import today
from sos_schema import STATUTORY_NEED_AREAS
from tests.api.conftest import COUNCIL_A, TokenFactory
from tests.api.journey import JSON, problem_type
from tests.api.journey import Journey as Cast
from tests.api.worlds.plans import care_plan, cin_plan, cp_plan, pathway_plan, placement_plan

TEAM = "Team West"


class Journey(Cast):
    @property
    def chair(self) -> dict[str, str]:
        return self.token("conference_chair", "chair")

    def problem(self, body: JSON) -> str:
        return problem_type(body)


async def register_people(j: Journey) -> None:
    people = {
        "tolu": {"given_names": "Tolu", "date_of_birth": "2018-09-14"},
        "funmi": {"given_names": "Funmi"},
        "worker": {"given_names": "Priya", "family_name": "Shah"},
        "manager": {"given_names": "Tom", "family_name": "Reed"},
        "chair": {"given_names": "Ruth", "family_name": "Okoro"},
        "iro": {"given_names": "Dev", "family_name": "Patel"},
        "officer": {"given_names": "Lee", "family_name": "Grant"},
        "zara": {"given_names": "Zara", "family_name": "Bello", "date_of_birth": "2013-05-20"},
        "zara_mum": {"given_names": "Ada", "family_name": "Bello"},
        "carer": {"given_names": "Jo", "family_name": "Hart"},
        "kemi": {"given_names": "Kemi", "family_name": "Obi", "date_of_birth": "2008-06-01"},
        "adviser": {"given_names": "Sam", "family_name": "Lowe"},
    }
    registrar = j.auth("social_worker", COUNCIL_A, sub="front-door", teams=["Front Door"])
    for name, person in people.items():
        made = await j.ok("POST", "/v1/people", registrar, {"family_name": "Adeyemi"} | person, expect=201)
        j.ids[name] = made["id"]


async def police_contact_and_decision(j: Journey) -> None:
    i = j.ids
    contact = {
        "received_at": "2025-12-10T22:40:00Z",
        "channel": "police_notification",
        "referrer": {"type": "police", "name": "PC L Grant", "organisation": "West Yorkshire Police"},
        "subjects": [i["tolu"]],
        "household_members": [i["funmi"]],
        "parents_aware": True,
        "consent": "not_sought_safeguarding_risk",
        "consent_note": "Police notification of a child found alone at night: consent is not needed to share.",
        "worried_what_happened": "Tolu was found alone at home at 10pm; his mum was at the pub.",
        "worried_what_might_happen": "Tolu could be hurt or frightened if left alone at night again.",
        "working_well": "Tolu goes to school every day and his teacher says he is well cared for.",
        "what_needs_to_happen": "Someone to make sure an adult is always with Tolu at night.",
        "referrer_scale": {
            "question_text": "On a scale of 0 to 10, how safe is Tolu at home?",
            "anchor_10": "Everyone agrees Tolu is safe enough at home for us to step back.",
            "anchor_0": "Tolu is not safe at home tonight.",
            "value": 3,
            "perspective": {
                "perspective_role": "agency",
                "perspective_person_id": i["officer"],
                "agency_type": "police",
                "own_words": True,
            },
            "reason": "He was on his own and scared.",
        },
        "immediate_danger": False,
    }
    front_door = j.auth("social_worker", COUNCIL_A, sub="front-door", teams=["Front Door"])
    referral = await j.ok("POST", "/v1/referrals", front_door, contact, expect=201)
    assert referral["decision_due_by"] == "2025-12-11"  # Wednesday evening: due Thursday
    decision = {
        "decision": "strategy_discussion",
        "decision_rationale": "A seven-year-old left alone at night: a strategy discussion with the police.",
        "family_label": "Adeyemi family",
    }
    decided = await j.act(f"/v1/referrals/{referral['id']}", "decision", j.manager, decision)
    assert decided["decision_overdue"] is True, "decided long after 11 December 2025, and shown so"
    i["case"] = decided["case_id"]
    allocation = await j.ok("GET", f"/v1/cases/{i['case']}", j.manager)
    body = {k: allocation[k] for k in ("family_label", "opened_on", "members")}
    body |= {"allocated_worker": i["worker"], "team": TEAM, "team_manager": i["manager"]}
    await j.put(f"/v1/cases/{i['case']}", j.manager, body)
    episode = {
        "child_id": i["tolu"],
        "level": "child_in_need",
        "legal_basis": "s17",
        "start_date": "2025-12-11",
        "start_reason": "new_referral",
    }
    await j.ok("POST", f"/v1/cases/{i['case']}/child-episodes", j.worker, episode, expect=201)


async def involve(j: Journey, case: str, kind: str, person: str) -> None:
    body = {"kind": kind, "person_id": j.ids[person], "reason": "statutory_role", "start_date": "2025-12-12"}
    await j.ok("POST", f"/v1/cases/{case}/involvements", j.manager, body, expect=201)


async def strategy_and_s47(j: Journey) -> JSON:
    i = j.ids
    discussion = {
        "child_ids": [i["tolu"]],
        "held_at": "2025-12-15T10:00:00Z",
        "format": "virtual",
        "chair": i["manager"],
        "participants": [
            {"agency": "childrens_social_care", "person_id": i["worker"], "role": "social worker"},
            {"agency": "police", "person_id": i["officer"], "role": "police constable"},
        ],
        "information_shared": [{"agency": "police", "text": "Tolu was found alone at 10pm on 10 December."}],
        "outcome": "s47_joint_with_police",
        "immediate_actions": [{"what": "Visit Tolu at home today.", "who_person_id": i["worker"], "by": "2025-12-15"}],
        "immediate_protection": "none",
        "criminal_investigation": False,
        "medical_needed": False,
        "interview_planned": False,
        "family_informed": {"informed": True},
    }
    made = await j.ok("POST", f"/v1/cases/{i['case']}/strategy-discussions", j.worker, discussion, expect=201)
    url = f"/v1/strategy-discussions/{made['id']}"
    finalised = await j.act(url, "finalise", j.manager)
    assert (finalised["status"], finalised["s47_status"]) == ("finalised", "under_way")
    assert finalised["icpc_due_by"] == "2026-01-08", "15 working days after 15 December 2025, across Christmas"
    outcome = {"concerns_substantiated": "yes", "recommendation": "icpc", "completed_on": "2026-01-02"}
    completed = await j.act(url, "s47-outcome", j.manager, outcome)
    assert completed["s47_status"] == "completed"
    assert await due_work(j, made["id"]) == {("initial_conference", "2026-01-08")}
    # The family never sees the strategy discussion (domain 4.2: professionals only).
    await j.ok("GET", url, j.token("parent_carer", "funmi"), expect=403)
    return dict(completed)


async def initial_conference(j: Journey, strategy: JSON) -> tuple[JSON, JSON]:
    """The ICPC, the chair's decision, the step up, the outline plan agreed and the minutes circulated."""
    i, case = j.ids, j.ids["case"]
    await involve(j, case, "conference_chair", "chair")
    icpc = {
        "type": "initial",
        "child_ids": [i["tolu"]],
        "strategy_discussion_id": strategy["id"],
        "chair": i["chair"],
        "held_at": "2026-01-07T10:00:00Z",
        "invitations": [{"person_id": i["funmi"], "status": "attended"}, {"agency": "police", "status": "attended"}],
        "parents_participation": "attended",
        "child_participation": "views_shared",
    }
    made = await j.ok("POST", f"/v1/cases/{case}/conferences", j.worker, icpc, expect=201)
    assert (made["due_by"], made["overdue"]) == ("2026-01-08", False)
    assert await due_work(j, strategy["id"]) == set(), "the initial conference has been held"
    url = f"/v1/conferences/{made['id']}"
    decision = {"decision": "cp_plan", "category": "neglect"}
    # BR-14: the chair decides; the team manager may not.
    refused = await j.act(url, "decision", j.manager, decision, expect=403)
    assert refused["status"] == 403
    decided = await j.act(url, "decision", j.chair, decision)
    assert decided["first_core_group_by"] == "2026-01-21", "10 working days after Wednesday 7 January"
    assert decided["next_review_by"] == "2026-04-07", "the first review conference: 3 months after the ICPC"
    step_up = {
        "child_ids": [i["tolu"]],
        "from_level": "child_in_need",
        "to_level": "child_protection",
        "decided_on": "2026-01-07",
        "reason": "The initial child protection conference decided on a child protection plan.",
    }
    await j.ok("POST", f"/v1/cases/{case}/step-changes", j.manager, step_up, expect=201)
    plan = await j.ok(
        "POST",
        f"/v1/cases/{case}/statutory-plans",
        j.worker,
        cp_plan(i["tolu"], i["worker"], i["funmi"], made["id"]),
        201,
    )
    agreed = await j.act(f"/v1/statutory-plans/{plan['id']}", "agree", j.manager, {"agreed_on": "2026-01-07"})
    assert (agreed["status"], agreed["agreed_on"]) == ("agreed", "2026-01-07")
    outline = decision | {"outline_plan_id": plan["id"], "core_group": [i["funmi"], i["worker"]]}
    await j.act(url, "decision", j.chair, outline)
    circulated = await j.act(url, "minutes", j.chair, {"status": "circulated"})
    assert circulated["minutes_status"] == "circulated"
    # Until the core group meets, the team's dashboard shows it (late) and the review conference to come.
    assert await due_work(j, made["id"]) == {("first_core_group", "2026-01-21"), ("review_conference", "2026-04-07")}
    return dict(circulated), dict(agreed)


async def due_work(j: Journey, record_id: str) -> set[tuple[str, str]]:
    """What the team's due-work list holds for one record: (what, due date) pairs."""
    due = await j.ok("GET", f"/v1/teams/{TEAM}/due-work", j.manager)
    return {(item["what"], item["due_by"]) for item in due["items"] if item["record_id"] == record_id}


async def core_group(j: Journey, plan: JSON) -> None:
    i = j.ids
    meeting = {
        "cp_plan_id": plan["id"],
        "held_on": "2026-01-20",
        "chair": i["worker"],
        "attendance": [{"person_id": i["funmi"], "status": "attended"}, {"agency": "school_dsl", "status": "attended"}],
        "next_on": "2026-02-17",
    }
    made = await j.ok("POST", f"/v1/cases/{i['case']}/core-groups", j.worker, meeting, expect=201)
    await j.act(f"/v1/core-groups/{made['id']}", "finalise", j.worker)


async def review_conference_and_step_down(j: Journey, icpc: JSON, plan: JSON) -> None:
    i, case = j.ids, j.ids["case"]
    read = await j.ok("GET", f"/v1/conferences/{icpc['id']}", j.worker)
    assert (read["first_core_group_held_on"], read["first_core_group_in_time"]) == ("2026-01-20", True)
    assert await due_work(j, icpc["id"]) == {("review_conference", "2026-04-07")}
    step_down = {
        "child_ids": [i["tolu"]],
        "from_level": "child_protection",
        "to_level": "child_in_need",
        "decided_on": "2026-04-02",
        "reason": "Funmi has arranged for her sister to be with Tolu every evening she is out.",
    }
    # Domain 3.2: a child protection plan ends only through a review conference's decision.
    refused = await j.ok("POST", f"/v1/cases/{case}/step-changes", j.manager, step_down, expect=409)
    assert j.problem(refused) == "no-rcpc-decision"
    ended = {"ended_on": "2026-04-02", "reason": "The review conference ended the plan."}
    refused = await j.act(f"/v1/statutory-plans/{plan['id']}", "end", j.manager, ended, expect=422)
    assert j.problem(refused) == "no-conference-decision-to-end"
    rcpc = {
        "type": "review",
        "child_ids": [i["tolu"]],
        "chair": i["chair"],
        "held_at": "2026-04-02T10:00:00Z",
        "invitations": [{"person_id": i["funmi"], "status": "attended"}],
        "parents_participation": "attended",
        "child_participation": "views_shared",
    }
    made = await j.ok("POST", f"/v1/cases/{case}/conferences", j.worker, rcpc, expect=201)
    assert (made["due_by"], made["overdue"]) == ("2026-04-07", False)
    url = f"/v1/conferences/{made['id']}"
    await j.act(url, "decision", j.chair, {"decision": "ends_to_cin"})
    await j.act(url, "minutes", j.chair, {"status": "circulated"})
    assert await due_work(j, icpc["id"]) == set(), "the review conference has been held"
    await j.act(f"/v1/statutory-plans/{plan['id']}", "end", j.manager, ended)
    await j.ok("POST", f"/v1/cases/{case}/step-changes", j.manager, step_down, expect=201)


async def child_in_need_and_closure(j: Journey) -> None:
    i, case = j.ids, j.ids["case"]
    made = await j.ok(
        "POST", f"/v1/cases/{case}/statutory-plans", j.worker, cin_plan(i["tolu"], i["worker"], i["funmi"]), 201
    )
    url = f"/v1/statutory-plans/{made['id']}"
    await j.act(url, "agree", j.manager, {"agreed_on": "2026-04-20"})
    review = {"held_on": "2026-07-01", "decision": "The plan is working: carry on.", "next_review_on": "2026-10-01"}
    reviewed = await j.act(url, "reviews", j.worker, review)
    assert reviewed["next_review_on"] == "2026-10-01"
    # The case was opened the day the manager accepted the referral (when this test runs), and closes today.
    closing = {"closed_on": today().isoformat(), "closure_reason": "goals_achieved"}
    refused = await j.act(f"/v1/cases/{case}", "close", j.manager, closing, expect=409)
    assert j.problem(refused) == "episodes-open"
    await j.act(url, "end", j.manager, {"ended_on": "2026-10-15", "reason": "The child in need plan's goals are met."})
    episodes = await j.ok("GET", f"/v1/cases/{case}/child-episodes", j.worker)
    [open_episode] = [e for e in episodes["items"] if e["end_date"] is None]
    assert open_episode["level"] == "child_in_need"
    end = {"end_date": "2026-10-15", "end_reason": "goals_achieved"}
    await j.act(f"/v1/child-episodes/{open_episode['id']}", "end", j.manager, end)
    closed = await j.act(f"/v1/cases/{case}", "close", j.manager, closing)
    assert closed["status"] == "closed"


async def a_case_of(j: Journey, label: str, child: str, *adults: str) -> str:
    i = j.ids
    members = [{"person_id": i[child], "role": "child"}, *({"person_id": i[a], "role": "parent"} for a in adults)]
    body = {
        "family_label": label,
        "opened_on": "2026-02-27",
        "members": members,
        "allocated_worker": i["worker"],
        "team": TEAM,
        "team_manager": i["manager"],
    }
    return str((await j.ok("POST", "/v1/cases", j.manager, body, expect=201))["id"])


async def comes_into_care(j: Journey) -> JSON:
    i = j.ids
    case = await a_case_of(j, "Bello family", "zara", "zara_mum")
    await involve(j, case, "iro", "iro")
    episode = {
        "child_id": i["zara"],
        "level": "looked_after",
        "legal_basis": "s20_accommodated",
        "start_date": "2026-03-02",
        "start_reason": "accommodated",
    }
    await j.ok("POST", f"/v1/cases/{case}/child-episodes", j.worker, episode, expect=201)
    body = placement_plan(i["zara"], i["worker"], i["carer"], i["iro"], "2026-03-02")
    placement = await j.ok("POST", f"/v1/cases/{case}/statutory-plans", j.worker, body, expect=201)
    assert placement["due_by"] == "2026-03-09", "5 working days after the placement starts"
    await j.act(f"/v1/statutory-plans/{placement['id']}", "agree", j.manager, {"agreed_on": "2026-03-06"})
    body = care_plan(i["zara"], i["worker"], i["iro"], placement["id"])
    care = await j.ok("POST", f"/v1/cases/{case}/statutory-plans", j.worker, body, expect=201)
    assert care["due_by"] == "2026-03-16", "10 working days after the first placement starts"
    agreed = await j.act(f"/v1/statutory-plans/{care['id']}", "agree", j.manager, {"agreed_on": "2026-03-13"})
    assert (agreed["status"], agreed["due_overdue"]) == ("agreed", False), "agreed before its due day"
    # Her looked-after reviews (reg 33): the first within 20 working days of 2 March (3-6, 9-13, 16-20, 23-27 and
    # 30 March: Monday 30 March 2026), the second within 3 months of the first, then at most 6 months apart: here
    # sooner, as her plan's own schedule says every 3 months.
    assert agreed["next_review_on"] == "2026-03-30"
    url = f"/v1/statutory-plans/{care['id']}"
    first = {"held_on": "2026-03-27", "decision": "Zara is settled; contact with mum weekly."}
    too_late = await j.act(url, "reviews", j.worker, first | {"next_review_on": "2026-07-31"}, expect=422)
    assert too_late["errors"][0]["pointer"] == "/next_review_on"
    assert (await j.act(url, "reviews", j.worker, first))["next_review_on"] == "2026-06-27"
    second = {"held_on": "2026-06-26", "decision": "Plan for permanence: kinship assessment of her aunt."}
    assert (await j.act(url, "reviews", j.worker, second))["next_review_on"] == "2026-09-26"
    # The IRO named on her care plan reads it.
    await j.ok("GET", f"/v1/statutory-plans/{care['id']}", j.token("iro", "iro"))
    return {"placement": placement["id"], "care": care["id"]}


async def leaves_care(j: Journey) -> str:
    i = j.ids
    case = await a_case_of(j, "Kemi Obi", "kemi")
    episode = {
        "child_id": i["kemi"],
        "level": "care_leaver",
        "legal_basis": "care_leaver_duty",
        "start_date": "2026-06-01",
        "start_reason": "became_care_leaver",
    }
    await j.ok("POST", f"/v1/cases/{case}/child-episodes", j.worker, episode, expect=201)
    too_few = pathway_plan(i["kemi"], "2008-06-01", i["adviser"], areas=sorted(STATUTORY_NEED_AREAS)[:-1])
    draft = await j.ok("POST", f"/v1/cases/{case}/statutory-plans", j.worker, too_few, expect=201)
    refused = await j.act(f"/v1/statutory-plans/{draft['id']}", "agree", j.manager, {}, expect=422)
    assert refused["status"] == 422, "BR-17: every statutory need area before it is agreed"
    body = pathway_plan(i["kemi"], "2008-06-01", i["adviser"], effective_on="2026-11-02")
    plan = await j.ok("POST", f"/v1/cases/{case}/statutory-plans", j.worker, body, expect=201)
    agreed = await j.act(f"/v1/statutory-plans/{plan['id']}", "agree", j.manager, {})
    assert {a["area"] for a in agreed["plan"]["need_areas"]} == {a.value for a in STATUTORY_NEED_AREAS}
    assert agreed["plan"]["next_review_by"] <= "2027-05-02", "at most 6 months after 2 November 2026"
    return str(plan["id"])


async def test_the_statutory_journey(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    j = Journey(client, auth, TEAM)
    await register_people(j)
    await police_contact_and_decision(j)
    strategy = await strategy_and_s47(j)
    icpc, plan = await initial_conference(j, strategy)
    await core_group(j, plan)
    await review_conference_and_step_down(j, icpc, plan)
    await child_in_need_and_closure(j)
    zara = await comes_into_care(j)
    kemi = await leaves_care(j)
    # The team manager's dashboard: the plans' next reviews; nothing of Tolu's closed case.
    due = await j.ok("GET", f"/v1/teams/{TEAM}/due-work", j.manager)
    listed = {(item["what"], item["record_id"]): item["due_by"] for item in due["items"]}
    assert listed.keys() == {
        ("plan_review", zara["placement"]),
        ("looked_after_review", zara["care"]),
        ("pathway_plan_review", kemi),
    }
    assert listed["pathway_plan_review", kemi] == "2027-03-02", "the review date on Kemi's plan"
    assert listed["looked_after_review", zara["care"]] == "2026-09-26"
    # Each child's level over time: Tolu was in need, then on a plan, then in need again until the case closed.
    episodes = await j.ok("GET", f"/v1/cases/{j.ids['case']}/child-episodes", j.worker)
    levels = [(e["level"], e["start_date"], e["end_date"]) for e in episodes["items"]]
    assert levels == [
        ("child_in_need", "2025-12-11", "2026-01-07"),
        ("child_protection", "2026-01-07", "2026-04-02"),
        ("child_in_need", "2026-04-02", "2026-10-15"),
    ]
