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
import logging
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from ..auth.policy import Scope, councils_of
from .embedded import async_url

log = logging.getLogger(__name__)

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


_BEGIN = "BEGIN; SELECT set_config('sos.la_codes', '{}', true), set_config('role', 'sos_app', true)"
_GENERIC_BEGIN = _BEGIN + ", set_config('plan_cache_mode', 'force_generic_plan', true)"
# A council code fit to be written into SQL as a literal (council codes are digits; agencies' lists of them, commas).
_LITERAL_CODES = re.compile(r"[0-9A-Za-z_,-]{1,200}")


class Compiled:
    """A read statement compiled once for the driver: its SQL ($1, $2...) and where each value goes. Values a
    statement built per scope carries (an IN list of grants) are rendered into it as parameters of their own."""

    __slots__ = ("fixed", "given", "names", "sql")

    def __init__(self, statement: Any, dialect: Any) -> None:
        # The IN lists rendered as parameters of their own, once: those bound at execution get a placeholder.
        plain = statement.compile(dialect=dialect)
        given = [bind.key for bind in plain.binds.values() if bind.required]
        state = plain.construct_expanded_state(dict.fromkeys(given))
        self.sql: str = state.statement
        self.names: tuple[str, ...] = tuple(state.positiontup or ())
        self.fixed: dict[str, Any] = dict(state.parameters)
        self.given = frozenset(given)

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        fixed = self.fixed
        return [params[name] if name in self.given else fixed[name] for name in self.names]


async def _abandon(conn: AsyncConnection, driver: Any, *, cancelled: bool) -> None:
    """Never hand the pool a connection inside a transaction (still acting as sos_app for a council): roll back,
    or, when that cannot be done (cancelled mid-statement, connection lost), have the pool discard it."""
    if not cancelled and not driver.is_closed():
        try:
            if driver.is_in_transaction():
                await driver.execute("ROLLBACK")
            return
        except Exception as exc:
            log.warning("a read's rollback failed (%s): its connection is discarded", type(exc).__name__)
    await conn.invalidate()


class Database:
    """One engine per worker. Services write with `async with db.begin(actor.scope) as conn:` (one transaction
    per write, the caller's councils only)."""

    def __init__(self, url: str, *, pool_size: int = 10, statement_cache: bool = True) -> None:
        # Without the cache every statement is an unnamed one, parsed in the transaction that runs it.
        no_cache = {} if statement_cache else {"statement_cache_size": 0, "prepared_statement_cache_size": 0}
        self.engine: AsyncEngine = create_async_engine(
            async_url(url),
            pool_size=pool_size,
            # No overflow: connections opened for a burst were closed again as soon as the pool was full, so a
            # steady 64 callers on one worker opened and closed them all the time (asyncpg's connect, TLS attempt
            # and type introspection on our side, a new backend on the server's; `make bench` read 0.40-0.51x the
            # ceiling with overflow, 0.58-0.64x without, in the same minutes). Callers wait for one of the kept ones.
            max_overflow=0,
            # No ping before every checkout: it was a round trip on every request (a third of a hot read's).
            # A connection the server dropped fails its next statement, which the pool then discards (asyncpg's
            # errors are recognised as disconnects); connections are replaced every half hour regardless.
            pool_pre_ping=False,
            pool_recycle=1800,
            json_serializer=_json_serializer,
            connect_args=no_cache,
        )
        # Read statements built once per scope and kind (`fetch`), compiled once each: statement id -> both.
        self._compiled: dict[int, tuple[Any, Compiled]] = {}

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

    async def fetch(
        self, scope: Scope, statement: Any, params: Mapping[str, Any], *, generic: bool = False
    ) -> Sequence[Sequence[Any]]:
        """The rows of one read statement (built once and kept: `read_and_record`'s read and its access event) in a
        transaction of its own as `begin` would run it, as tuples in the statement's column order.

        A council caller's hot read takes three round trips: BEGIN and the tenant settings in one simple-protocol
        message (the council code written as a literal: no parameters there), the statement, COMMIT, on the
        driver's connection of a pool checkout, without SQLAlchemy's execution layers (they were half a hot
        read's CPU). Row-level security and the access event are as in `begin`: the role and the councils are
        set for this transaction only (`set_config(..., true)`), so nothing outlives it (PgBouncer transaction
        mode). Inside a request's transaction, for agencies (whose councils take a query) and for any code not
        fit to be a literal, it runs through `begin`. With `generic`, PostgreSQL plans the statement once per
        connection (`plan_cache_mode`, this transaction only) instead of on every run, for statements whose planning
        costs more than their running (a scaling series' joins)."""
        codes = scope.la_code
        if _request_transaction.get() is not None or codes is None or not _LITERAL_CODES.fullmatch(codes):
            async with self.begin(scope) as conn:
                return (await conn.execute(statement, dict(params))).all()
        compiled = self._compiled_for(statement)
        async with self.engine.connect() as conn:
            driver: Any = (await conn.get_raw_connection()).driver_connection
            try:
                await driver.execute(_GENERIC_BEGIN.format(codes) if generic else _BEGIN.format(codes))
                rows: Sequence[Sequence[Any]] = await driver.fetch(compiled.sql, *compiled.args(params))
                await driver.execute("COMMIT")
            except BaseException as exc:
                await _abandon(conn, driver, cancelled=not isinstance(exc, Exception))
                raise
        return rows

    def _compiled_for(self, statement: Any) -> Compiled:
        known = self._compiled.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1]
        if len(self._compiled) >= 4096:
            self._compiled.clear()
        compiled = Compiled(statement, self.engine.dialect)
        self._compiled[id(statement)] = (statement, compiled)
        return compiled

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
