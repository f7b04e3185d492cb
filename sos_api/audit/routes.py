"""Reading the access log: for auditors, and a person's own access history for a subject access request.

Reading who looked at a child is itself a look at that child, so each query is recorded too (BR-25).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

import sqlalchemy as sa
from litestar import Request, Response
from litestar.params import Parameter, QueryParameter
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from sos_schema import AccessEventPage

from .. import problems
from ..context import Actor
from ..db import records as q
from ..db.tables import access_events
from ..http import DEFAULT_LIMIT, Cursor, Limit, api_route, clamp_limit, cursors_of, db_of, encode, json_response
from . import record as audit

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

_COLUMNS = [c for c in access_events.c if c.name not in {"seq", "la_code", "actor"}]


def _event(row: Any) -> dict[str, Any]:
    values = {c.name: getattr(row, c.name) for c in _COLUMNS}
    values["user"] = row.actor
    values["child_ids"] = list(row.child_ids or [])
    return values


async def _page(
    request: Request[Any, Any, Any],
    actor: Actor,
    conditions: list[Any],
    binding: str,
    *,
    about: UUID | None,
    cursor: str | None,
    limit: int,
    within_person: UUID | None = None,
) -> bytes:
    """Newest first, keyed on the log's own sequence; the query is recorded against the person it is about."""
    limit = clamp_limit(limit)
    after = cursors_of(request).read(cursor, binding)
    query = sa.select(access_events).where(access_events.c.la_code == actor.scope.tenant, *conditions)
    if after is not None:
        if not isinstance(after[0], int):
            raise problems.BadRequest("The cursor is not valid for this list.")
        query = query.where(access_events.c.seq < after[0])
    query = query.order_by(access_events.c.seq.desc()).limit(limit + 1)
    async with db_of(request).begin(actor.scope) as conn:
        if within_person and await q.record_exists(conn, actor.scope, "person", within_person) is None:
            raise problems.NotFound("No person with that id.")
        rows = list((await conn.execute(query)).all())
        await audit.record(
            conn,
            actor,
            "read",
            object_type="access_history",
            object_id=about,
            child_ids=[about] if about else [],
        )
    shown = rows[:limit]
    next_cursor = cursors_of(request).make([shown[-1].seq], binding) if len(rows) > limit else None
    return encode({"items": [_event(r) for r in shown], "next_cursor": next_cursor})


def _instant(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise problems.BadRequest(f"{value!r} is not an instant, e.g. 2026-11-30T09:00:00Z.") from exc


def _period(since: str | None, until: str | None) -> list[Any]:
    conditions = []
    if (start := _instant(since)) is not None:
        conditions.append(access_events.c.at >= start)
    if (end := _instant(until)) is not None:
        conditions.append(access_events.c.at < end)
    return conditions


def _about(person: UUID) -> Any:
    """Events about a person: reads of their own record, or of any record naming them as a child."""
    return sa.or_(
        access_events.c.object_id == person,
        access_events.c.child_ids.contains(sa.cast([person], ARRAY(PG_UUID(as_uuid=True)))),
    )


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
    conditions = _period(since, until)
    if child is not None:
        conditions.append(access_events.c.child_ids.contains(sa.cast([child], ARRAY(PG_UUID(as_uuid=True)))))
    if person is not None:
        conditions.append(_about(person))
    if case is not None:
        conditions.append(access_events.c.case_id == case)
    if by is not None:
        conditions.append(access_events.c.actor == by)
    binding = f"audit:{child}:{person}:{case}:{by}:{since}:{until}"
    body = await _page(request, actor, conditions, binding, about=child or person, cursor=cursor, limit=limit)
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
    conditions = [*_period(since, until), _about(person_id)]
    binding = f"history:{person_id}:{since}:{until}"
    body = await _page(
        request, actor, conditions, binding, about=person_id, cursor=cursor, limit=limit, within_person=person_id
    )
    return json_response(body)


ROUTES = [list_audit_events, person_access_history]
