"""Involvement rules: the case must be visible to the writer, the practitioner must be recorded, and the access
an involvement gives (policy `involvement_grants`) starts and ends in the same transaction as the involvement."""

from __future__ import annotations

from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import CaseInvolvement, CaseInvolvementCreate, CaseInvolvementEnd, InvolvementStatus

from ..auth.policy import involvement_grants
from ..context import Actor
from ..db import records as q
from ..db.records import StoredRecord
from ..resources.service import ending, fields_of, new_meta, now, require_existing

KIND = "case_involvement"


async def new_involvement(
    conn: AsyncConnection, actor: Actor, case: StoredRecord | None, body: CaseInvolvementCreate, involvement_id: UUID
) -> CaseInvolvement:
    assert case is not None
    if body.person_id is not None:
        await require_existing(conn, actor, "person", [("/person_id", body.person_id)])
    return CaseInvolvement(
        **fields_of(body),
        id=involvement_id,
        case_id=case.id,
        status=InvolvementStatus.active,
        meta=new_meta(actor, now(), case.id, case.la_code),
    )


async def grant_access(conn: AsyncConnection, _: Actor, involvement: CaseInvolvement, __: StoredRecord | None) -> None:
    await q.replace_case_access(
        conn, involvement.meta.la_code, involvement.case_id, involvement.id, involvement_grants(involvement)
    )


async def ended(_: AsyncConnection, actor: Actor, stored: StoredRecord, body: CaseInvolvementEnd) -> CaseInvolvement:
    """The involvement ended: its access stops with this version (the kind's bookkeeping, `grant_access`)."""
    involvement = msgspec.json.decode(stored.doc, type=CaseInvolvement)
    already = "This involvement has already ended." if involvement.status is InvolvementStatus.ended else None
    changes = {"status": InvolvementStatus.ended, "end_date": body.end_date, "end_note": body.note}
    ended: CaseInvolvement = ending(
        involvement, actor, already, (body.end_date, involvement.start_date, "end_date"), **changes
    )
    return ended
