"""The acting caller of one request: who, in which role and scope, for what purpose, under which request id."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from sos_schema import PurposeOfUse

from . import problems
from .auth.policy import Scope, acting_role, default_purpose, scope_for
from .auth.roles import Principal, Role


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    principal: Principal
    role: Role
    scope: Scope
    request_id: str
    source_ip: str
    purpose: str
    operation_id: str
    # A production tenant refuses test data (BR-22); from the settings, so rules need not reach for them.
    production: bool = False
    # A child's own safety number at or below this raises an alert (SOS_UNSAFE_SCALE_AT_OR_BELOW).
    unsafe_scale_at_or_below: int = 3
    # Interop R11: what the caller's council says its own systems own, per kind (SOS_COUNCILS_FILE `owns`).
    council_owns: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.principal.subject


def purpose_of(request: Request[Any, Any, Any], operation_id: str, role: Role) -> str:
    declared = request.headers.get("x-purpose-of-use")
    if declared is None:
        return default_purpose(operation_id, role)
    try:
        return PurposeOfUse(declared.strip()).value
    except ValueError as exc:
        allowed = ", ".join(p.value for p in PurposeOfUse)
        raise problems.BadRequest(f"X-Purpose-Of-Use must be one of: {allowed}.") from exc


async def provide_actor(request: Request[Principal, Any, Any]) -> Actor:
    operation_id = str(request.route_handler.operation_id)
    role = getattr(request.state, "acting_role", None) or acting_role(operation_id, request.user)
    client = request.client
    return Actor(
        principal=request.user,
        role=role,
        scope=scope_for(request.user, role),
        request_id=str(request.state.request_id),
        source_ip=client.host if client else "unknown",
        purpose=purpose_of(request, operation_id, role),
        operation_id=operation_id,
        production=request.app.state.settings.production,
        unsafe_scale_at_or_below=request.app.state.settings.unsafe_scale_at_or_below,
        council_owns=_council_owns(request.app.state.settings, request.user),
    )


def _council_owns(settings: Any, principal: Principal) -> dict[str, tuple[str, ...]]:
    la_code = principal.la_code
    if la_code is None:
        return {}
    owns: dict[str, tuple[str, ...]] = settings.council(la_code).owns
    return owns
