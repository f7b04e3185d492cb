"""One family through the Signs of Safety tools, over HTTP only, each step as the role who would take it (issue 10).

Amira is nine. Her mum Grace and dad Sam live with her; the worries are Sam's drinking and the fights at home, and
Amira being left alone at night. The team manager opens and allocates the case; the allocated social worker
records the genogram, the danger statements and their scales, the map (finalised by the manager), the safety
network of four (Nan, a neighbour, an aunt and a family friend, all told the danger statements), and a safety
plan. The first plan leaves a danger uncovered and is refused (BR-07, naming it); the next version covers both and
is agreed by each parent as themselves and then by the manager. Its six-week trial has three check-ins, one each
from Grace, Nan and the worker. Amira's Three Houses is shared with her mum only, so her dad's token never sees it.
She says one worry makes her feel unsafe, which alerts her worker and team at once. A words-and-pictures story is
written, agreed and presented, after which it is frozen (BR-12). The case summary shows all of it, each caller
seeing only what they may.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient

from sos_api.resources.service import today
from tests.api.conftest import COUNCIL_A, TokenFactory
from tests.api.journey import Journey as Cast
from tests.api.test_dangers import Family, danger_body, if_match, question_body, said_by
from tests.api.test_maps import map_body

TODAY = today()
TEAM = "Team East"
JSON = dict[str, Any]


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


class Journey(Cast):
    @property
    def family(self) -> Family:
        i = self.ids
        return Family(i["case"], i["amira"], i["amira"], i["grace"], i["sam"], i["worker"])


async def open_the_case(j: Journey) -> None:
    """The front door has passed the family on: people are registered, the manager opens and allocates the case."""
    born_nine_years_ago = TODAY.replace(year=TODAY.year - 9) - dt.timedelta(days=30)
    people = {
        "amira": {"given_names": "Amira", "date_of_birth": born_nine_years_ago.isoformat()},
        "grace": {"given_names": "Grace"},
        "sam": {"given_names": "Sam"},
        "nan": {"given_names": "Rose", "family_name": "Hale"},
        "neighbour": {"given_names": "Joy", "family_name": "Mensah"},
        "aunt": {"given_names": "Sara"},
        "friend": {"given_names": "Kim", "family_name": "Lee"},
        "worker": {"given_names": "Priya", "family_name": "Shah"},
        "manager": {"given_names": "Tom", "family_name": "Reed"},
    }
    registrar = j.auth("social_worker", COUNCIL_A, sub="front-door", teams=["Front Door"])
    for name, person in people.items():
        made = await j.ok("POST", "/v1/people", registrar, {"family_name": "Khan"} | person, expect=201)
        j.ids[name] = made["id"]
    i = j.ids
    case = {
        "family_label": "Khan family",
        "opened_on": days_ago(60),
        "members": [
            {"person_id": i["amira"], "role": "child"},
            {"person_id": i["grace"], "role": "parent"},
            {"person_id": i["sam"], "role": "parent"},
            {"person_id": i["nan"], "role": "network_member"},
            {"person_id": i["aunt"], "role": "network_member"},
        ],
        "allocated_worker": i["worker"],
        "team": TEAM,
        "team_manager": i["manager"],
    }
    j.ids["case"] = (await j.ok("POST", "/v1/cases", j.manager, case, expect=201))["id"]


async def draw_the_genogram(j: Journey) -> None:
    i, url = j.ids, f"/v1/cases/{j.ids['case']}/relationships"
    lines = [
        ("grace", "birth_parent", {"has_pr": True, "pr_basis": "birth_mother", "lives_with": True}),
        ("sam", "birth_parent", {"has_pr": True, "pr_basis": "married_father", "lives_with": True}),
        ("nan", "grandparent", {}),
        ("aunt", "aunt_uncle", {}),
    ]
    for adult, kind, pr in lines:
        body = {"person_a": i[adult], "person_b": i["amira"], "kind": kind, "perspective": said_by(i["worker"])}
        await j.ok("POST", url, j.worker, body | pr, expect=201)
    genogram = await j.ok("GET", url, j.worker)
    assert len(genogram["items"]) == 4
    # Sam, as a parent, sees the family's genogram too.
    assert len((await j.ok("GET", url, j.token("parent_carer", "sam")))["items"]) == 4


async def map_the_worries(j: Journey) -> tuple[JSON, JSON]:
    """Two danger statements with their safety scales, numbers from the worker (twice), Grace and Amira, and the
    map finalised by the manager."""
    f, url = j.family, f"/v1/cases/{j.ids['case']}/danger-statements"
    fights = await j.ok("POST", url, j.worker, danger_body(f), expect=201)
    alone_text = "Children's services are worried Amira could be hurt or frightened when left alone at night."
    alone = await j.ok("POST", url, j.worker, danger_body(f, text=alone_text), expect=201)
    for danger in (fights, alone):
        await j.ok("POST", f"/v1/danger-statements/{danger['id']}/scaling-question", j.worker, question_body(), 201)
    fights = await j.ok("GET", f"/v1/danger-statements/{fights['id']}", j.worker)
    scale = f"/v1/scaling-questions/{fights['safety_goal']['scale_question_id']}/judgements"
    for who, role, value, on in (
        ("worker", "social_worker", 3, days_ago(40)),
        ("worker", "social_worker", 5, days_ago(10)),
        ("grace", "parent_carer", 7, days_ago(10)),
        ("amira", "child", 4, days_ago(10)),
    ):
        body = {"value": value, "perspective": said_by(j.ids[who], role), "given_on": on, "reason": "What we saw."}
        token = j.worker if who == "worker" else j.token(role, who)
        await j.ok("POST", scale, token, body, expect=201)
    made = await j.ok(
        "POST", f"/v1/cases/{j.ids['case']}/maps", j.worker, map_body(f, [fights["id"], alone["id"]]), 201
    )
    finalised = await j.act(f"/v1/maps/{made['id']}", "finalise", j.manager, {})
    assert finalised["status"] == "current"
    overall = f"/v1/scaling-questions/{finalised['overall_question_id']}/judgements"
    for value, on in ((2, days_ago(45)), (4, days_ago(5))):
        body = {"value": value, "perspective": said_by(j.ids["worker"]), "given_on": on}
        await j.ok("POST", overall, j.worker, body, expect=201)
    alone = await j.ok("GET", f"/v1/danger-statements/{alone['id']}", j.worker)
    return fights, alone


async def build_the_network(j: Journey, dangers: list[JSON]) -> JSON:
    """Four people who have agreed to help and been told both danger statements as they read now."""
    i = j.ids
    told = [{"danger_id": d["id"], "version": d["meta"]["version"], "on": days_ago(30)} for d in dangers]

    def member(who: str, kind: str, roles: list[str], **extra: Any) -> JSON:
        return {
            "person_id": i[who],
            "relationship_to_child": {"kind": kind},
            "proposed_by": "parent",
            "roles": roles,
            "commitment": "agreed",
            "commitment_on": days_ago(30),
            "knows_dangers": told,
            "contact": [{"kind": "phone", "value": "07700 900456", "share_with_family": True}],
            "joined_on": days_ago(30),
            "is_professional": False,
        } | extra

    body = {
        "child_ids": [i["amira"]],
        "purpose": "safety",
        "status": "active",
        "members": [
            member("nan", "grandparent", ["overnight_carer"], checks="clear"),
            member(
                "neighbour", "friend", ["daily_check_in"], relationship_to_child={"kind": "friend", "text": "neighbour"}
            ),
            member("aunt", "aunt_uncle", ["safe_adult_for_child"]),
            member("friend", "friend", ["school_run"]),
        ],
    }
    return dict(await j.ok("POST", f"/v1/cases/{i['case']}/networks", j.worker, body, expect=201))


def rule(j: Journey, danger: JSON, text: str, who: list[str]) -> JSON:
    return {
        "text": text,
        "danger_id": danger["id"],
        "responsible": [j.ids[w] for w in who],
        "how_checked": "Nan texts the worker each morning.",
        "checked_by": j.ids["worker"],
    }


async def agree_the_plan(j: Journey, fights: JSON, alone: JSON) -> JSON:
    """A plan that leaves Amira's nights alone uncovered is refused, naming that danger; the next version covers
    both, each parent agrees as themselves, and the manager agrees it at the network meeting three weeks ago."""
    i, grace, sam = j.ids, j.token("parent_carer", "grace"), j.token("parent_carer", "sam")
    plan = {
        "child_ids": [i["amira"]],
        "kind": "family_safety_plan",
        "danger_ids": [fights["id"]],
        "rules": [rule(j, fights, "Nan stays over whenever Sam has been drinking.", ["nan", "grace"])],
        "if_child_feels_unsafe": [{"step": "Go next door to Joy's and tell her.", "contact": i["neighbour"]}],
        "if_plan_not_followed": "Nan tells the worker the same day, or the out-of-hours team at night.",
        "monitoring": "Nan and the school tell the worker each week how things are.",
        "review_on": (TODAY + dt.timedelta(days=60)).isoformat(),
        "check_in_every_days": 7,
    }
    draft = await j.ok("POST", f"/v1/cases/{i['case']}/safety-plans", j.worker, plan, expect=201)
    url = f"/v1/safety-plans/{draft['id']}"
    for who in ("grace", "sam"):
        await j.act(url, "agreements", j.token("parent_carer", who), {"role": "parent", "method": "signed"})
    refused = await j.act(url, "agree", j.manager, {"on": days_ago(21)}, expect=422)
    assert refused["type"].endswith("/danger-not-covered")
    assert alone["id"] in refused["detail"]
    assert fights["id"] not in refused["detail"]
    plan["danger_ids"].append(alone["id"])
    plan["rules"].append(
        rule(j, alone, "Amira is never left alone at night: Sara or Nan comes over.", ["aunt", "grace"])
    )
    current = await j.ok("GET", url, j.worker)
    edited = await j.ok("PUT", url, j.worker | if_match(current["meta"]["version"]), plan)
    assert edited["agreements"] == []  # they agreed to other words
    for headers in (grace, sam):
        await j.act(url, "agreements", headers, {"role": "parent", "method": "signed", "on": days_ago(21)})
    # Sara holds a rule as a network member: the worker records the agreement she gave at the meeting.
    await j.act(url, "agreements", j.worker, {"person_id": i["aunt"], "role": "aunt", "method": "verbal"})
    await j.act(url, "agreements", j.worker, {"person_id": i["nan"], "role": "Nan", "method": "signed"})
    agreed = await j.act(url, "agree", j.manager, {"on": days_ago(21)})
    assert agreed["status"] == "agreed"
    assert agreed["agency_approval"]["by"] == i["manager"]
    assert {a["person_id"] for a in agreed["agreements"]} >= {i["grace"], i["sam"]}
    return dict(agreed)


async def try_the_plan(j: Journey, plan: JSON) -> None:
    """A six-week trial started three weeks ago, with a check-in each week from Grace, Nan and the worker."""
    url = f"/v1/safety-plans/{plan['id']}"
    trial = {"started_on": days_ago(20), "trial_ends_on": (TODAY + dt.timedelta(days=22)).isoformat()}
    started = await j.act(url, "trial", j.worker, trial)
    assert started["status"] == "in_trial"
    for who, role, on in (("grace", "parent_carer", 19), ("nan", "network_member", 12), ("worker", "social_worker", 5)):
        body = {
            "on": days_ago(on),
            "reporter": said_by(j.ids[who], role),
            "rule_id": plan["rules"][0]["id"],
            "kept": "yes",
            "note": "Sam went to his brother's after the match, as agreed.",
        }
        headers = j.worker if who == "worker" else j.token(role, who)
        await j.ok("POST", f"{url}/check-ins", headers, body, expect=201)


async def hear_amira(j: Journey) -> JSON:
    """Amira's Three Houses, in her own words; she agrees to share it with her mum, not her dad."""
    i = j.ids
    item = lambda text, order: {"text": text, "written_by": "child", "order": order}  # noqa: E731
    body = {
        "tool": {
            "tool": "three_houses",
            "child_id": i["amira"],
            "completed_on": days_ago(7),
            "worker": i["worker"],
            "child_consent_to_share": {"level": "some", "with_whom": [i["grace"]]},
            "good_things": [item("When Nan does my hair", 0)],
            "worries": [item("When Dad shouts at Mum", 0) | {"makes_me_unsafe": True}],
            "dreams": [item("Dad stops drinking beer", 0)],
        }
    }
    voice = await j.ok("POST", f"/v1/cases/{i['case']}/child-voice", j.worker, body, expect=201)
    url = f"/v1/child-voice/{voice['id']}"
    sam = j.token("parent_carer", "sam")
    for path in (url, f"{url}/versions", f"{url}/versions/1"):
        assert (await j.client.get(path, headers=sam)).status_code == 404
    listed = await j.ok("GET", f"/v1/cases/{i['case']}/child-voice", sam)
    assert listed["items"] == []
    grace = await j.ok("GET", url, j.token("parent_carer", "grace"))
    assert grace["tool"]["worries"][0]["text"] == "When Dad shouts at Mum"
    assert (await j.ok("GET", url, j.token("child", "amira")))["id"] == voice["id"]
    return dict(voice)


async def tell_amira_in_words_and_pictures(j: Journey) -> None:
    """Written with both parents, agreed by them and the manager, presented to Amira, then frozen (BR-12)."""
    i = j.ids
    story = {
        "child_ids": [i["amira"]],
        "purpose": "why_we_are_involved",
        "authors": [i["grace"], i["sam"], i["worker"]],
        "pages": [
            {"number": 1, "text": "Mum and Dad love Amira very much.", "alt_text": "Mum, Dad and Amira holding hands."},
            {"number": 2, "text": "When Dad drinks beer he shouts, and Amira is scared.", "alt_text": "Amira hiding."},
        ],
        "parents_position": {"position": "agree"},
    }
    made = await j.ok("POST", f"/v1/cases/{i['case']}/words-and-pictures", j.worker, story, expect=201)
    url = f"/v1/words-and-pictures/{made['id']}"
    await j.act(url, "parents-agreement", j.token("parent_carer", "grace"))
    await j.act(url, "agency-agreement", j.manager)
    presented = await j.act(
        url, "present", j.worker, {"presented_on": days_ago(2), "presented_by": [i["grace"], i["worker"]]}
    )
    assert presented["status"] == "presented_to_child"
    frozen = await j.client.put(url, json=story, headers=j.worker | if_match(presented["meta"]["version"]))
    assert frozen.status_code == 409, frozen.text
    assert frozen.json()["type"].endswith("/presented-frozen")


async def test_one_family_through_the_practice_tools(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    j = Journey(client, auth, TEAM)
    await open_the_case(j)
    await draw_the_genogram(j)
    fights, alone = await map_the_worries(j)
    network = await build_the_network(j, [fights, alone])
    assert len(network["members"]) == 4
    plan = await agree_the_plan(j, fights, alone)
    await try_the_plan(j, plan)
    voice = await hear_amira(j)
    await tell_amira_in_words_and_pictures(j)

    summary_url = f"/v1/cases/{j.ids['case']}/summary"
    seen = await j.ok("GET", summary_url, j.worker)
    assert seen["current_map"]["status"] == "current"
    assert [p["value"] for p in seen["current_map"]["overall_series"]] == [2, 4]
    dangers = {d["id"]: d for d in seen["dangers"]}
    assert dangers.keys() == {fights["id"], alone["id"]}
    latest = {(p["perspective_role"], p["person_id"]): p for p in dangers[fights["id"]]["latest"]}
    worker = latest[("social_worker", j.ids["worker"])]
    assert (worker["value"], worker["previous_value"], worker["trend"]) == (5, 3, "improving")
    assert latest[("child", j.ids["amira"])]["trend"] == "first"
    assert dangers[alone["id"]]["latest"] == []
    trial = seen["safety_plan"]["trial"]
    assert (seen["safety_plan"]["id"], seen["safety_plan"]["status"], seen["safety_plan"]["stale"]) == (
        plan["id"],
        "in_trial",
        False,
    )
    assert (trial["check_ins"], trial["rules_active"], trial["rules_checked"], trial["days_left"]) == (3, 2, 1, 22)
    assert seen["network"] == {"networks": 1, "members": 4, "natural_members": 4, "committed": 4, "know_dangers": 4}
    assert [v["id"] for v in seen["voice"]] == [voice["id"]]
    # Amira said a worry makes her unsafe: her worker and team were alerted when it was recorded.
    assert [(a["child_id"], a["reason"]) for a in seen["open_alerts"]] == [(j.ids["amira"], "child_feels_unsafe")]

    # Sam sees the shared work, but not what Amira kept from him (BR-11).
    sam = await j.ok("GET", summary_url, j.token("parent_carer", "sam"))
    assert (sam["voice"], sam["open_alerts"]) == ([], [])
    assert sam["safety_plan"]["id"] == plan["id"]
    assert (await j.ok("GET", summary_url, j.token("parent_carer", "grace")))["voice"][0]["id"] == voice["id"]
    # A worker in another team sees nothing of the family.
    stranger = auth("social_worker", COUNCIL_A, sub="other-team", teams=["Team South"])
    assert (await client.get(summary_url, headers=stranger)).status_code == 404
