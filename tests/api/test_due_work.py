"""A team's due and overdue work (GET /v1/teams/{team}/due-work, domain 3.5): what it lists, for whom, and that
every record behind it is recorded as read (BR-25). Each kind's own timescales are tested with the kind; here the
list is checked against a referral's decision clock (BR-19), whose due day is worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_api.resources.service import today
from tests.api.conftest import TokenFactory
from tests.api.test_dangers import Family, make_family
from tests.api.test_front_door import ASSESS, FrontDoor, referral_body
from tests.api.world import midnight_in_england

TEAM, OTHER_TEAM = "Team Due", "Team Elsewhere"
JSON = dict[str, Any]


class Dashboard:
    """One family's case allocated to TEAM, and the team's manager."""

    def __init__(self, door: FrontDoor, case_id: str) -> None:
        self.door, self.case_id = door, case_id
        self.manager = door.auth("team_manager", sub="due-manager", person_id=door.family.worker, teams=[TEAM])

    async def referral(self, **changes: Any) -> JSON:
        body = referral_body(self.door.family, case_id=self.case_id, **changes)
        made = await self.door.client.post("/v1/referrals", json=body, headers=self.manager)
        assert made.status_code == 201, made.text
        return dict(made.json())

    async def due(
        self, team: str = TEAM, headers: dict[str, str] | None = None, expect: int = 200, **query: Any
    ) -> Any:
        got = await self.door.client.get(f"/v1/teams/{team}/due-work", params=query, headers=headers or self.manager)
        assert got.status_code == expect, got.text
        return got.json()


async def team_case(client: AsyncTestClient[Any], auth: TokenFactory, family: Family, team: str) -> str:
    body = {
        "family_label": f"Okafor family ({team})",
        "opened_on": "2026-10-01",
        "members": [{"person_id": family.child, "role": "child"}, {"person_id": family.mum, "role": "parent"}],
        "allocated_worker": family.worker,
        "team": team,
        "team_manager": family.worker,
    }
    made = await client.post("/v1/cases", json=body, headers=auth("team_manager", teams=[team]))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


@pytest.fixture
async def board(client: AsyncTestClient[Any], auth: TokenFactory) -> Dashboard:
    family = await make_family(client, auth)
    return Dashboard(FrontDoor(client, auth, family), await team_case(client, auth, family, TEAM))


async def test_an_undecided_referral_is_due_work_until_decided(board: Dashboard) -> None:
    late = await board.referral(received_at="2026-11-02T09:15:00Z")  # Monday: due Tuesday 3 November
    fresh = await board.referral(received_at=midnight_in_england(today()))
    listed = await board.due()
    assert (listed["team"], listed["as_of"]) == (TEAM, today().isoformat())
    items = {item["record_id"]: item for item in listed["items"]}
    assert items.keys() == {late["id"], fresh["id"]}
    assert items[late["id"]] | {"working_days_remaining": 0} == {
        "what": "referral_decision",
        "kind": "referral",
        "record_id": late["id"],
        "case_id": board.case_id,
        "child_ids": [board.door.family.child],
        "due_by": "2026-11-03",
        "working_days_remaining": 0,
        "overdue": True,
    }
    assert items[late["id"]]["working_days_remaining"] < 0
    # Received today: due on the next working day, one working day away.
    assert (items[fresh["id"]]["overdue"], items[fresh["id"]]["working_days_remaining"]) == (False, 1)
    assert [i["record_id"] for i in listed["items"]] == [late["id"], fresh["id"]], "soonest first"
    assert [i["record_id"] for i in (await board.due(overdue_only="true"))["items"]] == [late["id"]]

    await board.door.decide(late, {**ASSESS, "decision": "pass_to_allocated_worker"}, headers=board.manager)
    assert [i["record_id"] for i in (await board.due())["items"]] == [fresh["id"]]


async def test_only_the_team_s_open_cases_count(
    board: Dashboard, client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    elsewhere = await team_case(client, auth, board.door.family, OTHER_TEAM)
    other = referral_body(board.door.family, case_id=elsewhere)
    made = await client.post("/v1/referrals", json=other, headers=auth("team_manager", teams=[OTHER_TEAM]))
    assert made.status_code == 201, made.text
    assert (await board.due())["items"] == []


async def test_a_manager_sees_their_own_teams_and_quality_staff_every_team(board: Dashboard) -> None:
    mine = await board.referral()
    stranger = board.door.auth("team_manager", sub="other-manager", teams=[OTHER_TEAM])
    refused = await board.due(headers=stranger, expect=403)
    assert refused["status"] == 403
    await board.due(headers=board.door.auth("social_worker", teams=[TEAM]), expect=403)
    auditor = board.door.auth("auditor", sub="due-auditor")
    assert [i["record_id"] for i in (await board.due(headers=auditor))["items"]] == [mine["id"]]


async def test_every_record_listed_is_recorded_as_read(board: Dashboard) -> None:
    mine = await board.referral()
    await board.due()
    events = await board.door.client.get(
        "/v1/audit-events", params={"case": board.case_id}, headers=board.door.auth("auditor", sub="due-auditor")
    )
    assert events.status_code == 200, events.text
    reads = [
        e
        for e in events.json()["items"]
        if e["object_id"] == mine["id"] and e["action"] == "read" and e["user"] == "due-manager"
    ]
    assert len(reads) == 1


async def test_open_care_proceedings_are_due_at_26_weeks(board: Dashboard) -> None:
    """Issued Mon 2 March 2026: 26 calendar weeks is Mon 31 August 2026 (s32(1)(a)). Concluded, nothing is due."""
    issued = {
        "child_ids": [board.door.family.child],
        "stage": "case_management",
        "letter_before_proceedings_on": "2026-02-23",
        "fgdm_offered_on": "2026-02-23",
        "fgdm_response": "accepted",
        "application_issued_on": "2026-03-02",
    }
    url = f"/v1/cases/{board.case_id}/court-work"
    made = await board.door.client.post(url, json=issued, headers=board.manager)
    assert made.status_code == 201, made.text
    [item] = (await board.due())["items"]
    assert (item["what"], item["kind"], item["due_by"], item["overdue"]) == (
        "care_proceedings",
        "court_work",
        "2026-08-31",
        True,
    )
    concluded = issued | {"stage": "concluded", "concluded_on": "2026-08-28"}
    headers = board.manager | {"If-Match": made.headers["etag"]}
    saved = await board.door.client.put(f"/v1/court-work/{made.json()['id']}", json=concluded, headers=headers)
    assert saved.status_code == 200, saved.text
    assert (await board.due())["items"] == []
