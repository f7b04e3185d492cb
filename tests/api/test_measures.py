"""The scorecard (issue 14): each measure worked out on one small synthetic council, built through the API, with
the value worked out by hand beside it; who may read the measures; the CSV export's suppression; one access event
per request; and the charts carry the points they claim (the SVG is parsed).

The world (council A, one module-scoped database, dates fixed in September 2026 so the figures never drift):

    North: case A (opened 2026-04-01, worker W1): Ada and Ben.   South: case B (opened 2026-04-01): Cy.
    Case C (Team North, opened 2026-10-05): Dot, not open in September, so never counted for September.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import create_async_engine

from sos_api.db.embedded import async_url
from sos_api.db.engine import Database
from sos_api.measures.catalogue import MEASURES
from sos_api.measures.service import refresh
from sos_api.resources.service import today
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, danger_body, make_person, said_by
from tests.api.test_maps import map_body
from tests.api.worlds.plans import placement_plan
from tests.conftest import Databases

JSON = dict[str, Any]
NORTH, SOUTH = "Team North", "Team South"
SEPTEMBER = {"from": "2026-09-01", "to": "2026-09-30"}
SVG = "{http://www.w3.org/2000/svg}"
TODAY = today()


class Council(msgspec.Struct, kw_only=True):
    a: Family
    b: Family
    c_case: str
    w1: str
    danger_a1: str
    danger_b1: str


def manager(auth: TokenFactory, teams: list[str] | None = None) -> dict[str, str]:
    return auth("team_manager", sub="measures-manager", teams=teams or [NORTH, SOUTH])


def worker(auth: TokenFactory, person: str) -> dict[str, str]:
    return auth("social_worker", sub="measures-worker", person_id=person, teams=[NORTH, SOUTH])


async def ok(response: Any, status: int = 201) -> JSON:
    assert response.status_code == status, response.text
    return dict(response.json())


async def make_case(
    client: AsyncTestClient[Any], auth: TokenFactory, team: str, children: list[str], w: str, opened: str
) -> str:
    body = {
        "family_label": "Measures family",
        "opened_on": opened,
        "team": team,
        "allocated_worker": w,
        "members": [{"person_id": c, "role": "child"} for c in children],
    }
    return str((await ok(await client.post("/v1/cases", json=body, headers=manager(auth))))["id"])


async def judge(
    client: AsyncTestClient[Any],
    headers: dict[str, str],
    question: str,
    who: str,
    role: str,
    value: int,
    on: str,
    corrects: str | None = None,
) -> str:
    body = {"value": value, "perspective": said_by(who, role), "reason": "Test judgement.", "given_on": on}
    if corrects is not None:
        body["corrects"] = corrects
    made = await client.post(f"/v1/scaling-questions/{question}/judgements", json=body, headers=headers)
    return str((await ok(made))["id"])


async def scale(client: AsyncTestClient[Any], headers: dict[str, str], danger: str) -> str:
    body = {
        "kind": "safety",
        "question_text": "How safe is the child from this worry?",
        "anchor_10": "Safe enough to close.",
        "anchor_0": "Cannot safely stay at home.",
    }
    made = await client.post(f"/v1/danger-statements/{danger}/scaling-question", json=body, headers=headers)
    return str((await ok(made))["id"])


async def finalised_map(
    client: AsyncTestClient[Any], auth: TokenFactory, family: Family, children: list[str], mapped_on: str
) -> None:
    body = map_body(family, [], context="early_help", children=children, mapped_on=mapped_on)
    made = await ok(
        await client.post(f"/v1/cases/{family.case_id}/maps", json=body, headers=worker(auth, family.worker))
    )
    headers = manager(auth) | {"If-Match": f'W/"{made["meta"]["version"]}"'}
    await ok(await client.post(f"/v1/maps/{made['id']}/finalise", json={}, headers=headers), 200)


async def strategy_then_icpc(
    client: AsyncTestClient[Any],
    auth: TokenFactory,
    family: Family,
    police: str,
    strategy_at: str,
    icpc_at: str,
    late_reason: str | None = None,
) -> JSON:
    discussion = {
        "withheld_reason": "Police information is not shared with the family.",
        "child_ids": [family.child],
        "held_at": strategy_at,
        "format": "virtual",
        "chair": family.worker,
        "participants": [
            {"agency": "childrens_social_care", "person_id": family.worker, "role": "social worker"},
            {"agency": "police", "person_id": police, "role": "detective constable"},
        ],
        "outcome": "s47_joint_with_police",
        "immediate_protection": "none",
        "criminal_investigation": False,
        "medical_needed": False,
        "interview_planned": False,
        "family_informed": {"informed": True},
    }
    url = f"/v1/cases/{family.case_id}/strategy-discussions"
    made = await ok(await client.post(url, json=discussion, headers=manager(auth)))
    headers = manager(auth) | {"If-Match": 'W/"1"'}
    await ok(await client.post(f"/v1/strategy-discussions/{made['id']}/finalise", headers=headers), 200)
    conference = {
        "type": "initial",
        "child_ids": [family.child],
        "strategy_discussion_id": made["id"],
        "chair": police,
        "held_at": icpc_at,
        **({"late_reason": late_reason} if late_reason else {}),
    }
    return await ok(
        await client.post(f"/v1/cases/{family.case_id}/conferences", json=conference, headers=manager(auth))
    )


async def cp_plan_decided(
    client: AsyncTestClient[Any], chair: dict[str, str], conference: JSON, decision: str = "cp_plan"
) -> None:
    """The chair's decision that starts (or continues) a child protection plan."""
    body = {"decision": decision, "category": "neglect"}
    if decision == "cp_plan":
        body["core_group"] = conference["child_ids"]
    headers = chair | {"If-Match": f'W/"{conference["meta"]["version"]}"'}
    await ok(await client.post(f"/v1/conferences/{conference['id']}/decision", json=body, headers=headers), 200)


async def step(
    client: AsyncTestClient[Any], auth: TokenFactory, family: Family, child: str, down: str, to: str, on: str
) -> None:
    body = {"child_ids": [child], "from_level": down, "to_level": to, "decided_on": on, "reason": "Agreed at review."}
    if to == "early_help":
        body["family_consent"] = True
    url = f"/v1/cases/{family.case_id}/step-changes"
    await ok(await client.post(url, json=body, headers=manager(auth)))


async def safety_plan_and_network(
    client: AsyncTestClient[Any],
    auth: TokenFactory,
    family: Family,
    child: str,
    dangers: list[str],
    told_all: int,
    told_first: int,
) -> None:
    """An active safety network for the child, `told_all` members told every danger statement (in its current
    version) and `told_first` told only the first; and a safety plan for the child agreed today, each rule held
    by the first member."""
    headers = worker(auth, family.worker)
    today = TODAY.isoformat()
    versions = {}
    for danger in dangers:
        read = await ok(await client.get(f"/v1/danger-statements/{danger}", headers=headers), 200)
        versions[danger] = read["meta"]["version"]
    members, helpers = [], []
    for n in range(told_all + told_first):
        helper = await make_person(client, auth, f"Helper {n}")
        helpers.append(helper)
        told = dangers if n < told_all else dangers[:1]
        members.append(
            {
                "person_id": helper,
                "relationship_to_child": {"kind": "grandparent"},
                "proposed_by": "parent",
                "commitment": "agreed",
                "commitment_on": today,
                "joined_on": today,
                "is_professional": False,
                "knows_dangers": [{"danger_id": d, "version": versions[d], "on": today} for d in told],
            }
        )
    network = {"child_ids": [child], "purpose": "safety", "status": "active", "members": members}
    await ok(await client.post(f"/v1/cases/{family.case_id}/networks", json=network, headers=headers))
    rules = [
        {
            "text": "Nan takes the child to hers whenever the adults argue.",
            "danger_id": d,
            "responsible": [helpers[0]],
            "how_checked": "Nan texts the worker each time.",
            "checked_by": family.worker,
        }
        for d in dangers
    ]
    plan = {
        "child_ids": [child],
        "kind": "family_safety_plan",
        "danger_ids": dangers,
        "rules": rules,
        "if_child_feels_unsafe": [{"step": "Go next door and tell Nan.", "contact": helpers[0]}],
        "if_plan_not_followed": "Nan tells the worker the same day, or the out-of-hours team at night.",
        "monitoring": "The school and the network tell the worker each week how things are.",
        "review_on": (TODAY + dt.timedelta(days=90)).isoformat(),
    }
    made = await ok(await client.post(f"/v1/cases/{family.case_id}/safety-plans", json=plan, headers=headers))
    agreement = {"person_id": helpers[0], "role": "grandparent", "method": "verbal"}
    url = f"/v1/safety-plans/{made['id']}"
    made = await ok(
        await client.post(f"{url}/agreements", json=agreement, headers=headers | {"If-Match": 'W/"1"'}), 200
    )
    version = {"If-Match": f'W/"{made["meta"]["version"]}"'}
    await ok(await client.post(f"{url}/agree", json={}, headers=manager(auth) | version), 200)


async def review(
    client: AsyncTestClient[Any], auth: TokenFactory, family: Family, chair: str, held_at: str, **more: str
) -> None:
    body = {"type": "review", "child_ids": [family.child], "chair": chair, "held_at": held_at} | more
    await ok(await client.post(f"/v1/cases/{family.case_id}/conferences", json=body, headers=manager(auth)))


async def first_core_group(
    client: AsyncTestClient[Any], auth: TokenFactory, family: Family, conference: JSON, held_on: str
) -> None:
    """A child protection plan naming the conference, and a core group meeting on it."""
    plan = {
        "plan_type": "child_protection",
        "child_ids": [family.child],
        "lead": family.worker,
        "conference_id": conference["id"],
        "category": "neglect",
        "outline": True,
        "actions": [{"what": "Grace will take the child to the GP.", "who_person_id": family.mum, "by": "2026-10-30"}],
        "review_schedule": {"next_on": "2026-12-11"},
    }
    headers = worker(auth, family.worker)
    made = await ok(await client.post(f"/v1/cases/{family.case_id}/statutory-plans", json=plan, headers=headers))
    meeting = {"cp_plan_id": made["id"], "held_on": held_on, "chair": family.worker}
    await ok(await client.post(f"/v1/cases/{family.case_id}/core-groups", json=meeting, headers=headers))


async def referral(client: AsyncTestClient[Any], auth: TokenFactory, child: str, received: str, case: str) -> JSON:
    body = {
        "received_at": received,
        "channel": "phone",
        "referrer": {"type": "school", "name": "Ms J Teacher", "organisation": "Riverside Primary School"},
        "subjects": [child],
        "parents_aware": True,
        "consent": "given",
        "worried_what_happened": "A bruise on the cheek.",
        "immediate_danger": False,
        "case_id": case,
    }
    return await ok(await client.post("/v1/referrals", json=body, headers=manager(auth)))


@pytest.fixture(scope="module")
async def council(module_client: AsyncTestClient[Any], auth: TokenFactory) -> Council:
    client = module_client
    ada = await make_person(client, auth, "Ada", date_of_birth="2019-04-02")
    ben = await make_person(client, auth, "Ben", date_of_birth="2021-08-11")
    cy = await make_person(client, auth, "Cy", date_of_birth="2018-01-20")
    dot = await make_person(client, auth, "Dot", date_of_birth="2020-05-05")
    mum = await make_person(client, auth, "Grace")
    w1 = await make_person(client, auth, "Priya")
    w2 = await make_person(client, auth, "Tom")
    police = await make_person(client, auth, "Dev")
    a = Family(await make_case(client, auth, NORTH, [ada, ben], w1, "2026-04-01"), ada, ben, mum, mum, w1)
    b = Family(await make_case(client, auth, SOUTH, [cy], w2, "2026-04-01"), cy, cy, mum, mum, w2)
    c_case = await make_case(client, auth, NORTH, [dot], w1, "2026-10-05")
    as_a, as_b = worker(auth, w1), worker(auth, w2)

    # Maps: Ada's map is recent at September's end; Cy's is not (12 weeks); Ben is on no map.
    await finalised_map(client, auth, a, [ada], "2026-09-10")
    await finalised_map(client, auth, b, [cy], "2026-05-01")

    # Danger statements: A has one with a scale and one without; B one with a scale and one entered in error.
    url_a, url_b = f"/v1/cases/{a.case_id}/danger-statements", f"/v1/cases/{b.case_id}/danger-statements"
    danger_a1 = (await ok(await client.post(url_a, json=danger_body(a), headers=as_a)))["id"]
    danger_a2 = (await ok(await client.post(url_a, json=danger_body(a), headers=as_a)))["id"]
    danger_b1 = (await ok(await client.post(url_b, json=danger_body(b), headers=as_b)))["id"]
    wrong = await ok(await client.post(url_b, json=danger_body(b), headers=as_b))
    error = {"reason": "Recorded on the wrong family."}
    marked = await client.post(
        f"/v1/danger-statements/{wrong['id']}/entered-in-error", json=error, headers=as_b | {"If-Match": 'W/"1"'}
    )
    await ok(marked, 200)
    q_a1, q_b1 = await scale(client, as_a, danger_a1), await scale(client, as_b, danger_b1)

    # Judgements. A1: the child moves up (2 -> 5), the worker down (6 -> 4), mum once (3); the child's October 1
    # is after September. B1: the worker moves up (3 -> 7); mum once, 10: three apart from the worker's 7.
    await judge(client, as_a, q_a1, ada, "child", 2, "2026-08-01")
    await judge(client, as_a, q_a1, ada, "child", 5, "2026-09-01")
    await judge(client, as_a, q_a1, ada, "child", 1, "2026-10-10")
    await judge(client, as_a, q_a1, w1, "social_worker", 6, "2026-08-01")
    await judge(client, as_a, q_a1, w1, "social_worker", 4, "2026-09-01")
    await judge(client, as_a, q_a1, mum, "parent_carer", 3, "2026-09-20")
    await judge(client, as_b, q_b1, w2, "social_worker", 3, "2026-07-01")
    await judge(client, as_b, q_b1, w2, "social_worker", 7, "2026-09-15")
    await judge(client, as_b, q_b1, mum, "parent_carer", 10, "2026-09-20")

    # Child's voice: Ben's Three Houses on 5 September.
    tool = {
        "tool": "three_houses",
        "child_id": ben,
        "completed_on": "2026-09-05",
        "worker": w1,
        "child_consent_to_share": {"level": "all"},
        "good_things": [{"text": "Football with my dad", "written_by": "child", "order": 0}],
        "worries": [],
        "dreams": [],
    }
    await ok(await client.post(f"/v1/cases/{a.case_id}/child-voice", json={"tool": tool}, headers=as_a))

    # Referrals: Cy in March and again in September (a re-referral); Ada in September for the first time.
    await referral(client, auth, cy, "2026-03-10T10:00:00Z", b.case_id)
    again = await referral(client, auth, cy, "2026-09-12T10:00:00Z", b.case_id)
    assert again["re_referral"] is True
    await referral(client, auth, ada, "2026-09-20T10:00:00Z", a.case_id)

    # Step-downs from child in need to early help on 1 October 2025, their 6 months ending 1 April 2026 (counted in
    # April): Ada's holds (her next referral is in September 2026); Cy is referred again on 10 March 2026 (above)
    # and Ben is stepped back up on 5 January 2026, so theirs do not.
    for family, child in ((a, ada), (a, ben), (b, cy)):
        episode = {
            "child_id": child,
            "level": "child_in_need",
            "legal_basis": "s17",
            "start_date": "2025-09-01",
            "start_reason": "new_referral",
        }
        url = f"/v1/cases/{family.case_id}/child-episodes"
        await ok(await client.post(url, json=episode, headers=worker(auth, family.worker)))
        await step(client, auth, family, child, "child_in_need", "early_help", "2025-10-01")
    await step(client, auth, a, ben, "early_help", "child_in_need", "2026-01-05")

    # Plans started in June: ICPCs on Monday 15 (A) and Tuesday 16 June (B), first reviews due 15 and 16 September
    # (3 calendar months). A's review is held on 14 September (on time), B's on 21 September (late). Neither
    # ICPC's plan has a core group: both first core groups were due in June (29 and 30 June) and missed.
    for family in (a, b):
        involvement = {"kind": "conference_chair", "person_id": police, "reason": "statutory_role"}
        url = f"/v1/cases/{family.case_id}/involvements"
        await ok(await client.post(url, json=involvement | {"start_date": "2026-05-01"}, headers=manager(auth)))
    chair = auth("conference_chair", sub="measures-chair", person_id=police)
    june_a = await strategy_then_icpc(client, auth, a, police, "2026-06-01T09:00:00Z", "2026-06-15T10:00:00Z")
    june_b = await strategy_then_icpc(client, auth, b, police, "2026-06-01T09:00:00Z", "2026-06-16T10:00:00Z")
    await cp_plan_decided(client, chair, june_a)
    await cp_plan_decided(client, chair, june_b)
    await review(client, auth, a, police, "2026-09-14T10:00:00Z")
    await review(client, auth, b, police, "2026-09-21T10:00:00Z", late_reason="No chair free.")

    # ICPCs held in September: A's 10 working days after its strategy discussion (due 22 September), B's 26 working
    # days after (due 24 August: 15 working days from Monday 3 August; 31 August is a bank holiday anyway).
    icpc_a = await strategy_then_icpc(client, auth, a, police, "2026-09-01T10:00:00Z", "2026-09-15T10:00:00Z")
    icpc_b = await strategy_then_icpc(
        client, auth, b, police, "2026-08-03T10:00:00Z", "2026-09-08T10:00:00Z", "Chair ill."
    )
    # Both start plans (their first reviews are due in December, after today's figures): A's first core group is
    # due Tuesday 29 September (10 working days after Tuesday 15) and meets on the 25th; B's is due Tuesday 22
    # September and meets on the 28th, late.
    await cp_plan_decided(client, chair, icpc_a)
    await cp_plan_decided(client, chair, icpc_b)
    await first_core_group(client, auth, a, icpc_a, "2026-09-25")
    await first_core_group(client, auth, b, icpc_b, "2026-09-28")

    # Audits in September: A graded good, B inadequate, and one with no grade (not counted).
    auditor = auth("auditor", sub="measures-auditor", person_id=police)
    for family, grade in ((a, "good"), (b, "inadequate"), (b, None)):
        audit = {
            "type": "single_agency",
            "case_id": family.case_id,
            "auditor": police,
            "practitioner_present": False,
            "held_on": "2026-09-10",
            "grade": grade,
        }
        await ok(await client.post(f"/v1/cases/{family.case_id}/case-audits", json=audit, headers=auditor))

    # Family survey in September: scores 6 and 8 on case A, 10 and a choice on case B: mean of 6, 8, 10 is 8.
    for family, answers in (
        (a, [{"question_id": "q1", "score": 6}, {"question_id": "q2", "score": 8}]),
        (b, [{"question_id": "q1", "score": 10}, {"question_id": "q3", "choice": "yes"}]),
    ):
        response = {
            "survey_id": "5e0c0d0e-0000-4000-8000-000000000001",
            "case_id": family.case_id,
            "respondent_role": "parent_carer",
            "answers": answers,
            "submitted_on": "2026-09-03",
        }
        await ok(await client.post(f"/v1/cases/{family.case_id}/family-survey-responses", json=response, headers=as_a))
    # Ada (from 15 September) and Cy (from 8 September) are on child protection plans, Ben is not. Each has an
    # agreed safety plan. Ada's safety network has four members: three told both of case A's danger statements,
    # one told only the first; Cy's has two, told case B's.
    for child, start in ((ada, "2026-09-15"), (cy, "2026-09-08")):
        family = a if child == ada else b
        episode = {
            "child_id": child,
            "level": "child_protection",
            "legal_basis": "s47",
            "start_date": start,
            "start_reason": "conference_decision",
        }
        url = f"/v1/cases/{family.case_id}/child-episodes"
        await ok(await client.post(url, json=episode, headers=worker(auth, family.worker)))
    await safety_plan_and_network(client, auth, a, ada, [danger_a1, danger_a2], told_all=3, told_first=1)
    await safety_plan_and_network(client, auth, b, cy, [danger_b1], told_all=2, told_first=0)
    # Placement plans: Ada placed Tuesday 1 September (plan due Tuesday 8th, agreed 4th), Cy Monday 14 September
    # (due Monday 21st, agreed 25th: late), Ben Monday 28 September (due Monday 5 October: counted in October).
    for family, child, start, agreed in (
        (a, ada, "2026-09-01", "2026-09-04"),
        (b, cy, "2026-09-14", "2026-09-25"),
        (a, ben, "2026-09-28", "2026-10-02"),
    ):
        body = placement_plan(child, family.worker, mum, police, start)
        url = f"/v1/cases/{family.case_id}/statutory-plans"
        made = await ok(await client.post(url, json=body, headers=worker(auth, family.worker)))
        headers = manager(auth) | {"If-Match": f'W/"{made["meta"]["version"]}"'}
        agree = await client.post(
            f"/v1/statutory-plans/{made['id']}/agree", json={"agreed_on": agreed}, headers=headers
        )
        await ok(agree, 200)
    return Council(a=a, b=b, c_case=c_case, w1=w1, danger_a1=danger_a1, danger_b1=danger_b1)


async def series(
    client: AsyncTestClient[Any], auth: TokenFactory, code: str, headers: dict[str, str] | None = None, **params: Any
) -> JSON:
    response = await client.get(f"/v1/measures/{code}", params=SEPTEMBER | params, headers=headers or manager(auth))
    return await ok(response, 200)


def figures(body: JSON) -> dict[str | None, tuple[float | None, int | None, int | None]]:
    return {p["group"]: (p["value"], p["numerator"], p["denominator"]) for p in body["points"]}


class TestMeasureValues:
    """Each measure on the world for September 2026, against the value worked out by hand."""

    @pytest.mark.parametrize(
        ("code", "params", "expected"),
        [
            # Ada of Ada, Ben, Cy (Dot's case opened in October).
            ("children-map-reviewed", {}, {None: (33.33, 1, 3)}),
            # 25 weeks back from 30 September reaches Cy's map of 1 May.
            ("children-map-reviewed", {"weeks": 25}, {None: (66.67, 2, 3)}),
            ("children-map-reviewed", {"group_by": "team"}, {NORTH: (50.0, 1, 2), SOUTH: (0.0, 0, 1)}),
            # Ben's Three Houses.
            ("child-voice-recent", {}, {None: (33.33, 1, 3)}),
            # (A1, child) up, (A1, worker) down, (B1, worker) up; single judgements and October's are left out.
            ("scaling-towards-ten", {}, {None: (66.67, 2, 3)}),
            (
                "scaling-towards-ten",
                {"group_by": "perspective"},
                {"child": (100.0, 1, 1), "social_worker": (50.0, 1, 2)},
            ),
            # A1's latest: 5, 4, 3 (2 apart); B1's: 7, 10 (3 apart).
            ("scaling-perspectives-differ", {}, {None: (50.0, 1, 2)}),
            ("scaling-perspectives-differ", {"gap": 2}, {None: (100.0, 2, 2)}),
            # Cy's second referral, of Cy's and Ada's September referrals.
            ("re-referrals", {}, {None: (50.0, 1, 2)}),
            ("re-referrals", {"group_by": "team"}, {NORTH: (0.0, 0, 1), SOUTH: (100.0, 1, 1)}),
            ("icpc-within-15-days", {}, {None: (50.0, 1, 2)}),
            # A's June plan reviewed on 14 September (due 15th), B's on 21 September (due 16th).
            ("rcpc-on-time", {}, {None: (50.0, 1, 2)}),
            ("rcpc-on-time", {"group_by": "team"}, {NORTH: (100.0, 1, 1), SOUTH: (0.0, 0, 1)}),
            # A's first core group 25 September (due 29th), B's 28 September (due 22nd).
            ("first-core-group-on-time", {}, {None: (50.0, 1, 2)}),
            ("first-core-group-on-time", {"group_by": "team"}, {NORTH: (100.0, 1, 1), SOUTH: (0.0, 0, 1)}),
            # June's plans never had a core group: due 29 and 30 June.
            ("first-core-group-on-time", {"from": "2026-06-01", "to": "2026-06-30"}, {None: (0.0, 0, 2)}),
            # Stepped down 1 October 2025: Ada's held to 1 April; Ben stepped back up, Cy referred again.
            ("step-downs-sustained", {"from": "2026-04-01", "to": "2026-04-30"}, {None: (33.33, 1, 3)}),
            (
                "step-downs-sustained",
                {"from": "2026-04-01", "to": "2026-04-30", "group_by": "team"},
                {NORTH: (50.0, 1, 2), SOUTH: (0.0, 0, 1)},
            ),
            # Nothing stepped down reached 6 months in September.
            ("step-downs-sustained", {}, {None: (None, 0, 0)}),
            # Ada's placement plan agreed 4 September (due 8th), Cy's 25 September (due 21st); Ben's falls due in
            # October, agreed 2 October.
            ("placement-plans-on-time", {}, {None: (50.0, 1, 2)}),
            ("placement-plans-on-time", {"group_by": "team"}, {NORTH: (100.0, 1, 1), SOUTH: (0.0, 0, 1)}),
            ("placement-plans-on-time", {"from": "2026-10-01", "to": "2026-10-31"}, {None: (100.0, 1, 1)}),
            ("audits-good-or-better", {}, {None: (50.0, 1, 2)}),
            ("family-survey-score", {}, {None: (8.0, None, 3)}),
        ],
    )
    async def test_september(
        self,
        module_client: AsyncTestClient[Any],
        auth: TokenFactory,
        council: Council,
        code: str,
        params: JSON,
        expected: JSON,
    ) -> None:
        body = await series(module_client, auth, code, **params)
        asked = SEPTEMBER | params
        assert (body["period"], body["from_date"], body["to_date"]) == ("month", asked["from"], asked["to"])
        assert figures(body) == expected

    async def test_dangers_with_goal_and_scale_this_month(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        """Recorded today, so counted this month: A1 and B1 have scales, A's second does not; B's second was
        entered in error (left out). Case C has none."""
        today = TODAY.isoformat()
        body = await series(module_client, auth, "dangers-with-goal-and-scale", **{"from": today, "to": today})
        assert figures(body) == {None: (66.67, 2, 3)}

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            # Ada's network has three members told both of case A's statements; Cy's only two.
            ({}, {None: (50.0, 1, 2)}),
            ({"members": 2}, {None: (100.0, 2, 2)}),
            # Ada's fourth member was told only the first statement, so is not counted.
            ({"members": 4}, {None: (0.0, 0, 2)}),
            ({"group_by": "team"}, {NORTH: (100.0, 1, 1), SOUTH: (0.0, 0, 1)}),
        ],
    )
    async def test_cp_safety_plan_and_network_this_month(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council, params: JSON, expected: JSON
    ) -> None:
        """Safety plans agreed and networks told today, so counted this month; in September (before anyone was
        told or anything agreed) Ada and Cy were on plans and neither counted."""
        today = TODAY.isoformat()
        body = await series(module_client, auth, "cp-safety-plan-and-network", **{"from": today, "to": today} | params)
        assert figures(body) == expected
        september = await series(module_client, auth, "cp-safety-plan-and-network", members=1)
        assert figures(september) == {None: (0.0, 0, 2)}

    async def test_months_before_anything_was_open_count_nothing(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        body = await series(module_client, auth, "children-map-reviewed", **{"from": "2026-01-15", "to": "2026-03-02"})
        assert [(p["period_start"], p["period_end"]) for p in body["points"]] == [
            ("2026-01-01", "2026-01-31"),
            ("2026-02-01", "2026-02-28"),
            ("2026-03-01", "2026-03-31"),
        ]
        assert {(p["value"], p["denominator"]) for p in body["points"]} == {(None, 0)}

    async def test_a_quarter_holds_its_three_months(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        """Audits held 10 September fall in the quarter July to September."""
        body = await series(module_client, auth, "audits-good-or-better", period="quarter")
        assert [(p["period_start"], p["period_end"], p["value"]) for p in body["points"]] == [
            ("2026-07-01", "2026-09-30", 50.0)
        ]


class TestCatalogue:
    async def test_every_measure_is_defined_with_its_rules(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        body = await ok(await module_client.get("/v1/measures", headers=auth("practice_lead")), 200)
        codes = [m["code"] for m in body["measures"]]
        assert {"children-map-reviewed", "icpc-within-15-days"} <= set(codes)
        for m in body["measures"]:
            assert all((m["definition"], m["numerator_rule"], m["suppression"]))
        weeks = next(m for m in body["measures"] if m["code"] == "children-map-reviewed")["parameters"]
        assert weeks == [
            {"name": "weeks", "description": weeks[0]["description"], "default": 12, "minimum": 1, "maximum": 104}
        ]

    async def test_unknown_measure_is_404_and_bad_grouping_400(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        missing = await module_client.get("/v1/measures/no-such-measure", headers=manager(auth))
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        wrong = await module_client.get(
            "/v1/measures/re-referrals", params={"group_by": "perspective"}, headers=manager(auth)
        )
        assert wrong.status_code == 400, wrong.text
        backwards = await module_client.get(
            "/v1/measures/re-referrals", params={"from": "2026-09-01", "to": "2026-08-01"}, headers=manager(auth)
        )
        assert backwards.status_code == 400


class TestAccess:
    @pytest.mark.parametrize("role", ["social_worker", "conference_chair", "iro", "parent_carer", "integration_client"])
    async def test_other_council_roles_are_refused(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, role: str
    ) -> None:
        for url in ("/v1/measures", "/v1/measures/re-referrals", "/v1/measures/re-referrals/chart"):
            response = await module_client.get(url, headers=auth(role))
            assert response.status_code == 403, (role, url, response.text)

    async def test_partner_agencies_never(self, module_client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        response = await module_client.get(
            "/v1/measures/re-referrals", headers=auth("partner_practitioner", org="ods:RX1")
        )
        assert response.status_code == 403

    @pytest.mark.parametrize("role", ["practice_lead", "auditor"])
    async def test_quality_staff_read(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council, role: str
    ) -> None:
        body = await series(module_client, auth, "re-referrals", headers=auth(role))
        assert figures(body) == {None: (50.0, 1, 2)}

    async def test_another_council_sees_only_its_own(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        body = await series(module_client, auth, "re-referrals", headers=auth("team_manager", org=COUNCIL_B))
        assert body["la_code"] == "846"
        assert figures(body) == {None: (None, 0, 0)}

    async def test_a_team_manager_sees_workers_of_their_own_teams_only(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        body = await series(
            module_client, auth, "children-map-reviewed", headers=manager(auth, [NORTH]), group_by="worker"
        )
        assert figures(body) == {council.w1: (50.0, 1, 2)}
        lead = await series(
            module_client, auth, "children-map-reviewed", headers=auth("practice_lead"), group_by="worker"
        )
        assert len(figures(lead)) == 2

    async def test_one_access_event_per_request(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        headers = auth("team_manager", sub="measures-event-reader", teams=[NORTH])
        await series(module_client, auth, "children-map-reviewed", headers=headers)
        exported = await module_client.get(
            "/v1/measures/children-map-reviewed", params={"format": "csv"} | SEPTEMBER, headers=headers
        )
        assert exported.status_code == 200, exported.text
        events = await ok(
            await module_client.get(
                "/v1/audit-events", params={"actor": "measures-event-reader"}, headers=auth("auditor")
            ),
            200,
        )
        mine = events["items"]
        assert sorted(e["action"] for e in mine) == ["export", "read"]
        assert {(e["object_type"], e["purpose"]) for e in mine} == {("measure", "data_quality")}


class TestExport:
    async def test_csv_suppresses_counts_under_five(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        response = await module_client.get(
            "/v1/measures/children-map-reviewed",
            params=SEPTEMBER | {"group_by": "team"},
            headers=manager(auth) | {"Accept": "text/csv"},
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [(r["group"], r["value"], r["numerator"], r["denominator"]) for r in rows] == [
            (NORTH, "", "<5", "<5"),
            (SOUTH, "", "0", "<5"),
        ]
        assert "50" not in response.text

    async def test_json_inside_the_council_is_exact(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        body = await series(module_client, auth, "children-map-reviewed", group_by="team", format="json")
        assert figures(body)[NORTH] == (50.0, 1, 2)


def parse_svg(content: bytes) -> ET.Element:
    root = ET.fromstring(content)
    assert root.tag == f"{SVG}svg"
    return root


def accessible(root: ET.Element) -> tuple[str, str]:
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert title.text
    assert desc.text
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    return title.text, desc.text


def drawn_values(root: ET.Element) -> dict[str, list[str]]:
    """Each series' values, as pygal writes them (`<desc class="value">` beside each point; a series is drawn in
    several layers, only one of which holds the points)."""
    out: dict[str, list[str]] = {}
    for group in root.iter(f"{SVG}g"):
        if "series" not in (group.get("class") or "").split():
            continue
        serie = next(c for c in (group.get("class") or "").split() if c.startswith("serie-"))
        out.setdefault(serie, []).extend(d.text or "" for d in group.iter(f"{SVG}desc") if d.get("class") == "value")
    return out


def legend(root: ET.Element) -> list[str]:
    """The legend's names, in series order."""
    found = [g for g in root.iter(f"{SVG}g") if "legend" in (g.get("class") or "").split()]
    return [t.text or "" for g in found for t in g.iter(f"{SVG}text")]


class TestCharts:
    async def test_measure_chart_draws_each_value(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        response = await module_client.get(
            "/v1/measures/children-map-reviewed/chart",
            params={"from": "2026-08-01", "to": "2026-09-30", "group_by": "team"},
            headers=manager(auth),
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("image/svg+xml")
        root = parse_svg(response.content)
        title, desc = accessible(root)
        assert title == "Children whose map was reviewed recently"
        assert "Sep 2026 50" in desc
        # August: Ada's map is not yet made (0 of 2 in North); Cy's May map is within 12 weeks of 31 August?
        # 31 August less 12 weeks is 8 June: no, so South is 0 too. September: North 50, South 0.
        assert drawn_values(root) == {"serie-0": ["0", "50"], "serie-1": ["0", "0"]}
        assert legend(root)[:2] == [NORTH, SOUTH]

    async def test_scaling_chart_has_one_line_per_perspective(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        response = await module_client.get(
            f"/v1/danger-statements/{council.danger_a1}/scaling-chart", headers=worker(auth, council.w1)
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("image/svg+xml")
        root = parse_svg(response.content)
        _, desc = accessible(root)
        assert "child: 2 on 2026-08-01, 5 on 2026-09-01, 1 on 2026-10-10" in desc
        drawn = sorted(drawn_values(root).values())
        assert drawn == sorted(
            [
                ["2026-08-01: 2", "2026-09-01: 5", "2026-10-10: 1"],
                ["2026-08-01: 6", "2026-09-01: 4"],
                ["2026-09-20: 3"],
            ]
        )

    async def test_scaling_chart_is_authorised_like_its_series(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        """A worker of no team of the family's case does not find it (404), as with the series."""
        stranger = auth("social_worker", sub="stranger", teams=["Team West"])
        url = f"/v1/danger-statements/{council.danger_a1}"
        assert (await module_client.get(f"{url}/scaling-series", headers=stranger)).status_code == 404
        assert (await module_client.get(f"{url}/scaling-chart", headers=stranger)).status_code == 404


class TestMaterialised:
    """`sos-api measures-refresh` stores each measure's monthly figures; default monthly reads come from them (as of
    their `computed_at`), anything else is worked out from the records. Last in the module: it adds a survey
    response to September."""

    async def test_reads_come_from_the_refresh_until_the_next_one(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council, module_database: str
    ) -> None:
        every = [(m.code, g.value) for m in MEASURES for g in sorted(m.groupings)]
        live = {(code, g): figures(await series(module_client, auth, code, group_by=g)) for code, g in every}
        db = Database(module_database, pool_size=2)
        try:
            written = await refresh(db, months=24)
            assert set(written) == {"845"}  # council B has no case
            stored = {(code, g): figures(await series(module_client, auth, code, group_by=g)) for code, g in every}
            assert stored == live
            before = await series(module_client, auth, "family-survey-score")
            assert figures(before) == {None: (8.0, None, 3)}
            assert dt.datetime.fromisoformat(before["computed_at"]) < dt.datetime.now(dt.UTC)
            survey = {
                "survey_id": "5e0c0d0e-0000-4000-8000-000000000001",
                "case_id": council.a.case_id,
                "respondent_role": "parent_carer",
                "answers": [{"question_id": "q1", "score": 2}],
                "submitted_on": "2026-09-20",
            }
            url = f"/v1/cases/{council.a.case_id}/family-survey-responses"
            await ok(await module_client.post(url, json=survey, headers=worker(auth, council.w1)))
            # Still the stored month; the quarter is worked out now: (6 + 8 + 10 + 2) / 4.
            assert figures(await series(module_client, auth, "family-survey-score")) == {None: (8.0, None, 3)}
            quarter = await series(module_client, auth, "family-survey-score", period="quarter")
            assert figures(quarter) == {None: (6.5, None, 4)}
            # Two councils at once (measures-refresh --jobs 2), B's months stored as empty figures.
            again = await refresh(db, months=24, la_codes=["845", COUNCIL_B.removeprefix("la:")], jobs=2)
            assert again["845"] == written["845"]
            assert again[COUNCIL_B.removeprefix("la:")] > 0
            after = await series(module_client, auth, "family-survey-score")
            assert figures(after) == {None: (6.5, None, 4)}
            assert after["computed_at"] > before["computed_at"]
        finally:
            await db.dispose()


class TestCorrections:
    """A corrected judgement is left out and its correction counted (BR-02, domain 3.6). After TestMaterialised,
    so it reads a quarter (worked out live) and touches only case C, opened in October."""

    async def test_a_correction_replaces_the_judgement_it_corrects(
        self, module_client: AsyncTestClient[Any], auth: TokenFactory, council: Council
    ) -> None:
        client, as_w1 = module_client, worker(auth, council.w1)
        c = Family(council.c_case, council.a.child, council.a.child, council.a.mum, council.a.mum, council.w1)
        url = f"/v1/cases/{c.case_id}/danger-statements"
        body = danger_body(
            c,
            child_ids=[
                (await ok(await client.get(f"/v1/cases/{c.case_id}", headers=as_w1), 200))["members"][0]["person_id"]
            ],
        )
        danger = (await ok(await client.post(url, json=body, headers=as_w1)))["id"]
        question = await scale(client, as_w1, danger)
        first = await judge(client, as_w1, question, council.w1, "social_worker", 3, "2026-10-10")
        await judge(client, as_w1, question, council.w1, "social_worker", 6, "2026-10-20")
        await judge(client, as_w1, question, council.w1, "social_worker", 7, "2026-10-10", corrects=first)
        # Team North this quarter: A1's child (2 -> 1) and worker (6 -> 4) went down; C's worker, corrected, 7 -> 6
        # went down too (3 -> 6 would have been up).
        body = await series(
            module_client,
            auth,
            "scaling-towards-ten",
            period="quarter",
            group_by="team",
            **{"from": "2026-10-01", "to": "2026-12-31"},
        )
        assert figures(body)[NORTH] == (0.0, 0, 3)


class TestFacts:
    """The measure statements read `measure_facts` (migration 0020), which the database keeps from `records` in
    each writer's transaction. Last in the module: after every write above (creates, maps finalised, corrections,
    a survey added after the refresh), each current record of a measured kind has exactly its
    facts, and no facts are left without a record."""

    async def test_every_measured_record_has_its_current_facts(
        self, council: Council, module_database: str, databases: Databases
    ) -> None:
        # As the owner: the app's login sees neither table outside a tenant. Every record of a kind the extract
        # knows (measure_extract is NULL for the rest) is checked, whether or not the trigger wrote its facts.
        engine = create_async_engine(async_url(databases.owner_url(module_database)))
        try:
            async with engine.connect() as conn:
                kinds = (await conn.execute(sa.text("SELECT DISTINCT kind FROM measure_facts"))).scalars().all()
                stale = await conn.execute(
                    sa.text(
                        """
                        SELECT r.kind, r.id FROM records r
                        LEFT JOIN measure_facts m ON m.la_code = r.la_code AND m.id = r.id
                        WHERE measure_extract(r.kind, r.doc) IS NOT NULL AND (
                            m.id IS NULL OR m.f IS DISTINCT FROM measure_extract(r.kind, r.doc)
                            OR (m.kind, m.case_id, m.parent_id, m.status, m.entered_in_error, m.created_at)
                               IS DISTINCT FROM
                               (r.kind, r.case_id, r.parent_id, r.status, r.entered_in_error, r.created_at))
                        UNION ALL
                        SELECT m.kind, m.id FROM measure_facts m
                        WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.la_code = m.la_code AND r.id = m.id)
                        """
                    )
                )
                assert stale.all() == []
                # Maps are created as drafts and finalised by an update: the update reached the facts.
                current = "SELECT count(*) FROM measure_facts WHERE kind = 'assessment_map' AND status = 'current'"
                assert (await conn.execute(sa.text(current))).scalar_one() >= 2
        finally:
            await engine.dispose()
        # Every kind the world wrote that a measure reads is kept (the trigger's list and the statements agree).
        assert {"case", "danger_statement", "scaling_judgement", "conference", "family_survey_response"} <= set(kinds)
