"""Write access events inside the caller's transaction, so a write and its audit commit or fail together,
and a read's data is only returned after its access event has committed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Protocol
from uuid import UUID

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


async def record(
    conn: AsyncConnection,
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
) -> None:
    at = dt.datetime.now(dt.UTC)
    # Inline: no RETURNING, which row-level security would refuse for an event filed under no council (a flag
    # lookup that found nobody, flags.py); nothing reads the new row's key back.
    await conn.execute(
        access_events.insert().inline(),
        [_row(actor, action, object_type, object_id, object_version, case_id, child_ids, outcome, at, la_code)],
    )


async def record_rows(conn: AsyncConnection, actor: Actor, action: str, rows: Iterable[Touched]) -> None:
    """One event per record returned (a list page records each item it shows)."""
    at = dt.datetime.now(dt.UTC)
    values = [
        _row(actor, action, r.kind, r.id, r.version, r.case_id, r.child_ids, "allowed", at, r.la_code) for r in rows
    ]
    if values:
        await conn.execute(access_events.insert(), values)
