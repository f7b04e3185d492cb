"""The same-stack ceiling: a minimal Litestar app on the same PostgreSQL, served exactly as `sos-api serve` serves
(sos_api.serving: the same server, loop and options).

What the API's hot read must do at the least, and nothing else: verify an RS256 bearer token (PyJWT, the local
issuer's key, audience and issuer checked), read one JSONB document by primary key and insert one audit row, the
read and the insert in one transaction. No SQLAlchemy, no scope, no row-level security, no validation: what our API
does on top of this is what the benchmark's ratios show.

    GET  /ping        a constant (the server and framework alone)
    GET  /doc/{id}    verify + `SELECT doc::text FROM records WHERE id = $1` + INSERT INTO access_events
    POST /docs        verify + decode the JSON body + a new document of its own (its row, its history row, an
                      outbox-like row) + audit insert, one transaction: the ceiling of a write

    python -m bench.ceiling --port 8765 --database-url postgresql://postgres@127.0.0.1:5432/sos_bench_x \
        --data-dir DIR --issuer ISS --audience AUD
"""

from __future__ import annotations

import argparse
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import jwt
import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State

from sos_api.serving import serve

JSON = "application/json"
PING_BODY = b'{"status":"ok"}'
NOT_FOUND_BODY = b'{"status":"not found"}'
UNAUTHORISED_BODY = b'{"status":"unauthorised"}'
# Our Database keeps pool_size (10) connections and opens no more; the ceiling keeps as many.
POOL_MIN, POOL_MAX = 10, 10

AUDIT = (
    "INSERT INTO access_events (id, at, la_code, actor, role, organisation, action, object_type, object_id, "
    "object_version, case_id, child_ids, purpose, request_id, source_ip, outcome) "
    "VALUES ($1, now(), $2, $3, 'social_worker', $4, $5, 'ceiling', $6, $7, $6, '{}', 'direct_care', $8, "
    "'127.0.0.1', 'allowed')"
)
READ = "SELECT la_code, version, doc::text FROM records WHERE id = $1"
# The write ceiling keeps its own documents, so it never changes the records the API serves.
CEILING_TABLES = (
    "CREATE TABLE IF NOT EXISTS ceiling_docs (id uuid PRIMARY KEY, version int NOT NULL, doc jsonb NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ceiling_doc_versions (id uuid, version int, doc jsonb NOT NULL, "
    "at timestamptz NOT NULL, PRIMARY KEY (id, version))",
    "CREATE TABLE IF NOT EXISTS ceiling_outbox (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id uuid NOT NULL, "
    "version int NOT NULL, at timestamptz NOT NULL)",
)
WRITE = "INSERT INTO ceiling_docs (id, version, doc) VALUES ($1, 1, $2::jsonb)"


def asyncpg_dsn(url: str) -> str:
    """asyncpg wants postgresql://; accept the SQLAlchemy form too."""
    for prefix in ("postgresql+asyncpg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


class Verifier:
    """RS256 with one known key, audience and issuer checked: the least any token check does."""

    def __init__(self, key_pem: bytes, issuer: str, audience: str) -> None:
        private = serialization.load_pem_private_key(key_pem, password=None)
        assert isinstance(private, rsa.RSAPrivateKey)
        self.key = private.public_key()
        self.issuer, self.audience = issuer, audience

    def claims(self, request: Request[Any, Any, Any]) -> dict[str, Any] | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self.key, algorithms=["RS256"], audience=self.audience, issuer=self.issuer
            )
        except jwt.PyJWTError:
            return None
        return claims


@get("/ping")
async def ping() -> Response[bytes]:
    return Response(content=PING_BODY, media_type=JSON)


@get("/doc/{record_id:uuid}")
async def doc(request: Request[Any, Any, Any], state: State, record_id: UUID) -> Response[bytes]:
    claims = state.verifier.claims(request)
    if claims is None:
        return Response(content=UNAUTHORISED_BODY, status_code=401, media_type=JSON)
    pool: Any = state.pool
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(READ, record_id)
        if row is None:
            return Response(content=NOT_FOUND_BODY, status_code=404, media_type=JSON)
        await conn.execute(
            AUDIT, uuid.uuid4(), row[0], claims["sub"], claims.get("org", ""), "read", record_id, row[1], "ceiling"
        )
    text: str = row[2]
    return Response(content=text.encode(), media_type=JSON)


@post("/docs", status_code=201)
async def write_doc(request: Request[Any, Any, Any], state: State) -> Response[bytes]:
    claims = state.verifier.claims(request)
    if claims is None:
        return Response(content=UNAUTHORISED_BODY, status_code=401, media_type=JSON)
    body = msgspec.json.decode(await request.body())
    text = msgspec.json.encode(body).decode()
    pool: Any = state.pool
    record_id, version = uuid.uuid4(), 1
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(WRITE, record_id, text)
        await conn.execute(
            "INSERT INTO ceiling_doc_versions (id, version, doc, at) VALUES ($1, $2, $3::jsonb, now())",
            record_id,
            version,
            text,
        )
        await conn.execute("INSERT INTO ceiling_outbox (id, version, at) VALUES ($1, $2, now())", record_id, version)
        await conn.execute(
            AUDIT, uuid.uuid4(), "845", claims["sub"], claims.get("org", ""), "create", record_id, version, "ceiling"
        )
    return Response(content=text.encode(), status_code=201, media_type=JSON)


def create_ceiling_app(database_url: str, verifier: Verifier) -> Litestar:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(asyncpg_dsn(database_url), min_size=POOL_MIN, max_size=POOL_MAX)
        async with pool.acquire() as conn:
            for statement in CEILING_TABLES:
                await conn.execute(statement)
        app.state.pool = pool
        app.state.verifier = verifier
        try:
            yield
        finally:
            await pool.close()

    return Litestar(route_handlers=[ping, doc, write_doc], lifespan=[lifespan], debug=False)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench.ceiling", description="same-stack ceiling server for bench.run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--database-url", required=True)
    p.add_argument("--data-dir", type=Path, required=True, help="SOS_DATA_DIR: the local issuer's signing key")
    p.add_argument("--issuer", required=True, help="the local issuer's name (tokens' iss)")
    p.add_argument("--audience", required=True, help="the audience tokens must name")
    args = p.parse_args(argv)
    # The same logging set-up and server as sos_api.cli (main + cmd_serve).
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from sos_api.auth.tokens import KEY_FILE

    verifier = Verifier((args.data_dir / "keys" / KEY_FILE).read_bytes(), args.issuer, args.audience)
    app = create_ceiling_app(args.database_url, verifier)
    print(f"ceiling on http://{args.host}:{args.port} (/ping, /doc/{{id}})", flush=True)
    serve(app, args.host, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
