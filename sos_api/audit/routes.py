"""Access log routes: the auditors' query, and a person's own access history (subject access request)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response
from litestar.params import Parameter, QueryParameter

from sos_schema import AccessEventPage

from .. import problems
from ..context import Actor
from ..http import DEFAULT_LIMIT, Cursor, Limit, api_route, cursors_of, db_of, json_response
from . import service
from .queries import EventFilter

TAG = "audit"
# Instants are parsed here, not by the framework, which would also take a bare number as a Unix time.
RFC3339 = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})$"
Since = Annotated[
    str | None,
    QueryParameter(
        name="from", pattern=RFC3339, description="Events at or after this instant, e.g. 2026-11-30T09:00:00Z."
    ),
]
Until = Annotated[str | None, QueryParameter(name="to", pattern=RFC3339, description="Events before this instant.")]
ActorFilter = Annotated[
    str | None,
    QueryParameter(
        name="actor", min_length=1, max_length=200, pattern=r"^[^\x00]*$", description="Events by this user or client."
    ),
]


def _instant(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise problems.BadRequest(f"{value!r} is not an instant, e.g. 2026-11-30T09:00:00Z.") from exc


@api_route(
    "GET",
    "/v1/audit-events",
    operation_id="listAuditEvents",
    tag=TAG,
    summary="Who accessed which child's records: the append-only access log, newest first",
    returns=AccessEventPage,
    paged=True,
)
async def list_audit_events(
    request: Request[Any, Any, Any],
    actor: Actor,
    child: Annotated[UUID | None, Parameter(description="Events touching this child's records.")] = None,
    person: Annotated[UUID | None, Parameter(description="Events about this person, or them as a child.")] = None,
    case: Annotated[UUID | None, Parameter(description="Events on this case's records.")] = None,
    by: ActorFilter = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Response[bytes]:
    wanted = EventFilter(child=child, person=person, case=case, actor=by, since=_instant(since), until=_instant(until))
    body = await service.events_page(
        db_of(request), actor, cursors_of(request), wanted, about=child or person, cursor=cursor, limit=limit
    )
    return json_response(body)


@api_route(
    "GET",
    "/v1/people/{person_id:uuid}/access-history",
    operation_id="getPersonAccessHistory",
    tag=TAG,
    summary="Everyone who accessed a person's records, newest first (for a subject access request)",
    returns=AccessEventPage,
    paged=True,
    problems_=(404,),
)
async def person_access_history(
    request: Request[Any, Any, Any],
    actor: Actor,
    person_id: UUID,
    since: Since = None,
    until: Until = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Response[bytes]:
    wanted = EventFilter(person=person_id, since=_instant(since), until=_instant(until))
    body = await service.events_page(
        db_of(request),
        actor,
        cursors_of(request),
        wanted,
        about=person_id,
        cursor=cursor,
        limit=limit,
        within_person=person_id,
    )
    return json_response(body)


ROUTES = [list_audit_events, person_access_history]
