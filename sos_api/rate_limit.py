"""Rate limits (interop R29): a 429 `rate-limited` problem with `Retry-After`, and the caller's quota announced
on every limited response.

Headers: `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the window ends) as in
draft-ietf-httpapi-ratelimit-headers-07 section 3 (the three-field form most clients and gateways read), and
`Retry-After` in delta-seconds (RFC 9110 section 10.2.3) on the 429.

Who is counted: each caller (token issuer + subject) on its own, so one busy user or system never uses up
another's quota. Integration clients and partner systems (the D2I and other nightly batch senders) get
SOS_RATE_LIMIT_CLIENT_REQUESTS per window, everyone else SOS_RATE_LIMIT_USER_REQUESTS. Public service routes
(health, ready, jwks, discovery) are never limited: they carry no token and orchestrators poll them.

Where the counters live, and why: in each worker's memory, not in PostgreSQL. A shared counter would be exact,
but it is one UPSERT in its own transaction per request; measured on the 2-core CI machine that is about 1 ms
and a pool connection per call (against 0.5 us for the in-memory count), on the hot read path of every request.
Instead each worker enforces its share of the quota, `ceil(limit / SOS_RATE_LIMIT_WORKERS)`, where
SOS_RATE_LIMIT_WORKERS is the number of worker processes across all replicas. Windows are fixed and aligned to
the clock (window n covers [n*w, (n+1)*w) seconds since the epoch), so every worker resets at the same moment and
`RateLimit-Reset` agrees whichever replica answers. The cost is precision: with a round-robin load balancer a
caller gets about its quota; one whose requests all land on one worker is limited at its share. `Remaining` is
this worker's remaining share scaled to the whole quota (exact with one worker). No state survives a restart,
which at worst gives a caller one fresh window: acceptable for a limit meant to stop runaway clients.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from . import problems
from .auth.roles import Principal, Role
from .settings import Settings

LIMIT = "RateLimit-Limit"
REMAINING = "RateLimit-Remaining"
RESET = "RateLimit-Reset"
RETRY_AFTER = "Retry-After"
CLIENT_ROLES = frozenset({Role.integration_client, Role.partner_system})


class Decision:
    """What one request is told: its quota, what is left of it, seconds until the window ends, and whether it
    may go ahead."""

    __slots__ = ("allowed", "limit", "remaining", "reset")

    def __init__(self, *, allowed: bool, limit: int, remaining: int, reset: int) -> None:
        self.allowed, self.limit, self.remaining, self.reset = allowed, limit, remaining, reset

    def headers(self) -> dict[str, str]:
        return {LIMIT: str(self.limit), REMAINING: str(self.remaining), RESET: str(self.reset)}


class RateLimiter:
    """Per-worker fixed windows aligned to the clock; `clock` is injectable so tests can end a window."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time) -> None:
        self.window = settings.rate_limit_window_seconds
        self.workers = settings.rate_limit_workers
        self.user_limit = settings.rate_limit_user_requests
        self.client_limit = settings.rate_limit_client_requests
        self.clock = clock
        self._window_index = -1
        # caller -> requests counted in the current window; replaced whole when the window ends, so it never
        # holds more than the callers seen in one window.
        self._counts: dict[tuple[str, str], int] = {}

    def limit_for(self, principal: Principal) -> int:
        return self.client_limit if CLIENT_ROLES.intersection(principal.roles) else self.user_limit

    def hit(self, principal: Principal) -> Decision:
        now = self.clock()
        index = int(now // self.window)
        if index != self._window_index:
            self._window_index, self._counts = index, {}
        reset = max(1, math.ceil((index + 1) * self.window - now))
        limit = self.limit_for(principal)
        share = math.ceil(limit / self.workers)
        key = (principal.issuer, principal.subject)
        used = self._counts.get(key, 0)
        if used >= share:
            return Decision(allowed=False, limit=limit, remaining=0, reset=reset)
        used += 1
        self._counts[key] = used
        remaining = max(0, min(limit, (share - used) * self.workers))
        return Decision(allowed=True, limit=limit, remaining=remaining, reset=reset)


class RateLimitMiddleware:
    """Pure ASGI, after authentication: counts the verified caller; public routes have no caller and pass."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = scope.get("user")
        if scope["type"] != ScopeType.HTTP or not isinstance(principal, Principal):
            await self.app(scope, receive, send)
            return
        limiter: RateLimiter = scope["litestar_app"].state.rate_limiter
        decision = limiter.hit(principal)
        headers = decision.headers()
        if not decision.allowed:
            raise problems.RateLimited(
                f"Too many requests: at most {decision.limit} every {limiter.window} seconds. "
                f"Retry after {decision.reset} seconds.",
                headers={**headers, RETRY_AFTER: str(decision.reset)},
            )

        async def send_with_quota(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableScopeHeaders.from_message(message)
                for name, value in headers.items():
                    response_headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_quota)
