"""People: BR-22 in a production tenant, identifier lookups, and who may change a person's record."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.settings import Settings
from tests.api.conftest import TokenFactory

TEST_RANGE = "9990000018"  # passes modulus 11, inside the range reserved for test data
REAL_LOOKING = "9434765919"


def person(nhs_number: str) -> dict[str, Any]:
    return {
        "given_names": "Ada",
        "family_name": "Okafor",
        "identifiers": [{"system": "nhs_number", "value": nhs_number}],
    }


async def test_a_production_tenant_refuses_test_range_nhs_numbers(
    settings: Settings, database_url: str, auth: TokenFactory
) -> None:
    production = msgspec.structs.replace(settings, production=True)
    async with AsyncTestClient(create_app(production, database_url=database_url)) as client:
        refused = await client.post("/v1/people", json=person(TEST_RANGE), headers=auth())
        assert refused.status_code == 422, refused.text
        assert refused.json()["rule"] == "BR-22"
        assert refused.json()["errors"][0]["pointer"] == "/identifiers/0/value"
        accepted = await client.post("/v1/people", json=person(REAL_LOOKING), headers=auth())
        assert accepted.status_code == 201, accepted.text
        found = await client.get(f"/v1/people?identifier=nhs_number%7C{TEST_RANGE}", headers=auth())
        assert found.json()["items"] == []  # nothing was stored


async def test_a_test_tenant_accepts_them(client: AsyncTestClient[Any], auth: TokenFactory) -> None:
    made = await client.post("/v1/people", json=person(TEST_RANGE), headers=auth())
    assert made.status_code == 201, made.text
    found = await client.get(f"/v1/people?identifier=nhs_number%7C{TEST_RANGE}", headers=auth())
    assert [p["id"] for p in found.json()["items"]] == [made.json()["id"]]
