"""One structured log line per HTTP request, with nothing in it that can identify a person (pitfall 18).

The line names the route template (`/v1/people/{person_id}`), never the path or the query string: paths carry
ids and query strings carry NHS numbers (`?identifier=nhs_number|...`). No headers and no bodies either; the
request id (interop R28) is what links the line to the audit trail and to a problem's `instance`.
Logger `sos_api.request`, level INFO; the message is one JSON object:

    {"method":"GET","route":"/v1/people/{person_id}","status":200,"duration_ms":3.1,"request_id":"...",
     "organisation":"la:845"}

`organisation` is the verified caller's (none before authentication). The same middleware counts the request for
Prometheus (sos_api/metrics.py) with the same route template. With sos_api/logs.py's formatter the fields are the
top level of the JSON line written. The ASGI server's own access log prints the raw target, so it is turned off
(sos_api/logs.py, cli.py).
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
from .metrics import Metrics

log = logging.getLogger("sos_api.request")

UNMATCHED = "<unmatched>"


class RequestLine(msgspec.Struct):
    """The fields of one request line, in the order they are written."""

    method: str
    route: str
    status: int | None
    duration_ms: float
    request_id: str | None
    organisation: str | None = None


_encode = msgspec.json.Encoder().encode


class RequestLogMiddleware:
    """Pure ASGI: time the request, note the status sent, log one line and count it when the app returns or
    raises."""

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
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
            seconds = time.perf_counter() - started
            method, route = scope.get("method", ""), scope.get("path_template") or UNMATCHED
            if self.metrics is not None:
                self.metrics.observe(method, route, status, seconds)
            if log.isEnabledFor(logging.INFO):
                state: dict[str, Any] = scope.get("state") or {}
                user = scope.get("user")
                line = _encode(
                    RequestLine(
                        method=method,
                        route=route,
                        status=status,
                        duration_ms=round(seconds * 1000, 1),
                        request_id=state.get("request_id"),
                        organisation=getattr(user, "organisation", None),
                    )
                )
                log.info("%s", line.decode(), extra={"json_fields": line})


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
