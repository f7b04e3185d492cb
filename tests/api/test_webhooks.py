"""Webhooks (interop R25, R30, R31): subscriptions per organisation, and the worker that delivers the outbox to a
real local receiver, signed as Standard Webhooks, once per subscription even with two workers at once, retried,
disabled by 410, never to a private address unless allowed, and never of a case the subscriber is not involved in.

One database for the module: every test makes its own family and its own subscription (a receiver path of its
own), and a worker delivers every subscription's events, so a test reads only what reached its own path.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.db.engine import Database
from sos_api.settings import Settings
from sos_api.webhooks import signing
from sos_api.webhooks.worker import Worker
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import make_family

PATH = "/v1/webhook-subscriptions"
CLIENT_SCOPES = "system/webhooks.crus"
# Retries without waiting: a failed attempt is due again at once.
NO_WAIT = (0.0, 0.0, 0.0)


class Receiver:
    """A tiny HTTP server on 127.0.0.1 in a thread: records every POST, answers each path's queued statuses (204
    when none is queued)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.answers: dict[str, list[int]] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver.lock:
                    receiver.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    queued = receiver.answers.get(self.path) or []
                    status = queued.pop(0) if queued else 204
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def at(self, path: str) -> list[tuple[dict[str, str], bytes]]:
        with self.lock:
            return [(h, b) for p, h, b in self.received if p == path]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture(scope="module")
def hook_settings(settings: Settings) -> Settings:
    return msgspec.structs.replace(settings, webhooks_allow_private=True, webhooks_allow_http=True)


@pytest.fixture(scope="module")
async def client(hook_settings: Settings, module_database: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(create_app(hook_settings, database_url=module_database)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
async def workers(hook_settings: Settings, module_database: str) -> AsyncIterator[tuple[Worker, Worker]]:
    """Two workers, each with its own connection pool, as two processes would have."""
    dbs = [Database(module_database, pool_size=2) for _ in range(2)]
    pair = tuple(Worker(db, hook_settings, schedule=NO_WAIT, batch=3, scan_batch=7) for db in dbs)
    yield pair[0], pair[1]
    for worker, db in zip(pair, dbs, strict=True):
        await worker.aclose()
        await db.dispose()


async def until(done: Callable[[], Awaitable[bool]], *workers: Worker, seconds: float = 20.0) -> None:
    """Worker passes (all the workers at once) until `done`. Not a fixed wait: changes are owed only once every
    older transaction on the server has ended (the feed's horizon), and other databases' transactions on a shared
    test server can hold that back for a moment."""
    deadline = time.monotonic() + seconds
    while not await done():
        assert time.monotonic() < deadline, "the workers did not get there in time"
        results = await asyncio.gather(*(w.run_once() for w in workers))
        if not any(owed or attempted for owed, attempted in results):
            await asyncio.sleep(0.05)


def council_client(auth: TokenFactory, org: str = "la:845") -> dict[str, str]:
    return auth("integration_client", org, sub=f"sync-{uuid.uuid4().hex[:6]}", scp=CLIENT_SCOPES)


async def subscribe(
    client: AsyncTestClient[Any], headers: dict[str, str], url: str, types: list[str] | None = None
) -> dict[str, Any]:
    response = await client.post(PATH, json={"url": url, "event_types": types or ["*"]}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_signature_matches_the_standard_webhooks_example() -> None:
    """The published example (standard-webhooks, libraries/python/tests/test_webhooks.py `test_sign_function`)."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signed = signing.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signed == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    headers = {"webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp": "1614265330"}
    assert signing.verify(secret, headers | {"webhook-signature": f"v1,bad {signed}"}, body, now=1614265330 + 299)
    assert not signing.verify(secret, headers | {"webhook-signature": signed}, body, now=1614265330 + 301)
    assert not signing.verify(secret, headers | {"webhook-signature": signed}, body + b" ", now=1614265330)


async def test_an_organisation_manages_its_own_subscriptions(
    client: AsyncTestClient[Any], auth: TokenFactory, receiver: Receiver
) -> None:
    mine = council_client(auth)
    created = await subscribe(client, mine, receiver.url("/manage"), ["person.updated", "statutory_plan.*"])
    assert created["secret"].startswith("whsec_")
    assert len(created["secret"]) > 40
    item = f"{PATH}/{created['id']}"
    got = await client.get(item, headers=mine)
    assert got.status_code == 200
    assert got.headers["etag"] == 'W/"1"'
    assert "secret" not in got.json()
    assert got.json()["owner"] == "la:845"
    listed = await client.get(PATH, headers=mine)
    assert created["id"] in [s["id"] for s in listed.json()["items"]]
    # Another council's client, and a social worker, cannot see it.
    other = council_client(auth, COUNCIL_B)
    assert (await client.get(item, headers=other)).status_code == 404
    assert created["id"] not in [s["id"] for s in (await client.get(PATH, headers=other)).json()["items"]]
    assert (await client.get(item, headers=auth())).status_code == 403
    # Disable: a versioned replace.
    body = {"url": created["url"], "event_types": ["person.*"], "enabled": False}
    assert (await client.put(item, json=body, headers=mine)).status_code == 428
    assert (await client.put(item, json=body, headers=mine | {"If-Match": 'W/"7"'})).status_code == 412
    replaced = await client.put(item, json=body, headers=mine | {"If-Match": 'W/"1"'})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["enabled"] is False
    assert replaced.json()["event_types"] == ["person.*"]
    unknown = await client.put(
        item, json=body | {"event_types": ["pony.created"]}, headers=mine | {"If-Match": 'W/"2"'}
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["pointer"] == "/event_types/0"
    rotated = await client.post(f"{item}/rotate-secret", headers=mine)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"] != created["secret"]
    assert (await client.get(item, headers=mine)).json()["previous_secret_until"] is not None


async def test_private_targets_are_refused_unless_allowed(
    client: AsyncTestClient[Any],
    auth: TokenFactory,
    settings: Settings,
    hook_settings: Settings,
    module_database: str,
    receiver: Receiver,
) -> None:
    mine = council_client(auth)
    private = (receiver.url("/private"), "http://localhost/x", "http://169.254.169.254/latest", "http://[::1]/")
    async with AsyncTestClient(create_app(settings, database_url=module_database)) as default:
        # By default: https only, and never a private, loopback or link-local address.
        for url in (*private, "https://127.0.0.1/x", "https://10.1.2.3/x", "https://[fe80::1]/x"):
            refused = await default.post(PATH, json={"url": url, "event_types": ["*"]}, headers=mine)
            assert refused.status_code == 422, (url, refused.text)
            assert refused.json()["type"].endswith("/target-not-allowed")
    # Checked again at delivery (DNS rebinding): a worker that does not allow private addresses sends nothing.
    created = await subscribe(client, mine, receiver.url("/private"), ["person.created"])
    await make_family(client, auth)
    db = Database(module_database, pool_size=1)
    guarded = Worker(db, msgspec.structs.replace(hook_settings, webhooks_allow_private=False), schedule=(0, 60))
    deliveries_of = f"{PATH}/{created['id']}/deliveries"

    async def all_tried() -> bool:
        items = (await client.get(deliveries_of, headers=mine)).json()["items"]
        return len(items) == 5 and all(d["attempts"] == 1 for d in items)  # the family's five people

    try:
        await until(all_tried, guarded)
    finally:
        await guarded.aclose()
        await db.dispose()
    deliveries = (await client.get(deliveries_of, headers=mine)).json()["items"]
    assert all(d["status"] == "pending" and d["last_error"].startswith("target-not-allowed") for d in deliveries)
    assert receiver.at("/private") == []
    # Tidy: the other tests' workers allow private addresses, and should not deliver these.
    off = {"url": created["url"], "event_types": ["person.created"], "enabled": False}
    assert (await client.put(f"{PATH}/{created['id']}", json=off, headers=mine | {"If-Match": 'W/"1"'})).is_success
