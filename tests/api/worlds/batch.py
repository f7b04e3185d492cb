"""Batches (sos_api/batch.py): no records of their own. The matrix's batch reads the world's case: the batch is
every signed-in caller's (200), and its operation answers as the same read alone would (tests/api/test_batch.py)."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.conftest import TokenFactory
from tests.api.world import World


def batch_body(world: World, caller: Any = None) -> dict[str, Any]:
    return {"operations": [{"ref": "case", "method": "GET", "path": f"/v1/cases/{world.family.case_id}"}]}


BODIES: dict[str, Any] = {"BatchRequest": batch_body}
SPARE_MAKERS: dict[str, Any] = {}
ON_SPARE: dict[str, str] = {}
USES_UP: set[str] = set()


def ids(world: World) -> dict[str, str]:
    return {}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    return world
