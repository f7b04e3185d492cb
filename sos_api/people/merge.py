"""Merging a duplicate person into the surviving one (interop R4): `POST /v1/people/{id}/merge`.

One transaction: the person merged away (If-Match) and the survivor are locked; the loser's identifiers move to the
survivor (one that would be a second current identifier of its system is kept ended today, as CP-IS keeps an
inactive NHS number); every case, involvement and relationship naming the loser names the survivor instead, each as
a new version; and the loser becomes a tombstone: entered in error with the reason, `meta.merged_into` naming the
survivor, and a `merge` in the changes feed. Its GET then answers 410 with `merged_into` (not a 308 to the survivor:
a redirect would hand a caller someone else's record without telling them of the merge). Refused (409
`merge-refused`): a person merged into themselves, into someone not a current person of the caller's council (another
council's, one merged away or entered in error), or a merge that would put one person twice in a case.
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from sos_schema import EnteredInError, Identifier, Person, PersonMerge

from .. import problems
from ..auth.policy import ALL_VISIBILITIES
from ..context import Actor
from ..db import records as q
from ..db.engine import Database
from ..resources.registry import resource
from ..resources.service import Written, as_read, load_for_update, next_meta, now, today, update
from . import queries
from .service import KIND

S = TypeVar("S", bound=msgspec.Struct)
# The kinds whose records name people and follow them to the survivor.
NAMING_KINDS = ("case", "case_involvement", "relationship")
REFUSED_INTO = "`into` must name a current person of your council: not one merged away or entered in error."


def _moved(survivor: Person, loser: Person) -> list[Identifier]:
    """The loser's identifiers the survivor does not hold; one the survivor already has a current one of its system
    (and issuer) for is kept ended today."""
    held = {(i.system, i.key_issuer, i.value) for i in survivor.identifiers}
    current = {(i.system, i.key_issuer) for i in survivor.identifiers if i.valid_to is None}
    moved = []
    for ident in loser.identifiers:
        if (ident.system, ident.key_issuer, ident.value) in held:
            continue
        if ident.valid_to is None and (ident.system, ident.key_issuer) in current:
            ident = msgspec.structs.replace(ident, valid_to=today())
        moved.append(ident)
    return moved


def _checked(doc: object, kind: type[S], what: str) -> S:
    """A rebuilt document (or its JSON) checked as a client's would be: 409 naming the rule it would break."""
    text = doc if isinstance(doc, bytes) else msgspec.json.encode(doc)
    try:
        return msgspec.json.decode(text, type=kind)
    except msgspec.ValidationError as exc:
        raise problems.MergeRefused(f"After the merge {what} would be invalid: {exc}.") from exc


async def _follow(conn: AsyncConnection, actor: Actor, loser: UUID, survivor: UUID) -> None:
    """Every current record naming the loser names the survivor, wherever it is in the council: the merge is the
    server's bookkeeping, so it reaches records beyond the caller's own cases."""
    council = msgspec.structs.replace(actor.scope, grants=None, visibilities=ALL_VISIBILITIES)
    at = now()
    for kind in NAMING_KINDS:
        res = resource(kind)
        for stored in await q.select_where(conn, council, res, q.mentioning(loser), for_update=True):
            text = stored.doc.decode().replace(str(loser), str(survivor))
            doc: Any = _checked(text.encode(), res.record.stored, f"{res.a_title} ({stored.id})")
            doc = msgspec.structs.replace(doc, meta=next_meta(doc.meta, actor, at))
            if res.after is not None:
                await res.after(conn, actor, doc, stored)
            await update(conn, actor, res, stored, doc, at)


async def merge(db: Database, actor: Actor, loser_id: UUID, expected: int | None, body: PersonMerge) -> Written:
    """Merge `loser_id` into `body.into` (see the module); answers with the survivor as it now is."""
    res = resource(KIND)
    if body.into == loser_id:
        raise problems.MergeRefused("A person cannot be merged into themselves.")
    async with db.begin(actor.scope) as conn:
        stored_loser = await load_for_update(conn, actor, res, loser_id, expected or 0)
        stored_survivor = await q.select_record(conn, actor.scope, res, body.into, for_update=True)
        if stored_survivor is None:
            raise problems.MergeRefused(REFUSED_INTO)
        loser = msgspec.json.decode(stored_loser.doc, type=Person)
        survivor = msgspec.json.decode(stored_survivor.doc, type=Person)
        at = now()
        identifiers = [*survivor.identifiers, *_moved(survivor, loser)]
        merged = _checked(msgspec.structs.replace(survivor, identifiers=identifiers), Person, "the survivor")
        kept = msgspec.structs.replace(merged, meta=next_meta(survivor.meta, actor, at))
        mark = EnteredInError(reason=body.reason or f"Merged into {body.into}.", by=actor.name, at=at)
        meta = msgspec.structs.replace(next_meta(loser.meta, actor, at), entered_in_error=mark, merged_into=body.into)
        tombstone = msgspec.structs.replace(loser, identifiers=[], meta=meta)
        # The loser's identifiers are released before the survivor takes them.
        await queries.replace_identifiers(conn, loser.meta.la_code, loser.id, [])
        await update(conn, actor, res, stored_loser, tombstone, at, entered_in_error=True, op="merge")
        await queries.replace_identifiers(conn, kept.meta.la_code, kept.id, kept.identifiers)
        written = await update(conn, actor, res, stored_survivor, kept, at)
        await _follow(conn, actor, loser.id, kept.id)
        return await as_read(conn, actor, res, written)
