"""Webhook subscriptions as their owners manage them: made, listed, read, replaced (or disabled), their secret
rotated, their deliveries listed and redelivered. Each call is one transaction behind its organisation's wall
(queries.enter_owner) and records an access event against the subscription.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import (
    DomainEvent,
    FieldError,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookSecret,
    WebhookSubscription,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
)

from .. import problems
from ..audit import record as audit
from ..context import Actor
from ..db.engine import Database
from ..http import Cursors
from ..resources.registry import kinds as registered_kinds
from ..settings import Settings
from . import queries, signing
from .targets import check_target

OBJECT = "webhook_subscription"
# Interop 6.6: during a rotation both secrets sign for a day, so receivers can change theirs without a gap.
ROTATION_OVERLAP = dt.timedelta(hours=24)
NOT_FOUND = "No such webhook subscription."


GENERIC_VERBS = ("created", "updated", "deleted", "*")


def _published(event_type: str) -> bool:
    """`*`, a named event (DomainEvent), or `<kind>.<verb>` / `<kind>.*` for a kind of record the API has."""
    if event_type == "*" or event_type in set(DomainEvent):
        return True
    kind, _, verb = event_type.partition(".")
    return kind in registered_kinds() and verb in GENERIC_VERBS


def _check_event_types(event_types: list[str]) -> list[str]:
    """The event types, each once, in order; 422 for one the API does not publish."""
    named = list(dict.fromkeys(event_types))
    errors = [
        FieldError(
            pointer=f"/event_types/{i}",
            code="unknown-type",
            detail=f"No event is called {t}: name a kind of record's created, updated, deleted or *, or a named "
            f"event ({', '.join(DomainEvent)}).",
        )
        for i, t in enumerate(named)
        if not _published(t)
    ]
    if errors:
        raise problems.ValidationFailed("An event type is not one the API publishes.", errors=errors)
    return named


def _shown(row: sa.Row[Any]) -> WebhookSubscription:
    return WebhookSubscription(
        id=row.id,
        owner=row.owner,
        url=row.url,
        event_types=list(row.event_types),
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        previous_secret_until=row.previous_secret_until if row.previous_secret else None,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _delivery(row: sa.Row[Any]) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        subscription_id=row.subscription_id,
        event_type=row.event_type,
        position=f"{row.txid}.{row.seq}",
        status=WebhookDeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if row.status == "pending" else None,
        last_status=row.last_status,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )


async def _audit(conn: Any, actor: Actor, action: str, row: sa.Row[Any]) -> None:
    await audit.record(conn, actor, action, object_type=OBJECT, object_id=row.id, object_version=row.version)


async def create(db: Database, settings: Settings, actor: Actor, body: WebhookSubscriptionCreate) -> tuple[bytes, UUID]:
    event_types = _check_event_types(body.event_types)
    await check_target(body.url, settings)
    who = actor.principal
    secret = signing.new_secret()
    now = dt.datetime.now(dt.UTC)
    values = {
        "id": uuid.uuid4(),
        "owner": who.organisation,
        "la_code": who.la_code,
        "role": actor.role.value,
        "created_by": who.subject,
        "client_app": who.client_app,
        "url": body.url,
        "event_types": event_types,
        "enabled": body.enabled,
        "secret": secret,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    async with db.begin(actor.scope) as conn:
        await queries.enter_owner(conn, who.organisation)
        row = await queries.insert_subscription(conn, values)
        await _audit(conn, actor, "create", row)
    shown = _shown(row)
    created = WebhookSubscriptionCreated(**msgspec.structs.asdict(shown), secret=secret)
    return msgspec.json.encode(created), row.id


async def _owned(conn: AsyncConnection, owner: str, sub_id: UUID) -> sa.Row[Any]:
    """The owner's subscription, behind its organisation's wall: any other is not found (404)."""
    await queries.enter_owner(conn, owner)
    row = await queries.select_subscription(conn, owner, sub_id)
    if row is None:
        raise problems.NotFound(NOT_FOUND)
    return row


async def list_subscriptions(db: Database, actor: Actor, cursors: Cursors, cursor: str | None, limit: int) -> bytes:
    owner = actor.principal.organisation
    binding = f"webhook-subscriptions:{owner}"
    key = cursors.read(cursor, binding)
    after = None
    if key is not None:
        try:
            after = (dt.datetime.fromisoformat(str(key[0])), UUID(str(key[1])))
        except (ValueError, IndexError) as exc:
            raise problems.BadRequest("The cursor is not valid for this list.") from exc
    async with db.begin(actor.scope) as conn:
        await queries.enter_owner(conn, owner)
        rows = await queries.select_subscriptions(conn, owner, after, limit)
        for row in rows[:limit]:
            await _audit(conn, actor, "search_result", row)
    shown = rows[:limit]
    next_cursor = (
        cursors.make([shown[-1].created_at.isoformat(), str(shown[-1].id)], binding) if len(rows) > limit else None
    )
    return msgspec.json.encode({"items": [_shown(r) for r in shown], "next_cursor": next_cursor})


async def read(db: Database, actor: Actor, sub_id: UUID) -> tuple[bytes, int]:
    owner = actor.principal.organisation
    async with db.begin(actor.scope) as conn:
        row = await _owned(conn, owner, sub_id)
        await _audit(conn, actor, "read", row)
    return msgspec.json.encode(_shown(row)), row.version


async def replace(
    db: Database, settings: Settings, actor: Actor, sub_id: UUID, expected: int, body: WebhookSubscriptionCreate
) -> tuple[bytes, int]:
    """A new URL, event types or enabled flag; enabling clears why it was disabled."""
    event_types = _check_event_types(body.event_types)
    owner = actor.principal.organisation
    async with db.begin(actor.scope) as conn:
        current = await _owned(conn, owner, sub_id)
        if current.version != expected:
            raise problems.VersionConflict(f"The subscription is at version {current.version}; read it again.")
        if body.url != current.url:
            await check_target(body.url, settings)
        values = {"url": body.url, "event_types": event_types, "enabled": body.enabled}
        if body.enabled:
            values["disabled_reason"] = None
        elif current.enabled:
            values["disabled_reason"] = "Disabled by its owner."
        row = await queries.update_subscription(conn, owner, sub_id, expected, values)
        if row is None:
            raise problems.VersionConflict("The subscription changed while you replaced it; read it again.")
        await _audit(conn, actor, "update", row)
    return msgspec.json.encode(_shown(row)), row.version


async def rotate_secret(db: Database, actor: Actor, sub_id: UUID) -> tuple[bytes, int]:
    """A new secret; the current one keeps signing (beside it) for ROTATION_OVERLAP."""
    owner = actor.principal.organisation
    secret = signing.new_secret()
    until = dt.datetime.now(dt.UTC) + ROTATION_OVERLAP
    async with db.begin(actor.scope) as conn:
        current = await _owned(conn, owner, sub_id)
        values = {"secret": secret, "previous_secret": current.secret, "previous_secret_until": until}
        row = await queries.update_subscription(conn, owner, sub_id, current.version, values)
        if row is None:
            raise problems.Conflict("The subscription changed while its secret was rotated; try again.")
        await _audit(conn, actor, "update", row)
    return msgspec.json.encode(WebhookSecret(secret=secret, previous_secret_until=until)), row.version


async def list_deliveries(
    db: Database, actor: Actor, cursors: Cursors, sub_id: UUID, cursor: str | None, limit: int
) -> bytes:
    owner = actor.principal.organisation
    binding = f"webhook-deliveries:{sub_id}"
    key = cursors.read(cursor, binding)
    after = key[0] if key and isinstance(key[0], int) and not isinstance(key[0], bool) else None
    if key is not None and after is None:
        raise problems.BadRequest("The cursor is not valid for this list.")
    async with db.begin(actor.scope) as conn:
        sub = await _owned(conn, owner, sub_id)
        rows = await queries.select_deliveries(conn, sub_id, after, limit)
        await _audit(conn, actor, "read", sub)
    shown = rows[:limit]
    next_cursor = cursors.make([shown[-1].seq], binding) if len(rows) > limit else None
    return msgspec.json.encode({"items": [_delivery(r) for r in shown], "next_cursor": next_cursor})


async def redeliver(db: Database, actor: Actor, sub_id: UUID, delivery_id: UUID) -> tuple[bytes, int]:
    """Owe a delivery again now (a target that was down, or a receiver that lost it); the subscription's version."""
    owner = actor.principal.organisation
    async with db.begin(actor.scope) as conn:
        sub = await _owned(conn, owner, sub_id)
        if not sub.enabled:
            raise problems.SubscriptionDisabled("Enable the subscription (PUT with enabled: true), then redeliver.")
        row = await queries.redeliver(conn, sub_id, delivery_id)
        if row is None:
            raise problems.NotFound("No such delivery for this subscription.")
        await _audit(conn, actor, "update", sub)
    return msgspec.json.encode(_delivery(row)), sub.version
