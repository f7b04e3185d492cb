"""Transaction-scoped advisory locks: writers that must take turns over something that is not one row (a source
key, an identifier, one person's judgements on a scale) hold a lock named for it until their transaction ends."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


async def hold(conn: AsyncConnection, *name: str) -> None:
    """Wait for, then hold until commit or rollback, the lock named by these parts (hashed to PostgreSQL's 64-bit
    lock key: a collision only makes two unrelated writers take turns)."""
    key = "\x1f".join(name)
    await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(key, 0))))
