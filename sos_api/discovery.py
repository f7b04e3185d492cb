"""`GET /.well-known/api-configuration` (interop R23): what an integrator needs before the first call.

Built from the same settings and policy table the server enforces, so it cannot drift from behaviour.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response
from msgspec import Meta

from sos_schema import DomainEvent, PurposeOfUse

from .auth.policy import OPERATIONS
from .auth.roles import Role
from .auth.tokens import ALLOWED_ALGORITHMS
from .http import DEFAULT_LIMIT, MAX_LIMIT, encode, json_response, service_route
from .settings import Settings

# Bounds for the OpenAPI document (every string and list is bounded, every number has its range): this is a
# response, so they describe what the server sends rather than refuse anything.
Word = Annotated[str, Meta(max_length=100)]
Url = Annotated[str, Meta(max_length=2048)]
Count = Annotated[int, Meta(ge=0, le=2**31 - 1)]
Few = Meta(max_length=100)
Many = Meta(max_length=1000)


class TrustedIssuer(msgspec.Struct, kw_only=True):
    issuer: Url
    audience: Url
    jwks_uri: Url | None = None
    organisations: Annotated[list[Word], Many] = []
    algorithms: Annotated[list[Word], Few]


class Limits(msgspec.Struct, kw_only=True):
    max_body_bytes: Count
    default_page_size: Count
    max_page_size: Count
    jwt_leeway_seconds: Count
    # How long an Idempotency-Key's response is kept for replay (interop R12: the server publishes its expiry).
    idempotency_key_hours: Count
    # Interop R29: requests per window for each caller; integration clients and partner systems get the larger.
    rate_limit_window_seconds: Count
    rate_limit_user_requests: Count
    rate_limit_client_requests: Count


class ApiConfiguration(msgspec.Struct, kw_only=True):
    """How to call this API: who may issue tokens for it, which roles and scopes it knows, and its limits."""

    api_versions: Annotated[list[Word], Few]
    issuers: Annotated[list[TrustedIssuer], Few]
    roles: Annotated[list[Word], Few]
    scopes: Annotated[list[Word], Many]
    organisation_claim: Word
    purposes_of_use: Annotated[list[Word], Few]
    limits: Limits
    webhook_signing_keys: Annotated[list[dict[str, Any]], Few]
    # Interop R31: the named events a webhook subscription may ask for, beside `<kind>.created|updated|deleted|*`.
    webhook_events: Annotated[list[DomainEvent], Few]


def configuration(settings: Settings, base_url: str) -> ApiConfiguration:
    issuers = [
        TrustedIssuer(
            issuer=i.issuer,
            audience=i.audience,
            jwks_uri=i.jwks_url,
            organisations=list(i.organisations),
            algorithms=sorted(set(i.algorithms) & ALLOWED_ALGORITHMS),
        )
        for i in settings.issuers
    ]
    if settings.trusts_local_issuer:
        issuers.append(
            TrustedIssuer(
                issuer=settings.local_issuer_name,
                audience=settings.audience,
                jwks_uri=f"{base_url}/.well-known/jwks.json",
                algorithms=["RS256"],
            )
        )
    access: dict[str, set[str]] = {}
    for rule in OPERATIONS.values():
        access.setdefault(rule.resource, set()).update(rule.access)
    scopes = [
        f"system/{resource}.{''.join(sorted(letters, key='cruds'.index))}" for resource, letters in access.items()
    ]
    return ApiConfiguration(
        api_versions=["v1"],
        issuers=issuers,
        roles=[r.value for r in Role],
        scopes=sorted(scopes),
        organisation_claim="org",
        purposes_of_use=[p.value for p in PurposeOfUse],
        limits=Limits(
            max_body_bytes=settings.max_body_bytes,
            default_page_size=DEFAULT_LIMIT,
            max_page_size=MAX_LIMIT,
            jwt_leeway_seconds=settings.jwt_leeway_seconds,
            idempotency_key_hours=settings.idempotency_key_hours,
            rate_limit_window_seconds=settings.rate_limit_window_seconds,
            rate_limit_user_requests=settings.rate_limit_user_requests,
            rate_limit_client_requests=settings.rate_limit_client_requests,
        ),
        webhook_signing_keys=[],
        webhook_events=list(DomainEvent),
    )


@service_route(
    "/.well-known/api-configuration",
    "getApiConfiguration",
    "Discovery: token issuers, audience, roles, scopes and limits",
    returns=ApiConfiguration,
)
async def api_configuration(request: Request[Any, Any, Any]) -> Response[bytes]:
    base_url = str(request.base_url).rstrip("/")
    return json_response(encode(configuration(request.app.state.settings, base_url)))
