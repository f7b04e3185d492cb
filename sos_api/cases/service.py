"""Case rules: members must be people of this council, a closed case says when and why (domain 2.2, 3.1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import Case, CaseClose, CaseCreate, CaseStatus, MemberRole

from .. import problems
from ..context import Actor
from ..db import records as q
from ..db.engine import Database
from ..db.records import StoredRecord
from ..db.tables import records
from ..versioned import Columns, Written, fields_of, insert, new_id, new_meta, next_meta, now, replace

KIND = "case"
CHILD_ROLES = frozenset({MemberRole.child, MemberRole.unborn_child})


def columns_for(case: Case) -> Columns:
    return Columns(
        status=case.status.value,
        visibility=case.visibility.value,
        child_ids=tuple(m.person_id for m in case.members if m.role in CHILD_ROLES),
        case_id=case.id,
    )


def grants_of(case: Case) -> list[str]:
    """Who the case itself lets in (policy.py): its allocation, its family, or the triage pool until allocated."""
    grants = [f"member:{m.person_id}" for m in case.members]
    grants += [f"person:{p}" for p in (case.allocated_worker, case.team_manager) if p is not None]
    if case.team is not None:
        grants.append(f"team:{case.team}")
    if case.team is None and case.allocated_worker is None:
        grants.append("unallocated")
    return grants


async def check_people_exist(conn: AsyncConnection, actor: Actor, person_ids: list[UUID], what: str) -> None:
    """Every person named must already be recorded in this council (no dangling references)."""
    if not person_ids:
        return
    found = await q.select_where(conn, actor.scope, "person", records.c.id.in_(person_ids))
    missing = sorted(str(p) for p in set(person_ids) - {r.id for r in found})
    if missing:
        raise problems.RuleBroken(f"{what} names people who are not recorded in this council: {', '.join(missing)}.")


async def create_case(db: Database, actor: Actor, body: CaseCreate) -> Written:
    async with db.begin(actor.scope) as conn:
        await check_people_exist(conn, actor, [m.person_id for m in body.members], "members")
        at, case_id = now(), new_id()
        case = Case(**fields_of(body), id=case_id, meta=new_meta(actor, at, case_id), status=CaseStatus.open)
        written = await insert(conn, actor, KIND, case_id, case, columns_for(case), at)
        await q.replace_case_access(conn, actor.scope.tenant, case_id, case_id, grants_of(case))
        return written


def decode_case(stored: StoredRecord) -> Case:
    return msgspec.json.decode(stored.doc, type=Case)


async def replace_case(db: Database, actor: Actor, case_id: UUID, expected: int, body: CaseCreate) -> Written:
    async def build(conn: AsyncConnection, stored: StoredRecord) -> tuple[Case, Columns]:
        await check_people_exist(conn, actor, [m.person_id for m in body.members], "members")
        old = decode_case(stored)
        kept: dict[str, Any] = {
            "status": old.status,
            "current_level": old.current_level,
            "closed_on": old.closed_on,
            "closure_reason": old.closure_reason,
            "closure_note": old.closure_note,
        }
        if old.closed_on is not None and old.closed_on < body.opened_on:
            raise problems.RuleBroken("opened_on cannot be after the date the case was closed.")
        case = Case(**fields_of(body), id=old.id, meta=next_meta(old.meta, actor, now()), **kept)
        await q.replace_case_access(conn, stored.la_code, old.id, old.id, grants_of(case))
        return case, columns_for(case)

    return await replace(db, actor, KIND, case_id, expected, build)


async def close_case(db: Database, actor: Actor, case_id: UUID, expected: int, body: CaseClose) -> Written:
    async def build(conn: AsyncConnection, stored: StoredRecord) -> tuple[Case, Columns]:
        old = decode_case(stored)
        if old.status is CaseStatus.closed:
            raise problems.Conflict("The case is already closed.")
        if body.closed_on < old.opened_on:
            raise problems.RuleBroken("closed_on cannot be before opened_on.")
        case = msgspec.structs.replace(
            old,
            status=CaseStatus.closed,
            closed_on=body.closed_on,
            closure_reason=body.closure_reason,
            closure_note=body.note,
            meta=next_meta(old.meta, actor, now()),
        )
        return case, columns_for(case)

    return await replace(db, actor, KIND, case_id, expected, build)
