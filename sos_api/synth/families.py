"""The family templates `sos-api synth` copies, each written once through the API in-process (all its validation,
rules, history, case access, outbox and access events), and their shares of the load.

The shares follow England's published national figures (DfE, "Children in need, reporting year 2024" and
"Children looked after in England including adoptions, reporting year 2024", explore-education-statistics.service.
gov.uk): about 621,900 referrals in the year; 399,500 children in need at 31 March, of whom 50,000 were on a child
protection plan and 83,600 were looked after. Taking a year's referrals as the cases a council holds, and the year-
end counts as the cases that went that far: looked after 83.6/621.9 = 13.4%, child protection 50.0/621.9 = 8.0%,
child in need only (399.5 - 50.0 - 83.6)/621.9 = 42.7%, and the rest, 222.4/621.9 = 35.8%, closed after the
referral and assessment. An approximation (stocks against a year's flow), but it keeps the load mostly short
cases and few long child protection ones, as a council's records are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar.testing import TestClient

from ..auth.tokens import mint_token
from ..demo import DEMO_TEAM, DemoFailed, _ok, _say
from ..settings import Settings

JSON = dict[str, Any]
COUNCIL = "la:845"


@dataclass(frozen=True)
class Writer:
    """A client on the in-process app and the tokens a family's writes need (`headers` mints others: a
    conference chair's or an auditor's, which name the person they are)."""

    client: TestClient[Any]
    worker: dict[str, str]
    manager: dict[str, str]
    today: dt.date
    headers: Callable[[str, str, str | None], dict[str, str]]

    def day(self, days_ago: int) -> str:
        return (self.today - dt.timedelta(days=days_ago)).isoformat()

    def post(
        self,
        path: str,
        body: JSON,
        *,
        manager: bool = False,
        version: int | None = None,
        as_: dict[str, str] | None = None,
    ) -> JSON:
        headers = dict(as_ if as_ is not None else self.manager if manager else self.worker)
        if version is not None:
            headers["If-Match"] = f'W/"{version}"'
        expected = 201 if version is None else 200
        return _ok(self.client.post(path, json=body, headers=headers), expected)

    def person(self, given: str, family: str, **extra: Any) -> str:
        return str(self.post("/v1/people", {"given_names": given, "family_name": family, **extra})["id"])

    def social_worker(self, given: str, family: str) -> str:
        role = {
            "agency_type": "other",
            "job_title": "Social worker",
            "organisation": {"name": "Demo City Council", "code": "845"},
        }
        return self.person(given, family, practitioner=role)

    def child(self, given: str, family: str, age_days: int, sex: str) -> str:
        return self.person(given, family, date_of_birth=self.day(age_days), sex=sex)


def writer(settings: Settings, client: TestClient[Any], today: dt.date) -> Writer:
    def headers(role: str, subject: str, person_id: str | None = None) -> dict[str, str]:
        extra: JSON = {"teams": [DEMO_TEAM]} | ({"person_id": person_id} if person_id else {})
        token = mint_token(settings, roles=[role], organisation=COUNCIL, subject=subject, extra=extra)
        return {"Authorization": f"Bearer {token}"}

    return Writer(
        client,
        headers("social_worker", "synth-social-worker"),
        headers("team_manager", "synth-manager"),
        today,
        headers,
    )


def _case(w: Writer, label: str, opened_days_ago: int, members: list[tuple[str, str]]) -> str:
    body = {
        "family_label": label,
        "opened_on": w.day(opened_days_ago),
        "language": "en",
        "team": DEMO_TEAM,
        "members": [{"person_id": p, "role": role} for p, role in members],
    }
    return str(w.post("/v1/cases", body)["id"])


def _referral(w: Writer, case_id: str, children: list[str], days_ago: int, worry: str) -> None:
    body = {
        "received_at": f"{w.day(days_ago)}T10:00:00Z",
        "channel": "phone",
        "referrer": {"type": "school", "name": "Ms J Teacher", "organisation": "Riverside Primary School"},
        "subjects": children,
        "parents_aware": True,
        "consent": "given",
        "worried_what_happened": worry,
        "immediate_danger": False,
        "case_id": case_id,
    }
    w.post("/v1/referrals", body, manager=True)


def _map(
    w: Writer,
    case_id: str,
    children: list[str],
    parent: str,
    worker: str,
    days_ago: int,
    dangers: list[str],
    context: str = "assessment",
) -> JSON:
    body = {
        "children": children,
        "context": context,
        "framing": "safety",
        "mapped_on": w.day(days_ago),
        "participants": [{"person_id": parent, "role": "mum", "present": True}],
        "entries": [
            {
                "category": "harm",
                "text": "The children were left alone overnight twice last month.",
                "perspective": _say("social_worker", worker),
                "when": {"date": w.day(days_ago + 20)},
                "impact_on_child": "The eldest missed school to look after the youngest.",
                "order": 1,
            },
            {
                "category": "existing_strength",
                "text": "Mum walks the children to school every day she is at home.",
                "perspective": _say("parent_carer", parent, own_words=True),
                "order": 2,
            },
            {
                "category": "next_step",
                "text": "Mum to name two people who could look after the children in the evenings.",
                "perspective": _say("social_worker", worker),
                "owner": parent,
                "due_on": w.day(days_ago - 14),
                "order": 3,
            },
        ],
        "danger_ids": dangers,
        "overall_question": {
            "kind": "safety",
            "question_text": "On a scale of 0 to 10, how safe are the children at home?",
            "anchor_10": "Everyone agrees the children are safe enough for us to close the case.",
            "anchor_0": "Things are so bad the children cannot safely stay at home.",
        },
    }
    return w.post(f"/v1/cases/{case_id}/maps", body)


def _finalise(w: Writer, made: JSON) -> None:
    w.post(f"/v1/maps/{made['id']}/finalise", {}, manager=True, version=made["meta"]["version"])


def _danger(w: Writer, case_id: str, children: list[str], worker: str) -> str:
    body = {
        "text": "Children's services are worried that when mum goes out at night the children are left alone and "
        "could be hurt in a fire or an accident with nobody there to help.",
        "who_is_worried": [{"role": "children's services"}, {"role": "school", "agency_type": "school_dsl"}],
        "behaviour": "Mum leaves the children alone overnight when she works late.",
        "likely_impact": "The children could be hurt with no adult to help and grow up feeling unsafe.",
        "family_position": "agrees",
        "child_ids": children,
        "perspective": _say("social_worker", worker),
        "safety_goal": {
            "text": "The children always have a safe adult with them at night.",
            "carer_behaviour": "Mum arranges a network member to stay whenever she works late.",
            "child_experience": "The children go to bed knowing who is in the house.",
            "professional_evidence": "The network log and school see this for three months.",
            "sustain_for": "P3M",
            "goal_holder": "shared",
        },
    }
    return str(w.post(f"/v1/cases/{case_id}/danger-statements", body)["id"])


def _scale(w: Writer, danger: str, judgements: list[tuple[JSON, int, int]]) -> None:
    question = {
        "kind": "safety",
        "question_text": "On a scale of 0 to 10, how safe are the children from this worry?",
        "anchor_10": "Everyone agrees the children are safe enough for us to close the case.",
        "anchor_0": "Things are so bad the children cannot safely stay at home.",
    }
    q = w.post(f"/v1/danger-statements/{danger}/scaling-question", question)["id"]
    for perspective, value, days_ago in judgements:
        body = {"value": value, "perspective": perspective, "reason": "Said at the visit.", "given_on": w.day(days_ago)}
        w.post(f"/v1/scaling-questions/{q}/judgements", body)


def _voice(w: Writer, case_id: str, child: str, worker: str, days_ago: int) -> None:
    tool = {
        "tool": "three_houses",
        "child_id": child,
        "completed_on": w.day(days_ago),
        "worker": worker,
        "child_consent_to_share": {"level": "all"},
        "good_things": [{"text": "Playing football with my friends", "written_by": "child", "order": 0}],
        "worries": [{"text": "Being on my own at night", "written_by": "child", "order": 0}],
        "dreams": [{"text": "Mum is home at bedtime", "written_by": "child", "order": 0}],
    }
    w.post(f"/v1/cases/{case_id}/child-voice", {"tool": tool})


def _episode(w: Writer, case_id: str, child: str, level: str, basis: str, days_ago: int, reason: str) -> None:
    body = {
        "child_id": child,
        "level": level,
        "legal_basis": basis,
        "start_date": w.day(days_ago),
        "start_reason": reason,
    }
    w.post(f"/v1/cases/{case_id}/child-episodes", body)


def _plan(w: Writer, case_id: str, plan: JSON) -> None:
    made = w.post(f"/v1/cases/{case_id}/statutory-plans", plan)
    w.post(
        f"/v1/statutory-plans/{made['id']}/agree",
        {"agreed_on": w.day(20)},
        manager=True,
        version=made["meta"]["version"],
    )


def _common(w: Writer, child: str, lead: str, doer: str) -> JSON:
    return {
        "child_ids": [child],
        "lead": lead,
        "actions": [{"what": "Go to the parenting group every Tuesday.", "who_person_id": doer, "by": w.day(-28)}],
        "contingency": "If the plan is not working the core group meets within a week.",
        "review_schedule": {"next_on": w.day(-90), "rule": "every 3 months"},
    }


def _network(w: Writer, case_id: str, children: list[str], helpers: list[str], dangers: dict[str, int]) -> None:
    """An active safety network, every member told every danger statement (id: version) a month ago."""
    members = [
        {
            "person_id": h,
            "relationship_to_child": {"kind": "grandparent" if n == 0 else "friend"},
            "proposed_by": "parent",
            "commitment": "agreed",
            "commitment_on": w.day(30),
            "joined_on": w.day(30),
            "is_professional": False,
            "knows_dangers": [{"danger_id": d, "version": v, "on": w.day(30)} for d, v in dangers.items()],
        }
        for n, h in enumerate(helpers)
    ]
    body = {"child_ids": children, "purpose": "safety", "status": "active", "members": members}
    w.post(f"/v1/cases/{case_id}/networks", body)


def _at(w: Writer, days_ago: int) -> str:
    return f"{w.day(days_ago)}T10:00:00Z"


def _cp_conferences(w: Writer, case_id: str, children: list[str], parent: str) -> None:
    """The statutory route into and through the plan (Working Together 2023): a strategy discussion with the
    police, the initial conference about 11 working days later deciding a plan (within 15, BR-13), the outline
    plan and its first core group about 4 working days on (within 10), and the first review two months after
    (within 3), which continues the plan. The chair is independent, with a conference_chair involvement."""
    lead = w.social_worker("Sam", "Okafor")
    police = w.person(
        "Dan",
        "Reid",
        practitioner={
            "agency_type": "police",
            "job_title": "Detective constable",
            "organisation": {"name": "West Yorkshire Police", "code": "WYP"},
        },
    )
    chair_person = w.person("Helen", "Ward")
    involvement = {"kind": "conference_chair", "person_id": chair_person, "reason": "statutory_role"}
    w.post(f"/v1/cases/{case_id}/involvements", involvement | {"start_date": w.day(130)}, manager=True)
    chair = w.headers("conference_chair", "synth-chair", chair_person)
    discussion = w.post(
        f"/v1/cases/{case_id}/strategy-discussions",
        {
            "withheld_reason": "Police information is not shared with the family.",
            "child_ids": children,
            "held_at": _at(w, 115),
            "format": "virtual",
            "chair": lead,
            "participants": [
                {"agency": "childrens_social_care", "person_id": lead, "role": "social worker"},
                {"agency": "police", "person_id": police, "role": "detective constable"},
            ],
            "outcome": "s47_joint_with_police",
            "immediate_protection": "none",
            "criminal_investigation": False,
            "medical_needed": False,
            "interview_planned": False,
            "family_informed": {"informed": True},
        },
        manager=True,
    )
    w.post(f"/v1/strategy-discussions/{discussion['id']}/finalise", {}, manager=True, version=1)
    icpc = w.post(
        f"/v1/cases/{case_id}/conferences",
        {
            "type": "initial",
            "child_ids": children,
            "strategy_discussion_id": discussion["id"],
            "chair": chair_person,
            "held_at": _at(w, 100),
        },
        manager=True,
    )
    decision = {"decision": "cp_plan", "category": "neglect", "core_group": children}
    w.post(f"/v1/conferences/{icpc['id']}/decision", decision, version=icpc["meta"]["version"], as_=chair)
    plan = w.post(
        f"/v1/cases/{case_id}/statutory-plans",
        {
            "plan_type": "child_protection",
            "child_ids": children,
            "lead": lead,
            "conference_id": icpc["id"],
            "category": "neglect",
            "outline": True,
            "actions": [
                {
                    "what": "Mum tells the worker who is looking after the children.",
                    "who_person_id": parent,
                    "by": w.day(70),
                }
            ],
            "review_schedule": {"next_on": w.day(10)},
        },
    )
    w.post(f"/v1/cases/{case_id}/core-groups", {"cp_plan_id": plan["id"], "held_on": w.day(94), "chair": lead})
    review = w.post(
        f"/v1/cases/{case_id}/conferences",
        {"type": "review", "child_ids": children, "chair": chair_person, "held_at": _at(w, 40)},
        manager=True,
    )
    w.post(
        f"/v1/conferences/{review['id']}/decision",
        {"decision": "cp_plan_continues", "category": "neglect"},
        version=review["meta"]["version"],
        as_=chair,
    )


# --- the templates -----------------------------------------------------------------------------------------


def referral_closed(w: Writer) -> None:
    """A referral that closed after assessment: the child, a parent and the worker, the referral, one draft map."""
    child = w.child("Olivia", "Smith", 9 * 365, "female")
    mum = w.person("Emma", "Smith", sex="female")
    lead = w.social_worker("Priya", "Worker")
    case_id = _case(w, "Smith family", 60, [(child, "child"), (mum, "parent")])
    _referral(w, case_id, [child], 60, "Olivia came to school hungry three days running.")
    _map(w, case_id, [child], mum, lead, 40, [])
    made = w.client.get(f"/v1/cases/{case_id}", headers=w.manager)
    _ok(made, 200)
    close = {"closed_on": w.day(30), "closure_reason": "nfa_after_assessment"}
    w.post(f"/v1/cases/{case_id}/close", close, manager=True, version=made.json()["meta"]["version"])


def child_in_need(w: Writer) -> None:
    """A child in need case: a map in two versions, a danger statement with its goal and scale, three judgements
    (the worker's twice, the child's once), the children's episodes, a child in need plan, a child's voice and a
    small network."""
    girl = w.child("Ruby", "Jones", 11 * 365, "female")
    boy = w.child("Leo", "Jones", 6 * 365, "male")
    mum = w.person("Kate", "Jones", sex="female")
    nan = w.person("Grace", "Jones", sex="female")
    lead = w.social_worker("Priya", "Worker")
    children = [girl, boy]
    case_id = _case(w, "Jones family", 150, [(girl, "child"), (boy, "child"), (mum, "parent"), (nan, "network_member")])
    _referral(w, case_id, children, 150, "Ruby told school she looks after Leo at night.")
    danger = _danger(w, case_id, children, lead)
    _scale(
        w,
        danger,
        [
            (_say("social_worker", lead), 3, 100),
            (_say("social_worker", lead), 6, 20),
            (_say("child", girl, own_words=True), 4, 20),
        ],
    )
    _finalise(w, _map(w, case_id, children, mum, lead, 100, [danger]))
    for child in children:
        _episode(w, case_id, child, "child_in_need", "s17", 120, "new_referral")
    _plan(w, case_id, {"plan_type": "child_in_need", **_common(w, girl, lead, mum)})
    _voice(w, case_id, girl, lead, 30)
    _network(w, case_id, children, [nan], {danger: 1})
    # Leo steps down to early help; his 6 months end after the load's today, or before it once the copy's dates
    # are moved back (step-downs sustained).
    step = {"child_ids": [boy], "from_level": "child_in_need", "to_level": "early_help", "decided_on": w.day(40)}
    w.post(
        f"/v1/cases/{case_id}/step-changes",
        step | {"reason": "Agreed at review.", "family_consent": True},
        manager=True,
    )
    _quality(w, case_id, mum, 25)


def _quality(w: Writer, case_id: str, parent: str, days_ago: int) -> None:
    """Practice quality: a single-agency audit graded good, and mum's answers to the family survey."""
    auditor = w.social_worker("Ann", "Auditor")
    audit = {
        "type": "single_agency",
        "case_id": case_id,
        "auditor": auditor,
        "practitioner_present": False,
        "held_on": w.day(days_ago),
        "grade": "good",
    }
    w.post(f"/v1/cases/{case_id}/case-audits", audit, as_=w.headers("auditor", "synth-auditor", auditor))
    answers = [{"question_id": "q1", "score": 7}, {"question_id": "q2", "score": 9}]
    response = {
        "survey_id": "5e0c0d0e-0000-4000-8000-000000000001",
        "case_id": case_id,
        "respondent_role": "parent_carer",
        "answers": answers,
        "submitted_on": w.day(days_ago - 5),
    }
    w.post(f"/v1/cases/{case_id}/family-survey-responses", response)


def child_protection(w: Writer, case_id: str) -> None:
    """What makes the demo family's case a child protection case: the children's episodes, a safety network told
    the dangers, an agreed safety plan, a child protection plan and the child's voice."""
    case = _ok(w.client.get(f"/v1/cases/{case_id}", headers=w.manager), 200)
    children = [m["person_id"] for m in case["members"] if m["role"] == "child"]
    network = [m["person_id"] for m in case["members"] if m["role"] == "network_member"]
    parents = [m["person_id"] for m in case["members"] if m["role"] == "parent"]
    checker = next(m["person_id"] for m in case["members"] if m["role"] == "professional")
    listed = _ok(w.client.get(f"/v1/cases/{case_id}/danger-statements", headers=w.manager), 200)
    dangers = {d["id"]: d["meta"]["version"] for d in listed["items"]}
    _cp_conferences(w, case_id, children, parents[0])
    for child in children:
        _episode(w, case_id, child, "child_protection", "s47", 100, "conference_decision")
    _network(w, case_id, children, network, dangers)
    rules = [
        {
            "text": "Nan takes the children to hers whenever the adults argue or drink.",
            "danger_id": d,
            "responsible": [network[0]],
            "how_checked": "Nan texts the worker each time.",
            "checked_by": checker,
        }
        for d in dangers
    ]
    plan = {
        "child_ids": children,
        "kind": "family_safety_plan",
        "danger_ids": list(dangers),
        "rules": rules,
        "if_child_feels_unsafe": [{"step": "Go next door and tell Nan.", "contact": network[0]}],
        "if_plan_not_followed": "Nan tells the worker the same day, or the out-of-hours team at night.",
        "monitoring": "The school and the network tell the worker each week how things are.",
        "review_on": w.day(-60),
    }
    made = w.post(f"/v1/cases/{case_id}/safety-plans", plan)
    for person, role in ((network[0], "grandparent"), *((p, "parent") for p in parents)):
        agreement = {"person_id": person, "role": role, "method": "verbal"}
        made = w.post(f"/v1/safety-plans/{made['id']}/agreements", agreement, version=made["meta"]["version"])
    w.post(f"/v1/safety-plans/{made['id']}/agree", {}, manager=True, version=made["meta"]["version"])
    _voice(w, case_id, children[0], checker, 20)


def looked_after(w: Writer) -> None:
    """A looked-after child: the referral, the episode, an agreed placement plan, a danger statement with its scale,
    the review's map and the child's voice."""
    child = w.child("Mia", "Taylor", 13 * 365, "female")
    mum = w.person("Sophia", "Taylor", sex="female")
    carer = w.person("Ella", "Brown", sex="female")
    lead = w.social_worker("Tom", "Worker")
    case_id = _case(w, "Taylor family", 400, [(child, "child"), (mum, "parent"), (carer, "network_member")])
    _referral(w, case_id, [child], 400, "Mia told her teacher she was scared to go home.")
    danger = _danger(w, case_id, [child], lead)
    _scale(w, danger, [(_say("social_worker", lead), 5, 60), (_say("child", child, own_words=True), 7, 60)])
    _finalise(w, _map(w, case_id, [child], mum, lead, 60, [danger], "lac_review"))
    _episode(w, case_id, child, "looked_after", "s20_accommodated", 300, "new_referral")
    start = w.day(300)
    key = {"person_id": lead, "name": "Tom Worker", "contact": "0113 000 0000"}
    plan = {
        "plan_type": "placement",
        **_common(w, child, lead, carer),
        "placement": {
            "start": start,
            "type": "foster_other",
            "provider_name": "Synthetic Fostering Agency",
            "address": {"lines": ["1 Example Street", "Leeds"], "postcode": "LS1 4AP"},
        },
        "how_placement_meets_needs": "Near her school and her friends.",
        "day_to_day_care": "The carer does school runs and bedtime routines.",
        "contact": {"how_changes_notified": "The social worker phones the carer and mum."},
        "health": {
            "gp": {"name": "Example Surgery"},
            "dentist": {"name": "Example Dental"},
            "consent_to_treatment_arrangements": "Council consents.",
        },
        "education": {"school": {"name": "Example Primary School"}, "designated_teacher": "Ms Teacher"},
        "visits": {"frequency": "P6W"},
        "termination_circumstances": "If the carer can no longer keep her safe.",
        "key_contacts": {"iro": key, "social_worker": key},
        "foster_specific": {"financial_support": "Standard fostering allowance."},
        "child_wishes_feelings": {"text": "I like it here but I miss mum.", "on": start},
        "iro_informed_on": start,
        "signed_by_appropriate_person": {"person_id": carer, "on": start},
    }
    _plan(w, case_id, plan)
    _voice(w, case_id, child, lead, 40)


@dataclass(frozen=True)
class Kind:
    name: str
    share: float  # of all cases (the module doc's figures)
    build: Callable[[Writer], None] | None  # None: the demo family (sos_api/demo.py), made child protection here


KINDS = (
    Kind("child_protection", 0.080, None),
    Kind("referral_closed", 0.358, referral_closed),
    Kind("child_in_need", 0.427, child_in_need),
    Kind("looked_after", 0.134, looked_after),
)

__all__ = ["KINDS", "DemoFailed", "Kind", "Writer", "child_protection", "writer"]
