"""The resource registry: the kinds the database accepts are the registered kinds, every kind gets the same
standard operations, and the standard operations behave the same for every kind (entered in error, BR-23)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import msgspec
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import create_async_engine

from sos_api import areas
from sos_api.auth.policy import OPERATIONS
from sos_api.auth.roles import Role
from sos_api.db.embedded import async_url
from sos_api.resources.registry import REGISTRY, kinds
from tests.api.conftest import TokenFactory
from tests.api.test_dangers import if_match, make_danger, make_family
from tests.api.world import TEAM, build_world, insider, outsider

assert areas.AREAS  # importing the areas registers every kind


async def test_the_database_accepts_exactly_the_registered_kinds(database_url: str) -> None:
    engine = create_async_engine(async_url(database_url))
    try:
        async with engine.connect() as conn:
            check = await conn.scalar(
                sa.text(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conname = 'ck_records_kind_known' AND conrelid = 'records'::regclass"
                )
            )
    finally:
        await engine.dispose()
    assert set(re.findall(r"'([a-z_]+)'", check)) == set(kinds())


def test_every_kind_has_the_standard_operations_and_rules() -> None:
    for res in REGISTRY.values():
        for op in (f"get{res.names.noun}", f"list{res.names.noun}Versions", f"get{res.names.noun}Version"):
            assert op in OPERATIONS, op
        if "entered_in_error" in res.standard:
            assert OPERATIONS[f"mark{res.names.noun}EnteredInError"].access == "u"
        else:
            # A kind written only with another record follows it (a supervision summary, its supervision record).
            assert f"mark{res.names.noun}EnteredInError" not in OPERATIONS, res.kind
        if res.listing is not None:
            assert OPERATIONS[res.listing.operation_id].access == "s"


def test_each_kind_declares_its_default_visibility_from_domain_4_2() -> None:
    """Shared Signs of Safety work (conferences and plans included: the family attend and sign them) is
    family_shareable by default; involvements, alerts, strategy discussions, partner agencies' contributions and
    supervision summaries are professionals' records; court work, audits and supervision are restricted."""
    expected = {
        "case_involvement": "professionals_only",
        "alert": "professionals_only",
        "strategy_discussion": "professionals_only",
        "contribution": "professionals_only",
        "court_work": "restricted",
        "case_audit": "restricted",
        "group_supervision": "restricted",
        "family_survey_response": "restricted",
        "supervision_record": "restricted",
        # 2.24: what supervision decided is copied to the child's file, professionals only.
        "supervision_summary": "professionals_only",
    }
    for res in REGISTRY.values():
        assert res.record.default_visibility == expected.get(res.kind, "family_shareable"), res.kind
        accepts = res.record.accepts
        one_struct = isinstance(accepts, type) and issubclass(accepts, msgspec.Struct)
        fields = {f.name: f for f in msgspec.structs.fields(accepts)} if one_struct else {}
        if "visibility" in fields:
            assert fields["visibility"].default.value == res.record.default_visibility, res.kind


class TestEnteredInError:
    async def test_a_record_marked_in_error_is_kept_hidden_and_audited(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        family = await make_family(client, auth)
        wrong = await make_danger(client, auth, family)
        kept = await make_danger(client, auth, family)
        url = f"/v1/danger-statements/{wrong['id']}/entered-in-error"
        reason = {"reason": "Recorded on the wrong family."}
        assert (await client.post(url, json=reason, headers=auth())).status_code == 428
        assert (await client.post(url, json={}, headers=auth() | if_match(1))).status_code == 422
        assert (await client.post(url, json=reason, headers=auth("auditor") | if_match(1))).status_code == 403
        assert (await client.post(url, json=reason, headers=auth() | if_match(7))).status_code == 412
        marked = await client.post(url, json=reason, headers=auth() | if_match(1))
        assert marked.status_code == 200, marked.text
        assert marked.headers["etag"] == 'W/"2"'
        mark = marked.json()["meta"]["entered_in_error"]
        assert (mark["reason"], mark["by"]) == ("Recorded on the wrong family.", "social_worker-1")
        # Gone from normal reads (410 with when and why, interop R6) and lists, and cannot be marked twice...
        gone = await client.get(f"/v1/danger-statements/{wrong['id']}", headers=auth())
        assert (gone.status_code, gone.json()["reason"], gone.json()["deleted_at"]) == (
            410,
            "entered-in-error",
            mark["at"],
        )
        listed = await client.get(f"/v1/cases/{family.case_id}/danger-statements", headers=auth())
        assert [d["id"] for d in listed.json()["items"]] == [kept["id"]]
        assert (await client.post(url, json=reason, headers=auth() | if_match(2))).status_code == 404
        # ...but kept, with its history, for the auditors (domain 3.6).
        audited = await client.get(f"/v1/danger-statements/{wrong['id']}", headers=auth("auditor"))
        assert audited.status_code == 200
        assert audited.json()["meta"]["entered_in_error"]["reason"] == "Recorded on the wrong family."
        history = await client.get(f"/v1/danger-statements/{wrong['id']}/versions", headers=auth("auditor"))
        assert [v["meta"]["version"] for v in history.json()["items"]] == [1, 2]
        events = await client.get(f"/v1/audit-events?case={family.case_id}", headers=auth("auditor"))
        marks = [e for e in events.json()["items"] if e["object_id"] == wrong["id"] and e["action"] == "update"]
        assert [(e["object_version"], e["outcome"]) for e in marks] == [(2, "allowed")]

    async def test_an_involvement_marked_in_error_gives_no_access(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        world = await build_world(client, auth)
        agency = insider(auth, world, Role.partner_practitioner)
        assert (await client.get(f"/v1/cases/{world.family.case_id}", headers=agency)).status_code == 200
        worker = insider(auth, world, Role.social_worker)
        marked = await client.post(
            f"/v1/involvements/{world.involvement_id}/entered-in-error",
            json={"reason": "The wrong agency was involved."},
            headers=worker | if_match(1),
        )
        assert marked.status_code == 200, marked.text
        assert (await client.get(f"/v1/cases/{world.family.case_id}", headers=agency)).status_code == 404

    async def test_a_case_marked_in_error_takes_its_content_with_it(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        world = await build_world(client, auth)
        worker, case_id = insider(auth, world, Role.social_worker), world.family.case_id
        assert (await client.get(f"/v1/danger-statements/{world.danger_id}", headers=worker)).status_code == 200
        marked = await client.post(
            f"/v1/cases/{case_id}/entered-in-error", json={"reason": "Opened twice."}, headers=worker | if_match(2)
        )
        assert marked.status_code == 200, marked.text
        for url in (f"/v1/cases/{case_id}", f"/v1/danger-statements/{world.danger_id}", f"/v1/maps/{world.map_id}"):
            assert (await client.get(url, headers=worker)).status_code == 404, url
            assert (await client.get(url, headers=auth("auditor"))).status_code == 200, url
        # A council's system, which reads every case of the council, is told the case is gone (interop R6); the
        # worker's access went with the case's allocation, so to them it is simply not there.
        sync = auth("integration_client", scp="system/*.cruds")
        assert (await client.get(f"/v1/cases/{case_id}", headers=sync)).status_code == 410


class TestRelationships:
    async def test_a_genogram_line_with_parental_responsibility(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        world = await build_world(client, auth)
        family, worker = world.family, insider(auth, world, Role.social_worker)
        line = {
            "person_a": family.dad,
            "person_b": family.child,
            "kind": "birth_parent",
            "has_pr": True,
            "pr_basis": "father_on_birth_register",
            "emotional_quality": "conflicted",
            "perspective": {"perspective_role": "child", "perspective_person_id": family.child, "own_words": True},
        }
        made = await client.post(f"/v1/cases/{family.case_id}/relationships", json=line, headers=worker)
        assert made.status_code == 201, made.text
        assert made.headers["location"] == f"/v1/relationships/{made.json()['id']}"
        changed = await client.put(
            made.headers["location"], json=line | {"emotional_quality": "close"}, headers=worker | if_match(1)
        )
        assert changed.status_code == 200, changed.text
        # The family sees the genogram they are drawn in; another family's parent does not.
        mine = await client.get(
            f"/v1/cases/{family.case_id}/relationships", headers=insider(auth, world, Role.parent_carer)
        )
        assert {r["id"] for r in mine.json()["items"]} == {world.relationship_id, made.json()["id"]}
        stranger = await client.get(made.headers["location"], headers=outsider(auth, Role.parent_carer))
        assert stranger.status_code == 404
        history = await client.get(f"{made.headers['location']}/versions", headers=worker)
        assert [v["emotional_quality"] for v in history.json()["items"]] == ["conflicted", "close"]

    async def test_parental_responsibility_sits_on_an_adult_to_child_line(
        self, client: AsyncTestClient[Any], auth: TokenFactory
    ) -> None:
        world = await build_world(client, auth)
        family, worker = world.family, insider(auth, world, Role.social_worker)
        said = {"perspective_role": "social_worker", "perspective_person_id": family.worker, "own_words": False}
        cases = {
            "child holds PR": ({"person_a": family.child, "person_b": family.mum, "has_pr": True}, "/has_pr"),
            "basis needs another kind": (
                {"person_a": family.mum, "person_b": family.child, "has_pr": True, "pr_basis": "birth_mother"}
                | {"kind": "step_parent"},
                "/pr_basis",
            ),
            "not on the case": ({"person_a": family.worker, "person_b": family.child}, "/person_a"),
        }
        for name, (body, pointer) in cases.items():
            sent = {"kind": "birth_parent", "perspective": said} | body
            refused = await client.post(f"/v1/cases/{family.case_id}/relationships", json=sent, headers=worker)
            assert refused.status_code == 422, (name, refused.text)
            assert [e["pointer"] for e in refused.json()["errors"]] == [pointer], name


async def test_a_partner_practitioner_records_their_own_scaling(
    client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    """Domain 4.1: an involved agency's practitioner writes their own scaling, as themselves only."""
    world = await build_world(client, auth)
    nurse = "0b0c0d0e-0000-4000-8000-00000000aa01"
    partner = auth("partner_practitioner", "ods:RX1", sub="health-visitor", person_id=nurse)
    url = f"/v1/scaling-questions/{world.question_id}/judgements"
    own = {"perspective_role": "agency", "agency_type": "health_visitor", "perspective_person_id": nurse}
    mine = {"value": 6, "perspective": own | {"own_words": True}, "reason": "Home visits have been calm."}
    recorded = await client.post(url, json=mine, headers=partner)
    assert recorded.status_code == 201, recorded.text
    stored = await client.get(recorded.headers["location"], headers=insider(auth, world, Role.social_worker))
    assert stored.json()["value"] == 6
    assert stored.json()["meta"]["la_code"] == "845"  # the council's case, not the agency's
    as_worker = mine | {"perspective": {**mine["perspective"], "perspective_role": "social_worker"}}
    assert (await client.post(url, json=as_worker, headers=partner)).status_code == 403
    elsewhere = auth("partner_practitioner", "ods:ZZ9", sub="other-agency", person_id=nurse)
    assert (await client.post(url, json=mine, headers=elsewhere)).status_code == 404


async def test_changing_a_person_needs_write_access_to_one_of_their_cases(
    client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    world = await build_world(client, auth)
    child = world.family.child
    other_team = outsider(auth, Role.social_worker)
    read = await client.get(f"/v1/people/{child}", headers=other_team)
    assert read.status_code == 200  # the register is read council-wide for matching (audited)
    body = {k: v for k, v in read.json().items() if k not in {"id", "meta"}} | {"known_as": "Changed"}
    refused = await client.put(f"/v1/people/{child}", json=body, headers=other_team | if_match(1))
    assert refused.status_code == 404, refused.text
    allowed = await client.put(
        f"/v1/people/{child}", json=body, headers=insider(auth, world, Role.social_worker) | if_match(1)
    )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["known_as"] == "Changed"


async def test_an_involvement_ends_once_and_not_before_it_began(
    client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    world = await build_world(client, auth)
    url, worker = f"/v1/involvements/{world.involvement_id}/end", insider(auth, world, Role.social_worker)
    early = await client.post(url, json={"end_date": "2026-09-01"}, headers=worker | if_match(1))
    assert early.status_code == 422, early.text
    assert [e["pointer"] for e in early.json()["errors"]] == ["/end_date"]
    ended = await client.post(url, json={"end_date": "2026-11-01", "note": "Work done."}, headers=worker | if_match(1))
    assert ended.status_code == 200, ended.text
    assert (ended.json()["status"], ended.json()["end_note"]) == ("ended", "Work done.")
    again = await client.post(url, json={"end_date": "2026-11-02"}, headers=worker | if_match(2))
    assert again.status_code == 409
    agency = insider(auth, world, Role.partner_practitioner)
    assert (await client.get(f"/v1/cases/{world.family.case_id}", headers=agency)).status_code == 404


async def test_a_restricted_case_is_seen_by_named_users_only(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    """Domain 2.2: restricting a case (the manager's call) takes it away from the rest of the team."""
    world = await build_world(client, auth)
    case_url, named = f"/v1/cases/{world.family.case_id}", "0b0c0d0e-0000-4000-8000-00000000b0b1"
    colleague = auth("social_worker", sub="colleague", person_id=str(uuid.uuid4()), teams=[TEAM])
    assert (await client.get(case_url, headers=colleague)).status_code == 200
    case = (await client.get(case_url, headers=auth("auditor"))).json()
    body = {k: v for k, v in case.items() if k not in {"id", "meta", "status", "current_level"} and v is not None}
    body["restricted"] = {"reason": "staff_or_relative", "named_users": [named]}
    manager = auth("team_manager", teams=[TEAM])
    restricted = await client.put(case_url, json=body, headers=manager | if_match(case["meta"]["version"]))
    assert restricted.status_code == 200, restricted.text
    assert (await client.get(case_url, headers=colleague)).status_code == 404
    danger = f"/v1/danger-statements/{world.danger_id}"
    assert (await client.get(danger, headers=colleague)).status_code == 404  # the content goes with the case
    for allowed in (
        insider(auth, world, Role.social_worker),  # the allocated worker
        auth("social_worker", sub="named", person_id=named),
        auth("auditor"),
        insider(auth, world, Role.parent_carer),
    ):
        assert (await client.get(case_url, headers=allowed)).status_code == 200
