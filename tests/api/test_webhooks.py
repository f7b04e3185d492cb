"""Webhooks (interop R25, R30, R31): subscriptions per organisation, and the worker that delivers the outbox to a
real local receiver, signed as Standard Webhooks, once per subscription even with two workers at once, retried,
disabled by 410, never to a private address unless allowed, and never of a case the subscriber is not involved in.

One database for the module: every test makes its own family and its own subscription (a receiver path of its
own), and a worker delivers every subscription's events, so a test reads only what reached its own path.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from sos_api.app import create_app
from sos_api.db.engine import Database
from sos_api.settings import Settings
from sos_api.webhooks import signing
from sos_api.webhooks.worker import Worker
from sos_schema import IdentifierSystem
from tests.api.conftest import COUNCIL_B, TokenFactory
from tests.api.test_dangers import if_match, make_family, make_person
from tests.api.test_maps import finalise, make_map
from tests.api.test_plans import Plans, conference
from tests.api.world import AGENCY, involve, midnight_in_england
from tests.api.worlds.plans import TODAY, cp_plan

PATH = "/v1/webhook-subscriptions"
NHS = IdentifierSystem.nhs_number.value
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

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        # The default listen backlog (5) drops connections a worker opens at once (each drop a 1 s SYN retry).
        self.server.request_queue_size = 128
        self.server.server_bind()
        self.server.server_activate()
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


async def until(done: Callable[[], Awaitable[bool]], *workers: Worker, seconds: float = 60.0) -> None:
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


async def test_a_retried_subscription_with_its_idempotency_key_is_made_once(
    client: AsyncTestClient[Any], auth: TokenFactory, receiver: Receiver
) -> None:
    """Interop R12: a client that lost the answer retries with the same key and gets the same subscription (and the
    secret shown once), not a second subscription; the same key with another body is 422."""
    mine = council_client(auth) | {"Idempotency-Key": f"hook-{uuid.uuid4()}"}
    body = {"url": receiver.url("/retried"), "event_types": ["case.created"]}
    first = await client.post(PATH, json=body, headers=mine)
    again = await client.post(PATH, json=body, headers=mine)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    listed = await client.get(PATH, headers=council_client(auth), params={"limit": 500})
    assert [s["id"] for s in listed.json()["items"]].count(first.json()["id"]) == 1
    assert sum(s["url"] == body["url"] for s in listed.json()["items"]) == 1
    other = await client.post(PATH, json=body | {"event_types": ["case.updated"]}, headers=mine)
    assert other.status_code == 422, other.text


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
    default_settings = msgspec.structs.replace(settings, webhooks_allow_private=False, webhooks_allow_http=False)
    async with AsyncTestClient(create_app(default_settings, database_url=module_database)) as default:
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


async def deliveries(client: AsyncTestClient[Any], headers: dict[str, str], sub_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"{PATH}/{sub_id}/deliveries?limit=500", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_two_workers_deliver_each_event_once_signed_and_thin(
    client: AsyncTestClient[Any], auth: TokenFactory, receiver: Receiver, workers: tuple[Worker, Worker]
) -> None:
    mine = council_client(auth)
    created = await subscribe(client, mine, receiver.url("/once"), ["person.created", "case.*"])
    families = [await make_family(client, auth) for _ in range(3)]
    wanted = {f.case_id for f in families} | {p for f in families for p in (f.child, f.sibling, f.mum, f.dad, f.worker)}

    async def all_delivered() -> bool:
        items = await deliveries(client, mine, created["id"])
        return len(items) == len(wanted) and all(d["status"] == "delivered" for d in items)

    # Both workers at once, in small batches, so they compete for the same subscription and deliveries.
    await until(all_delivered, *workers)
    got = receiver.at("/once")
    ids = [h["webhook-id"] for h, _ in got]
    assert len(ids) == len(set(ids)) == len(wanted)
    assert set(ids) == {d["id"] for d in await deliveries(client, mine, created["id"])}
    seen = set()
    for headers, body in got:
        assert signing.verify(created["secret"], headers, body, now=int(time.time()))
        event = msgspec.json.decode(body)
        # Thin (R25): what changed and where it stands in the feed, nothing of the record's content.
        assert set(event) == {"type", "timestamp", "data"}
        assert set(event["data"]) == {"type", "id", "version", "op", "seq", "position", "occurred_at"}
        assert event["type"] in {"person.created", "case.created"}
        assert event["type"] == f"{event['data']['type']}.created"
        assert event["data"]["op"] == "upsert"
        seen.add(event["data"]["id"])
    assert seen == wanted
    assert {d["event_type"] for d in await deliveries(client, mine, created["id"])} == {
        "person.created",
        "case.created",
    }
    # Each event delivered is in the access log, as the subscriber's (as a changes-feed page records what it lists).
    by_subscription = {"actor": f"webhook-subscription:{created['id']}", "limit": 100}
    log = await client.get("/v1/audit-events", params=by_subscription, headers=auth("auditor"))
    assert log.status_code == 200, log.text
    events = log.json()["items"]
    assert sorted(str(e["object_id"]) for e in events) == sorted(wanted)
    assert {(e["action"], e["purpose"], e["organisation"]) for e in events} == {
        ("search_result", "integration_sync", "la:845")
    }


async def test_a_failed_attempt_is_retried_and_410_disables(
    client: AsyncTestClient[Any], auth: TokenFactory, receiver: Receiver, workers: tuple[Worker, Worker]
) -> None:
    mine = council_client(auth)
    retried = await subscribe(client, mine, receiver.url("/retry"), ["case.created"])
    gone = await subscribe(client, mine, receiver.url("/gone"), ["case.created"])
    receiver.answers["/retry"] = [500, 503]
    receiver.answers["/gone"] = [410]
    await make_family(client, auth)

    async def settled() -> bool:
        a = await deliveries(client, mine, retried["id"])
        b = await deliveries(client, mine, gone["id"])
        return bool(a and b) and a[0]["status"] == "delivered" and b[0]["status"] == "failed"

    await until(settled, *workers)
    [delivered] = await deliveries(client, mine, retried["id"])
    assert delivered["attempts"] == 3
    assert [h["webhook-id"] for h, _ in receiver.at("/retry")] == [delivered["id"]] * 3  # the same id each time
    [failed] = await deliveries(client, mine, gone["id"])
    assert failed["attempts"] == 1
    assert failed["last_status"] == 410
    sub = (await client.get(f"{PATH}/{gone['id']}", headers=mine)).json()
    assert sub["enabled"] is False
    assert "410" in sub["disabled_reason"]
    # A disabled subscription is not redelivered to until it is enabled again; then it is, with the same id.
    redeliver = f"{PATH}/{gone['id']}/deliveries/{failed['id']}/redeliver"
    refused = await client.post(redeliver, headers=mine)
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/subscription-disabled")
    body = {"url": gone["url"], "event_types": ["case.created"], "enabled": True}
    enabled = await client.put(f"{PATH}/{gone['id']}", json=body, headers=mine | {"If-Match": f'W/"{sub["version"]}"'})
    assert enabled.status_code == 200, enabled.text
    again = await client.post(redeliver, headers=mine)
    assert again.status_code == 202, again.text
    assert again.json()["status"] == "pending"

    async def redelivered() -> bool:
        return (await deliveries(client, mine, gone["id"]))[0]["status"] == "delivered"

    await until(redelivered, *workers)
    assert [h["webhook-id"] for h, _ in receiver.at("/gone")] == [failed["id"]] * 2
    other = council_client(auth, COUNCIL_B)
    assert (await client.post(redeliver, headers=other)).status_code == 404


async def test_a_partner_subscription_hears_only_of_cases_that_involve_it(
    client: AsyncTestClient[Any], auth: TokenFactory, receiver: Receiver, workers: tuple[Worker, Worker]
) -> None:
    partner = auth("partner_system", AGENCY, sub="rx1-sync", scp=CLIENT_SCOPES)
    created = await subscribe(client, partner, receiver.url("/partner"), ["*"])
    council = await subscribe(client, council_client(auth), receiver.url("/council"), ["*"])
    involved, other = await make_family(client, auth), await make_family(client, auth)
    await involve(client, auth, involved.case_id, kind="agency", organisation=AGENCY, reason="invited_to_meeting")
    # Another agency involved in each: changes the partner may or may not read, but never of the other case.
    for family in (involved, other):
        await involve(client, auth, family.case_id, kind="agency", organisation="ods:RX9", reason="invited_to_meeting")
    other_ids = {other.case_id, other.child, other.sibling, other.mum, other.dad}

    async def council_heard_everything() -> bool:
        items = await deliveries(client, council_client(auth), council["id"])
        return sum(d["event_type"] == "case_involvement.created" for d in items) >= 3 and all(
            d["status"] == "delivered" for d in items
        )

    async def partner_settled() -> bool:
        items = await deliveries(client, partner, created["id"])
        return await council_heard_everything() and all(d["status"] == "delivered" for d in items)

    await until(partner_settled, *workers)
    heard = {msgspec.json.decode(b)["data"]["id"] for _, b in receiver.at("/partner")}
    # What its practitioners may read of the case that involves it (the case, its family), nothing of the other's.
    assert {involved.case_id, involved.child, involved.mum} <= heard
    assert not heard & other_ids
    told_council = {d["event_type"] for d in await deliveries(client, council_client(auth), council["id"])}
    assert {"case.created", "person.created", "case_involvement.created"} <= told_council
    assert all(signing.verify(created["secret"], h, b, now=int(time.time())) for h, b in receiver.at("/partner"))


async def test_the_api_process_delivers_too_when_configured(
    hook_settings: Settings, module_database: str, auth: TokenFactory, receiver: Receiver
) -> None:
    """SOS_WEBHOOKS_WORKER: `sos-api serve` runs the worker in its own lifespan (and stops it on shutdown)."""
    serving = msgspec.structs.replace(hook_settings, webhooks_worker=True)
    async with AsyncTestClient(create_app(serving, database_url=module_database)) as app_client:
        created = await subscribe(app_client, council_client(auth), receiver.url("/serve"), ["case.created"])
        family = await make_family(app_client, auth)

        # Other tests' cases may be owed too: a subscription starts at the feed's horizon, which other
        # transactions on a shared server can hold back past their commits.
        def of_this_family() -> list[tuple[dict[str, str], bytes]]:
            return [(h, b) for h, b in receiver.at("/serve") if msgspec.json.decode(b)["data"]["id"] == family.case_id]

        deadline = time.monotonic() + 60
        while not of_this_family():
            assert time.monotonic() < deadline, "the API's own worker delivered nothing"
            await asyncio.sleep(0.05)
    [(headers, body)] = of_this_family()
    assert signing.verify(created["secret"], headers, body, now=int(time.time()))


async def test_sos_api_worker_delivers_until_sigterm(
    client: AsyncTestClient[Any], module_database: str, data_dir: Path, auth: TokenFactory, receiver: Receiver
) -> None:
    """`sos-api worker` as its own process: delivers, and exits cleanly on SIGTERM. It knows every kind's reach as
    the API does: an agency not involved in the case is owed nothing of it (the worker scans every subscription in
    one pass, so by the time the council's event arrives the agency's has been decided)."""
    created = await subscribe(client, council_client(auth), receiver.url("/cli"), ["case.created"])
    partner = auth("partner_system", AGENCY, sub="rx1-cli", scp=CLIENT_SCOPES)
    uninvolved = await subscribe(client, partner, receiver.url("/cli-partner"), ["*"])
    env = os.environ | {
        "SOS_DATABASE_URL": module_database,
        "SOS_DATA_DIR": str(data_dir),
        "SOS_WEBHOOKS_ALLOW_PRIVATE": "true",
        "SOS_WEBHOOKS_ALLOW_HTTP": "true",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sos_api.cli", "worker", env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        family = await make_family(client, auth)
        deadline = time.monotonic() + 30
        while not receiver.at("/cli"):
            assert process.returncode is None, "the worker process ended"
            assert time.monotonic() < deadline, "the worker process delivered nothing"
            await asyncio.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        output = (await asyncio.wait_for(process.communicate(), 30))[0].decode()
    assert process.returncode == 0, output
    [(headers, body)] = receiver.at("/cli")
    assert signing.verify(created["secret"], headers, body, now=int(time.time()))
    assert msgspec.json.decode(body)["data"]["id"] == family.case_id
    assert await deliveries(client, partner, uninvolved["id"]) == []


# --- named events (interop R31) ---------------------------------------------------------------------------------

CHILD_NHS = "9434765919"
NAMED_TYPES = {
    "/named-cp": ["cp_plan.started", "cp_plan.ended"],
    "/named-map": ["assessment_map.published"],
    "/named-flag": ["flag.accessed"],
    # Other names, and one generic type that each test's last change (a new person) is sure to produce.
    "/named-other": ["safety_plan.updated", "contribution.received", "placement.changed", "person.created"],
}


async def test_named_events_reach_only_the_subscriptions_that_name_them(
    client: AsyncTestClient[Any], auth: TokenFactory, receiver: Receiver, workers: tuple[Worker, Worker]
) -> None:
    mine = council_client(auth)
    subs = {path: await subscribe(client, mine, receiver.url(path), types) for path, types in NAMED_TYPES.items()}
    family = await make_family(client, auth)
    plans = Plans(client, auth, family)
    # A child protection plan starts (made), is revised (its new version neither starts it nor, by superseding the
    # first, ends it), and ends (after a review conference decides so).
    decided = await conference(plans, "cp_plan", "neglect")
    plan = await plans.agreed(cp_plan(family.child, family.worker, family.mum, decided, "neglect"))
    revised = await plans.agree(await plans.post(plan, "revisions", expect=201))
    await conference(plans, "ends_to_cin", None, kind="review", held_at=midnight_in_england(TODAY))
    end = {"ended_on": TODAY.isoformat(), "reason": "The review conference ended the plan."}
    await plans.post(revised, "end", end)
    # A map is drafted, then published (finalised).
    drafted = await make_map(client, auth, family, [], context="early_help")
    await finalise(client, auth, drafted)
    # The child is looked up from unscheduled care.
    child = (await client.get(f"/v1/people/{family.child}", headers=auth())).json()
    body = {k: v for k, v in child.items() if k not in {"id", "meta"}} | {
        "identifiers": [{"system": NHS, "value": CHILD_NHS}]
    }
    changed = await client.put(
        f"/v1/people/{family.child}", json=body, headers=auth() | if_match(child["meta"]["version"])
    )
    assert changed.status_code == 200, changed.text
    hospital = auth("partner_system", "ods:RX1", sub="ed-triage", scp="system/flags.s")
    looked_up = await client.get(
        "/v1/flags", params={"subject": f"{NHS}|{CHILD_NHS}"}, headers=hospital | {"X-Unscheduled-Access": "true"}
    )
    assert looked_up.status_code == 200, looked_up.text
    last = await make_person(client, auth, "Last")
    # The changes feed serves the lookup too (as `accessed`), so a consumer that sees a gap can fall back to it.
    reader, cursor, served = auth("integration_client", sub="feed", scp="system/*.cruds", azp="sync"), None, []
    while True:
        params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        page = await client.get("/v1/changes", params=params, headers=reader)
        assert page.status_code == 200, page.text
        served += page.json()["items"]
        if not page.json()["items"]:
            break
        cursor = page.json()["next_cursor"]
    assert [(c["id"], c["op"]) for c in served if c["type"] == "flag_access"] == [(family.child, "accessed")]

    async def settled() -> bool:
        every = {path: await deliveries(client, mine, sub["id"]) for path, sub in subs.items()}
        done = all(d["status"] == "delivered" for items in every.values() for d in items)
        return done and any(msgspec.json.decode(b)["data"]["id"] == last for _, b in receiver.at("/named-other"))

    await until(settled, *workers)

    def heard(path: str) -> list[tuple[str, str, str]]:
        events = [msgspec.json.decode(b) for _, b in receiver.at(path)]
        assert all(isinstance(e["data"]["seq"], int) for e in events), "each carries the feed's seq"
        return sorted((e["type"], e["data"]["type"], e["data"]["id"]) for e in events)

    assert heard("/named-cp") == sorted(
        [("cp_plan.started", "statutory_plan", plan["id"]), ("cp_plan.ended", "statutory_plan", revised["id"])]
    )
    assert heard("/named-map") == [("assessment_map.published", "assessment_map", drafted["id"])]
    assert heard("/named-flag") == [("flag.accessed", "flag_access", family.child)]
    assert msgspec.json.decode(receiver.at("/named-flag")[0][1])["data"]["op"] == "accessed"
    other = heard("/named-other")
    assert {t for t, _, _ in other} == {"person.created"}
    assert ("person.created", "person", last) in other


async def test_only_published_event_types_are_subscribed_to(
    client: AsyncTestClient[Any], auth: TokenFactory, receiver: Receiver
) -> None:
    mine = council_client(auth)
    types = ["cp_plan.started", "statutory_plan.started", "cp_plan.created", "case.deleted", "flag.accessed"]
    refused = await client.post(PATH, json={"url": receiver.url("/typo"), "event_types": types}, headers=mine)
    assert refused.status_code == 422, refused.text
    assert [(e["pointer"], e["code"]) for e in refused.json()["errors"]] == [
        ("/event_types/1", "unknown-type"),
        ("/event_types/2", "unknown-type"),
    ]
    published = (await client.get("/.well-known/api-configuration")).json()["webhook_events"]
    assert set(published) >= {"cp_plan.started", "cp_plan.ended", "assessment_map.published", "flag.accessed"}
    assert len(published) == 9
