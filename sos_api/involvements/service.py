"""Involvement rules: the case must be visible to the writer, the practitioner must be recorded, and the access
an involvement gives (policy.py grants) starts and ends in the same transaction as the involvement."""

from __future__ import annotations

from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    CaseInvolvement,
    CaseInvolvementCreate,
    CaseInvolvementEnd,
    InvolvementKind,
    InvolvementStatus,
)

from .. import problems
from ..cases.service import KIND as CASE_KIND
from ..cases.service import check_people_exist
from ..context import Actor
from ..db import records as q
from ..db.engine import Database
from ..db.records import StoredRecord
from ..versioned import Columns, Written, fields_of, insert, new_id, new_meta, next_meta, now, replace

KIND = "case_involvement"


def grants_of(involvement: CaseInvolvement) -> list[str]:
    if involvement.status is InvolvementStatus.ended:
        return []
    if involvement.kind is InvolvementKind.agency:
        return [f"org:{involvement.organisation}"]
    return [f"person:{involvement.person_id}"]


def columns_for(involvement: CaseInvolvement, case: StoredRecord) -> Columns:
    # Involvements are professional records: the family sees who works with them through the case, not here.
    return Columns(
        status=involvement.status.value,
        visibility="professionals_only",
        child_ids=tuple(case.child_ids),
        case_id=case.id,
    )


async def create(db: Database, actor: Actor, case_id: UUID, body: CaseInvolvementCreate) -> Written:
    async with db.begin(actor.scope) as conn:
        case = await q.select_record(conn, actor.scope, CASE_KIND, case_id, for_update=True)
        if case is None:
            raise problems.NotFound("No case with that id.")
        if body.person_id is not None:
            await check_people_exist(conn, actor, [body.person_id], "person_id")
        at, involvement_id = now(), new_id()
        involvement = CaseInvolvement(
            **fields_of(body),
            id=involvement_id,
            case_id=case_id,
            status=InvolvementStatus.active,
            meta=new_meta(actor, at, case_id),
        )
        written = await insert(conn, actor, KIND, involvement_id, involvement, columns_for(involvement, case), at)
        await q.replace_case_access(conn, case.la_code, case_id, involvement_id, grants_of(involvement))
        return written


async def end(db: Database, actor: Actor, involvement_id: UUID, expected: int, body: CaseInvolvementEnd) -> Written:
    async def build(conn: AsyncConnection, stored: StoredRecord) -> tuple[CaseInvolvement, Columns]:
        old = msgspec.json.decode(stored.doc, type=CaseInvolvement)
        if old.status is InvolvementStatus.ended:
            raise problems.Conflict("This involvement has already ended.")
        if body.end_date < old.start_date:
            raise problems.RuleBroken("end_date cannot be before start_date.")
        ended = msgspec.structs.replace(
            old,
            status=InvolvementStatus.ended,
            end_date=body.end_date,
            end_note=body.note,
            meta=next_meta(old.meta, actor, now()),
        )
        await q.replace_case_access(conn, stored.la_code, old.case_id, old.id, grants_of(ended))
        return ended, Columns(
            status=ended.status.value,
            visibility="professionals_only",
            child_ids=tuple(stored.child_ids),
            case_id=stored.case_id,
        )

    return await replace(db, actor, KIND, involvement_id, expected, build)
