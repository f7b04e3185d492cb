"""Case rules: members must be people of this council, a closed case says when and why, and the case's
allocation and family decide who may see it (domain 2.2, 3.1, 4.1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import Case, CaseClose, CaseCreate, CaseLevel, CaseStatus, ChildEpisode, MemberRole

from .. import problems
from ..auth.policy import Scope, case_grants, check_allocation
from ..context import Actor
from ..db import records as q
from ..db.records import Columns, StoredRecord, columns_of
from ..db.tables import records
from ..resources.registry import resource
from ..resources.service import ending, fields_of, new_meta, next_meta, now, require_existing

KIND = "case"
CHILD_ROLES = frozenset({MemberRole.child, MemberRole.unborn_child})
# Levels from lowest to highest (domain 3.1: looked_after and care_leaver outrank child_protection for display).
LEVELS = [level.value for level in CaseLevel]
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


async def open_episodes(conn: AsyncConnection, actor: Actor, case_ids: list[UUID]) -> list[ChildEpisode]:
    """The children's open episodes on these cases that the caller may see, in one query (the episodes are
    another area's kind, read through the registry)."""
    where = (records.c.case_id.in_(case_ids), records.c.status == "open")
    found = await q.select_where(conn, actor.scope, resource("child_episode"), *where)
    return [msgspec.json.decode(f.doc, type=ChildEpisode) for f in found]


def current_level(scope: Scope, found: Any) -> Any:
    """`current_level`: the highest level among the case's open episodes (domain 3.1) that the reader may see, as a
    column over the cases found (`Resource.shown`), worked out on every read, never stored or taken from a client."""
    level = records.c.doc["level"].astext
    return (
        q.scoped(scope, resource("child_episode"))
        .where(records.c.case_id == found.c.id, records.c.status == "open")
        .with_only_columns(level)
        .order_by(sa.func.array_position(sa.literal(LEVELS, ARRAY(sa.Text)), level).desc())
        .limit(1)
        .scalar_subquery()
    )


def at_level(stored: StoredRecord, level: str | None) -> StoredRecord:
    """The case as shown at its current level (as stored when no episode is open)."""
    if level is None:
        return stored
    case = msgspec.json.decode(stored.doc, type=Case)
    return msgspec.structs.replace(
        stored, doc=msgspec.json.encode(msgspec.structs.replace(case, current_level=CaseLevel(level)))
    )


async def with_current_level(conn: AsyncConnection, actor: Actor, shown: list[StoredRecord]) -> list[StoredRecord]:
    """`current_level` for cases read by another path than a read's own statement (versions, a write's answer)."""
    found = sa.values(sa.column("id", PG_UUID(as_uuid=True)), name="found").data([(s.id,) for s in shown])
    rows = await conn.execute(sa.select(found.c.id, current_level(actor.scope, found)))
    levels: dict[UUID, str | None] = {case_id: level for case_id, level in rows}
    return [at_level(stored, levels.get(stored.id)) for stored in shown]


async def closed_case(conn: AsyncConnection, actor: Actor, stored: StoredRecord, body: CaseClose) -> Case:
    """The case closed, with when and why, once every child's episode has ended (domain 3.1)."""
    case = msgspec.json.decode(stored.doc, type=Case)
    already = "The case is already closed." if case.status is CaseStatus.closed else None
    still_open = await open_episodes(conn, actor, [case.id]) if already is None else []
    if still_open:
        named = "; ".join(f"child {e.child_id} at {e.level.value} (episode {e.id})" for e in still_open)
        raise problems.EpisodesOpen(f"End every child's episode before closing the case. Still open: {named}."[:2000])
    closing = {"closed_on": body.closed_on, "closure_reason": body.closure_reason, "closure_note": body.note}
    closed: Case = ending(case, actor, already, (body.closed_on, case.opened_on, "closed_on"), **closing)
    return msgspec.structs.replace(closed, status=CaseStatus.closed)
