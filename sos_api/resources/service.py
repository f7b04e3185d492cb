"""Create, read, change and list the history of any registered kind: the machinery every area shares.

Each public call is one transaction that also writes the access event (and, for writes, the history and
outbox rows via db/records.py). Areas add their own rules through their kind's hooks (`Create`, `Replace`,
`Action` in registry.py), or call the inside-a-transaction helpers (`insert`, `update`, `load`) from their own
services.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import EnteredInError, EnteredInErrorCreate, FieldError, RecordMeta

from .. import problems
from ..audit import record as audit
from ..auth.policy import Scope, view_for
from ..context import Actor
from ..db import locks
from ..db import records as q
from ..db.engine import Database
from ..db.records import Columns, StoredRecord
from ..db.tables import records
from ..http import Cursors, clamp_limit, page_body
from . import ownership, tombstones
from .registry import NextDoc, Resource, resource

LONDON = ZoneInfo("Europe/London")


class Written(msgspec.Struct, frozen=True):
    """A document as stored: its id, version and exact JSON."""

    id: UUID
    version: int
    doc: bytes
    # False when a create found the record already there (If-None-Exist) and made none.
    created: bool = True


def error(pointer: str, code: str, detail: str) -> FieldError:
    """One failing field of a refused write, for `refuse`."""
    return FieldError(pointer=pointer, code=code, detail=detail)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today in England, where the records' dates are kept."""
    return now().astimezone(LONDON).date()


def new_id() -> UUID:
    return uuid.uuid4()


def new_meta(actor: Actor, at: dt.datetime, case_id: UUID | None, la_code: str | None = None) -> RecordMeta:
    """The envelope of version 1. `la_code` is the parent's council when there is one (an agency writing on a
    council's case), else the caller's own."""
    return RecordMeta(
        la_code=la_code or actor.scope.tenant,
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


def not_before(later: dt.date, earlier: dt.date, pointer: str, detail: str) -> None:
    """A date that ends something cannot come before the one that started it: 422 naming the field."""
    if later < earlier:
        raise problems.RuleBroken(detail, errors=[FieldError(pointer=pointer, code="before_start", detail=detail)])


def ending(
    record: Any, actor: Actor, already: str | None, too_early: tuple[dt.date, dt.date, str], **changes: Any
) -> Any:
    """The next version of a record that closes or ends (a case, an involvement): 409 with `already` when it has
    already ended, 422 when its end date comes before its start (`too_early`: end, start, field)."""
    if already is not None:
        raise problems.Conflict(already)
    end, start, field = too_early
    not_before(end, start, f"/{field}", f"{field} cannot be before the date it started ({start.isoformat()}).")
    return msgspec.structs.replace(record, meta=next_meta(record.meta, actor, now()), **changes)


def refuse(
    errors: Sequence[FieldError],
    summary: str,
    problem: type[problems.ProblemError] = problems.RuleBroken,
    rule: str | None = None,
) -> None:
    """One problem (422 unless the rule says otherwise) naming every failure at once, so the caller can put them
    all right in one pass; the detail, full stop included, within the Problem's 2,000 characters."""
    if errors:
        detail = f"{summary} " + "; ".join(e.detail for e in errors)
        raise problem(detail[:1999] + ".", rule=rule, errors=list(errors[:500]))


def not_found(res: Resource) -> problems.NotFound:
    return problems.NotFound(f"No {res.names.title} with that id.")


# --- inside a transaction ----------------------------------------------------------------------------


def _columns(res: Resource, doc: Any, children_of: StoredRecord | None, child_ids: Sequence[UUID] | None) -> Columns:
    """The kind's columns. The children a record is about: given by the caller, else its own, else those of
    its parent (or of its previous version)."""
    columns: Columns = res.columns(doc)
    if child_ids is not None:
        return msgspec.structs.replace(columns, child_ids=tuple(child_ids))
    if not columns.child_ids and children_of is not None:
        return msgspec.structs.replace(columns, child_ids=tuple(children_of.child_ids))
    return columns


async def insert(
    conn: AsyncConnection,
    actor: Actor,
    res: Resource,
    doc: Any,
    at: dt.datetime,
    parent: StoredRecord | None = None,
    *,
    child_ids: Sequence[UUID] | None = None,
    source_system: str | None = None,
) -> Written:
    """Store version 1 of a new record (its id and council are in its `meta`) and audit its creation. The feed names
    `source_system` (a council system's URI, for a write by source key) or else the caller's client app."""
    body = msgspec.json.encode(doc)
    columns = _columns(res, doc, parent, child_ids)
    await q.insert_record(
        conn,
        record_id=doc.id,
        la_code=doc.meta.la_code,
        kind=res.kind,
        doc=body,
        columns=columns,
        at=at,
        actor=actor.name,
        source_system=source_system or actor.principal.client_app,
        event=audit.event(
            actor,
            "create",
            object_type=res.kind,
            object_id=doc.id,
            object_version=1,
            case_id=columns.case_id,
            child_ids=columns.child_ids,
            la_code=doc.meta.la_code,
        ),
    )
    return Written(doc.id, 1, body)


async def update(
    conn: AsyncConnection,
    actor: Actor,
    res: Resource,
    stored: StoredRecord,
    doc: Any,
    at: dt.datetime,
    *,
    entered_in_error: bool = False,
    child_ids: Sequence[UUID] | None = None,
    source_system: str | None = None,
    op: str | None = None,
) -> Written:
    """Store the next version of `stored`; 412 if someone else saved first (BR-24). `op` names a change the feed
    tells apart (`merge`)."""
    body = msgspec.json.encode(doc)
    columns = _columns(res, doc, stored, child_ids)
    saved = await q.update_record(
        conn,
        stored=stored,
        doc=body,
        columns=columns,
        at=at,
        actor=actor.name,
        entered_in_error=entered_in_error,
        source_system=source_system or actor.principal.client_app,
        op=op,
        event=audit.event(
            actor,
            "update",
            object_type=res.kind,
            object_id=stored.id,
            object_version=stored.version + 1,
            case_id=stored.case_id,
            child_ids=stored.child_ids,
            la_code=stored.la_code,
        ),
    )
    if not saved:
        current = await q.record_exists(conn, actor.scope, res, stored.id)
        raise problems.VersionConflict("Someone saved a newer version first.", current_version=current)
    return Written(stored.id, stored.version + 1, body)


async def load(
    conn: AsyncConnection,
    actor: Actor,
    res: Resource,
    record_id: UUID | None,
    *,
    lock: bool = False,
    against_change: bool = False,
) -> StoredRecord:
    """A record the caller may see (with `lock`, may change, and locked; with `against_change`, may change, and
    held unchanged): 404 otherwise."""
    stored = (
        await q.select_record(conn, actor.scope, res, record_id, for_update=lock, against_change=against_change)
        if record_id
        else None
    )
    if stored is None:
        raise not_found(res)
    return stored


async def load_parent(
    conn: AsyncConnection, actor: Actor, res: Resource, parent_id: UUID | None, body: Any
) -> StoredRecord | None:
    """The parent a create is made under (none for a kind without one), held as the kind's create declares: locked,
    or held unchanged while this body's own key is locked (so only creates with the same key take turns)."""
    spec = res.create
    assert spec is not None
    if res.record.parent is None:
        return None
    serialised = spec.serialised_by
    parent = await load(
        conn, actor, resource(res.record.parent), parent_id, lock=spec.lock_parent, against_change=bool(serialised)
    )
    if serialised is not None:
        await locks.hold(conn, "create", res.kind, str(parent.id), *serialised(body))
    return parent


async def load_for_update(
    conn: AsyncConnection, actor: Actor, res: Resource, record_id: UUID, expected_version: int
) -> StoredRecord:
    """Lock a record the caller may change and check the client's If-Match against it (404 hidden, 412 stale)."""
    stored = await load(conn, actor, res, record_id, lock=True)
    if stored.version != expected_version:
        raise problems.VersionConflict(
            f"You sent If-Match for version {expected_version}; the record is at version {stored.version}.",
            current_version=stored.version,
        )
    return stored


async def require_existing(conn: AsyncConnection, actor: Actor, kind: str, named: Sequence[tuple[str, UUID]]) -> None:
    """Every id named (with the JSON Pointer it was named at) must be a record of `kind` the caller can see in
    this council: no dangling references. 422 listing each one that is not."""
    if not named:
        return
    res = resource(kind)
    found = {r.id for r in await q.select_where(conn, actor.scope, res, q.having_ids({i for _, i in named}))}
    errors = [
        FieldError(
            pointer=at, code="unknown_reference", detail=f"{i} is not a {res.names.title} recorded in this council"
        )
        for at, i in named
        if i not in found
    ]
    if errors:
        # The whole detail within the Problem's 2,000 characters (the full stop included).
        raise problems.RuleBroken(("; ".join(e.detail for e in errors) + ".")[:2000], errors=errors[:500])


# --- whole requests: one transaction each --------------------------------------------------------------


def _view(actor: Actor, res: Resource) -> Callable[[bytes], bytes]:
    return view_for(actor.scope, res.record.holds_addresses) or (lambda doc: doc)


def _also(scope: Scope, res: Resource) -> Callable[[Any], list[Any]] | None:
    """The kind's `shown` column over the rows a read found, for `read_and_record`."""
    shown = res.shown
    return None if shown is None else (lambda found: [shown[0](scope, found)])


def _shown(res: Resource, row: Sequence[Any]) -> StoredRecord:
    stored = q.stored_of(row)
    return stored if res.shown is None else res.shown[1](stored, row[q.EXTRA])


@functools.lru_cache(maxsize=2048)
def _read_one_statement(scope: Scope, kind: str) -> Any:
    res = resource(kind)
    return audit.read_and_record(q.record_query(scope, res, q.with_id(q.bound("record_id"))), also=_also(scope, res))


async def read_one(db: Database, actor: Actor, res: Resource, record_id: UUID) -> StoredRecord:
    """One visible record, with its read recorded before the data is returned (BR-25). A tombstone the caller could
    have read is 410 Gone (interop R6), the answer recorded in its own transaction."""
    try:
        return await _read_one(db, actor, res, record_id)
    except problems.NotFound:
        async with db.begin(actor.scope) as conn:
            gone = await tombstones.gone_of(conn, actor, res, record_id)
        if gone is not None:
            raise gone from None
        raise


async def _read_one(db: Database, actor: Actor, res: Resource, record_id: UUID) -> StoredRecord:
    statement = _read_one_statement(actor.scope, res.kind)
    params = audit.event_params(actor, "read") | {"record_id": record_id}
    if res.present is None or res.shown is not None:
        # Read, presented and audited in one statement, built once per caller's scope and kind, in three round trips.
        found = await db.fetch(actor.scope, statement, params)
        if not found:
            raise not_found(res)
        stored = _shown(res, found[0])
    else:
        async with db.begin(actor.scope) as conn:
            # Presented (worked out from other records) in the same transaction as the read and its audit.
            rows = await q.select_statement(conn, statement, params)
            if not rows:
                raise not_found(res)
            [stored] = await res.present(conn, actor, [rows[0]])
    return msgspec.structs.replace(stored, doc=_view(actor, res)(stored.doc))


def _page_of(scope: Scope, res: Resource, conditions: Sequence[Any], *, after: bool, newest_first: bool) -> Any:
    """A page and its search-result events (only for the rows shown, not the one more read to know whether another
    page follows) in one statement, in the page's order."""
    return audit.read_and_record(
        q.page_query(scope, res, *conditions, after=after, newest_first=newest_first),
        also=_also(scope, res),
        order=lambda found: q.page_order(found, newest_first),
        shown_limit=sa.bindparam("shown_limit", type_=sa.Integer),
    )


@functools.lru_cache(maxsize=2048)
def _listing_statement(scope: Scope, kind: str, by: str | None, *, after: bool, newest_first: bool) -> Any:
    """A kind's standard list page (under one parent, bound as `parent_id`, when `by` names its column), built once."""
    conditions = [] if by is None else [records.c[by] == q.bound("parent_id")]
    return _page_of(scope, resource(kind), conditions, after=after, newest_first=newest_first)


async def read_page(
    db: Database,
    actor: Actor,
    cursors: Cursors,
    res: Resource,
    *conditions: Any,
    binding: str,
    cursor: str | None,
    limit: int,
    newest_first: bool = False,
    within: tuple[Resource, UUID] | None = None,
    by: str | None = None,
) -> bytes:
    """One page of visible records of a kind, each returned item recorded as a search result.

    `within` (kind, id) names the record the list belongs to (a case's maps, a question's judgements): 404
    unless the caller can see it, checked in the same transaction as the page; `by` is the column holding its id.
    Without other `conditions` the page is one statement built once (three round trips when nothing else is read)."""
    limit = clamp_limit(limit)
    after = cursors.read(cursor, binding)
    key = (str(after[0]), str(after[1])) if after else None
    params = (
        audit.event_params(actor, "search_result")
        | q.page_after(key)
        | {"page_limit": limit + 1, "shown_limit": limit, "parent_id": within[1] if within else None}
    )
    if conditions:
        statement = _page_of(actor.scope, res, conditions, after=key is not None, newest_first=newest_first)
    else:
        statement = _listing_statement(
            actor.scope, res.kind, by if within else None, after=key is not None, newest_first=newest_first
        )
    if within is None and not conditions and (res.present is None or res.shown is not None):
        found = await db.fetch(actor.scope, statement, params)
        rows = [_shown(res, row) for row in found]
        shown = rows[:limit]
    else:
        async with db.begin(actor.scope) as conn:
            if within is not None:
                await load(conn, actor, *within)
            rows = [_shown(res, row) for row in (await conn.execute(statement, params)).all()]
            shown = rows[:limit]
            if res.present is not None and res.shown is None and shown:
                shown = await res.present(conn, actor, shown)
    next_cursor = cursors.make(shown[-1].page_key, binding) if len(rows) > limit else None
    view = _view(actor, res)
    return page_body([view(r.doc) for r in shown], next_cursor)


async def read_listing(
    db: Database, actor: Actor, cursors: Cursors, res: Resource, parent_id: UUID | None, cursor: str | None, limit: int
) -> bytes:
    """A kind's standard list: the records under one parent (404 unless the caller sees the parent), or with
    no parent the whole collection the caller may see."""
    listing = res.listing
    assert listing is not None
    if res.record.parent is None or parent_id is None:
        return await read_page(
            db, actor, cursors, res, binding=res.kind, cursor=cursor, limit=limit, newest_first=listing.newest_first
        )
    return await read_page(
        db,
        actor,
        cursors,
        res,
        binding=f"{res.kind}:{parent_id}",
        cursor=cursor,
        limit=limit,
        newest_first=listing.newest_first,
        within=(resource(res.record.parent), parent_id),
        by=listing.by,
    )


async def _presented(
    conn: AsyncConnection, actor: Actor, res: Resource, stored: StoredRecord, docs: list[bytes]
) -> list[bytes]:
    """Earlier versions of a record shown as its kind shows the current one (the same `present` hook)."""
    if res.present is None or not docs:
        return docs
    return [r.doc for r in await res.present(conn, actor, [msgspec.structs.replace(stored, doc=d) for d in docs])]


async def read_versions(
    db: Database, actor: Actor, cursors: Cursors, res: Resource, record_id: UUID, *, cursor: str | None, limit: int
) -> bytes:
    """The saved versions of one record, oldest first."""
    limit = clamp_limit(limit)
    binding = f"versions:{res.kind}:{record_id}"
    after = cursors.read(cursor, binding)
    async with db.begin(actor.scope) as conn:
        stored = await load(conn, actor, res, record_id)
        versions = await q.select_versions(
            conn, actor.scope, res, record_id, after_version=int(after[0]) if after else 0, limit=limit
        )
        shown = versions[:limit]
        await audit.record_rows(conn, actor, "read", [stored])
        docs = await _presented(conn, actor, res, stored, [doc for _, doc in shown])
    next_cursor = cursors.make([shown[-1][0]], binding) if len(versions) > limit else None
    view = _view(actor, res)
    return page_body([view(doc) for doc in docs], next_cursor)


async def read_version(db: Database, actor: Actor, res: Resource, record_id: UUID, version: int) -> bytes:
    async with db.begin(actor.scope) as conn:
        stored = await q.select_record(conn, actor.scope, res, record_id)
        doc = await q.select_version(conn, actor.scope, res, record_id, version) if stored else None
        if stored is None or doc is None:
            raise problems.NotFound(f"No such version of this {res.names.title}.")
        await audit.record(
            conn,
            actor,
            "read",
            object_type=res.kind,
            object_id=record_id,
            object_version=version,
            case_id=stored.case_id,
            child_ids=stored.child_ids,
            la_code=stored.la_code,
        )
        [doc] = await _presented(conn, actor, res, stored, [doc])
    return _view(actor, res)(doc)


@contextlib.contextmanager
def races(conflicts: Mapping[str, Callable[[], problems.ProblemError]]) -> Iterator[None]:
    """A write that lost a race on one of these unique indexes gets its problem (a 409), not a 500."""
    try:
        yield
    except IntegrityError as exc:
        raise_problem = conflicts.get(q.unique_violation(exc) or "")
        if raise_problem is None:
            raise
        raise raise_problem() from exc


async def as_read(conn: AsyncConnection, actor: Actor, res: Resource, written: Written) -> Written:
    """A write answers with the record as a read would show it: the facts its kind works out on reading (due
    dates, staleness) included, so a client never reads it again just to see them."""
    if res.present is None:
        return written
    stored = await q.select_record(conn, actor.scope, res, written.id)
    if stored is None:  # a writer who may not read what they wrote gets what was stored
        return written
    [shown] = await res.present(conn, actor, [stored])
    return msgspec.structs.replace(written, doc=shown.doc)


async def create(
    db: Database, actor: Actor, res: Resource, parent_id: UUID | None, body: Any, *, if_none_exist: str | None = None
) -> Written:
    """The standard create: the parent must be visible (404), the kind's rules build version 1. With
    `if_none_exist` (a kind that declares the hook), the record already meeting it is read instead (interop R2):
    nothing made, the read recorded; 409 when it exists but the caller may not see it."""
    spec = res.create
    assert spec is not None
    with races(spec.conflicts):
        async with db.begin(actor.scope) as conn:
            if if_none_exist is not None and spec.if_none_exist is not None:
                existing = await spec.if_none_exist(conn, actor, if_none_exist)
                if existing is not None:
                    stored = await q.select_record(conn, actor.scope, res, existing)
                    if stored is None:
                        raise problems.Duplicate(
                            f"{res.a_title.capitalize()} meeting If-None-Exist is already recorded."
                        )
                    await audit.record_rows(conn, actor, "read", [stored])
                    if res.present is not None:
                        [stored] = await res.present(conn, actor, [stored])
                    return Written(stored.id, stored.version, _view(actor, res)(stored.doc), created=False)
            parent = await load_parent(conn, actor, res, parent_id, body)
            doc = await spec.build(conn, actor, parent, body, new_id())
            # Stored at the instant its envelope says it was created (the rules' own clock).
            written = await insert(conn, actor, res, doc, doc.meta.created_at, parent)
            if res.after is not None:
                await res.after(conn, actor, doc, None)
            return await as_read(conn, actor, res, written)


async def change(
    db: Database,
    actor: Actor,
    res: Resource,
    record_id: UUID,
    expected_version: int,
    body: Any,
    rules: NextDoc,
    *,
    entered_in_error: bool = False,
    guard_fields: bool = False,
) -> Written:
    """A replace or an action, in one transaction: lock the record, check If-Match, let the kind's `rules` build the
    next version from the stored one, run the kind's bookkeeping, and save it at the instant its envelope says it
    was updated. With `guard_fields` (a replace), a council system may change only the fields it owns (R11)."""
    async with db.begin(actor.scope) as conn:
        stored = await load_for_update(conn, actor, res, record_id, expected_version)
        doc = await rules(conn, actor, stored, body)
        if guard_fields:
            ownership.check_fields(actor, res, stored.doc, msgspec.json.encode(doc))
        if res.after is not None:
            await res.after(conn, actor, doc, stored)
        written = await update(conn, actor, res, stored, doc, doc.meta.updated_at, entered_in_error=entered_in_error)
        return written if entered_in_error else await as_read(conn, actor, res, written)


async def revise(
    db: Database,
    actor: Actor,
    res: Resource,
    record_id: UUID,
    revisable: Callable[[Any], bool],
    draft_of: Callable[[Any, StoredRecord, dt.datetime], Any],
) -> Written:
    """A revision: a new draft version of a record whose content may no longer change (an agreed plan), linked
    back by `previous_version_id`, the old one left as it was. Only a `revisable` version is revised (a draft is
    edited itself, an ended record followed by a new one: 409); `draft_of` builds the draft. One draft revision of
    a version at a time, under the record's lock."""
    async with db.begin(actor.scope) as conn:
        source = await load(conn, actor, res, record_id, lock=True)
        old = res.decode(source)
        if not revisable(old):
            raise problems.Conflict(
                f"This version is {old.status.value}: a draft is edited itself, and an ended {res.names.title} is "
                "followed by a new one."
            )
        drafts = (
            await q.select_where(
                conn, actor.scope, res, q.belonging_to("case_id", source.case_id), q.in_status("draft")
            )
            if source.case_id is not None
            else []
        )
        already = [d.id for d in drafts if res.decode(d).previous_version_id == old.id]
        if already:
            raise problems.Conflict(f"Draft {already[0]} already revises this version; edit that one.")
        at = now()
        return await insert(conn, actor, res, draft_of(old, source, at), at, source)


async def mark_entered_in_error(
    db: Database, actor: Actor, res: Resource, record_id: UUID, expected_version: int, body: EnteredInErrorCreate
) -> Written:
    """BR-23: never a hard delete. The record stays, hidden from normal reads, visible to auditors, and the
    mark (reason, who, when) is its newest version. The kind's bookkeeping runs again (an involvement
    entered in error gives no access), as after any change."""

    async def marked(_: AsyncConnection, actor: Actor, stored: StoredRecord, body: EnteredInErrorCreate) -> Any:
        old, at = res.decode(stored), now()
        mark = EnteredInError(reason=body.reason, by=actor.name, at=at)
        return msgspec.structs.replace(
            old, meta=msgspec.structs.replace(next_meta(old.meta, actor, at), entered_in_error=mark)
        )

    return await change(db, actor, res, record_id, expected_version, body, marked, entered_in_error=True)
