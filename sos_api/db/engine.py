"""The engine, created in the app's lifespan (never at import), and the transaction helpers services use.

Every request transaction runs as the role `sos_app` with `sos.la_codes` naming the councils the caller may
touch, so PostgreSQL row-level security (migration 0002) refuses any other council's rows even if a query
forgot its filter. `begin(scope)` needs the caller's Scope: a request cannot open a transaction without one.

Safe behind PgBouncer in transaction mode: nothing outlives a transaction (the tenant and role are set with
`set_config(..., true)`, locks are `pg_advisory_xact_lock`), and with `statement_cache=False`
(SOS_DATABASE_STATEMENT_CACHE=false) neither asyncpg nor SQLAlchemy keeps named prepared statements, which a
pooler would hand to another server connection.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from ..auth.policy import Scope, councils_of
from .embedded import async_url

ENTER_COUNCILS = sa.text("SELECT set_config('sos.la_codes', :codes, true)")
ENTER_TENANT = sa.text("SELECT set_config('sos.la_codes', :codes, true), set_config('role', 'sos_app', true)")


# The transaction a whole request runs in, when it runs in one (`begin_request`): every `begin` inside joins it.
_request_transaction: ContextVar[tuple[AsyncConnection, Scope] | None] = ContextVar(
    "sos_request_transaction", default=None
)


def _json_serializer(value: Any) -> str:
    # Documents arrive already encoded by msgspec: pass them through untouched.
    return value if isinstance(value, str) else json.dumps(value)


async def enter_councils(conn: AsyncConnection, codes: Sequence[str]) -> None:
    """Let this transaction touch these councils' rows, once the policy has decided the caller may reach them: the
    council a contribution is sent to, the councils holding an identifier a flag lookup names. Queries stay
    scoped by the policy as before; this only moves row-level security's wall to match."""
    await conn.execute(ENTER_COUNCILS, {"codes": ",".join(sorted(set(codes)))})


async def enter_tenant(conn: AsyncConnection, scope: Scope) -> None:
    """Run the rest of this transaction as `sos_app` within the caller's councils: at its start, and again after
    each operation of a batch, so a council one operation entered (`enter_councils`) stays that operation's."""
    # An agency spans the councils whose cases involve it, and no others (the policy says which).
    codes = scope.la_code if scope.la_code is not None else await conn.scalar(councils_of(scope))
    await conn.execute(ENTER_TENANT, {"codes": codes})


class Database:
    """One engine per worker. Services write with `async with db.begin(actor.scope) as conn:` (one transaction
    per write, the caller's councils only)."""

    def __init__(self, url: str, *, pool_size: int = 10, statement_cache: bool = True) -> None:
        # Without the cache every statement is an unnamed one, parsed in the transaction that runs it.
        no_cache = {} if statement_cache else {"statement_cache_size": 0, "prepared_statement_cache_size": 0}
        self.engine: AsyncEngine = create_async_engine(
            async_url(url),
            pool_size=pool_size,
            max_overflow=pool_size,
            # No ping before every checkout: it was a round trip on every request (a third of a hot read's).
            # A connection the server dropped fails its next statement, which the pool then discards (asyncpg's
            # errors are recognised as disconnects); connections are replaced every half hour regardless.
            pool_pre_ping=False,
            pool_recycle=1800,
            json_serializer=_json_serializer,
            connect_args=no_cache,
        )

    @asynccontextmanager
    async def begin(self, scope: Scope) -> AsyncIterator[AsyncConnection]:
        joined = _request_transaction.get()
        if joined is not None:
            conn, outer = joined
            # The same caller may act in another of its roles for a batch's operation (another Scope), but never
            # outside the council row-level security was set for when the transaction began.
            if scope != outer and (scope.la_code is None or scope.la_code != outer.la_code):
                raise RuntimeError("a transaction inside a request's own must be for the same caller")
            # Inside the request's transaction: no commit here; it commits (or rolls back) once, as a whole.
            yield conn
            return
        async with self.engine.begin() as conn:
            await enter_tenant(conn, scope)
            yield conn

    @asynccontextmanager
    async def begin_request(self, scope: Scope) -> AsyncIterator[AsyncConnection]:
        """One transaction for a whole request: the services' own `begin` calls inside it join it, so whatever
        the request writes commits together with what is written here (an idempotency key and its response).

        A request run inside another's transaction (an operation of a batch, sos_api/batch.py) joins that one as
        `begin` does: the batch owns the commit, and a savepoint around each operation."""
        if _request_transaction.get() is not None:
            async with self.begin(scope) as conn:
                yield conn
            return
        async with self.begin(scope) as conn:
            token = _request_transaction.set((conn, scope))
            try:
                yield conn
            finally:
                _request_transaction.reset(token)

    def begin_system(self) -> Any:
        """A transaction outside any caller's tenant, for the server's own bookkeeping (recording a denied
        attempt against the record it names). Never used to return data to a caller."""
        return self.engine.begin()

    async def ping(self) -> None:
        conn: AsyncConnection
        async with self.engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")

    async def dispose(self) -> None:
        await self.engine.dispose()
