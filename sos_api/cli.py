"""`sos-api`: serve, worker, migrate, openapi, token, demo, synth, measures-refresh, prune-changes,
prune-idempotency-keys."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

from .logs import configure_logging
from .settings import Settings, SettingsError

if TYPE_CHECKING:
    from .db.engine import Database

T = TypeVar("T")


def migrated_urls(settings: Settings) -> tuple[str, str]:
    """Bring the database to the latest migration, as its owner, and return the owner's URL and the one the app
    serves with: the configured one for both, or the embedded server's (started, or attached to, in SOS_DATA_DIR)
    owner and app logins; the app never serves as the owner (conventions pitfall 20)."""
    from .db.migrate import upgrade

    if settings.database_url:
        upgrade(settings.database_url)
        return settings.database_url, settings.database_url
    from .db.embedded import ensure_app_login, start_embedded

    owner_url = start_embedded(settings.data_dir)
    upgrade(owner_url)
    return owner_url, ensure_app_login(owner_url)


def migrated_database(settings: Settings) -> str:
    """The URL the app serves with, once the database is at the latest migration (migrated_urls)."""
    return migrated_urls(settings)[1]


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    migrated_database(settings)
    print("database is at the latest migration")
    return 0


@contextmanager
def embedded_stopped(settings: Settings) -> Iterator[None]:
    """A long-running command stops the embedded PostgreSQL on the way out, however it leaves (pitfall 19)."""
    try:
        yield
    finally:
        if settings.embedded:
            from .db.embedded import stop_embedded

            stop_embedded(settings.data_dir)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # The server shuts down gracefully on SIGTERM (uvicorn then puts this handler back and raises the signal
    # again; granian's embedded server returns, and this handler only catches a second SIGTERM): exiting
    # through SystemExit (not the default action, which kills the process outright) lets `finally` blocks and exit
    # handlers run, so the embedded PostgreSQL is stopped, as after Ctrl-C (pitfall 19).
    raise SystemExit(0)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from .app import create_app
    from .serving import serve, server_name

    try:
        server = server_name()
    except ValueError as exc:
        print(f"sos-api: {exc}", file=sys.stderr)
        return 2

    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with embedded_stopped(settings):
        url = migrated_database(settings)  # before the server accepts requests, never inside a worker
        host, port = args.host or settings.host, args.port or settings.port
        app = create_app(settings, database_url=url)
        print(f"Signs of Safety casework API on http://{host}:{port} (health: /health, contract: openapi/openapi.json)")
        if settings.embedded:
            print(f"embedded PostgreSQL in {settings.data_dir}/pg; mint a token: sos-api token --role social_worker")
        # No access log: it prints query strings (identifiers); the app logs one structured line per request. On
        # SIGTERM the server stops accepting, lets the requests in flight finish (for up to
        # SOS_SHUTDOWN_GRACE_SECONDS), then runs the lifespan's shutdown.
        serve(app, host, port, server=server, grace_seconds=settings.shutdown_grace_seconds)
    return 0


def cmd_openapi(_: Settings, args: argparse.Namespace) -> int:
    from .app import create_app
    from .openapi import DEFAULT_OUTPUT, write

    with tempfile.TemporaryDirectory() as scratch:
        # The document must not depend on this machine's settings: build it from neutral ones.
        app = create_app(Settings(data_dir=Path(scratch), local_issuer=True))
        path = write(app, Path(args.output) if args.output else DEFAULT_OUTPUT)
    print(f"wrote {path}")
    return 0


def cmd_token(settings: Settings, args: argparse.Namespace) -> int:
    from .auth.tokens import mint_token

    if not settings.trusts_local_issuer:
        print("the local issuer is off (SOS_DATABASE_URL is set): set SOS_LOCAL_ISSUER=true to use it", file=sys.stderr)
        return 2
    try:
        extra: dict[str, object] = {}
        if args.person_id:
            extra["person_id"] = str(uuid.UUID(args.person_id))
        if args.team:
            extra["teams"] = args.team
        if args.scope:
            extra["scp"] = " ".join(args.scope)
        token = mint_token(
            settings, roles=args.role, organisation=args.org, subject=args.sub, ttl_seconds=args.ttl, extra=extra
        )
    except ValueError as exc:
        print(f"cannot mint a token: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from .demo import load_demo

    url = migrated_database(settings)
    summary = load_demo(settings, url, organisation=args.org)
    print(summary)
    return 0


def cmd_synth(settings: Settings, args: argparse.Namespace) -> int:
    """Load synthetic families (sos_api/synth/) as the tables' owner: SOS_DATABASE_URL, or the embedded server's."""
    from .synth import SynthFailed, synthesise

    owner_url, app_url = migrated_urls(settings)
    try:
        result = synthesise(
            settings, owner_url, app_url, cases=args.cases, seed=args.seed, batch=args.batch, jobs=args.jobs
        )
    except SynthFailed as exc:
        print(f"sos-api synth: {exc}", file=sys.stderr)
        return 2
    print(result.summary())
    return 0


def on_database(settings: Settings, job: Callable[[Database], Awaitable[T]], pool_size: int = 1) -> T:
    """Run one job on the workers' own login (the embedded server is started first): pruning needs no owner's
    rights and keeps no state, so a scheduler runs it from any worker's image."""
    import asyncio

    from .db.engine import Database

    url = settings.database_url or migrated_database(settings)

    async def run() -> T:
        # Behind PgBouncer in transaction mode like the API (deploy/k8s/jobs.yaml): the same setting.
        db = Database(url, pool_size=pool_size, statement_cache=settings.database_statement_cache)
        try:
            return await job(db)
        finally:
            await db.dispose()

    return asyncio.run(run())


def cmd_prune_changes(settings: Settings, _: argparse.Namespace) -> int:
    """Remove changes older than SOS_CHANGES_RETENTION_DAYS from the feed (run it daily)."""
    from .changes.service import prune_changes

    days = settings.changes_retention_days
    pruned = on_database(settings, lambda db: prune_changes(db, days))
    councils = ", ".join(f"{la}: {n}" for la, n in pruned.items())
    print(f"pruned {sum(pruned.values())} changes older than {days} days" + (f" ({councils})" if councils else ""))
    return 0


def cmd_prune_idempotency_keys(settings: Settings, _: argparse.Namespace) -> int:
    """Delete Idempotency-Keys older than SOS_IDEMPOTENCY_KEY_HOURS (run it hourly)."""
    from .idempotency import prune_expired

    print(f"pruned {on_database(settings, prune_expired)} expired idempotency keys")
    return 0


def cmd_worker(settings: Settings, _: argparse.Namespace) -> int:
    """Deliver webhooks until SIGTERM or Ctrl-C (run as many as needed: each event is still delivered once)."""
    import asyncio

    # Every area, so the registry knows each kind's reach: what a subscriber may be told of is decided by it.
    from . import areas  # noqa: F401
    from .webhooks.worker import run_worker

    async def deliver(db: Database) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        print("webhook worker running (SIGTERM or Ctrl-C stops it)", flush=True)
        await run_worker(db, settings, stop)

    with embedded_stopped(settings):
        on_database(settings, deliver, pool_size=settings.pool_size)
    return 0


def cmd_measures_refresh(settings: Settings, args: argparse.Namespace) -> int:
    """Recompute the scorecard's materialised monthly figures for every council (run it nightly)."""
    from .measures.service import refresh

    written = on_database(settings, lambda db: refresh(db, months=args.months, jobs=args.jobs), pool_size=args.jobs)
    councils = ", ".join(f"{la}: {n}" for la, n in written.items())
    print(f"stored {sum(written.values())} measure figures" + (f" ({councils})" if councils else ""))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sos-api", description="Signs of Safety casework API")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API (migrates first)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=cmd_serve)
    sub.add_parser("worker", help="deliver webhooks from the changes feed until stopped").set_defaults(run=cmd_worker)
    sub.add_parser("migrate", help="bring the database to the latest migration").set_defaults(run=cmd_migrate)
    openapi = sub.add_parser("openapi", help="write openapi/openapi.json from the code")
    openapi.add_argument("--output")
    openapi.set_defaults(run=cmd_openapi)
    token = sub.add_parser("token", help="print a bearer token signed by the local issuer")
    token.add_argument("--role", action="append", required=True, help="a role (repeat for several)")
    token.add_argument("--org", default="la:845", help='organisation, e.g. "la:845", "ods:RX1", "police:01"')
    token.add_argument("--sub", help="subject (user or client id)")
    token.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")
    token.add_argument("--person-id", help="the caller's own Person id (practitioner allocation, or a family member)")
    token.add_argument("--team", action="append", help="a team the practitioner works in (repeat for several)")
    token.add_argument("--scope", action="append", help='an integration scope, e.g. "system/cases.rs" (repeat)')
    token.set_defaults(run=cmd_token)
    demo = sub.add_parser("demo", help="load a small synthetic family")
    demo.add_argument("--org", default="la:845")
    demo.set_defaults(run=cmd_demo)
    synth = sub.add_parser("synth", help="load N synthetic families fast (benchmarks, index work): COPY as the owner")
    synth.add_argument("--cases", type=int, required=True, help="how many cases (families) to load")
    synth.add_argument("--seed", type=int, default=1, help="the seed for the kinds, names, councils, teams, dates")
    synth.add_argument("--batch", type=int, default=200, help="families per COPY transaction")
    synth.add_argument("--jobs", type=int, default=2, help="loader processes (each with its own connection)")
    synth.set_defaults(run=cmd_synth)
    sub.add_parser(
        "prune-changes", help="remove changes older than SOS_CHANGES_RETENTION_DAYS from the changes feed"
    ).set_defaults(run=cmd_prune_changes)
    sub.add_parser(
        "prune-idempotency-keys", help="delete Idempotency-Keys older than SOS_IDEMPOTENCY_KEY_HOURS (run it hourly)"
    ).set_defaults(run=cmd_prune_idempotency_keys)
    refresh = sub.add_parser(
        "measures-refresh", help="recompute the scorecard's monthly figures for every council (run it nightly)"
    )
    refresh.add_argument("--months", type=int, default=24, help="how many months back, this one included")
    refresh.add_argument(
        "--jobs", type=int, default=1, help="councils refreshed at once, one database connection each (default 1)"
    )
    refresh.set_defaults(run=cmd_measures_refresh)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.run in (cmd_serve, cmd_worker):
        configure_logging()  # long-running: JSON lines, for a log collector
    else:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as exc:  # a bad SOS_* value: say which, not a traceback
        print(f"sos-api: {exc}", file=sys.stderr)
        return 2
    return int(args.run(settings, args))


if __name__ == "__main__":
    raise SystemExit(main())
