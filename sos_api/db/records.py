"""SQL for the shared `records` table: every select starts from `scoped()`, so no query can forget the tenant.

Documents are stored as the exact JSON the API returns and read back as text, so hot reads go from PostgreSQL
to the client without building Python objects (conventions 3, issue: hot reads).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..auth.policy import Reach, Scope, row_filter
from .tables import case_access, outbox, record_versions, records

if TYPE_CHECKING:
    from .engine import Database


class Columns(msgspec.Struct, frozen=True, kw_only=True):
    """The queryable facts of a record, kept beside its JSON document (each kind says how to extract them)."""

    status: str | None = None
    visibility: str = "family_shareable"
    shared_with_agencies: bool = False
    child_ids: tuple[UUID, ...] = ()
    case_id: UUID | None = None
    parent_id: UUID | None = None
    chain_no: int | None = None
    # BR-11: the family members a record may be shown to (None: all the family may see it); for a record of no
    # case (Reach.named), the people it names, its author first.
    audience: tuple[UUID, ...] | None = None


def columns_of(doc: Any, **facts: Any) -> Columns:
    """The columns every kind shares, read off its document (status, visibility, sharing with agencies, case),
    with the kind's own facts (its children, its parent, its place in a chain)."""
    status, visibility = getattr(doc, "status", None), getattr(doc, "visibility", None)
    shared: dict[str, Any] = {
        "status": status.value if status is not None else None,
        "shared_with_agencies": getattr(doc, "shared_with_agencies", False),
        "case_id": doc.meta.case_id,
    }
    if visibility is not None:
        shared["visibility"] = visibility.value
    return Columns(**(shared | facts))


class StoredRecord(msgspec.Struct, frozen=True):
    id: UUID
    la_code: str
    kind: str
    version: int
    status: str | None
    case_id: UUID | None
    parent_id: UUID | None
    child_ids: list[UUID]
    chain_no: int | None
    created_at: dt.datetime
    doc: bytes

    @property
    def page_key(self) -> tuple[str, str]:
        return (self.created_at.isoformat(), str(self.id))


_COLUMNS = (
    records.c.id,
    records.c.la_code,
    records.c.kind,
    records.c.version,
    records.c.status,
    records.c.case_id,
    records.c.parent_id,
    records.c.child_ids,
    records.c.chain_no,
    records.c.created_at,
    sa.cast(records.c.doc, sa.Text).label("doc"),
)


class Kind(Protocol):
    """What the repository needs to know of a kind: its name and how the policy reaches its records."""

    @property
    def kind(self) -> str: ...

    @property
    def reach(self) -> Reach: ...


def scoped(scope: Scope, of: Kind, *, write: bool = False) -> sa.Select[Any]:
    """The one starting point of every read: this tenant's records of one kind that the caller may see
    (or, with `write`, change). The policy decides which; this only builds the select."""
    return sa.select(*_COLUMNS).where(records.c.kind == of.kind, *row_filter(scope, of.reach, write=write))


def with_id(record_id: UUID | sa.BindParameter[UUID]) -> sa.ColumnElement[bool]:
    return records.c.id == record_id


def bound(name: str) -> sa.BindParameter[Any]:
    """A value given when a statement built once is executed (`select_statement(..., {name: value})`)."""
    return sa.bindparam(name, type_=records.c.id.type)


def having_ids(ids: Iterable[UUID]) -> sa.ColumnElement[bool]:
    return records.c.id.in_(list(ids))


def in_status(status: str) -> sa.ColumnElement[bool]:
    return records.c.status == status


def mentioning(record_id: UUID) -> sa.ColumnElement[bool]:
    """Records whose document names this id anywhere (a person's id in a case's members or a relationship)."""
    return sa.cast(records.c.doc, sa.Text).contains(str(record_id))


def belonging_to(column: str, parent_id: UUID) -> sa.ColumnElement[bool]:
    """Records whose `case_id` (or `parent_id`) is this parent's id."""
    return records.c[column] == parent_id


async def replace_case_access(
    conn: AsyncConnection, la_code: str, case_id: UUID, source_id: UUID, grants: Sequence[str]
) -> None:
    """Set the grants one source (the case itself, or one involvement) gives on a case, in the write's
    transaction, so access follows allocation and involvement the moment they change."""
    await conn.execute(
        case_access.delete().where(case_access.c.case_id == case_id, case_access.c.source_id == source_id)
    )
    if grants:
        await conn.execute(
            case_access.insert(),
            [
                {"la_code": la_code, "case_id": case_id, "source_id": source_id, "grant": grant}
                for grant in sorted(set(grants))
            ],
        )


class _Kind(NamedTuple):
    kind: str
    reach: Reach


async def select_record(
    conn: AsyncConnection,
    scope: Scope,
    of: Kind,
    record_id: UUID,
    *,
    for_update: bool = False,
    against_change: bool = False,
) -> StoredRecord | None:
    """One record the caller may see; with `for_update`, one it may change, locked until the transaction ends;
    with `against_change`, one it may change, held only against being changed or removed meanwhile (FOR KEY SHARE:
    any number of writers may hold it so at once)."""
    statement = _record_statement(scope, _Kind(of.kind, of.reach), for_update, against_change)
    row = (await conn.execute(statement, {"record_id": record_id})).first()
    return stored_of(row) if row else None


@functools.lru_cache(maxsize=4096)
def _record_statement(scope: Scope, of: _Kind, for_update: bool, against_change: bool = False) -> sa.Select[Any]:
    """One record by id (bound as `record_id`), built once per scope and kind: every write loads one first."""
    query = scoped(scope, of, write=for_update or against_change).where(records.c.id == bound("record_id"))
    if for_update:
        return query.with_for_update()
    return query.with_for_update(read=True, key_share=True) if against_change else query


def record_query(scope: Scope, of: Kind, *conditions: Any) -> sa.Select[Any]:
    """The visible records of a kind matching these conditions, unordered (for `audit.read_and_record`)."""
    return scoped(scope, of).where(*conditions)


async def select_statement(
    conn: AsyncConnection, statement: sa.Select[Any], params: dict[str, Any] | None = None
) -> list[StoredRecord]:
    """The records a statement built on `scoped` (or `record_query`) returns, with its bound values."""
    return [stored_of(r) for r in (await conn.execute(statement, params or {})).all()]


async def fetch_statement(
    db: Database, scope: Scope, statement: sa.Select[Any], params: Mapping[str, Any]
) -> list[StoredRecord]:
    """`select_statement` in a transaction of its own (`Database.fetch`: the hot reads' three round trips)."""
    return [stored_of(row) for row in await db.fetch(scope, statement, params)]


def stored_of(row: Sequence[Any]) -> StoredRecord:
    """A record from a row of `_COLUMNS`, by position: SQLAlchemy's rows and the driver's alike (the driver's have no
    attributes). Every query here selects `_COLUMNS` first, in that order (`scoped`); columns after them (a read's
    `shown` column) are left to the caller (`row[EXTRA]`)."""
    record_id, la_code, kind, version, status, case_id, parent_id, child_ids, chain_no, created_at, doc, *_ = row
    return StoredRecord(
        id=record_id,
        la_code=la_code,
        kind=kind,
        version=version,
        status=status,
        case_id=case_id,
        parent_id=parent_id,
        child_ids=list(child_ids or []),
        chain_no=chain_no,
        created_at=created_at,
        doc=doc.encode(),
    )


async def select_unscoped(conn: AsyncConnection, record_ids: Sequence[UUID]) -> StoredRecord | None:
    """The first of these records whoever may see it: only for the server's own bookkeeping (recording a
    refused attempt against the record it named), never to answer a caller."""
    row = (await conn.execute(sa.select(*_COLUMNS).where(records.c.id.in_(record_ids)).limit(1))).first()
    return stored_of(row) if row else None


async def select_where(
    conn: AsyncConnection, scope: Scope, of: Kind, *conditions: Any, for_update: bool = False
) -> list[StoredRecord]:
    query = scoped(scope, of).where(*conditions).order_by(records.c.created_at, records.c.id)
    if for_update:
        query = query.with_for_update()
    return [stored_of(r) for r in (await conn.execute(query)).all()]


def page_query(scope: Scope, of: Kind, *conditions: Any, after: bool, newest_first: bool = False) -> sa.Select[Any]:
    """One page ordered by (created_at, id), built once: the page's size (one more than it shows) bound as
    `page_limit`, and with `after` the previous page's last key as `after_at` and `after_id`."""
    created, ident = records.c.created_at, records.c.id
    query = scoped(scope, of).where(*conditions)
    if after:
        key = sa.tuple_(sa.bindparam("after_at", type_=created.type), sa.bindparam("after_id", type_=ident.type))
        query = query.where(sa.tuple_(created, ident) < key if newest_first else sa.tuple_(created, ident) > key)
    order = (created.desc(), ident.desc()) if newest_first else (created, ident)
    return query.order_by(*order).limit(sa.bindparam("page_limit", type_=sa.Integer))


def page_order(found: Any, newest_first: bool) -> list[Any]:
    """A page's order over the rows `page_query` found (a CTE of it)."""
    return [found.c.created_at.desc(), found.c.id.desc()] if newest_first else [found.c.created_at, found.c.id]


def page_after(after: tuple[str, str] | None) -> dict[str, Any]:
    """The values `page_query` binds for the previous page's last key."""
    return {"after_at": dt.datetime.fromisoformat(after[0]), "after_id": UUID(after[1])} if after else {}


# Where a read's first column after the record's is (`Resource.shown`).
EXTRA = len(_COLUMNS)


def _column_values(columns: Columns) -> dict[str, Any]:
    return {
        "status": columns.status,
        "visibility": columns.visibility,
        "shared_with_agencies": columns.shared_with_agencies,
        "child_ids": list(columns.child_ids),
        "audience": list(columns.audience) if columns.audience is not None else None,
    }


async def insert_record(
    conn: AsyncConnection,
    *,
    record_id: UUID,
    la_code: str,
    kind: str,
    doc: bytes,
    columns: Columns,
    at: dt.datetime,
    actor: str,
    source_system: str | None = None,
    event: sa.Insert,
) -> None:
    """Insert version 1 of a record, its history row, its outbox row and its access `event`: one statement (one
    round trip) in the caller's transaction."""
    text = doc.decode()
    row = records.insert().values(
        id=record_id,
        la_code=la_code,
        kind=kind,
        case_id=columns.case_id,
        parent_id=columns.parent_id,
        chain_no=columns.chain_no,
        version=1,
        doc=sa.cast(text, JSONB),
        created_at=at,
        updated_at=at,
        **_column_values(columns),
    )
    history = _history(record_id, 1, la_code, text, at, actor, kind, "create", source_system)
    await _together(conn, [row, *history], event)


async def update_record(
    conn: AsyncConnection,
    *,
    stored: StoredRecord,
    doc: bytes,
    columns: Columns,
    at: dt.datetime,
    actor: str,
    entered_in_error: bool = False,
    source_system: str | None = None,
    op: str | None = None,
    event: sa.Insert,
) -> bool:
    """Write version n+1 only if the stored version is still n (BR-24: exactly one of several concurrent
    writers wins), then its history row, outbox row and access `event` in one statement. Returns False when the
    record moved on (nothing more written)."""
    text = doc.decode()
    # The case a record belongs to can be settled later (a front-door referral accepted into a case).
    values = _column_values(columns) | {"case_id": columns.case_id}
    if entered_in_error:
        values["entered_in_error"] = True
    result = await conn.execute(
        records.update()
        .where(
            records.c.id == stored.id,
            records.c.la_code == stored.la_code,
            records.c.kind == stored.kind,
            records.c.version == stored.version,
        )
        .values(version=stored.version + 1, doc=sa.cast(text, JSONB), updated_at=at, **values)
    )
    if result.rowcount != 1:
        return False
    # The feed's op: a merge (interop R4) is also a tombstone, but says so.
    op = op or ("entered_in_error" if entered_in_error else "update")
    history = _history(stored.id, stored.version + 1, stored.la_code, text, at, actor, stored.kind, op, source_system)
    await _together(conn, history, event)
    return True


async def _together(conn: AsyncConnection, inserts: Sequence[Any], last: sa.Insert) -> None:
    """Several inserts as one statement: each of `inserts` a CTE of the `last` (none returns anything)."""
    await conn.execute(last.add_cte(*(insert.cte(f"written_{i}") for i, insert in enumerate(inserts))))


def _history(
    record_id: UUID,
    version: int,
    la_code: str,
    text: str,
    at: dt.datetime,
    actor: str,
    kind: str,
    op: str,
    source_system: str | None,
) -> list[sa.Insert]:
    """A version's history row and its outbox row (the changes feed)."""
    return [
        record_versions.insert().values(
            record_id=record_id,
            version=version,
            la_code=la_code,
            doc=sa.cast(text, JSONB),
            recorded_at=at,
            recorded_by=actor,
        ),
        outbox.insert().values(
            la_code=la_code,
            kind=kind,
            record_id=record_id,
            version=version,
            op=op,
            changed_at=at,
            actor=actor,
            source_system=source_system,
        ),
    ]


async def select_versions(
    conn: AsyncConnection, scope: Scope, of: Kind, record_id: UUID, *, after_version: int, limit: int
) -> list[tuple[int, bytes]]:
    """Saved versions of one visible record, oldest first."""
    visible = scoped(scope, of).where(records.c.id == record_id).with_only_columns(records.c.id)
    rows = await conn.execute(
        sa.select(record_versions.c.version, sa.cast(record_versions.c.doc, sa.Text).label("doc"))
        .where(record_versions.c.record_id.in_(visible), record_versions.c.version > after_version)
        .order_by(record_versions.c.version)
        .limit(limit + 1)
    )
    return [(r.version, r.doc.encode()) for r in rows]


async def select_version(conn: AsyncConnection, scope: Scope, of: Kind, record_id: UUID, version: int) -> bytes | None:
    visible = scoped(scope, of).where(records.c.id == record_id).with_only_columns(records.c.id)
    row = (
        await conn.execute(
            sa.select(sa.cast(record_versions.c.doc, sa.Text).label("doc")).where(
                record_versions.c.record_id.in_(visible), record_versions.c.version == version
            )
        )
    ).first()
    return row.doc.encode() if row else None


async def record_exists(
    conn: AsyncConnection, scope: Scope, of: Kind, record_id: UUID, *, write: bool = False
) -> int | None:
    """The current version of a record the scope may see (with `write`, change), or None."""
    row = (await conn.execute(scoped(scope, of, write=write).where(records.c.id == record_id))).first()
    return row.version if row else None


UNIQUE_VIOLATION = "23505"


def unique_violation(exc: IntegrityError) -> str | None:
    """The name of the unique constraint or index a statement broke (by SQLSTATE, never by message)."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) != UNIQUE_VIOLATION:
        return None
    name = getattr(getattr(orig, "__cause__", None), "constraint_name", None)
    return str(name) if name else None
