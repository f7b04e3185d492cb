"""`/v1/webhook-subscriptions`: a client organisation's subscriptions and their deliveries (interop R30, R31)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple
from uuid import UUID

from litestar import Request, Response

from sos_schema import (
    WebhookDelivery,
    WebhookSecret,
    WebhookSubscription,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
)

from .. import idempotency
from ..auth.policy import PARTNER_SYSTEMS, SUBSCRIBERS, Rule, register_rules
from ..context import Actor
from ..http import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    api_route,
    clamp_limit,
    cursors_of,
    db_of,
    expected_version,
    json_response,
    page_of,
    read_body,
)
from ..settings import Settings
from . import service

TAG = "webhooks"
PATH = "/v1/webhook-subscriptions"
ITEM = PATH + "/{subscription_id:uuid}"


class Written(NamedTuple):
    """A write's answer and the subscription it changed: what a replayed Idempotency-Key records as read."""

    content: bytes
    id: UUID
    version: int


def _rule(access: str) -> Rule:
    # A council's own systems (scope system/webhooks.*) and its administrators; a partner agency's system with the
    # same scope. Partner systems hear only of cases that involve their agency (policy.subscriber_scope).
    return Rule(SUBSCRIBERS, "webhooks", access, purpose="integration_sync", scoped=PARTNER_SYSTEMS)


register_rules(
    {
        "createWebhookSubscription": _rule("c"),
        "listWebhookSubscriptions": _rule("s"),
        "getWebhookSubscription": _rule("r"),
        "replaceWebhookSubscription": _rule("u"),
        "rotateWebhookSecret": _rule("u"),
        "listWebhookDeliveries": _rule("r"),
        "redeliverWebhook": _rule("u"),
    }
)

EVENTS = (
    "Each delivery is a POST of a thin event (`WebhookEvent`: the record's type, id, version, op and changes-feed "
    "`position`, never its content) signed as Standard Webhooks: `webhook-id` (the delivery's id, the same on every "
    "retry), `webhook-timestamp` (Unix seconds; refuse one more than 5 minutes from your clock) and "
    "`webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` under the "
    "secret after `whsec_`; during a rotation, a second signature by the previous secret). Answer 2xx within 15 s; "
    "anything else is retried with backoff and jitter for about three days (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, "
    "14 h, 20 h, 24 h), honouring Retry-After on 429 and 503; 410 Gone disables the subscription. A subscription "
    "is told only of records its organisation may read, and of changes committed after it was made. Gaps in "
    "`position` are expected (filters, access); `GET /v1/changes` resynchronises."
)


def _settings(request: Request[Any, Any, Any]) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _with_etag(written: Written) -> Response[bytes]:
    return json_response(written.content, version=written.version)


def _accepted(written: Written) -> Response[bytes]:
    return json_response(written.content, status=202)


async def _change(
    request: Request[Any, Any, Any],
    actor: Actor,
    subscription_id: UUID,
    change: Callable[[], Awaitable[tuple[bytes, int]]],
    respond: Callable[[Written], Response[bytes]] = _with_etag,
) -> Response[bytes]:
    """A change to one subscription, made once per Idempotency-Key: a replay is answered as the first run was."""

    async def write() -> Written:
        content, version = await change()
        return Written(content, subscription_id, version)

    return await idempotency.once(request, actor, service.OBJECT, write, respond)


@api_route(
    "POST",
    PATH,
    operation_id="createWebhookSubscription",
    tag=TAG,
    summary="Subscribe a URL to events about the organisation's records; the signing secret is shown once",
    body=WebhookSubscriptionCreate,
    returns=WebhookSubscriptionCreated,
    status=201,
    location=True,
    idempotent=True,
    description=EVENTS + " A URL that is not https, or whose host resolves to a private, loopback or link-local "
    "address, is 422 `target-not-allowed`.",
)
async def create_subscription(request: Request[Any, Any, Any], actor: Actor) -> Response[bytes]:
    body = await read_body(request, WebhookSubscriptionCreate)

    async def write() -> Written:
        content, sub_id = await service.create(db_of(request), _settings(request), actor, body)
        return Written(content, sub_id, 1)

    def respond(written: Written) -> Response[bytes]:
        return json_response(written.content, status=201, version=1, location=f"{PATH}/{written.id}")

    return await idempotency.once(request, actor, service.OBJECT, write, respond)


@api_route(
    "GET",
    PATH,
    operation_id="listWebhookSubscriptions",
    tag=TAG,
    summary="The organisation's webhook subscriptions, oldest first",
    returns=page_of(WebhookSubscription),
    paged=True,
)
async def list_subscriptions(
    request: Request[Any, Any, Any], actor: Actor, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Response[bytes]:
    body = await service.list_subscriptions(db_of(request), actor, cursors_of(request), cursor, clamp_limit(limit))
    return json_response(body)


@api_route(
    "GET",
    ITEM,
    operation_id="getWebhookSubscription",
    tag=TAG,
    summary="One webhook subscription (never its secret)",
    returns=WebhookSubscription,
    etag=True,
    problems_=(404,),
)
async def get_subscription(request: Request[Any, Any, Any], actor: Actor, subscription_id: UUID) -> Response[bytes]:
    content, version = await service.read(db_of(request), actor, subscription_id)
    return json_response(content, version=version)


@api_route(
    "PUT",
    ITEM,
    operation_id="replaceWebhookSubscription",
    tag=TAG,
    summary="Change a subscription's URL or event types, or disable it (`enabled: false`) or enable it again",
    body=WebhookSubscriptionCreate,
    returns=WebhookSubscription,
    etag=True,
    if_match=True,
    idempotent=True,
    problems_=(404,),
)
async def replace_subscription(request: Request[Any, Any, Any], actor: Actor, subscription_id: UUID) -> Response[bytes]:
    expected = expected_version(request)
    body = await read_body(request, WebhookSubscriptionCreate)
    settings = _settings(request)
    return await _change(
        request,
        actor,
        subscription_id,
        lambda: service.replace(db_of(request), settings, actor, subscription_id, expected, body),
    )


@api_route(
    "POST",
    ITEM + "/rotate-secret",
    operation_id="rotateWebhookSecret",
    tag=TAG,
    summary="A new signing secret (shown once); the previous one also signs for 24 hours",
    returns=WebhookSecret,
    etag=True,
    idempotent=True,
    problems_=(404, 409),
)
async def rotate_secret(request: Request[Any, Any, Any], actor: Actor, subscription_id: UUID) -> Response[bytes]:
    return await _change(
        request, actor, subscription_id, lambda: service.rotate_secret(db_of(request), actor, subscription_id)
    )


@api_route(
    "GET",
    ITEM + "/deliveries",
    operation_id="listWebhookDeliveries",
    tag=TAG,
    summary="A subscription's deliveries and how each went, newest change first",
    returns=page_of(WebhookDelivery),
    paged=True,
    problems_=(404,),
)
async def list_deliveries(
    request: Request[Any, Any, Any],
    actor: Actor,
    subscription_id: UUID,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Response[bytes]:
    body = await service.list_deliveries(
        db_of(request), actor, cursors_of(request), subscription_id, cursor, clamp_limit(limit)
    )
    return json_response(body)


@api_route(
    "POST",
    ITEM + "/deliveries/{delivery_id:uuid}/redeliver",
    operation_id="redeliverWebhook",
    tag=TAG,
    summary="Send a delivery again now, with a fresh retry schedule (same webhook-id)",
    returns=WebhookDelivery,
    status=202,
    idempotent=True,
    problems_=(404, 409),
)
async def redeliver(
    request: Request[Any, Any, Any], actor: Actor, subscription_id: UUID, delivery_id: UUID
) -> Response[bytes]:
    return await _change(
        request,
        actor,
        subscription_id,
        lambda: service.redeliver(db_of(request), actor, subscription_id, delivery_id),
        _accepted,
    )


ROUTES = [
    create_subscription,
    list_subscriptions,
    get_subscription,
    replace_subscription,
    rotate_secret,
    list_deliveries,
    redeliver,
]
