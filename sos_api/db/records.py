"""SQL for the shared `records` table: every select starts from `scoped()`, so no query can forget the tenant.

Documents are stored as the exact JSON the API returns and read back as text, so hot reads go from PostgreSQL
to the client without building Python objects (conventions 3, issue: hot reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncConnection

from ..auth.policy import Scope
from .tables import case_access, outbox, record_versions, records


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


def _stored(row: Any) -> StoredRecord:
    return StoredRecord(
        id=row.id,
        la_code=row.la_code,
        kind=row.kind,
        version=row.version,
        status=row.status,
        case_id=row.case_id,
        parent_id=row.parent_id,
        child_ids=list(row.child_ids or []),
        chain_no=row.chain_no,
        created_at=row.created_at,
        doc=row.doc.encode(),
    )


def visible_cases(scope: Scope) -> sa.Select[Any]:
    """Ids of the cases a grant-limited scope may see (policy.py explains the grant strings)."""
    assert scope.grants is not None
    query = sa.select(case_access.c.case_id).where(case_access.c.grant.in_(sorted(scope.grants)))
    if scope.la_code is not None:
        query = query.where(case_access.c.la_code == scope.la_code)
    return query


def scoped(scope: Scope, kind: str) -> sa.Select[Any]:
    """The one starting point of every read: this tenant's records of one kind that the caller may see."""
    query = sa.select(*_COLUMNS).where(
        records.c.kind == kind,
        records.c.entered_in_error.is_(False),
        records.c.visibility.in_(sorted(scope.visibilities)),
    )
    if scope.la_code is not None:
        query = query.where(records.c.la_code == scope.la_code)
    if scope.grants is None:
        return query
    if kind == "case":
        return query.where(records.c.id.in_(visible_cases(scope)))
    if kind == "person":
        if scope.person_register:
            return query
        members = sa.select(sa.cast(sa.func.substr(case_access.c.grant, 8), PG_UUID(as_uuid=True))).where(
            case_access.c.grant.like("member:%"), case_access.c.case_id.in_(visible_cases(scope))
        )
        return query.where(records.c.id.in_(members))
    return query.where(records.c.case_id.in_(visible_cases(scope)))


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


async def select_record(
    conn: AsyncConnection, scope: Scope, kind: str, record_id: UUID, *, for_update: bool = False
) -> StoredRecord | None:
    query = scoped(scope, kind).where(records.c.id == record_id)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    return _stored(row) if row else None


async def select_unscoped(conn: AsyncConnection, record_ids: Sequence[UUID]) -> StoredRecord | None:
    """The first of these records whoever may see it: only for the server's own bookkeeping (recording a
    refused attempt against the record it named), never to answer a caller."""
    row = (await conn.execute(sa.select(*_COLUMNS).where(records.c.id.in_(record_ids)).limit(1))).first()
    return _stored(row) if row else None


async def select_where(
    conn: AsyncConnection, scope: Scope, kind: str, *conditions: Any, for_update: bool = False
) -> list[StoredRecord]:
    query = scoped(scope, kind).where(*conditions).order_by(records.c.created_at, records.c.id)
    if for_update:
        query = query.with_for_update()
    return [_stored(r) for r in (await conn.execute(query)).all()]


async def select_page(
    conn: AsyncConnection,
    scope: Scope,
    kind: str,
    *conditions: Any,
    after: tuple[str, str] | None,
    limit: int,
    newest_first: bool = False,
) -> list[StoredRecord]:
    """One page ordered by (created_at, id); `after` is the last row's key from the previous page."""
    created, ident = records.c.created_at, records.c.id
    query = scoped(scope, kind).where(*conditions)
    if after is not None:
        key = (dt.datetime.fromisoformat(after[0]), UUID(after[1]))
        cmp = sa.tuple_(created, ident) < key if newest_first else sa.tuple_(created, ident) > key
        query = query.where(cmp)
    order = (created.desc(), ident.desc()) if newest_first else (created, ident)
    query = query.order_by(*order).limit(limit + 1)
    return [_stored(r) for r in (await conn.execute(query)).all()]


async def insert_record(
    conn: AsyncConnection,
    *,
    record_id: UUID,
    la_code: str,
    kind: str,
    doc: bytes,
    at: dt.datetime,
    actor: str,
    case_id: UUID | None = None,
    parent_id: UUID | None = None,
    status: str | None = None,
    visibility: str = "family_shareable",
    child_ids: Sequence[UUID] = (),
    chain_no: int | None = None,
) -> None:
    """Insert version 1 of a record, its history row and its outbox row (one transaction, the caller's)."""
    text = doc.decode()
    await conn.execute(
        records.insert().values(
            id=record_id,
            la_code=la_code,
            kind=kind,
            case_id=case_id,
            parent_id=parent_id,
            version=1,
            status=status,
            visibility=visibility,
            child_ids=list(child_ids),
            chain_no=chain_no,
            doc=sa.cast(text, JSONB),
            created_at=at,
            updated_at=at,
        )
    )
    await _history(conn, record_id, 1, la_code, text, at, actor, kind, "create")


async def update_record(
    conn: AsyncConnection,
    *,
    record_id: UUID,
    la_code: str,
    kind: str,
    expected_version: int,
    doc: bytes,
    at: dt.datetime,
    actor: str,
    status: str | None,
    visibility: str = "family_shareable",
    child_ids: Sequence[UUID] = (),
) -> bool:
    """Write version expected+1 only if the stored version is still `expected_version` (BR-24: exactly one
    of several concurrent writers wins). Returns False when the record moved on."""
    text = doc.decode()
    result = await conn.execute(
        records.update()
        .where(
            records.c.id == record_id,
            records.c.la_code == la_code,
            records.c.kind == kind,
            records.c.version == expected_version,
        )
        .values(
            version=expected_version + 1,
            doc=sa.cast(text, JSONB),
            status=status,
            visibility=visibility,
            child_ids=list(child_ids),
            updated_at=at,
        )
    )
    if result.rowcount != 1:
        return False
    await _history(conn, record_id, expected_version + 1, la_code, text, at, actor, kind, "update")
    return True


async def _history(
    conn: AsyncConnection,
    record_id: UUID,
    version: int,
    la_code: str,
    text: str,
    at: dt.datetime,
    actor: str,
    kind: str,
    op: str,
) -> None:
    await conn.execute(
        record_versions.insert().values(
            record_id=record_id,
            version=version,
            la_code=la_code,
            doc=sa.cast(text, JSONB),
            recorded_at=at,
            recorded_by=actor,
        )
    )
    await conn.execute(
        outbox.insert().values(
            la_code=la_code, kind=kind, record_id=record_id, version=version, op=op, changed_at=at, actor=actor
        )
    )


async def select_versions(
    conn: AsyncConnection, scope: Scope, kind: str, record_id: UUID, *, after_version: int, limit: int
) -> list[tuple[int, bytes]]:
    """Saved versions of one visible record, oldest first."""
    visible = scoped(scope, kind).where(records.c.id == record_id).with_only_columns(records.c.id)
    rows = await conn.execute(
        sa.select(record_versions.c.version, sa.cast(record_versions.c.doc, sa.Text).label("doc"))
        .where(record_versions.c.record_id.in_(visible), record_versions.c.version > after_version)
        .order_by(record_versions.c.version)
        .limit(limit + 1)
    )
    return [(r.version, r.doc.encode()) for r in rows]


async def select_version(conn: AsyncConnection, scope: Scope, kind: str, record_id: UUID, version: int) -> bytes | None:
    visible = scoped(scope, kind).where(records.c.id == record_id).with_only_columns(records.c.id)
    row = (
        await conn.execute(
            sa.select(sa.cast(record_versions.c.doc, sa.Text).label("doc")).where(
                record_versions.c.record_id.in_(visible), record_versions.c.version == version
            )
        )
    ).first()
    return row.doc.encode() if row else None


async def record_exists(conn: AsyncConnection, scope: Scope, kind: str, record_id: UUID) -> int | None:
    """The current version of a visible record, or None."""
    row = (await conn.execute(scoped(scope, kind).where(records.c.id == record_id))).first()
    return row.version if row else None
