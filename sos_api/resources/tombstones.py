"""Tombstones (interop R6): a record marked entered in error, or a person merged into another, has left normal
reads. A caller who could have read it answers 410 Gone with `deleted_at` and `reason` (and `merged_into` for a
merge) instead of 404; a caller who could never have seen it still gets 404, so a 410 reveals nothing new.
Auditors (whose scope sees entered-in-error records) keep reading the record itself, with its mark.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import EnteredInError

from .. import problems
from ..audit import record as audit
from ..context import Actor
from ..db import records as q
from .registry import Resource

MERGED = "merged"
ENTERED_IN_ERROR = "entered-in-error"
GONE_DOC = (
    "Marked entered in error, or a person merged into another (interop R6): 410 `gone` with `deleted_at`, `reason` "
    "(`entered-in-error`, `merged`) and, for a merge, `merged_into`, for callers who could read it before; auditors "
    "still read it, with its mark."
)


class _Mark(msgspec.Struct):
    entered_in_error: EnteredInError | None = None
    merged_into: UUID | None = None


class _Marked(msgspec.Struct):
    meta: _Mark


async def gone_of(conn: AsyncConnection, actor: Actor, res: Resource, record_id: UUID) -> problems.RecordGone | None:
    """The 410 for `record_id` when it is a tombstone the caller could otherwise see (the answer recorded as a read
    of the tombstone); None when it is not one, or the caller sees tombstones as records anyway."""
    if actor.scope.sees_entered_in_error:
        return None
    wider = msgspec.structs.replace(actor.scope, sees_entered_in_error=True)
    stored = await q.select_record(conn, wider, res, record_id)
    if stored is None:
        return None
    mark = msgspec.json.decode(stored.doc, type=_Marked).meta
    if mark.entered_in_error is None:
        return None
    await audit.record_rows(conn, actor, "read", [stored])
    reason = MERGED if mark.merged_into is not None else ENTERED_IN_ERROR
    return problems.RecordGone(
        f"This {res.names.title} was {'merged into another' if reason == MERGED else 'marked entered in error'}.",
        gone=problems.Gone(deleted_at=mark.entered_in_error.at, reason=reason, merged_into=mark.merged_into),
    )


async def refuse_if_gone(conn: AsyncConnection, actor: Actor, res: Resource, record_id: UUID) -> None:
    """Inside a write: 410 when the record it would change is a tombstone the caller could otherwise see."""
    gone = await gone_of(conn, actor, res, record_id)
    if gone is not None:
        raise gone
