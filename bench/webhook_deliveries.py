"""Webhook deliveries per second: the delivery worker (sos_api/webhooks/worker.py) against PostgreSQL and a local
receiver, one or more workers at once.

```sh
.venv/bin/python -m bench.webhook_deliveries                      # 600 events, 2 workers, fresh database
.venv/bin/python -m bench.webhook_deliveries --events 2000 --workers 4 --subscriptions 2
```

It creates `sos_bench_wh_<random>` on `--server-url`, migrates it, makes `--subscriptions` subscriptions to `*`
on a receiver on 127.0.0.1 (a threaded http.server answering 204), writes `--events` people through the API
in-process (each an outbox change), then starts the clock and runs `--workers` workers (each its own connection
pool, as separate processes would have) until every owed delivery is delivered. It prints deliveries per second
for the whole (owing and sending, signature included) and checks that the receiver got each `webhook-id` exactly
once. The database is dropped at the end. A figure from a shared 2-core machine is noisy: compare runs made in the
same minute, never across days.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import msgspec

from bench.run import admin_sql, url_for


class Receiver(BaseHTTPRequestHandler):
    ids: list[str] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        with self.lock:
            self.ids.append(self.headers.get("webhook-id", ""))
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class Server(ThreadingHTTPServer):
    # The default listen backlog (5) drops connections a worker opens at once, and each drop costs a 1 s SYN retry.
    request_queue_size = 256
    daemon_threads = True


async def measure(url: str, args: argparse.Namespace, port: int, data_dir: Path) -> dict[str, Any]:
    from litestar.testing import AsyncTestClient

    from sos_api.app import create_app
    from sos_api.auth.tokens import mint_token
    from sos_api.db.engine import Database
    from sos_api.settings import Settings
    from sos_api.webhooks.worker import Worker

    settings = Settings(
        database_url=url,
        data_dir=data_dir,
        local_issuer=True,
        webhooks_allow_private=True,
        webhooks_allow_http=True,
    )
    client_token = mint_token(
        settings, roles=["integration_client"], organisation="la:845", subject="bench", extra={"scp": "system/*.cruds"}
    )
    headers = {"Authorization": f"Bearer {client_token}"}
    async with AsyncTestClient(create_app(settings, database_url=url)) as client:
        for n in range(args.subscriptions):
            body = {"url": f"http://127.0.0.1:{port}/hook/{n}", "event_types": ["*"]}
            assert (await client.post("/v1/webhook-subscriptions", json=body, headers=headers)).status_code == 201
        for n in range(args.events):
            person = {"given_names": f"Bench{n}", "family_name": "Person"}
            response = await client.post("/v1/people", json=person, headers=headers)
            assert response.status_code == 201, response.text
    expected = args.events * args.subscriptions
    dbs = [Database(url, pool_size=4) for _ in range(args.workers)]
    workers = [Worker(db, settings, batch=args.batch) for db in dbs]
    started = time.perf_counter()
    owing = sending = idle = 0.0
    try:
        while len(Receiver.ids) < expected:
            t0 = time.perf_counter()
            owed = await asyncio.gather(*(w.owe() for w in workers))
            t1 = time.perf_counter()
            sent = await asyncio.gather(*(w.deliver_due() for w in workers))
            t2 = time.perf_counter()
            owing, sending = owing + t1 - t0, sending + t2 - t1
            if not any(owed) and not any(sent):
                await asyncio.sleep(0.01)
                idle += time.perf_counter() - t2
            if time.perf_counter() - started > args.timeout:
                raise SystemExit(f"timed out with {len(Receiver.ids)} of {expected} delivered")
        elapsed = time.perf_counter() - started
    finally:
        for worker, db in zip(workers, dbs, strict=True):
            await worker.aclose()
            await db.dispose()
    return {
        "deliveries": len(Receiver.ids),
        "distinct_webhook_ids": len(set(Receiver.ids)),
        "workers": args.workers,
        "seconds": round(elapsed, 3),
        # Where the time went: owing (scanning the outbox), sending (claim, POST, record), and waiting for the
        # feed's horizon (older transactions anywhere on the server hold it back).
        "seconds_owing": round(owing, 3),
        "seconds_sending": round(sending, 3),
        "seconds_idle": round(idle, 3),
        "deliveries_per_second": round(len(Receiver.ids) / elapsed, 1),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.webhook_deliveries", description="Webhook deliveries per second")
    p.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432/test")
    p.add_argument("--events", type=int, default=600, help="people written (one outbox change each)")
    p.add_argument("--subscriptions", type=int, default=1)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--batch", type=int, default=100, help="deliveries a worker claims at once")
    p.add_argument("--timeout", type=float, default=300)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from sos_api.db.embedded import app_login_url, ensure_app_login
    from sos_api.db.migrate import upgrade

    args = parse_args(argv)
    name = f"sos_bench_wh_{uuid.uuid4().hex[:8]}"
    admin_sql(args.server_url, f'CREATE DATABASE "{name}"')
    server = Server(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        owner = url_for(args.server_url, name)
        upgrade(owner)
        ensure_app_login(owner)
        with tempfile.TemporaryDirectory() as scratch:
            result = asyncio.run(measure(app_login_url(owner), args, server.server_port, Path(scratch)))
        print(msgspec.json.format(msgspec.json.encode(result), indent=2).decode())
        if result["distinct_webhook_ids"] != result["deliveries"]:
            print("a webhook-id was delivered more than once", file=sys.stderr)
            return 1
        return 0
    finally:
        server.shutdown()
        admin_sql(args.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())
