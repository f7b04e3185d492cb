"""The hot reads' own transaction (`Database.fetch`: BEGIN and the tenant in one message, the read, COMMIT on the
driver's connection): it runs as `sos_app` within the caller's council, and nothing of it outlives it, whether it
commits or fails, so the pool never hands the next request a connection still in a transaction or a council."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from sos_api.auth.policy import Scope
from sos_api.db.engine import Database
from tests.conftest import Databases

SESSION = sa.text("SELECT current_user, coalesce(current_setting('sos.la_codes', true), '')")
COUNCIL = "845"
SCOPE = Scope(la_code=COUNCIL, visibilities=frozenset({"family_shareable"}))


@pytest.fixture(scope="module")
def hot_url(databases: Databases) -> str:
    return databases.fresh()


@pytest.fixture
async def db(hot_url: str) -> AsyncIterator[Database]:
    # One connection: what one read used, the next checkout gets.
    database = Database(hot_url, pool_size=1)
    yield database
    await database.dispose()


@pytest.fixture
def driver_only(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The database, its SQLAlchemy transactions refused: what runs, runs on the driver's connection."""

    def refused(scope: Scope) -> None:
        raise AssertionError("a council caller's read went through `begin`")

    monkeypatch.setattr(db, "begin", refused)
    return db


async def session_after(db: Database) -> tuple[str, str]:
    async with db.engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        assert not driver.is_in_transaction(), "the pool handed out a connection inside a transaction"
        user, codes = (await conn.execute(SESSION)).one()
        return str(user), str(codes)


async def test_a_hot_read_runs_as_the_app_within_the_callers_council_and_leaves_nothing_behind(
    driver_only: Database,
) -> None:
    db = driver_only
    login, _ = await session_after(db)
    statement = sa.select(
        sa.literal_column("current_user"),
        sa.func.current_setting("sos.la_codes"),
        sa.bindparam("given", type_=sa.Integer) + 1,
        sa.literal_column("now() < statement_timestamp()"),
    )
    for _ in range(2):  # the second time on the same connection, from the compiled statement kept
        [row] = await db.fetch(SCOPE, statement, {"given": 41})
        assert tuple(row) == ("sos_app", COUNCIL, 42, True), "in one transaction, begun before the statement"
        assert await session_after(db) == (login, "")
    assert login != "sos_app"


async def test_a_hot_read_that_fails_leaves_its_connection_out_of_the_transaction(driver_only: Database) -> None:
    db = driver_only
    login, _ = await session_after(db)
    failing = sa.select(sa.literal(1, sa.Integer) / sa.bindparam("zero", type_=sa.Integer))
    with pytest.raises(Exception, match="division by zero"):
        await db.fetch(SCOPE, failing, {"zero": 0})
    assert await session_after(db) == (login, "")
    [row] = await db.fetch(SCOPE, sa.select(sa.literal_column("current_user")), {})
    assert tuple(row) == ("sos_app",)


async def test_a_code_unfit_for_a_literal_goes_through_bound_parameters(db: Database) -> None:
    odd = Scope(la_code="84'5", visibilities=frozenset())
    [row] = await db.fetch(odd, sa.select(sa.func.current_setting("sos.la_codes")), {})
    assert tuple(row) == ("84'5",)
