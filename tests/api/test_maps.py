"""Assessment maps: drafts, finalising (BR-03), the version chain, revisions, history and If-Match races."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import (
    MISSING,
    Family,
    danger_body,
    if_match,
    make_danger,
    make_family,
    make_question,
    question_body,
    said_by,
)

ENTRY_ID = "0b0c0d0e-0000-4000-8000-00000000e001"


def map_body(family: Family, danger_ids: list[str], **changes: Any) -> dict[str, Any]:
    safety: dict[str, Any] = {
        "category": "existing_safety",
        "text": "Grace took Ada to her sister's the night Sam was drunk.",
        "perspective": said_by(family.mum, "parent_carer"),
        "order": 1,
        "when": {"date": "2026-09-20"},
        "danger_ids": danger_ids[:1],
    }
    body: dict[str, Any] = {
        "children": [family.child],
        "context": "assessment",
        "framing": "safety",
        "mapped_on": "2026-10-05",
        "participants": [
            {"person_id": family.mum, "role": "mum", "present": True},
            {"person_id": family.worker, "role": "social worker", "present": True},
        ],
        "entries": [
            {
                "id": ENTRY_ID,
                "category": "harm",
                "text": "Sam pushed Grace into a door while Ada watched.",
                "perspective": said_by(family.worker),
                "order": 0,
                "when": {"date": "2026-09-14"},
                "impact_on_child": "Ada hid under her bed and wet herself.",
            },
            *([safety] if danger_ids else []),
            {
                "category": "next_step",
                "text": "Grace to name three people for the safety network.",
                "perspective": said_by(family.worker),
                "order": 2,
                "owner": family.mum,
                "due_on": "2026-10-20",
            },
        ],
        "danger_ids": danger_ids,
        "overall_question": question_body(question_text="How safe is Ada overall?"),
    }
    return body | changes


async def scaled_danger(client: AsyncTestClient[Any], auth: TokenFactory, family: Family) -> dict[str, Any]:
    """A danger statement with its safety scale (version 2 after the goal is linked to it)."""
    danger = await make_danger(client, auth, family)
    await make_question(client, auth, danger["id"])
    response = await client.get(f"/v1/danger-statements/{danger['id']}", headers=auth())
    return dict(response.json())


async def make_map(
    client: AsyncTestClient[Any], auth: TokenFactory, family: Family, danger_ids: list[str], **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/cases/{family.case_id}/maps", json=map_body(family, danger_ids, **changes), headers=auth()
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


MANAGER_PERSON = "0b0c0d0e-0000-4000-8000-00000000a11a"


def manager(auth: TokenFactory) -> dict[str, str]:
    """The team manager: finalising a map is theirs (domain 4.1)."""
    return auth("team_manager", sub="team_manager-1", person_id=MANAGER_PERSON)


async def finalise(
    client: AsyncTestClient[Any], auth: TokenFactory, map_doc: dict[str, Any], **body: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/maps/{map_doc['id']}/finalise", json=body, headers=manager(auth) | if_match(map_doc["meta"]["version"])
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


class TestCreateMap:
    async def test_first_map_is_a_draft_at_chain_position_one(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family)
        response = await client.post(
            f"/v1/cases/{family.case_id}/maps", json=map_body(family, [danger["id"]]), headers=auth()
        )
        assert response.status_code == 201, response.text
        made = response.json()
        assert response.headers["location"] == f"/v1/maps/{made['id']}"
        assert response.headers["etag"] == 'W/"1"'
        assert made["status"] == "draft"
        assert made["map_version"] == 1
        assert made["previous_map_id"] is None
        assert made["meta"]["case_id"] == family.case_id
        assert made["danger_ids"] == [danger["id"]]
        assert made["pinned_dangers"] == []
        # Ids sent by the client are kept; entries sent without one get a fresh id.
        ids = [e["id"] for e in made["entries"]]
        assert ids[0] == ENTRY_ID
        assert all(ids)
        assert len(set(ids)) == 3
        question = await client.get(f"/v1/scaling-questions/{made['overall_question_id']}", headers=auth())
        assert question.status_code == 200
        assert question.json()["subject"] == {"type": "map_overall", "id": made["id"]}
        assert question.json()["question_text"] == "How safe is Ada overall?"
        read = await client.get(f"/v1/maps/{made['id']}", headers=auth("practice_lead"))
        assert read.json() == made
        assert read.headers["etag"] == 'W/"1"'

    async def test_next_map_extends_the_chain(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        first = await make_map(client, auth, family, [], overall_question=None)
        second = await make_map(client, auth, family, [])
        assert first["overall_question_id"] is None
        assert (second["map_version"], second["previous_map_id"]) == (2, first["id"])

    async def test_children_and_dangers_must_belong_to_the_case(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        other = await make_family(client, auth)
        foreign = await make_danger(client, auth, other)
        body = map_body(family, [foreign["id"]], children=[family.child, other.child])
        response = await client.post(f"/v1/cases/{family.case_id}/maps", json=body, headers=auth())
        assert response.status_code == 422
        problem = response.json()
        assert problem["type"].endswith("/rule-broken")
        assert [e["pointer"] for e in problem["errors"]] == ["/children/1", "/danger_ids/0", "/entries/1/danger_ids/0"]
        listed = await client.get(f"/v1/cases/{family.case_id}/maps", headers=auth())
        assert listed.json()["items"] == []

    async def test_unknown_case_is_not_found(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        response = await client.post(f"/v1/cases/{MISSING}/maps", json=map_body(family, []), headers=auth())
        assert response.status_code == 404

    async def test_partner_roles_may_not_create(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        response = await client.post(
            f"/v1/cases/{family.case_id}/maps", json=map_body(family, []), headers=auth("auditor")
        )
        assert response.status_code == 403


class TestReplaceMap:
    async def test_draft_is_replaced_and_its_overall_question_follows(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        made = await make_map(client, auth, family, [])
        body = map_body(family, [], analysis="Ada has been safe when Grace's sister is there.")
        body["entries"][1]["id"] = made["entries"][1]["id"]
        body["overall_question"] = question_body(question_text="How safe are Ada and Ben?", polarity="ten_is_worst")
        body["children"] = [family.child, family.sibling]
        response = await client.put(f"/v1/maps/{made['id']}", json=body, headers=auth() | if_match(1))
        assert response.status_code == 200, response.text
        assert response.headers["etag"] == 'W/"2"'
        saved = response.json()
        assert saved["analysis"] == "Ada has been safe when Grace's sister is there."
        assert [e["id"] for e in saved["entries"][:2]] == [ENTRY_ID, made["entries"][1]["id"]]
        assert saved["overall_question_id"] == made["overall_question_id"]
        assert (saved["map_version"], saved["status"]) == (1, "draft")
        question = await client.get(f"/v1/scaling-questions/{made['overall_question_id']}", headers=auth())
        assert question.headers["etag"] == 'W/"2"'
        assert question.json()["polarity"] == "ten_is_worst"

    async def test_adding_an_overall_question_later_creates_it(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        made = await make_map(client, auth, family, [], overall_question=None)
        response = await client.put(f"/v1/maps/{made['id']}", json=map_body(family, []), headers=auth() | if_match(1))
        assert response.status_code == 200, response.text
        question_id = response.json()["overall_question_id"]
        question = await client.get(f"/v1/scaling-questions/{question_id}", headers=auth())
        assert question.json()["subject"] == {"type": "map_overall", "id": made["id"]}

    async def test_finalised_map_is_read_only(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        danger = await scaled_danger(client, auth, family)
        current = await finalise(client, auth, await make_map(client, auth, family, [danger["id"]]))
        response = await client.put(
            f"/v1/maps/{current['id']}", json=map_body(family, [danger["id"]]), headers=auth() | if_match(2)
        )
        assert response.status_code == 409
        assert response.json()["type"].endswith("/read-only")
        assert "create a new version" in response.json()["detail"]

    async def test_children_are_checked_again(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        made = await make_map(client, auth, family, [])
        body = map_body(family, [], children=[family.dad])
        response = await client.put(f"/v1/maps/{made['id']}", json=body, headers=auth() | if_match(1))
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/children/0"

    async def test_concurrent_writers_with_one_if_match_one_wins(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        made = await make_map(client, auth, family, [])
        url = f"/v1/maps/{made['id']}"
        bodies = [map_body(family, [], analysis=f"Writer {n}.") for n in (1, 2)]
        responses = await asyncio.gather(*(client.put(url, json=b, headers=auth() | if_match(1)) for b in bodies))
        assert sorted(r.status_code for r in responses) == [200, 412]
        winner = next(r for r in responses if r.status_code == 200)
        loser = next(r for r in responses if r.status_code == 412)
        assert loser.json()["current_version"] == 2
        read = await client.get(url, headers=auth())
        assert read.json()["analysis"] == winner.json()["analysis"]
        versions = await client.get(f"{url}/versions", headers=auth())
        assert [v["meta"]["version"] for v in versions.json()["items"]] == [1, 2]


class TestFinaliseMap:
    async def test_draft_becomes_current_with_pinned_dangers(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        danger = await scaled_danger(client, auth, family)
        made = await make_map(client, auth, family, [danger["id"]])
        naming_someone = await client.post(
            f"/v1/maps/{made['id']}/finalise",
            json={"approved_by": family.worker, "note": "Agreed in supervision."},
            headers=manager(auth) | if_match(1),
        )
        # Sign-off is the caller's, from the token: a body naming a signer is refused, not believed.
        assert naming_someone.status_code == 422, naming_someone.text
        assert naming_someone.json()["errors"][0]["pointer"] == "/approved_by"
        by_worker = await client.post(
            f"/v1/maps/{made['id']}/finalise", json={"note": "Agreed in supervision."}, headers=auth() | if_match(1)
        )
        assert by_worker.status_code == 403, by_worker.text
        response = await client.post(
            f"/v1/maps/{made['id']}/finalise",
            json={"note": "Agreed in supervision."},
            headers=manager(auth) | if_match(1),
        )
        assert response.status_code == 200, response.text
        assert response.headers["etag"] == 'W/"2"'
        final = response.json()
        assert final["finalise_note"] == "Agreed in supervision."
        assert final["status"] == "current"
        assert final["pinned_dangers"] == [{"id": danger["id"], "version": 2}]
        assert final["finalised_by"] == "team_manager-1"
        assert final["finalised_at"]
        assert final["approved_by"] == MANAGER_PERSON
        current = await client.get(f"/v1/cases/{family.case_id}/maps/current", headers=auth())
        assert current.status_code == 200
        assert current.headers["etag"] == 'W/"2"'
        assert current.json() == final

    async def test_second_finalise_supersedes_the_first(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        danger = await scaled_danger(client, auth, family)
        first = await finalise(client, auth, await make_map(client, auth, family, [danger["id"]]))
        second = await finalise(client, auth, await make_map(client, auth, family, [danger["id"]]))
        assert (second["status"], second["map_version"], second["previous_map_id"]) == ("current", 2, first["id"])
        old = await client.get(f"/v1/maps/{first['id']}", headers=auth())
        assert old.json()["status"] == "superseded"
        assert old.headers["etag"] == 'W/"3"'
        current = await client.get(f"/v1/cases/{family.case_id}/maps/current", headers=auth())
        assert current.json()["id"] == second["id"]
        history = await client.get(f"/v1/maps/{first['id']}/versions", headers=auth())
        assert [v["status"] for v in history.json()["items"]] == ["draft", "current", "superseded"]

    async def test_br03_each_active_danger_needs_its_scale(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        scaled = await scaled_danger(client, auth, family)
        unscaled = await make_danger(client, auth, family, text="Ben is left alone at night.")
        made = await make_map(client, auth, family, [scaled["id"], unscaled["id"]], context="conference")
        response = await client.post(f"/v1/maps/{made['id']}/finalise", json={}, headers=manager(auth) | if_match(1))
        assert response.status_code == 422
        problem = response.json()
        assert problem["rule"] == "BR-03"
        assert problem["errors"] == [
            {
                "pointer": "/danger_ids/1",
                "code": "BR-03",
                "detail": f"BR-03: danger statement {unscaled['id']} has no safety or wellbeing scaling question "
                f"(POST /v1/danger-statements/{unscaled['id']}/scaling-question)",
            }
        ]
        still = await client.get(f"/v1/maps/{made['id']}", headers=auth())
        assert (still.json()["status"], still.headers["etag"]) == ("draft", 'W/"1"')

    async def test_br03_needs_a_danger_except_at_the_front_door(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        assessment = await make_map(client, auth, family, [])
        refused = await client.post(
            f"/v1/maps/{assessment['id']}/finalise", json={}, headers=manager(auth) | if_match(1)
        )
        assert refused.status_code == 422
        assert refused.json()["rule"] == "BR-03"
        assert [e["pointer"] for e in refused.json()["errors"]] == ["/danger_ids"]
        front_door = await make_map(client, auth, family, [], context="front_door")
        final = await finalise(client, auth, front_door)
        assert final["status"] == "current"

    async def test_withdrawn_dangers_need_no_scale_and_early_help_needs_none(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        withdrawn = await make_danger(client, auth, family, status="withdrawn", status_reason="Sam moved away.")
        made = await make_map(client, auth, family, [withdrawn["id"]], context="cin_review")
        final = await finalise(client, auth, made)
        assert final["pinned_dangers"] == [{"id": withdrawn["id"], "version": 1}]
        unscaled = await make_danger(client, auth, family)
        early_help = await make_map(client, auth, family, [unscaled["id"]], context="early_help", framing="wellbeing")
        assert (await finalise(client, auth, early_help))["status"] == "current"

    async def test_fields_needed_to_finalise_are_all_named(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family, family_position=None, dispute=None)
        await make_question(client, auth, danger["id"])
        made = await make_map(client, auth, family, [danger["id"]], participants=[], overall_question=None)
        response = await client.post(f"/v1/maps/{made['id']}/finalise", json={}, headers=manager(auth) | if_match(1))
        assert response.status_code == 422
        problem = response.json()
        assert "rule" not in problem
        assert [(e["pointer"], e["code"]) for e in problem["errors"]] == [
            ("/participants", "required_to_finalise"),
            ("/overall_question", "required_to_finalise"),
            ("/danger_ids/0", "required_to_finalise"),
        ]
        assert "family_position" in problem["errors"][2]["detail"]

    async def test_only_a_draft_can_be_finalised(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        danger = await scaled_danger(client, auth, family)
        made = await make_map(client, auth, family, [danger["id"]])
        stale = await client.post(f"/v1/maps/{made['id']}/finalise", json={}, headers=manager(auth) | if_match(7))
        assert stale.status_code == 412
        final = await finalise(client, auth, made)
        again = await client.post(f"/v1/maps/{made['id']}/finalise", json={}, headers=manager(auth) | if_match(2))
        assert again.status_code == 409
        assert again.json()["type"].endswith("/read-only")
        read = await client.get(f"/v1/maps/{made['id']}", headers=auth())
        assert read.json() == final

    async def test_unknown_map_is_not_found(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        response = await client.post(f"/v1/maps/{MISSING}/finalise", json={}, headers=manager(auth) | if_match(1))
        assert response.status_code == 404


class TestCreateMapRevision:
    async def test_revision_copies_a_finalised_map_into_a_new_draft(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        danger = await scaled_danger(client, auth, family)
        current = await finalise(client, auth, await make_map(client, auth, family, [danger["id"]]))
        response = await client.post(f"/v1/maps/{current['id']}/revisions", headers=auth())
        assert response.status_code == 201, response.text
        draft = response.json()
        assert response.headers["location"] == f"/v1/maps/{draft['id']}"
        assert (draft["status"], draft["map_version"], draft["previous_map_id"]) == ("draft", 2, current["id"])
        assert draft["entries"] == current["entries"]
        assert draft["danger_ids"] == [danger["id"]]
        assert draft["pinned_dangers"] == []
        assert draft["finalised_at"] is None
        assert draft["overall_question_id"] not in (None, current["overall_question_id"])
        unchanged = await client.get(f"/v1/cases/{family.case_id}/maps/current", headers=auth())
        assert unchanged.json()["id"] == current["id"]

    async def test_a_draft_is_edited_not_revised(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        made = await make_map(client, auth, family, [])
        response = await client.post(f"/v1/maps/{made['id']}/revisions", headers=auth())
        assert response.status_code == 409
        missing = await client.post(f"/v1/maps/{MISSING}/revisions", headers=auth())
        assert missing.status_code == 404


class TestDangerIdsPersistAcrossMapVersions:
    async def test_each_map_pins_the_danger_version_it_was_finalised_with(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        danger = await scaled_danger(client, auth, family)
        first = await finalise(client, auth, await make_map(client, auth, family, [danger["id"]]))
        reworded = danger_body(family, text="Adults at home shout when Ada is nearby, but no longer push.")
        changed = await client.put(f"/v1/danger-statements/{danger['id']}", json=reworded, headers=auth() | if_match(2))
        assert changed.status_code == 200
        revision = await client.post(f"/v1/maps/{first['id']}/revisions", headers=auth())
        second = await finalise(client, auth, revision.json())
        assert first["danger_ids"] == second["danger_ids"] == [danger["id"]]
        assert first["pinned_dangers"] == [{"id": danger["id"], "version": 2}]
        assert second["pinned_dangers"] == [{"id": danger["id"], "version": 3}]
        texts = []
        for pinned in (first["pinned_dangers"][0], second["pinned_dangers"][0]):
            version = await client.get(
                f"/v1/danger-statements/{pinned['id']}/versions/{pinned['version']}", headers=auth()
            )
            texts.append(version.json()["text"])
        assert texts == [danger["text"], reworded["text"]]
        first_now = await client.get(f"/v1/maps/{first['id']}", headers=auth())
        assert first_now.json()["status"] == "superseded"
        assert first_now.json()["pinned_dangers"] == first["pinned_dangers"]


class TestListCaseMaps:
    async def test_chain_newest_first_with_pages(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        made = [await make_map(client, auth, family, []) for _ in range(3)]
        listed = await client.get(f"/v1/cases/{family.case_id}/maps", headers=auth())
        assert listed.status_code == 200
        assert [m["map_version"] for m in listed.json()["items"]] == [3, 2, 1]
        assert listed.json()["items"][0] == made[2]
        page = await client.get(f"/v1/cases/{family.case_id}/maps", params={"limit": 2}, headers=auth())
        assert [m["map_version"] for m in page.json()["items"]] == [3, 2]
        rest = await client.get(
            f"/v1/cases/{family.case_id}/maps",
            params={"limit": 2, "cursor": page.json()["next_cursor"]},
            headers=auth(),
        )
        assert [m["map_version"] for m in rest.json()["items"]] == [1]
        assert rest.json()["next_cursor"] is None

    async def test_unknown_case_is_not_found(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        response = await client.get(f"/v1/cases/{MISSING}/maps", headers=auth())
        assert response.status_code == 404


class TestCaseMapByPosition:
    async def test_versions_by_chain_number(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        first = await make_map(client, auth, family, [])
        second = await make_map(client, auth, family, [])
        for n, expected in ((1, first), (2, second)):
            response = await client.get(f"/v1/cases/{family.case_id}/maps/versions/{n}", headers=auth())
            assert response.status_code == 200
            assert response.json() == expected
            assert response.headers["etag"] == 'W/"1"'
        absent = await client.get(f"/v1/cases/{family.case_id}/maps/versions/3", headers=auth())
        assert absent.status_code == 404

    async def test_no_current_map_is_not_found(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        await make_map(client, auth, family, [])
        response = await client.get(f"/v1/cases/{family.case_id}/maps/current", headers=auth())
        assert response.status_code == 404
        assert response.json()["detail"] == "This case has no current map."


class TestMapVersions:
    async def test_saved_versions_of_one_map(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        danger = await scaled_danger(client, auth, family)
        made = await make_map(client, auth, family, [danger["id"]])
        final = await finalise(client, auth, made)
        listed = await client.get(f"/v1/maps/{made['id']}/versions", headers=auth())
        assert listed.json() == {"items": [made, final], "next_cursor": None}
        one = await client.get(f"/v1/maps/{made['id']}/versions/1", headers=auth())
        assert one.json() == made
        assert (await client.get(f"/v1/maps/{made['id']}/versions/9", headers=auth())).status_code == 404


class TestOtherCouncil:
    @pytest.mark.parametrize("role", ["social_worker", "auditor"])
    async def test_every_map_read_is_not_found(
        self, client: AsyncTestClient[Any], auth: TokenFactory, role: str
    ) -> None:
        family = await make_family(client, auth)
        danger = await scaled_danger(client, auth, family)
        current = await finalise(client, auth, await make_map(client, auth, family, [danger["id"]]))
        stranger = auth(role, org=COUNCIL_B)
        for url in (
            f"/v1/maps/{current['id']}",
            f"/v1/maps/{current['id']}/versions",
            f"/v1/maps/{current['id']}/versions/1",
            f"/v1/cases/{family.case_id}/maps",
            f"/v1/cases/{family.case_id}/maps/current",
            f"/v1/cases/{family.case_id}/maps/versions/1",
        ):
            response = await client.get(url, headers=stranger)
            assert response.status_code == 404, url
        if role == "social_worker":
            for url in (f"/v1/maps/{current['id']}/revisions", f"/v1/cases/{family.case_id}/maps"):
                response = await client.post(url, json=map_body(family, []), headers=stranger)
                assert response.status_code == 404, url
