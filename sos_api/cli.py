"""`sos-api`: serve, migrate, openapi, token, demo."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import uuid
from pathlib import Path

from .settings import Settings


def database_url(settings: Settings) -> str:
    """The configured server, or the embedded one started (or attached to) in SOS_DATA_DIR."""
    if settings.database_url:
        return settings.database_url
    from .db.embedded import start_embedded

    return start_embedded(settings.data_dir)


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    from .db.migrate import upgrade

    upgrade(database_url(settings))
    print("database is at the latest migration")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app
    from .db.migrate import upgrade

    url = database_url(settings)
    upgrade(url)  # migrations run before the server accepts requests, never inside a worker
    host, port = args.host or settings.host, args.port or settings.port
    app = create_app(settings, database_url=url)
    print(f"Signs of Safety casework API on http://{host}:{port} (health: /health, contract: openapi/openapi.json)")
    if settings.embedded:
        print(f"embedded PostgreSQL in {settings.data_dir}/pg; mint a token with: sos-api token --role social_worker")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
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

    url = database_url(settings)
    from .db.migrate import upgrade

    upgrade(url)
    summary = load_demo(settings, url, organisation=args.org)
    print(summary)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sos-api", description="Signs of Safety casework API")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API (migrates first)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=cmd_serve)
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
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    return int(args.run(Settings.from_env(), args))


if __name__ == "__main__":
    raise SystemExit(main())
