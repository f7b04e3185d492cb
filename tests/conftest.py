"""Test-wide fixtures: a real PostgreSQL (SOS_TEST_DATABASE_URL, or an embedded one), one migrated template
database, and a fresh database copied from it for each test that needs one.

As in production, the app never logs in as the owner: `Databases.fresh()` gives the URL of the app's login
(`sos_api.db.embedded.APP_LOGIN`: no superuser, no BYPASSRLS, owns nothing). Tests that look behind the app
(raw rows outside any tenant, triggers, DDL) use `owner_database_url`."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from sos_api.db.embedded import app_login_url, ensure_app_login
from sos_api.db.migrate import upgrade


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The PostgreSQL server the tests use: SOS_TEST_DATABASE_URL when set, else an embedded one (one per pytest-xdist
    worker, each in its own directory)."""
    named = os.environ.get("SOS_TEST_DATABASE_URL")
    if named:
        yield named
        return
    from sos_api.db.embedded import start_embedded

    # Not under pytest's basetemp: another pytest run on the machine prunes old basetemps, data dir included.
    yield start_embedded(Path(tempfile.mkdtemp(prefix="sos-test-pg-")), delete_at_exit=True)


class Databases:
    """Creates databases on the test server from one migrated template. `url_for` and `owner_url` are the owner's
    (the server's superuser, which migrates); `fresh` is the app's login."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.prefix = f"sos_test_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_template"
        self.created: list[str] = []

    def url_for(self, name: str) -> str:
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def owner_url(self, url: str) -> str:
        """The same database as its owner."""
        return self.url_for(str(make_url(url).database))

    def execute(self, sql: str) -> None:
        import asyncio

        from sqlalchemy.ext.asyncio import create_async_engine

        from sos_api.db.embedded import async_url

        async def run() -> None:
            engine = create_async_engine(async_url(self.server_url), isolation_level="AUTOCOMMIT")
            try:
                async with engine.connect() as conn:
                    await conn.exec_driver_sql(sql)
            finally:
                await engine.dispose()

        asyncio.run(run())

    def make_template(self) -> None:
        self.execute(f'CREATE DATABASE "{self.template}"')
        upgrade(self.url_for(self.template))
        # The login is cluster-wide: made once, tolerant of other test runs on the same server making it too.
        ensure_app_login(self.url_for(self.template))

    def fresh(self) -> str:
        """A new database copied from the template, as the app's login."""
        name = f"{self.prefix}_{len(self.created)}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.created.append(name)
        return app_login_url(self.url_for(name))

    def drop_all(self) -> None:
        """Tidy a shared server. An embedded one is deleted whole at exit, so dropping its databases one by one
        (20 s and more at the end of a run) buys nothing."""
        if not os.environ.get("SOS_TEST_DATABASE_URL"):
            return
        for name in [*self.created, self.template]:
            self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def databases(server_url: str) -> Iterator[Databases]:
    dbs = Databases(server_url)
    dbs.make_template()
    yield dbs
    dbs.drop_all()


@pytest.fixture
def owner_database_url(databases: Databases, database_url: str) -> str:
    """The test's database (`database_url`, the app's login) as its owner, outside any tenant: for reading raw rows,
    proving that triggers hold even for the owner, or disturbing what the app stored."""
    return databases.owner_url(database_url)


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    """Signing key and cursor secret for the session (outside pytest's basetemp, for the reason above)."""
    path = Path(tempfile.mkdtemp(prefix="sos-test-data-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)
