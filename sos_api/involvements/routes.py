"""Involvement routes: involve an agency, chair or IRO in a case, list them, end one."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response

from sos_schema import CaseInvolvement, CaseInvolvementCreate, CaseInvolvementEnd

from ..cases.service import KIND as CASE_KIND
from ..context import Actor
from ..db.tables import records
from ..http import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    api_route,
    cursors_of,
    db_of,
    expected_version,
    json_response,
    page_of,
    read_body,
)
from ..versioned import read_one, read_page
from . import service

TAG = "cases"


@api_route(
    "POST",
    "/v1/cases/{case_id:uuid}/involvements",
    operation_id="createCaseInvolvement",
    tag=TAG,
    summary="Involve an agency, a conference chair or an IRO in a case (gives them access to it)",
    body=CaseInvolvementCreate,
    returns=CaseInvolvement,
    status=201,
    location=True,
    etag=True,
    problems_=(404,),
)
async def create_involvement(request: Request[Any, Any, Any], actor: Actor, case_id: UUID) -> Response[bytes]:
    body = await read_body(request, CaseInvolvementCreate)
    written = await service.create(db_of(request), actor, case_id, body)
    location = f"/v1/involvements/{written.id}"
    return json_response(written.doc, status=201, version=written.version, location=location)


@api_route(
    "GET",
    "/v1/cases/{case_id:uuid}/involvements",
    operation_id="listCaseInvolvements",
    tag=TAG,
    summary="Who is involved in a case, past and present, oldest first",
    returns=page_of(CaseInvolvement),
    paged=True,
    problems_=(404,),
)
async def list_involvements(
    request: Request[Any, Any, Any], actor: Actor, case_id: UUID, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Response[bytes]:
    body = await read_page(
        db_of(request),
        actor,
        cursors_of(request),
        service.KIND,
        records.c.case_id == case_id,
        binding=f"involvements:{case_id}",
        cursor=cursor,
        limit=limit,
        within=(CASE_KIND, case_id),
    )
    return json_response(body)


@api_route(
    "GET",
    "/v1/involvements/{involvement_id:uuid}",
    operation_id="getCaseInvolvement",
    tag=TAG,
    summary="Read one involvement",
    returns=CaseInvolvement,
    etag=True,
    problems_=(404,),
)
async def get_involvement(request: Request[Any, Any, Any], actor: Actor, involvement_id: UUID) -> Response[bytes]:
    stored = await read_one(db_of(request), actor, service.KIND, involvement_id)
    return json_response(stored.doc, version=stored.version)


@api_route(
    "POST",
    "/v1/involvements/{involvement_id:uuid}/end",
    operation_id="endCaseInvolvement",
    tag=TAG,
    summary="End an involvement: its access to the case stops now (If-Match required)",
    body=CaseInvolvementEnd,
    returns=CaseInvolvement,
    etag=True,
    if_match=True,
    problems_=(404, 409),
)
async def end_involvement(request: Request[Any, Any, Any], actor: Actor, involvement_id: UUID) -> Response[bytes]:
    expected = expected_version(request)
    body = await read_body(request, CaseInvolvementEnd)
    written = await service.end(db_of(request), actor, involvement_id, expected, body)
    return json_response(written.doc, version=written.version)


ROUTES = [create_involvement, list_involvements, get_involvement, end_involvement]
