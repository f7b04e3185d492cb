"""People routes beyond the standard ones (resources/routes.py): finding people by identifier."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response
from litestar.params import Parameter

from sos_schema import Person

from ..context import Actor
from ..http import DEFAULT_LIMIT, Cursor, Limit, api_route, cursors_of, db_of, json_response, page_of
from . import service

IdentifierFilter = Annotated[
    str | None,
    Parameter(
        max_length=120,
        # PostgreSQL text cannot hold NUL: refuse it here (400) rather than in the query (500).
        pattern=r"^[^\x00]*$",
        description="Find people by identifier: `system|value`, e.g. `nhs_number|9434765919` (send | as %7C).",
    ),
]


@api_route(
    "GET",
    "/v1/people",
    operation_id="listPeople",
    tag="people",
    summary="List or find people",
    returns=page_of(Person),
    paged=True,
)
async def list_people(
    request: Request[Any, Any, Any],
    actor: Actor,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    identifier: IdentifierFilter = None,
) -> Response[bytes]:
    body = await service.list_people(db_of(request), actor, cursors_of(request), identifier, cursor=cursor, limit=limit)
    return json_response(body)


ROUTES = [list_people]
