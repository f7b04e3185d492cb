"""Upsert by source key (interop R3), the same for every kind a council's own system keeps.

`PUT <where the kind is created>?source=<council system URI>&source_id=<its key>`, one transaction: the key is
locked (a transaction-scoped advisory lock on council, kind, system and key), then looked up. No record holds it:
the body is recorded as a new record carrying the key (201, Location; no If-Match). One does: the body replaces it
under the same If-Match rule as the kind's own PUT (428 without, 412 when stale), and a council system changes only
the fields it owns (R11, 409 `not-authoritative`). Two sync clients racing one key are serialised by the lock: one
creates, the other then finds the record; the primary key on (council, kind, system, key) backs the lock up.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import msgspec

from sos_schema import SourceRef

from .. import problems
from ..context import Actor
from ..db import source_keys as keys
from ..db.engine import Database
from . import ownership, tombstones
from .registry import SOURCE_BASE, Resource
from .service import Written, as_read, insert, load_for_update, load_parent, new_id, races, update

_SOURCE = re.compile(re.escape(SOURCE_BASE) + r"([0-9]{3})/([a-z][a-z0-9-]{0,40})")


def systems_of(res: Resource, la_code: str) -> list[str]:
    assert res.sync is not None
    return [f"{SOURCE_BASE}{la_code}/{slug}" for slug in res.sync.systems]


def source_key(actor: Actor, res: Resource, system: str, source_id: str) -> SourceRef:
    """The key named in the query: a system of this kind that names the caller's own council (403 for another
    council's, 400 for a system this kind does not take)."""
    assert res.sync is not None
    own = systems_of(res, actor.scope.tenant)
    found = _SOURCE.fullmatch(system)
    if found is None or found.group(2) not in res.sync.systems:
        raise problems.BadRequest(f"source must be one of your council's {res.names.title} systems: {', '.join(own)}.")
    if found.group(1) != actor.scope.tenant:
        raise problems.SourceNotYours(
            f"{system} is council {found.group(1)}'s system; you write only your own council's keys ({own[0]})."
        )
    return SourceRef(system=system, source_id=source_id)


# The key's primary key: only a writer outside the lock (none today) could trip it.
KEY_CONSTRAINT = "pk_source_keys"


def _taken() -> problems.ProblemError:
    return problems.Conflict("Another request recorded this source key first: read the record and send If-Match.")


def _with_key(doc: Any, key: SourceRef) -> Any:
    return msgspec.structs.replace(doc, meta=msgspec.structs.replace(doc.meta, source=key))


async def upsert(
    db: Database,
    actor: Actor,
    res: Resource,
    parent_id: UUID | None,
    key: SourceRef,
    expected: int | None,
    body: Any,
) -> Written:
    """Create or replace the record of `res` holding `key` in the caller's council (see the module)."""
    create, replace = res.create, res.replace
    assert create is not None
    assert replace is not None
    la_code = actor.scope.tenant
    ownership.check_kind(actor, res)
    with races({**create.conflicts, KEY_CONSTRAINT: _taken}):
        async with db.begin(actor.scope) as conn:
            where = (la_code, res.kind, key.system, key.source_id)
            await keys.lock(conn, *where)
            record_id = await keys.select_holder(conn, *where)
            if record_id is None:
                if expected is not None:
                    raise problems.VersionConflict("If-Match was sent, but no record holds this source key yet.")
                parent = await load_parent(conn, actor, res, parent_id, body)
                doc = _with_key(await create.build(conn, actor, parent, body, new_id()), key)
                written = await insert(conn, actor, res, doc, doc.meta.created_at, parent, source_system=key.system)
                await keys.insert_key(conn, *where, doc.id, doc.meta.created_at)
                if res.after is not None:
                    await res.after(conn, actor, doc, None)
                return await as_read(conn, actor, res, written)
            if expected is None:
                raise problems.PreconditionRequired(
                    'A record holds this source key: send If-Match with the ETag you read, e.g. If-Match: W/"3".'
                )
            await tombstones.refuse_if_gone(conn, actor, res, record_id)
            stored = await load_for_update(conn, actor, res, record_id, expected)
            if parent_id is not None and parent_id not in (stored.case_id, stored.parent_id):
                raise problems.Conflict(f"This source key is held by {res.a_title} under another record than this one.")
            doc = await replace.build(conn, actor, stored, body)
            ownership.check_fields(actor, res, stored.doc, msgspec.json.encode(doc))
            if res.after is not None:
                await res.after(conn, actor, doc, stored)
            written = await update(conn, actor, res, stored, doc, doc.meta.updated_at, source_system=key.system)
            return msgspec.structs.replace(await as_read(conn, actor, res, written), created=False)
