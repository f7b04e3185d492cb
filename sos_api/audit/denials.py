"""Record refused attempts on a child's records (BR-25, domain 4.3), after the refusal and in its own
transaction, since the request's own transaction (if any) was rolled back.

A 403 is always recorded. A 404 is recorded only when the id names a record that exists but is hidden from
the caller (another council's child, a case the agency is not involved in); a plain miss touched nobody.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from .. import problems
from ..auth.policy import OPERATIONS, Scope, default_purpose, scope_for
from ..auth.roles import Principal
from ..context import Actor
from ..db import records as q
from ..db.tables import records
from . import record as audit

log = logging.getLogger(__name__)

# The kind of record a refused call without an id was aiming at (a create or a search).
KIND_OF_RESOURCE = {
    "cases": "case",
    "case-involvements": "case_involvement",
    "people": "person",
    "assessment-maps": "assessment_map",
    "danger-statements": "danger_statement",
    "scaling": "scaling_judgement",
    "audit-events": "access_event",
}


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
    state = scope.get("state", {})
    role = state.get("acting_role") or who.roles[0]
    ids = [v for v in scope.get("path_params", {}).values() if isinstance(v, UUID)]
    db = scope["litestar_app"].state.db
    async with db.begin_system() as conn:
        named = sa.select(records.c.id, records.c.kind, records.c.la_code).where(records.c.id.in_(ids)).limit(1)
        target = (await conn.execute(named)).first() if ids else None
        if isinstance(exc, problems.NotFound) and (target is None or await _visible(conn, who, role, target)):
            return
        stored = await q.select_record(conn, _everything(target.la_code), target.kind, target.id) if target else None
        rule = OPERATIONS.get(operation_id)
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"x-purpose-of-use", b"").decode("latin-1").strip()
        client = scope.get("client")
        actor = Actor(
            principal=who,
            role=role,
            scope=Scope(la_code=who.la_code, visibilities=frozenset()),
            request_id=str(state.get("request_id", "")),
            source_ip=client[0] if client else "unknown",
            purpose=declared or default_purpose(operation_id, role),
            operation_id=operation_id,
        )
        await audit.record(
            conn,
            actor,
            "denied",
            object_type=stored.kind if stored else KIND_OF_RESOURCE.get(rule.resource if rule else "", "unknown"),
            object_id=stored.id if stored else None,
            object_version=stored.version if stored else None,
            case_id=stored.case_id if stored else None,
            child_ids=stored.child_ids if stored else (),
            outcome="denied",
            la_code=stored.la_code if stored else None,
        )


def _everything(la_code: str) -> Scope:
    return Scope(la_code=la_code, visibilities=frozenset({"family_shareable", "professionals_only", "restricted"}))


async def _visible(conn: Any, who: Principal, role: Any, target: Any) -> bool:
    try:
        mine = scope_for(who, role)
    except problems.NotFound:
        return False
    return await q.record_exists(conn, mine, target.kind, target.id) is not None
