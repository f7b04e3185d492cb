"""The delivery worker (`sos-api worker`, or inside `sos-api serve` with SOS_WEBHOOKS_WORKER): owes each
subscription the events it asked for and may read, then delivers what is due, signed, and records how it went.

- Once per subscription, whatever the number of workers: owing is under the subscription's row lock and deliveries
  are unique per (subscription, change); sending is under a lease taken with FOR UPDATE SKIP LOCKED
  (queries.py). A worker that dies mid-send leaves its lease to run out, and the event is sent again with the same
  `webhook-id` (at least once, as Standard Webhooks receivers expect).
- Only changes below the changes feed's commit-ordered horizon are owed, so a late commit is never skipped.
- Thin payloads (R25): the record's kind, id, version, op and feed position, never its content.
- Retries follow Standard Webhooks' schedule (about three days) with jitter, honouring Retry-After; 410 Gone
  disables the subscription; the target is checked again before every attempt and connected to at the address
  checked (targets.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import msgspec
import sqlalchemy as sa

from sos_schema import ChangeOp, WebhookEvent, WebhookEventData

from ..auth.policy import subscriber_scope
from ..auth.roles import Role
from ..db.engine import Database
from ..problems import TargetNotAllowed
from ..settings import Settings
from . import queries, signing
from .targets import check_target

log = logging.getLogger(__name__)

# Seconds to wait before attempt n+1 after attempt n fails (Standard Webhooks: immediately, 5 s, 5 min, 30 min,
# 2 h, 5 h, 10 h, 14 h, 20 h, 24 h): ten attempts over about three days, then the delivery has failed.
SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
TIMEOUT_SECONDS = 15.0
MAX_RETRY_AFTER = 86400
USER_AGENT = "sos-api-webhooks/1"


class Worker:
    """One worker's loop. Several may run at once, on any number of machines."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        schedule: tuple[float, ...] = SCHEDULE,
        timeout: float = TIMEOUT_SECONDS,
        batch: int = 100,
        scan_batch: int = 1000,
    ) -> None:
        self.db, self.settings, self.schedule = db, settings, schedule
        self.timeout, self.batch, self.scan_batch = timeout, batch, scan_batch
        # Redirects are not followed: a redirect could lead anywhere, past the address check.
        self.client = httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def owe(self) -> int:
        """Owe every enabled subscription (not being scanned by another worker) its new events; how many."""
        owed = 0
        async with self.db.begin_system() as conn:
            # The horizon first: locking rows gives this transaction an id, which would hold its own horizon back.
            below = await queries.select_horizon(conn)
            subscriptions = await queries.lock_subscriptions(conn, 1000)
            for sub in subscriptions:
                after = (int(sub.after_txid), sub.after_seq)
                council = sub.owner.startswith("la:")
                positions = await queries.select_positions(
                    conn, sub.la_code if council else None, after, below, self.scan_batch
                )
                scope = subscriber_scope(Role(sub.role), sub.owner)
                owed += await queries.owe_events(conn, sub, scope, [seq for _, seq in positions])
                # A full page ends at its last change; otherwise every change below the horizon has been looked at.
                last = positions[-1] if len(positions) == self.scan_batch else max(after, (below, 0))
                if last != after:
                    await queries.advance(conn, sub.id, last)
        return owed

    async def deliver_due(self) -> int:
        """Claim the due deliveries no other worker holds and attempt them all at once; how many were attempted."""
        async with self.db.begin_system() as conn:
            claimed = await queries.claim_due(conn, self.batch, self.timeout + 30)
        if not claimed:
            return 0
        outcomes = await asyncio.gather(*(self._attempt(row) for row in claimed))
        # One transaction for the batch's outcomes: each guarded by the attempt it records (queries.record_attempt).
        delivered = []
        async with self.db.begin_system() as conn:
            for row, outcome in zip(claimed, outcomes, strict=True):
                recorded = await queries.record_attempt(conn, row.id, row.attempts, outcome)
                if not recorded:
                    log.info("webhook delivery %s was claimed again before its attempt was recorded", row.id)
                elif outcome.get("status") == "delivered":
                    delivered.append(row.id)
                elif outcome.get("last_status") == 410:
                    await queries.disable(conn, row.subscription_id, "The target answered 410 Gone.")
            # Audited with the outcome it records (R24, BR-25): one access event per event delivered.
            await queries.record_access(conn, delivered)
        return len(claimed)

    async def run_once(self) -> tuple[int, int]:
        return await self.owe(), await self.deliver_due()

    async def run(self, stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
        """Until `stop` is set: owe and deliver, resting `idle_seconds` when there was nothing to send."""
        while not stop.is_set():
            try:
                _, attempted = await self.run_once()
            except Exception:  # a database that is away for a moment must not end the worker
                log.exception("webhook worker pass failed")
                attempted = 0
            if not attempted:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), idle_seconds)

    # --- one attempt ---------------------------------------------------------------------------------------

    async def _attempt(self, row: sa.Row[Any]) -> dict[str, Any]:
        """Send one delivery; the columns that record how it went."""
        now = dt.datetime.now(dt.UTC)
        body = msgspec.json.encode(
            WebhookEvent(
                type=row.event_type,
                timestamp=now,
                data=WebhookEventData(
                    type=row.kind,
                    id=row.record_id,
                    version=row.version,
                    op=ChangeOp(queries.FEED_OPS.get(row.op, "upsert")),
                    seq=row.seq,
                    position=f"{row.txid}.{row.seq}",
                    occurred_at=row.occurred_at,
                ),
            )
        )
        keys = [row.secret]
        if row.previous_secret and row.previous_secret_until and row.previous_secret_until > now:
            keys.append(row.previous_secret)
        headers = signing.headers(keys, str(row.id), int(time.time()), body)
        status: int | None = None
        retry_after: float | None = None
        error: str | None = None
        try:
            status, retry_after = await self._send(row.url, headers, body)
        except TargetNotAllowed as exc:
            error = f"target-not-allowed: {exc}"
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        return self._outcome(row, status, retry_after, error)

    async def _send(self, url: str, headers: dict[str, str], body: bytes) -> tuple[int, float | None]:
        """POST to the address checked just now (not to whatever the name resolves to next), with the name as the
        Host header and, for https, as the name the certificate must carry."""
        target = await check_target(url, self.settings)
        parts = urlsplit(url)
        host = f"[{target.address}]" if ":" in target.address else target.address
        netloc = host + (f":{parts.port}" if parts.port else "")
        pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        sent = headers | {"content-type": "application/json", "user-agent": USER_AGENT, "host": parts.netloc}
        extensions = {"sni_hostname": target.host} if parts.scheme == "https" else {}
        async with self.client.stream("POST", pinned, content=body, headers=sent, extensions=extensions) as response:
            return response.status_code, _retry_after(response.headers.get("retry-after"))

    def _outcome(
        self, row: sa.Row[Any], status: int | None, retry_after: float | None, error: str | None
    ) -> dict[str, Any]:
        values: dict[str, Any] = {"last_status": status, "last_error": error[:300] if error else None}
        gone = status == 410
        if status is not None and 200 <= status < 300:
            values |= {"status": "delivered", "delivered_at": sa.func.now()}
        elif gone or row.attempts >= len(self.schedule):
            values |= {"status": "failed"}
        else:
            delay = self.schedule[row.attempts] * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not a secret)
            if retry_after is not None and status in {429, 503}:
                delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
            values |= {"next_attempt_at": sa.func.now() + dt.timedelta(seconds=delay)}
        return values


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is not used by the receivers we know of, and is ignored)."""
    if value is None or not value.strip().isdigit():
        return None
    return float(value.strip())


async def run_worker(db: Database, settings: Settings, stop: asyncio.Event) -> None:
    worker = Worker(db, settings)
    try:
        await worker.run(stop)
    finally:
        await worker.aclose()
