"""Create, read, replace and list the history of any versioned record: the machinery every area shares.

Each call is one transaction that also writes the access event (and, for writes, the history and outbox rows
via db/records.py). Areas add their own rules by passing a `build` function that turns the stored record and
the new input into the next document, raising problems when a rule is broken.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import RecordMeta

from . import problems
from .audit import record as audit
from .context import Actor
from .db import records as q
from .db.engine import Database
from .db.records import StoredRecord
from .http import Cursors, clamp_limit, page_body


class Written(msgspec.Struct, frozen=True):
    """A document as stored: its id, version and exact JSON."""

    id: UUID
    version: int
    doc: bytes


class Columns(msgspec.Struct, frozen=True, kw_only=True):
    """The queryable facts of a record, kept beside its JSON document."""

    status: str | None = None
    visibility: str = "family_shareable"
    child_ids: tuple[UUID, ...] = ()
    case_id: UUID | None = None
    parent_id: UUID | None = None
    chain_no: int | None = None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_meta(actor: Actor, at: dt.datetime, case_id: UUID | None) -> RecordMeta:
    la_code = actor.scope.tenant
    return RecordMeta(
        la_code=la_code,
        version=1,
        created_at=at,
        created_by=actor.name,
        recorded_by=actor.name,
        updated_at=at,
        case_id=case_id,
    )


def next_meta(previous: RecordMeta, actor: Actor, at: dt.datetime) -> RecordMeta:
    return msgspec.structs.replace(previous, version=previous.version + 1, recorded_by=actor.name, updated_at=at)


def fields_of(value: msgspec.Struct) -> dict[str, Any]:
    """A Struct's fields by name (shallow), to build its server shape from the client shape."""
    return {name: getattr(value, name) for name in value.__struct_fields__}


async def insert(
    conn: AsyncConnection,
    actor: Actor,
    kind: str,
    record_id: UUID,
    doc: msgspec.Struct,
    columns: Columns,
    at: dt.datetime,
) -> Written:
    """Store version 1 of a new record and audit its creation, inside the caller's transaction."""
    body = msgspec.json.encode(doc)
    await q.insert_record(
        conn,
        record_id=record_id,
        la_code=actor.scope.tenant,
        kind=kind,
        doc=body,
        at=at,
        actor=actor.name,
        case_id=columns.case_id,
        parent_id=columns.parent_id,
        status=columns.status,
        visibility=columns.visibility,
        child_ids=columns.child_ids,
        chain_no=columns.chain_no,
    )
    await audit.record(
        conn,
        actor,
        "create",
        object_type=kind,
        object_id=record_id,
        object_version=1,
        case_id=columns.case_id,
        child_ids=columns.child_ids,
    )
    return Written(record_id, 1, body)


async def update(
    conn: AsyncConnection, actor: Actor, stored: StoredRecord, doc: msgspec.Struct, columns: Columns, at: dt.datetime
) -> Written:
    """Store the next version of `stored`; 412 if someone else saved first (BR-24)."""
    body = msgspec.json.encode(doc)
    saved = await q.update_record(
        conn,
        record_id=stored.id,
        la_code=stored.la_code,
        kind=stored.kind,
        expected_version=stored.version,
        doc=body,
        at=at,
        actor=actor.name,
        status=columns.status,
        visibility=columns.visibility,
        child_ids=columns.child_ids,
    )
    if not saved:
        current = await q.record_exists(conn, actor.scope, stored.kind, stored.id)
        raise problems.VersionConflict("Someone saved a newer version first.", current_version=current)
    await audit.record(
        conn,
        actor,
        "update",
        object_type=stored.kind,
        object_id=stored.id,
        object_version=stored.version + 1,
        case_id=stored.case_id,
        child_ids=stored.child_ids,
        la_code=stored.la_code,
    )
    return Written(stored.id, stored.version + 1, body)


async def load_for_update(
    conn: AsyncConnection, actor: Actor, kind: str, record_id: UUID, expected_version: int
) -> StoredRecord:
    """Lock a visible record and check the client's If-Match against it (404 hidden, 412 stale)."""
    stored = await q.select_record(conn, actor.scope, kind, record_id, for_update=True)
    if stored is None:
        raise problems.NotFound(f"No {kind.replace('_', ' ')} with that id.")
    if stored.version != expected_version:
        raise problems.VersionConflict(
            f"You sent If-Match for version {expected_version}; the record is at version {stored.version}.",
            current_version=stored.version,
        )
    return stored


async def read_one(db: Database, actor: Actor, kind: str, record_id: UUID) -> StoredRecord:
    """One visible record, with its read recorded before the data is returned (BR-25)."""
    async with db.begin(actor.scope) as conn:
        stored = await q.select_record(conn, actor.scope, kind, record_id)
        if stored is None:
            raise problems.NotFound(f"No {kind.replace('_', ' ')} with that id.")
        await audit.record_rows(conn, actor, "read", [stored])
    return msgspec.structs.replace(stored, doc=redacted(actor, stored.doc))


async def read_page(
    db: Database,
    actor: Actor,
    cursors: Cursors,
    kind: str,
    *conditions: Any,
    binding: str,
    cursor: str | None,
    limit: int,
    newest_first: bool = False,
    within: tuple[str, UUID] | None = None,
) -> bytes:
    """One page of visible records of a kind, each returned item recorded as a search result.

    `within` (kind, id) names the record the list belongs to (a case's maps, a question's judgements): 404
    unless the caller can see it, checked in the same transaction as the page."""
    limit = clamp_limit(limit)
    after = cursors.read(cursor, binding)
    async with db.begin(actor.scope) as conn:
        if within is not None and await q.record_exists(conn, actor.scope, *within) is None:
            raise problems.NotFound(f"No {within[0].replace('_', ' ')} with that id.")
        rows = await q.select_page(
            conn,
            actor.scope,
            kind,
            *conditions,
            after=(str(after[0]), str(after[1])) if after else None,
            limit=limit,
            newest_first=newest_first,
        )
        shown = rows[:limit]
        await audit.record_rows(conn, actor, "search_result", shown)
    next_cursor = cursors.make(shown[-1].page_key, binding) if len(rows) > limit else None
    return page_body([redacted(actor, r.doc) for r in shown], next_cursor)


async def read_versions(
    db: Database, actor: Actor, cursors: Cursors, kind: str, record_id: UUID, *, cursor: str | None, limit: int
) -> bytes:
    """The saved versions of one record, oldest first."""
    limit = clamp_limit(limit)
    binding = f"versions:{kind}:{record_id}"
    after = cursors.read(cursor, binding)
    async with db.begin(actor.scope) as conn:
        stored = await q.select_record(conn, actor.scope, kind, record_id)
        if stored is None:
            raise problems.NotFound(f"No {kind.replace('_', ' ')} with that id.")
        versions = await q.select_versions(
            conn, actor.scope, kind, record_id, after_version=int(after[0]) if after else 0, limit=limit
        )
        shown = versions[:limit]
        await audit.record(
            conn,
            actor,
            "read",
            object_type=kind,
            object_id=record_id,
            object_version=stored.version,
            case_id=stored.case_id,
            child_ids=stored.child_ids,
            la_code=stored.la_code,
        )
    next_cursor = cursors.make([shown[-1][0]], binding) if len(versions) > limit else None
    return page_body([redacted(actor, doc) for _, doc in shown], next_cursor)


async def read_version(db: Database, actor: Actor, kind: str, record_id: UUID, version: int) -> bytes:
    async with db.begin(actor.scope) as conn:
        stored = await q.select_record(conn, actor.scope, kind, record_id)
        doc = await q.select_version(conn, actor.scope, kind, record_id, version) if stored else None
        if stored is None or doc is None:
            raise problems.NotFound(f"No such version of this {kind.replace('_', ' ')}.")
        await audit.record(
            conn,
            actor,
            "read",
            object_type=kind,
            object_id=record_id,
            object_version=version,
            case_id=stored.case_id,
            child_ids=stored.child_ids,
            la_code=stored.la_code,
        )
    return redacted(actor, doc)


CONFIDENTIAL = re.compile(rb'"confidential":\s*true')


def redacted(actor: Actor, doc: bytes) -> bytes:
    """BR-27: confidential addresses (refuge, placement, a victim's) never reach the roles they are kept from.
    Only people and cases hold addresses; the byte check keeps every other read free."""
    if not actor.scope.redact_confidential or not CONFIDENTIAL.search(doc):
        return doc
    value = msgspec.json.decode(doc)
    if isinstance(value.get("addresses"), list):
        value["addresses"] = [a for a in value["addresses"] if not a.get("confidential")]
    if isinstance(value.get("household_address"), dict) and value["household_address"].get("confidential"):
        value["household_address"] = None
    return msgspec.json.encode(value)


def new_id() -> UUID:
    return uuid.uuid4()


Build = Callable[[AsyncConnection, StoredRecord], Awaitable[tuple[msgspec.Struct, Columns]]]


async def replace(
    db: Database, actor: Actor, kind: str, record_id: UUID, expected_version: int, build: Build
) -> Written:
    """Replace a record's document in one transaction: lock, check If-Match, build the next version, save."""
    async with db.begin(actor.scope) as conn:
        stored = await load_for_update(conn, actor, kind, record_id, expected_version)
        doc, columns = await build(conn, stored)
        return await update(conn, actor, stored, doc, columns, now())
