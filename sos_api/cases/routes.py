"""Case routes: parse, authorise (the guard), call the service, shape the response."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response

from sos_schema import Case, CaseClose, CaseCreate

from ..context import Actor
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
from . import service

TAG = "cases"


@api_route(
    "POST",
    "/v1/cases",
    operation_id="createCase",
    tag=TAG,
    summary="Open a case for a family",
    body=CaseCreate,
    returns=Case,
    status=201,
    location=True,
    etag=True,
)
async def create_case(request: Request[Any, Any, Any], actor: Actor) -> Response[bytes]:
    body = await read_body(request, CaseCreate)
    written = await service.create_case(db_of(request), actor, body)
    return json_response(written.doc, status=201, version=written.version, location=f"/v1/cases/{written.id}")


@api_route(
    "GET", "/v1/cases", operation_id="listCases", tag=TAG, summary="List cases", returns=page_of(Case), paged=True
)
async def list_cases(
    request: Request[Any, Any, Any], actor: Actor, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Response[bytes]:
    body = await read_page(
        db_of(request), actor, cursors_of(request), service.KIND, binding="cases", cursor=cursor, limit=limit
    )
    return json_response(body)


@api_route(
    "GET",
    "/v1/cases/{case_id:uuid}",
    operation_id="getCase",
    tag=TAG,
    summary="Read a case",
    returns=Case,
    etag=True,
    problems_=(404,),
)
async def get_case(request: Request[Any, Any, Any], actor: Actor, case_id: UUID) -> Response[bytes]:
    stored = await read_one(db_of(request), actor, service.KIND, case_id)
    return json_response(stored.doc, version=stored.version)


@api_route(
    "PUT",
    "/v1/cases/{case_id:uuid}",
    operation_id="replaceCase",
    tag=TAG,
    summary="Replace a case's details (If-Match required)",
    body=CaseCreate,
    returns=Case,
    etag=True,
    if_match=True,
    problems_=(404,),
)
async def replace_case(request: Request[Any, Any, Any], actor: Actor, case_id: UUID) -> Response[bytes]:
    expected = expected_version(request)
    body = await read_body(request, CaseCreate)
    written = await service.replace_case(db_of(request), actor, case_id, expected, body)
    return json_response(written.doc, version=written.version)


@api_route(
    "POST",
    "/v1/cases/{case_id:uuid}/close",
    operation_id="closeCase",
    tag=TAG,
    summary="Close a case with its reason (If-Match required)",
    body=CaseClose,
    returns=Case,
    etag=True,
    if_match=True,
    problems_=(404, 409),
)
async def close_case(request: Request[Any, Any, Any], actor: Actor, case_id: UUID) -> Response[bytes]:
    expected = expected_version(request)
    body = await read_body(request, CaseClose)
    written = await service.close_case(db_of(request), actor, case_id, expected, body)
    return json_response(written.doc, version=written.version)


@api_route(
    "GET",
    "/v1/cases/{case_id:uuid}/versions",
    operation_id="listCaseVersions",
    tag=TAG,
    summary="Every saved version of a case, oldest first",
    returns=page_of(Case),
    paged=True,
    problems_=(404,),
)
async def list_case_versions(
    request: Request[Any, Any, Any], actor: Actor, case_id: UUID, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Response[bytes]:
    body = await read_versions(
        db_of(request), actor, cursors_of(request), service.KIND, case_id, cursor=cursor, limit=limit
    )
    return json_response(body)


@api_route(
    "GET",
    "/v1/cases/{case_id:uuid}/versions/{version:int}",
    operation_id="getCaseVersion",
    tag=TAG,
    summary="One saved version of a case",
    returns=Case,
    problems_=(404,),
)
async def get_case_version(
    request: Request[Any, Any, Any], actor: Actor, case_id: UUID, version: VersionNumber
) -> Response[bytes]:
    return json_response(await read_version(db_of(request), actor, service.KIND, case_id, version))


ROUTES = [create_case, list_cases, get_case, replace_case, close_case, list_case_versions, get_case_version]
