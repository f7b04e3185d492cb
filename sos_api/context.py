"""The acting caller of one request: who, in which scope, for what purpose, under which request id."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from sos_schema import PurposeOfUse

from . import problems
from .auth.policy import Scope, default_purpose, scope_for
from .auth.roles import Principal


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    principal: Principal
    request_id: str
    source_ip: str
    purpose: str
    operation_id: str

    @property
    def scope(self) -> Scope:
        return scope_for(self.principal)

    @property
    def name(self) -> str:
        return self.principal.subject


async def provide_actor(request: Request[Principal, Any, Any]) -> Actor:
    operation_id = str(request.route_handler.operation_id)
    declared = request.headers.get("x-purpose-of-use")
    if declared is not None:
        try:
            purpose = PurposeOfUse(declared.strip()).value
        except ValueError as exc:
            allowed = ", ".join(p.value for p in PurposeOfUse)
            raise problems.BadRequest(f"X-Purpose-Of-Use must be one of: {allowed}.") from exc
    else:
        purpose = default_purpose(operation_id, request.user)
    client = request.client
    return Actor(
        principal=request.user,
        request_id=str(request.state.request_id),
        source_ip=client.host if client else "unknown",
        purpose=purpose,
        operation_id=operation_id,
    )
