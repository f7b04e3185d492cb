"""How `sos-api serve` (and the benchmark's ceiling, which must be served the same way) runs an ASGI app: one
worker process, chosen by SOS_SERVER.

- `uvicorn` (default): uvicorn with uvloop and httptools (its C parser), not its pure-Python h11 and asyncio loop;
  the same server the deployment runs (`uvicorn sos_api.asgi:app`, deploy/), with graceful shutdown tested.
- `granian`: the Rust HTTP server, embedded in this process's event loop (uvloop when installed). Measured cheaper
  per request than uvicorn (bench/README.md), but granian itself marks its embedded mode experimental, so it is
  the opt-in until it is not.

Neither writes an access log: it would print query strings (identifiers); the app logs one structured line per
request (request_log.py). The choice was made by measurement with `make bench` (bench/README.md).
"""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

SERVERS = ("granian", "uvicorn")
DEFAULT_SERVER = "uvicorn"


def server_name() -> str:
    """SOS_SERVER, or the default; an unknown name is refused rather than silently replaced."""
    name = os.environ.get("SOS_SERVER", "").strip().lower() or DEFAULT_SERVER
    if name not in SERVERS:
        raise ValueError(f"SOS_SERVER must be one of {', '.join(SERVERS)}, not {name!r}")
    return name


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency of the api extra
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


def serve(app: Any, host: str, port: int, *, server: str | None = None, grace_seconds: int | None = None) -> None:
    """Serve `app` on host:port until SIGINT/SIGTERM, then shut it down gracefully (requests in flight finish for up
    to `grace_seconds`, then the lifespan's shutdown runs)."""
    name = server or server_name()
    if name == "uvicorn":
        import uvicorn

        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="info",
            log_config=None,  # the process's logging is already JSON lines (sos_api/logs.py)
            access_log=False,
            proxy_headers=False,
            loop="uvloop",
            http="httptools",
            timeout_graceful_shutdown=grace_seconds,
        )
        return
    from granian.constants import Interfaces
    from granian.server.embed import Server

    embedded = Server(app, address=host, port=port, interface=Interfaces.ASGI, log_access=False, websockets=False)
    loop = _new_loop()
    asyncio.set_event_loop(loop)
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, embedded.stop)
    try:
        loop.run_until_complete(embedded.serve())
    finally:
        loop.close()
