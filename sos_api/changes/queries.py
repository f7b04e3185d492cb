"""SQL for the changes feed: pages of a council's outbox in commit order, the pruning horizon, and pruning.

Why commit order needs more than `seq`: the identity is taken when a row is written, not when its transaction
commits, so a transaction holding seq 10 can commit after a reader has already served seq 11 and paged past it.
Each outbox row therefore carries its transaction's id (`txid`, xid8, default `pg_current_xact_id()`), and a page
serves only rows whose transaction is below `pg_snapshot_xmin(pg_current_snapshot())`: every transaction below
that horizon has committed or aborted, so no row can appear below it later. Rows are served in (txid, seq) order
and the cursor is the last (txid, seq) served. A transaction still running holds the horizon (and so the feed)
back until it ends, never makes anyone skip it. Everything here is per statement and per transaction: no session
state, so PgBouncer in transaction mode is safe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ..db.tables import Xid8, changes_horizon, outbox, records

Position = tuple[int, int]


class ChangeRow(msgspec.Struct, frozen=True, kw_only=True):
    """One outbox row as the feed serves it, with what an access event names of its record."""

    txid: int
    seq: int
    la_code: str
    kind: str
    id: UUID
    version: int
    op: str
    changed_at: dt.datetime
    actor: str
    source_system: str | None
    case_id: UUID | None
    child_ids: list[UUID]
    # A person merged away (interop R4): the survivor, from the record as it is now.
    merged_into: UUID | None = None

    @property
    def position(self) -> Position:
        return (self.txid, self.seq)


def _xid8(value: int) -> sa.ColumnElement[Any]:
    return sa.cast(sa.literal(str(value), sa.Text), Xid8())


async def select_finished_below(conn: AsyncConnection) -> int:
    """The horizon: every transaction with a lower id has ended (committed or aborted)."""
    query = sa.select(sa.cast(sa.func.pg_snapshot_xmin(sa.func.pg_current_snapshot()), sa.Text))
    return int((await conn.execute(query)).scalar_one())


async def select_changes(
    conn: AsyncConnection, la_code: str, kinds: Sequence[str], *, after: Position | None, below: int, limit: int
) -> list[ChangeRow]:
    """Up to limit+1 of the council's changes after `after`, from transactions below the horizon, in commit order.
    The record's case and children come from the record as it is now (a referral's case is settled later)."""
    o = outbox.c
    query = (
        sa.select(
            sa.cast(o.txid, sa.Text).label("txid"),
            o.seq,
            o.la_code,
            o.kind,
            o.record_id,
            o.version,
            o.op,
            o.changed_at,
            o.actor,
            o.source_system,
            records.c.case_id,
            records.c.child_ids,
            records.c.doc["meta"]["merged_into"].astext.label("merged_into"),
        )
        .select_from(outbox.outerjoin(records, records.c.id == o.record_id))
        .where(o.la_code == la_code, o.txid < _xid8(below))
    )
    if kinds:
        query = query.where(o.kind.in_(list(kinds)))
    if after is not None:
        query = query.where(sa.tuple_(o.txid, o.seq) > sa.tuple_(_xid8(after[0]), sa.literal(after[1], sa.BigInteger)))
    rows = await conn.execute(query.order_by(o.txid, o.seq).limit(limit + 1))
    return [
        ChangeRow(
            txid=int(r.txid),
            seq=r.seq,
            la_code=r.la_code,
            kind=r.kind,
            id=r.record_id,
            version=r.version,
            op=r.op,
            changed_at=r.changed_at,
            actor=r.actor,
            source_system=r.source_system,
            case_id=r.case_id,
            child_ids=list(r.child_ids or []),
            merged_into=UUID(r.merged_into) if r.merged_into else None,
        )
        for r in rows
    ]


async def select_horizon(conn: AsyncConnection, la_code: str) -> Position | None:
    """The position of the council's newest pruned change, if any were pruned."""
    row = (
        await conn.execute(
            sa.select(sa.cast(changes_horizon.c.txid, sa.Text).label("txid"), changes_horizon.c.seq).where(
                changes_horizon.c.la_code == la_code
            )
        )
    ).first()
    return (int(row.txid), row.seq) if row else None


# One statement: delete what is older than the retention, and move each council's horizon to the newest change
# deleted (never back). Runs as the login outside any tenant (role sos_system, migration 0008); the outbox's
# trigger refuses to delete anything younger than 35 days whatever this says.
PRUNE = sa.text(
    """
    WITH gone AS (
        DELETE FROM outbox WHERE changed_at < now() - make_interval(days => :days)
        RETURNING la_code, txid, seq
    ),
    newest AS (
        SELECT DISTINCT ON (la_code) la_code, txid, seq FROM gone ORDER BY la_code, txid DESC, seq DESC
    ),
    moved AS (
        INSERT INTO changes_horizon AS h (la_code, txid, seq, pruned_at)
        SELECT la_code, txid, seq, now() FROM newest
        ON CONFLICT (la_code) DO UPDATE SET txid = EXCLUDED.txid, seq = EXCLUDED.seq, pruned_at = EXCLUDED.pruned_at
        WHERE (h.txid, h.seq) < (EXCLUDED.txid, EXCLUDED.seq)
    )
    SELECT la_code, count(*) AS pruned FROM gone GROUP BY la_code ORDER BY la_code
    """
)


async def delete_older_than(conn: AsyncConnection, days: int) -> dict[str, int]:
    """Prune changes older than `days`; how many went, per council."""
    return {r.la_code: r.pruned for r in await conn.execute(PRUNE, {"days": days})}
