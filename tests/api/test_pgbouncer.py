"""The app behind a real PgBouncer in transaction mode (deploy/k8s/database.yaml's Pooler), with two server
connections shared by all of the app's client connections, so a transaction may land on a server connection another
client used last. With SOS_DATABASE_STATEMENT_CACHE=false every request succeeds; with the cache on, a named
prepared statement goes missing, which is why the setting exists. Needs the `pgbouncer` binary (Debian's package,
installed by `make test`); skipped, saying so, where it is missing."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy.engine import make_url

from sos_api.app import create_app
from sos_api.auth.policy import Scope
from sos_api.db.engine import Database
from sos_api.settings import Settings
from tests.api.conftest import TokenFactory

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
pytestmark = pytest.mark.skipif(not Path(PGBOUNCER).exists(), reason="pgbouncer is not installed (make test does)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def let_others_reach(socket_dir: Path) -> None:
    """PgBouncer will not run as root, so as root it switches to `nobody`, which must reach the test server's
    socket: let others through (search only, no listing) the directories above it."""
    for directory in [socket_dir, *socket_dir.parents]:
        if directory == Path(tempfile.gettempdir()) or directory == Path("/"):
            break
        directory.chmod(directory.stat().st_mode | stat.S_IXOTH)


@pytest.fixture(scope="module")
def pooled_url(module_database: str) -> Iterator[str]:
    """The module's database as the app's login, through PgBouncer in transaction mode with two server
    connections."""
    target = make_url(module_database)
    host = target.host or str(target.query.get("host", ""))
    if host.startswith("/") and os.geteuid() == 0:
        let_others_reach(Path(host))
    work = Path(tempfile.mkdtemp(prefix="sos-pgbouncer-"))
    work.chmod(0o755)
    port = free_port()
    (work / "users.txt").write_text(f'"{target.username}" ""\n')
    (work / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={host} port={target.port or 5432}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {work / 'users.txt'}\npool_mode = transaction\n"
        "default_pool_size = 2\nmax_client_conn = 100\n" + ("user = nobody\n" if os.geteuid() == 0 else "")
    )
    for name in ("users.txt", "pgbouncer.ini"):
        (work / name).chmod(0o644)
    log = (work / "out.log").open("wb")
    bouncer = subprocess.Popen([PGBOUNCER, str(work / "pgbouncer.ini")], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert bouncer.poll() is None, (work / "out.log").read_text()
            assert time.monotonic() < deadline, "pgbouncer did not listen"
            time.sleep(0.05)
        yield target.set(host="127.0.0.1", port=port, query={}).render_as_string(hide_password=False)
    finally:
        bouncer.terminate()
        bouncer.wait(10)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


async def test_the_app_serves_through_the_pooler_with_the_cache_off(
    settings: Settings, pooled_url: str, auth: TokenFactory
) -> None:
    pooled = msgspec.structs.replace(settings, pool_size=4, database_statement_cache=False)
    async with AsyncTestClient(create_app(pooled, database_url=pooled_url)) as client:

        async def register(n: int) -> str:
            body = {"given_names": f"Pooled{n}", "family_name": "Bouncer"}
            made = await client.post("/v1/people", json=body, headers=auth())
            assert made.status_code == 201, made.text
            read = await client.get(f"/v1/people/{made.json()['id']}", headers=auth())
            assert read.status_code == 200, read.text
            return str(made.json()["id"])

        # Several of the app's connections at once, multiplexed onto two server connections.
        ids = await asyncio.gather(*(register(n) for n in range(6)))
        assert len(set(ids)) == 6
        assert (await client.get("/ready")).status_code == 200
        listed = await client.get("/v1/people?limit=100", headers=auth())
        assert listed.status_code == 200, listed.text
        assert set(ids) <= {p["id"] for p in listed.json()["items"]}
        # Another council still sees none of them: the tenant travelled with each transaction.
        other = await client.get("/v1/people?limit=100", headers=auth(org="la:846"))
        assert not set(ids) & {p["id"] for p in other.json()["items"]}


async def test_with_the_cache_on_prepared_statements_break(pooled_url: str) -> None:
    """The control: the same pooler refuses what asyncpg's statement cache does by default."""
    db = Database(pooled_url, pool_size=4, statement_cache=True)
    scope = Scope(la_code="845", visibilities=frozenset())
    query = sa.text("SELECT count(*) FROM records WHERE kind = :kind")

    async def run() -> Any:
        async with db.begin(scope) as conn:
            return await conn.scalar(query, {"kind": "person"})

    async def rounds() -> None:
        for _ in range(100):  # a statement prepared on one server connection, used on the other
            await asyncio.gather(*(run() for _ in range(4)))

    try:
        with pytest.raises(sa.exc.DBAPIError, match="prepared statement"):
            await rounds()
    finally:
        await db.dispose()
