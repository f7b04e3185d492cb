"""One structured log line per HTTP request, with nothing in it that can identify a person (pitfall 18).

The line names the route template (`/v1/people/{person_id}`), never the path or the query string: paths carry
ids and query strings carry NHS numbers (`?identifier=nhs_number|...`). No headers and no bodies either; the
request id (interop R28) is what links the line to the audit trail and to a problem's `instance`.
Logger `sos_api.request`, level INFO; the message is one JSON object:

    {"method":"GET","route":"/v1/people/{person_id}","status":200,"duration_ms":3.1,"request_id":"..."}

uvicorn's own access log prints the raw target, so it is turned off where the server is started (cli.py).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import msgspec
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from . import problems

log = logging.getLogger("sos_api.request")

UNMATCHED = "<unmatched>"


class RequestLine(msgspec.Struct):
    """The fields of one request line, in the order they are written."""

    method: str
    route: str
    status: int | None
    duration_ms: float
    request_id: str | None


_encode = msgspec.json.Encoder().encode


class RequestLogMiddleware:
    """Pure ASGI: time the request, note the status sent, log one line when the app returns or raises."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        except Exception as exc:
            # Raised outside the route's own exception handling (e.g. 401 from the auth middleware): the app's
            # handler answers after this returns, with the status problems.py gives this exception.
            if status is None:
                status = status_of(exc)
            raise
        finally:
            # Read after the app ran: routing fills in the template, RequestIdMiddleware the request id.
            state: dict[str, Any] = scope.get("state") or {}
            line = RequestLine(
                method=scope.get("method", ""),
                route=scope.get("path_template") or UNMATCHED,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                request_id=state.get("request_id"),
            )
            log.info("%s", _encode(line).decode())


def status_of(exc: Exception) -> int:
    """The status problems.py answers an exception with (mirrors its handlers)."""
    if isinstance(exc, problems.ProblemError):
        return exc.status
    if isinstance(exc, NotAuthorizedException):
        return 401
    if isinstance(exc, ValidationException):
        return 400
    if isinstance(exc, HTTPException):
        return exc.status_code
    return 500
