"""The database login the app serves as cannot switch off what protects the record (conventions pitfall 20), and
`sos-api serve` on the embedded PostgreSQL takes the server down with it however it is stopped (pitfall 19)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import psutil  # type: ignore[import-untyped]
import pytest
import sqlalchemy as sa

from sos_api.auth.policy import Scope
from sos_api.db.embedded import APP_LOGIN, app_login_url
from sos_api.db.engine import Database

SOS_API = Path(sys.executable).with_name("sos-api")


def test_the_app_url_is_the_owners_with_the_login_and_no_password() -> None:
    assert app_login_url("postgresql://owner:secret@db.example:5432/sos") == "postgresql://sos_api@db.example:5432/sos"
    embedded = "postgresql://postgres:@/postgres?host=/tmp/sos/pg"
    assert app_login_url(embedded) == "postgresql://sos_api@/postgres?host=%2Ftmp%2Fsos%2Fpg"


class TestTheAppLogin:
    @pytest.fixture
    async def db(self, database_url: str) -> AsyncIterator[Database]:
        """The app's engine on the test's database, as the login `sos-api serve` uses on the embedded server."""
        db = Database(app_login_url(database_url), pool_size=1)
        yield db
        await db.dispose()

    async def test_is_neither_superuser_nor_owner_nor_above_row_level_security(self, db: Database) -> None:
        async with db.begin_system() as conn:
            me = await conn.execute(
                sa.text(
                    "SELECT session_user, rolsuper, rolbypassrls, "
                    "pg_has_role(session_user, (SELECT tableowner FROM pg_tables WHERE tablename = 'access_events'), "
                    "'MEMBER') FROM pg_roles WHERE rolname = session_user"
                )
            )
            assert tuple(me.one()) == (APP_LOGIN, False, False, False)

    @pytest.mark.parametrize(
        "statement",
        [
            "SET session_replication_role = replica",
            "ALTER TABLE access_events DISABLE TRIGGER access_events_append_only",
            "ALTER TABLE records NO FORCE ROW LEVEL SECURITY",
            "SET ROLE postgres",
        ],
    )
    async def test_cannot_switch_off_triggers_or_row_level_security(self, db: Database, statement: str) -> None:
        for begin in (db.begin_system(), db.begin(Scope(la_code="845", visibilities=frozenset()))):
            with pytest.raises(sa.exc.DBAPIError, match=r"must be owner|permission denied"):
                async with begin as conn:
                    await conn.exec_driver_sql(statement)

    @pytest.mark.parametrize("statement", ["UPDATE access_events SET actor = 'x'", "DELETE FROM access_events"])
    async def test_cannot_change_access_events(self, db: Database, statement: str) -> None:
        for begin in (db.begin_system(), db.begin(Scope(la_code="845", visibilities=frozenset()))):
            with pytest.raises(sa.exc.DBAPIError, match="permission denied"):
                async with begin as conn:
                    await conn.exec_driver_sql(statement)


# --- `sos-api serve` on the embedded server, stopped by signal -------------------------------------------------


@pytest.fixture(scope="module")
def serve_data_dir() -> Iterator[Path]:
    """One data dir for both runs: the second starts on data (and a login) the first left behind."""
    path = Path(tempfile.mkdtemp(prefix="sos-test-serve-"))
    yield path
    postmaster = postmaster_pid(path)
    if postmaster is not None and is_running(postmaster):  # a failed test must not leave the server behind
        os.kill(postmaster, signal.SIGINT)
        wait_until(lambda: not is_running(postmaster), 10)
    subprocess.run(["rm", "-rf", str(path)], check=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def postmaster_pid(data_dir: Path) -> int | None:
    pid_file = data_dir / "pg" / "postmaster.pid"
    return int(pid_file.read_text().splitlines()[0]) if pid_file.exists() else None


def is_running(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def wait_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except OSError:
        return 0


async def app_logins(data_dir: Path) -> set[str]:
    """Who the server's client connections are logged in as, asked over its socket as its superuser."""
    lines = (data_dir / "pg" / "postmaster.pid").read_text().splitlines()
    conn = await asyncpg.connect(host=lines[4], port=int(lines[3]), user="postgres", database="postgres")
    try:
        rows = await conn.fetch(
            "SELECT usename FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return {r["usename"] for r in rows}
    finally:
        await conn.close()


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_the_embedded_server_with_it(serve_data_dir: Path, stop_with: signal.Signals) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOS_")} | {"SOS_DATA_DIR": str(serve_data_dir)}
    with tempfile.TemporaryFile() as output:
        serve = subprocess.Popen(
            [str(SOS_API), "serve", "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            up = wait_until(lambda: serve.poll() is None and get(f"http://127.0.0.1:{port}/ready") == 200, 45)
            postmaster = postmaster_pid(serve_data_dir)
            assert up, "sos-api serve did not answer /ready"
            assert postmaster is not None
            assert is_running(postmaster)
            # The app's pool holds a connection after /ready: the login, never the superuser.
            assert asyncio.run(app_logins(serve_data_dir)) == {APP_LOGIN}

            serve.send_signal(stop_with)
            assert serve.wait(timeout=20) == 0
            assert wait_until(lambda: not is_running(postmaster), 5), "PostgreSQL outlived sos-api serve"
            assert not (serve_data_dir / "pg" / "postmaster.pid").exists()  # a clean shutdown, not a kill
        finally:
            if serve.poll() is None:
                serve.kill()
                serve.wait()
            output.seek(0)
            log = output.read().decode(errors="replace")
        assert "Traceback" not in log, log
