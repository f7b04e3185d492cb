"""Record refused attempts on a child's records (BR-25, domain 4.3), after the refusal and in its own
transaction, since the request's own transaction (if any) was rolled back.

A 403 is always recorded. A 404 is recorded only when the id names a record that exists but is hidden from
the caller (another council's child, a case the agency is not involved in); a plain miss touched nobody.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from litestar import Request

from .. import problems
from ..auth.policy import Scope, councils_of, default_purpose, scope_for
from ..auth.roles import Principal, Role
from ..context import Actor, purpose_of
from ..db import records as q
from ..db.records import StoredRecord
from ..resources.registry import OPERATION_KINDS, resource
from . import record as audit

log = logging.getLogger(__name__)

# Operations outside the registry, by the kind of record they read.
OTHER_KINDS = {"listAuditEvents": "access_event", "getPersonAccessHistory": "access_event"}


def kind_of(operation_id: str) -> str:
    """The kind of record a refused call without an id was aiming at (a create or a search)."""
    return OPERATION_KINDS.get(operation_id) or OTHER_KINDS.get(operation_id, "unknown")


async def record_denial(exc: Exception, scope: Any) -> None:
    if not isinstance(exc, problems.Forbidden | problems.NotFound):
        return
    who = scope.get("user")
    handler = scope.get("route_handler")
    if not isinstance(who, Principal) or handler is None:
        return
    try:
        await _record(exc, scope, who, str(handler.operation_id))
    except Exception:  # the refusal stands even if recording it failed; operators must hear about it
        log.exception("could not record a denied attempt")


async def _record(exc: Exception, scope: Any, who: Principal, operation_id: str) -> None:
    request: Request[Any, Any, Any] = Request(scope)
    role = getattr(request.state, "acting_role", None) or who.roles[0]
    ids = [v for v in request.path_params.values() if isinstance(v, UUID)]
    try:
        purpose = purpose_of(request, operation_id, role)
    except problems.BadRequest:  # an unreadable X-Purpose-Of-Use still gets its refusal recorded
        purpose = default_purpose(operation_id, role)
    async with request.app.state.db.begin_system() as conn:
        stored = await q.select_unscoped(conn, ids) if ids else None
        writing = request.method not in {"GET", "HEAD"}
        if isinstance(exc, problems.NotFound) and (
            stored is None or await _reachable(conn, who, role, stored, writing)
        ):
            return
        actor = Actor(
            principal=who,
            role=role,
            scope=Scope(la_code=who.la_code, visibilities=frozenset()),
            request_id=str(getattr(request.state, "request_id", "")),
            source_ip=request.client.host if request.client else "unknown",
            purpose=purpose,
            operation_id=operation_id,
        )
        for la_code in [stored.la_code] if stored else await _councils(conn, who, role):
            await audit.record(
                conn,
                actor,
                "denied",
                object_type=stored.kind if stored else kind_of(operation_id),
                object_id=stored.id if stored else None,
                object_version=stored.version if stored else None,
                case_id=stored.case_id if stored else None,
                child_ids=stored.child_ids if stored else (),
                outcome="denied",
                la_code=la_code,
            )


async def _councils(conn: Any, who: Principal, role: Role) -> list[str | None]:
    """Whose auditors hear of a refusal that named no record: the caller's council, or for an agency every
    council whose cases involve it (none: the event is kept with no council)."""
    if who.la_code is not None:
        return [who.la_code]
    try:
        codes = await conn.scalar(councils_of(scope_for(who, role)))
    except problems.NotFound:
        codes = ""
    return list(codes.split(",")) if codes else [None]


async def _reachable(conn: Any, who: Principal, role: Role, stored: StoredRecord, writing: bool) -> bool:
    """Whether the caller could have seen (or, for a write, changed) the record: if so, its 404 was a missing
    sub-resource, not a refusal. A case worker reads every person in the register but changes only those on
    their cases, so a refused change to a person is a refusal."""
    try:
        mine = scope_for(who, role)
    except problems.NotFound:
        return False
    return await q.record_exists(conn, mine, resource(stored.kind), stored.id, write=writing) is not None
