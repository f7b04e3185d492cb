"""Contributions over HTTP (interop R14, R15; domain 2.22): the receipt that never says whether the child is known,
matching in the receiving council, who follows a contribution and in which view, and the council's triage. One
passing and one failing example per rule; each test makes its own family, so the module shares one database."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sos_schema import IdentifierSystem
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, if_match, make_family, make_person

JSON = dict[str, Any]
HOSPITAL = "ods:RX1"
NHS = IdentifierSystem.nhs_number.value


def problem_type(response: Any) -> str:
    return str(response.json()["type"]).rsplit("/", 1)[-1]


def contribution(nhs_number: str | None = None, **changes: Any) -> JSON:
    """An emergency department's attendance note about a child, sent to council 845."""
    subject: JSON = {"given_names": "Ada", "family_name": "Okafor", "date_of_birth": "2019-04-02"}
    if nhs_number is not None:
        subject["identifiers"] = [{"system": NHS, "value": nhs_number}]
    return {
        "kind": "health_attendance",
        "la_code": "845",
        "subject": subject,
        "contributor": {"name": "Riverside NHS Trust", "code": "RX1", "code_system": "ods"},
        "author": {"name": "Sam Nurse", "role": "Named nurse", "email": "named.nurse@example.nhs.uk"},
        "agency_type": "hospital",
        "narrative": "Ada came to the emergency department with a bruise to her cheek.",
        "worries": {"harm": "A bruise to the cheek, the second this month."},
        "working_well": {"strengths": "Mum brought Ada in straight away."},
        "setting": "emergency_department",
        "attended_at": "2026-11-01T21:30:00Z",
        "reason": "Bruise to the left cheek.",
    } | changes


class Contributions:
    """One family whose child has an NHS number, and the callers around a contribution about her."""

    def __init__(self, client: AsyncTestClient[Any], auth: TokenFactory, family: Family, nhs: str) -> None:
        self.client, self.auth, self.family, self.nhs = client, auth, family, nhs
        self.hospital = auth("partner_system", HOSPITAL, sub="ed-system", scp="system/contributions.cr")
        self.worker = auth("team_manager", sub="front-door-manager", person_id=family.worker)
        self.auditor = auth("auditor")

    async def send(self, body: JSON, headers: dict[str, str] | None = None, expect: int = 202) -> Any:
        sent = await self.client.post("/v1/contributions", json=body, headers=headers or self.hospital)
        assert sent.status_code == expect, sent.text
        return sent

    async def read(self, sent: Any, headers: dict[str, str], expect: int = 200) -> JSON:
        got = await self.client.get(sent.headers["location"], headers=headers)
        assert got.status_code == expect, got.text
        return dict(got.json())

    async def move(self, sent: Any, status: str, expect: int = 200, **more: Any) -> Any:
        current = await self.read(sent, self.worker)
        moved = await self.client.post(
            f"{sent.headers['location']}/status",
            json={"status": status, **more},
            headers=self.worker | if_match(current["meta"]["version"]),
        )
        assert moved.status_code == expect, moved.text
        return moved


async def family_with_nhs(
    client: AsyncTestClient[Any], auth: TokenFactory, nhs: str, given: str = "Ada"
) -> Contributions:
    """A family whose child has this NHS number, her given name and a Leeds address."""
    family = await make_family(client, auth)
    child = await client.get(f"/v1/people/{family.child}", headers=auth())
    person = child.json()
    body = {k: v for k, v in person.items() if k not in {"id", "meta"}} | {"given_names": given}
    body["identifiers"] = [{"system": NHS, "value": nhs}]
    body["addresses"] = [{"lines": ["1 High Street"], "postcode": "LS1 4AP"}]
    changed = await client.put(
        f"/v1/people/{family.child}", json=body, headers=auth() | if_match(person["meta"]["version"])
    )
    assert changed.status_code == 200, changed.text
    return Contributions(client, auth, family, nhs)


@pytest.fixture(scope="module")
async def c(module_client: AsyncTestClient[Any], auth: TokenFactory) -> Contributions:
    """One family for the module: each test sends contributions of its own about its child."""
    return await family_with_nhs(module_client, auth, "9434765900")


async def person_at_leeds_address(client: AsyncTestClient[Any], auth: TokenFactory, given: str) -> str:
    address = {"lines": ["2 Low Road"], "postcode": "LS2 7EW"}
    return await make_person(client, auth, given, date_of_birth="2018-01-09", addresses=[address])


async def test_the_receipt_is_the_same_whether_or_not_the_child_is_known(
    module_client: AsyncTestClient[Any], c: Contributions
) -> None:
    known = await c.send(contribution(c.nhs))
    unknown = await c.send(contribution("9434765927"))
    assert known.status_code == unknown.status_code == 202
    assert set(known.headers) == set(unknown.headers)
    first, second = known.json(), unknown.json()
    assert first.keys() == second.keys() == {"id", "status", "received_at"}
    assert {k: v for k, v in first.items() if k not in {"id", "received_at"}} == {"status": "received"}
    assert {k: v for k, v in second.items() if k not in {"id", "received_at"}} == {"status": "received"}
    assert known.headers["location"] == f"/v1/contributions/{first['id']}"
    # The council sees the match, with the child's case; the contributor sees both alike.
    matched, unmatched = await c.read(known, c.auditor), await c.read(unknown, c.auditor)
    assert (matched["status"], matched["matched_person_id"], matched["matched_by"]) == (
        "matched",
        c.family.child,
        "identifier",
    )
    assert matched["meta"]["case_id"] == c.family.case_id
    assert matched["received_from"] == HOSPITAL
    assert (unmatched["status"], unmatched["matched_person_id"], unmatched["meta"]["case_id"]) == (
        "received",
        None,
        None,
    )
    for mine in (await c.read(known, c.hospital), await c.read(unknown, c.hospital)):
        assert (mine["status"], mine["matched_person_id"], mine["matched_by"], mine["meta"]["case_id"]) == (
            "received",
            None,
            None,
            None,
        )
    # The case's workers see it under the case, with the agency's worries and strengths as it sent them.
    listed = await module_client.get(f"/v1/cases/{c.family.case_id}/contributions", headers=c.worker)
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["id"] == first["id"]
    assert item["content"]["worries"]["harm"] == "A bruise to the cheek, the second this month."


async def test_a_retried_contribution_gets_its_first_receipt_and_is_stored_once(c: Contributions) -> None:
    """A partner system that lost the 202 retries with its Idempotency-Key (interop R12)."""
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = contribution("9434765927", reason="Fell from a climbing frame.")
    first = await c.send(body, c.hospital | key)
    again = await c.send(body, c.hospital | key)
    assert again.headers["idempotency-replayed"] == "true"
    assert (again.json(), again.headers["location"]) == (first.json(), first.headers["location"])
    await c.send(body | {"reason": "Another visit."}, c.hospital | key, expect=422)


async def test_a_child_is_matched_by_names_birth_date_and_postcode_only_when_all_agree(
    module_client: AsyncTestClient[Any], auth: TokenFactory, c: Contributions
) -> None:
    adaeze = await person_at_leeds_address(module_client, auth, "Adaeze")
    subject = {"given_names": "adaeze", "family_name": "OKAFOR", "date_of_birth": "2018-01-09", "postcode": "ls27ew"}
    described = await c.send(contribution(subject=subject))
    read = await c.read(described, c.auditor)
    assert (read["status"], read["matched_person_id"], read["matched_by"]) == ("matched", adaeze, "demographics")
    # Two children alike in all four are no match: the front door triages it.
    await person_at_leeds_address(module_client, auth, "Adaeze")
    alike = await c.send(contribution(subject=subject))
    assert (await c.read(alike, c.auditor))["matched_person_id"] is None
    no_postcode = await c.send(contribution(subject={k: v for k, v in subject.items() if k != "postcode"}))
    assert (await c.read(no_postcode, c.auditor))["matched_person_id"] is None


async def test_an_agency_names_the_council_and_a_council_sends_only_to_its_own(
    module_client: AsyncTestClient[Any], auth: TokenFactory, c: Contributions
) -> None:
    body = contribution(c.nhs)
    del body["la_code"]
    refused = await c.send(body, expect=422)
    assert problem_type(refused) == "council-required"
    # The council's own practitioner may leave it out: their council receives it.
    own = await c.send(body, headers=c.worker)
    assert (await c.read(own, c.auditor))["meta"]["la_code"] == "845"
    elsewhere = await c.send(contribution(c.nhs, la_code="846"), headers=c.worker, expect=403)
    assert problem_type(elsewhere) == "not-your-council"


async def test_a_partner_system_needs_the_contributions_scope(
    module_client: AsyncTestClient[Any], auth: TokenFactory
) -> None:
    no_scope = auth("partner_system", HOSPITAL, sub="ed-system-2")
    refused = await module_client.post("/v1/contributions", json=contribution(), headers=no_scope)
    assert refused.status_code == 403, refused.text
    scoped = auth("partner_system", HOSPITAL, sub="ed-system-3", scp="system/contributions.c")
    assert (await module_client.post("/v1/contributions", json=contribution(), headers=scoped)).status_code == 202


async def test_only_the_contributor_and_the_council_follow_a_contribution(
    module_client: AsyncTestClient[Any], auth: TokenFactory, c: Contributions
) -> None:
    sent = await c.send(contribution(c.nhs))
    other_trust = auth("partner_system", "ods:ZZ9", sub="other-trust", scp="system/contributions.cr")
    await c.read(sent, other_trust, expect=404)
    police = auth("partner_practitioner", "police:01", sub="pc-1")
    await c.read(sent, police, expect=404)
    await c.read(sent, auth("auditor", COUNCIL_B), expect=404)
    # The family's case is still unallocated, so every council case worker triaging the pool sees it.
    await c.read(sent, auth("social_worker", sub="south-worker", teams=["Team South"]), expect=200)
    await c.read(sent, auth("parent_carer", person_id=c.family.mum), expect=403)
    # The same trust's practitioners follow their organisation's contributions.
    nurse = auth("partner_practitioner", HOSPITAL, sub="nurse-1")
    assert (await c.read(sent, nurse))["status"] == "received"


async def test_council_staff_triage_then_decide_one_step_at_a_time(
    module_client: AsyncTestClient[Any], auth: TokenFactory, c: Contributions
) -> None:
    sent = await c.send(contribution(c.nhs))
    early = await c.move(sent, "accepted", expect=409)
    assert problem_type(early) == "contribution-out-of-order"
    await c.move(sent, "triaged", reason="Seen by the front door the same morning.")
    declined = await c.move(sent, "declined", expect=422)
    assert declined.json()["errors"], declined.text
    accepted = await c.move(sent, "accepted")
    assert (accepted.json()["status"], accepted.json()["meta"]["version"]) == ("accepted", 3)
    assert problem_type(await c.move(sent, "triaged", expect=409)) == "contribution-out-of-order"
    # The contributor hears the council's decision, never the match.
    assert (await c.read(sent, c.hospital))["status"] == "accepted"
    versions = await module_client.get(f"{sent.headers['location']}/versions", headers=c.auditor)
    assert [v["status"] for v in versions.json()["items"]] == ["matched", "triaged", "accepted"]
    refused = await module_client.post(
        f"{sent.headers['location']}/status",
        json={"status": "redirected", "reason": "Lives in 846", "redirected_to": "Council 846"},
        headers=c.hospital | if_match(3),
    )
    assert refused.status_code == 403, refused.text
