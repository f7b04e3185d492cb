"""Danger statements: create with a goal id, list, replace with If-Match (ids persist), history.

The builders at the top are shared with test_maps.py and test_scaling.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.conftest import COUNCIL_B, TokenFactory

MISSING = "0b0c0d0e-0000-4000-8000-0000000000ff"


@dataclass
class Family:
    case_id: str
    child: str
    sibling: str
    mum: str
    dad: str
    worker: str


async def make_person(client: AsyncTestClient[Any], auth: TokenFactory, given: str, **extra: Any) -> str:
    response = await client.post(
        "/v1/people", json={"given_names": given, "family_name": "Okafor", **extra}, headers=auth()
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def make_family(client: AsyncTestClient[Any], auth: TokenFactory) -> Family:
    child = await make_person(client, auth, "Ada", date_of_birth="2019-04-02")
    sibling = await make_person(client, auth, "Ben", date_of_birth="2021-08-11")
    mum = await make_person(client, auth, "Grace")
    dad = await make_person(client, auth, "Sam")
    worker = await make_person(client, auth, "Priya")
    body = {
        "family_label": "Okafor family",
        "opened_on": "2026-10-01",
        "members": [
            {"person_id": child, "role": "child"},
            {"person_id": sibling, "role": "child"},
            {"person_id": mum, "role": "parent"},
            {"person_id": dad, "role": "parent"},
        ],
    }
    response = await client.post("/v1/cases", json=body, headers=auth())
    assert response.status_code == 201, response.text
    return Family(str(response.json()["id"]), child, sibling, mum, dad, worker)


def said_by(person: str, role: str = "social_worker") -> dict[str, Any]:
    return {"perspective_role": role, "perspective_person_id": person, "own_words": role != "social_worker"}


def danger_body(family: Family, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "text": "The school, police and children's services are worried Ada could be hurt when adults fight at home.",
        "who_is_worried": [{"role": "school"}, {"role": "police"}, {"role": "children's services"}],
        "behaviour": "Grace and Sam shout and push each other when Ada is in the room.",
        "likely_impact": "Ada could be hit by accident and grow up frightened at home.",
        "family_position": "partly_agrees",
        "dispute": "Grace says the pushing happened once.",
        "child_ids": [family.child],
        "perspective": said_by(family.worker),
        "safety_goal": {
            "text": "Ada feels safe at home and adults sort out disagreements calmly.",
            "carer_behaviour": "Grace and Sam leave the room and call a network member when angry.",
            "child_experience": "Ada sleeps through the night and talks about home happily.",
            "professional_evidence": "No police call-outs and Ada tells school she feels safe.",
            "sustain_for": "P3M",
            "goal_holder": "shared",
        },
    }
    return body | changes


async def make_danger(
    client: AsyncTestClient[Any], auth: TokenFactory, family: Family, **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/cases/{family.case_id}/danger-statements", json=danger_body(family, **changes), headers=auth()
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def question_body(**changes: Any) -> dict[str, Any]:
    body = {
        "kind": "safety",
        "question_text": "On a scale of 0 to 10, how safe is Ada at home?",
        "anchor_10": "Everyone agrees Ada is safe enough for the case to close.",
        "anchor_0": "Things are so bad Ada cannot safely stay at home.",
    }
    return body | changes


async def make_question(
    client: AsyncTestClient[Any], auth: TokenFactory, danger_id: str, **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/danger-statements/{danger_id}/scaling-question", json=question_body(**changes), headers=auth()
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def if_match(version: int) -> dict[str, str]:
    return {"If-Match": f'W/"{version}"'}


class TestCreateDangerStatement:
    async def test_creates_with_a_goal_id_and_reads_back(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        response = await client.post(
            f"/v1/cases/{family.case_id}/danger-statements", json=danger_body(family), headers=auth()
        )
        assert response.status_code == 201, response.text
        danger = response.json()
        assert response.headers["location"] == f"/v1/danger-statements/{danger['id']}"
        assert response.headers["etag"] == 'W/"1"'
        assert danger["case_id"] == family.case_id
        assert danger["meta"]["case_id"] == family.case_id
        assert danger["status"] == "active"
        assert danger["safety_goal"]["id"]
        assert danger["safety_goal"]["scale_question_id"] is None
        assert danger["safety_goal"]["sustain_for"] == "P3M"
        read = await client.get(f"/v1/danger-statements/{danger['id']}", headers=auth("auditor"))
        assert read.status_code == 200
        assert read.json() == danger
        assert read.headers["etag"] == 'W/"1"'

    async def test_children_must_be_children_of_the_case(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        body = danger_body(family, child_ids=[family.child, family.mum])
        response = await client.post(f"/v1/cases/{family.case_id}/danger-statements", json=body, headers=auth())
        assert response.status_code == 422
        assert response.json()["type"].endswith("/rule-broken")
        assert [e["pointer"] for e in response.json()["errors"]] == ["/child_ids/1"]

    async def test_dispute_is_required_when_the_family_disagrees(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        body = danger_body(family, family_position="disagrees")
        del body["dispute"]
        response = await client.post(f"/v1/cases/{family.case_id}/danger-statements", json=body, headers=auth())
        assert response.status_code == 422
        assert "dispute is required" in response.json()["detail"]

    async def test_unknown_case_is_not_found(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        response = await client.post(f"/v1/cases/{MISSING}/danger-statements", json=danger_body(family), headers=auth())
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


class TestListDangerStatements:
    async def test_lists_the_case_statements_oldest_first(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        other = await make_family(client, auth)
        first = await make_danger(client, auth, family)
        second = await make_danger(client, auth, family, text="Ben could go hungry when Grace drinks.")
        await make_danger(client, auth, other)
        listed = await client.get(f"/v1/cases/{family.case_id}/danger-statements", headers=auth())
        assert listed.status_code == 200
        assert listed.json() == {"items": [first, second], "next_cursor": None}
        paged = await client.get(f"/v1/cases/{family.case_id}/danger-statements?limit=1", headers=auth())
        assert [d["id"] for d in paged.json()["items"]] == [first["id"]]
        rest = await client.get(
            f"/v1/cases/{family.case_id}/danger-statements",
            params={"limit": 1, "cursor": paged.json()["next_cursor"]},
            headers=auth(),
        )
        assert [d["id"] for d in rest.json()["items"]] == [second["id"]]

    async def test_unknown_case_is_not_found(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        response = await client.get(f"/v1/cases/{MISSING}/danger-statements", headers=auth())
        assert response.status_code == 404


class TestReplaceDangerStatement:
    async def test_text_changes_are_versions_and_ids_persist(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family)
        question = await make_question(client, auth, danger["id"])  # links the goal: version 2
        url = f"/v1/danger-statements/{danger['id']}"
        body = danger_body(
            family,
            text="Adults still shout, but Ada is no longer in the room.",
            child_ids=[family.child, family.sibling],
        )
        body["safety_goal"]["text"] = "Ada and Ben feel safe at home."
        missing = await client.put(url, json=body, headers=auth())
        assert missing.status_code == 428
        stale = await client.put(url, json=body, headers=auth() | if_match(1))
        assert stale.status_code == 412
        assert stale.json()["current_version"] == 2
        saved = await client.put(url, json=body, headers=auth() | if_match(2))
        assert saved.status_code == 200, saved.text
        assert saved.headers["etag"] == 'W/"3"'
        new = saved.json()
        assert new["id"] == danger["id"]
        assert new["safety_goal"]["id"] == danger["safety_goal"]["id"]
        assert new["safety_goal"]["scale_question_id"] == question["id"]
        assert new["safety_goal"]["text"] == "Ada and Ben feel safe at home."
        assert new["child_ids"] == [family.child, family.sibling]
        assert new["meta"]["created_at"] == danger["meta"]["created_at"]

    async def test_children_are_checked_again(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family)
        body = danger_body(family, child_ids=[family.dad])
        response = await client.put(f"/v1/danger-statements/{danger['id']}", json=body, headers=auth() | if_match(1))
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/child_ids/0"


class TestDangerStatementVersions:
    async def test_every_version_is_kept(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family)
        url = f"/v1/danger-statements/{danger['id']}"
        changed = await client.put(
            url, json=danger_body(family, text="A second wording."), headers=auth() | if_match(1)
        )
        assert changed.status_code == 200
        versions = await client.get(f"{url}/versions", headers=auth())
        assert versions.status_code == 200
        assert [(v["meta"]["version"], v["text"]) for v in versions.json()["items"]] == [
            (1, danger["text"]),
            (2, "A second wording."),
        ]
        first = await client.get(f"{url}/versions/1", headers=auth())
        assert first.json() == danger
        absent = await client.get(f"{url}/versions/3", headers=auth())
        assert absent.status_code == 404


class TestOtherCouncil:
    async def test_every_read_is_not_found(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family)
        stranger = auth(org=COUNCIL_B)
        for url in (
            f"/v1/danger-statements/{danger['id']}",
            f"/v1/danger-statements/{danger['id']}/versions",
            f"/v1/danger-statements/{danger['id']}/versions/1",
            f"/v1/cases/{family.case_id}/danger-statements",
        ):
            response = await client.get(url, headers=stranger)
            assert response.status_code == 404, url
        write = await client.put(
            f"/v1/danger-statements/{danger['id']}", json=danger_body(family), headers=stranger | if_match(1)
        )
        assert write.status_code == 404
