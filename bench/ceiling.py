"""The same-stack ceiling: a minimal Litestar app on the same PostgreSQL, served the way `sos-api serve` serves.

No auth, no audit, no row-level security, no SQLAlchemy: a plain asyncpg pool and two routes. What our API does
on top of this (token verification, scope, RLS, audit insert, validation) is what the benchmark's ratios show.

    python -m bench.ceiling --port 8765 --database-url postgresql://postgres@127.0.0.1:5432/sos_bench_x
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg
import uvicorn
from litestar import Litestar, Response, get
from litestar.datastructures import State

JSON = "application/json"
PING_BODY = b'{"status":"ok"}'
NOT_FOUND_BODY = b'{"status":"not found"}'
# Our Database keeps pool_size connections and overflows to twice that; the ceiling may use as many.
POOL_MIN, POOL_MAX = 10, 20


def asyncpg_dsn(url: str) -> str:
    """asyncpg wants postgresql://; accept the SQLAlchemy form too."""
    for prefix in ("postgresql+asyncpg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


@get("/ping")
async def ping() -> Response[bytes]:
    return Response(content=PING_BODY, media_type=JSON)


@get("/doc/{record_id:uuid}")
async def doc(state: State, record_id: UUID) -> Response[bytes]:
    pool: Any = state.pool
    text: str | None = await pool.fetchval("SELECT doc::text FROM records WHERE id = $1", record_id)
    if text is None:
        return Response(content=NOT_FOUND_BODY, status_code=404, media_type=JSON)
    return Response(content=text.encode(), media_type=JSON)


def create_ceiling_app(database_url: str) -> Litestar:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(asyncpg_dsn(database_url), min_size=POOL_MIN, max_size=POOL_MAX)
        app.state.pool = pool
        try:
            yield
        finally:
            await pool.close()

    return Litestar(route_handlers=[ping, doc], lifespan=[lifespan], debug=False)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench.ceiling", description="same-stack ceiling server for bench.run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--database-url", required=True)
    args = p.parse_args(argv)
    # The same logging set-up and uvicorn options as sos_api.cli (main + cmd_serve).
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_ceiling_app(args.database_url)
    print(f"ceiling on http://{args.host}:{args.port} (/ping, /doc/{{id}})", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", proxy_headers=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
