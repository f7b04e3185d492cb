"""The world's contribution: the involved agency's system (ods:RX1) sends one about the world's child by the id the
council gave it, so it is matched to the world's case; with bodies and spares for the council's triage, and the
query the flag lookup needs."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from sos_schema import IdentifierSystem
from tests.api.conftest import TokenFactory
from tests.api.world import World, insider


def contribution_body(world: World, caller: Any = None) -> dict[str, Any]:
    """A police incident about the world's child, for council 845 (every caller's own council, or the one an
    agency names)."""
    return {
        "kind": "police_incident",
        "la_code": "845",
        "child_ids": [world.family.child],
        "contributor": {"name": "Example Police", "code": "01", "code_system": "police_force"},
        "author": {"name": "PC Example", "role": "Public protection officer", "phone": "0113 496 0000"},
        "agency_type": "police",
        "occurred_at": "2026-11-01T23:10:00Z",
        "narrative": "Officers attended a verbal argument at the family home; Ada was upstairs.",
        "incident_ref": "PPN-2026-0456",
        "risk_grade": "medium",
    }


async def spare_contribution(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> str:
    """A new contribution, matched to the world's case, sent by the involved agency's system."""
    sent = await client.post(
        "/v1/contributions", json=contribution_body(world), headers=insider(auth, world, Role.partner_system)
    )
    assert sent.status_code == 202, sent.text
    return str(sent.json()["id"])


BODIES: dict[str, Any] = {
    "ContributionCreate": contribution_body,
    "ContributionMove": lambda world, caller: {"status": "triaged"},
}
SPARE_MAKERS: dict[str, Any] = {"contribution_id": spare_contribution}
# A contribution is triaged once.
ON_SPARE: dict[str, str] = {"moveContribution": "contribution_id"}
USES_UP: set[str] = {"moveContribution"}
# Query strings of operations that need one: a flag lookup of an NHS number no council here holds.
QUERIES: dict[str, dict[str, str]] = {"searchFlags": {"subject": f"{IdentifierSystem.nhs_number.value}|9434765927"}}


def ids(world: World) -> dict[str, str]:
    return {}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    return msgspec.structs.replace(
        world, more=world.more | {"contribution_id": await spare_contribution(client, auth, world)}
    )
