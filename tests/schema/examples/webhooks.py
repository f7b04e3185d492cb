"""Examples for sos_schema.webhooks."""

from typing import Any

from sos_schema import (
    WebhookDelivery,
    WebhookEvent,
    WebhookEventData,
    WebhookSecret,
    WebhookSubscription,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
)

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
CREATE: dict[str, Any] = {
    "url": "https://sync.example.gov.uk/hooks/sos",
    "event_types": ["person.updated", "statutory_plan.*"],
}
SUBSCRIPTION: dict[str, Any] = {
    "id": "0b0c0d0e-0000-4000-8000-0000000000f1",
    "owner": "la:845",
    "url": "https://sync.example.gov.uk/hooks/sos",
    "event_types": ["person.updated", "statutory_plan.*"],
    "enabled": True,
    "version": 1,
    "created_at": "2026-12-01T09:30:00Z",
    "updated_at": "2026-12-01T09:30:00Z",
}
DELIVERY: dict[str, Any] = {
    "id": "0b0c0d0e-0000-4000-8000-0000000000f2",
    "subscription_id": "0b0c0d0e-0000-4000-8000-0000000000f1",
    "event_type": "person.updated",
    "position": "7741.1203",
    "status": "pending",
    "attempts": 1,
    "next_attempt_at": "2026-12-01T09:30:05Z",
    "last_status": 500,
    "created_at": "2026-12-01T09:30:00Z",
}
DATA: dict[str, Any] = {
    "type": "person",
    "id": "0b0c0d0e-0000-4000-8000-0000000000e1",
    "version": 3,
    "op": "upsert",
    "seq": 1203,
    "position": "7741.1203",
    "occurred_at": "2026-12-01T09:30:00Z",
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (WebhookSubscriptionCreate, CREATE),
    (WebhookSubscriptionCreate, {"url": "https://hooks.example.org", "event_types": ["*"], "enabled": False}),
    (WebhookSubscription, SUBSCRIPTION),
    (WebhookSubscription, {**SUBSCRIPTION, "enabled": False, "disabled_reason": "The target answered 410 Gone."}),
    (WebhookSubscriptionCreated, {**SUBSCRIPTION, "secret": SECRET}),
    (WebhookSecret, {"secret": SECRET, "previous_secret_until": "2026-12-02T09:30:00Z"}),
    (WebhookDelivery, DELIVERY),
    (
        WebhookDelivery,
        {**DELIVERY, "status": "delivered", "next_attempt_at": None, "delivered_at": "2026-12-01T09:31:00Z"},
    ),
    (WebhookEventData, DATA),
    (WebhookEvent, {"type": "person.updated", "timestamp": "2026-12-01T09:30:01Z", "data": DATA}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (WebhookSubscriptionCreate, {**CREATE, "url": "ftp://sync.example.gov.uk/x"}, "$.url", False),
    (WebhookSubscriptionCreate, {**CREATE, "event_types": []}, "$.event_types", False),
    (WebhookSubscriptionCreate, {**CREATE, "event_types": ["Person Updated"]}, "$.event_types[0]", False),
    (WebhookSubscriptionCreate, {**CREATE, "secret": SECRET}, "secret", False),
    (WebhookSecret, {"secret": "hunter2", "previous_secret_until": "2026-12-02T09:30:00Z"}, "$.secret", False),
    (WebhookDelivery, {**DELIVERY, "status": "lost"}, "$.status", False),
    (WebhookEventData, {**DATA, "op": "purge"}, "$.op", False),
]
