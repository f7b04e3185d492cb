"""Examples for sos_schema.audit."""

from typing import Any

from sos_schema import AccessEvent, AccessEventPage

CHILD = "3b0c0d0e-0000-4000-8000-000000000001"
ID = "3b0c0d0e-0000-4000-8000-0000000000aa"
CASE = "3b0c0d0e-0000-4000-8000-0000000000ab"

EVENT: dict[str, Any] = {
    "id": ID,
    "at": "2026-11-02T10:00:00Z",
    "user": "worker-1",
    "role": "social_worker",
    "organisation": "la:845",
    "action": "read",
    "object_type": "assessment_map",
    "object_id": ID,
    "object_version": 3,
    "child_ids": [CHILD],
    "case_id": CASE,
    "purpose": "direct_work",
    "request_id": "req-7f3a9c",
    "source_ip": "203.0.113.7",
    "outcome": "allowed",
}
DENIED: dict[str, Any] = {
    **EVENT,
    "user": "partner-health-1",
    "role": "partner_practitioner",
    "organisation": "ods:RXX01",
    "action": "denied",
    "object_version": None,
    "child_ids": [],
    "case_id": None,
    "outcome": "denied",
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (AccessEvent, EVENT),
    (AccessEvent, DENIED),
    (
        AccessEvent,
        {
            **EVENT,
            "action": "break_glass",
            "break_glass_reason": "Out-of-hours emergency; allocated worker unreachable.",
            "purpose": "legal",
        },
    ),
    (
        AccessEvent,
        {
            **EVENT,
            "client_app": "mosaic-sync",
            "action": "update",
            "purpose": "integration_sync",
            "source_ip": "2001:db8::1",
        },
    ),
    (AccessEvent, {**EVENT, "action": "export", "outcome": "error", "future_field": "tolerated on output"}),
    (AccessEventPage, {"items": [EVENT, DENIED], "next_cursor": "eyJhZnRlciI6IjEyMyJ9.sig"}),
    (AccessEventPage, {"items": []}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (AccessEvent, {**EVENT, "action": "break_glass"}, "break_glass_reason is required", True),
    (AccessEvent, {**EVENT, "break_glass_reason": "Curious."}, "only recorded when action is break_glass", True),
    (AccessEvent, {**EVENT, "action": "denied"}, "a denied action has the outcome denied", True),
    (AccessEvent, {**EVENT, "action": "delete"}, "$.action", False),
    (AccessEvent, {**EVENT, "purpose": "curiosity"}, "$.purpose", False),
    (AccessEvent, {**EVENT, "outcome": "maybe"}, "$.outcome", False),
    (AccessEvent, {**EVENT, "at": "2026-11-02T10:00:00"}, "$.at", False),
    (AccessEvent, {**EVENT, "object_type": "Assessment Map"}, "$.object_type", False),
    (AccessEvent, {**EVENT, "object_version": 0}, "$.object_version", False),
    (AccessEvent, {**EVENT, "source_ip": "not-an-ip"}, "$.source_ip", False),
    (AccessEvent, {k: v for k, v in EVENT.items() if k != "case_id"}, "case_id", False),
    (AccessEvent, {k: v for k, v in EVENT.items() if k != "request_id"}, "request_id", False),
    (AccessEventPage, {"items": [{**EVENT, "action": "break_glass"}]}, "break_glass_reason is required", True),
    (AccessEventPage, {"items": [], "next_cursor": ""}, "$.next_cursor", False),
]
