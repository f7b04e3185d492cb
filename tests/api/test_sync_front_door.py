"""Sync by source key (interop R3) for referrals and child episodes, and their replaces: what a council's system
(or a worker) may correct on a referral before and after its decision (domain 2.6, BR-19), and on a child's
episode (dates, level, reasons; an ended episode stays ended).

One database for the module; each test makes its own family and its own source keys.
"""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.conftest import TokenFactory
from tests.api.test_dangers import Family, if_match, make_family
from tests.api.test_front_door import ASSESS, referral_body
from tests.api.test_sync import PROBLEMS, system
from tests.api.worlds.episodes import days_ago, episode_body

JSON = dict[str, Any]
REFERRAL = "https://sos-casework.org.uk/id/la/845/referral"
CLA = "https://sos-casework.org.uk/id/la/845/cla-episode"
EPISODE = "https://sos-casework.org.uk/id/la/845/episode"


def referral_by(source_id: str, system_uri: str = REFERRAL) -> str:
    return f"/v1/referrals?source={system_uri}&source_id={source_id}"


def episode_by(family: Family, source_id: str, system_uri: str = EPISODE) -> str:
    return f"/v1/cases/{family.case_id}/child-episodes?source={system_uri}&source_id={source_id}"


def manager(auth: TokenFactory, family: Family) -> dict[str, str]:
    return auth("team_manager", sub="manager-1", person_id=family.worker)


async def test_a_council_system_creates_then_re_syncs_a_referral_by_its_key(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    url = referral_by("CONT-1")
    made = await module_client.put(url, json=referral_body(family), headers=system(auth))
    assert made.status_code == 201, made.text
    created = made.json()
    assert made.headers["location"] == f"/v1/referrals/{created['id']}"
    assert created["meta"]["source"] == {"system": REFERRAL, "source_id": "CONT-1"}
    # The CMS corrects the time the contact arrived: the decision's due day follows it, under If-Match.
    later = referral_body(family, received_at="2026-11-03T10:00:00Z")
    assert (await module_client.put(url, json=later, headers=system(auth))).status_code == 428
    stale = await module_client.put(url, json=later, headers=system(auth) | if_match(4))
    assert stale.status_code == 412, stale.text
    synced = await module_client.put(url, json=later, headers=system(auth) | if_match(1))
    assert synced.status_code == 200, synced.text
    assert (synced.json()["id"], synced.headers["etag"]) == (created["id"], 'W/"2"')
    assert (created["decision_due_by"], synced.json()["decision_due_by"]) == ("2026-11-03", "2026-11-04")
    # Another council's system, and a practitioner, write no key of this council's.
    theirs = await module_client.put(
        referral_by("CONT-1", "https://sos-casework.org.uk/id/la/846/referral"), json=later, headers=system(auth)
    )
    assert (theirs.status_code, theirs.json()["type"]) == (403, PROBLEMS + "source-not-yours"), theirs.text
    assert (await module_client.put(url, json=later, headers=auth() | if_match(2))).status_code == 403


async def test_a_decided_referral_keeps_its_decision_and_the_facts_it_rests_on(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    url = referral_by("CONT-DECIDED")
    body = referral_body(family)
    made = await module_client.put(url, json=body, headers=system(auth))
    assert made.status_code == 201, made.text
    referral_url = made.headers["location"]
    decided = await module_client.post(
        f"{referral_url}/decision",
        json=ASSESS | {"case_id": family.case_id},
        headers=manager(auth, family) | if_match(1),
    )
    assert decided.status_code == 200, decided.text
    # The CMS's copy names no case (the decision linked it) and corrects the referrer's words: accepted, and
    # the decision and its case stay.
    corrected = body | {"grey_areas": "Whether Dad still lives at the house."}
    synced = await module_client.put(url, json=corrected, headers=system(auth) | if_match(2))
    assert synced.status_code == 200, synced.text
    kept = synced.json()
    assert (kept["decision"], kept["case_id"], kept["grey_areas"]) == (
        "child_and_family_assessment",
        family.case_id,
        "Whether Dad still lives at the house.",
    )
    assert kept["decided_at"] == decided.json()["decided_at"]
    # Who it is about, when it arrived and its case are as the decision found them: 409 naming each.
    moved = corrected | {
        "subjects": [family.sibling],
        "received_at": "2026-11-05T09:00:00Z",
        "case_id": "00000000-0000-4000-8000-000000000001",
    }
    refused = await module_client.put(url, json=moved, headers=system(auth) | if_match(3))
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"] == PROBLEMS + "referral-decided"
    assert [e["pointer"] for e in problem["errors"]] == ["/subjects", "/received_at", "/case_id"]
    # A worker's replace by id is held to the same rule, and may correct the rest.
    by_id = await module_client.put(referral_url, json=moved, headers=auth() | if_match(3))
    assert (by_id.status_code, by_id.json()["type"]) == (409, PROBLEMS + "referral-decided")
    worker = await module_client.put(
        referral_url, json=corrected | {"complicating_factors": "Dad drinks."}, headers=auth() | if_match(3)
    )
    assert worker.status_code == 200, worker.text
    assert (worker.json()["meta"]["version"], worker.json()["decision"]) == (4, "child_and_family_assessment")


async def test_an_undecided_referral_may_join_or_leave_a_case(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    made = await module_client.post("/v1/referrals", json=referral_body(family), headers=auth())
    assert made.status_code == 201, made.text
    referral_url = made.headers["location"]
    joined = await module_client.put(
        referral_url, json=referral_body(family, case_id=family.case_id), headers=auth() | if_match(1)
    )
    assert joined.status_code == 200, joined.text
    assert (joined.json()["case_id"], joined.json()["meta"]["case_id"]) == (family.case_id, family.case_id)
    # A future arrival is refused as on create.
    future = await module_client.put(
        referral_url, json=referral_body(family, received_at="2999-01-01T09:00:00Z"), headers=auth() | if_match(2)
    )
    assert future.status_code == 422, future.text
    left = await module_client.put(referral_url, json=referral_body(family), headers=auth() | if_match(2))
    assert left.status_code == 200, left.text
    assert left.json()["case_id"] is None


async def test_a_council_system_creates_then_re_syncs_a_child_episode_by_its_key(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    url = episode_by(family, "CLAE-1", CLA)
    looked_after = episode_body(family.child, "looked_after", legal_basis="s20_accommodated", start_date=days_ago(30))
    made = await module_client.put(url, json=looked_after, headers=system(auth))
    assert made.status_code == 201, made.text
    created = made.json()
    assert made.headers["location"] == f"/v1/child-episodes/{created['id']}"
    assert created["meta"]["source"] == {"system": CLA, "source_id": "CLAE-1"}
    # The CMS corrects the start date and then ends the episode.
    earlier = looked_after | {"start_date": days_ago(40)}
    assert (await module_client.put(url, json=earlier, headers=system(auth))).status_code == 428
    assert (await module_client.put(url, json=earlier, headers=system(auth) | if_match(2))).status_code == 412
    synced = await module_client.put(url, json=earlier, headers=system(auth) | if_match(1))
    assert synced.status_code == 200, synced.text
    assert (synced.json()["id"], synced.json()["start_date"]) == (created["id"], days_ago(40))
    ended = earlier | {"end_date": days_ago(2), "end_reason": "goals_achieved"}
    done = await module_client.put(url, json=ended, headers=system(auth) | if_match(2))
    assert (done.status_code, done.json()["end_date"]) == (200, days_ago(2)), done.text
    # An ended episode's end may be corrected; it is not reopened.
    moved = await module_client.put(url, json=ended | {"end_date": days_ago(3)}, headers=system(auth) | if_match(3))
    assert (moved.status_code, moved.json()["end_date"]) == (200, days_ago(3)), moved.text
    reopened = await module_client.put(url, json=earlier, headers=system(auth) | if_match(4))
    assert reopened.status_code == 409, reopened.text
    theirs = await module_client.put(
        episode_by(family, "CLAE-1", "https://sos-casework.org.uk/id/la/846/cla-episode"),
        json=looked_after,
        headers=system(auth),
    )
    assert (theirs.status_code, theirs.json()["type"]) == (403, PROBLEMS + "source-not-yours"), theirs.text


async def test_a_worker_corrects_an_episode_one_open_per_level(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    case = f"/v1/cases/{family.case_id}/child-episodes"
    cin = await module_client.post(case, json=episode_body(family.child), headers=auth())
    early = await module_client.post(case, json=episode_body(family.child, "early_help"), headers=auth())
    assert (cin.status_code, early.status_code) == (201, 201), (cin.text, early.text)
    early_url = early.headers["location"]
    # Ada is already open at child in need: the early help episode cannot become a second one.
    clash = await module_client.put(early_url, json=episode_body(family.child), headers=auth() | if_match(1))
    assert (clash.status_code, clash.json()["type"]) == (409, PROBLEMS + "duplicate"), clash.text
    other_child = await module_client.put(
        early_url, json=episode_body(family.sibling, "early_help"), headers=auth() | if_match(1)
    )
    assert other_child.status_code == 422, other_child.text
    # Only a step change ends an episode stepped up.
    stepped = episode_body(family.child, "early_help", end_date=days_ago(1), end_reason="stepped_up")
    assert (await module_client.put(early_url, json=stepped, headers=auth() | if_match(1))).status_code == 409
    noted = episode_body(family.child, "early_help", start_reason="other", start_reason_note="From the school.")
    fixed = await module_client.put(early_url, json=noted, headers=auth() | if_match(1))
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["start_reason_note"], fixed.headers["etag"]) == ("From the school.", 'W/"2"')
