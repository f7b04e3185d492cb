"""SQL for webhooks: subscriptions and deliveries as a request sees them (its organisation's own, behind row-level
security), and the worker's three steps outside any tenant: owe events, claim due deliveries, record how each went.

Owing events follows the changes feed's commit order (sos_api/changes/queries.py): a subscription remembers the
last (txid, seq) it has looked at, and each scan reads only changes of transactions below
`pg_snapshot_xmin(pg_current_snapshot())`, so a transaction that took a lower `seq` but commits later is never
skipped. The subscription's row is locked (FOR UPDATE SKIP LOCKED) while it is scanned, and deliveries are unique
per (subscription, change), so two workers never owe an event twice. Claiming a due delivery moves its
`next_attempt_at` past the attempt's timeout (a lease) in the same statement that locks it with SKIP LOCKED, so
two workers never send it at once, and no transaction stays open while a target is called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from ..audit.record import EVENT_COLUMNS
from ..auth.policy import Reach, Scope, row_filter
from ..db.tables import Xid8, access_events, outbox, records, webhook_deliveries, webhook_subscriptions
from ..resources.registry import all_resources
from . import events

S = webhook_subscriptions.c
D = webhook_deliveries.c
Position = tuple[int, int]

ENTER_OWNER = sa.text("SELECT set_config('sos.webhook_owner', :owner, true)")
# Stored outbox ops (db/records.py) -> the verb of an event type.
VERBS = {"create": "created", "update": "updated", "entered_in_error": "deleted"}
FEED_OPS = {"create": "upsert", "update": "upsert", "entered_in_error": "delete", "flag.accessed": "accessed"}


# Every column but the xid8 positions, which asyncpg has no codec for (read as text where needed).
SUBSCRIPTION = [c for c in webhook_subscriptions.c if c.name != "after_txid"]
DELIVERY = [*(c for c in webhook_deliveries.c if c.name != "txid"), sa.cast(D.txid, sa.Text).label("txid")]


def _xid8(value: int) -> sa.ColumnElement[Any]:
    return sa.cast(sa.literal(str(value), sa.Text), Xid8())


HORIZON = sa.func.pg_snapshot_xmin(sa.func.pg_current_snapshot())


# --- a request's own subscriptions ---------------------------------------------------------------------------


async def enter_owner(conn: AsyncConnection, owner: str) -> None:
    """Row-level security lets this transaction see only this organisation's subscriptions and deliveries."""
    await conn.execute(ENTER_OWNER, {"owner": owner})


async def insert_subscription(conn: AsyncConnection, values: dict[str, Any]) -> sa.Row[Any]:
    """A new subscription, owed the changes of transactions from the current horizon on (none is skipped: one
    still running when it was made is at or above the horizon)."""
    query = webhook_subscriptions.insert().values(**values, after_txid=HORIZON, after_seq=0).returning(*SUBSCRIPTION)
    return (await conn.execute(query)).one()


async def select_subscriptions(
    conn: AsyncConnection, owner: str, after: tuple[dt.datetime, UUID] | None, limit: int
) -> list[sa.Row[Any]]:
    query = sa.select(*SUBSCRIPTION).where(S.owner == owner)
    if after is not None:
        query = query.where(sa.tuple_(S.created_at, S.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
    return list(await conn.execute(query.order_by(S.created_at, S.id).limit(limit + 1)))


async def select_subscription(conn: AsyncConnection, owner: str, sub_id: UUID) -> sa.Row[Any] | None:
    query = sa.select(*SUBSCRIPTION).where(S.owner == owner, S.id == sub_id)
    return (await conn.execute(query)).first()


async def update_subscription(
    conn: AsyncConnection, owner: str, sub_id: UUID, version: int, values: dict[str, Any]
) -> sa.Row[Any] | None:
    """Change the subscription if it is still at `version` (its next version); None otherwise."""
    query = (
        webhook_subscriptions.update()
        .where(S.owner == owner, S.id == sub_id, S.version == version)
        .values(**values, version=version + 1, updated_at=sa.func.now())
        .returning(*SUBSCRIPTION)
    )
    return (await conn.execute(query)).first()


async def select_deliveries(conn: AsyncConnection, sub_id: UUID, after: int | None, limit: int) -> list[sa.Row[Any]]:
    """A subscription's deliveries, newest change first."""
    query = sa.select(*DELIVERY).where(D.subscription_id == sub_id)
    if after is not None:
        query = query.where(D.seq < after)
    return list(await conn.execute(query.order_by(D.seq.desc()).limit(limit + 1)))


async def redeliver(conn: AsyncConnection, sub_id: UUID, delivery_id: UUID) -> sa.Row[Any] | None:
    """Owe the delivery again from now, with a fresh retry schedule."""
    query = (
        webhook_deliveries.update()
        .where(D.subscription_id == sub_id, D.id == delivery_id)
        .values(status="pending", attempts=0, next_attempt_at=sa.func.now(), delivered_at=None)
        .returning(*DELIVERY)
    )
    return (await conn.execute(query)).first()


# --- the worker: owe events ----------------------------------------------------------------------------------


async def lock_subscriptions(conn: AsyncConnection, limit: int) -> list[sa.Row[Any]]:
    """Enabled subscriptions no other worker is scanning, locked until this transaction ends."""
    query = (
        sa.select(
            S.id,
            S.owner,
            S.la_code,
            S.role,
            S.event_types,
            sa.cast(S.after_txid, sa.Text).label("after_txid"),
            S.after_seq,
        )
        .where(S.enabled.is_(True))
        .order_by(S.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await conn.execute(query))


async def select_horizon(conn: AsyncConnection) -> int:
    """Every transaction with a lower id has ended (committed or aborted): no change can appear below it later."""
    return int((await conn.execute(sa.select(sa.cast(HORIZON, sa.Text)))).scalar_one())


async def select_positions(
    conn: AsyncConnection, la_code: str | None, after: Position, below: int, limit: int
) -> list[Position]:
    """Up to `limit` changes after `after`, of transactions below the horizon, in commit order (one council's, or
    every council's for an agency, whose access is filtered when they are owed)."""
    o = outbox.c
    query = sa.select(sa.cast(o.txid, sa.Text).label("txid"), o.seq).where(
        o.txid < _xid8(below),
        sa.tuple_(o.txid, o.seq) > sa.tuple_(_xid8(after[0]), sa.literal(after[1], sa.BigInteger)),
    )
    if la_code is not None:
        query = query.where(o.la_code == la_code)
    rows = await conn.execute(query.order_by(o.txid, o.seq).limit(limit))
    return [(int(r.txid), r.seq) for r in rows]


def _event_type() -> sa.ColumnElement[str]:
    """The generic type: `<kind>.<verb>` for a record's change; a row that is an event of its own (the flag
    lookup's `flag.accessed`) is typed by its op."""
    verb = sa.case(*((outbox.c.op == op, sa.literal(v)) for op, v in VERBS.items()), else_=sa.literal("changed"))
    generic = sa.case((outbox.c.op.contains("."), outbox.c.op), else_=outbox.c.kind + sa.literal(".") + verb)
    return sa.cast(generic, sa.String)


def _readable(scope: Scope, owner: str) -> sa.ColumnElement[bool]:
    """The outbox row's record is one the subscriber may read: each kind by its own reach (auth/policy.py). A flag
    lookup is told to the owning council alone (its rows are scanned per council: select_positions)."""
    by_reach: dict[Reach, list[str]] = {}
    for resource in all_resources():
        by_reach.setdefault(resource.reach, []).append(resource.kind)
    if not by_reach:  # fail closed: a process that has not imported the areas does not know what anyone may read
        raise RuntimeError("No kinds are registered: import sos_api.areas before owing webhook events.")
    return sa.or_(
        *(sa.and_(outbox.c.kind.in_(kinds), *row_filter(scope, reach)) for reach, kinds in by_reach.items()),
        sa.and_(outbox.c.kind == "flag_access", sa.literal(owner.startswith("la:"))),
    )


async def owe_events(conn: AsyncConnection, sub: sa.Row[Any], scope: Scope, seqs: Sequence[int]) -> int:
    """Add a pending delivery for each of these changes the subscription asked for and may read; how many."""
    if not seqs:
        return 0
    o = outbox.c
    generic = _event_type()
    named = events.named_event()
    types = list(sub.event_types)
    generic_wanted = sa.or_(generic.in_(types), (o.kind + sa.literal(".*")).in_(types), sa.literal("*" in types))
    # Asked for by its exact generic type, it is sent as that; else by its name if asked for; else as generic.
    event_type = sa.case((generic.in_(types), generic), (named.in_(types), named), else_=generic)
    wanted = sa.or_(generic_wanted, named.in_(types))
    source = (
        sa.select(
            sa.func.gen_random_uuid(),
            sa.literal(sub.id),
            sa.literal(sub.owner),
            o.seq,
            o.txid,
            o.la_code,
            o.kind,
            o.record_id,
            o.version,
            o.op,
            event_type,
            o.changed_at,
            sa.literal("pending"),
            sa.literal(0),
            sa.func.now(),
            sa.func.now(),
        )
        .select_from(events.with_versions(outbox.join(records, records.c.id == o.record_id)))
        .where(o.seq.in_(list(seqs)), wanted, _readable(scope, sub.owner))
    )
    columns = [
        "id",
        "subscription_id",
        "owner",
        "seq",
        "txid",
        "la_code",
        "kind",
        "record_id",
        "version",
        "op",
        "event_type",
        "occurred_at",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
    ]
    query = pg_insert(webhook_deliveries).from_select(columns, source).on_conflict_do_nothing()
    return (await conn.execute(query)).rowcount or 0


async def advance(conn: AsyncConnection, sub_id: UUID, position: Position) -> None:
    await conn.execute(
        webhook_subscriptions.update()
        .where(S.id == sub_id)
        .values(after_txid=_xid8(position[0]), after_seq=position[1])
    )


# --- the worker: claim, then record ---------------------------------------------------------------------------

CLAIM = sa.text(
    """
    WITH due AS (
        SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND s.enabled
        ORDER BY d.next_attempt_at
        LIMIT :limit
        FOR UPDATE OF d SKIP LOCKED
    ),
    claimed AS (
        UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, last_attempt_at = now(),
            next_attempt_at = now() + make_interval(secs => :lease)
        FROM due WHERE d.id = due.id
        RETURNING d.*
    )
    SELECT c.id, c.subscription_id, c.seq, CAST(c.txid AS text) AS txid, c.kind, c.record_id, c.version, c.op,
           c.event_type, c.occurred_at, c.attempts, s.url, s.secret, s.previous_secret, s.previous_secret_until
    FROM claimed c JOIN webhook_subscriptions s ON s.id = c.subscription_id
    """
)


async def claim_due(conn: AsyncConnection, limit: int, lease_seconds: float) -> list[sa.Row[Any]]:
    """Due deliveries no other worker holds, leased to this one for `lease_seconds`."""
    return list(await conn.execute(CLAIM, {"limit": limit, "lease": lease_seconds}))


async def record_attempt(conn: AsyncConnection, delivery_id: UUID, attempts: int, values: dict[str, Any]) -> bool:
    """How the attempt went, unless another worker has claimed the delivery since (its lease ran out)."""
    query = (
        webhook_deliveries.update()
        .where(D.id == delivery_id, D.attempts == attempts, D.status == "pending")
        .values(**values)
    )
    return bool((await conn.execute(query)).rowcount)


async def disable(conn: AsyncConnection, sub_id: UUID, reason: str) -> None:
    await conn.execute(
        webhook_subscriptions.update()
        .where(S.id == sub_id, S.enabled.is_(True))
        .values(enabled=False, disabled_reason=reason, version=S.version + 1, updated_at=sa.func.now())
    )


async def record_access(conn: AsyncConnection, delivered: Sequence[UUID]) -> None:
    """An access event for each delivered webhook, by its subscription's organisation: thin as it is, it told them
    a child's record changed (as a changes-feed page records each change it lists). Filed under the record's council,
    with its case and children as the record has them now."""
    if not delivered:
        return
    source = (
        sa.select(
            sa.func.gen_random_uuid(),
            sa.func.now(),
            D.la_code,
            sa.literal("webhook-subscription:") + sa.cast(S.id, sa.Text),
            S.role,
            S.owner,
            S.client_app,
            sa.literal("search_result"),
            D.kind,
            D.record_id,
            D.version,
            records.c.case_id,
            sa.func.coalesce(records.c.child_ids, sa.text("'{}'::uuid[]")),
            sa.literal("integration_sync"),
            sa.cast(D.id, sa.Text),
            sa.literal("webhook-worker"),
            sa.literal("allowed"),
        )
        .select_from(
            webhook_deliveries.join(webhook_subscriptions, S.id == D.subscription_id).outerjoin(
                records, records.c.id == D.record_id
            )
        )
        .where(D.id.in_(list(delivered)))
    )
    await conn.execute(access_events.insert().from_select(EVENT_COLUMNS, source))
