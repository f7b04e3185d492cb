"""Scaling routes: questions, judgements and a danger's series. Parse, authorise, call the service, respond."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response

from sos_schema import ScalingJudgement, ScalingJudgementCreate, ScalingQuestion, ScalingQuestionCreate
from sos_schema.series import ScalingSeries

from ..context import Actor
from ..http import DEFAULT_LIMIT, Cursor, Limit, api_route, cursors_of, db_of, json_response, page_of, read_body
from ..maps import service as maps
from ..versioned import read_one
from . import service
from .queries import QUESTION_KIND

TAG = "scaling"


@api_route(
    "POST",
    "/v1/danger-statements/{danger_id:uuid}/scaling-question",
    operation_id="createDangerScalingQuestion",
    tag=TAG,
    summary="Create the safety (or wellbeing) scale of a danger statement's goal (one per danger)",
    body=ScalingQuestionCreate,
    returns=ScalingQuestion,
    status=201,
    location=True,
    etag=True,
    problems_=(404, 409),
)
async def create_danger_scaling_question(
    request: Request[Any, Any, Any], actor: Actor, danger_id: UUID
) -> Response[bytes]:
    body = await read_body(request, ScalingQuestionCreate)
    written = await maps.create_danger_question(db_of(request), actor, danger_id, body)
    return json_response(
        written.doc, status=201, version=written.version, location=f"/v1/scaling-questions/{written.id}"
    )


@api_route(
    "GET",
    "/v1/scaling-questions/{question_id:uuid}",
    operation_id="getScalingQuestion",
    tag=TAG,
    summary="Read a scaling question",
    returns=ScalingQuestion,
    etag=True,
    problems_=(404,),
)
async def get_scaling_question(request: Request[Any, Any, Any], actor: Actor, question_id: UUID) -> Response[bytes]:
    stored = await read_one(db_of(request), actor, QUESTION_KIND, question_id)
    return json_response(stored.doc, version=stored.version)


@api_route(
    "POST",
    "/v1/scaling-questions/{question_id:uuid}/judgements",
    operation_id="recordJudgement",
    tag=TAG,
    summary="Record one person's 0-10 judgement (append-only; one per person per occasion)",
    description="A second judgement by the same person (or the same shared group) on the same occasion is "
    "refused (409, BR-02) unless its `corrects` names the standing one.",
    body=ScalingJudgementCreate,
    returns=ScalingJudgement,
    status=201,
    problems_=(404, 409),
)
async def record_judgement(request: Request[Any, Any, Any], actor: Actor, question_id: UUID) -> Response[bytes]:
    body = await read_body(request, ScalingJudgementCreate)
    written = await service.record_judgement(db_of(request), actor, question_id, body)
    return json_response(written.doc, status=201)


@api_route(
    "GET",
    "/v1/scaling-questions/{question_id:uuid}/judgements",
    operation_id="listJudgements",
    tag=TAG,
    summary="A scaling question's judgements, oldest first",
    returns=page_of(ScalingJudgement),
    paged=True,
    problems_=(404,),
)
async def list_judgements(
    request: Request[Any, Any, Any],
    actor: Actor,
    question_id: UUID,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Response[bytes]:
    body = await service.list_judgements(
        db_of(request), actor, cursors_of(request), question_id, cursor=cursor, limit=limit
    )
    return json_response(body)


@api_route(
    "GET",
    "/v1/danger-statements/{danger_id:uuid}/scaling-series",
    operation_id="getDangerScalingSeries",
    tag=TAG,
    summary="Every judgement on a danger's scale over the life of the case, as one series",
    returns=ScalingSeries,
    problems_=(404,),
)
async def get_danger_scaling_series(request: Request[Any, Any, Any], actor: Actor, danger_id: UUID) -> Response[bytes]:
    return json_response(await service.danger_series(db_of(request), actor, danger_id))


ROUTES = [
    create_danger_scaling_question,
    get_scaling_question,
    record_judgement,
    list_judgements,
    get_danger_scaling_series,
]
