"""Reading the access log: for auditors, and a person's own access history for a subject access request.

Reading who looked at a child is itself a look at that child, so each query is recorded too (BR-25).
"""

from __future__ import annotations

from uuid import UUID

from .. import problems
from ..context import Actor
from ..db.engine import Database
from ..http import Cursors, clamp_limit, encode
from ..resources.registry import resource
from ..resources.service import load
from . import queries
from . import record as audit
from .queries import EventFilter


async def events_page(
    db: Database,
    actor: Actor,
    cursors: Cursors,
    wanted: EventFilter,
    *,
    about: UUID | None,
    cursor: str | None,
    limit: int,
    within_person: UUID | None = None,
) -> bytes:
    """One newest-first page; the query is recorded against the person it is about."""
    limit = clamp_limit(limit)
    binding = f"audit:{wanted.child}:{wanted.person}:{wanted.case}:{wanted.actor}:{wanted.since}:{wanted.until}"
    after = cursors.read(cursor, binding)
    if after is not None and not isinstance(after[0], int):
        raise problems.BadRequest("The cursor is not valid for this list.")
    async with db.begin(actor.scope) as conn:
        if within_person:
            await load(conn, actor, resource("person"), within_person)
        rows = await queries.select_events(
            conn, actor.scope.tenant, wanted, before_seq=after[0] if after else None, limit=limit
        )
        await audit.record(
            conn, actor, "read", object_type="access_history", object_id=about, child_ids=[about] if about else []
        )
    shown = rows[:limit]
    next_cursor = cursors.make([shown[-1].seq], binding) if len(rows) > limit else None
    return encode({"items": [queries.event(r) for r in shown], "next_cursor": next_cursor})
