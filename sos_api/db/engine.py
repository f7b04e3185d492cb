"""The engine, created in the app's lifespan (never at import), and the transaction helper services use."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from .embedded import async_url


def _json_serializer(value: Any) -> str:
    # Documents arrive already encoded by msgspec: pass them through untouched.
    return value if isinstance(value, str) else json.dumps(value)


class Database:
    """One engine per worker. Services write with `async with db.begin() as conn:` (one transaction per write)."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.engine: AsyncEngine = create_async_engine(
            async_url(url),
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            json_serializer=_json_serializer,
        )

    def begin(self) -> Any:
        return self.engine.begin()

    def connect(self) -> Any:
        return self.engine.connect()

    async def ping(self) -> None:
        conn: AsyncConnection
        async with self.engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")

    async def dispose(self) -> None:
        await self.engine.dispose()
