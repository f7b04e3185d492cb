"""Case rules: members must be people of this council, a closed case says when and why, and the case's
allocation and family decide who may see it (domain 2.2, 3.1, 4.1)."""

from __future__ import annotations

from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import Case, CaseClose, CaseCreate, CaseStatus, MemberRole

from .. import problems
from ..auth.policy import case_grants, check_allocation
from ..context import Actor
from ..db import records as q
from ..db.records import Columns, StoredRecord, columns_of
from ..resources.service import ending, fields_of, new_meta, next_meta, now, require_existing

KIND = "case"
CHILD_ROLES = frozenset({MemberRole.child, MemberRole.unborn_child})
# What only the server (or closing) changes: a replace keeps these from the stored case.
KEPT_ON_REPLACE = ("status", "current_level", "closed_on", "closure_reason", "closure_note")


def columns_for(case: Case) -> Columns:
    return columns_of(case, child_ids=tuple(m.person_id for m in case.members if m.role in CHILD_ROLES))


async def check_members(conn: AsyncConnection, actor: Actor, body: CaseCreate) -> None:
    named = [(f"/members/{i}/person_id", m.person_id) for i, m in enumerate(body.members)]
    await require_existing(conn, actor, "person", named)


async def new_case(
    conn: AsyncConnection, actor: Actor, _: StoredRecord | None, body: CaseCreate, case_id: UUID
) -> Case:
    await check_members(conn, actor, body)
    return Case(**fields_of(body), id=case_id, meta=new_meta(actor, now(), case_id), status=CaseStatus.open)


async def next_case(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: CaseCreate) -> Case:
    await check_members(conn, actor, body)
    old = msgspec.json.decode(stored.doc, type=Case)
    check_allocation(actor.role, old, body)
    if old.closed_on is not None and old.closed_on < body.opened_on:
        raise problems.RuleBroken("opened_on cannot be after the date the case was closed.")
    kept = {name: getattr(old, name) for name in KEPT_ON_REPLACE}
    return Case(**fields_of(body), id=old.id, meta=next_meta(old.meta, actor, now()), **kept)


async def grant_access(conn: AsyncConnection, _: Actor, case: Case, __: StoredRecord | None) -> None:
    """Access follows allocation and membership the moment they change (same transaction)."""
    await q.replace_case_access(conn, case.meta.la_code, case.id, case.id, case_grants(case))


async def closed_case(_: AsyncConnection, actor: Actor, stored: StoredRecord, body: CaseClose) -> Case:
    """The case closed, with when and why (domain 3.1)."""
    case = msgspec.json.decode(stored.doc, type=Case)
    already = "The case is already closed." if case.status is CaseStatus.closed else None
    closing = {"closed_on": body.closed_on, "closure_reason": body.closure_reason, "closure_note": body.note}
    closed: Case = ending(case, actor, already, (body.closed_on, case.opened_on, "closed_on"), **closing)
    return msgspec.structs.replace(closed, status=CaseStatus.closed)
