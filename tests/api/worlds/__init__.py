"""The world's practice-tool records (issue 10), one module per area, each adding to the one family of
tests/api/world.py without touching the others' files.

Each module has:
- `extend(client, auth, world) -> World`: make its records (as the world's team manager, after allocation) and
  return the world with their path values added to `world.more` (e.g. {"network_id": ...});
- `ids(world) -> dict`: placeholder names of tests/schema/examples it fills (e.g. {"NAN": ...});
- `BODIES`: valid request bodies for its writes, by request schema name (see tests/api/bodies.py);
- `SPARE_MAKERS`, `ON_SPARE`, `USES_UP`: spares for the access matrix (see tests/api/test_access_matrix.py);
- optionally `QUERIES`: the query string an operation needs, by operationId (a flag lookup's `subject`).
- optionally `expect(operation_id, role, inside) -> set[int] | None`: what the matrix expects where the record, not
  the family, decides (a record reached by the people it names).

Modules run in MODULES order, so a later one finds an earlier one's records in `world.more`.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

MODULES = (
    "network",
    "safety_plans",
    "explanations",
    "voice",
    "episodes",
    "front_door",
    "strategy",
    "conferences",
    "plans",
    "court",
    "practice_quality",
    "contributions",
    "supervision",
    "webhooks",
    "batch",
    "measures",
)


@cache
def modules() -> tuple[ModuleType, ...]:
    return tuple(import_module(f"{__name__}.{name}") for name in MODULES)
