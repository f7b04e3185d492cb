"""Scaling routes the registry does not make (resource.py has the rest): a danger's whole series of judgements."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response

from sos_schema.series import ScalingSeries

from ..context import Actor
from ..http import api_route, db_of, json_response
from . import service

TAG = "scaling"


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


ROUTES = [get_danger_scaling_series]
