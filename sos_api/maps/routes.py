"""Assessment map and danger statement routes: parse, authorise (the guard), call the service, shape the response."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response

from sos_schema import AssessmentMap, AssessmentMapCreate, DangerStatement, DangerStatementCreate, MapFinalise

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
from ..versioned import read_one, read_version, read_versions
from . import service

TAG = "maps"
DANGER_TAG = "danger-statements"


# --- maps --------------------------------------------------------------------------------------------


@api_route(
    "POST",
    "/v1/cases/{case_id:uuid}/maps",
    operation_id="createMap",
    tag=TAG,
    summary="Start a draft assessment map at the end of the case's chain",
    body=AssessmentMapCreate,
    returns=AssessmentMap,
    status=201,
    location=True,
    etag=True,
    problems_=(404, 409),
)
async def create_map(request: Request[Any, Any, Any], actor: Actor, case_id: UUID) -> Response[bytes]:
    body = await read_body(request, AssessmentMapCreate)
    written = await service.create_map(db_of(request), actor, case_id, body)
    return json_response(written.doc, status=201, version=written.version, location=f"/v1/maps/{written.id}")


@api_route(
    "GET",
    "/v1/cases/{case_id:uuid}/maps",
    operation_id="listCaseMaps",
    tag=TAG,
    summary="The case's chain of maps, newest first",
    returns=page_of(AssessmentMap),
    paged=True,
    problems_=(404,),
)
async def list_case_maps(
    request: Request[Any, Any, Any], actor: Actor, case_id: UUID, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Response[bytes]:
    body = await service.list_case_maps(db_of(request), actor, cursors_of(request), case_id, cursor=cursor, limit=limit)
    return json_response(body)


@api_route(
    "GET",
    "/v1/cases/{case_id:uuid}/maps/current",
    operation_id="getCurrentMap",
    tag=TAG,
    summary="The case's current (finalised) map",
    returns=AssessmentMap,
    etag=True,
    problems_=(404,),
)
async def get_current_map(request: Request[Any, Any, Any], actor: Actor, case_id: UUID) -> Response[bytes]:
    stored = await service.current_map(db_of(request), actor, case_id)
    return json_response(stored.doc, version=stored.version)


@api_route(
    "GET",
    "/v1/cases/{case_id:uuid}/maps/versions/{n:int}",
    operation_id="getCaseMapVersion",
    tag=TAG,
    summary="One map of the case by its position in the chain (map_version)",
    returns=AssessmentMap,
    etag=True,
    problems_=(404,),
)
async def get_case_map_version(
    request: Request[Any, Any, Any], actor: Actor, case_id: UUID, n: VersionNumber
) -> Response[bytes]:
    stored = await service.case_map_version(db_of(request), actor, case_id, n)
    return json_response(stored.doc, version=stored.version)


@api_route(
    "GET",
    "/v1/maps/{map_id:uuid}",
    operation_id="getMap",
    tag=TAG,
    summary="Read a map",
    returns=AssessmentMap,
    etag=True,
    problems_=(404,),
)
async def get_map(request: Request[Any, Any, Any], actor: Actor, map_id: UUID) -> Response[bytes]:
    stored = await read_one(db_of(request), actor, service.MAP_KIND, map_id)
    return json_response(stored.doc, version=stored.version)


@api_route(
    "PUT",
    "/v1/maps/{map_id:uuid}",
    operation_id="replaceMap",
    tag=TAG,
    summary="Replace a draft map (If-Match required; finalised maps are read-only)",
    body=AssessmentMapCreate,
    returns=AssessmentMap,
    etag=True,
    if_match=True,
    problems_=(404, 409),
)
async def replace_map(request: Request[Any, Any, Any], actor: Actor, map_id: UUID) -> Response[bytes]:
    expected = expected_version(request)
    body = await read_body(request, AssessmentMapCreate)
    written = await service.replace_map(db_of(request), actor, map_id, expected, body)
    return json_response(written.doc, version=written.version)


@api_route(
    "POST",
    "/v1/maps/{map_id:uuid}/finalise",
    operation_id="finaliseMap",
    tag=TAG,
    summary="Finalise a draft map: it becomes current and the previous current map superseded (If-Match)",
    description="Refused (422) until the map has participants, entries and its overall scale, and each danger "
    "its family position and goal duration; in assessment, strategy, conference, core group and CIN contexts "
    "every active danger needs its safety or wellbeing scale (BR-03).",
    body=MapFinalise,
    returns=AssessmentMap,
    etag=True,
    if_match=True,
    problems_=(404, 409),
)
async def finalise_map(request: Request[Any, Any, Any], actor: Actor, map_id: UUID) -> Response[bytes]:
    expected = expected_version(request)
    body = await read_body(request, MapFinalise)
    written = await service.finalise_map(db_of(request), actor, map_id, expected, body)
    return json_response(written.doc, version=written.version)


@api_route(
    "POST",
    "/v1/maps/{map_id:uuid}/revisions",
    operation_id="createMapRevision",
    tag=TAG,
    summary="Copy a finalised map into a new draft at the end of the chain",
    returns=AssessmentMap,
    status=201,
    location=True,
    etag=True,
    problems_=(404, 409),
)
async def create_map_revision(request: Request[Any, Any, Any], actor: Actor, map_id: UUID) -> Response[bytes]:
    written = await service.create_revision(db_of(request), actor, map_id)
    return json_response(written.doc, status=201, version=written.version, location=f"/v1/maps/{written.id}")


@api_route(
    "GET",
    "/v1/maps/{map_id:uuid}/versions",
    operation_id="listMapVersions",
    tag=TAG,
    summary="Every saved version of a map record, oldest first",
    returns=page_of(AssessmentMap),
    paged=True,
    problems_=(404,),
)
async def list_map_versions(
    request: Request[Any, Any, Any], actor: Actor, map_id: UUID, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Response[bytes]:
    body = await read_versions(
        db_of(request), actor, cursors_of(request), service.MAP_KIND, map_id, cursor=cursor, limit=limit
    )
    return json_response(body)


@api_route(
    "GET",
    "/v1/maps/{map_id:uuid}/versions/{version:int}",
    operation_id="getMapVersion",
    tag=TAG,
    summary="One saved version of a map record",
    returns=AssessmentMap,
    problems_=(404,),
)
async def get_map_version(
    request: Request[Any, Any, Any], actor: Actor, map_id: UUID, version: VersionNumber
) -> Response[bytes]:
    return json_response(await read_version(db_of(request), actor, service.MAP_KIND, map_id, version))


# --- danger statements -------------------------------------------------------------------------------


@api_route(
    "POST",
    "/v1/cases/{case_id:uuid}/danger-statements",
    operation_id="createDangerStatement",
    tag=DANGER_TAG,
    summary="Record a danger (worry) statement with its safety goal",
    body=DangerStatementCreate,
    returns=DangerStatement,
    status=201,
    location=True,
    etag=True,
    problems_=(404,),
)
async def create_danger_statement(request: Request[Any, Any, Any], actor: Actor, case_id: UUID) -> Response[bytes]:
    body = await read_body(request, DangerStatementCreate)
    written = await service.create_danger(db_of(request), actor, case_id, body)
    return json_response(
        written.doc, status=201, version=written.version, location=f"/v1/danger-statements/{written.id}"
    )


@api_route(
    "GET",
    "/v1/cases/{case_id:uuid}/danger-statements",
    operation_id="listDangerStatements",
    tag=DANGER_TAG,
    summary="The case's danger statements, oldest first",
    returns=page_of(DangerStatement),
    paged=True,
    problems_=(404,),
)
async def list_danger_statements(
    request: Request[Any, Any, Any], actor: Actor, case_id: UUID, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Response[bytes]:
    body = await service.list_dangers(db_of(request), actor, cursors_of(request), case_id, cursor=cursor, limit=limit)
    return json_response(body)


@api_route(
    "GET",
    "/v1/danger-statements/{danger_id:uuid}",
    operation_id="getDangerStatement",
    tag=DANGER_TAG,
    summary="Read a danger statement",
    returns=DangerStatement,
    etag=True,
    problems_=(404,),
)
async def get_danger_statement(request: Request[Any, Any, Any], actor: Actor, danger_id: UUID) -> Response[bytes]:
    stored = await read_one(db_of(request), actor, service.DANGER_KIND, danger_id)
    return json_response(stored.doc, version=stored.version)


@api_route(
    "PUT",
    "/v1/danger-statements/{danger_id:uuid}",
    operation_id="replaceDangerStatement",
    tag=DANGER_TAG,
    summary="Change a danger statement (If-Match required; its id and its goal's id persist)",
    body=DangerStatementCreate,
    returns=DangerStatement,
    etag=True,
    if_match=True,
    problems_=(404,),
)
async def replace_danger_statement(request: Request[Any, Any, Any], actor: Actor, danger_id: UUID) -> Response[bytes]:
    expected = expected_version(request)
    body = await read_body(request, DangerStatementCreate)
    written = await service.replace_danger(db_of(request), actor, danger_id, expected, body)
    return json_response(written.doc, version=written.version)


@api_route(
    "GET",
    "/v1/danger-statements/{danger_id:uuid}/versions",
    operation_id="listDangerStatementVersions",
    tag=DANGER_TAG,
    summary="Every saved version of a danger statement, oldest first",
    returns=page_of(DangerStatement),
    paged=True,
    problems_=(404,),
)
async def list_danger_statement_versions(
    request: Request[Any, Any, Any], actor: Actor, danger_id: UUID, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Response[bytes]:
    body = await read_versions(
        db_of(request), actor, cursors_of(request), service.DANGER_KIND, danger_id, cursor=cursor, limit=limit
    )
    return json_response(body)


@api_route(
    "GET",
    "/v1/danger-statements/{danger_id:uuid}/versions/{version:int}",
    operation_id="getDangerStatementVersion",
    tag=DANGER_TAG,
    summary="One saved version of a danger statement",
    returns=DangerStatement,
    problems_=(404,),
)
async def get_danger_statement_version(
    request: Request[Any, Any, Any], actor: Actor, danger_id: UUID, version: VersionNumber
) -> Response[bytes]:
    return json_response(await read_version(db_of(request), actor, service.DANGER_KIND, danger_id, version))


ROUTES = [
    create_map,
    list_case_maps,
    get_current_map,
    get_case_map_version,
    get_map,
    replace_map,
    finalise_map,
    create_map_revision,
    list_map_versions,
    get_map_version,
    create_danger_statement,
    list_danger_statements,
    get_danger_statement,
    replace_danger_statement,
    list_danger_statement_versions,
    get_danger_statement_version,
]
