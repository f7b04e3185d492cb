"""SQL for stored idempotency keys (interop R12): claim one for the length of a write, read back what it got,
keep the response beside the write, prune the expired."""

from __future__ import annotations

import datetime as dt
import hashlib
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from .tables import idempotency_keys

keys = idempotency_keys.c


class StoredResponse(msgspec.Struct, frozen=True, kw_only=True):
    """What a key's first request was answered with, and the record it answered about."""

    fingerprint: str
    status: int
    body: bytes
    location: str | None
    etag: str | None
    object_type: str
    object_id: UUID
    object_version: int
    expires_at: dt.datetime


def _lock_id(caller: str, key: str) -> int:
    """A signed 64-bit number for the advisory lock of one caller's key."""
    digest = hashlib.sha256(f"idempotency\n{caller}\n{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def try_claim(conn: AsyncConnection, caller: str, key: str) -> bool:
    """Hold the key until this transaction ends; False when another transaction holds it (a request in flight).
    Never waits, so a duplicate sent while the first is running is told so at once."""
    claimed = await conn.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(_lock_id(caller, key))))
    return bool(claimed)


async def select_response(conn: AsyncConnection, caller: str, key: str) -> StoredResponse | None:
    row = (
        await conn.execute(
            sa.select(
                keys.fingerprint,
                keys.status,
                keys.body,
                keys.location,
                keys.etag,
                keys.object_type,
                keys.object_id,
                keys.object_version,
                keys.expires_at,
            ).where(keys.caller == caller, keys.key == key)
        )
    ).first()
    return StoredResponse(**row._mapping) if row else None


async def delete_response(conn: AsyncConnection, caller: str, key: str) -> None:
    await conn.execute(idempotency_keys.delete().where(keys.caller == caller, keys.key == key))


async def insert_response(
    conn: AsyncConnection, caller: str, key: str, la_code: str | None, response: StoredResponse, at: dt.datetime
) -> None:
    await conn.execute(
        idempotency_keys.insert(),
        [{"caller": caller, "key": key, "la_code": la_code, "created_at": at, **msgspec.structs.asdict(response)}],
    )


async def delete_expired(conn: AsyncConnection) -> int:
    """Remove every key whose time is up; how many went."""
    result = await conn.execute(idempotency_keys.delete().where(keys.expires_at < sa.func.now()))
    return int(result.rowcount)
