"""The registry's entries: every area whose kinds the API serves. Adding a kind is a module of its own, one
line here and one migration (its name joins the kinds the database accepts).

Importing an area registers its kinds (resources/registry.py); `routes()` is every route they make: the
standard ones generated from each declaration, then each area's own.
"""

from __future__ import annotations

from typing import Any

from . import (
    alerts,
    batch,
    case_summary,
    cases,
    changes,
    conferences,
    contributions,
    court,
    due_work,
    episodes,
    explanations,
    flags,
    front_door,
    involvements,
    maps,
    measures,
    network,
    people,
    plans,
    practice_quality,
    relationships,
    safety_plans,
    scaling,
    strategy,
    supervision,
    voice,
    webhooks,
)
from .resources.routes import all_standard_routes

# Registration order: a kind's parent registers before it (people and cases first).
AREAS = (
    people,
    cases,
    involvements,
    maps,
    scaling,
    relationships,
    episodes,
    front_door,
    strategy,
    conferences,
    plans,
    court,
    practice_quality,
    supervision,
    network,
    safety_plans,
    explanations,
    voice,
    alerts,
    case_summary,
    due_work,
    changes,
    contributions,
    flags,
    webhooks,
    batch,
    measures,
)


def routes() -> list[Any]:
    return [*all_standard_routes(), *(route for area in AREAS for route in area.ROUTES)]
