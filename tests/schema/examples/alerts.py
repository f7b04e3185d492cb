"""Examples for sos_schema.alerts."""

from typing import Any

from sos_schema import Alert, AlertAcknowledge, AlertSource, RaisedFor

CHILD = "0b0c0d0e-0000-4000-8000-000000000002"
WORKER = "0b0c0d0e-0000-4000-8000-000000000005"
VOICE = "0b0c0d0e-0000-4000-8000-0000000000a1"
ID = "0b0c0d0e-0000-4000-8000-0000000000a2"
META = {
    "la_code": "845",
    "version": 1,
    "created_at": "2026-11-02T10:00:00Z",
    "created_by": "worker-1",
    "recorded_by": "worker-1",
    "updated_at": "2026-11-02T10:00:00Z",
}
ALERT: dict[str, Any] = {
    "id": ID,
    "meta": META,
    "child_id": CHILD,
    "reason": "child_feels_unsafe",
    "detail": 'In their three houses the child says a worry makes them feel unsafe: "I hide under the bed".',
    "source": {"kind": "child_voice", "id": VOICE},
    "raised_for": {"allocated_worker": WORKER, "team": "Team North"},
}

VALID: list[tuple[type, dict[str, Any]]] = [
    (AlertSource, {"kind": "child_voice", "id": VOICE}),
    (RaisedFor, {"allocated_worker": WORKER, "team": "Team North"}),
    (RaisedFor, {}),
    (Alert, ALERT),
    (
        Alert,
        {
            **ALERT,
            "raised_for": {},
            "status": "acknowledged",
            "acknowledged_by": "worker-1",
            "acknowledged_at": "2026-11-02T11:00:00Z",
            "note": "Visited Amira at school the same afternoon.",
        },
    ),
    (AlertAcknowledge, {}),
    (AlertAcknowledge, {"note": "Visited Amira at school the same afternoon."}),
]

INVALID: list[tuple[type, dict[str, Any], str, bool]] = [
    (Alert, {**ALERT, "reason": "bored"}, "$.reason", False),
    (Alert, {**ALERT, "status": "closed"}, "$.status", False),
    (Alert, {k: v for k, v in ALERT.items() if k != "detail"}, "detail", False),
    (AlertSource, {"kind": "", "id": VOICE}, "$.kind", False),
    (AlertAcknowledge, {"note": ""}, "$.note", False),
    (AlertAcknowledge, {"acknowledged_by": "me"}, "unknown field", False),
]
