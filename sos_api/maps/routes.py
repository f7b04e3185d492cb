"""Assessment map routes beyond the registry's standard ones (resource.py): a case's current map, and its map by
position in the chain."""

from __future__ import annotations

from uuid import UUID

from ..http import VersionNumber
from ..resources.routes import NONE, read_route
from . import service
from .resource import MAPS

CASE = [("case_id", UUID, NONE)]
CURRENT = "/v1/cases/{case_id:uuid}/maps/current"
BY_POSITION = "/v1/cases/{case_id:uuid}/maps/versions/{n:int}"

ROUTES = [
    read_route(MAPS, CURRENT, "getCurrentMap", "The case's current (finalised) map", CASE, service.current_map),
    read_route(
        MAPS,
        BY_POSITION,
        "getCaseMapVersion",
        "One map of the case by its position in the chain (map_version)",
        [*CASE, ("n", VersionNumber, NONE)],
        service.case_map_version,
    ),
]
