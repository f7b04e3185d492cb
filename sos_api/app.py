"""The application factory: `create_app(settings)` assembles everything; nothing happens at import."""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from litestar import Litestar, Request, Response
from litestar.datastructures import MutableScopeHeaders, State
from litestar.di import Provide
from litestar.enums import ScopeType
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from msgspec import Meta

from . import areas, problems
from .audit.denials import record_denial
from .audit.routes import ROUTES as AUDIT_ROUTES
from .auth.tokens import TokenRejected, TokenVerifier
from .context import provide_actor
from .correlation import RULE as REQUEST_ID_RULE
from .correlation import usable as usable_request_id
from .db.embedded import embedded_app_url, stop_embedded
from .db.engine import Database
from .discovery import api_configuration
from .docs import assets_router
from .http import Cursors, encode, json_response, service_route
from .metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from .metrics import Metrics
from .rate_limit import RateLimiter, RateLimitMiddleware
from .request_log import RequestLogMiddleware
from .settings import Settings
from .webhooks.worker import run_worker

log = logging.getLogger(__name__)

REQUEST_ID_HEADERS = ("x-request-id", "x-correlation-id")


class RequestIdMiddleware:
    """Accept X-Request-ID / X-Correlation-ID (or make one), keep it for audit, echo it back (interop R28)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        sent: dict[str, str] = {}
        for name, value in scope.get("headers", []):
            header = name.decode("latin-1")
            if header in REQUEST_ID_HEADERS:
                sent.setdefault(header, value.decode("latin-1"))
        request_id = sent.get("x-request-id")
        if request_id is not None and not usable_request_id(request_id):
            # Documented with its pattern, so refused rather than replaced (sos_api/correlation.py).
            raise problems.BadRequest(REQUEST_ID_RULE)
        if request_id is None and usable_request_id(sent.get("x-correlation-id", "")):
            request_id = sent["x-correlation-id"]
        request_id = request_id or str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message)["X-Request-ID"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    """Every route needs a verified bearer token unless it is marked `exclude_from_auth` (public)."""

    async def authenticate_request(self, connection: Any) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise problems.Unauthenticated("A bearer token is required.", token_sent=False)
        verifier: TokenVerifier = connection.app.state.verifier
        try:
            principal = await verifier.verify(token.strip())
        except TokenRejected as exc:
            log.info("token rejected: %s", exc)
            raise problems.Unauthenticated("The token was not accepted.") from exc
        return AuthenticationResult(user=principal, auth=None)


class Health(msgspec.Struct, kw_only=True):
    """The process is up (it says nothing of the database: see /ready)."""

    status: Literal["ok"]


class Ready(msgspec.Struct, kw_only=True):
    """The database answered."""

    status: Literal["ready"]


B64 = Annotated[str, Meta(max_length=1024, pattern=r"^[A-Za-z0-9_-]+$", description="base64url, unpadded.")]


class Jwk(msgspec.Struct, kw_only=True):
    """One RSA public key (RFC 7517, RFC 7518 section 6.3), named by its RFC 7638 thumbprint."""

    kty: Literal["RSA"]
    use: Literal["sig"]
    alg: Literal["RS256"]
    kid: Annotated[B64, Meta(description="The key's RFC 7638 thumbprint; tokens name it in their `kid` header.")]
    n: Annotated[B64, Meta(description="The modulus.")]
    e: Annotated[B64, Meta(description="The public exponent.")]


class Jwks(msgspec.Struct, kw_only=True):
    """The local issuer's public keys (none unless SOS_LOCAL_ISSUER is on)."""

    keys: Annotated[list[Jwk], Meta(max_length=10)]


HEALTHY = encode(Health(status="ok"))
READY = encode(Ready(status="ready"))


@service_route("/health", "getHealth", "The process is up", returns=Health)
async def health() -> Response[bytes]:
    return json_response(HEALTHY)


@service_route("/ready", "getReady", "The database is reachable", returns=Ready, problems_=(503,))
async def ready(request: Request[Any, Any, Any]) -> Response[bytes]:
    try:
        await request.app.state.db.ping()
    except Exception as exc:  # any failure to reach the database means "not ready"
        log.warning("readiness check failed: %s", exc)
        raise ServiceUnavailable("The database is not reachable.") from exc
    return json_response(READY)


class ServiceUnavailable(problems.ProblemError, status=503): ...


@service_route(
    "/metrics",
    "getMetrics",
    "Prometheus metrics: requests and latency by route template, database pool, outbox lag",
    text=True,
    problems_=(404,),
    description="No token: nothing in it names a person or a record (sos_api/metrics.py). Keep it off the public "
    "host; SOS_METRICS=false answers 404.",
)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    if not request.app.state.settings.metrics:
        raise problems.NotFound("Metrics are switched off (SOS_METRICS=false).")
    body = await request.app.state.metrics.exposition(request.app.state.db)
    return Response(body, media_type=METRICS_CONTENT_TYPE)


@service_route("/.well-known/jwks.json", "getJwks", "Public keys of the local issuer", returns=Jwks)
async def jwks(request: Request[Any, Any, Any]) -> Response[bytes]:
    keys: Jwks = request.app.state.jwks
    return json_response(encode(keys))


def cursor_secret(settings: Settings) -> bytes:
    """The cursor signing secret, kept in SOS_DATA_DIR so every worker and restart agrees on it."""
    path = Path(settings.data_dir) / "keys" / "cursor-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(secrets.token_bytes(32))
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_bytes()


def create_app(settings: Settings, *, database_url: str | None = None) -> Litestar:
    """Build the API. `database_url` overrides the settings (tests give a per-test database)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        embedded = not (database_url or settings.database_url)
        url = database_url or settings.database_url or embedded_app_url(settings.data_dir)
        db = Database(url, pool_size=settings.pool_size, statement_cache=settings.database_statement_cache)
        app.state.db = db
        # SOS_WEBHOOKS_WORKER: deliver webhooks from this process too (safe with any number of them running).
        stop_worker = asyncio.Event()
        worker = asyncio.create_task(run_worker(db, settings, stop_worker)) if settings.webhooks_worker else None
        try:
            yield
        finally:
            if worker is not None:
                stop_worker.set()
                await worker
            await db.dispose()
            if embedded:  # uvicorn re-raises SIGTERM after shutdown, so no exit handler would stop it (pitfall 19)
                stop_embedded(settings.data_dir)

    if not settings.issuers and not settings.trusts_local_issuer:
        raise RuntimeError("No token issuers configured: set SOS_ISSUERS_FILE (or SOS_LOCAL_ISSUER for development).")

    from .openapi import openapi_config

    config: OpenAPIConfig = openapi_config()
    request_metrics = Metrics()
    verifier = TokenVerifier(settings)
    return Litestar(
        route_handlers=[
            health,
            ready,
            jwks,
            metrics,
            api_configuration,
            *areas.routes(),
            *AUDIT_ROUTES,
            assets_router(),
        ],
        after_exception=[record_denial],
        lifespan=[lifespan],
        middleware=[
            DefineMiddleware(RequestLogMiddleware, metrics=request_metrics),
            RequestIdMiddleware,
            DefineMiddleware(BearerAuthMiddleware),
            RateLimitMiddleware,  # after authentication: it counts the verified caller
        ],
        exception_handlers=problems.EXCEPTION_HANDLERS,
        dependencies={"actor": Provide(provide_actor)},
        request_max_body_size=settings.max_body_bytes,
        openapi_config=config,
        # Logging belongs to the process (sos_api/logs.py: JSON lines), not to the app: Litestar's default would
        # replace the root handler with its own plain-text one when the app starts.
        logging_config=None,
        state=State(
            {
                "settings": settings,
                "metrics": request_metrics,
                "verifier": verifier,
                "jwks": msgspec.convert(verifier.local_jwks, Jwks),
                "cursors": Cursors(cursor_secret(settings)),
                "rate_limiter": RateLimiter(settings),
            }
        ),
        debug=False,
    )
