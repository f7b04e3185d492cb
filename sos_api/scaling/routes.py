"""Scaling routes the registry does not make (resource.py has the rest): a danger's whole series of judgements,
as data and as a chart."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response

from sos_schema.series import ScalingSeries

from ..charts import MEDIA_TYPE as SVG
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


@api_route(
    "GET",
    "/v1/danger-statements/{danger_id:uuid}/scaling-chart",
    operation_id="getDangerScalingChart",
    tag=TAG,
    summary="A danger's scaling trajectory as a picture (SVG): one line per perspective",
    description=(
        "The same judgements as `getDangerScalingSeries`, seen by the same callers and recorded as the same read, "
        "drawn as an accessible SVG (a `<title>` and a `<desc>` listing every point in words). Corrected judgements "
        "are left out and their corrections drawn."
    ),
    media=(SVG,),
    problems_=(404,),
)
async def get_danger_scaling_chart(request: Request[Any, Any, Any], actor: Actor, danger_id: UUID) -> Response[bytes]:
    series = msgspec.json.decode(await service.danger_series(db_of(request), actor, danger_id), type=ScalingSeries)
    return Response(service.scaling_chart(series), media_type=SVG)


ROUTES = [get_danger_scaling_series, get_danger_scaling_chart]
