"""(being built: issue 10)"""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.conftest import TokenFactory
from tests.api.world import World

BODIES: dict[str, Any] = {}
SPARE_MAKERS: dict[str, Any] = {}
ON_SPARE: dict[str, str] = {}
USES_UP: set[str] = set()


def ids(world: World) -> dict[str, str]:
    return {}


async def extend(client: AsyncTestClient[Any], auth: TokenFactory, world: World) -> World:
    return world
