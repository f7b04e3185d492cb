"""SQL for `source_keys` (interop R3): each synced record's key in its council's system."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from .locks import hold
from .tables import source_keys


async def lock(conn: AsyncConnection, la_code: str, kind: str, system: str, source_id: str) -> None:
    """Hold the key until the transaction ends (an advisory lock), so racing upserts of one key take turns."""
    await hold(conn, "source-key", la_code, kind, system, source_id)


async def select_holder(conn: AsyncConnection, la_code: str, kind: str, system: str, source_id: str) -> UUID | None:
    found = await conn.scalar(
        sa.select(source_keys.c.record_id).where(
            source_keys.c.la_code == la_code,
            source_keys.c.kind == kind,
            source_keys.c.system == system,
            source_keys.c.source_id == source_id,
        )
    )
    return found if isinstance(found, UUID) else None


async def insert_key(
    conn: AsyncConnection, la_code: str, kind: str, system: str, source_id: str, record_id: UUID, at: dt.datetime
) -> None:
    await conn.execute(
        source_keys.insert().values(
            la_code=la_code, kind=kind, system=system, source_id=source_id, record_id=record_id, created_at=at
        )
    )
