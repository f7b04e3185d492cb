"""Sync by source key (interop R3), ownership (R11) and tombstones (R6), on statutory plans: the registry makes the
same upsert for every kind that declares `sync`, so one kind shows the machinery.

One database for the module; each test makes its own family and its own source keys.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.settings import CouncilContact, Settings
from tests.api.conftest import TokenFactory
from tests.api.test_dangers import Family, if_match, make_family
from tests.api.test_people import nhs_number
from tests.api.worlds.plans import cin_plan, days

JSON = dict[str, Any]
CIN = "https://sos-casework.org.uk/id/la/845/cin-plan"
PROBLEMS = "https://sos-casework.org.uk/problems/"


def system(auth: TokenFactory, sub: str = "mosaic-sync") -> dict[str, str]:
    """The council's case management system: an integration client."""
    return auth("integration_client", sub=sub, scp="system/*.cruds", azp="mosaic")


def by_source(family: Family, source_id: str, system_uri: str = CIN) -> str:
    return f"/v1/cases/{family.case_id}/statutory-plans?source={system_uri}&source_id={source_id}"


def plan(family: Family, review_on: str = days(90)) -> JSON:
    body = cin_plan(family.child, family.worker, family.mum)
    body["review_schedule"] = {"next_on": review_on, "rule": "every 3 months"}
    return body


async def plans_of(client: AsyncTestClient[Any], auth: TokenFactory, family: Family) -> list[JSON]:
    listed = await client.get(f"/v1/cases/{family.case_id}/statutory-plans", headers=auth())
    assert listed.status_code == 200, listed.text
    items: list[JSON] = listed.json()["items"]
    return items


async def changes_of(
    client: AsyncTestClient[Any], headers: dict[str, str], record_id: str, want: int, types: str = "statutory_plan"
) -> list[JSON]:
    """The feed's changes to one record, once `want` have come (the feed's horizon waits for every transaction
    still running on the server, other databases' included)."""
    deadline = time.monotonic() + 30
    while True:
        page = await client.get("/v1/changes", params={"types": types, "limit": 1000}, headers=headers)
        assert page.status_code == 200, page.text
        mine: list[JSON] = [c for c in page.json()["items"] if c["id"] == record_id]
        if len(mine) >= want or time.monotonic() > deadline:
            return mine
        await asyncio.sleep(0.2)


async def test_a_council_system_creates_then_replaces_a_plan_by_its_key(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    url = by_source(family, "CINP-1")
    made = await module_client.put(url, json=plan(family), headers=system(auth))
    assert made.status_code == 201, made.text
    created = made.json()
    assert made.headers["location"] == f"/v1/statutory-plans/{created['id']}"
    assert created["meta"]["source"] == {"system": CIN, "source_id": "CINP-1"}
    read = await module_client.get(made.headers["location"], headers=auth())
    assert read.json()["meta"]["source"] == {"system": CIN, "source_id": "CINP-1"}
    # Found by its key again: a replace, under If-Match like the plan's own PUT.
    later = plan(family, review_on=days(60))
    assert (await module_client.put(url, json=later, headers=system(auth))).status_code == 428
    stale = await module_client.put(url, json=later, headers=system(auth) | if_match(7))
    assert stale.status_code == 412, stale.text
    replaced = await module_client.put(url, json=later, headers=system(auth) | if_match(1))
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["id"], replaced.headers["etag"]) == (created["id"], 'W/"2"')
    assert replaced.json()["plan"]["review_schedule"]["next_on"] == days(60)
    assert [p["id"] for p in await plans_of(module_client, auth, family)] == [created["id"]]
    # The feed names the council system as the changes' source.
    mine = await changes_of(module_client, system(auth), created["id"], 2)
    assert [(c["version"], c["source_system"]) for c in mine] == [(1, CIN), (2, CIN)]
    # A retry with the same Idempotency-Key (interop R12) is answered as the first time, and writes nothing.
    retry = {"Idempotency-Key": "sync-cinp-3"}
    first = await module_client.put(by_source(family, "CINP-3"), json=plan(family), headers=system(auth) | retry)
    again = await module_client.put(by_source(family, "CINP-3"), json=plan(family), headers=system(auth) | retry)
    assert (first.status_code, again.status_code, again.headers["idempotency-replayed"]) == (201, 201, "true")
    assert again.json()["id"] == first.json()["id"]
    # If-Match on a key no record holds yet is refused, and nothing is made.
    fresh = await module_client.put(by_source(family, "CINP-2"), json=plan(family), headers=system(auth) | if_match(1))
    assert fresh.status_code == 412, fresh.text
    assert len(await plans_of(module_client, auth, family)) == 2


async def test_a_source_key_names_the_callers_own_council_and_a_system_of_the_kind(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    other = "https://sos-casework.org.uk/id/la/846/cin-plan"
    theirs = await module_client.put(by_source(family, "X-1", other), json=plan(family), headers=system(auth))
    assert (theirs.status_code, theirs.json()["type"]) == (403, PROBLEMS + "source-not-yours"), theirs.text
    wrong_kind = "https://sos-casework.org.uk/id/la/845/person"
    assert (
        await module_client.put(by_source(family, "X-1", wrong_kind), json=plan(family), headers=system(auth))
    ).status_code == 400
    # Practitioners do not write a system's keys.
    worker = await module_client.put(by_source(family, "X-1"), json=plan(family), headers=auth())
    assert worker.status_code == 403
    assert await plans_of(module_client, auth, family) == []


async def test_two_sync_clients_racing_one_key_make_one_record(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    """Both requests run at once on two connections; the key's lock lets exactly one create. The other then finds
    the record and, having sent no If-Match, is told to read it first (428): never two records, never a 500."""
    family = await make_family(module_client, auth)
    url = by_source(family, "CINP-RACE")
    first, second = await asyncio.gather(
        module_client.put(url, json=plan(family, days(30)), headers=system(auth)),
        module_client.put(url, json=plan(family, days(40)), headers=system(auth, sub="liquidlogic-sync")),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 428], (first.text, second.text)
    assert len(await plans_of(module_client, auth, family)) == 1


async def test_a_nightly_sync_never_overwrites_a_practitioners_plan(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    url = by_source(family, "CINP-NIGHTLY")
    nightly = plan(family)
    made = await module_client.put(url, json=nightly, headers=system(auth))
    assert made.status_code == 201, made.text
    plan_url = made.headers["location"]
    # The worker writes the plan's actions with the family.
    worked = plan(family) | {
        "actions": [{"what": "Ada's mum takes her to the dentist.", "who_person_id": family.mum, "by": days(14)}],
        "contingency": "Grandma Ruth has Ada for the weekend if things are hard.",
    }
    edited = await module_client.put(plan_url, json=worked, headers=auth() | if_match(1))
    assert edited.status_code == 200, edited.text
    # That night the CMS sends its copy again, with a new review date: the plan's content is not its own.
    nightly["review_schedule"] = {"next_on": days(45), "rule": "every 6 weeks"}
    refused = await module_client.put(url, json=nightly, headers=system(auth) | if_match(2))
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"] == PROBLEMS + "not-authoritative"
    assert {e["pointer"] for e in problem["errors"]} == {"/plan/actions", "/plan/contingency"}
    # The by-id PUT is held to the same rule.
    by_id = await module_client.put(plan_url, json=nightly, headers=system(auth) | if_match(2))
    assert (by_id.status_code, by_id.json()["type"]) == (409, PROBLEMS + "not-authoritative")
    kept = (await module_client.get(plan_url, headers=auth())).json()
    assert (kept["meta"]["version"], kept["plan"]["contingency"]) == (2, worked["contingency"])
    # The CMS may change what it owns, sending the practitioners' fields as it read them.
    own_only = worked | {"review_schedule": {"next_on": days(45), "rule": "every 6 weeks"}}
    synced = await module_client.put(url, json=own_only, headers=system(auth) | if_match(2))
    assert synced.status_code == 200, synced.text
    assert synced.json()["plan"]["actions"][0]["what"] == "Ada's mum takes her to the dentist."
    assert synced.json()["plan"]["review_schedule"]["next_on"] == days(45)


async def test_a_council_system_writes_no_practitioner_owned_kind(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    body = {"title": "Synced safety plan"}
    refused = await module_client.post(f"/v1/cases/{family.case_id}/safety-plans", json=body, headers=system(auth))
    assert (refused.status_code, refused.json()["type"]) == (409, PROBLEMS + "not-authoritative"), refused.text


async def test_a_council_may_keep_a_kind_wholly_its_practitioners(
    settings: Settings, module_database: str, auth: TokenFactory, module_client: AsyncTestClient[Any]
) -> None:
    family = await make_family(module_client, auth)
    council = CouncilContact(code="845", name="Test council", owns={"statutory_plan": ()})
    overridden = Settings(**{**{f: getattr(settings, f) for f in settings.__struct_fields__}, "councils": (council,)})
    async with AsyncTestClient(create_app(overridden, database_url=module_database)) as client:
        refused = await client.put(by_source(family, "CINP-9"), json=plan(family), headers=system(auth))
    assert (refused.status_code, refused.json()["type"]) == (409, PROBLEMS + "not-authoritative"), refused.text


async def test_a_plan_entered_in_error_is_gone_for_its_readers_and_kept_for_auditors(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    url = by_source(family, "CINP-GONE")
    made = await module_client.put(url, json=plan(family), headers=system(auth))
    plan_url = made.headers["location"]
    marked = await module_client.post(
        f"{plan_url}/entered-in-error", json={"reason": "Recorded on the wrong child."}, headers=auth() | if_match(1)
    )
    assert marked.status_code == 200, marked.text
    gone = await module_client.get(plan_url, headers=auth())
    assert gone.status_code == 410, gone.text
    problem = gone.json()
    assert (problem["type"], problem["reason"]) == (PROBLEMS + "gone", "entered-in-error")
    assert problem["deleted_at"] == marked.json()["meta"]["entered_in_error"]["at"]
    # Another council's caller learns nothing: still 404. Auditors read it, with its mark.
    assert (await module_client.get(plan_url, headers=auth(org="la:846"))).status_code == 404
    audited = await module_client.get(plan_url, headers=auth("auditor"))
    assert audited.json()["meta"]["entered_in_error"]["reason"] == "Recorded on the wrong child."
    # The feed carries the tombstone, and the key's next sync is told the record is gone.
    mine = await changes_of(module_client, system(auth), made.json()["id"], 2)
    assert [(c["op"], c["reason"]) for c in mine] == [("upsert", None), ("delete", "entered-in-error")]
    again = await module_client.put(url, json=plan(family), headers=system(auth) | if_match(2))
    assert again.status_code == 410, again.text


async def test_a_duplicate_person_is_merged_into_the_survivor(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    family = await make_family(module_client, auth)
    ours = nhs_number(7001)
    twin = {
        "given_names": "Ada",
        "family_name": "Okafor",
        "identifiers": [{"system": "nhs_number", "value": ours}, {"system": "la_person_id", "value": "PERS7001"}],
    }
    made = await module_client.post("/v1/people", json=twin, headers=auth())
    assert made.status_code == 201, made.text
    loser = made.json()["id"]
    # The duplicate is on a case of its own, which follows them to the survivor.
    other_case = {
        "family_label": "Okafor family (duplicate)",
        "opened_on": "2026-10-02",
        "members": [{"person_id": loser, "role": "child"}, {"person_id": family.mum, "role": "parent"}],
    }
    case = await module_client.post("/v1/cases", json=other_case, headers=auth())
    assert case.status_code == 201, case.text
    url = f"/v1/people/{loser}/merge"
    into = {"into": family.child, "reason": "The same child recorded twice."}
    assert (await module_client.post(url, json=into, headers=system(auth))).status_code == 428
    assert (await module_client.post(url, json=into, headers=auth() | if_match(1))).status_code == 403
    itself = await module_client.post(url, json={"into": loser}, headers=system(auth) | if_match(1))
    assert (itself.status_code, itself.json()["type"]) == (409, PROBLEMS + "merge-refused"), itself.text
    elsewhere = await module_client.post(
        "/v1/people", json={"given_names": "Zed", "family_name": "Other"}, headers=auth(org="la:846")
    )
    across = await module_client.post(url, json={"into": elsewhere.json()["id"]}, headers=system(auth) | if_match(1))
    assert (across.status_code, across.json()["type"]) == (409, PROBLEMS + "merge-refused"), across.text

    merged = await module_client.post(url, json=into, headers=system(auth) | if_match(1))
    assert merged.status_code == 200, merged.text
    survivor = merged.json()
    assert survivor["id"] == family.child
    assert {i["value"] for i in survivor["identifiers"]} >= {ours, "PERS7001"}
    # The loser is a tombstone naming the survivor; their identifiers find the survivor now.
    gone = await module_client.get(f"/v1/people/{loser}", headers=auth())
    assert gone.status_code == 410, gone.text
    assert (gone.json()["reason"], gone.json()["merged_into"]) == ("merged", family.child)
    found = await module_client.get("/v1/people", params={"identifier": f"nhs_number|{ours}"}, headers=auth())
    assert [p["id"] for p in found.json()["items"]] == [family.child]
    followed = await module_client.get(f"/v1/cases/{case.json()['id']}", headers=auth())
    assert [m["person_id"] for m in followed.json()["members"]] == [family.child, family.mum]
    # Nobody is merged into a tombstone; the feed tells of the merge.
    again = await module_client.post(
        f"/v1/people/{family.sibling}/merge", json={"into": loser}, headers=system(auth) | if_match(1)
    )
    assert (again.status_code, again.json()["type"]) == (409, PROBLEMS + "merge-refused"), again.text
    feed = await changes_of(module_client, system(auth), loser, 2, types="person")
    assert (feed[-1]["op"], feed[-1]["reason"], feed[-1]["merged_into"]) == ("merge", "merged", family.child)
