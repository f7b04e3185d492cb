"""The flag lookup over HTTP (interop R17, R18): plans current or ended within 12 months, the responsible council's
contact routes from configuration, nothing else about the child; every lookup audited, an unscheduled one told to
the owning council in the same transaction; council staff list a child's latest lookups."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.resources.service import today
from sos_api.settings import CouncilContact, Settings
from sos_schema import IdentifierSystem
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import Family, if_match, make_family
from tests.conftest import Databases

NHS = IdentifierSystem.nhs_number.value
CHILD_NHS = "9434765919"
LEEDS = CouncilContact(
    code="845", name="Example City Council", office_hours_phone="0113 496 0001", out_of_hours_phone="0113 496 0999"
)


def problem_type(response: Any) -> str:
    return str(response.json()["type"]).rsplit("/", 1)[-1]


def days_ago(n: int) -> str:
    return (today() - dt.timedelta(days=n)).isoformat()


@pytest.fixture(scope="module")
def flags_database(databases: Databases) -> str:
    return databases.fresh()


@pytest.fixture(scope="module")
async def flags_client(settings: Settings, flags_database: str) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app with council 845's contact routes configured (SOS_COUNCILS_FILE)."""
    configured = msgspec.structs.replace(settings, councils=(LEEDS,))
    async with AsyncTestClient(create_app(configured, database_url=flags_database)) as client:
        yield client


async def episode(client: AsyncTestClient[Any], auth: TokenFactory, family: Family, level: str, **more: Any) -> None:
    basis = {"child_in_need": "s17", "child_protection": "s47", "looked_after": "s20_accommodated"}[level]
    body = {"child_id": family.child, "level": level, "legal_basis": basis, "start_reason": "new_referral"} | more
    made = await client.post(f"/v1/cases/{family.case_id}/child-episodes", json=body, headers=auth())
    assert made.status_code == 201, made.text


@pytest.fixture(scope="module")
async def family(flags_client: AsyncTestClient[Any], auth: TokenFactory) -> Family:
    """Ada, NHS number 943 476 5919: on a child protection plan now, a child in need plan that ended two months
    ago, and looked after until 13 months ago (too long ago to show)."""
    family = await make_family(flags_client, auth)
    child = (await flags_client.get(f"/v1/people/{family.child}", headers=auth())).json()
    body = {k: v for k, v in child.items() if k not in {"id", "meta"}} | {
        "identifiers": [{"system": NHS, "value": CHILD_NHS}]
    }
    changed = await flags_client.put(
        f"/v1/people/{family.child}", json=body, headers=auth() | if_match(child["meta"]["version"])
    )
    assert changed.status_code == 200, changed.text
    ended = {"end_reason": "goals_achieved"}
    await episode(flags_client, auth, family, "looked_after", start_date=days_ago(700), end_date=days_ago(400), **ended)
    await episode(flags_client, auth, family, "child_in_need", start_date=days_ago(300), end_date=days_ago(60), **ended)
    await episode(flags_client, auth, family, "child_protection", start_date=days_ago(30))
    return family


def hospital(auth: TokenFactory, sub: str = "ed-system", scp: str = "system/flags.s") -> dict[str, str]:
    return auth("partner_system", "ods:RX1", sub=sub, scp=scp)


async def lookup(client: AsyncTestClient[Any], headers: dict[str, str], subject: str, expect: int = 200) -> Any:
    got = await client.get("/v1/flags", params={"subject": subject}, headers=headers)
    assert got.status_code == expect, got.text
    return got


async def test_a_flag_gives_the_plan_its_dates_and_whom_to_call_and_nothing_else(
    flags_client: AsyncTestClient[Any], auth: TokenFactory, family: Family
) -> None:
    got = (await lookup(flags_client, hospital(auth), f"{NHS}|943 476 5919")).json()
    contact = {
        "code": "845",
        "name": "Example City Council",
        "office_hours_phone": "0113 496 0001",
        "out_of_hours_phone": "0113 496 0999",
    }
    assert got == {
        "items": [
            {"plan_type": "child_in_need", "start": days_ago(300), "end": days_ago(60), "responsible_la": contact},
            {"plan_type": "child_protection", "start": days_ago(30), "end": None, "responsible_la": contact},
        ]
    }
    # A child no council here holds: an empty list, no error.
    assert (await lookup(flags_client, hospital(auth), f"{NHS}|9434765927")).json() == {"items": []}


async def test_an_unscheduled_lookup_tells_the_council_and_staff_see_the_latest_lookups(
    flags_client: AsyncTestClient[Any], auth: TokenFactory, family: Family
) -> None:
    worker = auth("social_worker", sub="ada-worker", person_id=family.worker)
    alerts_before = (await flags_client.get(f"/v1/cases/{family.case_id}/alerts", headers=worker)).json()["items"]
    await lookup(flags_client, hospital(auth, sub="gp-system"), f"{NHS}|{CHILD_NHS}")
    assert (await flags_client.get(f"/v1/cases/{family.case_id}/alerts", headers=worker)).json()["items"] == (
        alerts_before
    )
    unscheduled = hospital(auth, sub="ed-triage") | {"X-Unscheduled-Access": "true"}
    await lookup(flags_client, unscheduled, f"{NHS}|{CHILD_NHS}")
    alerts = (await flags_client.get(f"/v1/cases/{family.case_id}/alerts", headers=worker)).json()["items"]
    assert len(alerts) == len(alerts_before) + 1
    assert (alerts[0]["reason"], alerts[0]["child_id"]) == ("flag_accessed_unscheduled", family.child)
    assert "ods:RX1" in alerts[0]["detail"]
    accesses = await flags_client.get(f"/v1/people/{family.child}/flag-accesses", headers=worker)
    assert accesses.status_code == 200, accesses.text
    newest, before = accesses.json()["items"][:2]
    assert (newest["user"], newest["organisation"], newest["unscheduled"]) == ("ed-triage", "ods:RX1", True)
    assert (before["user"], before["unscheduled"]) == ("gp-system", False)
    # Another council's staff cannot list them.
    other = await flags_client.get(f"/v1/people/{family.child}/flag-accesses", headers=auth("auditor", COUNCIL_B))
    assert other.status_code == 404, other.text


async def test_a_lookup_needs_the_flag_search_permission_and_a_readable_subject(
    flags_client: AsyncTestClient[Any], auth: TokenFactory, family: Family
) -> None:
    await lookup(flags_client, hospital(auth, scp="system/contributions.c"), f"{NHS}|{CHILD_NHS}", expect=403)
    await lookup(flags_client, auth("partner_practitioner", "ods:RX1"), f"{NHS}|{CHILD_NHS}", expect=403)
    nurse = auth("partner_practitioner", "ods:RX1", sub="ed-nurse", scp="system/flags.s")
    assert len((await lookup(flags_client, nurse, f"{NHS}|{CHILD_NHS}")).json()["items"]) == 2
    await lookup(flags_client, auth("social_worker"), f"{NHS}|{CHILD_NHS}", expect=403)
    assert problem_type(await lookup(flags_client, hospital(auth), "9434765919", expect=400)) == "invalid-subject"
    assert problem_type(await lookup(flags_client, hospital(auth), f"{NHS}|", expect=400)) == "invalid-subject"
    odd = hospital(auth) | {"X-Unscheduled-Access": "maybe"}
    assert problem_type(await lookup(flags_client, odd, f"{NHS}|{CHILD_NHS}", expect=400)) == (
        "invalid-unscheduled-access"
    )
    partner_list = await flags_client.get(f"/v1/people/{family.child}/flag-accesses", headers=hospital(auth))
    assert partner_list.status_code == 403, partner_list.text
