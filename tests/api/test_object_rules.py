"""Object rules beyond the role check (domain 4.1-4.2): visibility per role, confidential addresses (BR-27),
the family's own voice, involvement that starts and ends access, allocation, and integration scopes."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from tests.api.conftest import TokenFactory
from tests.api.test_dangers import danger_body, make_family, make_person
from tests.api.test_scaling import judgement
from tests.api.world import AGENCY, TEAM, World, allocate, build_world, insider

REFUGE = {
    "lines": ["Address withheld"],
    "postcode": "LS1 4AP",
    "confidential": True,
    "confidential_reason": "Refuge address: withheld from Sam and all agencies.",
}
HOME = {"lines": ["1 Example Street"], "town": "Exampleton", "postcode": "LS1 4AP", "valid_to": "2026-08-31"}


def parent(auth: TokenFactory, world: World) -> dict[str, str]:
    return insider(auth, world, Role.parent_carer)


def partner(auth: TokenFactory, world: World) -> dict[str, str]:
    return insider(auth, world, Role.partner_practitioner)


async def test_confidential_addresses_never_reach_the_family_or_agencies(
    client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    world = await build_world(client, auth)
    mum = (await client.get(f"/v1/people/{world.family.mum}", headers=auth("auditor"))).json()
    body = {k: v for k, v in mum.items() if k not in {"id", "meta"}} | {"addresses": [HOME, REFUGE]}
    version = {"If-Match": f'W/"{mum["meta"]["version"]}"'}
    worker = insider(auth, world, Role.social_worker)
    saved = await client.put(f"/v1/people/{world.family.mum}", json=body, headers=worker | version)
    assert saved.status_code == 200, saved.text
    dad = insider(auth, world, Role.family_member)
    for headers in (dad, partner(auth, world), insider(auth, world, Role.child)):
        read = await client.get(f"/v1/people/{world.family.mum}", headers=headers)
        assert read.status_code == 200
        assert [a["lines"] for a in read.json()["addresses"]] == [HOME["lines"]]
        assert "Refuge" not in read.text
    worker = await client.get(f"/v1/people/{world.family.mum}", headers=insider(auth, world, Role.social_worker))
    assert [a.get("confidential", False) for a in worker.json()["addresses"]] == [False, True]


async def test_visibility_decides_who_reads_a_danger_statement(
    client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    world = await build_world(client, auth)
    ids = {}
    for visibility, shared in (("professionals_only", False), ("restricted", False), ("professionals_only", True)):
        body = danger_body(world.family, visibility=visibility, withheld_reason="Police enquiry under way.")
        made = await client.post(
            f"/v1/cases/{world.family.case_id}/danger-statements",
            json=body | {"shared_with_agencies": shared},
            headers=insider(auth, world, Role.social_worker),
        )
        assert made.status_code == 201, made.text
        ids[visibility + ("+shared" if shared else "")] = made.json()["id"]
    status = {
        (who, visibility): (await client.get(f"/v1/danger-statements/{ids[visibility]}", headers=headers)).status_code
        for who, headers in (
            ("parent", parent(auth, world)),
            ("partner", partner(auth, world)),
            ("worker", insider(auth, world, Role.social_worker)),
        )
        for visibility in ids
    }
    assert status == {
        ("parent", "professionals_only"): 404,
        ("parent", "restricted"): 404,
        ("parent", "professionals_only+shared"): 404,
        # Domain 4.1: agencies see professionals_only items only where shared with agencies.
        ("partner", "professionals_only"): 404,
        ("partner", "restricted"): 404,
        ("partner", "professionals_only+shared"): 200,
        ("worker", "professionals_only"): 200,
        ("worker", "restricted"): 200,
        ("worker", "professionals_only+shared"): 200,
    }
    listed = await client.get(f"/v1/cases/{world.family.case_id}/danger-statements", headers=parent(auth, world))
    assert {d["visibility"] for d in listed.json()["items"]} == {"family_shareable"}


async def test_the_family_records_only_their_own_numbers(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    world = await build_world(client, auth)
    url = f"/v1/scaling-questions/{world.question_id}/judgements"
    mine = await client.post(url, json=judgement(world.family.mum, 5, "parent_carer"), headers=parent(auth, world))
    assert mine.status_code == 201, mine.text
    as_dad = await client.post(url, json=judgement(world.family.dad, 9, "parent_carer"), headers=parent(auth, world))
    assert as_dad.status_code == 403
    as_worker = await client.post(
        url, json=judgement(world.family.mum, 9, "social_worker"), headers=parent(auth, world)
    )
    assert as_worker.status_code == 403
    child = insider(auth, world, Role.child)
    own = await client.post(url, json=judgement(world.family.child, 7, "child"), headers=child)
    assert own.status_code == 201, own.text


async def test_ending_an_involvement_ends_the_access(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    world = await build_world(client, auth)
    case_url = f"/v1/cases/{world.family.case_id}"
    assert (await client.get(case_url, headers=partner(auth, world))).status_code == 200
    listed = await client.get(f"{case_url}/involvements", headers=auth("auditor"))
    assert {i["kind"] for i in listed.json()["items"]} == {"agency", "conference_chair", "iro"}
    ended = await client.post(
        f"/v1/involvements/{world.involvement_id}/end",
        json={"end_date": "2026-11-30", "note": "Health visiting closed."},
        headers=insider(auth, world, Role.team_manager) | {"If-Match": 'W/"1"'},
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "ended"
    assert (await client.get(case_url, headers=partner(auth, world))).status_code == 404
    assert (await client.get("/v1/cases", headers=partner(auth, world))).json()["items"] == []
    again = await client.post(
        f"/v1/involvements/{world.involvement_id}/end",
        json={"end_date": "2026-11-30"},
        headers=insider(auth, world, Role.team_manager) | {"If-Match": 'W/"2"'},
    )
    assert again.status_code == 409
    history = await client.get(f"/v1/involvements/{world.involvement_id}", headers=auth("auditor"))
    assert history.json()["organisation"] == AGENCY


async def test_allocation_moves_a_case_out_of_the_triage_pool(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    family = await make_family(client, auth)
    elsewhere = auth("social_worker", sub="south", teams=["Team South"])
    url = f"/v1/cases/{family.case_id}"
    assert (await client.get(url, headers=elsewhere)).status_code == 200  # unallocated: the front door's pool
    await allocate(client, auth, family)
    assert (await client.get(url, headers=elsewhere)).status_code == 404
    assert (await client.get(url, headers=auth("team_manager", teams=[TEAM]))).status_code == 200
    assert (await client.get(url, headers=auth("social_worker", person_id=family.worker))).status_code == 200


async def test_chairs_need_an_involvement(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    world = await build_world(client, auth)
    someone = await make_person(client, auth, "Other")
    url = f"/v1/maps/{world.map_id}"
    assert (await client.get(url, headers=auth("iro", person_id=world.iro))).status_code == 200
    assert (await client.get(url, headers=auth("iro", person_id=someone))).status_code == 404


async def test_integration_clients_need_scopes(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    world = await build_world(client, auth)
    url = f"/v1/cases/{world.family.case_id}"
    assert (await client.get(url, headers=auth("integration_client"))).status_code == 403
    narrow = auth("integration_client", scp="system/cases.rs")
    assert (await client.get(url, headers=narrow)).status_code == 200
    assert (await client.get("/v1/people", headers=narrow)).status_code == 403
    refused = await client.put(url, json={}, headers=narrow | {"If-Match": 'W/"2"'})
    assert refused.status_code == 403
    assert "system/cases.u" in refused.json()["detail"]
    # Entra app roles beside ours become scopes (interop R21).
    entra = auth("integration_client", roles=["integration_client", "People.Read"])
    assert (await client.get("/v1/people", headers=entra)).status_code == 200
