"""People routes: the children, parents, carers, network members and practitioners a case names."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response
from litestar.params import Parameter

from sos_schema import Person, PersonCreate

from ..context import Actor
from ..db.tables import records
from ..http import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    VersionNumber,
    api_route,
    cursors_of,
    db_of,
    expected_version,
    json_response,
    page_of,
    read_body,
)
from ..versioned import read_one, read_page, read_version, read_versions
from . import queries, service

TAG = "people"
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
    "POST",
    "/v1/people",
    operation_id="createPerson",
    tag=TAG,
    summary="Record a person",
    body=PersonCreate,
    returns=Person,
    status=201,
    location=True,
    etag=True,
)
async def create_person(request: Request[Any, Any, Any], actor: Actor) -> Response[bytes]:
    body = await read_body(request, PersonCreate)
    written = await service.create_person(db_of(request), request.app.state.settings, actor, body)
    return json_response(written.doc, status=201, version=written.version, location=f"/v1/people/{written.id}")


@api_route(
    "GET",
    "/v1/people",
    operation_id="listPeople",
    tag=TAG,
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
    conditions = []
    if identifier is not None:
        system, value = service.parse_identifier_filter(identifier)
        conditions.append(records.c.id.in_(queries.people_with_identifier(actor.scope.tenant, system, value)))
    body = await read_page(
        db_of(request),
        actor,
        cursors_of(request),
        service.KIND,
        *conditions,
        binding=f"people:{identifier}",
        cursor=cursor,
        limit=limit,
    )
    return json_response(body)


@api_route(
    "GET",
    "/v1/people/{person_id:uuid}",
    operation_id="getPerson",
    tag=TAG,
    summary="Read a person",
    returns=Person,
    etag=True,
    problems_=(404,),
)
async def get_person(request: Request[Any, Any, Any], actor: Actor, person_id: UUID) -> Response[bytes]:
    stored = await read_one(db_of(request), actor, service.KIND, person_id)
    return json_response(stored.doc, version=stored.version)


@api_route(
    "PUT",
    "/v1/people/{person_id:uuid}",
    operation_id="replacePerson",
    tag=TAG,
    summary="Update a person (If-Match required; the previous version is kept)",
    body=PersonCreate,
    returns=Person,
    etag=True,
    if_match=True,
    problems_=(404,),
)
async def replace_person(request: Request[Any, Any, Any], actor: Actor, person_id: UUID) -> Response[bytes]:
    expected = expected_version(request)
    body = await read_body(request, PersonCreate)
    written = await service.replace_person(db_of(request), request.app.state.settings, actor, person_id, expected, body)
    return json_response(written.doc, version=written.version)


@api_route(
    "GET",
    "/v1/people/{person_id:uuid}/versions",
    operation_id="listPersonVersions",
    tag=TAG,
    summary="Every saved version of a person, oldest first",
    returns=page_of(Person),
    paged=True,
    problems_=(404,),
)
async def list_person_versions(
    request: Request[Any, Any, Any], actor: Actor, person_id: UUID, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Response[bytes]:
    body = await read_versions(
        db_of(request), actor, cursors_of(request), service.KIND, person_id, cursor=cursor, limit=limit
    )
    return json_response(body)


@api_route(
    "GET",
    "/v1/people/{person_id:uuid}/versions/{version:int}",
    operation_id="getPersonVersion",
    tag=TAG,
    summary="One saved version of a person",
    returns=Person,
    problems_=(404,),
)
async def get_person_version(
    request: Request[Any, Any, Any], actor: Actor, person_id: UUID, version: VersionNumber
) -> Response[bytes]:
    return json_response(await read_version(db_of(request), actor, service.KIND, person_id, version))


ROUTES = [create_person, list_people, get_person, replace_person, list_person_versions, get_person_version]
