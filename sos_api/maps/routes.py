"""Assessment map routes beyond the registry's standard ones (resource.py): a case's current map, its map by
position in the chain, and a map as a printable page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response

from ..context import Actor
from ..http import VersionNumber, api_route, db_of
from ..printable import HTML
from ..resources.routes import NONE, read_route
from . import service
from .resource import MAPS

CASE = [("case_id", UUID, NONE)]
CURRENT = "/v1/cases/{case_id:uuid}/maps/current"
BY_POSITION = "/v1/cases/{case_id:uuid}/maps/versions/{n:int}"


@api_route(
    "GET",
    "/v1/maps/{map_id:uuid}/printable",
    operation_id="getPrintableMap",
    tag="maps",
    summary="A map as a plain, printable page in words a family can read (HTML)",
    description=(
        "The worries and what we want to see, the three columns (each entry with whose view it is), the family's "
        "hopes and the worker's analysis, as a page with no script and nothing loaded from elsewhere. Seen by the "
        "callers who may read the map, and recorded as a read of it (and of each danger statement and person "
        "named)."
    ),
    media=(HTML,),
    problems_=(404,),
)
async def get_printable_map(request: Request[Any, Any, Any], actor: Actor, map_id: UUID) -> Response[bytes]:
    return Response(await service.printable_map(db_of(request), actor, map_id), media_type=HTML)


ROUTES = [
    get_printable_map,
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
