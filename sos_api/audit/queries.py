"""SQL for the access log: one newest-first page of a council's events, by the filters auditors use."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db.tables import access_events

_COLUMNS = [c for c in access_events.c if c.name not in {"seq", "la_code", "actor"}]


class EventFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Which events: touching a child, about a person (their record, or them as a child), on a case, by an
    actor, in a period."""

    child: UUID | None = None
    person: UUID | None = None
    case: UUID | None = None
    actor: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _naming_child(person: UUID) -> sa.ColumnElement[bool]:
    return access_events.c.child_ids.contains(sa.cast([person], ARRAY(PG_UUID(as_uuid=True))))


def conditions(wanted: EventFilter) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = []
    if wanted.since is not None:
        found.append(access_events.c.at >= wanted.since)
    if wanted.until is not None:
        found.append(access_events.c.at < wanted.until)
    if wanted.child is not None:
        found.append(_naming_child(wanted.child))
    if wanted.person is not None:
        found.append(sa.or_(access_events.c.object_id == wanted.person, _naming_child(wanted.person)))
    if wanted.case is not None:
        found.append(access_events.c.case_id == wanted.case)
    if wanted.actor is not None:
        found.append(access_events.c.actor == wanted.actor)
    return found


async def select_events(
    conn: AsyncConnection, la_code: str, wanted: EventFilter, *, before_seq: int | None, limit: int
) -> list[Any]:
    """Up to limit+1 events of the council, newest first, keyed on the log's own sequence."""
    query = sa.select(access_events).where(access_events.c.la_code == la_code, *conditions(wanted))
    if before_seq is not None:
        query = query.where(access_events.c.seq < before_seq)
    return list((await conn.execute(query.order_by(access_events.c.seq.desc()).limit(limit + 1))).all())


def event(row: Any) -> dict[str, Any]:
    values = {c.name: getattr(row, c.name) for c in _COLUMNS}
    values["user"] = row.actor
    values["child_ids"] = list(row.child_ids or [])
    return values
