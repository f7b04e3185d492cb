"""`sos-api demo`: a small synthetic family, loaded through the API itself (same validation, rules and audit).

The Khan family (all names invented): Amira (7) and baby Yusuf, mum Sara, dad Imran, grandma Fatima and a
family friend in the network. One map with all three columns filled from several perspectives, two danger
statements with safety goals and scales, and judgements over three dates showing change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import TestClient

from .app import create_app
from .auth.tokens import mint_token
from .settings import Settings


class DemoFailed(RuntimeError):
    pass


def _ok(response: Any, expected: int = 201) -> dict[str, Any]:
    if response.status_code != expected:
        raise DemoFailed(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
        )
    body: dict[str, Any] = response.json()
    return body


def _say(role: str, person: str, *, own_words: bool = False, agency: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"perspective_role": role, "own_words": own_words, "perspective_person_id": person}
    if agency:
        out["agency_type"] = agency
    return out


DEMO_TEAM = "Central assessment team"


def load_demo(settings: Settings, database_url: str, *, organisation: str = "la:845") -> str:
    """Create the demo family and return a short summary with the ids a new user needs."""
    app = create_app(settings, database_url=database_url)
    team = {"teams": [DEMO_TEAM]}
    worker = mint_token(
        settings, roles=["social_worker"], organisation=organisation, subject="demo-social-worker", extra=team
    )
    manager = mint_token(
        settings, roles=["team_manager"], organisation=organisation, subject="demo-team-manager", extra=team
    )
    as_worker = {"Authorization": f"Bearer {worker}"}
    as_manager = {"Authorization": f"Bearer {manager}"}
    today = dt.date.today()

    with TestClient(app) as client:

        def person(given: str, family: str = "Khan", **extra: Any) -> str:
            body = {"given_names": given, "family_name": family, **extra}
            return str(_ok(client.post("/v1/people", json=body, headers=as_worker))["id"])

        amira = person("Amira", date_of_birth=(today - dt.timedelta(days=7 * 365 + 40)).isoformat(), sex="female")
        yusuf = person("Yusuf", date_of_birth=(today - dt.timedelta(days=300)).isoformat(), sex="male")
        sara = person("Sara", sex="female")
        imran = person("Imran", sex="male")
        fatima = person("Fatima", "Begum", sex="female")
        dev = person("Dev", "Patel", sex="male")

        def practitioner(given: str, family: str, agency_type: str, job_title: str, employer: dict[str, str]) -> str:
            role = {"agency_type": agency_type, "job_title": job_title, "organisation": employer}
            return person(given, family, practitioner=role)

        nurse = practitioner(
            "Jo", "Carter", "school_nurse", "School nurse", {"name": "Leeds Community Healthcare", "code": "RY6"}
        )
        sam = practitioner("Sam", "Okafor", "other", "Social worker", {"name": "Demo City Council", "code": "845"})

        case = _ok(
            client.post(
                "/v1/cases",
                headers=as_worker,
                json={
                    "family_label": "Khan family",
                    "opened_on": (today - dt.timedelta(days=120)).isoformat(),
                    "language": "en",
                    "team": DEMO_TEAM,
                    "members": [
                        {"person_id": amira, "role": "child"},
                        {"person_id": yusuf, "role": "child"},
                        {"person_id": sara, "role": "parent"},
                        {"person_id": imran, "role": "parent"},
                        {"person_id": fatima, "role": "network_member"},
                        {"person_id": dev, "role": "network_member"},
                        {"person_id": nurse, "role": "professional"},
                    ],
                },
            )
        )
        case_id = case["id"]
        children = [amira, yusuf]

        # The genogram: each parent's line to each child, with parental responsibility, as the worker records it.
        for parent, basis in ((sara, "birth_mother"), (imran, "married_father")):
            for child in children:
                line = {"person_a": parent, "person_b": child, "kind": "birth_parent", "has_pr": True}
                line |= {"pr_basis": basis, "lives_with": True, "perspective": _say("social_worker", sam)}
                _ok(client.post(f"/v1/cases/{case_id}/relationships", headers=as_worker, json=line))

        goal_drinking = {
            "text": "Amira and Yusuf are always looked after by a sober adult who keeps them safe and calm.",
            "carer_behaviour": "Imran stays sober when caring for the children; Sara or Fatima step in if not.",
            "child_experience": "Bedtimes are calm and Amira does not have to look after her brother.",
            "professional_evidence": "School, the health visitor and the network see this every week for six months.",
            "sustain_for": "P6M",
            "goal_holder": "shared",
        }
        danger_drinking = _ok(
            client.post(
                f"/v1/cases/{case_id}/danger-statements",
                headers=as_worker,
                json={
                    "text": "Children's services and school are worried that when Imran drinks he shouts and throws "
                    "things, and Amira and Yusuf could be hurt or frightened and learn that home is not safe.",
                    "who_is_worried": [
                        {"role": "children's services"},
                        {"role": "school", "agency_type": "school_dsl"},
                    ],
                    "behaviour": "Imran drinks heavily at weekends and shouts and throws things.",
                    "likely_impact": "The children could be hurt by thrown objects and grow up frightened at home.",
                    "family_position": "partly_agrees",
                    "dispute": "Imran agrees he drinks too much but says he never threw anything near the children.",
                    "child_ids": children,
                    "perspective": {"perspective_role": "shared", "own_words": False, "agreed_by": [sam, sara]},
                    "safety_goal": goal_drinking,
                },
            )
        )
        danger_school = _ok(
            client.post(
                f"/v1/cases/{case_id}/danger-statements",
                headers=as_worker,
                json={
                    "text": "School is worried that when Amira misses school she falls behind and loses friends.",
                    "who_is_worried": [{"role": "school", "agency_type": "school_dsl"}],
                    "behaviour": "Amira is kept home on Mondays after difficult weekends.",
                    "likely_impact": "Amira could fall behind in reading and feel left out.",
                    "family_position": "agrees",
                    "child_ids": [amira],
                    "perspective": _say("agency", nurse, agency="school_nurse"),
                    "safety_goal": {
                        "text": "Amira goes to school every day, on time, with her reading book.",
                        "carer_behaviour": "Sara takes Amira to school; Dev does the Monday school run.",
                        "child_experience": "Amira sees her friends every day and enjoys reading.",
                        "professional_evidence": "Attendance is above 95% for a whole term.",
                        "sustain_for": "P3M",
                        "goal_holder": "family",
                    },
                },
            )
        )

        questions = {}
        for danger in (danger_drinking, danger_school):
            questions[danger["id"]] = _ok(
                client.post(
                    f"/v1/danger-statements/{danger['id']}/scaling-question",
                    headers=as_worker,
                    json={
                        "kind": "safety",
                        "question_text": "On a scale of 0 to 10, how safe are the children from this worry?",
                        "anchor_10": "Everyone agrees the children are safe enough for us to close the case.",
                        "anchor_0": "Things are so bad the children cannot safely stay at home.",
                    },
                )
            )["id"]

        dates = [today - dt.timedelta(days=d) for d in (90, 45, 5)]
        voices = [
            (_say("social_worker", sam), [3, 5, 6], "Imran has started the alcohol service and the network checks in."),
            (_say("parent_carer", sara, own_words=True), [5, 6, 8], "Imran has not been drunk at home since summer."),
            (_say("child", amira, own_words=True), [2, 5, 7], "Daddy doesn't shout as much now."),
            (_say("agency", nurse, agency="school_nurse"), [3, 4, 6], "Amira is calmer at school."),
        ]
        for question_id in questions.values():
            for perspective, values, reason in voices:
                for on, value in zip(dates, values, strict=True):
                    judgement = {
                        "value": value,
                        "perspective": perspective,
                        "reason": reason,
                        "given_on": on.isoformat(),
                    }
                    path = f"/v1/scaling-questions/{question_id}/judgements"
                    _ok(client.post(path, headers=as_worker, json=judgement))

        entries = [
            {
                "category": "harm",
                "text": "In June Imran threw a glass that broke near Yusuf's cot.",
                "perspective": _say("social_worker", sam),
                "when": {"date": (today - dt.timedelta(days=150)).isoformat()},
                "impact_on_child": "Amira hid in her room and wet the bed for a week.",
                "order": 1,
            },
            {
                "category": "complicating_factor",
                "text": "Imran lost his job in spring and money is tight.",
                "perspective": _say("parent_carer", imran, own_words=True),
                "order": 2,
            },
            {
                "category": "existing_strength",
                "text": "Sara reads with Amira every night and knows her teacher well.",
                "perspective": _say("agency", nurse, agency="school_nurse"),
                "order": 3,
            },
            {
                "category": "existing_strength",
                "text": "Mummy makes the best pancakes and takes us to the park.",
                "perspective": _say("child", amira, own_words=True),
                "order": 4,
            },
            {
                "category": "existing_safety",
                "text": "When Imran came home drunk in July, Sara took the children to Fatima's flat for the night.",
                "perspective": _say("parent_carer", sara, own_words=True),
                "when": {"date": (today - dt.timedelta(days=130)).isoformat()},
                "danger_ids": [danger_drinking["id"]],
                "order": 5,
            },
            {
                "category": "grey_area",
                "text": "Whether Imran drinks during the week is not yet known.",
                "perspective": _say("social_worker", sam),
                "order": 6,
            },
            {
                "category": "next_step",
                "text": "Hold a network meeting so Fatima and Dev hear the worries.",
                "perspective": _say("social_worker", sam),
                "owner": sara,
                "due_on": (today + dt.timedelta(days=14)).isoformat(),
                "order": 7,
            },
        ]
        the_map = _ok(
            client.post(
                f"/v1/cases/{case_id}/maps",
                headers=as_worker,
                json={
                    "children": children,
                    "context": "assessment",
                    "framing": "safety",
                    "mapped_on": (today - dt.timedelta(days=5)).isoformat(),
                    "participants": [
                        {"person_id": sara, "role": "mum", "present": True},
                        {"person_id": imran, "role": "dad", "present": True},
                        {"person_id": amira, "role": "child", "present": False},
                        {"person_id": nurse, "role": "school nurse", "present": True},
                    ],
                    "entries": entries,
                    "danger_ids": [danger_drinking["id"], danger_school["id"]],
                    "family_goals": [
                        {
                            "text": "We want to be a happy family again and for Amira to stop worrying.",
                            "perspective": _say("parent_carer", sara, own_words=True),
                        }
                    ],
                    "overall_question": {
                        "kind": "safety",
                        "question_text": "On a scale of 0 to 10, how safe are Amira and Yusuf at home?",
                        "anchor_10": "Everyone agrees the children are safe enough for us to close the case.",
                        "anchor_0": "Things are so bad the children cannot safely stay at home.",
                    },
                    "analysis": "Imran's drinking is the main worry; the family have already shown real safety by "
                    "using Fatima's flat. A network plan is the next step.",
                },
            )
        )
        finalised = _ok(
            client.post(
                f"/v1/maps/{the_map['id']}/finalise",
                headers=as_manager | {"If-Match": f'W/"{the_map["meta"]["version"]}"'},
                json={},
            ),
            200,
        )

    return "\n".join(
        [
            "Loaded the Khan family (synthetic):",
            f"  case            {case_id}",
            f"  current map     {finalised['id']} (status {finalised['status']})",
            f"  danger          {danger_drinking['id']} (drinking)",
            f"  danger          {danger_school['id']} (school attendance)",
            "Try:",
            f'  TOKEN=$(sos-api token --role social_worker --team "{DEMO_TEAM}")',
            f'  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/v1/cases/{case_id}/maps/current',
            f'  curl -H "Authorization: Bearer $TOKEN" '
            f"http://127.0.0.1:8000/v1/danger-statements/{danger_drinking['id']}/scaling-series",
        ]
    )
