"""The scorecard over HTTP: the catalogue of measures, each measure's values over time (JSON, or CSV to take out of
the council, small numbers suppressed), and its trend as a chart. Team managers, practice leads and auditors of
the council only (domain 2.24); never a partner agency or a family."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Request, Response
from litestar.params import Parameter, QueryParameter

from sos_schema import MeasureCatalogue, MeasureGrouping, MeasurePeriod, MeasureSeries

from ..charts import MEDIA_TYPE as SVG
from ..context import Actor
from ..http import api_route, db_of, json_response
from . import charts, service

TAG = "measures"
CSV = "text/csv"

Code = Annotated[str, Parameter(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$", description="The measure's code.")]
Period = Annotated[MeasurePeriod, Parameter(description="How long each point covers.")]
GroupBy = Annotated[
    MeasureGrouping,
    QueryParameter(
        name="group_by",
        description="Split by team, allocated worker or (scaling measures) perspective; a team manager sees worker "
        "figures for their own teams only.",
    ),
]
From = Annotated[
    dt.date | None,
    QueryParameter(name="from", description="A day in the first period (default: 11 months before `to`)."),
]
To = Annotated[dt.date | None, QueryParameter(name="to", description="A day in the last period (default: today).")]
Weeks = Annotated[
    int | None, Parameter(ge=1, le=104, description="For measures with a `weeks` parameter: how recent counts.")
]
Gap = Annotated[int | None, Parameter(ge=1, le=10, description="For `scaling-perspectives-differ`: points apart.")]
Members = Annotated[
    int | None,
    Parameter(ge=1, le=20, description="For `cp-safety-plan-and-network`: how many informed network members."),
]
Format = Annotated[
    str | None,
    QueryParameter(
        name="format",
        pattern="^(json|csv)$",
        description='`csv` for the export (as `Accept: text/csv`): counts under 5 shown as "<5".',
    ),
]

SERIES_DESCRIPTION = (
    "The measure's value for each period from `from` to `to` (calendar months, quarters or years; a rolling 12 "
    "months ends at each month's end), for the council or each team, worker or perspective. Monthly figures with "
    "default parameters come from the nightly materialisation (`sos-api measures-refresh`) when it covers the "
    "months asked for, as of its `computed_at`; anything else is worked out from the stored records on request. "
    "JSON answers are exact; the CSV export (`Accept: text/csv` or `format=csv`) is for "
    'figures leaving the council and shows counts of 1 to 4 as "<5". Each request is recorded once in the access '
    "log (purpose data_quality for a team manager, audit for quality staff, unless `X-Purpose-Of-Use` says "
    "otherwise)."
)


def _given(weeks: int | None, gap: int | None, members: int | None) -> dict[str, int]:
    given = (("weeks", weeks), ("gap", gap), ("members", members))
    return {name: value for name, value in given if value is not None}


def wants_csv(request: Request[Any, Any, Any], fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    accept = request.headers.get("accept", "")
    return CSV in accept and "application/json" not in accept


@api_route(
    "GET",
    "/v1/measures",
    operation_id="listMeasures",
    tag=TAG,
    summary="The scorecard's measures, each with its definition, rules and parameters",
    returns=MeasureCatalogue,
)
async def list_measures(actor: Actor) -> Response[bytes]:
    return json_response(msgspec.json.encode(service.catalogue()))


@api_route(
    "GET",
    "/v1/measures/{code:str}",
    operation_id="getMeasureSeries",
    tag=TAG,
    summary="One measure's values over time for the caller's council (JSON, or CSV with small numbers suppressed)",
    description=SERIES_DESCRIPTION,
    returns=MeasureSeries,
    media=(CSV,),
    problems_=(404,),
)
async def get_measure_series(
    request: Request[Any, Any, Any],
    actor: Actor,
    code: Code,
    period: Period = MeasurePeriod.month,
    group_by: GroupBy = MeasureGrouping.council,
    from_date: From = None,
    to_date: To = None,
    weeks: Weeks = None,
    gap: Gap = None,
    members: Members = None,
    fmt: Format = None,
) -> Response[bytes]:
    export = wants_csv(request, fmt)
    found = await service.series(
        db_of(request), actor, code, period, from_date, to_date, group_by, _given(weeks, gap, members), export=export
    )
    if export:
        disposition = f'attachment; filename="{found.code}-{found.la_code}.csv"'
        return Response(service.to_csv(found), media_type=CSV, headers={"Content-Disposition": disposition})
    return json_response(msgspec.json.encode(found))


@api_route(
    "GET",
    "/v1/measures/{code:str}/chart",
    operation_id="getMeasureChart",
    tag=TAG,
    summary="One measure's trend as a picture (SVG), one line per group",
    description="The same figures as `getMeasureSeries` drawn as an accessible SVG: a `<title>`, and a `<desc>` "
    "giving every value in words.",
    media=(SVG,),
    problems_=(404,),
)
async def get_measure_chart(
    request: Request[Any, Any, Any],
    actor: Actor,
    code: Code,
    period: Period = MeasurePeriod.month,
    group_by: GroupBy = MeasureGrouping.council,
    from_date: From = None,
    to_date: To = None,
    weeks: Weeks = None,
    gap: Gap = None,
    members: Members = None,
) -> Response[bytes]:
    given = _given(weeks, gap, members)
    found = await service.series(db_of(request), actor, code, period, from_date, to_date, group_by, given)
    return Response(charts.measure_chart(service.measure(code), found), media_type=SVG)


ROUTES = [list_measures, get_measure_series, get_measure_chart]
