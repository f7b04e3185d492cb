"""Words-and-pictures stories (domain 2.14, BR-12) and child-centred safety plans (2.13), with BR-09 staleness.

One passing and one failing example per rule: references, pages, who agrees, the lifecycle's transitions, the
presented version frozen (409 presented-frozen) and revised into a new draft, If-Match, and stale flipping only
once a version of the safety plan with changed rules is agreed.
"""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import MISSING, Family, if_match, make_danger, make_family, make_person

PAGES = [
    {"number": 1, "text": "Mum and Dad love Ada very much.", "alt_text": "Mum, Dad and Ada holding hands."},
    {"number": 2, "text": "Sometimes grown-ups shout and Ada is scared.", "alt_text": "Ada hiding under her bed."},
]
FROZEN = "https://sos-casework.org.uk/problems/presented-frozen"


def story_body(family: Family, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "child_ids": [family.child],
        "purpose": "why_we_are_involved",
        "authors": [family.mum, family.dad, family.worker],
        "pages": PAGES,
        "parents_position": {"position": "partly", "note": "Dad says the shouting happened once."},
    }
    return body | changes


async def make_story(client: AsyncTestClient[Any], auth: TokenFactory, family: Family, **changes: Any) -> Any:
    made = await client.post(
        f"/v1/cases/{family.case_id}/words-and-pictures", json=story_body(family, **changes), headers=auth()
    )
    assert made.status_code == 201, made.text
    return made.json()


async def act(
    client: AsyncTestClient[Any], headers: dict[str, str], record: Any, verb: str, body: Any = None, *, path: str
) -> Any:
    """POST an action with the record's current version as If-Match."""
    url = f"{path}/{record['id']}/{verb}"
    return await client.post(url, json=body, headers=headers | if_match(record["meta"]["version"]))


async def story_act(
    client: AsyncTestClient[Any], headers: dict[str, str], story: Any, verb: str, body: Any = None
) -> Any:
    return await act(client, headers, story, verb, body, path="/v1/words-and-pictures")


def manager(auth: TokenFactory, family: Family) -> dict[str, str]:
    return auth("team_manager", sub="manager-1", person_id=family.worker)


def parent(auth: TokenFactory, person: str, role: str = "parent_carer") -> dict[str, str]:
    return auth(role, sub=f"{role}-{person[:8]}", person_id=person)


def presenting(family: Family) -> dict[str, Any]:
    return {"presented_on": "2026-12-02", "presented_by": [family.mum, family.worker], "child_reaction": "Okay"}


async def presented(client: AsyncTestClient[Any], auth: TokenFactory, family: Family) -> Any:
    story = await make_story(client, auth, family)
    response = await story_act(client, auth(), story, "present", presenting(family))
    assert response.status_code == 200, response.text
    return response.json()


# --- safety plans, through the lead's routes ------------------------------------------------------------


def plan_body(family: Family, danger_id: str, text: str = "Mum keeps Ada with her when Dad has been drinking.") -> Any:
    return {
        "child_ids": [family.child],
        "kind": "family_safety_plan",
        "danger_ids": [danger_id],
        "rules": [
            {
                "text": text,
                "danger_id": danger_id,
                "responsible": [family.mum],
                "how_checked": "Mum texts the worker each morning.",
                "checked_by": family.worker,
            }
        ],
        "if_child_feels_unsafe": [{"step": "Go next door and tell the neighbour.", "contact": family.mum}],
        "if_plan_not_followed": "Mum tells the worker the same day, or the out-of-hours team at night.",
        "monitoring": "The school tells the worker each week how Ada is.",
        "review_on": "2027-01-15",
    }


async def agreed(client: AsyncTestClient[Any], auth: TokenFactory, family: Family, plan: Any) -> Any:
    """Both parents' agreements, then the team manager's (BR-07)."""
    for person in (family.mum, family.dad):
        body = {"person_id": person, "role": "parent", "method": "signed"}
        response = await act(client, auth(), plan, "agreements", body, path="/v1/safety-plans")
        assert response.status_code == 200, response.text
        plan = response.json()
    response = await act(client, manager(auth, family), plan, "agree", {}, path="/v1/safety-plans")
    assert response.status_code == 200, response.text
    return response.json()


async def agreed_plan(client: AsyncTestClient[Any], auth: TokenFactory, family: Family, danger_id: str) -> Any:
    made = await client.post(
        f"/v1/cases/{family.case_id}/safety-plans", json=plan_body(family, danger_id), headers=auth()
    )
    assert made.status_code == 201, made.text
    return await agreed(client, auth, family, made.json())


async def revised(
    client: AsyncTestClient[Any], auth: TokenFactory, family: Family, plan: Any, text: str | None = None
) -> Any:
    """A new agreed version of `plan`: its rules reworded to `text`, or left as they were."""
    made = await client.post(f"/v1/safety-plans/{plan['id']}/revisions", headers=auth())
    assert made.status_code == 201, made.text
    draft = made.json()
    if text is not None:
        body = plan_body(family, draft["danger_ids"][0], text)
        body["rules"][0]["id"] = draft["rules"][0]["id"]
        saved = await client.put(f"/v1/safety-plans/{draft['id']}", json=body, headers=auth() | if_match(1))
        assert saved.status_code == 200, saved.text
        draft = saved.json()
    return await agreed(client, auth, family, draft)


def source_of(plan: Any) -> dict[str, Any]:
    return {"safety_plan_id": plan["id"], "safety_plan_version": plan["meta"]["version"]}


def child_plan_body(family: Family, plan: Any, **changes: Any) -> dict[str, Any]:
    body = {
        "source_plan_id": plan["id"],
        "source_plan_version": plan["meta"]["version"],
        "child_id": family.child,
        "format": "safety_house",
        "pages": PAGES[:1],
        "what_grown_ups_will_do": "Mum will keep me with her if Dad has had beer.",
        "my_safe_people": [family.mum],
    }
    return body | changes


async def make_child_plan(client: AsyncTestClient[Any], auth: TokenFactory, family: Family, plan: Any) -> Any:
    made = await client.post(
        f"/v1/cases/{family.case_id}/child-safety-plans", json=child_plan_body(family, plan), headers=auth()
    )
    assert made.status_code == 201, made.text
    return made.json()


# --- words and pictures ---------------------------------------------------------------------------------


class TestCreateWordsAndPictures:
    async def test_creates_a_draft_and_reads_it_back(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        danger = await make_danger(client, auth, family)
        story = await make_story(client, auth, family, danger_ids=[danger["id"]])
        assert (story["status"], story["stale"], story["parents_agreements"]) == ("draft", False, [])
        read = await client.get(f"/v1/words-and-pictures/{story['id']}", headers=parent(auth, family.mum))
        assert read.status_code == 200
        assert read.json() == story
        listed = await client.get(f"/v1/cases/{family.case_id}/words-and-pictures", headers=auth("auditor"))
        assert listed.json()["items"] == [story]

    async def test_references_must_be_this_case_s(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        other = await make_family(client, auth)
        danger = await make_danger(client, auth, other)
        body = story_body(
            family,
            child_ids=[family.mum],
            authors=[family.mum, MISSING],
            danger_ids=[danger["id"]],
            purpose="explain_safety_plan",
            safety_plan_id=MISSING,
            safety_plan_version=1,
        )
        response = await client.post(f"/v1/cases/{family.case_id}/words-and-pictures", json=body, headers=auth())
        assert response.status_code == 422
        assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [
            ("/child_ids/0", "not_a_child_of_case"),
            ("/authors/1", "unknown_reference"),
            ("/danger_ids/0", "unknown_danger"),
            ("/safety_plan_id", "unknown_safety_plan"),
        ]

    async def test_pages_need_alt_text_and_contiguous_numbers(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        url = f"/v1/cases/{family.case_id}/words-and-pictures"
        no_alt = [{"number": 1, "text": "Ada's story."}]
        gap = [PAGES[0], {**PAGES[1], "number": 3}]
        for pages, said in ((no_alt, "alt_text"), ([{**PAGES[0], "alt_text": ""}], "alt_text"), (gap, "numbered")):
            response = await client.post(url, json=story_body(family, pages=pages), headers=auth())
            assert response.status_code == 422, pages
            assert said in response.json()["detail"] + response.json()["errors"][0]["pointer"]
        listed = await client.get(url, headers=auth())
        assert listed.json()["items"] == []

    async def test_another_council_does_not_see_the_case(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        story = await make_story(client, auth, family)
        stranger = auth(org=COUNCIL_B)
        for url in (f"/v1/words-and-pictures/{story['id']}", f"/v1/cases/{family.case_id}/words-and-pictures"):
            assert (await client.get(url, headers=stranger)).status_code == 404, url
        write = await client.put(
            f"/v1/words-and-pictures/{story['id']}", json=story_body(family), headers=stranger | if_match(1)
        )
        assert write.status_code == 404
        other_parent = await story_act(client, parent(auth, (await make_family(client, auth)).mum), story, "present")
        assert other_parent.status_code == 403  # a parent never presents, whatever the case


class TestReplaceWordsAndPictures:
    async def test_if_match_is_checked(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        story = await make_story(client, auth, family)
        url = f"/v1/words-and-pictures/{story['id']}"
        new = story_body(family, pages=PAGES[:1])
        assert (await client.put(url, json=new, headers=auth())).status_code == 428
        assert (await client.put(url, json=new, headers=auth() | if_match(1))).status_code == 200
        stale = await client.put(url, json=new, headers=auth() | if_match(1))
        assert stale.status_code == 412
        assert stale.json()["current_version"] == 2

    async def test_new_words_go_back_to_draft_without_agreements(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        story = await make_story(client, auth, family)
        story = (await story_act(client, parent(auth, family.mum), story, "parents-agreement")).json()
        url = f"/v1/words-and-pictures/{story['id']}"
        same = await client.put(url, json=story_body(family), headers=auth() | if_match(2))
        assert same.json()["status"] == "agreed_by_parents"
        assert len(same.json()["parents_agreements"]) == 1
        changed = await client.put(url, json=story_body(family, pages=PAGES[:1]), headers=auth() | if_match(3))
        assert (changed.json()["status"], changed.json()["parents_agreements"]) == ("draft", [])

    async def test_the_presented_version_is_frozen(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        story = await presented(client, auth, family)
        url = f"/v1/words-and-pictures/{story['id']}"
        response = await client.put(url, json=story_body(family, pages=PAGES[:1]), headers=auth() | if_match(2))
        assert response.status_code == 409
        assert (response.json()["type"], response.json()["rule"]) == (FROZEN, "BR-12")
        assert "/revisions" in response.json()["detail"]
        for verb, headers in (
            ("parents-agreement", parent(auth, family.mum)),
            ("agency-agreement", manager(auth, family)),
        ):
            refused = await story_act(client, headers, story, verb)
            assert (refused.status_code, refused.json()["type"]) == (409, FROZEN), verb
        again = await story_act(client, auth(), story, "present", presenting(family))
        assert (again.status_code, again.json()["type"]) == (409, FROZEN)
        assert (await client.get(url, headers=auth())).json() == story


class TestAgreement:
    async def test_parents_agree_as_themselves(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        story = await make_story(client, auth, family)
        mum = await story_act(client, parent(auth, family.mum), story, "parents-agreement")
        assert mum.status_code == 200, mum.text
        assert mum.json()["status"] == "agreed_by_parents"
        assert [a["person_id"] for a in mum.json()["parents_agreements"]] == [family.mum]
        dad = await story_act(client, parent(auth, family.dad, "family_member"), mum.json(), "parents-agreement")
        assert [a["person_id"] for a in dad.json()["parents_agreements"]] == [family.mum, family.dad]
        twice = await story_act(client, parent(auth, family.mum), dad.json(), "parents-agreement")
        assert twice.status_code == 409

    async def test_only_parents_and_authors_agree_for_the_parents(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        story = await make_story(client, auth, family)
        sibling = await story_act(client, parent(auth, family.sibling, "family_member"), story, "parents-agreement")
        assert sibling.status_code == 403
        worker = await story_act(client, auth(), story, "parents-agreement")
        assert worker.status_code == 403
        read = await client.get(f"/v1/words-and-pictures/{story['id']}", headers=auth())
        assert read.json()["parents_agreements"] == []

    async def test_the_team_manager_agrees_for_the_agency(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        story = await make_story(client, auth, family)
        assert (await story_act(client, auth(), story, "agency-agreement")).status_code == 403
        response = await story_act(client, manager(auth, family), story, "agency-agreement")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "agreed_by_agency"
        assert response.json()["agency_agreement"]["by"] == "manager-1"
        assert response.json()["agency_agreement"]["person_id"] == family.worker
        again = await story_act(client, manager(auth, family), response.json(), "agency-agreement")
        assert again.status_code == 409
        late_parent = await story_act(client, parent(auth, family.mum), response.json(), "parents-agreement")
        assert late_parent.json()["status"] == "agreed_by_agency"

    async def test_the_agency_needs_the_parents_position(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        story = await make_story(client, auth, family, parents_position=None)
        response = await story_act(client, manager(auth, family), story, "agency-agreement")
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/parents_position"


class TestPresentAndShare:
    async def test_present_records_who_told_the_child(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        story = await presented(client, auth, family)
        assert story["status"] == "presented_to_child"
        assert (story["presented_on"], story["presented_by"]) == ("2026-12-02", [family.mum, family.worker])
        assert story["child_reaction"] == "Okay"

    async def test_present_checks_the_people(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        story = await make_story(client, auth, family)
        body = presenting(family) | {"presented_by": [MISSING]}
        response = await story_act(client, auth(), story, "present", body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/presented_by/0"
        assert (
            await story_act(client, parent(auth, family.mum), story, "present", presenting(family))
        ).status_code == 403

    async def test_the_network_is_shown_the_presented_story(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        nan = await make_person(client, auth, "Rose")
        draft = await make_story(client, auth, family)
        shown = {"shown_to": [{"person_id": nan, "on": "2026-12-03"}]}
        early = await story_act(client, auth(), draft, "network-showings", shown)
        assert early.status_code == 409
        member = {
            "person_id": nan,
            "relationship_to_child": {"kind": "grandparent"},
            "proposed_by": "parent",
            "commitment": "considering",
            "commitment_on": "2026-12-01",
            "joined_on": "2026-12-01",
            "is_professional": False,
        }
        network = {"child_ids": [family.child], "purpose": "safety", "members": [member]}
        made = await client.post(f"/v1/cases/{family.case_id}/networks", json=network, headers=auth())
        assert made.status_code == 201, made.text
        story = await presented(client, auth, family)
        first = await story_act(client, auth(), story, "network-showings", shown)
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "shared_with_network"
        again = await story_act(client, auth(), first.json(), "network-showings", shown)
        assert again.json()["shown_to_network"] == [{"person_id": nan, "on": "2026-12-03"}]
        assert again.json()["pages"] == story["pages"]
        # Domain 2.14: the network record says Nan has seen it, from the first showing, in a new version.
        seen = (await client.get(f"/v1/networks/{made.json()['id']}", headers=auth())).json()
        assert seen["members"][0]["has_seen_words_and_pictures"] == {"value": True, "on": "2026-12-03"}
        assert seen["meta"]["version"] == 2


class TestRetireAndRevise:
    async def test_retire_once(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        story = await make_story(client, auth, family)
        retired = await story_act(client, auth(), story, "retire")
        assert retired.json()["status"] == "retired"
        assert (await story_act(client, auth(), retired.json(), "retire")).status_code == 409
        url = f"/v1/words-and-pictures/{story['id']}"
        assert (await client.put(url, json=story_body(family), headers=auth() | if_match(2))).status_code == 409

    async def test_a_presented_story_is_revised_into_a_new_draft(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        draft = await make_story(client, auth, family)
        refused = await client.post(f"/v1/words-and-pictures/{draft['id']}/revisions", headers=auth())
        assert refused.status_code == 409
        story = await presented(client, auth, family)
        made = await client.post(f"/v1/words-and-pictures/{story['id']}/revisions", headers=auth())
        assert made.status_code == 201, made.text
        revision = made.json()
        assert made.headers["location"] == f"/v1/words-and-pictures/{revision['id']}"
        assert revision["id"] != story["id"]
        assert (revision["status"], revision["previous_version_id"]) == ("draft", story["id"])
        assert (revision["pages"], revision["presented_on"]) == (story["pages"], None)
        saved = await client.put(
            made.headers["location"], json=story_body(family, pages=PAGES[:1]), headers=auth() | if_match(1)
        )
        assert saved.status_code == 200
        assert (await client.get(f"/v1/words-and-pictures/{story['id']}", headers=auth())).json() == story


# --- child-centred safety plans ---------------------------------------------------------------------------


class TestChildSafetyPlan:
    async def test_made_from_a_plan_of_the_case(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        plan = await agreed_plan(client, auth, family, (await make_danger(client, auth, family))["id"])
        child_plan = await make_child_plan(client, auth, family, plan)
        assert (child_plan["source_plan_id"], child_plan["stale"]) == (plan["id"], False)
        read = await client.get(f"/v1/child-safety-plans/{child_plan['id']}", headers=parent(auth, family.mum))
        assert read.json() == child_plan
        stranger = auth(org=COUNCIL_B)
        assert (await client.get(f"/v1/child-safety-plans/{child_plan['id']}", headers=stranger)).status_code == 404

    async def test_references_are_checked(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family, other = await make_family(client, auth), await make_family(client, auth)
        plan = await agreed_plan(client, auth, family, (await make_danger(client, auth, family))["id"])
        theirs = await agreed_plan(client, auth, other, (await make_danger(client, auth, other))["id"])
        url = f"/v1/cases/{family.case_id}/child-safety-plans"
        cases = [
            (child_plan_body(family, theirs), "/source_plan_id", "unknown_safety_plan"),
            (child_plan_body(family, plan, source_plan_version=99), "/source_plan_version", "unknown_version"),
            (child_plan_body(family, plan, child_id=family.sibling), "/child_id", "not_a_child_of_plan"),
            (child_plan_body(family, plan, my_safe_people=[MISSING]), "/my_safe_people/0", "unknown_reference"),
        ]
        for body, pointer, code in cases:
            response = await client.post(url, json=body, headers=auth())
            assert response.status_code == 422, pointer
            assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [(pointer, code)]
        older = await client.post(url, json=child_plan_body(family, plan, source_plan_version=1), headers=auth())
        assert older.status_code == 201

    async def test_frozen_once_explained_to_the_child(self, client: AsyncTestClient[Any], auth: TokenFactory) -> None:
        family = await make_family(client, auth)
        plan = await agreed_plan(client, auth, family, (await make_danger(client, auth, family))["id"])
        child_plan = await make_child_plan(client, auth, family, plan)
        url = f"/v1/child-safety-plans/{child_plan['id']}"
        told = child_plan_body(family, plan, explained_on="2026-12-05", explained_by=[family.mum], child_response="ok")
        saved = await client.put(url, json=told, headers=auth() | if_match(1))
        assert saved.status_code == 200, saved.text
        again = await client.put(url, json=told | {"child_response": "I like it"}, headers=auth() | if_match(2))
        assert (again.status_code, again.json()["type"]) == (409, FROZEN)
        assert (await client.get(url, headers=auth())).json()["child_response"] == "ok"


# --- BR-09 -------------------------------------------------------------------------------------------------


class TestStale:
    async def test_stale_only_once_changed_rules_are_agreed(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        first = await agreed_plan(client, auth, family, (await make_danger(client, auth, family))["id"])
        story = await make_story(client, auth, family, purpose="explain_safety_plan", **source_of(first))
        child_plan = await make_child_plan(client, auth, family, first)
        reads = [f"/v1/words-and-pictures/{story['id']}", f"/v1/child-safety-plans/{child_plan['id']}"]
        lists = [f"/v1/cases/{family.case_id}/words-and-pictures", f"/v1/cases/{family.case_id}/child-safety-plans"]

        async def flags() -> list[bool]:
            got = [(await client.get(url, headers=auth())).json()["stale"] for url in reads]
            return got + [(await client.get(url, headers=auth())).json()["items"][0]["stale"] for url in lists]

        unchanged = await revised(client, auth, family, first)
        assert unchanged["status"] == "agreed"
        assert await flags() == [False] * 4
        draft = await client.post(f"/v1/safety-plans/{unchanged['id']}/revisions", headers=auth())
        body = plan_body(family, first["danger_ids"][0], "Nan stays over whenever Dad drinks.")
        body["rules"][0]["id"] = first["rules"][0]["id"]
        assert (
            await client.put(f"/v1/safety-plans/{draft.json()['id']}", json=body, headers=auth() | if_match(1))
        ).status_code == 200
        assert await flags() == [False] * 4  # changed, but not yet agreed
        latest = await agreed(
            client, auth, family, (await client.get(f"/v1/safety-plans/{draft.json()['id']}", headers=auth())).json()
        )
        assert latest["status"] == "agreed"
        assert await flags() == [True] * 4
        fresh = await make_story(client, auth, family, purpose="explain_safety_plan", **source_of(latest))
        assert fresh["stale"] is False
        assert (await client.get(f"/v1/words-and-pictures/{fresh['id']}", headers=auth())).json()["stale"] is False
