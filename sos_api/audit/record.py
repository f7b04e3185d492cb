"""Write access events inside the caller's transaction, so a write and its audit commit or fail together,
and a read's data is only returned after its access event has committed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ..context import Actor
from ..db.tables import access_events


class Touched(Protocol):
    """What an access event names of a record: a stored record, or a changes-feed item."""

    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> UUID: ...
    @property
    def version(self) -> int: ...
    @property
    def case_id(self) -> UUID | None: ...
    @property
    def child_ids(self) -> Sequence[UUID]: ...
    @property
    def la_code(self) -> str: ...


def _row(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: UUID | None,
    object_version: int | None,
    case_id: UUID | None,
    child_ids: Sequence[UUID],
    outcome: str,
    at: dt.datetime,
    la_code: str | None,
) -> dict[str, object]:
    who = actor.principal
    return {
        "id": uuid.uuid4(),
        "at": at,
        # The council whose child was touched (an agency's reads are filed under that council).
        "la_code": la_code or actor.scope.la_code,
        "actor": who.subject,
        "role": actor.role.value,
        "organisation": who.organisation,
        "client_app": who.client_app,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_version": object_version,
        "case_id": case_id,
        "child_ids": list(child_ids),
        "purpose": actor.purpose,
        "request_id": actor.request_id,
        "source_ip": actor.source_ip,
        "outcome": outcome,
    }


async def record(conn: AsyncConnection, actor: Actor, action: str, **facts: Any) -> None:
    """One access event in the caller's transaction; `facts` as `event` takes them."""
    await conn.execute(event(actor, action, **facts))


def event(
    actor: Actor,
    action: str,
    *,
    object_type: str,
    object_id: UUID | None,
    object_version: int | None = None,
    case_id: UUID | None = None,
    child_ids: Sequence[UUID] = (),
    outcome: str = "allowed",
    la_code: str | None = None,
) -> sa.Insert:
    """The insert of one access event (`record`), for a write to send in the same statement as its rows."""
    at = dt.datetime.now(dt.UTC)
    # Inline: no RETURNING, which row-level security would refuse for an event filed under no council (a flag
    # lookup that found nobody, flags.py); nothing reads the new row's key back.
    return (
        access_events.insert()
        .inline()
        .values(_row(actor, action, object_type, object_id, object_version, case_id, child_ids, outcome, at, la_code))
    )


async def record_rows(conn: AsyncConnection, actor: Actor, action: str, rows: Iterable[Touched]) -> None:
    """One event per record returned (a list page records each item it shows)."""
    at = dt.datetime.now(dt.UTC)
    values = [
        _row(actor, action, r.kind, r.id, r.version, r.case_id, r.child_ids, "allowed", at, r.la_code) for r in rows
    ]
    if values:
        await conn.execute(access_events.insert(), values)


# The columns an access event is written with from a SELECT (a read and its event in one statement; the webhook
# worker's deliveries).
EVENT_COLUMNS = [
    "id",
    "at",
    "la_code",
    "actor",
    "role",
    "organisation",
    "client_app",
    "action",
    "object_type",
    "object_id",
    "object_version",
    "case_id",
    "child_ids",
    "purpose",
    "request_id",
    "source_ip",
    "outcome",
]


def read_and_record(
    query: sa.Select[Any],
    *,
    also: Callable[[Any], Sequence[sa.ColumnElement[Any]]] | None = None,
    order: Callable[[Any], Sequence[sa.ColumnElement[Any]]] | None = None,
    shown_limit: sa.BindParameter[int] | None = None,
) -> sa.Select[Any]:
    """`query` (records' columns: la_code, kind, id, version, case_id, child_ids...) as one statement that also
    writes an access event for every row it returns: the data and its audit in one round trip, in the caller's
    transaction, so the data still goes out only once its access event commits (BR-25). No RETURNING from the
    insert (row-level security refuses it for some events, as in `record`).

    `also` adds columns worked out from the rows found (`found`, the query as a CTE) after the query's own; the rows
    come back in `order` (else in none), and with `shown_limit` only the first that many in that order are audited
    (a page read with one row more than it shows, to know whether another page follows).

    Who read it is bound at execution (`event_params`), so the statement can be built once and reused."""
    shown = query.cte("found")
    ordered = list(order(shown)) if order is not None else []
    audit = recording(shown, ordered, shown_limit)
    return sa.select(shown, *(also(shown) if also is not None else ())).add_cte(audit).order_by(*ordered)


def recording(shown: Any, order: Sequence[Any] = (), shown_limit: sa.BindParameter[int] | None = None) -> sa.CTE:
    """The insert of an access event for each row of `shown` (a CTE with records' columns), as a CTE for a read's
    statement to add (`read_and_record`); who read it bound at execution (`event_params`)."""
    c = access_events.c
    events = sa.select(
        sa.func.gen_random_uuid(),
        sa.bindparam("ae_at", type_=c.at.type),
        shown.c.la_code,
        sa.bindparam("ae_actor", type_=c.actor.type),
        sa.bindparam("ae_role", type_=c.role.type),
        sa.bindparam("ae_organisation", type_=c.organisation.type),
        sa.bindparam("ae_client_app", type_=c.client_app.type),
        sa.bindparam("ae_action", type_=c.action.type),
        shown.c.kind,
        shown.c.id,
        shown.c.version,
        shown.c.case_id,
        shown.c.child_ids,
        sa.bindparam("ae_purpose", type_=c.purpose.type),
        sa.bindparam("ae_request_id", type_=c.request_id.type),
        sa.bindparam("ae_source_ip", type_=c.source_ip.type),
        sa.literal("allowed", c.outcome.type),
    )
    if shown_limit is not None:
        events = events.order_by(*order).limit(shown_limit)
    return access_events.insert().from_select(EVENT_COLUMNS, events).cte("audit")


def event_params(actor: Actor, action: str) -> dict[str, Any]:
    """The values `read_and_record` binds: who, when, how and why."""
    who = actor.principal
    return {
        "ae_at": dt.datetime.now(dt.UTC),
        "ae_actor": who.subject,
        "ae_role": actor.role.value,
        "ae_organisation": who.organisation,
        "ae_client_app": who.client_app,
        "ae_action": action,
        "ae_purpose": actor.purpose,
        "ae_request_id": actor.request_id,
        "ae_source_ip": actor.source_ip,
    }
