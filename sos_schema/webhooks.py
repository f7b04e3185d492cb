"""Webhooks (interop R25, R30, R31): subscriptions a client organisation keeps, the deliveries made to them, and
the event each delivery carries.

An event is thin (R25): it names the record, its version and where the change stands in the changes feed, never
its content; the receiver reads what it needs with its own token (`GET /v1/<kind>/{id}`), which is audited. Each
delivery is signed as Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64
HMAC-SHA256 of "{id}.{timestamp}.{body}">`) with the subscription's secret; during a rotation both secrets sign.
"""

from __future__ import annotations

import enum
from typing import Annotated
from uuid import UUID

from msgspec import Meta

from ._base import INT4_MAX, Input, Instant, Output
from .changes import ChangeOp

__all__ = [
    "DomainEvent",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookEvent",
    "WebhookEventData",
    "WebhookSecret",
    "WebhookSubscription",
    "WebhookSubscriptionCreate",
    "WebhookSubscriptionCreated",
]


class DomainEvent(enum.StrEnum):
    """The named events (interop R31), beside the generic ones; each mirrors a change in the feed and carries its
    `seq`. `person.updated`: any write to a person. `cp_plan.started`: a child protection plan made (not a revision
    of one); `cp_plan.ended`: its end recorded. `placement.changed`: a placement plan made or changed.
    `assessment_map.published`: a map finalised. `safety_plan.updated`: a safety plan made or changed.
    `contribution.received`: a contribution arrived; `contribution.status_changed`: its status moved on.
    `flag.accessed`: a child's flags were looked up from unscheduled care (only the owning council hears of it)."""

    person_updated = "person.updated"
    cp_plan_started = "cp_plan.started"
    cp_plan_ended = "cp_plan.ended"
    placement_changed = "placement.changed"
    assessment_map_published = "assessment_map.published"
    safety_plan_updated = "safety_plan.updated"
    contribution_received = "contribution.received"
    contribution_status_changed = "contribution.status_changed"
    flag_accessed = "flag.accessed"


TargetUrl = Annotated[
    str,
    Meta(
        min_length=10,
        max_length=2000,
        pattern=r"^https?://[^\s/?#@]+(/[^\s]*)?$",
        description=(
            "Where events are POSTed: https (http only where the server allows it for testing). A host that "
            "resolves to a private, loopback or link-local address is refused (422 target-not-allowed)."
        ),
        examples=["https://sync.example.gov.uk/hooks/sos"],
    ),
]
EventType = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=60,
        pattern=r"^(\*|[a-z][a-z_]{0,39}\.(\*|[a-z][a-z_]{0,19}))$",
        description=(
            "`<type>.created`, `<type>.updated` or `<type>.deleted` (entered in error), `<type>.*` for all three, "
            "or `*` for every event; `<type>` is a kind of record as the changes feed names it. Or a named event "
            "(DomainEvent; also listed as `webhook_events` in /.well-known/api-configuration), e.g. "
            "`cp_plan.started`: where one names a change and the subscription asks for it (and not for the "
            "change's own generic type), the delivery carries that name. Anything else is 422 unknown-type."
        ),
        examples=["person.updated", "statutory_plan.*", "cp_plan.started", "*"],
    ),
]
Secret = Annotated[
    str,
    Meta(
        max_length=100,
        pattern=r"^whsec_[A-Za-z0-9+/]+={0,2}$",
        description="The signing secret, `whsec_` then base64 of 32 random bytes. Shown once: keep it.",
    ),
]
Position = Annotated[
    str,
    Meta(
        max_length=41,  # two int64s in decimal and the dot
        pattern=r"^[0-9]+\.[0-9]+$",
        description="Where the change stands in the changes feed's commit order (as a feed item's `position`).",
        examples=["7741.1203"],
    ),
]


class WebhookSubscriptionCreate(Input, kw_only=True):
    """A subscription as the client sends it, to create one or replace one (PUT). `enabled: false` disables it;
    true enables it again (a target that answered 410 Gone disabled it)."""

    url: TargetUrl
    event_types: Annotated[list[EventType], Meta(min_length=1, max_length=100)]
    enabled: bool = True


class WebhookSubscription(Output, kw_only=True):
    """A subscription as stored. It is told only of records its organisation may read (the same policy as its
    reads), from the changes committed after it was made."""

    id: UUID
    owner: Annotated[str, Meta(max_length=30, description="The organisation that owns it, e.g. `la:845` or `ods:RX1`.")]
    url: Annotated[str, Meta(max_length=2000)]
    event_types: Annotated[list[Annotated[str, Meta(max_length=60)]], Meta(max_length=100)]
    enabled: bool
    disabled_reason: Annotated[str, Meta(max_length=2000)] | None = None
    previous_secret_until: Annotated[
        Instant | None,
        Meta(description="Until when the secret before the last rotation still signs deliveries (both do till then)."),
    ] = None
    version: Annotated[int, Meta(ge=1, le=INT4_MAX)]
    created_at: Instant
    updated_at: Instant


class WebhookSubscriptionCreated(WebhookSubscription, kw_only=True):
    """The new subscription, with its signing secret: the only time the secret is shown."""

    secret: Secret


class WebhookSecret(Output, kw_only=True):
    """A new signing secret (shown once). The previous one signs too until `previous_secret_until`."""

    secret: Secret
    previous_secret_until: Instant


class WebhookDeliveryStatus(enum.StrEnum):
    """`pending`: owed (to be tried at `next_attempt_at`); `delivered`: the target answered 2xx; `failed`: retries
    ran out (about three days) or the target answered 410 Gone."""

    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class WebhookDelivery(Output, kw_only=True):
    """One event owed to one subscription, and how its delivery went. `id` is the `webhook-id` it is sent with,
    the same on every attempt (receivers use it to ignore repeats)."""

    id: UUID
    subscription_id: UUID
    event_type: Annotated[str, Meta(max_length=60)]
    position: Position
    status: WebhookDeliveryStatus
    attempts: Annotated[int, Meta(ge=0, le=INT4_MAX)]
    next_attempt_at: Instant | None = None
    last_status: Annotated[int, Meta(ge=0, le=999)] | None = None
    last_error: Annotated[str, Meta(max_length=2000)] | None = None
    delivered_at: Instant | None = None
    created_at: Instant


class WebhookEventData(Output, kw_only=True):
    """What changed, as a changes-feed item names it: no content (R25)."""

    type: Annotated[str, Meta(description="The kind of record.", examples=["person", "statutory_plan"])]
    id: UUID
    version: Annotated[int, Meta(ge=1, le=INT4_MAX)]
    op: ChangeOp
    seq: Annotated[int, Meta(ge=1, description="The change's number in the outbox.")]
    position: Position
    occurred_at: Instant


class WebhookEvent(Output, kw_only=True):
    """The body of a delivery (Standard Webhooks payload). A gap in `position`s is not an error: the subscription
    is told only of what it asked for and may read; `GET /v1/changes` is the way to resynchronise."""

    type: Annotated[str, Meta(examples=["person.updated"])]
    timestamp: Instant
    data: WebhookEventData
