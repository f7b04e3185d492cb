"""The changes feed's rules: which kinds, where a page starts and ends, what is expired, and pruning.

A page ends with a cursor on the last change served, or, when the page is not full, on the horizon itself: every
change of a finished transaction has then been served, so an idle council's cursor keeps moving and does not
expire while its client keeps polling.
"""

from __future__ import annotations

import msgspec

from sos_schema import Change, ChangeOp, ChangePage, ChangeReason

from .. import problems
from ..audit import record as audit
from ..context import Actor
from ..db.engine import Database
from ..http import Cursors
from ..resources.registry import kinds as registered_kinds
from ..resources.registry import resource
from . import queries
from .queries import ChangeRow, Position

# Stored outbox ops (db/records.py) -> the feed's. Nothing is hard-deleted (BR-23): entered in error is the delete.
# A person merged into another (interop R4) is a merge, with the survivor named.
OPS = {
    "create": ChangeOp.upsert,
    "update": ChangeOp.upsert,
    "entered_in_error": ChangeOp.delete,
    "merge": ChangeOp.merge,
    # The flag lookup's row (flags.tell_council): an event about the child, not a version of a record.
    "flag.accessed": ChangeOp.accessed,
}
REASONS = {"entered_in_error": ChangeReason.entered_in_error, "merge": ChangeReason.merged}
FRESH_CURSOR = "The cursor is not valid for this feed. Start again without a cursor."


def wanted_kinds(types: str | None) -> tuple[str, ...]:
    """The kinds named in `types=` (comma-separated), sorted; all kinds when absent. 400 for one we do not know."""
    if types is None:
        return ()
    named = sorted({t.strip() for t in types.split(",") if t.strip()})
    unknown = [t for t in named if t not in registered_kinds()]
    if unknown:
        raise problems.UnknownChangeType(
            f"Unknown type {', '.join(unknown)}; the feed knows: {', '.join(registered_kinds())}."
        )
    return tuple(named)


def _position(key: list[object] | None) -> Position | None:
    if key is None:
        return None
    match key:
        case [int(txid), int(seq)] if not isinstance(txid, bool) and not isinstance(seq, bool) and txid >= 0 <= seq:
            return (txid, seq)
    raise problems.BadRequest(FRESH_CURSOR)


def _href(row: ChangeRow) -> str | None:
    """The version's own URL (interop R9), for a kind the API still serves."""
    if row.kind not in registered_kinds():
        return None
    return f"{resource(row.kind).names.path}/{row.id}/versions/{row.version}"


def _item(row: ChangeRow) -> Change:
    return Change(
        position=f"{row.txid}.{row.seq}",
        type=row.kind,
        id=row.id,
        version=row.version,
        op=OPS[row.op],
        changed_at=row.changed_at,
        actor=row.actor,
        source_system=row.source_system,
        case_id=row.case_id,
        reason=REASONS.get(row.op),
        merged_into=row.merged_into if row.op == "merge" else None,
        href=_href(row),
    )


async def changes_page(
    db: Database, actor: Actor, cursors: Cursors, types: str | None, cursor: str | None, limit: int
) -> bytes:
    """One page of the caller's council's changes in commit order; each change listed is an access event."""
    la_code = actor.scope.tenant
    kinds = wanted_kinds(types)
    binding = f"changes:{la_code}:{','.join(kinds)}"
    after = _position(cursors.read(cursor, binding))
    async with db.begin(actor.scope) as conn:
        below = await queries.select_finished_below(conn)
        rows = await queries.select_changes(conn, la_code, kinds, after=after, below=below, limit=limit)
        # Read after the page: a prune that committed while the page was read moves the horizon, and is seen here.
        horizon = await queries.select_horizon(conn, la_code)
        if after is not None and horizon is not None and after < horizon:
            raise problems.CursorExpired(
                "Changes after this cursor have been pruned (SOS_CHANGES_RETENTION_DAYS). Resynchronise, then follow "
                "the feed again without a cursor."
            )
        shown = rows[:limit]
        await audit.record_rows(conn, actor, "search_result", shown)
    if len(rows) > limit:
        last = shown[-1].position
    else:
        last = max(after or (0, 0), shown[-1].position if shown else (0, 0), (below, 0))
    page = ChangePage(items=[_item(r) for r in shown], next_cursor=cursors.make(last, binding))
    return msgspec.json.encode(page)


async def prune_changes(db: Database, retention_days: int) -> dict[str, int]:
    """Remove changes older than the retention, outside any tenant (the server's own bookkeeping); per council,
    how many went."""
    async with db.begin_system() as conn:
        return await queries.delete_older_than(conn, retention_days)
