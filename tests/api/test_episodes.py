"""Child episodes and step changes over HTTP (domain 2.2, 3.1, 3.2; BR-20): one open episode per child per level,
step up and down in one transaction, the case's current level, and closing only once every episode has ended.
One passing and one failing example per rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_api.resources.service import today
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, if_match, make_family, make_person
from tests.api.world import involve

JSON = dict[str, Any]
TODAY = today()


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def episode_body(child: str, level: str = "child_in_need", **changes: Any) -> JSON:
    basis = {"child_in_need": "s17", "child_protection": "s47", "early_help": "none_consent"}[level]
    return {
        "child_id": child,
        "level": level,
        "legal_basis": basis,
        "start_date": days_ago(30),
        "start_reason": "new_referral",
    } | changes


def step_body(children: list[str], from_level: str, to_level: str, **changes: Any) -> JSON:
    return {
        "child_ids": children,
        "from_level": from_level,
        "to_level": to_level,
        "decided_on": days_ago(2),
        "reason": "Agreed at the manager's review.",
    } | changes


class Episodes:
    """One family and the calls made on its children's episodes."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, family: Family) -> None:
        self.client, self.auth, self.family = client, auth, family
        self.worker = auth("social_worker", person_id=family.worker)
        self.manager = auth("team_manager", sub="manager-1", person_id=family.worker)
        self.chair: tuple[str, dict[str, str]] | None = None

    @property
    def case(self) -> str:
        return f"/v1/cases/{self.family.case_id}"

    async def open(self, body: JSON, expect: int = 201) -> JSON:
        made = await self.client.post(f"{self.case}/child-episodes", json=body, headers=self.worker)
        assert made.status_code == expect, made.text
        return dict(made.json())

    async def step(self, body: JSON, expect: int = 201, headers: dict[str, str] | None = None) -> JSON:
        made = await self.client.post(f"{self.case}/step-changes", json=body, headers=headers or self.manager)
        assert made.status_code == expect, made.text
        return dict(made.json())

    async def end(self, episode: JSON, body: JSON, expect: int = 200, version: int | None = None) -> JSON:
        version = version or episode["meta"]["version"]
        done = await self.client.post(
            f"/v1/child-episodes/{episode['id']}/end", json=body, headers=self.worker | if_match(version)
        )
        assert done.status_code == expect, done.text
        return dict(done.json())

    async def listed(self) -> list[JSON]:
        got = await self.client.get(f"{self.case}/child-episodes", headers=self.worker)
        assert got.status_code == 200, got.text
        return list(got.json()["items"])

    async def review(self, children: list[str], decision: str, circulate: bool = True, **more: Any) -> JSON:
        """A review conference of the case held 3 days ago (before the step), with the chair's decision and its
        minutes circulated."""
        if self.chair is None:
            chair = await make_person(self.client, self.auth, "Chidi")
            await involve(
                self.client,
                self.auth,
                self.family.case_id,
                kind="conference_chair",
                person_id=chair,
                reason="statutory_role",
            )
            self.chair = (chair, self.auth("conference_chair", sub="chair-1", person_id=chair))
        chair, token = self.chair
        held = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).isoformat()
        body = {"type": "review", "child_ids": children, "chair": chair, "held_at": held}
        made = await self.client.post(f"{self.case}/conferences", json=body, headers=self.worker)
        assert made.status_code == 201, made.text
        url = f"/v1/conferences/{made.json()['id']}"
        decided = await self.client.post(
            f"{url}/decision", json={"decision": decision, **more}, headers=token | if_match(1)
        )
        assert decided.status_code == 200, decided.text
        if not circulate:
            return dict(decided.json())
        done = await self.client.post(f"{url}/minutes", json={"status": "circulated"}, headers=token | if_match(2))
        assert done.status_code == 200, done.text
        return dict(done.json())

    async def read_case(self) -> JSON:
        got = await self.client.get(self.case, headers=self.worker)
        assert got.status_code == 200, got.text
        return dict(got.json())


@pytest.fixture
async def eps(client: AsyncTestClient[Any], auth: TokenFactory) -> Episodes:
    return Episodes(client, auth, await make_family(client, auth))


def problem_type(body: JSON) -> str:
    return str(body["type"]).rsplit("/", 1)[-1]


ENDED = {"end_date": days_ago(1), "end_reason": "goals_achieved"}


class TestOpen:
    async def test_a_child_of_the_case_gets_an_open_episode(self, eps: Episodes) -> None:
        made = await eps.open(episode_body(eps.family.child))
        assert (made["level"], made.get("end_date"), made["meta"]["case_id"]) == (
            "child_in_need",
            None,
            eps.family.case_id,
        )
        assert [e["id"] for e in await eps.listed()] == [made["id"]]

    async def test_only_a_child_of_the_case(self, eps: Episodes) -> None:
        refused = await eps.open(episode_body(eps.family.mum), expect=422)
        assert refused["errors"][0]["code"] == "not_a_child_of_case"

    async def test_an_unborn_child_needs_an_expected_date(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        dated = await make_person(
            client, auth, "Baby", expected_date_of_birth=(TODAY + dt.timedelta(days=60)).isoformat()
        )
        undated = await make_person(client, auth, "Bump")
        body = {
            "family_label": "Okafor family",
            "opened_on": days_ago(60),
            "members": [{"person_id": dated, "role": "unborn_child"}, {"person_id": undated, "role": "unborn_child"}],
        }
        case = (await client.post("/v1/cases", json=body, headers=auth())).json()
        url = f"/v1/cases/{case['id']}/child-episodes"
        made = await client.post(url, json=episode_body(dated, "child_protection"), headers=auth())
        assert made.status_code == 201, made.text
        refused = await client.post(url, json=episode_body(undated, "child_protection"), headers=auth())
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["code"] == "unborn_without_expected_date"

    async def test_one_open_episode_per_child_per_level(self, eps: Episodes) -> None:
        first = await eps.open(episode_body(eps.family.child))
        refused = await eps.open(episode_body(eps.family.child), expect=409)
        assert problem_type(refused) == "duplicate"
        assert first["id"] in refused["detail"]
        await eps.open(episode_body(eps.family.sibling))  # another child at the same level
        await eps.open(episode_body(eps.family.child, end_date=days_ago(20), end_reason="goals_achieved"))  # past
        # A higher level opens beside the lower one, which stays open (domain 3.1).
        await eps.open(episode_body(eps.family.child, "child_protection"))
        open_levels = sorted(e["level"] for e in await eps.listed() if not e.get("end_date"))
        assert open_levels == ["child_in_need", "child_in_need", "child_protection"]

    async def test_the_server_sets_the_step_link(self, eps: Episodes) -> None:
        await eps.open(episode_body(eps.family.child, stepped_from=eps.family.case_id), expect=422)


class TestEnd:
    async def test_ends_once_not_before_it_started_with_if_match(self, eps: Episodes) -> None:
        episode = await eps.open(episode_body(eps.family.child))
        too_early = await eps.end(episode, ENDED | {"end_date": days_ago(31)}, expect=422)
        assert [e["pointer"] for e in too_early["errors"]] == ["/end_date"]
        await eps.end(episode, ENDED | {"end_reason": "stepped_up"}, expect=422)
        ended = await eps.end(episode, ENDED)
        assert (ended["end_date"], ended["end_reason"], ended["meta"]["version"]) == (days_ago(1), "goals_achieved", 2)
        await eps.end(ended, ENDED, expect=409)
        await eps.end(ended, ENDED, expect=412, version=1)
        # Once ended, the level can be opened again.
        await eps.open(episode_body(eps.family.child))

    async def test_outsiders_do_not_find_it_and_the_family_do(self, eps: Episodes) -> None:
        episode = await eps.open(episode_body(eps.family.child))
        other = eps.auth("social_worker", COUNCIL_B)
        for url in (f"/v1/child-episodes/{episode['id']}", f"{eps.case}/child-episodes", f"{eps.case}/step-changes"):
            assert (await eps.client.get(url, headers=other)).status_code == 404
        other_family = eps.auth("parent_carer", sub="zed", person_id=await make_person(eps.client, eps.auth, "Zed"))
        assert (await eps.client.get(f"/v1/child-episodes/{episode['id']}", headers=other_family)).status_code == 404
        # Family-shareable by default: Grace sees the level her child is at.
        parent = eps.auth("parent_carer", sub="grace", person_id=eps.family.mum)
        assert (await eps.client.get(f"/v1/child-episodes/{episode['id']}", headers=parent)).status_code == 200


class TestStepChange:
    async def test_step_up_ends_one_episode_and_starts_the_next_in_one_go(self, eps: Episodes) -> None:
        cin = await eps.open(episode_body(eps.family.child))
        step = await eps.step(step_body([eps.family.child], "child_in_need", "child_protection"))
        assert step["decided_by"] == eps.family.worker  # the manager's person id, from the token
        by_id = {e["id"]: e for e in await eps.listed()}
        old = by_id[cin["id"]]
        assert (old["end_date"], old["end_reason"]) == (days_ago(2), "stepped_up")
        [new] = [e for e in by_id.values() if e["id"] != cin["id"]]
        assert (new["level"], new["legal_basis"], new["start_date"], new["start_reason"], new["stepped_from"]) == (
            "child_protection",
            "s47",
            days_ago(2),
            "stepped_up",
            cin["id"],
        )
        assert new.get("end_date") is None
        listed = await eps.client.get(f"{eps.case}/step-changes", headers=eps.worker)
        assert [s["id"] for s in listed.json()["items"]] == [step["id"]]

    async def test_step_down_cp_to_cin_after_the_review_conference_ends_the_plan(self, eps: Episodes) -> None:
        await eps.open(episode_body(eps.family.child, "child_protection"))
        down = step_body([eps.family.child], "child_protection", "child_in_need")
        refused = await eps.step(down, expect=409)
        assert (problem_type(refused), [e["pointer"] for e in refused["errors"]]) == (
            "no-rcpc-decision",
            ["/child_ids/0"],
        )
        # A decision that continues the plan is not enough.
        await eps.review([eps.family.child], "cp_plan_continues", circulate=False, category="neglect")
        await eps.step(down, expect=409)
        # Declined or corrected steps move nobody, so need no conference.
        await eps.step(down | {"rejected_reason": "The panel wants another review first."})
        # The plan ends on the chair's decision, the day it is made: the minutes follow weeks later (as for ending
        # the CP plan itself).
        await eps.review([eps.family.child], "ends_to_cin", circulate=False)
        await eps.step(down)
        [open_now] = [e for e in await eps.listed() if not e.get("end_date")]
        assert (open_now["level"], open_now["start_reason"], open_now["legal_basis"]) == (
            "child_in_need",
            "stepped_down",
            "s17",
        )

    async def test_every_child_must_have_an_open_episode_at_from_level(self, eps: Episodes) -> None:
        await eps.open(episode_body(eps.family.child))
        body = step_body([eps.family.child, eps.family.sibling], "child_in_need", "child_protection")
        refused = await eps.step(body, expect=409)
        assert [e["pointer"] for e in refused["errors"]] == ["/child_ids/1"]
        assert all(not e.get("end_date") for e in await eps.listed())  # nothing moved
        await eps.step(step_body([eps.family.mum], "child_in_need", "child_protection"), expect=422)

    async def test_onto_a_level_already_open_only_ends_the_lower_one(self, eps: Episodes) -> None:
        cin = await eps.open(episode_body(eps.family.child))
        cp = await eps.open(episode_body(eps.family.child, "child_protection"))
        await eps.step(step_body([eps.family.child], "child_in_need", "child_protection"))
        by_id = {e["id"]: e for e in await eps.listed()}
        assert set(by_id) == {cin["id"], cp["id"]}  # no second child protection episode
        assert (by_id[cin["id"]]["end_date"], by_id[cin["id"]]["end_reason"]) == (days_ago(2), "stepped_up")
        assert by_id[cp["id"]].get("end_date") is None

    async def test_from_and_to_differ(self, eps: Episodes) -> None:
        await eps.open(episode_body(eps.family.child))
        await eps.step(step_body([eps.family.child], "child_in_need", "child_in_need"), expect=422)

    async def test_step_down_to_early_help_needs_the_family_s_consent(self, eps: Episodes) -> None:
        await eps.open(episode_body(eps.family.child))
        down = step_body([eps.family.child], "child_in_need", "early_help")
        await eps.step(down, expect=422)
        declined = await eps.step(down | {"family_consent": False, "rejected_reason": "Grace does not want help."})
        assert declined["rejected_reason"]
        assert [e["level"] for e in await eps.listed() if not e.get("end_date")] == ["child_in_need"]  # not moved
        await eps.step(down | {"family_consent": True})
        [open_now] = [e for e in await eps.listed() if not e.get("end_date")]
        assert (open_now["level"], open_now["legal_basis"]) == ("early_help", "none_consent")

    async def test_the_decision_is_the_manager_s_and_signed_from_the_token(self, eps: Episodes) -> None:
        await eps.open(episode_body(eps.family.child))
        body = step_body([eps.family.child], "child_in_need", "child_protection")
        await eps.step(body, expect=403, headers=eps.worker)
        await eps.step(body | {"decided_by": eps.family.mum}, expect=422)

    async def test_a_step_cannot_predate_the_episode_or_lie_ahead(self, eps: Episodes) -> None:
        await eps.open(episode_body(eps.family.child))
        early = await eps.step(
            step_body([eps.family.child], "child_in_need", "child_protection", decided_on=days_ago(40)), expect=422
        )
        assert [e["pointer"] for e in early["errors"]] == ["/decided_on"]
        ahead = (TODAY + dt.timedelta(days=3)).isoformat()
        await eps.step(step_body([eps.family.child], "child_in_need", "child_protection", decided_on=ahead), expect=422)

    async def test_append_only_a_correction_names_the_earlier_record_and_moves_nothing(self, eps: Episodes) -> None:
        await eps.open(episode_body(eps.family.child))
        step = await eps.step(step_body([eps.family.child], "child_in_need", "child_protection"))
        put = await eps.client.put(f"/v1/step-changes/{step['id']}", json={}, headers=eps.manager | if_match(1))
        assert put.status_code in {404, 405}
        fixed = step_body([eps.family.child], "child_in_need", "child_protection", corrects=step["id"])
        await eps.step(fixed, expect=409)  # the child is no longer at child_in_need: corrections say what was decided
        correction = step_body([eps.family.child], "child_protection", "child_in_need", corrects=step["id"])
        made = await eps.step(correction | {"reason": "Recorded the wrong direction."})
        assert made["corrects"] == step["id"]
        assert [e["level"] for e in await eps.listed() if not e.get("end_date")] == ["child_protection"]
        wrong = correction | {"corrects": eps.family.case_id}
        assert (await eps.step(wrong, expect=422))["errors"][0]["pointer"] == "/corrects"


class TestCaseLevelAndClosing:
    async def test_current_level_is_the_highest_open_one(self, eps: Episodes) -> None:
        assert (await eps.read_case()).get("current_level") is None
        await eps.open(episode_body(eps.family.sibling, "early_help"))
        assert (await eps.read_case())["current_level"] == "early_help"
        await eps.open(episode_body(eps.family.child))
        assert (await eps.read_case())["current_level"] == "child_in_need"
        await eps.step(step_body([eps.family.child], "child_in_need", "child_protection"))
        assert (await eps.read_case())["current_level"] == "child_protection"
        listed = await eps.client.get("/v1/cases?limit=200", headers=eps.worker)
        [mine] = [c for c in listed.json()["items"] if c["id"] == eps.family.case_id]
        assert mine["current_level"] == "child_protection"
        summary = await eps.client.get(f"/v1/cases/{eps.family.case_id}/summary", headers=eps.worker)
        assert summary.json()["current_level"] == "child_protection"

    async def test_a_case_closes_only_once_every_episode_has_ended(self, eps: Episodes) -> None:
        episode = await eps.open(episode_body(eps.family.child))
        why = {"closed_on": days_ago(0), "closure_reason": "goals_achieved"}
        case = await eps.read_case()
        url = f"{eps.case}/close"
        refused = await eps.client.post(url, json=why, headers=eps.manager | if_match(case["meta"]["version"]))
        assert refused.status_code == 409, refused.text
        assert problem_type(refused.json()) == "episodes-open"
        assert eps.family.child in refused.json()["detail"]
        assert "child_in_need" in refused.json()["detail"]
        await eps.end(episode, ENDED)
        closed = await eps.client.post(url, json=why, headers=eps.manager | if_match(case["meta"]["version"]))
        assert closed.status_code == 200, closed.text
        assert (closed.json()["status"], closed.json().get("current_level")) == ("closed", None)
        # No new open episode on a closed case: new work starts at the front door.
        await eps.open(episode_body(eps.family.child), expect=409)
