"""The scorecard's operations in the access matrix: a measure's code for their paths, and what each caller gets.

Measures are the council's aggregate figures, not one family's records, so a team manager of another team reads
them as the world's own team manager does (200); the policy's roles decide (team managers, practice leads and
auditors), and the figures are always the caller's own council's.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from sos_api.auth.roles import Role
from tests.api.conftest import TokenFactory
from tests.api.world import World

OPERATIONS = frozenset({"listMeasures", "getMeasureSeries", "getMeasureChart"})
BODIES: dict[str, Any] = {}
SPARE_MAKERS: dict[str, Any] = {}
ON_SPARE: dict[str, str] = {}
USES_UP: set[str] = set()


def ids(world: World) -> dict[str, str]:
    return {}


def expect(operation_id: str, role: Role, inside: bool) -> set[int] | None:
    """Allowed by role (the matrix checks the role first): the council's figures, whoever's team."""
    return {200} if operation_id in OPERATIONS else None


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    return msgspec.structs.replace(world, more=world.more | {"code": "children-map-reviewed"})
